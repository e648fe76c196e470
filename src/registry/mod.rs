//! Asking registries about a name: RDAP first (RFC 9082/9083, server from the IANA bootstrap or
//! `RECLAIM_RDAP_OVERRIDE`), port-43 WHOIS for TLDs without RDAP. Every answer comes back as
//! raw bytes (the evidence) with what was read from it. Errors are values the monitor records
//! and retries; nothing here panics on what a server sends.

pub mod bootstrap;
pub mod links;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

use crate::config::Settings;
use crate::model::digest::sha256_hex;
use crate::model::domain_name::DomainName;
use crate::model::monitoring::Source;
use crate::model::registry_record::{ParseError, RegistryRecord, merge_registrar_rdap, parse_rdap};
use crate::model::tld_policy::TldPolicy;
use crate::model::whois_parse::parse_whois;

pub use bootstrap::Bootstrap;

/// The largest answer read from a server; anything larger is refused, not truncated.
pub const MAX_ANSWER_BYTES: usize = 2 * 1024 * 1024;

/// One answer as received.
#[derive(Debug, Clone)]
pub struct Answer {
    pub source: Source,
    /// The URL, or `host:port` for WHOIS.
    pub server: String,
    pub fetched_at: DateTime<Utc>,
    pub http_status: Option<u16>,
    pub raw: Vec<u8>,
}

/// What a lookup found: the registry's answer, the registrar's if the registry pointed to it,
/// and the fields read from both.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub registry: Answer,
    pub registrar: Option<Answer>,
    pub record: RegistryRecord,
    /// Both answers are byte for byte those of the [`Known`] check given to
    /// [`RegistryClient::lookup_since`]: `record` is that check's, not read again.
    pub unchanged: bool,
}

/// What the name's last check received, to recognise the same answers before reading them: a
/// name asked every hour mostly gets the same bytes back (issue 17).
#[derive(Debug, Clone)]
pub struct Known {
    pub registry_status: Option<u16>,
    pub registry_sha256: String,
    /// The registrar's answer kept with it, if any.
    pub registrar: Option<(Option<u16>, String)>,
    /// What was read from both.
    pub record: RegistryRecord,
}

impl Known {
    fn same(status: Option<u16>, sha256: &str, answer: &Answer) -> bool {
        answer.http_status == status && sha256_hex(&answer.raw) == sha256
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum LookupError {
    #[error(
        "reclaim knows no RDAP or WHOIS server for .{tld}; set RECLAIM_RDAP_OVERRIDE or RECLAIM_WHOIS_OVERRIDE"
    )]
    NoServer { tld: String },
    #[error("{server} did not answer within {seconds} seconds")]
    Timeout { server: String, seconds: u64 },
    #[error("{server} asks to slow down ({said}){}", retry_after.map(|d| format!("; retry after {} seconds", d.as_secs())).unwrap_or_default())]
    RateLimited {
        server: String,
        /// How: `HTTP 429`, or the start of a WHOIS throttle answer.
        said: String,
        retry_after: Option<Duration>,
    },
    /// Not asked: the server's turn is further away than reclaim waits (its rate limit, or
    /// a Retry-After it sent earlier), so the name is checked later instead.
    #[error("{server} is not asked now: its turn under the rate limit is in {} seconds", wait.as_secs())]
    Deferred { server: String, wait: Duration },
    #[error("{server} answered HTTP {status}")]
    Http { server: String, status: u16 },
    /// A link inside an answer that reclaim does not follow (docs/registries.md §6.6).
    #[error("the link {server} in the registry's answer is not followed: {reason}")]
    LinkRefused {
        server: String,
        reason: links::LinkRefused,
    },
    #[error("{server} sent more than {limit} bytes; the answer was refused")]
    TooLarge { server: String, limit: usize },
    #[error("cannot reach {server}: {message}")]
    Connect { server: String, message: String },
    #[error("{server} sent an answer that cannot be read: {error}")]
    Malformed { server: String, error: ParseError },
}

