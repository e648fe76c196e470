//! Port-43 WHOIS answers, read into a `RegistryRecord`.
//!
//! WHOIS has no common format. ICANN gTLD registries and registrars write one `Key: Value` per
//! line; each ccTLD registry has its own layout: `key: value` blocks (AFNIC, DENIC, Punktum) or
//! headed sections (Nominet, EURid, SIDN, CIRA…). The TLD picks the reader; every reader works on
//! the same [`Answer`] (the answer cut into blocks of lines) and the same small helpers, and
//! turns registry words into the EPP names of `epp_status` (docs/registries.md §2). Pure and total:
//! any text gives a record or `ParseError::Unrecognised`, never a panic.

use chrono::{DateTime, Utc};

use super::registry_record::{ParseError, RegistryRecord, epp_status, looks_redacted, parse_date};

/// Reads a WHOIS answer from the registry of `tld` (lower-case A-label, no dot). TLDs without a
/// reader of their own use the ICANN layout, and so does any answer written in it (a ccTLD that
/// moved to the ICANN layout keeps answering for its TLD).
pub fn parse_whois(tld: &str, text: &str) -> Result<RegistryRecord, ParseError> {
    let answer = Answer::new(text);
    let record = if says_not_found(text) {
        Some(RegistryRecord::default())
    } else if answer.value(&["registry domain id"]).is_some() {
        icann(&answer)
    } else {
        match tld {
            // AFNIC also runs the overseas TLDs (docs/registries.md §1.1).
            "fr" | "re" | "pm" | "tf" | "wf" | "yt" => afnic(&answer),
            "de" => denic(&answer),
            "dk" => punktum(&answer),
            "eu" => eurid(&answer),
            "uk" => nominet(&answer),
            "it" => registro_it(&answer),
            "nl" => sidn(&answer),
            "be" => dns_belgium(&answer),
            "ca" => cira(&answer),
            _ => icann(&answer),
        }
    };
    let nothing_read = RegistryRecord {
        registered: true,
        ..RegistryRecord::default()
    };
    match record {
        Some(record) if record != nothing_read => Ok(record.normalise()),
        _ => Err(ParseError::Unrecognised(excerpt(text))),
    }
}

/// The ICANN layout (gTLD registries such as Verisign and PIR, registrars, and ccTLDs that copied
/// it): one `Key: Value` per line, with the keys of the 2013 and 2017+ formats.
fn icann(answer: &Answer) -> Option<RegistryRecord> {
    Some(RegistryRecord {
        registered: true,
        statuses: answer
            .values(&["domain status", "status"])
            .map(epp_status)
            .collect(),
        registrar: answer
            .value(&["registrar", "sponsoring registrar"])
            .and_then(registrar_name),
        registrar_iana_id: answer
            .value(&["registrar iana id", "sponsoring registrar iana id"])
            .map(str::to_owned),
        created_at: answer
            .value(&["creation date", "created on"])
            .and_then(date),
        expires_at: answer
            .value(&[
                "registry expiry date",
                "expiration date",
                "registry expiration date",
            ])
            .and_then(date),
        registrar_expires_at: answer
            .value(&["registrar registration expiration date"])
            .and_then(date),
        updated_at: answer
            .value(&["updated date", "last updated on"])
            .and_then(date),
        nameservers: answer.values(&["name server"]).filter_map(host).collect(),
        dnssec: answer.value(&["dnssec"]).and_then(dnssec),
        registrant: answer
            .value(&["registrant organization"])
            .or_else(|| answer.value(&["registrant name"]))
            .and_then(holder),
        whois_referral: answer
            .value(&["registrar whois server", "whois server"])
            .and_then(referral),
        ..RegistryRecord::default()
    })
}

/// AFNIC (.fr): `status: ACTIVE|REDEMPTION`, plus `pending: DELETE` while the deletion runs and
/// `hold: YES` when the name is kept out of the zone. The holder is the `nic-hdl` block named by
/// `holder-c`.
fn afnic(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let Some(mut statuses) = statuses(values(domain, &["status"])) else {
        return Some(RegistryRecord::default());
    };
    statuses
        .extend(values(domain, &["pending"]).map(|what| epp_status(&format!("pending {what}"))));
    // AFNIC shows only that the name is held, not who asked; in the redemption fixture it is the
    // registry's own hold, hence `serverHold`.
    if value(domain, &["hold"]).is_some_and(|hold| hold.eq_ignore_ascii_case("yes")) {
        statuses.push("serverHold".to_owned());
    }
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: value(domain, &["registrar"]).and_then(registrar_name),
        created_at: value(domain, &["created"]).and_then(date),
        expires_at: value(domain, &["expiry date"]).and_then(date),
        updated_at: value(domain, &["last-update"]).and_then(date),
        deleted_at: value(domain, &["deleted"]).and_then(date),
        nameservers: answer.values(&["nserver"]).filter_map(host).collect(),
        registrant: value(domain, &["holder-c"]).and_then(|handle| afnic_holder(answer, handle)),
        ..RegistryRecord::default()
    })
}

