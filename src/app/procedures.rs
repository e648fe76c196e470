//! Dispute procedures and their deadlines: starting one (after the eligibility checks of
//! docs/legal.md §2.3 and §6.4), the procedure's file, what happens in it (events recorded,
//! corrected, removed), its details, closing and reopening it; and, on each deadline, the
//! official date, done or not, who it is assigned to, and the deadlines entered by hand.
//!
//! Lawyers and admins start, close and reopen procedures; any staff member records events,
//! changes the details and works the deadlines; all on an open matter (see [`access`]).
//!
//! [`access`]: crate::app::access

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::app::access::{
    Caller, MatterRights, Principal, visible_deadline, visible_matter, visible_procedure,
};
use crate::app::dossier::ProcedureFile;
use crate::db::{DbConn, DbError};
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::Backorder;
use crate::model::deadlines::{State, Urgency};
use crate::model::domain_name::DomainName;
use crate::model::ids::{ProcedureEventId, UserId};
use crate::model::matter::Matter;
use crate::model::money::{Currency, parse_amount};
use crate::model::paging::{Page, PageRequest};
use crate::model::present;
use crate::model::procedure::{
    Deadline, EligibilityCheck, EventKind, Outcome, Procedure, ProcedureEvent, ProcedureKind,
    ProcedureStatus, provider_time_zone,
};
use crate::repo::procedures::{
    self, NewManualDeadline, NewProcedure, ProcedureChange, check_event_date, parse_country,
};
use crate::repo::{backorders, matters};
use crate::state::AppState;

/// Text that JSON may also send as `null`: an optional member left empty.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A new procedure, as the form or the API gives it (`kind` is required in JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProcedureInput {
    #[schema(value_type = ProcedureKind)]
    pub kind: String,
    /// The names it covers; a text may list several, separated by commas or spaces.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Default: the kind's usual provider.
    #[serde(default, deserialize_with = "text")]
    pub provider: String,
    #[serde(default, deserialize_with = "text")]
    pub case_number: String,
    /// ISO 3166-1 country (`US`) or ISO 3166-2 subdivision (`CA-ON`, `US-AZ`, `GB-SCT`, `DE-BY`) code
    /// of the registrar's principal office; picks the business-day calendar. Blank with
    /// `registrar_iana_id` given: the registrar directory fills it (docs/legal.md §3.3).
    #[serde(default, deserialize_with = "text")]
    pub registrar_country: String,
    /// The registrar's IANA ID (as the registry record gives it): with `registrar_country`
    /// blank, its location comes from the registrar directory (`data/registrars.toml`).
    #[serde(default, deserialize_with = "text")]
    pub registrar_iana_id: String,
    #[serde(default, deserialize_with = "text")]
    pub parties: String,
    #[serde(default, deserialize_with = "text")]
    pub panel: String,
    #[serde(default, deserialize_with = "text")]
    pub fees: String,
    #[serde(default, deserialize_with = "text")]
    pub currency: String,
    #[serde(default, deserialize_with = "text")]
    pub notes: String,
}

/// A procedure's details as changed on its page (its kind and names stay).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProcedureChangeInput {
    /// Empty: the provider stays.
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub case_number: String,
    #[serde(default)]
    pub registrar_country: String,
    #[serde(default)]
    pub parties: String,
    #[serde(default)]
    pub panel: String,
    #[serde(default)]
    pub fees: String,
    #[serde(default)]
    pub currency: String,
    /// Empty: not decided.
    #[serde(default)]
    #[schema(value_type = Option<Outcome>)]
    pub outcome: String,
    /// The panel found reverse domain name hijacking (a checkbox on the page).
    #[serde(default)]
    pub rdnh_finding: bool,
    #[serde(default)]
    pub notes: String,
}

/// An event of a procedure (`kind` and `date` are required in JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    #[schema(value_type = EventKind)]
    pub kind: String,
    /// The date on the provider's notice, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub date: String,
    #[serde(default)]
    pub note: String,
}

/// A recorded event's date and note, corrected.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CorrectionInput {
    #[schema(format = Date)]
    pub date: String,
    #[serde(default)]
    pub note: String,
}

/// The date from the provider's notice; `null` clears it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OfficialInput {
    #[schema(format = Date)]
    pub date: Option<String>,
}

/// Done, or not done after all.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DoneInput {
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub done: bool,
}

fn yes() -> bool {
    true
}

