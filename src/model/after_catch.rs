//! After the catch: what the firm must do once a name is the client's (caught or won), as a
//! checklist on the backorder (`docs/registries.md` §7). Each item has a stable id, a label and a
//! due date counted from the catch; some the registry data can prove (they tick themselves on a
//! registry check), the others a member of staff ticks. Pure: the rules read a
//! [`RegistryRecord`] and dates, nothing else.

use chrono::{Days, Months, NaiveDate, NaiveDateTime};

use crate::model::ids::{BackorderId, UserId};

use crate::model::registry_record::{RegistryRecord, looks_redacted};

crate::text_enum! {
    /// One thing to do after the catch. The words are the API's item ids: never renamed.
    pub enum Item ("checklist item") {
        /// The holder in the registry data is the client (or the firm for it).
        RegistrantVerified => "registrant_verified",
        /// The registrant, administrative and technical contacts are the client's.
        ClientContacts => "client_contacts",
        /// The registrar's transfer lock (`clientTransferProhibited`) is on.
        TransferLock => "transfer_lock",
        /// Two-factor authentication is on for the account holding the name at the registrar.
        Registrar2fa => "registrar_2fa",
        /// Renewed for the years the matter says.
        Renewed => "renewed",
        /// The name servers are no longer the catch service's parking.
        NameserversMoved => "nameservers_moved",
        /// Moved to the firm's registrar of record, once the 60-day lock allows it.
        TransferWindow => "transfer_window",
        /// The client has been told the name is theirs and what was done.
        ClientInformed => "client_informed",
    }
}

crate::text_enum! {
    pub enum ItemState ("checklist state") {
        Pending => "pending",
        Done => "done",
    }
}

crate::text_enum! {
    /// Who found an item done: the registry data, or a member of staff.
    pub enum VerifiedBy ("checklist verifier") {
        Registry => "registry",
        User => "user",
    }
}

/// ICANN Transfer Policy (updated 21 February 2024, in force since 21 August 2025), §I.A.3.7.5:
/// the registrar of record may deny a transfer "requested within 60 days of the creation date as
/// shown in the registry RDDS record"; §I.A.3.7.6: likewise "within 60 days … after being
/// transferred"; §II.C.2: a 60-day lock follows a change of registrant unless the holder opted
/// out. https://www.icann.org/en/contracted-parties/accredited-registrars/resources/domain-name-transfers/policy
pub const TRANSFER_LOCK_DAYS: u64 = 60;

/// The years a caught name is renewed for, beyond its first year, when the matter says nothing.
pub const DEFAULT_RENEWAL_YEARS: u32 = 1;

/// Name servers of the catch services' parking: a caught name still delegated to one of these
/// shows the service's parking or "for sale" page, not the client's site. A host matches when
/// it is the domain or under it.
pub const PARKING_NAMESERVERS: &[(&str, &str)] = &[
    // DropCatch registers its catches at its "DropCatch.com NNN LLC" registrars and delegates them
    // to NameBright's servers (e.g. Verisign WHOIS, 2026: "Registrar: DropCatch.com 1350 LLC",
    // "Name Server: NS1.NAMEBRIGHTDNS.COM"; won names then move to NameBright, see
    // data/catch_registrars.toml). HugeDomains' parked names use nsg1/nsg2 of the same domain.
    ("namebrightdns.com", "DropCatch / NameBright"),
    // Dynadot delegates new registrations, backorder catches included, to its own servers
    // ns1/ns2.dyna-ns.net, which serve its parking and "for sale" pages until the holder sets
    // other servers (Dynadot help, "Dynadot name servers"; RDAP answers of Dynadot-held names).
    ("dyna-ns.net", "Dynadot"),
];

