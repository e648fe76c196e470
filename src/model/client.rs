//! The firm's clients (companies whose names are being recovered).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::user::{EmailAddress, EmailError, NameError, parse_one_line_name};
use crate::model::ids::{ClientId, ContactId};

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

crate::text_enum! {
    /// How often the client receives a status report by e-mail.
    pub enum ReportCadence ("report cadence") {
        None => "none",
        Weekly => "weekly",
        Monthly => "monthly",
    }
}

impl ReportCadence {
    pub fn label(self) -> &'static str {
        match self {
            ReportCadence::None => "No scheduled reports",
            ReportCadence::Weekly => "Weekly",
            ReportCadence::Monthly => "Monthly",
        }
    }
}

/// A person at the client.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub name: super::user::PersonName,
    pub email: EmailAddress,
    pub phone: String,
    pub position: String,
    pub receives_reports: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("{0}")]
    Name(NameError),
    #[error("{0}")]
    Email(EmailError),
    #[error("'{0}' is not a telephone number; use digits, spaces and + ( ) - only.")]
    Phone(String),
    #[error("The position can be at most 100 characters long.")]
    Position,
}

impl ContactError {
    pub fn field(&self) -> &'static str {
        match self {
            ContactError::Name(_) => "name",
            ContactError::Email(_) => "email",
            ContactError::Phone(_) => "phone",
            ContactError::Position => "position",
        }
    }
}

impl NewContact {
    pub fn parse(
        name: &str,
        email: &str,
        phone: &str,
        position: &str,
        receives_reports: bool,
    ) -> Result<Self, ContactError> {
        let phone = phone.trim();
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
            || phone.len() > 40
        {
            return Err(ContactError::Phone(phone.chars().take(40).collect()));
        }
        let position = position.trim();
        if position.chars().count() > 100 {
            return Err(ContactError::Position);
        }
        Ok(Self {
            name: super::user::PersonName::parse(name).map_err(ContactError::Name)?,
            email: EmailAddress::parse(email).map_err(ContactError::Email)?,
            phone: phone.to_owned(),
            position: position.to_owned(),
            receives_reports,
        })
    }
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    #[test]
    fn contacts() {
        let c = NewContact::parse(
            " Claire Dupont ",
            "Claire@Acme.example",
            "+33 1 23 45 67 89",
            "General counsel",
            true,
        )
        .unwrap();
        assert_eq!(c.email.as_str(), "claire@acme.example");
        assert_eq!(
            NewContact::parse("C", "c@acme.example", "call me", "", false)
                .unwrap_err()
                .field(),
            "phone"
        );
        assert_eq!(
            NewContact::parse("", "c@acme.example", "", "", false)
                .unwrap_err()
                .field(),
            "name"
        );
        assert_eq!(
            NewContact::parse("C", "nope", "", "", false)
                .unwrap_err()
                .field(),
            "email"
        );
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::clients)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub report_cadence: ReportCadence,
    pub notes: String,
}

/// The client's contact handle at one of the firm's registrar accounts: the registrant of a
/// direct catch when the backorder registers the name in the client's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::client_registrant_handles)]
pub struct RegistrantHandle {
    pub client_id: ClientId,
    pub account_id: crate::model::ids::CatchAccountId,
    pub handle: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::client_contacts)]
pub struct Contact {
    pub id: ContactId,
    pub client_id: ClientId,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub position: String,
    pub receives_reports: bool,
    pub created_at: NaiveDateTime,
}
