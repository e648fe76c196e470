//! What a registry says about a name, read from an RDAP (RFC 9083) or WHOIS answer into one
//! shape. Pure: parsing never fails on an odd field; a date that cannot be read becomes unknown
//! (Nomulus writes the year 294247), and only an answer that is not an RDAP domain object at all
//! is an error.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The parsed fields of one registry answer. Kept as JSON with each snapshot: a field added
/// later reads as its default from older snapshots instead of spoiling them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistryRecord {
    /// Whether the registry holds the name (false: "not found", "free", "No match").
    pub registered: bool,
    /// EPP status names (RFC 5731 / RFC 3915), camelCase, sorted: `pendingDelete`,
    /// `redemptionPeriod`, `clientTransferProhibited`… A registry-specific state with no EPP
    /// name keeps its own word in camelCase (`quarantine`, `deactivated`, `suspended`).
    pub statuses: Vec<String>,
    pub registrar: Option<String>,
    pub registrar_iana_id: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The registry's expiry date.
    pub expires_at: Option<DateTime<Utc>>,
    /// The registrar's expiry date (gTLD registrar RDAP): the holder's real one once the
    /// registry has auto-renewed.
    pub registrar_expires_at: Option<DateTime<Utc>>,
    /// Last changed at the registry.
    pub updated_at: Option<DateTime<Utc>>,
    /// When the registry deleted the name (RDAP `deletion` event, AFNIC `deleted:`).
    pub deleted_at: Option<DateTime<Utc>>,
    /// When the registry says the name becomes available again (DNS Belgium `Available:`,
    /// SIDN `Date out of quarantine:`).
    pub release_at: Option<DateTime<Utc>>,
    /// Lower-case host names, sorted.
    pub nameservers: Vec<String>,
    /// `keyTag algorithm digestType DIGEST`, sorted.
    pub ds_records: Vec<String>,
    /// Whether the delegation is signed, when the answer says.
    pub dnssec: Option<bool>,
    /// The holder's name or organisation, when not redacted.
    pub registrant: Option<String>,
    /// The registrar's RDAP URL for this name, given by a registry (RDAP `related` link).
    pub registrar_rdap_url: Option<String>,
    /// The registrar's WHOIS server, given by a thin registry (`Registrar WHOIS Server:`).
    pub whois_referral: Option<String>,
    /// Set when the registry says the name cannot be registered at all (reserved, unassignable,
    /// invalid, not allowed): not registered, and not free either (docs/registries.md §6).
    pub cannot_register: Option<CannotRegister>,
}

/// Why a registry says a name cannot be registered (Registro.it `UNASSIGNABLE`, `RESERVED`…;
/// docs/registries.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CannotRegister {
    /// Kept back by the registry or by law (geographic names, the registry's own names).
    Reserved,
    /// The registry will never assign it (Registro.it `UNASSIGNABLE`: one-letter, two-letter
    /// names and the like).
    Unassignable,
    /// Not a valid name under the registry's rules.
    Invalid,
    /// Refused by the registry's naming rules (banned words, not open to registration).
    NotAllowed,
}

