//! The compliance gate for outreach to domain holders: every check a message must pass before it
//! can be sent, each with an id and a message in words. Pure: the caller gathers the facts
//! (suppression, earlier messages, procedures on the name). Sources: docs/legal.md §4 (CAN-SPAM,
//! RFC 2369/8058, LCEN, GDPR, the ICANN WHOIS marketing restriction) and §6.6 (the send-time gate).

use serde::Serialize;

crate::text_enum! {
    /// Where the recipient's address comes from (docs/legal.md §4.5).
    pub enum AddressSource ("address source") {
        Unspecified => "unspecified",
        /// The registrar's privacy or contact relay for the name.
        RegistrarRelay => "registrar_relay",
        /// Published by the holder (website, marketplace listing, imprint).
        HolderPublished => "holder_published",
        /// The holder wrote to the firm or its client from it.
        HolderWrote => "holder_wrote",
        /// Copied from the registrant contact of a WHOIS or RDAP answer.
        RegistryData => "registry_data",
    }
}

impl AddressSource {
    pub fn label(self) -> &'static str {
        match self {
            AddressSource::Unspecified => "not stated",
            AddressSource::RegistrarRelay => "the registrar's contact relay for the name",
            AddressSource::HolderPublished => "published by the holder (website, listing)",
            AddressSource::HolderWrote => "the holder wrote to us from it",
            AddressSource::RegistryData => "the registrant contact in WHOIS or RDAP data",
        }
    }

    /// How the footer tells the recipient where the address came from (GDPR art. 14(2)(f)).
    fn told(self, domain: &str) -> String {
        match self {
            AddressSource::RegistrarRelay => {
                format!("through the contact relay of the registrar of {domain}")
            }
            AddressSource::HolderPublished => "where you published it".to_owned(),
            AddressSource::HolderWrote => "from your message to us".to_owned(),
            AddressSource::Unspecified | AddressSource::RegistryData => {
                "in public registration data".to_owned()
            }
        }
    }
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub passed: bool,
    /// A failed blocking check stops the send; a failed non-blocking one is a warning.
    pub blocking: bool,
    pub message: String,
}

/// The firm's identity on the message.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub legal_name: &'a str,
    pub postal_address: &'a str,
    pub phone: &'a str,
    pub from_email: &'a str,
    pub reply_to: Option<&'a str>,
    pub dkim: bool,
}

/// Everything the gate looks at.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub sender: Sender<'a>,
    pub to: &'a str,
    pub address_source: AddressSource,
    /// The address appears in the latest registry answers reclaim kept for the name.
    pub address_in_registry_data: bool,
    pub subject: &'a str,
    /// The body as it will be sent, footer included.
    pub rendered_body: &'a str,
    pub unsubscribe_url: &'a str,
    /// The name, as the holder knows it (U-label) and in ASCII.
    pub domain_unicode: &'a str,
    pub domain_ascii: &'a str,
    pub suppressed: bool,
    /// Earlier messages to the same address still unanswered, within the interval.
    pub unanswered_recent: usize,
    pub interval_days: u32,
    /// Procedures planned or pending on the name ("UDRP D2026-0001 (WIPO), planned").
    pub procedures: &'a [String],
    /// A lawyer's override of the procedure warning: who and why.
    pub procedure_override: Option<&'a str>,
    /// Approved for this exact content by a lawyer other than the drafter: who.
    pub approved_by: Option<&'a str>,
    pub https_links: bool,
}

/// Free mailbox providers: a firm writes from its own domain (CAN-SPAM 7704(a)(1); §6.6 item 2).
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.fr",
    "yahoo.co.uk",
    "ymail.com",
    "hotmail.com",
    "hotmail.fr",
    "hotmail.co.uk",
    "outlook.com",
    "outlook.fr",
    "live.com",
    "live.fr",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "gmx.fr",
    "web.de",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "proton.me",
    "protonmail.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "zoho.com",
    "mail.com",
];

