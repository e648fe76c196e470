//! Status reports: the PDF's text (extracted with poppler's pdftotext) says what it must, a long
//! one paginates with its table headers repeated, the scheduled one reaches a real SMTP server as
//! a valid PDF attachment, the CLI writes one, and client users see only their own.

use std::process::Command;

use base64::Engine;
use chrono::Duration;
use reclaim::model::user::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, api, external_tool, spawn_app, spawn_app_with};
use crate::smtp_sink::SmtpSink;

/// The text of a PDF, page by page (pdftotext separates pages with a form feed); `None` when
/// pdftotext is not installed (see [`external_tool`]).
pub fn pdf_pages(pdf: &[u8]) -> Option<Vec<String>> {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let pdftotext = external_tool(&["pdftotext"], "poppler-utils", "reading a report's text")?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new(pdftotext)
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        output.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8 text");
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// `GET …/report.pdf`: a preview for staff, the latest kept report for a client user.
async fn fetch_report(
    app: &TestApp,
    token: &str,
    matter: &str,
) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
    report_call(
        app,
        Method::GET,
        token,
        &format!("/api/v1/matters/{matter}/report.pdf"),
    )
    .await
}

/// `POST …/reports`: generate the report now and keep it (staff).
async fn keep_report(
    app: &TestApp,
    token: &str,
    matter: &str,
) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
    report_call(
        app,
        Method::POST,
        token,
        &format!("/api/v1/matters/{matter}/reports"),
    )
    .await
}

async fn report_call(
    app: &TestApp,
    method: Method,
    token: &str,
    path: &str,
) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.bytes().await.unwrap().to_vec(), headers)
}