impl LookupError {
    /// A short word for the error log.
    pub fn kind(&self) -> &'static str {
        match self {
            LookupError::NoServer { .. } => "no_server",
            LookupError::Timeout { .. } => "timeout",
            LookupError::RateLimited { .. } => "rate_limited",
            LookupError::Deferred { .. } => "deferred",
            LookupError::LinkRefused { .. } => "link_refused",
            LookupError::Http { .. } => "http",
            LookupError::TooLarge { .. } => "too_large",
            LookupError::Connect { .. } => "connect",
            LookupError::Malformed { .. } => "malformed",
        }
    }

    pub fn server(&self) -> &str {
        match self {
            LookupError::NoServer { .. } => "",
            LookupError::Timeout { server, .. }
            | LookupError::RateLimited { server, .. }
            | LookupError::Deferred { server, .. }
            | LookupError::LinkRefused { server, .. }
            | LookupError::Http { server, .. }
            | LookupError::TooLarge { server, .. }
            | LookupError::Connect { server, .. }
            | LookupError::Malformed { server, .. } => server,
        }
    }

    /// How long to wait before asking again, if the server said so (or its turn is known).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LookupError::RateLimited { retry_after, .. } => *retry_after,
            LookupError::Deferred { wait, .. } => Some(*wait),
            _ => None,
        }
    }
}

/// The longest a query waits for its server's turn; beyond it the query is refused as rate
/// limited (and the name checked later), so that a paused server or a long queue on one host
/// never stalls a sweep past the leases of the names it holds.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// The longest wait a server's `Retry-After` is taken at (seconds or a date alike).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Spaces out queries to each server: at most `per_minute` per host, and none while a host has
/// asked us to wait (HTTP 429 Retry-After).
#[derive(Debug)]
pub struct HostLimiter {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl HostLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            interval: Duration::from_secs(60) / per_minute.max(1),
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this host's next free slot, if it comes within [`MAX_WAIT`]; otherwise takes
    /// no slot and says how long the host is busy, so that the caller records "rate limited
    /// until …" and moves on instead of holding its leases while it sleeps.
    pub async fn acquire(&self, host: &str) -> Result<(), Duration> {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = next.get(host).copied().filter(|t| *t > now).unwrap_or(now);
            if slot - now > MAX_WAIT {
                return Err(slot - now);
            }
            next.insert(host.to_owned(), slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
        Ok(())
    }

    /// No query to `host` before `wait` has passed.
    pub fn pause(&self, host: &str, wait: Duration) {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let until = Instant::now() + wait;
        let entry = next.entry(host.to_owned()).or_insert(until);
        if *entry < until {
            *entry = until;
        }
    }
}

/// One server is a host and port: the same key as WHOIS's `host:port`.
fn host_key(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| url.to_owned())
}

/// Where and how a name is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// RDAP at this base URL.
    Rdap(String),
    /// Port-43 WHOIS at this `host:port`.
    Whois(String),
}

/// The registry client shared by the monitor, the API and the command line.
pub struct RegistryClient {
    http: reqwest::Client,
    bootstrap: RwLock<Arc<Bootstrap>>,
    rdap_overrides: BTreeMap<String, String>,
    rdap_every_tld: Option<String>,
    whois_overrides: BTreeMap<String, String>,
    limiter: HostLimiter,
    timeout: Duration,
    /// For links found inside answers: public addresses only, redirects on the same host.
    linked: reqwest::Client,
}

