//! Dispute procedures on a matter, the events recorded on them and the docket of deadlines the
//! rules compute from those events. Every change to an event, an official date or a closure day
//! recomputes the procedure's deadlines in the same transaction, keeping per rule what people
//! entered (official date, assignee, done).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{
    backorders, calendar_closures, clients, deadlines, matter_team, matters, outbox_messages,
    procedure_domains, procedure_events, procedures, users,
};
use crate::db::sql::{Verbatim, among, verbatim};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::calendar::calendar_info;
use crate::model::deadlines::{self as rules, Calendars, State};
use crate::model::domain_name::DomainName;
use crate::model::ids::{
    BackorderId, ClientId, ClosureId, DeadlineId, MatterId, ProcedureEventId, ProcedureId, UserId,
};
use crate::model::matter::{Matter, MatterStatus};
use crate::model::money::Currency;
use crate::model::paging::{
    DEADLINES, MATTER_PROCEDURES, Page, PageRequest, parse_date, parse_time, time_part,
};
use crate::model::present;
use crate::model::procedure::{
    Closure, Deadline, DocketEntry, EligibilityCheck, EventKind, MANUAL_RULE, Outcome, Procedure,
    ProcedureDomain, ProcedureEvent, ProcedureKind, ProcedureStatus, afnic_eligibility,
    procedure_title, provider_calendar, registrar_calendars,
};
use crate::model::tld_policy::TldPolicies;
use crate::model::user::Role;
use crate::repo::audit::{self, Change};
use crate::repo::keyset;
use crate::repo::matters::{self as matter_repo, MatterScope};
use crate::repo::monitoring;

/// A checked new procedure.
#[derive(Debug, Clone)]
pub struct NewProcedure {
    pub kind: ProcedureKind,
    /// Empty: the kind's first provider (WIPO for a UDRP, AFNIC for SYRELI…).
    pub provider: String,
    pub case_number: String,
    pub registrar_country: Option<String>,
    pub domains: Vec<DomainName>,
    pub parties: String,
    pub panel: String,
    pub fees_minor: Option<i64>,
    pub currency: Currency,
    pub notes: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProcedureError {
    #[error("The matter does not exist.")]
    MatterNotFound,
    #[error("Matter {0} is closed; reopen it to start or change a procedure.")]
    MatterClosed(String),
    #[error("The procedure does not exist.")]
    NotFound,
    #[error("The procedure is closed; reopen it to record or change events.")]
    ProcedureClosed,
    #[error("The event does not exist.")]
    EventNotFound,
    #[error("The deadline does not exist.")]
    DeadlineNotFound,
    #[error("Name at least one domain the procedure covers.")]
    NoDomains,
    #[error("{domain} is listed twice.")]
    DuplicateDomain { domain: String },
    #[error(
        "{kind} does not apply to .{tld} names ({domain}); for .{tld} reclaim offers: {offered}."
    )]
    NotForTld {
        kind: &'static str,
        domain: String,
        tld: String,
        offered: String,
    },
    #[error(".{0} is not a TLD reclaim knows; see the list of supported TLDs.")]
    UnsupportedTld(String),
    #[error("{kind} cannot be opened on {domain}: {}", failed_checks(.checks))]
    Ineligible {
        kind: &'static str,
        domain: String,
        checks: Vec<EligibilityCheck>,
    },
    #[error("{0}")]
    BadCountry(String),
    #[error("{0}")]
    BadDate(String),
    #[error("{0}")]
    BadCalendar(String),
    #[error("That closure day does not exist.")]
    ClosureNotFound,
    #[error("{0} is already a closure day of that calendar.")]
    DuplicateClosure(String),
    #[error("Deadlines are assigned to people of the firm; that person is not an active member.")]
    BadAssignee,
    #[error("Give the deadline a description.")]
    NoLabel,
    #[error("Only a deadline entered by hand can be removed; a computed one follows its events.")]
    NotManual,
    #[error(transparent)]
    Db(#[from] DbError),
}

