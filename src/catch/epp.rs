//! A direct catch over EPP: the firm's (or a partner's) registry or reseller access registers the
//! name the moment the registry releases it.
//!
//! - Transport, RFC 5734 (<https://www.rfc-editor.org/rfc/rfc5734>): one TCP connection with TLS
//!   (§2, §9: the client authenticates with its certificate, the server with its own); the
//!   server speaks first with its greeting (§2); every EPP data unit is a 32-bit length in
//!   network order that counts its own 4 bytes, then the XML (§4); IANA's port is 700 (§7).
//! - Commands, RFC 5730 (<https://www.rfc-editor.org/rfc/rfc5730>): `<greeting>` (§2.4),
//!   `<login>` with `clID`, `pw`, version 1.0, language `en` and the object URIs (§2.9.1.1),
//!   `<logout>` (§2.9.1.2); each answer's `<result code=…><msg>` and optional
//!   `<extValue><reason>` (§2.6); result codes (§3), read by [`verdict`]. `clID` and `pw` are
//!   the schema's `clIDType` (3 to 16 characters) and `pwType` (6 to 16) (§4).
//! - Domains, RFC 5731 (<https://www.rfc-editor.org/rfc/rfc5731>): `<domain:check>` answered by
//!   `<domain:cd><domain:name avail="1|0">` and an optional `<domain:reason>` (§3.1.1);
//!   `<domain:create>` with the name, the period in years (`unit="y"`), the registrant's handle
//!   and an `authInfo` password (§3.2.1), answered by `<domain:creData>` with `crDate` and
//!   `exDate`.
//!
//! One connection per release: connect, greeting, login, then at most
//! [`REGISTRATION_ATTEMPTS`] rounds one second apart of a check and, when the name is free, a
//! create (a create of a name still held is refused with 2302 and counts against limits:
//! Nominet's EPP acceptable use policy blocks a registrar's registrations for 24 hours past a
//! number of creates of existing names, <http://www.nominet.org.uk/registrars/systems/epp/aup/>),
//! then logout. Registry-specific requirements (an admin contact at some ccTLDs, such as .lv:
//! <https://www.nic.lv/eppdoc/html/domain/create.html>) come back as the registry's refusal,
//! with its reason. Sources: `docs/registries.md` §9, [S50]–[S55]. Every command is an [`Exchange`] on the backorder's
//! timeline with the passwords replaced by `[redacted]`; the client's private key never leaves
//! the TLS configuration.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::{Answer, Called, CatchError, Exchange, Order, Outcome, Provider};

/// The port IANA assigned to EPP over TLS (RFC 5734 §7).
pub const DEFAULT_PORT: u16 = 700;
/// The largest data unit read: EPP answers to one check or create are a few kilobytes.
const MAX_FRAME: usize = 1 << 20;
/// How many rounds (check, then create when the name is free) are sent after the release, one
/// second apart, like Dynadot's register: the registry's systems may lag its lookup service.
const REGISTRATION_ATTEMPTS: usize = 3;
const REGISTRATION_INTERVAL: Duration = Duration::from_secs(1);

const EPP_NS: &str = "urn:ietf:params:xml:ns:epp-1.0";
const DOMAIN_NS: &str = "urn:ietf:params:xml:ns:domain-1.0";
const CONTACT_NS: &str = "urn:ietf:params:xml:ns:contact-1.0";

// ---------------------------------------------------------------------------------------------
// Data units (RFC 5734 §4)

/// Why a data unit cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the data unit's length ({0}) is shorter than its own 4-byte header")]
    TooShort(u32),
    #[error("the data unit's length ({0} bytes) is larger than reclaim reads")]
    TooLarge(u64),
}

/// The data unit carrying `xml`: its total length (header included), big-endian, then the XML.
pub fn encode_frame(xml: &[u8]) -> Result<Vec<u8>, FrameError> {
    let total = xml.len() + 4;
    if total > MAX_FRAME {
        return Err(FrameError::TooLarge(total as u64));
    }
    let length = u32::try_from(total).map_err(|_| FrameError::TooLarge(total as u64))?;
    let mut frame = Vec::with_capacity(total);
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(xml);
    Ok(frame)
}

/// The length of the XML that follows a data unit's header.
pub fn payload_length(header: [u8; 4]) -> Result<usize, FrameError> {
    let total = u32::from_be_bytes(header);
    if total < 4 {
        return Err(FrameError::TooShort(total));
    }
    let total_usize = usize::try_from(total).map_err(|_| FrameError::TooLarge(total.into()))?;
    if total_usize > MAX_FRAME {
        return Err(FrameError::TooLarge(total.into()));
    }
    Ok(total_usize - 4)
}

/// Reads one data unit; its XML.
pub async fn read_frame<R: AsyncRead + Unpin>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut header = [0u8; 4];
    reader.read_exact(&mut header).await?;
    let length = payload_length(header)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let mut xml = vec![0u8; length];
    reader.read_exact(&mut xml).await?;
    Ok(xml)
}

/// Writes one data unit.
pub async fn write_frame<W: AsyncWrite + Unpin>(writer: &mut W, xml: &[u8]) -> std::io::Result<()> {
    let frame =
        encode_frame(xml).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    writer.write_all(&frame).await?;
    writer.flush().await
}

// ---------------------------------------------------------------------------------------------
// Commands written

/// Text or an attribute value as XML requires it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn command(body: &str, cl_trid: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?><epp xmlns="{EPP_NS}"><command>{body}<clTRID>{}</clTRID></command></epp>"#,
        escape(cl_trid)
    )
}

