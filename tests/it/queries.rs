//! The number of statements behind the matter page, the matter API, a client report and the
//! daily digest does not grow with the data. Two firms are built the same way, one small and one
//! large (300 names, 20 procedures, 20 people), and the statements each answer costs are
//! counted by the connection pool (`DbPool::queries_run`). Reading a matter must cost the same in
//! both; the digest may only add the statements that queue each extra person's message.

use reclaim::model::backorder::{CatchService, ChannelStatus};
use reclaim::model::client::ReportCadence;
use reclaim::model::ids::{ClientId, MatterId};
use reclaim::model::money::Currency;
use reclaim::model::user::Role;
use reclaim::repo::backorders::{self, NewChannel};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, api, spawn_app, spawn_app_with};
use crate::registry_servers::{RdapServer, Reply};

struct Firm {
    app: TestApp,
    matter: MatterId,
    token: String,
    people: usize,
}

/// A firm whose one client has one matter with `names` names (a third of them placed with a
/// catch service), `procedures` UDRPs with their deadlines, and `people` lawyers who each have a
/// deadline due this week (so each gets a digest).
async fn firm(names: usize, procedures: usize, people: usize) -> Firm {
    let app = spawn_app().await;
    let admin = app
        .create_user("ada@cabinet-martin.example", Role::Admin, None)
        .await;
    let lawyer = app
        .signed_in("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let admin_token = app.api_token(&admin).await;
    let token = app.api_token(&lawyer).await;
    let (status, body) = api(
        &app,
        Method::POST,
        "/api/v1/sender-profiles",
        Some(&admin_token),
        Some(json!({
            "legal_name": "Cabinet Martin Avocats SELARL",
            "postal_address": "12 rue de la Paix, 75002 Paris, France",
            "phone": "+33 1 23 45 67 89",
            "from_email": "reports@cabinet-martin.example",
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let client = app.create_client("Northwind").await;
    weekly_reports(&app, &client).await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Recovery").await;
    for i in 0..names {
        let backorder = app.attach(&matter, &format!("northwind-{i}.com")).await;
        if i % 3 == 0 {
            let actor = app.actor();
            app.state
                .db
                .run(move |c| {
                    let channel = NewChannel {
                        service: CatchService::DropCatch,
                        service_name: String::new(),
                        status: ChannelStatus::Placed,
                        external_reference: String::new(),
                        success_fee_minor: Some(6_900),
                        currency: Currency::default(),
                    };
                    backorders::add_channel(c, &actor, &backorder, &channel)
                })
                .await
                .expect("channel placed");
        }
    }
    for i in 0..procedures {
        let (status, body) = api(
            &app,
            Method::POST,
            &format!("/api/v1/matters/{matter}/procedures"),
            Some(&token),
            Some(json!({"kind": "udrp", "domains": [format!("northwind-{i}.com")]})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_str().unwrap().to_owned();
        for (kind, date) in [
            ("complaint_filed", "2026-11-12"),
            ("commenced", "2026-11-16"),
        ] {
            let (status, body) = api(
                &app,
                Method::POST,
                &format!("/api/v1/procedures/{id}/events"),
                Some(&token),
                Some(json!({"kind": kind, "date": date})),
            )
            .await;
            assert!(status < 300, "{body}");
        }
    }
    for i in 0..people {
        let person = app
            .create_user(
                &format!("lawyer{i}@cabinet-martin.example"),
                Role::Lawyer,
                None,
            )
            .await;
        let response = app
            .browser
            .post_form(
                &format!("/matters/{matter}/deadlines"),
                &[
                    ("label", &format!("Call the registrar ({i})")),
                    ("due_on", "2026-11-26"),
                    ("assigned_to", &person.id.to_string()),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "deadline for person {i}");
    }
    Firm {
        app,
        matter,
        token,
        people,
    }
}

async fn weekly_reports(app: &TestApp, client: &ClientId) {
    let id = client.clone();
    app.state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use reclaim::db::schema::clients;
            diesel::update(clients::table.find(&id))
                .set(clients::report_cadence.eq(ReportCadence::Weekly))
                .execute(c)?;
            Ok::<_, reclaim::db::DbError>(())
        })
        .await
        .unwrap();
}

/// What each answer costs, in statements.
#[derive(Debug, Clone, Copy)]
struct Costs {
    matter_page: u64,
    matter_api: u64,
    client_report: u64,
    digest: u64,
    /// Messages the reminders queued (digests and overdue alerts).
    messages: u64,
}

async fn costs(firm: &Firm) -> Costs {
    let app = &firm.app;
    let db = &app.state.db;

    let before = db.queries_run();
    let page = app.browser.get(&format!("/matters/{}", firm.matter)).await;
    assert_eq!(page.status().as_u16(), 200);
    let matter_page = db.queries_run() - before;

    let before = db.queries_run();
    let (status, body) = api(
        app,
        Method::GET,
        &format!("/api/v1/matters/{}", firm.matter),
        Some(&firm.token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let matter_api = db.queries_run() - before;

    let before = db.queries_run();
    let ran = reclaim::jobs::run(&app.state, "reports").await.unwrap();
    assert_eq!(ran, "1 scheduled report(s) queued");
    let client_report = db.queries_run() - before;

    let before = db.queries_run();
    let ran = reclaim::jobs::run(&app.state, "reminders").await.unwrap();
    let digest = db.queries_run() - before;
    // "N digest(s) and M overdue alert(s) queued"
    let counts: Vec<u64> = ran
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(counts.len(), 2, "{ran}");
    assert!(counts[0] > 0, "a digest is sent: {ran}");
    let messages = counts[0] + counts[1];

    Costs {
        matter_page,
        matter_api,
        client_report,
        digest,
        messages,
    }
}

#[tokio::test]
async fn reading_a_matter_a_report_or_the_digest_costs_the_same_whatever_the_size() {
    let small = firm(6, 2, 2).await;
    let large = firm(300, 20, 20).await;
    // The fixtures say what they claim: the large matter has every name and procedure.
    let (_, body) = api(
        &large.app,
        Method::GET,
        &format!("/api/v1/matters/{}", large.matter),
        Some(&large.token),
        None,
    )
    .await;
    // The API answers the first page of names (100) and says how many there are.
    assert_eq!(body["backorder_count"], serde_json::json!(300));
    assert_eq!(body["backorders"].as_array().unwrap().len(), 100);
    assert_eq!(body["procedures"].as_array().unwrap().len(), 20);
    let (s, l) = (costs(&small).await, costs(&large).await);
    eprintln!("statements, small firm: {s:?}; large firm: {l:?}");

    assert_eq!(s.matter_page, l.matter_page, "the matter page");
    assert_eq!(s.matter_api, l.matter_api, "GET /api/v1/matters/{{id}}");
    assert_eq!(s.client_report, l.client_report, "the client report");
    // Queuing a message is a check of its dedupe key and an insert; the rest (reading the
    // docket and the people, marking the alerted deadlines) may not grow with the firm.
    assert_eq!(
        s.digest - 2 * s.messages,
        l.digest - 2 * l.messages,
        "the reminders: {} statements for {} messages to {} people, {} for {} to {}",
        l.digest,
        l.messages,
        large.people,
        s.digest,
        s.messages,
        small.people
    );
}

/// A firm of `size` clients, each with an open matter holding two names and a UDRP with its
/// deadlines: what the lists and the dashboard read.
async fn listed_firm(size: usize) -> (TestApp, String) {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    for i in 0..size {
        let client = app.create_client(&format!("Client {i:03}")).await;
        let (matter, _) = app
            .open_matter(&client, &lawyer, &format!("Recovery {i}"))
            .await;
        app.attach(&matter, &format!("brand-{i}.com")).await;
        app.attach(&matter, &format!("brand-{i}.net")).await;
        let (status, body) = api(
            &app,
            Method::POST,
            &format!("/api/v1/matters/{matter}/procedures"),
            Some(&token),
            Some(json!({"kind": "udrp", "domains": [format!("brand-{i}.com")]})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let procedure = body["id"].as_str().unwrap().to_owned();
        let (status, body) = api(
            &app,
            Method::POST,
            &format!("/api/v1/procedures/{procedure}/events"),
            Some(&token),
            Some(json!({"kind": "complaint_filed", "date": "2026-11-20"})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    (app, token)
}

/// Statements behind each list, API and page, on its first page of 5 rows.
async fn list_costs(app: &TestApp, token: &str) -> Vec<(&'static str, u64)> {
    let db = &app.state.db;
    let mut costs = Vec::new();
    for path in [
        "/api/v1/clients?limit=5",
        "/api/v1/matters?limit=5",
        "/api/v1/matters?limit=5&q=brand",
        "/api/v1/deadlines?limit=5",
    ] {
        let before = db.queries_run();
        let (status, body) = api(app, Method::GET, path, Some(token), None).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body.as_array().unwrap().len(), 5, "{path}");
        costs.push((path, db.queries_run() - before));
    }
    for path in [
        "/matters?limit=5",
        "/deadlines?limit=5",
        "/clients?limit=5",
        "/",
    ] {
        let before = db.queries_run();
        let page = app.browser.get(path).await;
        assert_eq!(page.status().as_u16(), 200, "{path}");
        costs.push((path, db.queries_run() - before));
    }
    costs
}

#[tokio::test]
async fn a_page_of_a_list_costs_the_same_whatever_the_size_of_the_firm() {
    let (small, small_token) = listed_firm(6).await;
    let (large, large_token) = listed_firm(40).await;
    let (s, l) = (
        list_costs(&small, &small_token).await,
        list_costs(&large, &large_token).await,
    );
    eprintln!("statements, small firm: {s:?}; large firm: {l:?}");
    assert_eq!(s, l);
}

/// Issue 17: a sweep costs a few statements per name, the same at every round: the names' last
/// checks are read with the claim (never their history), and an answer the same as the last
/// check's is kept as a snapshot row and a schedule update, nothing else. (Concurrency 1, so
/// that each name is recorded in a transaction of its own and the count is exact; a sweep
/// records up to `RECORD_BATCH` names in one.)
#[tokio::test]
async fn a_sweep_costs_a_few_statements_per_name_whatever_the_history() {
    const NAMES: usize = 12;
    let rdap = RdapServer::start().await;
    let base = rdap.base.clone();
    let app = spawn_app_with(move |s| {
        s.rdap_overrides.insert("com".into(), base);
        s.rdap_rate_limit = 60_000;
    })
    .await;
    let lawyer = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Northwind").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Watch").await;
    for i in 0..NAMES {
        let name = format!("steady-{i}.com");
        let answer = json!({
            "objectClassName": "domain",
            "ldhName": name,
            "status": ["active"],
            "events": [{"eventAction": "expiration", "eventDate": "2030-01-01T00:00:00Z"}],
        });
        rdap.set(&name, Reply::json(serde_json::to_vec(&answer).unwrap()));
        app.attach(&matter, &name).await;
    }
    let mut costs = Vec::new();
    for _ in 0..4 {
        app.clock.advance(chrono::Duration::days(2));
        let before = app.state.db.queries_run();
        let report = reclaim::app::monitoring::sweep(&app.state, 1)
            .await
            .unwrap();
        assert_eq!(report.checked, NAMES, "{report}");
        costs.push(app.state.db.queries_run() - before);
    }
    eprintln!("statements per sweep of {NAMES} names, rounds 1 to 4: {costs:?}");
    // The answers are fetched while the ones received are recorded, so a batch holds what
    // arrived meanwhile (one name or two here): rounds differ by a batch's own statements. What
    // says the history is not read is the bound per name, the same for every round while the
    // history grows: each name a batch of its own costs its transaction, the batch's reads of
    // the backorders and checklists, its snapshot row and its schedule; per sweep: the claim,
    // the last checks, the release.
    for (round, cost) in costs.iter().enumerate().skip(1) {
        assert!(
            *cost <= 7 * NAMES as u64 + 9,
            "round {}: {costs:?}",
            round + 1
        );
        assert!(*cost < costs[0], "less than a new answer: {costs:?}");
    }
}

/// A firm with `size` clients, `size` more accounts and a name checked `size * 5` times, an
/// administrator signed in: what the audit log, the users page and a name's timeline read.
async fn logged_firm(size: usize) -> (TestApp, String, String) {
    use reclaim::model::lifecycle::Phase;
    use reclaim::model::monitoring::Source;

    let app = spawn_app().await;
    let admin = app
        .signed_in("ada@cabinet-martin.example", Role::Admin, None)
        .await;
    let token = app.api_token(&admin).await;
    for i in 0..size {
        app.create_client(&format!("Client {i:03}")).await;
        app.create_user(
            &format!("p{i}@cabinet-martin.example"),
            Role::Paralegal,
            None,
        )
        .await;
    }
    let client = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&client, &admin, "Recovery").await;
    let backorder = app.attach(&matter, "checked-often.com").await;
    let start = app.clock_now();
    app.state
        .db
        .run(move |c| {
            for i in 0..(size * 5) as i64 {
                let answer = reclaim::registry::Answer {
                    source: Source::Rdap,
                    server: "https://rdap.example/".to_owned(),
                    fetched_at: start + chrono::Duration::minutes(i),
                    http_status: Some(200),
                    raw: format!("{{\"check\": {i}}}").into_bytes(),
                };
                reclaim::repo::monitoring::insert_snapshot(
                    c,
                    "checked-often.com",
                    &answer,
                    &Default::default(),
                    Phase::Active,
                    None,
                )?;
            }
            Ok::<_, reclaim::db::DbError>(())
        })
        .await
        .unwrap();
    (app, token, backorder.to_string())
}

#[tokio::test]
async fn the_audit_log_users_and_a_timeline_cost_the_same_whatever_their_length() {
    let mut costs = Vec::new();
    for size in [6, 30] {
        let (app, token, backorder) = logged_firm(size).await;
        let db = &app.state.db;
        let mut cost = Vec::new();
        for path in [
            "/admin/audit?limit=5".to_owned(),
            "/admin/users?limit=5".to_owned(),
            format!("/backorders/{backorder}?limit=5"),
        ] {
            let before = db.queries_run();
            let page = app.browser.get(&path).await;
            assert_eq!(page.status().as_u16(), 200, "{path}");
            let html = page.text().await.unwrap();
            assert!(html.contains("rel=\"next\""), "{path} is paged");
            cost.push(db.queries_run() - before);
        }
        let path = format!("/api/v1/backorders/{backorder}/history?limit=5");
        let before = db.queries_run();
        let (status, body) = api(&app, Method::GET, &path, Some(&token), None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["snapshots"].as_array().unwrap().len(), 5);
        cost.push(db.queries_run() - before);
        costs.push(cost);
    }
    eprintln!("statements, short and long: {costs:?}");
    assert_eq!(costs[0], costs[1]);
}
