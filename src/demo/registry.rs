//! The demo's registry: a small RDAP server on the loopback interface that answers for the demo
//! firm's names from scripted lifecycles, so that `reclaim serve --demo` works offline and goes
//! through the same lookup, parsing and assessment as real registries.
//!
//! Answers follow RFC 9083 (domain object, `events`, registrar entity) with the EPP statuses
//! mapped to RDAP by RFC 8056 ("redemption period", "pending delete"…). Registrant data is
//! redacted as registries do under the GDPR: the demo holds no personal data.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, RwLock};

use actix_web::{App, HttpResponse, HttpServer, web};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::Clock;

/// One stage of a name's life: from `from` on, the registry shows these statuses and expiry.
#[derive(Debug, Clone)]
pub struct Stage {
    pub from: DateTime<Utc>,
    pub statuses: Vec<&'static str>,
    pub expires_at: DateTime<Utc>,
}

/// A scripted name: registered at `created_at`, through `stages`, deleted from the registry
/// (RDAP 404) from `purged_at` on.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    pub registrar: &'static str,
    pub created_at: DateTime<Utc>,
    pub stages: Vec<Stage>,
    pub purged_at: Option<DateTime<Utc>>,
    /// The registration that follows the purge (a drop-catcher's), if any.
    pub next: Option<Box<Lifecycle>>,
}

impl Lifecycle {
    /// An ordinary registration: locked by its registrar, renewed until `expires_at`.
    pub fn active(
        registrar: &'static str,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            registrar,
            created_at,
            stages: vec![Stage {
                from: created_at,
                statuses: vec!["client transfer prohibited", "client delete prohibited"],
                expires_at,
            }],
            purged_at: None,
            next: None,
        }
    }

    /// Adds a stage (stages are kept in time order).
    pub fn then(mut self, from: DateTime<Utc>, statuses: &[&'static str]) -> Self {
        let expires_at = self.stages.last().map_or(from, |s| s.expires_at);
        self.stages.push(Stage {
            from,
            statuses: statuses.to_vec(),
            expires_at,
        });
        self.stages.sort_by_key(|s| s.from);
        self
    }

    /// Like [`Lifecycle::then`], with the expiry the registry shows from then on (a registry
    /// that auto-renews at expiry moves it a year on).
    pub fn then_expiring(
        mut self,
        from: DateTime<Utc>,
        statuses: &[&'static str],
        expires_at: DateTime<Utc>,
    ) -> Self {
        self = self.then(from, statuses);
        if let Some(stage) = self.stages.iter_mut().find(|s| s.from == from) {
            stage.expires_at = expires_at;
        }
        self
    }

    pub fn purged(mut self, at: DateTime<Utc>) -> Self {
        self.purged_at = Some(at);
        self
    }

    /// After the purge, the name is registered again (by a drop-catcher's registrar).
    pub fn registered_again(mut self, next: Lifecycle) -> Self {
        self.next = Some(Box::new(next));
        self
    }

    /// The registration that holds the name at `at` (the last one begun by then).
    fn current(&self, at: DateTime<Utc>) -> &Lifecycle {
        match &self.next {
            Some(next) if at >= next.created_at => next.current(at),
            _ => self,
        }
    }

    fn stage_at(&self, at: DateTime<Utc>) -> Option<&Stage> {
        if at < self.created_at || self.purged_at.is_some_and(|p| at >= p) {
            return None;
        }
        self.stages.iter().rev().find(|s| s.from <= at)
    }
}

/// The scripted names and the registry's own clock. The demo loader winds the clock back to
/// record a name's history; afterwards the registry answers as of the application's clock.
#[derive(Clone, Default)]
pub struct DemoRegistry {
    names: Arc<RwLock<BTreeMap<String, Lifecycle>>>,
    as_of: Arc<RwLock<Option<DateTime<Utc>>>>,
    clock: Arc<RwLock<Option<Arc<dyn Clock>>>>,
}

impl DemoRegistry {
    pub fn script(&self, ascii_name: &str, lifecycle: Lifecycle) {
        self.names
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(ascii_name.to_owned(), lifecycle);
    }

    /// Answers as of `at` until [`DemoRegistry::follow`].
    pub fn wind_to(&self, at: DateTime<Utc>) {
        *self.as_of.write().unwrap_or_else(|p| p.into_inner()) = Some(at);
    }

    /// Answers as of `clock` from now on (the application's: the same "now" as the monitor).
    pub fn follow(&self, clock: Arc<dyn Clock>) {
        *self.as_of.write().unwrap_or_else(|p| p.into_inner()) = None;
        *self.clock.write().unwrap_or_else(|p| p.into_inner()) = Some(clock);
    }

    fn now(&self) -> DateTime<Utc> {
        if let Some(at) = *self.as_of.read().unwrap_or_else(|p| p.into_inner()) {
            return at;
        }
        self.clock
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map_or_else(Utc::now, |c| c.now())
    }

    /// The RDAP answer for a name (ASCII, lower case) now: `None` when the registry does not
    /// hold it.
    pub fn answer(&self, ascii_name: &str) -> Option<Value> {
        let at = self.now();
        let scripted = self
            .names
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(ascii_name)
            .cloned();
        let scripted = scripted.unwrap_or_else(|| unscripted(ascii_name, at));
        let lifecycle = scripted.current(at);
        let stage = lifecycle.stage_at(at)?;
        Some(rdap_domain(ascii_name, lifecycle, stage))
    }
}

/// A name nobody scripted (one a visitor attaches): registered years ago by someone and renewed
/// every year, with dates that stay the same from one lookup to the next.
fn unscripted(ascii_name: &str, at: DateTime<Utc>) -> Lifecycle {
    let digest = Sha256::digest(ascii_name.as_bytes());
    let seed = u64::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
    ]);
    let age_days = 400 + i64::try_from(seed % 4000).unwrap_or(0);
    let created = at - Duration::days(age_days);
    let mut expires = created;
    while expires <= at {
        expires += Duration::days(365);
    }
    let registrar = REGISTRARS[usize::try_from(seed % 3).unwrap_or(0)];
    Lifecycle::active(registrar, created, expires)
}

