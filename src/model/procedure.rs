//! Dispute procedures a firm can run to recover a name (docs/legal.md §1 and §2).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::model::calendar::{CalendarChoice, calendars_for, parse_location};
use crate::model::deadlines::{self as rules, State};
use crate::model::ids::{
    BackorderId, ClientId, ClosureId, DeadlineId, MatterId, ProcedureEventId, ProcedureId, UserId,
};

crate::text_enum! {
    /// The kind of a dispute procedure.
    pub enum ProcedureKind ("procedure kind") {
        /// Uniform Domain-Name Dispute-Resolution Policy (gTLDs and adopting ccTLDs).
        Udrp => "udrp",
        /// AFNIC's SYRELI (.fr and overseas TLDs), decided by AFNIC.
        Syreli => "syreli",
        /// AFNIC's PARL EXPERT, decided by a WIPO expert.
        ParlExpert => "parl_expert",
        /// Uniform Rapid Suspension (new gTLDs).
        Urs => "urs",
        /// Nominet Dispute Resolution Service (.uk).
        NominetDrs => "nominet_drs",
        /// CIRA Domain Name Dispute Resolution Policy (.ca).
        CiraCdrp => "cira_cdrp",
        /// .eu alternative dispute resolution (Czech Arbitration Court).
        EuAdr => "eu_adr",
    }
}

impl ProcedureKind {
    pub fn label(self) -> &'static str {
        match self {
            ProcedureKind::Udrp => "UDRP",
            ProcedureKind::Syreli => "SYRELI",
            ProcedureKind::ParlExpert => "PARL EXPERT",
            ProcedureKind::Urs => "URS",
            ProcedureKind::NominetDrs => "Nominet DRS",
            ProcedureKind::CiraCdrp => "CIRA CDRP",
            ProcedureKind::EuAdr => ".eu ADR",
        }
    }
}

crate::text_enum! {
    /// What happened in a procedure: what the rules of docs/legal.md §6 count from.
    pub enum EventKind ("procedure event") {
        ComplaintFiled => "complaint_filed",
        FeePaid => "fee_paid",
        /// The provider asked the registrar to verify the registration and lock the name.
        VerificationRequested => "verification_requested",
        LockConfirmed => "lock_confirmed",
        DeficiencyNotified => "deficiency_notified",
        DeficiencyCured => "deficiency_cured",
        /// UDRP/URS: the complaint was notified to the respondent; SYRELI: the procedure opened.
        Commenced => "commenced",
        ResponseExtended => "response_extended",
        ResponseReceived => "response_received",
        PanelAppointed => "panel_appointed",
        /// The provider received the decision.
        DecisionReceived => "decision_received",
        /// The decision was sent to the parties and the registrar.
        DecisionNotified => "decision_notified",
        CourtActionFiled => "court_action_filed",
        Implemented => "implemented",
        Withdrawn => "withdrawn",
    }
}

impl EventKind {
    pub fn label(self) -> &'static str {
        match self {
            EventKind::ComplaintFiled => "Complaint filed",
            EventKind::FeePaid => "Fee paid",
            EventKind::VerificationRequested => "Registrar asked to verify and lock",
            EventKind::LockConfirmed => "Lock confirmed by the registrar",
            EventKind::DeficiencyNotified => "Deficiency notified",
            EventKind::DeficiencyCured => "Deficiency cured",
            EventKind::Commenced => "Commenced (notified to the respondent)",
            EventKind::ResponseExtended => "Response period extended",
            EventKind::ResponseReceived => "Response received",
            EventKind::PanelAppointed => "Panel appointed",
            EventKind::DecisionReceived => "Decision received by the provider",
            EventKind::DecisionNotified => "Decision notified to the parties and registrar",
            EventKind::CourtActionFiled => "Court action filed",
            EventKind::Implemented => "Decision implemented",
            EventKind::Withdrawn => "Withdrawn",
        }
    }
}

crate::text_enum! {
    pub enum ProcedureStatus ("procedure status") {
        /// Filed, running.
        Open => "open",
        /// A decision was given; implementation or court window may run.
        Decided => "decided",
        /// Finished: implemented, withdrawn, or left as decided.
        Closed => "closed",
    }
}

impl ProcedureStatus {
    pub fn label(self) -> &'static str {
        match self {
            ProcedureStatus::Open => "running",
            ProcedureStatus::Decided => "decided",
            ProcedureStatus::Closed => "closed",
        }
    }
}

