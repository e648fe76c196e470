//! HEXONET's backorders (CentralNic Reseller's ISPAPI) against a local fake on loopback that
//! speaks the documented format: `POST /api/call.cgi` with `s_entity`, `s_login`, `s_pw` and
//! `s_command` (`KEY=VALUE` lines), answered in plain text (`[RESPONSE]`, `CODE = …`,
//! `DESCRIPTION = …`, `PROPERTY[NAME][i] = …`, `EOF`) with the commands' documented codes
//! (github.com/centralnicgroup-public/hexonet-api-documentation, API/DOMAIN/APPLICATION/). The
//! fake keeps the backorder applications it accepts, so a test sees what the account holds.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpResponse, HttpServer, web};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, api, spawn_app};
use reclaim::model::ids::BackorderId;
use reclaim::model::user::Role;

const LOGIN: &str = "duvalberg!reclaim";
const PASSWORD: &str = "hx-pass-31d7";

/// What the fake HEXONET holds and how it behaves.
#[derive(Default)]
struct HexonetState {
    /// Backorder applications: id → (name, status).
    applications: BTreeMap<u32, (String, String)>,
    next_id: u32,
    /// TLDs whose backorders are not offered (541).
    refused_tlds: Vec<String>,
    /// Answer with this HTTP status instead (a 5xx, say).
    http_failure: Option<u16>,
    /// Answer `421 … Client should try again` instead.
    try_again: bool,
    /// Auction properties of an application (`AUCTION-PRICE` …), as StatusDomainApplication
    /// gives them.
    auction: BTreeMap<u32, Vec<(String, String)>>,
    /// Every request: its form fields, and its command as key → value.
    requests: Vec<(BTreeMap<String, String>, BTreeMap<String, String>)>,
}

#[derive(Clone)]
struct FakeHexonet {
    base: String,
    state: Arc<Mutex<HexonetState>>,
}

fn answer(code: u16, description: &str, properties: &[(&str, Vec<String>)]) -> HttpResponse {
    let mut text = format!("[RESPONSE]\nCODE = {code}\nDESCRIPTION = {description}\n");
    for (name, values) in properties {
        for (i, value) in values.iter().enumerate() {
            text.push_str(&format!("PROPERTY[{name}][{i}] = {value}\n"));
        }
    }
    text.push_str("EOF\n");
    HttpResponse::Ok().content_type("text/plain").body(text)
}

