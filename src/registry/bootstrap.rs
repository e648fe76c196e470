//! The IANA RDAP bootstrap for domain names (RFC 9224): which RDAP server answers for which
//! TLD. A copy ships in the binary (`data/rdap_dns.json`, published 2026-03-23); a weekly job
//! refreshes it; `RECLAIM_RDAP_BOOTSTRAP` names a file to use instead.

use std::collections::BTreeMap;

use serde::Deserialize;

pub const BUILT_IN: &str = include_str!("../../data/rdap_dns.json");

#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub publication: String,
    /// Label suffix (`com`, `co.uk`…) → base URLs, https first.
    services: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    publication: String,
    services: Vec<(Vec<String>, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BootstrapError {
    #[error("the RDAP bootstrap is not valid JSON of RFC 9224's shape: {0}")]
    Invalid(String),
    #[error("the RDAP bootstrap lists no service")]
    Empty,
}

impl Bootstrap {
    pub fn built_in() -> Self {
        Self::parse(BUILT_IN).expect("the built-in RDAP bootstrap is valid")
    }

    pub fn parse(text: &str) -> Result<Self, BootstrapError> {
        let file: File =
            serde_json::from_str(text).map_err(|e| BootstrapError::Invalid(e.to_string()))?;
        let mut services = BTreeMap::new();
        for (labels, urls) in file.services {
            let mut urls: Vec<String> = urls
                .into_iter()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .map(|u| if u.ends_with('/') { u } else { format!("{u}/") })
                .collect();
            // RFC 9224 §3: prefer https.
            urls.sort_by_key(|u| !u.starts_with("https://"));
            if urls.is_empty() {
                continue;
            }
            for label in labels {
                services.insert(label.to_ascii_lowercase(), urls.clone());
            }
        }
        if services.is_empty() {
            return Err(BootstrapError::Empty);
        }
        Ok(Self {
            publication: file.publication,
            services,
        })
    }

    /// The RDAP base URL for a name (A-label): the longest matching label suffix (RFC 9224 §4).
    pub fn base_url(&self, ascii_name: &str) -> Option<&str> {
        let labels: Vec<&str> = ascii_name.split('.').collect();
        (0..labels.len())
            .map(|i| labels[i..].join("."))
            .find_map(|suffix| self.services.get(&suffix))
            .and_then(|urls| urls.first())
            .map(String::as_str)
    }

    /// Every server URL the bootstrap names.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.services.values().flatten().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_copy_knows_the_registries_domain_data_md_lists() {
        // docs/registries.md §3.4: base URLs in the 2026-03-23 bootstrap.
        let b = Bootstrap::built_in();
        assert_eq!(b.publication, "2026-03-23T19:00:02Z");
        assert!(b.len() > 1000, "{} TLDs", b.len());
        let cases = [
            ("example.com", Some("https://rdap.verisign.com/com/v1/")),
            ("example.net", Some("https://rdap.verisign.com/net/v1/")),
            (
                "example.org",
                Some("https://rdap.publicinterestregistry.org/rdap/"),
            ),
            ("example.fr", Some("https://rdap.nic.fr/")),
            ("example.co.uk", Some("https://rdap.nominet.uk/uk/")),
            ("example.nl", Some("https://rdap.sidn.nl/")),
            (
                "example.info",
                Some("https://rdap.identitydigital.services/rdap/"),
            ),
            // absent from the bootstrap: WHOIS instead
            ("example.de", None),
            ("example.dk", None),
            ("example.eu", None),
        ];
        for (name, expected) in cases {
            assert_eq!(b.base_url(name), expected, "{name}");
        }
    }

    #[test]
    fn the_longest_suffix_wins_and_https_is_preferred() {
        let b = Bootstrap::parse(r#"{"publication":"x","services":[[["uk"],["http://a.example/uk"]],[["co.uk"],["http://b.example/","https://b.example/"]]]}"#).unwrap();
        assert_eq!(b.base_url("x.co.uk"), Some("https://b.example/"));
        assert_eq!(b.base_url("x.org.uk"), Some("http://a.example/uk/"));
    }

    #[test]
    fn a_broken_bootstrap_is_refused() {
        assert!(Bootstrap::parse("{}").is_err());
        assert!(Bootstrap::parse("not json").is_err());
        assert_eq!(
            Bootstrap::parse(r#"{"services":[]}"#).unwrap_err(),
            BootstrapError::Empty
        );
    }
}