/// Who a deadline goes to: a person of the firm's id, or empty for everyone on the matter.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssignInput {
    #[serde(default)]
    pub assigned_to: String,
}

/// A deadline entered by hand, on a matter or (with `procedure_id`) on one of its procedures.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ManualInput {
    #[serde(default)]
    pub label: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub procedure_id: String,
    #[serde(default)]
    pub assigned_to: String,
    #[serde(default)]
    pub note: String,
}

impl ManualInput {
    /// The procedure the deadline belongs to, if the form names one.
    pub fn procedure(&self) -> Option<&str> {
        Some(self.procedure_id.trim()).filter(|p| !p.is_empty())
    }
}

/// A date as `<input type="date">` sends it; the error names `field`.
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    present::parse_iso_day(raw).ok_or_else(|| {
        AppError::invalid(
            field,
            if raw.trim().is_empty() {
                "Give a date (YYYY-MM-DD).".to_owned()
            } else {
                format!(
                    "'{}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-23.",
                    raw.trim().chars().take(30).collect::<String>()
                )
            },
        )
    })
}

pub(crate) fn parse_kind(raw: &str) -> Result<ProcedureKind, String> {
    raw.trim()
        .parse()
        .map_err(|e: crate::model::types::UnknownValue| e.to_string())
}

pub(crate) fn parse_event_kind(raw: &str) -> Result<EventKind, String> {
    raw.trim()
        .parse()
        .map_err(|e: crate::model::types::UnknownValue| e.to_string())
}

/// Adds an error to `errors`: under its own field, or under `field` when it names none.
fn absorb(errors: &mut FieldErrors, field: &str, e: AppError) {
    if let Err(e) = errors.absorb(e) {
        errors.add(field, e);
    }
}

const MAX_NOTE: usize = 2_000;

/// The terms of a procedure other than its kind and names, as typed.
struct Terms<'a> {
    provider: &'a str,
    case_number: &'a str,
    registrar_country: &'a str,
    registrar_iana_id: &'a str,
    parties: &'a str,
    panel: &'a str,
    fees: &'a str,
    currency: &'a str,
    notes: &'a str,
}

/// The terms, checked: the registrar's country, the fees and their currency.
struct CheckedTerms {
    registrar_country: Option<String>,
    fees_minor: Option<i64>,
    currency: Currency,
}

/// The registrar's location as typed, or, when blank, the one the registrar directory gives for
/// its IANA ID (docs/legal.md §3.3). `None` when it cannot be read, the problem added to
/// `errors`: a bad code on `registrar_country`, an IANA ID the directory does not hold on
/// `registrar_iana_id`, saying what to type instead.
pub(crate) fn registrar_location(
    country: &str,
    iana_id: &str,
    errors: &mut FieldErrors,
) -> Option<Option<String>> {
    if !country.trim().is_empty() || iana_id.trim().is_empty() {
        return parse_country(country)
            .map_err(|e| errors.add("registrar_country", e))
            .ok();
    }
    match crate::model::registrar_directory::location_code(iana_id) {
        Some(code) => Some(Some(code)),
        None => {
            errors.add(
                "registrar_iana_id",
                format!(
                    "reclaim's registrar directory has no registrar with IANA ID '{}': give the registrar's country or subdivision code (US, CA-ON…) instead.",
                    iana_id.trim().chars().take(20).collect::<String>()
                ),
            );
            None
        }
    }
}

fn check_terms(t: &Terms<'_>, errors: &mut FieldErrors) -> Option<CheckedTerms> {
    let country = registrar_location(t.registrar_country, t.registrar_iana_id, errors);
    let fees = if t.fees.trim().is_empty() {
        Some(None)
    } else {
        parse_amount(t.fees)
            .map(Some)
            .map_err(|e| errors.add("fees", e))
            .ok()
    };
    let currency = Currency::parse_or_default(t.currency)
        .map_err(|e| errors.add("currency", e))
        .ok();
    if t.case_number.trim().chars().count() > 60 {
        errors.add("case_number", "A case number is at most 60 characters.");
    }
    for (field, text, max) in [
        ("parties", t.parties, 2_000),
        ("panel", t.panel, 500),
        ("notes", t.notes, 10_000),
        ("provider", t.provider, 60),
    ] {
        if text.trim().chars().count() > max {
            errors.add(field, format!("At most {max} characters."));
        }
    }
    Some(CheckedTerms {
        registrar_country: country?,
        fees_minor: fees?,
        currency: currency?,
    })
}

