//! The zone scan: reads the names registered under a top-level domain — a zone file or a list
//! of newly registered names, plain or gzip, from a file or an http(s) address — and tests each
//! against a [`Matcher`] in one streaming pass. Memory stays flat whatever the size: one line
//! buffer (capped), the last owner name (to skip repeats) and a few counters.
//!
//! Formats:
//! - **Zone files** as ICANN's Centralized Zone Data Service (CZDS) serves them: the master-file
//!   format of RFC 1035 §5.1 — `owner TTL class type rdata`, one record a line, absolute owner
//!   names ending with a dot, `$ORIGIN` and `$TTL` directives, comments after `;`, `@` for the
//!   origin, a blank owner for the previous one, parentheses continuing a record (§5.1) — gzip
//!   compressed (ICANN CZDS help, czds.icann.org/help, and CZDS REST API documentation,
//!   github.com/icann/czds-api-client-java `docs/ICANN_CZDS_api.pdf`). A registered name is the
//!   owner of the NS records that delegate it (RFC 1034 §4.2.1): those owners are taken, once
//!   each, except the apex (the zone's own name, owner of its SOA); glue (A/AAAA of name
//!   servers) and other records are skipped.
//! - **Lists** of newly registered names: one name a line, `#` comments.
//! - **gzip** (RFC 1952) is recognised by its magic bytes `1f 8b` (§2.3.1), also for several
//!   members one after the other.
//!
//! A line that does not read (no record type, a name with forbidden characters, a line over
//! 64 KiB, an unsupported directive) is skipped and counted; the summary gives the count and
//! the first line numbers. A gzip stream cut short is an error naming the last line read.

use std::io::{self, BufRead, BufReader, Read};

use crate::model::lookalike::{Match, Matcher};

/// Longest line kept; the rest of a longer line is skipped (and the line counted as malformed).
pub const MAX_LINE: usize = 64 * 1024;
/// How many malformed line numbers the summary keeps.
pub const MALFORMED_SHOWN: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Decided by the first line that is not a comment: a `$` directive or three fields or more
    /// make a zone file, else a list.
    Auto,
    Zone,
    List,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("cannot open {path}: {source}; check the path")]
    Open { path: String, source: io::Error },
    #[error("cannot download {url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error(
        "the gzip data is cut short: it ends after line {line}, before gzip's end marker; download the file again"
    )]
    Truncated { line: u64 },
    #[error("cannot read line {line}: {source}")]
    Read { line: u64, source: io::Error },
}

/// What a scan read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScanSummary {
    /// Lines read.
    pub lines: u64,
    /// Registered names read (each once).
    pub names: u64,
    /// Lines skipped because they did not read.
    pub malformed: u64,
    /// The first malformed lines' numbers (at most [`MALFORMED_SHOWN`]).
    pub malformed_lines: Vec<u64>,
    /// Names that matched a mark.
    pub matches: u64,
}

/// Opens a file path or an `http://`/`https://` address, uncompressing gzip when the data
/// starts with gzip's magic bytes.
pub fn open(source: &str) -> Result<Box<dyn BufRead + Send>, ScanError> {
    let raw: Box<dyn Read + Send> =
        if source.starts_with("http://") || source.starts_with("https://") {
            Box::new(download(source)?)
        } else {
            Box::new(std::fs::File::open(source).map_err(|e| ScanError::Open {
                path: source.to_owned(),
                source: e,
            })?)
        };
    uncompressed(BufReader::with_capacity(256 * 1024, raw)).map_err(|e| ScanError::Open {
        path: source.to_owned(),
        source: e,
    })
}