async fn call_cgi(
    state: web::Data<Arc<Mutex<HexonetState>>>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let form = form.into_inner();
    let command: BTreeMap<String, String> = form
        .get("s_command")
        .map(String::as_str)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().to_owned()))
        .collect();
    let mut s = state.lock().unwrap();
    s.requests.push((form.clone(), command.clone()));
    if let Some(status) = s.http_failure {
        return HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
            .body("<html>Service Unavailable</html>");
    }
    if form.get("s_login").map(String::as_str) != Some(LOGIN)
        || form.get("s_pw").map(String::as_str) != Some(PASSWORD)
        || form.get("s_entity").map(String::as_str) != Some("54cd")
    {
        return answer(530, "Authentication failed", &[]);
    }
    if s.try_again {
        return answer(
            421,
            "Command failed due to server error. Client should try again",
            &[],
        );
    }
    let field = |k: &str| command.get(k).cloned().unwrap_or_default();
    match field("COMMAND").to_ascii_lowercase().as_str() {
        "querydomainapplicationlist" => {
            let domain = field("DOMAIN");
            let class = field("CLASS");
            let limit: usize = field("LIMIT").parse().unwrap_or(100);
            let listed: Vec<(u32, String, String)> = s
                .applications
                .iter()
                .filter(|(_, (name, _))| domain.is_empty() || *name == domain)
                .filter(|_| class.is_empty() || class == "*BACKORDER")
                .take(limit)
                .map(|(id, (name, status))| (*id, name.clone(), status.clone()))
                .collect();
            let column = |f: &dyn Fn(&(u32, String, String)) -> String| {
                listed.iter().map(f).collect::<Vec<_>>()
            };
            answer(
                200,
                "Command completed successfully",
                &[
                    ("COUNT", vec![listed.len().to_string()]),
                    ("APPLICATION", column(&|a| a.0.to_string())),
                    ("CLASS", column(&|a| backorder_class(&a.1))),
                    ("DOMAIN", column(&|a| a.1.clone())),
                    ("STATUS", column(&|a| a.2.clone())),
                ],
            )
        }
        "adddomainapplication" => {
            let domain = field("DOMAIN");
            if field("CLASS") != "BACKORDER" || domain.is_empty() {
                return answer(504, "Missing required attribute", &[]);
            }
            let tld = domain.rsplit('.').next().unwrap_or_default().to_owned();
            if s.refused_tlds.contains(&tld) {
                return answer(
                    541,
                    &format!("Invalid attribute value; backorders are not offered for .{tld}"),
                    &[],
                );
            }
            if s.applications.values().any(|(name, _)| *name == domain) {
                return answer(540, "Attribute value is not unique", &[]);
            }
            s.next_id += 1;
            let id = 10_699 + s.next_id;
            s.applications
                .insert(id, (domain.clone(), "REQUESTED".to_owned()));
            answer(
                200,
                "Command completed successfully",
                &[
                    ("APPLICATION", vec![id.to_string()]),
                    ("CLASS", vec![backorder_class(&domain)]),
                    ("DOMAIN", vec![domain.clone()]),
                    ("STATUS", vec!["REQUESTED".to_owned()]),
                ],
            )
        }
        "statusdomainapplication" => {
            let id = field("APPLICATION").parse::<u32>().unwrap_or(0);
            let Some((domain, status)) = s.applications.get(&id).cloned() else {
                return answer(545, "Object not found", &[]);
            };
            let mut properties = vec![
                ("APPLICATION", vec![id.to_string()]),
                ("CLASS", vec![backorder_class(&domain)]),
                ("DOMAIN", vec![domain]),
                ("STATUS", vec![status]),
            ];
            let extra = s.auction.get(&id).cloned().unwrap_or_default();
            for (name, value) in &extra {
                properties.push((name.as_str(), vec![value.clone()]));
            }
            answer(200, "Command completed successfully", &properties)
        }
        "deletedomainapplication" => {
            let removed = field("APPLICATION")
                .parse::<u32>()
                .ok()
                .and_then(|id| s.applications.remove(&id));
            match removed {
                Some((domain, _)) => answer(
                    200,
                    "Command completed successfully",
                    &[("DOMAIN", vec![domain])],
                ),
                None => answer(545, "Object not found", &[]),
            }
        }
        _ => answer(500, "Invalid command name", &[]),
    }
}

/// `COM_BACKORDER` for a .com name, as the documented answers name the class.
fn backorder_class(domain: &str) -> String {
    format!(
        "{}_BACKORDER",
        domain
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase()
    )
}

