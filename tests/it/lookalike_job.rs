//! The daily lookalike job (issue 18): the configured zone files and lists scanned against the
//! firm's marks and brand terms, then the best-ranked lookalikes asked at their registries (a
//! local RDAP server); the client's own backordered names left out; a dismissed name stays
//! dismissed; a source that fails does not stop the others.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use reqwest::Method;
use serde_json::json;

use chrono::TimeZone;
use chrono::Utc;

use crate::helpers::{TestApp, api, spawn_app_with};
use crate::registry_servers::{RdapServer, Reply};
use crate::smtp_sink::SmtpSink;
use reclaim::config::Settings;
use reclaim::model::ids::{ClientId, MatterId};
use reclaim::model::lookalike_finding::{FindingState, LookalikeFinding};
use reclaim::model::matter::parse_marks;
use reclaim::model::user::{Role, User};
use reclaim::repo::lookalikes;
use reclaim::repo::matters::{self, NewMatter};

struct Firm {
    app: TestApp,
    lawyer: User,
    northwind: ClientId,
    matter: MatterId,
    helios: ClientId,
    dir: tempfile::TempDir,
}

/// A CZDS-style `.com` zone (RFC 1035 §5.1 master file): the apex, delegations, glue.
const ZONE: &str = "\
$ORIGIN com.
$TTL 86400
com.\t86400\tin\tsoa\ta.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
com.\t172800\tin\tns\ta.gtld-servers.net.
northwind.com.\t172800\tin\tns\tns1.northwind.com.
ns1.northwind.com.\t172800\tin\ta\t192.0.2.1
n0rthwind.com.\t172800\tin\tns\tns1.parking.example.
northwind-login.com.\t172800\tin\tns\tns1.parking.example.
bakery.com.\t172800\tin\tns\tns1.bakery.example.
heliosbank-secure.com.\t172800\tin\tns\tns1.parking.example.
weather.com.\t172800\tin\tns\tns1.weather.example.
";

/// A firm whose client Northwind has a matter with the mark "Northwind", recovering
/// northwind.com, and whose client Helios watches the brand term "heliosbank".
async fn firm(customize: impl FnOnce(&mut Settings, &std::path::Path)) -> Firm {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let app = spawn_app_with(move |s| {
        s.lookalike_checks = 0;
        customize(s, &path);
    })
    .await;
    let lawyer = app
        .create_user("ines@firm.example", Role::Lawyer, None)
        .await;
    let northwind = app.create_client("Northwind").await;
    let helios = app.create_client("Helios").await;
    let new = NewMatter {
        client_id: northwind.clone(),
        title: "Northwind names".into(),
        responsible_lawyer_id: lawyer.id.clone(),
        team: Vec::new(),
        marks: parse_marks("Northwind | EUTM 012345678").unwrap(),
        notes: String::new(),
    };
    let actor = app.actor();
    let matter = app
        .state
        .db
        .run(move |c| matters::create(c, &actor, &new))
        .await
        .unwrap()
        .id;
    app.attach(&matter, "northwind.com").await;
    let (actor, client) = (app.actor(), helios.clone());
    app.state
        .db
        .run(move |c| lookalikes::add_brand_term(c, &actor, &client, "heliosbank"))
        .await
        .unwrap();
    Firm {
        app,
        lawyer,
        northwind,
        matter,
        helios,
        dir,
    }
}

async fn findings(f: &Firm, client: &ClientId) -> Vec<LookalikeFinding> {
    let client = client.clone();
    f.app
        .state
        .db
        .run(move |c| lookalikes::for_client(c, &client, &[], None, 1000))
        .await
        .unwrap()
}