/// The `contact:` of the holder's `nic-hdl` block, unless AFNIC marks it `anonymous: YES` (a
/// private person).
fn afnic_holder(answer: &Answer, handle: &str) -> Option<String> {
    let block = answer
        .blocks
        .iter()
        .find(|block| value(block, &["nic-hdl"]).is_some_and(|h| h.eq_ignore_ascii_case(handle)))?;
    if value(block, &["anonymous"]).is_some_and(|a| a.eq_ignore_ascii_case("yes")) {
        return None;
    }
    value(block, &["contact"]).and_then(holder)
}

/// DENIC (.de): `Status: connect|free|redemptionPeriod`, no expiry (DENIC has none, docs/registries.md
/// §1.3), no registrar and no holder on port 43.
fn denic(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let Some(statuses) = statuses(values(domain, &["status"])) else {
        return Some(RegistryRecord::default());
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        updated_at: value(domain, &["changed"]).and_then(date),
        nameservers: values(domain, &["nserver"]).filter_map(host).collect(),
        ..RegistryRecord::default()
    })
}

/// Punktum dk / DK Hostmaster (.dk): `Status: Active|Deactivated`, `Registered:`, `Expires:`, a
/// `Registrant` section and `Hostname:` lines under `Nameservers`.
fn punktum(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let Some(statuses) = statuses(values(domain, &["status"])) else {
        return Some(RegistryRecord::default());
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: value(domain, &["registrar"]).and_then(registrar_name),
        created_at: value(domain, &["registered"]).and_then(date),
        expires_at: value(domain, &["expires"]).and_then(date),
        dnssec: value(domain, &["dnssec"]).and_then(dnssec),
        nameservers: answer.values(&["hostname"]).filter_map(host).collect(),
        registrant: answer.holder_in(&["registrant"]),
        ..RegistryRecord::default()
    })
}

/// EURid (.eu): no dates on port 43; a `Status:` line only for a name that is free (`AVAILABLE`)
/// or in quarantine; `Registrar:` and `Name servers:` sections.
fn eurid(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let Some(statuses) = statuses(values(domain, &["status"])) else {
        return Some(RegistryRecord::default());
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: answer.registrar_in(&["registrar"]),
        nameservers: answer.hosts_in(&["name servers"]),
        registrant: answer.holder_in(&["registrant"]),
        ..RegistryRecord::default()
    })
}

/// Nominet (.uk): indented sections whose heading stands alone on its line.
fn nominet(answer: &Answer) -> Option<RegistryRecord> {
    answer.section(&["domain name"])?;
    let dates = answer.section(&["relevant dates"]).unwrap_or_default();
    let status_lines = answer.section(&["registration status"]).unwrap_or_default();
    Some(RegistryRecord {
        registered: true,
        statuses: status_lines
            .iter()
            .filter_map(|line| nominet_status(line))
            .collect(),
        registrar: answer.registrar_in(&["registrar"]),
        created_at: value(dates, &["registered on"]).and_then(date),
        expires_at: value(dates, &["expiry date"]).and_then(date),
        updated_at: value(dates, &["last updated"]).and_then(date),
        nameservers: answer.hosts_in(&["name servers"]),
        registrant: answer.holder_in(&["registrant"]),
        ..RegistryRecord::default()
    })
}

/// Nominet writes its status as sentences: "Registered until expiry date." is the normal state,
/// the old "*** This registration has been SUSPENDED. ***" line is `suspended`, and other
/// sentences ("Renewal required.") keep their words in camelCase (docs/registries.md §1.3).
fn nominet_status(line: &str) -> Option<String> {
    let sentence = line.trim().trim_matches(['*', '.', ' ']).to_lowercase();
    if sentence.is_empty() {
        None
    } else if sentence.starts_with("registered until") {
        Some("ok".to_owned())
    } else if sentence.contains("suspended") {
        Some("suspended".to_owned())
    } else {
        Some(epp_status(&sentence))
    }
}

