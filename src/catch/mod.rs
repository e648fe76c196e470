//! The catch services reclaim places backorders with through their published APIs, one module
//! per provider behind one trait ([`CatchApi`]): DropCatch (`dropcatch`, NameBright's
//! OAuth2 token and DropCatch's backorder API), Dynadot (`dynadot`, API 3) and HEXONET
//! (`hexonet`, CentralNic Reseller's ISPAPI: backorders as domain applications), and the firm's
//! own registry access over EPP (`epp`, RFC 5730/5731/5734: a direct catch). The services
//! without an API (SnapNames, NameJet, the .fr catchers) stay manual channels.
//!
//! The endpoints are configuration set by an administrator (the provider's production URL by
//! default, a sandbox or a local server otherwise) and are trusted as such, like the registry
//! overrides; nothing found inside a service's answer is ever fetched.
//!
//! Every call is returned as an [`Exchange`] for the backorder's timeline: when, what was asked
//! (never a secret: keys and tokens are replaced by `[redacted]`), the answer, how long it took.

pub mod dropcatch;
pub mod dynadot;
pub mod epp;
pub mod hexonet;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A catch service with an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    DropCatch,
    Dynadot,
    /// The firm's Dynadot account used as a registrar: API 3 `register` the moment the registry
    /// releases the name (a direct catch), not a backorder.
    DynadotRegister,
    Hexonet,
    /// The firm's (or a partner's) registry or reseller access over EPP: `<domain:create>` the
    /// moment the registry releases the name (a direct catch).
    Epp,
}

impl Provider {
    pub const ALL: [Provider; 5] = [
        Provider::DropCatch,
        Provider::Dynadot,
        Provider::DynadotRegister,
        Provider::Hexonet,
        Provider::Epp,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DropCatch => "dropcatch",
            Self::Dynadot => "dynadot",
            Self::DynadotRegister => "dynadot_register",
            Self::Hexonet => "hexonet",
            Self::Epp => "epp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::DropCatch => "DropCatch",
            Self::Dynadot => "Dynadot",
            Self::DynadotRegister => "Dynadot (registration at the drop)",
            Self::Hexonet => "HEXONET",
            Self::Epp => "EPP registry access (registration at the drop)",
        }
    }

    pub fn parse(text: &str) -> Result<Self, CatchError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|p| p.as_str()).collect();
                let listed = match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => names.concat(),
                };
                CatchError::Invalid(format!(
                    "'{}' is not a catch service reclaim can place orders with: use {listed} (the services without an API stay manual catch services on the backorder).",
                    text.trim().chars().take(40).collect::<String>()
                ))
            })
    }

    /// The production API, as each provider documents it; none for EPP (each registry has its
    /// own server).
    pub fn default_endpoint(self) -> Option<&'static str> {
        match self {
            Self::DropCatch => Some(dropcatch::API),
            Self::Dynadot | Self::DynadotRegister => Some(dynadot::API),
            Self::Hexonet => Some(hexonet::API),
            Self::Epp => None,
        }
    }

    /// Whether the account registers names itself (a direct catch), in the registrant's name
    /// the backorder chooses.
    pub fn registers(self) -> bool {
        self.timing() == crate::model::catch_order::Timing::AtRelease
    }

    /// Where tokens come from, for providers that use them.
    pub fn default_auth_endpoint(self) -> Option<&'static str> {
        match self {
            Self::DropCatch => Some(dropcatch::AUTH),
            Self::Dynadot | Self::DynadotRegister | Self::Hexonet | Self::Epp => None,
        }
    }
}

impl Provider {
    /// When the service takes an order (`model::catch_order`).
    pub fn timing(self) -> crate::model::catch_order::Timing {
        match self {
            Self::DropCatch => crate::model::catch_order::Timing::InPendingDelete,
            Self::Dynadot | Self::Hexonet => crate::model::catch_order::Timing::BeforeDeletion,
            Self::DynadotRegister | Self::Epp => crate::model::catch_order::Timing::AtRelease,
        }
    }