/// `reader` itself, or its gzip-decoded content when it starts with `1f 8b` (RFC 1952 §2.3.1).
pub fn uncompressed<R: BufRead + Send + 'static>(
    mut reader: R,
) -> io::Result<Box<dyn BufRead + Send>> {
    let head = reader.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(reader),
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// Streams an http(s) body through a bounded channel (8 chunks): the download runs on its own
/// thread and waits while the scan is behind, so memory stays flat.
fn download(url: &str) -> Result<ChannelReader, ScanError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<u8>, String>>(8);
    let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<Result<(), String>>(1);
    let target = url.to_owned();
    std::thread::Builder::new()
        .name("zone-download".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            runtime.block_on(async move {
                let client = match reqwest::Client::builder()
                    .connect_timeout(std::time::Duration::from_secs(30))
                    .build()
                {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let mut response = match client.get(&target).send().await {
                    Ok(r) if r.status().is_success() => r,
                    Ok(r) => {
                        let _ = ready_tx.send(Err(format!("the server answered {}", r.status())));
                        return;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                loop {
                    match response.chunk().await {
                        Ok(Some(bytes)) => {
                            if tx.send(Ok(bytes.to_vec())).is_err() {
                                return; // the scan stopped
                            }
                        }
                        Ok(None) => return,
                        Err(e) => {
                            let _ = tx.send(Err(format!("the download broke off: {e}")));
                            return;
                        }
                    }
                }
            });
        })
        .map_err(|e| ScanError::Fetch {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(ChannelReader {
            rx,
            chunk: Vec::new(),
            at: 0,
        }),
        Ok(Err(reason)) => Err(ScanError::Fetch {
            url: url.to_owned(),
            reason,
        }),
        Err(_) => Err(ScanError::Fetch {
            url: url.to_owned(),
            reason: "the download stopped before answering".into(),
        }),
    }
}

struct ChannelReader {
    rx: std::sync::mpsc::Receiver<Result<Vec<u8>, String>>,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.chunk.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Ok(Err(reason)) => return Err(io::Error::other(reason)),
                Err(_) => return Ok(0), // the body ended
            }
        }
        let n = out.len().min(self.chunk.len() - self.at);
        out[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads registered names one at a time from a zone file or a list.
pub struct NameReader<R> {
    reader: R,
    format: Format,
    line: Vec<u8>,
    name: String,
    origin: String,
    apex: Option<String>,
    /// The last owner written out (a blank owner repeats it).
    owner: String,
    in_parentheses: bool,
    summary: ScanSummary,
}

impl<R: BufRead> NameReader<R> {
    pub fn new(reader: R, format: Format) -> Self {
        Self {
            reader,
            format,
            line: Vec::with_capacity(256),
            name: String::with_capacity(256),
            origin: String::new(),
            apex: None,
            owner: String::new(),
            in_parentheses: false,
            summary: ScanSummary::default(),
        }
    }

    /// What was read so far.
    pub fn summary(&self) -> &ScanSummary {
        &self.summary
    }

    /// The next registered name, lower case, A-label form, without the final dot; `None` at
    /// the end.
    pub fn next_name(&mut self) -> Result<Option<&str>, ScanError> {
        loop {
            let Some(too_long) = self.read_line()? else {
                return Ok(None);
            };
            self.summary.lines += 1;
            if too_long {
                self.malformed();
                continue;
            }
            let produced = match self.format {
                Format::Auto => match self.decide() {
                    None => continue,
                    Some(format) => {
                        self.format = format;
                        self.parse_line()
                    }
                },
                _ => self.parse_line(),
            };
            match produced {
                Line::Name => {
                    self.summary.names += 1;
                    return Ok(Some(&self.name));
                }
                Line::Nothing => {}
                Line::Malformed => self.malformed(),
            }
        }
    }

    fn malformed(&mut self) {
        self.summary.malformed += 1;
        if self.summary.malformed_lines.len() < MALFORMED_SHOWN {
            self.summary.malformed_lines.push(self.summary.lines);
        }
    }

    /// The format the first significant line shows, if this line is one.
    fn decide(&self) -> Option<Format> {
        let text = strip_comment(&self.line, b';');
        let text = strip_comment(text, b'#');
        let fields = text
            .split(|b| b.is_ascii_whitespace())
            .filter(|f| !f.is_empty())
            .count();
        match fields {
            0 => None,
            _ if text.first() == Some(&b'$') || fields >= 3 => Some(Format::Zone),
            _ => Some(Format::List),
        }
    }

    /// Reads one line into `self.line` (without its end), keeping at most [`MAX_LINE`] bytes.
    /// `Some(true)` when the line was longer; `None` at the end of the data.
    fn read_line(&mut self) -> Result<Option<bool>, ScanError> {
        self.line.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_error(e)),
            };
            if available.is_empty() {
                return Ok(any.then_some(too_long));
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            let room = MAX_LINE.saturating_sub(self.line.len());
            if take > room {
                too_long = true;
            }
            self.line.extend_from_slice(&available[..take.min(room)]);
            self.reader.consume(if done { take + 1 } else { take });
            if done {
                if self.line.last() == Some(&b'\r') {
                    self.line.pop();
                }
                return Ok(Some(too_long));
            }
        }
    }

    fn read_error(&self, e: io::Error) -> ScanError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            ScanError::Truncated {
                line: self.summary.lines,
            }
        } else {
            ScanError::Read {
                line: self.summary.lines + 1,
                source: e,
            }
        }
    }

    fn parse_line(&mut self) -> Line {
        // Lent out while parsing, so the parsers can update the reader's state.
        let line = std::mem::take(&mut self.line);
        let parsed = match self.format {
            Format::List => self.parse_list_line(&line),
            _ => self.parse_zone_line(&line),
        };
        self.line = line;
        parsed
    }

    fn parse_list_line(&mut self, line: &[u8]) -> Line {
        let text = strip_comment(line, b'#');
        let text = text.trim_ascii();
        if text.is_empty() {
            return Line::Nothing;
        }
        let text = text.strip_suffix(b".").unwrap_or(text);
        if !is_name(text) || !text.contains(&b'.') {
            return Line::Malformed;
        }
        // RFC 4343: case does not matter; the matcher expects lower case.
        self.emit(&text.to_ascii_lowercase())
    }

    fn parse_zone_line(&mut self, line: &[u8]) -> Line {
        let text = strip_comment(line, b';');
        // RFC 1035 §5.1: parentheses continue a record over several lines.
        let opens = text.iter().filter(|&&b| b == b'(').count();
        let closes = text.iter().filter(|&&b| b == b')').count();
        if self.in_parentheses {
            if closes > opens {
                self.in_parentheses = false;
            }
            return Line::Nothing;
        }
        if opens > closes {
            self.in_parentheses = true;
        }
        let blank_owner = text.first().is_some_and(|b| b.is_ascii_whitespace());
        let mut fields = text
            .split(|b| b.is_ascii_whitespace())
            .filter(|f| !f.is_empty());
        let Some(first) = fields.next() else {
            return Line::Nothing;
        };
        if first.starts_with(b"$") {
            return self.directive(first, fields.next());
        }
        let (owner, mut rest): (Option<&[u8]>, Vec<&[u8]>) = if blank_owner {
            (None, std::iter::once(first).chain(fields).collect())
        } else {
            (Some(first), fields.collect())
        };
        // [TTL] [class] type, TTL and class in either order (RFC 1035 §5.1)
        let mut skipped = 0;
        while skipped < 2 && !rest.is_empty() && (is_ttl(rest[0]) || is_class(rest[0])) {
            rest.remove(0);
            skipped += 1;
        }
        let Some(kind) = rest.first().copied() else {
            return Line::Malformed;
        };
        if !is_type(kind) || rest.len() < 2 {
            return Line::Malformed;
        }
        let owner: Vec<u8> = match owner {
            None => return Line::Nothing, // the previous owner again: already written out
            Some(b"@") => self.origin.as_bytes().to_vec(),
            Some(o) if o.ends_with(b".") => o.to_vec(),
            Some(o) if !self.origin.is_empty() => [o, b".", self.origin.as_bytes()].concat(),
            Some(_) => return Line::Malformed, // a relative name with no $ORIGIN
        };
        let owner = owner.to_ascii_lowercase();
        let owner = owner.strip_suffix(b".").unwrap_or(&owner);
        if !is_name(owner) {
            return Line::Malformed;
        }
        if kind.eq_ignore_ascii_case(b"SOA") && self.apex.is_none() {
            self.apex = Some(String::from_utf8_lossy(owner).into_owned());
        }
        if !kind.eq_ignore_ascii_case(b"NS") {
            return Line::Nothing;
        }
        let apex = self.apex.as_deref().unwrap_or(&self.origin);
        if owner == apex.as_bytes() || owner == self.origin.as_bytes() || !owner.contains(&b'.') {
            return Line::Nothing;
        }
        let owner = owner.to_vec();
        self.emit(&owner)
    }

    fn directive(&mut self, name: &[u8], value: Option<&[u8]>) -> Line {
        if name.eq_ignore_ascii_case(b"$TTL") {
            return Line::Nothing;
        }
        if name.eq_ignore_ascii_case(b"$ORIGIN")
            && let Some(v) = value
        {
            let v = v.to_ascii_lowercase();
            let origin = if v.ends_with(b".") {
                v[..v.len() - 1].to_vec()
            } else if self.origin.is_empty() {
                v
            } else {
                [&v[..], b".", self.origin.as_bytes()].concat()
            };
            if is_name(&origin) || origin.is_empty() {
                self.origin = String::from_utf8_lossy(&origin).into_owned();
                return Line::Nothing;
            }
        }
        // $INCLUDE would read another file; $GENERATE is BIND's: neither is in CZDS files.
        Line::Malformed
    }

    /// Writes out `name` unless it repeats the previous one.
    fn emit(&mut self, name: &[u8]) -> Line {
        if self.owner.as_bytes() == name {
            return Line::Nothing;
        }
        self.owner.clear();
        self.owner
            .push_str(std::str::from_utf8(name).unwrap_or_default());
        self.name.clear();
        self.name.push_str(&self.owner);
        Line::Name
    }
}

