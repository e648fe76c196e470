//! People who use reclaim: their role, e-mail address (the login), name and password policy.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use validator::ValidateEmail;

use crate::model::ids::{ApiTokenId, ClientId, UserId};

crate::text_enum! {
    /// What a user may do; what each role may see and change is decided in `app::access`.
    pub enum Role ("role") {
        /// Manages users, firm identity and settings.
        Admin => "admin",
        /// Opens matters, approves outreach, decides on bids.
        Lawyer => "lawyer",
        /// Keeps procedures and deadlines current, prepares drafts and reports.
        Paralegal => "paralegal",
        /// A portal user at a client of the firm: sees only that client's matters.
        Client => "client",
    }
}

impl Role {
    /// People of the firm, as opposed to portal users.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Client)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Lawyer => "Lawyer",
            Role::Paralegal => "Paralegal",
            Role::Client => "Client (portal)",
        }
    }
}

/// An e-mail address used as a login: trimmed and lower-cased so that `Ann@Firm.example` and
/// `ann@firm.example` are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an e-mail address.")]
    Empty,
    #[error("'{0}' is not an e-mail address; write it as name@example.com.")]
    Invalid(String),
    #[error("An e-mail address can be at most 254 characters long.")]
    TooLong,
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets.
        if trimmed.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let lower = trimmed.to_lowercase();
        if !lower.validate_email() || !lower.contains('.') {
            return Err(EmailError::Invalid(trimmed.chars().take(80).collect()));
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Enter a name.")]
    Empty,
    #[error("A name can be at most {0} characters long.")]
    TooLong(usize),
    #[error("A name cannot contain control characters such as tabs or line breaks.")]
    ControlCharacters,
}

/// Trims and checks a one-line name (of a person, a client, a token).
pub fn parse_one_line_name(raw: &str, max_chars: usize) -> Result<String, NameError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(NameError::Empty);
    }
    if trimmed.chars().count() > max_chars {
        return Err(NameError::TooLong(max_chars));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(NameError::ControlCharacters);
    }
    Ok(trimmed.to_owned())
}

impl PersonName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, NameError> {
        parse_one_line_name(raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password someone chose, checked against the policy before it is hashed.
///
/// Policy from NIST SP 800-63B-4 §3.1.1.2: a password that is the only factor is at least 15
/// characters long; verifiers accept at least 64 characters and impose no composition rules.
/// We also refuse the account's own e-mail address, and a password that is one repeated
/// character.
pub struct NewPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("Choose a password of at least {min} characters; a short phrase of several words is easy to remember.", min = NewPassword::MIN_CHARS)]
    TooShort,
    #[error("A password can be at most {max} characters long.", max = NewPassword::MAX_CHARS)]
    TooLong,
    #[error("The password cannot be your e-mail address.")]
    SameAsEmail,
    #[error("The password cannot be one character repeated.")]
    Repetitive,
    #[error("The two passwords do not match.")]
    Mismatch,
}