/// The names a procedure covers, from checkboxes and texts listing several.
fn domain_texts(raw: &[String]) -> impl Iterator<Item = &str> {
    raw.iter()
        .flat_map(|r| r.split([',', '\n', ' ']))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn check_domains(raw: &[String], errors: &mut FieldErrors) -> Vec<DomainName> {
    let mut names = Vec::new();
    for text in domain_texts(raw) {
        match DomainName::parse(text) {
            Ok(name) => names.push(name),
            Err(e) => errors.add("domains", e),
        }
    }
    if names.is_empty() && errors.get("domains").is_none() {
        errors.add("domains", "Name at least one domain the procedure covers.");
    }
    names
}

fn check_note(note: &str, errors: &mut FieldErrors) {
    if note.trim().chars().count() > MAX_NOTE {
        errors.add("note", "A note is at most 2,000 characters.");
    }
}

/// An event's date: a date, not in the future, not before the UDRP existed.
fn event_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let date = parse_date("date", raw)?;
    Ok(check_event_date(date, today)?)
}

/// A procedure with its names, events and deadlines: three queries.
fn file_of(conn: &mut DbConn, procedure: Procedure) -> Result<ProcedureFile, DbError> {
    Ok(ProcedureFile {
        domains: procedures::domains(conn, &procedure.id)?,
        events: procedures::events(conn, &procedure.id)?,
        deadlines: procedures::deadlines_of(conn, &procedure.id)?,
        procedure,
    })
}

// ---- Starting a procedure ----

/// What the new-procedure form offers: the matter's names, every kind (those the names' TLDs
/// allow first) and the eligibility checks asked for.
#[derive(Debug, Clone)]
pub struct NewProcedureForm {
    pub matter: Matter,
    /// The names backordered on the matter.
    pub names: Vec<Backorder>,
    /// Every kind, with whether the matter's TLDs allow it; those allowed come first (a name
    /// may be disputed without being backordered, so every kind stays available).
    pub kinds: Vec<(ProcedureKind, bool)>,
    /// Per name (as people read it), the conditions checked before opening.
    pub checks: Vec<(String, Vec<EligibilityCheck>)>,
}

/// Which names' eligibility checks the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowChecks {
    /// Every name given (coming from a backorder's hint).
    All,
    /// Only the names that fail a condition (a start that was refused).
    Failing,
}

/// The new-procedure form of a matter the user may change; with a kind and names, the
/// conditions that must hold before a procedure of that kind is opened on them.
pub async fn new_form(
    state: &AppState,
    user: &Principal,
    matter_id: &str,
    kind: &str,
    domains: &[String],
    show: ShowChecks,
) -> Result<NewProcedureForm, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(state, user, matter_id).await?;
    user.require_change(&matter)?;
    let policies = state.tld_policies.clone();
    // Names whose TLD reclaim does not know have no check to show.
    let checked: Vec<DomainName> = match parse_kind(kind) {
        Ok(_) => domain_texts(domains)
            .filter_map(|t| DomainName::parse(t).ok())
            .filter(|n| policies.lookup(n.tld()).is_ok())
            .collect(),
        Err(_) => Vec::new(),
    };
    let kind = parse_kind(kind).ok();
    let id = matter.id.clone();
    let (names, checks) = state
        .db
        .run(move |c| {
            let names = backorders::for_matter(c, &id)?;
            let checks = match kind {
                Some(k) if !checked.is_empty() => {
                    procedures::eligibility(c, &policies, k, &checked, procedures::Seen::Firm)?
                }
                _ => Vec::new(),
            };
            Ok::<_, procedures::ProcedureError>((names, checks))
        })
        .await?;
    let checks = match show {
        ShowChecks::All => checks,
        ShowChecks::Failing => checks
            .into_iter()
            .filter(|(_, list)| list.iter().any(EligibilityCheck::failed))
            .collect(),
    };
    let mut offered: Vec<ProcedureKind> = Vec::new();
    for b in &names {
        if let Ok(policy) = state.tld_policies.lookup(&b.tld) {
            for k in policy.procedures {
                if !offered.contains(&k) {
                    offered.push(k);
                }
            }
        }
    }
    let mut kinds: Vec<(ProcedureKind, bool)> = offered.iter().map(|k| (*k, true)).collect();
    kinds.extend(
        ProcedureKind::ALL
            .iter()
            .filter(|k| !offered.contains(k))
            .map(|k| (*k, false)),
    );
    Ok(NewProcedureForm {
        matter,
        names,
        kinds,
        checks,
    })
}