impl Item {
    /// In the order the checklist shows them: what protects the name first.
    pub const ORDER: [Item; 8] = [
        Item::TransferLock,
        Item::Registrar2fa,
        Item::ClientInformed,
        Item::NameserversMoved,
        Item::RegistrantVerified,
        Item::ClientContacts,
        Item::Renewed,
        Item::TransferWindow,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Item::RegistrantVerified => "Registrant verified in the registry data",
            Item::ClientContacts => "The client's contacts set (registrant, admin, tech)",
            Item::TransferLock => "Transfer lock on (clientTransferProhibited)",
            Item::Registrar2fa => "Two-factor authentication on at the registrar",
            Item::Renewed => "Renewed for the years the matter says",
            Item::NameserversMoved => "Name servers moved off the catch service's parking",
            Item::TransferWindow => "Transferred to the firm's registrar of record",
            Item::ClientInformed => "Client informed",
        }
    }

    /// Whether registry data can prove the item; the others only a person can tick.
    pub fn registry_provable(self) -> bool {
        matches!(
            self,
            Item::RegistrantVerified | Item::TransferLock | Item::Renewed | Item::NameserversMoved
        )
    }

    /// When the item is due, counted from the day of the catch. `created_on` is the creation
    /// date in the registry data, when known (for the transfer window).
    pub fn due_on(self, caught_on: NaiveDate, created_on: Option<NaiveDate>) -> NaiveDate {
        let days = |n: u64| {
            caught_on
                .checked_add_days(Days::new(n))
                .unwrap_or(caught_on)
        };
        match self {
            // A fresh catch is what hijackers look for, and the account is a new one: the lock
            // and the account's second factor the next day.
            Item::TransferLock | Item::Registrar2fa => days(1),
            // The client hears of it promptly; two days leave room for a weekend.
            Item::ClientInformed => days(2),
            // Until then the parking page shows ads or "for sale" on the client's mark.
            Item::NameserversMoved => days(7),
            // The registrar must verify the registrant's contact within 15 calendar days or
            // suspend the name (2013 RAA, Whois Accuracy Program Specification §4): the right
            // holder and contacts must be in place before that.
            Item::RegistrantVerified | Item::ClientContacts => days(14),
            // A month for the client to approve the cost; the name is safe for the first year.
            Item::Renewed => days(30),
            Item::TransferWindow => transfer_allowed_from(caught_on, created_on),
        }
    }
}

/// The first day a transfer to another registrar cannot be refused for the 60-day locks
/// (ICANN Transfer Policy §I.A.3.7.5, §I.A.3.7.6, §II.C.2, see [`TRANSFER_LOCK_DAYS`]): 60 days
/// after the later of the creation date in the registry data and the day of the catch. A drop
/// catch creates the name (§3.7.5); a name won without a new registration reached the client by
/// a transfer or a change of registrant on that day (§3.7.6, §II.C.2).
pub fn transfer_allowed_from(caught_on: NaiveDate, created_on: Option<NaiveDate>) -> NaiveDate {
    let start = created_on.map_or(caught_on, |c| c.max(caught_on));
    start
        .checked_add_days(Days::new(TRANSFER_LOCK_DAYS))
        .unwrap_or(start)
}

/// The expiry the registry data must show for `renewed`: a catch registers the name for one
/// year (the services register for the minimum term), renewing adds the matter's years; counted
/// from the creation date (or the catch, if earlier or the creation is unknown).
pub fn renewed_until(
    caught_on: NaiveDate,
    created_on: Option<NaiveDate>,
    renewal_years: u32,
) -> NaiveDate {
    let start = created_on.map_or(caught_on, |c| c.min(caught_on));
    start
        .checked_add_months(Months::new(12 * (1 + renewal_years)))
        .unwrap_or(start)
}

/// One item of a backorder's checklist, as stored.
#[derive(Debug, Clone, PartialEq, Eq, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::db::schema::after_catch_items)]
pub struct ChecklistItem {
    pub backorder_id: BackorderId,
    pub item: Item,
    pub state: ItemState,
    pub verified_by: Option<VerifiedBy>,
    pub due_on: NaiveDate,
    /// What the registry data last showed about it, or who ticked it.
    pub note: String,
    pub done_at: Option<NaiveDateTime>,
    pub done_by: Option<UserId>,
    /// When the checklist was opened: the catch.
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ChecklistItem {
    pub fn now(&self) -> ItemNow {
        ItemNow {
            state: self.state,
            verified_by: self.verified_by,
        }
    }

    /// The day of the catch the due dates count from.
    pub fn caught_on(&self) -> NaiveDate {
        self.created_at.date()
    }

    pub fn is_pending(&self) -> bool {
        self.state == ItemState::Pending
    }
}

/// What the registry data says about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The data shows the item done; the text says what shows it.
    Shown(String),
    /// The data shows it is not done; the text says why.
    NotShown(String),
    /// The data cannot tell (redacted registrant, no answer for it): a person decides.
    Unknown(String),
}