enum Line {
    Name,
    Nothing,
    Malformed,
}

fn strip_comment(line: &[u8], mark: u8) -> &[u8] {
    match memchr::memchr(mark, line) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// RFC 1035 §2.3.1 letters, digits and hyphens (plus `_` and `*`, which zones hold in service
/// and wildcard owners), labels of 1–63 bytes, 253 in all.
fn is_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split(|&b| b == b'.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'*')
        })
}

/// A TTL: digits, or BIND's units (`1h30m`), as zone files write them.
fn is_ttl(field: &[u8]) -> bool {
    field.first().is_some_and(u8::is_ascii_digit)
        && field
            .iter()
            .all(|b| b.is_ascii_digit() || b"smhdwSMHDW".contains(b))
}

/// A record type's mnemonic (IANA's DNS parameters registry, the types zones hold) or the
/// generic `TYPEnnn` (RFC 3597 §5).
fn is_type(field: &[u8]) -> bool {
    const TYPES: [&[u8]; 36] = [
        b"A",
        b"NS",
        b"CNAME",
        b"SOA",
        b"PTR",
        b"HINFO",
        b"MX",
        b"TXT",
        b"RP",
        b"AFSDB",
        b"AAAA",
        b"LOC",
        b"SRV",
        b"NAPTR",
        b"KX",
        b"CERT",
        b"DNAME",
        b"APL",
        b"DS",
        b"SSHFP",
        b"IPSECKEY",
        b"RRSIG",
        b"NSEC",
        b"DNSKEY",
        b"DHCID",
        b"NSEC3",
        b"NSEC3PARAM",
        b"TLSA",
        b"SMIMEA",
        b"CDS",
        b"CDNSKEY",
        b"OPENPGPKEY",
        b"CSYNC",
        b"ZONEMD",
        b"SVCB",
        b"HTTPS",
    ];
    const MORE: [&[u8]; 4] = [b"SPF", b"URI", b"CAA", b"WKS"];
    TYPES
        .iter()
        .chain(MORE.iter())
        .any(|t| field.eq_ignore_ascii_case(t))
        || (field.len() > 4
            && field[..4].eq_ignore_ascii_case(b"TYPE")
            && field[4..].iter().all(u8::is_ascii_digit))
}