fn failed_checks(checks: &[EligibilityCheck]) -> String {
    checks
        .iter()
        .filter(|c| c.failed())
        .map(|c| c.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl From<diesel::result::Error> for ProcedureError {
    fn from(e: diesel::result::Error) -> Self {
        ProcedureError::Db(e.into())
    }
}

/// Checks the registrar's location: an ISO 3166-1 alpha-2 country code (`US`) or an ISO 3166-2
/// subdivision code (`CA-ON`, `US-AZ`, `GB-SCT`, `DE-BY`), returned normalised (upper case, `UK`
/// read as `GB`). A country reclaim has no calendar for is accepted (weekends are skipped, and
/// the procedure page says so); a country whose regions have different calendars without its
/// region gives a range of dates (`model::calendar::calendars_for`).
pub fn parse_country(raw: &str) -> Result<Option<String>, ProcedureError> {
    crate::model::calendar::parse_location(raw)
        .map(|location| location.map(|l| l.code()))
        .map_err(ProcedureError::BadCountry)
}

/// An event date: not in the future (events record what happened) and not absurdly old.
pub fn check_event_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, ProcedureError> {
    // One day of slack: a notice dated in Geneva can be "tomorrow" for a firm in California.
    if date > today + Duration::days(1) {
        return Err(ProcedureError::BadDate(format!(
            "{} is in the future: an event records what happened. Enter the date on the notice.",
            present::day(date)
        )));
    }
    if date < NaiveDate::from_ymd_opt(1999, 12, 1).unwrap_or(NaiveDate::MIN) {
        return Err(ProcedureError::BadDate(format!(
            "{} is before the UDRP existed (December 1999): check the year.",
            present::day(date)
        )));
    }
    Ok(date)
}

fn open_matter(conn: &mut DbConn, matter_id: &MatterId) -> Result<Matter, ProcedureError> {
    let matter = matter_repo::find(conn, matter_id)?.ok_or(ProcedureError::MatterNotFound)?;
    if matter.status == MatterStatus::Closed {
        return Err(ProcedureError::MatterClosed(matter.reference));
    }
    Ok(matter)
}

/// Whose records an answer may mention: a client user is told about their own client's
/// matters only, never that another client disputes the same name.
#[derive(Debug, Clone, Copy)]
pub enum Seen<'a> {
    /// Staff: the whole firm.
    Firm,
    /// A client (portal) user: that client's matters.
    Client(&'a ClientId),
}

/// References of open procedures covering `domain` (A-label), in the matters `seen` allows.
pub fn pending_on(
    conn: &mut DbConn,
    domain: &str,
    except: Option<&ProcedureId>,
    seen: Seen<'_>,
) -> Result<Vec<String>, DbError> {
    let mut query = procedure_domains::table
        .inner_join(procedures::table.inner_join(matters::table))
        .filter(procedure_domains::domain.eq(domain))
        .filter(procedures::status.ne(ProcedureStatus::Closed))
        .into_boxed();
    if let Seen::Client(client) = seen {
        query = query.filter(matters::client_id.eq(client));
    }
    let rows: Vec<(ProcedureId, ProcedureKind, String, String)> = query
        .select((
            procedures::id,
            procedures::kind,
            procedures::case_number,
            matters::reference,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(id, ..)| Some(id) != except)
        .map(|(_, kind, case, reference)| {
            format!(
                "{} {}{}",
                reference,
                kind.label(),
                if case.is_empty() {
                    String::new()
                } else {
                    format!(" {case}")
                }
            )
        })
        .collect())
}

/// The latest registry answer reclaim holds for `domain`, parsed.
fn latest_record(
    conn: &mut DbConn,
    domain: &str,
) -> Result<Option<crate::model::registry_record::RegistryRecord>, DbError> {
    let Some(monitored) = monitoring::find(conn, domain)? else {
        return Ok(None);
    };
    let Some(snapshot_id) = monitored.last_snapshot_id else {
        return Ok(None);
    };
    Ok(monitoring::find_snapshot_row(conn, &snapshot_id)?.map(|s| s.record()))
}

/// The registrar IANA IDs the latest registry answers of these names give (one per name that
/// has an answer naming its registrar's id).
pub fn registrar_iana_ids(
    conn: &mut DbConn,
    domains: &[DomainName],
) -> Result<Vec<String>, DbError> {
    let mut ids = Vec::new();
    for domain in domains {
        if let Some(id) = latest_record(conn, domain.ascii())?.and_then(|r| r.registrar_iana_id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// What must hold before a procedure of `kind` is opened on each name: the TLD's procedures
/// (docs/legal.md §2.3) and, for AFNIC's, the SYRELI conditions (§6.4), reading the
/// procedures `seen` allows.
pub fn eligibility(
    conn: &mut DbConn,
    policies: &TldPolicies,
    kind: ProcedureKind,
    domains: &[DomainName],
    seen: Seen<'_>,
) -> Result<Vec<(String, Vec<EligibilityCheck>)>, ProcedureError> {
    let mut out = Vec::new();
    for domain in domains {
        let policy = policies
            .lookup(domain.tld())
            .map_err(|_| ProcedureError::UnsupportedTld(domain.tld().to_owned()))?;
        let mut checks = vec![EligibilityCheck {
            id: "tld_procedure",
            passed: Some(policy.procedures.contains(&kind)),
            message: if policy.procedures.contains(&kind) {
                format!("{} applies to .{} names.", kind.label(), domain.tld())
            } else {
                format!(
                    "{} does not apply to .{} names; reclaim offers: {}.",
                    kind.label(),
                    domain.tld(),
                    offered(&policy.procedures)
                )
            },
        }];
        if matches!(kind, ProcedureKind::Syreli | ProcedureKind::ParlExpert) {
            let record = latest_record(conn, domain.ascii())?;
            let pending = pending_on(conn, domain.ascii(), None, seen)?;
            checks.extend(afnic_eligibility(domain, record.as_ref(), &pending));
        }
        out.push((domain.unicode().to_owned(), checks));
    }
    Ok(out)
}

fn offered(kinds: &[ProcedureKind]) -> String {
    if kinds.is_empty() {
        "no dispute procedure (court only)".to_owned()
    } else {
        kinds
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Insertable)]
#[diesel(table_name = procedures)]
struct ProcedureRow<'a> {
    id: &'a ProcedureId,
    matter_id: &'a MatterId,
    kind: ProcedureKind,
    provider: &'a str,
    case_number: &'a str,
    registrar_country: Option<&'a str>,
    status: ProcedureStatus,
    parties: &'a str,
    panel: &'a str,
    fees_minor: Option<i64>,
    currency: &'a str,
    notes: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Starts a procedure on a matter. Refused where the kind does not apply to a name's TLD, or a
/// SYRELI condition is known to fail; conditions reclaim cannot tell are left to verify.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    policies: &TldPolicies,
    matter_id: &MatterId,
    new: &NewProcedure,
) -> Result<Procedure, ProcedureError> {
    if new.domains.is_empty() {
        return Err(ProcedureError::NoDomains);
    }
    for (i, d) in new.domains.iter().enumerate() {
        if new.domains[..i].iter().any(|o| o.ascii() == d.ascii()) {
            return Err(ProcedureError::DuplicateDomain {
                domain: d.unicode().to_owned(),
            });
        }
    }
    write_tx(conn, |conn| {
        let matter = open_matter(conn, matter_id)?;
        for (domain, checks) in eligibility(conn, policies, new.kind, &new.domains, Seen::Firm)? {
            if let Some(tld) = checks
                .iter()
                .find(|c| c.id == "tld_procedure" && c.failed())
            {
                let tld_name = domain.rsplit('.').next().unwrap_or_default().to_owned();
                let _ = tld;
                let offered_here = new
                    .domains
                    .iter()
                    .find(|d| d.unicode() == domain)
                    .and_then(|d| policies.lookup(d.tld()).ok())
                    .map(|p| offered(&p.procedures))
                    .unwrap_or_default();
                return Err(ProcedureError::NotForTld {
                    kind: new.kind.label(),
                    domain,
                    tld: tld_name,
                    offered: offered_here,
                });
            }
            if checks.iter().any(EligibilityCheck::failed) {
                return Err(ProcedureError::Ineligible {
                    kind: new.kind.label(),
                    domain,
                    checks,
                });
            }
        }
        let id = ProcedureId::new();
        let now = to_db(actor.at);
        let provider = if new.provider.trim().is_empty() {
            new.kind
                .providers()
                .first()
                .copied()
                .unwrap_or_default()
                .to_owned()
        } else {
            new.provider.trim().to_owned()
        };
        diesel::insert_into(procedures::table)
            .values(ProcedureRow {
                id: &id,
                matter_id,
                kind: new.kind,
                provider: &provider,
                case_number: new.case_number.trim(),
                registrar_country: new.registrar_country.as_deref(),
                status: ProcedureStatus::Open,
                parties: new.parties.trim(),
                panel: new.panel.trim(),
                fees_minor: new.fees_minor,
                currency: new.currency.as_str(),
                notes: new.notes.trim(),
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
        for domain in &new.domains {
            let backorder: Option<BackorderId> = backorders::table
                .filter(backorders::matter_id.eq(matter_id))
                .filter(backorders::domain.eq(domain.ascii()))
                .select(backorders::id)
                .first(conn)
                .optional()?;
            diesel::insert_into(procedure_domains::table)
                .values((
                    procedure_domains::procedure_id.eq(&id),
                    procedure_domains::domain.eq(domain.ascii()),
                    procedure_domains::unicode.eq(domain.unicode()),
                    procedure_domains::backorder_id.eq(backorder),
                ))
                .execute(conn)?;
        }
        let procedure = find(conn, &id)?.ok_or(ProcedureError::NotFound)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "procedure.created",
                record_type: "procedure",
                record_id: Some(id.as_str()),
                summary: format!(
                    "Started {} on matter {} for {}",
                    procedure.title(),
                    matter.reference,
                    new.domains
                        .iter()
                        .map(|d| d.unicode())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                detail: json!({ "matter_id": matter_id, "kind": new.kind, "provider": provider, "case_number": new.case_number.trim() }),
            },
        )?;
        Ok(procedure)
    })
}

pub fn find(conn: &mut DbConn, id: &ProcedureId) -> Result<Option<Procedure>, DbError> {
    Ok(procedures::table
        .find(id)
        .select(Procedure::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_matter(conn: &mut DbConn, matter_id: &MatterId) -> Result<Vec<Procedure>, DbError> {
    Ok(procedures::table
        .filter(procedures::matter_id.eq(matter_id))
        .order(procedures::created_at)
        .select(Procedure::as_select())
        .load(conn)?)
}

pub fn domains(conn: &mut DbConn, id: &ProcedureId) -> Result<Vec<ProcedureDomain>, DbError> {
    Ok(procedure_domains::table
        .filter(procedure_domains::procedure_id.eq(id))
        .order(procedure_domains::domain)
        .select(ProcedureDomain::as_select())
        .load(conn)?)
}

/// Open procedures covering a backorder's name.
/// The procedures of a scope's matters, oldest first.
pub fn in_scope(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<Procedure>, DbError> {
    Ok(procedures::table
        .filter(procedures::matter_id.eq_any(scope.ids()))
        .order(procedures::created_at)
        .select(Procedure::as_select())
        .load(conn)?)
}

/// The names covered by a scope's procedures.
pub fn domains_in(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<ProcedureDomain>, DbError> {
    let of_scope = procedures::table
        .filter(procedures::matter_id.eq_any(scope.ids()))
        .select(procedures::id);
    Ok(procedure_domains::table
        .filter(procedure_domains::procedure_id.eq_any(of_scope))
        .order(procedure_domains::domain)
        .select(ProcedureDomain::as_select())
        .load(conn)?)
}

/// The events of a scope's procedures, in the order they happened.
pub fn events_in(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<ProcedureEvent>, DbError> {
    let of_scope = procedures::table
        .filter(procedures::matter_id.eq_any(scope.ids()))
        .select(procedures::id);
    Ok(procedure_events::table
        .filter(procedure_events::procedure_id.eq_any(of_scope))
        .order((procedure_events::occurred_on, procedure_events::recorded_at))
        .select(ProcedureEvent::as_select())
        .load(conn)?)
}

/// Every deadline of a scope's matters (their procedures' and those entered by hand), by due
/// date.
pub fn deadlines_in(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<Deadline>, DbError> {
    let mut all: Vec<Deadline> = deadlines::table
        .filter(deadlines::matter_id.eq_any(scope.ids()))
        .select(Deadline::as_select())
        .load(conn)?;
    all.sort_by_key(|d| (d.due_on(), d.rule.clone()));
    Ok(all)
}

/// One page of a matter's procedures, newest first (`created_at DESC, id DESC`, the key of
/// [`MATTER_PROCEDURES`]).
pub fn page_of_matter(
    conn: &mut DbConn,
    matter: &MatterId,
    request: &PageRequest,
) -> Result<Page<Procedure>, DbError> {
    let mut query = procedures::table
        .filter(procedures::matter_id.eq(matter))
        .into_boxed();
    // Read backward for a "Previous" link (`model::paging`).
    query = if request.backward() {
        query.order((procedures::created_at.asc(), procedures::id.asc()))
    } else {
        query.order((procedures::created_at.desc(), procedures::id.desc()))
    };
    // The cursor's parts were checked when it was read (`model::paging`).
    if let Some([at, id]) = request.cursor()
        && let Ok(at) = parse_time(at)
    {
        query = keyset::seek!(query, request.backward();
            (desc procedures::created_at, at),
            (desc procedures::id, id.clone()),
        );
    }
    let rows = query
        .limit(request.fetch())
        .select(Procedure::as_select())
        .load(conn)?;
    Ok(Page::from_rows(rows, request, MATTER_PROCEDURES, |p| {
        vec![time_part(&p.created_at), p.id.to_string()]
    }))
}

/// How many procedures a matter has.
pub fn count_of_matter(conn: &mut DbConn, matter: &MatterId) -> Result<i64, DbError> {
    Ok(procedures::table
        .filter(procedures::matter_id.eq(matter))
        .count()
        .get_result(conn)?)
}

/// A matter's first `limit` deadlines still to act on that have a date, soonest first (by
/// [`Deadline::due_on`], then rule), and how many it has in all: what the matter page lists.
pub fn upcoming_of_matter(
    conn: &mut DbConn,
    matter: &MatterId,
    limit: i64,
) -> Result<(Vec<Deadline>, i64), DbError> {
    // `Deadline::is_open`, with a date.
    let upcoming = || {
        deadlines::table
            .filter(deadlines::matter_id.eq(matter))
            .filter(deadlines::state.eq(State::Pending))
            .filter(deadlines::done_at.is_null())
            .filter(
                deadlines::official_on
                    .is_not_null()
                    .or(deadlines::computed_on.is_not_null()),
            )
    };
    let first = upcoming()
        .order((due_key(), deadlines::rule, deadlines::id))
        .limit(limit)
        .select(Deadline::as_select())
        .load(conn)?;
    let total = upcoming().count().get_result(conn)?;
    Ok((first, total))
}

pub fn for_backorder(
    conn: &mut DbConn,
    backorder_id: &BackorderId,
) -> Result<Vec<Procedure>, DbError> {
    Ok(procedures::table
        .inner_join(procedure_domains::table)
        .filter(procedure_domains::backorder_id.eq(backorder_id))
        .order(procedures::created_at)
        .select(Procedure::as_select())
        .load(conn)?)
}

pub fn events(conn: &mut DbConn, id: &ProcedureId) -> Result<Vec<ProcedureEvent>, DbError> {
    Ok(procedure_events::table
        .filter(procedure_events::procedure_id.eq(id))
        .order((procedure_events::occurred_on, procedure_events::recorded_at))
        .select(ProcedureEvent::as_select())
        .load(conn)?)
}

pub fn find_event(
    conn: &mut DbConn,
    id: &ProcedureEventId,
) -> Result<Option<ProcedureEvent>, DbError> {
    Ok(procedure_events::table
        .find(id)
        .select(ProcedureEvent::as_select())
        .first(conn)
        .optional()?)
}

/// A procedure's deadlines, by date.
pub fn deadlines_of(conn: &mut DbConn, id: &ProcedureId) -> Result<Vec<Deadline>, DbError> {
    let mut all: Vec<Deadline> = deadlines::table
        .filter(deadlines::procedure_id.eq(id))
        .select(Deadline::as_select())
        .load(conn)?;
    all.sort_by_key(|d| (d.due_on(), d.rule.clone()));
    Ok(all)
}

pub fn find_deadline(conn: &mut DbConn, id: &DeadlineId) -> Result<Option<Deadline>, DbError> {
    Ok(deadlines::table
        .find(id)
        .select(Deadline::as_select())
        .first(conn)
        .optional()?)
}

/// Closure days the firm entered, as (calendar, day) pairs for the rules.
fn closure_days(conn: &mut DbConn) -> Result<Vec<(String, NaiveDate)>, DbError> {
    Ok(calendar_closures::table
        .select((calendar_closures::calendar, calendar_closures::day))
        .load(conn)?)
}

pub fn closures(conn: &mut DbConn) -> Result<Vec<Closure>, DbError> {
    Ok(calendar_closures::table
        .order((calendar_closures::day, calendar_closures::calendar))
        .select(Closure::as_select())
        .load(conn)?)
}

/// Computes a schedule from events without storing anything: the deadline calculator and
/// `POST /api/v1/deadlines/preview`.
pub fn preview(
    conn: &mut DbConn,
    kind: ProcedureKind,
    provider: &str,
    registrar_country: Option<&str>,
    events: &[rules::Event],
) -> Result<Vec<rules::Deadline>, DbError> {
    let closures = closure_days(conn)?;
    let provider = if provider.trim().is_empty() {
        kind.providers().first().copied().unwrap_or_default()
    } else {
        provider
    };
    let registrar = registrar_calendars(registrar_country).ids();
    Ok(rules::compute(
        kind,
        events,
        Calendars {
            registrar: registrar.first().copied().unwrap_or("WEEKENDS"),
            registrar_range: &registrar,
            provider: provider_calendar(provider),
            closures: &closures,
        },
        &[],
    ))
}

/// The status the events give: decided once a decision is in, closed once it is implemented or
/// the complaint withdrawn.
fn status_from_events(events: &[ProcedureEvent]) -> ProcedureStatus {
    let has = |k: EventKind| events.iter().any(|e| e.kind == k);
    if has(EventKind::Implemented) || has(EventKind::Withdrawn) {
        ProcedureStatus::Closed
    } else if has(EventKind::DecisionReceived) || has(EventKind::DecisionNotified) {
        ProcedureStatus::Decided
    } else {
        ProcedureStatus::Open
    }
}

#[derive(Insertable)]
#[diesel(table_name = deadlines)]
struct DeadlineRow<'a> {
    id: &'a DeadlineId,
    matter_id: &'a MatterId,
    procedure_id: Option<&'a ProcedureId>,
    rule: &'a str,
    label: &'a str,
    computed_on: Option<NaiveDate>,
    official_on: Option<NaiveDate>,
    calendar: &'a str,
    basis: &'a str,
    state: State,
    assigned_to: Option<&'a UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Recomputes every deadline of a procedure from its events, the firm's closure days and the
/// official dates entered. A rule that still applies keeps its row (official date, assignee,
/// done); one that no longer does is removed, unless someone entered something on it, in which
/// case it stays as "no longer applies".
pub fn recompute(
    conn: &mut DbConn,
    id: &ProcedureId,
    now: DateTime<Utc>,
) -> Result<(), ProcedureError> {
    let procedure = find(conn, id)?.ok_or(ProcedureError::NotFound)?;
    let events = events(conn, id)?;
    let closures = closure_days(conn)?;
    let stored = deadlines_of(conn, id)?;
    let official: Vec<(String, NaiveDate)> = stored
        .iter()
        .filter_map(|d| d.official_on.map(|o| (d.rule.clone(), o)))
        .collect();
    let inputs: Vec<rules::Event> = events
        .iter()
        .map(|e| rules::Event {
            kind: e.kind,
            date: e.occurred_on,
        })
        .collect();
    let registrar = procedure.registrar_calendars().ids();
    let computed = rules::compute(
        procedure.kind,
        &inputs,
        Calendars {
            registrar: registrar.first().copied().unwrap_or("WEEKENDS"),
            registrar_range: &registrar,
            provider: provider_calendar(&procedure.provider),
            closures: &closures,
        },
        &official,
    );
    let at = to_db(now);
    for deadline in &computed {
        match stored.iter().find(|s| s.rule == deadline.rule) {
            Some(existing) => {
                diesel::update(deadlines::table.find(&existing.id))
                    .set((
                        deadlines::label.eq(deadline.label),
                        deadlines::computed_on.eq(Some(deadline.computed_on)),
                        deadlines::calendar.eq(&deadline.calendar),
                        deadlines::basis.eq(&deadline.basis),
                        deadlines::state.eq(deadline.state),
                        deadlines::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                // A date moved later than the alert: the new one deserves its own alert.
                if existing.due_on() != Some(deadline.due_on) {
                    diesel::update(deadlines::table.find(&existing.id))
                        .set(deadlines::overdue_alerted_at.eq(None::<NaiveDateTime>))
                        .execute(conn)?;
                }
            }
            None => {
                diesel::insert_into(deadlines::table)
                    .values(DeadlineRow {
                        id: &DeadlineId::new(),
                        matter_id: &procedure.matter_id,
                        procedure_id: Some(id),
                        rule: deadline.rule,
                        label: deadline.label,
                        computed_on: Some(deadline.computed_on),
                        official_on: None,
                        calendar: &deadline.calendar,
                        basis: &deadline.basis,
                        state: deadline.state,
                        // Unassigned: everyone on the matter sees it until someone takes it.
                        assigned_to: None,
                        created_at: at,
                        updated_at: at,
                    })
                    .execute(conn)?;
            }
        }
    }
    for gone in stored
        .iter()
        .filter(|s| !s.is_manual() && !computed.iter().any(|c| c.rule == s.rule))
    {
        if gone.official_on.is_some() || gone.done_at.is_some() {
            diesel::update(deadlines::table.find(&gone.id))
                .set((
                    deadlines::state.eq(State::Cancelled),
                    deadlines::basis.eq(format!(
                        "No longer applies: the event it counted from was removed or changed. Before: {}",
                        gone.basis
                    )),
                    deadlines::updated_at.eq(at),
                ))
                .execute(conn)?;
        } else {
            diesel::delete(deadlines::table.find(&gone.id)).execute(conn)?;
        }
    }
    // Hand-closed procedures stay closed; otherwise the events say where it stands.
    if procedure.status != ProcedureStatus::Closed
        || status_from_events(&events) == ProcedureStatus::Closed
    {
        diesel::update(procedures::table.find(id))
            .set((
                procedures::status.eq(status_from_events(&events)),
                procedures::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn changeable(conn: &mut DbConn, id: &ProcedureId) -> Result<Procedure, ProcedureError> {
    let procedure = find(conn, id)?.ok_or(ProcedureError::NotFound)?;
    open_matter(conn, &procedure.matter_id)?;
    if procedure.status == ProcedureStatus::Closed {
        return Err(ProcedureError::ProcedureClosed);
    }
    Ok(procedure)
}

/// Records an event and recomputes the deadlines.
pub fn record_event(
    conn: &mut DbConn,
    actor: &Actor,
    id: &ProcedureId,
    kind: EventKind,
    occurred_on: NaiveDate,
    note: &str,
) -> Result<ProcedureEvent, ProcedureError> {
    check_event_date(occurred_on, actor.at.date_naive())?;
    write_tx(conn, |conn| {
        let procedure = changeable(conn, id)?;
        let event_id = ProcedureEventId::new();
        diesel::insert_into(procedure_events::table)
            .values((
                procedure_events::id.eq(&event_id),
                procedure_events::procedure_id.eq(id),
                procedure_events::kind.eq(kind),
                procedure_events::occurred_on.eq(occurred_on),
                procedure_events::note.eq(note.trim()),
                procedure_events::recorded_by.eq(actor.user_id.as_ref()),
                procedure_events::recorded_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        recompute(conn, id, actor.at)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "procedure.event_recorded",
                record_type: "procedure",
                record_id: Some(id.as_str()),
                summary: format!(
                    "{}: {} on {}",
                    procedure.title(),
                    kind.label(),
                    present::day(occurred_on)
                ),
                detail: json!({ "event_id": event_id, "kind": kind, "date": occurred_on, "note": note.trim() }),
            },
        )?;
        find_event(conn, &event_id)?.ok_or(ProcedureError::EventNotFound)
    })
}

/// Corrects an event's date or note; everything counted from it is recomputed.
pub fn update_event(
    conn: &mut DbConn,
    actor: &Actor,
    event_id: &ProcedureEventId,
    occurred_on: NaiveDate,
    note: &str,
) -> Result<ProcedureEvent, ProcedureError> {
    check_event_date(occurred_on, actor.at.date_naive())?;
    write_tx(conn, |conn| {
        let before = find_event(conn, event_id)?.ok_or(ProcedureError::EventNotFound)?;
        let procedure = changeable(conn, &before.procedure_id)?;
        diesel::update(procedure_events::table.find(event_id))
            .set((
                procedure_events::occurred_on.eq(occurred_on),
                procedure_events::note.eq(note.trim()),
            ))
            .execute(conn)?;
        recompute(conn, &before.procedure_id, actor.at)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "procedure.event_changed",
                record_type: "procedure",
                record_id: Some(before.procedure_id.as_str()),
                summary: format!(
                    "{}: {} moved from {} to {}",
                    procedure.title(),
                    before.kind.label(),
                    present::day(before.occurred_on),
                    present::day(occurred_on)
                ),
                detail: json!({ "event_id": event_id, "before": before.occurred_on, "after": occurred_on }),
            },
        )?;
        find_event(conn, event_id)?.ok_or(ProcedureError::EventNotFound)
    })
}

/// Removes an event recorded by mistake; deadlines counted from it go.
pub fn delete_event(
    conn: &mut DbConn,
    actor: &Actor,
    event_id: &ProcedureEventId,
) -> Result<ProcedureId, ProcedureError> {
    write_tx(conn, |conn| {
        let before = find_event(conn, event_id)?.ok_or(ProcedureError::EventNotFound)?;
        let procedure = find(conn, &before.procedure_id)?.ok_or(ProcedureError::NotFound)?;
        open_matter(conn, &procedure.matter_id)?;
        // Removing the event that closed the procedure (withdrawn, implemented) reopens it.
        let closing = matches!(before.kind, EventKind::Withdrawn | EventKind::Implemented);
        if procedure.status == ProcedureStatus::Closed && !closing {
            return Err(ProcedureError::ProcedureClosed);
        }
        diesel::delete(procedure_events::table.find(event_id)).execute(conn)?;
        if closing {
            diesel::update(procedures::table.find(&procedure.id))
                .set(procedures::status.eq(ProcedureStatus::Open))
                .execute(conn)?;
        }
        recompute(conn, &before.procedure_id, actor.at)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "procedure.event_removed",
                record_type: "procedure",
                record_id: Some(before.procedure_id.as_str()),
                summary: format!(
                    "{}: removed {} of {}",
                    procedure.title(),
                    before.kind.label(),
                    present::day(before.occurred_on)
                ),
                detail: json!({ "event_id": event_id, "kind": before.kind, "date": before.occurred_on }),
            },
        )?;
        Ok(before.procedure_id)
    })
}

/// What a lawyer may change on a procedure besides its events.
#[derive(Debug, Clone)]
pub struct ProcedureChange {
    pub provider: String,
    pub case_number: String,
    pub registrar_country: Option<String>,
    pub parties: String,
    pub panel: String,
    pub fees_minor: Option<i64>,
    pub currency: Currency,
    pub outcome: Option<Outcome>,
    pub rdnh_finding: bool,
    pub notes: String,
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &ProcedureId,
    change: &ProcedureChange,
) -> Result<Procedure, ProcedureError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(ProcedureError::NotFound)?;
        open_matter(conn, &before.matter_id)?;
        diesel::update(procedures::table.find(id))
            .set((
                procedures::provider.eq(change.provider.trim()),
                procedures::case_number.eq(change.case_number.trim()),
                procedures::registrar_country.eq(change.registrar_country.as_deref()),
                procedures::parties.eq(change.parties.trim()),
                procedures::panel.eq(change.panel.trim()),
                procedures::fees_minor.eq(change.fees_minor),
                procedures::currency.eq(change.currency.as_str()),
                procedures::outcome.eq(change.outcome),
                procedures::rdnh_finding.eq(change.rdnh_finding),
                procedures::notes.eq(change.notes.trim()),
                procedures::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        // The registrar's country or the provider picks the calendars.
        recompute(conn, id, actor.at)?;
        let after = find(conn, id)?.ok_or(ProcedureError::NotFound)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "procedure.updated",
                record_type: "procedure",
                record_id: Some(id.as_str()),
                summary: format!("Changed {}", after.title()),
                detail: json!({
                    "before": { "provider": before.provider, "case_number": before.case_number, "registrar_country": before.registrar_country, "outcome": before.outcome, "rdnh_finding": before.rdnh_finding },
                    "after": { "provider": after.provider, "case_number": after.case_number, "registrar_country": after.registrar_country, "outcome": after.outcome, "rdnh_finding": after.rdnh_finding },
                }),
            },
        )?;
        Ok(after)
    })
}

/// Closes a procedure by hand (a denied complaint needs no implementation) or reopens it.
pub fn set_closed(
    conn: &mut DbConn,
    actor: &Actor,
    id: &ProcedureId,
    closed: bool,
) -> Result<Procedure, ProcedureError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(ProcedureError::NotFound)?;
        open_matter(conn, &before.matter_id)?;
        let status = if closed {
            ProcedureStatus::Closed
        } else {
            let events = events(conn, id)?;
            match status_from_events(&events) {
                // Reopening a procedure its events close would be undone at once: say so.
                ProcedureStatus::Closed => ProcedureStatus::Decided,
                other => other,
            }
        };
        diesel::update(procedures::table.find(id))
            .set((
                procedures::status.eq(status),
                procedures::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if closed {
                    "procedure.closed"
                } else {
                    "procedure.reopened"
                },
                record_type: "procedure",
                record_id: Some(id.as_str()),
                summary: format!(
                    "{} {}",
                    if closed { "Closed" } else { "Reopened" },
                    before.title()
                ),
                detail: json!({ "from": before.status, "to": status }),
            },
        )?;
        find(conn, id)?.ok_or(ProcedureError::NotFound)
    })
}

fn deadline_and_matter(
    conn: &mut DbConn,
    id: &DeadlineId,
) -> Result<(Deadline, Matter), ProcedureError> {
    let deadline = find_deadline(conn, id)?.ok_or(ProcedureError::DeadlineNotFound)?;
    let matter = open_matter(conn, &deadline.matter_id)?;
    Ok((deadline, matter))
}

/// Enters (or clears) the date given in the provider's notice; it replaces the computed date
/// here and in every count that starts from it.
pub fn set_official_date(
    conn: &mut DbConn,
    actor: &Actor,
    id: &DeadlineId,
    official_on: Option<NaiveDate>,
) -> Result<Deadline, ProcedureError> {
    write_tx(conn, |conn| {
        let (before, matter) = deadline_and_matter(conn, id)?;
        diesel::update(deadlines::table.find(id))
            .set((
                deadlines::official_on.eq(official_on),
                deadlines::overdue_alerted_at.eq(None::<NaiveDateTime>),
                deadlines::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        if let Some(procedure_id) = &before.procedure_id
            && !before.is_manual()
        {
            recompute(conn, procedure_id, actor.at)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "deadline.official_date",
                record_type: "deadline",
                record_id: Some(id.as_str()),
                summary: match official_on {
                    Some(d) => format!(
                        "{} on {}: official date {}",
                        matter.reference,
                        before.label,
                        present::day(d)
                    ),
                    None => format!(
                        "{} on {}: official date cleared",
                        matter.reference, before.label
                    ),
                },
                detail: json!({ "rule": before.rule, "computed_on": before.computed_on, "before": before.official_on, "after": official_on }),
            },
        )?;
        find_deadline(conn, id)?.ok_or(ProcedureError::DeadlineNotFound)
    })
}

/// Marks a deadline done (or not done after all).
pub fn set_done(
    conn: &mut DbConn,
    actor: &Actor,
    id: &DeadlineId,
    done: bool,
) -> Result<Deadline, ProcedureError> {
    write_tx(conn, |conn| {
        let (before, matter) = deadline_and_matter(conn, id)?;
        let at = to_db(actor.at);
        diesel::update(deadlines::table.find(id))
            .set((
                deadlines::done_at.eq(done.then_some(at)),
                deadlines::done_by.eq(if done { actor.user_id.as_ref() } else { None }),
                deadlines::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if done {
                    "deadline.done"
                } else {
                    "deadline.reopened"
                },
                record_type: "deadline",
                record_id: Some(id.as_str()),
                summary: format!(
                    "{}: {} {}",
                    matter.reference,
                    before.label,
                    if done {
                        "marked done"
                    } else {
                        "marked not done"
                    }
                ),
                detail: json!({ "rule": before.rule, "due_on": before.due_on() }),
            },
        )?;
        find_deadline(conn, id)?.ok_or(ProcedureError::DeadlineNotFound)
    })
}

/// Whether `user` is an active member of the firm (deadlines go to staff, not clients).
fn is_firm_person(conn: &mut DbConn, user: &UserId) -> Result<bool, DbError> {
    Ok(matter_repo::firm_people(conn)?
        .iter()
        .any(|(id, _, _)| id == user))
}

pub fn assign(
    conn: &mut DbConn,
    actor: &Actor,
    id: &DeadlineId,
    assignee: Option<&UserId>,
) -> Result<Deadline, ProcedureError> {
    write_tx(conn, |conn| {
        let (before, matter) = deadline_and_matter(conn, id)?;
        if let Some(user) = assignee
            && !is_firm_person(conn, user)?
        {
            return Err(ProcedureError::BadAssignee);
        }
        diesel::update(deadlines::table.find(id))
            .set((
                deadlines::assigned_to.eq(assignee),
                deadlines::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "deadline.assigned",
                record_type: "deadline",
                record_id: Some(id.as_str()),
                summary: format!("{}: {} reassigned", matter.reference, before.label),
                detail: json!({ "before": before.assigned_to, "after": assignee }),
            },
        )?;
        find_deadline(conn, id)?.ok_or(ProcedureError::DeadlineNotFound)
    })
}

/// A deadline entered by hand (a hearing, a date a court set, a date agreed with the holder).
#[derive(Debug, Clone)]
pub struct NewManualDeadline {
    pub procedure_id: Option<ProcedureId>,
    pub label: String,
    pub due_on: NaiveDate,
    pub assigned_to: Option<UserId>,
    pub note: String,
}

pub fn add_manual(
    conn: &mut DbConn,
    actor: &Actor,
    matter_id: &MatterId,
    new: &NewManualDeadline,
) -> Result<Deadline, ProcedureError> {
    if new.label.trim().is_empty() {
        return Err(ProcedureError::NoLabel);
    }
    write_tx(conn, |conn| {
        let matter = open_matter(conn, matter_id)?;
        if let Some(procedure_id) = &new.procedure_id {
            let procedure = find(conn, procedure_id)?.ok_or(ProcedureError::NotFound)?;
            if procedure.matter_id != *matter_id {
                return Err(ProcedureError::NotFound);
            }
        }
        if let Some(user) = &new.assigned_to
            && !is_firm_person(conn, user)?
        {
            return Err(ProcedureError::BadAssignee);
        }
        let id = DeadlineId::new();
        let at = to_db(actor.at);
        // A unique rule id per hand-entered deadline (deadlines are unique per procedure and rule).
        let rule = format!("{MANUAL_RULE}:{id}");
        diesel::insert_into(deadlines::table)
            .values(DeadlineRow {
                id: &id,
                matter_id,
                procedure_id: new.procedure_id.as_ref(),
                rule: &rule,
                label: new.label.trim(),
                computed_on: None,
                official_on: Some(new.due_on),
                calendar: "",
                basis: &format!(
                    "Entered by {}{}",
                    actor.label,
                    if new.note.trim().is_empty() {
                        String::new()
                    } else {
                        format!(": {}", new.note.trim())
                    }
                ),
                state: State::Pending,
                assigned_to: new.assigned_to.as_ref(),
                created_at: at,
                updated_at: at,
            })
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "deadline.added",
                record_type: "deadline",
                record_id: Some(id.as_str()),
                summary: format!(
                    "{}: added {} on {}",
                    matter.reference,
                    new.label.trim(),
                    present::day(new.due_on)
                ),
                detail: json!({ "matter_id": matter_id, "due_on": new.due_on }),
            },
        )?;
        find_deadline(conn, &id)?.ok_or(ProcedureError::DeadlineNotFound)
    })
}

pub fn remove_manual(
    conn: &mut DbConn,
    actor: &Actor,
    id: &DeadlineId,
) -> Result<MatterId, ProcedureError> {
    write_tx(conn, |conn| {
        let (before, matter) = deadline_and_matter(conn, id)?;
        if !before.is_manual() {
            return Err(ProcedureError::NotManual);
        }
        diesel::delete(deadlines::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "deadline.removed",
                record_type: "deadline",
                record_id: Some(id.as_str()),
                summary: format!("{}: removed {}", matter.reference, before.label),
                detail: json!({ "due_on": before.due_on() }),
            },
        )?;
        Ok(matter.id)
    })
}

/// Every procedure still running, to recompute after the calendars change.
fn recompute_running(conn: &mut DbConn, now: DateTime<Utc>) -> Result<(), ProcedureError> {
    let running: Vec<ProcedureId> = procedures::table
        .filter(procedures::status.ne(ProcedureStatus::Closed))
        .select(procedures::id)
        .load(conn)?;
    for id in running {
        recompute(conn, &id, now)?;
    }
    Ok(())
}

/// Adds a day the firm, a provider or a registrar is closed to a calendar; business-day counts
/// of running procedures are recomputed.
pub fn add_closure(
    conn: &mut DbConn,
    actor: &Actor,
    calendar: &str,
    day: NaiveDate,
    note: &str,
) -> Result<Closure, ProcedureError> {
    let info = calendar_info(calendar).ok_or_else(|| {
        ProcedureError::BadCalendar(format!(
            "'{}' is not a calendar reclaim knows; pick one from the list.",
            calendar.chars().take(20).collect::<String>()
        ))
    })?;
    write_tx(conn, |conn| {
        let exists: i64 = calendar_closures::table
            .filter(calendar_closures::calendar.eq(info.id))
            .filter(calendar_closures::day.eq(day))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(ProcedureError::DuplicateClosure(present::day(day)));
        }
        let id = ClosureId::new();
        diesel::insert_into(calendar_closures::table)
            .values((
                calendar_closures::id.eq(&id),
                calendar_closures::calendar.eq(info.id),
                calendar_closures::day.eq(day),
                calendar_closures::note.eq(note.trim()),
                calendar_closures::created_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        recompute_running(conn, actor.at)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "calendar.closure_added",
                record_type: "calendar",
                record_id: Some(info.id),
                summary: format!("{} closed on {}", info.name, present::day(day)),
                detail: json!({ "calendar": info.id, "day": day, "note": note.trim() }),
            },
        )?;
        Ok(calendar_closures::table
            .find(&id)
            .select(Closure::as_select())
            .first(conn)?)
    })
}

pub fn remove_closure(
    conn: &mut DbConn,
    actor: &Actor,
    id: &ClosureId,
) -> Result<(), ProcedureError> {
    write_tx(conn, |conn| {
        let closure: Closure = calendar_closures::table
            .find(id)
            .select(Closure::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcedureError::ClosureNotFound)?;
        diesel::delete(calendar_closures::table.find(id)).execute(conn)?;
        recompute_running(conn, actor.at)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "calendar.closure_removed",
                record_type: "calendar",
                record_id: Some(&closure.calendar),
                summary: format!(
                    "{} no longer closed on {}",
                    closure.calendar,
                    present::day(closure.day)
                ),
                detail: json!({ "calendar": closure.calendar, "day": closure.day }),
            },
        )?;
        Ok(())
    })
}

/// The docket's conditions on a query joining deadlines, matters and procedures: written once
/// for the docket and for its pages (two queries of different shapes).
macro_rules! docket_conditions {
    ($query:ident, $filter:expr) => {
        if !$filter.include_closed {
            $query = $query
                .filter(deadlines::state.eq(State::Pending))
                .filter(deadlines::done_at.is_null())
                .filter(
                    procedures::status
                        .ne(ProcedureStatus::Closed)
                        .or(deadlines::procedure_id.is_null()),
                );
        }
        if let Some(user) = &$filter.assigned_to {
            $query = $query.filter(deadlines::assigned_to.eq(user.clone()));
        }
        if let Some(me) = &$filter.mine {
            let team = matter_team::table
                .filter(matter_team::user_id.eq(me.clone()))
                .select(matter_team::matter_id);
            $query = $query.filter(
                deadlines::assigned_to
                    .eq(me.clone())
                    .or(deadlines::assigned_to.is_null().and(
                        matters::responsible_lawyer_id
                            .eq(me.clone())
                            .or(matters::id.eq_any(team)),
                    )),
            );
        }
        if let Some(matter) = &$filter.matter_id {
            $query = $query.filter(deadlines::matter_id.eq(matter.clone()));
        }
        if let Some(client) = &$filter.client_id {
            $query = $query.filter(matters::client_id.eq(client.clone()));
        }
        if let Some((from, to)) = $filter.due_between {
            $query = $query.filter(due_key().ge(from)).filter(due_key().le(to));
        }
        if let Some(by) = $filter.due_by {
            // The date that counts is the official one when entered (`Deadline::due_on`).
            $query = $query.filter(
                deadlines::official_on
                    .le(by)
                    .or(deadlines::official_on.is_null().and(
                        deadlines::computed_on
                            .le(by)
                            .or(deadlines::computed_on.is_null()),
                    )),
            );
        }
    };
}

#[derive(Debug, Clone, Default)]
pub struct DocketFilter {
    pub assigned_to: Option<UserId>,
    pub matter_id: Option<MatterId>,
    pub client_id: Option<ClientId>,
    /// Only a person's own deadlines: those assigned to them, and the unassigned ones of the
    /// matters they work on (as responsible lawyer or on the team). What their digest, overdue
    /// alerts and calendar feed carry.
    pub mine: Option<UserId>,
    /// Include deadlines marked done, met or no longer applying.
    pub include_closed: bool,
    /// Only those due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only those with a date, due between these two days (both included): one urgency of the
    /// dashboard.
    pub due_between: Option<(NaiveDate, NaiveDate)>,
}

/// Which deadlines a docket query reads: those the filter keeps, or the ones a page's keys
/// named (chosen by the filter already, so found by their key alone: issue 17 measured the
/// conditions, applied again, walking every deadline of the urgency instead).
enum DocketScope<'f> {
    Filter(&'f DocketFilter),
    Page(&'f [DeadlineId]),
}

/// The docket: deadlines of open matters and running procedures, by date, with their matter,
/// client, procedure, names and assignee. One query whatever the number of deadlines: the
/// procedure's names are joined (one row per name) and folded here.
pub fn docket(conn: &mut DbConn, filter: &DocketFilter) -> Result<Vec<DocketEntry>, DbError> {
    docket_entries(conn, DocketScope::Filter(filter))
}

fn docket_entries(conn: &mut DbConn, scope: DocketScope) -> Result<Vec<DocketEntry>, DbError> {
    let mut query = deadlines::table
        .inner_join(matters::table.inner_join(clients::table))
        .left_join(procedures::table.on(deadlines::procedure_id.eq(procedures::id.nullable())))
        .left_join(
            procedure_domains::table
                .on(deadlines::procedure_id.eq(procedure_domains::procedure_id.nullable())),
        )
        .left_join(users::table.on(deadlines::assigned_to.eq(users::id.nullable())))
        .into_boxed();
    match scope {
        DocketScope::Filter(filter) => {
            query = query.filter(matters::status.ne(MatterStatus::Closed));
            docket_conditions!(query, filter);
        }
        DocketScope::Page(ids) => {
            query = query.filter(among(deadlines::id, ids.iter().map(|id| id.as_str())))
        }
    }
    type Row = (
        Deadline,
        String,
        String,
        ClientId,
        String,
        Option<(ProcedureKind, String, String)>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = query
        .select((
            Deadline::as_select(),
            matters::reference,
            matters::title,
            matters::client_id,
            clients::name,
            // Its title's parts alone: reading whole procedures (their notes, parties, times)
            // for every row was a third of the docket's reading (issue 17).
            (
                procedures::kind,
                procedures::case_number,
                procedures::provider,
            )
                .nullable(),
            users::name.nullable(),
            procedure_domains::domain.nullable(),
            procedure_domains::unicode.nullable(),
        ))
        .load(conn)?;
    let mut entries: Vec<(DocketEntry, Vec<(String, String)>)> = Vec::new();
    let mut position: HashMap<DeadlineId, usize> = HashMap::new();
    for (
        deadline,
        reference,
        title,
        client_id,
        client_name,
        procedure,
        assignee,
        domain,
        unicode,
    ) in rows
    {
        let at = match position.get(&deadline.id) {
            Some(at) => *at,
            None => {
                position.insert(deadline.id.clone(), entries.len());
                entries.push((
                    DocketEntry {
                        deadline,
                        matter_reference: reference,
                        matter_title: title,
                        client_id,
                        client_name,
                        procedure: procedure.map(|(kind, case_number, provider)| {
                            procedure_title(kind, &case_number, &provider)
                        }),
                        domains: Vec::new(),
                        assignee_name: assignee,
                    },
                    Vec::new(),
                ));
                entries.len() - 1
            }
        };
        if let (Some(domain), Some(unicode)) = (domain, unicode) {
            entries[at].1.push((domain, unicode));
        }
    }
    let mut entries: Vec<DocketEntry> = entries
        .into_iter()
        .map(|(mut entry, mut names)| {
            // By A-label, as a procedure lists its names.
            names.sort();
            entry.domains = names.into_iter().map(|(_, unicode)| unicode).collect();
            entry
        })
        .collect();
    entries.sort_by_key(|e| (e.deadline.due_on(), e.matter_reference.clone()));
    Ok(entries)
}

/// The date a deadline counts by, in SQL as `Deadline::due_on` in Rust: the official date when
/// entered, else the computed one; a deadline without a date first (as `None` sorts in Rust).
/// Verbatim: the expression of the index `deadlines_running`, which a bound parameter in place of
/// the literal date would no longer match.
fn due_key() -> Verbatim<diesel::sql_types::Date> {
    verbatim("COALESCE(deadlines.official_on, deadlines.computed_on, '0001-01-01')")
}

/// The keys of the docket's deadlines for `filter` in its order (due date, matter reference,
/// id: the key of [`DEADLINES`]) from the request's cursor, at most `limit`: found by the index
/// `deadlines_running`.
fn docket_keys(
    conn: &mut DbConn,
    filter: &DocketFilter,
    request: &PageRequest,
    limit: i64,
) -> Result<Vec<(DeadlineId, NaiveDate, String)>, DbError> {
    let mut query = deadlines::table
        .inner_join(matters::table)
        .left_join(procedures::table.on(deadlines::procedure_id.eq(procedures::id.nullable())))
        .filter(matters::status.ne(MatterStatus::Closed))
        .into_boxed();
    docket_conditions!(query, filter);
    // The cursor's parts were checked when it was read (`model::paging`).
    if let Some([due, reference, id]) = request.cursor()
        && let Ok(due) = parse_date(due)
    {
        query = keyset::seek!(query, request.backward();
            (due_key(), due),
            (matters::reference, reference.clone()),
            (deadlines::id, id.clone()));
    }
    // Read backward for a "Previous" link (`model::paging`).
    query = if request.backward() {
        query.order((
            due_key().desc(),
            matters::reference.desc(),
            deadlines::id.desc(),
        ))
    } else {
        query.order((due_key(), matters::reference, deadlines::id))
    };
    Ok(query
        .select((deadlines::id, due_key(), matters::reference))
        .limit(limit)
        .load(conn)?)
}

/// The entries of these deadlines, in this order (a page's keys).
fn entries_in_order(conn: &mut DbConn, ids: &[DeadlineId]) -> Result<Vec<DocketEntry>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut entries: HashMap<DeadlineId, DocketEntry> =
        docket_entries(conn, DocketScope::Page(ids))?
            .into_iter()
            .map(|e| (e.deadline.id.clone(), e))
            .collect();
    Ok(ids.iter().filter_map(|id| entries.remove(id)).collect())
}

/// One page of the docket, by due date, matter reference and id (the key of [`DEADLINES`]):
/// the page's keys, then their entries (two queries).
pub fn docket_page(
    conn: &mut DbConn,
    filter: &DocketFilter,
    request: &PageRequest,
) -> Result<Page<DocketEntry>, DbError> {
    let keys = docket_keys(conn, filter, request, request.fetch())?;
    let keys = Page::from_rows(keys, request, DEADLINES, |(id, due, reference)| {
        vec![due.to_string(), reference.clone(), id.to_string()]
    });
    let ids: Vec<DeadlineId> = keys.rows.iter().map(|(id, _, _)| id.clone()).collect();
    Ok(Page {
        rows: entries_in_order(conn, &ids)?,
        next: keys.next,
        prev: keys.prev,
    })
}

/// The docket's first `rows` deadlines for `filter` and how many it holds, counted up to
/// `at_most`: one urgency of the dashboard. The count comes from the same keys as the rows (the
/// order sorts every matching deadline anyway), so it costs no second query.
pub fn docket_head(
    conn: &mut DbConn,
    filter: &DocketFilter,
    rows: usize,
    at_most: usize,
) -> Result<(Vec<DocketEntry>, usize), DbError> {
    let limit = i64::try_from(at_most.max(rows)).unwrap_or(i64::MAX);
    let keys = docket_keys(conn, filter, &PageRequest::first(limit), limit)?;
    let ids: Vec<DeadlineId> = keys
        .iter()
        .take(rows)
        .map(|(id, _, _)| id.clone())
        .collect();
    Ok((entries_in_order(conn, &ids)?, keys.len()))
}

pub fn mark_overdue_alerted(
    conn: &mut DbConn,
    ids: &[DeadlineId],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::update(deadlines::table.filter(deadlines::id.eq_any(ids)))
        .set(deadlines::overdue_alerted_at.eq(Some(to_db(at))))
        .execute(conn)?;
    Ok(())
}

/// An active user who may hear about deadlines: id, name, e-mail and role.
pub type Person = (UserId, String, String, Role);

/// Every active user, by name: who reminders go to (staff) and who answers for a deadline.
pub fn active_people(conn: &mut DbConn) -> Result<Vec<Person>, DbError> {
    Ok(users::table
        .filter(users::active.eq(true))
        .order(users::name)
        .select((users::id, users::name, users::email, users::role))
        .load(conn)?)
}

/// Who works on which matter: each matter's responsible lawyer first, then its team, in two
/// queries whatever the number of matters and people.
pub fn matter_people(conn: &mut DbConn) -> Result<Vec<(MatterId, UserId)>, DbError> {
    let mut pairs: Vec<(MatterId, UserId)> = matters::table
        .filter(matters::status.ne(MatterStatus::Closed))
        .select((matters::id, matters::responsible_lawyer_id))
        .load(conn)?;
    pairs.extend(
        matter_team::table
            .inner_join(matters::table)
            .filter(matters::status.ne(MatterStatus::Closed))
            .select((matter_team::matter_id, matter_team::user_id))
            .load::<(MatterId, UserId)>(conn)?,
    );
    Ok(pairs)
}

/// Which of these reminder keys (the outbox's `dedupe_key`s of digests and overdue alerts)
/// are already queued: one query, so a second run on the same day reads nothing per person.
pub fn queued_reminders(conn: &mut DbConn, keys: &[String]) -> Result<Vec<String>, DbError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox_messages::table
        .filter(outbox_messages::dedupe_key.eq_any(keys))
        .select(outbox_messages::dedupe_key.assume_not_null())
        .load(conn)?)
}