/// Starts a procedure on a matter (lawyers and admins, open matter). Refused on `domains`
/// where the kind does not apply to a name's TLD or a SYRELI condition is known to fail.
pub async fn start(
    state: &AppState,
    caller: &Caller,
    matter_id: &str,
    input: ProcedureInput,
) -> Result<ProcedureFile, AppError> {
    caller.require_lawyer_or_admin()?;
    let matter = visible_matter(state, caller, matter_id).await?;
    caller.require_change(&matter)?;
    let mut errors = FieldErrors::default();
    let kind = parse_kind(&input.kind)
        .map_err(|e| errors.add("kind", e))
        .ok();
    let terms = check_terms(
        &Terms {
            provider: &input.provider,
            case_number: &input.case_number,
            registrar_country: &input.registrar_country,
            registrar_iana_id: &input.registrar_iana_id,
            parties: &input.parties,
            panel: &input.panel,
            fees: &input.fees,
            currency: &input.currency,
            notes: &input.notes,
        },
        &mut errors,
    );
    let domains = check_domains(&input.domains, &mut errors);
    errors.check()?;
    let (Some(kind), Some(terms)) = (kind, terms) else {
        return Err(AppError::BadRequest(
            "The procedure could not be read.".to_owned(),
        ));
    };
    let new = NewProcedure {
        kind,
        provider: input.provider.trim().to_owned(),
        case_number: input.case_number.trim().to_owned(),
        registrar_country: terms.registrar_country,
        domains,
        parties: input.parties.trim().to_owned(),
        panel: input.panel.trim().to_owned(),
        fees_minor: terms.fees_minor,
        currency: terms.currency,
        notes: input.notes.trim().to_owned(),
    };
    let actor = caller.actor(state.clock.now());
    let policies = state.tld_policies.clone();
    Ok(state
        .db
        .run(move |c| {
            let mut new = new;
            // Not typed: the registrar the names' registry answers give, located by the
            // registrar directory (docs/legal.md §3.3).
            if new.registrar_country.is_none() {
                let ids = procedures::registrar_iana_ids(c, &new.domains)?;
                new.registrar_country = crate::model::registrar_directory::location_from_ids(&ids);
            }
            let procedure = procedures::create(c, &actor, &policies, &matter.id, &new)?;
            Ok::<_, procedures::ProcedureError>(file_of(c, procedure)?)
        })
        .await?)
}

// ---- Reading a procedure ----

/// A procedure's page: its file, its matter, what the user may do on it, and the firm's
/// people (deadlines are assigned to them).
#[derive(Debug, Clone)]
pub struct ProcedureView {
    /// The procedure with its names, events (in the order they happened) and deadlines (by
    /// due date). Its internal notes are blank for someone outside the firm.
    pub file: ProcedureFile,
    pub matter: Matter,
    pub rights: MatterRights,
    /// Active staff, by name.
    pub people: Vec<(UserId, String)>,
    pub today: NaiveDate,
}

