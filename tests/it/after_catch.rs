//! After the catch (issue 16): a backorder caught or won gets its checklist; the items the
//! registry data can show tick themselves at each registry check (through a local RDAP server),
//! the others are ticked by staff (audited); the 60-day transfer date; who may read and tick;
//! the pending items on the deadlines dashboard, the backorder page and the matter's report.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, api, spawn_app_with};
use crate::registry_servers::{RdapServer, Reply};
use crate::reports::pdf_pages;
use reclaim::model::ids::BackorderId;
use reclaim::model::user::{Role, User};

const NAME: &str = "acme-widgets.com";

struct World {
    app: TestApp,
    rdap: RdapServer,
    lawyer: User,
    token: String,
    client: reclaim::model::ids::ClientId,
    matter: reclaim::model::ids::MatterId,
    backorder: BackorderId,
}

/// A firm watching acme-widgets.com for Acme Widgets, its .com registry answered locally.
async fn world() -> World {
    let rdap = RdapServer::start().await;
    let base = rdap.base.clone();
    let app = spawn_app_with(move |s| {
        s.rdap_overrides.insert("com".to_owned(), base);
        s.rdap_rate_limit = 60_000;
        s.registry_timeout = std::time::Duration::from_secs(10);
    })
    .await;
    let lawyer = app
        .create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let client = app.create_client("Acme Widgets").await;
    let (matter, _) = app
        .open_matter(&client, &lawyer, "Recovery of acme-widgets.com")
        .await;
    let backorder = app.attach(&matter, NAME).await;
    World {
        app,
        rdap,
        lawyer,
        token,
        client,
        matter,
        backorder,
    }
}

/// The registry's answer for the caught name: created on the day of the catch (23 Nov 2026).
fn rdap_answer(statuses: &[&str], expires: &str, nameservers: &[&str], registrant: &str) -> Reply {
    Reply::json(
        serde_json::to_vec(&json!({
            "rdapConformance": ["rdap_level_0"],
            "objectClassName": "domain",
            "ldhName": NAME,
            "status": statuses,
            "events": [
                {"eventAction": "registration", "eventDate": "2026-11-23T08:00:00Z"},
                {"eventAction": "expiration", "eventDate": expires},
            ],
            "entities": [
                {
                    "objectClassName": "entity",
                    "roles": ["registrar"],
                    "publicIds": [{"type": "IANA Registrar ID", "identifier": "1350"}],
                    "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "DropCatch.com 1350 LLC"]]],
                },
                {
                    "objectClassName": "entity",
                    "roles": ["registrant"],
                    "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrant]]],
                },
            ],
            "nameservers": nameservers
                .iter()
                .map(|ns| json!({"objectClassName": "nameserver", "ldhName": ns}))
                .collect::<Vec<_>>(),
        }))
        .unwrap(),
    )
}

/// Just caught: on DropCatch's parking, no lock, one year, registrant redacted.
fn parked() -> Reply {
    rdap_answer(
        &["active"],
        "2027-11-23T08:00:00Z",
        &["ns1.namebrightdns.com", "ns2.namebrightdns.com"],
        "REDACTED FOR PRIVACY",
    )
}

/// After the firm's work: locked, renewed a year, on the client's servers, in the client's name.
fn secured() -> Reply {
    rdap_answer(
        &["client transfer prohibited", "active"],
        "2028-11-23T08:00:00Z",
        &["ns1.acme-dns.example", "ns2.acme-dns.example"],
        "Acme Widgets, Inc.",
    )
}

