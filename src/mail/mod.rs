//! Sending e-mail. Messages are built once, in full, when they enter the outbox (so a retry sends
//! the very same bytes and Message-ID); this module only builds and delivers them. With
//! `RECLAIM_SMTP_URL` set, delivery is SMTP; without it, each message becomes an `.eml` file
//! under `var/mail/`, so a first run needs no mail server.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;
use crate::model::sender::SenderProfile;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("'{0}' is not an e-mail address that mail can be sent to or from")]
    Address(String),
    #[error("RECLAIM_SMTP_URL is not usable: {0}")]
    SmtpUrl(String),
    #[error("the message cannot be built: {0}")]
    Build(String),
    #[error("DKIM: {0}")]
    Dkim(String),
    #[error("cannot create the mail directory {path}: {source}")]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted; the server's answer.
    Sent { code: Option<u16>, response: String },
    /// Refused for now (4xx, connection lost, timeout): try again later.
    Retry { code: Option<u16>, response: String },
    /// Refused for good (5xx): do not try again.
    Failed { code: Option<u16>, response: String },
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Delivers fully built messages.
pub struct Mailer {
    transport: Transport,
    /// The domain of Message-IDs.
    host: String,
    pub from: Mailbox,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Self, MailError> {
        let transport = match &settings.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::SmtpUrl(e.to_string()))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => {
                let dir = settings.var_dir.join("mail");
                std::fs::create_dir_all(&dir).map_err(|source| MailError::Directory {
                    path: dir.clone(),
                    source,
                })?;
                Transport::Files(dir)
            }
        };
        Ok(Self {
            transport,
            host: settings.public_url.host().to_owned(),
            from: parse_mailbox(&settings.mail_from)?,
        })
    }

    /// The domain of this instance's Message-IDs.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// A new Message-ID on this instance's domain.
    pub fn new_message_id(&self) -> String {
        format!("<{}@{}>", uuid::Uuid::now_v7(), self.host)
    }

    /// Where messages go, for the start-up log: the SMTP server, or the directory of files.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP (RECLAIM_SMTP_URL)".to_owned(),
            Transport::Files(dir) => format!("files in {}", dir.display()),
        }
    }

    /// Delivers one message. A file already written for this Message-ID counts as delivered
    /// (the process stopped after writing it, before recording it).
    pub async fn deliver(&self, from: &str, to: &str, message_id: &str, raw: &[u8]) -> Delivery {
        match &self.transport {
            Transport::Files(dir) => {
                let name: String = message_id
                    .trim_matches(['<', '>'])
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '@') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let path = dir.join(format!("{name}.eml"));
                // Written whole or not at all: into a part file, then renamed. A file under
                // the final name is a message delivered before the process stopped.
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Delivery::Sent {
                        code: None,
                        response: format!("already written to {}", path.display()),
                    };
                }
                let part = dir.join(format!("{name}.eml.part"));
                let written = async {
                    use tokio::io::AsyncWriteExt;
                    let mut file = tokio::fs::File::create(&part).await?;
                    file.write_all(raw).await?;
                    file.sync_all().await?;
                    tokio::fs::rename(&part, &path).await
                }
                .await;
                match written {
                    Ok(()) => Delivery::Sent {
                        code: None,
                        response: format!("written to {}", path.display()),
                    },
                    Err(e) => {
                        let _ = tokio::fs::remove_file(&part).await;
                        Delivery::Retry {
                            code: None,
                            response: format!("cannot write {}: {e}", path.display()),
                        }
                    }
                }
            }
            Transport::Smtp(smtp) => {
                let envelope = match (from.parse::<Address>(), to.parse::<Address>()) {
                    (Ok(from), Ok(to)) => {
                        match lettre::address::Envelope::new(Some(from), vec![to]) {
                            Ok(envelope) => envelope,
                            Err(e) => {
                                return Delivery::Failed {
                                    code: None,
                                    response: format!("invalid envelope: {e}"),
                                };
                            }
                        }
                    }
                    _ => {
                        return Delivery::Failed {
                            code: None,
                            response: format!("invalid address in {from} → {to}"),
                        };
                    }
                };
                match smtp.send_raw(&envelope, raw).await {
                    Ok(response) => Delivery::Sent {
                        code: response.code().to_string().parse().ok(),
                        response: response.message().collect::<Vec<_>>().join(" "),
                    },
                    Err(e) => {
                        let code = e.status().and_then(|c| c.to_string().parse().ok());
                        let response = e.to_string();
                        if e.is_permanent() {
                            Delivery::Failed { code, response }
                        } else {
                            Delivery::Retry { code, response }
                        }
                    }
                }
            }
        }
    }
}

pub fn parse_mailbox(text: &str) -> Result<Mailbox, MailError> {
    text.parse::<Mailbox>()
        .map_err(|_| MailError::Address(text.to_owned()))
}