/// Words that say, on receipt, what the message is (LCEN art. 20; CAN-SPAM 7704(a)(5)).
const IDENTIFYING_WORDS: &[&str] = &[
    "offer",
    "proposal",
    "purchase",
    "buy",
    "acquisition",
    "acquire",
    "solicitation",
    "advertisement",
    "notice",
    "offre",
    "proposition",
    "rachat",
    "achat",
    "acquérir",
    "publicité",
    "mise en demeure",
    "angebot",
    "kaufangebot",
];

/// A reply or forward prefix a first message must not fake (CAN-SPAM 7704(a)(2)).
const FAKE_THREAD: &[&str] = &[
    "re:", "re :", "fwd:", "fw:", "tr:", "aw:", "wg:", "rv:", "sv:", "vs:",
];

fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// The registrable part of a host, good enough to compare the From and Reply-To domains of one
/// firm (`mail.firm.example` and `firm.example`).
fn organisation(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    // Two-level public suffixes common among law firms' domains.
    let two_level = [
        "co.uk",
        "org.uk",
        "com.au",
        "co.nz",
        "co.jp",
        "com.br",
        "gouv.fr",
        "avocat.fr",
    ];
    let keep = if labels.len() >= 3
        && two_level.contains(&labels[labels.len() - 2..].join(".").as_str())
    {
        3
    } else {
        2
    };
    labels[labels.len().saturating_sub(keep)..].join(".")
}

/// Whitespace-insensitive "contains", so a postal address written on several lines is found in
/// the footer whatever the wrapping.
fn contains_loose(haystack: &str, needle: &str) -> bool {
    let squash = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let needle = squash(needle);
    !needle.is_empty() && squash(haystack).contains(&needle)
}

fn check(id: &'static str, passed: bool, blocking: bool, message: impl Into<String>) -> Check {
    Check {
        id,
        passed,
        blocking,
        message: message.into(),
    }
}