impl Finding {
    /// What the data showed, in words.
    pub fn text(&self) -> &str {
        match self {
            Finding::Shown(t) | Finding::NotShown(t) | Finding::Unknown(t) => t,
        }
    }
}

/// What the checklist says of the transfer window: the date and its rule.
pub fn transfer_note(from: NaiveDate) -> String {
    format!(
        "Transfer possible from {from}: 60 days after the creation date in the registry data or the catch, whichever is later (ICANN Transfer Policy §I.A.3.7.5, §I.A.3.7.6)."
    )
}

/// What the registry rules read besides the record.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub caught_on: NaiveDate,
    /// The matter's renewal years ([`DEFAULT_RENEWAL_YEARS`] unless it says otherwise).
    pub renewal_years: u32,
    /// Names the registrant may bear: the client's, and the firm's legal names (a firm may hold
    /// the name for its client until the transfer).
    pub holders: &'a [String],
}

/// The registry data's finding for a registry-provable item; `None` for the items only a person
/// can tick.
pub fn finding(item: Item, record: &RegistryRecord, facts: &Facts<'_>) -> Option<Finding> {
    if !item.registry_provable() {
        return None;
    }
    if !record.registered {
        return Some(Finding::NotShown(
            "The registry data says the name is not registered.".into(),
        ));
    }
    // The old registration on its way out (RFC 3915 §2: redemption, then pending delete): its
    // lock and name servers are the former holder's, not the client's.
    if record.has_status("pendingDelete") || record.has_status("redemptionPeriod") {
        return Some(Finding::Unknown(
            "The registry data still shows the former registration being deleted.".into(),
        ));
    }
    Some(match item {
        // RFC 5731 §2.3: clientTransferProhibited is the sponsoring registrar's refusal of
        // transfers; RDAP writes it "client transfer prohibited" (RFC 8056 §2), read into the EPP
        // name by `registry_record::epp_status`.
        Item::TransferLock => {
            if record.has_status("clientTransferProhibited") {
                Finding::Shown("The registry data shows clientTransferProhibited.".into())
            } else {
                Finding::NotShown(
                    "The registry data does not show clientTransferProhibited: ask the registrar to lock transfers.".into(),
                )
            }
        }
        Item::Renewed => {
            let created = record.created_at.map(|t| t.date_naive());
            let wanted = renewed_until(facts.caught_on, created, facts.renewal_years);
            match record.effective_expiry().map(|t| t.date_naive()) {
                Some(expiry) if expiry >= wanted => Finding::Shown(format!(
                    "The registry data shows the name registered until {expiry}."
                )),
                Some(expiry) => Finding::NotShown(format!(
                    "Registered until {expiry}; renewing for the matter's {} year(s) takes it to {wanted} or later.",
                    facts.renewal_years
                )),
                None => Finding::Unknown("The registry data gives no expiry date.".into()),
            }
        }
        Item::NameserversMoved => {
            if record.nameservers.is_empty() {
                Finding::NotShown("The registry data shows no name servers.".into())
            } else if let Some((host, service)) = record
                .nameservers
                .iter()
                .find_map(|ns| parking_service(ns).map(|s| (ns, s)))
            {
                Finding::NotShown(format!("{host} is {service}'s parking."))
            } else {
                Finding::Shown(format!(
                    "The registry data shows the name servers {}.",
                    record.nameservers.join(", ")
                ))
            }
        }
        Item::RegistrantVerified => match &record.registrant {
            Some(name) if looks_redacted(name) => Finding::Unknown(
                "The registry data redacts the registrant: check at the registrar.".into(),
            ),
            Some(name) if facts.holders.iter().any(|h| same_holder(name, h)) => {
                Finding::Shown(format!("The registry data names the registrant \"{name}\"."))
            }
            Some(name) => Finding::NotShown(format!(
                "The registry data names the registrant \"{name}\", neither the client nor the firm."
            )),
            None => Finding::Unknown(
                "The registry data does not name the registrant (redacted): check at the registrar.".into(),
            ),
        },
        _ => return None,
    })
}

/// The catch service whose parking `host` is, if any.
pub fn parking_service(host: &str) -> Option<&'static str> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    PARKING_NAMESERVERS
        .iter()
        .find(|(domain, _)| {
            host == *domain
                || host
                    .strip_suffix(domain)
                    .is_some_and(|rest| rest.ends_with('.'))
        })
        .map(|(_, service)| *service)
}

