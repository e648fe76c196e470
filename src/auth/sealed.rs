//! Secrets kept in the database, sealed: AES-256-GCM (NIST SP 800-38D) under a key derived from
//! the instance's secret key (`auth::keys`), with a context (the record's id) as associated
//! data, so that a sealed value copied onto another record does not open. The text stored is the
//! base64 of a random 96-bit nonce followed by the ciphertext and its tag.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

const NONCE_LEN: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error(
        "a sealed secret could not be opened: it was sealed under another secret key (RECLAIM_SECRET_KEY or var/secret.key changed) or altered"
    )]
    Unreadable,
}

/// Seals `secret` under `key`, bound to `context`.
pub fn seal(key: &[u8; 32], context: &str, secret: &[u8]) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).expect("the operating system gives random bytes");
    let sealed = Aes256Gcm::new(key.into())
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: context.as_bytes(),
            },
        )
        .expect("AES-GCM seals any message shorter than 64 GB");
    BASE64.encode([nonce.as_slice(), sealed.as_slice()].concat())
}

/// Opens what [`seal`] sealed, with the same key and context.
pub fn open(key: &[u8; 32], context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
    let bytes = BASE64.decode(sealed).map_err(|_| SealError::Unreadable)?;
    if bytes.len() < NONCE_LEN {
        return Err(SealError::Unreadable);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    Aes256Gcm::new(key.into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SealError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_context() {
        let key = [7u8; 32];
        let sealed = seal(&key, "account-1", b"dc-secret");
        assert!(!sealed.contains("dc-secret"));
        assert_eq!(open(&key, "account-1", &sealed).unwrap(), b"dc-secret");
        assert_ne!(
            seal(&key, "account-1", b"dc-secret"),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(
            open(&[8u8; 32], "account-1", &sealed),
            Err(SealError::Unreadable)
        );
        assert_eq!(open(&key, "account-2", &sealed), Err(SealError::Unreadable));
        assert_eq!(
            open(&key, "account-1", "not base64!"),
            Err(SealError::Unreadable)
        );
        assert_eq!(open(&key, "account-1", "AAAA"), Err(SealError::Unreadable));
        let mut altered = BASE64.decode(&sealed).unwrap();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert_eq!(
            open(&key, "account-1", &BASE64.encode(altered)),
            Err(SealError::Unreadable)
        );
    }
}
