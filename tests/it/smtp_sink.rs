//! A real SMTP server embedded in the tests (mailin-embedded on a loopback port) that keeps every
//! message it receives, with its envelope. The application delivers to it over SMTP as it would
//! to the firm's relay.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::response::{NO_MAILBOX, OK};
use mailin_embedded::{Handler, Response, Server, SslConfig};

/// One message as received: envelope sender and recipients, and the raw bytes.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// A header's value, unfolded, with RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        let head = text
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .replace("\r\n ", " ")
            .replace("\r\n\t", " ");
        head.lines()
            .find(|l| {
                l.to_ascii_lowercase()
                    .starts_with(&format!("{}:", name.to_ascii_lowercase()))
            })
            .map(|l| decode_words(l[name.len() + 1..].trim()))
    }

    /// The body, with quoted-printable soft line breaks and `=XX` escapes undone and line ends
    /// as `\n`, so tests can look for words.
    pub fn body(&self) -> String {
        let text = self.text();
        let body = text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or_default();
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).replace("\r\n", "\n")
    }
}

#[derive(Clone)]
struct Keeper {
    inbox: Arc<Mutex<Vec<Received>>>,
    /// Recipients the server refuses (550), to test permanent failures.
    refuse: Arc<Vec<String>>,
    /// Keep the n-th message received, then wait this long before answering it.
    stall: Option<(usize, Duration)>,
    current: Received,
}

impl Handler for Keeper {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.refuse.iter().any(|r| r.eq_ignore_ascii_case(to)) {
            NO_MAILBOX
        } else {
            OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        let bare = |a: &str| {
            a.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        };
        self.current = Received {
            from: bare(from),
            to: to.iter().map(|t| bare(t)).collect(),
            raw: Vec::new(),
        };
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.raw.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = std::mem::replace(
            &mut self.current,
            Received {
                from: String::new(),
                to: Vec::new(),
                raw: Vec::new(),
            },
        );
        let received = {
            let mut inbox = self.inbox.lock().unwrap();
            inbox.push(message);
            inbox.len()
        };
        // The message is kept but not yet acknowledged: a sender killed now cannot know.
        if let Some((nth, wait)) = self.stall
            && received == nth
        {
            std::thread::sleep(wait);
        }
        OK
    }
}

/// A running sink; it lives until the test process ends (mailin has no stop handle).
pub struct SmtpSink {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub fn start() -> Self {
        Self::refusing(&[])
    }

    /// A sink that refuses these recipients with 550.
    pub fn refusing(refused: &[&str]) -> Self {
        Self::serve(refused, None)
    }

    /// A sink that keeps the `nth` message it receives, then waits `wait` before answering it
    /// (the end of DATA): a sender stopped meanwhile is stopped mid-transaction.
    pub fn stalling(nth: usize, wait: Duration) -> Self {
        Self::serve(&[], Some((nth, wait)))
    }

    fn serve(refused: &[&str], stall: Option<(usize, Duration)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Keeper {
            inbox: inbox.clone(),
            refuse: Arc::new(refused.iter().map(|s| (*s).to_owned()).collect()),
            stall,
            current: Received {
                from: String::new(),
                to: Vec::new(),
                raw: Vec::new(),
            },
        };
        let mut server = Server::new(handler);
        server
            .with_name("sink.test")
            .with_ssl(SslConfig::None)
            .expect("no TLS")
            .with_tcp_listener(listener);
        // serve() returns a non-Send error; the thread only needs to run.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits (a little) for `n` messages: delivery happens on the app's side first.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..100 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.messages()
    }
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); whitespace between two
/// encoded words is dropped (§6.2).
fn decode_words(value: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let Some(end) = rest[start + 2..].find("?=").map(|e| e + start + 2) else {
            break;
        };
        let word = &rest[start + 2..end];
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        if parts.len() != 3 {
            break;
        }
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let bytes = match parts[1] {
            "b" | "B" => base64::engine::general_purpose::STANDARD
                .decode(parts[2])
                .unwrap_or_default(),
            _ => {
                let text = parts[2].replace('_', " ");
                let mut bytes = Vec::new();
                let raw = text.as_bytes();
                let mut i = 0;
                while i < raw.len() {
                    if raw[i] == b'='
                        && i + 2 < raw.len()
                        && let Ok(v) = u8::from_str_radix(&text[i + 1..i + 3], 16)
                    {
                        bytes.push(v);
                        i += 3;
                        continue;
                    }
                    bytes.push(raw[i]);
                    i += 1;
                }
                bytes
            }
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        rest = &rest[end + 2..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// A TCP proxy in front of a sink that drops the first `drop_first` connections as soon as they
/// open (a relay that goes away), then passes the others through.
pub struct FlakyRelay {
    pub port: u16,
}

impl FlakyRelay {
    pub async fn start(target_port: u16, drop_first: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the relay");
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let mut seen = 0;
            while let Ok((mut inbound, _)) = listener.accept().await {
                seen += 1;
                if seen <= drop_first {
                    drop(inbound);
                    continue;
                }
                tokio::spawn(async move {
                    if let Ok(mut outbound) =
                        tokio::net::TcpStream::connect(("127.0.0.1", target_port)).await
                    {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Self { port }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}