/// Whether a registrant's name is this holder's: the same words once case, punctuation and
/// the company form are set aside ("ACME, Inc." is "Acme Inc"; "Acme SAS" is "ACME").
pub fn same_holder(registrant: &str, holder: &str) -> bool {
    let (a, b) = (words(registrant), words(holder));
    !a.is_empty() && a == b
}

/// Company forms that do not tell two holders apart.
const COMPANY_FORMS: &[&str] = &[
    "inc",
    "ltd",
    "llc",
    "llp",
    "limited",
    "corp",
    "corporation",
    "co",
    "sa",
    "sas",
    "sarl",
    "gmbh",
    "ag",
    "bv",
    "nv",
    "plc",
    "srl",
    "spa",
    "ab",
    "oy",
    "as",
];

fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !COMPANY_FORMS.contains(&w.as_str()))
        .collect()
}

/// An item as the checklist shows it and the rules move it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemNow {
    pub state: ItemState,
    pub verified_by: Option<VerifiedBy>,
}

/// What a registry check does to an item: `Some(new state)` when it changes. A finding shown
/// ticks a pending item (verified by the registry); a registry tick the data no longer shows is
/// reopened (a lock removed is news). A person's tick stands: they saw what the data cannot.
pub fn after_check(now: &ItemNow, finding: &Finding) -> Option<ItemNow> {
    match (now.state, now.verified_by, finding) {
        (ItemState::Pending, _, Finding::Shown(_)) => Some(ItemNow {
            state: ItemState::Done,
            verified_by: Some(VerifiedBy::Registry),
        }),
        (ItemState::Done, Some(VerifiedBy::Registry), Finding::NotShown(_)) => Some(ItemNow {
            state: ItemState::Pending,
            verified_by: None,
        }),
        _ => None,
    }
}

/// A person may tick any pending item (a registry-provable one too: the data may be redacted or
/// late) and reopen what a person ticked; what the registry proved reopens by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TickError {
    #[error("This item is already done.")]
    AlreadyDone,
    #[error("This item is still pending.")]
    AlreadyPending,
    #[error(
        "The registry data shows this item done; it reopens by itself when the data no longer shows it."
    )]
    RegistryVerified,
}

