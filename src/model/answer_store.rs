//! How a registry answer's bytes are kept: once per SHA-256 (a name asked every hour mostly
//! gets the same answer back), compressed with zlib (RFC 1950: a DEFLATE stream, RFC 1951, with
//! an Adler-32 check; https://www.rfc-editor.org/rfc/rfc1950 §2.2; docs/registries.md §10) when that makes them smaller, as
//! received otherwise. Reading them back checks the size and the SHA-256, so the raw answer
//! page and the evidence export give the bytes the registry sent, or an error, never other
//! bytes.

use std::io::{Read, Write};

use crate::model::digest::sha256_hex;

crate::text_enum! {
    /// How `registry_answers.body` holds an answer's bytes.
    pub enum AnswerCompression ("answer compression") {
        /// As received (small answers, and answers moved by the migration until compressed).
        None => "none",
        /// zlib, RFC 1950.
        Zlib => "zlib",
    }
}

/// An answer as stored: its hash (the key), how it is held, its size as received, the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub sha256: String,
    pub method: AnswerCompression,
    pub size: i64,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AnswerError {
    #[error("no answer is stored with the SHA-256 {sha256}")]
    Missing { sha256: String },
    #[error("the stored answer {sha256} cannot be inflated: {message}")]
    Inflate { sha256: String, message: String },
    #[error("the stored answer {sha256} has {found} bytes, not the {expected} received")]
    Size {
        sha256: String,
        expected: i64,
        found: usize,
    },
    #[error("the stored answer {sha256} no longer has that SHA-256 (it has {found})")]
    Hash { sha256: String, found: String },
}

/// The stored form of `raw`, compressed when that saves space. The level is zlib's default (6):
/// registry JSON shrinks about fourfold, and each distinct answer is compressed once.
pub fn store(raw: &[u8]) -> StoredAnswer {
    store_hashed(raw, sha256_hex(raw))
}

/// [`store`] for bytes whose SHA-256 the caller has computed already.
pub fn store_hashed(raw: &[u8], sha256: String) -> StoredAnswer {
    let size = i64::try_from(raw.len()).unwrap_or(i64::MAX);
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(raw.len() / 3),
        flate2::Compression::default(),
    );
    let compressed = encoder
        .write_all(raw)
        .and_then(|()| encoder.finish())
        .ok()
        .filter(|body| body.len() < raw.len());
    match compressed {
        Some(body) => StoredAnswer {
            sha256,
            method: AnswerCompression::Zlib,
            size,
            body,
        },
        None => StoredAnswer {
            sha256,
            method: AnswerCompression::None,
            size,
            body: raw.to_vec(),
        },
    }
}

impl StoredAnswer {
    /// The bytes as received, checked against the size and the hash kept with them.
    pub fn restore(self) -> Result<Vec<u8>, AnswerError> {
        let raw = match self.method {
            AnswerCompression::None => self.body,
            AnswerCompression::Zlib => {
                let expected = usize::try_from(self.size).unwrap_or(0);
                // Never more than the size recorded, plus one byte to notice a longer stream.
                let limit = u64::try_from(self.size).unwrap_or(0).saturating_add(1);
                let mut raw = Vec::with_capacity(expected.min(crate::registry::MAX_ANSWER_BYTES));
                flate2::read::ZlibDecoder::new(self.body.as_slice())
                    .take(limit)
                    .read_to_end(&mut raw)
                    .map_err(|e| AnswerError::Inflate {
                        sha256: self.sha256.clone(),
                        message: e.to_string(),
                    })?;
                raw
            }
        };
        if i64::try_from(raw.len()).ok() != Some(self.size) {
            return Err(AnswerError::Size {
                sha256: self.sha256,
                expected: self.size,
                found: raw.len(),
            });
        }
        let found = sha256_hex(&raw);
        if found != self.sha256 {
            return Err(AnswerError::Hash {
                sha256: self.sha256,
                found,
            });
        }
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RDAP: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rdap/com_google.com_verisign.json"
    ));

    #[test]
    fn answers_come_back_byte_for_byte_whatever_the_method() {
        // (case, bytes, method expected)
        let whois = b"Domain Name: EXAMPLE.COM\r\nRegistry Expiry Date: 2027-08-13T04:00:00Z\r\n"
            .repeat(20);
        let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        let cases: [(&str, &[u8], AnswerCompression); 5] = [
            // A real registry answer (RFC 9083 JSON) shrinks: zlib.
            ("RDAP JSON", RDAP, AnswerCompression::Zlib),
            ("WHOIS text", &whois, AnswerCompression::Zlib),
            ("bytes that are not text", &binary, AnswerCompression::Zlib),
            // A 404's empty body, or a tiny one, would grow (RFC 1950 adds 6 bytes): as received.
            ("empty answer", b"", AnswerCompression::None),
            ("tiny answer", b"{}", AnswerCompression::None),
        ];
        for (case, raw, method) in cases {
            let stored = store(raw);
            assert_eq!(stored.method, method, "{case}");
            assert_eq!(stored.sha256, sha256_hex(raw), "{case}");
            assert_eq!(stored.size, raw.len() as i64, "{case}");
            if method == AnswerCompression::Zlib {
                assert!(stored.body.len() < raw.len(), "{case}: smaller");
            }
            assert_eq!(stored.restore().unwrap(), raw, "{case}");
        }
    }

    #[test]
    fn damaged_answers_are_refused_not_returned() {
        let good = store(RDAP);
        let mut flipped = good.clone();
        let middle = flipped.body.len() / 2;
        flipped.body[middle] ^= 0x55;
        assert!(
            matches!(
                flipped.restore(),
                Err(AnswerError::Inflate { .. }
                    | AnswerError::Size { .. }
                    | AnswerError::Hash { .. })
            ),
            "a flipped byte is noticed (Adler-32, size or SHA-256)"
        );
        let wrong_size = StoredAnswer {
            size: good.size - 1,
            ..good.clone()
        };
        assert!(matches!(
            wrong_size.clone().restore(),
            Err(AnswerError::Size { .. })
        ));
        let wrong_hash = StoredAnswer {
            sha256: sha256_hex(b"other"),
            ..good.clone()
        };
        assert!(matches!(
            wrong_hash.restore(),
            Err(AnswerError::Hash { .. })
        ));
        let raw = StoredAnswer {
            method: AnswerCompression::None,
            ..wrong_size.clone()
        };
        assert!(matches!(raw.restore(), Err(AnswerError::Size { .. })));
    }
}