impl RegistryClient {
    pub fn new(settings: &Settings, bootstrap: Bootstrap) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "reclaim/",
                env!("CARGO_PKG_VERSION"),
                " (registry monitoring for a law firm)"
            ))
            .connect_timeout(settings.registry_timeout.min(Duration::from_secs(10)))
            .timeout(settings.registry_timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()?;
        let linked = reqwest::Client::builder()
            .user_agent(concat!(
                "reclaim/",
                env!("CARGO_PKG_VERSION"),
                " (registry monitoring for a law firm)"
            ))
            .connect_timeout(settings.registry_timeout.min(Duration::from_secs(10)))
            .timeout(settings.registry_timeout)
            .https_only(true)
            .dns_resolver(std::sync::Arc::new(links::PublicOnly))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let allowed = attempt.previous().len() <= 3
                    && attempt
                        .previous()
                        .last()
                        .is_some_and(|from| links::redirect_allowed(from, attempt.url()))
                    && links::check_rdap_link(attempt.url().as_str()).is_ok();
                if allowed {
                    attempt.follow()
                } else {
                    attempt.error("a redirect away from the registrar's host is not followed")
                }
            }))
            .build()?;
        Ok(Self {
            linked,
            http,
            bootstrap: RwLock::new(Arc::new(bootstrap)),
            rdap_overrides: settings.rdap_overrides.clone(),
            rdap_every_tld: settings.rdap_every_tld.clone(),
            whois_overrides: settings.whois_overrides.clone(),
            limiter: HostLimiter::new(settings.rdap_rate_limit),
            timeout: settings.registry_timeout,
        })
    }

    pub fn bootstrap(&self) -> Arc<Bootstrap> {
        self.bootstrap
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Uses a newer bootstrap from now on.
    pub fn replace_bootstrap(&self, bootstrap: Bootstrap) {
        *self.bootstrap.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(bootstrap);
    }

    /// The RDAP base URL for the name, if any: the demo's registry, an override, then the
    /// bootstrap.
    pub fn rdap_base(&self, name: &DomainName) -> Option<String> {
        if let Some(base) = &self.rdap_every_tld {
            return Some(base.clone());
        }
        self.rdap_overrides
            .get(name.tld())
            .cloned()
            .or_else(|| self.bootstrap().base_url(name.ascii()).map(str::to_owned))
    }

    /// How reclaim asks about `name`. The TLD policy decides the protocol (`rdap` in
    /// `data/tld_policy.toml`, the one source of truth, docs/registries.md §6): RDAP at the
    /// bootstrap's (or an override's) server when the policy says so, else port-43 WHOIS at the
    /// policy's server. An operator's override for the TLD (`RECLAIM_RDAP_OVERRIDE`,
    /// `RECLAIM_WHOIS_OVERRIDE`) and the demo's registry win over the policy; a policy saying
    /// RDAP for a TLD the bootstrap does not list falls back to its WHOIS server.
    pub fn route(&self, name: &DomainName, policy: &TldPolicy) -> Option<Route> {
        let tld = name.tld();
        if let Some(base) = &self.rdap_every_tld {
            return Some(Route::Rdap(base.clone()));
        }
        if let Some(base) = self.rdap_overrides.get(tld) {
            return Some(Route::Rdap(base.clone()));
        }
        if let Some(server) = self.whois_overrides.get(tld) {
            return Some(Route::Whois(server.clone()));
        }
        let rdap = policy
            .rdap
            .then(|| self.bootstrap().base_url(name.ascii()).map(str::to_owned))
            .flatten();
        rdap.map(Route::Rdap)
            .or_else(|| self.whois_server(name, policy).map(Route::Whois))
    }

    /// The WHOIS server for the name, if any: an override first, then the TLD policy.
    pub fn whois_server(&self, name: &DomainName, policy: &TldPolicy) -> Option<String> {
        self.whois_overrides
            .get(name.tld())
            .cloned()
            .or_else(|| policy.whois_server.as_ref().map(|h| format!("{h}:43")))
    }

    /// Whether `url` is on a server the configuration names (an override, the demo's registry,
    /// the IANA bootstrap): those are trusted as the operator set them.
    fn configured_rdap(&self, url: &str) -> bool {
        let origin = |u: &str| {
            reqwest::Url::parse(u).ok().map(|u| {
                (
                    u.scheme().to_owned(),
                    u.host_str().map(str::to_owned),
                    u.port_or_known_default(),
                )
            })
        };
        let Some(wanted) = origin(url) else {
            return false;
        };
        let bootstrap = self.bootstrap();
        self.rdap_every_tld
            .iter()
            .map(String::as_str)
            .chain(self.rdap_overrides.values().map(String::as_str))
            .chain(bootstrap.urls())
            .any(|server| origin(server).as_ref() == Some(&wanted))
    }

    /// Asks the registry about `name` now.
    pub async fn lookup(
        &self,
        name: &DomainName,
        policy: &TldPolicy,
    ) -> Result<Lookup, LookupError> {
        self.lookup_since(name, policy, None).await
    }

    /// [`Self::lookup`], knowing what the last check received: over RDAP, answers identical to
    /// those (same status, same SHA-256) are not parsed again (`Lookup::unchanged`). WHOIS
    /// answers are always read.
    pub async fn lookup_since(
        &self,
        name: &DomainName,
        policy: &TldPolicy,
        known: Option<&Known>,
    ) -> Result<Lookup, LookupError> {
        match self.route(name, policy) {
            Some(Route::Rdap(base)) => self.lookup_rdap(name, &base, known).await,
            Some(Route::Whois(server)) => self.lookup_whois(name, &server).await,
            None => Err(LookupError::NoServer {
                tld: name.tld().to_owned(),
            }),
        }
    }

    async fn lookup_rdap(
        &self,
        name: &DomainName,
        base: &str,
        known: Option<&Known>,
    ) -> Result<Lookup, LookupError> {
        let url = format!("{base}domain/{}", name.ascii());
        let registry = self.fetch_http(&url, Source::Rdap).await?;
        let status = registry.http_status.unwrap_or(0);
        // The same bytes as last time read the same: the link to follow is the one read then.
        let same = known.filter(|k| Known::same(k.registry_status, &k.registry_sha256, &registry));
        if status == 404 {
            // RFC 7480 §5.3: not in the registry's database, possibly available (docs/registries.md §3.3).
            return Ok(Lookup {
                unchanged: same.is_some_and(|k| k.registrar.is_none()),
                registry,
                registrar: None,
                record: RegistryRecord::default(),
            });
        }
        let parsed = match same {
            Some(_) => None,
            None => Some(
                parse_rdap(&registry.raw).map_err(|error| LookupError::Malformed {
                    server: url.clone(),
                    error,
                })?,
            ),
        };
        let link = match (&parsed, same) {
            (Some(record), _) => record.registrar_rdap_url.clone(),
            (None, Some(known)) => known.record.registrar_rdap_url.clone(),
            (None, None) => None,
        };
        // The registrar's RDAP has the holder's real expiry (docs/registries.md §1.2, §3.5); a
        // failure there does not spoil the registry's answer.
        let fetched = match link {
            Some(link) if link != url => Some((self.fetch_link(&link).await, link)),
            _ => None,
        };
        if let Some(known) = same {
            let registrar_same = match (&fetched, &known.registrar) {
                (None, None) => true,
                (Some((Ok(answer), _)), Some((status, sha256))) => {
                    Known::same(*status, sha256, answer)
                }
                _ => false,
            };
            if registrar_same {
                return Ok(Lookup {
                    registry,
                    registrar: fetched.and_then(|(answer, _)| answer.ok()),
                    record: known.record.clone(),
                    unchanged: true,
                });
            }
        }
        // The registry's answer is read now if it was the same but the registrar's is not.
        let record = match parsed {
            Some(record) => record,
            None => parse_rdap(&registry.raw).map_err(|error| LookupError::Malformed {
                server: url.clone(),
                error,
            })?,
        };
        let (record, registrar) = match fetched {
            Some((Ok(answer), link)) if answer.http_status == Some(200) => {
                match parse_rdap(&answer.raw) {
                    Ok(from_registrar) => {
                        (merge_registrar_rdap(record, &from_registrar), Some(answer))
                    }
                    Err(e) => {
                        tracing::info!(%link, error = %e, "registrar RDAP answer unreadable");
                        (record, Some(answer))
                    }
                }
            }
            Some((Ok(answer), _)) => (record, Some(answer)),
            Some((Err(e), link)) => {
                tracing::info!(%link, error = %e, "registrar RDAP not reached");
                (record, None)
            }
            None => (record, None),
        };
        Ok(Lookup {
            registry,
            registrar,
            record,
            unchanged: false,
        })
    }

    /// The registrar's RDAP, from the link in the registry's answer: followed as it is when it
    /// points at a configured server, else only under the rules of [`links`].
    async fn fetch_link(&self, link: &str) -> Result<Answer, LookupError> {
        if self.configured_rdap(link) {
            return self.fetch_http(link, Source::RdapRegistrar).await;
        }
        let refused = |reason| LookupError::LinkRefused {
            server: link.to_owned(),
            reason,
        };
        let url = links::check_rdap_link(link).map_err(refused)?;
        self.fetch_with(&self.linked, url.as_str(), Source::RdapRegistrar)
            .await
    }

    /// One HTTP GET: 200 and 404 are answers; 429, other statuses, timeouts and oversized bodies
    /// are errors.
    async fn fetch_http(&self, url: &str, source: Source) -> Result<Answer, LookupError> {
        self.fetch_with(&self.http, url, source).await
    }

    async fn fetch_with(
        &self,
        client: &reqwest::Client,
        url: &str,
        source: Source,
    ) -> Result<Answer, LookupError> {
        self.limiter
            .acquire(&host_key(url))
            .await
            .map_err(|wait| LookupError::Deferred {
                server: url.to_owned(),
                wait,
            })?;
        self.fetch_unspaced(client, url, source).await
    }

    /// The server `name` is asked at, as `host:port`: the key of this instance's rate limiter
    /// and of the drop watch's shared budget (`repo::drop_watch`).
    pub fn server_key(&self, name: &DomainName, policy: &TldPolicy) -> Option<String> {
        match self.route(name, policy)? {
            Route::Rdap(base) => Some(host_key(&format!("{base}domain/{}", name.ascii()))),
            Route::Whois(server) => Some(server),
        }
    }

    /// The drop watch's query (`app::drop_watch`): the registry's answer alone. A name in
    /// pending delete needs no registrar follow-up and a free name has none, so one query per
    /// check. Over RDAP the caller has taken the budget every instance shares, so this
    /// instance's spacing does not apply again (a 429 still pauses it); over WHOIS it does, as
    /// for any lookup.
    pub async fn ask_registry(
        &self,
        name: &DomainName,
        policy: &TldPolicy,
    ) -> Result<Lookup, LookupError> {
        match self.route(name, policy) {
            Some(Route::Rdap(base)) => {
                let url = format!("{base}domain/{}", name.ascii());
                let registry = self.fetch_unspaced(&self.http, &url, Source::Rdap).await?;
                let record = if registry.http_status == Some(404) {
                    // RFC 7480 §5.3 (docs/registries.md §3.3): not in the registry's database.
                    RegistryRecord::default()
                } else {
                    parse_rdap(&registry.raw).map_err(|error| LookupError::Malformed {
                        server: url.clone(),
                        error,
                    })?
                };
                Ok(Lookup {
                    registry,
                    registrar: None,
                    record,
                    unchanged: false,
                })
            }
            Some(Route::Whois(server)) => self.lookup_whois(name, &server).await,
            None => Err(LookupError::NoServer {
                tld: name.tld().to_owned(),
            }),
        }
    }

    async fn fetch_unspaced(
        &self,
        client: &reqwest::Client,
        url: &str,
        source: Source,
    ) -> Result<Answer, LookupError> {
        let host = host_key(url);
        let fetched_at = Utc::now();
        let response = client
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                "application/rdap+json, application/json;q=0.9",
            )
            .send()
            .await
            .map_err(|e| self.http_error(url, e))?;
        let status = response.status().as_u16();
        if status == 429 {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            // RFC 7480 §5.5 and icann-rdap-client: 60 s when the server does not say.
            self.limiter
                .pause(&host, retry_after.unwrap_or(Duration::from_secs(60)));
            return Err(LookupError::RateLimited {
                server: url.to_owned(),
                said: "HTTP 429".to_owned(),
                retry_after,
            });
        }
        if status != 200 && status != 404 {
            return Err(LookupError::Http {
                server: url.to_owned(),
                status,
            });
        }
        let raw = read_limited(response, url).await.map_err(|e| match e {
            ReadError::TooLarge => LookupError::TooLarge {
                server: url.to_owned(),
                limit: MAX_ANSWER_BYTES,
            },
            ReadError::Http(e) => self.http_error(url, e),
        })?;
        Ok(Answer {
            source,
            server: url.to_owned(),
            fetched_at,
            http_status: Some(status),
            raw,
        })
    }

    fn http_error(&self, url: &str, e: reqwest::Error) -> LookupError {
        if e.is_timeout() {
            LookupError::Timeout {
                server: url.to_owned(),
                seconds: self.timeout.as_secs(),
            }
        } else {
            LookupError::Connect {
                server: url.to_owned(),
                message: error_chain(&e),
            }
        }
    }

    async fn lookup_whois(&self, name: &DomainName, server: &str) -> Result<Lookup, LookupError> {
        let registry = self.fetch_whois(name, server, Source::Whois, None).await?;
        let text = String::from_utf8_lossy(&registry.raw).into_owned();
        let mut record = match parse_whois(name.tld(), &text) {
            Ok(record) => record,
            // A throttle answer is the registry asking to slow down (docs/registries.md §6): the
            // same as an HTTP 429 without Retry-After, never a reading of the name.
            Err(ParseError::Throttled(said)) => {
                self.limiter.pause(server, Duration::from_secs(60));
                return Err(LookupError::RateLimited {
                    server: server.to_owned(),
                    said,
                    retry_after: None,
                });
            }
            Err(error) => {
                return Err(LookupError::Malformed {
                    server: server.to_owned(),
                    error,
                });
            }
        };
        // Thin registries (.com, .net) refer to the registrar's WHOIS for the holder's expiry.
        let mut registrar = None;
        if let Some(referral) = record.whois_referral.clone() {
            let fetched = self.fetch_referral(name, &referral, server).await;
            if let Some(fetched) = fetched {
                match fetched {
                    Ok(answer) => {
                        let text = String::from_utf8_lossy(&answer.raw).into_owned();
                        if let Ok(from_registrar) = parse_whois("", &text) {
                            record.registrar_expires_at = from_registrar
                                .registrar_expires_at
                                .or(from_registrar.expires_at);
                            if record.registrant.is_none() {
                                record.registrant = from_registrar.registrant;
                            }
                        }
                        registrar = Some(answer);
                    }
                    Err(e) => {
                        tracing::info!(server = %referral, error = %e, "registrar WHOIS not reached")
                    }
                }
            }
        }
        Ok(Lookup {
            registry,
            registrar,
            record,
            unchanged: false,
        })
    }

    /// The registrar's WHOIS named in a thin registry's answer (`None` when it is the registry's
    /// own server). A referral the configuration maps (`RECLAIM_WHOIS_OVERRIDE`) is asked as
    /// configured; any other is asked on port 43 at a public address it resolves to, connecting
    /// to the address that was checked (docs/registries.md §6.6).
    async fn fetch_referral(
        &self,
        name: &DomainName,
        referral: &str,
        registry_server: &str,
    ) -> Option<Result<Answer, LookupError>> {
        if let Some(configured) = self.whois_overrides.get(&referral.to_ascii_lowercase()) {
            if configured == registry_server {
                return None;
            }
            return Some(
                self.fetch_whois(name, configured, Source::WhoisRegistrar, None)
                    .await,
            );
        }
        let refused = |reason| LookupError::LinkRefused {
            server: referral.to_owned(),
            reason,
        };
        let host = match links::check_whois_referral(referral) {
            Ok(host) => host,
            Err(reason) => return Some(Err(refused(reason))),
        };
        let server = format!("{host}:43");
        if server == registry_server {
            return None;
        }
        let address = match links::public_addresses(&host, 43).await {
            Ok(addresses) => addresses[0],
            Err(reason) => return Some(Err(refused(reason))),
        };
        Some(
            self.fetch_whois(name, &server, Source::WhoisRegistrar, Some(address))
                .await,
        )
    }

    /// One port-43 query (RFC 3912): the name and CRLF, then everything until the server closes.
    /// `address`, when given, is where to connect (already checked), `server` naming it.
    async fn fetch_whois(
        &self,
        name: &DomainName,
        server: &str,
        source: Source,
        address: Option<SocketAddr>,
    ) -> Result<Answer, LookupError> {
        self.limiter
            .acquire(server)
            .await
            .map_err(|wait| LookupError::Deferred {
                server: server.to_owned(),
                wait,
            })?;
        let fetched_at = Utc::now();
        let timeout = |_| LookupError::Timeout {
            server: server.to_owned(),
            seconds: self.timeout.as_secs(),
        };
        let connect_error = |e: std::io::Error| LookupError::Connect {
            server: server.to_owned(),
            message: e.to_string(),
        };
        let connect = async {
            match address {
                Some(address) => tokio::net::TcpStream::connect(address).await,
                None => tokio::net::TcpStream::connect(server).await,
            }
        };
        let mut stream = tokio::time::timeout(self.timeout, connect)
            .await
            .map_err(timeout)?
            .map_err(connect_error)?;
        let query = format!("{}\r\n", name.ascii());
        tokio::time::timeout(self.timeout, stream.write_all(query.as_bytes()))
            .await
            .map_err(timeout)?
            .map_err(connect_error)?;
        let mut raw = Vec::new();
        let read = async {
            let mut buffer = [0u8; 8192];
            loop {
                let n = stream.read(&mut buffer).await?;
                if n == 0 {
                    return Ok::<_, std::io::Error>(false);
                }
                raw.extend_from_slice(&buffer[..n]);
                if raw.len() > MAX_ANSWER_BYTES {
                    return Ok(true);
                }
            }
        };
        let too_large = tokio::time::timeout(self.timeout, read)
            .await
            .map_err(timeout)?
            .map_err(connect_error)?;
        if too_large {
            return Err(LookupError::TooLarge {
                server: server.to_owned(),
                limit: MAX_ANSWER_BYTES,
            });
        }
        Ok(Answer {
            source,
            server: server.to_owned(),
            fetched_at,
            http_status: None,
            raw,
        })
    }
}