impl CannotRegister {
    pub fn label(self) -> &'static str {
        match self {
            CannotRegister::Reserved => "reserved by the registry",
            CannotRegister::Unassignable => "not assignable under the registry's rules",
            CannotRegister::Invalid => "not a valid name at this registry",
            CannotRegister::NotAllowed => "not allowed by the registry's naming rules",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the answer is not JSON: {0}")]
    NotJson(String),
    #[error("the answer is not an RDAP domain object (objectClassName is {0})")]
    NotADomain(String),
    #[error("the answer is an RDAP error {code}: {title}")]
    RdapError { code: i64, title: String },
    #[error("the WHOIS answer has no recognisable record: {0}")]
    Unrecognised(String),
    /// The registry refused to answer because of the query rate ("Too many requests", "daily
    /// whois-limit exceeded"): nothing is known about the name, least of all that it is free.
    #[error("the registry asks to slow down: {0}")]
    Throttled(String),
    /// The registry answered with an error page instead of a record ("Service temporarily
    /// unavailable", "Requests of this client are not permitted").
    #[error("the registry did not answer the query: {0}")]
    Unavailable(String),
}

/// RFC 8056 §2 (EPP → RDAP status mapping), read backwards: the RDAP words to EPP names.
const RDAP_TO_EPP: &[(&str, &str)] = &[
    ("add period", "addPeriod"),
    ("auto renew period", "autoRenewPeriod"),
    ("client delete prohibited", "clientDeleteProhibited"),
    ("client hold", "clientHold"),
    ("client renew prohibited", "clientRenewProhibited"),
    ("client transfer prohibited", "clientTransferProhibited"),
    ("client update prohibited", "clientUpdateProhibited"),
    ("inactive", "inactive"),
    ("associated", "linked"),
    ("active", "ok"),
    ("pending create", "pendingCreate"),
    ("pending delete", "pendingDelete"),
    ("pending renew", "pendingRenew"),
    ("pending restore", "pendingRestore"),
    ("pending transfer", "pendingTransfer"),
    ("pending update", "pendingUpdate"),
    ("redemption period", "redemptionPeriod"),
    ("renew period", "renewPeriod"),
    ("server delete prohibited", "serverDeleteProhibited"),
    ("server hold", "serverHold"),
    ("server renew prohibited", "serverRenewProhibited"),
    ("server transfer prohibited", "serverTransferProhibited"),
    ("server update prohibited", "serverUpdateProhibited"),
    ("transfer period", "transferPeriod"),
];

/// A status as a registry wrote it (RDAP words, EPP camelCase, an EPP name followed by an ICANN
/// link, upper case…) as an EPP name. Unknown words become camelCase.
pub fn epp_status(raw: &str) -> String {
    // "clientTransferProhibited https://icann.org/epp#clientTransferProhibited"
    let word = raw
        .split("http")
        .next()
        .unwrap_or(raw)
        .trim()
        .trim_end_matches(['(', ','])
        .trim();
    let lower = word.to_lowercase();
    if let Some((_, epp)) = RDAP_TO_EPP.iter().find(|(rdap, _)| *rdap == lower) {
        return (*epp).to_owned();
    }
    if let Some((_, epp)) = RDAP_TO_EPP
        .iter()
        .find(|(_, epp)| epp.to_lowercase() == lower.replace([' ', '_', '-'], ""))
    {
        return (*epp).to_owned();
    }
    camel_case(&lower)
}

fn camel_case(words: &str) -> String {
    let mut out = String::new();
    for (i, part) in words
        .split([' ', '_', '-'])
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if i == 0 {
            out.push_str(part);
        } else {
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

impl RegistryRecord {
    /// Sorts and de-duplicates the list fields, so two answers saying the same compare equal.
    pub fn normalise(mut self) -> Self {
        for list in [
            &mut self.statuses,
            &mut self.nameservers,
            &mut self.ds_records,
        ] {
            list.sort();
            list.dedup();
        }
        self
    }

    pub fn has_status(&self, epp: &str) -> bool {
        self.statuses.iter().any(|s| s == epp)
    }

    /// The holder's expiry: the registrar's date where known (the registry's moves a year on
    /// auto-renew), else the registry's.
    pub fn effective_expiry(&self) -> Option<DateTime<Utc>> {
        self.registrar_expires_at.or(self.expires_at)
    }
}

/// Reads a date the way registries write them: RFC 3339 with any fraction or offset, the offset
/// without a colon (`2028-09-13T07:00:00.000+0000`, `2019-09-09T08:39:04-0700`), ISO dates,
/// `26-may-2013`, `11-Jun-2014`, `11/01/2010` (day first), `16/09/14` (day first, two-digit year,
/// see [`two_digit_year`]), `Mon Dec 22 2003`, `2010-02-08 22:30:04`. Anything else, or a date
/// outside chrono's range, is unknown.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let text = raw.trim().trim_end_matches('.').trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    // RFC 3339 wants `+00:00`; registrars' RDAP and WHOIS also write `+0000` (ISO 8601 basic).
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(dt.with_timezone(&Utc));
    }
    // "2019-06-11T04:00:00Z" variants with a space, or without a zone.
    let without_zone = text
        .trim_end_matches('Z')
        .trim_end_matches(" UTC")
        .trim_end_matches(" GMT");
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(without_zone, format) {
            return Some(Utc.from_utc_datetime(&naive));
        }
    }
    let first = text.split_whitespace().collect::<Vec<_>>();
    if let Some(date) = first.first().and_then(|token| day_first_short(token)) {
        return date.and_hms_opt(0, 0, 0).map(|n| Utc.from_utc_datetime(&n));
    }
    let date_formats = [
        "%Y-%m-%d", "%d-%b-%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y.%m.%d", "%d.%m.%Y", "%Y/%m/%d",
    ];
    if let Some(token) = first.first() {
        for format in date_formats {
            if let Ok(date) = NaiveDate::parse_from_str(token, format) {
                return date.and_hms_opt(0, 0, 0).map(|n| Utc.from_utc_datetime(&n));
            }
        }
    }
    // "Mon Dec 22 2003", "Wed Feb  1 2012"
    let joined = first.join(" ");
    for format in ["%a %b %d %Y", "%b %d %Y", "%d %b %Y", "%A %d %B %Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(&joined, format) {
            return date.and_hms_opt(0, 0, 0).map(|n| Utc.from_utc_datetime(&n));
        }
    }
    None
}

