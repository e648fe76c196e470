//! `/api/v1` procedures: start one, read it, record events and read the deadlines they set.
//! The bodies of procedures and deadlines are written here, once: the matter's JSON uses them
//! too. The `/deadlines…` endpoints are in `deadlines.rs`.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app;
use crate::app::procedures::{EventInput, ProcedureInput};
use crate::error::AppError;
use crate::model::ids::{BackorderId, DeadlineId, MatterId, ProcedureEventId, ProcedureId, UserId};
use crate::model::money::format_plain;
use crate::model::procedure::{
    Deadline, EventKind, Outcome, Procedure, ProcedureDomain, ProcedureEvent, ProcedureKind,
    ProcedureStatus,
};
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::web::caller;
use crate::web::request::RequestMeta;

/// Where a stored deadline stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// Running.
    Pending,
    /// The event that answers it is recorded.
    Met,
    /// It no longer applies.
    Cancelled,
    /// Marked done by the firm.
    Done,
}

/// A stored deadline: computed by a rule from a procedure's events, or entered by hand.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Deadline)]
pub struct DeadlineJson {
    pub id: DeadlineId,
    pub procedure_id: Option<ProcedureId>,
    pub matter_id: MatterId,
    /// Procedure and paragraph, e.g. UDRP.R5a; `manual` for one entered by hand.
    pub rule: String,
    pub label: String,
    /// The official date when entered, else the computed one.
    pub due_on: Option<NaiveDate>,
    pub computed_on: Option<NaiveDate>,
    pub official_on: Option<NaiveDate>,
    pub calendar: String,
    /// The computation in words, with its inputs.
    pub basis: String,
    /// Who must act.
    pub party: String,
    pub source: String,
    /// The reference marks the rule UNCONFIRMED.
    pub to_verify: bool,
    pub status: DeadlineStatus,
    /// When it was marked done (RFC 3339).
    pub done_at: Option<String>,
    pub assigned_to: Option<UserId>,
}

impl From<&Deadline> for DeadlineJson {
    fn from(d: &Deadline) -> Self {
        Self {
            id: d.id.clone(),
            procedure_id: d.procedure_id.clone(),
            matter_id: d.matter_id.clone(),
            rule: if d.is_manual() {
                "manual".to_owned()
            } else {
                d.rule.clone()
            },
            label: d.label.clone(),
            due_on: d.due_on(),
            computed_on: d.computed_on,
            official_on: d.official_on,
            calendar: d.calendar.clone(),
            basis: d.basis.clone(),
            party: d.party().to_owned(),
            source: d.source().to_owned(),
            to_verify: d.to_verify(),
            status: match d.status() {
                "done" => DeadlineStatus::Done,
                "met" => DeadlineStatus::Met,
                "cancelled" => DeadlineStatus::Cancelled,
                _ => DeadlineStatus::Pending,
            },
            done_at: d.done_at.map(|t| t.and_utc().to_rfc3339()),
            assigned_to: d.assigned_to.clone(),
        }
    }
}

/// A stored deadline as the API gives it: `{rule, label, due_on, calendar, basis, status}` and
/// more.
pub fn deadline_json(d: &Deadline) -> Value {
    serde_json::to_value(DeadlineJson::from(d)).unwrap_or_default()
}

/// A name a procedure covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ProcedureDomain)]
pub struct DomainJson {
    /// The A-label.
    pub domain: String,
    pub unicode: String,
    /// The matter's backorder of the name, if any.
    pub backorder_id: Option<BackorderId>,
}

/// Something that happened in a procedure.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ProcedureEvent)]
pub struct EventJson {
    pub id: ProcedureEventId,
    pub kind: EventKind,
    pub date: NaiveDate,
    pub note: String,
}

/// A dispute procedure with its names, events and deadlines.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Procedure)]
pub struct ProcedureJson {
    pub id: ProcedureId,
    pub matter_id: MatterId,
    pub kind: ProcedureKind,
    pub provider: String,
    pub case_number: String,
    /// ISO 3166-1 country or ISO 3166-2 subdivision code (`US`, `CA-ON`) of the registrar's
    /// principal office.
    pub registrar_country: Option<String>,
    /// The calendar the registrar's business days are counted on.
    pub registrar_calendar: String,
    /// Whether the registrar's location decides that calendar (else weekends only, or the
    /// region is unknown and `registrar_calendars` lists the calendars that may apply).
    pub registrar_calendar_known: bool,
    /// Every calendar the registrar's days may be counted on: several when its region is
    /// unknown; each deadline is then the earliest date they give, its basis stating the range.
    pub registrar_calendars: Vec<String>,
    pub status: ProcedureStatus,
    pub outcome: Option<Outcome>,
    /// The panel found reverse domain name hijacking.
    pub rdnh_finding: bool,
    pub parties: String,
    pub panel: String,
    /// A plain amount, e.g. `1500.00`.
    pub fees: Option<String>,
    pub currency: String,
    pub domains: Vec<DomainJson>,
    pub events: Vec<EventJson>,
    pub deadlines: Vec<DeadlineJson>,
    /// RFC 3339.
    pub created_at: String,
}