/// Registro.it (.it): `Status: ok`, or the EPP status and the RGP status joined by a slash
/// (`pendingDelete / redemptionPeriod`, docs/registries.md §1.1 and §2.2); `Registrar`, `Registrant`
/// and `Nameservers` sections.
fn registro_it(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let words = values(domain, &["status"]).flat_map(|status| status.split('/'));
    let Some(statuses) = statuses(words) else {
        return Some(RegistryRecord::default());
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: answer.registrar_in(&["registrar"]),
        created_at: value(domain, &["created"]).and_then(date),
        expires_at: value(domain, &["expire date"]).and_then(date),
        updated_at: value(domain, &["last update"]).and_then(date),
        nameservers: answer.hosts_in(&["nameservers"]),
        registrant: answer.holder_in(&["registrant"]),
        ..RegistryRecord::default()
    })
}

/// SIDN (.nl): `Status: active|in quarantine|free`, the registrar under `Registrar:` (or `Last
/// registrar:` during quarantine), and when the quarantine ends.
fn sidn(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain name"])?;
    let Some(statuses) = statuses(values(domain, &["status"])) else {
        return Some(RegistryRecord::default());
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: answer.registrar_in(&["registrar", "last registrar"]),
        created_at: answer
            .value(&["creation date", "date registered"])
            .and_then(date),
        updated_at: answer
            .value(&["updated date", "record last updated"])
            .and_then(date),
        release_at: answer.value(&["date out of quarantine"]).and_then(date),
        nameservers: answer.hosts_in(&["domain nameservers"]),
        ..RegistryRecord::default()
    })
}

/// DNS Belgium (.be): `Status: NOT AVAILABLE|AVAILABLE|QUARANTINE`, `Registered:`, and
/// `Available:` (when a name in quarantine is released).
fn dns_belgium(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let Some(statuses) = statuses(values(domain, &["status"])) else {
        return Some(RegistryRecord::default());
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: answer.registrar_in(&["registrar"]),
        created_at: value(domain, &["registered"]).and_then(date),
        release_at: value(domain, &["available"]).and_then(date),
        nameservers: answer.hosts_in(&["nameservers"]),
        ..RegistryRecord::default()
    })
}

/// CIRA (.ca), the layout before it moved to ICANN keys: `Domain status: registered|redemption|
/// pending delete|available…`, `Registrar:` and `Registrant:` sections with `Name:`.
fn cira(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain name"])?;
    let Some(statuses) = statuses(values(domain, &["domain status"])) else {
        return Some(RegistryRecord::default());
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: answer.registrar_in(&["registrar"]),
        created_at: value(domain, &["creation date"]).and_then(date),
        expires_at: value(domain, &["expiry date"]).and_then(date),
        updated_at: value(domain, &["updated date"]).and_then(date),
        nameservers: answer.hosts_in(&["name servers"]),
        registrant: answer.holder_in(&["registrant"]),
        ..RegistryRecord::default()
    })
}

/// ccTLD status words that have another EPP name than `epp_status` would give them, and the words
/// that mean the name is free (`None`).
const REGISTRY_WORDS: &[(&str, Option<&str>)] = &[
    ("available", None),                      // EURid, DNS Belgium, Registro.it, CIRA
    ("free", None),                           // DENIC, SIDN
    ("connect", Some("ok")),                  // DENIC: registered and delegated
    ("not available", Some("ok")),            // DNS Belgium: registered
    ("registered", Some("ok")),               // CIRA
    ("redemption", Some("redemptionPeriod")), // AFNIC, CIRA
    ("in quarantine", Some("quarantine")),    // SIDN
    ("auto-renew grace", Some("autoRenewPeriod")), // CIRA
];

/// The EPP names of a registry's status words, or `None` when one of them says the name is free.
fn statuses<'a>(words: impl IntoIterator<Item = &'a str>) -> Option<Vec<String>> {
    words
        .into_iter()
        .map(str::trim)
        .filter(|word| !word.is_empty())
        .map(|word| {
            let lower = word.to_lowercase();
            match REGISTRY_WORDS
                .iter()
                .find(|(registry, _)| *registry == lower)
            {
                Some((_, epp)) => epp.map(str::to_owned),
                None => Some(epp_status(word)),
            }
        })
        .collect()
}

/// Line openings with which registries say they hold no such name (Verisign, PIR, AFNIC,
/// Punktum, Nominet and others; compared after `%`/`#` and indentation).
const NOT_FOUND: &[&str] = &[
    "no match for",
    "not found",
    "no entries found",
    "no data found",
    "domain not found",
    "the queried object does not exist",
    "this domain name has not been registered",
];

