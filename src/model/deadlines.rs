//! The deadline rules: from a procedure's events, every deadline it sets, with its rule id, the
//! calendar used and its basis in words. Pure. The rules and their sources are in
//! `docs/legal.md` §1, §2 and §6; a rule whose source the reference marks
//! UNCONFIRMED carries `to_verify`.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::calendar::{add_business_days, add_months, roll_forward};
use super::procedure::{EventKind, ProcedureKind};

/// A recorded event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub date: NaiveDate,
}

/// The calendars a procedure's counts use: the registrar's (its principal office's location,
/// UDRP Policy 4(k)), the provider's seat, and closure days the firm entered per calendar.
#[derive(Debug, Clone, Copy)]
pub struct Calendars<'a> {
    pub registrar: &'a str,
    /// When the registrar's region is unknown in a country with several calendars: every
    /// calendar that may apply (`model::calendar::CalendarChoice::Range`). Each deadline is then
    /// the earliest date they give, with the latest in `latest_on` (docs/legal.md §3.3). Empty
    /// when `registrar` alone applies.
    pub registrar_range: &'a [&'a str],
    pub provider: &'a str,
    /// (calendar id, day) pairs.
    pub closures: &'a [(String, NaiveDate)],
}

impl Calendars<'_> {
    fn closures_of(&self, calendar: &str) -> Vec<NaiveDate> {
        self.closures
            .iter()
            .filter(|(id, _)| id.eq_ignore_ascii_case(calendar))
            .map(|(_, d)| *d)
            .collect()
    }

    fn business_days(&self, calendar: &str, from: NaiveDate, n: u32) -> NaiveDate {
        add_business_days(calendar, from, n, &self.closures_of(calendar))
    }

    fn roll_forward(&self, calendar: &str, date: NaiveDate) -> NaiveDate {
        roll_forward(calendar, date, &self.closures_of(calendar))
    }
}

crate::text_enum! {
    /// Whether a deadline still runs.
    pub enum State ("deadline state") {
        /// Running.
        Pending => "pending",
        /// The event that answers it is recorded.
        Met => "met",
        /// It no longer applies (the complaint was withdrawn, the period was extended…).
        Cancelled => "cancelled",
    }
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Pending => "running",
            State::Met => "met",
            State::Cancelled => "no longer applies",
        }
    }
}

/// One computed deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// `UDRP.R5a`: the procedure and the paragraph of its rules.
    pub rule: &'static str,
    pub label: &'static str,
    /// The date that counts: the official date when one was entered, else the computed one.
    pub due_on: NaiveDate,
    /// What the rule gives: when the registrar's region is unknown, the earliest date the
    /// calendars that may apply give.
    pub computed_on: NaiveDate,
    /// When the registrar's region is unknown and the calendars that may apply give different
    /// dates: the latest of them (the range is `computed_on` to `latest_on`). `None` otherwise,
    /// and when an official date was entered.
    pub latest_on: Option<NaiveDate>,
    /// The date in the provider's notice, entered by the firm (docs/legal.md §6.1 `official`).
    pub official_on: Option<NaiveDate>,
    /// "calendar days", "business days (US-FED)", "months (CPC art. 641)"…
    pub calendar: String,
    /// The computation in words, with its inputs.
    pub basis: String,
    /// Who must act.
    pub party: &'static str,
    pub source: &'static str,
    /// The reference marks the rule UNCONFIRMED: show it as "to verify".
    pub to_verify: bool,
    pub state: State,
    /// The event that answers the deadline, if any.
    pub answered_by: Option<EventKind>,
}

/// A deadline rule: its id names the procedure and the paragraph (`UDRP.R5a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub label: &'static str,
    /// Who must act.
    pub party: &'static str,
    pub source: &'static str,
    /// The reference marks it UNCONFIRMED: shown as "to verify".
    pub to_verify: bool,
    /// The event that answers it.
    pub answered_by: Option<EventKind>,
    /// Whose clock runs the period.
    pub clock: Clock,
}

/// Whose clock runs a period, and so in which time zone its days end: the provider's seat for
/// the periods the provider counts (docs/legal.md §3.2), or the registrar's principal office
/// for those counted on the registrar's business days (UDRP Policy 4(k); docs/legal.md §6.2),
/// whose zone reclaim does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    Provider,
    Registrar,
}