impl ProcedureJson {
    pub fn new(
        p: &Procedure,
        domains: &[ProcedureDomain],
        events: &[ProcedureEvent],
        deadlines: &[Deadline],
    ) -> Self {
        let (calendar, known) = p.registrar_calendar();
        Self {
            id: p.id.clone(),
            matter_id: p.matter_id.clone(),
            kind: p.kind,
            provider: p.provider.clone(),
            case_number: p.case_number.clone(),
            registrar_country: p.registrar_country.clone(),
            registrar_calendar: calendar.to_owned(),
            registrar_calendar_known: known,
            registrar_calendars: p
                .registrar_calendars()
                .ids()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            status: p.status,
            outcome: p.outcome,
            rdnh_finding: p.rdnh_finding,
            parties: p.parties.clone(),
            panel: p.panel.clone(),
            fees: p.fees_minor.map(format_plain),
            currency: p.currency.clone(),
            domains: domains
                .iter()
                .map(|d| DomainJson {
                    domain: d.domain.clone(),
                    unicode: d.unicode.clone(),
                    backorder_id: d.backorder_id.clone(),
                })
                .collect(),
            events: events
                .iter()
                .map(|e| EventJson {
                    id: e.id.clone(),
                    kind: e.kind,
                    date: e.occurred_on,
                    note: e.note.clone(),
                })
                .collect(),
            deadlines: deadlines.iter().map(DeadlineJson::from).collect(),
            created_at: p.created_at.and_utc().to_rfc3339(),
        }
    }

    fn of(file: &app::dossier::ProcedureFile) -> Self {
        Self::new(
            &file.procedure,
            &file.domains,
            &file.events,
            &file.deadlines,
        )
    }
}

pub fn procedure_json(
    p: &Procedure,
    domains: &[ProcedureDomain],
    events: &[ProcedureEvent],
    deadlines: &[Deadline],
) -> Value {
    serde_json::to_value(ProcedureJson::new(p, domains, events, deadlines)).unwrap_or_default()
}

/// Start a dispute procedure on a matter (lawyer or admin). Refused (422, field `domains`)
/// where the kind does not apply to a name's TLD or a SYRELI condition fails (docs/legal.md
/// §2.3 and §6.4).
#[utoipa::path(post, path = "/matters/{id}/procedures", operation_id = "startProcedure",
    params(("id" = MatterId, Path, description = "The matter's id")), request_body = ProcedureInput,
    responses((status = 201, description = "The procedure", body = ProcedureJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/matters/{id}/procedures")]
pub async fn start(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<ProcedureInput>,
) -> Result<HttpResponse, AppError> {
    let file =
        app::procedures::start(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(ProcedureJson::of(&file)))
}

/// A procedure with its names, events and deadlines.
#[utoipa::path(get, path = "/procedures/{id}", operation_id = "getProcedure",
    params(("id" = ProcedureId, Path, description = "The procedure's id")),
    responses((status = 200, description = "The procedure", body = ProcedureJson),
        Unauthorized, NotFound))]
#[get("/procedures/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let file = app::procedures::file(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(ProcedureJson::of(&file)))
}

/// An event just recorded, with the procedure's deadlines after the recomputation.
#[derive(Serialize, ToSchema)]
#[schema(as = RecordedEvent)]
pub struct RecordedJson {
    id: ProcedureEventId,
    kind: EventKind,
    date: NaiveDate,
    deadlines: Vec<DeadlineJson>,
}

/// Record an event (staff); every deadline is recomputed.
#[utoipa::path(post, path = "/procedures/{id}/events", operation_id = "recordProcedureEvent",
    params(("id" = ProcedureId, Path, description = "The procedure's id")), request_body = EventInput,
    responses((status = 201, description = "The event and the procedure's deadlines after recomputation", body = RecordedJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/procedures/{id}/events")]
pub async fn record_event(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<EventInput>,
) -> Result<HttpResponse, AppError> {
    let recorded =
        app::procedures::record_event(&state, &caller(&user, &meta), &id, body.into_inner())
            .await?;
    Ok(HttpResponse::Created().json(RecordedJson {
        id: recorded.event.id,
        kind: recorded.event.kind,
        date: recorded.event.occurred_on,
        deadlines: recorded.deadlines.iter().map(DeadlineJson::from).collect(),
    }))
}

/// The procedure's deadlines: `[{rule, label, due_on, calendar, basis, status}]`.
#[utoipa::path(get, path = "/procedures/{id}/deadlines", operation_id = "getProcedureDeadlines",
    params(("id" = ProcedureId, Path, description = "The procedure's id")),
    responses((status = 200, description = "Deadlines by date", body = Vec<DeadlineJson>),
        Unauthorized, NotFound))]
#[get("/procedures/{id}/deadlines")]
pub async fn procedure_deadlines(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let all = app::procedures::deadlines(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(all.iter().map(DeadlineJson::from).collect::<Vec<_>>()))
}