    /// Whether the API reports the auctions of caught names and their results.
    pub fn reports_auctions(self) -> bool {
        match self {
            Self::DropCatch | Self::DynadotRegister | Self::Epp => false,
            Self::Dynadot | Self::Hexonet => true,
        }
    }

    /// The catch service of a backorder's channel this provider is.
    pub fn service(self) -> crate::model::backorder::CatchService {
        match self {
            Self::DropCatch => crate::model::backorder::CatchService::DropCatch,
            Self::Dynadot => crate::model::backorder::CatchService::Dynadot,
            Self::DynadotRegister | Self::Epp => {
                crate::model::backorder::CatchService::FirmRegistrar
            }
            Self::Hexonet => crate::model::backorder::CatchService::Hexonet,
        }
    }
}

/// The providers in the OpenAPI document: a string, one of the names of [`Provider::ALL`].
pub fn provider_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Provider::ALL.iter().map(|p| p.as_str())))
        .build()
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account's secrets. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(untagged)]
pub enum Credentials {
    /// NameBright API application: `client_id` is `account name:application name`.
    DropCatch {
        client_id: String,
        client_secret: String,
    },
    /// Dynadot API 3 key.
    Dynadot { api_key: String },
    /// HEXONET (ISPAPI) user: the account, or a role user `account!role`, and its password; a
    /// contact handle for the caught names, when the firm gives one.
    Hexonet {
        login: String,
        password: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<String>,
    },
    /// EPP: the client id and password the registry gave, the client certificate chain and its
    /// private key (PEM), the registry's CA when it uses its own (PEM), and the firm's contact
    /// handle at the registry (the registrant when the backorder says the firm).
    Epp {
        client_id: String,
        password: String,
        certificate_pem: String,
        private_key_pem: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ca_pem: Option<String>,
        registrant: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DropCatch { client_id, .. } => f
                .debug_struct("DropCatch")
                .field("client_id", client_id)
                .field("client_secret", &"[redacted]")
                .finish(),
            Self::Dynadot { .. } => f
                .debug_struct("Dynadot")
                .field("api_key", &"[redacted]")
                .finish(),
            Self::Hexonet { login, contact, .. } => f
                .debug_struct("Hexonet")
                .field("login", login)
                .field("password", &"[redacted]")
                .field("contact", contact)
                .finish(),
            Self::Epp {
                client_id,
                registrant,
                ca_pem,
                ..
            } => f
                .debug_struct("Epp")
                .field("client_id", client_id)
                .field("password", &"[redacted]")
                .field("private_key_pem", &"[redacted]")
                .field("ca_pem", &ca_pem.is_some())
                .field("registrant", registrant)
                .finish(),
        }
    }
}