impl FakeHexonet {
    async fn start() -> Self {
        let state = Arc::new(Mutex::new(HexonetState::default()));
        let data = web::Data::new(state.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/api/call.cgi", web::post().to(call_cgi))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            base: format!("http://127.0.0.1:{port}"),
            state,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HexonetState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// The commands received, by name, in order.
    fn commands(&self) -> Vec<String> {
        self.with(|s| {
            s.requests
                .iter()
                .map(|(_, c)| c.get("COMMAND").cloned().unwrap_or_default())
                .collect()
        })
    }

    fn account(&self) -> Value {
        json!({"provider": "hexonet", "label": "HEXONET – firm", "endpoint": self.base,
               "credentials": {"login": LOGIN, "password": PASSWORD, "contact": "P-DB1234"}})
    }
}

/// Everything the database holds in the tables a secret could end up in, as text.
async fn stored_text(app: &TestApp) -> String {
    app.state
        .db
        .run(|c| {
            use diesel::prelude::*;
            use reclaim::db::schema::{audit_events, catch_accounts, catch_calls, catch_orders};
            let accounts: Vec<(String, String, String, String)> = catch_accounts::table
                .select((
                    catch_accounts::id,
                    catch_accounts::label,
                    catch_accounts::endpoint,
                    catch_accounts::credentials_sealed,
                ))
                .load(c)?;
            let audit: Vec<(String, String)> = audit_events::table
                .select((audit_events::summary, audit_events::detail))
                .load(c)?;
            let calls: Vec<(String, String)> = catch_calls::table
                .select((catch_calls::request, catch_calls::answer))
                .load(c)?;
            let orders: Vec<String> = catch_orders::table.select(catch_orders::message).load(c)?;
            Ok::<_, reclaim::db::DbError>(format!("{accounts:?} {audit:?} {calls:?} {orders:?}"))
        })
        .await
        .unwrap()
}

/// Collects what a `tracing` subscriber writes.
struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A subscriber that writes everything, at the most detailed level, into `logs`.
fn capture(logs: &Arc<Mutex<Vec<u8>>>) -> impl tracing::Subscriber + Send + Sync {
    let logs = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || LogWriter(logs.clone()))
        .finish()
}

/// Connects the fake's account through the API; its id.
async fn connect(app: &TestApp, admin_token: &str, body: Value) -> String {
    let (status, created) = api(
        app,
        Method::POST,
        "/api/v1/catch-accounts",
        Some(admin_token),
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// A backorder on an open matter, put on the account; the backorder's id.
async fn backorder_on(
    app: &TestApp,
    token: &str,
    lawyer: &reclaim::model::user::User,
    account: &str,
    domain: &str,
) -> BackorderId {
    let client = app.create_client("Northwind").await;
    let (matter, _) = app.open_matter(&client, lawyer, "Northwind names").await;
    let backorder = app.attach(&matter, domain).await;
    let (status, channel) = api(
        app,
        Method::POST,
        &format!("/api/v1/backorders/{backorder}/channels"),
        Some(token),
        Some(json!({"account_id": account})),
    )
    .await;
    assert_eq!(status, 201, "{channel}");
    assert_eq!(channel["status"], "scheduled");
    assert_eq!(channel["service"], "hexonet");
    backorder
}

/// The backorder's only channel, as the API shows it.
async fn channel(app: &TestApp, token: &str, backorder: &BackorderId) -> Value {
    let (status, shown) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{backorder}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{shown}");
    shown["channels"][0].clone()
}

#[tokio::test]
async fn an_administrator_connects_a_hexonet_account_with_one_harmless_call() {
    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let token = app.api_token(&admin).await;
    let fake = FakeHexonet::start().await;

    // (credentials, start of the message, commands the fake saw in all)
    let cases = vec![
        (
            json!({"password": PASSWORD}),
            "HEXONET needs credentials.login",
            0,
        ),
        (
            json!({"login": LOGIN}),
            "HEXONET needs credentials.password",
            0,
        ),
        (
            json!({"login": LOGIN, "password": PASSWORD, "contact": "P-1\nCOMMAND=DeleteDomain"}),
            "'P-1\nCOMMAND=DeleteDomain' is not a HEXONET contact handle",
            0,
        ),
        (
            json!({"login": LOGIN, "password": "not-the-password"}),
            "hexonet refused the account's credentials: 530 Authentication failed: check the login",
            1,
        ),
    ];
    for (credentials, message, seen) in cases {
        let body = json!({"provider": "hexonet", "label": "HEXONET", "endpoint": fake.base,
                          "credentials": credentials});
        let (status, answer) = api(
            &app,
            Method::POST,
            "/api/v1/catch-accounts",
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], "credentials", "{answer}");
        let text = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(text.starts_with(message), "{body}: {text}");
        assert_eq!(fake.commands().len(), seen, "{body}");
    }
    let (_, list) = api(
        &app,
        Method::GET,
        "/api/v1/catch-accounts",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(list, json!([]), "nothing kept");
    assert!(!stored_text(&app).await.contains("not-the-password"));

    // The right credentials: one harmless call (a list of one application), and the account is
    // kept; the password never comes back, is nowhere in the database's text nor in the log.
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let input: reclaim::app::catch_accounts::CatchAccountInput =
        serde_json::from_value(fake.account()).unwrap();
    let caller = reclaim::app::access::Caller::new(
        reclaim::app::access::Principal::from(&admin),
        Some("127.0.0.1".into()),
        Some("test".into()),
    );
    let account = {
        let _guard = tracing::subscriber::set_default(capture(&logs));
        reclaim::app::catch_accounts::create(&app.state, &caller, input)
            .await
            .unwrap()
    };
    assert_eq!(account.provider, "hexonet");
    assert_eq!(fake.commands(), ["QueryDomainApplicationList"; 2]);
    let (form, command) = fake.with(|s| s.requests.last().cloned().unwrap());
    assert_eq!(form["s_entity"], "54cd");
    assert_eq!(form["s_login"], LOGIN);
    assert_eq!(command["LIMIT"], "1");
    assert!(
        !form["s_command"].contains(PASSWORD),
        "the password only in s_pw"
    );

    let (status, list) = api(
        &app,
        Method::GET,
        "/api/v1/catch-accounts",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["provider"], "hexonet", "{list}");
    let logged = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("catch service call"), "{logged}");
    assert!(!logged.contains(PASSWORD), "{logged}");
    assert!(!list.to_string().contains(PASSWORD));
    assert!(!stored_text(&app).await.contains(PASSWORD));

    // The OpenAPI document lists the provider.
    let (_, doc) = api(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    let providers =
        &doc["components"]["schemas"]["CatchAccountInput"]["properties"]["provider"]["enum"];
    assert_eq!(
        providers,
        &json!(["dropcatch", "dynadot", "dynadot_register", "hexonet", "epp"]),
        "{providers}"
    );
}

#[tokio::test]
async fn the_pages_connect_a_hexonet_account_without_sending_the_password_back() {
    let app = spawn_app().await;
    app.signed_in("ada@firm.example", Role::Admin, None).await;
    let fake = FakeHexonet::start().await;
    let page = app.browser.get_html("/admin/catch-accounts").await;
    assert!(
        page.contains(r#"<option value="hexonet">HEXONET</option>"#)
            && page.contains("hexonet_password"),
        "{page}"
    );
    let post = |password: &'static str| {
        let (app, endpoint) = (&app, fake.base.clone());
        async move {
            let fields = [
                ("provider", "hexonet"),
                ("label", "HEXONET – firm"),
                ("endpoint", endpoint.as_str()),
                ("hexonet_login", LOGIN),
                ("hexonet_password", password),
                ("hexonet_contact", "P-DB1234"),
            ];
            app.browser
                .post_form("/admin/catch-accounts", &fields)
                .await
        }
    };
    let refused = post("wrong-pass-9e2").await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("hexonet refused the account&#39;s credentials: 530 Authentication failed"),
        "{page}"
    );
    assert!(
        !page.contains("wrong-pass-9e2"),
        "the password is never sent back"
    );
    assert!(
        page.contains("P-DB1234") && page.contains(LOGIN),
        "the rest is kept"
    );

    let connected = post(PASSWORD).await;
    assert_eq!(connected.status().as_u16(), 303);
    let list = app.browser.get_html("/admin/catch-accounts").await;
    assert!(list.contains("HEXONET – firm"), "{list}");
    assert!(!list.contains(PASSWORD));
    assert!(
        list.contains("name=\"hexonet_password\""),
        "the change form asks for a new one"
    );

    // New credentials on the change form are checked with the service before they are kept.
    let id = list
        .split("action=\"/admin/catch-accounts/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let change = |password: &'static str| {
        let (app, id) = (&app, id.clone());
        async move {
            let fields = [
                ("hexonet_login", LOGIN),
                ("hexonet_password", password),
                ("hexonet_contact", "P-DB5678"),
                ("in_use", "on"),
            ];
            app.browser
                .post_form(&format!("/admin/catch-accounts/{id}"), &fields)
                .await
        }
    };
    let asked = fake.commands().len();
    let refused = change("wrong-again-77").await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("530 Authentication failed"), "{page}");
    assert!(!page.contains("wrong-again-77"));
    assert_eq!(fake.commands().len(), asked + 1, "one call to check them");
    let changed = change(PASSWORD).await;
    assert_eq!(changed.status().as_u16(), 303);
}

/// The catch job places the backorder application at once (HEXONET takes it any time before the
/// deletion), with the documented command; a cancelled backorder deletes it again.
#[tokio::test]
async fn the_catch_job_places_a_hexonet_backorder_and_deletes_it_when_the_backorder_is_cancelled() {
    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app
        .create_user("lina@firm.example", Role::Lawyer, None)
        .await;
    let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let fake = FakeHexonet::start().await;
    let account = connect(&app, &admin_token, fake.account()).await;
    let backorder = backorder_on(&app, &token, &lawyer, &account, "northwind-shop.com").await;

    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let done = {
        let _guard = tracing::subscriber::set_default(capture(&logs));
        reclaim::jobs::run(&app.state, "catch").await.unwrap()
    };
    assert!(done.starts_with("1 order(s) placed"), "{done}");
    let (form, command) = fake.with(|s| s.requests.last().cloned().unwrap());
    assert_eq!(command["COMMAND"], "AddDomainApplication");
    assert_eq!(command["CLASS"], "BACKORDER");
    assert_eq!(command["DOMAIN"], "northwind-shop.com");
    for contact in [
        "OWNERCONTACT0",
        "ADMINCONTACT0",
        "TECHCONTACT0",
        "BILLINGCONTACT0",
    ] {
        assert_eq!(command[contact], "P-DB1234", "{contact}");
    }
    assert_eq!(
        (form["s_login"].as_str(), form["s_entity"].as_str()),
        (LOGIN, "54cd")
    );
    assert_eq!(
        fake.with(|s| s.applications.values().cloned().collect::<Vec<_>>()),
        [("northwind-shop.com".to_owned(), "REQUESTED".to_owned())]
    );
    let shown = channel(&app, &token, &backorder).await;
    assert_eq!(shown["status"], "placed", "{shown}");
    assert_eq!(
        shown["message"],
        "Command completed successfully (backorder application 10700, REQUESTED)"
    );
    assert!(shown["placed_at"].is_string());

    // Placed and still wanted: the next runs call nobody.
    app.clock.advance(chrono::Duration::minutes(16));
    reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert_eq!(fake.commands().len(), 2, "the test call and the order");

    // The firm cancels the backorder: the application is found by name and deleted.
    let (status, answer) = api(
        &app,
        Method::POST,
        &format!("/api/v1/backorders/{backorder}/status"),
        Some(&token),
        Some(json!({"status": "cancelled", "reason": "the client settled with the holder"})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    app.clock.advance(chrono::Duration::minutes(16));
    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.contains("1 cancelled"), "{done}");
    let commands = fake.with(|s| {
        s.requests[2..]
            .iter()
            .map(|(_, c)| c.clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert_eq!(
        (
            commands[0]["COMMAND"].as_str(),
            commands[0]["DOMAIN"].as_str()
        ),
        ("QueryDomainApplicationList", "northwind-shop.com")
    );
    assert_eq!(
        (
            commands[1]["COMMAND"].as_str(),
            commands[1]["APPLICATION"].as_str()
        ),
        ("DeleteDomainApplication", "10700")
    );
    assert!(fake.with(|s| s.applications.is_empty()));
    let shown = channel(&app, &token, &backorder).await;
    assert_eq!(shown["status"], "cancelled", "{shown}");
    assert!(
        shown["message"]
            .as_str()
            .unwrap_or_default()
            .ends_with("Backorder application 10700 deleted"),
        "{shown}"
    );

    // Every call is on the record, none with the password.
    let id = backorder.clone();
    let calls = app
        .state
        .db
        .run(move |c| reclaim::repo::catch_orders::calls(c, &id, &Default::default()))
        .await
        .map(|page| page.rows)
        .unwrap();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(calls.iter().all(|c| c.provider == "hexonet"));
    assert!(
        calls.iter().any(|c| c.request.contains("s_pw=[redacted]")),
        "{calls:?}"
    );
    assert!(calls.iter().all(|c| !c.request.contains(PASSWORD)));
    assert!(!stored_text(&app).await.contains(PASSWORD));
    let logged = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(!logged.contains(PASSWORD), "{logged}");
}

#[tokio::test]
async fn a_refused_hexonet_order_shows_the_services_words_on_the_channel() {
    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app.signed_in("lina@firm.example", Role::Lawyer, None).await;
    let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let fake = FakeHexonet::start().await;
    fake.with(|s| s.refused_tlds.push("org".into()));
    let account = connect(&app, &admin_token, fake.account()).await;
    let backorder = backorder_on(&app, &token, &lawyer, &account, "northwind.org").await;

    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.contains("1 refused"), "{done}");
    let shown = channel(&app, &token, &backorder).await;
    assert_eq!(shown["status"], "refused", "{shown}");
    assert_eq!(
        shown["message"],
        "Invalid attribute value; backorders are not offered for .org"
    );
    // Refused is final: not asked again.
    app.clock.advance(chrono::Duration::hours(1));
    reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert_eq!(fake.commands().len(), 2, "the test call and one order");
    let page = app
        .browser
        .get_html(&format!("/backorders/{backorder}"))
        .await;
    assert!(
        page.contains(
            "Through the firm&#39;s account: Invalid attribute value; backorders are not offered for .org"
        ),
        "{page}"
    );
}

/// A 5xx, or HEXONET's "try again", leaves the order scheduled with the error said, and the
/// next call waits for the backoff.
#[tokio::test]
async fn hexonet_failures_are_temporary_and_the_order_is_tried_again_after_a_wait() {
    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app
        .create_user("lina@firm.example", Role::Lawyer, None)
        .await;
    let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let fake = FakeHexonet::start().await;
    let account = connect(&app, &admin_token, fake.account()).await;
    let backorder = backorder_on(&app, &token, &lawyer, &account, "northwind-shop.com").await;

    // (how the service fails, what the channel says)
    type Failure = Box<dyn Fn(&mut HexonetState)>;
    let failures: Vec<(Failure, &str)> = vec![
        (
            Box::new(|s| s.http_failure = Some(503)),
            "hexonet answered with an error (HTTP 503); reclaim will try again later",
        ),
        (
            Box::new(|s| {
                s.http_failure = None;
                s.try_again = true;
            }),
            "hexonet could not be reached: it answered 421 Command failed due to server error. Client should try again",
        ),
    ];
    let mut calls = 1;
    for (fail, said) in failures {
        fake.with(|s| fail(s));
        reclaim::jobs::run(&app.state, "catch").await.unwrap();
        calls += 1;
        assert_eq!(fake.commands().len(), calls);
        let shown = channel(&app, &token, &backorder).await;
        assert_eq!(shown["status"], "scheduled", "{shown}");
        assert_eq!(shown["message"], said);
        // Not before the backoff.
        reclaim::jobs::run(&app.state, "catch").await.unwrap();
        assert_eq!(fake.commands().len(), calls, "no call before the wait");
        app.clock.advance(chrono::Duration::minutes(5));
    }
    fake.with(|s| s.try_again = false);
    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.starts_with("1 order(s) placed"), "{done}");
    assert_eq!(channel(&app, &token, &backorder).await["status"], "placed");
}

/// A caught name's auction as StatusDomainApplication reports it: found by name, asked by
/// application; names without an application are left out.
#[tokio::test]
async fn hexonet_reports_the_auction_of_a_caught_name() {
    use reclaim::catch::{AuctionNews, CatchApi, Credentials, Endpoints, Order, Provider, Service};
    let fake = FakeHexonet::start().await;
    let service = Service::connect(
        Provider::Hexonet,
        Endpoints {
            api: fake.base.clone(),
            auth: None,
        },
        Credentials::Hexonet {
            login: LOGIN.into(),
            password: PASSWORD.into(),
            contact: None,
        },
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let placed = service
        .place(&[Order::backorder("northwind-shop.com", None)])
        .await;
    assert!(placed.result.is_ok(), "{placed:?}");
    let since = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let names = [
        "northwind-shop.com".to_owned(),
        "never-ordered.com".to_owned(),
    ];

    let called = service.auctions(&names, since).await;
    assert_eq!(
        called.result.unwrap(),
        [],
        "no auction while the application is active"
    );

    fake.with(|s| {
        s.applications.get_mut(&10_700).unwrap().1 = "AUCTION-WON".into();
        s.auction.insert(
            10_700,
            vec![
                ("AUCTION-PRICE".into(), "145.50".into()),
                ("AUCTION-CURRENCY".into(), "USD".into()),
            ],
        );
    });
    let called = service.auctions(&names, since).await;
    let reports = called.result.unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0].domain, "northwind-shop.com");
    assert_eq!(
        reports[0].news,
        AuctionNews::Won {
            price_minor: Some(14_550),
            message: "Auction won at HEXONET (145.50 USD)".into()
        }
    );
    let asked: Vec<String> = fake.commands();
    assert_eq!(
        asked[asked.len() - 3..],
        [
            "QueryDomainApplicationList",
            "StatusDomainApplication",
            "QueryDomainApplicationList"
        ],
        "one status call for the name with an application"
    );
    assert!(
        called
            .exchanges
            .iter()
            .all(|e| !e.request.contains(PASSWORD))
    );
}