/// One line of a procedure's timeline.
#[derive(Debug, Clone, Copy)]
pub enum Moment<'a> {
    /// Something that happened.
    Event(&'a ProcedureEvent),
    /// A deadline that applies, on its due day.
    Due(&'a Deadline, NaiveDate),
}

impl ProcedureView {
    pub fn procedure(&self) -> &Procedure {
        &self.file.procedure
    }

    pub fn closed(&self) -> bool {
        self.file.procedure.status == ProcedureStatus::Closed
    }

    /// Record and correct events, work the deadlines: staff, open matter, running procedure.
    pub fn can_record(&self) -> bool {
        self.rights.work && !self.closed()
    }

    /// Close or reopen the procedure: lawyers and admins, open matter.
    pub fn can_manage(&self) -> bool {
        self.rights.change
    }

    /// The name of the person a deadline is assigned to, if any.
    pub fn assignee(&self, d: &Deadline) -> Option<&str> {
        let id = d.assigned_to.as_ref()?;
        self.people
            .iter()
            .find(|(p, _)| p == id)
            .map(|(_, name)| name.as_str())
    }

    /// Where an open deadline sits seen from today; `None` once it is done, met or cancelled.
    pub fn urgency(&self, d: &Deadline) -> Option<Urgency> {
        match (d.is_open(), d.due_on()) {
            (true, Some(due)) => Some(Urgency::of(due, self.today)),
            _ => None,
        }
    }

    /// The IANA zone and city of the provider's seat, for the deadlines its clock runs
    /// (docs/legal.md §3.2); `None` when the seat is not known or the period is the
    /// registrar's, or the firm's own.
    pub fn zone(&self, d: &Deadline) -> Option<(&'static str, &'static str)> {
        provider_time_zone(&self.file.procedure.provider).filter(|_| d.on_provider_clock())
    }

    /// What happened and what is due, by date: on one day, events before deadlines.
    /// Deadlines that no longer apply are left out.
    pub fn timeline(&self) -> Vec<Moment<'_>> {
        let mut moments: Vec<(NaiveDate, u8, Moment<'_>)> = self
            .file
            .events
            .iter()
            .map(|e| (e.occurred_on, 0, Moment::Event(e)))
            .collect();
        for d in &self.file.deadlines {
            if let (Some(due), true) = (d.due_on(), d.state != State::Cancelled) {
                moments.push((due, 1, Moment::Due(d, due)));
            }
        }
        moments.sort_by_key(|(date, order, _)| (*date, *order));
        moments.into_iter().map(|(_, _, m)| m).collect()
    }
}

/// A procedure the user may see, for its page: six queries whatever the number of its
/// events and deadlines.
pub async fn show(state: &AppState, user: &Principal, id: &str) -> Result<ProcedureView, AppError> {
    let (procedure, matter) = visible_procedure(state, user, id).await?;
    let rights = user.rights(&matter);
    let (mut file, people) = state
        .db
        .run(move |c| {
            let people: Vec<(UserId, String)> = matters::firm_people(c)?
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect();
            Ok::<_, DbError>((file_of(c, procedure)?, people))
        })
        .await?;
    // Internal notes stay inside the firm.
    if !rights.staff {
        file.procedure.notes.clear();
    }
    Ok(ProcedureView {
        file,
        matter,
        rights,
        people,
        today: state.clock.now().date_naive(),
    })
}

/// A procedure the user may see, with its names, events and deadlines.
pub async fn file(state: &AppState, user: &Principal, id: &str) -> Result<ProcedureFile, AppError> {
    let (procedure, _) = visible_procedure(state, user, id).await?;
    Ok(state.db.run(move |c| file_of(c, procedure)).await?)
}

/// One page of the procedures of a matter the user may see, newest first (the list the matter
/// page links to when it shows only the newest).
pub async fn of_matter(
    state: &AppState,
    user: &Principal,
    matter_id: &str,
    request: PageRequest,
) -> Result<(Matter, Page<Procedure>), AppError> {
    let matter = visible_matter(state, user, matter_id).await?;
    let id = matter.id.clone();
    let page = state
        .db
        .run(move |c| procedures::page_of_matter(c, &id, &request))
        .await?;
    Ok((matter, page))
}

/// A procedure's deadlines, by date.
pub async fn deadlines(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<Vec<Deadline>, AppError> {
    let (procedure, _) = visible_procedure(state, user, id).await?;
    Ok(state
        .db
        .run(move |c| procedures::deadlines_of(c, &procedure.id))
        .await?)
}

// ---- Changing a procedure ----

/// Changes a procedure's details (staff, open matter); its deadlines are recomputed, the
/// registrar's country and the provider picking the calendars.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: ProcedureChangeInput,
) -> Result<Procedure, AppError> {
    caller.require_staff()?;
    let (procedure, matter) = visible_procedure(state, caller, id).await?;
    caller.require_work(&matter)?;
    let mut errors = FieldErrors::default();
    let outcome = match input.outcome.trim() {
        "" => Some(None),
        text => text
            .parse::<Outcome>()
            .map(Some)
            .map_err(|e| errors.add("outcome", e))
            .ok(),
    };
    let terms = check_terms(
        &Terms {
            provider: &input.provider,
            case_number: &input.case_number,
            registrar_country: &input.registrar_country,
            registrar_iana_id: "",
            parties: &input.parties,
            panel: &input.panel,
            fees: &input.fees,
            currency: &input.currency,
            notes: &input.notes,
        },
        &mut errors,
    );
    errors.check()?;
    let (Some(outcome), Some(terms)) = (outcome, terms) else {
        return Err(AppError::BadRequest(
            "The procedure could not be read.".to_owned(),
        ));
    };
    let change = ProcedureChange {
        provider: match input.provider.trim() {
            "" => procedure.provider.clone(),
            typed => typed.to_owned(),
        },
        case_number: input.case_number.trim().to_owned(),
        registrar_country: terms.registrar_country,
        parties: input.parties.trim().to_owned(),
        panel: input.panel.trim().to_owned(),
        fees_minor: terms.fees_minor,
        currency: terms.currency,
        outcome,
        rdnh_finding: input.rdnh_finding,
        notes: input.notes.trim().to_owned(),
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::update(c, &actor, &procedure.id, &change))
        .await?)
}

