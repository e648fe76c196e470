//! Real protocol peers on loopback: an HTTP server answering RDAP, and a TCP server answering
//! port-43 WHOIS, with answers the test sets (the fixture files of `tests/fixtures`, or
//! answers written for states the fixtures lack).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// What the RDAP server answers for a path.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            body: body.into(),
            headers: vec![("Content-Type".into(), "application/rdap+json".into())],
            delay: Duration::ZERO,
        }
    }

    pub fn status(status: u16) -> Self {
        Self {
            status,
            body: Vec::new(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Clone, Default)]
struct Replies {
    by_path: Arc<Mutex<HashMap<String, Reply>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    /// Per path: queries being answered now, and the most ever at once.
    in_flight: Arc<Mutex<HashMap<String, (usize, usize)>>>,
}

/// Counts a query as being answered until dropped.
struct InFlight(Replies, String);

impl InFlight {
    fn start(replies: &Replies, path: &str) -> Self {
        let mut map = replies.in_flight.lock().unwrap();
        let entry = map.entry(path.to_owned()).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(entry.0);
        Self(replies.clone(), path.to_owned())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(entry) = self.0.in_flight.lock().unwrap().get_mut(&self.1) {
            entry.0 -= 1;
        }
    }
}

/// An RDAP server: `GET /rdap/domain/<name>` answers what `set` said (404 otherwise).
pub struct RdapServer {
    pub base: String,
    replies: Replies,
}

async fn answer(req: HttpRequest, replies: web::Data<Replies>) -> HttpResponse {
    let path = req.path().to_owned();
    *replies
        .hits
        .lock()
        .unwrap()
        .entry(path.clone())
        .or_default() += 1;
    let _answering = InFlight::start(&replies, &path);
    let reply = replies.by_path.lock().unwrap().get(&path).cloned();
    let Some(reply) = reply else {
        return HttpResponse::NotFound().finish();
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(reply.status).unwrap());
    for (name, value) in &reply.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    response.body(reply.body)
}

impl RdapServer {
    pub async fn start() -> Self {
        let replies = Replies::default();
        let data = web::Data::new(replies.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(answer))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            base: format!("http://127.0.0.1:{port}/rdap/"),
            replies,
        }
    }

    /// What `GET /rdap/domain/<name>` answers from now on.
    pub fn set(&self, name: &str, reply: Reply) {
        self.set_path(&format!("/rdap/domain/{name}"), reply);
    }

    pub fn set_path(&self, path: &str, reply: Reply) {
        self.replies
            .by_path
            .lock()
            .unwrap()
            .insert(path.to_owned(), reply);
    }

    pub fn hits(&self, name: &str) -> usize {
        self.replies
            .hits
            .lock()
            .unwrap()
            .get(&format!("/rdap/domain/{name}"))
            .copied()
            .unwrap_or(0)
    }

    /// Every domain query received, whatever the name.
    pub fn total_hits(&self) -> usize {
        self.replies
            .hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(path, _)| path.starts_with("/rdap/domain/"))
            .map(|(_, n)| n)
            .sum()
    }

    /// The most queries for `name` this server was answering at the same time.
    pub fn max_in_flight(&self, name: &str) -> usize {
        self.replies
            .in_flight
            .lock()
            .unwrap()
            .get(&format!("/rdap/domain/{name}"))
            .map_or(0, |(_, most)| *most)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base.trim_end_matches("/rdap/"), path)
    }
}

/// How the WHOIS server behaves for a name.
#[derive(Clone, Debug)]
pub enum WhoisReply {
    Text(Vec<u8>),
    /// Accepts the query and never answers.
    Hang,
}

/// A port-43 WHOIS server (RFC 3912): reads the query line, answers, closes.
pub struct WhoisServer {
    pub addr: SocketAddr,
    replies: Arc<Mutex<HashMap<String, WhoisReply>>>,
}

impl WhoisServer {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let replies: Arc<Mutex<HashMap<String, WhoisReply>>> = Arc::default();
        let shared = replies.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let replies = shared.clone();
                tokio::spawn(async move {
                    let mut query = Vec::new();
                    let mut byte = [0u8; 1];
                    while socket.read(&mut byte).await.unwrap_or(0) == 1 && byte[0] != b'\n' {
                        query.push(byte[0]);
                    }
                    let name = String::from_utf8_lossy(&query).trim().to_lowercase();
                    let reply = replies.lock().unwrap().get(&name).cloned();
                    match reply {
                        Some(WhoisReply::Text(text)) => {
                            let _ = socket.write_all(&text).await;
                        }
                        Some(WhoisReply::Hang) => {
                            tokio::time::sleep(Duration::from_secs(60)).await;
                        }
                        None => {
                            let _ = socket.write_all(b"%% NOT FOUND\r\n").await;
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { addr, replies }
    }

    pub fn set(&self, name: &str, reply: WhoisReply) {
        self.replies
            .lock()
            .unwrap()
            .insert(name.to_lowercase(), reply);
    }
}
