//! Backorders: the wish to obtain one domain name for a matter. Its status follows the life of
//! the name (`docs/registries.md` §1, §2.5: `watching → expiring → redemption → pending_delete → dropped →
//! caught | lost | auction → won | lost`, or `renewed` / `cancelled`, or `transferred` when the
//! holder hands a registered name over); where the backorder is
//! placed (catch channels) feeds the outcome. Fees are only ever due on success.

crate::text_enum! {
    pub enum BackorderStatus ("backorder status") {
        /// The name is registered and watched.
        Watching => "watching",
        /// The expiry is near or past; the holder may still renew.
        Expiring => "expiring",
        /// Deleted; only the holder can restore it.
        Redemption => "redemption",
        /// No longer restorable; about to drop.
        PendingDelete => "pending_delete",
        /// Released by the registry: catch services are trying.
        Dropped => "dropped",
        /// A catch channel registered the name for the client.
        Caught => "caught",
        /// Several backorderers: an auction decides.
        Auction => "auction",
        /// The client won the auction.
        Won => "won",
        /// Someone else got the name.
        Lost => "lost",
        /// The holder renewed or restored the name: nothing to catch.
        Renewed => "renewed",
        /// The firm stopped the backorder.
        Cancelled => "cancelled",
        /// The holder transferred the name to the client: bought after outreach, or ordered by
        /// a UDRP/SYRELI decision. The name is the client's without a drop.
        Transferred => "transferred",
    }
}

crate::text_enum! {
    pub enum Priority ("priority") {
        Low => "low",
        Normal => "normal",
        High => "high",
    }
}

crate::text_enum! {
    /// In whose name a direct catch registers the name (the firm's registrar account).
    pub enum Registrant ("registrant") {
        /// The client's contact handle at the account (`client_registrant_handles`).
        Client => "client",
        /// The account's default registrant: the firm's handle.
        Firm => "firm",
    }
}

crate::text_enum! {
    /// Where a backorder is placed.
    pub enum CatchService ("catch service") {
        DropCatch => "dropcatch",
        SnapNames => "snapnames",
        NameJet => "namejet",
        Dynadot => "dynadot",
        GoDaddy => "godaddy",
        /// HEXONET's backorders (CentralNic Reseller's ISPAPI).
        Hexonet => "hexonet",
        /// A catcher that works .fr names (named in `service_name`).
        FrCatcher => "fr_catcher",
        /// The firm's own registrar, registering at the drop.
        FirmRegistrar => "firm_registrar",
        Other => "other",
    }
}

crate::text_enum! {
    /// The state of a backorder at one catch service.
    pub enum ChannelStatus ("channel status") {
        /// Decided, not yet placed with the service.
        Planned => "planned",
        /// reclaim places it through the firm's account once the service accepts it.
        Scheduled => "scheduled",
        /// Placed with the service.
        Placed => "placed",
        /// The service refused the order (its message says why).
        Refused => "refused",
        /// The service caught the name; who gets it is not known yet.
        Caught => "caught",
        /// The service caught the name and auctions it among its backorderers.
        InAuction => "in_auction",
        /// The client got the name through this service.
        Won => "won",
        /// The service did not get it for the client.
        Lost => "lost",
        Cancelled => "cancelled",
    }
}