/// Invented registrars for the demo.
pub const REGISTRARS: [&str; 3] = [
    "Harbour Names SAS",
    "Example Domains LLC",
    "Registrar Demo GmbH",
];

fn rdap_domain(ascii_name: &str, lifecycle: &Lifecycle, stage: &Stage) -> Value {
    let date = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_1"],
        "objectClassName": "domain",
        "handle": format!("DEMO-{}", ascii_name.to_ascii_uppercase()),
        "ldhName": ascii_name,
        "status": stage.statuses,
        "events": [
            { "eventAction": "registration", "eventDate": date(lifecycle.created_at) },
            { "eventAction": "expiration", "eventDate": date(stage.expires_at) },
            { "eventAction": "last changed", "eventDate": date(stage.from) },
        ],
        "entities": [
            {
                "objectClassName": "entity",
                "roles": ["registrar"],
                "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", lifecycle.registrar]]],
            },
            {
                "objectClassName": "entity",
                "roles": ["registrant"],
                "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "REDACTED FOR PRIVACY"]]],
            },
        ],
        "nameservers": [
            { "objectClassName": "nameserver", "ldhName": "ns1.demo-dns.example" },
            { "objectClassName": "nameserver", "ldhName": "ns2.demo-dns.example" },
        ],
        "notices": [
            { "title": "Demo registry", "description": ["Invented data served by reclaim's demo; no real registry was asked."] },
        ],
    })
}