/// `dd/mm/yy`, as Red.es writes its dates (`Expiration Date: 16/09/14`); a four-digit year is
/// left to the other formats.
fn day_first_short(token: &str) -> Option<NaiveDate> {
    let mut parts = token.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 2 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = two_digit_year(year.parse().ok()?);
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
}

/// The pivot for two-digit years: `00`–`69` are 2000–2069, `70`–`99` are 1970–1999 (the rule of
/// chrono's `%y` and of most date libraries). Registry dates never precede 1985, when the first
/// names were registered, so no real date is misread until 2070.
pub fn two_digit_year(yy: u8) -> i32 {
    let yy = i32::from(yy % 100);
    if yy < 70 { 2000 + yy } else { 1900 + yy }
}

/// Reads an RDAP domain answer (RFC 9083 §5.3). Tolerates what registries really send:
/// `secureDns` for `secureDNS`, missing members, statuses in EPP spelling, unreadable dates.
pub fn parse_rdap(bytes: &[u8]) -> Result<RegistryRecord, ParseError> {
    let json: Value =
        serde_json::from_slice(bytes).map_err(|e| ParseError::NotJson(e.to_string()))?;
    if let Some(code) = json.get("errorCode").and_then(Value::as_i64) {
        let title = json
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        return Err(ParseError::RdapError { code, title });
    }
    let class = json
        .get("objectClassName")
        .and_then(Value::as_str)
        .unwrap_or("missing");
    if class != "domain" {
        return Err(ParseError::NotADomain(class.to_owned()));
    }
    let mut record = RegistryRecord {
        registered: true,
        ..RegistryRecord::default()
    };
    record.statuses = strings(json.get("status"))
        .iter()
        .map(|s| epp_status(s))
        .collect();
    for event in json
        .get("events")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let action = event
            .get("eventAction")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase();
        let date = event
            .get("eventDate")
            .and_then(Value::as_str)
            .and_then(parse_date);
        match action.as_str() {
            "registration" => record.created_at = date,
            "expiration" => record.expires_at = date,
            "registrar expiration" => record.registrar_expires_at = date,
            "last changed" => record.updated_at = date,
            "deletion" => record.deleted_at = date,
            _ => {}
        }
    }
    for entity in json
        .get("entities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let roles = strings(entity.get("roles"));
        if roles.iter().any(|r| r == "registrar") {
            record.registrar = vcard_name(entity).or_else(|| {
                entity
                    .get("handle")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            record.registrar_iana_id = entity
                .get("publicIds")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|p| {
                    p.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case("IANA Registrar ID"))
                })
                .and_then(|p| p.get("identifier"))
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .or_else(|| v.as_i64().map(|n| n.to_string()))
                });
        }
        if roles.iter().any(|r| r == "registrant") {
            record.registrant = vcard_name(entity).filter(|n| !looks_redacted(n));
        }
    }
    record.nameservers = json
        .get("nameservers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|ns| ns.get("ldhName").and_then(Value::as_str))
        .map(|n| n.trim_end_matches('.').to_lowercase())
        .collect();
    let secure = json.get("secureDNS").or_else(|| json.get("secureDns"));
    if let Some(secure) = secure {
        record.dnssec = secure.get("delegationSigned").and_then(Value::as_bool);
        record.ds_records = secure
            .get("dsData")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|ds| {
                let n = |k: &str| {
                    ds.get(k)
                        .map(|v| v.to_string().trim_matches('"').to_owned())
                        .unwrap_or_default()
                };
                format!(
                    "{} {} {} {}",
                    n("keyTag"),
                    n("algorithm"),
                    n("digestType"),
                    n("digest").to_uppercase()
                )
            })
            .collect();
        if record.dnssec.is_none() && !record.ds_records.is_empty() {
            record.dnssec = Some(true);
        }
    }
    record.registrar_rdap_url = json
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|l| {
            l.get("rel").and_then(Value::as_str) == Some("related")
                && l.get("type")
                    .and_then(Value::as_str)
                    .is_none_or(|t| t.contains("rdap"))
                && l.get("href")
                    .and_then(Value::as_str)
                    .is_some_and(|h| h.starts_with("http"))
        })
        .and_then(|l| l.get("href").and_then(Value::as_str))
        .map(str::to_owned);
    Ok(record.normalise())
}