/// Every rule reclaim computes, with who must act, its source and whether the reference marks
/// it UNCONFIRMED.
pub const RULES: &[Rule] = &[
    Rule {
        id: "UDRP.R19c",
        label: "Filing fee due (else the complaint is deemed withdrawn)",
        party: "Complainant",
        source: "UDRP Rules 19(b)-(c)",
        to_verify: true,
        answered_by: Some(E::FeePaid),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R4b",
        label: "Registrar locks the name and confirms the registration data",
        party: "Registrar",
        source: "UDRP Rules 4(b)",
        to_verify: false,
        answered_by: Some(E::LockConfirmed),
        clock: Clock::Registrar,
    },
    Rule {
        id: "UDRP.R4c",
        label: "Provider reviews the complaint and notifies the respondent",
        party: "Provider",
        source: "UDRP Rules 4(c)",
        to_verify: true,
        answered_by: Some(E::Commenced),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R4d",
        label: "Cure the deficiency (else the complaint is deemed withdrawn)",
        party: "Complainant",
        source: "UDRP Rules 4(d)",
        to_verify: true,
        answered_by: Some(E::DeficiencyCured),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R5a",
        label: "Response due",
        party: "Respondent",
        source: "UDRP Rules 5(a)",
        to_verify: false,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R5b",
        label: "Response due (automatic 4-day extension)",
        party: "Respondent",
        source: "UDRP Rules 5(b)",
        to_verify: false,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R6b",
        label: "Panel appointed",
        party: "Provider",
        source: "UDRP Rules 6(b)",
        to_verify: false,
        answered_by: Some(E::PanelAppointed),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R15b",
        label: "Panel's decision due (absent exceptional circumstances)",
        party: "Panel",
        source: "UDRP Rules 15(b)",
        to_verify: false,
        answered_by: Some(E::DecisionReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R16a",
        label: "Decision communicated to the parties and the registrar",
        party: "Provider",
        source: "UDRP Rules 16(a)",
        to_verify: false,
        answered_by: Some(E::DecisionNotified),
        clock: Clock::Provider,
    },
    Rule {
        id: "UDRP.R16a-registrar",
        label: "Registrar communicates the implementation date",
        party: "Registrar",
        source: "UDRP Rules 16(a), as amended 2015",
        to_verify: false,
        answered_by: Some(E::Implemented),
        clock: Clock::Registrar,
    },
    Rule {
        id: "UDRP.P4k",
        label: "Last day for the respondent to file a court action; the registrar implements after it",
        party: "Respondent / Registrar",
        source: "UDRP Policy 4(k)",
        to_verify: false,
        answered_by: Some(E::Implemented),
        clock: Clock::Registrar,
    },
    Rule {
        id: "UDRP.R4e",
        label: "Registrar removes the lock after the withdrawal",
        party: "Registrar",
        source: "UDRP Rules 4(e)",
        to_verify: false,
        answered_by: None,
        clock: Clock::Registrar,
    },
    Rule {
        id: "URS.3.1",
        label: "Provider's administrative review of the complaint",
        party: "Provider",
        source: "URS Procedure 3 (review in 2 business days)",
        to_verify: false,
        answered_by: Some(E::Commenced),
        clock: Clock::Provider,
    },
    Rule {
        id: "URS.4.1",
        label: "Registry locks the name (within 24 hours)",
        party: "Registry",
        source: "URS Procedure 4.1",
        to_verify: false,
        answered_by: Some(E::LockConfirmed),
        clock: Clock::Provider,
    },
    Rule {
        id: "URS.5.3",
        label: "Response due (extended, at most 21 days in all)",
        party: "Respondent",
        source: "URS Procedure 5.3",
        to_verify: true,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "URS.5.1",
        label: "Response due",
        party: "Respondent",
        source: "URS Procedure 5.1",
        to_verify: false,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "URS.9.6",
        label: "Examiner's determination (target)",
        party: "Examiner",
        source: "URS Procedure 9.6",
        to_verify: true,
        answered_by: Some(E::DecisionReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "URS.12.4",
        label: "Appeal of the determination due",
        party: "Losing party",
        source: "URS Procedure 12.4",
        to_verify: false,
        answered_by: None,
        clock: Clock::Provider,
    },
    Rule {
        id: "NOMINET.DRS5",
        label: "Response due",
        party: "Respondent",
        source: "Nominet DRS Policy (15 working days)",
        to_verify: true,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "NOMINET.DRS6",
        label: "Complainant's reply to the response",
        party: "Complainant",
        source: "Nominet DRS Policy (5 working days)",
        to_verify: false,
        answered_by: None,
        clock: Clock::Provider,
    },
    Rule {
        id: "NOMINET.DRS20",
        label: "Appeal (or notice of intention to appeal) due",
        party: "Losing party",
        source: "Nominet DRS Policy, appeals (10 working days)",
        to_verify: false,
        answered_by: None,
        clock: Clock::Provider,
    },
    Rule {
        id: "CIRA.R5.1",
        label: "Response due",
        party: "Registrant",
        source: "CIRA Domain Name Dispute Resolution Rules 5.1 (20 days)",
        to_verify: false,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "CIRA.P4.3",
        label: "CIRA implements the decision unless a court action is filed",
        party: "Registrant",
        source: "CIRA CDRP Policy (30 days since 2011)",
        to_verify: false,
        answered_by: Some(E::Implemented),
        clock: Clock::Provider,
    },
    Rule {
        id: "EUADR.B3",
        label: "Response due",
        party: "Respondent",
        source: ".eu ADR Rules B3 (30 working days)",
        to_verify: true,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "EUADR.B14",
        label: "EURid implements the decision unless a court action is filed",
        party: "Losing party",
        source: ".eu ADR Rules B14 (30 days)",
        to_verify: true,
        answered_by: Some(E::Implemented),
        clock: Clock::Provider,
    },
    Rule {
        id: "SYRELI.response",
        label: "Holder's response due",
        party: "Holder",
        source: "AFNIC Règlement intérieur, SYRELI (21 days)",
        to_verify: true,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "PARL_EXPERT.response",
        label: "Holder's response due",
        party: "Holder",
        source: "AFNIC/WIPO PARL EXPERT rules",
        to_verify: true,
        answered_by: Some(E::ResponseReceived),
        clock: Clock::Provider,
    },
    Rule {
        id: "SYRELI.L45-6",
        label: "Decision due",
        party: "AFNIC (Syreli College)",
        source: "CPCE art. L.45-6",
        to_verify: false,
        answered_by: Some(E::DecisionNotified),
        clock: Clock::Provider,
    },
    Rule {
        id: "PARL_EXPERT.L45-6",
        label: "Decision due",
        party: "WIPO expert",
        source: "CPCE art. L.45-6",
        to_verify: true,
        answered_by: Some(E::DecisionNotified),
        clock: Clock::Provider,
    },
    Rule {
        id: "SYRELI.execution",
        label: "A court action within this period suspends the decision's execution",
        party: "Losing party",
        source: "AFNIC Règlement intérieur (15 days)",
        to_verify: true,
        answered_by: Some(E::Implemented),
        clock: Clock::Provider,
    },
    Rule {
        id: "PARL_EXPERT.execution",
        label: "A court action within this period suspends the decision's execution",
        party: "Losing party",
        source: "AFNIC Règlement intérieur (15 days)",
        to_verify: true,
        answered_by: Some(E::Implemented),
        clock: Clock::Provider,
    },
];

/// The rule with this id.
pub fn rule_info(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A rule by a literal id from this file (never user input); the tests run every kind with
/// every event, so a missing id fails them.
fn rule(id: &str) -> &'static Rule {
    match rule_info(id) {
        Some(rule) => rule,
        None => unreachable!("deadline rule {id} is not in RULES"),
    }
}

fn latest(events: &[Event], kind: EventKind) -> Option<NaiveDate> {
    events
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.date)
        .max()
}

use crate::model::present::day;

struct Builder<'a> {
    events: &'a [Event],
    calendars: Calendars<'a>,
    official: &'a [(String, NaiveDate)],
    out: Vec<Deadline>,
}