impl BackorderStatus {
    pub fn label(self) -> &'static str {
        match self {
            BackorderStatus::Watching => "Watching",
            BackorderStatus::Expiring => "Expiring",
            BackorderStatus::Redemption => "In redemption",
            BackorderStatus::PendingDelete => "Pending delete",
            BackorderStatus::Dropped => "Dropped",
            BackorderStatus::Caught => "Caught",
            BackorderStatus::Auction => "In auction",
            BackorderStatus::Won => "Won",
            BackorderStatus::Lost => "Lost",
            BackorderStatus::Renewed => "Renewed by the holder",
            BackorderStatus::Cancelled => "Cancelled",
            BackorderStatus::Transferred => "Transferred to the client",
        }
    }

    /// The backorder has an outcome; nothing more happens unless someone reopens it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            BackorderStatus::Caught
                | BackorderStatus::Won
                | BackorderStatus::Lost
                | BackorderStatus::Renewed
                | BackorderStatus::Cancelled
                | BackorderStatus::Transferred
        )
    }

    /// Whether the name is still sought (it counts for conflict checks).
    pub fn is_active(self) -> bool {
        !self.is_final()
    }

    /// The statuses this one may move to. Monitoring can miss a phase, so a name may skip
    /// forward (watching straight to redemption); it never moves back in the lifecycle except
    /// when the holder renews, and a finished backorder only reopens to `watching`.
    pub fn next(self) -> &'static [BackorderStatus] {
        use BackorderStatus::*;
        match self {
            // A registered name changes hands by transfer (a purchase, a decision); a deleted one
            // cannot be (ICANN's ERRP §3.2: registries block transfers during redemption, docs/registries.md §1).
            Watching => &[
                Expiring,
                Redemption,
                PendingDelete,
                Dropped,
                Renewed,
                Cancelled,
                Transferred,
            ],
            Expiring => &[
                Redemption,
                PendingDelete,
                Dropped,
                Renewed,
                Cancelled,
                Transferred,
            ],
            Redemption => &[PendingDelete, Dropped, Renewed, Cancelled],
            PendingDelete => &[Dropped, Cancelled],
            Dropped => &[Caught, Auction, Lost, Cancelled],
            // A service that caught the name may still auction it among its backorderers.
            Caught => &[Auction, Won, Lost],
            Auction => &[Won, Lost],
            Won | Transferred => &[],
            // A renewed name may still be sold to the client later.
            Renewed => &[Watching, Transferred],
            Lost | Cancelled => &[Watching],
        }
    }

    pub fn can_move_to(self, to: BackorderStatus) -> bool {
        self.next().contains(&to)
    }

    /// Checks a change of status.
    pub fn move_to(self, to: BackorderStatus) -> Result<BackorderStatus, TransitionError> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(TransitionError { from: self, to })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("A backorder cannot go from '{}' to '{}'.{}", from.label(), to.label(), allowed(*from))]
pub struct TransitionError {
    pub from: BackorderStatus,
    pub to: BackorderStatus,
}