/// The state after a person ticks (`done`) or reopens an item.
pub fn tick(now: &ItemNow, done: bool) -> Result<ItemNow, TickError> {
    match (now.state, now.verified_by, done) {
        (ItemState::Pending, _, true) => Ok(ItemNow {
            state: ItemState::Done,
            verified_by: Some(VerifiedBy::User),
        }),
        (ItemState::Done, _, true) => Err(TickError::AlreadyDone),
        (ItemState::Pending, _, false) => Err(TickError::AlreadyPending),
        (ItemState::Done, Some(VerifiedBy::Registry), false) => Err(TickError::RegistryVerified),
        (ItemState::Done, _, false) => Ok(ItemNow {
            state: ItemState::Pending,
            verified_by: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn caught() -> RegistryRecord {
        RegistryRecord {
            registered: true,
            statuses: vec!["ok".into()],
            created_at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 18, 5, 0).unwrap()),
            expires_at: Some(Utc.with_ymd_and_hms(2027, 12, 1, 18, 5, 0).unwrap()),
            nameservers: vec![
                "ns1.namebrightdns.com".into(),
                "ns2.namebrightdns.com".into(),
            ],
            registrant: Some("REDACTED FOR PRIVACY".into()),
            ..RegistryRecord::default()
        }
    }

    fn facts(holders: &[String]) -> Facts<'_> {
        Facts {
            caught_on: d(2026, 12, 2),
            renewal_years: 1,
            holders,
        }
    }

    #[test]
    fn the_transfer_window_is_sixty_days_after_creation_or_the_catch() {
        // ICANN Transfer Policy §I.A.3.7.5 (60 days from the creation date in the registry
        // RDDS record), §I.A.3.7.6 (60 days after a transfer), §II.C.2 (after a change of
        // registrant).
        let cases = [
            // caught the day after the drop registered it: counted from the catch (the later)
            (d(2026, 12, 2), Some(d(2026, 12, 1)), d(2027, 1, 31)),
            // creation unknown: from the catch
            (d(2026, 12, 2), None, d(2027, 1, 31)),
            // won at an expiry auction: an old name reaches the client on the day of the catch
            (d(2026, 12, 2), Some(d(2009, 3, 4)), d(2027, 1, 31)),
            // the registry data shows a creation after the recorded catch: from the creation
            (d(2026, 12, 2), Some(d(2026, 12, 5)), d(2027, 2, 3)),
            // over February of a leap year: 2028-01-15 + 60 days
            (d(2028, 1, 15), None, d(2028, 3, 15)),
        ];
        for (caught_on, created, expected) in cases {
            assert_eq!(
                transfer_allowed_from(caught_on, created),
                expected,
                "{caught_on} {created:?}"
            );
            assert_eq!(Item::TransferWindow.due_on(caught_on, created), expected);
        }
    }

    #[test]
    fn due_dates_count_from_the_catch() {
        let c = d(2026, 12, 2);
        let cases = [
            (Item::TransferLock, d(2026, 12, 3)),
            (Item::Registrar2fa, d(2026, 12, 3)),
            (Item::ClientInformed, d(2026, 12, 4)),
            (Item::NameserversMoved, d(2026, 12, 9)),
            // 2013 RAA, Whois Accuracy Program Specification §4: 15 days to verify
            (Item::RegistrantVerified, d(2026, 12, 16)),
            (Item::ClientContacts, d(2026, 12, 16)),
            (Item::Renewed, d(2027, 1, 1)),
            (Item::TransferWindow, d(2027, 1, 31)),
        ];
        for (item, due) in cases {
            assert_eq!(item.due_on(c, None), due, "{item}");
        }
        // every item has a due date and appears once in the order
        assert_eq!(Item::ORDER.len(), Item::ALL.len());
        for item in Item::ALL {
            assert!(Item::ORDER.contains(item));
        }
    }

    #[test]
    fn the_transfer_lock_is_client_transfer_prohibited() {
        // RFC 5731 §2.3; RDAP "client transfer prohibited" maps to it (RFC 8056 §2)
        let holders = Vec::new();
        let mut record = caught();
        assert!(matches!(
            finding(Item::TransferLock, &record, &facts(&holders)),
            Some(Finding::NotShown(_))
        ));
        // the registry's own lock is not the registrar's
        record.statuses = vec!["serverTransferProhibited".into()];
        assert!(matches!(
            finding(Item::TransferLock, &record, &facts(&holders)),
            Some(Finding::NotShown(_))
        ));
        record.statuses = vec![
            crate::model::registry_record::epp_status("client transfer prohibited"),
            "clientDeleteProhibited".into(),
        ];
        assert!(matches!(
            finding(Item::TransferLock, &record, &facts(&holders)),
            Some(Finding::Shown(_))
        ));
        // the former holder's lock, while the old registration is deleted (RFC 3915 §2)
        record.statuses.push("pendingDelete".into());
        assert!(matches!(
            finding(Item::TransferLock, &record, &facts(&holders)),
            Some(Finding::Unknown(_))
        ));
        record.registered = false;
        assert!(matches!(
            finding(Item::TransferLock, &record, &facts(&holders)),
            Some(Finding::NotShown(_))
        ));
    }

    #[test]
    fn renewed_means_registered_beyond_the_first_year() {
        let holders = Vec::new();
        let mut record = caught();
        // a fresh one-year registration is not renewed
        assert!(matches!(
            finding(Item::Renewed, &record, &facts(&holders)),
            Some(Finding::NotShown(_))
        ));
        // renewed one year: until 2028-12-01, the creation + 2 years
        assert_eq!(
            renewed_until(d(2026, 12, 2), Some(d(2026, 12, 1)), 1),
            d(2028, 12, 1)
        );
        record.expires_at = Some(Utc.with_ymd_and_hms(2028, 12, 1, 18, 5, 0).unwrap());
        assert!(matches!(
            finding(Item::Renewed, &record, &facts(&holders)),
            Some(Finding::Shown(_))
        ));
        // the matter asks for three years
        let three = Facts {
            renewal_years: 3,
            ..facts(&holders)
        };
        assert!(matches!(
            finding(Item::Renewed, &record, &three),
            Some(Finding::NotShown(_))
        ));
        // the registrar's expiry counts where known (gTLD registrar RDAP)
        record.registrar_expires_at = Some(Utc.with_ymd_and_hms(2030, 12, 1, 0, 0, 0).unwrap());
        assert!(matches!(
            finding(Item::Renewed, &record, &three),
            Some(Finding::Shown(_))
        ));
        record.expires_at = None;
        record.registrar_expires_at = None;
        assert!(matches!(
            finding(Item::Renewed, &record, &three),
            Some(Finding::Unknown(_))
        ));
    }

    #[test]
    fn name_servers_leave_the_parking() {
        let holders = Vec::new();
        let cases: [(&[&str], bool); 6] = [
            // DropCatch's catches on NameBright's servers (Verisign WHOIS, 2026)
            (&["ns1.namebrightdns.com", "ns2.namebrightdns.com"], false),
            (&["NSG1.NAMEBRIGHTDNS.COM."], false),
            // Dynadot's default servers
            (&["ns1.dyna-ns.net", "ns2.dyna-ns.net"], false),
            // one parking server left among the client's
            (&["ns1.client.example", "ns2.dyna-ns.net"], false),
            (&["ns1.client-dns.example", "ns2.client-dns.example"], true),
            // a look-alike domain is not the parking
            (&["ns1.notdyna-ns.net"], true),
        ];
        for (servers, moved) in cases {
            let record = RegistryRecord {
                nameservers: servers.iter().map(|s| s.to_string()).collect(),
                ..caught()
            };
            let found = finding(Item::NameserversMoved, &record, &facts(&holders));
            assert_eq!(
                matches!(found, Some(Finding::Shown(_))),
                moved,
                "{servers:?}"
            );
        }
        let none = RegistryRecord {
            nameservers: Vec::new(),
            ..caught()
        };
        assert!(matches!(
            finding(Item::NameserversMoved, &none, &facts(&holders)),
            Some(Finding::NotShown(_))
        ));
    }

    #[test]
    fn the_registrant_is_the_client_or_the_firm() {
        let holders = vec![
            "Acme Widgets SAS".to_owned(),
            "Cabinet Durand & Associés".to_owned(),
        ];
        let cases = [
            (Some("ACME WIDGETS"), "shown"),
            (Some("Acme Widgets, Inc."), "shown"),
            (Some("Cabinet Durand & Associés"), "shown"),
            (Some("Acme"), "not shown"),
            (Some("Domain Investor Ltd"), "not shown"),
            // gTLD registration data redacted (ICANN Registration Data Policy): a person checks
            (Some("REDACTED FOR PRIVACY"), "unknown"),
            (None, "unknown"),
        ];
        for (registrant, expected) in cases {
            let record = RegistryRecord {
                registrant: registrant.map(str::to_owned),
                ..caught()
            };
            let found = match finding(Item::RegistrantVerified, &record, &facts(&holders)) {
                Some(Finding::Shown(_)) => "shown",
                Some(Finding::NotShown(_)) => "not shown",
                Some(Finding::Unknown(_)) => "unknown",
                None => "none",
            };
            assert_eq!(found, expected, "{registrant:?}");
        }
    }

    #[test]
    fn only_registry_items_are_read_from_the_data() {
        let holders = Vec::new();
        for item in Item::ALL {
            assert_eq!(
                finding(*item, &caught(), &facts(&holders)).is_some(),
                item.registry_provable(),
                "{item}"
            );
        }
    }

    #[test]
    fn checks_and_ticks_move_items() {
        let pending = ItemNow {
            state: ItemState::Pending,
            verified_by: None,
        };
        let by_registry = ItemNow {
            state: ItemState::Done,
            verified_by: Some(VerifiedBy::Registry),
        };
        let by_user = ItemNow {
            state: ItemState::Done,
            verified_by: Some(VerifiedBy::User),
        };
        let shown = Finding::Shown(String::new());
        let not_shown = Finding::NotShown(String::new());
        let unknown = Finding::Unknown(String::new());
        assert_eq!(after_check(&pending, &shown), Some(by_registry.clone()));
        assert_eq!(after_check(&pending, &not_shown), None);
        assert_eq!(after_check(&pending, &unknown), None);
        assert_eq!(after_check(&by_registry, &not_shown), Some(pending.clone()));
        assert_eq!(after_check(&by_registry, &unknown), None);
        assert_eq!(after_check(&by_user, &not_shown), None);

        assert_eq!(tick(&pending, true), Ok(by_user.clone()));
        assert_eq!(tick(&by_user, false), Ok(pending.clone()));
        assert_eq!(tick(&by_user, true), Err(TickError::AlreadyDone));
        assert_eq!(tick(&pending, false), Err(TickError::AlreadyPending));
        assert_eq!(tick(&by_registry, false), Err(TickError::RegistryVerified));
    }
}