fn named<'a>(list: &'a [LookalikeFinding], domain: &str) -> Option<&'a LookalikeFinding> {
    list.iter().find(|x| x.domain == domain)
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn the_zone_scan_records_the_planted_lookalikes_of_marks_and_brand_terms() {
    let f = firm(|s, dir| {
        s.lookalike_sources = vec![write(dir, "com.zone.gz", &gzip(ZONE.as_bytes()))];
    })
    .await;
    let detail = reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    assert!(
        detail.contains("6 name(s) read from 1 source(s)"),
        "{detail}"
    );
    assert!(detail.contains("3 new finding(s)"), "{detail}");

    let northwind = findings(&f, &f.northwind).await;
    let domains: Vec<&str> = northwind.iter().map(|x| x.domain.as_str()).collect();
    // Most dangerous first: same skeleton (95), then the mark with a word (85). The client's
    // own backordered northwind.com is not a lookalike.
    assert_eq!(domains, ["n0rthwind.com", "northwind-login.com"]);
    let n0 = &northwind[0];
    assert_eq!(n0.mark, "northwind");
    assert_eq!(n0.score, 95);
    assert_eq!(n0.family(), Some("homoglyph"));
    assert_eq!(n0.reason["skeleton_equal"], true);
    assert_eq!(n0.matter_id.as_ref(), Some(&f.matter));
    assert_eq!(n0.source, "com.zone.gz");
    assert_eq!(n0.state, FindingState::New);

    let helios = findings(&f, &f.helios).await;
    assert_eq!(helios.len(), 1);
    assert_eq!(helios[0].domain, "heliosbank-secure.com");
    assert_eq!(helios[0].matter_id, None, "a brand term has no matter");
}

#[tokio::test]
async fn a_registered_lookalike_found_by_a_direct_check_has_its_registry_data() {
    let rdap = RdapServer::start().await;
    let base = rdap.base.clone();
    let f = firm(move |s, _| {
        s.rdap_overrides.insert("com".into(), base);
        s.rdap_rate_limit = 60_000;
        s.drop_watch_per_second = 10_000;
        s.drop_watch_per_minute = 10_000;
        s.lookalike_checks = 300;
    })
    .await;
    rdap.set(
        "n0rthwind.com",
        Reply::json(
            serde_json::to_vec(&json!({
                "rdapConformance": ["rdap_level_0"],
                "objectClassName": "domain",
                "ldhName": "n0rthwind.com",
                "status": ["client transfer prohibited"],
                "events": [
                    {"eventAction": "registration", "eventDate": "2026-11-28T14:02:11Z"},
                    {"eventAction": "expiration", "eventDate": "2027-11-28T14:02:11Z"},
                ],
                "entities": [{
                    "objectClassName": "entity",
                    "roles": ["registrar"],
                    "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}],
                    "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                        ["fn", {}, "text", "Shady Names Ltd"]]],
                }],
            }))
            .unwrap(),
        ),
    );
    let detail = reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    // A bounded number of checks per run, whatever the number of candidates.
    assert_eq!(rdap.total_hits(), 300, "{detail}");
    assert_eq!(rdap.hits("n0rthwind.com"), 1, "among the best-ranked");
    assert_eq!(rdap.hits("northwind.com"), 0, "the client recovers it");
    assert!(
        detail.contains("300 lookalike(s) asked at their registries, 1 registered"),
        "{detail}"
    );

    let northwind = findings(&f, &f.northwind).await;
    assert_eq!(northwind.len(), 1, "{northwind:?}");
    let found = &northwind[0];
    assert_eq!(found.domain, "n0rthwind.com");
    assert_eq!(found.source, "check");
    assert_eq!(found.registry.registrar.as_deref(), Some("Shady Names Ltd"));
    assert_eq!(
        found.registry.registered_on,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
    );
    // RFC 8056 §2 maps the RDAP status to its EPP code.
    assert_eq!(found.registry.statuses, ["clientTransferProhibited"]);

    // The next run goes further down the ranking: neither the name found nor the names asked
    // (the homograph with a Greek omicron, among the best-ranked) are asked again...
    let homograph = "xn--nrthwind-zdg.com";
    assert_eq!(rdap.hits(homograph), 1);
    reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    assert_eq!(rdap.total_hits(), 600);
    assert_eq!(rdap.hits("n0rthwind.com"), 1);
    assert_eq!(rdap.hits(homograph), 1);
    // ...until a week has passed: then the best-ranked are asked again.
    f.app.clock.advance(chrono::Duration::days(8));
    reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    assert_eq!(rdap.hits(homograph), 2);
    assert_eq!(rdap.hits("n0rthwind.com"), 1, "found: not asked again");
}