/// Whether the answer says the name is not registered, by a line of its own.
fn says_not_found(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line
            .trim()
            .trim_start_matches(['%', '#'])
            .trim()
            .to_lowercase();
        NOT_FOUND.iter().any(|opening| line.starts_with(opening)) || sidn_free(&line)
    })
}

/// SIDN answers a free name with the single line `example.nl is free`.
fn sidn_free(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(words[..], [name, "is", "free"] if name.contains('.'))
}

/// A WHOIS answer cut into blocks: runs of lines between blank lines. Comment lines (`%`, `#`,
/// `>>>`) also end a block, so a registry's notices never run into its data. Lines keep their
/// indentation; readers trim what they take.
struct Answer<'a> {
    lines: Vec<&'a str>,
    blocks: Vec<Vec<&'a str>>,
}

impl<'a> Answer<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut blocks = Vec::new();
        let mut block = Vec::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with(['%', '#']) || trimmed.starts_with(">>>") {
                if !block.is_empty() {
                    blocks.push(std::mem::take(&mut block));
                }
            } else {
                lines.push(line);
                block.push(line);
            }
        }
        if !block.is_empty() {
            blocks.push(block);
        }
        Self { lines, blocks }
    }

    /// The first non-empty value of any of `keys` anywhere in the answer.
    fn value(&self, keys: &[&str]) -> Option<&'a str> {
        value(&self.lines, keys)
    }

    fn values(&self, keys: &[&str]) -> impl Iterator<Item = &'a str> {
        values(&self.lines, keys)
    }

    /// The first block holding one of `keys`: the domain's own block, whose keys (`Created:`,
    /// `Status:`) the contact blocks repeat.
    fn block_with(&self, keys: &[&str]) -> Option<&[&'a str]> {
        self.blocks
            .iter()
            .find(|block| value(block, keys).is_some())
            .map(Vec::as_slice)
    }

    /// The lines under a heading that stands alone on the first line of a block (`Registrar:`,
    /// `Nameservers`), the heading itself left out.
    fn section(&self, headings: &[&str]) -> Option<&[&'a str]> {
        self.blocks.iter().find_map(|block| {
            let (first, rest) = block.split_first()?;
            let title = first.trim();
            let title = title.strip_suffix(':').unwrap_or(title).trim();
            headings
                .iter()
                .any(|heading| title.eq_ignore_ascii_case(heading))
                .then_some(rest)
        })
    }

    fn registrar_in(&self, headings: &[&str]) -> Option<String> {
        self.section(headings)
            .and_then(section_name)
            .and_then(registrar_name)
    }

    fn holder_in(&self, headings: &[&str]) -> Option<String> {
        self.section(headings)
            .and_then(section_name)
            .and_then(holder)
    }

    /// The host names listed one a line under a heading; a line may go on with addresses.
    fn hosts_in(&self, headings: &[&str]) -> Vec<String> {
        self.section(headings)
            .unwrap_or_default()
            .iter()
            .filter_map(|line| host(line))
            .collect()
    }
}

/// `Key: value`, both trimmed; the key ends at the first colon.
fn field(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    Some((key.trim(), value.trim()))
}

/// The non-empty values of any of `keys` (compared without case) in `lines`, in order.
fn values<'a>(lines: &[&'a str], keys: &[&str]) -> impl Iterator<Item = &'a str> {
    lines
        .iter()
        .filter_map(|line| field(line))
        .filter(|(key, value)| {
            !value.is_empty() && keys.iter().any(|k| key.eq_ignore_ascii_case(k))
        })
        .map(|(_, value)| value)
}

fn value<'a>(lines: &[&'a str], keys: &[&str]) -> Option<&'a str> {
    values(lines, keys).next()
}

/// The name a contact or registrar section shows: its organisation, else its name, else its
/// first line when that is bare text (Nominet and SIDN write the name alone).
fn section_name<'a>(lines: &[&'a str]) -> Option<&'a str> {
    value(lines, &["organization", "organisation"])
        .or_else(|| value(lines, &["name"]))
        .or_else(|| lines.first().copied().filter(|line| field(line).is_none()))
}

/// A registrar's name without Nominet's `[Tag = …]` or PIR's registrar handle `(R37-LROR)`.
fn registrar_name(raw: &str) -> Option<String> {
    let name = raw.split_once("[Tag").map_or(raw, |(name, _)| name).trim();
    let name = match name
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" ("))
    {
        Some((before, handle)) if !handle.contains(char::is_whitespace) => before.trim(),
        _ => name,
    };
    (!name.is_empty()).then(|| name.to_owned())
}

