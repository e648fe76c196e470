//! TLD policy: per top-level domain, who runs it, its lifecycle lengths, whether a backorder can
//! work at all, and which dispute procedures apply. The facts are data (`data/tld_policy.toml`,
//! built into the binary and checked at start); this module reads and looks them up.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::drop_watch::DailyDeletion;
use super::procedure::ProcedureKind;

/// The policy file shipped with reclaim.
pub const BUILT_IN: &str = include_str!("../../data/tld_policy.toml");

crate::text_enum! {
    pub enum TldClass ("TLD class") {
        LegacyGtld => "legacy_gtld",
        NewGtld => "new_gtld",
        Cctld => "cctld",
    }
}

impl TldClass {
    pub fn label(self) -> &'static str {
        match self {
            TldClass::LegacyGtld => "generic TLD",
            TldClass::NewGtld => "new generic TLD",
            TldClass::Cctld => "country-code TLD",
        }
    }
}

/// What reclaim knows about one TLD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TldPolicy {
    /// The TLD this answer is for (A-label, no dot). Filled in at lookup.
    #[serde(default)]
    pub tld: String,
    /// In the file: the TLDs an entry covers. Empty once loaded.
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub tlds: Vec<String>,
    pub class: TldClass,
    pub registry: String,
    /// How reclaim asks this registry: over RDAP (at the server the IANA bootstrap lists for the
    /// TLD) when true, over port-43 WHOIS at `whois_server` when false. The only place the
    /// route is decided (`registry::RegistryClient::route`, docs/registries.md §6).
    pub rdap: bool,
    #[serde(default)]
    pub whois_server: Option<String>,
    #[serde(default)]
    pub auto_renew_grace_days: Option<u32>,
    #[serde(default)]
    pub expiry_grace_days: Option<u32>,
    #[serde(default)]
    pub redemption_days: Option<u32>,
    #[serde(default)]
    pub pending_delete_days: Option<u32>,
    #[serde(default)]
    pub quarantine_days: Option<u32>,
    /// The registry's daily deletion batch, where known: the drop watch asks once a second
    /// around it (`model::drop_watch`, docs/registries.md §8.1).
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub daily_deletion: Option<DailyDeletion>,
    /// Whether catching the name when it drops can work at all.
    pub backorder: bool,
    pub backorder_note: String,
    /// What to do instead where a backorder cannot work (or as well).
    #[serde(default)]
    pub backorder_instead: Option<String>,
    pub procedures: Vec<ProcedureKind>,
    #[serde(default)]
    pub note: Option<String>,
    /// Facts the sources do not confirm: shown as "to verify".
    #[serde(default)]
    pub unconfirmed: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    default_new_gtld: TldPolicy,
    tld: Vec<TldPolicy>,
}

/// Every TLD policy, by TLD.
#[derive(Debug, Clone)]
pub struct TldPolicies {
    by_tld: BTreeMap<String, TldPolicy>,
    new_gtld: TldPolicy,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TldPolicyError {
    #[error("the TLD policy file is not valid: {0}")]
    Parse(String),
    #[error("the TLD policy file lists .{0} twice")]
    Duplicate(String),
    #[error("the TLD policy file has an invalid TLD '{0}' (lower-case A-label without a dot)")]
    InvalidTld(String),
    #[error(
        "the TLD policy for .{0} refuses backorders but does not say what to do instead (backorder_instead)"
    )]
    NoAlternative(String),
    #[error("the TLD policy for .{0} has an invalid daily deletion: {1}")]
    InvalidDeletion(String, String),
}

/// A TLD reclaim has no rules for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "reclaim has no registry rules for .{tld} (its grace, redemption and release periods are unknown), so it cannot follow a backorder there. Supported country-code TLDs: {supported}; every generic TLD is supported."
)]
pub struct UnsupportedTld {
    pub tld: String,
    pub supported: String,
}

