//! Backorders: status along the life of the name, catch channels and fees due only on success,
//! CSV import and export, and the same through the API.

use reclaim::model::backorder::BackorderStatus;
use reclaim::model::user::Role;
use reclaim::repo::backorders;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, api, location, spawn_app};

async fn matter_with_name(
    app: &TestApp,
    domain: &str,
) -> (
    reclaim::model::ids::MatterId,
    reclaim::model::ids::BackorderId,
) {
    let lea = app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Recovery").await;
    let bo = app.attach(&matter, domain).await;
    (matter, bo)
}

#[tokio::test]
async fn the_status_follows_the_lifecycle_and_every_change_is_kept_with_who_and_why() {
    let app = spawn_app().await;
    let (_, bo) = matter_with_name(&app, "acme.com").await;
    let path = format!("/backorders/{bo}/status");

    let page = app.browser.get_html(&format!("/backorders/{bo}")).await;
    assert!(
        page.contains("Rules for .com") && page.contains("Verisign"),
        "the TLD's rules are shown"
    );
    assert!(page.contains("Redemption (only the holder can restore): 30 days"));
    assert!(page.contains("Dispute procedures</dt><dd>UDRP"));

    let no_reason = app
        .browser
        .post_form(&path, &[("status", "redemption"), ("reason", "")])
        .await;
    assert_eq!(no_reason.status().as_u16(), 422);
    assert!(
        no_reason
            .text()
            .await
            .unwrap()
            .contains("Say why the status changes")
    );

    let moved = app
        .browser
        .post_form(
            &path,
            &[
                ("status", "redemption"),
                ("reason", "registry shows redemptionPeriod"),
            ],
        )
        .await;
    assert_eq!(moved.status().as_u16(), 303);
    let refused = app
        .browser
        .post_form(&path, &[("status", "watching"), ("reason", "oops")])
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("A backorder cannot go from &#39;In redemption&#39; to &#39;Watching&#39;")
    );
    let unknown = app
        .browser
        .post_form(&path, &[("status", "sold"), ("reason", "x")])
        .await;
    assert_eq!(unknown.status().as_u16(), 422);

    let history = app
        .state
        .db
        .run({
            let bo = bo.clone();
            move |c| backorders::events(c, &bo)
        })
        .await
        .unwrap();
    let steps: Vec<_> = history
        .iter()
        .map(|e| {
            (
                e.from_status,
                e.to_status,
                e.actor.as_str(),
                e.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            (
                None,
                BackorderStatus::Watching,
                "test",
                "backorder attached"
            ),
            (
                Some(BackorderStatus::Watching),
                BackorderStatus::Redemption,
                "lea@firm.example",
                "registry shows redemptionPeriod"
            ),
        ]
    );
    let page = app.browser.get_html(&format!("/backorders/{bo}")).await;
    assert!(
        page.contains("Watching → In redemption")
            && page.contains("registry shows redemptionPeriod")
    );

    // The history cannot be rewritten.
    let rewrite = app
        .state
        .db
        .run(|c| {
            use diesel::prelude::*;
            use reclaim::db::schema::backorder_events::dsl::*;
            Ok::<_, reclaim::db::DbError>(
                diesel::delete(backorder_events)
                    .execute(c)
                    .map_err(|e| e.to_string()),
            )
        })
        .await
        .unwrap();
    assert!(rewrite.unwrap_err().contains("append-only"));
}