crate::text_enum! {
    /// How a procedure ended.
    pub enum Outcome ("procedure outcome") {
        Transfer => "transfer",
        Cancellation => "cancellation",
        Deletion => "deletion",
        Suspension => "suspension",
        Denied => "denied",
        Withdrawn => "withdrawn",
        Terminated => "terminated",
    }
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Transfer => "Transfer ordered",
            Outcome::Cancellation => "Cancellation ordered",
            Outcome::Deletion => "Deletion ordered",
            Outcome::Suspension => "Suspension ordered (URS)",
            Outcome::Denied => "Complaint denied",
            Outcome::Withdrawn => "Withdrawn",
            Outcome::Terminated => "Terminated (settled or ended)",
        }
    }
}

impl ProcedureKind {
    /// The dispute-resolution providers that run this kind (docs/legal.md §1.1, §1.4, §2).
    pub fn providers(self) -> &'static [&'static str] {
        match self {
            ProcedureKind::Udrp => &["WIPO", "Forum", "CAC", "ADNDRC", "CIIDRC"],
            ProcedureKind::Urs => &["Forum", "ADNDRC", "MFSD"],
            ProcedureKind::Syreli => &["AFNIC"],
            ProcedureKind::ParlExpert => &["WIPO"],
            ProcedureKind::NominetDrs => &["Nominet"],
            ProcedureKind::CiraCdrp => &["CIIDRC", "Resolution Canada"],
            ProcedureKind::EuAdr => &["CAC"],
        }
    }
}

/// The calendar of a provider's seat (docs/legal.md §6.1): WIPO in Geneva, Forum under US
/// federal holidays, CAC in Prague, AFNIC in France, Nominet in England, CIIDRC in Vancouver,
/// Resolution Canada in Toronto, MFSD in Milan, ADNDRC's Hong Kong office (its URS and UDRP
/// secretariat). Every provider of `ProcedureKind::providers` has one; `WEEKENDS` only for a
/// name reclaim does not know.
pub fn provider_calendar(provider: &str) -> &'static str {
    match provider.trim().to_ascii_uppercase().as_str() {
        "WIPO" => "CH-GE",
        "FORUM" | "NAF" => "US-FED",
        "CAC" => "CZ",
        "AFNIC" => "FR",
        "NOMINET" => "GB-EAW",
        "CIIDRC" => "CA-BC",
        "RESOLUTION CANADA" => "CA-ON",
        "MFSD" => "IT",
        "ADNDRC" => "HK",
        _ => "WEEKENDS",
    }
}

/// The time zone of a provider's seat and the seat's city: the provider's clock runs the
/// procedure's calendar-day periods, so a due date is a day in that zone (docs/legal.md §3.2:
/// "Store the time zone of the actor whose clock runs … compute dates in that zone; display
/// deadlines in the user's zone with the source zone shown"). The zones follow the seat calendars
/// of §6.1; `None` when the provider has several offices (ADNDRC) or is not known: the lawyer
/// confirms the zone with the provider.
pub fn provider_time_zone(provider: &str) -> Option<(&'static str, &'static str)> {
    match provider.trim().to_ascii_uppercase().as_str() {
        "WIPO" => Some(("Europe/Zurich", "Geneva")),
        "FORUM" | "NAF" => Some(("America/Chicago", "Minneapolis")),
        "CAC" => Some(("Europe/Prague", "Prague")),
        "AFNIC" => Some(("Europe/Paris", "Paris")),
        "NOMINET" => Some(("Europe/London", "Oxford")),
        "CIIDRC" => Some(("America/Vancouver", "Vancouver")),
        "RESOLUTION CANADA" => Some(("America/Toronto", "Toronto")),
        _ => None,
    }
}

/// One condition checked before a procedure is opened.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EligibilityCheck {
    pub id: &'static str,
    /// `None`: reclaim cannot tell from what it holds; the lawyer must verify.
    pub passed: Option<bool>,
    pub message: String,
}

impl EligibilityCheck {
    pub fn failed(&self) -> bool {
        self.passed == Some(false)
    }
}

/// The TLDs AFNIC runs SYRELI and PARL EXPERT for (docs/legal.md §2.1 F1).
pub const AFNIC_TLDS: &[&str] = &["fr", "re", "pm", "tf", "wf", "yt"];

/// The day from which SYRELI applies (docs/legal.md §2.1 F2).
fn syreli_start() -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::from_ymd_opt(2011, 7, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or_default()
}

/// The longest registration term, so that an expiry more than this after 1 July 2011 proves a
/// creation or renewal after it.
const LONGEST_TERM_YEARS: i32 = 10;

