//! Registry monitoring against real local servers: RDAP over HTTP and WHOIS over TCP answering
//! with the fixture files and with answers written for lifecycle states.

use std::time::Duration;

use chrono::Duration as Days;
use reqwest::Method;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, api, spawn_app_with};
use crate::registry_servers::{RdapServer, Reply, WhoisReply, WhoisServer, fixture};
use reclaim::model::backorder::BackorderStatus;
use reclaim::model::domain_name::DomainName;
use reclaim::model::lifecycle::Phase;
use reclaim::model::user::Role;
use reclaim::repo::{backorders, monitoring, outbox};

/// TLDs answered by the local RDAP server; the others by the local WHOIS server. Nothing
/// reaches the internet.
const RDAP_TLDS: &[&str] = &[
    "com", "net", "org", "fr", "uk", "nl", "lol", "click", "moscow", "cz", "no", "shop",
];
const WHOIS_TLDS: &[&str] = &["de", "dk", "eu", "be", "it", "io", "co", "ca", "es", "ch"];

struct World {
    app: TestApp,
    rdap: RdapServer,
    whois: WhoisServer,
}

async fn world() -> World {
    // Generous: the local servers answer at once, but a loaded CI machine may be slow to
    // schedule them.
    world_waiting(Duration::from_secs(10)).await
}