impl Credentials {
    /// The credentials a provider needs, read from the object an administrator gives, with what
    /// is missing or malformed said in words.
    pub fn for_provider(provider: Provider, given: &serde_json::Value) -> Result<Self, CatchError> {
        let text = |key: &str| {
            given
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        // Not trimmed: a password is taken as typed, only an empty one is missing.
        let secret = |key: &str| {
            given
                .get(key)
                .and_then(serde_json::Value::as_str)
                .filter(|v| !v.trim().is_empty())
                .map(str::to_owned)
        };
        match provider {
            Provider::DropCatch => {
                let client_id = text("client_id").ok_or_else(|| {
                    CatchError::Invalid(
                        "DropCatch needs credentials.client_id: your NameBright account name and API application name, as account:application (NameBright, Settings, API)."
                            .to_owned(),
                    )
                })?;
                if client_id
                    .split_once(':')
                    .is_none_or(|(a, b)| a.is_empty() || b.is_empty())
                {
                    return Err(CatchError::Invalid(
                        "DropCatch's client_id is the NameBright account name and the API application name separated by a colon, such as MyFirm:reclaim.".to_owned(),
                    ));
                }
                let client_secret = text("client_secret").ok_or_else(|| {
                    CatchError::Invalid(
                        "DropCatch needs credentials.client_secret: the API application's secret (NameBright, Settings, API).".to_owned(),
                    )
                })?;
                Ok(Self::DropCatch {
                    client_id,
                    client_secret,
                })
            }
            Provider::Dynadot | Provider::DynadotRegister => {
                let api_key = text("api_key").or_else(|| text("key")).ok_or_else(|| {
                    CatchError::Invalid(
                        "Dynadot needs credentials.api_key: the API key from Dynadot's Tools, API page.".to_owned(),
                    )
                })?;
                Ok(Self::Dynadot { api_key })
            }
            Provider::Hexonet => {
                let login = text("login").ok_or_else(|| {
                    CatchError::Invalid(
                        "HEXONET needs credentials.login: the account's user name, or better a role user (account!role) allowed the domain application commands (HEXONET's control panel, Settings, Roles).".to_owned(),
                    )
                })?;
                if login.chars().any(char::is_whitespace) {
                    return Err(CatchError::Invalid(
                        "HEXONET's login has no spaces: the account's user name, or account!role for a role user.".to_owned(),
                    ));
                }
                let password = secret("password").ok_or_else(|| {
                    CatchError::Invalid(
                        "HEXONET needs credentials.password: the password of that user.".to_owned(),
                    )
                })?;
                let contact = text("contact");
                if let Some(handle) = &contact
                    && (handle.len() > 64
                        || !handle
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                {
                    return Err(CatchError::Invalid(format!(
                        "'{}' is not a HEXONET contact handle: give one such as P-ABC123 (HEXONET's control panel, Contacts), or leave credentials.contact out.",
                        handle.chars().take(40).collect::<String>()
                    )));
                }
                Ok(Self::Hexonet {
                    login,
                    password,
                    contact,
                })
            }
            Provider::Epp => {
                let invalid = |m: &str| CatchError::Invalid(m.to_owned());
                let client_id = text("client_id").ok_or_else(|| {
                    invalid("EPP needs credentials.client_id: the client identifier the registry gave the firm (or its partner) for EPP.")
                })?;
                // RFC 5730 §4, clIDType: 3 to 16 characters; pwType: 6 to 16.
                if !(3..=16).contains(&client_id.chars().count())
                    || client_id.chars().any(char::is_whitespace)
                {
                    return Err(invalid(
                        "EPP's client_id has 3 to 16 characters without spaces (RFC 5730 §4): give it as the registry wrote it.",
                    ));
                }
                let password = secret("password").ok_or_else(|| {
                    invalid("EPP needs credentials.password: the EPP password of that client id.")
                })?;
                if !(6..=16).contains(&password.chars().count()) {
                    return Err(invalid(
                        "An EPP password has 6 to 16 characters (RFC 5730 §4): give the one the registry set for this client id.",
                    ));
                }
                let certificate_pem = text("certificate_pem").ok_or_else(|| {
                    invalid("EPP needs credentials.certificate_pem: the client certificate the registry registered for the firm, then its intermediates, in PEM.")
                })?;
                let private_key_pem = text("private_key_pem").ok_or_else(|| {
                    invalid("EPP needs credentials.private_key_pem: the private key of the client certificate, in PEM.")
                })?;
                let ca_pem = text("ca_pem");
                let registrant = text("registrant").ok_or_else(|| {
                    invalid("EPP needs credentials.registrant: the firm's contact handle at the registry, used as registrant when a backorder registers in the firm's name.")
                })?;
                check_handle(&registrant).map_err(CatchError::Invalid)?;
                // The PEM is read now, so that a wrong paste is said before any connection.
                epp::tls_config(&certificate_pem, &private_key_pem, ca_pem.as_deref())
                    .map_err(|e| CatchError::Invalid(format!("EPP: {e}.")))?;
                Ok(Self::Epp {
                    client_id,
                    password,
                    certificate_pem,
                    private_key_pem,
                    ca_pem,
                    registrant,
                })
            }
        }
    }
}

/// A contact handle at a registry or registrar, as EPP's `clIDType` allows (RFC 5730 §4,
/// RFC 5733 §2.1: 3 to 16 characters) and Dynadot's numeric contact ids: letters, digits, `-`,
/// `_`, `.`.
pub fn check_handle(handle: &str) -> Result<(), String> {
    let ok = (3..=16).contains(&handle.len())
        && handle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not a contact handle: give the registrar's or registry's contact id (3 to 16 letters, digits, '-', '_' or '.'), such as FIRM-0042.",
            handle.chars().take(40).collect::<String>()
        ))
    }
}