/// RFC 1035 §3.2.4 classes.
fn is_class(field: &[u8]) -> bool {
    [&b"IN"[..], b"CH", b"HS", b"CS"]
        .iter()
        .any(|c| field.eq_ignore_ascii_case(c))
}

/// Tests every name `names` reads against `matcher`, calling `on_match` with the name (A-label,
/// no final dot) and the match for each one that imitates a mark.
pub fn scan<R: BufRead, K>(
    names: &mut NameReader<R>,
    matcher: &Matcher<K>,
    mut on_match: impl FnMut(&str, Match<'_, K>),
) -> Result<ScanSummary, ScanError> {
    let mut matches = 0;
    while let Some(name) = names.next_name()? {
        if let Some(found) = matcher.match_name(name) {
            matches += 1;
            on_match(name, found);
        }
    }
    let mut summary = names.summary().clone();
    summary.matches = matches;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, format: Format) -> (Vec<String>, ScanSummary) {
        let mut reader = NameReader::new(text.as_bytes(), format);
        let mut out = Vec::new();
        while let Some(n) = reader.next_name().unwrap() {
            out.push(n.to_owned());
        }
        (out, reader.summary().clone())
    }

    #[test]
    fn a_czds_zone_file() {
        // RFC 1035 §5.1 master file as CZDS serves it: absolute owners, one record a line
        let zone = "\
$ORIGIN com.
$TTL 86400
com.\t86400\tin\tsoa\ta.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
com.\t172800\tin\tns\ta.gtld-servers.net.
northwind.com.\t172800\tin\tns\tns1.northwind.com.
northwind.com.\t172800\tin\tns\tns2.northwind.com.
ns1.northwind.com.\t172800\tin\ta\t192.0.2.1
Example.COM. 3600 IN NS ns.example.net. ; a comment
  3600 IN NS ns2.example.net.
relative 3600 IN NS ns.example.net.
@ 3600 IN NS ns.example.net.
this line is broken
bad_name!.com. 3600 IN NS ns.example.net.
$INCLUDE other.zone
";
        let (found, summary) = names(zone, Format::Auto);
        assert_eq!(found, ["northwind.com", "example.com", "relative.com"]);
        assert_eq!(summary.names, 3);
        assert_eq!(summary.malformed, 3);
        assert_eq!(summary.malformed_lines, [12, 13, 14]);
    }

    #[test]
    fn a_list_of_new_names() {
        let list = "# new today\nnorthwind-login.com\nNorthwind-Login.com.\n\nnot a name\nxn--nrthwind-9mf.com\nlocalhost\n";
        let (found, summary) = names(list, Format::Auto);
        assert_eq!(found, ["northwind-login.com", "xn--nrthwind-9mf.com"]);
        assert_eq!(summary.malformed_lines, [5, 7]);
    }

    #[test]
    fn parentheses_continue_a_record() {
        let zone = "$ORIGIN fr.\nfr. 3600 IN SOA ns. host. (\n 1 2 3\n 4 5 )\nacme.fr. 3600 IN NS ns.acme.fr.\n";
        let (found, summary) = names(zone, Format::Zone);
        assert_eq!(found, ["acme.fr"]);
        assert_eq!(summary.malformed, 0);
    }

    #[test]
    fn an_overlong_line_is_skipped() {
        let text = format!("a.com\n{}\nb.com\n", "x".repeat(MAX_LINE + 10));
        let (found, summary) = names(&text, Format::List);
        assert_eq!(found, ["a.com", "b.com"]);
        assert_eq!(summary.malformed_lines, [2]);
    }
}