impl Builder<'_> {
    fn has(&self, kind: EventKind) -> bool {
        self.events.iter().any(|e| e.kind == kind)
    }

    fn push(&mut self, rule: &'static Rule, due_on: NaiveDate, calendar: String, basis: String) {
        let state = match rule.answered_by {
            Some(kind) if self.has(kind) => State::Met,
            _ => State::Pending,
        };
        let official_on = self
            .official
            .iter()
            .find(|(id, _)| id == rule.id)
            .map(|(_, d)| *d);
        self.out.push(Deadline {
            rule: rule.id,
            label: rule.label,
            due_on: official_on.unwrap_or(due_on),
            computed_on: due_on,
            latest_on: None,
            official_on,
            calendar,
            basis,
            party: rule.party,
            source: rule.source,
            to_verify: rule.to_verify,
            state,
            answered_by: rule.answered_by,
        });
    }

    /// `n` calendar days after the event.
    fn calendar_days(&mut self, rule: &'static Rule, from: (EventKind, NaiveDate), n: i64) {
        let due = from.1 + Duration::days(n);
        let basis = format!(
            "{n} calendar days after {} ({})",
            from.0.label().to_lowercase(),
            day(from.1)
        );
        self.push(rule, due, "calendar days".to_owned(), basis);
    }

    /// The `n`-th business day after the event in `calendar`.
    fn business_days(
        &mut self,
        rule: &'static Rule,
        from: (EventKind, NaiveDate),
        n: u32,
        calendar: &str,
        whose: &str,
    ) {
        let due = self.calendars.business_days(calendar, from.1, n);
        let basis = format!(
            "{n} business day{} after {} ({}), counted on {whose} calendar ({calendar}: weekends and public holidays skipped)",
            if n == 1 { "" } else { "s" },
            from.0.label().to_lowercase(),
            day(from.1)
        );
        self.push(rule, due, format!("business days ({calendar})"), basis);
    }

    /// Calendar days in French law: the day of the event is not counted; a period ending on a
    /// Saturday, Sunday or holiday runs to the next working day (CPC art. 641 and 642).
    fn french_days(&mut self, rule: &'static Rule, from: (EventKind, NaiveDate), n: i64) {
        let plain = from.1 + Duration::days(n);
        let due = self.calendars.roll_forward("FR", plain);
        let rolled = if due == plain {
            String::new()
        } else {
            format!(", moved from {} to the next working day", day(plain))
        };
        let basis = format!(
            "{n} days after {} ({}){rolled} (CPC art. 641 and 642)",
            from.0.label().to_lowercase(),
            day(from.1)
        );
        self.push(
            rule,
            due,
            "calendar days, rolled to a working day (FR)".to_owned(),
            basis,
        );
    }

    /// Months in French law: the same day-number, or the month's last day (CPC art. 641); a
    /// period ending on a Saturday, Sunday or holiday runs to the next working day (CPC art.
    /// 642: "tout délai", months as well as days). AFNIC's rules fix no other way of counting
    /// the two months of CPCE L.45-6, and reclaim counts the SYRELI days periods on art. 641
    /// and 642 already, so the months follow the same rule (docs/legal.md §3.3).
    fn months(&mut self, rule: &'static Rule, from: (EventKind, NaiveDate), n: u32) {
        let plain = add_months(from.1, n);
        let due = self.calendars.roll_forward("FR", plain);
        let rolled = if due == plain {
            String::new()
        } else {
            format!(", moved from {} to the next working day", day(plain))
        };
        let basis = format!(
            "{n} months after {} ({}){rolled} (CPC art. 641 and 642)",
            from.0.label().to_lowercase(),
            day(from.1)
        );
        self.push(
            rule,
            due,
            "months, rolled to a working day (CPC art. 641-642)".to_owned(),
            basis,
        );
    }

    /// The date that counts for `rule` once pushed: later rules count from it, so an official
    /// date replaces the computed one everywhere downstream (docs/legal.md §6.1).
    fn due_of(&self, rule: &str) -> Option<NaiveDate> {
        self.out.iter().find(|d| d.rule == rule).map(|d| d.due_on)
    }

    /// Everything still running stops applying once `kind` is recorded.
    fn cancel_pending_after(&mut self, kind: EventKind, keep: &[&str]) {
        if self.has(kind) {
            for d in &mut self.out {
                if d.state == State::Pending && !keep.contains(&d.rule) {
                    d.state = State::Cancelled;
                }
            }
        }
    }
}

use EventKind as E;

/// Where a deadline sits on the docket, seen from `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    Today,
    /// Within the next seven days.
    ThisWeek,
    Later,
}

impl Urgency {
    pub const ALL: [Urgency; 4] = [
        Urgency::Overdue,
        Urgency::Today,
        Urgency::ThisWeek,
        Urgency::Later,
    ];

    pub fn of(due_on: NaiveDate, today: NaiveDate) -> Self {
        if due_on < today {
            Urgency::Overdue
        } else if due_on == today {
            Urgency::Today
        } else if due_on <= today + Duration::days(7) {
            Urgency::ThisWeek
        } else {
            Urgency::Later
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::Today => "today",
            Urgency::ThisWeek => "this_week",
            Urgency::Later => "later",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "Overdue",
            Urgency::Today => "Due today",
            Urgency::ThisWeek => "Next 7 days",
            Urgency::Later => "Later",
        }
    }
}

/// Every deadline the events of a procedure of `kind` set. `official` holds (rule id, date)
/// pairs entered from the provider's notices; each replaces the computed date of its rule and
/// of every count that starts from it.
///
/// When `calendars.registrar_range` holds several calendars (the registrar's region is unknown),
/// the schedule is computed on each; every deadline is the one with the earliest date, with the
/// latest in `latest_on` and the range stated in its basis, never one silently chosen date.
pub fn compute(
    kind: ProcedureKind,
    events: &[Event],
    calendars: Calendars<'_>,
    official: &[(String, NaiveDate)],
) -> Vec<Deadline> {
    if calendars.registrar_range.len() < 2 {
        return compute_on(kind, events, calendars, official);
    }
    let runs: Vec<(&str, Vec<Deadline>)> = calendars
        .registrar_range
        .iter()
        .map(|id| {
            let one = Calendars {
                registrar: id,
                registrar_range: &[],
                ..calendars
            };
            (*id, compute_on(kind, events, one, official))
        })
        .collect();
    let Some((_, first)) = runs.first() else {
        return Vec::new();
    };
    let names = calendars.registrar_range.join(", ");
    let mut out = Vec::with_capacity(first.len());
    for deadline in first {
        let versions: Vec<(&str, &Deadline)> = runs
            .iter()
            .filter_map(|(id, run)| {
                run.iter()
                    .find(|d| d.rule == deadline.rule)
                    .map(|d| (*id, d))
            })
            .collect();
        let Some(&(_, earliest)) = versions.iter().min_by_key(|(_, d)| d.computed_on) else {
            continue;
        };
        let Some(&(latest_id, latest)) = versions.iter().max_by_key(|(_, d)| d.computed_on) else {
            continue;
        };
        let mut merged = earliest.clone();
        let on_registrar = rule_info(merged.rule).is_some_and(|r| r.clock == Clock::Registrar);
        if latest.computed_on > earliest.computed_on {
            if merged.official_on.is_none() {
                merged.latest_on = Some(latest.computed_on);
            }
            merged.basis = format!(
                "{} The registrar's region is not known: on the calendars that may apply ({names}) this date falls between {} and {} ({latest_id}); the earliest is shown.",
                merged.basis,
                day(earliest.computed_on),
                day(latest.computed_on),
            );
        } else if on_registrar {
            merged.basis = format!(
                "{} The registrar's region is not known: every calendar that may apply ({names}) gives this date.",
                merged.basis
            );
        }
        if on_registrar {
            merged.calendar = format!("business days (region unknown: {names})");
        }
        out.push(merged);
    }
    out.sort_by_key(|d| d.due_on);
    out
}

