//! Password hashing with Argon2id (the argon2 crate's defaults: 19 MiB, 2 passes, 1 lane, as
//! OWASP's Password Storage Cheat Sheet recommends). Hashing is slow on purpose: callers on the
//! async side run it on the blocking pool.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::model::user::NewPassword;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("the password check stopped before it finished")]
    Cancelled,
    #[error("the stored password hash is damaged; an administrator must reset this password")]
    DamagedHash,
}

pub fn hash(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(stored).map_err(|_| PasswordError::DamagedHash)?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// [`hash`] on the blocking thread pool, for async callers.
pub async fn hash_in_background(password: NewPassword) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash(password.expose()))
        .await
        .map_err(|_| PasswordError::Cancelled)?
}

/// Checks `password` against the stored hash on the blocking thread pool; with no stored hash
/// (no such account) it spends the same time and answers no.
pub async fn verify_in_background(
    password: String,
    stored: Option<String>,
) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify(&password, &stored),
        None => {
            verify_against_dummy(&password);
            Ok(false)
        }
    })
    .await
    .map_err(|_| PasswordError::Cancelled)?
}

/// Spends the same time as a real check when the account does not exist, so response times do
/// not reveal which e-mail addresses have accounts.
fn verify_against_dummy(password: &str) {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash(&super::tokens::random_token()).unwrap_or_default());
    let _ = verify(password, &DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted_argon2id() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse battery", &stored).unwrap());
        assert!(!verify("correct horse batterie", &stored).unwrap());
        assert_ne!(stored, hash("correct horse battery").unwrap(), "salted");
        assert!(matches!(
            verify("x", "not a hash"),
            Err(PasswordError::DamagedHash)
        ));
    }
}