enum ReadError {
    TooLarge,
    Http(reqwest::Error),
}

async fn read_limited(mut response: reqwest::Response, _url: &str) -> Result<Vec<u8>, ReadError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(ReadError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let when = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    (when - Utc::now())
        .to_std()
        .ok()
        .map(|wait| wait.min(MAX_RETRY_AFTER))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        let soon = (Utc::now() + chrono::Duration::seconds(90)).to_rfc2822();
        let parsed = parse_retry_after(&soon).unwrap();
        assert!(
            parsed > Duration::from_secs(80) && parsed <= Duration::from_secs(90),
            "{parsed:?}"
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            None,
            "a past date: no wait"
        );
        assert_eq!(parse_retry_after("soon"), None);
        // Issue 14 (10): seconds were capped at 24 h, dates not.
        assert_eq!(parse_retry_after("99999999"), Some(MAX_RETRY_AFTER));
        let next_year = (Utc::now() + chrono::Duration::days(365)).to_rfc2822();
        assert_eq!(parse_retry_after(&next_year), Some(MAX_RETRY_AFTER));
    }

    fn client(configure: impl FnOnce(&mut Settings)) -> RegistryClient {
        let mut settings = Settings::default();
        configure(&mut settings);
        RegistryClient::new(&settings, Bootstrap::built_in()).unwrap()
    }

    fn name(text: &str) -> DomainName {
        DomainName::parse(text).unwrap()
    }

    #[test]
    fn the_tld_policy_decides_the_route() {
        let policies = crate::model::tld_policy::TldPolicies::built_in().unwrap();
        let plain = client(|_| {});
        let route = |domain: &str| {
            let name = name(domain);
            plain.route(&name, &policies.lookup(name.tld()).unwrap())
        };
        // docs/registries.md §3.4: .ca has RDAP in the bootstrap and its policy says RDAP.
        assert_eq!(
            route("example.ca"),
            Some(Route::Rdap("https://rdap.ca.fury.ca/rdap/".into()))
        );
        assert_eq!(
            route("example.de"),
            Some(Route::Whois("whois.denic.de:43".into()))
        );
        assert_eq!(
            route("example.ch"),
            Some(Route::Whois("whois.nic.ch:43".into()))
        );
        // A policy saying WHOIS is obeyed even where the bootstrap lists an RDAP server.
        let name = name("example.ca");
        let whois_policy = TldPolicy {
            rdap: false,
            ..policies.lookup("ca").unwrap()
        };
        assert_eq!(
            plain.route(&name, &whois_policy),
            Some(Route::Whois("whois.cira.ca:43".into()))
        );
        // An operator's override wins over the policy.
        let overridden = client(|s: &mut Settings| {
            s.whois_overrides
                .insert("ca".into(), "127.0.0.1:4343".into());
        });
        assert_eq!(
            overridden.route(&name, &policies.lookup("ca").unwrap()),
            Some(Route::Whois("127.0.0.1:4343".into()))
        );
    }

    /// docs/registries.md §6: every listed TLD has a route, and `rdap = true` is only said of a
    /// TLD the built-in bootstrap lists (so the policy never silently falls back).
    #[test]
    fn every_policy_names_a_route_the_bootstrap_agrees_with() {
        let policies = crate::model::tld_policy::TldPolicies::built_in().unwrap();
        let bootstrap = Bootstrap::built_in();
        for policy in policies.all() {
            let listed = bootstrap
                .base_url(&format!("example.{}", policy.tld))
                .is_some();
            if policy.rdap {
                assert!(
                    listed,
                    ".{}: rdap = true but IANA lists no RDAP server",
                    policy.tld
                );
            } else {
                assert!(
                    policy.whois_server.is_some(),
                    ".{}: rdap = false needs a whois_server",
                    policy.tld
                );
                assert!(
                    !listed,
                    ".{}: IANA lists an RDAP server; say rdap = true",
                    policy.tld
                );
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_limiter_spaces_queries_per_host() {
        let limiter = HostLimiter::new(60);
        let start = Instant::now();
        assert_eq!(limiter.acquire("a.example").await, Ok(()));
        assert_eq!(limiter.acquire("b.example").await, Ok(()));
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "different hosts do not wait for each other"
        );
        assert_eq!(limiter.acquire("a.example").await, Ok(()));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        limiter.pause("a.example", Duration::from_secs(30));
        assert_eq!(limiter.acquire("a.example").await, Ok(()));
        assert_eq!(start.elapsed(), Duration::from_secs(31));
    }

    /// Issue 14 (10): a server's Retry-After paused the whole sweep inside its leases.
    #[tokio::test(start_paused = true)]
    async fn a_long_pause_is_reported_at_once_not_slept_through() {
        let limiter = HostLimiter::new(60);
        let start = Instant::now();
        limiter.pause("slow.example", Duration::from_secs(3600));
        let refused = limiter.acquire("slow.example").await;
        assert_eq!(start.elapsed(), Duration::ZERO, "no sleep");
        assert_eq!(refused, Err(Duration::from_secs(3600)));
        // Other hosts are not held up, and the paused one takes queries again afterwards.
        assert_eq!(limiter.acquire("other.example").await, Ok(()));
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert_eq!(limiter.acquire("slow.example").await, Ok(()));
        // A queue longer than the longest wait is refused too, from the query that would
        // wait past it (three at once on a server allowing one a minute: 0, 60, 120 s).
        let busy = HostLimiter::new(1);
        let (first, second, third) = tokio::join!(
            busy.acquire("queue.example"),
            busy.acquire("queue.example"),
            busy.acquire("queue.example"),
        );
        assert_eq!((first, second), (Ok(()), Ok(())));
        assert_eq!(third, Err(Duration::from_secs(120)));
    }
}
