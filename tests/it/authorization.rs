//! Every page route × every role × another client's records, generated from the route table
//! (the `#[get]`/`#[post]` attributes of `src/web`): a route missing from [`RULES`] fails the
//! test, so a new route cannot ship without saying who may use it, and a route whose handler
//! forgets its check fails for the role it lets through.

use std::collections::BTreeMap;

use reclaim::model::user::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, api, spawn_app};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Anyone, signed in or not (sign-in, setup and unsubscribe links, health, assets, the
    /// calendar feed with its own secret).
    Public,
    /// Any signed-in user; records are filtered to what they may see.
    SignedIn,
    /// Staff (admins, lawyers, paralegals): never a client user.
    Staff,
    /// Lawyers and administrators.
    LawyerOrAdmin,
    /// Administrators only.
    Admin,
}

/// Every route of the pages, and who may use it. The API has its own test
/// (`api::the_openapi_document_is_complete` and the access tests).
const RULES: &[(&str, &str, Who)] = &[
    ("GET", "/", Who::SignedIn),
    ("GET", "/account", Who::SignedIn),
    ("POST", "/account/calendar-feed", Who::Staff),
    ("POST", "/account/password", Who::SignedIn),
    ("POST", "/account/sign-out-everywhere", Who::SignedIn),
    ("POST", "/account/tokens", Who::SignedIn),
    ("POST", "/account/tokens/{id}/revoke", Who::SignedIn),
    ("POST", "/account/two-factor/confirm", Who::SignedIn),
    ("POST", "/account/two-factor/off", Who::SignedIn),
    ("POST", "/account/two-factor/recovery-codes", Who::SignedIn),
    ("POST", "/account/two-factor/start", Who::SignedIn),
    ("GET", "/admin/audit", Who::Admin),
    ("GET", "/admin/catch-accounts", Who::Admin),
    ("POST", "/admin/catch-accounts", Who::Admin),
    ("POST", "/admin/catch-accounts/{id}", Who::Admin),
    ("GET", "/admin/outbox", Who::Admin),
    ("GET", "/admin/senders", Who::Admin),
    ("POST", "/admin/senders", Who::Admin),
    ("GET", "/admin/senders/{id}", Who::Admin),
    ("POST", "/admin/senders/{id}", Who::Admin),
    ("GET", "/admin/suppressions", Who::Admin),
    ("POST", "/admin/suppressions", Who::Admin),
    ("POST", "/admin/two-factor", Who::Admin),
    ("GET", "/admin/users", Who::Admin),
    ("POST", "/admin/users", Who::Admin),
    ("GET", "/admin/users/new", Who::Admin),
    ("GET", "/admin/users/{id}", Who::Admin),
    ("POST", "/admin/users/{id}", Who::Admin),
    ("POST", "/admin/users/{id}/password", Who::Admin),
    ("POST", "/admin/users/{id}/sign-out", Who::Admin),
    ("POST", "/admin/users/{id}/two-factor/reset", Who::Admin),
    ("POST", "/admin/sign-in-locks/lift", Who::Admin),
    ("GET", "/backorders/{id}", Who::SignedIn),
    ("POST", "/backorders/{id}", Who::LawyerOrAdmin),
    ("POST", "/backorders/{id}/channels", Who::Staff),
    ("POST", "/backorders/{id}/channels/{channel}", Who::Staff),
    ("POST", "/backorders/{id}/check", Who::Staff),
    ("POST", "/backorders/{id}/checklist/{item}", Who::Staff),
    ("GET", "/backorders/{id}/evidence.zip", Who::Staff),
    ("POST", "/backorders/{id}/outreach", Who::Staff),
    ("GET", "/backorders/{id}/outreach/new", Who::Staff),
    ("GET", "/backorders/{id}/snapshots/{snapshot}", Who::Staff),
    ("POST", "/backorders/{id}/status", Who::Staff),
    ("GET", "/calendar/{token}.ics", Who::Public),
    ("GET", "/calendars", Who::Staff),
    ("POST", "/calendars/closures", Who::LawyerOrAdmin),
    (
        "POST",
        "/calendars/closures/{id}/delete",
        Who::LawyerOrAdmin,
    ),
    ("GET", "/clients", Who::SignedIn),
    ("POST", "/clients", Who::LawyerOrAdmin),
    ("GET", "/clients/new", Who::LawyerOrAdmin),
    ("GET", "/clients/{id}", Who::SignedIn),
    ("POST", "/clients/{id}", Who::LawyerOrAdmin),
    ("POST", "/clients/{id}/contacts", Who::LawyerOrAdmin),
    (
        "POST",
        "/clients/{id}/contacts/{contact}/remove",
        Who::LawyerOrAdmin,
    ),
    ("GET", "/clients/{id}/edit", Who::LawyerOrAdmin),
    (
        "POST",
        "/clients/{id}/registrant-handles",
        Who::LawyerOrAdmin,
    ),
    ("GET", "/clients/{id}/lookalikes", Who::SignedIn),
    ("POST", "/clients/{id}/brand-terms", Who::LawyerOrAdmin),
    (
        "POST",
        "/clients/{id}/brand-terms/{term}/remove",
        Who::LawyerOrAdmin,
    ),
    ("POST", "/findings/{id}/triage", Who::LawyerOrAdmin),
    ("GET", "/deadlines", Who::Staff),
    ("GET", "/drops", Who::SignedIn),
    ("GET", "/deadlines/calculator", Who::Staff),
    ("POST", "/deadlines/{id}/assign", Who::Staff),
    ("POST", "/deadlines/{id}/delete", Who::Staff),
    ("POST", "/deadlines/{id}/done", Who::Staff),
    ("POST", "/deadlines/{id}/official", Who::Staff),
    ("POST", "/deadlines/{id}/undone", Who::Staff),
    ("GET", "/healthz", Who::Public),
    ("GET", "/login", Who::Public),
    ("POST", "/login", Who::Public),
    ("GET", "/login/code", Who::Public),
    ("POST", "/login/code", Who::Public),
    ("GET", "/login/enrol", Who::Public),
    ("POST", "/login/enrol", Who::Public),
    ("POST", "/logout", Who::Public),
    ("GET", "/matters", Who::SignedIn),
    ("POST", "/matters", Who::LawyerOrAdmin),
    ("GET", "/matters/new", Who::LawyerOrAdmin),
    ("GET", "/matters/{id}", Who::SignedIn),
    ("POST", "/matters/{id}", Who::LawyerOrAdmin),
    ("POST", "/matters/{id}/backorders", Who::LawyerOrAdmin),
    ("GET", "/matters/{id}/backorders.csv", Who::SignedIn),
    ("POST", "/matters/{id}/close", Who::LawyerOrAdmin),
    ("POST", "/matters/{id}/deadlines", Who::Staff),
    ("GET", "/matters/{id}/edit", Who::LawyerOrAdmin),
    ("GET", "/matters/{id}/import", Who::LawyerOrAdmin),
    ("POST", "/matters/{id}/import", Who::LawyerOrAdmin),
    ("POST", "/matters/{id}/procedures", Who::LawyerOrAdmin),
    ("GET", "/matters/{id}/procedures", Who::SignedIn),
    ("GET", "/matters/{id}/procedures/new", Who::LawyerOrAdmin),
    ("POST", "/matters/{id}/reopen", Who::LawyerOrAdmin),
    ("POST", "/matters/{id}/reports", Who::Staff),
    ("POST", "/matters/{id}/reports/send", Who::Staff),
    ("GET", "/outreach/{id}", Who::Staff),
    ("POST", "/outreach/{id}", Who::Staff),
    ("POST", "/outreach/{id}/answer", Who::Staff),
    ("POST", "/outreach/{id}/approve", Who::LawyerOrAdmin),
    ("POST", "/outreach/{id}/cancel", Who::Staff),
    ("POST", "/outreach/{id}/override", Who::LawyerOrAdmin),
    ("POST", "/outreach/{id}/send", Who::Staff),
    ("GET", "/procedures/{id}", Who::SignedIn),
    ("POST", "/procedures/{id}", Who::Staff),
    ("POST", "/procedures/{id}/close", Who::LawyerOrAdmin),
    ("POST", "/procedures/{id}/events", Who::Staff),
    ("POST", "/procedures/{id}/events/{event_id}", Who::Staff),
    (
        "POST",
        "/procedures/{id}/events/{event_id}/delete",
        Who::Staff,
    ),
    ("POST", "/procedures/{id}/reopen", Who::LawyerOrAdmin),
    ("GET", "/reports/{file}", Who::SignedIn),
    ("GET", "/setup/{token}", Who::Public),
    ("POST", "/setup/{token}", Who::Public),
    ("GET", "/static/app.css", Who::Public),
    ("GET", "/static/app.js", Who::Public),
    ("GET", "/tlds", Who::SignedIn),
    ("GET", "/u/{token}", Who::Public),
    ("POST", "/u/{token}", Who::Public),
];