/// The schedule on one registrar calendar.
fn compute_on(
    kind: ProcedureKind,
    events: &[Event],
    calendars: Calendars<'_>,
    official: &[(String, NaiveDate)],
) -> Vec<Deadline> {
    let mut b = Builder {
        events,
        calendars,
        official,
        out: Vec::new(),
    };
    let at = |k: EventKind| latest(events, k).map(|d| (k, d));
    match kind {
        ProcedureKind::Udrp => udrp(&mut b, &at),
        ProcedureKind::Urs => urs(&mut b, &at),
        ProcedureKind::Syreli | ProcedureKind::ParlExpert => afnic(&mut b, &at, kind),
        ProcedureKind::NominetDrs => nominet(&mut b, &at),
        ProcedureKind::CiraCdrp => cira(&mut b, &at),
        ProcedureKind::EuAdr => eu_adr(&mut b, &at),
    }
    b.out.sort_by_key(|d| d.due_on);
    b.out
}

type At<'a> = dyn Fn(EventKind) -> Option<(EventKind, NaiveDate)> + 'a;

/// UDRP (docs/legal.md §1.2 and §6.2; Rules for UDRP, 2015 numbering).
fn udrp(b: &mut Builder<'_>, at: &At<'_>) {
    let registrar = b.calendars.registrar.to_owned();
    if let Some(filed) = at(E::ComplaintFiled) {
        b.calendar_days(rule("UDRP.R19c"), filed, 10);
    }
    if let Some(requested) = at(E::VerificationRequested) {
        b.business_days(
            rule("UDRP.R4b"),
            requested,
            2,
            &registrar,
            "the registrar's",
        );
    }
    if let Some(paid) = at(E::FeePaid) {
        b.calendar_days(rule("UDRP.R4c"), paid, 3);
    }
    if let Some(deficiency) = at(E::DeficiencyNotified) {
        b.calendar_days(rule("UDRP.R4d"), deficiency, 5);
    }
    let mut response_due = None;
    if let Some(commenced) = at(E::Commenced) {
        b.calendar_days(rule("UDRP.R5a"), commenced, 20);
        response_due = b.due_of("UDRP.R5a");
        if b.has(E::ResponseExtended) {
            // Rules 5(b): the automatic four-day extension replaces the first due date.
            if let Some(first) = b.out.iter_mut().find(|d| d.rule == "UDRP.R5a")
                && first.state == State::Pending
            {
                first.state = State::Cancelled;
            }
            let first = b
                .due_of("UDRP.R5a")
                .unwrap_or(commenced.1 + Duration::days(20));
            b.calendar_days(rule("UDRP.R5b"), (E::ResponseExtended, first), 4);
            if let Some(last) = b.out.last_mut() {
                last.basis = format!(
                    "4 calendar days after the first response due date ({}), on the respondent's request",
                    day(first)
                );
            }
            response_due = b.due_of("UDRP.R5b");
        }
    }
    // Rules 6(b): the panel within five days of the response, or of the end of the response
    // period if none came.
    match (at(E::ResponseReceived), response_due) {
        (Some(received), _) => b.calendar_days(rule("UDRP.R6b"), received, 5),
        (None, Some(due)) => {
            b.calendar_days(rule("UDRP.R6b"), (E::Commenced, due), 5);
            if let Some(last) = b.out.last_mut() {
                last.basis = format!(
                    "5 calendar days after the response period ends ({}) without a response",
                    day(due)
                );
            }
        }
        (None, None) => {}
    }
    if let Some(appointed) = at(E::PanelAppointed) {
        b.calendar_days(rule("UDRP.R15b"), appointed, 14);
    }
    if let Some(received) = at(E::DecisionReceived) {
        b.calendar_days(rule("UDRP.R16a"), received, 3);
    }
    if let Some(notified) = at(E::DecisionNotified) {
        b.business_days(
            rule("UDRP.R16a-registrar"),
            notified,
            3,
            &registrar,
            "the registrar's",
        );
        b.business_days(
            rule("UDRP.P4k"),
            notified,
            10,
            &registrar,
            "the registrar's principal office",
        );
    }
    if let Some(withdrawn) = at(E::Withdrawn) {
        b.cancel_pending_after(E::Withdrawn, &[]);
        b.business_days(
            rule("UDRP.R4e"),
            withdrawn,
            1,
            &registrar,
            "the registrar's",
        );
    }
    if b.has(E::CourtActionFiled) {
        // Policy 4(k): a court action filed in time suspends the implementation.
        for d in &mut b.out {
            if matches!(d.rule, "UDRP.P4k" | "UDRP.R16a-registrar") && d.state == State::Pending {
                d.state = State::Cancelled;
            }
        }
    }
}

/// URS (docs/legal.md §1.4 and §6.3).
fn urs(b: &mut Builder<'_>, at: &At<'_>) {
    let provider = b.calendars.provider.to_owned();
    if let Some(filed) = at(E::ComplaintFiled) {
        b.business_days(rule("URS.3.1"), filed, 2, &provider, "the provider's");
    }
    if let Some(notice) = at(E::VerificationRequested) {
        b.calendar_days(rule("URS.4.1"), notice, 1);
    }
    if let Some(commenced) = at(E::Commenced) {
        let (days, response) = if b.has(E::ResponseExtended) {
            (21, rule("URS.5.3"))
        } else {
            (14, rule("URS.5.1"))
        };
        let rule_id = response.id;
        b.calendar_days(response, commenced, days);
        let period_end = at(E::ResponseReceived)
            .or_else(|| b.due_of(rule_id).map(|d| (E::Commenced, d)))
            .unwrap_or((E::Commenced, commenced.1 + Duration::days(days)));
        b.business_days(rule("URS.9.6"), period_end, 3, &provider, "the provider's");
    }
    if let Some(notified) = at(E::DecisionNotified) {
        b.calendar_days(rule("URS.12.4"), notified, 14);
    }
    b.cancel_pending_after(E::Withdrawn, &[]);
}