/// Whether SYRELI or PARL EXPERT can be opened on a name (docs/legal.md §6.4: AFNIC TLD, created
/// or renewed after 1 July 2011, the name active, no other proceeding pending). `record` is the
/// latest registry answer reclaim holds, if any; `pending` the references of other open
/// procedures on the name.
pub fn afnic_eligibility(
    domain: &super::domain_name::DomainName,
    record: Option<&super::registry_record::RegistryRecord>,
    pending: &[String],
) -> Vec<EligibilityCheck> {
    use chrono::Datelike;
    let mut checks = Vec::new();
    let tld = domain.tld();
    checks.push(EligibilityCheck {
        id: "afnic_tld",
        passed: Some(AFNIC_TLDS.contains(&tld)),
        message: if AFNIC_TLDS.contains(&tld) {
            format!(".{tld} is an AFNIC TLD.")
        } else {
            format!(
                "SYRELI and PARL EXPERT only apply to .fr, .re, .pm, .tf, .wf and .yt; {} is a .{tld} name.",
                domain.unicode()
            )
        },
    });
    let start = syreli_start();
    let (dates, active) = match record {
        None => (
            EligibilityCheck {
                id: "afnic_2011",
                passed: None,
                message: "reclaim holds no registry answer for the name: check it now, or verify that it was created or renewed after 1 July 2011.".to_owned(),
            },
            EligibilityCheck {
                id: "afnic_active",
                passed: None,
                message: "reclaim holds no registry answer: verify the name is registered and active.".to_owned(),
            },
        ),
        Some(r) => {
            let created_after = r.created_at.map(|c| c >= start);
            let renewed_after = r.expires_at.map(|e| {
                e.with_year(e.year() - LONGEST_TERM_YEARS).is_some_and(|began| began >= start)
            });
            let dates = match (created_after, renewed_after) {
                (Some(true), _) => EligibilityCheck {
                    id: "afnic_2011",
                    passed: Some(true),
                    message: format!("Created on {}, after 1 July 2011.", r.created_at.map(|c| crate::model::present::day(c.date_naive())).unwrap_or_default()),
                },
                (_, Some(true)) => EligibilityCheck {
                    id: "afnic_2011",
                    passed: Some(true),
                    message: format!(
                        "Expires on {}: renewed after 1 July 2011 (a term is at most {LONGEST_TERM_YEARS} years).",
                        r.expires_at.map(|c| crate::model::present::day(c.date_naive())).unwrap_or_default()
                    ),
                },
                (Some(false), Some(false)) => EligibilityCheck {
                    id: "afnic_2011",
                    passed: Some(false),
                    message: "Created before 1 July 2011 and not shown as renewed since: AFNIC only takes names created or renewed after 1 July 2011.".to_owned(),
                },
                _ => EligibilityCheck {
                    id: "afnic_2011",
                    passed: None,
                    message: "The registry answer gives no creation or expiry date: verify the name was created or renewed after 1 July 2011.".to_owned(),
                },
            };
            let held = r.registered
                && !r.has_status("pendingDelete")
                && !r.has_status("redemptionPeriod");
            let active = EligibilityCheck {
                id: "afnic_active",
                passed: Some(held),
                message: if held {
                    "The name is registered and active.".to_owned()
                } else {
                    "The name is not active at the registry (free, deleted or in redemption): a procedure cannot be opened; backorder it instead.".to_owned()
                },
            };
            (dates, active)
        }
    };
    checks.push(dates);
    checks.push(active);
    checks.push(EligibilityCheck {
        id: "afnic_no_pending",
        passed: Some(pending.is_empty()),
        message: if pending.is_empty() {
            "No other procedure on the name is open in the matters you can see; confirm no court action is pending either.".to_owned()
        } else {
            format!(
                "Another proceeding on the name is pending ({}): AFNIC refuses a claim while one is.",
                pending.join(", ")
            )
        },
    });
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain_name::DomainName;
    use crate::model::registry_record::RegistryRecord;
    use chrono::{TimeZone, Utc};

    fn record(
        created: Option<(i32, u32, u32)>,
        expires: Option<(i32, u32, u32)>,
        statuses: &[&str],
    ) -> RegistryRecord {
        let at = |(y, m, d): (i32, u32, u32)| Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single();
        RegistryRecord {
            registered: true,
            created_at: created.and_then(at),
            expires_at: expires.and_then(at),
            statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        }
    }

    fn outcome(
        name: &str,
        record: Option<&RegistryRecord>,
        pending: &[String],
    ) -> Vec<(&'static str, Option<bool>)> {
        let domain = DomainName::parse(name).unwrap();
        afnic_eligibility(&domain, record, pending)
            .into_iter()
            .map(|c| (c.id, c.passed))
            .collect()
    }

    #[test]
    fn afnic_eligibility_table() {
        // docs/legal.md §6.4: eligible = AFNIC TLD ∧ (created ∨ renewed after 2011-07-01)
        // ∧ active ∧ no other proceeding pending.
        let recent = record(Some((2015, 3, 2)), Some((2027, 3, 2)), &[]);
        assert_eq!(
            outcome("exemple.fr", Some(&recent), &[]),
            vec![
                ("afnic_tld", Some(true)),
                ("afnic_2011", Some(true)),
                ("afnic_active", Some(true)),
                ("afnic_no_pending", Some(true))
            ]
        );
        // F1: not an AFNIC TLD
        assert_eq!(
            outcome("example.com", Some(&recent), &[])[0],
            ("afnic_tld", Some(false))
        );
        // F1: the overseas TLDs count
        assert_eq!(
            outcome("exemple.re", Some(&recent), &[])[0],
            ("afnic_tld", Some(true))
        );
        // F2: created in 2005, but expiring in 2030: renewed after 2011 (term ≤ 10 years)
        let renewed = record(Some((2005, 1, 10)), Some((2030, 1, 10)), &[]);
        assert_eq!(
            outcome("exemple.fr", Some(&renewed), &[])[1],
            ("afnic_2011", Some(true))
        );
        // F2: created in 2005, expiring in 2020: not renewed after 1 July 2011
        let old = record(Some((2005, 1, 10)), Some((2020, 1, 10)), &[]);
        assert_eq!(
            outcome("exemple.fr", Some(&old), &[])[1],
            ("afnic_2011", Some(false))
        );
        // created exactly on 1 July 2011 qualifies
        let day_one = record(Some((2011, 7, 1)), None, &[]);
        assert_eq!(
            outcome("exemple.fr", Some(&day_one), &[])[1],
            ("afnic_2011", Some(true))
        );
        // no dates: unknown, to verify
        let bare = record(None, None, &[]);
        assert_eq!(
            outcome("exemple.fr", Some(&bare), &[])[1],
            ("afnic_2011", None)
        );
        // F6: the name must be active
        let redemption = record(
            Some((2015, 3, 2)),
            Some((2027, 3, 2)),
            &["redemptionPeriod"],
        );
        assert_eq!(
            outcome("exemple.fr", Some(&redemption), &[])[2],
            ("afnic_active", Some(false))
        );
        // F6: no other proceeding pending
        assert_eq!(
            outcome(
                "exemple.fr",
                Some(&recent),
                &["M-2026-0001 UDRP".to_owned()]
            )[3],
            ("afnic_no_pending", Some(false))
        );
        // no registry answer at all: the dates and activity are to verify, not refused
        assert_eq!(
            outcome("exemple.fr", None, &[])[1..3],
            [("afnic_2011", None), ("afnic_active", None)]
        );
    }

    #[test]
    fn every_provider_has_a_calendar() {
        // docs/legal.md §6.1: PROVIDER(WIPO=CH-GE, FORUM=US-FED, CAC=CZ, AFNIC=FR, NOMINET=GB-EAW, CIIDRC=CA-BC)
        let cases = [
            ("WIPO", "CH-GE"),
            ("Forum", "US-FED"),
            ("CAC", "CZ"),
            ("AFNIC", "FR"),
            ("Nominet", "GB-EAW"),
            ("CIIDRC", "CA-BC"),
            // MFSD sits in Milan: Italian calendar (L. 260/1949), not weekends only.
            ("MFSD", "IT"),
            // ADNDRC: the Hong Kong office (General Holidays Ordinance, Cap. 149).
            ("ADNDRC", "HK"),
            // Resolution Canada: Toronto, Ontario (ESA 2000).
            ("Resolution Canada", "CA-ON"),
        ];
        for (provider, calendar) in cases {
            assert_eq!(provider_calendar(provider), calendar, "{provider}");
        }
        assert_eq!(provider_calendar("Unknown Provider"), "WEEKENDS");
        // No provider of any procedure kind falls back to weekends only, and each calendar
        // exists.
        for kind in ProcedureKind::ALL {
            for provider in kind.providers() {
                let calendar = provider_calendar(provider);
                assert_ne!(calendar, "WEEKENDS", "{provider} ({kind:?})");
                assert!(
                    crate::model::calendar::calendar_info(calendar).is_some(),
                    "{provider}: {calendar}"
                );
            }
        }
    }

    #[test]
    fn provider_time_zones() {
        // docs/legal.md §6.1: PROVIDER(WIPO=CH-GE, FORUM=US-FED, CAC=CZ, AFNIC=FR, NOMINET=GB-EAW,
        // CIIDRC=CA-BC): the seat's calendar gives its zone.
        let cases = [
            // §6.1 WIPO=CH-GE (Geneva); §1.2 "WIPO Geneva office hours 09:00–18:00 CET"
            ("WIPO", Some(("Europe/Zurich", "Geneva"))),
            // §6.1 FORUM=US-FED; §1.2 note: Forum applied "its own (US Central) time zone to days"
            ("Forum", Some(("America/Chicago", "Minneapolis"))),
            // Forum was the National Arbitration Forum (§1.1 "Forum (ex-NAF)")
            ("NAF", Some(("America/Chicago", "Minneapolis"))),
            // §6.1 CAC=CZ: the Czech Arbitration Court sits in Prague
            ("CAC", Some(("Europe/Prague", "Prague"))),
            // §6.1 AFNIC=FR (seat near Paris, Saint-Quentin-en-Yvelines)
            ("AFNIC", Some(("Europe/Paris", "Paris"))),
            // §6.1 NOMINET=GB-EAW (England; Nominet is in Oxford)
            ("Nominet", Some(("Europe/London", "Oxford"))),
            // §6.1 CIIDRC=CA-BC (British Columbia: Vancouver)
            ("CIIDRC", Some(("America/Vancouver", "Vancouver"))),
            // §2.2 CIRA CDRP provider; calendar CA (provider_calendar); Toronto not in the
            // reference: to verify
            ("Resolution Canada", Some(("America/Toronto", "Toronto"))),
            // case and spaces do not matter, as for the calendar
            ("  wipo ", Some(("Europe/Zurich", "Geneva"))),
            // §1.1: ADNDRC has offices in several cities (and zones): no single zone
            ("ADNDRC", None),
            // §1.4 URS provider with no seat in the reference
            ("MFSD", None),
            ("", None),
        ];
        for (provider, zone) in cases {
            assert_eq!(provider_time_zone(provider), zone, "{provider}");
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = crate::db::schema::procedures)]
pub struct Procedure {
    pub id: ProcedureId,
    pub matter_id: MatterId,
    pub kind: ProcedureKind,
    pub provider: String,
    pub case_number: String,
    /// ISO 3166-1 country or ISO 3166-2 subdivision code (`US`, `CA-ON`) of the registrar's
    /// principal office: its business days count for the lock and implementation periods (UDRP
    /// Policy 4(k)).
    pub registrar_country: Option<String>,
    pub status: ProcedureStatus,
    pub outcome: Option<Outcome>,
    pub rdnh_finding: bool,
    pub parties: String,
    pub panel: String,
    pub fees_minor: Option<i64>,
    pub currency: String,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A procedure's title from its kind, case number and provider (what the docket reads of it):
/// "UDRP D2012-1094 (WIPO)".
pub fn procedure_title(kind: ProcedureKind, case_number: &str, provider: &str) -> String {
    let mut title = kind.label().to_owned();
    if !case_number.is_empty() {
        title.push(' ');
        title.push_str(case_number);
    }
    if !provider.is_empty() {
        title.push_str(&format!(" ({provider})"));
    }
    title
}

impl Procedure {
    /// "UDRP D2012-1094 (WIPO)".
    pub fn title(&self) -> String {
        procedure_title(self.kind, &self.case_number, &self.provider)
    }

    /// The calendar the registrar's business days are counted on, and whether the location
    /// decides it (otherwise only weekends are skipped, or the region is unknown and the
    /// deadlines give a range; the page says so).
    pub fn registrar_calendar(&self) -> (&'static str, bool) {
        registrar_calendar(self.registrar_country.as_deref())
    }

    /// Every calendar the registrar's business days may be counted on (docs/legal.md §3.3).
    pub fn registrar_calendars(&self) -> CalendarChoice {
        registrar_calendars(self.registrar_country.as_deref())
    }
}

/// The registrar's calendar for an ISO 3166-1 or 3166-2 code: the first of
/// [`registrar_calendars`], and `true` only when the location decides one calendar.
pub fn registrar_calendar(location: Option<&str>) -> (&'static str, bool) {
    match registrar_calendars(location) {
        CalendarChoice::One(id) => (id, true),
        CalendarChoice::Range(ids) => (ids.first().copied().unwrap_or("WEEKENDS"), false),
        CalendarChoice::Weekends => ("WEEKENDS", false),
    }
}

/// The calendars for a registrar at this ISO 3166-1 or 3166-2 code (`FR`, `CA-ON`): one when
/// the location decides, the range of the country's calendars when its region is unknown,
/// weekends only when the code is missing, unreadable or reclaim has no calendar for it.
pub fn registrar_calendars(location: Option<&str>) -> CalendarChoice {
    let location = location.and_then(|code| parse_location(code).ok().flatten());
    calendars_for(location.as_ref())
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = crate::db::schema::procedure_domains)]
pub struct ProcedureDomain {
    pub procedure_id: ProcedureId,
    pub domain: String,
    pub unicode: String,
    pub backorder_id: Option<BackorderId>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = crate::db::schema::procedure_events)]