async fn set_closed(
    state: &AppState,
    caller: &Caller,
    id: &str,
    closed: bool,
) -> Result<Procedure, AppError> {
    caller.require_lawyer_or_admin()?;
    let (procedure, matter) = visible_procedure(state, caller, id).await?;
    caller.require_change(&matter)?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::set_closed(c, &actor, &procedure.id, closed))
        .await?)
}

/// Closes a procedure by hand (a denied complaint needs no implementation): its deadlines
/// leave the docket.
pub async fn close(state: &AppState, caller: &Caller, id: &str) -> Result<Procedure, AppError> {
    set_closed(state, caller, id, true).await
}

/// Reopens a procedure closed by hand or by its events.
pub async fn reopen(state: &AppState, caller: &Caller, id: &str) -> Result<Procedure, AppError> {
    set_closed(state, caller, id, false).await
}

// ---- Events ----

/// An event just recorded and the procedure's deadlines after the recomputation.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub event: ProcedureEvent,
    pub deadlines: Vec<Deadline>,
}

/// Records an event (staff, open matter, running procedure); every deadline is recomputed.
pub async fn record_event(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: EventInput,
) -> Result<Recorded, AppError> {
    caller.require_staff()?;
    let (procedure, matter) = visible_procedure(state, caller, id).await?;
    caller.require_work(&matter)?;
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    let kind = parse_event_kind(&input.kind)
        .map_err(|e| errors.add("kind", e))
        .ok();
    let date = event_date(&input.date, now.date_naive())
        .map_err(|e| absorb(&mut errors, "date", e))
        .ok();
    check_note(&input.note, &mut errors);
    errors.check()?;
    let (Some(kind), Some(date)) = (kind, date) else {
        return Err(AppError::BadRequest(
            "The event could not be read.".to_owned(),
        ));
    };
    let note = input.note.trim().to_owned();
    let actor = caller.actor(now);
    Ok(state
        .db
        .run(move |c| {
            let event = procedures::record_event(c, &actor, &procedure.id, kind, date, &note)?;
            let deadlines = procedures::deadlines_of(c, &procedure.id)?;
            Ok::<_, procedures::ProcedureError>(Recorded { event, deadlines })
        })
        .await?)
}

/// An event of this procedure, or "not found".
async fn event_of(
    state: &AppState,
    procedure: &Procedure,
    event_id: &str,
) -> Result<ProcedureEvent, AppError> {
    let event_id = ProcedureEventId::parse(event_id).map_err(|_| AppError::not_found("event"))?;
    let procedure_id = procedure.id.clone();
    state
        .db
        .run(move |c| procedures::find_event(c, &event_id))
        .await?
        .filter(|e| e.procedure_id == procedure_id)
        .ok_or_else(|| AppError::not_found("event"))
}

/// Corrects an event's date or note (staff, open matter); everything counted from it is
/// recomputed. Errors name `date` and `note`.
pub async fn correct_event(
    state: &AppState,
    caller: &Caller,
    procedure_id: &str,
    event_id: &str,
    input: CorrectionInput,
) -> Result<ProcedureEvent, AppError> {
    caller.require_staff()?;
    let (procedure, matter) = visible_procedure(state, caller, procedure_id).await?;
    let event = event_of(state, &procedure, event_id).await?;
    caller.require_work(&matter)?;
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    let date = event_date(&input.date, now.date_naive())
        .map_err(|e| absorb(&mut errors, "date", e))
        .ok();
    check_note(&input.note, &mut errors);
    errors.check()?;
    let Some(date) = date else {
        return Err(AppError::BadRequest(
            "The date could not be read.".to_owned(),
        ));
    };
    let note = input.note.trim().to_owned();
    let actor = caller.actor(now);
    Ok(state
        .db
        .run(move |c| procedures::update_event(c, &actor, &event.id, date, &note))
        .await?)
}

