//! Dispute procedures: starting one on a matter (with the SYRELI eligibility check), the
//! procedure page (events, deadlines, timeline), and what paralegals do on it: record and correct
//! events, enter official dates, assign and mark deadlines done.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::access::{Principal, visible_deadline, visible_matter, visible_procedure};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::deadlines::{State, Urgency};
use crate::model::domain_name::DomainName;
use crate::model::ids::{ProcedureEventId, UserId};
use crate::model::matter::{Matter, MatterStatus};
use crate::model::money::{Currency, format_money, parse_amount};
use crate::model::procedure::{
    Deadline, EligibilityCheck, EventKind, Outcome, ProcedureKind, ProcedureStatus,
    provider_calendar, provider_time_zone,
};
use crate::repo::procedures::{
    self, NewProcedure, ProcedureChange, ProcedureError, check_event_date, parse_country,
};
use crate::repo::{backorders, matters};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::{Choice, ManualValues, calendar_label};
use crate::web::{Layout, actor, render_status, safe_next, see_other};

/// A repository error as the web edge reports it.
pub fn procedure_error(e: ProcedureError) -> AppError {
    e.into()
}

pub use crate::app::procedures::parse_date;

pub fn parse_kind(raw: &str) -> Result<ProcedureKind, AppError> {
    raw.trim()
        .parse()
        .map_err(|e: crate::model::types::UnknownValue| AppError::invalid("kind", e.to_string()))
}

pub fn parse_event_kind(raw: &str) -> Result<EventKind, AppError> {
    raw.trim()
        .parse()
        .map_err(|e: crate::model::types::UnknownValue| AppError::invalid("kind", e.to_string()))
}

use crate::model::present::weekday as show_day;

/// What a new-procedure form or API call gives, before checking.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProcedureInput {
    #[serde(default)]
    pub kind: String,
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
    #[serde(default)]
    pub notes: String,
}

/// Checks the parts of a procedure other than its names; problems go to `errors`.
pub fn check_procedure_terms(
    input: &ProcedureInput,
    errors: &mut FieldErrors,
) -> Option<(ProcedureKind, Option<String>, Option<i64>, Currency)> {
    let kind = parse_kind(&input.kind)
        .map_err(|e| {
            let _ = errors.absorb(e);
        })
        .ok();
    let country = parse_country(&input.registrar_country)
        .map_err(|e| errors.add("registrar_country", e))
        .ok();
    let fees = if input.fees.trim().is_empty() {
        Some(None)
    } else {
        parse_amount(&input.fees)
            .map(Some)
            .map_err(|e| errors.add("fees", e))
            .ok()
    };
    let currency = if input.currency.trim().is_empty() {
        Some(Currency::default())
    } else {
        Currency::parse(&input.currency)
            .map_err(|e| errors.add("currency", e))
            .ok()
    };
    if input.case_number.trim().chars().count() > 60 {
        errors.add("case_number", "A case number is at most 60 characters.");
    }
    for (field, text, max) in [
        ("parties", &input.parties, 2_000),
        ("panel", &input.panel, 500),
        ("notes", &input.notes, 10_000),
        ("provider", &input.provider, 60),
    ] {
        if text.trim().chars().count() > max {
            errors.add(field, format!("At most {max} characters."));
        }
    }
    match (kind, country, fees, currency) {
        (Some(k), Some(c), Some(f), Some(cur)) if errors.is_empty() => Some((k, c, f, cur)),
        _ => None,
    }
}

/// Checks the names a procedure covers.
pub fn check_domains(raw: &[String], errors: &mut FieldErrors) -> Vec<DomainName> {
    let mut names = Vec::new();
    for text in raw.iter().flat_map(|r| r.split([',', '\n', ' '])) {
        if text.trim().is_empty() {
            continue;
        }
        match DomainName::parse(text.trim()) {
            Ok(name) => names.push(name),
            Err(e) => errors.add("domains", e),
        }
    }
    if names.is_empty() && errors.get("domains").is_none() {
        errors.add("domains", "Name at least one domain the procedure covers.");
    }
    names
}

pub fn new_procedure(
    input: &ProcedureInput,
    domains: Vec<DomainName>,
    terms: (ProcedureKind, Option<String>, Option<i64>, Currency),
) -> NewProcedure {
    let (kind, registrar_country, fees_minor, currency) = terms;
    NewProcedure {
        kind,
        provider: input.provider.trim().to_owned(),
        case_number: input.case_number.trim().to_owned(),
        registrar_country,
        domains,
        parties: input.parties.trim().to_owned(),
        panel: input.panel.trim().to_owned(),
        fees_minor,
        currency,
        notes: input.notes.trim().to_owned(),
    }
}

