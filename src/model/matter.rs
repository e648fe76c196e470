//! Matters: one legal file for a client, identified by a reference such as `M-2026-0042`.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::user::{NameError, parse_one_line_name};
use crate::model::ids::{ClientId, MatterId, UserId};

crate::text_enum! {
    pub enum MatterStatus ("matter status") {
        Open => "open",
        Closed => "closed",
    }
}

/// `M-<year>-<number>`: numbered from 1 each calendar year, at least four digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatterReference {
    pub year: i32,
    pub number: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a matter reference; references look like M-2026-0042.")]
pub struct InvalidReference(pub String);

impl MatterReference {
    pub fn parse(raw: &str) -> Result<Self, InvalidReference> {
        let invalid = || InvalidReference(raw.chars().take(40).collect());
        let text = raw.trim().to_ascii_uppercase();
        let rest = text.strip_prefix("M-").ok_or_else(invalid)?;
        let (year, number) = rest.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4
            || number.len() < 4
            || !(year
                .chars()
                .chain(number.chars())
                .all(|c| c.is_ascii_digit()))
        {
            return Err(invalid());
        }
        let year = year.parse().map_err(|_| invalid())?;
        let number: u32 = number.parse().map_err(|_| invalid())?;
        if number == 0 {
            return Err(invalid());
        }
        Ok(Self { year, number })
    }
}

impl fmt::Display for MatterReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M-{}-{:04}", self.year, self.number)
    }
}

/// What a matter is about, in a line: "Recovery of acme.fr".
pub fn parse_title(raw: &str) -> Result<String, NameError> {
    parse_one_line_name(raw, 300)
}

/// A brand or trademark a matter concerns, optionally with its registration
/// ("ACME — EUTM 012345678").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub name: String,
    pub registration: String,
}

/// One mark per line; `name | registration` or `name — registration` separates the two.
pub fn parse_marks(text: &str) -> Result<Vec<Mark>, NameError> {
    let mut marks = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, registration) = match line.split_once(['|', '—']) {
            Some((n, r)) => (n.trim(), r.trim()),
            None => (line, ""),
        };
        let name = parse_one_line_name(name, 200)?;
        let registration = if registration.is_empty() {
            String::new()
        } else {
            parse_one_line_name(registration, 200)?
        };
        if !marks
            .iter()
            .any(|m: &Mark| m.name.eq_ignore_ascii_case(&name))
        {
            marks.push(Mark { name, registration });
        }
    }
    Ok(marks)
}

/// The marks as the form shows them, one per line.
pub fn marks_text(marks: &[Mark]) -> String {
    marks
        .iter()
        .map(|m| {
            if m.registration.is_empty() {
                m.name.clone()
            } else {
                format!("{} | {}", m.name, m.registration)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = MatterReference {
            year: 2026,
            number: 42,
        };
        assert_eq!(r.to_string(), "M-2026-0042");
        assert_eq!(MatterReference::parse("m-2026-0042").unwrap(), r);
        assert_eq!(
            MatterReference {
                year: 2026,
                number: 12345
            }
            .to_string(),
            "M-2026-12345"
        );
        assert_eq!(
            MatterReference::parse("M-2026-12345").unwrap().number,
            12345
        );
        for bad in [
            "",
            "2026-0042",
            "M-26-0042",
            "M-2026-42",
            "M-2026-0000",
            "M-2026-00x1",
            "X-2026-0042",
        ] {
            assert!(MatterReference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn marks() {
        let marks =
            parse_marks("ACME | EUTM 012345678\n\n  Acme Widgets  \nacme\nBÜCHER — DE 3020180001")
                .unwrap();
        assert_eq!(
            marks,
            vec![
                Mark {
                    name: "ACME".into(),
                    registration: "EUTM 012345678".into()
                },
                Mark {
                    name: "Acme Widgets".into(),
                    registration: "".into()
                },
                Mark {
                    name: "BÜCHER".into(),
                    registration: "DE 3020180001".into()
                },
            ]
        );
        assert_eq!(
            marks_text(&marks[..2]),
            "ACME | EUTM 012345678\nAcme Widgets"
        );
        assert!(parse_marks(&"x".repeat(201)).is_err());
        assert!(parse_marks("").unwrap().is_empty());
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::matters)]
pub struct Matter {
    pub id: MatterId,
    pub reference: String,
    pub client_id: ClientId,
    pub title: String,
    pub responsible_lawyer_id: UserId,
    pub status: MatterStatus,
    pub notes: String,
    pub opened_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The years a caught name is renewed for beyond its first (`model::after_catch`).
    pub renewal_years: i32,
}

/// A matter as lists show it.
#[derive(Debug, Clone)]
pub struct MatterSummary {
    pub matter: Matter,
    pub client_name: String,
    pub lawyer_name: String,
    pub backorders: i64,
}
