//! The evidence export: every registry answer kept for a name, byte for byte, with a manifest of
//! times, servers and SHA-256 sums, in one ZIP file suitable as an annex to a complaint.

use std::io::{Cursor, Write};

use chrono::{Datelike, Timelike};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::model::csv::write_row;
use crate::model::monitoring::{Snapshot, Source};

#[derive(Debug, thiserror::Error)]
#[error("cannot build the evidence file: {0}")]
pub struct EvidenceError(String);

fn extension(snapshot: &Snapshot) -> &'static str {
    match snapshot.source {
        Source::Rdap | Source::RdapRegistrar => "json",
        Source::Whois | Source::WhoisRegistrar => "txt",
    }
}

/// The ZIP: `answers/NNNN-<time>-<source>.<ext>` for each answer, `manifest.csv`, `README.txt`.
pub fn evidence_zip(
    unicode: &str,
    ascii: &str,
    snapshots: &[Snapshot],
) -> Result<Vec<u8>, EvidenceError> {
    let err = |e: &dyn std::fmt::Display| EvidenceError(e.to_string());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut manifest = write_row(&[
        "file",
        "fetched_at_utc",
        "source",
        "server",
        "http_status",
        "bytes",
        "sha256",
        "registered",
        "phase",
    ]);
    for (index, snapshot) in snapshots.iter().enumerate() {
        let at = snapshot.fetched_at;
        let name = format!(
            "answers/{:04}-{}-{}.{}",
            index + 1,
            at.format("%Y%m%dT%H%M%SZ"),
            snapshot.source,
            extension(snapshot)
        );
        let modified = zip::DateTime::from_date_and_time(
            u16::try_from(at.year()).unwrap_or(1980),
            u8::try_from(at.month()).unwrap_or(1),
            u8::try_from(at.day()).unwrap_or(1),
            u8::try_from(at.hour()).unwrap_or(0),
            u8::try_from(at.minute()).unwrap_or(0),
            u8::try_from(at.second()).unwrap_or(0),
        )
        .unwrap_or_default();
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(modified);
        zip.start_file(&name, options).map_err(|e| err(&e))?;
        zip.write_all(&snapshot.raw).map_err(|e| err(&e))?;
        manifest.push_str(&write_row(&[
            &name,
            &at.and_utc().to_rfc3339(),
            snapshot.source.as_str(),
            &snapshot.server,
            &snapshot
                .http_status
                .map(|s| s.to_string())
                .unwrap_or_default(),
            &snapshot.raw.len().to_string(),
            &snapshot.sha256,
            if snapshot.registered { "yes" } else { "no" },
            snapshot.phase.as_str(),
        ]));
    }
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("manifest.csv", options)
        .map_err(|e| err(&e))?;
    zip.write_all(manifest.as_bytes()).map_err(|e| err(&e))?;
    let readme = format!(
        "Registry answers for {unicode} ({ascii})\r\n\r\n\
         Each file under answers/ is a registry's answer exactly as received (RDAP JSON, or WHOIS\r\n\
         text), named by its order and the UTC time it was fetched. manifest.csv lists, for each\r\n\
         file, when it was fetched, from which server, the HTTP status, its size and its SHA-256.\r\n\
         To check a file: sha256sum answers/<file> and compare with the manifest.\r\n\r\n\
         {} answer(s). Exported by reclaim.\r\n",
        snapshots.len()
    );
    zip.start_file("README.txt", options).map_err(|e| err(&e))?;
    zip.write_all(readme.as_bytes()).map_err(|e| err(&e))?;
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}