pub struct NameChoice {
    pub domain: String,
    pub unicode: String,
    pub checked: bool,
}

pub struct CheckRow {
    pub domain: String,
    pub passed: String,
    pub message: String,
}

fn check_rows(checks: &[(String, Vec<EligibilityCheck>)]) -> Vec<CheckRow> {
    checks
        .iter()
        .flat_map(|(domain, list)| {
            list.iter().map(move |c| CheckRow {
                domain: domain.clone(),
                passed: match c.passed {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "verify",
                }
                .to_owned(),
                message: c.message.clone(),
            })
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "procedures/new.html")]
struct NewProcedurePage {
    layout: Layout,
    matter_id: String,
    matter_reference: String,
    matter_title: String,
    kinds: Vec<Choice>,
    providers: Vec<Choice>,
    names: Vec<NameChoice>,
    other_domains: String,
    values: ProcedureInput,
    checks: Vec<CheckRow>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct NewProcedureQuery {
    kind: Option<String>,
    domain: Option<String>,
}

fn every_provider() -> Vec<Choice> {
    let mut all: Vec<&str> = ProcedureKind::ALL
        .iter()
        .flat_map(|k| k.providers().iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all.into_iter()
        .map(|p| Choice {
            value: p.to_owned(),
            label: format!("{p} (calendar {})", provider_calendar(p)),
            selected: false,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    matter: &Matter,
    values: ProcedureInput,
    chosen: Vec<String>,
    other_domains: String,
    checks: Vec<(String, Vec<EligibilityCheck>)>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let matter_id = matter.id.clone();
    let names = state
        .db
        .run(move |c| backorders::for_matter(c, &matter_id))
        .await?;
    // The kinds the matter's TLDs allow come first; every kind stays available (a name may be
    // disputed without being backordered).
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
    let mut kinds: Vec<Choice> = offered
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: format!("{} (applies to this matter's names)", k.label()),
            selected: false,
        })
        .collect();
    kinds.extend(
        ProcedureKind::ALL
            .iter()
            .filter(|k| !offered.contains(k))
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
                selected: false,
            }),
    );
    render_status(
        status,
        &NewProcedurePage {
            layout: Layout::for_user(
                user,
                format!("New procedure · {}", matter.reference),
                "matters",
            ),
            matter_id: matter.id.to_string(),
            matter_reference: matter.reference.clone(),
            matter_title: matter.title.clone(),
            kinds,
            providers: every_provider(),
            names: names
                .iter()
                .map(|b| NameChoice {
                    domain: b.domain.clone(),
                    unicode: b.unicode.clone(),
                    checked: chosen.contains(&b.domain) || chosen.contains(&b.unicode),
                })
                .collect(),
            other_domains,
            values,
            checks: check_rows(&checks),
            errors,
        },
    )
}

#[get("/matters/{id}/procedures/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    query: web::Query<NewProcedureQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    if matter.status == MatterStatus::Closed {
        return Err(AppError::Conflict(format!(
            "Matter {} is closed; reopen it to start a procedure.",
            matter.reference
        )));
    }
    let kind = query.kind.clone().unwrap_or_default();
    let chosen: Vec<String> = query.domain.iter().cloned().collect();
    // Coming from a backorder's hint: run the eligibility check at once.
    let mut checks = Vec::new();
    if let (Ok(k), Some(domain)) = (kind.parse::<ProcedureKind>(), &query.domain) {
        if let Ok(name) = DomainName::parse(domain) {
            let policies = state.tld_policies.clone();
            checks = state
                .db
                .run(move |c| procedures::eligibility(c, &policies, k, &[name]))
                .await
                .unwrap_or_default();
        }
    }
    let values = ProcedureInput {
        kind,
        currency: "EUR".to_owned(),
        ..ProcedureInput::default()
    };
    new_page(
        &state,
        &user,
        &matter,
        values,
        chosen,
        String::new(),
        checks,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Reads a form that may repeat a field (`domains` checkboxes).
fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[post("/matters/{id}/procedures")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let fields = form.into_inner();
    let input = ProcedureInput {
        kind: field(&fields, "kind"),
        provider: field(&fields, "provider"),
        case_number: field(&fields, "case_number"),
        registrar_country: field(&fields, "registrar_country"),
        parties: field(&fields, "parties"),
        panel: field(&fields, "panel"),
        fees: field(&fields, "fees"),
        currency: field(&fields, "currency"),
        notes: field(&fields, "notes"),
    };
    let chosen: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "domains")
        .map(|(_, v)| v.clone())
        .collect();
    let other = field(&fields, "other_domains");
    let mut errors = FieldErrors::default();
    let terms = check_procedure_terms(&input, &mut errors);
    let mut all = chosen.clone();
    all.push(other.clone());
    let domains = check_domains(&all, &mut errors);
    let mut checks = Vec::new();
    if let (Some(terms), true) = (terms, errors.is_empty()) {
        let kind = terms.0;
        let new = new_procedure(&input, domains.clone(), terms);
        let actor = actor(&user, &meta, state.clock.now());
        let (policies, matter_id) = (state.tld_policies.clone(), matter.id.clone());
        let result = state
            .db
            .run(move |c| procedures::create(c, &actor, &policies, &matter_id, &new))
            .await;
        match result {
            Ok(procedure) => {
                session::flash(
                    &user.session,
                    "success",
                    format!(
                        "{} started. Record its events (complaint filed, commenced…) and reclaim computes the deadlines.",
                        procedure.title()
                    ),
                );
                return Ok(see_other(&format!("/procedures/{}", procedure.id)));
            }
            Err(ProcedureError::Ineligible {
                domain,
                checks: failed,
                ..
            }) => {
                errors.add(
                    "domains",
                    format!(
                        "{} cannot be opened on {domain}: see the checks below.",
                        kind.label()
                    ),
                );
                checks.push((domain, failed));
            }
            Err(e) => errors.absorb(procedure_error(e))?,
        }
    }
    new_page(
        &state,
        &user,
        &matter,
        input,
        chosen,
        other,
        checks,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub struct EventRow {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub date: String,
    pub note: String,
    /// What the row's correction form shows: the event as it is, or what was typed.
    pub correction: EventValues,
    /// The correction was sent back with errors: they are this row's.
    pub sent_back: bool,
}

pub struct DeadlineRow {
    pub id: String,
    pub rule: String,
    pub label: String,
    pub due_on: String,
    pub due_on_iso: String,
    pub computed_on: String,
    pub official_on: String,
    pub official_on_iso: String,
    pub calendar: String,
    pub basis: String,
    pub party: String,
    pub source: String,
    pub to_verify: bool,
    pub status: String,
    pub status_label: String,
    pub urgency: String,
    pub manual: bool,
    pub open: bool,
    pub assignee_id: String,
    pub assignee: String,
    /// The IANA zone whose day the due date is (the provider's seat), and the seat's city; empty
    /// when unknown or when the registrar's clock runs the period.
    pub zone: String,
    pub zone_city: String,
}

impl DeadlineRow {
    pub fn new(d: &Deadline, today: NaiveDate, people: &[(UserId, String)]) -> Self {
        let due = d.due_on();
        let open = d.is_open();
        Self {
            id: d.id.to_string(),
            rule: d.rule_label().to_owned(),
            label: d.label.clone(),
            due_on: due.map(show_day).unwrap_or_default(),
            due_on_iso: due.map(|x| x.to_string()).unwrap_or_default(),
            computed_on: d.computed_on.map(show_day).unwrap_or_default(),
            official_on: d.official_on.map(show_day).unwrap_or_default(),
            official_on_iso: d.official_on.map(|x| x.to_string()).unwrap_or_default(),
            calendar: d.calendar.clone(),
            basis: d.basis.clone(),
            party: d.party().to_owned(),
            source: d.source().to_owned(),
            to_verify: d.to_verify(),
            status: d.status().to_owned(),
            status_label: if d.done_at.is_some() {
                "done".to_owned()
            } else {
                d.state.label().to_owned()
            },
            urgency: match (open, due) {
                (true, Some(due)) => Urgency::of(due, today).as_str().to_owned(),
                _ => "closed".to_owned(),
            },
            manual: d.is_manual(),
            open,
            assignee_id: d
                .assigned_to
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_default(),
            assignee: d
                .assigned_to
                .as_ref()
                .and_then(|u| people.iter().find(|(id, _)| id == u))
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            zone: String::new(),
            zone_city: String::new(),
        }
    }

    /// Whether the period runs on the provider's clock. Not for a period counted on the
    /// registrar's business days (Policy 4(k)), nor for a task the firm entered by hand: the
    /// provider's zone does not say when those days end.
    fn provider_clock(d: &Deadline) -> bool {
        !d.is_manual() && !d.basis.contains("counted on the registrar's")
    }
}

/// One line of a procedure's timeline: what happened and what is due, in date order.
pub struct TimelineItem {
    pub date: String,
    pub what: String,
    pub label: String,
    pub detail: String,
    pub urgency: String,
}

pub struct PersonChoice {
    pub id: String,
    pub name: String,
}

#[derive(Default)]
pub struct EventValues {
    pub kind: String,
    pub date: String,
    pub note: String,
}

/// What the procedure page's forms show when one is sent back with errors; blank otherwise.
#[derive(Default)]
pub struct ProcedureForms {
    /// `None`: a blank event dated today.
    pub event: Option<EventValues>,
    pub manual: ManualValues,
    /// `None`: the procedure's own details.
    pub details: Option<DetailsValues>,
    /// The event whose correction was sent back, and what was typed.
    pub correction: Option<(String, EventValues)>,
}

/// What the form changing a procedure's details shows.
pub struct DetailsValues {
    pub provider: String,
    pub case_number: String,
    pub registrar_country: String,
    pub parties: String,
    pub panel: String,
    pub fees: String,
    pub currency: String,
    pub outcome: String,
    pub rdnh: bool,
    pub notes: String,
    /// Sent back with errors: the form is shown open.
    pub sent_back: bool,
}

#[derive(askama::Template)]
#[template(path = "procedures/show.html")]
struct ProcedurePage {
    layout: Layout,
    id: String,
    matter_id: String,
    matter_reference: String,
    matter_title: String,
    title: String,
    kind: String,
    kind_label: String,
    provider: String,
    provider_calendar: String,
    /// The provider seat's IANA zone and city; empty when not known.
    provider_zone: String,
    provider_city: String,
    case_number: String,
    registrar_country: String,
    registrar_calendar: String,
    registrar_calendar_known: bool,
    status: String,
    status_label: String,
    outcome_label: String,
    rdnh: bool,
    parties: String,
    panel: String,
    fees: String,
    notes: String,
    names: Vec<(String, Option<String>)>,
    events: Vec<EventRow>,
    deadlines: Vec<DeadlineRow>,
    timeline: Vec<TimelineItem>,
    event_kinds: Vec<Choice>,
    outcomes: Vec<Choice>,
    providers: Vec<Choice>,
    people: Vec<PersonChoice>,
    is_staff: bool,
    can_change: bool,
    can_manage: bool,
    closed: bool,
    matter_open: bool,
    event: EventValues,
    manual: ManualValues,
    details: DetailsValues,
    errors: FieldErrors,
    back: String,
}

/// The procedure page; `forms` is what its forms show.
async fn procedure_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    forms: ProcedureForms,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ProcedureForms {
        event,
        manual,
        details,
        mut correction,
    } = forms;
    let event = event.unwrap_or_else(|| EventValues {
        date: state.clock.now().date_naive().to_string(),
        ..EventValues::default()
    });
    let (procedure, matter) = visible_procedure(state, user, id).await?;
    let pid = procedure.id.clone();
    let (names, events, deadlines, people) = state
        .db
        .run(move |c| {
            let people: Vec<(UserId, String)> = matters::firm_people(c)?
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect();
            Ok::<_, DbError>((
                procedures::domains(c, &pid)?,
                procedures::events(c, &pid)?,
                procedures::deadlines_of(c, &pid)?,
                people,
            ))
        })
        .await?;
    let today = state.clock.now().date_naive();
    let staff = user.is_staff();
    let zone = provider_time_zone(&procedure.provider);
    let deadline_rows: Vec<DeadlineRow> = deadlines
        .iter()
        .map(|d| {
            let mut row = DeadlineRow::new(d, today, &people);
            if let (Some((id, city)), true) = (zone, DeadlineRow::provider_clock(d)) {
                row.zone = id.to_owned();
                row.zone_city = city.to_owned();
            }
            row
        })
        .collect();
    let mut timeline: Vec<(NaiveDate, u8, TimelineItem)> = events
        .iter()
        .map(|e| {
            (
                e.occurred_on,
                0,
                TimelineItem {
                    date: show_day(e.occurred_on),
                    what: "event".to_owned(),
                    label: e.kind.label().to_owned(),
                    detail: e.note.clone(),
                    urgency: String::new(),
                },
            )
        })
        .collect();
    for (d, row) in deadlines.iter().zip(&deadline_rows) {
        if let (Some(due), true) = (d.due_on(), d.state != State::Cancelled) {
            timeline.push((
                due,
                1,
                TimelineItem {
                    date: show_day(due),
                    what: "deadline".to_owned(),
                    label: format!("{} ({})", d.label, row.rule),
                    detail: row.status_label.clone(),
                    urgency: row.urgency.clone(),
                },
            ));
        }
    }
    timeline.sort_by_key(|(date, order, _)| (*date, *order));
    let (registrar_calendar, known) = procedure.registrar_calendar();
    let matter_open = matter.status == MatterStatus::Open;
    let closed = procedure.status == ProcedureStatus::Closed;
    let details = details.unwrap_or_else(|| DetailsValues {
        provider: procedure.provider.clone(),
        case_number: procedure.case_number.clone(),
        registrar_country: procedure.registrar_country.clone().unwrap_or_default(),
        parties: procedure.parties.clone(),
        panel: procedure.panel.clone(),
        fees: procedure
            .fees_minor
            .map(|f| crate::model::money::format_plain(f))
            .unwrap_or_default(),
        currency: procedure.currency.clone(),
        outcome: procedure
            .outcome
            .map(|o| o.as_str().to_owned())
            .unwrap_or_default(),
        rdnh: procedure.rdnh_finding,
        notes: if staff {
            procedure.notes.clone()
        } else {
            String::new()
        },
        sent_back: false,
    });
    render_status(
        status,
        &ProcedurePage {
            layout: Layout::for_user(
                user,
                format!("{} · {}", procedure.title(), matter.reference),
                "matters",
            ),
            id: procedure.id.to_string(),
            matter_id: matter.id.to_string(),
            matter_reference: matter.reference.clone(),
            matter_title: matter.title.clone(),
            title: procedure.title(),
            kind: procedure.kind.as_str().to_owned(),
            kind_label: procedure.kind.label().to_owned(),
            provider: procedure.provider.clone(),
            provider_calendar: calendar_label(provider_calendar(&procedure.provider)),
            provider_zone: zone.map(|z| z.0.to_owned()).unwrap_or_default(),
            provider_city: zone.map(|z| z.1.to_owned()).unwrap_or_default(),
            case_number: procedure.case_number.clone(),
            registrar_country: procedure.registrar_country.clone().unwrap_or_default(),
            registrar_calendar: calendar_label(registrar_calendar),
            registrar_calendar_known: known,
            status: procedure.status.as_str().to_owned(),
            status_label: procedure.status.label().to_owned(),
            outcome_label: procedure
                .outcome
                .map(|o| o.label().to_owned())
                .unwrap_or_default(),
            rdnh: procedure.rdnh_finding,
            parties: procedure.parties.clone(),
            panel: procedure.panel.clone(),
            fees: procedure
                .fees_minor
                .map(|f| format_money(f, &procedure.currency))
                .unwrap_or_default(),
            // Internal notes stay inside the firm.
            notes: if staff {
                procedure.notes.clone()
            } else {
                String::new()
            },
            names: names
                .iter()
                .map(|n| {
                    (
                        n.unicode.clone(),
                        n.backorder_id.as_ref().map(|b| b.to_string()),
                    )
                })
                .collect(),
            events: events
                .iter()
                .map(|e| {
                    let typed = correction.take_if(|(id, _)| *id == e.id.as_str());
                    EventRow {
                        id: e.id.to_string(),
                        kind: e.kind.as_str().to_owned(),
                        label: e.kind.label().to_owned(),
                        date: show_day(e.occurred_on),
                        note: e.note.clone(),
                        sent_back: typed.is_some(),
                        correction: typed.map(|(_, v)| v).unwrap_or_else(|| EventValues {
                            kind: e.kind.as_str().to_owned(),
                            date: e.occurred_on.to_string(),
                            note: e.note.clone(),
                        }),
                    }
                })
                .collect(),
            deadlines: deadline_rows,
            timeline: timeline.into_iter().map(|(_, _, t)| t).collect(),
            event_kinds: EventKind::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().to_owned(),
                    label: k.label().to_owned(),
                    selected: false,
                })
                .collect(),
            outcomes: Outcome::ALL
                .iter()
                .map(|o| Choice {
                    value: o.as_str().to_owned(),
                    label: o.label().to_owned(),
                    selected: false,
                })
                .collect(),
            providers: every_provider(),
            people: people
                .into_iter()
                .map(|(id, name)| PersonChoice {
                    id: id.to_string(),
                    name,
                })
                .collect(),
            is_staff: staff,
            can_change: staff && matter_open && !closed,
            can_manage: matter_open && user.require_lawyer_or_admin().is_ok(),
            closed,
            matter_open,
            event,
            manual,
            details,
            errors,
            back: format!("/procedures/{}", procedure.id),
        },
    )
}