#[tokio::test]
async fn catch_channels_decide_the_outcome_and_fees_are_due_only_on_success() {
    let app = spawn_app().await;
    let (_, bo) = matter_with_name(&app, "acme.com").await;
    let page = format!("/backorders/{bo}");
    for (service, fee) in [("dropcatch", "69"), ("snapnames", "79")] {
        let r = app
            .browser
            .post_form(
                &format!("{page}/channels"),
                &[
                    ("service", service),
                    ("success_fee", fee),
                    ("currency", "USD"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let other_without_name = app
        .browser
        .post_form(&format!("{page}/channels"), &[("service", "other")])
        .await;
    assert_eq!(other_without_name.status().as_u16(), 422);
    assert!(
        other_without_name
            .text()
            .await
            .unwrap()
            .contains("Name the service.")
    );

    let html = app.browser.get_html(&page).await;
    assert!(html.contains("None: nothing is due unless a catch service gets the name."));

    let channels = app
        .state
        .db
        .run({
            let bo = bo.clone();
            move |c| backorders::channels(c, &bo)
        })
        .await
        .unwrap();
    let (dropcatch, snapnames) = (channels[0].id.clone(), channels[1].id.clone());
    // The name drops; DropCatch catches it, then auctions it among its backorderers.
    app.browser
        .post_form(
            &format!("{page}/status"),
            &[("status", "dropped"), ("reason", "purged by Verisign")],
        )
        .await;
    app.browser
        .post_form(
            &format!("{page}/channels/{snapnames}"),
            &[("status", "lost")],
        )
        .await;
    let auction = app
        .browser
        .post_form(
            &format!("{page}/channels/{dropcatch}"),
            &[("status", "in_auction"), ("external_reference", "DC-1")],
        )
        .await;
    assert_eq!(auction.status().as_u16(), 303);
    let current = app
        .state
        .db
        .run({
            let bo = bo.clone();
            move |c| backorders::find(c, &bo)
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.status, BackorderStatus::Auction);

    let bad_price = app
        .browser
        .post_form(
            &format!("{page}/channels/{dropcatch}"),
            &[("status", "won"), ("price", "a lot")],
        )
        .await;
    assert_eq!(bad_price.status().as_u16(), 422);
    let won = app
        .browser
        .post_form(
            &format!("{page}/channels/{dropcatch}"),
            &[
                ("status", "won"),
                ("price", "1250"),
                ("auction_result", "won against 2 bidders"),
            ],
        )
        .await;
    assert_eq!(won.status().as_u16(), 303);
    let html = app.browser.get_html(&page).await;
    assert!(
        html.contains("status-won"),
        "the backorder shows one combined status"
    );
    assert!(html.contains("USD 69.00 success fee to DropCatch"));
    assert!(html.contains("USD 1,250.00 auction price to DropCatch"));
    assert!(
        !html.contains("USD 79.00 success fee"),
        "the service that lost is owed nothing"
    );
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
        events
            .iter()
            .any(|e| e.to_status == BackorderStatus::Won
                && e.reason == "reported by a catch channel")
    );
}

#[tokio::test]
async fn a_catch_reported_before_the_drop_was_seen_passes_through_dropped() {
    let app = spawn_app().await;
    let (_, bo) = matter_with_name(&app, "acme.org").await;
    let page = format!("/backorders/{bo}");
    app.browser
        .post_form(
            &format!("{page}/channels"),
            &[("service", "firm_registrar")],
        )
        .await;
    let channel = app
        .state
        .db
        .run({
            let bo = bo.clone();
            move |c| backorders::channels(c, &bo)
        })
        .await
        .unwrap()[0]
        .id
        .clone();
    app.browser
        .post_form(&format!("{page}/channels/{channel}"), &[("status", "won")])
        .await;
    let events = app
        .state
        .db
        .run({
            let bo = bo.clone();
            move |c| backorders::events(c, &bo)
        })
        .await
        .unwrap();
    let path: Vec<_> = events.iter().map(|e| e.to_status).collect();
    assert_eq!(
        path,
        vec![
            BackorderStatus::Watching,
            BackorderStatus::Dropped,
            BackorderStatus::Caught
        ]
    );
}

#[tokio::test]
async fn a_csv_file_imports_every_line_or_none() {
    let app = spawn_app().await;
    let lea = app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Portfolio").await;
    app.attach(&matter, "already.com").await;
    let path = format!("/matters/{matter}/import");
    let upload = |file: &'static str, confirm: bool| {
        let app = &app;
        let path = path.clone();
        async move {
            let token = app.browser.csrf_token().await;
            let mut form = reqwest::multipart::Form::new()
                .text("csrf_token", token)
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(file.as_bytes().to_vec())
                        .file_name("names.csv"),
                );
            if confirm {
                form = form.text("confirm_conflicts", "yes");
            }
            app.browser
                .client
                .post(app.url(&path))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };

    let bad = upload("domain,max_bid,priority\nacme.fr,1500,high\nnot a name\nexample.dk\nalready.com\nacme.fr\n", false).await;
    assert_eq!(bad.status().as_u16(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Nothing was imported."));
    for expected in [
        "Line 3",
        "Line 4",
        "cannot work on .dk",
        "Line 6",
        "also on line 2",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    let count = app
        .state
        .db
        .run({
            let m = matter.clone();
            move |c| backorders::for_matter(c, &m)
        })
        .await
        .unwrap()
        .len();
    assert_eq!(count, 1, "nothing half-imported");

    let duplicate = upload("acme.fr\nalready.com\n", false).await;
    assert_eq!(duplicate.status().as_u16(), 422);
    assert!(
        duplicate
            .text()
            .await
            .unwrap()
            .contains("already.com is already a backorder of this matter.")
    );

    let good = upload(
        "domain,max_bid,priority\nacme.fr,1500,high\nbücher.de\n\"acme.eu\",\"2,000.50\",low\n",
        false,
    )
    .await;
    assert_eq!(good.status().as_u16(), 303);
    let page = app.browser.get_html(&location(&good)).await;
    assert!(page.contains("Imported 3 backorder(s)"));
    assert!(page.contains("bücher.de") && page.contains("EUR 2,000.50"));

    // Conflicts with another client need a confirmation, then everything goes in.
    let beta = app.create_client("Beta").await;
    let (beta_matter, _) = app.open_matter(&beta, &lea, "Beta").await;
    app.attach(&beta_matter, "contested.com").await;
    let conflicted = upload("contested.com\nfree-name.com\n", false).await;
    assert_eq!(conflicted.status().as_u16(), 422);
    let html = conflicted.text().await.unwrap();
    assert!(html.contains("Conflict of interest check") && html.contains("contested.com"));
    let confirmed = upload("contested.com\nfree-name.com\n", true).await;
    assert_eq!(confirmed.status().as_u16(), 303);
    let count = app
        .state
        .db
        .run({
            let m = matter.clone();
            move |c| backorders::for_matter(c, &m)
        })
        .await
        .unwrap()
        .len();
    assert_eq!(count, 6);

    let not_utf8 = {
        let token = app.browser.csrf_token().await;
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token)
            .part(
                "file",
                reqwest::multipart::Part::bytes(vec![0x63, 0x61, 0x66, 0xe9, 0x2e, 0x66, 0x72])
                    .file_name("x.csv"),
            );
        app.browser
            .client
            .post(app.url(&path))
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    assert_eq!(not_utf8.status().as_u16(), 422);
    assert!(not_utf8.text().await.unwrap().contains("not UTF-8 text"));

    // Pasted text works too.
    let token = app.browser.csrf_token().await;
    let pasted = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("text", "pasted-name.org");
    let r = app
        .browser
        .client
        .post(app.url(&path))
        .multipart(pasted)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn the_backorders_export_as_csv() {
    let app = spawn_app().await;
    let (matter, bo) = matter_with_name(&app, "bücher.de").await;
    let (actor, id) = (app.actor(), bo.clone());
    app.state
        .db
        .run(move |c| {
            backorders::update(
                c,
                &actor,
                &id,
                &backorders::BackorderChange {
                    priority: reclaim::model::backorder::Priority::High,
                    max_bid_minor: Some(150_050),
                    currency: reclaim::model::money::Currency::parse("EUR").unwrap(),
                    notes: String::new(),
                    registrant: reclaim::model::backorder::Registrant::Firm,
                },
            )
        })
        .await
        .unwrap();
    app.attach(&matter, "evil.com").await;
    let response = app
        .browser
        .get(&format!("/matters/{matter}/backorders.csv"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("M-2026-0001-backorders.csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "matter,domain,unicode,status,priority,max_bid,currency,channels,attached_at,phase,drop_window"
    );
    // Every row has as many columns as the header (no commas inside these values).
    for line in &lines[1..] {
        assert_eq!(line.split(',').count(), 11, "{line}");
    }
    assert!(
        lines[1].starts_with("M-2026-0001,xn--bcher-kva.de,bücher.de,watching,high,1500.50,EUR,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("M-2026-0001,evil.com,evil.com,watching,normal,,EUR"));
    assert_eq!(lines.len(), 3);
}

#[tokio::test]
async fn the_api_opens_matters_and_attaches_names() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lea).await;
    let (_, client) = api(
        &app,
        Method::POST,
        "/api/v1/clients",
        Some(&token),
        Some(json!({"name": "Acme", "email": "legal@acme.example"})),
    )
    .await;
    let client_id = client["id"].as_str().unwrap().to_owned();

    let (status, matter) = api(
        &app,
        Method::POST,
        "/api/v1/matters",
        Some(&token),
        Some(json!({"client_id": client_id, "title": "Recovery of acme.fr", "marks": ["ACME", {"name": "Acme Widgets", "registration": "EUTM 1"}]})),
    )
    .await;
    assert_eq!(status, 201, "{matter}");
    assert_eq!(matter["reference"], "M-2026-0001");
    assert_eq!(
        matter["responsible_lawyer"]["id"],
        lea.id.as_str(),
        "the caller by default"
    );
    assert_eq!(matter["marks"][1]["registration"], "EUTM 1");
    let matter_id = matter["id"].as_str().unwrap().to_owned();
    let attach = format!("/api/v1/matters/{matter_id}/backorders");

    let (status, bo) = api(
        &app,
        Method::POST,
        &attach,
        Some(&token),
        Some(json!({"domain": "BÜCHER.de", "max_bid": 1500.5})),
    )
    .await;
    assert_eq!(status, 201, "{bo}");
    assert_eq!(bo["domain"], "xn--bcher-kva.de");
    assert_eq!(bo["unicode"], "bücher.de");
    assert_eq!(bo["status"], "watching");
    assert_eq!(bo["max_bid"], "1500.50");

    let cases = [
        (
            json!({"domain": "example.dk"}),
            422,
            "domain",
            "waiting list",
        ),
        (
            json!({"domain": "bücher.de"}),
            422,
            "domain",
            "already a backorder",
        ),
        (
            json!({"domain": "exa mple.com"}),
            422,
            "domain",
            "contains a space",
        ),
        (
            json!({"domain": "example.jp"}),
            422,
            "domain",
            "no registry rules",
        ),
        (
            json!({"domain": "ok.com", "max_bid": "lots"}),
            422,
            "max_bid",
            "not an amount",
        ),
        // Issue 14 (9): a third decimal was read as thousands (1.234 → 1234.00).
        (
            json!({"domain": "ok.com", "max_bid": 1.234}),
            422,
            "max_bid",
            "more than two decimals",
        ),
        (
            json!({"domain": "ok.com", "max_bid": "0.001"}),
            422,
            "max_bid",
            "more than two decimals",
        ),
        (
            json!({"domain": "ok.com", "priority": "urgent"}),
            422,
            "priority",
            "not a valid priority",
        ),
    ];
    for (body, expected, field, message) in cases {
        let (status, answer) = api(
            &app,
            Method::POST,
            &attach,
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, expected, "{body}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{answer}"
        );
    }

    // A conflict with another client: 409 naming the matter, then confirmed.
    let (_, beta) = api(
        &app,
        Method::POST,
        "/api/v1/clients",
        Some(&token),
        Some(json!({"name": "Beta", "email": "b@beta.example"})),
    )
    .await;
    let (_, beta_matter) = api(
        &app,
        Method::POST,
        "/api/v1/matters",
        Some(&token),
        Some(json!({"client_id": beta["id"], "title": "Beta"})),
    )
    .await;
    let beta_attach = format!(
        "/api/v1/matters/{}/backorders",
        beta_matter["id"].as_str().unwrap()
    );
    let (status, refused) = api(
        &app,
        Method::POST,
        &beta_attach,
        Some(&token),
        Some(json!({"domain": "bücher.de"})),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(refused["error"]["code"], "conflict_of_interest");
    assert_eq!(refused["error"]["conflicts"][0]["reference"], "M-2026-0001");
    assert_eq!(refused["error"]["conflicts"][0]["client_name"], "Acme");
    let (status, confirmed) = api(
        &app,
        Method::POST,
        &beta_attach,
        Some(&token),
        Some(json!({"domain": "bücher.de", "confirm_conflict": true})),
    )
    .await;
    assert_eq!(status, 201, "{confirmed}");
    assert!(
        confirmed["warnings"][0]
            .as_str()
            .unwrap()
            .contains("Also sought for Acme in matter M-2026-0001")
    );

    let (status, full) = api(
        &app,
        Method::GET,
        &format!("/api/v1/matters/{matter_id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(full["backorders"].as_array().unwrap().len(), 1);
    assert_eq!(full["client"]["name"], "Acme");
    assert!(full["procedures"].is_array() && full["deadlines"].is_array());

    let (_, listed) = api(
        &app,
        Method::GET,
        "/api/v1/matters?q=b%C3%BCcher",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "both matters seek bücher.de"
    );

    // Catch channels and status through the API.
    let bo_id = bo["id"].as_str().unwrap();
    let (status, channel) = api(
        &app,
        Method::POST,
        &format!("/api/v1/backorders/{bo_id}/channels"),
        Some(&token),
        Some(json!({"service": "fr_catcher", "service_name": "Catcher.fr", "success_fee": "90"})),
    )
    .await;
    assert_eq!(status, 201, "{channel}");
    let (status, bad) = api(
        &app,
        Method::POST,
        &format!("/api/v1/backorders/{bo_id}/status"),
        Some(&token),
        Some(json!({"status": "won", "reason": "x"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot go from 'Watching' to 'Won'")
    );
    let (status, after) = api(
        &app,
        Method::POST,
        &format!(
            "/api/v1/backorders/{bo_id}/channels/{}",
            channel["id"].as_str().unwrap()
        ),
        Some(&token),
        Some(json!({"status": "won"})),
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["status"], "caught");
    assert_eq!(
        after["fees_due"][0],
        "EUR 90.00 success fee to .fr catcher (Catcher.fr)"
    );
    let (_, read) = api(
        &app,
        Method::GET,
        &format!("/api/v1/backorders/{bo_id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(read["history"].as_array().unwrap().len(), 3);
    assert_eq!(read["policy"]["registry"], "DENIC");

    let (status, policy) = api(&app, Method::GET, "/api/v1/tlds/dk", Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(policy["backorder"], false);
    let (status, _) = api(&app, Method::GET, "/api/v1/tlds/jp", Some(&token), None).await;
    assert_eq!(status, 404);

    let (status, closed) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{matter_id}/close"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(closed["status"], "closed");
    let (status, answer) = api(
        &app,
        Method::POST,
        &attach,
        Some(&token),
        Some(json!({"domain": "late.com"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is closed")
    );
}

#[tokio::test]
async fn a_client_token_reads_only_its_own_matters() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let beta = app.create_client("Beta").await;
    let (own, _) = app.open_matter(&acme, &lea, "Acme").await;
    let own_bo = app.attach(&own, "acme.fr").await;
    let (other, _) = app.open_matter(&beta, &lea, "Beta").await;
    let other_bo = app.attach(&other, "beta.fr").await;
    let carl = app
        .create_user("carl@acme.example", Role::Client, Some(&acme))
        .await;
    let token = app.api_token(&carl).await;

    let (_, listed) = api(
        &app,
        Method::GET,
        &format!("/api/v1/matters?client_id={beta}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "a client user's filter is always their own client"
    );
    assert_eq!(
        api(
            &app,
            Method::GET,
            &format!("/api/v1/matters/{own}"),
            Some(&token),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api(
            &app,
            Method::GET,
            &format!("/api/v1/backorders/{own_bo}"),
            Some(&token),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api(
            &app,
            Method::GET,
            &format!("/api/v1/matters/{other}"),
            Some(&token),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        api(
            &app,
            Method::GET,
            &format!("/api/v1/backorders/{other_bo}"),
            Some(&token),
            None
        )
        .await
        .0,
        404
    );
    let (status, _) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{own}/backorders"),
        Some(&token),
        Some(json!({"domain": "acme.de"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = api(
        &app,
        Method::POST,
        &format!("/api/v1/backorders/{own_bo}/status"),
        Some(&token),
        Some(json!({"status": "cancelled", "reason": "x"})),
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn clients_have_contacts_and_a_report_cadence() {
    let app = spawn_app().await;
    let lea = app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let acme = app.create_client("Acme").await;
    let edit = app
        .browser
        .post_form(
            &format!("/clients/{acme}"),
            &[
                ("name", "Acme SA"),
                ("email", "legal@acme.example"),
                ("report_cadence", "monthly"),
                ("notes", "Key account"),
            ],
        )
        .await;
    assert_eq!(edit.status().as_u16(), 303);
    let bad = app
        .browser
        .post_form(
            &format!("/clients/{acme}"),
            &[
                ("name", "Acme SA"),
                ("email", "legal@acme.example"),
                ("report_cadence", "daily"),
            ],
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("is not a valid report cadence")
    );

    let added = app
        .browser
        .post_form(
            &format!("/clients/{acme}/contacts"),
            &[
                ("name", "Claire Dupont"),
                ("email", "claire@acme.example"),
                ("phone", "+33 1 23 45 67 89"),
                ("position", "General counsel"),
                ("receives_reports", "yes"),
            ],
        )
        .await;
    assert_eq!(added.status().as_u16(), 303);
    let bad_contact = app
        .browser
        .post_form(
            &format!("/clients/{acme}/contacts"),
            &[
                ("name", "X"),
                ("email", "x@acme.example"),
                ("phone", "call me"),
            ],
        )
        .await;
    assert_eq!(bad_contact.status().as_u16(), 422);
    assert!(
        bad_contact
            .text()
            .await
            .unwrap()
            .contains("is not a telephone number")
    );

    let page = app.browser.get_html(&format!("/clients/{acme}")).await;
    assert!(
        page.contains("Acme SA")
            && page.contains("Monthly")
            && page.contains("Claire Dupont")
            && page.contains("receives reports")
    );
    let (matter, reference) = app.open_matter(&acme, &lea, "File").await;
    let page = app.browser.get_html(&format!("/clients/{acme}")).await;
    assert!(
        page.contains(&format!("/matters/{matter}")) && page.contains(&reference),
        "the client page lists its matters"
    );

    let token = app.api_token(&lea).await;
    let (status, contact) = api(
        &app,
        Method::POST,
        &format!("/api/v1/clients/{acme}/contacts"),
        Some(&token),
        Some(json!({"name": "Bob", "email": "not-mail"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(contact["error"]["field"], "email");
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"client.updated".to_owned())
            && actions.contains(&"client.contact_added".to_owned())
    );
}

#[tokio::test]
async fn the_tld_rules_page_lists_every_registry() {
    let app = spawn_app().await;
    app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let page = app.browser.get_html("/tlds").await;
    for expected in [
        ".com, .net",
        ".fr, .pm, .re, .tf, .wf, .yt",
        "waiting list",
        "Nominet",
        "other generic TLDs",
        "To verify",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
}

#[tokio::test]
async fn a_closed_matters_backorders_and_catch_services_cannot_change_by_any_path() {
    use reclaim::model::backorder::{BackorderStatus, CatchService, ChannelStatus};
    use reclaim::model::matter::MatterStatus;
    use reclaim::repo::backorders::{BackorderError, ChannelChange, NewChannel};

    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Acme").await;
    let backorder = app.attach(&matter, "acme-closed.com").await;
    let actor = app.actor();
    let outcome = app
        .state
        .db
        .run(move |c| {
            let channel = reclaim::repo::backorders::add_channel(
                c,
                &actor,
                &backorder,
                &NewChannel {
                    service: CatchService::DropCatch,
                    service_name: String::new(),
                    status: ChannelStatus::Placed,
                    external_reference: String::new(),
                    success_fee_minor: Some(5900),
                    currency: Default::default(),
                },
            )
            .unwrap();
            reclaim::repo::matters::set_status(c, &actor, &matter, MatterStatus::Closed).unwrap();
            let status = reclaim::repo::backorders::change_status(
                c,
                &actor,
                &backorder,
                BackorderStatus::Cancelled,
                "closed",
            );
            let update = reclaim::repo::backorders::update_channel(
                c,
                &actor,
                &backorder,
                &channel.id,
                &ChannelChange {
                    status: ChannelStatus::Won,
                    external_reference: String::new(),
                    price_minor: None,
                    auction_result: String::new(),
                    notes: String::new(),
                },
            );
            let after = reclaim::repo::backorders::channels(c, &backorder).unwrap();
            Ok::<_, reclaim::db::DbError>((status, update, after))
        })
        .await
        .unwrap();
    assert!(
        matches!(outcome.0, Err(BackorderError::MatterClosed(_))),
        "{:?}",
        outcome.0
    );
    assert!(
        matches!(outcome.1, Err(BackorderError::MatterClosed(_))),
        "{:?}",
        outcome.1
    );
    assert_eq!(outcome.2[0].status, ChannelStatus::Placed, "unchanged");
}

/// Gives a backorder history: registry answers kept, changes found, catch channels and
/// status steps, written straight to the database.
async fn with_history(app: &TestApp, backorder: &reclaim::model::ids::BackorderId, n: usize) {
    use reclaim::model::backorder::{CatchService, ChannelStatus};
    use reclaim::model::changes::{ChangeKind, RecordChange};
    use reclaim::model::lifecycle::Phase;
    use reclaim::model::monitoring::Source;
    use reclaim::model::registry_record::RegistryRecord;
    use reclaim::registry::Answer;
    use reclaim::repo::backorders::NewChannel;
    use reclaim::repo::monitoring;

    let (actor, bo, at) = (app.actor(), backorder.clone(), app.clock_now());
    app.state
        .db
        .run(move |c| {
            let domain = backorders::find(c, &bo)?.unwrap().domain;
            let mut previous = None;
            for i in 0..n {
                let answer = Answer {
                    source: Source::Rdap,
                    server: "https://rdap.example/".to_owned(),
                    fetched_at: at,
                    http_status: Some(200),
                    raw: format!("{{\"answer\": {i}}}").into_bytes(),
                };
                let id = monitoring::insert_snapshot(
                    c,
                    &domain,
                    &answer,
                    &RegistryRecord::default(),
                    Phase::Active,
                    None,
                )?;
                let change = RecordChange {
                    kind: ChangeKind::Status,
                    before: format!("{i}"),
                    after: format!("{}", i + 1),
                    summary: format!("Change {i}"),
                    important: false,
                };
                monitoring::insert_changes(c, &domain, &id, previous.as_ref(), &[change], at)?;
                previous = Some(id);
                backorders::add_channel(
                    c,
                    &actor,
                    &bo,
                    &NewChannel {
                        service: CatchService::DropCatch,
                        service_name: String::new(),
                        status: ChannelStatus::Planned,
                        external_reference: format!("DC-{i}"),
                        success_fee_minor: Some(5900),
                        currency: Default::default(),
                    },
                )
                .unwrap();
            }
            backorders::change_status(c, &actor, &bo, BackorderStatus::Redemption, "seen").unwrap();
            Ok::<_, reclaim::db::DbError>(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_backorder_page_and_api_read_as_many_queries_whatever_the_history() {
    let app = spawn_app().await;
    let lea = app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Recovery").await;
    let short = app.attach(&matter, "short-history.com").await;
    let long = app.attach(&matter, "long-history.com").await;
    with_history(&app, &short, 1).await;
    with_history(&app, &long, 12).await;
    let token = app.api_token(&lea).await;
    // The token's first use is recorded once: not part of what is compared.
    api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;

    let mut counts = Vec::new();
    for bo in [&short, &long] {
        let before = app.state.db.queries_run();
        let page = app.browser.get_html(&format!("/backorders/{bo}")).await;
        assert!(page.contains("DC-0"), "the history is shown");
        let page_queries = app.state.db.queries_run() - before;
        let before = app.state.db.queries_run();
        for path in [
            format!("/api/v1/backorders/{bo}"),
            format!("/api/v1/backorders/{bo}/history"),
        ] {
            let (status, _) = api(&app, Method::GET, &path, Some(&token), None).await;
            assert_eq!(status, 200);
        }
        counts.push((page_queries, app.state.db.queries_run() - before));
    }
    assert_eq!(counts[0], counts[1], "(page, API) queries: {counts:?}");
}

#[tokio::test]
async fn the_monitor_claims_a_batch_of_names_in_a_fixed_number_of_statements() {
    use chrono::Duration;
    use reclaim::repo::monitoring;

    let app = spawn_app().await;
    let (matter, _) = matter_with_name(&app, "first-due.com").await;
    let now = app.clock_now();
    let mut counts = Vec::new();
    for (round, names) in [(1, 0), (2, 7)] {
        for i in 0..names {
            app.attach(&matter, &format!("due-{round}-{i}.com")).await;
        }
        let holder = format!("instance-{round}");
        let before = app.state.db.queries_run();
        let claimed = app
            .state
            .db
            .run(move |c| {
                let claimed = monitoring::claim_due(c, &holder, now, Duration::minutes(10), 100)?;
                monitoring::release(c, &holder)?;
                Ok::<_, reclaim::db::DbError>(claimed)
            })
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1 + names);
        counts.push(app.state.db.queries_run() - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 1 and 8 names: {counts:?}"
    );
}

/// Issue 14 (1): the raw registry answers (what a registrar link or referral brought back
/// included) are evidence for the firm: a client user sees the summary, not the bytes.
#[tokio::test]
async fn raw_registry_answers_are_for_staff_only() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Recovery").await;
    let bo = app.attach(&matter, "raw-answers.com").await;
    with_history(&app, &bo, 1).await;
    let snapshot = app.kept_answers("raw-answers.com").await.remove(0).id;
    let path = format!("/backorders/{bo}/snapshots/{snapshot}");

    let staff = app.new_browser();
    staff
        .login("lea@firm.example", crate::helpers::PASSWORD)
        .await;
    assert_eq!(staff.get(&path).await.status().as_u16(), 200);

    app.signed_in("carl@acme.example", Role::Client, Some(&acme))
        .await;
    let page = app.browser.get_html(&format!("/backorders/{bo}")).await;
    assert!(
        page.contains("Registry answers kept"),
        "the summary is shown"
    );
    assert!(!page.contains(&path), "no link to the raw answer");
    assert_eq!(app.browser.get(&path).await.status().as_u16(), 403);
}
