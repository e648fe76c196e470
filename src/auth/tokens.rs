//! Unguessable tokens. Every token that leaves the server (API tokens, links in mail and in the
//! console) carries at least 192 random bits; tokens in links are also signed, so a forged or
//! altered one is refused before any lookup. Only a SHA-256 of a token is ever stored.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// API tokens start with this, so that secret scanners and people recognise them.
pub const API_TOKEN_PREFIX: &str = "rcl_";

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf
}

/// The form in which a token is stored and looked up.
pub fn token_hash(token: &str) -> String {
    crate::model::digest::sha256_hex(token.as_bytes())
}

/// A random value for forms (CSRF) and other short-lived secrets.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A new API token: `rcl_` and 256 random bits.
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token())
}

/// The last characters of a token, shown in lists so that people can tell tokens apart.
pub fn token_hint(token: &str) -> String {
    let tail: String = token
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

/// Signs `payload` for one purpose: `base64(payload).base64(mac)`.
pub fn sign(key: &[u8; 32], purpose: &str, payload: &[u8]) -> String {
    let mac = mac_for(key, purpose, payload).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(&mac[..20])
    )
}

/// The payload of a token signed for `purpose`, or nothing when the token was forged, altered,
/// truncated or made for another purpose. The comparison takes constant time.
pub fn verify(key: &[u8; 32], purpose: &str, token: &str) -> Option<Vec<u8>> {
    let (payload_b64, mac_b64) = token.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload_b64).ok()?;
    let given = URL_SAFE_NO_PAD.decode(mac_b64).ok()?;
    if given.len() != 20 {
        return None;
    }
    mac_for(key, purpose, &payload)
        .verify_truncated_left(&given)
        .ok()
        .map(|()| payload)
}

/// A new signed token carrying only randomness, for one-time links.
pub fn new_signed_link_token(key: &[u8; 32], purpose: &str) -> String {
    sign(key, purpose, &random_bytes::<24>())
}

fn mac_for(key: &[u8; 32], purpose: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts 32-byte keys");
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(payload);
    mac
}

/// Compares two secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [42; 32];

    #[test]
    fn a_signed_token_verifies_only_unaltered_and_for_its_purpose() {
        let token = sign(&KEY, "setup", b"payload");
        assert_eq!(
            verify(&KEY, "setup", &token).as_deref(),
            Some(&b"payload"[..])
        );
        assert_eq!(verify(&KEY, "unsubscribe", &token), None, "other purpose");
        assert_eq!(verify(&[1; 32], "setup", &token), None, "other key");

        let (payload, mac) = token.split_once('.').unwrap();
        let mut altered = mac.as_bytes().to_vec();
        altered[0] = if altered[0] == b'A' { b'B' } else { b'A' };
        let altered = format!("{payload}.{}", String::from_utf8(altered).unwrap());
        assert_eq!(verify(&KEY, "setup", &altered), None, "altered mac");
        let other_payload = format!("{}.{mac}", URL_SAFE_NO_PAD.encode(b"payloae"));
        assert_eq!(
            verify(&KEY, "setup", &other_payload),
            None,
            "altered payload"
        );
        for junk in [
            "",
            ".",
            "abc",
            "abc.",
            ".abc",
            "!!!.???",
            &token[..token.len() - 2],
        ] {
            assert_eq!(verify(&KEY, "setup", junk), None, "{junk:?}");
        }
    }

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = new_api_token();
        let b = new_api_token();
        assert_ne!(a, b);
        assert!(a.starts_with(API_TOKEN_PREFIX));
        assert_eq!(a.len(), API_TOKEN_PREFIX.len() + 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(token_hint("rcl_abcdef"), "…cdef");
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
