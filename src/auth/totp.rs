//! Two-factor sign-in codes: HOTP (RFC 4226) and TOTP (RFC 6238) with SHA-1, 6 digits and a
//! 30-second step, as every authenticator app does by default; base32 secrets (RFC 4648 §6) in
//! `otpauth://` links (Google Authenticator's Key Uri Format) and their QR code; the sealing of
//! secrets at rest (with `auth::sealed`); and recovery codes. Pure functions: the caller gives the time.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

pub use crate::auth::sealed::SealError;
use crate::auth::tokens::{constant_time_eq, random_bytes};

/// Digits of a code (RFC 6238 §5.3 allows 6 to 8; apps show 6).
pub const DIGITS: u32 = 6;
/// Seconds per step (RFC 6238 §5.2 recommends 30).
pub const STEP_SECS: i64 = 30;
/// Steps accepted either side of the current one, for clock drift and typing time (RFC 6238
/// §5.2 recommends at most one).
pub const TOLERANCE_STEPS: i64 = 1;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("Enter the 6-digit code that your authenticator app shows for reclaim.")]
    Malformed,
    #[error(
        "This code is not right. Check that your phone's clock is set automatically and enter the code shown now."
    )]
    Wrong,
    #[error(
        "This code was already used. Wait for the next code (at most 30 seconds) and enter it."
    )]
    Reused,
}

/// A TOTP secret: 160 bits, the length RFC 4226 §4 (R6) recommends.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl Secret {
    pub fn generate() -> Self {
        Self(random_bytes::<20>().to_vec())
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }

    /// A secret typed or copied as base32 (spaces and case ignored), as apps and the enrolment
    /// page show it.
    pub fn from_base32(text: &str) -> Option<Self> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        data_encoding::BASE32_NOPAD
            .decode(compact.trim_end_matches('=').as_bytes())
            .ok()
            .map(Self)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Base32 without padding (RFC 4648 §6), as authenticator apps take it.
    pub fn base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// The base32 text in groups of four, easier to type by hand.
    pub fn base32_grouped(&self) -> String {
        let text = self.base32();
        let groups: Vec<&str> = text
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        groups.join(" ")
    }

    /// The `otpauth://totp/…` link that authenticator apps read from the QR code (Key Uri
    /// Format: label `issuer:account`, then secret, issuer and the parameters we use).
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            percent_encode(issuer),
            percent_encode(account),
            self.base32(),
            percent_encode(issuer),
        )
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters and `@` (which apps show as is).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// HOTP (RFC 4226 §5.3): HMAC-SHA-1 of the counter, dynamic truncation, `digits` decimal digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac =
        <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The TOTP step of a Unix time (RFC 6238 §4.2, T0 = 0).
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The 6-digit code of a step, zero-padded.
pub fn code_for_step(secret: &Secret, step: i64) -> String {
    let counter = u64::try_from(step).unwrap_or(0);
    format!(
        "{:0width$}",
        hotp(secret.as_bytes(), counter, DIGITS),
        width = DIGITS as usize
    )
}

/// The code an authenticator app shows at `unix_secs`.
pub fn code_at(secret: &Secret, unix_secs: i64) -> String {
    code_for_step(secret, step_at(unix_secs))
}

/// Checks a typed code at `unix_secs`, one step either side. Returns the step it matched, which
/// the caller records: a code of a step at or before `last_step` is refused (RFC 6238 §5.2: a
/// verifier must not accept the same OTP twice).
pub fn verify(
    secret: &Secret,
    typed: &str,
    unix_secs: i64,
    last_step: Option<i64>,
) -> Result<i64, CodeError> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::Malformed);
    }
    let now = step_at(unix_secs);
    let mut reused = false;
    // Latest step first, so that a fresh code wins over an older one equal by chance.
    for step in (now - TOLERANCE_STEPS..=now + TOLERANCE_STEPS).rev() {
        if !constant_time_eq(code_for_step(secret, step).as_bytes(), code.as_bytes()) {
            continue;
        }
        if last_step.is_some_and(|last| step <= last) {
            reused = true;
            continue;
        }
        return Ok(step);
    }
    Err(if reused {
        CodeError::Reused
    } else {
        CodeError::Wrong
    })
}

/// The enrolment QR code of `text` as an SVG element (drawn with `fill` attributes, not styles,
/// which the Content-Security-Policy would block).
pub fn qr_svg(text: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        // Only a text longer than a QR code holds (about 2 kB) fails; ours is ~150 bytes.
        return String::new();
    };
    let border = 4;
    let size = qr.size() + 2 * border;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="200" height="200" role="img" aria-label="QR code to scan with your authenticator app" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#ffffff"/><path d="{path}" fill="#000000"/></svg>"##
    )
}

/// Seals a secret for the database (`auth::sealed`: AES-256-GCM), bound to `context` (the
/// user's id, so that a row copied to another account does not open).
pub fn seal(key: &[u8; 32], context: &str, secret: &Secret) -> String {
    crate::auth::sealed::seal(key, context, secret.as_bytes())
}

/// Opens a secret sealed by [`seal`] with the same key and context.
pub fn open(key: &[u8; 32], context: &str, sealed: &str) -> Result<Secret, SealError> {
    crate::auth::sealed::open(key, context, sealed).map(Secret)
}