fn allowed(from: BackorderStatus) -> String {
    let next = from.next();
    if next.is_empty() {
        " It is finished.".to_owned()
    } else {
        format!(
            " From here it can go to: {}.",
            next.iter()
                .map(|s| s.label())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl CatchService {
    pub fn label(self) -> &'static str {
        match self {
            CatchService::DropCatch => "DropCatch",
            CatchService::SnapNames => "SnapNames",
            CatchService::NameJet => "NameJet",
            CatchService::Dynadot => "Dynadot",
            CatchService::GoDaddy => "GoDaddy",
            CatchService::Hexonet => "HEXONET",
            CatchService::FrCatcher => ".fr catcher",
            CatchService::FirmRegistrar => "The firm's registrar",
            CatchService::Other => "Other service",
        }
    }
}

impl ChannelStatus {
    pub fn label(self) -> &'static str {
        match self {
            ChannelStatus::Planned => "Planned",
            ChannelStatus::Scheduled => "Scheduled",
            ChannelStatus::Placed => "Placed",
            ChannelStatus::Refused => "Refused",
            ChannelStatus::Caught => "Caught",
            ChannelStatus::InAuction => "In auction",
            ChannelStatus::Won => "Won",
            ChannelStatus::Lost => "Lost",
            ChannelStatus::Cancelled => "Cancelled",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            ChannelStatus::Won
                | ChannelStatus::Lost
                | ChannelStatus::Cancelled
                | ChannelStatus::Refused
        )
    }
}

/// The backorder status the catch channels call for, if it differs from `current`: one
/// channel winning means the name is the client's (won, if an auction was running; caught
/// otherwise); one in auction means an auction; every channel that was placed having lost,
/// after the drop, means lost.
pub fn status_from_channels(
    current: BackorderStatus,
    channels: &[ChannelStatus],
) -> Option<BackorderStatus> {
    use BackorderStatus as B;
    let wanted = if channels.contains(&ChannelStatus::Won) {
        if matches!(current, B::Auction | B::Caught) {
            B::Won
        } else {
            B::Caught
        }
    } else if channels.contains(&ChannelStatus::InAuction) {
        B::Auction
    } else if channels.contains(&ChannelStatus::Caught) && current != B::Auction {
        // The service has the name; an auction among its backorderers may follow.
        B::Caught
    } else {
        let tried: Vec<_> = channels
            .iter()
            // A refused order was never placed: it neither won nor lost.
            .filter(|c| !matches!(c, ChannelStatus::Cancelled | ChannelStatus::Refused))
            .collect();
        if !tried.is_empty()
            && tried.iter().all(|c| **c == ChannelStatus::Lost)
            && matches!(current, B::Dropped | B::Auction | B::Caught)
        {
            B::Lost
        } else {
            return None;
        }
    };
    // A win reported before the drop was recorded goes through `dropped` (see `path_to`).
    (wanted != current && path_to(current, wanted).is_some()).then_some(wanted)
}

/// The route from `current` to `target` through the lifecycle: the statuses to record in order.
/// A catch reported while the name was still watched passes through `dropped`.
pub fn path_to(current: BackorderStatus, target: BackorderStatus) -> Option<Vec<BackorderStatus>> {
    if current.can_move_to(target) {
        return Some(vec![target]);
    }
    if current.can_move_to(BackorderStatus::Dropped) && BackorderStatus::Dropped.can_move_to(target)
    {
        return Some(vec![BackorderStatus::Dropped, target]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use BackorderStatus::*;

    #[test]
    fn the_lifecycle_of_a_name() {
        // The name's life (`docs/registries.md` §1, §2.5): watching → expiring → redemption → pending_delete → dropped →
        // caught | lost | auction → won | lost, or renewed / cancelled.
        let path = [
            Watching,
            Expiring,
            Redemption,
            PendingDelete,
            Dropped,
            Auction,
            Won,
        ];
        for pair in path.windows(2) {
            assert!(pair[0].can_move_to(pair[1]), "{} → {}", pair[0], pair[1]);
        }
        let allowed = [
            (Dropped, Caught),
            (Dropped, Lost),
            (Auction, Lost),
            (Watching, Renewed),
            (Expiring, Renewed),
            // RFC 3915: a name in redemption can be restored by its holder
            (Redemption, Renewed),
            (Watching, Redemption),
            (Watching, Cancelled),
            (Lost, Watching),
            (Renewed, Watching),
            // A registered name changes hands by transfer (bought, or a decision).
            (Watching, Transferred),
            (Expiring, Transferred),
            (Renewed, Transferred),
        ];
        for (from, to) in allowed {
            assert!(from.can_move_to(to), "{from} → {to}");
        }
        let refused = [
            // RFC 3915: pending delete cannot be restored
            (PendingDelete, Renewed),
            (Dropped, Redemption),
            (Won, Lost),
            (Won, Cancelled),
            (Watching, Caught),
            (Auction, Cancelled),
            (Watching, Watching),
            // ERRP §3.2: registries block transfers in redemption; a dropped name is caught.
            (Redemption, Transferred),
            (PendingDelete, Transferred),
            (Dropped, Transferred),
            (Transferred, Watching),
        ];
        for (from, to) in refused {
            assert!(!from.can_move_to(to), "{from} → {to}");
        }
        let err = Won.move_to(Lost).unwrap_err().to_string();
        assert_eq!(
            err,
            "A backorder cannot go from 'Won' to 'Lost'. It is finished."
        );
        let err = PendingDelete.move_to(Renewed).unwrap_err().to_string();
        assert!(
            err.contains("From here it can go to: Dropped, Cancelled."),
            "{err}"
        );
    }

    #[test]
    fn channels_decide_the_outcome() {
        use ChannelStatus as C;
        let cases = [
            (Dropped, vec![C::Placed, C::Won], Some(Caught)),
            (Dropped, vec![C::InAuction, C::Lost], Some(Auction)),
            (Auction, vec![C::Won], Some(Won)),
            (Auction, vec![C::Lost], Some(Lost)),
            (Dropped, vec![C::Lost, C::Lost, C::Cancelled], Some(Lost)),
            // before the drop a lost channel says nothing yet
            (PendingDelete, vec![C::Lost], None),
            // a catch reported before the drop was seen
            (PendingDelete, vec![C::Won], Some(Caught)),
            (Dropped, vec![C::Placed], None),
            (Dropped, vec![], None),
            (Dropped, vec![C::Cancelled], None),
            // the service that caught the name reports its auction, then its end
            (Caught, vec![C::Won], Some(Won)),
            (Caught, vec![C::InAuction], Some(Auction)),
            (Caught, vec![C::Lost], Some(Lost)),
            (Caught, vec![C::Caught], None),
        ];
        for (current, channels, expected) in cases {
            assert_eq!(
                status_from_channels(current, &channels),
                expected,
                "{current} {channels:?}"
            );
        }
    }

    #[test]
    fn paths_pass_through_the_drop() {
        assert_eq!(path_to(Dropped, Caught), Some(vec![Caught]));
        assert_eq!(path_to(PendingDelete, Caught), Some(vec![Dropped, Caught]));
        assert_eq!(path_to(Watching, Auction), Some(vec![Dropped, Auction]));
        // The catcher's auction may follow a catch; a win is final.
        assert_eq!(path_to(Caught, Lost), Some(vec![Lost]));
        assert_eq!(path_to(Won, Lost), None);
    }
}

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::domain_name::{DomainName, DomainNameError};
use super::tld_policy::{TldPolicies, TldPolicy, UnsupportedTld};
use crate::model::ids::{BackorderEventId, BackorderId, ChannelId, ClientId, MatterId, UserId};
use crate::model::money::format_money;

/// Why a name cannot be the target of a backorder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("{0}")]
    Name(#[from] DomainNameError),
    #[error(
        "'{given}' is a name under {registrable}; a backorder targets the registered name itself: use {registrable}."
    )]
    NotRegistrable { given: String, registrable: String },
    #[error("{0}")]
    Unsupported(#[from] UnsupportedTld),
    #[error("{note} Instead: {instead}")]
    Refused {
        tld: String,
        note: String,
        instead: String,
    },
}

/// Checks that a name typed by a user can be backordered: a valid registrable name, on a TLD
/// reclaim has rules for, where catching can work at all.
pub fn check_target(
    raw: &str,
    policies: &TldPolicies,
) -> Result<(DomainName, TldPolicy), TargetError> {
    let name = DomainName::parse(raw)?;
    if !name.is_registrable() {
        return Err(TargetError::NotRegistrable {
            given: name.unicode().to_owned(),
            registrable: name.registrable().unicode().to_owned(),
        });
    }
    let policy = policies.lookup(name.tld())?;
    if !policy.backorder {
        return Err(TargetError::Refused {
            tld: policy.tld.clone(),
            note: policy.backorder_note.clone(),
            instead: policy.backorder_instead.clone().unwrap_or_default(),
        });
    }
    Ok((name, policy))
}

#[cfg(test)]
mod target_tests {
    use super::*;

    #[test]
    fn targets() {
        let p = TldPolicies::built_in().unwrap();
        let (name, policy) = check_target("Bücher.de", &p).unwrap();
        assert_eq!(name.ascii(), "xn--bcher-kva.de");
        assert_eq!(policy.registry, "DENIC");
        let cases = [
            ("www.example.com", "use example.com"),
            ("example.dk", "A backorder cannot work on .dk"),
            (
                "example.dk",
                "Instead: Put the client on the Punktum dk waiting list",
            ),
            ("example.jp", "no registry rules for .jp"),
            ("co.uk", "is a public suffix"),
            ("", "Enter a domain name"),
        ];
        for (input, expected) in cases {
            let err = check_target(input, &p).unwrap_err().to_string();
            assert!(err.contains(expected), "{input}: {err}");
        }
    }
}

/// One line of a CSV import, checked.
#[derive(Debug, Clone)]
pub struct ImportLine {
    pub line: usize,
    pub text: String,
    pub domain: DomainName,
    pub max_bid_minor: Option<i64>,
    pub priority: Priority,
}

/// Why one line of an import cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineProblem {
    pub line: usize,
    pub text: String,
    pub message: String,
}

/// The most lines one import takes.
pub const MAX_IMPORT_LINES: usize = 5_000;

/// Reads an import: one name per line, optionally followed by a maximum bid and a priority
/// (`example.com,1500,high`); a first line `domain,…` is a header; blank lines and lines
/// starting with `#` are skipped. Either every line is good, or every problem is reported.
pub fn parse_import(
    text: &str,
    policies: &TldPolicies,
) -> Result<Vec<ImportLine>, Vec<LineProblem>> {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = raw.trim().trim_start_matches('\u{feff}');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields = super::csv::split_line(trimmed);
        let first = fields.first().map(String::as_str).unwrap_or_default();
        if lines.is_empty() && problems.is_empty() && first.eq_ignore_ascii_case("domain") {
            continue;
        }
        let mut problem = |message: String| {
            problems.push(LineProblem {
                line: number,
                text: trimmed.chars().take(200).collect(),
                message,
            })
        };
        if lines.len() + 1 > MAX_IMPORT_LINES {
            problem(format!(
                "An import takes at most {MAX_IMPORT_LINES} names; split the file."
            ));
            break;
        }
        let (domain, _) = match check_target(first, policies) {
            Ok(found) => found,
            Err(e) => {
                problem(e.to_string());
                continue;
            }
        };
        if let Some((_, earlier)) = seen.iter().find(|(d, _)| d == domain.ascii()) {
            problem(format!("{} is also on line {earlier}.", domain.unicode()));
            continue;
        }
        let max_bid_minor = match fields.get(1).map(|f| f.trim()).filter(|f| !f.is_empty()) {
            Some(amount) => match super::money::parse_amount(amount) {
                Ok(minor) => Some(minor),
                Err(e) => {
                    problem(format!("Maximum bid: {e}"));
                    continue;
                }
            },
            None => None,
        };
        let priority = match fields
            .get(2)
            .map(|f| f.trim().to_lowercase())
            .filter(|f| !f.is_empty())
        {
            Some(p) => match p.parse() {
                Ok(p) => p,
                Err(e) => {
                    problem(format!("Priority: {e}"));
                    continue;
                }
            },
            None => Priority::Normal,
        };
        seen.push((domain.ascii().to_owned(), number));
        lines.push(ImportLine {
            line: number,
            text: trimmed.chars().take(200).collect(),
            domain,
            max_bid_minor,
            priority,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if lines.is_empty() {
        return Err(vec![LineProblem {
            line: 0,
            text: String::new(),
            message:
                "There is no domain name to import: put one name per line, such as example.com."
                    .to_owned(),
        }]);
    }
    Ok(lines)
}

#[cfg(test)]
mod import_tests {
    use super::*;

    #[test]
    fn a_good_file_gives_every_line() {
        let p = TldPolicies::built_in().unwrap();
        let text = "\u{feff}domain,max_bid,priority\nexample.com\n\n# a comment\nBücher.de, 1500 ,high\n\"acme.fr\",\"2,000.50\",low\n";
        let lines = parse_import(text, &p).unwrap();
        let got: Vec<_> = lines
            .iter()
            .map(|l| {
                (
                    l.line,
                    l.domain.ascii().to_owned(),
                    l.max_bid_minor,
                    l.priority,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "example.com".into(), None, Priority::Normal),
                (5, "xn--bcher-kva.de".into(), Some(150_000), Priority::High),
                (6, "acme.fr".into(), Some(200_050), Priority::Low),
            ]
        );
    }

    #[test]
    fn every_bad_line_is_reported_and_nothing_is_returned() {
        let p = TldPolicies::built_in().unwrap();
        let text = "example.com\nnot a name\nexample.dk\nEXAMPLE.COM\nexample.org,lots\nexample.net,10,urgent\nwww.example.eu\nco.uk\n";
        let problems = parse_import(text, &p).unwrap_err();
        let got: Vec<_> = problems.iter().map(|p| p.line).collect();
        assert_eq!(got, vec![2, 3, 4, 5, 6, 7, 8]);
        assert!(problems[1].message.contains("cannot work on .dk"));
        assert!(problems[2].message.contains("also on line 1"));
        assert!(problems[3].message.starts_with("Maximum bid:"));
        assert!(problems[4].message.contains("not a valid priority"));
        assert!(problems[5].message.contains("use example.eu"));
        assert!(
            parse_import("\n# nothing\n", &p).unwrap_err()[0]
                .message
                .contains("no domain name to import")
        );
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::backorders)]
pub struct Backorder {
    pub id: BackorderId,
    pub matter_id: MatterId,
    /// A-label.
    pub domain: String,
    pub unicode: String,
    pub tld: String,
    pub status: BackorderStatus,
    pub priority: Priority,
    pub max_bid_minor: Option<i64>,
    pub currency: String,
    pub notes: String,
    pub conflict_confirmed_by: Option<UserId>,
    pub conflict_confirmed_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// In whose name a direct catch registers the name.
    pub registrant: Registrant,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::backorder_events)]
pub struct BackorderEvent {
    pub id: BackorderEventId,
    pub backorder_id: BackorderId,
    pub at: NaiveDateTime,
    pub from_status: Option<BackorderStatus>,
    pub to_status: BackorderStatus,
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub reason: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::catch_channels)]
pub struct CatchChannel {
    pub id: ChannelId,
    pub backorder_id: BackorderId,
    pub service: CatchService,
    pub service_name: String,
    pub status: ChannelStatus,
    pub external_reference: String,
    pub success_fee_minor: Option<i64>,
    pub price_minor: Option<i64>,
    pub currency: String,
    pub auction_result: String,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl CatchChannel {
    /// "DropCatch", or the name given for a .fr catcher or another service.
    pub fn display_name(&self) -> String {
        if self.service_name.is_empty() {
            self.service.label().to_owned()
        } else {
            format!("{} ({})", self.service.label(), self.service_name)
        }
    }
}

/// What is owed to the catch services: only what succeeded. Nothing is due before a name is
/// caught.
pub fn fees_due(channels: &[CatchChannel]) -> Vec<String> {
    channels
        .iter()
        .filter(|c| c.status == ChannelStatus::Won)
        .flat_map(|c| {
            let mut due = Vec::new();
            if let Some(fee) = c.success_fee_minor {
                due.push(format!(
                    "{} success fee to {}",
                    format_money(fee, &c.currency),
                    c.display_name()
                ));
            }
            if let Some(price) = c.price_minor {
                due.push(format!(
                    "{} auction price to {}",
                    format_money(price, &c.currency),
                    c.display_name()
                ));
            }
            due
        })
        .collect()
}

/// Another client's open matter that targets the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Conflict {
    pub matter_id: MatterId,
    pub reference: String,
    pub client_id: ClientId,
    pub client_name: String,
}

#[cfg(test)]
mod import_properties {
    use super::*;
    use crate::model::csv::write_row;
    use crate::model::money::format_plain;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn no_file_makes_the_import_panic(text in any::<String>()) {
            let policies = TldPolicies::built_in().unwrap();
            let _ = parse_import(&text, &policies);
        }

        /// Lines that import, written back as CSV (as the export writes them), import the same
        /// names and bids: parse → print → parse is stable.
        #[test]
        fn imported_lines_written_back_import_the_same(
            lines in proptest::collection::vec(
                "(acme|bücher|example-[0-9]{1,3})\\.(com|fr|de)(, ?[0-9]{1,5}([.,][0-9]{2})?)?",
                1..8,
            )
        ) {
            let policies = TldPolicies::built_in().unwrap();
            if let Ok(first) = parse_import(&lines.join("\n"), &policies) {
                let written: String = first
                    .iter()
                    .map(|l| {
                        let bid = l.max_bid_minor.map(format_plain).unwrap_or_default();
                        write_row(&[l.domain.unicode(), &bid])
                    })
                    .collect();
                let again = parse_import(&written, &policies).expect("what was read reads again");
                let key = |ls: &[ImportLine]| -> Vec<(String, Option<i64>)> {
                    ls.iter().map(|l| (l.domain.ascii().to_owned(), l.max_bid_minor)).collect()
                };
                prop_assert_eq!(key(&again), key(&first));
            }
        }
    }
}