/// A holder's name or organisation, unless the registry redacted it.
fn holder(raw: &str) -> Option<String> {
    let name = raw.trim();
    (!name.is_empty() && !looks_redacted(name)).then(|| name.to_owned())
}

/// A host name from a line that may go on with addresses: lower case, no trailing dot. Anything
/// that is not a dotted name ("No name servers listed.") is none.
fn host(raw: &str) -> Option<String> {
    let name = raw
        .split_whitespace()
        .next()?
        .trim_end_matches('.')
        .to_lowercase();
    let valid = name.contains('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    valid.then_some(name)
}

/// The host of a `Registrar WHOIS Server:`, which some write as a URL.
fn referral(raw: &str) -> Option<String> {
    let rest = raw.split_once("://").map_or(raw, |(_, rest)| rest);
    rest.split(['/', ':']).next().and_then(host)
}

/// `signedDelegation`/`Signed…`/`yes` and `unsigned`/`Unsigned delegation…`/`no`.
fn dnssec(raw: &str) -> Option<bool> {
    let word = raw.trim().to_lowercase();
    if word.starts_with("unsigned") || word == "no" {
        Some(false)
    } else if word.starts_with("signed") || word == "yes" {
        Some(true)
    } else {
        None
    }
}

/// `parse_date`, plus the zone without a colon that registrar WHOIS writes
/// (`2019-09-09T08:39:04-0700`, MarkMonitor) and RFC 3339 does not allow.
fn date(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M:%S%.f%z")
        .map(|date| date.with_timezone(&Utc))
        .ok()
        .or_else(|| parse_date(raw))
}

/// The start of an unreadable answer, on one line, for the error.
fn excerpt(text: &str) -> String {
    const LENGTH: usize = 60;
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        return "(empty answer)".to_owned();
    }
    let mut short: String = words.chars().take(LENGTH).collect();
    if words.chars().count() > LENGTH {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/whois/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn fixture_names() -> Vec<String> {
        let dir = format!("{}/tests/fixtures/whois", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Fixture names start with their TLD.
    fn tld_of(name: &str) -> &str {
        name.split('_').next().unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    const GTLD_LOCKS: &[&str] = &[
        "clientDeleteProhibited",
        "clientTransferProhibited",
        "clientUpdateProhibited",
        "serverDeleteProhibited",
        "serverTransferProhibited",
        "serverUpdateProhibited",
    ];

    /// File, registered, statuses, registry expiry, registrar prefix, nameserver count.
    type Row = (
        &'static str,
        bool,
        &'static [&'static str],
        Option<&'static str>,
        Option<&'static str>,
        usize,
    );

    /// One row per fixture, its values read off the fixture text by hand.
    #[test]
    fn every_fixture_reads_as_expected() {
        #[rustfmt::skip]
        let rows: &[Row] = &[
            // docs/registries.md §1.1 (.be): quarantine, with the release date in `Available:`
            ("be_dnsbe_quarantine.txt", true, &["quarantine"], None, None, 0),
            // §1.1 bonus: CIRA `redemption`; servers followed by their addresses
            ("ca_cira_redemption.txt", true, &["redemptionPeriod"], Some("2010-10-29T00:00:00Z"), Some("Webnames.ca Inc."), 3),
            // registrar WHOIS: only the registrar's expiry, checked in `fields_beyond_the_summary`
            ("com_markmonitor_registrar-whois_2019.txt", true, GTLD_LOCKS, None, Some("MarkMonitor, Inc."), 4),
            ("com_verisign_available.txt", false, &[], None, None, 0),
            ("com_verisign_notfound_2022.txt", false, &[], None, None, 0),
            // §1.2 step 6: the 2013 thin format, `Status:` and `Expiration Date: 26-may-2013`
            ("com_verisign_pendingdelete_2013.txt", true, &["pendingDelete"], Some("2013-05-26T00:00:00Z"), Some("GODADDY.COM, LLC"), 2),
            ("com_verisign_registered_2017.txt", true, GTLD_LOCKS, Some("2020-09-14T04:00:00Z"), Some("MarkMonitor Inc."), 4),
            // §1.1 (.de): `connect`, no expiry at DENIC
            ("de_denic_connect.txt", true, &["ok"], None, None, 4),
            ("de_denic_free_2022.txt", false, &[], None, None, 0),
            // §1.1 (.dk): the 2012 answer names no registrar
            ("dk_hostmaster_deactivated_2012.txt", true, &["deactivated"], Some("2012-08-31T00:00:00Z"), None, 5),
            ("dk_punktum_active_2022.txt", true, &["ok"], Some("2023-03-31T00:00:00Z"), Some("MarkMonitor Inc."), 4),
            // EURid shows no status and no dates for a registered name
            ("eu_eurid_registered.txt", true, &[], None, Some("MarkMonitor Inc."), 4),
            ("fr_afnic_active_iso-dates_2019.txt", true, &["ok"], Some("2019-11-11T23:00:00Z"), Some("OVH"), 4),
            ("fr_afnic_notfound_2022.txt", false, &[], None, None, 0),
            // §1.1 (.fr): `status: REDEMPTION`, `pending: DELETE`, `hold: YES`
            ("fr_afnic_redemption_2011.txt", true, &["pendingDelete", "redemptionPeriod", "serverHold"], None, Some("OVH"), 0),
            ("fr_afnic_registered.txt", true, &["ok"], Some("2017-12-30T00:00:00Z"), Some("MARKMONITOR Inc."), 4),
            ("io_nic_registered_2019.txt", true, &["clientTransferProhibited"], Some("2020-05-28T22:09:44Z"), Some("Name.com LLC"), 4),
            // §1.1 (.it) and §2.2: the final pending delete is `pendingDelete` alone
            ("it_nic_pendingdelete-pendingdelete.txt", true, &["pendingDelete"], Some("2011-05-31T00:00:00Z"), Some("DominioFaiDaTe S.r.l."), 2),
            ("it_nic_pendingdelete-redemptionperiod.txt", true, &["pendingDelete", "redemptionPeriod"], Some("2011-02-08T00:00:00Z"), Some("Seeweb S.r.l."), 2),
            ("net_verisign_registered_2017.txt", true, GTLD_LOCKS, Some("2018-03-15T04:00:00Z"), Some("MarkMonitor Inc."), 4),
            // §1.1 (.nl): quarantine, the registrar under `Last registrar:`
            ("nl_sidn_quarantine_2010.txt", true, &["quarantine"], None, Some("Fastware B.V."), 0),
            // PIR appends the registrar's handle `(R37-LROR)`
            ("org_pir_registered.txt", true, &["clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited"], Some("2014-10-20T04:00:00Z"), Some("MarkMonitor Inc."), 4),
            // Nominet's `[Tag = MARKMONITOR]` is dropped
            ("uk_nominet_registered.txt", true, &["ok"], Some("2015-02-14T00:00:00Z"), Some("Markmonitor Inc. t/a Markmonitor"), 4),
            ("uk_nominet_registered_2019.txt", true, &["ok"], Some("2020-06-11T00:00:00Z"), Some("Markmonitor Inc. t/a MarkMonitor Inc."), 4),
            // §1.3 (.uk, pre-2022): "Renewal required." and SUSPENDED; "No name servers listed."
            ("uk_nominet_suspended_2012.txt", true, &["renewalRequired", "suspended"], Some("2010-08-30T00:00:00Z"), Some("Key-Systems GmbH"), 0),
        ];
        let listed: Vec<String> = rows.iter().map(|row| row.0.to_owned()).collect();
        assert_eq!(listed, fixture_names(), "one row per fixture file");
        for &(name, registered, statuses, expiry, registrar, nameservers) in rows {
            let record =
                parse_whois(tld_of(name), &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(record.registered, registered, "{name}");
            assert_eq!(record.statuses, statuses, "{name}");
            assert_eq!(record.expires_at, expiry.map(at), "{name}");
            match registrar {
                Some(prefix) => assert!(
                    record
                        .registrar
                        .as_deref()
                        .is_some_and(|r| r.starts_with(prefix)),
                    "{name}: {:?}",
                    record.registrar
                ),
                None => assert_eq!(record.registrar, None, "{name}"),
            }
            assert_eq!(
                record.nameservers.len(),
                nameservers,
                "{name}: {:?}",
                record.nameservers
            );
        }
    }

    #[test]
    fn every_fixture_parses() {
        let names = fixture_names();
        assert_eq!(names.len(), 25);
        for name in names {
            let parsed = parse_whois(tld_of(&name), &fixture(&name));
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
        }
    }

    /// The fields the summary table leaves out, as text (dates in RFC 3339).
    fn field_text(record: &RegistryRecord, field: &str) -> Option<String> {
        let date = |d: Option<DateTime<Utc>>| {
            d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        };
        match field {
            "created" => date(record.created_at),
            "updated" => date(record.updated_at),
            "deleted" => date(record.deleted_at),
            "release" => date(record.release_at),
            "registrar expiry" => date(record.registrar_expires_at),
            "iana id" => record.registrar_iana_id.clone(),
            "referral" => record.whois_referral.clone(),
            "dnssec" => record.dnssec.map(|d| d.to_string()),
            "registrant" => record.registrant.clone(),
            "nameservers" => Some(record.nameservers.join(" ")),
            other => panic!("no field {other}"),
        }
    }

    #[test]
    fn fields_beyond_the_summary() {
        #[rustfmt::skip]
        let rows: &[(&str, &str, Option<&str>)] = &[
            ("be_dnsbe_quarantine.txt", "created", Some("2003-12-22T00:00:00Z")),
            // docs/registries.md §1.1 (.be): `Available:` is when the quarantine ends
            ("be_dnsbe_quarantine.txt", "release", Some("2012-02-01T00:00:00Z")),
            ("ca_cira_redemption.txt", "created", Some("2004-10-30T00:00:00Z")),
            ("ca_cira_redemption.txt", "updated", Some("2010-12-04T00:00:00Z")),
            ("ca_cira_redemption.txt", "nameservers", Some("ns1.webnames.ca ns2.webnames.ca ns3.webnames.ca")),
            // §3.2/§1.2: the registrar's own expiry, in a zone written `-0700`
            ("com_markmonitor_registrar-whois_2019.txt", "registrar expiry", Some("2028-09-13T07:00:00Z")),
            ("com_markmonitor_registrar-whois_2019.txt", "updated", Some("2019-09-09T15:39:04Z")),
            ("com_markmonitor_registrar-whois_2019.txt", "registrant", Some("Google LLC")),
            ("com_markmonitor_registrar-whois_2019.txt", "dnssec", Some("false")),
            ("com_verisign_pendingdelete_2013.txt", "created", Some("2010-05-26T00:00:00Z")),
            ("com_verisign_pendingdelete_2013.txt", "updated", Some("2013-05-05T00:00:00Z")),
            ("com_verisign_pendingdelete_2013.txt", "referral", Some("whois.godaddy.com")),
            ("com_verisign_pendingdelete_2013.txt", "nameservers", Some("ns75.domaincontrol.com ns76.domaincontrol.com")),
            ("com_verisign_registered_2017.txt", "created", Some("1997-09-15T04:00:00Z")),
            ("com_verisign_registered_2017.txt", "updated", Some("2011-07-20T16:55:31Z")),
            ("com_verisign_registered_2017.txt", "iana id", Some("292")),
            ("com_verisign_registered_2017.txt", "referral", Some("whois.markmonitor.com")),
            ("com_verisign_registered_2017.txt", "dnssec", Some("false")),
            ("com_verisign_registered_2017.txt", "registrant", None),
            ("com_verisign_registered_2017.txt", "nameservers", Some("ns1.google.com ns2.google.com ns3.google.com ns4.google.com")),
            ("de_denic_connect.txt", "updated", Some("2011-03-30T17:36:27Z")),
            ("dk_punktum_active_2022.txt", "created", Some("1999-01-10T00:00:00Z")),
            ("dk_punktum_active_2022.txt", "dnssec", Some("false")),
            ("dk_hostmaster_deactivated_2012.txt", "created", Some("2010-08-16T00:00:00Z")),
            // EURid: "NOT DISCLOSED!" is redacted
            ("eu_eurid_registered.txt", "registrant", None),
            ("fr_afnic_active_iso-dates_2019.txt", "created", Some("1999-11-11T23:00:00Z")),
            ("fr_afnic_active_iso-dates_2019.txt", "updated", Some("2019-04-18T12:14:43Z")),
            ("fr_afnic_active_iso-dates_2019.txt", "registrant", Some("OVH SAS")),
            // §1.1 (.fr): day-first dates; `deleted:` starts the 30-day redemption
            ("fr_afnic_redemption_2011.txt", "created", Some("2010-01-11T00:00:00Z")),
            ("fr_afnic_redemption_2011.txt", "deleted", Some("2011-02-09T00:00:00Z")),
            ("fr_afnic_registered.txt", "registrant", Some("Google Ireland Holdings")),
            ("io_nic_registered_2019.txt", "registrar expiry", None),
            ("io_nic_registered_2019.txt", "referral", Some("whois.name.com")),
            ("io_nic_registered_2019.txt", "iana id", Some("625")),
            ("it_nic_pendingdelete-redemptionperiod.txt", "created", Some("2010-02-08T22:30:04Z")),
            ("it_nic_pendingdelete-redemptionperiod.txt", "updated", Some("2011-02-11T15:38:31Z")),
            // §1.3 (.nl): the quarantine end
            ("nl_sidn_quarantine_2010.txt", "release", Some("2010-10-02T00:00:00Z")),
            ("org_pir_registered.txt", "registrant", Some("Google Inc.")),
            ("org_pir_registered.txt", "iana id", Some("292")),
            ("org_pir_registered.txt", "dnssec", Some("false")),
            ("org_pir_registered.txt", "referral", None),
            ("uk_nominet_registered.txt", "created", Some("1999-02-14T00:00:00Z")),
            ("uk_nominet_registered.txt", "updated", Some("2014-01-13T00:00:00Z")),
            ("uk_nominet_registered.txt", "registrant", Some("Google Inc.")),
            ("uk_nominet_registered_2019.txt", "registrant", None),
        ];
        for &(name, field, expected) in rows {
            let record = parse_whois(tld_of(name), &fixture(name)).unwrap();
            assert_eq!(
                field_text(&record, field).as_deref(),
                expected,
                "{name}: {field}"
            );
        }
    }

    #[test]
    fn availability_answers_are_not_registered() {
        // Verisign "No match for", AFNIC "%% No entries found", DENIC "Status: free"
        let names = [
            "com_verisign_available.txt",
            "com_verisign_notfound_2022.txt",
            "fr_afnic_notfound_2022.txt",
            "de_denic_free_2022.txt",
        ];
        for name in names {
            let record = parse_whois(tld_of(name), &fixture(name)).unwrap();
            assert_eq!(
                record,
                RegistryRecord::default(),
                "{name}: not registered and nothing else"
            );
        }
        // The same words in the other layouts that have them.
        let cases = [
            ("fr", "%% NOT FOUND"),
            ("uk", "\n    This domain name has not been registered.\n"),
            ("eu", "Domain: example.eu\nStatus: AVAILABLE\n"),
            ("be", "Domain: example.be\nStatus: AVAILABLE\n"),
            ("it", "Domain: example.it\nStatus: AVAILABLE\n"),
            ("ca", "Domain name: example.ca\nDomain status: available\n"),
            ("nl", "example.nl is free\n"),
        ];
        for (tld, text) in cases {
            assert_eq!(
                parse_whois(tld, text),
                Ok(RegistryRecord::default()),
                "{tld}: {text:?}"
            );
        }
    }

    #[test]
    fn garbage_is_unrecognised() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let noise: Vec<u8> = (0..2048)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        let noise = String::from_utf8_lossy(&noise).into_owned();
        let garbage = [
            "",
            "\n\n",
            "<html><body>Service unavailable</body></html>",
            "Rate limit exceeded. Try again later.",
            &noise,
        ];
        for text in garbage {
            for tld in [
                "com", "fr", "de", "dk", "eu", "uk", "it", "nl", "be", "ca", "xyz",
            ] {
                let parsed = parse_whois(tld, text);
                assert!(
                    matches!(parsed, Err(ParseError::Unrecognised(_))),
                    "{tld}: {text:?} gave {parsed:?}"
                );
            }
        }
        assert_eq!(
            parse_whois("com", ""),
            Err(ParseError::Unrecognised("(empty answer)".into()))
        );
    }

    #[test]
    fn truncated_answers_never_panic() {
        // A copy cut in the middle of a line reads as part of the record, or not at all.
        let text = fixture("com_verisign_registered_2017.txt");
        let cut = text.find("Registrar IANA ID").unwrap() + 12;
        let record = parse_whois("com", &text[..cut]).unwrap();
        assert_eq!(record.registrar.as_deref(), Some("MarkMonitor Inc."));
        assert!(record.nameservers.is_empty());
        // Every fixture, cut anywhere.
        for name in fixture_names() {
            let text = fixture(&name);
            for cut in (0..text.len())
                .filter(|&i| text.is_char_boundary(i))
                .step_by(7)
            {
                let parsed = parse_whois(tld_of(&name), &text[..cut]);
                assert!(
                    matches!(parsed, Ok(_) | Err(ParseError::Unrecognised(_))),
                    "{name} cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn a_cctld_answer_in_the_icann_layout_is_read_as_one() {
        // The .io answer (a ccTLD registry writing ICANN keys) under a ccTLD with its own reader.
        let text = fixture("io_nic_registered_2019.txt");
        assert_eq!(parse_whois("ca", &text), parse_whois("io", &text));
    }
}