/// One name to order, with the most the client will pay for it (minor units of the account's
/// currency); `None` places at the service's price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The name in its ASCII (A-label) form.
    pub domain: String,
    pub max_bid_minor: Option<i64>,
    /// A direct catch: the registrant's contact handle at the registrar (the client's, or the
    /// firm's); `None`: the account's own default.
    pub registrant: Option<String>,
    /// A direct catch: the registration period in years (the matter's renewal years).
    pub years: u32,
}

impl Order {
    /// A backorder at a service's price or up to `max_bid_minor`.
    pub fn backorder(domain: impl Into<String>, max_bid_minor: Option<i64>) -> Self {
        Self {
            domain: domain.into(),
            max_bid_minor,
            registrant: None,
            years: 1,
        }
    }
}

/// What a service said about one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The order stands (new, or already on the account's list).
    Placed {
        /// The bid the service recorded, when it says.
        max_bid_minor: Option<i64>,
        message: String,
    },
    /// Not yet: the service takes the order only later (DropCatch: once the name is in
    /// pending delete).
    NotYet { message: String },
    /// The service refused the order; the message is the service's.
    Refused { message: String, code: String },
    /// The order was cancelled (or was not on the account's list any more).
    Cancelled { message: String },
    /// A direct catch: the firm's registrar registered the name.
    Registered { message: String },
    /// A direct catch too late: the registry says the name is taken (another party was faster).
    Taken { message: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub domain: String,
    pub outcome: Outcome,
}

/// What a service reports of a name it caught: its auction among the service's backorderers,
/// and how the auction ended for the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuctionNews {
    /// The auction is running; the price is the current bid.
    Open {
        price_minor: Option<i64>,
        message: String,
    },
    /// The account got the name, at this price.
    Won {
        price_minor: Option<i64>,
        message: String,
    },
    /// Another backorderer won the auction.
    Lost {
        price_minor: Option<i64>,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuctionReport {
    pub domain: String,
    pub news: AuctionNews,
}

/// One call to a service, for the backorder's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub at: DateTime<Utc>,
    pub provider: Provider,
    /// `token`, `place`, `cancel`, `list`.
    pub action: &'static str,
    /// Method and URL, and the body, with every secret replaced by `[redacted]`.
    pub request: String,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// The answer's text (at most 8 KB), or what went wrong.
    pub answer: String,
    pub duration_ms: u64,
}

/// Why a call to a service did not give an answer about the names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatchError {
    #[error("{0}")]
    Invalid(String),
    #[error("{provider} refused the account's credentials: {message}")]
    Unauthorized { provider: Provider, message: String },
    #[error("{provider} could not be reached: {message}")]
    Unreachable { provider: Provider, message: String },
    #[error("{provider} answered with an error (HTTP {status}); reclaim will try again later")]
    Server { provider: Provider, status: u16 },
    #[error("{provider} is busy with another request of this account; reclaim will try again")]
    Busy { provider: Provider },
    #[error("{provider}'s answer could not be read: {message}")]
    Unreadable { provider: Provider, message: String },
    #[error("{provider} refused: {message}")]
    Refused { provider: Provider, message: String },
    /// The TLS connection failed on a certificate: the registry refused the firm's, or reclaim
    /// does not trust the registry's.
    #[error("{provider}: {message}")]
    Certificate { provider: Provider, message: String },
}