/// Runs every check. The order is the order the draft page shows them.
pub fn gate(f: &Facts<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    let s = f.sender;

    // CAN-SPAM 7704(a)(1), 16 CFR 316.2 (valid physical postal address); §6.6 item 2.
    let mut missing = Vec::new();
    if s.legal_name.trim().is_empty() {
        missing.push("the firm's legal name");
    }
    if s.postal_address.trim().chars().count() < 10
        || !s.postal_address.chars().any(|c| c.is_ascii_digit())
    {
        missing.push("a physical postal address (street and number or PO box, postcode, town)");
    }
    if s.phone.chars().filter(char::is_ascii_digit).count() < 6 {
        missing.push("a telephone number");
    }
    if !s.from_email.contains('@') {
        missing.push("a sender address");
    }
    out.push(if missing.is_empty() {
        check("sender_identity", true, true, format!("Sent by {} ({}).", s.legal_name, s.from_email))
    } else {
        check("sender_identity", false, true, format!("The sender profile lacks {}: complete it (an administrator edits sender profiles).", missing.join(", ")))
    });

    let from_domain = domain_of(s.from_email).to_ascii_lowercase();
    let reply_domain = s.reply_to.map(|r| domain_of(r).to_ascii_lowercase());
    out.push(if FREE_MAIL.contains(&from_domain.as_str()) {
        check("sender_domain", false, true, format!("{} is a free mailbox provider: outreach must come from the firm's own domain, so the recipient can tell who writes.", from_domain))
    } else if let Some(reply) = reply_domain.filter(|r| organisation(r) != organisation(&from_domain)) {
        check("sender_domain", false, true, format!("Replies would go to {reply}, another domain than the sender's ({from_domain}): use an address of the firm's own domain."))
    } else {
        check("sender_domain", true, true, format!("From and replies on the firm's domain {from_domain}."))
    });

    // CAN-SPAM 7704(a)(5)(A)(iii), 16 CFR 316.2: the postal address in the message itself.
    let identity_shown = contains_loose(f.rendered_body, s.postal_address)
        && contains_loose(f.rendered_body, s.legal_name);
    out.push(if identity_shown {
        check(
            "postal_address_in_body",
            true,
            true,
            "The firm's legal name and postal address are in the message.",
        )
    } else {
        check(
            "postal_address_in_body",
            false,
            true,
            "The message must show the firm's legal name and postal address.",
        )
    });

    // LCEN art. 20, CAN-SPAM 7704(a)(5)(A)(i): identifiable as an offer or solicitation on receipt.
    let opening: String = f
        .rendered_body
        .chars()
        .take(400)
        .collect::<String>()
        .to_lowercase();
    let subject = f.subject.trim();
    let lower_subject = subject.to_lowercase();
    let identified = IDENTIFYING_WORDS
        .iter()
        .any(|w| lower_subject.contains(w) || opening.contains(w));
    out.push(if identified {
        check("identified_as_solicitation", true, true, "The subject or the opening says what the message is.")
    } else {
        check("identified_as_solicitation", false, true, "Say in the subject or the first lines that this is an offer or a notice (e.g. \"Offer to buy example.com\").")
    });

    // CAN-SPAM 7704(a)(2): the subject must not mislead.
    let letters: Vec<char> = subject.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.len() >= 8 && letters.iter().all(|c| !c.is_lowercase());
    let faked = FAKE_THREAD.iter().any(|p| lower_subject.starts_with(p));
    let names_domain = lower_subject.contains(&f.domain_unicode.to_lowercase())
        || lower_subject.contains(&f.domain_ascii.to_lowercase());
    out.push(if subject.is_empty() {
        check("subject_not_deceptive", false, true, "The subject is empty: say what the message is about.")
    } else if faked {
        check("subject_not_deceptive", false, true, "A first message must not look like a reply or a forward: remove the \"Re:\" or \"Fwd:\".")
    } else if shouting {
        check("subject_not_deceptive", false, true, "The subject is all in capitals: write it normally.")
    } else if !names_domain {
        check("subject_not_deceptive", false, true, format!("The subject should name the domain it is about ({}).", f.domain_unicode))
    } else {
        check("subject_not_deceptive", true, true, "The subject states what the message is about.")
    });

    // CAN-SPAM 7704(a)(3), RFC 2369 / RFC 8058: a visible way out in every message.
    out.push(
        if !f.unsubscribe_url.is_empty() && f.rendered_body.contains(f.unsubscribe_url) {
            check(
                "unsubscribe_link",
                true,
                true,
                "The message has a visible unsubscribe link and the one-click headers.",
            )
        } else {
            check(
                "unsubscribe_link",
                false,
                true,
                "The message must carry a visible unsubscribe link.",
            )
        },
    );

    // GDPR art. 14(2)(f) and 14(3)(b), art. 21(4): source of the data and right to object.
    let gdpr = f.rendered_body.to_lowercase();
    out.push(if gdpr.contains("we found your address") && gdpr.contains("object") {
        check("gdpr_notice", true, true, "The message says where the address comes from and how to object.")
    } else {
        check("gdpr_notice", false, true, "The message must say where the address comes from and how to object to further messages.")
    });

    // CAN-SPAM 7704(a)(4), Gmail/Yahoo 48 hours: a suppression is honoured at once, everywhere.
    out.push(if f.suppressed {
        check("not_suppressed", false, true, format!("{} asked not to be written to again (or bounced): reclaim will not send to this address.", f.to))
    } else {
        check("not_suppressed", true, true, "The recipient has not unsubscribed.")
    });

    // ICANN WHOIS Marketing Restriction Policy (docs/legal.md §4.5 W1).
    out.push(match f.address_source {
        AddressSource::RegistryData => check("address_source", false, true, "Registrant addresses from WHOIS or RDAP data may not be used for marketing (ICANN WHOIS Marketing Restriction Policy): write through the registrar's contact relay or web form, or to an address the holder published."),
        AddressSource::Unspecified => check("address_source", false, true, "Say where the address comes from: the registrar's relay, published by the holder, or the holder wrote to us."),
        source if f.address_in_registry_data && source == AddressSource::HolderPublished => check("address_source", false, false, format!("Warning: {} also appears in the registry data kept for the name; be sure you found it where the holder published it.", f.to)),
        source => check("address_source", true, true, format!("Address source: {}.", source.label())),
    });

    // One-to-one outreach, never a campaign: one unanswered message per recipient per period.
    out.push(if f.unanswered_recent > 0 {
        check("frequency", false, true, format!("{} message(s) to {} in the last {} days are still unanswered: wait for an answer or record it before writing again.", f.unanswered_recent, f.to, f.interval_days))
    } else {
        check("frequency", true, true, format!("No unanswered message to this address in the last {} days.", f.interval_days))
    });

    // A purchase offer while a UDRP is planned or pending can be used against the complainant
    // ("Plan B", reverse domain name hijacking): a lawyer must decide.
    out.push(match (f.procedures.is_empty(), f.procedure_override) {
        (true, _) => check("procedure_conflict", true, true, "No dispute procedure is planned or pending on the name."),
        (false, Some(by)) => check("procedure_conflict", true, true, format!("A procedure is planned or pending ({}); {} decided to write anyway.", f.procedures.join("; "), by)),
        (false, None) => check("procedure_conflict", false, true, format!("A dispute procedure is planned or pending on the name ({}). An offer to buy can undermine it (a panel may read it as a \"Plan B\" or find reverse domain name hijacking): a lawyer must override this warning, with a reason, before it can be sent.", f.procedures.join("; "))),
    });

    // RFC 8058 §3.1: one-click needs an HTTPS URI and a DKIM signature covering the headers.
    out.push(if f.https_links {
        check("one_click_https", true, false, "The one-click unsubscribe link is HTTPS (RFC 8058).")
    } else {
        check("one_click_https", false, false, "Warning: RECLAIM_PUBLIC_URL is not https, so mailbox providers will not offer one-click unsubscribe (RFC 8058); the link in the text still works.")
    });
    out.push(if s.dkim {
        check("dkim", true, false, "Signed with DKIM, List-Unsubscribe headers included (RFC 8058 §3.1).")
    } else {
        check("dkim", false, false, "Warning: no DKIM key on the sender profile; make sure the firm's mail relay signs the message, including the List-Unsubscribe headers.")
    });

    out.push(match f.approved_by {
        Some(by) => check("approved", true, true, format!("Approved by {by}.")),
        None => check(
            "approved",
            false,
            true,
            "A lawyer other than the drafter must approve this exact text before it is sent.",
        ),
    });
    out
}