/// Fresh recovery codes: 10 lowercase base32 characters each (50 bits), as `abcde-fghij`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let text = data_encoding::BASE32_NOPAD
                .encode(&random_bytes::<7>())
                .to_lowercase();
            format!("{}-{}", &text[0..5], &text[5..10])
        })
        .collect()
}

/// Whether a typed text looks like a recovery code rather than an app's code.
pub fn looks_like_recovery_code(typed: &str) -> bool {
    normalize_recovery_code(typed).len() == 10
}

/// A typed recovery code without case, spaces or dashes.
fn normalize_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The keyed hash a recovery code is stored as. The codes are random and long, so a keyed
/// HMAC-SHA-256 is enough (a slow password hash protects guessable secrets, which they are not),
/// and the key keeps a copy of the database from checking guesses offline.
pub fn recovery_code_hash(key: &[u8; 32], typed: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(normalize_recovery_code(typed).as_bytes());
    crate::model::digest::hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SEED: &[u8] = b"12345678901234567890";

    /// RFC 4226 Appendix D: HOTP values of the test secret for counts 0 to 9.
    #[test]
    fn hotp_matches_rfc_4226_appendix_d() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (count, value) in expected.into_iter().enumerate() {
            assert_eq!(hotp(RFC_SEED, count as u64, 6), value, "count {count}");
        }
    }

    /// RFC 6238 Appendix B: the SHA-1 rows (8 digits, 30-second step, T0 = 0).
    #[test]
    fn totp_matches_rfc_6238_appendix_b() {
        let cases: [(i64, u32); 6] = [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ];
        for (time, value) in cases {
            let step = u64::try_from(step_at(time)).unwrap();
            assert_eq!(hotp(RFC_SEED, step, 8), value, "T = {time}");
        }
        // Six digits are the last six of the eight.
        let secret = Secret::from_bytes(RFC_SEED);
        assert_eq!(code_at(&secret, 59), "287082");
        assert_eq!(code_at(&secret, 1111111109), "081804");
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_twice() {
        let secret = Secret::from_bytes(RFC_SEED);
        let now = 1_111_111_111;
        let step = step_at(now);
        for (code_step, accepted) in [
            (step - 2, false),
            (step - 1, true),
            (step, true),
            (step + 1, true),
            (step + 2, false),
        ] {
            let code = code_for_step(&secret, code_step);
            let result = verify(&secret, &code, now, None);
            assert_eq!(result.is_ok(), accepted, "step offset {}", code_step - step);
            if accepted {
                assert_eq!(result, Ok(code_step));
            }
        }
        let code = code_at(&secret, now);
        assert_eq!(
            verify(&secret, &code, now, Some(step)),
            Err(CodeError::Reused)
        );
        assert_eq!(
            verify(
                &secret,
                &code_for_step(&secret, step - 1),
                now,
                Some(step - 1)
            ),
            Err(CodeError::Reused)
        );
        assert_eq!(verify(&secret, &code, now, Some(step - 1)), Ok(step));
    }

    #[test]
    fn malformed_codes_are_told_apart_from_wrong_ones() {
        let secret = Secret::from_bytes(RFC_SEED);
        for typed in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(
                verify(&secret, typed, 59, None),
                Err(CodeError::Malformed),
                "{typed:?}"
            );
        }
        // Spaces, as some apps show "287 082", are ignored.
        assert_eq!(verify(&secret, " 287 082 ", 59, None), Ok(1));
        assert_eq!(verify(&secret, "000000", 59, None), Err(CodeError::Wrong));
    }

    #[test]
    fn the_secret_is_base32_in_the_otpauth_link() {
        let secret = Secret::from_bytes(RFC_SEED);
        // RFC 4648 §10 style check: "12345678901234567890" in base32.
        assert_eq!(secret.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            secret.otpauth_uri("reclaim", "ann+x@firm.example"),
            "otpauth://totp/reclaim:ann%2Bx@firm.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=reclaim&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(secret.base32_grouped().split(' ').count(), 8);
        assert_eq!(
            Secret::from_base32(&secret.base32_grouped().to_lowercase()),
            Some(secret.clone())
        );
        assert_eq!(Secret::from_base32("not base32!"), None);
        assert!(qr_svg(&secret.otpauth_uri("reclaim", "a@b.example")).starts_with("<svg"));
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_context() {
        let secret = Secret::generate();
        let key = [3u8; 32];
        let sealed = seal(&key, "user-1", &secret);
        assert!(!sealed.contains(&secret.base32()));
        assert_eq!(open(&key, "user-1", &sealed), Ok(secret));
        assert_eq!(open(&key, "user-2", &sealed), Err(SealError::Unreadable));
        assert_eq!(
            open(&[4u8; 32], "user-1", &sealed),
            Err(SealError::Unreadable)
        );
        assert_eq!(
            open(&key, "user-1", "not base64!"),
            Err(SealError::Unreadable)
        );
        assert_eq!(open(&key, "user-1", "AAAA"), Err(SealError::Unreadable));
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_whatever_their_typing() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let key = [9u8; 32];
        let code = &codes[0];
        assert!(looks_like_recovery_code(code));
        assert!(!looks_like_recovery_code("123456"));
        let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
        assert_eq!(
            recovery_code_hash(&key, code),
            recovery_code_hash(&key, &typed)
        );
        assert_ne!(
            recovery_code_hash(&key, code),
            recovery_code_hash(&[8u8; 32], code)
        );
    }
}