impl TldPolicies {
    /// The policy file built into reclaim.
    pub fn built_in() -> Result<Self, TldPolicyError> {
        Self::parse(BUILT_IN)
    }

    pub fn parse(text: &str) -> Result<Self, TldPolicyError> {
        let file: PolicyFile =
            toml::from_str(text).map_err(|e| TldPolicyError::Parse(e.to_string()))?;
        let mut by_tld = BTreeMap::new();
        for mut entry in file.tld {
            for tld in std::mem::take(&mut entry.tlds) {
                let valid = !tld.is_empty()
                    && tld
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !valid {
                    return Err(TldPolicyError::InvalidTld(tld));
                }
                if !entry.backorder && entry.backorder_instead.is_none() {
                    return Err(TldPolicyError::NoAlternative(tld));
                }
                if let Some(deletion) = &entry.daily_deletion {
                    deletion
                        .time_of_day()
                        .map_err(|why| TldPolicyError::InvalidDeletion(tld.clone(), why))?;
                    if deletion.minutes == 0 || deletion.minutes > 24 * 60 {
                        return Err(TldPolicyError::InvalidDeletion(
                            tld,
                            format!("{} minutes is not between 1 and 1440", deletion.minutes),
                        ));
                    }
                }
                let policy = TldPolicy {
                    tld: tld.clone(),
                    ..entry.clone()
                };
                if by_tld.insert(tld.clone(), policy).is_some() {
                    return Err(TldPolicyError::Duplicate(tld));
                }
            }
        }
        Ok(Self {
            by_tld,
            new_gtld: file.default_new_gtld,
        })
    }

    /// The policy for a TLD (A-label, no dot). A TLD of three or more letters that the file does
    /// not list is a new generic TLD, under ICANN's rules; a country-code or IDN TLD that it does
    /// not list is unsupported.
    pub fn lookup(&self, tld: &str) -> Result<TldPolicy, UnsupportedTld> {
        let tld = tld.trim_start_matches('.').to_ascii_lowercase();
        if let Some(policy) = self.by_tld.get(&tld) {
            return Ok(policy.clone());
        }
        let generic = tld.len() >= 3
            && !tld.starts_with("xn--")
            && tld.chars().all(|c| c.is_ascii_lowercase());
        if generic {
            return Ok(TldPolicy {
                tld,
                ..self.new_gtld.clone()
            });
        }
        Err(UnsupportedTld {
            tld,
            supported: self.supported_cctlds().join(", "),
        })
    }

    /// The country-code TLDs listed, with a dot: `.be, .ca, …`.
    pub fn supported_cctlds(&self) -> Vec<String> {
        self.by_tld
            .values()
            .filter(|p| p.class == TldClass::Cctld)
            .map(|p| format!(".{}", p.tld))
            .collect()
    }

    /// The rules for generic TLDs the file does not list.
    pub fn new_gtld_default(&self) -> &TldPolicy {
        &self.new_gtld
    }

    /// Every listed policy, for the reference page.
    pub fn all(&self) -> impl Iterator<Item = &TldPolicy> {
        self.by_tld.values()
    }
}