/// `<login>` (RFC 5730 §2.9.1.1): the domain and contact object services, version 1.0, English.
pub fn login_xml(client_id: &str, password: &str, cl_trid: &str) -> String {
    command(
        &format!(
            "<login><clID>{}</clID><pw>{}</pw><options><version>1.0</version><lang>en</lang></options><svcs><objURI>{DOMAIN_NS}</objURI><objURI>{CONTACT_NS}</objURI></svcs></login>",
            escape(client_id),
            escape(password)
        ),
        cl_trid,
    )
}

/// `<logout>` (RFC 5730 §2.9.1.2).
pub fn logout_xml(cl_trid: &str) -> String {
    command("<logout/>", cl_trid)
}

/// `<domain:check>` of one name (RFC 5731 §3.1.1).
pub fn check_xml(domain: &str, cl_trid: &str) -> String {
    command(
        &format!(
            r#"<check><domain:check xmlns:domain="{DOMAIN_NS}"><domain:name>{}</domain:name></domain:check></check>"#,
            escape(domain)
        ),
        cl_trid,
    )
}

/// `<domain:create>` (RFC 5731 §3.2.1): name, period, registrant, authInfo, in the schema's order.
pub fn create_xml(
    domain: &str,
    years: u32,
    registrant: Option<&str>,
    auth_info: &str,
    cl_trid: &str,
) -> String {
    let registrant = registrant
        .map(|h| format!("<domain:registrant>{}</domain:registrant>", escape(h)))
        .unwrap_or_default();
    command(
        &format!(
            r#"<create><domain:create xmlns:domain="{DOMAIN_NS}"><domain:name>{}</domain:name><domain:period unit="y">{years}</domain:period>{registrant}<domain:authInfo><domain:pw>{}</domain:pw></domain:authInfo></domain:create></create>"#,
            escape(domain),
            escape(auth_info)
        ),
        cl_trid,
    )
}

/// A new name's transfer password (RFC 5731 §2.6): 16 characters with upper and lower case
/// letters, digits and a sign, as registries' password rules commonly ask.
pub fn auth_info() -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    // The system's randomness fails only on a broken host; the clock still gives each name its
    // own password, which the holder changes after the catch (the checklist).
    if getrandom::fill(&mut bytes).is_err() {
        bytes = (Utc::now().timestamp_nanos_opt().unwrap_or(0) as u128).to_le_bytes();
    }
    let pick = |b: u8, from: &[u8]| from[usize::from(b) % from.len()] as char;
    let mut out: String = bytes[..12].iter().map(|b| pick(*b, ALNUM)).collect();
    out.push(pick(bytes[12], b"ABCDEFGHJKLMNPQRSTUVWXYZ"));
    out.push(pick(bytes[13], b"abcdefghijkmnpqrstuvwxyz"));
    out.push(pick(bytes[14], b"23456789"));
    out.push(pick(bytes[15], b"-+=.!"));
    out
}

// ---------------------------------------------------------------------------------------------
// Answers read

/// What reclaim reads of an EPP answer (or greeting).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// The server's `<greeting>`.
    pub greeting: bool,
    /// The first `<result code>`.
    pub code: Option<u16>,
    /// Its `<msg>`.
    pub message: String,
    /// Its `<extValue><reason>`s.
    pub reasons: Vec<String>,
    /// `<domain:cd><domain:name avail>` of a check.
    pub available: Option<bool>,
    /// `<domain:cd><domain:reason>`.
    pub check_reason: Option<String>,
    /// `<domain:creData>`.
    pub created: Option<String>,
    pub expires: Option<String>,
}

impl Response {
    /// The message with the server's reasons, as a lawyer reads it.
    pub fn said(&self) -> String {
        let mut said = self.message.clone();
        for reason in &self.reasons {
            if !said.is_empty() {
                said.push_str(": ");
            }
            said.push_str(reason);
        }
        said
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Event<'a> {
    Start {
        name: &'a str,
        attrs: Vec<(&'a str, String)>,
        empty: bool,
    },
    End(&'a str),
    Text(String),
}

/// The local part of a qualified name (`domain:name` → `name`).
fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Entities and character references (XML 1.0 §4.1, §4.6); no others are declared in EPP.
fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find(';') else {
            return Err("an '&' without its ';'".to_owned());
        };
        let entity = &after[..end];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                number.and_then(char::from_u32).ok_or_else(|| {
                    format!(
                        "an unknown entity &{};",
                        entity.chars().take(20).collect::<String>()
                    )
                })?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Where a tag's `>` is, past quoted attribute values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn attributes(mut text: &str) -> Result<Vec<(&str, String)>, String> {
    let mut attrs = Vec::new();
    loop {
        text = text.trim_start();
        if text.is_empty() {
            return Ok(attrs);
        }
        let (name, after) = text.split_once('=').ok_or("an attribute without a value")?;
        let after = after.trim_start();
        let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''));
        let Some(quote) = quote else {
            return Err("an attribute value without quotes".to_owned());
        };
        let value_and_rest = &after[1..];
        let end = value_and_rest
            .find(quote)
            .ok_or("an attribute value not closed")?;
        attrs.push((local(name.trim()), unescape(&value_and_rest[..end])?));
        text = &value_and_rest[end + 1..];
    }
}