/// An attachment to a message.
pub struct AttachmentFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a message says, before it is built.
pub struct Draft<'a> {
    pub from: &'a Mailbox,
    pub reply_to: Option<&'a Mailbox>,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub message_id: &'a str,
    pub date: DateTime<Utc>,
    /// Extra headers, e.g. `List-Unsubscribe`.
    pub headers: Vec<(&'static str, String)>,
    pub attachments: Vec<AttachmentFile>,
    /// Sign with DKIM (RFC 6376) when set.
    pub dkim: Option<Dkim<'a>>,
}

/// A DKIM signer: the selector published in DNS, the signing domain and the private key.
#[derive(Clone, Copy)]
pub struct Dkim<'a> {
    pub selector: &'a str,
    pub domain: &'a str,
    /// An RSA key in PKCS#1 PEM, or an Ed25519 key as the base64 of its 32 bytes.
    pub private_key: &'a str,
}

impl<'a> Dkim<'a> {
    /// The signer of a sender profile: its selector, the domain of its from-address and its
    /// key; `None` when the profile has no key (the relay signs, or nobody does).
    pub fn of_sender(profile: &'a SenderProfile) -> Option<Self> {
        match (&profile.dkim_selector, &profile.dkim_private_key) {
            (Some(selector), Some(private_key)) => Some(Dkim {
                selector,
                domain: profile.domain(),
                private_key,
            }),
            _ => None,
        }
    }
}

/// Reads a DKIM private key: RSA (PKCS#1 PEM, "BEGIN RSA PRIVATE KEY") or Ed25519 (base64 of the
/// 32-byte seed, RFC 8463).
pub fn dkim_key(text: &str) -> Result<DkimSigningKey, MailError> {
    let text = text.trim();
    let (key, algorithm) = if text.contains("BEGIN RSA PRIVATE KEY") {
        (text, DkimSigningAlgorithm::Rsa)
    } else if text.contains("BEGIN") {
        return Err(MailError::Dkim(
            "give an RSA key in PKCS#1 PEM (\"BEGIN RSA PRIVATE KEY\"; convert with `openssl rsa -traditional`) or an Ed25519 key as base64".to_owned(),
        ));
    } else {
        (text, DkimSigningAlgorithm::Ed25519)
    };
    DkimSigningKey::new(key, algorithm)
        .map_err(|e| MailError::Dkim(format!("the key cannot be read: {e}")))
}

/// The headers a DKIM signature covers: the identity and, as RFC 8058 §3.1 requires, the
/// one-click unsubscribe headers.
const DKIM_SIGNED: &[&str] = &[
    "From",
    "Reply-To",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// The address in a built message's From header: the envelope sender (SMTP MAIL FROM), so that
/// SPF checks the firm's own domain for outreach and the instance's for alerts.
pub fn envelope_sender(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next()?;
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let value = unfolded
        .split("\r\n")
        .find_map(|line| {
            line.strip_prefix("From:")
                .or_else(|| line.strip_prefix("from:"))
        })?
        .trim()
        .to_owned();
    let address = match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value[start + 1..end].to_owned(),
        _ => value,
    };
    address.parse::<Address>().ok().map(|a| a.to_string())
}