impl NewPassword {
    pub const MIN_CHARS: usize = 15;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str, email: &EmailAddress) -> Result<Self, PasswordPolicyError> {
        let count = raw.chars().count();
        if count < Self::MIN_CHARS {
            return Err(PasswordPolicyError::TooShort);
        }
        if count > Self::MAX_CHARS {
            return Err(PasswordPolicyError::TooLong);
        }
        if raw.trim().eq_ignore_ascii_case(email.as_str()) {
            return Err(PasswordPolicyError::SameAsEmail);
        }
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(PasswordPolicyError::Repetitive);
        }
        Ok(Self(raw.to_owned()))
    }

    /// A password typed twice in a form.
    pub fn parse_confirmed(
        raw: &str,
        confirmation: &str,
        email: &EmailAddress,
    ) -> Result<Self, PasswordPolicyError> {
        let password = Self::parse(raw, email)?;
        if raw != confirmation {
            return Err(PasswordPolicyError::Mismatch);
        }
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        // (input, expected) — RFC 5321 §4.5.3.1.3 for the length limit.
        let cases: &[(&str, Result<&str, EmailError>)] = &[
            ("ann@firm.example", Ok("ann@firm.example")),
            ("  Ann.Lawyer@Firm.Example ", Ok("ann.lawyer@firm.example")),
            ("", Err(EmailError::Empty)),
            ("   ", Err(EmailError::Empty)),
            ("ann", Err(EmailError::Invalid("ann".into()))),
            ("ann@", Err(EmailError::Invalid("ann@".into()))),
            (
                "@firm.example",
                Err(EmailError::Invalid("@firm.example".into())),
            ),
            (
                "ann@localhost",
                Err(EmailError::Invalid("ann@localhost".into())),
            ),
            (
                "ann smith@firm.example",
                Err(EmailError::Invalid("ann smith@firm.example".into())),
            ),
        ];
        for (input, expected) in cases {
            let got = EmailAddress::parse(input).map(|e| e.as_str().to_owned());
            assert_eq!(got, expected.clone().map(str::to_owned), "{input:?}");
        }
        let long = format!("{}@firm.example", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn names() {
        assert_eq!(
            PersonName::parse("  Anne Martin ").unwrap().as_str(),
            "Anne Martin"
        );
        assert_eq!(PersonName::parse(""), Err(NameError::Empty));
        assert_eq!(PersonName::parse("a\tb"), Err(NameError::ControlCharacters));
        assert_eq!(
            PersonName::parse(&"x".repeat(201)),
            Err(NameError::TooLong(200))
        );
        assert!(PersonName::parse("Zoë Ångström-Łukasz").is_ok());
    }

    #[test]
    fn password_policy_follows_nist_800_63b_4() {
        let email = EmailAddress::parse("ann@firm.example").unwrap();
        // (password, expected) — §3.1.1.2: at least 15 characters, at least 64 allowed,
        // no composition rules.
        let cases: &[(&str, Result<(), PasswordPolicyError>)] = &[
            ("correct horse battery", Ok(())),
            ("fifteen chars!!", Ok(())),
            ("fourteen chars", Err(PasswordPolicyError::TooShort)),
            ("", Err(PasswordPolicyError::TooShort)),
            ("aaaaaaaaaaaaaaaaaaaa", Err(PasswordPolicyError::Repetitive)),
            ("ANN@firm.example", Err(PasswordPolicyError::SameAsEmail)),
            ("ann@firm.example", Err(PasswordPolicyError::SameAsEmail)),
            ("ÿöüä ñ çéè ßæø þð", Ok(())),
        ];
        for (pw, expected) in cases {
            assert_eq!(
                NewPassword::parse(pw, &email).map(|_| ()),
                expected.clone(),
                "{pw:?}"
            );
        }
        assert!(
            NewPassword::parse(&"ab".repeat(32), &email).is_ok(),
            "64 characters must be accepted"
        );
        assert_eq!(
            NewPassword::parse(&"ab".repeat(129), &email).map(|_| ()),
            Err(PasswordPolicyError::TooLong)
        );
        assert_eq!(
            NewPassword::parse_confirmed("correct horse battery", "correct horse batterie", &email)
                .map(|_| ()),
            Err(PasswordPolicyError::Mismatch)
        );
    }

    #[test]
    fn roles() {
        assert!(Role::Lawyer.is_staff());
        assert!(!Role::Client.is_staff());
        assert_eq!("paralegal".parse::<Role>().unwrap(), Role::Paralegal);
        assert!(
            "owner"
                .parse::<Role>()
                .unwrap_err()
                .to_string()
                .contains("admin, lawyer, paralegal, client")
        );
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::api_tokens)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub hint: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub client_id: Option<ClientId>,
    pub password_hash: String,
    pub session_version: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}
