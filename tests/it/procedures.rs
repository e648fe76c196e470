//! Dispute procedures and the docket, end to end over HTTP: a UDRP and a SYRELI case run in the
//! UI with every deadline checked, recomputation, official dates, the dashboard, the calculator,
//! closure days, the API, the calendar feed (parsed back) and reminders received by a real SMTP
//! server.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Browser, PASSWORD, TestApp, api, location, spawn_app, spawn_app_with};
use crate::registry_servers::{RdapServer, Reply, fixture};
use crate::smtp_sink::SmtpSink;
use reclaim::model::user::Role;

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

/// The procedure id from a redirect to `/procedures/{id}`.
fn procedure_id(response: &reqwest::Response) -> String {
    let to = location(response);
    assert!(to.starts_with("/procedures/"), "redirected to {to}");
    to.trim_start_matches("/procedures/").to_owned()
}

async fn record(browser: &Browser, pid: &str, kind: &str, date: &str) {
    let response = browser
        .post_form(
            &format!("/procedures/{pid}/events"),
            &[("kind", kind), ("date", date), ("note", "")],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "recording {kind} on {date}"
    );
    assert_eq!(
        location(&response),
        format!("/procedures/{pid}"),
        "recording {kind} on {date}"
    );
}

/// Moves the clock; sessions last at most 12 hours, so everyone signs in again.
async fn days_later(app: &TestApp, to: chrono::DateTime<Utc>, browsers: &[(&Browser, &str)]) {
    app.clock.set(to);
    for (browser, email) in browsers {
        assert_eq!(browser.login(email, PASSWORD).await.status().as_u16(), 303);
    }
}

/// The procedure's deadlines from the API: rule → (due_on, status, official_on).
async fn schedule(
    app: &TestApp,
    token: &str,
    pid: &str,
) -> BTreeMap<String, (String, String, Value)> {
    let (status, body) = api(
        app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}/deadlines"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                (
                    d["due_on"].as_str().unwrap().to_owned(),
                    d["status"].as_str().unwrap().to_owned(),
                    d["official_on"].clone(),
                ),
            )
        })
        .collect()
}

fn due(s: &BTreeMap<String, (String, String, Value)>, rule: &str) -> String {
    s.get(rule)
        .unwrap_or_else(|| panic!("{rule} in {s:?}"))
        .0
        .clone()
}

fn state(s: &BTreeMap<String, (String, String, Value)>, rule: &str) -> String {
    s.get(rule)
        .unwrap_or_else(|| panic!("{rule} in {s:?}"))
        .1
        .clone()
}