/// The blocking checks that failed.
pub fn blockers(checks: &[Check]) -> Vec<&Check> {
    checks.iter().filter(|c| c.blocking && !c.passed).collect()
}

/// What every outreach message ends with: the firm's identity, what the message is, where the
/// address comes from, and how to stop further mail (CAN-SPAM 7704(a)(3)-(5), LCEN art. 20,
/// GDPR art. 14 and 21(4)).
pub fn footer(
    sender: &Sender<'_>,
    domain: &str,
    source: AddressSource,
    unsubscribe_url: &str,
) -> String {
    format!(
        "\n\n-- \n{name}\n{address}\nTel. {phone}\n\n\
         This message is a solicitation from {name} concerning the domain name {domain}.\n\
         We found your address {found}. We use it only to discuss this domain name and keep it \
         no longer than needed for that.\n\
         You may object to further messages at any time, free of charge, with one click: \
         {unsubscribe_url}\n",
        name = sender.legal_name.trim(),
        address = sender.postal_address.trim(),
        phone = sender.phone.trim(),
        found = source.told(domain),
    )
}

/// An address as compared and hashed: trimmed and lower-cased.
pub fn normalise_address(address: &str) -> String {
    address.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://reclaim.firm.example/u/TOKEN";

    fn sender() -> Sender<'static> {
        Sender {
            legal_name: "Cabinet Martin Avocats SELARL",
            postal_address: "12 rue de la Paix\n75002 Paris\nFrance",
            phone: "+33 1 23 45 67 89",
            from_email: "domains@cabinet-martin.example",
            reply_to: Some("team@mail.cabinet-martin.example"),
            dkim: true,
        }
    }

    /// A passing message; tests change one fact at a time. (The rendered body is leaked so the
    /// facts can borrow it for the whole test.)
    fn base(body: &str) -> Facts<'static> {
        let s = sender();
        let full = format!(
            "{body}{}",
            footer(&s, "acme.fr", AddressSource::RegistrarRelay, URL)
        );
        Facts {
            sender: s,
            to: "acme.fr@relay.registrar.example",
            address_source: AddressSource::RegistrarRelay,
            address_in_registry_data: false,
            subject: "Offer to buy acme.fr",
            rendered_body: Box::leak(full.into_boxed_str()),
            unsubscribe_url: URL,
            domain_unicode: "acme.fr",
            domain_ascii: "acme.fr",
            suppressed: false,
            unanswered_recent: 0,
            interval_days: 30,
            procedures: &[],
            procedure_override: None,
            approved_by: Some("Lina Lawyer"),
            https_links: true,
        }
    }

    fn pending_udrp() -> &'static [String] {
        Box::leak(vec!["UDRP D2026-0001 (WIPO), pending".to_owned()].into_boxed_slice())
    }

    fn outcome(f: &Facts<'_>, id: &str) -> (bool, bool) {
        let c = gate(f).into_iter().find(|c| c.id == id).unwrap();
        (c.passed, c.blocking)
    }

    #[test]
    fn a_complete_message_passes_every_check() {
        let f = base("Dear holder,\n\nOur client would like to buy acme.fr.");
        let checks = gate(&f);
        assert!(blockers(&checks).is_empty(), "{checks:#?}");
        assert!(checks.iter().all(|c| c.passed), "{checks:#?}");
    }

    #[test]
    fn each_rule_blocks_what_it_should() {
        let body = "Dear holder,\n\nOur client would like to buy acme.fr.";
        // (what changes, check id, passes?, blocking?, source)
        type Edit = fn(&mut Facts<'static>);
        let cases: &[(Edit, &str, bool, bool, &str)] = &[
            // CAN-SPAM 7704(a)(5)(A)(iii) / 16 CFR 316.2: a physical postal address
            (
                |f| f.sender.postal_address = "Paris",
                "sender_identity",
                false,
                true,
                "16 CFR 316.2",
            ),
            (
                |f| f.sender.phone = "",
                "sender_identity",
                false,
                true,
                "docs/legal.md §6.6 item 2",
            ),
            // CAN-SPAM 7704(a)(1): from the firm's own domain
            (
                |f| f.sender.from_email = "cabinet.martin@gmail.com",
                "sender_domain",
                false,
                true,
                "7704(a)(1)",
            ),
            (
                |f| f.sender.reply_to = Some("someone@other-firm.example"),
                "sender_domain",
                false,
                true,
                "7704(a)(1)",
            ),
            // 16 CFR 316.2 in the body: a body without the footer
            (
                |f| f.rendered_body = "Dear holder, we would like to buy acme.fr. https://reclaim.firm.example/u/TOKEN",
                "postal_address_in_body",
                false,
                true,
                "16 CFR 316.2",
            ),
            // LCEN art. 20: identifiable on receipt
            (
                |f| {
                    f.subject = "acme.fr";
                    f.rendered_body = "Hello about acme.fr";
                },
                "identified_as_solicitation",
                false,
                true,
                "LCEN art. 20",
            ),
            // CAN-SPAM 7704(a)(2): no fake reply, not empty, not shouting, names the domain
            (
                |f| f.subject = "Re: acme.fr",
                "subject_not_deceptive",
                false,
                true,
                "7704(a)(2)",
            ),
            (
                |f| f.subject = "FWD: offer acme.fr",
                "subject_not_deceptive",
                false,
                true,
                "7704(a)(2)",
            ),
            (
                |f| f.subject = "  ",
                "subject_not_deceptive",
                false,
                true,
                "7704(a)(2)",
            ),
            (
                |f| f.subject = "OFFER TO BUY ACME.FR",
                "subject_not_deceptive",
                false,
                true,
                "7704(a)(2)",
            ),
            (
                |f| f.subject = "An offer for your website",
                "subject_not_deceptive",
                false,
                true,
                "7704(a)(2)",
            ),
            // RFC 8058 / CAN-SPAM 7704(a)(3): visible way out
            (
                |f| f.unsubscribe_url = "https://elsewhere.example/u/X",
                "unsubscribe_link",
                false,
                true,
                "7704(a)(3)",
            ),
            // CAN-SPAM 7704(a)(4): suppressed addresses are never mailed
            (
                |f| f.suppressed = true,
                "not_suppressed",
                false,
                true,
                "7704(a)(4)",
            ),
            // ICANN WHOIS Marketing Restriction Policy
            (
                |f| f.address_source = AddressSource::RegistryData,
                "address_source",
                false,
                true,
                "ICANN WMRP",
            ),
            (
                |f| f.address_source = AddressSource::Unspecified,
                "address_source",
                false,
                true,
                "ICANN WMRP",
            ),
            (
                |f| {
                    f.address_source = AddressSource::HolderPublished;
                    f.address_in_registry_data = true;
                },
                "address_source",
                false,
                false,
                "ICANN WMRP",
            ),
            (
                |f| {
                    f.address_source = AddressSource::RegistrarRelay;
                    f.address_in_registry_data = true;
                },
                "address_source",
                true,
                true,
                "relays are the way to write",
            ),
            // one unanswered message per recipient per period
            (
                |f| f.unanswered_recent = 1,
                "frequency",
                false,
                true,
                "issue 6",
            ),
            // UDRP "Plan B" / RDNH: a lawyer's override
            (
                |f| f.procedures = pending_udrp(),
                "procedure_conflict",
                false,
                true,
                "docs/legal.md §1",
            ),
            (
                |f| {
                    f.procedures = pending_udrp();
                    f.procedure_override = Some("Lina Lawyer: client instructs");
                },
                "procedure_conflict",
                true,
                true,
                "override",
            ),
            // RFC 8058 §3.1: HTTPS and DKIM, as warnings
            (
                |f| f.https_links = false,
                "one_click_https",
                false,
                false,
                "RFC 8058 §3.1",
            ),
            (
                |f| f.sender.dkim = false,
                "dkim",
                false,
                false,
                "RFC 8058 §3.1",
            ),
            // approval by a second person
            (
                |f| f.approved_by = None,
                "approved",
                false,
                true,
                "four-eyes approval (app::outreach::may_decide)",
            ),
        ];
        for (edit, id, passes, blocking, source) in cases {
            let mut f = base(body);
            edit(&mut f);
            assert_eq!(outcome(&f, id), (*passes, *blocking), "{id} ({source})");
        }
    }

    #[test]
    fn the_footer_carries_identity_source_and_way_out() {
        // CAN-SPAM 7704(a)(3)-(5); GDPR art. 14(2)(f), 21(4)
        let text = footer(&sender(), "bücher.de", AddressSource::HolderWrote, URL);
        assert!(text.contains("Cabinet Martin Avocats SELARL\n12 rue de la Paix\n75002 Paris"));
        assert!(text.contains("concerning the domain name bücher.de"));
        assert!(text.contains("We found your address from your message to us"));
        assert!(text.contains(URL));
        assert!(
            text.starts_with("\n\n-- \n"),
            "the standard signature separator"
        );
    }

    #[test]
    fn organisations_compare_by_registrable_domain() {
        assert_eq!(
            organisation("mail.cabinet-martin.example"),
            "cabinet-martin.example"
        );
        assert_eq!(organisation("smith.co.uk"), "smith.co.uk");
        assert_eq!(organisation("mail.smith.co.uk"), "smith.co.uk");
        assert_eq!(
            normalise_address("  Holder@Example.COM "),
            "holder@example.com"
        );
    }
}
