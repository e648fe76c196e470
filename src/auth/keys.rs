//! The instance's secret key and the keys derived from it. One secret (given in
//! `RECLAIM_SECRET_KEY`, or generated once and kept in `var/secret.key`) yields a separate key per
//! use, so that a token made for one purpose never verifies for another.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Settings;

pub const SECRET_FILE_NAME: &str = "secret.key";

#[derive(Clone)]
pub struct Keys {
    /// Signs and encrypts the session cookie.
    pub cookie: actix_web::cookie::Key,
    /// Signs tokens in links (setup, unsubscribe, calendar feeds).
    pub link_tokens: [u8; 32],
    /// Seals two-factor secrets at rest and keys the hashes of recovery codes: a copy of the
    /// database alone neither yields the secrets nor checks guessed codes.
    pub two_factor: [u8; 32],
    /// Seals the credentials of the firm's catch service accounts (`auth::sealed`).
    pub catch_credentials: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys([redacted])")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the secret key file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot write the secret key file {path}: {source}; make the var directory writable or set RECLAIM_SECRET_KEY"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the secret key file {0} is damaged (it must hold at least 64 hexadecimal characters); restore it from a backup, or delete it to make a new one, which signs everyone out and invalidates links already sent"
    )]
    Damaged(PathBuf),
}

impl Keys {
    /// Uses the configured secret, or the one kept in the var directory, generating it on the
    /// first run.
    pub fn load_or_create(settings: &Settings) -> Result<Self, KeyError> {
        match &settings.secret_key {
            Some(secret) => Ok(Self::from_secret(secret.expose().as_bytes())),
            None => {
                let secret = read_or_create_secret_file(&settings.var_dir.join(SECRET_FILE_NAME))?;
                Ok(Self::from_secret(&secret))
            }
        }
    }

    pub fn from_secret(secret: &[u8]) -> Self {
        let cookie_material: Vec<u8> =
            [derive(secret, "cookie-1"), derive(secret, "cookie-2")].concat();
        Self {
            cookie: actix_web::cookie::Key::from(&cookie_material),
            link_tokens: derive(secret, "link-tokens"),
            two_factor: derive(secret, "two-factor"),
            catch_credentials: derive(secret, "catch-credentials"),
        }
    }
}

fn derive(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(b"reclaim key derivation: ");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

fn read_or_create_secret_file(path: &Path) -> Result<Vec<u8>, KeyError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let hex = text.trim();
            if hex.len() < 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(KeyError::Damaged(path.to_owned()));
            }
            Ok(hex.as_bytes().to_vec())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hex = crate::model::digest::hex(&super::tokens::random_bytes::<64>());
            write_private(path, hex.as_bytes()).map_err(|source| KeyError::Write {
                path: path.to_owned(),
                source,
            })?;
            Ok(hex.into_bytes())
        }
        Err(source) => Err(KeyError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Creates the file readable by its owner only; refuses to overwrite one that appeared
/// meanwhile (another instance starting at the same moment).
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            var_dir: dir.path().to_owned(),
            ..Settings::default()
        };
        let first = Keys::load_or_create(&settings).unwrap();
        let second = Keys::load_or_create(&settings).unwrap();
        assert_eq!(first.link_tokens, second.link_tokens);
        let text = std::fs::read_to_string(dir.path().join(SECRET_FILE_NAME)).unwrap();
        assert_eq!(text.trim().len(), 128);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the key file must not be readable by others"
            );
        }
    }

    #[test]
    fn a_damaged_secret_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SECRET_FILE_NAME), "not hex").unwrap();
        let settings = Settings {
            var_dir: dir.path().to_owned(),
            ..Settings::default()
        };
        let err = Keys::load_or_create(&settings).unwrap_err().to_string();
        assert!(err.contains("damaged"), "{err}");
    }

    #[test]
    fn each_purpose_has_its_own_key() {
        let keys = Keys::from_secret(&[7u8; 40]);
        assert_ne!(&keys.link_tokens[..], &keys.cookie.master()[..32]);
        assert_ne!(keys.link_tokens, keys.two_factor);
    }
}