impl TldPolicy {
    /// Calendar days from deletion to the drop, where the policy knows them.
    pub fn days_from_deletion_to_drop(&self) -> Option<u32> {
        match (
            self.redemption_days,
            self.pending_delete_days,
            self.quarantine_days,
        ) {
            (Some(r), p, _) => Some(r + p.unwrap_or(0)),
            (None, _, Some(q)) => Some(q),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policies() -> TldPolicies {
        TldPolicies::built_in().expect("the built-in TLD policy file is valid")
    }

    #[test]
    fn every_tld_the_issue_names_is_covered() {
        let p = policies();
        for tld in [
            "com", "net", "org", "info", "biz", "fr", "re", "pm", "tf", "wf", "yt", "uk", "de",
            "eu", "nl", "be", "dk", "it", "es", "ch", "io", "co", "ca",
        ] {
            let policy = p.lookup(tld).unwrap_or_else(|e| panic!("{tld}: {e}"));
            assert_eq!(policy.tld, tld);
            assert!(!policy.sources.is_empty(), "{tld} cites its sources");
        }
    }

    #[test]
    fn lifecycle_facts_match_the_reference() {
        let p = policies();
        // (tld, redemption, pending delete, quarantine, days from deletion to drop, source)
        let cases = [
            // docs/registries.md §1.2: gTLD drop = deletion + 30 + 5 (Verisign [S1] [S4])
            ("com", Some(30), Some(5), None, Some(35)),
            ("org", Some(30), Some(5), None, Some(35)),
            // §1.1 new gTLDs: ERRP §3.1 30-day RGP, typically 5 days pending delete
            ("shop", Some(30), Some(5), None, Some(35)),
            // §1.1 .fr: 30 days of rédemption, no pending delete [S12] [S13]
            ("fr", Some(30), Some(0), None, Some(30)),
            ("yt", Some(30), Some(0), None, Some(30)),
            // §1.1 .de: 30-day RGP after deletion [S15]
            ("de", Some(30), Some(0), None, Some(30)),
            // §1.1 .eu, .nl, .be: 40-day quarantine [S19] [S21] [S23]
            ("eu", None, None, Some(40), Some(40)),
            ("nl", None, None, Some(40), Some(40)),
            ("be", None, None, Some(40), Some(40)),
            // §1.1 .uk: redemption expiry+30..+90, pending delete +90..+95 [S10]
            ("uk", Some(60), Some(5), None, Some(65)),
            // §1.1 .it: 30 days redemption, up to 5 pending delete [S28]
            ("it", Some(30), Some(5), None, Some(35)),
        ];
        for (tld, redemption, pending, quarantine, to_drop) in cases {
            let policy = p.lookup(tld).unwrap();
            assert_eq!(policy.redemption_days, redemption, "{tld} redemption");
            assert_eq!(policy.pending_delete_days, pending, "{tld} pending delete");
            assert_eq!(policy.quarantine_days, quarantine, "{tld} quarantine");
            assert_eq!(
                policy.days_from_deletion_to_drop(),
                to_drop,
                "{tld} to drop"
            );
        }
        // §1.1: .uk expiry grace 30 days; gTLD auto-renew grace up to 45 days (EDDP [S2])
        assert_eq!(p.lookup("uk").unwrap().expiry_grace_days, Some(30));
        assert_eq!(p.lookup("net").unwrap().auto_renew_grace_days, Some(45));
    }

    #[test]
    fn verisign_alone_has_a_known_daily_deletion() {
        use crate::model::drop_watch::DeletionZone;
        let p = policies();
        // docs/registries.md §8.1: .com/.net commonly reported from 14:00 US Eastern for about
        // half an hour [S30] [S45]; other registries publish no hour.
        for tld in ["com", "net"] {
            let deletion = p.lookup(tld).unwrap().daily_deletion.unwrap();
            assert_eq!(
                (deletion.at.as_str(), deletion.zone, deletion.minutes),
                ("14:00", DeletionZone::UsEastern, 30),
                "{tld}"
            );
        }
        for tld in ["org", "fr", "uk", "shop", "nl"] {
            assert!(p.lookup(tld).unwrap().daily_deletion.is_none(), "{tld}");
        }
    }

    #[test]
    fn backorders_are_refused_where_they_cannot_work() {
        let p = policies();
        // docs/registries.md §1.1 and §1.3 (.dk): the registry's waiting list pre-empts catching [S25]
        let dk = p.lookup("dk").unwrap();
        assert!(!dk.backorder);
        assert!(dk.backorder_note.contains("waiting list"));
        assert!(
            dk.backorder_instead
                .as_deref()
                .unwrap()
                .contains("waiting list")
        );
        for tld in ["com", "fr", "uk", "de", "eu", "shop"] {
            assert!(p.lookup(tld).unwrap().backorder, "{tld}");
        }
    }

    #[test]
    fn dispute_procedures_follow_the_routing_table() {
        let p = policies();
        // docs/legal.md §2.3
        let cases: &[(&str, &[ProcedureKind])] = &[
            ("com", &[ProcedureKind::Udrp]),
            ("shop", &[ProcedureKind::Udrp, ProcedureKind::Urs]),
            ("fr", &[ProcedureKind::Syreli, ProcedureKind::ParlExpert]),
            ("re", &[ProcedureKind::Syreli, ProcedureKind::ParlExpert]),
            ("eu", &[ProcedureKind::EuAdr]),
            ("uk", &[ProcedureKind::NominetDrs]),
            ("ca", &[ProcedureKind::CiraCdrp]),
            ("co", &[ProcedureKind::Udrp]),
            ("de", &[]),
        ];
        for (tld, expected) in cases {
            assert_eq!(p.lookup(tld).unwrap().procedures, *expected, "{tld}");
        }
    }

    #[test]
    fn unknown_country_codes_are_unsupported_and_generic_names_default() {
        let p = policies();
        let err = p.lookup("jp").unwrap_err();
        assert!(
            err.to_string().contains("no registry rules for .jp"),
            "{err}"
        );
        assert!(
            err.to_string().contains(".dk"),
            "lists what is supported: {err}"
        );
        assert!(p.lookup("xn--p1ai").is_err(), "IDN ccTLDs must be listed");
        let shop = p.lookup("SHOP").unwrap();
        assert_eq!(shop.class, TldClass::NewGtld);
        assert_eq!(shop.tld, "shop");
        assert!(
            !shop.unconfirmed.is_empty(),
            "defaults carry what is not confirmed"
        );
    }

    #[test]
    fn a_broken_policy_file_is_refused_with_a_reason() {
        let base = "[default_new_gtld]\nclass = \"new_gtld\"\nregistry = \"r\"\nrdap = true\nbackorder = true\nbackorder_note = \"n\"\nprocedures = []\nsources = [\"s\"]\n";
        let entry = |tlds: &str, extra: &str| {
            format!(
                "[[tld]]\ntlds = {tlds}\nclass = \"cctld\"\nregistry = \"r\"\nrdap = false\nbackorder = true\nbackorder_note = \"n\"\nprocedures = []\nsources = [\"s\"]\n{extra}"
            )
        };
        let cases = [
            (
                format!("{base}{}{}", entry("[\"fr\"]", ""), entry("[\"fr\"]", "")),
                "lists .fr twice",
            ),
            (format!("{base}{}", entry("[\".FR\"]", "")), "invalid TLD"),
            (
                format!("{base}{}", entry("[\"fr\"]", "procedures = [\"court\"]\n")),
                "not valid",
            ),
            (
                format!("{base}{}", entry("[\"fr\"]", "colour = \"blue\"\n")),
                "not valid",
            ),
            (
                format!(
                    "{base}{}",
                    entry("[\"dk\"]", "").replace("backorder = true", "backorder = false")
                ),
                "does not say what to do instead",
            ),
            (
                format!(
                    "{base}{}",
                    entry(
                        "[\"fr\"]",
                        "daily_deletion = { at = \"2pm\", zone = \"utc\", minutes = 30 }\n"
                    )
                ),
                "invalid daily deletion: daily_deletion.at '2pm' is not HH:MM",
            ),
            (
                format!(
                    "{base}{}",
                    entry(
                        "[\"fr\"]",
                        "daily_deletion = { at = \"14:00\", zone = \"utc\", minutes = 0 }\n"
                    )
                ),
                "0 minutes is not between 1 and 1440",
            ),
            (
                format!(
                    "{base}{}",
                    entry(
                        "[\"fr\"]",
                        "daily_deletion = { at = \"14:00\", zone = \"paris\", minutes = 5 }\n"
                    )
                ),
                "not valid",
            ),
        ];
        for (text, expected) in cases {
            let err = TldPolicies::parse(&text).unwrap_err().to_string();
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }
}