#[get("/procedures/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    procedure_page(
        &state,
        &user,
        &id,
        ProcedureForms::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct EventForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

fn check_event(
    form: &EventForm,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<(EventKind, NaiveDate, String)> {
    let kind = parse_event_kind(&form.kind).map_err(|e| {
        let _ = errors.absorb(e);
    });
    let date = parse_date("date", &form.date)
        .and_then(|d| check_event_date(d, today).map_err(procedure_error))
        .map_err(|e| {
            let _ = errors.absorb(e);
        });
    if form.note.trim().chars().count() > 2_000 {
        errors.add("note", "A note is at most 2,000 characters.");
    }
    match (kind, date) {
        (Ok(k), Ok(d)) if errors.is_empty() => Some((k, d, form.note.trim().to_owned())),
        _ => None,
    }
}

#[post("/procedures/{id}/events")]
pub async fn record_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (procedure, _) = visible_procedure(&state, &user, &id).await?;
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    if let Some((kind, date, note)) = check_event(&form, now.date_naive(), &mut errors) {
        let actor = actor(&user, &meta, now);
        let pid = procedure.id.clone();
        match state
            .db
            .run(move |c| procedures::record_event(c, &actor, &pid, kind, date, &note))
            .await
        {
            Ok(_) => {
                session::flash(
                    &user.session,
                    "success",
                    format!("{} recorded; the deadlines were recomputed.", kind.label()),
                );
                return Ok(see_other(&format!("/procedures/{}", procedure.id)));
            }
            Err(e) => errors.absorb(procedure_error(e))?,
        }
    }
    let values = EventValues {
        kind: form.kind.clone(),
        date: form.date.clone(),
        note: form.note.clone(),
    };
    let forms = ProcedureForms {
        event: Some(values),
        ..ProcedureForms::default()
    };
    procedure_page(
        &state,
        &user,
        &id,
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn event_of(
    state: &AppState,
    user: &Principal,
    procedure_id: &str,
    event_id: &str,
) -> Result<ProcedureEventId, AppError> {
    let (procedure, _) = visible_procedure(state, user, procedure_id).await?;
    let event_id = ProcedureEventId::parse(event_id).map_err(|_| AppError::not_found("event"))?;
    let id = event_id.clone();
    let event = state
        .db
        .run(move |c| procedures::find_event(c, &id))
        .await?
        .filter(|e| e.procedure_id == procedure.id)
        .ok_or_else(|| AppError::not_found("event"))?;
    Ok(event.id)
}

#[post("/procedures/{id}/events/{event_id}")]
pub async fn update_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (id, event_id) = path.into_inner();
    let event_id = event_of(&state, &user, &id, &event_id).await?;
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    // Errors are keyed `correction_…`: the page's other event form has the same fields.
    let date = parse_date("date", &form.date)
        .map_err(|e| {
            let _ = prefixed("correction", &mut errors, e);
        })
        .ok();
    if form.note.trim().chars().count() > 2_000 {
        errors.add("correction_note", "A note is at most 2,000 characters.");
    }
    if let (Some(date), true) = (date, errors.is_empty()) {
        let note = form.note.trim().to_owned();
        let actor = actor(&user, &meta, now);
        let eid = event_id.clone();
        match state
            .db
            .run(move |c| procedures::update_event(c, &actor, &eid, date, &note))
            .await
        {
            Ok(event) => {
                session::flash(
                    &user.session,
                    "success",
                    format!(
                        "{} is now dated {}; everything counted from it was recomputed.",
                        event.kind.label(),
                        show_day(event.occurred_on)
                    ),
                );
                return Ok(see_other(&format!("/procedures/{id}")));
            }
            Err(e) => prefixed("correction", &mut errors, procedure_error(e))?,
        }
    }
    let form = form.into_inner();
    let forms = ProcedureForms {
        correction: Some((
            event_id.to_string(),
            EventValues {
                kind: form.kind,
                date: form.date,
                note: form.note,
            },
        )),
        ..ProcedureForms::default()
    };
    procedure_page(
        &state,
        &user,
        &id,
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/procedures/{id}/events/{event_id}/delete")]
pub async fn delete_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (id, event_id) = path.into_inner();
    let event_id = event_of(&state, &user, &id, &event_id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    state
        .db
        .run(move |c| procedures::delete_event(c, &actor, &event_id))
        .await
        .map_err(procedure_error)?;
    session::flash(
        &user.session,
        "success",
        "Event removed; the deadlines were recomputed.",
    );
    Ok(see_other(&format!("/procedures/{id}")))
}

#[post("/procedures/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (procedure, _) = visible_procedure(&state, &user, &id).await?;
    let fields = form.into_inner();
    let input = ProcedureInput {
        kind: procedure.kind.as_str().to_owned(),
        provider: field(&fields, "provider"),
        case_number: field(&fields, "case_number"),
        registrar_country: field(&fields, "registrar_country"),
        parties: field(&fields, "parties"),
        panel: field(&fields, "panel"),
        fees: field(&fields, "fees"),
        currency: field(&fields, "currency"),
        notes: field(&fields, "notes"),
    };
    let mut errors = FieldErrors::default();
    let outcome_text = field(&fields, "outcome");
    let outcome = if outcome_text.trim().is_empty() {
        None
    } else {
        match outcome_text.trim().parse::<Outcome>() {
            Ok(o) => Some(o),
            Err(e) => {
                errors.add("outcome", e);
                None
            }
        }
    };
    let terms = check_procedure_terms(&input, &mut errors);
    if let (Some((_, country, fees, currency)), true) = (terms, errors.is_empty()) {
        let change = ProcedureChange {
            provider: if input.provider.trim().is_empty() {
                procedure.provider.clone()
            } else {
                input.provider.trim().to_owned()
            },
            case_number: input.case_number.trim().to_owned(),
            registrar_country: country,
            parties: input.parties.trim().to_owned(),
            panel: input.panel.trim().to_owned(),
            fees_minor: fees,
            currency,
            outcome,
            rdnh_finding: field(&fields, "rdnh_finding") == "yes",
            notes: input.notes.trim().to_owned(),
        };
        let actor = actor(&user, &meta, state.clock.now());
        let pid = procedure.id.clone();
        match state
            .db
            .run(move |c| procedures::update(c, &actor, &pid, &change))
            .await
        {
            Ok(_) => {
                session::flash(&user.session, "success", "Procedure saved.");
                return Ok(see_other(&format!("/procedures/{}", procedure.id)));
            }
            Err(e) => errors.absorb(procedure_error(e))?,
        }
    }
    let details = DetailsValues {
        provider: input.provider,
        case_number: input.case_number,
        registrar_country: input.registrar_country,
        parties: input.parties,
        panel: input.panel,
        fees: input.fees,
        currency: input.currency,
        outcome: outcome_text,
        rdnh: field(&fields, "rdnh_finding") == "yes",
        notes: input.notes,
        sent_back: true,
    };
    let forms = ProcedureForms {
        details: Some(details),
        ..ProcedureForms::default()
    };
    procedure_page(
        &state,
        &user,
        &id,
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn set_closed(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    id: &str,
    closed: bool,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let (procedure, _) = visible_procedure(state, user, id).await?;
    let actor = actor(user, meta, state.clock.now());
    let pid = procedure.id.clone();
    let after = state
        .db
        .run(move |c| procedures::set_closed(c, &actor, &pid, closed))
        .await
        .map_err(procedure_error)?;
    session::flash(
        &user.session,
        "success",
        if closed {
            format!(
                "{} closed; its deadlines left the dashboard.",
                after.title()
            )
        } else {
            format!("{} reopened.", after.title())
        },
    );
    Ok(see_other(&format!("/procedures/{}", procedure.id)))
}

#[post("/procedures/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_closed(&state, &user, &meta, &id, true).await
}

#[post("/procedures/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_closed(&state, &user, &meta, &id, false).await
}

/// Where to go back to after a deadline action: the page the form was on.
#[derive(Deserialize)]
pub struct DeadlineForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    official_on: String,
    #[serde(default)]
    assigned_to: String,
}

fn back_to(form: &DeadlineForm, fallback: String) -> String {
    if form.back.trim().is_empty() {
        fallback
    } else {
        safe_next(Some(form.back.trim()))
    }
}

fn deadline_home(d: &Deadline) -> String {
    match &d.procedure_id {
        Some(p) => format!("/procedures/{p}"),
        None => format!("/matters/{}", d.matter_id),
    }
}

#[post("/deadlines/{id}/official")]
pub async fn set_official(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (deadline, _) = visible_deadline(&state, &user, &id).await?;
    let date = if form.official_on.trim().is_empty() {
        None
    } else {
        Some(
            parse_date("official_on", &form.official_on).map_err(|e| match e {
                AppError::Invalid { message, .. } => {
                    AppError::BadRequest(format!("Official date: {message}"))
                }
                other => other,
            })?,
        )
    };
    let actor = actor(&user, &meta, state.clock.now());
    let did = deadline.id.clone();
    let after = state
        .db
        .run(move |c| procedures::set_official_date(c, &actor, &did, date))
        .await
        .map_err(procedure_error)?;
    session::flash(
        &user.session,
        "success",
        match date {
            Some(d) => format!(
                "{}: official date {} entered; later deadlines were recomputed from it.",
                after.label,
                show_day(d)
            ),
            None => format!("{}: back to the computed date.", after.label),
        },
    );
    Ok(see_other(&back_to(&form, deadline_home(&deadline))))
}

async fn set_done(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    id: &str,
    form: &DeadlineForm,
    done: bool,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (deadline, _) = visible_deadline(state, user, id).await?;
    let actor = actor(user, meta, state.clock.now());
    let did = deadline.id.clone();
    let after = state
        .db
        .run(move |c| procedures::set_done(c, &actor, &did, done))
        .await
        .map_err(procedure_error)?;
    session::flash(
        &user.session,
        "success",
        format!(
            "{} marked {}.",
            after.label,
            if done { "done" } else { "not done" }
        ),
    );
    Ok(see_other(&back_to(form, deadline_home(&deadline))))
}

#[post("/deadlines/{id}/done")]
pub async fn mark_done(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    set_done(&state, &user, &meta, &id, &form, true).await
}

#[post("/deadlines/{id}/undone")]
pub async fn mark_undone(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    set_done(&state, &user, &meta, &id, &form, false).await
}

#[post("/deadlines/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (deadline, _) = visible_deadline(&state, &user, &id).await?;
    let assignee = if form.assigned_to.trim().is_empty() {
        None
    } else {
        Some(
            UserId::parse(form.assigned_to.trim())
                .map_err(|_| AppError::BadRequest("Choose a person from the list.".to_owned()))?,
        )
    };
    let actor = actor(&user, &meta, state.clock.now());
    let did = deadline.id.clone();
    state
        .db
        .run(move |c| procedures::assign(c, &actor, &did, assignee.as_ref()))
        .await
        .map_err(procedure_error)?;
    session::flash(
        &user.session,
        "success",
        format!("{} reassigned.", deadline.label),
    );
    Ok(see_other(&back_to(&form, deadline_home(&deadline))))
}

/// The procedure's page with its form of a deadline by hand sent back with `errors`.
pub async fn render_with_manual(
    state: &AppState,
    user: &CurrentUser,
    procedure_id: &str,
    values: ManualValues,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let forms = ProcedureForms {
        manual: values,
        ..ProcedureForms::default()
    };
    procedure_page(
        state,
        user,
        procedure_id,
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/deadlines/{id}/delete")]
pub async fn remove_manual(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (deadline, _) = visible_deadline(&state, &user, &id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let did = deadline.id.clone();
    state
        .db
        .run(move |c| procedures::remove_manual(c, &actor, &did))
        .await
        .map_err(procedure_error)?;
    session::flash(
        &user.session,
        "success",
        format!("Removed {}.", deadline.label),
    );
    Ok(see_other(&back_to(&form, deadline_home(&deadline))))
}

/// A field's problem, keyed `{form}_{field}` for a form whose fields have the same names as
/// another's on the page; other errors pass through.
fn prefixed(form: &str, errors: &mut FieldErrors, e: AppError) -> Result<(), AppError> {
    match e {
        AppError::Invalid {
            field: Some(field),
            message,
        } => {
            errors.add(&format!("{form}_{field}"), message);
            Ok(())
        }
        other => Err(other),
    }
}
