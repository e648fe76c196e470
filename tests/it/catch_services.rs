//! The catch services' APIs against local fakes on loopback that speak the documented formats:
//! NameBright's token endpoint and DropCatch's backorder API (github.com/NameBright/
//! DropCatchBackorderExamples), and Dynadot's API 3 (`api3.json`). The fakes keep the orders
//! they accept, so a test sees what a real account would hold.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reclaim::catch::{
    CatchApi, CatchError, Credentials, Endpoints, Order, Outcome, Provider, Service,
};
use serde_json::{Value, json};

/// What the fake DropCatch holds and how it behaves.
#[derive(Default)]
struct DropCatchState {
    client_id: String,
    client_secret: String,
    /// Tokens issued and still valid.
    tokens: BTreeSet<String>,
    issued: usize,
    /// Names in pending delete: the only ones DropCatch accepts.
    pending_delete: BTreeSet<String>,
    /// Orders on the account: name → max bid as sent.
    orders: BTreeMap<String, String>,
    /// Answer the next backorder calls with this status instead (a 5xx, say).
    fail_with: Option<u16>,
    /// Bodies received on the backorder API, in order.
    bodies: Vec<String>,
    delay: Duration,
}

#[derive(Clone)]
struct FakeDropCatch {
    base: String,
    state: Arc<Mutex<DropCatchState>>,
}

async fn dropcatch_token(
    state: web::Data<Arc<Mutex<DropCatchState>>>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let mut s = state.lock().unwrap();
    let ok = form.get("grant_type").map(String::as_str) == Some("client_credentials")
        && form.get("client_id") == Some(&s.client_id)
        && form.get("client_secret") == Some(&s.client_secret);
    if !ok {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_client"}));
    }
    s.issued += 1;
    let token = format!("token-{}", s.issued);
    s.tokens.insert(token.clone());
    HttpResponse::Ok()
        .json(json!({"access_token": token, "token_type": "bearer", "expires_in": 3600}))
}

fn bearer(req: &HttpRequest) -> String {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

async fn dropcatch_backorder(
    req: HttpRequest,
    state: web::Data<Arc<Mutex<DropCatchState>>>,
    body: web::Bytes,
) -> HttpResponse {
    let delay = state.lock().unwrap().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut s = state.lock().unwrap();
    s.bodies.push(String::from_utf8_lossy(&body).into_owned());
    if !s.tokens.contains(&bearer(&req)) {
        return HttpResponse::Unauthorized().finish();
    }
    if let Some(status) = s.fail_with {
        return HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
            .body("<html>Service Unavailable</html>");
    }
    let cancelling = req.path().ends_with("/CancelBackOrders");
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return HttpResponse::BadRequest().finish();
    };
    let entries: Vec<String> = if cancelling {
        value.as_array().cloned().unwrap_or_default()
    } else {
        value["domains"].as_array().cloned().unwrap_or_default()
    }
    .into_iter()
    .filter_map(|v| v.as_str().map(str::to_owned))
    .collect();
    let mut results = Vec::new();
    for entry in entries {
        let (name, bid) = entry
            .split_once(',')
            .map_or((entry.clone(), "59.00".to_owned()), |(n, b)| {
                (n.to_owned(), b.to_owned())
            });
        let result = if cancelling {
            let had = s.orders.remove(&name).is_some();
            json!({"domainName": name, "success": had, "maxBid": "0.00",
                   "message": if had { "Backorder Cancelled" } else { "No backorder found" },
                   "statusCode": if had { "200.2" } else { "404.0" }})
        } else if s.pending_delete.contains(&name) {
            s.orders.insert(name.clone(), bid.clone());
            json!({"domainName": name, "success": true, "maxBid": bid,
                   "message": "Backorder Accepted", "statusCode": "200.1"})
        } else {
            json!({"domainName": name, "success": false, "maxBid": "0.00",
                   "message": format!("{name} is not in pending delete status."), "statusCode": "411.0"})
        };
        results.push(result);
    }
    let some_errors = results.iter().any(|r| r["success"] == json!(false));
    HttpResponse::Ok().json(json!({"someErrors": some_errors, "results": results}))
}

