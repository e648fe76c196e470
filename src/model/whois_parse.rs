//! Port-43 WHOIS answers, read into a `RegistryRecord`.
//!
//! WHOIS has no common format. ICANN gTLD registries and registrars write one `Key: Value` per
//! line; each ccTLD registry has its own layout: `key: value` blocks (AFNIC, DENIC, Punktum),
//! headed sections (Nominet, EURid, SIDN, CIRA…) or a label on one line and its value on the next
//! (SWITCH, the older SIDN layout). The TLD picks the reader; every reader works on the same
//! [`Answer`] (the answer cut into blocks of lines) and the same small helpers, and turns registry
//! words into the EPP names of `epp_status` (docs/registries.md §2, §6). Pure and total: any text
//! gives a record or an error, never a panic.
//!
//! One rule before all others: an answer that says the registry refused the query (a throttle or
//! an error page) is an error, [`ParseError::Throttled`] or [`ParseError::Unavailable`], even when
//! it goes on with a "not found" line (AFNIC writes "Too many requests" and then "No entries
//! found"). Nothing but a registry's own words for a free name reads as free.

use chrono::{DateTime, Utc};

use super::registry_record::{
    CannotRegister, ParseError, RegistryRecord, epp_status, looks_redacted, parse_date,
};

/// Reads a WHOIS answer from the registry of `tld` (lower-case A-label, no dot). TLDs without a
/// reader of their own use the ICANN layout, and so does any answer written in it (a ccTLD that
/// moved to the ICANN layout keeps answering for its TLD).
pub fn parse_whois(tld: &str, text: &str) -> Result<RegistryRecord, ParseError> {
    if let Some(refusal) = refusal(text) {
        return Err(refusal);
    }
    let answer = Answer::new(text);
    let record = if let Some(why) = says_cannot_register(text) {
        Some(cannot_register(why))
    } else if says_not_found(text) {
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
            "ch" | "li" => switch(&answer),
            "es" => red_es(&answer),
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

/// The TLDs with a reader of their own (the others are read in the ICANN layout), for the
/// documentation and the corpus test.
pub const READERS: &[(&str, &[&str])] = &[
    ("AFNIC", &["fr", "re", "pm", "tf", "wf", "yt"]),
    ("DENIC", &["de"]),
    ("Punktum dk", &["dk"]),
    ("EURid", &["eu"]),
    ("Nominet", &["uk"]),
    ("Registro.it", &["it"]),
    ("SIDN", &["nl"]),
    ("DNS Belgium", &["be"]),
    ("CIRA", &["ca"]),
    ("SWITCH", &["ch", "li"]),
    ("Red.es", &["es"]),
];

/// Phrases with which registries refuse a query for its rate (compared in lower case, anywhere
/// in a line): AFNIC "Too many requests", SIDN "daily whois-limit exceeded" and "only 1 request
/// per second allowed", EURid "Excessive querying", DENIC "access control limit", Verisign-style
/// "exceeded the maximum" and the generic ones (docs/registries.md §6).
const THROTTLED: &[&str] = &[
    "too many requests",
    "too many queries",
    "limit exceeded",
    "limit reached",
    "exceeded the maximum",
    "exceeded this limit",
    "exceeded your",
    "maximum number of queries",
    "excessive querying",
    "excessive query",
    "request per second",
    "requests per second",
    "rate limit",
    "quota exceeded",
    "try again later",
    "please wait",
    // DNS Belgium "Maximum queries per hour reached (100)", EURid "-1: Still in grace period,
    // wait 7777777 seconds", Nominet "The WHOIS query quota for … has been exceeded", DK
    // Hostmaster "# Too many connections."
    "maximum queries",
    "still in grace period",
    "query quota",
    "too many connections",
];

/// Phrases of error pages that are not about the rate: Registro.it "Service temporarily
/// unavailable", SIDN "Server too busy", SWITCH "Requests of this client are not permitted".
const UNAVAILABLE: &[&str] = &[
    "temporarily unavailable",
    "service unavailable",
    "server too busy",
    "client are not permitted",
    "access denied",
    "connection refused",
    "internal error",
    "internal server error",
    "database is unavailable",
    "database is currently down", // Verisign
    "ip address blocked",         // DNS Belgium "-3: IP address blocked"
    "<html",
];

/// The length from which a line is a notice paragraph rather than a refusal.
const NOTICE_LENGTH: usize = 300;

/// Whether the answer is a refusal rather than an answer about the name.
fn refusal(text: &str) -> Option<ParseError> {
    let lines = text.lines().map(|line| line.to_lowercase());
    let mut unavailable = false;
    for line in lines {
        // A refusal is a short line; a long one is a registry's terms of use, which may say
        // that "too many queries" are refused (Identity Digital's answer for a free .io).
        let notice = line.chars().count() > NOTICE_LENGTH;
        if !notice && THROTTLED.iter().any(|phrase| line.contains(phrase)) {
            return Some(ParseError::Throttled(excerpt(text)));
        }
        unavailable |= UNAVAILABLE.iter().any(|phrase| line.contains(phrase));
    }
    unavailable.then(|| ParseError::Unavailable(excerpt(text)))
}

/// The ICANN layout (gTLD registries such as Verisign and PIR, registrars, and ccTLDs that copied
/// it): one `Key: Value` per line, with the keys of the 2013 and 2017+ formats. Only the domain's
/// own record is read (see [`own_record`]).
fn icann(answer: &Answer) -> Option<RegistryRecord> {
    let lines = own_record(&answer.lines);
    let value = |keys: &[&str]| value(&lines, keys);
    Some(RegistryRecord {
        registered: true,
        statuses: values(&lines, &["domain status", "status"])
            .map(epp_status)
            .collect(),
        registrar: value(&["registrar", "sponsoring registrar"]).and_then(registrar_name),
        registrar_iana_id: value(&["registrar iana id", "sponsoring registrar iana id"])
            .map(str::to_owned),
        // `Domain … Date`: .co (Neustar) before it took the ICANN keys, dates written
        // `Sat Apr 25 23:59:59 GMT 2015`. `Expiry`, `NS 1`… and `Owner`: .io (ICB) before 2017.
        created_at: value(&["creation date", "created on", "domain registration date"])
            .and_then(date),
        expires_at: value(&[
            "registry expiry date",
            "expiration date",
            "registry expiration date",
            "domain expiration date",
            "expiry",
        ])
        .and_then(date),
        registrar_expires_at: value(&["registrar registration expiration date"]).and_then(date),
        updated_at: value(&[
            "updated date",
            "last updated on",
            "domain last updated date",
        ])
        .and_then(date),
        nameservers: values(&lines, &["name server"])
            .chain(numbered_name_servers(&lines))
            .filter_map(host)
            .collect(),
        dnssec: value(&["dnssec"]).and_then(dnssec),
        registrant: value(&["registrant organization"])
            .or_else(|| value(&["registrant name"]))
            .or_else(|| value(&["owner"]))
            .and_then(holder),
        whois_referral: value(&["registrar whois server", "whois server"]).and_then(referral),
        ..RegistryRecord::default()
    })
}

/// The values of `NS 1:`, `NS 2:`… (.io before 2017).
fn numbered_name_servers<'a>(lines: &[&'a str]) -> impl Iterator<Item = &'a str> {
    lines.iter().filter_map(|line| {
        let (key, value) = field(line)?;
        let number = key
            .strip_prefix("NS ")
            .or_else(|| key.strip_prefix("ns "))?;
        (!number.is_empty() && number.trim().chars().all(|c| c.is_ascii_digit())).then_some(value)
    })
}