/// Removes an event recorded by mistake (staff, open matter); deadlines counted from it go.
pub async fn delete_event(
    state: &AppState,
    caller: &Caller,
    procedure_id: &str,
    event_id: &str,
) -> Result<ProcedureEvent, AppError> {
    caller.require_staff()?;
    let (procedure, matter) = visible_procedure(state, caller, procedure_id).await?;
    let event = event_of(state, &procedure, event_id).await?;
    caller.require_work(&matter)?;
    let actor = caller.actor(state.clock.now());
    let id = event.id.clone();
    state
        .db
        .run(move |c| procedures::delete_event(c, &actor, &id))
        .await?;
    Ok(event)
}

// ---- Deadlines ----

/// A deadline the caller may work on: staff, on an open matter.
async fn workable(state: &AppState, caller: &Caller, id: &str) -> Result<Deadline, AppError> {
    caller.require_staff()?;
    let (deadline, matter) = visible_deadline(state, caller, id).await?;
    caller.require_work(&matter)?;
    Ok(deadline)
}

/// Enters (or clears) the date from the provider's notice; it replaces the computed date here
/// and in every count that starts from it. Errors name `date`.
pub async fn set_official(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: OfficialInput,
) -> Result<Deadline, AppError> {
    let deadline = workable(state, caller, id).await?;
    let date = match &input.date {
        Some(text) => Some(parse_date("date", text)?),
        None => None,
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::set_official_date(c, &actor, &deadline.id, date))
        .await?)
}

/// Marks a deadline done, or not done after all.
pub async fn set_done(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: DoneInput,
) -> Result<Deadline, AppError> {
    let deadline = workable(state, caller, id).await?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::set_done(c, &actor, &deadline.id, input.done))
        .await?)
}

/// Assigns a deadline to a person of the firm, or back to everyone on the matter.
pub async fn assign(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: AssignInput,
) -> Result<Deadline, AppError> {
    let deadline = workable(state, caller, id).await?;
    let assignee = match input.assigned_to.trim() {
        "" => None,
        text => Some(
            UserId::parse(text)
                .map_err(|_| AppError::BadRequest("Choose a person from the list.".to_owned()))?,
        ),
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::assign(c, &actor, &deadline.id, assignee.as_ref()))
        .await?)
}

/// Removes a deadline entered by hand (a computed one follows its events); returns it as it
/// was.
pub async fn remove_manual(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Deadline, AppError> {
    let deadline = workable(state, caller, id).await?;
    let actor = caller.actor(state.clock.now());
    let did = deadline.id.clone();
    state
        .db
        .run(move |c| procedures::remove_manual(c, &actor, &did))
        .await?;
    Ok(deadline)
}

/// Adds a deadline by hand (staff, open matter). Errors name the fields of [`ManualInput`].
pub async fn add_manual(
    state: &AppState,
    caller: &Caller,
    matter_id: &str,
    input: ManualInput,
) -> Result<Deadline, AppError> {
    let matter = visible_matter(state, caller, matter_id).await?;
    caller.require_work(&matter)?;
    let procedure_id = match input.procedure() {
        None => None,
        Some(p) => {
            let (procedure, _) = visible_procedure(state, caller, p).await?;
            if procedure.matter_id != matter.id {
                return Err(AppError::not_found("procedure"));
            }
            Some(procedure.id)
        }
    };
    let mut errors = FieldErrors::default();
    let label: String = input.label.trim().chars().take(300).collect();
    if label.is_empty() {
        errors.add("label", procedures::ProcedureError::NoLabel);
    }
    let due_on = parse_date("due_on", &input.due_on)
        .map_err(|e| errors.add("due_on", e))
        .ok();
    errors.check()?;
    let Some(due_on) = due_on else {
        return Err(AppError::BadRequest(
            "The due date could not be read.".to_owned(),
        ));
    };
    let new = NewManualDeadline {
        procedure_id,
        label,
        due_on,
        assigned_to: UserId::parse(input.assigned_to.trim()).ok(),
        note: input.note.trim().chars().take(2_000).collect(),
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::add_manual(c, &actor, &matter.id, &new))
        .await?)
}