async fn domain(registry: web::Data<DemoRegistry>, name: web::Path<String>) -> HttpResponse {
    let name = name.into_inner().to_ascii_lowercase();
    match registry.answer(&name) {
        Some(body) => HttpResponse::Ok()
            .content_type("application/rdap+json")
            .json(body),
        // RFC 7480 §5.3: the registry does not hold the name.
        None => HttpResponse::NotFound()
            .content_type("application/rdap+json")
            .json(json!({ "errorCode": 404, "title": "Not Found" })),
    }
}

/// Starts the demo registry on a free loopback port; returns its RDAP base URL (with the
/// trailing slash RDAP bases have).
pub fn start(registry: DemoRegistry) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let data = web::Data::new(registry);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/rdap/domain/{name}", web::get().to(domain))
    })
    .workers(1)
    .listen(listener)?
    .run();
    tokio::spawn(server);
    Ok(format!("http://127.0.0.1:{port}/rdap/"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::registry_record::parse_rdap;

    fn t(days: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + Duration::days(days)
    }

    #[test]
    fn a_scripted_name_goes_through_its_stages_then_leaves_the_registry() {
        let registry = DemoRegistry::default();
        registry.script(
            "lapsed.com",
            Lifecycle::active(REGISTRARS[0], t(-900), t(-50))
                .then_expiring(t(-50), &["auto renew period"], t(315))
                .then(t(-33), &["pending delete", "redemption period"])
                .then(t(-3), &["pending delete"])
                .purged(t(2)),
        );
        // (when, statuses as the RDAP parser reads them: RFC 8056 names in camelCase, sorted;
        // registered)
        let cases: [(i64, &[&str], bool); 6] = [
            (-901, &[], false),
            (
                -60,
                &["clientDeleteProhibited", "clientTransferProhibited"],
                true,
            ),
            (-40, &["autoRenewPeriod"], true),
            (-20, &["pendingDelete", "redemptionPeriod"], true),
            (0, &["pendingDelete"], true),
            (3, &[], false),
        ];
        for (day, statuses, registered) in cases {
            registry.wind_to(t(day));
            match registry.answer("lapsed.com") {
                Some(answer) => {
                    let record = parse_rdap(answer.to_string().as_bytes()).expect("valid RDAP");
                    assert!(registered, "day {day}");
                    assert_eq!(record.statuses, statuses, "day {day}");
                    assert_eq!(record.registrant, None, "redacted, day {day}");
                }
                None => assert!(!registered, "day {day}"),
            }
        }
    }

    #[test]
    fn an_unscripted_name_is_registered_and_stable() {
        let registry = DemoRegistry::default();
        registry.wind_to(t(0));
        let first = registry.answer("anything.com").unwrap();
        let second = registry.answer("anything.com").unwrap();
        assert_eq!(first, second);
        let record = parse_rdap(first.to_string().as_bytes()).unwrap();
        assert!(record.expires_at.unwrap() > t(0));
        assert!(record.created_at.unwrap() < t(-399));
    }

    #[test]
    fn a_dropped_name_is_registered_again_by_the_catcher() {
        let registry = DemoRegistry::default();
        registry.script(
            "caught.com",
            Lifecycle::active("Old Registrar", t(-900), t(-40))
                .then(t(-5), &["pending delete"])
                .purged(t(-2))
                .registered_again(Lifecycle::active(
                    "Dynadot Inc",
                    t(-2) + Duration::hours(3),
                    t(363),
                )),
        );
        // (day, registrar shown, or free)
        let cases = [
            (-3, Some("Old Registrar")),
            (-2, None),
            (-1, Some("Dynadot Inc")),
            (0, Some("Dynadot Inc")),
        ];
        for (day, registrar) in cases {
            registry.wind_to(t(day));
            let record = registry
                .answer("caught.com")
                .map(|a| parse_rdap(a.to_string().as_bytes()).expect("valid RDAP"));
            assert_eq!(
                record.as_ref().and_then(|r| r.registrar.clone()).as_deref(),
                registrar,
                "day {day}"
            );
        }
    }
}