/// The document as start tags, end tags and text; declarations, comments and processing
/// instructions skipped, no entity of a DOCTYPE ever expanded.
fn events(xml: &str) -> Result<Vec<Event<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = xml;
    let unclosed = |what: &str| format!("{what} not closed");
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after
                .split_once("?>")
                .ok_or_else(|| unclosed("a declaration"))?
                .1;
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after
                .split_once("-->")
                .ok_or_else(|| unclosed("a comment"))?
                .1;
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let (text, r) = after
                .split_once("]]>")
                .ok_or_else(|| unclosed("a CDATA section"))?;
            out.push(Event::Text(text.to_owned()));
            rest = r;
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = after
                .split_once('>')
                .ok_or_else(|| unclosed("a declaration"))?
                .1;
        } else if let Some(after) = rest.strip_prefix("</") {
            let (name, r) = after
                .split_once('>')
                .ok_or_else(|| unclosed("an end tag"))?;
            out.push(Event::End(local(name.trim())));
            rest = r;
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = tag_end(after).ok_or_else(|| unclosed("a tag"))?;
            let inner = &after[..end];
            rest = &after[end + 1..];
            let (inner, empty) = match inner.strip_suffix('/') {
                Some(inner) => (inner, true),
                None => (inner, false),
            };
            let (name, attrs) = match inner.find(char::is_whitespace) {
                Some(at) => (&inner[..at], &inner[at..]),
                None => (inner, ""),
            };
            if name.is_empty() {
                return Err("a tag without a name".to_owned());
            }
            out.push(Event::Start {
                name: local(name),
                attrs: attributes(attrs)?,
                empty,
            });
        } else {
            let (text, r) = rest.split_at(rest.find('<').unwrap_or(rest.len()));
            out.push(Event::Text(unescape(text)?));
            rest = r;
        }
    }
    Ok(out)
}

/// Reads an EPP greeting or answer; what is wrong with it otherwise.
pub fn read_response(xml: &[u8]) -> Result<Response, String> {
    let xml = std::str::from_utf8(xml).map_err(|_| "not UTF-8 text".to_owned())?;
    let mut response = Response::default();
    let mut stack: Vec<&str> = Vec::new();
    let mut seen_epp = false;
    let mut in_first_result = false;
    let mut results = 0;
    for event in events(xml)? {
        match event {
            Event::Start { name, attrs, empty } => {
                let parent = stack.last().copied();
                let attr = |key: &str| {
                    attrs
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, v)| v.trim().to_owned())
                };
                match (parent, name) {
                    (None, "epp") => seen_epp = true,
                    (Some("epp"), "greeting") => response.greeting = true,
                    (Some("response"), "result") => {
                        results += 1;
                        in_first_result = results == 1;
                        if in_first_result {
                            let code = attr("code").ok_or("a <result> without its code")?;
                            response.code =
                                Some(code.parse().map_err(|_| {
                                    format!("result code '{code}' is not a number")
                                })?);
                        }
                    }
                    (Some("cd"), "name") => {
                        response.available =
                            attr("avail").map(|a| matches!(a.as_str(), "1" | "true"));
                    }
                    _ => {}
                }
                if !empty {
                    stack.push(name);
                }
            }
            Event::End(name) => {
                if stack.pop() != Some(name) {
                    return Err(format!("</{name}> does not close the open element"));
                }
                if name == "result" {
                    in_first_result = false;
                }
            }
            Event::Text(text) => {
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                let n = stack.len();
                let (top, parent) = (
                    stack.last().copied(),
                    n.checked_sub(2).and_then(|i| stack.get(i)).copied(),
                );
                let append = |into: &mut String| {
                    into.push_str(text);
                };
                match (parent, top) {
                    (Some("result"), Some("msg")) if in_first_result => {
                        append(&mut response.message)
                    }
                    (Some("extValue"), Some("reason")) if in_first_result => {
                        response.reasons.push(text.to_owned())
                    }
                    (Some("cd"), Some("reason")) => {
                        append(response.check_reason.get_or_insert_with(String::new))
                    }
                    (Some("creData"), Some("crDate")) => {
                        append(response.created.get_or_insert_with(String::new))
                    }
                    (Some("creData"), Some("exDate")) => {
                        append(response.expires.get_or_insert_with(String::new))
                    }
                    _ => {}
                }
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("<{}> not closed", stack.join("><")));
    }
    if !seen_epp {
        return Err("not an EPP document (no <epp> element)".to_owned());
    }
    if !response.greeting && response.code.is_none() {
        return Err("neither a greeting nor a result".to_owned());
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Result codes (RFC 5730 §3)

/// What a result code means for reclaim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 1xxx: the command succeeded.
    Success,
    /// 2302 "Object exists": someone holds the name.
    Exists,
    /// 2304 status prohibits, 2305 association prohibits, 2306 parameter value policy error,
    /// 2308 data management policy violation: premium, reserved, a registry's registrant rules.
    Policy,
    /// 2200 authentication error, 2201 authorization error, 2202 invalid authorization
    /// information, 2501 authentication error (server closing connection).
    Credentials,
    /// 2502 session limit exceeded: try again later.
    Busy,
    /// 2400 command failed, 2500 command failed (server closing connection): the registry's
    /// failure, tried again later.
    Server,
    /// Any other 2xxx: the command was refused as sent (syntax, an unimplemented command or
    /// option, billing failure, an object that does not exist).
    Refused,
}

pub fn verdict(code: u16) -> Verdict {
    match code {
        1000..=1999 => Verdict::Success,
        2302 => Verdict::Exists,
        2304 | 2305 | 2306 | 2308 => Verdict::Policy,
        2200..=2202 | 2501 => Verdict::Credentials,
        2502 => Verdict::Busy,
        2400 | 2500 => Verdict::Server,
        _ => Verdict::Refused,
    }
}

// ---------------------------------------------------------------------------------------------
// The client