/// The message as bytes (RFC 5322), ready to store in the outbox and send as is.
pub fn build(draft: &Draft<'_>) -> Result<Vec<u8>, MailError> {
    let to = parse_mailbox(draft.to)?;
    let mut builder = Message::builder()
        .from(draft.from.clone())
        .to(to)
        .subject(draft.subject)
        .message_id(Some(draft.message_id.to_owned()))
        .date(std::time::SystemTime::from(draft.date));
    if let Some(reply_to) = draft.reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    for (name, value) in &draft.headers {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str(name),
            value.clone(),
        ));
    }
    let body = match draft.html {
        Some(html) => MultiPart::alternative_plain_html(draft.text.to_owned(), html.to_owned()),
        None => MultiPart::mixed().singlepart(SinglePart::plain(draft.text.to_owned())),
    };
    let mut message = if draft.attachments.is_empty() && draft.html.is_none() {
        builder.singlepart(SinglePart::plain(draft.text.to_owned()))
    } else {
        let mut mixed = if draft.html.is_some() {
            MultiPart::mixed().multipart(body)
        } else {
            body
        };
        for a in &draft.attachments {
            let content_type =
                ContentType::parse(&a.content_type).map_err(|e| MailError::Build(e.to_string()))?;
            mixed = mixed.singlepart(
                Attachment::new(a.filename.clone()).body(a.bytes.clone(), content_type),
            );
        }
        builder.multipart(mixed)
    }
    .map_err(|e| MailError::Build(e.to_string()))?;
    if let Some(dkim) = draft.dkim {
        let key = dkim_key(dkim.private_key)?;
        let config = DkimConfig::new(
            dkim.selector.to_owned(),
            dkim.domain.to_owned(),
            key,
            DKIM_SIGNED
                .iter()
                .map(|h| HeaderName::new_from_ascii_str(h))
                .collect(),
            // Relaxed headers: a relay that refolds List-Unsubscribe does not break the signature
            // (docs/legal.md §4.2 H6).
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                body: DkimCanonicalizationType::Relaxed,
            },
        );
        message.sign(&config);
    }
    Ok(message.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_sender_is_the_from_address() {
        let raw = b"Date: x\r\nFrom: \"Cabinet Martin\"\r\n <domains@cabinet-martin.example>\r\nTo: a@b.example\r\n\r\nbody";
        assert_eq!(
            envelope_sender(raw).as_deref(),
            Some("domains@cabinet-martin.example")
        );
        assert_eq!(
            envelope_sender(b"From: alerts@firm.example\r\n\r\n").as_deref(),
            Some("alerts@firm.example")
        );
        assert_eq!(envelope_sender(b"Subject: none\r\n\r\n"), None);
    }

    #[test]
    fn dkim_keys_are_read_or_explained() {
        use base64::Engine;
        assert!(dkim_key(&base64::engine::general_purpose::STANDARD.encode([1u8; 32])).is_ok());
        assert!(dkim_key("not a key").is_err());
        let pkcs8 =
            dkim_key("-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----").unwrap_err();
        assert!(
            pkcs8.to_string().contains("openssl rsa -traditional"),
            "{pkcs8}"
        );
    }

    #[test]
    fn a_plain_message_carries_its_message_id_and_headers() {
        let from = parse_mailbox("reclaim <reclaim@firm.example>").unwrap();
        let raw = build(&Draft {
            from: &from,
            reply_to: None,
            to: "ann@firm.example",
            subject: "bücher.de entered redemption",
            text: "Hello",
            html: None,
            message_id: "<abc@firm.example>",
            date: Utc::now(),
            headers: vec![("X-Reclaim-Kind", "alert".to_owned())],
            attachments: Vec::new(),
            dkim: None,
        })
        .unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("Message-ID: <abc@firm.example>"), "{text}");
        assert!(text.contains("X-Reclaim-Kind: alert"));
        assert!(
            text.contains("Subject: =?utf-8?"),
            "non-ASCII subjects are encoded: {text}"
        );
        assert!(
            build(&Draft {
                from: &from,
                reply_to: None,
                to: "not an address",
                subject: "x",
                text: "x",
                html: None,
                message_id: "<x@y>",
                date: Utc::now(),
                headers: Vec::new(),
                attachments: Vec::new(),
                dkim: None,
            })
            .is_err()
        );
    }

    #[test]
    fn attachments_make_a_mixed_message() {
        let from = parse_mailbox("reclaim@firm.example").unwrap();
        let raw = build(&Draft {
            from: &from,
            reply_to: None,
            to: "client@acme.example",
            subject: "Report",
            text: "See attached",
            html: Some("<p>See attached</p>"),
            message_id: "<r@firm.example>",
            date: Utc::now(),
            headers: Vec::new(),
            attachments: vec![AttachmentFile {
                filename: "report.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.7".to_vec(),
            }],
            dkim: None,
        })
        .unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("multipart/mixed"));
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("application/pdf"));
    }

    #[tokio::test]
    async fn file_delivery_is_idempotent_per_message_id() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            var_dir: dir.path().to_owned(),
            ..Settings::default()
        };
        let mailer = Mailer::from_settings(&settings).unwrap();
        let first = mailer
            .deliver("a@b.example", "c@d.example", "<m1@x>", b"raw")
            .await;
        assert!(matches!(first, Delivery::Sent { .. }), "{first:?}");
        let again = mailer
            .deliver("a@b.example", "c@d.example", "<m1@x>", b"raw")
            .await;
        assert!(
            matches!(again, Delivery::Sent { ref response, .. } if response.starts_with("already written")),
            "{again:?}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("mail/m1@x.eml")).unwrap(),
            b"raw"
        );
    }

    #[tokio::test]
    async fn a_half_written_file_is_not_taken_for_a_delivered_message() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            var_dir: dir.path().to_owned(),
            ..Settings::default()
        };
        let mailer = Mailer::from_settings(&settings).unwrap();
        // What a write stopped half-way leaves behind.
        std::fs::write(dir.path().join("mail/m2@x.eml.part"), b"ra").unwrap();
        let delivery = mailer
            .deliver("a@b.example", "c@d.example", "<m2@x>", b"raw message")
            .await;
        assert!(
            matches!(delivery, Delivery::Sent { ref response, .. } if response.starts_with("written to")),
            "{delivery:?}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("mail/m2@x.eml")).unwrap(),
            b"raw message"
        );
        assert!(!dir.path().join("mail/m2@x.eml.part").exists());
    }
}
