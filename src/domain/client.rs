//! The firm's clients (companies whose names are being recovered).

use super::user::{EmailAddress, EmailError, NameError, parse_one_line_name};

/// A client's name as the firm writes it on reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientName(String);

impl ClientName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, NameError> {
        parse_one_line_name(raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new client, checked.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub name: ClientName,
    pub email: EmailAddress,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewClientError {
    #[error("{0}")]
    Name(NameError),
    #[error("{0}")]
    Email(EmailError),
}

impl NewClientError {
    pub fn field(&self) -> &'static str {
        match self {
            NewClientError::Name(_) => "name",
            NewClientError::Email(_) => "email",
        }
    }
}

impl NewClient {
    pub fn parse(name: &str, email: &str) -> Result<Self, NewClientError> {
        Ok(Self {
            name: ClientName::parse(name).map_err(NewClientError::Name)?,
            email: EmailAddress::parse(email).map_err(NewClientError::Email)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_clients() {
        let ok = NewClient::parse(" Société Générale ", "Legal@SocGen.example").unwrap();
        assert_eq!(ok.name.as_str(), "Société Générale");
        assert_eq!(ok.email.as_str(), "legal@socgen.example");
        assert_eq!(
            NewClient::parse("", "a@b.example").unwrap_err().field(),
            "name"
        );
        assert_eq!(
            NewClient::parse("Acme", "nope").unwrap_err().field(),
            "email"
        );
    }
}
