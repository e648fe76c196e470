//! The demo's catch services: a small server on the loopback interface that answers as DropCatch
//! (NameBright's token endpoint and the backorder API) and Dynadot (API 3) do, in the formats
//! `crate::catch` documents, so that the demo firm's accounts are connected, and its orders placed
//! and settled, through the same client code as real accounts. It keeps an order book in memory
//! and reports the auctions scripted by the loader; it never charges anyone.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::sync::{Arc, RwLock};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

/// The registrar Dynadot registers caught names with (IANA 472, `data/catch_registrars.toml`).
pub const DYNADOT_REGISTRAR: &str = "Dynadot Inc";

/// An auction the demo Dynadot reports: ended (won by the firm or not) or running.
#[derive(Debug, Clone)]
pub struct DemoAuction {
    pub price: &'static str,
    /// `Some(true)`: the firm won; `Some(false)`: another backorderer did; `None`: running.
    pub won: Option<bool>,
    pub ends: &'static str,
}

/// The demo services' state: the secrets the demo accounts use, the order books, the auctions.
#[derive(Clone, Default)]
pub struct DemoCatchServices {
    inner: Arc<RwLock<Book>>,
}

#[derive(Default)]
struct Book {
    dynadot_key: String,
    dropcatch_secret: String,
    dynadot_orders: BTreeSet<String>,
    /// Names registered through the demo Dynadot account (direct catches).
    registered: BTreeSet<String>,
    dropcatch_orders: BTreeSet<String>,
    auctions: BTreeMap<String, DemoAuction>,
}

impl DemoCatchServices {
    /// Services that accept these secrets (made by the loader, sealed like any account's).
    pub fn new(dynadot_key: &str, dropcatch_secret: &str) -> Self {
        Self {
            inner: Arc::new(RwLock::new(Book {
                dynadot_key: dynadot_key.to_owned(),
                dropcatch_secret: dropcatch_secret.to_owned(),
                ..Book::default()
            })),
        }
    }

    pub fn script_auction(&self, ascii_name: &str, auction: DemoAuction) {
        self.book_mut()
            .auctions
            .insert(ascii_name.to_owned(), auction);
    }

    fn book_mut(&self) -> std::sync::RwLockWriteGuard<'_, Book> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// Starts the services on 127.0.0.1; their base URL (both answer under it, on their own paths).
pub fn start(services: DemoCatchServices) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let data = web::Data::new(services);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/api3.json", web::get().to(dynadot))
            .route("/auth/token", web::post().to(token))
            .route(
                "/api/BackorderDomainsApi/BackOrderDomains",
                web::post().to(dropcatch_place),
            )
            .route(
                "/api/BackorderDomainsApi/CancelBackOrders",
                web::post().to(dropcatch_cancel),
            )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    tokio::spawn(server);
    Ok(format!("http://127.0.0.1:{port}"))
}

/// The object name API 3 gives a command's answer: `add_backorder_request` →
/// `AddBackorderRequestResponse`.
fn response_name(command: &str) -> String {
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
}

fn error(message: &str) -> Value {
    json!({"ResponseCode": "-1", "Status": "error", "Error": message})
}

