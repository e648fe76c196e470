//! `/api/v1` procedures and deadlines: start a procedure, record events, read the computed
//! deadlines, enter official dates, mark done, and preview a schedule without storing it.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::access::{visible_deadline, visible_matter, visible_procedure};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::deadlines as rules;
use crate::model::procedure::{
    Deadline, Procedure, ProcedureDomain, ProcedureEvent, ProcedureKind, registrar_calendar,
};
use crate::repo::procedures::{
    self, DocketFilter, ProcedureError, check_event_date, parse_country,
};
use crate::state::AppState;
use crate::web::actor;
use crate::web::api::auth::ApiUser;
use crate::web::pages::procedures::{
    ProcedureInput, check_domains, check_procedure_terms, new_procedure, parse_date,
    parse_event_kind, parse_kind, procedure_error,
};
use crate::web::request::RequestMeta;

/// A stored deadline as the API gives it: `{rule, label, due_on, calendar, basis, status}` and
/// more.
pub fn deadline_json(d: &Deadline) -> Value {
    json!({
        "id": d.id,
        "procedure_id": d.procedure_id,
        "matter_id": d.matter_id,
        "rule": if d.is_manual() { "manual" } else { d.rule.as_str() },
        "label": d.label,
        "due_on": d.due_on(),
        "computed_on": d.computed_on,
        "official_on": d.official_on,
        "calendar": d.calendar,
        "basis": d.basis,
        "party": d.party(),
        "source": d.source(),
        "to_verify": d.to_verify(),
        "status": d.status(),
        "done_at": d.done_at.map(|t| t.and_utc().to_rfc3339()),
        "assigned_to": d.assigned_to,
    })
}

/// A computed (not stored) deadline, for the preview.
pub fn computed_json(d: &rules::Deadline) -> Value {
    json!({
        "rule": d.rule,
        "label": d.label,
        "due_on": d.due_on,
        "computed_on": d.computed_on,
        "official_on": d.official_on,
        "calendar": d.calendar,
        "basis": d.basis,
        "party": d.party,
        "source": d.source,
        "to_verify": d.to_verify,
        "status": d.state,
    })
}

pub fn procedure_json(
    p: &Procedure,
    domains: &[ProcedureDomain],
    events: &[ProcedureEvent],
    deadlines: &[Deadline],
) -> Value {
    let (calendar, known) = p.registrar_calendar();
    json!({
        "id": p.id,
        "matter_id": p.matter_id,
        "kind": p.kind,
        "provider": p.provider,
        "case_number": p.case_number,
        "registrar_country": p.registrar_country,
        "registrar_calendar": calendar,
        "registrar_calendar_known": known,
        "status": p.status,
        "outcome": p.outcome,
        "rdnh_finding": p.rdnh_finding,
        "parties": p.parties,
        "panel": p.panel,
        "fees": p.fees_minor.map(|m| crate::model::money::format_plain(m)),
        "currency": p.currency,
        "domains": domains.iter().map(|d| json!({ "domain": d.domain, "unicode": d.unicode, "backorder_id": d.backorder_id })).collect::<Vec<_>>(),
        "events": events.iter().map(|e| json!({ "id": e.id, "kind": e.kind, "date": e.occurred_on, "note": e.note })).collect::<Vec<_>>(),
        "deadlines": deadlines.iter().map(deadline_json).collect::<Vec<_>>(),
        "created_at": p.created_at.and_utc().to_rfc3339(),
    })
}

async fn full_procedure(state: &AppState, procedure: Procedure) -> Result<Value, AppError> {
    let id = procedure.id.clone();
    let (domains, events, deadlines) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                procedures::domains(c, &id)?,
                procedures::events(c, &id)?,
                procedures::deadlines_of(c, &id)?,
            ))
        })
        .await?;
    Ok(procedure_json(&procedure, &domains, &events, &deadlines))
}

#[derive(Deserialize)]
pub struct NewProcedureJson {
    kind: String,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    case_number: Option<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    registrar_country: Option<String>,
    #[serde(default)]
    parties: Option<String>,
    #[serde(default)]
    panel: Option<String>,
    #[serde(default)]
    fees: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

#[post("/matters/{id}/procedures")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<NewProcedureJson>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let body = body.into_inner();
    let input = ProcedureInput {
        kind: body.kind,
        provider: body.provider.unwrap_or_default(),
        case_number: body.case_number.unwrap_or_default(),
        registrar_country: body.registrar_country.unwrap_or_default(),
        parties: body.parties.unwrap_or_default(),
        panel: body.panel.unwrap_or_default(),
        fees: body.fees.unwrap_or_default(),
        currency: body.currency.unwrap_or_default(),
        notes: body.notes.unwrap_or_default(),
    };
    let mut errors = FieldErrors::default();
    let terms = check_procedure_terms(&input, &mut errors);
    let domains = check_domains(&body.domains, &mut errors);
    let terms = match terms {
        Some(t) if errors.is_empty() => t,
        _ => return Err(errors.into_error()),
    };
    let new = new_procedure(&input, domains, terms);
    let actor = actor(&user, &meta, state.clock.now());
    let (policies, matter_id) = (state.tld_policies.clone(), matter.id.clone());
    let procedure = state
        .db
        .run(move |c| procedures::create(c, &actor, &policies, &matter_id, &new))
        .await
        .map_err(|e| match e {
            ProcedureError::Ineligible { .. } => AppError::Invalid {
                field: Some("domains".to_owned()),
                message: e.to_string(),
            },
            other => procedure_error(other),
        })?;
    let body = full_procedure(&state, procedure).await?;
    Ok(HttpResponse::Created().json(body))
}

#[get("/procedures/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (procedure, _) = visible_procedure(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(full_procedure(&state, procedure).await?))
}