/// The lines of the domain's own record. The old thin Verisign answer lists, before the domain,
/// every host whose name starts with it (`Server Name: GOOGLE.COM.ZZZZZ…`), each with a
/// `Registrar:` and `Whois Server:` of its own; the domain's record is the run of lines from its
/// `Domain Name:` line to the next `Server Name:` or `Domain Name:` line. An answer without host
/// records is read whole.
fn own_record<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let key_is =
        |line: &str, key: &str| field(line).is_some_and(|(k, _)| k.eq_ignore_ascii_case(key));
    if !lines.iter().any(|line| key_is(line, "server name")) {
        return lines.to_vec();
    }
    let Some(start) = lines.iter().position(|line| key_is(line, "domain name")) else {
        // Only host records: nothing about a domain.
        return Vec::new();
    };
    let rest = &lines[start + 1..];
    let end = rest
        .iter()
        .position(|line| key_is(line, "server name") || key_is(line, "domain name"))
        .unwrap_or(rest.len());
    lines[start..start + 1 + end].to_vec()
}

/// AFNIC (.fr): `status: ACTIVE|REDEMPTION`, plus `pending: DELETE` while the deletion runs and
/// `hold: YES` when the name is kept out of the zone. The holder is the `nic-hdl` block named by
/// `holder-c`.
fn afnic(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let mut statuses = match statuses(values(domain, &["status"])) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
    };
    // Since 2019 AFNIC adds the EPP statuses in RDAP words (`eppstatus: redemption period`);
    // the contact blocks have `eppstatus:` lines of their own (`associated`), not read here.
    statuses.extend(values(domain, &["eppstatus"]).map(epp_status));
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
    let statuses = match statuses(values(domain, &["status"])) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
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
    // DK Hostmaster's `Reserved` is a name that is taken and waits for its registrant to accept
    // the terms (it has `Registered:` and `Expires:` dates), not the "cannot be registered" that
    // the word means elsewhere: kept as the status `reserved` of a registered name.
    let (reserved, words): (Vec<&str>, Vec<&str>) =
        values(domain, &["status"]).partition(|word| word.trim().eq_ignore_ascii_case("reserved"));
    let mut statuses = match statuses(words) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
    };
    statuses.extend(reserved.iter().map(|word| epp_status(word)));
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
    let statuses = match statuses(values(domain, &["status"])) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
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
    let statuses = match statuses(words) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
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
/// registrar:` during quarantine), and when the quarantine ends. The older layout writes every
/// label alone on its line with the value on the next (`Domain name:` / `example.nl`, `Status:` /
/// `active`, `Date registered:` / `01-01-2000`); both are read.
fn sidn(answer: &Answer) -> Option<RegistryRecord> {
    let first = |labels: &[&str]| {
        answer
            .labelled(labels)
            .and_then(|lines| lines.first().copied())
    };
    let (inline, status_words): (bool, Vec<&str>) = match answer.block_with(&["domain name"]) {
        Some(domain) => (true, values(domain, &["status"]).collect()),
        None => {
            first(&["domain name"])?;
            (false, first(&["status"]).into_iter().collect())
        }
    };
    let statuses = match statuses(status_words) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
    };
    let dated = |keys: &[&str]| {
        answer
            .value(keys)
            .or_else(|| if inline { None } else { first(keys) })
            .and_then(date)
    };
    Some(RegistryRecord {
        registered: true,
        statuses,
        registrar: answer.registrar_in(&["registrar", "last registrar"]),
        created_at: dated(&["creation date", "date registered"]),
        updated_at: dated(&["updated date", "record last updated"]),
        release_at: dated(&["date out of quarantine"]),
        nameservers: answer.hosts_in(&["domain nameservers"]),
        registrant: if inline {
            None
        } else {
            answer.holder_in(&["registrant"])
        },
        ..RegistryRecord::default()
    })
}