/// The routes the server has, read from the handlers' attributes.
fn routes() -> Vec<(String, String)> {
    let mut found = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut dirs = vec![root.clone(), root.join("pages")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for line in source.lines().map(str::trim) {
                for method in ["get", "post", "put", "patch", "delete"] {
                    if let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) {
                        let route = &rest[..rest.find('"').unwrap()];
                        found.push((method.to_uppercase(), route.to_owned()));
                    }
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_route_says_who_may_use_it() {
    let known: Vec<(String, String)> = RULES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<String> = routes()
        .into_iter()
        .filter(|r| !known.contains(r))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the authorization table (tests/it/authorization.rs): {missing:?}"
    );
    let stale: Vec<String> = known
        .iter()
        .filter(|r| !routes().contains(r))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        stale.is_empty(),
        "table entries for routes that no longer exist: {stale:?}"
    );
}

/// Another client's records (and other people's), to put in the paths.
struct Theirs {
    ids: BTreeMap<&'static str, String>,
}

impl Theirs {
    /// The route with its parameters filled with records a client user of "Ours" may not see.
    fn path(&self, route: &str) -> String {
        let resource = route
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        let id = match resource {
            "admin" if route.starts_with("/admin/users") => "user",
            "admin" => "sender",
            "account" => "token",
            "calendars" => "closure",
            "matters" => "matter",
            "backorders" => "backorder",
            "procedures" => "procedure",
            "deadlines" => "deadline",
            "outreach" => "outreach",
            "clients" => "client",
            "findings" => "finding",
            _ => "none",
        };
        let get = |key: &str| self.ids.get(key).cloned().unwrap_or_default();
        route
            .replace("{id}", &get(id))
            .replace("{channel}", &get("channel"))
            .replace("{snapshot}", &get("snapshot"))
            .replace("{item}", "transfer_lock")
            .replace("{event_id}", &get("event"))
            .replace("{contact}", &get("contact"))
            .replace("{term}", &get("term"))
            .replace("{file}", &format!("{}.pdf", get("report")))
            .replace("{token}", "not-a-token")
    }
}

/// A firm with two clients; every record belongs to "Theirs", and a client user of "Ours".
async fn firm() -> (TestApp, Theirs) {
    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app
        .create_user("lina@firm.example", Role::Lawyer, None)
        .await;
    app.create_user("paul@firm.example", Role::Paralegal, None)
        .await;
    let ours = app.create_client("Ours").await;
    app.create_user("olga@ours.example", Role::Client, Some(&ours))
        .await;
    let theirs = app.create_client("Theirs").await;
    let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let (matter, _) = app.open_matter(&theirs, &lawyer, "Their names").await;
    let backorder = app.attach(&matter, "their-name.com").await;
    let mut ids = BTreeMap::new();
    ids.insert("matter", matter.to_string());
    ids.insert("backorder", backorder.to_string());
    ids.insert("client", theirs.to_string());
    ids.insert("user", lawyer.id.to_string());

    let call = |method: Method, path: String, token: String, body: serde_json::Value| {
        let app = &app;
        async move {
            let (status, answer) = api(app, method, &path, Some(&token), Some(body)).await;
            assert!((200..300).contains(&status), "{path}: {status} {answer}");
            answer
        }
    };
    let sender = call(
        Method::POST,
        "/api/v1/sender-profiles".into(),
        admin_token.clone(),
        json!({"legal_name": "Firm SELARL", "postal_address": "1 rue de la Paix, 75002 Paris",
               "phone": "+33 1 23 45 67 89", "from_email": "outreach@firm.example"}),
    )
    .await;
    ids.insert("sender", sender["id"].as_str().unwrap().to_owned());
    let channel = call(
        Method::POST,
        format!("/api/v1/backorders/{backorder}/channels"),
        token.clone(),
        json!({"service": "dropcatch"}),
    )
    .await;
    ids.insert("channel", channel["id"].as_str().unwrap().to_owned());
    let contact = call(
        Method::POST,
        format!("/api/v1/clients/{theirs}/contacts"),
        token.clone(),
        json!({"name": "Tom Theirs", "email": "tom@theirs.example", "receives_reports": true}),
    )
    .await;
    if let Some(id) = contact["id"].as_str() {
        ids.insert("contact", id.to_owned());
    }
    let procedure = call(
        Method::POST,
        format!("/api/v1/matters/{matter}/procedures"),
        token.clone(),
        json!({"kind": "udrp", "domains": ["their-name.com"], "registrar_country": "FR"}),
    )
    .await;
    let procedure_id = procedure["id"].as_str().unwrap().to_owned();
    call(
        Method::POST,
        format!("/api/v1/procedures/{procedure_id}/events"),
        token.clone(),
        json!({"kind": "commenced", "date": "2026-11-16"}),
    )
    .await;
    let file = call(
        Method::GET,
        format!("/api/v1/procedures/{procedure_id}"),
        token.clone(),
        json!({}),
    )
    .await;
    ids.insert("procedure", procedure_id);
    ids.insert(
        "event",
        file["events"][0]["id"].as_str().unwrap().to_owned(),
    );
    ids.insert(
        "deadline",
        file["deadlines"][0]["id"].as_str().unwrap().to_owned(),
    );
    let draft = call(
        Method::POST,
        "/api/v1/outreach".into(),
        token.clone(),
        json!({"backorder_id": backorder.to_string(), "sender_profile_id": ids["sender"],
               "to": "holder@example.org", "address_source": "holder_published",
               "subject": "Your domain", "body": "Dear holder,\n\nWould you sell it?\n\nKind regards"}),
    )
    .await;
    ids.insert("outreach", draft["id"].as_str().unwrap().to_owned());
    let report = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/matters/{matter}/reports")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status().as_u16(), 201);

    let (actor, lawyer_id, day) = (app.actor(), lawyer.id.clone(), app.clock_now());
    let (matter_id, domain) = (matter.clone(), "their-name.com".to_owned());
    let more = app
        .state
        .db
        .run(move |c| {
            use reclaim::repo::{monitoring, procedures, reports, tokens};
            let answer = reclaim::registry::Answer {
                source: reclaim::model::monitoring::Source::Whois,
                server: "whois.verisign-grs.com:43".to_owned(),
                fetched_at: day,
                http_status: None,
                raw: b"Domain Name: THEIR-NAME.COM\n".to_vec(),
            };
            let snapshot = monitoring::insert_snapshot(
                c,
                &domain,
                &answer,
                &Default::default(),
                reclaim::model::lifecycle::Phase::Active,
                None,
            )?;
            let closure = procedures::add_closure(
                c,
                &actor,
                "FR",
                day.date_naive() + chrono::Duration::days(40),
                "Office closed",
            )
            .expect("a closure day");
            let token = tokens::list_api_tokens(c, &lawyer_id)?.remove(0).id;
            let report = reports::for_matter(c, &matter_id)?.remove(0).id;
            Ok::<_, reclaim::db::DbError>((snapshot, closure.id, token, report))
        })
        .await
        .unwrap();
    ids.insert("snapshot", more.0.to_string());
    ids.insert("closure", more.1.to_string());
    ids.insert("token", more.2.to_string());
    ids.insert("report", more.3.to_string());
    let (actor, client, now) = (app.actor(), theirs.clone(), app.clock_now());
    let (term, finding) = app
        .state
        .db
        .run(move |c| {
            use reclaim::repo::lookalikes;
            let term = lookalikes::add_brand_term(c, &actor, &client, "theirbrand")?;
            lookalikes::record(
                c,
                &[lookalikes::NewFinding {
                    client_id: client.clone(),
                    matter_id: None,
                    domain: "theirbrand-login.com".into(),
                    unicode: "theirbrand-login.com".into(),
                    mark: "theirbrand".into(),
                    reason: json!({"family": "dictionary", "contained": "theirbrand"}),
                    score: 80,
                    source: "test".into(),
                    seen_at: now,
                    registry: None,
                }],
            )?;
            let finding = lookalikes::for_client(c, &client, &[], None, 1)?
                .remove(0)
                .id;
            Ok::<_, reclaim::db::DbError>((term.id, finding))
        })
        .await
        .unwrap();
    ids.insert("term", term.to_string());
    ids.insert("finding", finding.to_string());
    (app, Theirs { ids })
}

async fn call(browser: &crate::helpers::Browser, method: &str, path: &str) -> u16 {
    if method == "GET" {
        browser.get(path).await.status().as_u16()
    } else {
        browser.post_form(path, &[]).await.status().as_u16()
    }
}

#[tokio::test]
async fn every_route_refuses_whoever_may_not_use_it() {
    let (app, theirs) = firm().await;
    let mut failures = Vec::new();

    // Not signed in: every route but the public ones sends to sign-in (or refuses the form).
    let anonymous = app.new_browser();
    for (method, route, who) in RULES {
        if *who == Who::Public {
            continue;
        }
        let path = theirs.path(route);
        let status = call(&anonymous, method, &path).await;
        if !matches!(status, 303 | 401 | 403) {
            failures.push(format!("anonymous {method} {path}: {status}"));
        }
    }

    // Signed in, each role in turn, on records of a client that is not theirs.
    let people = [
        ("olga@ours.example", Role::Client),
        ("paul@firm.example", Role::Paralegal),
        ("lina@firm.example", Role::Lawyer),
    ];
    for (email, role) in people {
        let browser = app.new_browser();
        assert_eq!(browser.login(email, PASSWORD).await.status().as_u16(), 303);
        for (method, route, who) in RULES {
            if *who == Who::Public || (*method == "POST" && route.starts_with("/account/sign-out"))
            {
                continue;
            }
            let allowed = match who {
                Who::Public | Who::SignedIn => true,
                Who::Staff => role.is_staff(),
                Who::LawyerOrAdmin => matches!(role, Role::Lawyer | Role::Admin),
                Who::Admin => role == Role::Admin,
            };
            // Only refusals are tried with forms: an allowed form would change the records the
            // other routes read (the refused ones must change nothing).
            let another_clients = role == Role::Client && route.contains('{');
            if allowed && !another_clients && *method == "POST" {
                continue;
            }
            let path = theirs.path(route);
            let status = call(&browser, method, &path).await;
            // 400: the empty form was refused before any handler ran, which changes nothing.
            let refused = matches!(status, 400 | 403 | 404);
            let wrong = if another_clients {
                // Another client's record: never shown, never changed.
                !refused
            } else if allowed {
                // Allowed: shown, not refused to the person.
                status == 403 || status == 404 || status >= 500
            } else {
                !refused
            };
            if wrong {
                failures.push(format!("{role:?} {method} {path}: {status}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} route(s) answered against the rules:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