/// Where the registry's EPP server answers, as an account's endpoint: `epp://host:port`,
/// `host:port` or `host` (port 700).
pub fn parse_server(text: &str) -> Result<(String, u16), String> {
    let text = text.trim();
    let bare = text
        .strip_prefix("epp://")
        .unwrap_or(text)
        .trim_end_matches('/');
    let (host, port) = match bare.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.starts_with('[') => (
            host.trim_start_matches('[').trim_end_matches(']'),
            port.parse::<u16>().ok().filter(|p| *p > 0),
        ),
        _ => (bare, Some(DEFAULT_PORT)),
    };
    let valid_host = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    match (valid_host, port) {
        (true, Some(port)) => Ok((host.to_ascii_lowercase(), port)),
        _ => Err(format!(
            "'{}' is not an EPP server: give the registry's host and port, such as epp.registry.example:700.",
            text.chars().take(80).collect::<String>()
        )),
    }
}

/// The account's server as stored.
pub fn endpoint(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("epp://[{host}]:{port}")
    } else {
        format!("epp://{host}:{port}")
    }
}

/// The client certificate chain and key in PEM, checked.
pub fn read_identity(
    certificate_pem: &str,
    private_key_pem: &str,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(certificate_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("the certificate chain is not PEM ({e})"))?;
    if chain.is_empty() {
        return Err("the certificate chain holds no certificate: paste the client certificate the registry registered, then its intermediates, each from -----BEGIN CERTIFICATE-----".to_owned());
    }
    let key = PrivateKeyDer::from_pem_slice(private_key_pem.as_bytes()).map_err(|_| {
        "the private key is not a PEM private key: paste the key of the client certificate, from -----BEGIN PRIVATE KEY----- (PKCS #8, or RSA/EC PRIVATE KEY)".to_owned()
    })?;
    Ok((chain, key))
}

fn read_roots(ca_pem: &str) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        let cert = cert.map_err(|e| format!("the CA certificate is not PEM ({e})"))?;
        roots
            .add(cert)
            .map_err(|e| format!("the CA certificate cannot be used ({e})"))?;
    }
    if roots.is_empty() {
        return Err("the CA certificate holds no certificate: paste the registry's CA certificate in PEM, or leave it out to trust the usual authorities".to_owned());
    }
    Ok(roots)
}

/// The TLS configuration of an account: its client certificate, and the registry's CA (or the
/// platform's roots). What is wrong with the PEM otherwise.
pub fn tls_config(
    certificate_pem: &str,
    private_key_pem: &str,
    ca_pem: Option<&str>,
) -> Result<Arc<rustls::ClientConfig>, String> {
    let (chain, key) = read_identity(certificate_pem, private_key_pem)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let builder = match ca_pem {
        Some(ca) => builder.with_root_certificates(read_roots(ca)?),
        None => {
            use rustls_platform_verifier::BuilderVerifierExt;
            builder
                .with_platform_verifier()
                .map_err(|e| format!("TLS: the platform's certificate authorities: {e}"))?
        }
    };
    let config = builder
        .with_client_auth_cert(chain, key)
        .map_err(|e| format!("the private key does not go with the certificate ({e})"))?;
    Ok(Arc::new(config))
}

/// The firm's (or a partner's) access to a registry over EPP.
pub struct Epp {
    host: String,
    port: u16,
    client_id: String,
    password: String,
    /// The firm's contact handle at the registry: the registrant when the backorder says so.
    registrant: String,
    tls: Arc<rustls::ClientConfig>,
    timeout: Duration,
    /// One session at a time per account: registries limit an account's connections.
    one_at_a_time: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Epp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Epp")
            .field("server", &endpoint(&self.host, self.port))
            .field("client_id", &self.client_id)
            .field("password", &"[redacted]")
            .field("registrant", &self.registrant)
            .finish()
    }
}

/// An open session: the TLS stream, the timeline, and the next transaction number.
struct Session<'a> {
    epp: &'a Epp,
    stream: TlsStream<TcpStream>,
    exchanges: &'a mut Vec<Exchange>,
    sequence: u32,
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn truncate(text: &str) -> String {
    super::truncate(text, super::ANSWER_KEPT)
}

/// What a TLS or network failure means for the firm: a certificate the registry refused, a
/// server certificate reclaim does not trust, or a network failure.
fn connection_error(e: &std::io::Error, during: &str) -> CatchError {
    use rustls::AlertDescription as A;
    let provider = Provider::Epp;
    let tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::InvalidCertificate(why)) => CatchError::Certificate {
            provider,
            message: format!(
                "the registry's server certificate is not trusted ({why:?}): check the host name, and give the registry's CA certificate (ca_pem) when the registry uses its own authority"
            ),
        },
        Some(rustls::Error::AlertReceived(
            alert @ (A::BadCertificate
            | A::UnsupportedCertificate
            | A::CertificateRevoked
            | A::CertificateExpired
            | A::CertificateUnknown
            | A::UnknownCA
            | A::AccessDenied
            | A::CertificateRequired
            | A::HandshakeFailure),
        )) => CatchError::Certificate {
            provider,
            message: format!(
                "the registry did not accept the firm's client certificate (TLS alert {alert:?}): give the certificate chain and private key the registry registered for this client id, and check they have not expired"
            ),
        },
        Some(other) => CatchError::Unreachable {
            provider,
            message: format!("TLS {during}: {other}"),
        },
        None if e.kind() == std::io::ErrorKind::UnexpectedEof => CatchError::Certificate {
            provider,
            message: format!(
                "the registry closed the connection {during}: it may not accept the firm's client certificate or this server's address (registries allow listed addresses only)"
            ),
        },
        None => CatchError::Unreachable {
            provider,
            message: format!("{during}: {e}"),
        },
    }
}

