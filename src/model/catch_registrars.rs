//! Which catch service a registrar belongs to (`data/catch_registrars.toml`, with its sources):
//! after a drop, the registrar the registry names tells whether one of the firm's orders caught
//! the name or someone else did. Pure.

use serde::Deserialize;

pub const BUILT_IN: &str = include_str!("../../data/catch_registrars.toml");

#[derive(Debug, Clone, Deserialize)]
struct File {
    service: Vec<Family>,
}

/// The registrars of one catch service.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Family {
    /// `dropcatch`, `dynadot`, `hexonet` (as `catch::Provider`).
    pub provider: String,
    pub name_prefixes: Vec<String>,
    pub iana_ids: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("data/catch_registrars.toml: {0}")]
pub struct FamiliesError(String);

pub fn parse(text: &str) -> Result<Vec<Family>, FamiliesError> {
    toml::from_str::<File>(text)
        .map(|f| f.service)
        .map_err(|e| FamiliesError(e.to_string()))
}

/// The families of the built-in file.
pub fn built_in() -> Vec<Family> {
    static FAMILIES: std::sync::LazyLock<Vec<Family>> =
        std::sync::LazyLock::new(|| parse(BUILT_IN).unwrap_or_default());
    FAMILIES.clone()
}

/// The service whose registrar this is, by IANA ID or by name.
pub fn service_of<'a>(
    families: &'a [Family],
    registrar: Option<&str>,
    iana_id: Option<&str>,
) -> Option<&'a str> {
    let name = registrar.map(|n| n.trim().to_ascii_lowercase());
    let id = iana_id.map(str::trim).filter(|i| !i.is_empty());
    families
        .iter()
        .find(|f| {
            id.is_some_and(|id| f.iana_ids.iter().any(|i| i == id))
                || name.as_ref().is_some_and(|n| {
                    f.name_prefixes
                        .iter()
                        .any(|p| n.starts_with(&p.to_ascii_lowercase()))
                })
        })
        .map(|f| f.provider.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrars_are_told_apart_by_id_or_name() {
        let families = parse(BUILT_IN).expect("the built-in file parses");
        // (registrar name, IANA ID, service) — data/catch_registrars.toml and its sources.
        let cases: Vec<(Option<&str>, Option<&str>, Option<&str>)> = vec![
            (Some("DropCatch.com 1350 LLC"), None, Some("dropcatch")),
            (
                Some("dropcatch.com 957 llc"),
                Some("3427"),
                Some("dropcatch"),
            ),
            (Some("Dynadot Inc"), Some("472"), Some("dynadot")),
            (None, Some("472"), Some("dynadot")),
            (Some("Dynadot, LLC"), None, Some("dynadot")),
            (Some("1API GmbH"), Some("1387"), Some("hexonet")),
            (None, Some("1387"), Some("hexonet")),
            (Some("1api gmbh"), None, Some("hexonet")),
            // Key-Systems (CentralNic Reseller's other registrar) is not HEXONET's.
            (Some("Key-Systems GmbH"), Some("269"), None),
            (Some("GoDaddy.com, LLC"), Some("146"), None),
            (Some("NameBright.com Inc."), None, None),
            (None, None, None),
        ];
        for (name, id, expected) in cases {
            assert_eq!(service_of(&families, name, id), expected, "{name:?} {id:?}");
        }
    }
}