async fn catch(w: &World) {
    let (status, body) = api(
        &w.app,
        Method::POST,
        &format!("/api/v1/backorders/{}/status", w.backorder),
        Some(&w.token),
        Some(json!({"status": "caught", "reason": "DropCatch caught it for the client"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn checklist(w: &World, token: &str) -> (u16, Value) {
    api(
        &w.app,
        Method::GET,
        &format!("/api/v1/backorders/{}/checklist", w.backorder),
        Some(token),
        None,
    )
    .await
}

fn item<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in {list}"))
}

/// Runs the monitor a day later, as the schedule would.
async fn sweep_next_day(app: &TestApp) {
    app.clock.advance(chrono::Duration::days(1));
    reclaim::jobs::run(&app.state, "monitor")
        .await
        .expect("the sweep runs");
}

#[tokio::test]
async fn the_checklist_opens_when_the_name_is_caught_with_the_60_day_transfer_date() {
    let w = world().await;
    // Not caught yet: no checklist, and the answer says when there will be one.
    let (status, body) = checklist(&w, &w.token).await;
    assert_eq!(status, 404, "{body}");
    crate::openapi::Contract::of(&w.app).await.check(
        &Method::GET,
        "/backorders/{id}/checklist",
        status,
        &body,
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("opens when the name is caught, won or transferred to the client"),
        "{message}"
    );

    catch(&w).await;
    let (status, list) = checklist(&w, &w.token).await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "transfer_lock",
            "registrar_2fa",
            "client_informed",
            "nameservers_moved",
            "registrant_verified",
            "client_contacts",
            "renewed",
            "transfer_window",
        ]
    );
    for i in list.as_array().unwrap() {
        assert_eq!(i["state"], "pending", "{i}");
        assert_eq!(i["verified_by"], Value::Null, "{i}");
    }
    // Caught on 23 Nov 2026: the lock the next day; a transfer to the firm's registrar of record
    // cannot be refused for the 60-day lock from 22 Jan 2027 (ICANN Transfer Policy §I.A.3.7.5).
    assert_eq!(item(&list, "transfer_lock")["due_on"], "2026-11-24");
    assert_eq!(item(&list, "transfer_window")["due_on"], "2027-01-22");
    assert!(app_actions_contain(&w.app, "after_catch.opened").await);

    // Opened once: the same status reported again changes nothing.
    let (status, _) = api(
        &w.app,
        Method::POST,
        &format!("/api/v1/backorders/{}/status", w.backorder),
        Some(&w.token),
        Some(json!({"status": "caught", "reason": "again"})),
    )
    .await;
    assert_eq!(status, 422);
    let opened = w
        .app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "after_catch.opened")
        .count();
    assert_eq!(opened, 1);
}

/// A name bought from its holder (or ordered transferred by a decision) is the client's without a
/// drop: the backorder ends as transferred and gets the same checklist, the 60-day lock counted
/// from the transfer (ICANN Transfer Policy §I.A.3.7.6). A deleted name cannot be transferred.
#[tokio::test]
async fn a_name_transferred_by_its_holder_gets_the_checklist_too() {
    let w = world().await;
    let (status, body) = api(
        &w.app,
        Method::POST,
        &format!("/api/v1/backorders/{}/status", w.backorder),
        Some(&w.token),
        Some(json!({"status": "transferred", "reason": "Bought from the holder; transfer completed"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "transferred", "{body}");
    let (status, list) = checklist(&w, &w.token).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 8, "{list}");
    assert_eq!(item(&list, "transfer_window")["due_on"], "2027-01-22");
    assert!(app_actions_contain(&w.app, "after_catch.opened").await);
    // Finished: nothing follows a transfer.
    let (status, body) = api(
        &w.app,
        Method::POST,
        &format!("/api/v1/backorders/{}/status", w.backorder),
        Some(&w.token),
        Some(json!({"status": "watching", "reason": "again"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("It is finished"),
        "{body}"
    );

    // A second name, deleted by its holder: in redemption it cannot be transferred.
    let other = w.app.attach(&w.matter, "acme-gadgets.com").await;
    for step in ["expiring", "redemption"] {
        let (status, body) = api(
            &w.app,
            Method::POST,
            &format!("/api/v1/backorders/{other}/status"),
            Some(&w.token),
            Some(json!({"status": step, "reason": "registry data"})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = api(
        &w.app,
        Method::POST,
        &format!("/api/v1/backorders/{other}/status"),
        Some(&w.token),
        Some(json!({"status": "transferred", "reason": "?"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("cannot go from 'In redemption' to 'Transferred to the client'"),
        "{message}"
    );
}

async fn app_actions_contain(app: &TestApp, action: &str) -> bool {
    app.audit_actions().await.iter().any(|a| a == action)
}

#[tokio::test]
async fn items_tick_themselves_from_the_registry_data_and_reopen_when_it_changes() {
    let w = world().await;
    w.rdap.set(NAME, parked());
    catch(&w).await;

    // The caught name is no longer sought, but the monitor still reads it for the checklist.
    sweep_next_day(&w.app).await;
    assert_eq!(w.rdap.hits(NAME), 1, "the sweep asked the registry");
    let (_, list) = checklist(&w, &w.token).await;
    for i in list.as_array().unwrap() {
        assert_eq!(i["state"], "pending", "{i}");
    }
    let note = item(&list, "nameservers_moved")["note"].as_str().unwrap();
    assert!(note.contains("namebrightdns.com"), "{note}");
    assert!(
        item(&list, "registrant_verified")["note"]
            .as_str()
            .unwrap()
            .contains("redact"),
        "{list}"
    );

    w.rdap.set(NAME, secured());
    sweep_next_day(&w.app).await;
    let (_, list) = checklist(&w, &w.token).await;
    for id in [
        "transfer_lock",
        "nameservers_moved",
        "renewed",
        "registrant_verified",
    ] {
        assert_eq!(item(&list, id)["state"], "done", "{id}: {list}");
        assert_eq!(item(&list, id)["verified_by"], "registry", "{id}");
    }
    // What only a person can see stays for a person.
    for id in [
        "registrar_2fa",
        "client_contacts",
        "client_informed",
        "transfer_window",
    ] {
        assert_eq!(item(&list, id)["state"], "pending", "{id}");
    }
    assert!(app_actions_contain(&w.app, "after_catch.registry_ticked").await);

    // The lock removed at the registrar: the item is pending again.
    w.rdap.set(
        NAME,
        rdap_answer(
            &["active"],
            "2028-11-23T08:00:00Z",
            &["ns1.acme-dns.example"],
            "Acme Widgets, Inc.",
        ),
    );
    sweep_next_day(&w.app).await;
    let (_, list) = checklist(&w, &w.token).await;
    assert_eq!(item(&list, "transfer_lock")["state"], "pending", "{list}");
    assert_eq!(item(&list, "transfer_lock")["verified_by"], Value::Null);
    assert_eq!(item(&list, "renewed")["state"], "done");
    assert!(app_actions_contain(&w.app, "after_catch.registry_reopened").await);

    // A registry tick is not a person's to reopen.
    let (status, body) = api(
        &w.app,
        Method::POST,
        &format!("/api/v1/backorders/{}/checklist/renewed", w.backorder),
        Some(&w.token),
        Some(json!({"done": false})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("registry data shows this item done"),
        "{body}"
    );
}

#[tokio::test]
async fn staff_tick_items_audited_and_client_users_only_read_their_own() {
    let w = world().await;
    catch(&w).await;
    let tick = |item: &str, done: bool, token: String| {
        let path = format!("/api/v1/backorders/{}/checklist/{item}", w.backorder);
        let app = &w.app;
        async move {
            api(
                app,
                Method::POST,
                &path,
                Some(&token),
                Some(json!({"done": done})),
            )
            .await
        }
    };

    // Answers and refusals as the OpenAPI document says.
    let contract = crate::openapi::Contract::of(&w.app).await;
    let one = "/backorders/{id}/checklist/{item}";
    let (status, list) = checklist(&w, &w.token).await;
    contract.check(&Method::GET, "/backorders/{id}/checklist", status, &list);

    let (status, body) = tick("client_informed", true, w.token.clone()).await;
    assert_eq!(status, 200, "{body}");
    contract.check(&Method::POST, one, status, &body);
    assert_eq!(body["state"], "done");
    assert_eq!(body["verified_by"], "user");
    assert!(
        body["note"]
            .as_str()
            .unwrap()
            .contains("lea.lawyer@firm.example")
    );
    assert!(app_actions_contain(&w.app, "after_catch.ticked").await);

    // Twice: refused, saying why.
    let (status, body) = tick("client_informed", true, w.token.clone()).await;
    assert_eq!(status, 409, "{body}");
    contract.check(&Method::POST, one, status, &body);
    // Reopened by a person, audited.
    let (status, body) = tick("client_informed", false, w.token.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "pending");
    assert_eq!(body["verified_by"], Value::Null);
    assert!(app_actions_contain(&w.app, "after_catch.reopened").await);
    // A registry-provable item may be ticked by hand (the data may be redacted).
    let (status, body) = tick("registrant_verified", true, w.token.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verified_by"], "user");

    // An unknown item: not found, naming the items.
    let (status, body) = tick("dns_sec", true, w.token.clone()).await;
    assert_eq!(status, 404, "{body}");
    contract.check(&Method::POST, one, status, &body);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("no checklist item 'dns_sec'") && message.contains("transfer_lock"),
        "{message}"
    );
    // A body without `done`: a bad request.
    let (status, _) = api(
        &w.app,
        Method::POST,
        &format!("/api/v1/backorders/{}/checklist/renewed", w.backorder),
        Some(&w.token),
        Some(json!({"finished": true})),
    )
    .await;
    assert_eq!(status, 400);

    // The client's own user reads the checklist but cannot tick.
    let own = w
        .app
        .create_user("cora@acme.example", Role::Client, Some(&w.client))
        .await;
    let own_token = w.app.api_token(&own).await;
    let (status, list) = checklist(&w, &own_token).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(item(&list, "client_informed")["state"], "pending");
    let (status, body) = tick("registrar_2fa", true, own_token.clone()).await;
    assert_eq!(status, 403, "{body}");
    contract.check(&Method::POST, one, status, &body);
    // Another client's user sees nothing of it.
    let other_client = w.app.create_client("Other Co").await;
    let other = w
        .app
        .create_user("olga@other.example", Role::Client, Some(&other_client))
        .await;
    let other_token = w.app.api_token(&other).await;
    let (status, _) = checklist(&w, &other_token).await;
    assert_eq!(status, 404);
    let (status, _) = tick("registrar_2fa", true, other_token).await;
    assert_eq!(status, 404);
    let (_, list) = checklist(&w, &w.token).await;
    assert_eq!(item(&list, "registrar_2fa")["state"], "pending");
}

#[tokio::test]
async fn pending_items_are_on_the_backorder_page_the_deadlines_and_the_report() {
    let w = world().await;
    catch(&w).await;
    let browser = w.app.new_browser();
    let response = browser
        .login("lea.lawyer@firm.example", crate::helpers::PASSWORD)
        .await;
    assert_eq!(response.status().as_u16(), 303);

    // The backorder page: the card, and a tick through its form (CSRF token from the page).
    let page = browser
        .get_html(&format!("/backorders/{}", w.backorder))
        .await;
    assert!(page.contains("After the catch"), "{page}");
    assert!(page.contains("Transfer lock on (clientTransferProhibited)"));
    let response = browser
        .post_form(
            &format!("/backorders/{}/checklist/registrar_2fa", w.backorder),
            &[("done", "yes")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let page = browser
        .get_html(&format!("/backorders/{}", w.backorder))
        .await;
    assert!(
        page.contains("Two-factor authentication on at the registrar: done."),
        "{page}"
    );
    let (_, list) = checklist(&w, &w.token).await;
    assert_eq!(item(&list, "registrar_2fa")["state"], "done");
    // Without the token: refused.
    let response = browser
        .post_form_raw(
            &format!("/backorders/{}/checklist/client_informed", w.backorder),
            &[("done", "yes")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);

    // The deadlines dashboard: the pending items, linked to the backorder; the one done is not.
    let deadlines = browser.get_html("/deadlines").await;
    assert!(deadlines.contains("After the catch"), "{deadlines}");
    assert!(deadlines.contains(&format!("/backorders/{}#after-catch", w.backorder)));
    assert!(deadlines.contains("Transferred to the firm"), "{deadlines}");
    assert!(!deadlines.contains("Two-factor authentication on at the registrar"));
    // Another lawyer's filter leaves them out.
    let other = w
        .app
        .create_user("otto.other@firm.example", Role::Lawyer, None)
        .await;
    let filtered = browser
        .get_html(&format!("/deadlines?who={}", other.id))
        .await;
    assert!(!filtered.contains("id=\"after-catch\""), "{filtered}");
    let _ = &w.lawyer;

    // The matter's report lists what is left to do.
    let response = reqwest::Client::new()
        .get(
            w.app
                .url(&format!("/api/v1/matters/{}/report.pdf", w.matter)),
        )
        .bearer_auth(&w.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let pdf = response.bytes().await.unwrap();
    if let Some(pages) = pdf_pages(&pdf) {
        let text = pages.join("\n");
        assert!(text.contains("After the catch"), "{text}");
        assert!(text.contains("Transfer lock on"), "{text}");
        assert!(text.contains("Fri 22 Jan 2027"), "{text}");
        assert!(!text.contains("Two-factor authentication on"), "{text}");
    }
}

#[tokio::test]
async fn the_matters_renewal_years_decide_when_the_name_counts_as_renewed() {
    let w = world().await;
    // Out of range or not a number: refused on the field, saying what is expected.
    for bad in [json!(0), json!(10), json!("ten")] {
        let (status, body) = api(
            &w.app,
            Method::POST,
            "/api/v1/matters",
            Some(&w.token),
            Some(json!({"client_id": w.client, "title": "Recovery", "renewal_years": bad})),
        )
        .await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["error"]["field"], "renewal_years", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("from 1 to 9"),
            "{body}"
        );
    }
    // A new matter says 1 unless told.
    let (status, plain) = api(
        &w.app,
        Method::POST,
        "/api/v1/matters",
        Some(&w.token),
        Some(json!({"client_id": w.client, "title": "Recovery of acme-widgets.net"})),
    )
    .await;
    assert_eq!(status, 201, "{plain}");
    assert_eq!(plain["renewal_years"], 1);
    let (status, matter) = api(
        &w.app,
        Method::POST,
        "/api/v1/matters",
        Some(&w.token),
        Some(json!({"client_id": w.client, "title": "Recovery, three years", "renewal_years": 3})),
    )
    .await;
    assert_eq!(status, 201, "{matter}");
    assert_eq!(matter["renewal_years"], 3);
    assert!(app_actions_contain(&w.app, "matter.renewal_years_changed").await);

    // The same name caught for that matter: registered until 2028 is not enough for the first year and three more.
    let matter_id = reclaim::model::ids::MatterId::parse(matter["id"].as_str().unwrap()).unwrap();
    let backorder = w.app.attach(&matter_id, NAME).await;
    let w = World { backorder, ..w };
    w.rdap.set(NAME, secured());
    catch(&w).await;
    sweep_next_day(&w.app).await;
    let (_, list) = checklist(&w, &w.token).await;
    assert_eq!(item(&list, "transfer_lock")["state"], "done", "{list}");
    assert_eq!(item(&list, "renewed")["state"], "pending", "{list}");
    let note = item(&list, "renewed")["note"].as_str().unwrap();
    assert!(note.contains("2030-11-23"), "{note}");
    w.rdap.set(
        NAME,
        rdap_answer(
            &["client transfer prohibited"],
            "2030-11-23T08:00:00Z",
            &["ns1.acme-dns.example"],
            "Acme Widgets",
        ),
    );
    sweep_next_day(&w.app).await;
    let (_, list) = checklist(&w, &w.token).await;
    assert_eq!(item(&list, "renewed")["state"], "done", "{list}");
}