/// The id of the deadline `rule` from the API.
async fn deadline_id(app: &TestApp, token: &str, pid: &str, rule: &str) -> String {
    let (_, body) = api(
        app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}/deadlines"),
        Some(token),
        None,
    )
    .await;
    body.as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule)
        .unwrap_or_else(|| panic!("{rule} in {body}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

struct Firm {
    app: TestApp,
    lawyer: reclaim::model::user::User,
    paralegal: Browser,
    paralegal_user: reclaim::model::user::User,
    token: String,
}

async fn firm(app: TestApp) -> Firm {
    let lawyer = app
        .signed_in("lina.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let paralegal_user = app
        .create_user("paul.paralegal@firm.example", Role::Paralegal, None)
        .await;
    let paralegal = app.new_browser();
    assert_eq!(
        paralegal
            .login("paul.paralegal@firm.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let token = app.api_token(&lawyer).await;
    Firm {
        app,
        lawyer,
        paralegal,
        paralegal_user,
        token,
    }
}

#[tokio::test]
async fn a_paralegal_runs_a_udrp_case_end_to_end_with_every_deadline_right() {
    let Firm {
        app,
        lawyer,
        paralegal,
        token,
        ..
    } = firm(spawn_app().await).await;
    let client = app.create_client("Acme Brands").await;
    let (matter, reference) = app
        .open_matter(&client, &lawyer, "Recover acme-brands.com")
        .await;
    let backorder = app.attach(&matter, "acme-brands.com").await;

    // The lawyer starts the UDRP from the matter page; UDRP comes first for a .com name.
    let form = app
        .browser
        .get_html(&format!("/matters/{matter}/procedures/new"))
        .await;
    let udrp_at = form
        .find("UDRP (applies to this matter")
        .expect("UDRP offered for .com");
    assert!(udrp_at < form.find(">SYRELI<").unwrap_or(usize::MAX));
    let response = app
        .browser
        .post_form(
            &format!("/matters/{matter}/procedures"),
            &[
                ("kind", "udrp"),
                ("domains", "acme-brands.com"),
                ("provider", "Forum"),
                ("case_number", "FA2611001"),
                ("registrar_country", "us-az"),
                ("parties", "Acme Brands v. J. Doe"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let pid = procedure_id(&response);

    // The paralegal records the case as the notices arrive (clock: 23 Nov 2026).
    for (kind, date) in [
        ("complaint_filed", "2026-11-02"),
        ("fee_paid", "2026-11-03"),
        ("verification_requested", "2026-11-03"),
        ("lock_confirmed", "2026-11-05"),
        ("commenced", "2026-11-06"),
    ] {
        record(&paralegal, &pid, kind, date).await;
    }
    let s = schedule(&app, &token, &pid).await;
    // Rules 19(c): 10 calendar days after filing.
    assert_eq!(due(&s, "UDRP.R19c"), "2026-11-12");
    assert_eq!(state(&s, "UDRP.R19c"), "met", "the fee was paid");
    // Rules 4(b): 2 business days at the Arizona registrar: Wed 4, Thu 5 Nov.
    assert_eq!(due(&s, "UDRP.R4b"), "2026-11-05");
    assert_eq!(state(&s, "UDRP.R4b"), "met");
    // Rules 4(c): 3 calendar days after the fee.
    assert_eq!(due(&s, "UDRP.R4c"), "2026-11-06");
    // Rules 5(a): 20 calendar days from commencement, Thanksgiving or not.
    assert_eq!(due(&s, "UDRP.R5a"), "2026-11-26");
    assert_eq!(state(&s, "UDRP.R5a"), "pending");
    // Rules 6(b): 5 days after the response period ends without a response.
    assert_eq!(due(&s, "UDRP.R6b"), "2026-12-01");

    let page = paralegal.get_html(&format!("/procedures/{pid}")).await;
    assert!(page.contains("UDRP FA2611001 (Forum)"));
    assert!(
        page.contains("Thu 26 Nov 2026"),
        "the response due date is on the page"
    );
    assert!(
        page.contains("US-AZ — United States, Arizona"),
        "the registrar's calendar is shown (A.R.S. 1-301)"
    );
    assert!(
        page.contains("20 calendar days after commenced"),
        "the basis in words"
    );
    assert!(
        page.contains("to verify"),
        "Rules 19(c) is marked UNCONFIRMED in the reference"
    );

    // The provider's notice gives 27 Nov for the response: the official date wins, and the
    // panel's appointment is counted from it.
    let r5a = deadline_id(&app, &token, &pid, "UDRP.R5a").await;
    let response = paralegal
        .post_form(
            &format!("/deadlines/{r5a}/official"),
            &[
                ("official_on", "2026-11-27"),
                ("back", &format!("/procedures/{pid}")),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let s = schedule(&app, &token, &pid).await;
    assert_eq!(due(&s, "UDRP.R5a"), "2026-11-27");
    assert_eq!(s["UDRP.R5a"].2, json!("2026-11-27"));
    assert_eq!(
        due(&s, "UDRP.R6b"),
        "2026-12-02",
        "counted from the official date"
    );
    let page = paralegal.get_html(&format!("/procedures/{pid}")).await;
    assert!(page.contains("official</span> <span class=\"muted\">computed Thu 26 Nov 2026"));

    // No response; the panel is appointed, decides; the decision is notified.
    days_later(
        &app,
        at(2026, 12, 17),
        &[
            (&app.browser, "lina.lawyer@firm.example"),
            (&paralegal, "paul.paralegal@firm.example"),
        ],
    )
    .await;
    for (kind, date) in [
        ("panel_appointed", "2026-12-01"),
        ("decision_received", "2026-12-14"),
        ("decision_notified", "2026-12-16"),
    ] {
        record(&paralegal, &pid, kind, date).await;
    }
    let s = schedule(&app, &token, &pid).await;
    assert_eq!(state(&s, "UDRP.R6b"), "met");
    // Rules 15(b): 14 days after the appointment.
    assert_eq!(due(&s, "UDRP.R15b"), "2026-12-15");
    // Rules 16(a): 3 calendar days to communicate the decision.
    assert_eq!(due(&s, "UDRP.R16a"), "2026-12-17");
    // Rules 16(a) as amended: 3 business days at the registrar: Thu 17, Fri 18, Mon 21 Dec.
    assert_eq!(due(&s, "UDRP.R16a-registrar"), "2026-12-21");
    // Policy 4(k): 10 US business days, Christmas skipped: 17, 18, 21-24, 28-31 Dec.
    assert_eq!(due(&s, "UDRP.P4k"), "2026-12-31");
    let (_, body) = api(
        &app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(body["status"], "decided");

    // A wrong date is corrected: everything counted from it moves.
    let events = body["events"].as_array().unwrap().clone();
    let notified = events
        .iter()
        .find(|e| e["kind"] == "decision_notified")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = paralegal
        .post_form(
            &format!("/procedures/{pid}/events/{notified}"),
            &[
                ("date", "2026-12-15"),
                ("kind", "decision_notified"),
                ("note", "date corrected"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let s = schedule(&app, &token, &pid).await;
    // 10 business days after Tue 15 Dec: 16-18, 21-24, 28-30 Dec.
    assert_eq!(due(&s, "UDRP.P4k"), "2026-12-30");
    assert_eq!(due(&s, "UDRP.R16a-registrar"), "2026-12-18");

    // The registrar implements the transfer: the procedure closes, its deadlines are met.
    days_later(
        &app,
        at(2027, 1, 4),
        &[
            (&app.browser, "lina.lawyer@firm.example"),
            (&paralegal, "paul.paralegal@firm.example"),
        ],
    )
    .await;
    record(&paralegal, &pid, "implemented", "2026-12-31").await;
    let s = schedule(&app, &token, &pid).await;
    assert_eq!(state(&s, "UDRP.P4k"), "met");
    let (_, body) = api(
        &app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(body["status"], "closed");
    assert_eq!(
        body["domains"][0]["backorder_id"],
        json!(backorder.to_string()),
        "linked to the matter's backorder"
    );

    // The matter shows the procedure; the API's matter has it too.
    let matter_page = app.browser.get_html(&format!("/matters/{matter}")).await;
    assert!(matter_page.contains("UDRP FA2611001 (Forum)"));
    let (_, m) = api(
        &app,
        Method::GET,
        &format!("/api/v1/matters/{matter}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(m["procedures"][0]["kind"], "udrp");
    assert!(
        m["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "UDRP.P4k")
    );
    assert_eq!(m["reference"], reference);

    let actions = app.audit_actions().await;
    for action in [
        "procedure.created",
        "procedure.event_recorded",
        "procedure.event_changed",
        "deadline.official_date",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in the audit log"
        );
    }
}

async fn syreli_world() -> (Firm, RdapServer) {
    let rdap = RdapServer::start().await;
    let base = rdap.base.clone();
    let app = spawn_app_with(move |s| {
        s.rdap_overrides.insert("fr".to_owned(), base.clone());
        s.registry_timeout = Duration::from_secs(2);
        s.rdap_rate_limit = 60_000;
    })
    .await;
    (firm(app).await, rdap)
}

#[tokio::test]
async fn a_syreli_case_runs_end_to_end_after_the_eligibility_check() {
    let (
        Firm {
            app,
            lawyer,
            paralegal,
            token,
            ..
        },
        rdap,
    ) = syreli_world().await;
    rdap.set(
        "afnic.fr",
        Reply::json(fixture("rdap/fr_afnic.fr_active.json")),
    );
    let client = app.create_client("Association Française").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "afnic.fr").await;
    let backorder = app.attach(&matter, "afnic.fr").await;

    // Before a registry answer, the backorder page says what to verify.
    let page = app
        .browser
        .get_html(&format!("/backorders/{backorder}"))
        .await;
    assert!(page.contains("<strong>SYRELI</strong> applies to .fr names"));
    assert!(page.contains("verify that it was created or renewed after 1 July 2011"));

    // After asking the registry (local RDAP server, real AFNIC answer): created 2001, expires
    // 2029, so renewed after 2011; active; nothing pending.
    let response = app
        .browser
        .post_form(&format!("/backorders/{backorder}/check"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let page = app
        .browser
        .get_html(&format!("/backorders/{backorder}"))
        .await;
    assert!(page.contains("renewed after 1 July 2011"), "{page}");
    assert!(page.contains("The name is registered and active."));
    assert!(page.contains(&format!(
        "/matters/{matter}/procedures/new?kind=syreli&amp;domain=afnic.fr"
    )));

    // The hint's link opens the form with the checks.
    let form = app
        .browser
        .get_html(&format!(
            "/matters/{matter}/procedures/new?kind=syreli&domain=afnic.fr"
        ))
        .await;
    assert!(form.contains("Before opening it"));
    assert!(form.contains("is an AFNIC TLD"));

    let response = app
        .browser
        .post_form(
            &format!("/matters/{matter}/procedures"),
            &[
                ("kind", "syreli"),
                ("domains", "afnic.fr"),
                ("registrar_country", "FR"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let pid = procedure_id(&response);
    let (_, body) = api(
        &app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(body["provider"], "AFNIC", "the usual provider by default");

    // A second AFNIC procedure on the same name is refused: one is pending (§2.1 F6).
    let response = app
        .browser
        .post_form(
            &format!("/matters/{matter}/procedures"),
            &[("kind", "parl_expert"), ("domains", "afnic.fr")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Another proceeding on the name is pending"),
        "{html}"
    );

    // The claim was filed 1 Oct, completed 15 Oct; AFNIC opened the procedure 21 Oct.
    for (kind, date) in [
        ("complaint_filed", "2026-10-01"),
        ("deficiency_cured", "2026-10-15"),
        ("commenced", "2026-10-21"),
    ] {
        record(&paralegal, &pid, kind, date).await;
    }
    let s = schedule(&app, &token, &pid).await;
    // 21 days from 21 Oct end on Wed 11 Nov (Armistice): moved to Thu 12 Nov (CPC 642).
    assert_eq!(due(&s, "SYRELI.response"), "2026-11-12");
    // CPCE L.45-6: two months from the complete claim (15 Oct) → 15 Dec.
    assert_eq!(due(&s, "SYRELI.L45-6"), "2026-12-15");
    days_later(
        &app,
        at(2026, 12, 11),
        &[
            (&app.browser, "lina.lawyer@firm.example"),
            (&paralegal, "paul.paralegal@firm.example"),
        ],
    )
    .await;
    record(&paralegal, &pid, "response_received", "2026-11-10").await;
    record(&paralegal, &pid, "decision_notified", "2026-12-10").await;
    let s = schedule(&app, &token, &pid).await;
    assert_eq!(state(&s, "SYRELI.response"), "met");
    assert_eq!(state(&s, "SYRELI.L45-6"), "met");
    // 15 days after 10 Dec is Christmas (Friday): Monday 28 Dec.
    assert_eq!(due(&s, "SYRELI.execution"), "2026-12-28");
    let page = paralegal.get_html(&format!("/procedures/{pid}")).await;
    assert!(
        page.contains("moved from 25 Dec 2026 to the next working day"),
        "CPC 642 in words"
    );

    // The lawyer records the outcome.
    let response = app
        .browser
        .post_form(
            &format!("/procedures/{pid}"),
            &[
                ("outcome", "transfer"),
                ("case_number", "FR-2026-01234"),
                ("registrar_country", "FR"),
                ("currency", "EUR"),
                ("fees", "250"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, body) = api(
        &app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(body["outcome"], "transfer");
    assert_eq!(body["fees"], "250.00");
    assert_eq!(body["case_number"], "FR-2026-01234");
}

#[tokio::test]
async fn syreli_is_refused_where_a_condition_fails_and_other_kinds_where_the_tld_does_not_fit() {
    let (
        Firm {
            app, lawyer, token, ..
        },
        rdap,
    ) = syreli_world().await;
    // A name in redemption is not active (§2.1 F6).
    let redemption = serde_json::to_vec(&json!({
        "objectClassName": "domain",
        "ldhName": "ancien-nom.fr",
        "status": ["redemption period"],
        "events": [
            {"eventAction": "registration", "eventDate": "2016-02-01T00:00:00Z"},
            {"eventAction": "expiration", "eventDate": "2026-02-01T00:00:00Z"},
        ],
    }))
    .unwrap();
    rdap.set("ancien-nom.fr", Reply::json(redemption));
    let client = app.create_client("Ancien").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "ancien-nom.fr").await;
    let backorder = app.attach(&matter, "ancien-nom.fr").await;
    app.browser
        .post_form(&format!("/backorders/{backorder}/check"), &[])
        .await;
    let page = app
        .browser
        .get_html(&format!("/backorders/{backorder}"))
        .await;
    assert!(page.contains("not active at the registry"));
    assert!(
        !page.contains("procedures/new?kind=syreli"),
        "no start link when a check fails"
    );

    let response = app
        .browser
        .post_form(
            &format!("/matters/{matter}/procedures"),
            &[("kind", "syreli"), ("domains", "ancien-nom.fr")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("SYRELI cannot be opened on ancien-nom.fr"));
    assert!(html.contains("backorder it instead"));

    // Through the API: 422 naming the field.
    let (status, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "syreli", "domains": ["ancien-nom.fr"]})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "domains");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not active")
    );

    // A UDRP on a .fr name does not apply; SYRELI on a .com name neither.
    let (status, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "udrp", "domains": ["ancien-nom.fr"]})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("UDRP does not apply to .fr names"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SYRELI, PARL EXPERT")
    );
    let (status, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "syreli", "domains": ["example.com"]})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SYRELI does not apply to .com"),
        "{body}"
    );
}

#[tokio::test]
async fn bad_input_is_explained_and_changes_nothing() {
    let Firm {
        app,
        lawyer,
        paralegal,
        token,
        ..
    } = firm(spawn_app().await).await;
    let client = app.create_client("Bad Input").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "bad input").await;
    let m = matter.to_string();

    let cases: &[(Value, &str, &str)] = &[
        (
            json!({"kind": "arbitration", "domains": ["a.com"]}),
            "kind",
            "not a valid procedure kind",
        ),
        (
            json!({"kind": "udrp", "domains": []}),
            "domains",
            "at least one domain",
        ),
        (
            json!({"kind": "udrp", "domains": ["not a name"]}),
            "domains",
            "",
        ),
        (
            json!({"kind": "udrp", "domains": ["a.com", "A.COM"]}),
            "domains",
            "listed twice",
        ),
        (
            json!({"kind": "udrp", "domains": ["a.com"], "registrar_country": "USA"}),
            "registrar_country",
            "two letters of ISO 3166",
        ),
        (
            json!({"kind": "udrp", "domains": ["a.com"], "fees": "lots"}),
            "fees",
            "",
        ),
        (
            json!({"kind": "udrp", "domains": ["a.notatld"]}),
            "domains",
            "",
        ),
    ];
    for (body, field, words) in cases {
        let (status, answer) = api(
            &app,
            Method::POST,
            &format!("/api/v1/matters/{m}/procedures"),
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["error"]["field"], *field, "{body} → {answer}");
        assert!(
            answer["error"]["message"].as_str().unwrap().contains(words),
            "{body} → {answer}"
        );
    }

    let (status, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{m}/procedures"),
        Some(&token),
        Some(json!({"kind": "udrp", "domains": ["bad-input.com"], "registrar_country": "DE"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let pid = body["id"].as_str().unwrap().to_owned();
    assert_eq!(body["provider"], "WIPO");
    assert_eq!(body["registrar_calendar"], "DE");

    // Events: unknown kind, not a date, a date in the future (the clock says 23 Nov 2026).
    for (kind, date, field, words) in [
        ("filed", "2026-11-02", "kind", "not a valid procedure event"),
        ("commenced", "02/11/2026", "date", "YYYY-MM-DD"),
        ("commenced", "2026-12-25", "date", "is in the future"),
        ("commenced", "1998-01-01", "date", "before the UDRP existed"),
    ] {
        let (status, answer) = api(
            &app,
            Method::POST,
            &format!("/api/v1/procedures/{pid}/events"),
            Some(&token),
            Some(json!({"kind": kind, "date": date})),
        )
        .await;
        assert_eq!(status, 422, "{kind} {date} → {answer}");
        assert_eq!(answer["error"]["field"], field);
        assert!(
            answer["error"]["message"].as_str().unwrap().contains(words),
            "{answer}"
        );
        // The same in the form: sent back with the message next to the field, 422.
        let response = paralegal
            .post_form(
                &format!("/procedures/{pid}/events"),
                &[("kind", kind), ("date", date)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422);
        assert!(response.text().await.unwrap().contains("field-error"));
    }
    let (_, after) = api(
        &app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}"),
        Some(&token),
        None,
    )
    .await;
    assert!(
        after["events"].as_array().unwrap().is_empty(),
        "nothing recorded"
    );

    // The preview explains too.
    let (status, answer) = api(
        &app,
        Method::POST,
        "/api/v1/deadlines/preview",
        Some(&token),
        Some(json!({"kind": "udrp", "events": [{"kind": "commenced", "date": "someday"}]})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["field"], "events[0].date");

    // A closed procedure takes no event until reopened.
    let response = app
        .browser
        .post_form(&format!("/procedures/{pid}/close"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, answer) = api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-02"})),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("reopen it")
    );
    app.browser
        .post_form(&format!("/procedures/{pid}/reopen"), &[])
        .await;
    let (status, _) = api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-02"})),
    )
    .await;
    assert_eq!(status, 201);

    // The calculator page with a bad date answers 422 with the message by the field.
    let response = paralegal
        .get("/deadlines/calculator?kind=udrp&ev_commenced=tomorrow")
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("is not a date"));

    // A closure day on an unknown calendar, a day given twice.
    let response = app
        .browser
        .post_form(
            "/calendars/closures",
            &[("calendar", "MARS"), ("day", "2026-12-24")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("not a calendar reclaim knows")
    );
    app.browser
        .post_form(
            "/calendars/closures",
            &[("calendar", "CH-GE"), ("day", "2026-12-24")],
        )
        .await;
    let response = app
        .browser
        .post_form(
            "/calendars/closures",
            &[("calendar", "CH-GE"), ("day", "2026-12-24")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("already a closure day")
    );
}

#[tokio::test]
async fn who_may_see_and_do_what() {
    let Firm {
        app,
        lawyer,
        paralegal,
        token,
        ..
    } = firm(spawn_app().await).await;
    let ours = app.create_client("Ours").await;
    let theirs = app.create_client("Theirs").await;
    let (matter, _) = app.open_matter(&theirs, &lawyer, "theirs").await;
    let (status, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "udrp", "domains": ["theirs.com"]})),
    )
    .await;
    assert_eq!(status, 201);
    let pid = body["id"].as_str().unwrap().to_owned();
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-10"})),
    )
    .await;
    let deadline = deadline_id(&app, &token, &pid, "UDRP.R5a").await;

    // A paralegal cannot start a procedure (lawyers do), but records events and works deadlines.
    let response = paralegal
        .post_form(
            &format!("/matters/{matter}/procedures"),
            &[("kind", "udrp"), ("domains", "x.com")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let response = paralegal
        .post_form(
            &format!("/deadlines/{deadline}/done"),
            &[("back", "/deadlines")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/deadlines");
    // An outside `back` is not followed.
    let response = paralegal
        .post_form(
            &format!("/deadlines/{deadline}/undone"),
            &[("back", "//evil.example/")],
        )
        .await;
    assert_eq!(location(&response), "/");

    // Another client's portal user sees nothing of it: 404 everywhere, no feed.
    let outsider = app
        .create_user("cora.client@ours.example", Role::Client, Some(&ours))
        .await;
    let browser = app.new_browser();
    browser.login("cora.client@ours.example", PASSWORD).await;
    assert_eq!(
        browser
            .get(&format!("/procedures/{pid}"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(browser.get("/deadlines").await.status().as_u16(), 403);
    let response = browser
        .post_form(&format!("/deadlines/{deadline}/done"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let outsider_token = app.api_token(&outsider).await;
    let (status, _) = api(
        &app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}"),
        Some(&outsider_token),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = api(
        &app,
        Method::GET,
        &format!("/api/v1/procedures/{pid}/deadlines"),
        Some(&outsider_token),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, me) = api(&app, Method::GET, "/api/v1/me", Some(&outsider_token), None).await;
    assert_eq!(status, 200);
    assert!(
        me["calendar_url"].is_null(),
        "client accounts have no docket"
    );

    // The client's own portal user reads their procedure, without the firm's internal notes.
    app.create_user("tess.client@theirs.example", Role::Client, Some(&theirs))
        .await;
    let own = app.new_browser();
    own.login("tess.client@theirs.example", PASSWORD).await;
    let page = own.get_html(&format!("/procedures/{pid}")).await;
    assert!(page.contains("UDRP"));
    assert!(!page.contains("Record an event"));
    let response = own
        .post_form(
            &format!("/procedures/{pid}/events"),
            &[("kind", "fee_paid"), ("date", "2026-11-10")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);

    // Forms without a CSRF token are refused.
    let response = paralegal
        .post_form_raw(
            &format!("/procedures/{pid}/events"),
            &[("kind", "fee_paid"), ("date", "2026-11-10")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
}

#[tokio::test]
async fn the_dashboard_groups_and_filters_and_marks_done() {
    let Firm {
        app,
        lawyer,
        paralegal,
        paralegal_user,
        token,
    } = firm(spawn_app().await).await;
    let acme = app.create_client("Acme").await;
    let globex = app.create_client("Globex").await;
    let (m1, r1) = app.open_matter(&acme, &lawyer, "acme").await;
    let (m2, r2) = app.open_matter(&globex, &lawyer, "globex").await;
    let start = |m: &reclaim::model::ids::MatterId, name: &str| {
        let (m, name, token) = (m.to_string(), name.to_owned(), token.clone());
        let app = &app;
        async move {
            let (status, body) = api(
                app,
                Method::POST,
                &format!("/api/v1/matters/{m}/procedures"),
                Some(&token),
                Some(json!({"kind": "udrp", "domains": [name]})),
            )
            .await;
            assert_eq!(status, 201, "{body}");
            body["id"].as_str().unwrap().to_owned()
        }
    };
    let p1 = start(&m1, "acme.com").await;
    let p2 = start(&m2, "globex.com").await;
    // Today is Mon 23 Nov 2026. Acme: response due 22 Nov (overdue). Globex: due 30 Nov (this week).
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{p1}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-02"})),
    )
    .await;
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{p2}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-10"})),
    )
    .await;
    // A hand-entered deadline due today, assigned to the paralegal.
    let response = app
        .browser
        .post_form(
            &format!("/matters/{m2}/deadlines"),
            &[
                ("label", "Call the registrar"),
                ("due_on", "2026-11-23"),
                ("assigned_to", &paralegal_user.id.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let html = paralegal.get_html("/deadlines").await;
    let section = |html: &str, key: &str| -> String {
        let start = html
            .find(&format!("id=\"group-{key}\""))
            .unwrap_or_else(|| panic!("group {key}"));
        let end = html[start..].find("</section>").unwrap() + start;
        html[start..end].to_owned()
    };
    assert!(
        section(&html, "overdue").contains(&r1),
        "the Acme response is overdue"
    );
    assert!(section(&html, "today").contains("Call the registrar"));
    assert!(section(&html, "this_week").contains(&r2));
    assert!(
        section(&html, "later").contains("UDRP.R6b")
            || section(&html, "this_week").contains("UDRP.R6b")
    );

    // Filters: by client, by matter, by person.
    let html = paralegal
        .get_html(&format!("/deadlines?client={acme}"))
        .await;
    assert!(html.contains(&r1) && !html.contains(&r2));
    let html = paralegal.get_html(&format!("/deadlines?matter={r2}")).await;
    assert!(
        html.contains(&r2) && !html.contains(&r1),
        "{}",
        &html[html.find("<main").unwrap_or(0)..]
    );
    let html = paralegal
        .get_html(&format!("/deadlines?who={}", paralegal_user.id))
        .await;
    assert!(html.contains("Call the registrar") && !html.contains("UDRP.R5a"));
    let html = paralegal.get_html("/deadlines?matter=M-1999-9999").await;
    assert!(html.contains("There is no matter M-1999-9999"));

    // Mark the overdue one done from the dashboard: it leaves the list, stays under "include done".
    let r5a = deadline_id(&app, &token, &p1, "UDRP.R5a").await;
    let response = paralegal
        .post_form(&format!("/deadlines/{r5a}/done"), &[("back", "/deadlines")])
        .await;
    assert_eq!(location(&response), "/deadlines");
    let html = paralegal.get_html("/deadlines").await;
    assert!(!section(&html, "overdue").contains(&r1));
    let html = paralegal.get_html("/deadlines?closed=yes").await;
    assert!(section(&html, "closed").contains(&r1));
    let (_, docket) = api(&app, Method::GET, "/api/v1/deadlines", Some(&token), None).await;
    assert!(
        !docket
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == r5a.as_str())
    );
}

#[tokio::test]
async fn the_calculator_and_the_preview_agree_and_store_nothing() {
    let Firm {
        app,
        paralegal,
        token,
        ..
    } = firm(spawn_app().await).await;
    let body = json!({
        "kind": "udrp",
        "registrar_country": "US",
        "events": [{"kind": "decision_notified", "date": "2026-12-24"}],
    });
    let (status, answer) = api(
        &app,
        Method::POST,
        "/api/v1/deadlines/preview",
        Some(&token),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let p4k = answer["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "UDRP.P4k")
        .unwrap()
        .clone();
    // Policy 4(k): 10 US business days after Thu 24 Dec 2026 (25 Dec and 1 Jan skipped). The
    // state is not given: every US calendar reclaim has is counted (docs/legal.md §3.3); all
    // give Mon 11 Jan, so there is no range, but the answer says the region is unknown.
    assert_eq!(p4k["due_on"], "2027-01-11");
    assert_eq!(p4k["latest_on"], serde_json::Value::Null);
    assert!(
        p4k["calendar"].as_str().unwrap().contains("region unknown"),
        "{p4k}"
    );
    assert!(
        p4k["basis"]
            .as_str()
            .unwrap()
            .contains("10 business days after")
    );
    assert_eq!(answer["registrar_calendar"], "US-FED");
    assert_eq!(answer["registrar_calendar_known"], false);
    assert!(
        answer["registrar_calendars"]
            .as_array()
            .unwrap()
            .contains(&json!("US-AZ"))
    );

    // Canada without its province: Ontario and Quebec do not keep Remembrance Day, the other
    // calendars do, so 4(k) from Tue 10 Nov 2026 is Tue 24 Nov at the earliest, Wed 25 at the
    // latest.
    let (status, answer) = api(&app, Method::POST, "/api/v1/deadlines/preview", Some(&token), Some(json!({"kind": "udrp", "registrar_country": "CA", "events": [{"kind": "decision_notified", "date": "2026-11-10"}]}))).await;
    assert_eq!(status, 200, "{answer}");
    let p4k = answer["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "UDRP.P4k")
        .unwrap()
        .clone();
    assert_eq!(p4k["due_on"], "2026-11-24");
    assert_eq!(p4k["latest_on"], "2026-11-25");
    // With the province: one date.
    let (_, answer) = api(&app, Method::POST, "/api/v1/deadlines/preview", Some(&token), Some(json!({"kind": "udrp", "registrar_country": "ca-on", "events": [{"kind": "decision_notified", "date": "2026-11-10"}]}))).await;
    assert_eq!(answer["registrar_calendar"], "CA-ON");
    // By IANA ID (Tucows, Toronto) from the registrar directory.
    let (_, answer) = api(&app, Method::POST, "/api/v1/deadlines/preview", Some(&token), Some(json!({"kind": "udrp", "registrar_iana_id": "69", "events": [{"kind": "decision_notified", "date": "2026-11-10"}]}))).await;
    assert_eq!(answer["registrar_calendar"], "CA-ON", "{answer}");
    // A subdivision that does not exist is refused, naming the valid ones.
    let (status, answer) = api(&app, Method::POST, "/api/v1/deadlines/preview", Some(&token), Some(json!({"kind": "udrp", "registrar_country": "CA-XX", "events": [{"kind": "decision_notified", "date": "2026-11-10"}]}))).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["field"], "registrar_country");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("CA-ON")
    );

    let html = paralegal
        .get_html(
            "/deadlines/calculator?kind=udrp&registrar_country=US&ev_decision_notified=2026-12-24",
        )
        .await;
    assert!(html.contains("Mon 11 Jan 2027"));
    assert!(html.contains("data-rule=\"UDRP.P4k\""));

    // A firm closure day at the registrar's calendar moves the count.
    app.browser
        .post_form(
            "/calendars/closures",
            &[
                ("calendar", "US-AZ"),
                ("day", "2026-12-28"),
                ("note", "registrar closed"),
            ],
        )
        .await;
    let (_, answer) = api(&app, Method::POST, "/api/v1/deadlines/preview", Some(&token), Some(json!({"kind": "udrp", "registrar_country": "US-AZ", "events": [{"kind": "decision_notified", "date": "2026-12-24"}]}))).await;
    let p4k = answer["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "UDRP.P4k")
        .unwrap()
        .clone();
    assert_eq!(p4k["due_on"], "2027-01-12");
    let calendars = paralegal.get_html("/calendars?year=2027").await;
    assert!(calendars.contains("registrar closed"));
    assert!(
        calendars.contains("Fri 26 Mar: Good Friday"),
        "Easter-based holidays, computed for 2027"
    );

    // Nothing was stored by the preview.
    let (_, docket) = api(&app, Method::GET, "/api/v1/deadlines", Some(&token), None).await;
    assert!(docket.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn closure_days_recompute_running_procedures() {
    let Firm {
        app, lawyer, token, ..
    } = firm(spawn_app().await).await;
    let client = app.create_client("Closure").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "closure").await;
    let (_, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "udrp", "domains": ["closure.com"], "registrar_country": "FR"})),
    )
    .await;
    let pid = body["id"].as_str().unwrap().to_owned();
    // Rules 4(b): 2 business days at a French registrar after Tue 17 Nov: Wed 18, Thu 19.
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "verification_requested", "date": "2026-11-17"})),
    )
    .await;
    assert_eq!(
        due(&schedule(&app, &token, &pid).await, "UDRP.R4b"),
        "2026-11-19"
    );
    let response = app
        .browser
        .post_form(
            "/calendars/closures",
            &[
                ("calendar", "FR"),
                ("day", "2026-11-18"),
                ("note", "registrar strike"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        due(&schedule(&app, &token, &pid).await, "UDRP.R4b"),
        "2026-11-20"
    );
}

/// Parses an iCalendar text back: unfolds lines (RFC 5545 §3.1) and returns each VEVENT's
/// properties (name without parameters → unescaped value).
fn parse_ics(text: &str) -> Vec<BTreeMap<String, String>> {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    let unfolded = text.replace("\r\n ", "");
    let mut events = Vec::new();
    let mut current: Option<BTreeMap<String, String>> = None;
    let mut in_alarm = false;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(line.len() <= 75 * 20, "a sane line");
        match line {
            "BEGIN:VEVENT" => current = Some(BTreeMap::new()),
            "END:VEVENT" => events.push(current.take().expect("an open event")),
            "BEGIN:VALARM" => in_alarm = true,
            "END:VALARM" => in_alarm = false,
            _ => {
                if let (Some(event), false) = (current.as_mut(), in_alarm) {
                    let (name, value) = line.split_once(':').expect("name:value");
                    let name = name.split(';').next().unwrap().to_owned();
                    let value = value
                        .replace("\\n", "\n")
                        .replace("\\,", ",")
                        .replace("\\;", ";")
                        .replace("\\\\", "\\");
                    event.insert(name, value);
                }
            }
        }
    }
    events
}

#[tokio::test]
async fn each_person_has_a_revocable_calendar_feed() {
    let Firm {
        app, lawyer, token, ..
    } = firm(spawn_app().await).await;
    let client = app.create_client("Feed").await;
    let (matter, reference) = app.open_matter(&client, &lawyer, "feed").await;
    let (_, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "udrp", "domains": ["feed-brand.com"], "case_number": "D2026-0001"})),
    )
    .await;
    let pid = body["id"].as_str().unwrap().to_owned();
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-10"})),
    )
    .await;

    let (_, me) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    let url = me["calendar_url"].as_str().expect("a feed URL").to_owned();
    assert!(url.starts_with("http://127.0.0.1:8080/calendar/") && url.ends_with(".ics"));
    let path = url.trim_start_matches("http://127.0.0.1:8080").to_owned();
    let account = app.browser.get_html("/account").await;
    assert!(
        account.contains(&url),
        "the account page shows the same link"
    );

    // No cookie needed: calendar programs send none.
    let response = reqwest::get(app.url(&path)).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let events = parse_ics(&response.text().await.unwrap());
    let r5a = events
        .iter()
        .find(|e| e["SUMMARY"].contains("Response due"))
        .expect("the response deadline");
    assert_eq!(
        r5a["DTSTART"], "20261130",
        "Rules 5(a): 20 days after 10 Nov"
    );
    assert_eq!(r5a["DTEND"], "20261201");
    assert!(r5a["SUMMARY"].contains(&reference));
    assert!(r5a["DESCRIPTION"].contains("Rule: UDRP.R5a"));
    assert!(r5a["DESCRIPTION"].contains("feed-brand.com"));
    assert_eq!(
        r5a["URL"],
        format!("http://127.0.0.1:8080/procedures/{pid}")
    );
    assert_eq!(r5a["STATUS"], "CONFIRMED");
    let uid = r5a["UID"].clone();

    // Done: still there (so calendars update it) but cancelled; the UID is stable.
    let id = deadline_id(&app, &token, &pid, "UDRP.R5a").await;
    api(
        &app,
        Method::POST,
        &format!("/api/v1/deadlines/{id}/done"),
        Some(&token),
        Some(json!({"done": true})),
    )
    .await;
    let events = parse_ics(
        &reqwest::get(app.url(&path))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let again = events.iter().find(|e| e["UID"] == uid).unwrap();
    assert_eq!(again["STATUS"], "CANCELLED");

    // An altered or unknown token is 404; replacing the link kills the old one.
    let altered = path.replace(".ics", "x.ics");
    assert_eq!(
        reqwest::get(app.url(&altered))
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        reqwest::get(app.url("/calendar/nonsense.ics"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let response = app.browser.post_form("/account/calendar-feed", &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        reqwest::get(app.url(&path))
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let (_, me) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    let new_path = me["calendar_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://127.0.0.1:8080")
        .to_owned();
    assert_ne!(new_path, path);
    assert_eq!(
        reqwest::get(app.url(&new_path))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "user.calendar_feed_reset")
    );
}

#[tokio::test]
async fn reminders_reach_a_real_smtp_server_once() {
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(smtp);
        s.mail_from = "docket@firm.example".to_owned();
        s.reminder_days = 7;
        s.reminder_hour = 6;
    })
    .await;
    let Firm {
        app,
        lawyer,
        paralegal_user,
        token,
        ..
    } = firm(app).await;
    let client = app.create_client("Remind").await;
    let (matter, reference) = app.open_matter(&client, &lawyer, "remind").await;
    let (_, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "udrp", "domains": ["remind-me.com"]})),
    )
    .await;
    let pid = body["id"].as_str().unwrap().to_owned();
    // Response due Mon 23 Nov + 3 = Thu 26 Nov (in 3 days); the fee was due 22 Nov (overdue).
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-06"})),
    )
    .await;
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "complaint_filed", "date": "2026-11-12"})),
    )
    .await;
    // Something for the paralegal only, in 5 days.
    let response = app
        .browser
        .post_form(
            &format!("/matters/{matter}/deadlines"),
            &[
                ("label", "Prepare the annexes"),
                ("due_on", "2026-11-28"),
                ("assigned_to", &paralegal_user.id.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    // 09:00 UTC, after the digest hour: the job queues an overdue alert and the digests.
    let ran = reclaim::jobs::run(&app.state, "reminders")
        .await
        .expect("reminders ran");
    assert!(ran.contains("digest"), "{ran}");
    reclaim::jobs::run(&app.state, "outbox")
        .await
        .expect("outbox ran");
    let received = sink.wait_for(3).await;
    let to = |who: &str| {
        received
            .iter()
            .filter(|m| m.to.iter().any(|t| t == who))
            .cloned()
            .collect::<Vec<_>>()
    };

    let lawyer_mail = to("lina.lawyer@firm.example");
    let overdue = lawyer_mail
        .iter()
        .find(|m| {
            m.header("Subject")
                .unwrap_or_default()
                .starts_with("OVERDUE")
        })
        .expect("an overdue alert");
    assert!(
        overdue
            .header("Subject")
            .unwrap()
            .contains("Filing fee due")
    );
    assert!(overdue.body().contains("UDRP.R19c"));
    assert_eq!(overdue.from, "docket@firm.example");
    let digest = lawyer_mail
        .iter()
        .find(|m| {
            m.header("Subject")
                .unwrap_or_default()
                .starts_with("Deadlines:")
        })
        .expect("a digest");
    let text = digest.body();
    assert!(text.contains("Overdue"), "{text}");
    assert!(text.contains("Thu 26 Nov 2026"), "{text}");
    assert!(text.contains(&reference));
    assert!(
        !text.contains("Prepare the annexes"),
        "assigned to the paralegal, not the lawyer"
    );
    assert_eq!(
        digest.header("X-Reclaim-Kind").as_deref(),
        Some("deadline-reminder")
    );

    let paralegal_mail = to("paul.paralegal@firm.example");
    assert_eq!(paralegal_mail.len(), 1, "one digest for the paralegal");
    assert!(paralegal_mail[0].body().contains("Prepare the annexes"));

    // Running again the same day sends nothing new.
    let count = sink.messages().len();
    reclaim::jobs::run(&app.state, "reminders").await.unwrap();
    reclaim::jobs::run(&app.state, "outbox").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sink.messages().len(), count, "nothing twice");

    // The next day: a new digest, and an alert only for what became overdue since.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 27, 7, 0, 0).unwrap());
    reclaim::jobs::run(&app.state, "reminders").await.unwrap();
    reclaim::jobs::run(&app.state, "outbox").await.unwrap();
    let later = sink.wait_for(count + 3).await;
    let new: Vec<_> = later[count..].to_vec();
    assert!(
        new.iter().any(|m| m
            .header("Subject")
            .unwrap_or_default()
            .contains("Response due")),
        "the response became overdue"
    );
    assert!(
        !new.iter().any(|m| m
            .header("Subject")
            .unwrap_or_default()
            .contains("Filing fee")),
        "already alerted"
    );

    // Before the digest hour, only overdue alerts go out.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 28, 5, 0, 0).unwrap());
    let ran = reclaim::jobs::run(&app.state, "reminders").await.unwrap();
    assert!(ran.starts_with("0 digest(s)"), "{ran}");
}

/// The statements a request runs, counted by the pool.
async fn queries_of<F: std::future::Future>(app: &TestApp, request: F) -> (u64, F::Output) {
    let before = app.state.db.queries_run();
    let output = request.await;
    (app.state.db.queries_run() - before, output)
}

/// The procedure page, the procedure's JSON and the docket read a fixed number of queries:
/// nothing per event, deadline, procedure or matter.
#[tokio::test]
async fn the_procedure_page_and_the_docket_do_not_read_per_record() {
    let Firm {
        app,
        lawyer,
        paralegal,
        token,
        ..
    } = firm(spawn_app().await).await;
    let client = app.create_client("Counted").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "counted").await;
    let start = |domain: &'static str| {
        let (app, token, matter) = (&app, &token, matter.clone());
        async move {
            let (status, body) = api(
                app,
                Method::POST,
                &format!("/api/v1/matters/{matter}/procedures"),
                Some(token),
                Some(json!({"kind": "udrp", "domains": [domain, format!("www.{domain}")]})),
            )
            .await;
            assert_eq!(status, 201, "{body}");
            body["id"].as_str().unwrap().to_owned()
        }
    };
    let pid = start("counted-one.com").await;
    record(&paralegal, &pid, "complaint_filed", "2026-11-02").await;

    let measure = || async {
        let (page, html) =
            queries_of(&app, paralegal.get_html(&format!("/procedures/{pid}"))).await;
        assert!(html.contains("UDRP"));
        let (json, (status, _)) = queries_of(
            &app,
            api(
                &app,
                Method::GET,
                &format!("/api/v1/procedures/{pid}"),
                Some(&token),
                None,
            ),
        )
        .await;
        assert_eq!(status, 200);
        let (docket, (status, body)) = queries_of(
            &app,
            api(&app, Method::GET, "/api/v1/deadlines", Some(&token), None),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let (mine, (status, _)) = queries_of(
            &app,
            api(
                &app,
                Method::GET,
                "/api/v1/deadlines?who=me",
                Some(&token),
                None,
            ),
        )
        .await;
        assert_eq!(status, 200);
        (page, json, docket, mine, body.as_array().unwrap().len())
    };
    let (page, json, docket, mine, few) = measure().await;

    // More events, so more deadlines; more procedures, each on two names.
    for (kind, date) in [
        ("fee_paid", "2026-11-03"),
        ("verification_requested", "2026-11-03"),
        ("commenced", "2026-11-06"),
        ("response_received", "2026-11-16"),
    ] {
        record(&paralegal, &pid, kind, date).await;
    }
    for domain in ["counted-two.com", "counted-three.com"] {
        let other = start(domain).await;
        record(&paralegal, &other, "commenced", "2026-11-06").await;
    }
    let (page_after, json_after, docket_after, mine_after, many) = measure().await;
    assert!(many > few, "{few} then {many} deadlines");
    assert_eq!(page_after, page, "the procedure page");
    assert_eq!(json_after, json, "GET /api/v1/procedures/{{id}}");
    assert_eq!(docket_after, docket, "GET /api/v1/deadlines");
    assert_eq!(mine_after, mine, "GET /api/v1/deadlines?who=me");
    // The token's check (what a call that reads nothing else costs), then the docket: the
    // pool's check of the connection it hands out, and two queries (the page's keys, then
    // their entries: `repo::procedures::docket_page`).
    let (token_check, (status, _)) = queries_of(
        &app,
        api(&app, Method::GET, "/api/v1/tlds/com", Some(&token), None),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        docket,
        token_check + 3,
        "GET /api/v1/deadlines: two queries"
    );
    assert_eq!(
        mine,
        token_check + 3,
        "GET /api/v1/deadlines?who=me: two queries"
    );
}

/// A deadline entered by hand on `matter`, due in `days`.
async fn task(
    app: &TestApp,
    matter: &reclaim::model::ids::MatterId,
    label: String,
    assignee: Option<reclaim::model::ids::UserId>,
    days: i64,
) {
    let new = reclaim::repo::procedures::NewManualDeadline {
        procedure_id: None,
        label,
        due_on: (app.clock_now() + chrono::Duration::days(days)).date_naive(),
        assigned_to: assignee,
        note: String::new(),
    };
    let (actor, matter) = (app.actor(), matter.clone());
    app.state
        .db
        .run(move |c| reclaim::repo::procedures::add_manual(c, &actor, &matter, &new))
        .await
        .expect("deadline added");
}

/// The reminders job reads the docket, the people and who works on what once, whatever the
/// number of people: a second run the same day (nothing new to queue) runs as many queries
/// with one person as with many.
#[tokio::test]
async fn reminders_read_the_same_whatever_the_number_of_people() {
    let app = spawn_app_with(|s| {
        s.reminder_days = 7;
        s.reminder_hour = 6;
    })
    .await;
    let Firm { app, lawyer, .. } = firm(app).await;
    let client = app.create_client("Many People").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "many people").await;
    task(&app, &matter, "Call the client".to_owned(), None, 2).await;
    task(&app, &matter, "Chase the registrar".to_owned(), None, -1).await;

    let twice = || async {
        let first = reclaim::app::docket::send_reminders(&app.state)
            .await
            .expect("reminders");
        let (reads, second) =
            queries_of(&app, reclaim::app::docket::send_reminders(&app.state)).await;
        let second = second.expect("reminders");
        assert_eq!(second.digests + second.overdue_alerts, 0, "nothing twice");
        (first, reads)
    };
    let (first, reads) = twice().await;
    assert_eq!(first.digests, 1, "{first}");

    for i in 0..6 {
        let person = app
            .create_user(&format!("person{i}@firm.example"), Role::Paralegal, None)
            .await;
        task(
            &app,
            &matter,
            format!("Task {i}"),
            Some(person.id.clone()),
            3,
        )
        .await;
        task(&app, &matter, format!("Late task {i}"), Some(person.id), -2).await;
    }
    let (more, reads_after) = twice().await;
    assert_eq!(more.digests, 6, "{more}");
    assert_eq!(more.overdue_alerts, 6, "{more}");
    assert_eq!(reads_after, reads, "the same reads for 1 and 7 people");
}