async fn dynadot(req: HttpRequest, services: web::Data<DemoCatchServices>) -> HttpResponse {
    let query: BTreeMap<String, String> =
        web::Query::<BTreeMap<String, String>>::from_query(req.query_string())
            .map(|q| q.into_inner())
            .unwrap_or_default();
    let command = query.get("command").cloned().unwrap_or_default();
    let domain = query
        .get("domain")
        .map(|d| d.to_ascii_lowercase())
        .unwrap_or_default();
    let mut book = services.book_mut();
    let body = if query.get("key") != Some(&book.dynadot_key) {
        error("invalid key")
    } else {
        match command.as_str() {
            "add_backorder_request" => {
                book.dynadot_orders.insert(domain);
                json!({"ResponseCode": "0", "Status": "success"})
            }
            // A direct catch: the demo registry shows the name registered by Dynadot's
            // registrar from then on (scripted by the loader).
            "register" => {
                if book.registered.insert(domain.clone()) {
                    json!({"ResponseCode": "0", "Status": "success", "RegisterContent":
                        {"Expiration": (chrono::Utc::now() + chrono::Duration::days(365)).timestamp_millis()}})
                } else {
                    error(&format!("{domain} is not available"))
                }
            }
            "delete_backorder_request" => {
                book.dynadot_orders.remove(&domain);
                json!({"ResponseCode": "0", "Status": "success"})
            }
            "backorder_request_list" => {
                let list: Vec<Value> = book
                    .dynadot_orders
                    .iter()
                    .map(|d| json!({"DomainName": d, "BackorderRequestStatus": "Active"}))
                    .collect();
                json!({"ResponseCode": 0, "Status": "success", "BackorderRequestList": list})
            }
            "get_closed_backorder_auctions" => {
                let auctions: Vec<Value> = book
                    .auctions
                    .iter()
                    .filter_map(|(name, a)| {
                        let won = a.won?;
                        Some(json!({"AuctionId": "1", "Domain": name, "AuctionStatusId": "4",
                            "AuctionStatus": "Closed", "BidPrice": a.price,
                            "BidPriceCurrency": "USD", "AuctionWonStatus": if won { "won" } else { "lost" },
                            "YourHighBid": a.price}))
                    })
                    .collect();
                json!({"ResponseCode": 0, "Status": "success", "Auctions": auctions})
            }
            "get_backorder_auction_details" => match book.auctions.get(&domain) {
                Some(a) if a.won.is_none() => {
                    json!({"ResponseCode": 0, "Status": "success", "GetBackorderAuctionDetails":
                    {"Auction": {"AuctionId": "1", "Domain": domain, "AuctionStatusId": "0",
                    "AuctionStatus": "In progress", "BidPrice": a.price, "BidPriceCurrency": "USD",
                    "EndTime": a.ends}}})
                }
                _ => error("auction not found"),
            },
            _ => error("this demo service does not know that command"),
        }
    };
    HttpResponse::Ok().json(json!({ response_name(&command): body }))
}

#[derive(serde::Deserialize)]
struct TokenForm {
    client_secret: Option<String>,
}

async fn token(form: web::Form<TokenForm>, services: web::Data<DemoCatchServices>) -> HttpResponse {
    let book = services.book_mut();
    if form.client_secret.as_deref() != Some(book.dropcatch_secret.as_str()) {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_client"}));
    }
    let token = crate::model::digest::hex(&crate::auth::tokens::random_bytes::<16>());
    HttpResponse::Ok()
        .json(json!({"access_token": token, "token_type": "bearer", "expires_in": 3600}))
}

fn bearer(req: &HttpRequest) -> bool {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer ") && v.len() > 7)
}

fn dropcatch_results(results: Vec<Value>) -> HttpResponse {
    let some_errors = results.iter().any(|r| r["success"] == false);
    HttpResponse::Ok().json(json!({"someErrors": some_errors, "results": results}))
}

async fn dropcatch_place(
    req: HttpRequest,
    body: web::Json<Value>,
    services: web::Data<DemoCatchServices>,
) -> HttpResponse {
    if !bearer(&req) {
        return HttpResponse::Unauthorized().finish();
    }
    let mut book = services.book_mut();
    let asked = body["domains"].as_array().cloned().unwrap_or_default();
    let results = asked
        .iter()
        .filter_map(Value::as_str)
        .map(|entry| {
            let (name, bid) = entry.split_once(',').unwrap_or((entry, "59.00"));
            book.dropcatch_orders.insert(name.to_ascii_lowercase());
            json!({"domainName": name, "success": true, "maxBid": bid,
                "message": "Backorder Accepted", "statusCode": "200.1"})
        })
        .collect();
    dropcatch_results(results)
}

async fn dropcatch_cancel(
    req: HttpRequest,
    body: web::Json<Value>,
    services: web::Data<DemoCatchServices>,
) -> HttpResponse {
    if !bearer(&req) {
        return HttpResponse::Unauthorized().finish();
    }
    let mut book = services.book_mut();
    let asked = body.as_array().cloned().unwrap_or_default();
    let results = asked
        .iter()
        .filter_map(Value::as_str)
        .map(|name| {
            book.dropcatch_orders.remove(&name.to_ascii_lowercase());
            json!({"domainName": name, "success": true, "maxBid": "0.00",
                "message": "Backorder Cancelled", "statusCode": "200.2"})
        })
        .collect();
    dropcatch_results(results)
}