pub struct ProcedureEvent {
    pub id: ProcedureEventId,
    pub procedure_id: ProcedureId,
    pub kind: EventKind,
    pub occurred_on: NaiveDate,
    pub note: String,
    pub recorded_by: Option<UserId>,
    pub recorded_at: NaiveDateTime,
}

/// A deadline on the docket: computed by a rule, or entered by hand.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = crate::db::schema::deadlines)]
pub struct Deadline {
    pub id: DeadlineId,
    pub matter_id: MatterId,
    pub procedure_id: Option<ProcedureId>,
    pub rule: String,
    pub label: String,
    pub computed_on: Option<NaiveDate>,
    pub official_on: Option<NaiveDate>,
    pub calendar: String,
    pub basis: String,
    pub state: State,
    pub done_at: Option<NaiveDateTime>,
    pub done_by: Option<UserId>,
    pub assigned_to: Option<UserId>,
    pub overdue_alerted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Deadline {
    /// The date that counts: the official one when entered.
    pub fn due_on(&self) -> Option<NaiveDate> {
        self.official_on.or(self.computed_on)
    }

    pub fn is_manual(&self) -> bool {
        self.rule.starts_with(MANUAL_RULE)
    }

    /// Still to act on: running, not marked done.
    pub fn is_open(&self) -> bool {
        self.state == State::Pending && self.done_at.is_none()
    }

    /// `pending`, `met`, `cancelled` or `done`.
    pub fn status(&self) -> &'static str {
        if self.done_at.is_some() {
            "done"
        } else {
            self.state.as_str()
        }
    }