#[tokio::test]
async fn a_dismissed_name_stays_dismissed_on_the_next_run() {
    let f = firm(|s, dir| {
        s.lookalike_sources = vec![write(dir, "com.zone", ZONE.as_bytes())];
    })
    .await;
    reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    let id = named(&findings(&f, &f.northwind).await, "northwind-login.com")
        .unwrap()
        .id
        .clone();
    let token = f.app.api_token(&f.lawyer).await;
    let (status, body) = api(
        &f.app,
        Method::POST,
        &format!("/api/v1/findings/{id}/triage"),
        Some(&token),
        Some(json!({"action": "dismiss", "note": "a genuine login service"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    f.app.clock.advance(chrono::Duration::days(1));
    let detail = reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    assert!(
        detail.contains("0 new finding(s), 3 seen again"),
        "{detail}"
    );
    let list = findings(&f, &f.northwind).await;
    let dismissed = named(&list, "northwind-login.com").unwrap();
    assert_eq!(dismissed.state, FindingState::Dismissed);
    assert_eq!(dismissed.last_seen_at, f.app.clock_now().naive_utc());
    assert!(dismissed.first_seen_at < dismissed.last_seen_at);
}

#[tokio::test]
async fn a_source_that_fails_does_not_stop_the_others() {
    let f = firm(|s, dir| {
        // Enough delegations after the planted ones that these are decoded before the cut.
        let mut zone = ZONE.to_owned();
        for i in 0..5_000 {
            zone.push_str(&format!(
                "filler{i}.com.\t172800\tin\tns\tns1.example.net.\n"
            ));
        }
        let cut = gzip(zone.as_bytes());
        let cut = &cut[..cut.len() - 12];
        s.lookalike_sources = vec![
            dir.join("missing.zone.gz").to_string_lossy().into_owned(),
            write(dir, "cut.zone.gz", cut),
            write(
                dir,
                "new-names.txt",
                b"# new today\nheliosbank-login.com\nbakery.org\n",
            ),
        ];
    })
    .await;
    let error = reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("missing.zone.gz: cannot open"), "{error}");
    assert!(
        error.contains("cut.zone.gz: the gzip data is cut short"),
        "{error}"
    );
    assert!(error.contains("from 3 source(s)"), "{error}");
    // The list after them was read, and the names the cut file gave before its end are kept.
    let helios = findings(&f, &f.helios).await;
    let listed = named(&helios, "heliosbank-login.com").expect("read from the list");
    assert_eq!(listed.source, "new-names.txt");
    assert!(named(&findings(&f, &f.northwind).await, "n0rthwind.com").is_some());
    let _ = &f.dir;
}

#[tokio::test]
async fn new_findings_reach_the_responsible_lawyer_in_the_daily_digest_once() {
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let f = firm(move |s, dir| {
        s.lookalike_sources = vec![write(dir, "com.zone", ZONE.as_bytes())];
        s.smtp_url = Some(smtp);
        s.reminder_hour = 6;
    })
    .await;
    f.app
        .clock
        .set(Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap());
    reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    // Sixty more, less dangerous: a digest lists fifty, the rest wait for the next ones.
    let (client, matter, now) = (f.northwind.clone(), f.matter.clone(), f.app.clock_now());
    let more: Vec<lookalikes::NewFinding> = (0..60)
        .map(|i| lookalikes::NewFinding {
            client_id: client.clone(),
            matter_id: Some(matter.clone()),
            domain: format!("northwind-shop{i:02}.com"),
            unicode: format!("northwind-shop{i:02}.com"),
            mark: "northwind".into(),
            reason: json!({"family": null, "skeleton_equal": false, "contained": "northwind", "distance": null}),
            score: 75,
            source: "com.zone".into(),
            seen_at: now,
            registry: None,
        })
        .collect();
    f.app
        .state
        .db
        .run(move |c| lookalikes::record(c, &more))
        .await
        .unwrap();
    let ran = reclaim::jobs::run(&f.app.state, "reminders").await.unwrap();
    assert!(ran.contains("50 new lookalike(s) in the digests"), "{ran}");
    reclaim::jobs::run(&f.app.state, "outbox").await.unwrap();
    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1);
    let digest = &received[0];
    assert_eq!(digest.to, ["ines@firm.example"]);
    assert_eq!(
        digest.header("Subject").as_deref(),
        Some("Lookalikes: 62 new")
    );
    let text = digest.body();
    assert!(
        text.contains("n0rthwind.com  imitates “northwind” of Northwind: homoglyph; looks the same (confusable characters) (score 95), first seen 2026-12-03"),
        "{text}"
    );
    assert!(text.contains("northwind-login.com"), "{text}");
    assert!(
        text.contains(&format!("/clients/{}/lookalikes", f.northwind)),
        "{text}"
    );
    assert!(
        text.contains("… and 12 more, in the next digests"),
        "{text}"
    );
    // Helios's brand term has no matter, hence no lawyer yet: its finding waits.
    assert!(!text.contains("heliosbank"), "{text}");
    let waiting = f.app.state.db.run(lookalikes::unalerted).await.unwrap();
    assert_eq!(waiting.len(), 13);
    assert!(waiting.iter().any(|w| w.domain == "heliosbank-secure.com"));
    assert!(waiting.iter().all(|w| w.domain != "n0rthwind.com"));

    // The next day, found again: the two are not sent again, the twelve left are.
    f.app.clock.advance(chrono::Duration::days(1));
    reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    let ran = reclaim::jobs::run(&f.app.state, "reminders").await.unwrap();
    assert!(ran.contains("12 new lookalike(s) in the digests"), "{ran}");
    reclaim::jobs::run(&f.app.state, "outbox").await.unwrap();
    let received = sink.wait_for(2).await;
    let second = received[1].body();
    assert!(!second.contains("n0rthwind.com"), "{second}");
    assert!(second.contains("northwind-shop"), "{second}");
    f.app.clock.advance(chrono::Duration::days(1));
    let ran = reclaim::jobs::run(&f.app.state, "reminders").await.unwrap();
    assert!(ran.starts_with("0 digest(s)"), "{ran}");
}

#[tokio::test]
async fn the_client_report_lists_the_open_findings() {
    let f = firm(|s, dir| {
        s.lookalike_sources = vec![write(dir, "com.zone", ZONE.as_bytes())];
    })
    .await;
    reclaim::jobs::run(&f.app.state, "lookalikes")
        .await
        .unwrap();
    let list = findings(&f, &f.northwind).await;
    let login = named(&list, "northwind-login.com").unwrap().clone();
    let actor = f.app.actor();
    f.app
        .state
        .db
        .run(move |c| {
            lookalikes::decide(c, &actor, &login, FindingState::Dismissed, "genuine", None)
        })
        .await
        .unwrap();
    let (actor, client) = (f.app.actor(), f.northwind.clone());
    let (_, pdf) = f
        .app
        .state
        .db
        .run(move |c| reclaim::app::reports::generate_client(c, &actor, &client, "test"))
        .await
        .unwrap();
    let Some(pages) = crate::reports::pdf_pages(&pdf) else {
        return;
    };
    let text = pages.join("\n");
    assert!(text.contains("Lookalike names"), "{text}");
    assert!(
        text.contains("1 registered name(s) imitating your marks"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.contains("n0rthwind.com"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("northwind"), "{row}");
    assert!(row.contains("homoglyph"), "{row}");
    assert!(
        row.contains(&f.app.clock_now().format("%Y-%m-%d").to_string()),
        "{row}"
    );
    assert!(row.contains("New"), "{row}");
    assert!(!text.contains("northwind-login.com"), "dismissed: not open");
}