impl CatchError {
    /// Whether trying again later may succeed (with backoff): the service or the network failed,
    /// not the request.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. } | Self::Server { .. } | Self::Busy { .. }
        )
    }
}

/// The result of a call: what the service said, and the exchanges that led to it.
#[derive(Debug)]
pub struct Called<T> {
    pub result: Result<T, CatchError>,
    pub exchanges: Vec<Exchange>,
}

impl<T> Called<T> {
    pub fn with(result: Result<T, CatchError>, exchanges: Vec<Exchange>) -> Self {
        Self { result, exchanges }
    }

    /// No call could be made.
    pub fn failed(error: CatchError) -> Self {
        Self {
            result: Err(error),
            exchanges: Vec::new(),
        }
    }
}

/// A catch service's API, as reclaim uses it.
pub trait CatchApi {
    /// One harmless call that proves the credentials work (a token, a list).
    fn verify(&self) -> impl Future<Output = Called<()>> + Send;
    /// Places backorders; one answer per name.
    fn place(&self, orders: &[Order]) -> impl Future<Output = Called<Vec<Answer>>> + Send;
    /// Cancels backorders; one answer per name.
    fn cancel(&self, domains: &[String]) -> impl Future<Output = Called<Vec<Answer>>> + Send;
    /// What the service reports of the auctions of names it caught for the account (since
    /// `since`); names it says nothing of are left out.
    fn auctions(
        &self,
        domains: &[String],
        since: chrono::NaiveDate,
    ) -> impl Future<Output = Called<Vec<AuctionReport>>> + Send;
}

/// An account at a service, ready to be called.
#[derive(Debug)]
pub enum Service {
    DropCatch(dropcatch::DropCatch),
    Dynadot(dynadot::Dynadot),
    /// The same client, registering instead of backordering.
    DynadotRegister(dynadot::Dynadot),
    Hexonet(hexonet::Hexonet),
    Epp(epp::Epp),
}

/// The clients of the firm's catch accounts, kept for the life of the process: every run through
/// an account shares its client, so its connections (no new TLS handshake at a drop) and its
/// pacing (Dynadot: one request at a time per key, whichever run sends it). A client is opened
/// again when what it was opened from (provider, endpoints, sealed credentials) changes.
#[derive(Default)]
pub struct Clients(
    std::sync::Mutex<std::collections::HashMap<String, (Vec<String>, Arc<Service>)>>,
);

impl Clients {
    /// The client of the account `id` opened from `from`, opening it with `open` when there is
    /// none yet or `from` changed. A failure to open is not kept: the next run tries again.
    pub fn get_or_open(
        &self,
        id: &str,
        from: Vec<String>,
        open: impl FnOnce() -> Result<Service, CatchError>,
    ) -> Result<Arc<Service>, CatchError> {
        if let Ok(kept) = self.0.lock()
            && let Some((opened_from, client)) = kept.get(id)
            && *opened_from == from
        {
            return Ok(client.clone());
        }
        let client = Arc::new(open()?);
        if let Ok(mut kept) = self.0.lock() {
            kept.insert(id.to_owned(), (from, client.clone()));
        }
        Ok(client)
    }
}

/// Where an account's service answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub api: String,
    pub auth: Option<String>,
}