/// SYRELI and PARL EXPERT at AFNIC (docs/legal.md §2.1 and §6.4).
fn afnic(b: &mut Builder<'_>, at: &At<'_>, kind: ProcedureKind) {
    let syreli = kind == ProcedureKind::Syreli;
    if let Some(opened) = at(E::Commenced) {
        b.french_days(
            rule(if syreli {
                "SYRELI.response"
            } else {
                "PARL_EXPERT.response"
            }),
            opened,
            21,
        );
    }
    // CPCE L.45-6: the decision within two months of receiving the (complete) claim.
    let complete = at(E::DeficiencyCured).or_else(|| at(E::ComplaintFiled));
    if let Some(complete) = complete {
        b.months(
            rule(if syreli {
                "SYRELI.L45-6"
            } else {
                "PARL_EXPERT.L45-6"
            }),
            complete,
            2,
        );
    }
    if let Some(decided) = at(E::DecisionNotified) {
        b.french_days(
            rule(if syreli {
                "SYRELI.execution"
            } else {
                "PARL_EXPERT.execution"
            }),
            decided,
            15,
        );
    }
    b.cancel_pending_after(E::Withdrawn, &[]);
}

/// Nominet DRS (docs/legal.md §2.2 and §6.5).
fn nominet(b: &mut Builder<'_>, at: &At<'_>) {
    if let Some(commenced) = at(E::Commenced) {
        b.business_days(rule("NOMINET.DRS5"), commenced, 15, "GB-EAW", "Nominet's");
    }
    if let Some(response) = at(E::ResponseReceived) {
        b.business_days(rule("NOMINET.DRS6"), response, 5, "GB-EAW", "Nominet's");
    }
    if let Some(decided) = at(E::DecisionNotified) {
        b.business_days(rule("NOMINET.DRS20"), decided, 10, "GB-EAW", "Nominet's");
    }
    b.cancel_pending_after(E::Withdrawn, &[]);
}

/// CIRA CDRP (docs/legal.md §2.2 and §6.5).
fn cira(b: &mut Builder<'_>, at: &At<'_>) {
    if let Some(commenced) = at(E::Commenced) {
        b.calendar_days(rule("CIRA.R5.1"), commenced, 20);
    }
    if let Some(decided) = at(E::DecisionNotified) {
        b.calendar_days(rule("CIRA.P4.3"), decided, 30);
    }
    b.cancel_pending_after(E::Withdrawn, &[]);
}