/// Reads a registrar's RDAP answer for the dates the registry does not have.
pub fn merge_registrar_rdap(
    mut registry: RegistryRecord,
    registrar: &RegistryRecord,
) -> RegistryRecord {
    registry.registrar_expires_at = registrar.registrar_expires_at.or(registrar.expires_at);
    if registry.registrant.is_none() {
        registry.registrant = registrar.registrant.clone();
    }
    registry
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The `fn` (or `org`) of an entity's jCard (RFC 7095).
fn vcard_name(entity: &Value) -> Option<String> {
    let props = entity.get("vcardArray")?.get(1)?.as_array()?;
    let find = |name: &str| {
        props
            .iter()
            .find(|p| p.get(0).and_then(Value::as_str) == Some(name))
            .and_then(|p| p.get(3))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Array(parts) => parts.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            })
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    find("fn").or_else(|| find("org"))
}

/// "REDACTED FOR PRIVACY", "Data Protected", "NOT DISCLOSED!"…
pub fn looks_redacted(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "redacted",
        "privacy",
        "not disclosed",
        "data protected",
        "withheld",
        "gdpr",
        "masked",
        "hidden",
        "statutory masking",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/rdap/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn date(text: &str) -> Option<DateTime<Utc>> {
        Some(
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc),
        )
    }

    #[test]
    fn statuses_map_to_epp_names() {
        // RFC 8056 §2 mapping, both directions of spelling, and ICANN-link suffixes.
        let cases = [
            ("pending delete", "pendingDelete"),
            ("redemption period", "redemptionPeriod"),
            ("active", "ok"),
            ("client transfer prohibited", "clientTransferProhibited"),
            (
                "clientTransferProhibited https://icann.org/epp#clientTransferProhibited",
                "clientTransferProhibited",
            ),
            ("PENDINGDELETE", "pendingDelete"),
            ("auto renew period", "autoRenewPeriod"),
            // docs/registries.md §2.4: AFNIC's unregistered status is kept in camelCase
            ("server recover prohibited", "serverRecoverProhibited"),
            ("QUARANTINE", "quarantine"),
        ];
        for (raw, expected) in cases {
            assert_eq!(epp_status(raw), expected, "{raw}");
        }
    }

    #[test]
    fn dates_in_the_formats_registries_use() {
        let cases = [
            ("2028-09-14T04:00:00Z", Some("2028-09-14T04:00:00Z")),
            (
                "2024-06-17T12:11:09.009091Z",
                Some("2024-06-17T12:11:09.009091Z"),
            ),
            ("2023-07-11T12:00:00.0+03:00", Some("2023-07-11T09:00:00Z")),
            ("2010-02-08 22:30:04", Some("2010-02-08T22:30:04Z")),
            ("2011-02-08", Some("2011-02-08T00:00:00Z")),
            ("26-may-2013", Some("2013-05-26T00:00:00Z")),
            ("11-Jun-2020", Some("2020-06-11T00:00:00Z")),
            ("09/02/2011", Some("2011-02-09T00:00:00Z")),
            // the older SIDN layout
            ("20-02-1998", Some("1998-02-20T00:00:00Z")),
            ("Mon Dec 22 2003", Some("2003-12-22T00:00:00Z")),
            ("Wed Feb  1 2012", Some("2012-02-01T00:00:00Z")),
            // Registrar RDAP and WHOIS: the offset without a colon (ISO 8601 basic)
            ("2028-09-13T07:00:00.000+0000", Some("2028-09-13T07:00:00Z")),
            ("2019-09-09T08:39:04-0700", Some("2019-09-09T15:39:04Z")),
            // Red.es: day first, two-digit year, pivot at 70 (`two_digit_year`)
            ("16/09/14", Some("2014-09-16T00:00:00Z")),
            ("16/09/03", Some("2003-09-16T00:00:00Z")),
            ("01/02/96", Some("1996-02-01T00:00:00Z")),
            ("31/02/99", None),
            // docs/registries.md §3.2: Nomulus END_OF_TIME is beyond chrono's range: unknown
            ("294247-01-10T04:00:54.775Z", None),
            ("", None),
            ("soon", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_date(raw), expected.and_then(date), "{raw:?}");
        }
    }

    #[test]
    fn every_rdap_fixture_parses() {
        let dir = format!("{}/tests/fixtures/rdap", env!("CARGO_MANIFEST_DIR"));
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("iana_") {
                continue;
            }
            let parsed = parse_rdap(&std::fs::read(&path).unwrap());
            if name.starts_with("error_") {
                assert!(
                    matches!(parsed, Err(ParseError::RdapError { code: 501, .. })),
                    "{name}: {parsed:?}"
                );
            } else {
                let record = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(record.registered, "{name}");
                count += 1;
            }
        }
        assert!(count >= 14, "{count} domain fixtures");
    }

    #[test]
    fn verisign_google_com() {
        let r = parse_rdap(&fixture("com_google.com_verisign.json")).unwrap();
        assert_eq!(
            r.statuses,
            vec![
                "clientDeleteProhibited",
                "clientTransferProhibited",
                "clientUpdateProhibited",
                "serverDeleteProhibited",
                "serverTransferProhibited",
                "serverUpdateProhibited"
            ]
        );
        assert_eq!(r.registrar_iana_id.as_deref(), Some("292"));
        assert_eq!(r.registrar.as_deref(), Some("MarkMonitor Inc."));
        assert_eq!(r.expires_at, date("2028-09-14T04:00:00Z"));
        assert_eq!(r.created_at, date("1997-09-15T04:00:00Z"));
        assert_eq!(
            r.nameservers,
            vec![
                "ns1.google.com",
                "ns2.google.com",
                "ns3.google.com",
                "ns4.google.com"
            ]
        );
        assert_eq!(r.dnssec, Some(true));
        // docs/registries.md §3.2: the registry links to the registrar's RDAP
        assert_eq!(
            r.registrar_rdap_url.as_deref(),
            Some("https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM")
        );
    }

    #[test]
    fn nomulus_redemption_and_auto_renew() {
        // docs/registries.md §2.2: RGP is `pending delete` + `redemption period` in RDAP
        let r = parse_rdap(&fixture(
            "lol_redemption.lol_pending-delete_redemption-period.json",
        ))
        .unwrap();
        assert_eq!(r.statuses, vec!["pendingDelete", "redemptionPeriod"]);
        assert_eq!(r.expires_at, None, "year 294247 is unknown, not a failure");
        let r = parse_rdap(&fixture("lol_autorenew.lol_auto-renew-period.json")).unwrap();
        assert!(r.has_status("autoRenewPeriod"));
    }

    #[test]
    fn afnic_spelling_and_dnssec() {
        let r = parse_rdap(&fixture("fr_afnic.fr_active.json")).unwrap();
        assert_eq!(r.statuses, vec!["ok"]);
        assert_eq!(r.updated_at, date("2022-09-28T11:21:02Z"));
        // `secureDns`, not `secureDNS` (docs/registries.md §3.2)
        assert_eq!(
            r.ds_records,
            vec!["53080 13 2 EF2DC0C8CF1FDF2994E8C771E0F871949B83AF41A1BF594B484677F5A85A657B"]
        );
        assert_eq!(r.dnssec, Some(true));
        let lemonde = parse_rdap(&fixture("fr_lemonde.fr_server-locks.json")).unwrap();
        assert!(lemonde.has_status("serverRecoverProhibited"));
    }

    #[test]
    fn norid_without_status_or_expiry() {
        let r = parse_rdap(&fixture("no_norway.no_norid.json")).unwrap();
        assert!(r.statuses.is_empty());
        assert_eq!(r.expires_at, None);
        assert!(!r.nameservers.is_empty());
    }

    #[test]
    fn what_is_not_an_rdap_domain_is_an_error() {
        assert!(matches!(
            parse_rdap(b"{\"objectClassName\": \"entity\"}"),
            Err(ParseError::NotADomain(_))
        ));
        assert!(matches!(
            parse_rdap(b"{\"objectClassName\": \"dom"),
            Err(ParseError::NotJson(_))
        ));
        assert!(matches!(parse_rdap(b"<html>"), Err(ParseError::NotJson(_))));
        assert!(matches!(parse_rdap(b"[]"), Err(ParseError::NotADomain(_))));
    }

    #[test]
    fn two_digit_years_pivot_at_seventy() {
        assert_eq!(two_digit_year(0), 2000);
        assert_eq!(two_digit_year(14), 2014);
        assert_eq!(two_digit_year(69), 2069);
        assert_eq!(two_digit_year(70), 1970);
        assert_eq!(two_digit_year(99), 1999);
    }

    /// The registrar expiry a registrar's RDAP writes with `+0000` is read, not lost (issue 13).
    #[test]
    fn registrar_expiry_with_an_offset_without_colon() {
        let answer = br#"{"objectClassName":"domain","ldhName":"google.com","events":[{"eventAction":"registrar expiration","eventDate":"2028-09-13T07:00:00.000+0000"}]}"#;
        let record = parse_rdap(answer).unwrap();
        assert_eq!(record.registrar_expires_at, date("2028-09-13T07:00:00Z"));
    }

    #[test]
    fn registrar_rdap_adds_the_real_expiry() {
        let registry = parse_rdap(&fixture("com_google.com_verisign.json")).unwrap();
        let registrar_answer = br#"{"objectClassName":"domain","ldhName":"google.com","events":[{"eventAction":"registrar expiration","eventDate":"2028-09-13T07:00:00Z"}]}"#;
        let registrar = parse_rdap(registrar_answer).unwrap();
        let merged = merge_registrar_rdap(registry, &registrar);
        assert_eq!(merged.registrar_expires_at, date("2028-09-13T07:00:00Z"));
        assert_eq!(merged.effective_expiry(), date("2028-09-13T07:00:00Z"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn no_bytes_make_the_rdap_reader_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
                let _ = parse_rdap(&bytes);
            }

            /// JSON of the right shape with any values: read or refused, never a panic.
            #[test]
            fn no_rdap_values_make_the_reader_panic(
                name in any::<String>(),
                status in proptest::collection::vec(any::<String>(), 0..4),
                date in any::<String>(),
                action in "(registration|expiration|last changed|deletion|registrar expiration|[a-z ]{0,12})",
            ) {
                let answer = serde_json::json!({
                    "objectClassName": "domain",
                    "ldhName": name,
                    "status": status,
                    "events": [{"eventAction": action, "eventDate": date}],
                    "links": [{"rel": "related", "href": date}],
                });
                let _ = parse_rdap(&serde_json::to_vec(&answer).unwrap());
            }
        }
    }
}