impl FakeDropCatch {
    async fn start() -> Self {
        let state = Arc::new(Mutex::new(DropCatchState {
            client_id: "DuvalBerg:reclaim".into(),
            client_secret: "dc-secret-7f3a9".into(),
            ..Default::default()
        }));
        let data = web::Data::new(state.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/auth/token", web::post().to(dropcatch_token))
                .route(
                    "/api/BackorderDomainsApi/BackOrderDomains",
                    web::post().to(dropcatch_backorder),
                )
                .route(
                    "/api/BackorderDomainsApi/CancelBackOrders",
                    web::post().to(dropcatch_backorder),
                )
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

    fn service(&self, client_id: &str, client_secret: &str, timeout: Duration) -> Service {
        Service::connect(
            Provider::DropCatch,
            Endpoints {
                api: self.base.clone(),
                auth: Some(self.base.clone()),
            },
            Credentials::DropCatch {
                client_id: client_id.into(),
                client_secret: client_secret.into(),
            },
            timeout,
        )
        .unwrap()
    }

    fn with<T>(&self, f: impl FnOnce(&mut DropCatchState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }
}

fn order(domain: &str, bid: Option<i64>) -> Order {
    Order::backorder(domain, bid)
}

#[tokio::test]
async fn dropcatch_takes_names_in_pending_delete_and_says_later_for_the_others() {
    let fake = FakeDropCatch::start().await;
    fake.with(|s| {
        s.pending_delete.insert("northwind-shop.com".into());
    });
    let service = fake.service(
        "DuvalBerg:reclaim",
        "dc-secret-7f3a9",
        Duration::from_secs(5),
    );
    let called = service
        .place(&[
            order("northwind-shop.com", Some(12_500)),
            order("northwind.net", Some(8_000)),
        ])
        .await;
    let answers = called.result.expect("answers");
    assert_eq!(
        answers[0].outcome,
        Outcome::Placed {
            max_bid_minor: Some(12_500),
            message: "Backorder Accepted".into()
        }
    );
    assert!(
        matches!(&answers[1].outcome, Outcome::NotYet { message } if message.contains("not in pending delete")),
        "{:?}",
        answers[1]
    );
    // The bid went as DropCatch's "name,maxbid" entry, on the standard route.
    let body: Value = fake.with(|s| serde_json::from_str(&s.bodies[0]).unwrap());
    assert_eq!(
        body,
        json!({"domains": ["northwind-shop.com,125.00", "northwind.net,80.00"], "routingCode": "standard"})
    );
    assert_eq!(
        fake.with(|s| s.orders.clone()),
        BTreeMap::from([("northwind-shop.com".to_owned(), "125.00".to_owned())])
    );
    // Two exchanges for the timeline: the token, then the order; no secret in either.
    let actions: Vec<&str> = called.exchanges.iter().map(|e| e.action).collect();
    assert_eq!(actions, ["token", "place"]);
    for e in &called.exchanges {
        assert!(!e.request.contains("dc-secret-7f3a9"), "{}", e.request);
        assert!(!e.request.contains("token-1"), "{}", e.request);
        assert_eq!(e.status, Some(200));
    }

    // The token is reused; cancelling removes the order.
    let cancelled = service.cancel(&["northwind-shop.com".to_owned()]).await;
    assert!(matches!(
        cancelled.result.unwrap()[0].outcome,
        Outcome::Cancelled { .. }
    ));
    assert_eq!(cancelled.exchanges.len(), 1, "no new token");
    assert!(fake.with(|s| s.orders.is_empty()));
    assert_eq!(
        fake.with(|s| s.bodies[1].clone()),
        r#"["northwind-shop.com"]"#
    );
}

#[tokio::test]
async fn an_expired_dropcatch_token_is_fetched_again_once() {
    let fake = FakeDropCatch::start().await;
    fake.with(|s| {
        s.pending_delete.insert("northwind-shop.com".into());
    });
    let service = fake.service(
        "DuvalBerg:reclaim",
        "dc-secret-7f3a9",
        Duration::from_secs(5),
    );
    assert!(service.verify().await.result.is_ok());
    // DropCatch forgets the token before its announced expiry.
    fake.with(|s| s.tokens.clear());
    let called = service.place(&[order("northwind-shop.com", None)]).await;
    assert!(matches!(
        called.result.unwrap()[0].outcome,
        Outcome::Placed { .. }
    ));
    let seen: Vec<(&str, Option<u16>)> = called
        .exchanges
        .iter()
        .map(|e| (e.action, e.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("place", Some(401)),
            ("token", Some(200)),
            ("place", Some(200))
        ],
        "the cached token (fetched by the test call), refused, then one new token and one retry"
    );
}

#[tokio::test]
async fn wrong_dropcatch_credentials_say_what_to_check_after_one_call() {
    let fake = FakeDropCatch::start().await;
    let service = fake.service("DuvalBerg:reclaim", "wrong", Duration::from_secs(5));
    let called = service.verify().await;
    let error = called.result.unwrap_err();
    assert!(
        matches!(error, CatchError::Unauthorized { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains("check the client_id"), "{text}");
    assert_eq!(called.exchanges.len(), 1);
    assert!(
        !called.exchanges[0].request.contains("wrong"),
        "the secret is never shown"
    );
}

#[tokio::test]
async fn dropcatch_server_errors_and_timeouts_are_temporary() {
    let fake = FakeDropCatch::start().await;
    let service = fake.service(
        "DuvalBerg:reclaim",
        "dc-secret-7f3a9",
        Duration::from_millis(700),
    );
    fake.with(|s| s.fail_with = Some(503));
    let error = service
        .place(&[order("northwind-shop.com", None)])
        .await
        .result
        .unwrap_err();
    assert_eq!(
        error,
        CatchError::Server {
            provider: Provider::DropCatch,
            status: 503
        }
    );
    assert!(error.is_temporary());

    fake.with(|s| {
        s.fail_with = None;
        s.delay = Duration::from_secs(3);
    });
    let called = service.place(&[order("northwind-shop.com", None)]).await;
    let error = called.result.unwrap_err();
    assert!(
        matches!(&error, CatchError::Unreachable { message, .. } if message == "no answer in time"),
        "{error:?}"
    );
    assert!(error.is_temporary());
    assert_eq!(called.exchanges.last().unwrap().status, None);

    // Nothing listens: unreachable, temporary.
    let nowhere = Service::connect(
        Provider::DropCatch,
        Endpoints {
            api: "http://127.0.0.1:9".into(),
            auth: Some("http://127.0.0.1:9".into()),
        },
        Credentials::DropCatch {
            client_id: "a:b".into(),
            client_secret: "c".into(),
        },
        Duration::from_secs(2),
    )
    .unwrap();
    let error = nowhere.verify().await.result.unwrap_err();
    assert!(error.is_temporary(), "{error:?}");
}

/// What the fake Dynadot holds.
#[derive(Default)]
pub(crate) struct DynadotState {
    key: String,
    backorders: BTreeSet<String>,
    /// TLDs Dynadot does not take backorders for.
    refused_tlds: Vec<String>,
    /// Requests being answered now (API 3 allows one at a time per key).
    in_flight: usize,
    overlapping: bool,
    pub(crate) queries: Vec<String>,
    /// Running auctions of caught names: name → current bid.
    open_auctions: BTreeMap<String, String>,
    /// Ended auctions: (name, "won"/"lost", price).
    closed_auctions: Vec<(String, &'static str, String)>,
    /// Names someone else holds, premium names, and the names registered through the account.
    taken: BTreeSet<String>,
    premium: BTreeSet<String>,
    pub(crate) registered: Vec<String>,
}

#[derive(Clone)]
pub(crate) struct FakeDynadot {
    pub(crate) base: String,
    state: Arc<Mutex<DynadotState>>,
}

async fn dynadot_api3(
    req: HttpRequest,
    state: web::Data<Arc<Mutex<DynadotState>>>,
) -> HttpResponse {
    let query: BTreeMap<String, String> =
        web::Query::<BTreeMap<String, String>>::from_query(req.query_string())
            .map(|q| q.into_inner())
            .unwrap_or_default();
    {
        let mut s = state.lock().unwrap();
        s.queries.push(req.query_string().to_owned());
        s.in_flight += 1;
        if s.in_flight > 1 {
            s.overlapping = true;
        }
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut s = state.lock().unwrap();
    s.in_flight -= 1;
    let command = query.get("command").cloned().unwrap_or_default();
    let name = |command: &str| -> String {
        command
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .collect::<String>()
            + "Response"
    };
    if query.get("key") != Some(&s.key) {
        return HttpResponse::Ok().json(json!({ name(&command): {"ResponseCode": "-1", "Status": "error", "Error": "invalid key"}}));
    }
    let domain = query.get("domain").cloned().unwrap_or_default();
    let body = match command.as_str() {
        "add_backorder_request" => {
            if s.refused_tlds
                .iter()
                .any(|t| domain.ends_with(&format!(".{t}")))
            {
                json!({"ResponseCode": "-1", "Status": "error", "Error": format!("{domain} is not supported for backorder")})
            } else if !s.backorders.insert(domain.clone()) {
                json!({"ResponseCode": "-1", "Status": "error", "Error": format!("{domain} is already on your backorder request list")})
            } else {
                json!({"ResponseCode": "0", "Status": "success"})
            }
        }
        "delete_backorder_request" => {
            s.backorders.remove(&domain);
            json!({"ResponseCode": "0", "Status": "success"})
        }
        "backorder_request_list" => {
            let list: Vec<Value> = s
                .backorders
                .iter()
                .map(|d| json!({"DomainName": d, "BackorderRequestStatus": "Active"}))
                .collect();
            json!({"ResponseCode": 0, "Status": "success", "BackorderRequestList": list})
        }
        "register" => {
            if query.get("duration").map(String::as_str) != Some("1") {
                json!({"ResponseCode": "-1", "Status": "error", "Error": "invalid duration"})
            } else if s.taken.contains(&domain) || s.registered.contains(&domain) {
                json!({"ResponseCode": "-1", "Status": "error", "Error": format!("{domain} is not available")})
            } else if s.premium.contains(&domain) {
                json!({"ResponseCode": "-1", "Status": "error", "Error": "this is a premium domain: set premium=1 to register it at its premium price"})
            } else {
                s.registered.push(domain.clone());
                json!({"ResponseCode": "0", "Status": "success",
                    "RegisterContent": {"Expiration": 1_827_000_000_000_i64, "Registration": 1_795_000_000_000_i64}})
            }
        }
        "get_backorder_auction_details" => match s.open_auctions.get(&domain) {
            Some(bid) => json!({"ResponseCode": 0, "Status": "success",
                "GetBackorderAuctionDetails": {"Auction": {"AuctionId": "77", "Domain": domain,
                "AuctionStatusId": "0", "AuctionStatus": "In progress", "BidPrice": bid,
                "BidPriceCurrency": "USD", "Bids": "3", "EndTime": "2026/12/20 09:00 UTC"}}}),
            None => {
                json!({"ResponseCode": "-1", "Status": "error", "Error": "auction not found"})
            }
        },
        "get_closed_backorder_auctions" => {
            if !query.contains_key("startDate") || !query.contains_key("endDate") {
                json!({"ResponseCode": "-1", "Status": "error", "Error": "missing startDate or endDate"})
            } else {
                let auctions: Vec<Value> = s
                    .closed_auctions
                    .iter()
                    .map(|(d, won, price)| {
                        json!({"AuctionId": "77", "Domain": d,
                        "AuctionStatusId": "4", "AuctionStatus": "Closed", "BidPrice": price,
                        "BidPriceCurrency": "USD", "Bids": "5", "AuctionWonStatus": won,
                        "YourHighBid": price, "YourProxyBid": price})
                    })
                    .collect();
                json!({"ResponseCode": 0, "Status": "success", "Auctions": auctions})
            }
        }
        _ => json!({"ResponseCode": "-1", "Status": "error", "Error": "unknown command"}),
    };
    HttpResponse::Ok().json(json!({ name(&command): body }))
}

impl FakeDynadot {
    pub(crate) async fn start() -> Self {
        let state = Arc::new(Mutex::new(DynadotState {
            key: "dyn-key-48c1e".into(),
            refused_tlds: vec!["dk".into()],
            ..Default::default()
        }));
        let data = web::Data::new(state.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/api3.json", web::get().to(dynadot_api3))
        })
        .workers(2)
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

    fn service(&self, key: &str) -> Service {
        Service::connect(
            Provider::Dynadot,
            Endpoints {
                api: self.base.clone(),
                auth: None,
            },
            Credentials::Dynadot {
                api_key: key.into(),
            },
            Duration::from_secs(5),
        )
        .unwrap()
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut DynadotState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }
}

#[tokio::test]
async fn dynadot_places_each_name_one_request_at_a_time() {
    let fake = FakeDynadot::start().await;
    let service = fake.service("dyn-key-48c1e");
    assert!(service.verify().await.result.is_ok());
    // Already there from an earlier run: still placed, not an error.
    fake.with(|s| {
        s.backorders.insert("northwind.org".into());
    });
    let orders = [
        order("northwind-shop.com", Some(9_900)),
        order("northwind.org", None),
        order("northwind.dk", None),
    ];
    let (a, b) = tokio::join!(service.place(&orders[..2]), service.place(&orders[2..]));
    let mut answers = a.result.unwrap();
    answers.extend(b.result.unwrap());
    assert!(matches!(answers[0].outcome, Outcome::Placed { .. }));
    assert!(
        matches!(&answers[1].outcome, Outcome::Placed { message, .. } if message.contains("already on your backorder")),
        "{:?}",
        answers[1]
    );
    assert_eq!(
        answers[2].outcome,
        Outcome::Refused {
            message: "northwind.dk is not supported for backorder".into(),
            code: String::new()
        }
    );
    assert!(
        !fake.with(|s| s.overlapping),
        "never two requests at once on one key"
    );
    for e in a.exchanges.iter().chain(&b.exchanges) {
        assert!(e.request.contains("key=[redacted]"), "{}", e.request);
        assert!(!e.request.contains("dyn-key-48c1e"), "{}", e.request);
    }
    // The key went in the query string, as API 3 wants.
    assert!(fake.with(|s| s.queries.iter().all(|q| q.contains("key=dyn-key-48c1e"))));

    let cancelled = service.cancel(&["northwind-shop.com".to_owned()]).await;
    assert!(matches!(
        cancelled.result.unwrap()[0].outcome,
        Outcome::Cancelled { .. }
    ));
    assert!(!fake.with(|s| s.backorders.contains("northwind-shop.com")));
}

#[tokio::test]
async fn a_wrong_dynadot_key_is_said_after_one_call() {
    let fake = FakeDynadot::start().await;
    let called = fake.service("not-the-key").verify().await;
    let error = called.result.unwrap_err();
    assert!(
        matches!(&error, CatchError::Unauthorized { message, .. } if message == "invalid key"),
        "{error:?}"
    );
    assert_eq!(called.exchanges.len(), 1);
}

/// Everything the database holds in the tables a secret could end up in, as text.
pub(crate) async fn stored_text(app: &crate::helpers::TestApp) -> String {
    app.state
        .db
        .run(|c| {
            use diesel::prelude::*;
            use reclaim::db::schema::{audit_events, catch_accounts};
            let accounts: Vec<(String, String, String, Option<String>, String)> =
                catch_accounts::table
                    .select((
                        catch_accounts::id,
                        catch_accounts::label,
                        catch_accounts::endpoint,
                        catch_accounts::auth_endpoint,
                        catch_accounts::credentials_sealed,
                    ))
                    .load(c)?;
            let audit: Vec<(String, String)> = audit_events::table
                .select((audit_events::summary, audit_events::detail))
                .load(c)?;
            Ok::<_, reclaim::db::DbError>(format!("{accounts:?} {audit:?}"))
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn an_administrator_connects_accounts_whose_credentials_never_come_back() {
    use crate::helpers::{api, spawn_app};
    use reclaim::model::user::Role;
    use reqwest::Method;

    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app
        .create_user("lina@firm.example", Role::Lawyer, None)
        .await;
    let (admin_token, lawyer_token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let dropcatch = FakeDropCatch::start().await;
    let dynadot = FakeDynadot::start().await;

    let body = json!({
        "provider": "dropcatch",
        "label": "DropCatch – firm",
        "endpoint": dropcatch.base,
        "auth_endpoint": dropcatch.base,
        "credentials": {"client_id": "DuvalBerg:reclaim", "client_secret": "dc-secret-7f3a9"},
        "max_bid_per_name": 250,
    });
    // Lawyers do not connect accounts.
    let (status, _) = api(
        &app,
        Method::POST,
        "/api/v1/catch-accounts",
        Some(&lawyer_token),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 403);

    // Logs written while connecting, at the most detailed level, captured on this thread.
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = {
        let logs = logs.clone();
        move || LogWriter(logs.clone())
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(writer)
        .finish();
    let input: reclaim::app::catch_accounts::CatchAccountInput =
        serde_json::from_value(body.clone()).unwrap();
    let caller = reclaim::app::access::Caller::new(
        reclaim::app::access::Principal::from(&admin),
        Some("127.0.0.1".into()),
        Some("test".into()),
    );
    let account = {
        let _guard = tracing::subscriber::set_default(subscriber);
        reclaim::app::catch_accounts::create(&app.state, &caller, input)
            .await
            .unwrap()
    };
    let logged = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("catch service call"), "{logged}");
    assert_eq!(account.provider, "dropcatch");

    let dynadot_body = json!({
        "provider": "dynadot", "label": "Dynadot", "endpoint": dynadot.base,
        "credentials": {"api_key": "dyn-key-48c1e"}, "monthly_limit": "2000.00"
    });
    let (status, created) = api(
        &app,
        Method::POST,
        "/api/v1/catch-accounts",
        Some(&admin_token),
        Some(dynadot_body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["provider"], "dynadot");
    assert!(created["id"].is_string());

    let (status, list) = api(
        &app,
        Method::GET,
        "/api/v1/catch-accounts",
        Some(&admin_token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(list[0]["max_bid_per_name"], "250.00");
    assert_eq!(list[1]["monthly_limit"], "2000.00");
    assert_eq!(list[1]["currency"], "USD");
    let (status, _) = api(
        &app,
        Method::GET,
        "/api/v1/catch-accounts",
        Some(&lawyer_token),
        None,
    )
    .await;
    assert_eq!(status, 403);

    // The secrets are nowhere: not in any answer, the database's text, the audit trail or the log.
    let stored = stored_text(&app).await;
    for secret in ["dc-secret-7f3a9", "dyn-key-48c1e"] {
        assert!(!list.to_string().contains(secret));
        assert!(!created.to_string().contains(secret));
        assert!(!stored.contains(secret), "{secret} in the database");
        assert!(!logged.contains(secret), "{secret} in the log: {logged}");
    }
    // The catch job opens them again with the instance's key.
    let accounts = reclaim::app::catch_accounts::list(&app.state, &caller.user, Default::default())
        .await
        .unwrap()
        .rows;
    let service = reclaim::app::catch_accounts::service_of(&app.state, &accounts[0]).unwrap();
    assert!(service.verify().await.result.is_ok());
}

#[tokio::test]
async fn wrong_or_missing_credentials_and_unknown_providers_keep_nothing() {
    use crate::helpers::{api, spawn_app};
    use reclaim::model::user::Role;
    use reqwest::Method;

    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let token = app.api_token(&admin).await;
    let dropcatch = FakeDropCatch::start().await;
    let dynadot = FakeDynadot::start().await;
    // (body, field, start of the message)
    let cases = vec![
        (
            json!({"provider": "snapnames", "label": "x", "credentials": {}}),
            "provider",
            "'snapnames' is not a catch service",
        ),
        (
            json!({"provider": "dropcatch", "label": "x", "credentials": {"client_secret": "s"}}),
            "credentials",
            "DropCatch needs credentials.client_id",
        ),
        (
            json!({"provider": "dynadot", "label": "", "credentials": {"api_key": "k"}}),
            "label",
            "Give the account a name",
        ),
        (
            json!({"provider": "dynadot", "label": "x", "endpoint": "ftp://x", "credentials": {"api_key": "k"}}),
            "endpoint",
            "'ftp://x' is not a web address",
        ),
        (
            json!({"provider": "dynadot", "label": "x", "credentials": {"api_key": "k"}, "max_bid_per_name": 1.234}),
            "max_bid_per_name",
            "'1.234' has more than two decimals",
        ),
        (
            json!({"provider": "dropcatch", "label": "x", "endpoint": dropcatch.base, "auth_endpoint": dropcatch.base,
                "credentials": {"client_id": "DuvalBerg:reclaim", "client_secret": "wrong"}}),
            "credentials",
            "dropcatch refused the account's credentials",
        ),
        (
            json!({"provider": "dynadot", "label": "x", "endpoint": dynadot.base, "credentials": {"api_key": "wrong"}}),
            "credentials",
            "dynadot refused the account's credentials: invalid key",
        ),
        (
            json!({"provider": "dynadot", "label": "x", "endpoint": "http://127.0.0.1:9", "credentials": {"api_key": "k"}}),
            "endpoint",
            "dynadot could not be reached",
        ),
    ];
    for (body, field, message) in cases {
        let (status, answer) = api(
            &app,
            Method::POST,
            "/api/v1/catch-accounts",
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
        let text = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(text.starts_with(message), "{body}: {text}");
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
    // One call to the service each, never more.
    assert_eq!(dropcatch.with(|s| s.issued), 0);
    assert_eq!(dynadot.with(|s| s.queries.len()), 1);
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

/// A backorder with two services: Dynadot takes the order at once, DropCatch once the name is in
/// pending delete; two runs at once place once; a cancelled backorder cancels both orders with
/// the services.
#[tokio::test]
async fn the_catch_job_places_each_order_when_its_service_accepts_it_and_cancels_it_when_unwanted()
{
    use crate::helpers::{api, spawn_app};
    use reclaim::model::user::Role;
    use reqwest::Method;

    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app
        .create_user("lina@firm.example", Role::Lawyer, None)
        .await;
    let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let dropcatch = FakeDropCatch::start().await;
    let dynadot = FakeDynadot::start().await;
    let connect = |body: Value| {
        let (app, admin_token) = (&app, &admin_token);
        async move {
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
    };
    let dc = connect(
        json!({"provider": "dropcatch", "label": "DropCatch", "endpoint": dropcatch.base,
        "auth_endpoint": dropcatch.base, "max_bid_per_name": 100,
        "credentials": {"client_id": "DuvalBerg:reclaim", "client_secret": "dc-secret-7f3a9"}}),
    )
    .await;
    let dd = connect(
        json!({"provider": "dynadot", "label": "Dynadot", "endpoint": dynadot.base,
        "credentials": {"api_key": "dyn-key-48c1e"}}),
    )
    .await;

    let client = app.create_client("Northwind").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Northwind names").await;
    let backorder = app.attach(&matter, "northwind-shop.com").await;
    let channels = format!("/api/v1/backorders/{backorder}/channels");
    let (status, channel) = api(
        &app,
        Method::POST,
        &channels,
        Some(&token),
        Some(json!({"account_id": dc, "max_bid": "120.00"})),
    )
    .await;
    assert_eq!(status, 201, "{channel}");
    assert_eq!(channel["status"], "scheduled");
    assert_eq!(channel["service"], "dropcatch");
    let (status, _) = api(
        &app,
        Method::POST,
        &channels,
        Some(&token),
        Some(json!({"account_id": dd})),
    )
    .await;
    assert_eq!(status, 201);
    // One order per account and backorder.
    let (status, again) = api(
        &app,
        Method::POST,
        &channels,
        Some(&token),
        Some(json!({"account_id": dd})),
    )
    .await;
    assert_eq!(status, 409, "{again}");
    // An account that is not one of the firm's.
    let (status, unknown) = api(
        &app,
        Method::POST,
        &channels,
        Some(&token),
        Some(json!({"account_id": "nope"})),
    )
    .await;
    assert_eq!(
        (status, unknown["error"]["field"].clone()),
        (422, json!("account_id")),
        "{unknown}"
    );

    // The name is still registered: Dynadot takes the request, DropCatch waits (no call at all).
    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.starts_with("1 order(s) placed, 1 waiting"), "{done}");
    assert!(dynadot.with(|s| s.backorders.contains("northwind-shop.com")));
    assert_eq!(dropcatch.with(|s| s.bodies.len()), 0);

    // Pending delete: the next run after the recheck places the DropCatch order, once, at the
    // lower of the client's bid and the account's cap, even with two runs at once.
    let (status, _) = api(
        &app,
        Method::POST,
        &format!("/api/v1/backorders/{backorder}/status"),
        Some(&token),
        Some(json!({"status": "pending_delete", "reason": "registry: pendingDelete"})),
    )
    .await;
    assert_eq!(status, 200);
    dropcatch.with(|s| {
        s.pending_delete.insert("northwind-shop.com".into());
    });
    app.clock.advance(chrono::Duration::minutes(16));
    let (a, b) = tokio::join!(
        reclaim::jobs::run(&app.state, "catch"),
        reclaim::app::catch::run(&app.state)
    );
    let placed: usize = [
        a.as_deref().unwrap_or(""),
        &b.as_ref().map(|r| r.to_string()).unwrap_or_default(),
    ]
    .iter()
    .filter(|t| t.starts_with("1 order(s) placed"))
    .count();
    assert_eq!(placed, 1, "{a:?} {b:?}");
    let backorder_bodies: Vec<String> = dropcatch.with(|s| s.bodies.clone());
    assert_eq!(
        backorder_bodies.len(),
        1,
        "placed once: {backorder_bodies:?}"
    );
    assert_eq!(
        dropcatch.with(|s| s.orders.get("northwind-shop.com").cloned()),
        Some("100.00".to_owned())
    );
    let (_, shown) = api(
        &app,
        Method::GET,
        &format!("/api/v1/backorders/{backorder}"),
        Some(&token),
        None,
    )
    .await;
    let statuses: Vec<&str> = shown["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["placed", "placed"], "{shown}");
    for channel in shown["channels"].as_array().unwrap() {
        assert!(channel["placed_at"].is_string(), "{channel}");
        assert!(channel["provider"].is_string(), "{channel}");
    }
    assert!(
        shown["channels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["message"] == "Backorder Accepted"),
        "{shown}"
    );

    // Every call is on the record, without secrets.
    let id = backorder.clone();
    let calls = app
        .state
        .db
        .run(move |c| reclaim::repo::catch_orders::calls(c, &id, &Default::default()))
        .await
        .map(|page| page.rows)
        .unwrap();
    assert!(calls.len() >= 3, "{calls:?}");
    assert!(
        calls
            .iter()
            .all(|c| !c.request.contains("dc-secret-7f3a9") && !c.request.contains("dyn-key-48c1e"))
    );

    // The firm cancels the backorder: both orders are cancelled with the services (a name in
    // pending delete cannot be renewed any more; renewal is in the policy's table test).
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
    assert!(done.contains("2 cancelled"), "{done}");
    assert!(dropcatch.with(|s| s.orders.is_empty()));
    assert!(!dynadot.with(|s| s.backorders.contains("northwind-shop.com")));
}

#[tokio::test]
async fn a_refused_order_is_told_to_the_responsible_lawyer_once_and_shown_on_the_page() {
    use crate::helpers::{api, spawn_app};
    use reclaim::model::user::Role;
    use reqwest::Method;

    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app.signed_in("lina@firm.example", Role::Lawyer, None).await;
    let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let dynadot = FakeDynadot::start().await;
    dynadot.with(|s| s.refused_tlds.push("org".into()));
    let (status, account) = api(
        &app,
        Method::POST,
        "/api/v1/catch-accounts",
        Some(&admin_token),
        Some(
            json!({"provider": "dynadot", "label": "Dynadot", "endpoint": dynadot.base,
                    "credentials": {"api_key": "dyn-key-48c1e"}}),
        ),
    )
    .await;
    assert_eq!(status, 201);
    let client = app.create_client("Northwind").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Northwind names").await;
    let backorder = app.attach(&matter, "northwind.org").await;
    let (status, _) = api(
        &app,
        Method::POST,
        &format!("/api/v1/backorders/{backorder}/channels"),
        Some(&token),
        Some(json!({"account_id": account["id"]})),
    )
    .await;
    assert_eq!(status, 201);

    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.contains("1 refused"), "{done}");
    // A refused order is not tried again, and the lawyer hears of it once.
    app.clock.advance(chrono::Duration::hours(1));
    let again = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(
        again.starts_with("0 order(s) placed, 0 waiting, 0 refused"),
        "{again}"
    );
    assert_eq!(
        dynadot.with(|s| s.queries.len()),
        2,
        "the test call and one order, nothing more"
    );
    let alerts = app
        .state
        .db
        .run(|c| {
            reclaim::repo::outbox::list(c, Some(reclaim::model::outbox::MessageKind::Alert), 10)
        })
        .await
        .unwrap();
    let refusals: Vec<_> = alerts
        .iter()
        .filter(|m| m.subject.contains("refused the order"))
        .collect();
    assert_eq!(refusals.len(), 1, "{alerts:?}");
    assert_eq!(refusals[0].to_address, "lina@firm.example");
    let raw = String::from_utf8_lossy(&refusals[0].raw).into_owned();
    assert!(
        raw.contains("northwind.org is not supported for backorder"),
        "{raw}"
    );

    // The backorder's page shows the service's word.
    let page = app
        .browser
        .get_html(&format!("/backorders/{backorder}"))
        .await;
    assert!(page.contains("Refused"), "{page}");
    assert!(
        page.contains(
            "Through the firm&#39;s account: northwind.org is not supported for backorder"
        ),
        "{page}"
    );
}

#[tokio::test]
async fn the_pages_connect_an_account_and_put_a_backorder_on_it() {
    use crate::helpers::spawn_app;
    use reclaim::model::user::Role;

    let app = spawn_app().await;
    app.signed_in("ada@firm.example", Role::Admin, None).await;
    let dynadot = FakeDynadot::start().await;
    let endpoint = dynadot.base.clone();
    let form = |key: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("provider", "dynadot".to_owned()),
            ("label", "Dynadot – firm".to_owned()),
            ("endpoint", endpoint.clone()),
            ("api_key", key.to_owned()),
            ("max_bid_per_name", "300".to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.browser.post_form("/admin/catch-accounts", &pairs).await
        }
    };
    // A wrong key: refused with the service's word, nothing kept, the key not sent back.
    let refused = post(form("wrong-key-123")).await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("dynadot refused the account&#39;s credentials: invalid key"),
        "{page}"
    );
    assert!(
        !page.contains("wrong-key-123"),
        "the key is never sent back"
    );
    assert!(
        page.contains("Dynadot – firm"),
        "the rest of the form is kept"
    );

    let connected = post(form("dyn-key-48c1e")).await;
    assert_eq!(connected.status().as_u16(), 303);
    let list = app.browser.get_html("/admin/catch-accounts").await;
    assert!(
        list.contains("Dynadot – firm") && list.contains("300.00 USD"),
        "{list}"
    );
    assert!(!list.contains("dyn-key-48c1e"));

    // The account's change form: a wrong new key is said in its row, nothing changes; the
    // limits are changed; out of use and back (no order is open on it yet).
    let account_id = app
        .state
        .db
        .run(reclaim::repo::catch_accounts::list)
        .await
        .unwrap()[0]
        .id
        .to_string();
    let change_path = format!("/admin/catch-accounts/{account_id}");
    let refused = app
        .browser
        .post_form(
            &change_path,
            &[
                ("api_key", "another-wrong-key"),
                ("max_bid_per_name", "300"),
                ("in_use", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(&format!("change-errors-{account_id}")),
        "{page}"
    );
    assert!(page.contains("Nothing was kept"), "{page}");
    assert!(!page.contains("another-wrong-key"));
    let out_of_use = app
        .browser
        .post_form(
            &change_path,
            &[("max_bid_per_name", "250"), ("monthly_limit", "")],
        )
        .await;
    assert_eq!(out_of_use.status().as_u16(), 303);
    let list = app.browser.get_html("/admin/catch-accounts").await;
    assert!(
        list.contains("(not in use)") && list.contains("250.00 USD"),
        "{list}"
    );
    let back = app
        .browser
        .post_form(
            &change_path,
            &[("max_bid_per_name", "300"), ("in_use", "on")],
        )
        .await;
    assert_eq!(back.status().as_u16(), 303);

    // A lawyer puts a backorder on the account from the backorder's page.
    let lawyer = app
        .create_user("lina@firm.example", Role::Lawyer, None)
        .await;
    let browser = app.new_browser();
    browser
        .login("lina@firm.example", crate::helpers::PASSWORD)
        .await;
    let client = app.create_client("Northwind").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Northwind names").await;
    let backorder = app.attach(&matter, "northwind-shop.com").await;
    let page = browser.get_html(&format!("/backorders/{backorder}")).await;
    assert!(
        page.contains("Place through the firm's catch account"),
        "{page}"
    );
    let account_id = page
        .split("name=\"account_id\"")
        .nth(1)
        .and_then(|rest| rest.split("<option value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let placed = browser
        .post_form(
            &format!("/backorders/{backorder}/channels"),
            &[("account_id", account_id.as_str()), ("max_bid", "a lot")],
        )
        .await;
    assert_eq!(
        placed.status().as_u16(),
        422,
        "an unreadable bid is refused on the field"
    );
    let page = placed.text().await.unwrap();
    assert!(page.contains("&#39;a lot&#39; is not an amount"), "{page}");
    let placed = browser
        .post_form(
            &format!("/backorders/{backorder}/channels"),
            &[("account_id", account_id.as_str()), ("max_bid", "150")],
        )
        .await;
    assert_eq!(placed.status().as_u16(), 303);
    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.starts_with("1 order(s) placed"), "{done}");
    let page = browser.get_html(&format!("/backorders/{backorder}")).await;
    assert!(
        page.contains("Through the firm&#39;s account: Backorder request added."),
        "{page}"
    );
    // The call is on the page, without the key.
    assert!(page.contains("Calls to the catch services"), "{page}");
    assert!(page.contains("command=add_backorder_request"), "{page}");
    assert!(!page.contains("dyn-key-48c1e"));
}

/// Names released together and seen free by the drop watch: every registration goes out in the
/// pass that sees the name free (claimed together, sent side by side), each name once, the firm's Dynadot key
/// used one request at a time (API 3's limit for a regular account), and the monitor's record of
/// the free answers, which follows, leaves the caught backorders caught.
#[tokio::test]
async fn names_released_together_are_registered_by_the_drop_watch_each_once() {
    use crate::registry_servers::Reply;
    use reclaim::model::backorder::BackorderStatus;

    let firm = CatchFirm::start().await;
    let app = &firm.app;
    let dynadot = FakeDynadot::start().await;
    let account = firm
        .connect(
            json!({"provider": "dynadot_register", "label": "Dynadot registrar",
            "endpoint": dynadot.base, "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let names: Vec<String> = (0..6).map(|i| format!("northwind-batch{i}.com")).collect();
    let listed: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut ids = Vec::new();
    for name in &names {
        ids.push(firm.order(name, &["pending delete"], &account).await.0);
    }
    let done = monitor_then_catch(app, &listed).await;
    assert!(done.starts_with("0 order(s) placed, 6 waiting"), "{done}");

    for name in &names {
        firm.registry.set(name, Reply::status(404));
    }
    // The default budget (2 queries a second per registry) spreads the names over passes.
    let mut seen = 0;
    for _ in 0..10 {
        let report = reclaim::app::drop_watch::watch_once(&app.state)
            .await
            .unwrap();
        seen += report.seen_free.len();
        if seen == names.len() {
            break;
        }
        app.clock.advance(chrono::Duration::minutes(1));
    }
    assert_eq!(seen, 6);
    let (mut registered, overlapping) = dynadot.with(|s| (s.registered.clone(), s.overlapping));
    registered.sort();
    assert_eq!(registered, names, "each name registered once");
    assert!(!overlapping, "one request at a time with the firm's key");
    for id in &ids {
        assert_eq!(backorder_status(app, id).await, BackorderStatus::Caught);
    }
    // A second pass finds nothing more to register.
    app.clock.advance(chrono::Duration::minutes(2));
    reclaim::app::drop_watch::watch_once(&app.state)
        .await
        .unwrap();
    assert_eq!(dynadot.with(|s| s.registered.len()), 6);
}

/// Makes the database refuse to keep the calls of one backorder's orders (as a full disk or a
/// broken index would): recording that order's outcome fails.
async fn refuse_calls_of(
    app: &crate::helpers::TestApp,
    backorder: &reclaim::model::ids::BackorderId,
) {
    use diesel::connection::SimpleConnection;
    use reclaim::db::Backend;

    let refused = backorder.to_string();
    app.state
        .db
        .run(move |c| {
            let sql = match c.backend() {
                Backend::Sqlite => format!(
                    "CREATE TRIGGER refuse_calls BEFORE INSERT ON catch_calls \
                     WHEN NEW.backorder_id = '{refused}' \
                     BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
                ),
                Backend::Postgres => format!(
                    "CREATE FUNCTION refuse_calls() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$; \
                     CREATE TRIGGER refuse_calls BEFORE INSERT ON catch_calls FOR EACH ROW \
                     WHEN (NEW.backorder_id = '{refused}') EXECUTE FUNCTION refuse_calls();"
                ),
            };
            c.batch_execute(&sql).map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn when_one_released_names_outcome_cannot_be_recorded_the_others_are_kept() {
    use crate::registry_servers::Reply;
    use diesel::connection::SimpleConnection;
    use reclaim::model::backorder::BackorderStatus;

    let firm = CatchFirm::start().await;
    let app = &firm.app;
    let dynadot = FakeDynadot::start().await;
    let account = firm
        .connect(
            json!({"provider": "dynadot_register", "label": "Dynadot registrar",
            "endpoint": dynadot.base, "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let names: Vec<String> = (0..3).map(|i| format!("northwind-kept{i}.com")).collect();
    let listed: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut ids = Vec::new();
    for name in &names {
        ids.push(firm.order(name, &["pending delete"], &account).await.0);
    }
    let done = monitor_then_catch(app, &listed).await;
    assert!(done.starts_with("0 order(s) placed, 3 waiting"), "{done}");

    // The registry released the names (the backorders dropped, as the monitor leaves them),
    // and the database refuses to keep the calls of one order: the batch's transaction fails.
    let dropped = format!(
        "UPDATE backorders SET status = 'dropped' WHERE id IN ('{}');",
        ids.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("', '")
    );
    app.state
        .db
        .run(move |c| {
            c.batch_execute(&dropped)
                .map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap();
    refuse_calls_of(app, &ids[1]).await;

    for name in &names {
        firm.registry.set(name, Reply::status(404));
    }
    app.clock.advance(chrono::Duration::minutes(1));
    let run = reclaim::app::catch::on_release(&app.state, names.clone())
        .await
        .unwrap();
    // The one not recorded counts as such, not also as caught.
    assert_eq!((run.caught, run.unrecorded, run.failed), (2, 1, 0), "{run}");
    let mut registered = dynadot.with(|s| s.registered.clone());
    registered.sort();
    assert_eq!(registered, names, "the registrations went out");
    assert_eq!(
        backorder_status(app, &ids[0]).await,
        BackorderStatus::Caught
    );
    assert_eq!(
        backorder_status(app, &ids[2]).await,
        BackorderStatus::Caught
    );
    assert_ne!(
        backorder_status(app, &ids[1]).await,
        BackorderStatus::Caught
    );
}

/// The regular catch job (one order at a time) goes on past an order whose outcome cannot be
/// recorded: the others placed are recorded as placed, the one counted as failed stays
/// scheduled (due again at the next run).
#[tokio::test]
async fn when_one_orders_outcome_cannot_be_recorded_the_catch_job_goes_on() {
    use crate::helpers::api;
    use reqwest::Method;

    let firm = CatchFirm::start().await;
    let app = &firm.app;
    let dynadot = FakeDynadot::start().await;
    let account = firm
        .connect(
            json!({"provider": "dynadot", "label": "Dynadot", "endpoint": dynadot.base,
            "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let names: Vec<String> = (0..3).map(|i| format!("northwind-alone{i}.com")).collect();
    let mut ids = Vec::new();
    for name in &names {
        ids.push(firm.order(name, &["redemption period"], &account).await.0);
    }
    refuse_calls_of(app, &ids[1]).await;

    let listed: Vec<&str> = names.iter().map(String::as_str).collect();
    let done = monitor_then_catch(app, &listed).await;
    // Counted once: not recorded, not also placed (reclaim shows it scheduled still).
    assert!(done.starts_with("2 order(s) placed"), "{done}");
    assert!(done.contains(", 0 call(s) failed"), "{done}");
    assert!(done.ends_with(", 1 outcome(s) not recorded"), "{done}");
    let placed = dynadot.with(|s| s.backorders.clone());
    assert!(
        names.iter().all(|n| placed.contains(n)),
        "each order went out: {placed:?}"
    );
    for (id, status) in ids.iter().zip(["placed", "scheduled", "placed"]) {
        let (_, shown) = api(
            app,
            Method::GET,
            &format!("/api/v1/backorders/{id}"),
            Some(&firm.token),
            None,
        )
        .await;
        assert_eq!(shown["channels"][0]["status"], status, "{shown}");
    }
}

/// A firm with an administrator and a lawyer (their API tokens), the client Northwind and a
/// matter, a local RDAP registry for .com, and names ordered through the firm's catch accounts.
pub(crate) struct CatchFirm {
    pub(crate) app: crate::helpers::TestApp,
    pub(crate) registry: crate::registry_servers::RdapServer,
    pub(crate) admin_token: String,
    pub(crate) token: String,
    pub(crate) client: reclaim::model::ids::ClientId,
    pub(crate) matter: reclaim::model::ids::MatterId,
}

impl CatchFirm {
    pub(crate) async fn start() -> Self {
        use reclaim::model::user::Role;
        let registry = crate::registry_servers::RdapServer::start().await;
        let base = registry.base.clone();
        let app = crate::helpers::spawn_app_with(move |s| {
            s.rdap_overrides.insert("com".to_owned(), base);
            s.rdap_rate_limit = 60_000;
        })
        .await;
        let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
        let lawyer = app
            .create_user("lina@firm.example", Role::Lawyer, None)
            .await;
        let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
        let client = app.create_client("Northwind").await;
        let (matter, _) = app.open_matter(&client, &lawyer, "Northwind names").await;
        Self {
            app,
            registry,
            admin_token,
            token,
            client,
            matter,
        }
    }

    /// Connects a catch account as the administrator; the account as the API answers it.
    pub(crate) async fn connect(&self, account: Value) -> Value {
        let (status, connected) = crate::helpers::api(
            &self.app,
            reqwest::Method::POST,
            "/api/v1/catch-accounts",
            Some(&self.admin_token),
            Some(account),
        )
        .await;
        assert_eq!(status, 201, "{connected}");
        connected
    }

    /// The registry shows `name` with these statuses, registered in 2015 by another registrar.
    pub(crate) fn shows(&self, name: &str, statuses: &[&str]) {
        self.registry.set(
            name,
            crate::registry_servers::Reply::json(rdap_domain(
                name,
                statuses,
                "2015-03-16T00:00:00Z",
                "Old Registrar",
                "9999",
            )),
        );
    }

    /// Attaches `name` (shown by the registry with `statuses`) and puts it on `account`; the
    /// backorder, and the channel as the API answers it.
    pub(crate) async fn order(
        &self,
        name: &str,
        statuses: &[&str],
        account: &Value,
    ) -> (reclaim::model::ids::BackorderId, Value) {
        self.shows(name, statuses);
        let id = self.app.attach(&self.matter, name).await;
        let (status, channel) = crate::helpers::api(
            &self.app,
            reqwest::Method::POST,
            &format!("/api/v1/backorders/{id}/channels"),
            Some(&self.token),
            Some(json!({"account_id": account["id"]})),
        )
        .await;
        assert_eq!(status, 201, "{channel}");
        (id, channel)
    }
}

/// A backorder's status as stored.
pub(crate) async fn backorder_status(
    app: &crate::helpers::TestApp,
    id: &reclaim::model::ids::BackorderId,
) -> reclaim::model::backorder::BackorderStatus {
    let id = id.clone();
    app.state
        .db
        .run(move |c| reclaim::repo::backorders::find(c, &id))
        .await
        .unwrap()
        .unwrap()
        .status
}

/// Moves the clock past the names' next check (and the catch job's recheck), then runs the
/// monitor and the catch job; what the catch job did.
pub(crate) async fn monitor_then_catch(app: &crate::helpers::TestApp, names: &[&str]) -> String {
    let mut due = app.clock_now();
    for name in names {
        let name = name.to_string();
        let watched = app
            .state
            .db
            .run(move |c| reclaim::repo::monitoring::find(c, &name))
            .await
            .unwrap();
        if let Some(w) = watched {
            due = due.max(w.next_check_at.and_utc());
        }
    }
    let now = app.clock_now();
    app.clock
        .advance((due - now).max(chrono::Duration::minutes(61)));
    reclaim::jobs::run(&app.state, "monitor").await.unwrap();
    reclaim::jobs::run(&app.state, "catch").await.unwrap()
}

/// An RDAP domain answer (RFC 9083 §5.3) as a registry gives it: statuses, registration and
/// expiry events, and the sponsoring registrar with its IANA ID (RFC 9083 §5.1, `publicIds`).
fn rdap_domain(
    name: &str,
    statuses: &[&str],
    registered: &str,
    registrar: &str,
    iana_id: &str,
) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "rdapConformance": ["rdap_level_0"],
        "objectClassName": "domain",
        "ldhName": name,
        "status": statuses,
        "events": [
            {"eventAction": "registration", "eventDate": registered},
            {"eventAction": "expiration", "eventDate": "2027-12-01T00:00:00Z"},
        ],
        "entities": [{
            "objectClassName": "entity",
            "roles": ["registrar"],
            "publicIds": [{"type": "IANA Registrar ID", "identifier": iana_id}],
            "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]]],
        }],
    }))
    .unwrap()
}

/// Two names through pending delete, the drop and a new registration, read by reclaim's own
/// monitor from a local RDAP registry: the one registered by DropCatch's registrar is caught by
/// the firm's DropCatch order; the one a registrar of no service of the firm took is lost. The
/// backorders follow, and the lawyer is told of each once.
#[tokio::test]
async fn after_the_drop_the_registrar_tells_whether_the_order_caught_the_name() {
    use crate::helpers::api;
    use crate::registry_servers::Reply;
    use reclaim::model::backorder::BackorderStatus;
    use reqwest::Method;

    let firm = CatchFirm::start().await;
    let (app, registry, token) = (&firm.app, &firm.registry, &firm.token);
    let dropcatch = FakeDropCatch::start().await;
    let account = firm
        .connect(
            json!({"provider": "dropcatch", "label": "DropCatch", "endpoint": dropcatch.base,
            "auth_endpoint": dropcatch.base,
            "credentials": {"client_id": "DuvalBerg:reclaim", "client_secret": "dc-secret-7f3a9"}}),
        )
        .await;
    let names = ["northwind-shop.com", "northwind-store.com"];
    let mut backorders = Vec::new();
    for name in names {
        dropcatch.with(|s| {
            s.pending_delete.insert(name.to_owned());
        });
        backorders.push(firm.order(name, &["pending delete"], &account).await.0);
    }
    let status_of = |i: usize| backorder_status(app, &backorders[i]);
    let sweep = || monitor_then_catch(app, &names);

    // The monitor sees pending delete; the catch job places both orders with DropCatch.
    let done = sweep().await;
    assert!(done.starts_with("2 order(s) placed"), "{done}");
    assert_eq!(status_of(0).await, BackorderStatus::PendingDelete);

    // Dropped: the registry no longer knows the names.
    for name in names {
        registry.set(name, Reply::status(404));
    }
    sweep().await;
    assert_eq!(status_of(0).await, BackorderStatus::Dropped);

    // Registered again: one by a DropCatch registrar, one by a registrar of nobody the firm uses.
    let now = app.clock_now().to_rfc3339();
    registry.set(
        names[0],
        Reply::json(rdap_domain(
            names[0],
            &["active"],
            &now,
            "DropCatch.com 1350 LLC",
            "3736",
        )),
    );
    registry.set(
        names[1],
        Reply::json(rdap_domain(
            names[1],
            &["active"],
            &now,
            "GoDaddy.com, LLC",
            "146",
        )),
    );
    app.clock.advance(chrono::Duration::minutes(1));
    let done = sweep().await;
    assert!(done.contains("0 cancelled"), "{done}");
    assert_eq!(status_of(0).await, BackorderStatus::Caught);
    assert_eq!(status_of(1).await, BackorderStatus::Lost);

    let (_, shown) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{}", backorders[1]),
        Some(token),
        None,
    )
    .await;
    let message = shown["channels"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("through GoDaddy.com, LLC (IANA 146), not this service"),
        "{shown}"
    );
    let alerts = app
        .state
        .db
        .run(|c| {
            reclaim::repo::outbox::list(c, Some(reclaim::model::outbox::MessageKind::Alert), 50)
        })
        .await
        .unwrap();
    let subjects: Vec<&str> = alerts.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.contains("caught by DropCatch"))
            .count(),
        1,
        "{subjects:?}"
    );
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.contains("registered by someone else"))
            .count(),
        1,
        "{subjects:?}"
    );
    // Settled orders are not looked at again.
    let done = sweep().await;
    assert!(done.starts_with("0 order(s) placed, 0 waiting"), "{done}");
}

/// A name Dynadot caught goes to auction among its backorderers: reclaim follows the auction
/// through the API (in auction, current bid), then records the result: won at a price (now due,
/// and only now), or lost to another backorderer. The lawyer hears of each ending once.
#[tokio::test]
async fn a_caught_name_is_followed_through_the_services_auction_to_won_or_lost() {
    use crate::helpers::api;
    use crate::registry_servers::Reply;
    use reclaim::model::backorder::BackorderStatus;
    use reclaim::model::user::Role;
    use reqwest::Method;

    let firm = CatchFirm::start().await;
    let (app, registry, token) = (&firm.app, &firm.registry, &firm.token);
    let dynadot = FakeDynadot::start().await;
    let account = firm
        .connect(
            json!({"provider": "dynadot", "label": "Dynadot", "endpoint": dynadot.base,
            "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let names = ["northwind-beans.com", "northwind-cups.com"];
    let mut backorders = Vec::new();
    for name in names {
        backorders.push(firm.order(name, &["pending delete"], &account).await.0);
    }
    let sweep = || monitor_then_catch(app, &names);
    let done = sweep().await;
    assert!(done.starts_with("2 order(s) placed"), "{done}");
    for name in names {
        registry.set(name, Reply::status(404));
    }
    sweep().await;
    // Both caught by Dynadot's registrar.
    let now = app.clock_now().to_rfc3339();
    for name in names {
        registry.set(
            name,
            Reply::json(rdap_domain(name, &["active"], &now, "Dynadot Inc", "472")),
        );
    }
    app.clock.advance(chrono::Duration::minutes(1));
    sweep().await;
    assert_eq!(
        backorder_status(app, &backorders[0]).await,
        BackorderStatus::Caught
    );

    // Dynadot auctions both among its backorderers.
    dynadot.with(|s| {
        for name in names {
            s.open_auctions.insert(name.to_owned(), "120.00".to_owned());
        }
    });
    sweep().await;
    let channel = |i: usize| {
        let id = backorders[i].clone();
        let (app, token) = (&app, &token);
        async move {
            let (_, shown) = api(
                app,
                Method::GET,
                &format!("/api/v1/backorders/{id}"),
                Some(token),
                None,
            )
            .await;
            shown
        }
    };
    let shown = channel(0).await;
    assert_eq!(shown["status"], "auction", "{shown}");
    assert_eq!(shown["channels"][0]["status"], "in_auction", "{shown}");
    let message = shown["channels"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("current bid 120.00 USD"), "{shown}");
    assert_eq!(
        shown["fees_due"],
        json!([]),
        "nothing is due during the auction: {shown}"
    );

    // The auctions end: the firm wins the first at 145.00, another backorderer the second.
    dynadot.with(|s| {
        s.open_auctions.clear();
        s.closed_auctions = vec![
            (names[0].to_owned(), "won", "145.00".to_owned()),
            (names[1].to_owned(), "lost", "310.00".to_owned()),
        ];
    });
    sweep().await;
    let won = channel(0).await;
    assert_eq!(won["status"], "won", "{won}");
    assert_eq!(won["channels"][0]["status"], "won", "{won}");
    let fees = won["fees_due"].to_string();
    assert!(
        fees.contains("USD 145.00 auction price to Dynadot"),
        "{won}"
    );
    let lost = channel(1).await;
    assert_eq!(lost["status"], "lost", "{lost}");
    // The checklist after the catch: the firm's to follow for the name won, withdrawn for the
    // name whose auction went to someone else.
    let checklist = |i: usize| {
        let (app, token, id) = (&app, &token, backorders[i].clone());
        async move {
            api(
                app,
                Method::GET,
                &format!("/api/v1/backorders/{id}/checklist"),
                Some(token),
                None,
            )
            .await
        }
    };
    let (status, items) = checklist(0).await;
    assert_eq!(status, 200, "{items}");
    assert!(items.as_array().is_some_and(|a| a.len() == 8), "{items}");
    let (status, none) = checklist(1).await;
    assert_eq!(status, 404, "{none}");
    assert_eq!(lost["fees_due"], json!([]), "{lost}");
    assert!(
        lost["channels"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("auction lost to another backorderer"),
        "{lost}"
    );
    // The service was asked with the documented commands and dates.
    let queries = dynadot.with(|s| s.queries.clone());
    assert!(
        queries
            .iter()
            .any(|q| q.contains("command=get_closed_backorder_auctions")
                && q.contains("startDate=")
                && q.contains("endDate=")),
        "{queries:?}"
    );
    let alerts = app
        .state
        .db
        .run(|c| {
            reclaim::repo::outbox::list(c, Some(reclaim::model::outbox::MessageKind::Alert), 50)
        })
        .await
        .unwrap();
    let subjects: Vec<&str> = alerts.iter().map(|m| m.subject.as_str()).collect();
    for (news, count) in [("won through Dynadot", 1), ("auction at Dynadot", 1)] {
        assert_eq!(
            subjects.iter().filter(|s| s.contains(news)).count(),
            count,
            "{news}: {subjects:?}"
        );
    }
    // Ended: not asked again.
    let before = dynadot.with(|s| s.queries.len());
    sweep().await;
    assert_eq!(dynadot.with(|s| s.queries.len()), before);

    // Every call is on the backorder's timeline, newest first, without the key; staff only.
    let (status, attempts) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{}/attempts", backorders[0]),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{attempts}");
    let list = attempts.as_array().unwrap();
    let actions: Vec<&str> = list.iter().filter_map(|a| a["action"].as_str()).collect();
    assert_eq!(actions.last(), Some(&"place"), "{attempts}");
    assert!(actions.contains(&"auctions"), "{attempts}");
    assert!(
        list.iter()
            .all(|a| a["result"] == "HTTP 200" && a["provider"] == "dynadot")
    );
    let text = attempts.to_string();
    assert!(
        text.contains("key=[redacted]") && !text.contains("dyn-key-48c1e"),
        "{text}"
    );
    let (status, few) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{}/attempts?limit=1", backorders[0]),
        Some(token),
        None,
    )
    .await;
    assert_eq!((status, few.as_array().map(Vec::len)), (200, Some(1)));
    let portal = app
        .create_user("maya@northwind.example", Role::Client, Some(&firm.client))
        .await;
    let portal_token = app.api_token(&portal).await;
    let (status, refused) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{}/attempts", backorders[0]),
        Some(&portal_token),
        None,
    )
    .await;
    assert_eq!(status, 403, "{refused}");
}

/// Credentials revoked at the service after the account was connected will not mend by
/// themselves: the order waits the longest backoff at once and says an administrator must act,
/// where a server error is retried within minutes.
#[tokio::test]
async fn revoked_credentials_wait_the_longest_backoff_until_an_administrator_replaces_them() {
    use crate::helpers::api;
    use reqwest::Method;

    let firm = CatchFirm::start().await;
    let (app, admin_token, token) = (&firm.app, &firm.admin_token, &firm.token);
    let dynadot = FakeDynadot::start().await;
    let account = firm
        .connect(
            json!({"provider": "dynadot", "label": "Dynadot firm", "endpoint": dynadot.base,
            "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let (id, _) = firm
        .order("northwind-mugs.com", &["active"], &account)
        .await;
    // The key is revoked at Dynadot.
    dynadot.with(|s| s.key = "a-new-key".into());
    // (the account's one check when it was connected)
    let asked = || dynadot.with(|s| s.queries.len()) - 1;
    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.contains("1 call(s) failed"), "{done}");
    assert_eq!(asked(), 1);
    let (_, shown) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{id}"),
        Some(token),
        None,
    )
    .await;
    let channel = &shown["channels"][0];
    assert_eq!(channel["status"], "scheduled", "{shown}");
    let message = channel["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("refused the account's credentials"),
        "{message}"
    );
    assert!(
        message.contains(
            "An administrator should check the account Dynadot firm under Catch accounts"
        ),
        "{message}"
    );
    // Not asked again for six hours.
    app.clock.advance(chrono::Duration::hours(5));
    reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert_eq!(asked(), 1);

    // The administrator gives the new key: a wrong one is refused after one call and nothing
    // changes; the right one is kept (sealed) and the waiting order is tried at once.
    let account_id = account["id"].as_str().unwrap().to_owned();
    let change = |body: Value, as_token: String| {
        let (app, path) = (&app, format!("/api/v1/catch-accounts/{account_id}"));
        async move { api(app, Method::POST, &path, Some(&as_token), Some(body)).await }
    };
    let (status, refused) = change(
        json!({"credentials": {"api_key": "a-typo"}}),
        admin_token.clone(),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.to_string().contains("Nothing was kept"),
        "{refused}"
    );
    let (status, lawyer_try) = change(json!({"active": false}), token.clone()).await;
    assert_eq!(status, 403, "administrators only: {lawyer_try}");
    let (status, changed) = change(
        json!({"credentials": {"api_key": "a-new-key"}, "max_bid_per_name": "300", "monthly_limit": ""}),
        admin_token.clone(),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["max_bid_per_name"], "300.00");
    assert_eq!(changed["monthly_limit"], Value::Null);
    assert!(!changed.to_string().contains("a-new-key"));
    assert!(
        !stored_text(app).await.contains("a-new-key"),
        "sealed at rest"
    );
    let done = reclaim::jobs::run(&app.state, "catch").await.unwrap();
    assert!(done.starts_with("1 order(s) placed"), "{done}");
    let audit = app.audit_actions().await;
    assert!(
        audit.iter().any(|a| a == "catch_account.updated"),
        "{audit:?}"
    );

    // Out of use: refused while the order is open; bad amounts and unknown accounts said.
    let (status, open) = change(json!({"active": false}), admin_token.clone()).await;
    assert_eq!(status, 422, "{open}");
    assert!(
        open.to_string()
            .contains("1 order(s) through this account are still open"),
        "{open}"
    );
    let (status, bad) = change(json!({"max_bid_per_name": "a lot"}), admin_token.clone()).await;
    assert_eq!(status, 422, "{bad}");
    let (status, _) = api(
        app,
        Method::POST,
        "/api/v1/catch-accounts/no-such-account",
        Some(admin_token),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(status, 404);
}

/// The holder restores the name from redemption: the monitor sees it renewed, and the catch job
/// cancels the order with the service (Dynadot had taken it before the deletion).
#[tokio::test]
async fn an_order_is_cancelled_with_the_service_when_the_holder_renews() {
    use crate::helpers::api;
    use crate::registry_servers::Reply;
    use reclaim::model::backorder::BackorderStatus;
    use reqwest::Method;

    let firm = CatchFirm::start().await;
    let (app, registry, token) = (&firm.app, &firm.registry, &firm.token);
    let dynadot = FakeDynadot::start().await;
    let account = firm
        .connect(
            json!({"provider": "dynadot", "label": "Dynadot", "endpoint": dynadot.base,
            "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let name = "northwind-tea.com";
    let (id, _) = firm.order(name, &["redemption period"], &account).await;
    let done = monitor_then_catch(app, &[name]).await;
    assert!(done.starts_with("1 order(s) placed"), "{done}");
    assert_eq!(
        backorder_status(app, &id).await,
        BackorderStatus::Redemption
    );
    assert!(dynadot.with(|s| s.backorders.contains(name)));

    // Restored by its holder: registered as before, renewed for a year.
    let mut restored: Value = serde_json::from_slice(&rdap_domain(
        name,
        &["client transfer prohibited"],
        "2015-03-16T00:00:00Z",
        "Old Registrar",
        "9999",
    ))
    .unwrap();
    restored["events"][1]["eventDate"] = json!("2028-12-01T00:00:00Z");
    registry.set(name, Reply::json(serde_json::to_vec(&restored).unwrap()));
    let done = monitor_then_catch(app, &[name]).await;
    assert_eq!(backorder_status(app, &id).await, BackorderStatus::Renewed);
    assert!(done.contains("1 cancelled"), "{done}");
    assert!(
        !dynadot.with(|s| s.backorders.contains(name)),
        "the request was deleted at Dynadot"
    );
    assert!(dynadot.with(|s| {
        s.queries
            .iter()
            .any(|q| q.contains("command=delete_backorder_request"))
    }),);
    let (_, shown) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{id}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(shown["channels"][0]["status"], "cancelled", "{shown}");
}

/// A direct catch through the firm's Dynadot account as a registrar: nothing is sent before the
/// release; the moment the monitor sees the name free the registration goes (not at the catch
/// job's next minute): registered → caught; "not available" after the release (three attempts,
/// one a second) → lost; a premium name → refused with Dynadot's reason. Two checks seeing the
/// release at once register the name once.
#[tokio::test]
async fn a_direct_catch_registers_the_name_the_moment_the_registry_releases_it() {
    use crate::helpers::api;
    use crate::registry_servers::Reply;
    use reclaim::model::backorder::BackorderStatus;
    use reqwest::Method;

    let firm = CatchFirm::start().await;
    let (app, registry, token) = (&firm.app, &firm.registry, &firm.token);
    let dynadot = FakeDynadot::start().await;
    let account = firm
        .connect(
            json!({"provider": "dynadot_register", "label": "Dynadot registrar",
            "endpoint": dynadot.base, "credentials": {"api_key": "dyn-key-48c1e"}}),
        )
        .await;
    let names = [
        "northwind-mine.com",
        "northwind-gone.com",
        "northwind-gold.com",
        "northwind-twice.com",
    ];
    dynadot.with(|s| {
        s.taken.insert(names[1].to_owned());
        s.premium.insert(names[2].to_owned());
    });
    let mut ids = Vec::new();
    for name in names {
        let (id, channel) = firm.order(name, &["pending delete"], &account).await;
        assert_eq!(channel["provider"], "firm_registrar", "{channel}");
        ids.push(id);
    }
    // In pending delete: the catch job waits; nothing goes to the registrar.
    let done = monitor_then_catch(app, &names).await;
    assert!(done.starts_with("0 order(s) placed, 4 waiting"), "{done}");
    assert!(dynadot.with(|s| s.registered.is_empty()));

    // Released: the monitor's own check sends the registrations (the catch job is not run).
    for name in names {
        registry.set(name, Reply::status(404));
    }
    app.clock.advance(chrono::Duration::hours(2));
    for name in &names[..3] {
        let domain = reclaim::model::domain_name::DomainName::parse(name).unwrap();
        reclaim::app::monitoring::check(&app.state, &domain)
            .await
            .unwrap();
    }
    assert_eq!(
        backorder_status(app, &ids[0]).await,
        BackorderStatus::Caught
    );
    assert_eq!(backorder_status(app, &ids[1]).await, BackorderStatus::Lost);
    assert_eq!(
        backorder_status(app, &ids[2]).await,
        BackorderStatus::Dropped
    );
    let channel = |i: usize| {
        let (app, token, id) = (&app, &token, ids[i].clone());
        async move {
            let (_, shown) = api(
                app,
                Method::GET,
                &format!("/api/v1/backorders/{id}"),
                Some(token),
                None,
            )
            .await;
            shown["channels"][0].clone()
        }
    };
    let mine = channel(0).await;
    assert_eq!(mine["status"], "caught", "{mine}");
    assert!(
        mine["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("registered through the firm's Dynadot account, expires 2027-"),
        "{mine}"
    );
    let gone = channel(1).await;
    assert_eq!(gone["status"], "lost", "{gone}");
    assert!(
        gone["message"]
            .as_str()
            .unwrap_or_default()
            .contains("another party was faster")
    );
    let gold = channel(2).await;
    assert_eq!(gold["status"], "refused", "{gold}");
    assert!(
        gold["message"]
            .as_str()
            .unwrap_or_default()
            .contains("premium domain")
    );
    // Each attempt is on the record: one for the name caught, three (one a second) for the one lost.
    let (_, attempts) = api(
        app,
        Method::GET,
        &format!("/api/v1/backorders/{}/attempts", ids[1]),
        Some(token),
        None,
    )
    .await;
    let registrations: Vec<&Value> = attempts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "register")
        .collect();
    assert_eq!(registrations.len(), 3, "{attempts}");

    // Two instances seeing the release of the last name at once: one registration.
    let domain = reclaim::model::domain_name::DomainName::parse(names[3]).unwrap();
    let (a, b) = tokio::join!(
        reclaim::app::monitoring::check(&app.state, &domain),
        reclaim::app::monitoring::check(&app.state, &domain)
    );
    a.unwrap();
    b.unwrap();
    let registered = dynadot.with(|s| s.registered.clone());
    assert_eq!(registered, [names[0], names[3]], "{registered:?}");
    assert_eq!(
        backorder_status(app, &ids[3]).await,
        BackorderStatus::Caught
    );
    // The lawyer hears of the catch, the loss and the refusal.
    let alerts = app
        .state
        .db
        .run(|c| {
            reclaim::repo::outbox::list(c, Some(reclaim::model::outbox::MessageKind::Alert), 50)
        })
        .await
        .unwrap();
    let subjects: Vec<&str> = alerts.iter().map(|m| m.subject.as_str()).collect();
    for news in [
        "northwind-mine.com: caught by",
        "northwind-gone.com: registered by someone else",
        "northwind-gold.com: The firm's registrar",
    ] {
        assert!(
            subjects.iter().any(|s| s.starts_with(news)),
            "{news}: {subjects:?}"
        );
    }
}

/// The client's maximum binds the bid in the account's currency; in another currency the bid
/// must be given, converted by the lawyer.
#[tokio::test]
async fn a_bid_above_the_clients_maximum_or_in_an_unknown_conversion_is_refused() {
    use crate::helpers::{api, spawn_app};
    use reclaim::model::user::Role;
    use reqwest::Method;

    let app = spawn_app().await;
    let admin = app.create_user("ada@firm.example", Role::Admin, None).await;
    let lawyer = app
        .create_user("lina@firm.example", Role::Lawyer, None)
        .await;
    let (admin_token, token) = (app.api_token(&admin).await, app.api_token(&lawyer).await);
    let dynadot = FakeDynadot::start().await;
    let (_, account) = api(
        &app,
        Method::POST,
        "/api/v1/catch-accounts",
        Some(&admin_token),
        Some(
            json!({"provider": "dynadot", "label": "Dynadot", "endpoint": dynadot.base,
                    "credentials": {"api_key": "dyn-key-48c1e"}}),
        ),
    )
    .await;
    let client = app.create_client("Northwind").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Northwind names").await;
    let attach = |domain: &'static str, currency: &'static str| {
        let (app, token, matter) = (&app, &token, matter.clone());
        async move {
            let (status, b) = api(
                app,
                Method::POST,
                &format!("/api/v1/matters/{matter}/backorders"),
                Some(token),
                Some(json!({"domain": domain, "max_bid": "200.00", "currency": currency})),
            )
            .await;
            assert_eq!(status, 201, "{b}");
            b["id"].as_str().unwrap().to_owned()
        }
    };
    let in_dollars = attach("northwind-shop.com", "USD").await;
    let in_euros = attach("northwind-store.com", "EUR").await;
    let order = |id: String, body: Value| {
        let (app, token) = (&app, &token);
        async move {
            api(
                app,
                Method::POST,
                &format!("/api/v1/backorders/{id}/channels"),
                Some(token),
                Some(body),
            )
            .await
        }
    };
    // (backorder, body, expected status, start of the message)
    let cases = vec![
        (
            in_dollars.clone(),
            json!({"account_id": account["id"], "max_bid": "250"}),
            422,
            "The bid is above the client's maximum for this name (USD 200.00)",
        ),
        (
            in_euros.clone(),
            json!({"account_id": account["id"]}),
            422,
            "The client's maximum for this name is EUR 200.00 and the account bills in USD",
        ),
        (
            in_euros.clone(),
            json!({"account_id": account["id"], "max_bid": "215"}),
            201,
            "",
        ),
        (
            in_dollars.clone(),
            json!({"account_id": account["id"]}),
            201,
            "",
        ),
    ];
    for (id, body, status, message) in cases {
        let (got, answer) = order(id, body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        if status == 422 {
            assert_eq!(answer["error"]["field"], "max_bid", "{answer}");
            let text = answer["error"]["message"].as_str().unwrap_or_default();
            assert!(text.starts_with(message), "{text}");
        }
    }
}