impl Epp {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        server: &str,
        client_id: String,
        password: String,
        certificate_pem: &str,
        private_key_pem: &str,
        ca_pem: Option<&str>,
        registrant: String,
        timeout: Duration,
    ) -> Result<Self, CatchError> {
        let (host, port) = parse_server(server).map_err(CatchError::Invalid)?;
        let tls =
            tls_config(certificate_pem, private_key_pem, ca_pem).map_err(CatchError::Invalid)?;
        Ok(Self {
            host,
            port,
            client_id,
            password,
            registrant,
            tls,
            timeout,
            one_at_a_time: tokio::sync::Mutex::new(()),
        })
    }

    /// Connects, reads the greeting and logs in; the session, or why there is none (recorded).
    async fn open<'a>(
        &'a self,
        exchanges: &'a mut Vec<Exchange>,
    ) -> Result<Session<'a>, CatchError> {
        let at = Utc::now();
        let started = Instant::now();
        let shown = format!(
            "connect {} (TLS, client certificate)",
            endpoint(&self.host, self.port)
        );
        let connected = self.connect().await;
        let (stream, greeting) = match connected {
            Ok(done) => done,
            Err((e, answer)) => {
                exchanges.push(Exchange {
                    at,
                    provider: Provider::Epp,
                    action: "connect",
                    request: shown,
                    status: None,
                    answer,
                    duration_ms: elapsed_ms(started),
                });
                return Err(e);
            }
        };
        exchanges.push(Exchange {
            at,
            provider: Provider::Epp,
            action: "connect",
            request: shown,
            status: None,
            answer: truncate(&greeting),
            duration_ms: elapsed_ms(started),
        });
        let mut session = Session {
            epp: self,
            stream,
            exchanges,
            sequence: 0,
        };
        let trid = session.trid();
        let login = login_xml(&self.client_id, &self.password, &trid);
        let shown = login_xml(&self.client_id, "[redacted]", &trid);
        let answer = session.send("login", &login, shown).await?;
        match answer.code.map(verdict) {
            Some(Verdict::Success) => Ok(session),
            Some(Verdict::Credentials) => Err(CatchError::Unauthorized {
                provider: Provider::Epp,
                message: format!(
                    "the registry refused the login ({} {}): check the client id and password given by the registry (passwords expire at some registries)",
                    answer.code.unwrap_or_default(),
                    answer.said()
                ),
            }),
            Some(Verdict::Busy) => Err(CatchError::Busy {
                provider: Provider::Epp,
            }),
            Some(Verdict::Server) => Err(CatchError::Server {
                provider: Provider::Epp,
                status: answer.code.unwrap_or_default(),
            }),
            _ => Err(CatchError::Refused {
                provider: Provider::Epp,
                message: format!(
                    "the registry refused the login ({} {})",
                    answer.code.unwrap_or_default(),
                    answer.said()
                ),
            }),
        }
    }

    /// TCP, TLS and the greeting; on failure the error and what the timeline shows.
    async fn connect(&self) -> Result<(TlsStream<TcpStream>, String), (CatchError, String)> {
        let unreachable = |message: String| {
            (
                CatchError::Unreachable {
                    provider: Provider::Epp,
                    message: message.clone(),
                },
                message,
            )
        };
        let server_name = ServerName::try_from(self.host.clone())
            .map_err(|_| unreachable(format!("'{}' is not a host name", self.host)))?;
        let address = (self.host.as_str(), self.port);
        let connect_timeout = self.timeout.min(Duration::from_secs(10));
        let tcp = match tokio::time::timeout(connect_timeout, TcpStream::connect(address)).await {
            Err(_) => return Err(unreachable("no connection in time".to_owned())),
            Ok(Err(e)) => return Err(unreachable(format!("connection refused or failed ({e})"))),
            Ok(Ok(tcp)) => tcp,
        };
        let _ = tcp.set_nodelay(true);
        let connector = tokio_rustls::TlsConnector::from(self.tls.clone());
        let fail = |e: std::io::Error, during: &str| {
            let error = connection_error(&e, during);
            let shown = error.to_string();
            (error, shown)
        };
        let mut stream =
            match tokio::time::timeout(self.timeout, connector.connect(server_name, tcp)).await {
                Err(_) => return Err(unreachable("no TLS handshake in time".to_owned())),
                Ok(Err(e)) => return Err(fail(e, "during the TLS handshake")),
                Ok(Ok(stream)) => stream,
            };
        let greeting = match tokio::time::timeout(self.timeout, read_frame(&mut stream)).await {
            Err(_) => return Err(unreachable("no greeting in time".to_owned())),
            Ok(Err(e)) => return Err(fail(e, "before its greeting")),
            Ok(Ok(xml)) => xml,
        };
        let text = String::from_utf8_lossy(&greeting).into_owned();
        match read_response(&greeting) {
            Ok(r) if r.greeting => Ok((stream, text)),
            Ok(_) => Err((
                CatchError::Unreadable {
                    provider: Provider::Epp,
                    message: "the server's first message is not an EPP greeting".to_owned(),
                },
                text,
            )),
            Err(why) => Err((
                CatchError::Unreadable {
                    provider: Provider::Epp,
                    message: format!("the greeting could not be read: {why}"),
                },
                text,
            )),
        }
    }

    /// TLS, login and logout: the account works.
    pub async fn verify(&self) -> Called<()> {
        let _turn = self.one_at_a_time.lock().await;
        let mut exchanges = Vec::new();
        let result = match self.open(&mut exchanges).await {
            Ok(mut session) => {
                session.logout().await;
                Ok(())
            }
            Err(e) => Err(e),
        };
        Called::with(result, exchanges)
    }

    /// Registers each released name (a direct catch) in one session.
    pub async fn register(&self, orders: &[Order]) -> Called<Vec<Answer>> {
        let _turn = self.one_at_a_time.lock().await;
        let mut exchanges = Vec::new();
        let mut session = match self.open(&mut exchanges).await {
            Ok(session) => session,
            Err(e) => return Called::with(Err(e), exchanges),
        };
        let mut answers = Vec::with_capacity(orders.len());
        let mut failure = None;
        for order in orders {
            match session.register(order).await {
                Ok(outcome) => answers.push(Answer {
                    domain: order.domain.clone(),
                    outcome,
                }),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if failure.is_none() {
            session.logout().await;
        }
        drop(session);
        match failure {
            Some(e) => Called::with(Err(e), exchanges),
            None => Called::with(Ok(answers), exchanges),
        }
    }
}

impl Session<'_> {
    fn trid(&mut self) -> String {
        self.sequence += 1;
        format!(
            "reclaim-{}-{}",
            Utc::now().format("%Y%m%dT%H%M%S%.3f"),
            self.sequence
        )
    }

    /// Sends one command and reads its answer; recorded with `shown` as the request.
    async fn send(
        &mut self,
        action: &'static str,
        xml: &str,
        shown: String,
    ) -> Result<Response, CatchError> {
        let at = Utc::now();
        let started = Instant::now();
        let timeout = self.epp.timeout;
        let result = async {
            tokio::time::timeout(timeout, write_frame(&mut self.stream, xml.as_bytes()))
                .await
                .map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in time")
                })??;
            tokio::time::timeout(timeout, read_frame(&mut self.stream))
                .await
                .map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in time")
                })?
        }
        .await;
        let (answer_text, outcome) = match result {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let read = read_response(&bytes).and_then(|r| {
                    if r.code.is_some() {
                        Ok(r)
                    } else {
                        Err("an answer without a result".to_owned())
                    }
                });
                let outcome = read.map_err(|message| CatchError::Unreadable {
                    provider: Provider::Epp,
                    message,
                });
                (text, outcome)
            }
            Err(e) => {
                let error = connection_error(&e, "during the session");
                (error.to_string(), Err(error))
            }
        };
        self.exchanges.push(Exchange {
            at,
            provider: Provider::Epp,
            action,
            request: format!("EPP {}: {shown}", endpoint(&self.epp.host, self.epp.port)),
            status: outcome.as_ref().ok().and_then(|r| r.code),
            answer: truncate(&answer_text),
            duration_ms: elapsed_ms(started),
        });
        outcome
    }

    /// Ends the session politely; its answer does not matter.
    async fn logout(&mut self) {
        let trid = self.trid();
        let xml = logout_xml(&trid);
        let _ = self.send("logout", &xml, xml.clone()).await;
        let _ = self.stream.shutdown().await;
    }

    /// Check, and create when the name is free, at most [`REGISTRATION_ATTEMPTS`] rounds one
    /// second apart; registered, taken (someone else was faster) or refused (the registry's
    /// policy). A failure of the session or of the account is an error.
    async fn register(&mut self, order: &Order) -> Result<Outcome, CatchError> {
        let years = order.years.clamp(1, 10);
        let registrant = order
            .registrant
            .clone()
            .unwrap_or_else(|| self.epp.registrant.clone());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let trid = self.trid();
            let xml = check_xml(&order.domain, &trid);
            let checked = self.send("check", &xml, xml.clone()).await?;
            let refusal = command_failure(&checked)?;
            if let Some(outcome) = refusal {
                return Ok(outcome);
            }
            let said = if checked.available == Some(true) {
                let trid = self.trid();
                let password = auth_info();
                let xml = create_xml(&order.domain, years, Some(&registrant), &password, &trid);
                let shown =
                    create_xml(&order.domain, years, Some(&registrant), "[redacted]", &trid);
                let created = self.send("register", &xml, shown).await?;
                let code = created.code.unwrap_or_default();
                match verdict(code) {
                    Verdict::Success => {
                        let expires = created
                            .expires
                            .as_deref()
                            .and_then(|e| e.get(..10))
                            .map(|d| format!(", expires {d}"))
                            .unwrap_or_default();
                        let pending = if code == 1001 {
                            " (the registry will confirm it: action pending)"
                        } else {
                            ""
                        };
                        return Ok(Outcome::Registered {
                            message: format!(
                                "registered over EPP by the firm's registry access for {years} year(s), registrant {registrant}{expires}{pending}"
                            ),
                        });
                    }
                    Verdict::Exists => format!("{code} {}", created.said()),
                    _ => {
                        if let Some(outcome) = command_failure(&created)? {
                            return Ok(outcome);
                        }
                        format!("{code} {}", created.said())
                    }
                }
            } else {
                let reason = checked
                    .check_reason
                    .clone()
                    .unwrap_or_else(|| "not available".to_owned());
                format!("check: {reason}")
            };
            if attempt < REGISTRATION_ATTEMPTS {
                tokio::time::sleep(REGISTRATION_INTERVAL).await;
                continue;
            }
            return Ok(Outcome::Taken {
                message: format!(
                    "not available when the registration was sent ({attempt} attempts): another party was faster ({said})"
                ),
            });
        }
    }
}