#[derive(Deserialize)]
pub struct EventJson {
    kind: String,
    date: String,
    #[serde(default)]
    note: String,
}

#[post("/procedures/{id}/events")]
pub async fn record_event(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<EventJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (procedure, _) = visible_procedure(&state, &user, &id).await?;
    let kind = parse_event_kind(&body.kind)?;
    let date = parse_date("date", &body.date)?;
    let now = state.clock.now();
    check_event_date(date, now.date_naive()).map_err(procedure_error)?;
    let note: String = body.note.trim().chars().take(2_000).collect();
    let actor = actor(&user, &meta, now);
    let pid = procedure.id.clone();
    let (event, deadlines) = state
        .db
        .run(move |c| {
            let event = procedures::record_event(c, &actor, &pid, kind, date, &note)?;
            Ok::<_, ProcedureError>((event, procedures::deadlines_of(c, &pid)?))
        })
        .await
        .map_err(procedure_error)?;
    Ok(HttpResponse::Created().json(json!({
        "id": event.id,
        "kind": event.kind,
        "date": event.occurred_on,
        "deadlines": deadlines.iter().map(deadline_json).collect::<Vec<_>>(),
    })))
}

#[get("/procedures/{id}/deadlines")]
pub async fn procedure_deadlines(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (procedure, _) = visible_procedure(&state, &user, &id).await?;
    let pid = procedure.id.clone();
    let all = state
        .db
        .run(move |c| procedures::deadlines_of(c, &pid))
        .await?;
    Ok(HttpResponse::Ok().json(all.iter().map(deadline_json).collect::<Vec<_>>()))
}

#[derive(Deserialize)]
pub struct PreviewEvent {
    kind: String,
    date: String,
}

#[derive(Deserialize)]
pub struct PreviewJson {
    kind: String,
    #[serde(default)]
    events: Vec<PreviewEvent>,
    #[serde(default)]
    registrar_country: Option<String>,
    #[serde(default)]
    provider: Option<String>,
}

/// The schedule the events give, nothing stored (the calculator page uses the same code).
#[post("/deadlines/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<PreviewJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let body = body.into_inner();
    let kind: ProcedureKind = parse_kind(&body.kind)?;
    let country = parse_country(body.registrar_country.as_deref().unwrap_or_default())
        .map_err(|e| AppError::invalid("registrar_country", e.to_string()))?;
    let mut events = Vec::new();
    for (i, e) in body.events.iter().enumerate() {
        let kind = parse_event_kind(&e.kind)
            .map_err(|err| AppError::invalid(&format!("events[{i}].kind"), err.to_string()))?;
        let date = parse_date(&format!("events[{i}].date"), &e.date)?;
        events.push(rules::Event { kind, date });
    }
    let provider = body.provider.unwrap_or_default();
    let (calendar, known) = registrar_calendar(country.as_deref());
    let schedule = state
        .db
        .run(move |c| procedures::preview(c, kind, &provider, country.as_deref(), &events))
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "kind": kind,
        "registrar_calendar": calendar,
        "registrar_calendar_known": known,
        "deadlines": schedule.iter().map(computed_json).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct DocketQuery {
    #[serde(default)]
    who: String,
}

/// The running deadlines of open matters; `?who=me` for the caller's own.
#[get("/deadlines")]
pub async fn docket(
    state: web::Data<AppState>,
    user: ApiUser,
    query: web::Query<DocketQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let me = user.id.clone();
    let mine = match query.who.trim() {
        "" | "all" => false,
        "me" => true,
        other => {
            return Err(AppError::invalid(
                "who",
                format!("'{other}' is not a choice; use who=me or leave it out for everyone."),
            ));
        }
    };
    let entries = state
        .db
        .run(move |c| {
            let filter = DocketFilter::default();
            if mine {
                procedures::mine(c, &me, &filter)
            } else {
                procedures::docket(c, &filter)
            }
        })
        .await?;
    Ok(HttpResponse::Ok().json(
        entries
            .iter()
            .map(|e| {
                let mut v = deadline_json(&e.deadline);
                v["matter_reference"] = json!(e.matter_reference);
                v["client"] = json!({ "id": e.client_id, "name": e.client_name });
                v["procedure"] = json!(e.procedure);
                v["domains"] = json!(e.domains);
                v
            })
            .collect::<Vec<_>>(),
    ))
}

#[derive(Deserialize)]
pub struct OfficialJson {
    /// `null` clears it.
    date: Option<String>,
}

#[post("/deadlines/{id}/official")]
pub async fn set_official(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<OfficialJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (deadline, _) = visible_deadline(&state, &user, &id).await?;
    let date = match &body.date {
        Some(text) => Some(parse_date("date", text)?),
        None => None,
    };
    let actor = actor(&user, &meta, state.clock.now());
    let did = deadline.id.clone();
    let after = state
        .db
        .run(move |c| procedures::set_official_date(c, &actor, &did, date))
        .await
        .map_err(procedure_error)?;
    Ok(HttpResponse::Ok().json(deadline_json(&after)))
}

#[derive(Deserialize)]
pub struct DoneJson {
    #[serde(default = "yes")]
    done: bool,
}

fn yes() -> bool {
    true
}

#[post("/deadlines/{id}/done")]
pub async fn set_done(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<DoneJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (deadline, _) = visible_deadline(&state, &user, &id).await?;
    let done = body.done;
    let actor = actor(&user, &meta, state.clock.now());
    let did = deadline.id.clone();
    let after = state
        .db
        .run(move |c| procedures::set_done(c, &actor, &did, done))
        .await
        .map_err(procedure_error)?;
    Ok(HttpResponse::Ok().json(deadline_json(&after)))
}