impl Service {
    /// The client for an account. `Invalid` when the credentials are for another provider.
    pub fn connect(
        provider: Provider,
        endpoints: Endpoints,
        credentials: Credentials,
        timeout: Duration,
    ) -> Result<Self, CatchError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("reclaim/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            // A service's answer is read where it is given: nothing is followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CatchError::Invalid(format!("HTTP client: {e}")))?;
        match (provider, credentials) {
            (
                Provider::DropCatch,
                Credentials::DropCatch {
                    client_id,
                    client_secret,
                },
            ) => Ok(Self::DropCatch(dropcatch::DropCatch::new(
                http,
                endpoints.api,
                endpoints.auth.unwrap_or_else(|| dropcatch::AUTH.to_owned()),
                client_id,
                client_secret,
            ))),
            (Provider::Dynadot, Credentials::Dynadot { api_key }) => Ok(Self::Dynadot(
                dynadot::Dynadot::new(http, endpoints.api, api_key),
            )),
            (Provider::DynadotRegister, Credentials::Dynadot { api_key }) => Ok(
                Self::DynadotRegister(dynadot::Dynadot::new(http, endpoints.api, api_key)),
            ),
            (
                Provider::Hexonet,
                Credentials::Hexonet {
                    login,
                    password,
                    contact,
                },
            ) => Ok(Self::Hexonet(hexonet::Hexonet::new(
                http,
                endpoints.api,
                login,
                password,
                contact,
            ))),
            (
                Provider::Epp,
                Credentials::Epp {
                    client_id,
                    password,
                    certificate_pem,
                    private_key_pem,
                    ca_pem,
                    registrant,
                },
            ) => Ok(Self::Epp(epp::Epp::new(
                &endpoints.api,
                client_id,
                password,
                &certificate_pem,
                &private_key_pem,
                ca_pem.as_deref(),
                registrant,
                timeout,
            )?)),
            (provider, _) => Err(CatchError::Invalid(format!(
                "These credentials are not {}'s.",
                provider.label()
            ))),
        }
    }
}

impl CatchApi for Service {
    async fn verify(&self) -> Called<()> {
        match self {
            Self::DropCatch(s) => s.verify().await,
            Self::Dynadot(s) | Self::DynadotRegister(s) => s.verify().await,
            Self::Hexonet(s) => s.verify().await,
            Self::Epp(s) => s.verify().await,
        }
    }

    async fn place(&self, orders: &[Order]) -> Called<Vec<Answer>> {
        match self {
            Self::DropCatch(s) => s.place(orders).await,
            Self::Dynadot(s) => s.place(orders).await,
            Self::DynadotRegister(s) => s.register(orders).await,
            Self::Hexonet(s) => s.place(orders).await,
            Self::Epp(s) => s.register(orders).await,
        }
    }

    async fn cancel(&self, domains: &[String]) -> Called<Vec<Answer>> {
        match self {
            Self::DropCatch(s) => s.cancel(domains).await,
            Self::Dynadot(s) => s.cancel(domains).await,
            // Nothing was sent before the release, and a registration is not undone here.
            Self::DynadotRegister(_) | Self::Epp(_) => Called::with(
                Ok(domains
                    .iter()
                    .map(|d| Answer {
                        domain: d.clone(),
                        outcome: Outcome::Cancelled {
                            message: "nothing had been sent to the registrar".to_owned(),
                        },
                    })
                    .collect()),
                Vec::new(),
            ),
            Self::Hexonet(s) => s.cancel(domains).await,
        }
    }

    async fn auctions(
        &self,
        domains: &[String],
        since: chrono::NaiveDate,
    ) -> Called<Vec<AuctionReport>> {
        match self {
            Self::DropCatch(s) => s.auctions(domains, since).await,
            Self::Dynadot(s) => s.auctions(domains, since).await,
            Self::DynadotRegister(_) | Self::Epp(_) => Called::with(Ok(Vec::new()), Vec::new()),
            Self::Hexonet(s) => s.auctions(domains, since).await,
        }
    }
}

/// What an HTTP status says before the answer is read: 2xx goes on; 401/403 refused the
/// account (`unauthorized` says what to check); 429 busy; another 4xx refused the request; the
/// rest is the service's failure (tried again later).
pub(crate) fn http_status(
    provider: Provider,
    status: u16,
    unauthorized: &str,
) -> Result<(), CatchError> {
    match status {
        200..=299 => Ok(()),
        401 | 403 => Err(CatchError::Unauthorized {
            provider,
            message: format!("HTTP {status}: {unauthorized}"),
        }),
        429 => Err(CatchError::Busy { provider }),
        400..=499 => Err(CatchError::Refused {
            provider,
            message: format!("HTTP {status}"),
        }),
        _ => Err(CatchError::Server { provider, status }),
    }
}