async fn sender_profile(app: &TestApp, admin_token: &str) {
    let (status, body) = api(
        app,
        Method::POST,
        "/api/v1/sender-profiles",
        Some(admin_token),
        Some(json!({
            "legal_name": "Cabinet Martin Avocats SELARL",
            "postal_address": "12 rue de la Paix, 75002 Paris, France",
            "phone": "+33 1 23 45 67 89",
            "from_email": "reports@cabinet-martin.example",
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_matter_report_says_what_we_recover_where_it_stands_and_what_is_due() {
    let app = spawn_app().await;
    let admin = app
        .create_user("ada@cabinet-martin.example", Role::Admin, None)
        .await;
    let lawyer = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let admin_token = app.api_token(&admin).await;
    let token = app.api_token(&lawyer).await;
    sender_profile(&app, &admin_token).await;
    let client = app.create_client("Bücher Verlag").await;
    let (matter, reference) = app
        .open_matter(&client, &lawyer, "Recover the Bücher names")
        .await;
    for name in ["bücher.de", "münchen.de", "пример.com", "acme-verlag.com"] {
        app.attach(&matter, name).await;
    }
    let (status, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter}/procedures"),
        Some(&token),
        Some(json!({"kind": "udrp", "domains": ["acme-verlag.com"], "case_number": "D2026-0042"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let pid = body["id"].as_str().unwrap().to_owned();
    api(
        &app,
        Method::POST,
        &format!("/api/v1/procedures/{pid}/events"),
        Some(&token),
        Some(json!({"kind": "commenced", "date": "2026-11-10"})),
    )
    .await;

    // A task entered by hand on the matter (not on a procedure) is a next step too.
    let task = reclaim::repo::procedures::NewManualDeadline {
        procedure_id: None,
        label: "Send the client the signed mandate".to_owned(),
        due_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        assigned_to: None,
        note: String::new(),
    };
    let (actor, for_matter) = (app.actor(), matter.clone());
    app.state
        .db
        .run(move |c| reclaim::repo::procedures::add_manual(c, &actor, &for_matter, &task))
        .await
        .unwrap();

    let (status, pdf, headers) = keep_report(&app, &token, &matter.to_string()).await;
    assert_eq!(status, 201);
    assert_eq!(headers["content-type"], "application/pdf");
    let report_ref = headers["x-report-reference"].to_str().unwrap().to_owned();
    assert_eq!(report_ref, "R-2026-0001");
    if let Some(pages) = pdf_pages(&pdf) {
        let all = pages.join("\n");
        assert!(all.contains(&reference), "the matter reference");
        for name in ["bücher.de", "münchen.de", "пример.com", "acme-verlag.com"] {
            assert!(all.contains(name), "{name} in Unicode");
        }
        assert!(all.contains("Bücher Verlag"), "the client");
        assert!(
            all.contains("Cabinet Martin Avocats SELARL") && all.contains("12 rue de la Paix"),
            "the firm's identity"
        );
        assert!(all.contains("UDRP D2026-0042 (WIPO)"));
        assert!(
            all.contains("Response due") && all.contains("Mon 30 Nov 2026"),
            "the deadline and its date"
        );
        assert!(all.contains("UDRP.R5a"));
        assert!(all.contains("Next steps"));
        // The disputed name is recovered through its procedure, not by catching it.
        assert!(
            all.contains("acme-verlag.com is claimed through the UDRP D2026-0042 (WIPO)"),
            "{all}"
        );
        assert!(!all.contains("acme-verlag.com is expected to drop"));
        assert!(
            all.contains("Send the client the signed mandate by Fri 27 Nov 2026."),
            "{all}"
        );
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&report_ref),
                "the reference on page {}",
                i + 1
            );
            assert!(
                page.contains("23 November 2026"),
                "the date on page {}",
                i + 1
            );
            assert!(
                page.contains(&format!("Page {} / {}", i + 1, pages.len())),
                "page numbers on page {}",
                i + 1
            );
        }
    }

    // Kept: listed on the matter page, downloadable, unchanged, hashed.
    app.browser
        .login("lina@cabinet-martin.example", PASSWORD)
        .await;
    let page = app.browser.get_html(&format!("/matters/{matter}")).await;
    assert!(page.contains(&report_ref));
    let (kept, _) = app
        .state
        .db
        .run(move |c| {
            let list = reclaim::repo::reports::for_matter(c, &matter)?;
            let pdf = reclaim::repo::reports::pdf(c, &list[0].id)?;
            Ok::<_, reclaim::db::DbError>((list, pdf))
        })
        .await
        .unwrap();
    assert_eq!(kept[0].sha256, headers["x-report-sha256"].to_str().unwrap());
    let id = kept[0].id.clone();
    let tampered = app
        .state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use reclaim::db::schema::reports;
            diesel::update(reports::table.find(&id))
                .set(reports::pdf.eq(b"%PDF-forged".to_vec()))
                .execute(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await;
    assert!(tampered.is_err(), "a kept report cannot be rewritten");
}

#[tokio::test]
async fn a_report_with_200_names_paginates_with_its_table_header_on_every_page() {
    let app = spawn_app().await;
    let lawyer = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let client = app.create_client("Big Portfolio").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Two hundred names").await;
    let names: Vec<String> = (1..=200)
        .map(|i| format!("portfolio-name-{i:03}.com"))
        .collect();
    {
        let (matter, names, actor) = (matter.clone(), names.clone(), app.actor());
        app.state
            .db
            .run(move |c| {
                let lines: Vec<(usize, String, reclaim::repo::backorders::NewBackorder)> = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        (
                            i + 1,
                            n.clone(),
                            reclaim::repo::backorders::NewBackorder {
                                domain: reclaim::model::domain_name::DomainName::parse(n).unwrap(),
                                priority: reclaim::model::backorder::Priority::Normal,
                                max_bid_minor: None,
                                currency: reclaim::model::money::Currency::default(),
                                notes: String::new(),
                            },
                        )
                    })
                    .collect();
                reclaim::repo::backorders::import(c, &actor, &matter, &lines, false)
                    .map_err(|e| reclaim::db::DbError::Conflict(e.to_string()))
            })
            .await
            .unwrap();
    }
    let (status, pdf, _) = fetch_report(&app, &token, &matter.to_string()).await;
    assert_eq!(status, 200);
    if let Some(pages) = pdf_pages(&pdf) {
        assert!(pages.len() >= 5, "{} pages", pages.len());
        let all = pages.join("\n");
        for name in &names {
            assert_eq!(all.matches(name.as_str()).count(), 1, "{name} exactly once");
        }
        // Every page the table runs over repeats its header.
        let with_names: Vec<&String> = pages
            .iter()
            .filter(|p| p.contains("portfolio-name-"))
            .collect();
        assert!(with_names.len() >= 4);
        for page in &with_names {
            assert!(
                page.contains("Domain")
                    && page.contains("Predicted drop")
                    && page.contains("Catch attempts"),
                "header repeated:\n{page}"
            );
        }
    }
}

#[tokio::test]
async fn the_scheduled_report_reaches_the_client_as_a_valid_pdf_once_per_period() {
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = spawn_app_with(move |s| s.smtp_url = Some(smtp)).await;
    let admin = app
        .create_user("ada@cabinet-martin.example", Role::Admin, None)
        .await;
    let lawyer = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let admin_token = app.api_token(&admin).await;
    let client = app.create_client("Weekly Client").await;
    let (matter, reference) = app.open_matter(&client, &lawyer, "Weekly matter").await;
    app.attach(&matter, "weekly-name.com").await;

    // The client wants a weekly report; no sender profile yet.
    {
        let id = client.clone();
        app.state
            .db
            .run(move |c| {
                use diesel::prelude::*;
                use reclaim::db::schema::clients;
                diesel::update(clients::table.find(&id))
                    .set(clients::report_cadence.eq(reclaim::model::client::ReportCadence::Weekly))
                    .execute(c)?;
                Ok::<_, reclaim::db::DbError>(())
            })
            .await
            .unwrap();
    }
    app.browser
        .login("ada@cabinet-martin.example", PASSWORD)
        .await;
    let response = app
        .browser
        .post_form(
            &format!("/clients/{client}/contacts"),
            &[
                ("name", "Clara Counsel"),
                ("email", "clara@weekly-client.example"),
                ("receives_reports", "yes"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303, "contact added");
    // The job says what is missing and sends nothing.
    let failed = reclaim::jobs::run(&app.state, "reports")
        .await
        .unwrap_err()
        .to_string();
    assert!(failed.contains("No sender profile is in use"), "{failed}");

    sender_profile(&app, &admin_token).await;
    let ran = reclaim::jobs::run(&app.state, "reports").await.unwrap();
    assert_eq!(ran, "1 scheduled report(s) queued");
    reclaim::jobs::run(&app.state, "outbox").await.unwrap();
    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1);
    let m = &received[0];
    assert_eq!(m.to, vec!["clara@weekly-client.example".to_owned()]);
    assert_eq!(m.from, "reports@cabinet-martin.example");
    assert!(
        m.header("Subject")
            .unwrap()
            .starts_with("Status report R-2026-0001")
    );
    assert!(m.body().contains("Dear Clara"));
    assert!(
        m.body().contains("12 rue de la Paix"),
        "the firm's identity"
    );
    // The attachment: a valid PDF whose text names the matter.
    let text = m.text();
    let start = text
        .find("Content-Type: application/pdf")
        .expect("a PDF part");
    let part = &text[start..];
    let body_start = part.find("\r\n\r\n").unwrap() + 4;
    let body_end = part[body_start..].find("\r\n--").unwrap() + body_start;
    let b64: String = part[body_start..body_end].split_whitespace().collect();
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64 attachment");
    assert!(
        text.contains("filename=\"R-2026-0001.pdf\""),
        "the attachment is named after the report"
    );
    if let Some(pages) = pdf_pages(&pdf) {
        assert!(pages.join("\n").contains(&reference));
    }

    // Not due again within the week; due after it.
    assert_eq!(
        reclaim::jobs::run(&app.state, "reports").await.unwrap(),
        "0 scheduled report(s) queued"
    );
    app.clock.advance(Duration::days(7));
    assert_eq!(
        reclaim::jobs::run(&app.state, "reports").await.unwrap(),
        "1 scheduled report(s) queued"
    );

    // "Send now" from the matter page goes to the same contact (a week later: sign in again).
    app.browser
        .login("ada@cabinet-martin.example", PASSWORD)
        .await;
    let response = app
        .browser
        .post_form(&format!("/matters/{matter}/reports/send"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        crate::helpers::location(&response),
        format!("/matters/{matter}#reports")
    );
    reclaim::jobs::run(&app.state, "outbox").await.unwrap();
    let all = sink.wait_for(3).await;
    assert_eq!(all.len(), 3);
    let page = app.browser.get_html(&format!("/matters/{matter}")).await;
    assert!(
        page.contains("clara@weekly-client.example"),
        "sent to, on the matter page"
    );
}

#[tokio::test]
async fn client_users_download_their_own_reports_and_nobody_elses() {
    let app = spawn_app().await;
    let lawyer = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let ours = app.create_client("Ours").await;
    let theirs = app.create_client("Theirs").await;
    let (our_matter, _) = app.open_matter(&ours, &lawyer, "ours").await;
    let (their_matter, _) = app.open_matter(&theirs, &lawyer, "theirs").await;
    for m in [&our_matter, &their_matter] {
        let (status, _, _) = keep_report(&app, &token, &m.to_string()).await;
        assert_eq!(status, 201);
    }
    let (our_reports, their_reports) = {
        let (a, b) = (our_matter.clone(), their_matter.clone());
        app.state
            .db
            .run(move |c| {
                Ok::<_, reclaim::db::DbError>((
                    reclaim::repo::reports::for_matter(c, &a)?,
                    reclaim::repo::reports::for_matter(c, &b)?,
                ))
            })
            .await
            .unwrap()
    };
    let portal = app
        .create_user("olga@ours.example", Role::Client, Some(&ours))
        .await;
    let browser = app.new_browser();
    browser.login("olga@ours.example", PASSWORD).await;
    let own = browser
        .get(&format!("/reports/{}.pdf", our_reports[0].id))
        .await;
    assert_eq!(own.status().as_u16(), 200);
    assert!(own.bytes().await.unwrap().starts_with(b"%PDF-"));
    assert_eq!(
        browser
            .get(&format!("/reports/{}.pdf", their_reports[0].id))
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        browser
            .get("/reports/not-an-id.pdf")
            .await
            .status()
            .as_u16(),
        404
    );
    let page = browser.get_html(&format!("/clients/{ours}")).await;
    assert!(
        page.contains(&our_reports[0].reference),
        "listed in the portal"
    );
    let portal_token = app.api_token(&portal).await;
    let (status, _, _) = fetch_report(&app, &portal_token, &their_matter.to_string()).await;
    assert_eq!(status, 404);
    // Portal users cannot generate or send from the pages.
    assert_eq!(
        browser
            .post_form(&format!("/matters/{our_matter}/reports"), &[])
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        browser
            .post_form(&format!("/matters/{our_matter}/reports/send"), &[])
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn send_now_without_a_sender_profile_says_what_to_do() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("No Sender").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "m").await;
    let response = app
        .browser
        .post_form(&format!("/matters/{matter}/reports/send"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("an administrator must set up the firm")
    );
    // Nothing was kept for a send that did not happen.
    let m = matter.clone();
    let kept = app
        .state
        .db
        .run(move |c| reclaim::repo::reports::for_matter(c, &m))
        .await
        .unwrap();
    assert!(kept.is_empty());
}

/// Issue 14 (4): `GET …/report.pdf` generated and kept a report on every call, client tokens
/// included, and moved the "changes since the last report" point of the next real report.
#[tokio::test]
async fn reading_the_report_keeps_nothing_and_only_staff_generate_one() {
    let app = spawn_app().await;
    let lawyer = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let client = app.create_client("Ours").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "ours").await;
    let portal = app
        .create_user("olga@ours.example", Role::Client, Some(&client))
        .await;
    let portal_token = app.api_token(&portal).await;
    let kept = |m: reclaim::model::ids::MatterId| async {
        app.state
            .db
            .run(move |c| reclaim::repo::reports::for_matter(c, &m))
            .await
            .unwrap()
    };

    // Nothing kept yet: the client is told so; staff read a preview, kept nowhere.
    let (status, _, _) = fetch_report(&app, &portal_token, &matter.to_string()).await;
    assert_eq!(status, 404);
    for _ in 0..3 {
        let (status, pdf, headers) = fetch_report(&app, &token, &matter.to_string()).await;
        assert_eq!(status, 200);
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(headers["x-report-reference"], "preview");
    }
    assert!(kept(matter.clone()).await.is_empty(), "a GET keeps nothing");

    // A client user may not generate one.
    let (status, _, _) = keep_report(&app, &portal_token, &matter.to_string()).await;
    assert_eq!(status, 403);
    assert!(kept(matter.clone()).await.is_empty());

    // Staff keep one; the client then reads that one, as many times as they like.
    let (status, _, headers) = keep_report(&app, &token, &matter.to_string()).await;
    assert_eq!(status, 201);
    let reference = headers["x-report-reference"].to_str().unwrap().to_owned();
    for _ in 0..3 {
        let (status, pdf, headers) = fetch_report(&app, &portal_token, &matter.to_string()).await;
        assert_eq!(status, 200);
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(headers["x-report-reference"], reference.as_str());
    }
    assert_eq!(kept(matter.clone()).await.len(), 1, "still one report");
}