/// DNS Belgium (.be): `Status: NOT AVAILABLE|AVAILABLE|QUARANTINE`, `Registered:`, and
/// `Available:` (when a name in quarantine is released).
fn dns_belgium(answer: &Answer) -> Option<RegistryRecord> {
    let domain = answer.block_with(&["domain"])?;
    let statuses = match statuses(values(domain, &["status"])) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
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
    let statuses = match statuses(values(domain, &["domain status"])) {
        Ok(statuses) => statuses,
        Err(outcome) => return Some(outcome),
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

/// SWITCH (.ch, .li): each label stands alone on its line and its value follows on the next
/// lines (`Domain name:` / `google.ch`; `Holder of domain name:` and the holder's address); a
/// copy without colons separates label and value by a tab (`Registrar\tMarkMonitor Inc.`).
/// SWITCH shows no status and no expiry on port 43: a record means the name is registered.
fn switch(answer: &Answer) -> Option<RegistryRecord> {
    let name = answer.labelled(&["domain name"])?;
    name.first()?;
    let first = |labels: &[&str]| {
        answer
            .labelled(labels)
            .and_then(|lines| lines.first().copied())
    };
    Some(RegistryRecord {
        registered: true,
        registrar: first(&["registrar"]).and_then(registrar_name),
        created_at: first(&["first registration date"]).and_then(date),
        nameservers: answer
            .labelled(&["name servers"])
            .unwrap_or_default()
            .iter()
            .filter_map(|line| host(line))
            .collect(),
        dnssec: first(&["dnssec"])
            .or_else(|| answer.value(&["dnssec"]))
            .and_then(dnssec),
        registrant: first(&["holder of domain name", "holder"]).and_then(holder),
        ..RegistryRecord::default()
    })
}

/// Red.es (.es): `Domain Name:`, `Creation Date:` and `Expiration Date:` under a `Domain:`
/// heading, dates day first with a two-digit year (`16/09/14`, docs/registries.md §6), the
/// holder under `Registrant Name:` and up to four `Name Server N:` lines. Red.es shows no status.
fn red_es(answer: &Answer) -> Option<RegistryRecord> {
    answer.value(&["domain name"])?;
    Some(RegistryRecord {
        registered: true,
        created_at: answer.value(&["creation date"]).and_then(date),
        expires_at: answer.value(&["expiration date"]).and_then(date),
        nameservers: answer
            .lines
            .iter()
            .filter_map(|line| field(line))
            .filter(|(key, _)| key.to_lowercase().starts_with("name server"))
            .filter_map(|(_, value)| host(value))
            .collect(),
        registrant: answer.value(&["registrant name"]).and_then(holder),
        ..RegistryRecord::default()
    })
}

/// What a registry's status word says.
#[derive(Debug, Clone, Copy)]
enum Word {
    /// The name is free.
    Free,
    /// The name cannot be registered at all.
    Cannot(CannotRegister),
    /// An EPP status (or a registry state with no EPP name, in camelCase).
    Status(&'static str),
}

/// ccTLD status words that have another EPP name than `epp_status` would give them, the words
/// that mean the name is free, and those that mean it cannot be registered (docs/registries.md
/// §6). Compared in lower case, with `-`, `_` and spaces ignored.
const REGISTRY_WORDS: &[(&str, Word)] = &[
    ("available", Word::Free),       // EURid, DNS Belgium, Registro.it, CIRA
    ("free", Word::Free),            // DENIC, SIDN
    ("connect", Word::Status("ok")), // DENIC: registered and delegated
    ("notavailable", Word::Status("ok")), // DNS Belgium: registered
    ("registered", Word::Status("ok")), // CIRA
    ("redemption", Word::Status("redemptionPeriod")), // AFNIC, CIRA
    ("inquarantine", Word::Status("quarantine")), // SIDN
    ("autorenewgrace", Word::Status("autoRenewPeriod")), // CIRA
    // Registro.it: deleted because the registrar lost its accreditation; the holder can still
    // recover it for 30 days through another registrar, as in redemption.
    ("redemptionnoprovider", Word::Status("redemptionPeriod")),
    ("unassignable", Word::Cannot(CannotRegister::Unassignable)), // Registro.it
    ("reserved", Word::Cannot(CannotRegister::Reserved)),         // Registro.it, others
    ("invalid", Word::Cannot(CannotRegister::Invalid)),
    ("invaliddomain", Word::Cannot(CannotRegister::Invalid)),
    ("notallowed", Word::Cannot(CannotRegister::NotAllowed)),
    ("forbidden", Word::Cannot(CannotRegister::NotAllowed)),
    ("notopen", Word::Cannot(CannotRegister::NotAllowed)), // AFNIC `NOT_OPEN`
    // CIRA: "conflicts with at least one other registered domain name" (error 01114)
    ("unavailable", Word::Cannot(CannotRegister::NotAllowed)),
    // CIRA: deleted, released on the `TBR Release date`
    ("toberelease", Word::Status("pendingDelete")),
    ("tobereleased", Word::Status("pendingDelete")),
];

/// The EPP names of a registry's status words; or, as `Err`, the whole outcome when a word says
/// the name is free or cannot be registered.
fn statuses<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, RegistryRecord> {
    let mut out = Vec::new();
    for word in words.into_iter().map(str::trim).filter(|w| !w.is_empty()) {
        let key: String = word
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect();
        match REGISTRY_WORDS.iter().find(|(registry, _)| *registry == key) {
            Some((_, Word::Free)) => return Err(RegistryRecord::default()),
            Some((_, Word::Cannot(why))) => return Err(cannot_register(*why)),
            Some((_, Word::Status(epp))) => out.push((*epp).to_owned()),
            None => out.push(epp_status(word)),
        }
    }
    Ok(out)
}

/// The record of a name the registry says cannot be registered: not registered, not free.
fn cannot_register(why: CannotRegister) -> RegistryRecord {
    RegistryRecord {
        cannot_register: Some(why),
        ..RegistryRecord::default()
    }
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
    // SWITCH (.ch, .li), in its two wordings
    "we do not have an entry in our database matching your query",
    "the domain name is not registered",
    // Red.es (.es)
    "there is no information available on the domain",
];

/// Line openings with which registries say a name cannot be registered, without a status word:
/// Nominet "This domain cannot be registered because it contravenes the Nominet UK naming
/// rules", .io "Domain reserved" and, in the ICANN-era layout, "Reserved by Registry".
const CANNOT: &[(&str, CannotRegister)] = &[
    ("this domain cannot be registered", CannotRegister::Invalid),
    ("domain reserved", CannotRegister::Reserved),
    ("reserved by registry", CannotRegister::Reserved),
];

/// Why the answer says, by a line of its own, that the name cannot be registered.
fn says_cannot_register(text: &str) -> Option<CannotRegister> {
    text.lines().find_map(|line| {
        let line = line.trim().to_lowercase();
        if denic_invalid(&line) {
            return Some(CannotRegister::Invalid);
        }
        CANNOT
            .iter()
            .find(|(opening, _)| line.starts_with(opening))
            .map(|(_, why)| *why)
    })
}

/// DENIC (schema 1.11): `% "example..de" is not a valid domain name`.
fn denic_invalid(line: &str) -> bool {
    let line = line.trim_start_matches('%').trim();
    line.starts_with('"') && line.ends_with("\" is not a valid domain name")
}

/// Whether the answer says the name is not registered, by a line of its own.
fn says_not_found(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line
            .trim()
            .trim_start_matches(['%', '#'])
            .trim()
            .to_lowercase();
        NOT_FOUND.iter().any(|opening| line.starts_with(opening))
            || sidn_free(&line)
            || denic_not_found(&line)
            || io_available(&line)
    })
}

/// DENIC before 2010: `% Object "example.de" not found in database`.
fn denic_not_found(line: &str) -> bool {
    line.starts_with("object ") && line.ends_with("not found in database")
}

/// .io before 2017: `Domain example.io is available for purchase`.
fn io_available(line: &str) -> bool {
    line.starts_with("domain ") && line.ends_with("is available for purchase")
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

    /// The value of a label that stands alone on the first line of a block (`Domain name:`), the
    /// value being the block's other lines; or, in the tab-separated copy, the text after the
    /// tab (`Holder\tGoogle LLC`) followed by the block's other lines. Lines are trimmed.
    fn labelled(&self, labels: &[&str]) -> Option<Vec<&'a str>> {
        self.blocks.iter().find_map(|block| {
            let (first, rest) = block.split_first()?;
            let first = first.trim();
            let (label, inline) = match first.split_once('\t') {
                Some((label, value)) => (label.trim(), Some(value.trim())),
                None => (first.strip_suffix(':').unwrap_or(first).trim(), None),
            };
            let label = label.strip_suffix(':').unwrap_or(label).trim();
            labels
                .iter()
                .any(|wanted| label.eq_ignore_ascii_case(wanted))
                .then(|| {
                    inline
                        .into_iter()
                        .chain(rest.iter().map(|line| line.trim()))
                        .filter(|line| !line.is_empty())
                        .collect()
                })
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
    if word.starts_with("unsigned") || word == "no" || word == "n" {
        Some(false)
    } else if word.starts_with("signed") || word == "yes" || word == "y" {
        Some(true)
    } else {
        None
    }
}

/// A date as registries write it (`parse_date`, one reading for RDAP and WHOIS).
fn date(raw: &str) -> Option<DateTime<Utc>> {
    parse_date(raw).or_else(|| {
        // .co (Neustar) before the ICANN keys: `Sat Apr 25 23:59:59 GMT 2015`.
        chrono::NaiveDateTime::parse_from_str(raw.trim(), "%a %b %d %H:%M:%S GMT %Y")
            .ok()
            .map(|naive| naive.and_utc())
    })
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
        for text in ["", "\n\n", &noise] {
            for tld in [
                "com", "fr", "de", "dk", "eu", "uk", "it", "nl", "be", "ca", "ch", "es", "xyz",
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
        // Error pages are errors of their own, for every reader (docs/registries.md §6).
        for (text, throttled) in [
            ("<html><body>Service unavailable</body></html>", false),
            // SWITCH's refusal of a client (phpWhois' blaueskreuz.ch fixture, not copied: GPL)
            (
                "Requests of this client are not permitted. Please use https://www.nic.ch/whois/ for queries.",
                false,
            ),
            ("Rate limit exceeded. Try again later.", true),
        ] {
            for tld in ["com", "fr", "de", "it", "nl", "ch", "es", "xyz"] {
                let parsed = parse_whois(tld, text);
                let expected = if throttled {
                    matches!(parsed, Err(ParseError::Throttled(_)))
                } else {
                    matches!(parsed, Err(ParseError::Unavailable(_)))
                };
                assert!(expected, "{tld}: {text:?} gave {parsed:?}");
            }
        }
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
                    "{name} cut at {cut}: {parsed:?}"
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

    // ---- the findings of issue 13 (docs/registries.md §6) ----

    /// The old thin Verisign layout with look-alike host records before the domain's own record,
    /// as in the answers quoted in public write-ups of the "GOOGLE.COM.ZZZZZ…" host records; the
    /// hosts' registrars must not be taken for the domain's.
    #[test]
    fn thin_com_reads_the_domains_own_record_not_the_hosts_before_it() {
        let text = "Whois Server Version 2.0\n\n\
            \x20  Server Name: EXAMPLE.COM.LOOKALIKE.NET\n\
            \x20  IP Address: 192.0.2.1\n\
            \x20  Registrar: HOST REGISTRAR, INC.\n\
            \x20  Whois Server: whois.host-registrar.example\n\
            \x20  Referral URL: http://www.host-registrar.example\n\n\
            \x20  Domain Name: EXAMPLE.COM\n\
            \x20  Registrar: DOMAIN REGISTRAR LLC\n\
            \x20  Whois Server: whois.domain-registrar.example\n\
            \x20  Name Server: NS1.EXAMPLE.COM\n\
            \x20  Status: clientTransferProhibited\n\
            \x20  Expiration Date: 24-nov-2030\n\n\
            >>> Last update of whois database: Wed, 26 Feb 2014 12:47:56 UTC <<<\n";
        let record = parse_whois("com", text).unwrap();
        assert_eq!(record.registrar.as_deref(), Some("DOMAIN REGISTRAR LLC"));
        assert_eq!(
            record.whois_referral.as_deref(),
            Some("whois.domain-registrar.example")
        );
        assert_eq!(record.nameservers, ["ns1.example.com"]);
        assert_eq!(record.expires_at, Some(at("2030-11-24T00:00:00Z")));
        // Host records alone say nothing about a domain: unreadable, never free.
        let hosts_only = text.split("   Domain Name").next().unwrap();
        assert!(matches!(
            parse_whois("com", hosts_only),
            Err(ParseError::Unrecognised(_))
        ));
    }

    /// AFNIC since 2019 (layout of whois.nic.fr answers, FRNIC-2.5): `eppstatus:` in the domain
    /// block; the contact blocks' own `eppstatus: associated` is not the domain's.
    #[test]
    fn afnic_reads_eppstatus_lines_of_the_domain_block_only() {
        let text = "%%\n%% This is the AFNIC Whois server.\n%%\n\n\
            domain:      example.fr\n\
            status:      REDEMPTION\n\
            eppstatus:   redemption period\n\
            eppstatus:   server hold\n\
            hold:        NO\n\
            holder-c:    ANO00-FRNIC\n\
            registrar:   OVH\n\
            Expiry Date: 2025-03-22T16:16:43Z\n\
            source:      FRNIC\n\n\
            nic-hdl:     ANO00-FRNIC\n\
            type:        PERSON\n\
            contact:     Ano Nymous\n\
            anonymous:   YES\n\
            eppstatus:   associated\n\
            eppstatus:   active\n\
            source:      FRNIC\n";
        let record = parse_whois("fr", text).unwrap();
        assert_eq!(record.statuses, ["redemptionPeriod", "serverHold"]);
        assert_eq!(record.registrant, None, "anonymous holder");
    }

    #[test]
    fn a_throttle_followed_by_not_found_is_a_throttle_never_free() {
        for name in ["fr", "pm", "re", "tf", "wf", "yt"] {
            let text = corpus_text(&format!("afnic/throttled/{name}_response_throttled.txt"));
            assert!(
                matches!(parse_whois(name, &text), Err(ParseError::Throttled(_))),
                "{name}"
            );
        }
    }

    /// Red.es writes `dd/mm/yy`: `16/09/14` is 16 September 2014 (pivot: 00–69 → 20xx).
    #[test]
    fn red_es_two_digit_years_and_its_free_answer() {
        let record =
            parse_whois("es", &corpus_text("red_es/registered/es_google_2013.txt")).unwrap();
        assert!(record.registered);
        assert_eq!(record.created_at, Some(at("2003-09-16T00:00:00Z")));
        assert_eq!(record.expires_at, Some(at("2014-09-16T00:00:00Z")));
        assert_eq!(record.registrant.as_deref(), Some("GOOGLE INC."));
        assert_eq!(record.nameservers, ["ns1.google.com", "ns2.google.com"]);
        assert_eq!(
            parse_whois("es", &corpus_text("red_es/free/es_available_2013.txt")),
            Ok(RegistryRecord::default())
        );
    }

    #[test]
    fn switch_reads_the_value_on_the_line_after_its_label() {
        let record =
            parse_whois("ch", &corpus_text("switch/registered/ch_google_2013.txt")).unwrap();
        assert!(record.registered);
        assert_eq!(record.registrant.as_deref(), Some("Google Inc."));
        assert_eq!(record.dnssec, Some(false));
        assert_eq!(record.nameservers.len(), 4);
        let record =
            parse_whois("ch", &corpus_text("switch/registered/ch_google_tabs.txt")).unwrap();
        assert_eq!(record.registrar.as_deref(), Some("MarkMonitor Inc."));
        assert_eq!(record.created_at, Some(at("1999-05-31T00:00:00Z")));
        assert_eq!(record.registrant.as_deref(), Some("Google LLC"));
        let record =
            parse_whois("ch", &corpus_text("switch/registered/ch_switch_tabs.txt")).unwrap();
        assert_eq!(
            record.nameservers,
            ["ns2.switch.ch", "ns3.switch.ch", "scsnms.switch.ch"]
        );
        assert_eq!(record.dnssec, Some(true));
        let li = parse_whois("li", &corpus_text("switch/registered/li_google_2013.txt")).unwrap();
        assert!(li.registered);
        for free in [
            "ch_available_2013.txt",
            "ch_notfound_2022.txt",
            "ch_notfound_2021.txt",
        ] {
            assert_eq!(
                parse_whois("ch", &corpus_text(&format!("switch/free/{free}"))),
                Ok(RegistryRecord::default()),
                "{free}"
            );
        }
    }

    #[test]
    fn registro_it_redemption_without_provider_and_names_that_cannot_be_registered() {
        let record = parse_whois(
            "it",
            &corpus_text("registro_it/redemption/it_redemption_no_provider.txt"),
        )
        .unwrap();
        assert_eq!(record.statuses, ["redemptionPeriod"]);
        // The EPP spelling Registro.it uses today.
        let record = parse_whois(
            "it",
            "Domain: example.it\nStatus: pendingDelete / redemptionNoProvider\n",
        )
        .unwrap();
        assert_eq!(record.statuses, ["pendingDelete", "redemptionPeriod"]);
        for (file, why) in [
            ("it_reserved.txt", CannotRegister::Reserved),
            ("it_unassignable.txt", CannotRegister::Unassignable),
        ] {
            let record =
                parse_whois("it", &corpus_text(&format!("registro_it/invalid/{file}"))).unwrap();
            assert!(!record.registered, "{file}");
            assert_eq!(record.cannot_register, Some(why), "{file}");
        }
        for (word, why) in [
            ("INVALID", CannotRegister::Invalid),
            ("NOT ALLOWED", CannotRegister::NotAllowed),
            ("not-allowed", CannotRegister::NotAllowed),
        ] {
            let record = parse_whois("it", &format!("Domain: x.it\nStatus: {word}\n")).unwrap();
            assert_eq!(record.cannot_register, Some(why), "{word}");
        }
    }

    /// SIDN's older layout, each label alone on its line and the value on the next (the layout
    /// phpWhois' `nl` handler reads with `get_blocks`: `Domain name:`, `Status:`, `Registrar:`,
    /// `Date registered:`, `Record last updated:`, `Domain nameservers:`).
    #[test]
    fn sidn_older_layout_with_the_value_on_the_next_line() {
        let text = "Domain name:\n    example.nl\n\n\
            Status:\n    active\n\n\
            Registrant:\n    Example B.V.\n    Straat 1\n\n\
            Registrar:\n    Registrar B.V.\n    Straat 2\n\n\
            Date registered:\n    20-02-1998\n\n\
            Record last updated:\n    12-09-2005\n\n\
            Domain nameservers:\n    ns1.example.nl\n    ns2.example.nl\n\n\
            Record maintained by: NL Domain Registry\n";
        let record = parse_whois("nl", text).unwrap();
        assert!(record.registered);
        assert_eq!(record.statuses, ["ok"]);
        assert_eq!(record.registrar.as_deref(), Some("Registrar B.V."));
        assert_eq!(record.registrant.as_deref(), Some("Example B.V."));
        assert_eq!(record.created_at, Some(at("1998-02-20T00:00:00Z")));
        assert_eq!(record.updated_at, Some(at("2005-09-12T00:00:00Z")));
        assert_eq!(record.nameservers, ["ns1.example.nl", "ns2.example.nl"]);
        let free = "Domain name:\n    example.nl\n\nStatus:\n    free\n";
        assert_eq!(parse_whois("nl", free), Ok(RegistryRecord::default()));
    }

    /// Readings found wrong on real answers added to the corpus: DK Hostmaster's `Reserved` is a
    /// held name; CIRA's `unavailable` cannot be registered and `to be released` is pending
    /// delete; Nominet's naming-rules error, .io's "Domain reserved" and "Reserved by Registry" and
    /// DENIC's "is not a valid domain name" cannot be registered;
    /// DENIC's and .io's older free answers; throttles of DNS Belgium, EURid, Nominet and DK
    /// Hostmaster; a free .io answer whose terms of use speak of "too many queries"; and the
    /// expiry date, name servers and owner of .io answers before 2017 and the dates of .co answers
    /// before 2015, which were lost.
    #[test]
    fn readings_found_on_the_grown_corpus() {
        let dk = "Domain:               googlle.dk\nStatus:               Reserved\n";
        let dk = parse_whois("dk", dk).unwrap();
        assert!(dk.registered && dk.cannot_register.is_none());
        assert_eq!(dk.statuses, ["reserved"]);
        let ca = "Domain name:           mediom.ca\nDomain status:         unavailable\n";
        assert_eq!(
            parse_whois("ca", ca).unwrap().cannot_register,
            Some(CannotRegister::NotAllowed)
        );
        let ca = "Domain name:           x.ca\nDomain status:         to be released\n";
        assert!(parse_whois("ca", ca).unwrap().has_status("pendingDelete"));
        let uk = "    This domain cannot be registered because it contravenes the Nominet UK\n";
        assert_eq!(
            parse_whois("uk", uk).unwrap().cannot_register,
            Some(CannotRegister::Invalid)
        );
        assert_eq!(
            parse_whois("io", "\nDomain reserved\n\n")
                .unwrap()
                .cannot_register,
            Some(CannotRegister::Reserved)
        );
        // .io before 2017 (ICB): the expiry date, the numbered name servers and the owner.
        let io = "\nDomain : redis.io\nStatus : Live\nExpiry : 2014-05-28\n\nNS 1   : ns1.iwantmyname.net\nNS 2   : ns2.iwantmyname.net\n\nOwner  : Salvatore Sanfilippo\n       : Via F.Alaimo, 2\n";
        let io = parse_whois("io", io).unwrap();
        assert_eq!(io.expires_at, Some(at("2014-05-28T00:00:00Z")));
        assert_eq!(
            io.nameservers,
            ["ns1.iwantmyname.net", "ns2.iwantmyname.net"]
        );
        assert_eq!(io.registrant.as_deref(), Some("Salvatore Sanfilippo"));
        assert_eq!(io.statuses, ["live"]);
        // .co before the ICANN keys (Neustar, to 2014): its dates were lost.
        let co = "Domain Name:                                 T.CO\nSponsoring Registrar:                        MELBOURNE IT LTD\nDomain Registration Date:                    Mon Apr 26 07:50:40 GMT 2010\nDomain Expiration Date:                      Sat Apr 25 23:59:59 GMT 2015\nDomain Last Updated Date:                    Tue Apr 16 13:53:26 GMT 2013\n";
        let co = parse_whois("co", co).unwrap();
        assert_eq!(co.created_at, Some(at("2010-04-26T07:50:40Z")));
        assert_eq!(co.expires_at, Some(at("2015-04-25T23:59:59Z")));
        assert_eq!(co.updated_at, Some(at("2013-04-16T13:53:26Z")));
        // .io in the ICANN-era layout, and DENIC's answer to a name that is not a domain name.
        for (tld, text, why) in [
            (
                "io",
                "Reserved by Registry\n>>> Last update of WHOIS database: 2018-08-09T00:29:54Z <<<\n",
                CannotRegister::Reserved,
            ),
            (
                "de",
                "% Version: 1.11.0\n%\n\n% \"a.foo.de\" is not a valid domain name\n\n",
                CannotRegister::Invalid,
            ),
        ] {
            assert_eq!(
                parse_whois(tld, text).unwrap().cannot_register,
                Some(why),
                "{text}"
            );
        }
        for free in [
            "% Object \"example.de\" not found in database\n",
            "\nDomain example.io is available for purchase\n",
        ] {
            assert_eq!(
                parse_whois("io", free),
                Ok(RegistryRecord::default()),
                "{free}"
            );
        }
        for throttled in [
            "% Maximum queries per hour reached (100)\n",
            "-1: Still in grace period, wait 7777777 seconds\n",
            "    The WHOIS query quota for 127.0.0.1 has been exceeded\n",
            "# Too many connections.\n",
        ] {
            assert!(
                matches!(parse_whois("be", throttled), Err(ParseError::Throttled(_))),
                "{throttled}"
            );
        }
        for unavailable in [
            "* Sorry, the Whois database is currently down.\n",
            "-3: IP address blocked\n",
        ] {
            assert!(
                matches!(
                    parse_whois("com", unavailable),
                    Err(ParseError::Unavailable(_))
                ),
                "{unavailable}"
            );
        }
        let terms = format!(
            "Domain not found.\nTerms of Use: {} If too many queries are received from a single IP address, the service will reject further queries.\n",
            "x".repeat(300)
        );
        assert_eq!(parse_whois("io", &terms), Ok(RegistryRecord::default()));
    }

    // ---- the corpus of real registry answers (tests/fixtures/registry-corpus) ----

    fn corpus_root() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/registry-corpus")
    }

    fn corpus_text(path: &str) -> String {
        let full = corpus_root().join(path);
        let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Every corpus file: (registry, state, file name, text).
    fn corpus() -> Vec<(String, String, String, String)> {
        let mut files = Vec::new();
        for registry in std::fs::read_dir(corpus_root()).unwrap() {
            let registry = registry.unwrap();
            if !registry.file_type().unwrap().is_dir() {
                continue;
            }
            for state in std::fs::read_dir(registry.path()).unwrap() {
                let state = state.unwrap();
                for file in std::fs::read_dir(state.path()).unwrap() {
                    let file = file.unwrap();
                    let name = |e: &std::fs::DirEntry| e.file_name().to_string_lossy().into_owned();
                    let bytes = std::fs::read(file.path()).unwrap();
                    files.push((
                        name(&registry),
                        name(&state),
                        name(&file),
                        String::from_utf8_lossy(&bytes).into_owned(),
                    ));
                }
            }
        }
        files.sort();
        files
    }

    /// The expected outcome of each state directory (docs/registries.md §6), checked on every
    /// file: a registered record, a free one, a deleted one, one that cannot be registered, or
    /// an error (throttle, error page), which is never a reading of the name.
    #[test]
    fn every_corpus_answer_reads_as_its_state() {
        let files = corpus();
        assert!(files.len() >= 30, "{} corpus files", files.len());
        let mut wrong = Vec::new();
        for (registry, state, file, text) in &files {
            let tld = file.split('_').next().unwrap();
            let parsed = parse_whois(tld, text);
            let ok = match (state.as_str(), &parsed) {
                ("registered", Ok(r)) => r.registered && r.cannot_register.is_none(),
                ("free", Ok(r)) => *r == RegistryRecord::default(),
                ("redemption", Ok(r)) => r.registered && r.has_status("redemptionPeriod"),
                ("pending-delete", Ok(r)) => {
                    r.has_status("pendingDelete") && !r.has_status("redemptionPeriod")
                }
                ("quarantine", Ok(r)) => r.has_status("quarantine"),
                ("invalid", Ok(r)) => !r.registered && r.cannot_register.is_some(),
                ("throttled", Err(ParseError::Throttled(_))) => true,
                ("unavailable", Err(ParseError::Throttled(_) | ParseError::Unavailable(_))) => true,
                _ => false,
            };
            if !ok {
                wrong.push(format!("{registry}/{state}/{file}: {parsed:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// The corpus manifest (from which SOURCES.md is written) lists every file with its origin
    /// and the sha256 of the copy, so a file cannot be edited or added without saying where it
    /// comes from.
    #[test]
    fn every_corpus_file_has_its_origin_in_the_manifest() {
        use sha2::{Digest, Sha256};
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(corpus_root().join("manifest.json")).unwrap(),
        )
        .unwrap();
        let entries = manifest.as_array().unwrap();
        let files = corpus();
        assert_eq!(entries.len(), files.len(), "one manifest entry per file");
        let sources = std::fs::read_to_string(corpus_root().join("SOURCES.md")).unwrap();
        for (registry, state, file, _) in files {
            let entry = entries
                .iter()
                .find(|e| {
                    e["registry"] == registry.as_str()
                        && e["state"] == state.as_str()
                        && e["file"] == file.as_str()
                })
                .unwrap_or_else(|| panic!("{registry}/{state}/{file} is not in manifest.json"));
            for key in ["repo", "path", "commit", "licence"] {
                assert!(
                    entry[key].as_str().is_some_and(|v| !v.is_empty()),
                    "{file}: {key}"
                );
            }
            let bytes =
                std::fs::read(corpus_root().join(&registry).join(&state).join(&file)).unwrap();
            let sha: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(entry["sha256"].as_str(), Some(sha.as_str()), "{file}");
            assert!(sources.contains(&file), "{file} is not in SOURCES.md");
        }
    }

    // ---- properties (proptest) ----

    use proptest::prelude::*;

    /// Every TLD with a reader of its own, and one read in the ICANN layout.
    fn reader_tlds() -> Vec<&'static str> {
        let mut tlds: Vec<&str> = READERS
            .iter()
            .flat_map(|(_, tlds)| tlds.iter().copied())
            .collect();
        tlds.push("com");
        tlds
    }

    fn is_free(parsed: &Result<RegistryRecord, ParseError>) -> bool {
        matches!(parsed, Ok(r) if !r.registered && r.cannot_register.is_none())
    }

    /// The throttle and error answers of the corpus.
    fn refusals() -> Vec<String> {
        corpus()
            .into_iter()
            .filter(|(_, state, _, _)| state == "throttled" || state == "unavailable")
            .map(|(_, _, _, text)| text)
            .collect()
    }

    /// The free answers of the corpus and of the older fixtures.
    fn free_answers() -> Vec<String> {
        let mut free: Vec<String> = corpus()
            .into_iter()
            .filter(|(_, state, _, _)| state == "free")
            .map(|(_, _, _, text)| text)
            .collect();
        free.push(fixture("fr_afnic_notfound_2022.txt"));
        free.push(fixture("com_verisign_available.txt"));
        free.push(fixture("de_denic_free_2022.txt"));
        free
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// No input makes a reader panic: random bytes, read as the client reads them.
        #[test]
        fn no_bytes_make_a_reader_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), which in 0usize..64) {
            let tlds = reader_tlds();
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_whois(tlds[which % tlds.len()], &text);
            let _ = super::super::registry_record::parse_rdap(&bytes);
        }

        /// Lines put together from the words readers look for, in any order: no panic.
        #[test]
        fn no_mix_of_registry_lines_makes_a_reader_panic(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("Domain name:".to_owned()), Just("Status: AVAILABLE".to_owned()),
                    Just("Status:".to_owned()), Just("\tx".to_owned()), Just(":".to_owned()),
                    Just("Server Name: A.COM".to_owned()), Just("Domain Name: A.COM".to_owned()),
                    Just("eppstatus: pending delete".to_owned()), Just("Expiration Date: 31/02/99".to_owned()),
                    Just("Name servers".to_owned()), Just("%% No entries found".to_owned()),
                    Just(String::new()), "[ -~]{0,40}",
                ],
                0..40,
            ),
            which in 0usize..64,
        ) {
            let tlds = reader_tlds();
            let _ = parse_whois(tlds[which % tlds.len()], &lines.join("\n"));
        }

        /// No throttle or error answer reads as free, whatever is added around it (a free
        /// answer before or after, random lines), however its case is changed, wherever it is
        /// cut, for every reader.
        #[test]
        fn no_throttle_or_error_page_reads_as_free(
            which in 0usize..1024,
            free_which in 0usize..1024,
            tld_which in 0usize..64,
            noise in "[ -~\n]{0,200}",
            upper in any::<bool>(),
            before in any::<bool>(),
            cut in 0usize..4096,
        ) {
            let refusals = refusals();
            let free = free_answers();
            let tlds = reader_tlds();
            let refusal = &refusals[which % refusals.len()];
            let refusal = if upper { refusal.to_uppercase() } else { refusal.clone() };
            let free = &free[free_which % free.len()];
            let tld = tlds[tld_which % tlds.len()];
            let joined = if before {
                format!("{free}\n{noise}\n{refusal}")
            } else {
                format!("{refusal}\n{noise}\n{free}")
            };
            prop_assert!(!is_free(&parse_whois(tld, &joined)), "{}: {:?}", tld, joined);
            let after_noise = format!("{noise}\n{refusal}");
            prop_assert!(!is_free(&parse_whois(tld, &after_noise)), "{}: {:?}", tld, after_noise);
            // Any start of a refusal: the part cut off cannot turn it into a free answer.
            let end = (cut % (refusal.len() + 1)..=refusal.len())
                .find(|&i| refusal.is_char_boundary(i))
                .unwrap_or(refusal.len());
            prop_assert!(!is_free(&parse_whois(tld, &refusal[..end])), "{}: cut {}", tld, end);
        }
    }
}
