//! The registrar directory: IANA registrar ID → the country and region of the registrar's
//! principal office (`data/registrars.toml`, with its sources), so that a registrar known by its
//! IANA ID — the registry record carries it (`RegistryRecord::registrar_iana_id`) — counts its
//! business days on the right calendar (docs/legal.md §3.3). Pure: the data is built in.

use std::sync::OnceLock;

use serde::Deserialize;

use super::calendar::{Location, parse_location};

/// The built-in directory.
pub const BUILT_IN: &str = include_str!("../../data/registrars.toml");

/// One registrar of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Registrar {
    pub iana_id: u32,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// ISO 3166-2 subdivision without the country prefix, when known.
    #[serde(default)]
    pub region: Option<String>,
}

impl Registrar {
    /// Where the registrar's principal office is, as a location code reads it (`US-AZ`, `FR`).
    pub fn location(&self) -> Option<Location> {
        let code = match &self.region {
            Some(region) => format!("{}-{region}", self.country),
            None => self.country.clone(),
        };
        parse_location(&code).ok().flatten()
    }
}

#[derive(Deserialize)]
struct File {
    registrar: Vec<Registrar>,
}

/// Reads a directory file; the error says what is wrong.
pub fn parse(text: &str) -> Result<Vec<Registrar>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.registrar)
        .map_err(|e| e.to_string())
}

/// The built-in directory (empty if it cannot be read, which a test rules out).
pub fn registrars() -> &'static [Registrar] {
    static DIRECTORY: OnceLock<Vec<Registrar>> = OnceLock::new();
    DIRECTORY.get_or_init(|| parse(BUILT_IN).unwrap_or_default())
}

/// The registrar with this IANA ID (digits, surrounding spaces ignored), if the directory has it.
pub fn by_iana_id(iana_id: &str) -> Option<&'static Registrar> {
    let id: u32 = iana_id.trim().parse().ok()?;
    registrars().iter().find(|r| r.iana_id == id)
}

/// The location code (`US-AZ`, `FR`) of the registrar with this IANA ID, if known.
pub fn location_code(iana_id: &str) -> Option<String> {
    by_iana_id(iana_id)
        .and_then(Registrar::location)
        .map(|l| l.code())
}

/// The location code of the registrar of a procedure's names, from the IANA IDs their latest
/// registry answers give: when they all name one registrar the directory holds. Names held at
/// different registrars, or a registrar the directory does not hold, give `None` (the location
/// stays to be typed, and the page says the registrar's calendar is not known).
pub fn location_from_ids(iana_ids: &[String]) -> Option<String> {
    let mut ids: Vec<u32> = iana_ids
        .iter()
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    match ids.as_slice() {
        [one] => location_code(&one.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::calendar::{CalendarChoice, calendars_for};

    #[test]
    fn the_directory_reads_and_every_location_is_valid() {
        let all = parse(BUILT_IN).expect("data/registrars.toml parses");
        assert!(all.len() >= 18);
        let mut ids: Vec<u32> = all.iter().map(|r| r.iana_id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "IANA IDs are unique");
        for registrar in &all {
            assert!(registrar.location().is_some(), "{registrar:?}");
        }
    }

    #[test]
    fn big_registrars_and_their_calendars() {
        // (IANA ID, location, calendars) — data/registrars.toml and docs/legal.md §3.3.
        let cases = [
            ("146", "US-AZ", CalendarChoice::One("US-AZ")), // GoDaddy, Tempe
            ("1068", "US-AZ", CalendarChoice::One("US-AZ")), // Namecheap, Phoenix
            ("69", "CA-ON", CalendarChoice::One("CA-ON")),  // Tucows, Toronto
            ("81", "FR", CalendarChoice::One("FR")),        // Gandi
            ("433", "FR", CalendarChoice::One("FR")),       // OVH
            ("470", "GB-ENG", CalendarChoice::One("GB-EAW")), // Com Laude, London
            ("1910", "US-CA", CalendarChoice::One("US-CA")), // Cloudflare
        ];
        for (id, code, choice) in cases {
            assert_eq!(location_code(id).as_deref(), Some(code), "{id}");
            let location = by_iana_id(id).and_then(Registrar::location);
            assert_eq!(calendars_for(location.as_ref()), choice, "{id}");
        }
        // A region without a calendar (IONOS in Rhineland-Palatinate) or none known (Network
        // Solutions): the range of the country's calendars.
        for id in ["83", "2", "292"] {
            let location = by_iana_id(id).and_then(Registrar::location);
            assert!(
                matches!(calendars_for(location.as_ref()), CalendarChoice::Range(_)),
                "{id}"
            );
        }
        assert_eq!(by_iana_id(" 146 ").map(|r| r.iana_id), Some(146));
        assert_eq!(by_iana_id("abc"), None);
        assert_eq!(by_iana_id("999999"), None);
        assert_eq!(by_iana_id(""), None);
    }

    #[test]
    fn the_names_registrar_from_their_registry_answers() {
        let ids = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // One registrar for every name: its location.
        assert_eq!(
            location_from_ids(&ids(&["146", " 146"])).as_deref(),
            Some("US-AZ")
        );
        // Two registrars, none, or one the directory does not hold: not decided.
        assert_eq!(location_from_ids(&ids(&["146", "69"])), None);
        assert_eq!(location_from_ids(&[]), None);
        assert_eq!(location_from_ids(&ids(&["999999"])), None);
        // Unreadable ids are ignored.
        assert_eq!(
            location_from_ids(&ids(&["n/a", "69"])).as_deref(),
            Some("CA-ON")
        );
    }
}