    /// The rule that computed it (none for a deadline entered by hand).
    pub fn rule_info(&self) -> Option<&'static rules::Rule> {
        rules::rule_info(&self.rule)
    }

    /// Who must act.
    pub fn party(&self) -> &'static str {
        self.rule_info().map_or("", |r| r.party)
    }

    /// Where the rule comes from.
    pub fn source(&self) -> &'static str {
        self.rule_info().map_or("", |r| r.source)
    }

    /// The reference marks the rule UNCONFIRMED: shown as "to verify".
    pub fn to_verify(&self) -> bool {
        self.rule_info().is_some_and(|r| r.to_verify)
    }

    /// Whether the provider's clock runs the period, so that its due day is a day in the
    /// provider's time zone. Not for a period counted on the registrar's business days (UDRP
    /// Policy 4(k)), nor for a task the firm entered by hand: the provider's zone does not say
    /// when those days end.
    pub fn on_provider_clock(&self) -> bool {
        !self.is_manual()
            && self
                .rule_info()
                .is_none_or(|r| r.clock == rules::Clock::Provider)
    }

    /// The rule id as shown: a hand-entered deadline has no rule.
    pub fn rule_label(&self) -> &str {
        if self.is_manual() {
            "entered by hand"
        } else {
            &self.rule
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = crate::db::schema::calendar_closures)]
pub struct Closure {
    pub id: ClosureId,
    pub calendar: String,
    pub day: NaiveDate,
    pub note: String,
    pub created_at: NaiveDateTime,
}

/// One line of the deadlines dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct DocketEntry {
    pub deadline: Deadline,
    pub matter_reference: String,
    pub matter_title: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub procedure: Option<String>,
    pub domains: Vec<String>,
    pub assignee_name: Option<String>,
}

/// The rule id of a deadline entered by hand.
pub const MANUAL_RULE: &str = "manual";