/// A world whose registry queries give up after `timeout` (for the tests of timeouts).
async fn world_waiting(timeout: Duration) -> World {
    let rdap = RdapServer::start().await;
    let whois = WhoisServer::start().await;
    let (base, addr) = (rdap.base.clone(), whois.addr.to_string());
    let app = spawn_app_with(move |s| {
        for tld in RDAP_TLDS {
            s.rdap_overrides.insert((*tld).to_owned(), base.clone());
        }
        for tld in WHOIS_TLDS {
            s.whois_overrides.insert((*tld).to_owned(), addr.clone());
        }
        s.registry_timeout = timeout;
        s.rdap_rate_limit = 60_000;
    })
    .await;
    World { app, rdap, whois }
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An RDAP answer for `name` with these statuses and dates.
fn rdap_answer(
    name: &str,
    statuses: &[&str],
    expires: &str,
    last_changed: Option<&str>,
    registrar: &str,
) -> Vec<u8> {
    let mut events = vec![
        json!({"eventAction": "registration", "eventDate": "2015-03-16T00:00:00Z"}),
        json!({"eventAction": "expiration", "eventDate": expires}),
    ];
    if let Some(changed) = last_changed {
        events.push(json!({"eventAction": "last changed", "eventDate": changed}));
    }
    serde_json::to_vec(&json!({
        "rdapConformance": ["rdap_level_0"],
        "objectClassName": "domain",
        "ldhName": name,
        "status": statuses,
        "events": events,
        "entities": [{
            "objectClassName": "entity",
            "roles": ["registrar"],
            "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}],
            "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]]],
        }],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": "ns1.parking.example"}],
    }))
    .unwrap()
}

async fn watched(app: &TestApp, domain: &str) -> reclaim::model::monitoring::MonitoredDomain {
    let domain = domain.to_owned();
    app.state
        .db
        .run(move |c| monitoring::find(c, &domain))
        .await
        .unwrap()
        .expect("watched")
}

async fn status_of(app: &TestApp, id: &reclaim::model::ids::BackorderId) -> BackorderStatus {
    let id = id.clone();
    app.state
        .db
        .run(move |c| backorders::find(c, &id))
        .await
        .unwrap()
        .unwrap()
        .status
}

/// Moves the clock past the name's next check, then runs the sweep.
async fn sweep_when_due(app: &TestApp, domain: &str) -> String {
    let due = watched(app, domain).await.next_check_at.and_utc();
    let now = app.clock_now();
    if due > now {
        app.clock.advance(due - now);
    }
    reclaim::jobs::run(&app.state, "monitor")
        .await
        .expect("the sweep runs")
}

#[tokio::test]
async fn every_rdap_fixture_is_read_through_a_real_http_server_and_kept_byte_for_byte() {
    let w = world().await;
    let dir = format!("{}/tests/fixtures/rdap", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if file.starts_with("iana_") || file.starts_with("error_") {
            continue;
        }
        let bytes = fixture(&format!("rdap/{file}"));
        let name = format!("fixture-{checked}.com");
        w.rdap.set(&name, Reply::json(bytes.clone()));
        let outcome =
            reclaim::app::monitoring::check(&w.app.state, &DomainName::parse(&name).unwrap())
                .await
                .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(outcome.record.registered, "{file}");
        assert_eq!(
            outcome.sha256,
            sha(&bytes),
            "{file}: the evidence is the answer, byte for byte"
        );
        let kept = {
            let id = outcome.snapshot_id.clone();
            w.app
                .state
                .db
                .run(move |c| monitoring::find_snapshot(c, &id))
                .await
                .unwrap()
                .unwrap()
        };
        assert_eq!(kept.raw, bytes, "{file}");
        checked += 1;
    }
    assert_eq!(checked, 14);

    // An RDAP error object sent with its status (RFC 9083 §6).
    w.rdap.set(
        "errors.com",
        Reply {
            status: 501,
            ..Reply::json(fixture("rdap/error_501_ripe.json"))
        },
    );
    let err =
        reclaim::app::monitoring::check(&w.app.state, &DomainName::parse("errors.com").unwrap())
            .await
            .unwrap_err();
    assert!(err.to_string().contains("answered HTTP 501"), "{err}");
}

#[tokio::test]
async fn every_whois_fixture_is_read_through_a_real_tcp_server() {
    let whois = WhoisServer::start().await;
    let addr = whois.addr.to_string();
    let dir = tempfile::tempdir().unwrap();
    // A bootstrap that knows none of these TLDs: WHOIS for all of them.
    let bootstrap = dir.path().join("dns.json");
    std::fs::write(
        &bootstrap,
        r#"{"publication":"test","services":[[["invalid"],["http://127.0.0.1:1/"]]]}"#,
    )
    .unwrap();
    let app = spawn_app_with(move |s| {
        s.rdap_bootstrap = Some(bootstrap);
        for tld in [
            "com", "net", "org", "io", "fr", "de", "dk", "eu", "be", "it", "nl", "uk", "ca",
        ] {
            s.whois_overrides.insert(tld.into(), addr.clone());
        }
        // Registrar servers the thin registries refer to.
        for host in [
            "whois.markmonitor.com",
            "whois.godaddy.com",
            "whois.publicdomainregistry.com",
        ] {
            s.whois_overrides.insert(host.into(), addr.clone());
        }
        s.registry_timeout = Duration::from_secs(10);
        s.rdap_rate_limit = 60_000;
    })
    .await;
    let files: Vec<String> = std::fs::read_dir(format!(
        "{}/tests/fixtures/whois",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
    .collect();
    assert_eq!(files.len(), 25);
    for (i, file) in files.iter().enumerate() {
        let tld = file.split('_').next().unwrap();
        let name = format!("whois-fixture-{i}.{tld}");
        let bytes = fixture(&format!("whois/{file}"));
        whois.set(&name, WhoisReply::Text(bytes.clone()));
        let outcome =
            reclaim::app::monitoring::check(&app.state, &DomainName::parse(&name).unwrap())
                .await
                .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(outcome.sha256, sha(&bytes), "{file}");
        let expect_registered = !["available", "notfound", "free"]
            .iter()
            .any(|w| file.contains(w));
        assert_eq!(outcome.record.registered, expect_registered, "{file}");
        assert_eq!(outcome.to_json()["source"], "whois");
    }
}

#[tokio::test]
async fn a_gtld_name_is_followed_from_active_to_redemption_to_pending_delete_to_dropped() {
    let w = world().await;
    let app = &w.app;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let pat = app
        .create_user("pat@firm.example", Role::Paralegal, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, reference) = app
        .open_matter(&acme, &lea, "Recovery of acme-widgets.com")
        .await;
    {
        let (actor, matter, team) = (app.actor(), matter.clone(), vec![pat.id.clone()]);
        app.state
            .db
            .run(move |c| {
                let m = reclaim::repo::matters::find(c, &matter)?.unwrap();
                reclaim::repo::matters::update(
                    c,
                    &actor,
                    &matter,
                    &reclaim::repo::matters::MatterChange {
                        title: m.title,
                        responsible_lawyer_id: m.responsible_lawyer_id,
                        team,
                        marks: vec![],
                        notes: String::new(),
                    },
                )
                .map_err(|e| reclaim::db::DbError::Conflict(e.to_string()))
            })
            .await
            .unwrap();
    }
    let bo = app.attach(&matter, "acme-widgets.com").await;
    let name = "acme-widgets.com";

    // Day 0: registered, expiring in March.
    w.rdap.set(
        name,
        Reply::json(rdap_answer(
            name,
            &["client transfer prohibited"],
            "2027-03-16T00:00:00Z",
            None,
            "Registrar A",
        )),
    );
    let report = sweep_when_due(app, name).await;
    assert!(report.contains("1 name(s) checked"), "{report}");
    let state = watched(app, name).await;
    assert_eq!(state.phase, Phase::Active);
    assert!(
        state
            .assessment_reason
            .starts_with("If the holder does not renew by 2027-03-16")
    );
    assert_eq!(status_of(app, &bo).await, BackorderStatus::Watching);
    assert_eq!(
        state.next_check_at.and_utc() - app.clock_now(),
        Days::days(1),
        "daily while registered"
    );

    // Day 1: deleted, in redemption (RFC 3915 via RFC 8056).
    let deleted_seen = app.clock_now() + Days::days(1);
    w.rdap.set(
        name,
        Reply::json(rdap_answer(
            name,
            &["pending delete", "redemption period"],
            "2027-03-16T00:00:00Z",
            None,
            "Registrar A",
        )),
    );
    sweep_when_due(app, name).await;
    let state = watched(app, name).await;
    assert_eq!(state.phase, Phase::Redemption);
    // docs/registries.md §1.2: deletion seen between day 0 and day 1 → drop 35 days later.
    assert_eq!(
        state.drop_earliest.unwrap().and_utc(),
        deleted_seen - Days::days(1) + Days::days(35)
    );
    assert_eq!(
        state.drop_latest.unwrap().and_utc(),
        deleted_seen + Days::days(35)
    );
    assert_eq!(
        state.next_check_at.and_utc() - app.clock_now(),
        Days::hours(1),
        "hourly in redemption"
    );
    assert_eq!(status_of(app, &bo).await, BackorderStatus::Redemption);
    let changes = app
        .state
        .db
        .run(|c| monitoring::changes(c, "acme-widgets.com"))
        .await
        .unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c.important && c.summary.contains("The name was deleted"))
    );

    // Alerts went to the lawyer and the paralegal of the matter, through the outbox.
    let alerts = app
        .state
        .db
        .run(|c| outbox::list(c, Some(reclaim::model::outbox::MessageKind::Alert), 50))
        .await
        .unwrap();
    let mut recipients: Vec<_> = alerts.iter().map(|m| m.to_address.clone()).collect();
    recipients.sort();
    assert_eq!(recipients, vec!["lea@firm.example", "pat@firm.example"]);
    assert!(alerts[0].subject.contains(&reference));
    let delivered = reclaim::jobs::run(&app.state, "outbox").await.unwrap();
    assert!(delivered.starts_with("2 message(s) sent"), "{delivered}");
    let mail_dir = app.state.settings.var_dir.join("mail");
    let files: Vec<_> = std::fs::read_dir(&mail_dir).unwrap().collect();
    assert_eq!(files.len(), 2);
    // Undo quoted-printable soft line breaks to read the text as a mail program shows it.
    let text = std::fs::read_to_string(files[0].as_ref().unwrap().path())
        .unwrap()
        .replace("=\r\n", "");
    assert!(text.contains("Predicted drop: between"), "{text}");
    assert!(text.contains(&format!("/backorders/{bo}")));

    // Running the sweep again right away changes nothing and sends nothing twice.
    reclaim::jobs::run(&app.state, "monitor").await.unwrap();
    assert_eq!(
        app.state
            .db
            .run(|c| outbox::list(c, None, 50))
            .await
            .unwrap()
            .len(),
        2
    );

    // Day 31: pending delete: checks every few minutes near the drop.
    app.clock.advance(Days::days(30));
    w.rdap.set(
        name,
        Reply::json(rdap_answer(
            name,
            &["pending delete"],
            "2027-03-16T00:00:00Z",
            None,
            "Registrar A",
        )),
    );
    sweep_when_due(app, name).await;
    assert_eq!(watched(app, name).await.phase, Phase::PendingDelete);
    assert_eq!(status_of(app, &bo).await, BackorderStatus::PendingDelete);

    // Day 36: the registry no longer holds the name (RFC 7480: 404).
    app.clock.advance(Days::days(5));
    w.rdap.set(name, Reply::status(404));
    sweep_when_due(app, name).await;
    assert_eq!(watched(app, name).await.phase, Phase::Available);
    assert_eq!(status_of(app, &bo).await, BackorderStatus::Dropped);
    let events = app
        .state
        .db
        .run({
            let bo = bo.clone();
            move |c| backorders::events(c, &bo)
        })
        .await
        .unwrap();
    assert!(
        events.iter().skip(1).all(|e| e.actor == "registry monitor"),
        "the monitor moved the backorder"
    );
    let alerts = app
        .state
        .db
        .run(|c| outbox::list(c, Some(reclaim::model::outbox::MessageKind::Alert), 50))
        .await
        .unwrap();
    assert!(
        alerts
            .iter()
            .any(|m| m.subject.contains("The name dropped")),
        "{:?}",
        alerts.iter().map(|a| &a.subject).collect::<Vec<_>>()
    );

    // The backorder page tells the story.
    app.browser
        .login("lea@firm.example", crate::helpers::PASSWORD)
        .await;
    app.browser
        .login("lea@firm.example", crate::helpers::PASSWORD)
        .await;
    let page = app.browser.get_html(&format!("/backorders/{bo}")).await;
    for expected in [
        "Not registered",
        "The name was deleted",
        "The name dropped",
        "Registry answers kept",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
    let matter_page = app.browser.get_html(&format!("/matters/{matter}")).await;
    for expected in [
        "Registry timeline",
        "The name was deleted",
        "The name dropped",
        "Not registered",
    ] {
        assert!(matter_page.contains(expected), "matter page: {expected}");
    }
}

#[tokio::test]
async fn a_renewal_stops_the_backorder() {
    let w = world().await;
    let app = &w.app;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Watch").await;
    let bo = app.attach(&matter, "renewed.org").await;
    w.rdap.set(
        "renewed.org",
        Reply::json(rdap_answer(
            "renewed.org",
            &["client hold"],
            "2026-11-01T00:00:00Z",
            None,
            "Registrar A",
        )),
    );
    sweep_when_due(app, "renewed.org").await;
    assert_eq!(watched(app, "renewed.org").await.phase, Phase::ExpiredGrace);
    assert_eq!(status_of(app, &bo).await, BackorderStatus::Expiring);
    w.rdap.set(
        "renewed.org",
        Reply::json(rdap_answer(
            "renewed.org",
            &["active"],
            "2027-11-01T00:00:00Z",
            None,
            "Registrar A",
        )),
    );
    sweep_when_due(app, "renewed.org").await;
    assert_eq!(status_of(app, &bo).await, BackorderStatus::Renewed);
    let alerts = app
        .state
        .db
        .run(|c| outbox::list(c, Some(reclaim::model::outbox::MessageKind::Alert), 10))
        .await
        .unwrap();
    assert!(
        alerts[0].subject.contains("renewed or restored"),
        "{}",
        alerts[0].subject
    );
    // A renewed backorder is no longer swept.
    app.clock.advance(Days::days(2));
    let before = w.rdap.hits("renewed.org");
    reclaim::jobs::run(&app.state, "monitor").await.unwrap();
    assert_eq!(w.rdap.hits("renewed.org"), before);
}

#[tokio::test]
async fn the_registrars_rdap_gives_the_real_expiry_and_both_answers_are_kept() {
    let w = world().await;
    let name = "follow.com";
    let mut answer: serde_json::Value = serde_json::from_slice(&rdap_answer(
        name,
        &["auto renew period"],
        "2027-11-01T00:00:00Z",
        None,
        "Registrar A",
    ))
    .unwrap();
    answer["links"] = json!([{"rel": "related", "type": "application/rdap+json", "href": w.rdap.url("/registrar/domain/follow.com")}]);
    w.rdap
        .set(name, Reply::json(serde_json::to_vec(&answer).unwrap()));
    w.rdap.set_path(
        "/registrar/domain/follow.com",
        Reply::json(r#"{"objectClassName":"domain","ldhName":"follow.com","events":[{"eventAction":"registrar expiration","eventDate":"2026-11-05T00:00:00Z"}]}"#),
    );
    let outcome = reclaim::app::monitoring::check(&w.app.state, &DomainName::parse(name).unwrap())
        .await
        .unwrap();
    let json = outcome.to_json();
    assert_eq!(
        json["expires_at"], "2026-11-05T00:00:00+00:00",
        "the registrar's date"
    );
    assert_eq!(json["registry_expires_at"], "2027-11-01T00:00:00+00:00");
    assert_eq!(json["phase"], "auto_renew_grace");
    let kept = w.app.kept_answers("follow.com").await;
    assert_eq!(kept.len(), 2);
    assert!(
        kept.iter()
            .any(|s| s.source == reclaim::model::monitoring::Source::RdapRegistrar)
    );
}

#[tokio::test]
async fn the_check_api_gives_the_assessment_object_and_the_history() {
    let w = world().await;
    let app = &w.app;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lea).await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "API").await;
    let bo = app.attach(&matter, "bücher-shop.fr").await;
    let ascii = DomainName::parse("bücher-shop.fr")
        .unwrap()
        .ascii()
        .to_owned();
    let redemption = {
        let mut v: serde_json::Value = serde_json::from_slice(&rdap_answer(
            &ascii,
            &["redemption period", "pending delete"],
            "2027-01-01T00:00:00Z",
            None,
            "Registrar A",
        ))
        .unwrap();
        v["events"]
            .as_array_mut()
            .unwrap()
            .push(json!({"eventAction": "deletion", "eventDate": "2026-11-20T10:00:00Z"}));
        serde_json::to_vec(&v).unwrap()
    };
    w.rdap.set(&ascii, Reply::json(redemption.clone()));
    let (status, a) = api(
        app,
        Method::POST,
        &format!("/api/v1/backorders/{bo}/check"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{a}");
    for (key, expected) in [
        ("domain", json!(ascii)),
        ("unicode", json!("bücher-shop.fr")),
        ("tld", json!("fr")),
        ("source", json!("rdap")),
        ("registered", json!(true)),
        ("statuses", json!(["pendingDelete", "redemptionPeriod"])),
        ("registrar", json!("Registrar A")),
        ("expires_at", json!("2027-01-01T00:00:00+00:00")),
        ("phase", json!("redemption")),
        // .fr: 30 days of rédemption after the registry's deletion date (docs/registries.md §1.1)
        ("drop_earliest", json!("2026-12-20T10:00:00+00:00")),
        ("drop_latest", json!("2026-12-20T10:00:00+00:00")),
        ("backorder_allowed", json!(true)),
        ("sha256", json!(sha(&redemption))),
    ] {
        assert_eq!(a[key], expected, "{key}");
    }
    assert!(a["backorder_note"].as_str().unwrap().contains("rédemption"));

    let (status, history) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{bo}/history"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(history["snapshots"][0]["sha256"], json!(sha(&redemption)));
    assert_eq!(history["snapshots"][0]["source"], "rdap");
    assert_eq!(history["assessment"]["phase"], "redemption");
}

#[tokio::test]
async fn registry_failures_are_recorded_retried_later_and_never_crash() {
    let w = world_waiting(Duration::from_secs(2)).await;
    let app = &w.app;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lea).await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Errors").await;
    let mut big = b"{\"objectClassName\":\"domain\",\"x\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'a', 3 * 1024 * 1024));
    big.extend(b"\"}");
    // A name the registry does not hold is an answer, not an error.
    let bo = app.attach(&matter, "free-name.com").await;
    let (status, answer) = api(
        app,
        Method::POST,
        &format!("/api/v1/backorders/{bo}/check"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["registered"], false);
    assert_eq!(answer["phase"], "available");
    assert_eq!(status_of(app, &bo).await, BackorderStatus::Dropped);

    // The 429 comes last: the server is then paused for everyone for 120 seconds.
    let cases: Vec<(&str, Reply, u16, &str)> = vec![
        ("broken.com", Reply::status(500), 502, "answered HTTP 500"),
        (
            "slow.com",
            Reply::json(rdap_answer(
                "slow.com",
                &["active"],
                "2027-01-01T00:00:00Z",
                None,
                "R",
            ))
            .delayed(Duration::from_secs(6)),
            502,
            "did not answer within 2 seconds",
        ),
        (
            "truncated.com",
            Reply::json(&fixture("rdap/com_google.com_verisign.json")[..700]),
            502,
            "cannot be read: the answer is not JSON",
        ),
        (
            "huge.com",
            Reply::json(big),
            502,
            "sent more than 2097152 bytes",
        ),
        (
            "html.com",
            Reply::json("<html><body>Service unavailable</body></html>"),
            502,
            "cannot be read",
        ),
        (
            "limited.com",
            Reply::status(429).header("Retry-After", "120"),
            429,
            "asks to slow down (HTTP 429); retry after 120 seconds",
        ),
    ];
    for (name, reply, expected_status, message) in cases {
        w.rdap.set(name, reply);
        let bo = app.attach(&matter, name).await;
        let before = app.clock_now();
        let response = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/backorders/{bo}/check")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expected_status, "{name}");
        if name == "limited.com" {
            assert_eq!(response.headers()["retry-after"], "120");
        }
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            body["error"]["message"].as_str().unwrap().contains(message),
            "{name}: {body}"
        );
        let state = watched(app, name).await;
        assert_eq!(state.failures, 1, "{name}");
        assert!(state.last_error.unwrap().contains(message), "{name}");
        let next = state.next_check_at.and_utc();
        assert!(
            next >= before + Days::minutes(5),
            "{name}: retried later, not now"
        );
        if name == "limited.com" {
            assert!(
                next >= before + Days::seconds(120),
                "Retry-After is honoured"
            );
        }
        let errors = {
            let name = name.to_owned();
            app.state
                .db
                .run(move |c| monitoring::check_errors(c, &name, 5))
                .await
                .unwrap()
        };
        assert_eq!(errors.len(), 1, "{name}: the failure is on record");
    }
    // WHOIS: garbage, a throttle answer, an error page and a server that never answers. A
    // throttle is the server asking to slow down (429), never a reading of the name
    // (docs/registries.md §6).
    w.whois.set(
        "garbage.de",
        WhoisReply::Text(b"<html><body>nothing here</body></html>".to_vec()),
    );
    w.whois.set(
        "throttled.de",
        WhoisReply::Text(b"<html>rate limit exceeded</html>".to_vec()),
    );
    w.whois.set(
        "throttled-then-free.it",
        WhoisReply::Text(
            b"%% Too many requests...\n%%\n\nDomain: throttled-then-free.it\nStatus: AVAILABLE\n"
                .to_vec(),
        ),
    );
    w.whois.set("hanging.de", WhoisReply::Hang);
    for (name, expected_status, message) in [
        ("garbage.de", 502, "cannot be read"),
        ("throttled.de", 429, "asks to slow down"),
        ("throttled-then-free.it", 429, "Too many requests"),
        ("hanging.de", 502, "did not answer within 2 seconds"),
    ] {
        let bo = app.attach(&matter, name).await;
        let (status, body) = api(
            app,
            Method::POST,
            &format!("/api/v1/backorders/{bo}/check"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(status, expected_status, "{name}: {body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(message),
            "{name}: {body}"
        );
    }
    w.whois.set(
        "connect.de",
        WhoisReply::Text(fixture("whois/de_denic_connect.txt")),
    );
    let bo = app.attach(&matter, "connect.de").await;
    let (status, body) = api(
        app,
        Method::POST,
        &format!("/api/v1/backorders/{bo}/check"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["source"], "whois");
    assert_eq!(body["phase"], "active");
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("publishes no expiry date")
    );

    // docs/registries.md §6: Registro.it says the name can never be assigned: a phase of its
    // own, not "dropped", on the API and on the backorder page.
    w.whois.set(
        "unassignable-name.it",
        WhoisReply::Text(fixture(
            "registry-corpus/registro_it/invalid/it_unassignable.txt",
        )),
    );
    let bo = app.attach(&matter, "unassignable-name.it").await;
    let (status, body) = api(
        app,
        Method::POST,
        &format!("/api/v1/backorders/{bo}/check"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["phase"], "cannot_register", "{body}");
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("cannot be registered"),
        "{body}"
    );
    app.browser
        .login("lea@firm.example", crate::helpers::PASSWORD)
        .await;
    let page = app.browser.get_html(&format!("/backorders/{bo}")).await;
    assert!(page.contains("Cannot be registered"), "{page}");

    assert_eq!(
        app.browser.get("/healthz").await.status().as_u16(),
        200,
        "still serving"
    );
}

#[tokio::test]
async fn the_evidence_export_holds_every_answer_with_its_sha256() {
    let w = world().await;
    let app = &w.app;
    app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let lea = app
        .create_user("lead@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, reference) = app.open_matter(&acme, &lea, "Evidence").await;
    let bo = app.attach(&matter, "proof.com").await;
    let answers = [
        rdap_answer(
            "proof.com",
            &["active"],
            "2027-01-01T00:00:00Z",
            None,
            "Registrar A",
        ),
        rdap_answer(
            "proof.com",
            &["pending delete", "redemption period"],
            "2027-01-01T00:00:00Z",
            None,
            "Registrar A",
        ),
    ];
    for answer in &answers {
        w.rdap.set("proof.com", Reply::json(answer.clone()));
        let r = app
            .browser
            .post_form(&format!("/backorders/{bo}/check"), &[])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        app.clock.advance(Days::hours(2));
    }
    let response = app
        .browser
        .get(&format!("/backorders/{bo}/evidence.zip"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("{reference}-proof.com-registry-evidence.zip"))
    );
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut manifest = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("manifest.csv").unwrap(), &mut manifest)
        .unwrap();
    let rows: Vec<&str> = manifest.lines().skip(1).collect();
    assert_eq!(rows.len(), 2);
    for (row, answer) in rows.iter().zip(&answers) {
        let fields: Vec<&str> = row.split(',').collect();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(fields[0]).unwrap(), &mut content).unwrap();
        assert_eq!(&content, answer, "the answer byte for byte");
        assert_eq!(fields[6], sha(answer), "its SHA-256 in the manifest");
        assert!(fields[3].ends_with("/rdap/domain/proof.com"), "{row}");
    }
    assert!(zip.by_name("README.txt").is_ok());

    // One answer on its own.
    let kept = app.kept_answers("proof.com").await;
    let raw = app
        .browser
        .get(&format!("/backorders/{bo}/snapshots/{}", kept[0].id))
        .await;
    assert_eq!(raw.headers()["content-type"], "application/json");
    assert_eq!(raw.bytes().await.unwrap().to_vec(), answers[1]);
}

#[tokio::test]
async fn two_instances_never_check_the_same_name_at_once() {
    let w = world().await;
    let app = &w.app;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Lease").await;
    for name in ["one.com", "two.com", "three.com"] {
        app.attach(&matter, name).await;
    }
    let now = app.clock_now();
    let first = app
        .state
        .db
        .run(move |c| monitoring::claim_due(c, "instance-a", now, Days::minutes(10), 100))
        .await
        .unwrap();
    let second = app
        .state
        .db
        .run(move |c| monitoring::claim_due(c, "instance-b", now, Days::minutes(10), 100))
        .await
        .unwrap();
    assert_eq!(first.len(), 3);
    assert!(
        second.is_empty(),
        "names under another instance's lease are left alone"
    );
    // A lease that was not released (the instance died) runs out; nothing is lost.
    let later = now + Days::minutes(11);
    let third = app
        .state
        .db
        .run(move |c| monitoring::claim_due(c, "instance-b", later, Days::minutes(10), 100))
        .await
        .unwrap();
    assert_eq!(third.len(), 3);
}

#[tokio::test]
async fn the_bootstrap_refresh_job_replaces_the_copy_in_use() {
    let w = world().await;
    let dns = r#"{"publication":"2026-11-20T00:00:00Z","services":[[["example-tld"],["http://127.0.0.1:1/"]],[["shop"],["BASE"]]]}"#
        .replace("BASE", &w.rdap.base);
    w.rdap.set_path("/bootstrap/dns.json", Reply::json(dns));
    let url = w.rdap.url("/bootstrap/dns.json");
    let app = spawn_app_with(move |s| {
        s.rdap_bootstrap_url = url;
        s.registry_timeout = Duration::from_secs(10);
    })
    .await;
    let detail = reclaim::jobs::run(&app.state, "bootstrap").await.unwrap();
    assert!(
        detail.contains("published 2026-11-20T00:00:00Z"),
        "{detail}"
    );
    let name = DomainName::parse("new-bootstrap.shop").unwrap();
    assert_eq!(
        app.state.registry.rdap_base(&name).as_deref(),
        Some(w.rdap.base.as_str())
    );

    // A broken copy is refused; the one in use stays.
    w.rdap
        .set_path("/bootstrap/dns.json", Reply::json("{\"services\": 12}"));
    let err = reclaim::jobs::run(&app.state, "bootstrap")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("the previous copy stays in use"), "{err}");
    assert_eq!(
        app.state.registry.rdap_base(&name).as_deref(),
        Some(w.rdap.base.as_str())
    );
    let unknown = reclaim::jobs::run(&app.state, "coffee")
        .await
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("there is no job 'coffee'"));
}

#[tokio::test]
async fn weeks_of_hourly_checks_in_redemption_keep_the_first_sighting_of_the_deletion() {
    // docs/registries.md §1.2: the drop is 35 days after the deletion; a name in redemption is
    // checked hourly, so after 300 answers (12 days) the first sighting must still count.
    let w = world().await;
    let app = &w.app;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Long").await;
    let (matter, _) = app.open_matter(&client, &lea, "long redemption").await;
    app.attach(&matter, "long-redemption.com").await;
    let name = "long-redemption.com";
    w.rdap.set(
        name,
        Reply::json(rdap_answer(
            name,
            &["active"],
            "2027-03-16T00:00:00Z",
            None,
            "Registrar A",
        )),
    );
    sweep_when_due(app, name).await;
    w.rdap.set(
        name,
        Reply::json(rdap_answer(
            name,
            &["pending delete", "redemption period"],
            "2027-03-16T00:00:00Z",
            None,
            "Registrar A",
        )),
    );
    sweep_when_due(app, name).await;
    let first = watched(app, name).await;
    assert_eq!(first.phase, Phase::Redemption);
    for _ in 0..300 {
        sweep_when_due(app, name).await;
    }
    let later = watched(app, name).await;
    assert_eq!(later.phase, Phase::Redemption);
    assert_eq!(
        (later.drop_earliest, later.drop_latest),
        (first.drop_earliest, first.drop_latest),
        "the predicted drop does not drift as answers pile up"
    );
    let kept = app.kept_answers("long-redemption.com").await;
    assert_eq!(kept.len(), 302, "every answer is still kept as evidence");
}

/// Issue 14 (10): a registry's Retry-After paused the whole sweep inside the host's lease (and
/// the names' 10-minute leases), sleeping up to a day. Now the names the server cannot take are
/// recorded as "not asked now" with the time they will be, and the sweep moves on.
#[tokio::test]
async fn a_server_asking_to_wait_an_hour_defers_its_names_without_stalling_the_sweep() {
    let w = world().await;
    let app = &w.app;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Patient").await;
    let (matter, _) = app.open_matter(&client, &lea, "one busy registry").await;
    let names: Vec<String> = (0..4).map(|i| format!("busy-{i}.com")).collect();
    for name in &names {
        w.rdap
            .set(name, Reply::status(429).header("Retry-After", "3600"));
        app.attach(&matter, name).await;
    }
    let before = app.clock_now();
    // One at a time: the first answer pauses the server before the others are asked.
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        reclaim::app::monitoring::sweep(&app.state, 1),
    )
    .await
    .expect("the sweep does not sleep through the server's pause")
    .unwrap();
    assert_eq!(report.failed, names.len(), "{report:?}");

    let asked: usize = names.iter().map(|n| w.rdap.hits(n)).sum();
    assert_eq!(asked, 1, "only the first name reached the paused server");
    for name in &names {
        let state = watched(app, name).await;
        assert!(
            state.next_check_at.and_utc() >= before + Days::seconds(3600) - Days::seconds(5),
            "{name}: checked again once the server's hour is over, not before"
        );
        let error = state.last_error.unwrap_or_default();
        assert!(
            error.contains("asks to slow down") || error.contains("is not asked now"),
            "{name}: {error}"
        );
    }
}