/// A command's answer when it did not succeed: the order's outcome (a refusal the lawyer
/// reads), an error of the account or the registry, or `None` (success, or the name exists).
fn command_failure(answer: &Response) -> Result<Option<Outcome>, CatchError> {
    let code = answer.code.unwrap_or_default();
    let provider = Provider::Epp;
    match verdict(code) {
        Verdict::Success | Verdict::Exists => Ok(None),
        Verdict::Policy => Ok(Some(Outcome::Refused {
            message: format!(
                "the registry refused the registration for a policy reason ({code} {}): a premium or reserved name, or the registry's rules for registrants; it will not be sent again",
                answer.said()
            ),
            code: code.to_string(),
        })),
        Verdict::Credentials => Err(CatchError::Unauthorized {
            provider,
            message: format!(
                "the registry refused the command ({code} {}): check that the client id may register names in this TLD",
                answer.said()
            ),
        }),
        Verdict::Busy => Err(CatchError::Busy { provider }),
        Verdict::Server => Err(CatchError::Server {
            provider,
            status: code,
        }),
        Verdict::Refused => Ok(Some(Outcome::Refused {
            message: format!(
                "the registry refused the registration ({code} {})",
                answer.said()
            ),
            code: code.to_string(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5734 §4: "Total Length (32 bits): The total length of the EPP data unit measured in
    /// octets in network (big endian) byte order. The octets contained in this field MUST be
    /// included in the total length calculation."
    #[test]
    fn data_units_count_their_own_header() {
        let cases: Vec<(&[u8], [u8; 4])> = vec![
            (b"", [0, 0, 0, 4]),
            (b"<epp/>", [0, 0, 0, 10]),
            (&[b'x'; 300], [0, 0, 1, 48]),
        ];
        for (xml, header) in cases {
            let frame = encode_frame(xml).unwrap();
            assert_eq!(frame[..4], header, "{}", xml.len());
            assert_eq!(&frame[4..], xml);
            assert_eq!(payload_length(header), Ok(xml.len()));
        }
        // Lengths that cannot be: shorter than the header, larger than reclaim reads.
        let bad: Vec<([u8; 4], FrameError)> = vec![
            ([0, 0, 0, 0], FrameError::TooShort(0)),
            ([0, 0, 0, 3], FrameError::TooShort(3)),
            (
                [0xff, 0xff, 0xff, 0xff],
                FrameError::TooLarge(u32::MAX.into()),
            ),
            ([0, 0x10, 0, 5], FrameError::TooLarge(0x10_0005)),
        ];
        for (header, expected) in bad {
            assert_eq!(payload_length(header), Err(expected));
        }
        assert!(encode_frame(&vec![b'x'; MAX_FRAME]).is_err());
    }

    #[tokio::test]
    async fn data_units_read_back_whole_or_fail_cleanly() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"<a/>").await.unwrap();
        write_frame(&mut wire, "<b>é</b>".as_bytes()).await.unwrap();
        let mut reader = wire.as_slice();
        assert_eq!(read_frame(&mut reader).await.unwrap(), b"<a/>");
        assert_eq!(
            read_frame(&mut reader).await.unwrap(),
            "<b>é</b>".as_bytes()
        );
        // Cut short, or a length below the header: an error, never a panic.
        let mut cut = &wire[..6];
        assert!(read_frame(&mut cut).await.is_err());
        let mut short: &[u8] = &[0, 0, 0, 2, b'x'];
        assert!(read_frame(&mut short).await.is_err());
    }

    /// RFC 5730 §3: each result code and what reclaim does with it.
    #[test]
    fn result_codes_are_read_as_rfc_5730_defines_them() {
        let cases = [
            (1000, Verdict::Success, "Command completed successfully"),
            (
                1001,
                Verdict::Success,
                "Command completed successfully; action pending",
            ),
            (
                1500,
                Verdict::Success,
                "Command completed successfully; ending session",
            ),
            (2001, Verdict::Refused, "Command syntax error"),
            (2104, Verdict::Refused, "Billing failure"),
            (2200, Verdict::Credentials, "Authentication error"),
            (2201, Verdict::Credentials, "Authorization error"),
            (
                2202,
                Verdict::Credentials,
                "Invalid authorization information",
            ),
            (2302, Verdict::Exists, "Object exists"),
            (2303, Verdict::Refused, "Object does not exist"),
            (2304, Verdict::Policy, "Object status prohibits operation"),
            (
                2305,
                Verdict::Policy,
                "Object association prohibits operation",
            ),
            (2306, Verdict::Policy, "Parameter value policy error"),
            (2308, Verdict::Policy, "Data management policy violation"),
            (2400, Verdict::Server, "Command failed"),
            (
                2500,
                Verdict::Server,
                "Command failed; server closing connection",
            ),
            (
                2501,
                Verdict::Credentials,
                "Authentication error; server closing connection",
            ),
            (
                2502,
                Verdict::Busy,
                "Session limit exceeded; server closing connection",
            ),
        ];
        for (code, expected, meaning) in cases {
            assert_eq!(verdict(code), expected, "{code} {meaning}");
        }
    }

    #[test]
    fn commands_escape_what_they_carry() {
        let login = login_xml("firm<&>", "p\"w'd", "T-1");
        assert!(login.contains("<clID>firm&lt;&amp;&gt;</clID>"), "{login}");
        assert!(login.contains("<pw>p&quot;w&apos;d</pw>"), "{login}");
        assert!(login.contains("<version>1.0</version><lang>en</lang>"));
        assert!(login.contains("<objURI>urn:ietf:params:xml:ns:domain-1.0</objURI>"));
        let create = create_xml("example.com", 2, Some("FIRM-1"), "aB3-xyz", "T-2");
        assert!(
            create.contains(r#"<domain:name>example.com</domain:name><domain:period unit="y">2</domain:period><domain:registrant>FIRM-1</domain:registrant><domain:authInfo><domain:pw>aB3-xyz</domain:pw></domain:authInfo>"#),
            "{create}"
        );
        assert!(create.contains("<clTRID>T-2</clTRID>"));
        // What is written reads as XML.
        for xml in [login, create, check_xml("a&b.com", "T"), logout_xml("T")] {
            assert!(events(&xml).is_ok(), "{xml}");
        }
        let pw = auth_info();
        assert_eq!(pw.chars().count(), 16);
        assert!(
            pw.chars().any(|c| c.is_ascii_digit()) && pw.chars().any(|c| c.is_ascii_uppercase())
        );
        assert_ne!(auth_info(), pw);
    }

    /// RFC 5730 §2.4 greeting, §2.6 answers (with `extValue`), RFC 5731 §3.1.1 and §3.2.1
    /// answers; and garbage, which is an error, never a panic.
    #[test]
    fn answers_are_read_and_garbage_is_refused() {
        let greeting = r#"<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><greeting><svID>Example EPP server</svID><svDate>2026-12-03T06:00:00.0Z</svDate></greeting></epp>"#;
        let r = read_response(greeting.as_bytes()).unwrap();
        assert!(r.greeting && r.code.is_none());

        let created = r#"<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><response><result code="1000"><msg lang="en">Command completed successfully</msg></result><resData><domain:creData xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>example.com</domain:name><domain:crDate>2026-12-03T06:00:01.0Z</domain:crDate><domain:exDate>2027-12-03T06:00:01.0Z</domain:exDate></domain:creData></resData><trID><clTRID>ABC-12345</clTRID><svTRID>54321-XYZ</svTRID></trID></response></epp>"#;
        let r = read_response(created.as_bytes()).unwrap();
        assert_eq!(r.code, Some(1000));
        assert_eq!(r.message, "Command completed successfully");
        assert_eq!(r.expires.as_deref(), Some("2027-12-03T06:00:01.0Z"));
        assert_eq!(r.created.as_deref(), Some("2026-12-03T06:00:01.0Z"));

        let policy = r#"<?xml version="1.0"?><epp:epp xmlns:epp="urn:ietf:params:xml:ns:epp-1.0"><epp:response><epp:result code="2306"><epp:msg>Parameter value policy error</epp:msg><epp:extValue><epp:value><domain:name xmlns:domain="urn:ietf:params:xml:ns:domain-1.0">gold.com</domain:name></epp:value><epp:reason>Premium name &amp; reserved: use the fee extension</epp:reason></epp:extValue></epp:result><epp:trID><epp:svTRID>1</epp:svTRID></epp:trID></epp:response></epp:epp>"#;
        let r = read_response(policy.as_bytes()).unwrap();
        assert_eq!(r.code, Some(2306));
        assert_eq!(
            r.said(),
            "Parameter value policy error: Premium name & reserved: use the fee extension"
        );

        let check = r#"<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><response><result code="1000"><msg>Command completed successfully</msg></result><resData><domain:chkData xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:cd><domain:name avail='0'>example.com</domain:name><domain:reason>In use</domain:reason></domain:cd></domain:chkData></resData><trID><svTRID>2</svTRID></trID></response></epp>"#;
        let r = read_response(check.as_bytes()).unwrap();
        assert_eq!(
            (r.available, r.check_reason.as_deref()),
            (Some(false), Some("In use"))
        );

        let garbage: Vec<&[u8]> = vec![
            b"",
            b"\xff\xfe<epp>",
            b"<html>502 Bad Gateway</html>",
            b"<epp><response><result code=\"abc\"><msg>x</msg></result></response></epp>",
            b"<epp><response><result><msg>x</msg></result></response></epp>",
            b"<epp><response><result code=\"1000\">",
            b"<epp><response></epp></response>",
            b"<epp a=b></epp>",
            b"<epp>&unknown;</epp>",
            b"<epp><!-- never closed",
            b"<epp><greeting x=\"1></greeting></epp>",
            b"<<<>>>",
            b"<epp></epp>",
            b"<epp>&#xD800;</epp>",
        ];
        for bytes in garbage {
            assert!(
                read_response(bytes).is_err(),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn servers_are_host_and_port() {
        let cases = [
            (
                "epp.registry.example:700",
                Ok(("epp.registry.example", 700)),
            ),
            (
                "epp://EPP.Registry.example:3121",
                Ok(("epp.registry.example", 3121)),
            ),
            ("epp.registry.example", Ok(("epp.registry.example", 700))),
            ("127.0.0.1:7000", Ok(("127.0.0.1", 7000))),
            ("[::1]:700", Ok(("::1", 700))),
            ("epp.registry.example:0", Err(())),
            ("epp.registry.example:http", Err(())),
            ("https://epp.registry.example/", Err(())),
            ("", Err(())),
        ];
        for (given, expected) in cases {
            let got = parse_server(given);
            match expected {
                Ok((host, port)) => assert_eq!(got, Ok((host.to_owned(), port)), "{given}"),
                Err(()) => assert!(got.is_err(), "{given}: {got:?}"),
            }
        }
        assert_eq!(endpoint("::1", 700), "epp://[::1]:700");
        assert_eq!(
            parse_server(&endpoint("::1", 700)),
            Ok(("::1".to_owned(), 700))
        );
    }
}