/// .eu ADR at the Czech Arbitration Court (docs/legal.md §2.2 and §6.5).
fn eu_adr(b: &mut Builder<'_>, at: &At<'_>) {
    if let Some(commenced) = at(E::Commenced) {
        b.business_days(rule("EUADR.B3"), commenced, 30, "CZ", "the Court's");
    }
    if let Some(decided) = at(E::DecisionNotified) {
        b.calendar_days(rule("EUADR.B14"), decided, 30);
    }
    b.cancel_pending_after(E::Withdrawn, &[]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn run(kind: ProcedureKind, events: &[(EventKind, &str)], registrar: &str) -> Vec<Deadline> {
        let events: Vec<Event> = events
            .iter()
            .map(|(k, t)| Event {
                kind: *k,
                date: d(t),
            })
            .collect();
        // The provider's seat: the kind's first provider (WIPO, Forum for URS, AFNIC…).
        let provider = crate::model::procedure::provider_calendar(kind.providers()[0]);
        compute(
            kind,
            &events,
            Calendars {
                registrar,
                registrar_range: &[],
                provider,
                closures: &[],
            },
            &[],
        )
    }

    fn due(deadlines: &[Deadline], rule: &str) -> NaiveDate {
        deadlines
            .iter()
            .find(|x| x.rule == rule)
            .unwrap_or_else(|| panic!("{rule} in {deadlines:?}"))
            .due_on
    }

    fn state(deadlines: &[Deadline], rule: &str) -> State {
        deadlines
            .iter()
            .find(|x| x.rule == rule)
            .unwrap_or_else(|| panic!("{rule}"))
            .state
    }

    #[test]
    fn udrp_rules_table() {
        // (rule, events, registrar calendar, expected due date, why) — docs/legal.md §6.2
        let cases: &[(&str, &[(EventKind, &str)], &str, &str)] = &[
            // Rules 19(c): fee 10 calendar days after filing, across a month end
            (
                "UDRP.R19c",
                &[(E::ComplaintFiled, "2026-11-25")],
                "US-FED",
                "2026-12-05",
            ),
            // Rules 4(b): 2 business days; Thu 26 Nov 2026 is Thanksgiving (5 U.S.C. 6103)
            (
                "UDRP.R4b",
                &[(E::VerificationRequested, "2026-11-25")],
                "US-FED",
                "2026-11-30",
            ),
            // the same request at a German registrar: Thu 26, Fri 27 Nov
            (
                "UDRP.R4b",
                &[(E::VerificationRequested, "2026-11-25")],
                "DE",
                "2026-11-27",
            ),
            // over a weekend: Fri → Tue
            (
                "UDRP.R4b",
                &[(E::VerificationRequested, "2026-12-04")],
                "FR",
                "2026-12-08",
            ),
            // Rules 4(c): 3 calendar days after the fee
            (
                "UDRP.R4c",
                &[(E::FeePaid, "2026-12-30")],
                "FR",
                "2027-01-02",
            ),
            // Rules 4(d): 5 calendar days to cure
            (
                "UDRP.R4d",
                &[(E::DeficiencyNotified, "2026-02-26")],
                "FR",
                "2026-03-03",
            ),
            // Rules 5(a): 20 calendar days from commencement, across the year end
            (
                "UDRP.R5a",
                &[(E::Commenced, "2026-12-15")],
                "FR",
                "2027-01-04",
            ),
            // Rules 5(b): +4 calendar days on the original due date
            (
                "UDRP.R5b",
                &[
                    (E::Commenced, "2026-12-15"),
                    (E::ResponseExtended, "2026-12-20"),
                ],
                "FR",
                "2027-01-08",
            ),
            // Rules 6(b): 5 days after the response
            (
                "UDRP.R6b",
                &[
                    (E::Commenced, "2026-11-02"),
                    (E::ResponseReceived, "2026-11-20"),
                ],
                "FR",
                "2026-11-25",
            ),
            // Rules 6(b): no response: 5 days after the period ends (22 Nov)
            (
                "UDRP.R6b",
                &[(E::Commenced, "2026-11-02")],
                "FR",
                "2026-11-27",
            ),
            // Rules 15(b): 14 days after the panel's appointment
            (
                "UDRP.R15b",
                &[(E::PanelAppointed, "2026-12-20")],
                "FR",
                "2027-01-03",
            ),
            // Rules 16(a): 3 calendar days to communicate
            (
                "UDRP.R16a",
                &[(E::DecisionReceived, "2026-12-30")],
                "FR",
                "2027-01-02",
            ),
            // Rules 16(a) as amended: 3 business days at the registrar (US): Thu 24 Dec → Fri 25
            // is Christmas → Mon 28, Tue 29, Wed 30
            (
                "UDRP.R16a-registrar",
                &[(E::DecisionNotified, "2026-12-24")],
                "US-FED",
                "2026-12-30",
            ),
            // Policy 4(k): 10 business days at the registrar's principal office; US: 25 Dec and
            // 1 Jan are holidays: 28, 29, 30, 31 Dec, 4, 5, 6, 7, 8, 11 Jan
            (
                "UDRP.P4k",
                &[(E::DecisionNotified, "2026-12-24")],
                "US-FED",
                "2027-01-11",
            ),
            // the same in Geneva: 25, 31 Dec and 1 Jan closed: 28, 29, 30 Dec, 4, 5, 6, 7, 8, 11, 12 Jan
            (
                "UDRP.P4k",
                &[(E::DecisionNotified, "2026-12-24")],
                "CH-GE",
                "2027-01-12",
            ),
            // Rules 4(e): unlock 1 business day after a withdrawal on a Friday
            (
                "UDRP.R4e",
                &[(E::Commenced, "2026-11-02"), (E::Withdrawn, "2026-11-06")],
                "GB-EAW",
                "2026-11-09",
            ),
        ];
        for (rule, events, registrar, expected) in cases {
            let deadlines = run(ProcedureKind::Udrp, events, registrar);
            assert_eq!(
                due(&deadlines, rule),
                d(expected),
                "{rule} {events:?} at {registrar}"
            );
        }
    }

    #[test]
    fn udrp_states_follow_the_events() {
        let all = run(
            ProcedureKind::Udrp,
            &[
                (E::Commenced, "2026-11-02"),
                (E::ResponseExtended, "2026-11-20"),
                (E::ResponseReceived, "2026-11-25"),
            ],
            "FR",
        );
        assert_eq!(
            state(&all, "UDRP.R5a"),
            State::Met,
            "answered before it was replaced"
        );
        assert_eq!(state(&all, "UDRP.R5b"), State::Met);
        assert_eq!(state(&all, "UDRP.R6b"), State::Pending);
        let extended = run(
            ProcedureKind::Udrp,
            &[
                (E::Commenced, "2026-11-02"),
                (E::ResponseExtended, "2026-11-20"),
            ],
            "FR",
        );
        assert_eq!(
            state(&extended, "UDRP.R5a"),
            State::Cancelled,
            "the extension replaces it"
        );
        let withdrawn = run(
            ProcedureKind::Udrp,
            &[(E::Commenced, "2026-11-02"), (E::Withdrawn, "2026-11-06")],
            "FR",
        );
        assert_eq!(state(&withdrawn, "UDRP.R5a"), State::Cancelled);
        assert_eq!(state(&withdrawn, "UDRP.R4e"), State::Pending);
        let sued = run(
            ProcedureKind::Udrp,
            &[
                (E::DecisionNotified, "2026-11-02"),
                (E::CourtActionFiled, "2026-11-10"),
            ],
            "FR",
        );
        assert_eq!(
            state(&sued, "UDRP.P4k"),
            State::Cancelled,
            "Policy 4(k): a court action suspends the implementation"
        );
        let unconfirmed = run(
            ProcedureKind::Udrp,
            &[(E::ComplaintFiled, "2026-11-02")],
            "FR",
        );
        assert!(
            unconfirmed[0].to_verify,
            "docs/legal.md §1.2 U1: numbering UNCONFIRMED"
        );
        assert!(!run(ProcedureKind::Udrp, &[(E::Commenced, "2026-11-02")], "FR")[0].to_verify);
    }

    #[test]
    fn afnic_rules_table() {
        // docs/legal.md §6.4, with CPC art. 641/642 for French periods.
        let cases: &[(&str, ProcedureKind, &[(EventKind, &str)], &str)] = &[
            // 21 days from the opening: 26 Aug 2021 → 16 Sep 2021, a Thursday (worked example F13)
            (
                "SYRELI.response",
                ProcedureKind::Syreli,
                &[(E::Commenced, "2021-08-26")],
                "2021-09-16",
            ),
            // ending on Sat 19 Dec 2026 → Mon 21 Dec (CPC 642)
            (
                "SYRELI.response",
                ProcedureKind::Syreli,
                &[(E::Commenced, "2026-11-28")],
                "2026-12-21",
            ),
            // ending on 11 Nov 2026 (Armistice, a Wednesday) → 12 Nov
            (
                "SYRELI.response",
                ProcedureKind::Syreli,
                &[(E::Commenced, "2026-10-21")],
                "2026-11-12",
            ),
            // CPCE L.45-6: two months from the complete claim; 31 Dec → 28 Feb (CPC 641), a
            // Sunday → Mon 1 Mar 2027 (CPC 642, "tout délai")
            (
                "SYRELI.L45-6",
                ProcedureKind::Syreli,
                &[(E::ComplaintFiled, "2026-12-31")],
                "2027-03-01",
            ),
            // 6 Mar 2027 + 2 months = Thu 6 May 2027, Ascension → Fri 7 May (CPC 641 and 642)
            (
                "SYRELI.L45-6",
                ProcedureKind::Syreli,
                &[(E::ComplaintFiled, "2027-03-06")],
                "2027-05-07",
            ),
            // 2 Mar 2027 + 2 months = Sun 2 May 2027 → Mon 3 May
            (
                "SYRELI.L45-6",
                ProcedureKind::Syreli,
                &[(E::ComplaintFiled, "2027-03-02")],
                "2027-05-03",
            ),
            // the claim completed when the deficiency was cured
            (
                "SYRELI.L45-6",
                ProcedureKind::Syreli,
                &[
                    (E::ComplaintFiled, "2026-10-01"),
                    (E::DeficiencyCured, "2026-10-15"),
                ],
                "2026-12-15",
            ),
            // 15 days after the decision: 10 Dec 2026 → 25 Dec, Christmas (a Friday) → Mon 28 Dec
            (
                "SYRELI.execution",
                ProcedureKind::Syreli,
                &[(E::DecisionNotified, "2026-12-10")],
                "2026-12-28",
            ),
            (
                "PARL_EXPERT.response",
                ProcedureKind::ParlExpert,
                &[(E::Commenced, "2026-11-02")],
                "2026-11-23",
            ),
        ];
        for (rule, kind, events, expected) in cases {
            let deadlines = run(*kind, events, "FR");
            assert_eq!(due(&deadlines, rule), d(expected), "{rule} {events:?}");
        }
        let s = run(ProcedureKind::Syreli, &[(E::Commenced, "2026-11-28")], "FR");
        assert!(
            s[0].basis
                .contains("moved from 19 Dec 2026 to the next working day"),
            "{}",
            s[0].basis
        );
        assert!(
            s[0].to_verify,
            "docs/legal.md §2.1 F7: the unit is UNCONFIRMED"
        );
    }

    #[test]
    fn other_procedures_table() {
        let cases: &[(&str, ProcedureKind, &[(EventKind, &str)], &str)] = &[
            // URS 5.1: 14 calendar days
            (
                "URS.5.1",
                ProcedureKind::Urs,
                &[(E::Commenced, "2026-12-24")],
                "2027-01-07",
            ),
            // URS 4.1: lock within 24 hours
            (
                "URS.4.1",
                ProcedureKind::Urs,
                &[(E::VerificationRequested, "2026-12-31")],
                "2027-01-01",
            ),
            // URS 12.4: appeal within 14 days
            (
                "URS.12.4",
                ProcedureKind::Urs,
                &[(E::DecisionNotified, "2026-11-20")],
                "2026-12-04",
            ),
            // Nominet: reply 5 working days (England and Wales): Thu 24 Dec → 29 Dec, 30 Dec,
            // 31 Dec, 4 Jan (1 Jan a holiday), 5 Jan
            (
                "NOMINET.DRS6",
                ProcedureKind::NominetDrs,
                &[(E::ResponseReceived, "2026-12-24")],
                "2027-01-05",
            ),
            // Nominet: appeal 10 working days
            (
                "NOMINET.DRS20",
                ProcedureKind::NominetDrs,
                &[(E::DecisionNotified, "2026-11-02")],
                "2026-11-16",
            ),
            // CIRA: 20 calendar days
            (
                "CIRA.R5.1",
                ProcedureKind::CiraCdrp,
                &[(E::Commenced, "2026-02-15")],
                "2026-03-07",
            ),
            // .eu ADR: 30 working days at the Czech Arbitration Court; 17 Nov and 24-26 Dec are
            // Czech holidays
            (
                "EUADR.B3",
                ProcedureKind::EuAdr,
                &[(E::Commenced, "2026-11-02")],
                "2026-12-15",
            ),
            // .eu ADR B14: EURid implements 30 days after the decision
            (
                "EUADR.B14",
                ProcedureKind::EuAdr,
                &[(E::DecisionNotified, "2026-12-10")],
                "2027-01-09",
            ),
            // URS Procedure 3: administrative review in 2 business days of the provider (Forum,
            // US federal holidays): Wed 25 Nov 2026 → Fri 27 (Thanksgiving 26th), Mon 30
            (
                "URS.3.1",
                ProcedureKind::Urs,
                &[(E::ComplaintFiled, "2026-11-25")],
                "2026-11-30",
            ),
            // URS 5.3: the extended response period, 21 days in all
            (
                "URS.5.3",
                ProcedureKind::Urs,
                &[
                    (E::Commenced, "2026-12-24"),
                    (E::ResponseExtended, "2027-01-02"),
                ],
                "2027-01-14",
            ),
            // URS 9.6: determination 3 business days after the response period ends (7 Jan 2027)
            (
                "URS.9.6",
                ProcedureKind::Urs,
                &[(E::Commenced, "2026-12-24")],
                "2027-01-12",
            ),
            // Nominet DRS: response 15 working days (England and Wales): 2 Nov → 23 Nov 2026
            (
                "NOMINET.DRS5",
                ProcedureKind::NominetDrs,
                &[(E::Commenced, "2026-11-02")],
                "2026-11-23",
            ),
            // CIRA Policy 4.3: implementation 30 days after the decision, across February
            (
                "CIRA.P4.3",
                ProcedureKind::CiraCdrp,
                &[(E::DecisionNotified, "2027-02-10")],
                "2027-03-12",
            ),
            // PARL EXPERT: decision two months from the complete claim (CPCE L.45-6): Sat 31 Oct
            // 2026, then Sun 1 Nov (All Saints) → Mon 2 Nov (CPC 641 and 642)
            (
                "PARL_EXPERT.L45-6",
                ProcedureKind::ParlExpert,
                &[(E::ComplaintFiled, "2026-08-31")],
                "2026-11-02",
            ),
            // PARL EXPERT: 15 days after the decision, rolled from Sun 15 Nov 2026 to Mon 16
            (
                "PARL_EXPERT.execution",
                ProcedureKind::ParlExpert,
                &[(E::DecisionNotified, "2026-10-31")],
                "2026-11-16",
            ),
        ];
        for (rule, kind, events, expected) in cases {
            let deadlines = run(*kind, events, "FR");
            assert_eq!(due(&deadlines, rule), d(expected), "{rule} {events:?}");
        }
    }

    #[test]
    fn an_unknown_region_gives_the_earliest_date_and_the_range() {
        // UDRP Policy 4(k): 10 business days of the registrar's principal office after the
        // decision is notified, Tue 10 Nov 2026. Ontario and Quebec do not keep Remembrance Day
        // (11 Nov): Tue 24 Nov; the federal calendar, Alberta and British Columbia do: Wed 25
        // Nov (docs/legal.md §3.3).
        let events = [Event {
            kind: E::DecisionNotified,
            date: d("2026-11-10"),
        }];
        let range = ["CA", "CA-AB", "CA-BC", "CA-ON", "CA-QC"];
        let compute_with = |registrar: &str, registrar_range: &[&str]| {
            compute(
                ProcedureKind::Udrp,
                &events,
                Calendars {
                    registrar,
                    registrar_range,
                    provider: "CH-GE",
                    closures: &[],
                },
                &[],
            )
        };
        let unknown = compute_with("CA", &range);
        let p4k = unknown
            .iter()
            .find(|x| x.rule == "UDRP.P4k")
            .expect("4(k) computed");
        assert_eq!(p4k.due_on, d("2026-11-24"), "the earliest date is shown");
        assert_eq!(p4k.computed_on, d("2026-11-24"));
        assert_eq!(p4k.latest_on, Some(d("2026-11-25")));
        assert!(p4k.basis.contains("region is not known"), "{}", p4k.basis);
        assert!(p4k.calendar.contains("region unknown"), "{}", p4k.calendar);
        // Each calendar alone: no range.
        for (id, expected) in [
            ("CA-ON", "2026-11-24"),
            ("CA-QC", "2026-11-24"),
            ("CA-BC", "2026-11-25"),
            ("CA", "2026-11-25"),
        ] {
            let one = compute_with(id, &[id]);
            let p4k = one.iter().find(|x| x.rule == "UDRP.P4k").expect("4(k)");
            assert_eq!(p4k.due_on, d(expected), "{id}");
            assert_eq!(p4k.latest_on, None, "{id}");
        }
        // A provider-clock deadline is the same on every registrar calendar: no range, no note.
        let fee = compute_with("CA", &range);
        assert!(fee.iter().all(|x| x.rule == "UDRP.P4k"
            || x.rule == "UDRP.R16a-registrar"
            || x.latest_on.is_none()));
        // An official date entered replaces the range.
        let official = [("UDRP.P4k".to_owned(), d("2026-11-26"))];
        let with_official = compute(
            ProcedureKind::Udrp,
            &events,
            Calendars {
                registrar: "CA",
                registrar_range: &range,
                provider: "CH-GE",
                closures: &[],
            },
            &official,
        );
        let p4k = with_official
            .iter()
            .find(|x| x.rule == "UDRP.P4k")
            .expect("4(k)");
        assert_eq!(p4k.due_on, d("2026-11-26"));
        assert_eq!(p4k.latest_on, None);
    }

    #[test]
    fn firm_entered_closure_days_count() {
        let events = [Event {
            kind: E::VerificationRequested,
            date: d("2026-11-03"),
        }];
        let without = compute(
            ProcedureKind::Udrp,
            &events,
            Calendars {
                registrar: "FR",
                registrar_range: &[],
                provider: "CH-GE",
                closures: &[],
            },
            &[],
        );
        assert_eq!(without[0].due_on, d("2026-11-05"));
        let closures = vec![("FR".to_owned(), d("2026-11-04"))];
        let with = compute(
            ProcedureKind::Udrp,
            &events,
            Calendars {
                registrar: "FR",
                registrar_range: &[],
                provider: "CH-GE",
                closures: &closures,
            },
            &[],
        );
        assert_eq!(with[0].due_on, d("2026-11-06"));
        assert!(
            with[0]
                .basis
                .contains("counted on the registrar's calendar (FR")
        );
    }

    #[test]
    fn an_official_date_replaces_the_computed_one_downstream() {
        // docs/legal.md §6.1 `official(x)` and §6.2: the panel is due 5 days after the response
        // period ends, counted from the official response date when the provider gave one.
        let events = [Event {
            kind: E::Commenced,
            date: d("2026-11-02"),
        }];
        let official = vec![("UDRP.R5a".to_owned(), d("2026-11-24"))];
        let all = compute(
            ProcedureKind::Udrp,
            &events,
            Calendars {
                registrar: "FR",
                registrar_range: &[],
                provider: "CH-GE",
                closures: &[],
            },
            &official,
        );
        let response = all.iter().find(|x| x.rule == "UDRP.R5a").unwrap();
        assert_eq!(
            (response.computed_on, response.official_on, response.due_on),
            (d("2026-11-22"), Some(d("2026-11-24")), d("2026-11-24"))
        );
        assert_eq!(due(&all, "UDRP.R6b"), d("2026-11-29"));
    }

    #[test]
    fn every_rule_has_a_table_case_and_every_kind_runs_with_every_event() {
        // Each rule in RULES appears as the first item of a table case above, with its source
        // paragraph cited next to it.
        let tests = include_str!("deadlines.rs")
            .split("mod tests")
            .nth(1)
            .unwrap_or_default();
        for rule in RULES {
            assert!(
                tests.contains(&format!("\"{}\",", rule.id)),
                "{} has no table case",
                rule.id
            );
            assert!(
                !rule.source.is_empty() && !rule.label.is_empty(),
                "{}",
                rule.id
            );
        }
        let everything: Vec<(EventKind, &str)> =
            EventKind::ALL.iter().map(|k| (*k, "2026-11-02")).collect();
        for kind in ProcedureKind::ALL {
            for deadline in run(*kind, &everything, "FR") {
                assert!(rule_info(deadline.rule).is_some());
            }
        }
    }

    /// Whose clock runs each rule, as a table: the registrar's for the periods counted on its
    /// business days (UDRP Policy 4(k)), the provider's for every other.
    #[test]
    fn whose_clock_runs_each_rule() {
        let on_registrar = ["UDRP.R4b", "UDRP.R16a-registrar", "UDRP.P4k", "UDRP.R4e"];
        for rule in RULES {
            let expected = if on_registrar.contains(&rule.id) {
                Clock::Registrar
            } else {
                Clock::Provider
            };
            assert_eq!(rule.clock, expected, "{}", rule.id);
        }
        // The field agrees with how the rules count: a basis "counted on the registrar's …
        // calendar" comes from a rule on the registrar's clock, and only from such a rule.
        let everything: Vec<(EventKind, &str)> =
            EventKind::ALL.iter().map(|k| (*k, "2026-11-02")).collect();
        let mut seen = Vec::new();
        for kind in ProcedureKind::ALL {
            for deadline in run(*kind, &everything, "FR") {
                let counted = deadline.basis.contains("counted on the registrar's");
                assert_eq!(
                    rule(deadline.rule).clock == Clock::Registrar,
                    counted,
                    "{}: {}",
                    deadline.rule,
                    deadline.basis
                );
                seen.push(deadline.rule);
            }
        }
        for id in on_registrar {
            assert!(seen.contains(&id), "{id} is computed and checked");
        }
    }

    #[test]
    fn urgency_buckets() {
        let today = d("2026-12-30");
        let cases = [
            ("2026-12-29", Urgency::Overdue),
            ("2026-12-30", Urgency::Today),
            ("2026-12-31", Urgency::ThisWeek),
            ("2027-01-06", Urgency::ThisWeek),
            ("2027-01-07", Urgency::Later),
        ];
        for (due, expected) in cases {
            assert_eq!(Urgency::of(d(due), today), expected, "{due}");
        }
    }
}