/// A listener that counts the connections it receives: a server reclaim must never reach.
struct Trap {
    port: u16,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Trap {
    async fn on(address: &str) -> Option<Self> {
        let listener = tokio::net::TcpListener::bind(address).await.ok()?;
        let port = listener.local_addr().ok()?.port();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = hits.clone();
        tokio::spawn(async move {
            while let Ok((_socket, _)) = listener.accept().await {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        Some(Self { port, hits })
    }

    fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Issue 14 (1): the registrar link inside an RDAP answer was fetched whatever its address
/// (loopback, private ranges, credentials, decimal IPs), and a WHOIS referral to 127.0.0.1 made
/// reclaim connect there. Links found in answers are followed only over https on the default
/// port to public addresses; servers the configuration names stay trusted.
#[tokio::test]
async fn links_inside_registry_answers_never_lead_inside_the_network() {
    let w = world().await;
    let trap = Trap::on("127.0.0.1:0").await.expect("a loopback listener");
    let trap6 = Trap::on("[::1]:0").await;
    let p = trap.port;
    let mut links = vec![
        format!("http://127.0.0.1:{p}/domain/x"),
        format!("https://127.0.0.1:{p}/domain/x"),
        format!("https://user:secret@127.0.0.1:{p}/domain/x"),
        format!("https://2130706433:{p}/domain/x"),
        format!("https://0x7f000001:{p}/domain/x"),
        format!("https://127.1:{p}/domain/x"),
        format!("https://localhost:{p}/domain/x"),
        format!("http://localhost:{p}/domain/x"),
        format!("https://[::ffff:127.0.0.1]:{p}/domain/x"),
        "https://127.0.0.1/domain/x".to_owned(),
        "https://10.0.0.1/domain/x".to_owned(),
        "https://169.254.169.254/latest/meta-data/".to_owned(),
        "https://localhost/domain/x".to_owned(),
        "file:///etc/passwd".to_owned(),
    ];
    if let Some(trap6) = &trap6 {
        links.push(format!("https://[::1]:{}/domain/x", trap6.port));
    }
    for (i, link) in links.iter().enumerate() {
        let name = format!("ssrf-{i}.com");
        let mut answer: serde_json::Value = serde_json::from_slice(&rdap_answer(
            &name,
            &["active"],
            "2027-11-01T00:00:00Z",
            None,
            "Registrar A",
        ))
        .unwrap();
        answer["links"] =
            json!([{"rel": "related", "type": "application/rdap+json", "href": link}]);
        w.rdap
            .set(&name, Reply::json(serde_json::to_vec(&answer).unwrap()));
        let outcome =
            reclaim::app::monitoring::check(&w.app.state, &DomainName::parse(&name).unwrap())
                .await
                .unwrap_or_else(|e| panic!("{link}: the registry's own answer still counts: {e}"));
        assert_eq!(
            outcome.to_json()["registry_expires_at"],
            "2027-11-01T00:00:00+00:00",
            "{link}"
        );
        let kept = w.app.kept_answers(&name).await;
        assert_eq!(kept.len(), 1, "{link}: only the registry's answer is kept");
    }
    assert_eq!(trap.hits(), 0, "nothing reached the loopback listener");
    if let Some(trap6) = &trap6 {
        assert_eq!(
            trap6.hits(),
            0,
            "nothing reached the IPv6 loopback listener"
        );
    }

    // The configured registry's own server stays trusted (the registrar's RDAP on the same
    // server as the override is followed, as in the_registrars_rdap_gives_the_real_expiry…).
}

/// Issue 14 (1), WHOIS: a thin registry's `Registrar WHOIS Server:` naming an inner address.
#[tokio::test]
async fn a_whois_referral_to_an_inner_address_is_not_followed() {
    let whois = WhoisServer::start().await;
    let trap = Trap::on("127.0.0.1:0").await.expect("a loopback listener");
    // Port 43 itself, where a referral without a port would lead (needs the right to bind it).
    let trap43 = Trap::on("127.0.0.1:43").await;
    let addr = whois.addr.to_string();
    let dir = tempfile::tempdir().unwrap();
    let bootstrap = dir.path().join("dns.json");
    std::fs::write(
        &bootstrap,
        r#"{"publication":"test","services":[[["invalid"],["http://127.0.0.1:1/"]]]}"#,
    )
    .unwrap();
    let app = spawn_app_with(move |s| {
        s.rdap_bootstrap = Some(bootstrap);
        s.whois_overrides.insert("com".into(), addr.clone());
        s.registry_timeout = Duration::from_secs(10);
    })
    .await;
    let referrals = [
        "127.0.0.1".to_owned(),
        format!("127.0.0.1:{}", trap.port),
        format!("localhost:{}", trap.port),
        "localhost".to_owned(),
        "2130706433".to_owned(),
        "[::1]".to_owned(),
        "10.0.0.1".to_owned(),
    ];
    for (i, referral) in referrals.iter().enumerate() {
        let name = format!("referral-{i}.com");
        let upper = name.to_uppercase();
        let text = format!(
            "   Domain Name: {upper}\r\n   Registry Domain ID: 1_DOMAIN_COM-VRSN\r\n   \
             Registrar WHOIS Server: {referral}\r\n   Registrar URL: http://www.example.com\r\n   \
             Updated Date: 2025-09-09T15:39:04Z\r\n   Creation Date: 1997-09-15T04:00:00Z\r\n   \
             Registry Expiry Date: 2028-09-14T04:00:00Z\r\n   Registrar: Example Registrar\r\n   \
             Registrar IANA ID: 292\r\n   Domain Status: clientTransferProhibited \
             https://icann.org/epp#clientTransferProhibited\r\n   Name Server: NS1.EXAMPLE.COM\r\n\
             >>> Last update of whois database: 2025-11-23T09:00:00Z <<<\r\n"
        );
        whois.set(&name, WhoisReply::Text(text.into_bytes()));
        let outcome =
            reclaim::app::monitoring::check(&app.state, &DomainName::parse(&name).unwrap())
                .await
                .unwrap_or_else(|e| panic!("{referral}: the registry's answer still counts: {e}"));
        assert_eq!(outcome.to_json()["registered"], true, "{referral}");
    }
    assert_eq!(trap.hits(), 0, "nothing reached the loopback listener");
    if let Some(trap43) = &trap43 {
        assert_eq!(trap43.hits(), 0, "nothing reached port 43 on loopback");
    }
}

/// Issue 17: answers are stored once per SHA-256, apart from the snapshots; a check whose
/// answers are byte for byte the last check's is kept as a check of its own ("at this time, the
/// same answer"), pointing at the answers stored already, and the answers are not read again.
#[tokio::test]
async fn an_unchanged_answer_is_kept_as_a_check_stored_once_and_not_read_again() {
    use diesel::prelude::*;
    use reclaim::db::schema::{registry_answers, registry_changes};
    use reclaim::model::monitoring::Source;
    use reclaim::model::registry_record::RegistryRecord;

    let w = world().await;
    let app = &w.app;
    app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let lea = app
        .create_user("lead@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Same answers").await;
    let name = "same.com";
    let bo = app.attach(&matter, name).await;
    let link = w.rdap.url("/registrar/domain/same.com");
    let mut answer: serde_json::Value = serde_json::from_slice(&rdap_answer(
        name,
        &["client transfer prohibited"],
        "2027-11-01T00:00:00Z",
        None,
        "Registrar A",
    ))
    .unwrap();
    answer["links"] = json!([{"rel": "related", "type": "application/rdap+json", "href": link}]);
    let registry = serde_json::to_vec(&answer).unwrap();
    let registrar = br#"{"objectClassName":"domain","ldhName":"same.com","events":[{"eventAction":"registrar expiration","eventDate":"2027-11-05T00:00:00Z"}]}"#.to_vec();
    w.rdap.set(name, Reply::json(registry.clone()));
    w.rdap
        .set_path("/registrar/domain/same.com", Reply::json(registrar.clone()));

    sweep_when_due(app, name).await;
    let first = watched(app, name).await;
    sweep_when_due(app, name).await;
    let second = watched(app, name).await;
    assert!(
        second.last_checked_at > first.last_checked_at,
        "checked again"
    );
    assert_ne!(
        second.last_snapshot_id, first.last_snapshot_id,
        "a check of its own"
    );
    assert_eq!(second.phase, Phase::Active);
    assert_eq!(second.assessment_reason, first.assessment_reason);

    let kept = app.kept_answers(name).await;
    assert_eq!(kept.len(), 4, "two checks, each with both answers");
    for (source, bytes) in [
        (Source::Rdap, &registry),
        (Source::RdapRegistrar, &registrar),
    ] {
        let of_source: Vec<_> = kept.iter().filter(|s| s.source == source).collect();
        assert_eq!(of_source.len(), 2, "{source:?}");
        assert!(
            of_source.iter().all(|s| s.sha256 == sha(bytes)),
            "{source:?}"
        );
    }
    let (stored, changes) = app
        .state
        .db
        .run(move |c| {
            let stored: i64 = registry_answers::table.count().get_result(c)?;
            let changes: i64 = registry_changes::table
                .filter(registry_changes::domain.eq(name))
                .count()
                .get_result(c)?;
            Ok::<_, reclaim::db::DbError>((stored, changes))
        })
        .await
        .unwrap();
    assert_eq!(stored, 2, "each answer stored once");
    assert_eq!(changes, 0, "nothing changed");

    // Every check's answer comes back byte for byte, with its hash (signed in again: the
    // clock moved past the session's idle time).
    app.signed_in("lena@firm.example", Role::Lawyer, None).await;
    for snapshot in &kept {
        let raw = app
            .browser
            .get(&format!("/backorders/{bo}/snapshots/{}", snapshot.id))
            .await;
        assert_eq!(raw.status().as_u16(), 200);
        assert_eq!(raw.headers()["x-content-sha256"], snapshot.sha256.as_str());
        let bytes = raw.bytes().await.unwrap().to_vec();
        let expected = if snapshot.source == Source::Rdap {
            &registry
        } else {
            &registrar
        };
        assert_eq!(&bytes, expected);
    }

    // Not read again: given the last check's record, the registry client returns that record
    // for the same bytes, even one that reading them could never give.
    let policy = app.state.tld_policies.lookup("com").unwrap();
    let domain = DomainName::parse(name).unwrap();
    let known_record = RegistryRecord {
        registrar: Some("Known, not read again".into()),
        registrar_rdap_url: Some(link.clone()),
        ..RegistryRecord::default()
    };
    let known = reclaim::registry::Known {
        registry_status: Some(200),
        registry_sha256: sha(&registry),
        registrar: Some((Some(200), sha(&registrar))),
        record: known_record.clone(),
    };
    let lookup = app
        .state
        .registry
        .lookup_since(&domain, &policy, Some(&known))
        .await
        .unwrap();
    assert!(lookup.unchanged);
    assert_eq!(lookup.record, known_record);
    // A registrar's answer that changed makes both read.
    let renewed = String::from_utf8_lossy(&registrar)
        .replace("2027", "2028")
        .into_bytes();
    w.rdap
        .set_path("/registrar/domain/same.com", Reply::json(renewed));
    let lookup = app
        .state
        .registry
        .lookup_since(&domain, &policy, Some(&known))
        .await
        .unwrap();
    assert!(!lookup.unchanged);
    assert_eq!(lookup.record.registrar.as_deref(), Some("Registrar A"));
    assert_eq!(
        lookup.record.registrar_expires_at.map(|t| t.to_rfc3339()),
        Some("2028-11-05T00:00:00+00:00".to_owned())
    );
}