/// The longest answer kept on the timeline.
pub(crate) const ANSWER_KEPT: usize = 8 * 1024;

/// Sends one request and records it. `shown` is the request as the timeline shows it (secrets
/// already replaced). The answer's status and text, or why there was none.
pub(crate) async fn exchange(
    provider: Provider,
    action: &'static str,
    shown: String,
    request: reqwest::RequestBuilder,
    exchanges: &mut Vec<Exchange>,
) -> Result<(u16, String), CatchError> {
    let at = Utc::now();
    let started = Instant::now();
    let sent = request.send().await;
    let (status, answer, result) = match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.text().await {
                Ok(text) => (Some(status), text.clone(), Ok((status, text))),
                Err(e) => (
                    Some(status),
                    format!("(answer unreadable: {e})"),
                    Err(CatchError::Unreachable {
                        provider,
                        message: e.to_string(),
                    }),
                ),
            }
        }
        Err(e) => {
            let message = if e.is_timeout() {
                "no answer in time".to_owned()
            } else if e.is_connect() {
                "connection refused or failed".to_owned()
            } else {
                e.to_string()
            };
            (
                None,
                message.clone(),
                Err(CatchError::Unreachable { provider, message }),
            )
        }
    };
    exchanges.push(Exchange {
        at,
        provider,
        action,
        request: shown,
        status,
        answer: truncate(&answer, ANSWER_KEPT),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    result
}

pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// An amount as the services write it: `59.00`.
pub(crate) fn decimal(minor: i64) -> String {
    crate::model::money::format_plain(minor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dynadot(key: &str) -> Result<Service, CatchError> {
        Service::connect(
            Provider::Dynadot,
            Endpoints {
                api: "http://127.0.0.1:9".to_owned(),
                auth: None,
            },
            Credentials::Dynadot {
                api_key: key.to_owned(),
            },
            Duration::from_secs(5),
        )
    }

    #[test]
    fn an_accounts_client_is_shared_until_the_account_changes_and_a_failure_is_not_kept() {
        let clients = Clients::default();
        let from = |key: &str| vec!["dynadot".to_owned(), key.to_owned()];
        let first = clients
            .get_or_open("acc-1", from("k1"), || dynadot("k1"))
            .unwrap();
        let again = clients
            .get_or_open("acc-1", from("k1"), || panic!("opened again"))
            .unwrap();
        assert!(Arc::ptr_eq(&first, &again), "one client for the account");
        let changed = clients
            .get_or_open("acc-1", from("k2"), || dynadot("k2"))
            .unwrap();
        assert!(
            !Arc::ptr_eq(&first, &changed),
            "new credentials, new client"
        );
        let other = clients.get_or_open("acc-2", from("k1"), || {
            Err(CatchError::Invalid(
                "stored credentials unreadable".to_owned(),
            ))
        });
        assert!(other.is_err());
        let retried = clients.get_or_open("acc-2", from("k1"), || dynadot("k1"));
        assert!(retried.is_ok(), "a failure to open is tried again");
    }

    #[test]
    fn credentials_are_read_per_provider_with_what_is_missing_said() {
        // (provider, given, Ok or the start of the message)
        let cases: Vec<(Provider, serde_json::Value, Result<(), &str>)> = vec![
            (
                Provider::DropCatch,
                json!({"client_id": "Firm:reclaim", "client_secret": "s3cret"}),
                Ok(()),
            ),
            (
                Provider::DropCatch,
                json!({"client_secret": "s3cret"}),
                Err("DropCatch needs credentials.client_id"),
            ),
            (
                Provider::DropCatch,
                json!({"client_id": "Firm", "client_secret": "s3cret"}),
                Err("DropCatch's client_id is the NameBright account name"),
            ),
            (
                Provider::DropCatch,
                json!({"client_id": "Firm:reclaim", "client_secret": "  "}),
                Err("DropCatch needs credentials.client_secret"),
            ),
            (Provider::Dynadot, json!({"api_key": "k"}), Ok(())),
            (
                Provider::Dynadot,
                json!({}),
                Err("Dynadot needs credentials.api_key"),
            ),
            (
                Provider::Dynadot,
                json!("a string"),
                Err("Dynadot needs credentials.api_key"),
            ),
            (
                Provider::Hexonet,
                json!({"login": "duvalberg!reclaim", "password": " pass word "}),
                Ok(()),
            ),
            (
                Provider::Hexonet,
                json!({"login": "duvalberg", "password": "p", "contact": "P-ABC123"}),
                Ok(()),
            ),
            (
                Provider::Hexonet,
                json!({"password": "p"}),
                Err("HEXONET needs credentials.login"),
            ),
            (
                Provider::Hexonet,
                json!({"login": "duval berg", "password": "p"}),
                Err("HEXONET's login has no spaces"),
            ),
            (
                Provider::Hexonet,
                json!({"login": "duvalberg", "password": "   "}),
                Err("HEXONET needs credentials.password"),
            ),
            (
                Provider::Hexonet,
                json!({"login": "duvalberg", "password": "p", "contact": "P-1\nCOMMAND=DeleteDomain"}),
                Err("'P-1\nCOMMAND=DeleteDomain' is not a HEXONET contact handle"),
            ),
        ];
        for (provider, given, expected) in cases {
            let got = Credentials::for_provider(provider, &given);
            match (expected, got) {
                (Ok(()), Ok(_)) => {}
                (Err(start), Err(e)) => {
                    assert!(e.to_string().starts_with(start), "{given}: {e}")
                }
                (expected, got) => panic!("{given}: expected {expected:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let c = Credentials::DropCatch {
            client_id: "Firm:reclaim".into(),
            client_secret: "hunter2-very-secret".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
        let d = Credentials::Dynadot {
            api_key: "dynadot-key-123".into(),
        };
        assert!(!format!("{d:?}").contains("dynadot-key-123"));
        let h = Credentials::Hexonet {
            login: "duvalberg!reclaim".into(),
            password: "hx-pass-31d7".into(),
            contact: None,
        };
        let shown = format!("{h:?}");
        assert!(!shown.contains("hx-pass-31d7") && shown.contains("duvalberg!reclaim"));
    }

    /// The stored form (JSON, untagged) reads back as the same provider's credentials.
    #[test]
    fn credentials_read_back_as_stored() {
        for given in [
            Credentials::Hexonet {
                login: "duvalberg".into(),
                password: "p".into(),
                contact: Some("P-ABC123".into()),
            },
            Credentials::Hexonet {
                login: "duvalberg".into(),
                password: "p".into(),
                contact: None,
            },
            Credentials::Dynadot {
                api_key: "k".into(),
            },
        ] {
            let stored = serde_json::to_string(&given).unwrap();
            let back: Credentials = serde_json::from_str(&stored).unwrap();
            assert_eq!(back, given, "{stored}");
        }
    }

    #[test]
    fn providers_parse_by_name_only() {
        assert_eq!(Provider::parse(" DropCatch ").unwrap(), Provider::DropCatch);
        assert_eq!(Provider::parse("dynadot").unwrap(), Provider::Dynadot);
        assert_eq!(Provider::parse("HEXONET").unwrap(), Provider::Hexonet);
        let e = Provider::parse("snapnames").unwrap_err().to_string();
        assert!(e.contains("manual catch services"), "{e}");
        assert!(
            e.contains("use dropcatch, dynadot, dynadot_register, hexonet or epp"),
            "{e}"
        );
    }
}
