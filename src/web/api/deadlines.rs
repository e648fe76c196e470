//! `/api/v1/deadlines`: the docket, a schedule previewed without storing anything, official
//! dates and done.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app;
use crate::app::docket::{ListQuery, PreviewInput};
use crate::app::procedures::{DoneInput, OfficialInput};
use crate::error::AppError;
use crate::model::deadlines::{self as rules, State};
use crate::model::ids::{ClientId, DeadlineId};
use crate::model::paging;
use crate::model::procedure::{DocketEntry, ProcedureKind};
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::web::api::procedures::DeadlineJson;
use crate::web::caller;
use crate::web::paging::{PageQuery, json_page};
use crate::web::request::RequestMeta;

/// A deadline computed from events, not stored.
#[derive(Serialize, ToSchema)]
#[schema(as = ComputedDeadline)]
pub struct ComputedJson {
    /// Procedure and paragraph, e.g. UDRP.R5a.
    rule: &'static str,
    label: &'static str,
    /// The official date when given, else the computed one.
    due_on: NaiveDate,
    /// What the rule gives; when the registrar's region is unknown, the earliest date its
    /// possible calendars give.
    computed_on: NaiveDate,
    /// When the registrar's region is unknown and its possible calendars disagree: the latest
    /// date they give (the range is computed_on to latest_on).
    latest_on: Option<NaiveDate>,
    official_on: Option<NaiveDate>,
    calendar: String,
    /// The computation in words, with its inputs.
    basis: String,
    /// Who must act.
    party: &'static str,
    source: &'static str,
    /// The reference marks the rule UNCONFIRMED.
    to_verify: bool,
    status: State,
}

impl From<&rules::Deadline> for ComputedJson {
    fn from(d: &rules::Deadline) -> Self {
        Self {
            rule: d.rule,
            label: d.label,
            due_on: d.due_on,
            computed_on: d.computed_on,
            latest_on: d.latest_on,
            official_on: d.official_on,
            calendar: d.calendar.clone(),
            basis: d.basis.clone(),
            party: d.party,
            source: d.source,
            to_verify: d.to_verify,
            status: d.state,
        }
    }
}

/// The schedule a procedure's events set.
#[derive(Serialize, ToSchema)]
#[schema(as = Schedule)]
pub struct PreviewJson {
    kind: ProcedureKind,
    /// The calendar the registrar's business days are counted on.
    registrar_calendar: &'static str,
    /// Whether the registrar's location decides that calendar (else weekends only, or the
    /// region is unknown and `registrar_calendars` lists the calendars that may apply).
    registrar_calendar_known: bool,
    /// Every calendar the registrar's days may be counted on: several when its region is
    /// unknown, each deadline then being the earliest date they give.
    registrar_calendars: Vec<&'static str>,
    deadlines: Vec<ComputedJson>,
}

/// Compute the deadlines a procedure's events set, storing nothing (staff).
#[utoipa::path(post, path = "/deadlines/preview", operation_id = "previewDeadlines",
    request_body = PreviewInput,
    responses((status = 200, description = "The schedule", body = PreviewJson),
        BadRequest, Unauthorized, Forbidden, Invalid))]
#[post("/deadlines/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<PreviewInput>,
) -> Result<HttpResponse, AppError> {
    let preview = app::docket::preview(&state, &user, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PreviewJson {
        kind: preview.kind,
        registrar_calendar: preview.registrar_calendar,
        registrar_calendar_known: preview.registrar_calendar_known,
        registrar_calendars: preview.registrar_calendars,
        deadlines: preview.deadlines.iter().map(ComputedJson::from).collect(),
    }))
}

/// The client a deadline's matter is for.
#[derive(Serialize, ToSchema)]
#[schema(as = ClientRef)]
pub struct ClientRefJson {
    id: ClientId,
    name: String,
}

/// A deadline on the docket, with its matter, client, procedure and names.
#[derive(Serialize, ToSchema)]
#[schema(as = DocketEntry)]
pub struct DocketEntryJson {
    #[serde(flatten)]
    deadline: DeadlineJson,
    matter_reference: String,
    client: ClientRefJson,
    /// The procedure's title, e.g. "UDRP D2026-0001 (WIPO)".
    procedure: Option<String>,
    /// The names the procedure covers.
    domains: Vec<String>,
}

impl From<&DocketEntry> for DocketEntryJson {
    fn from(e: &DocketEntry) -> Self {
        Self {
            deadline: DeadlineJson::from(&e.deadline),
            matter_reference: e.matter_reference.clone(),
            client: ClientRefJson {
                id: e.client_id.clone(),
                name: e.client_name.clone(),
            },
            procedure: e.procedure.clone(),
            domains: e.domains.clone(),
        }
    }
}

/// Running deadlines of open matters (staff); `who=me` for the caller's own.
#[utoipa::path(get, path = "/deadlines", operation_id = "listDeadlines", params(ListQuery, PageQuery),
    responses((status = 200, description = "Deadlines by date, with matter, client, procedure and names", body = Vec<DocketEntryJson>),
        BadRequest, Unauthorized, Forbidden, Invalid))]
#[get("/deadlines")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    query: web::Query<ListQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::DEADLINES)?;
    let entries = app::docket::list(&state, &user, query.into_inner(), request).await?;
    Ok(json_page(&req, entries, |row| DocketEntryJson::from(row)))
}

/// Enter the date from the provider's notice (null clears it); it replaces the computed date
/// here and downstream (staff).
#[utoipa::path(post, path = "/deadlines/{id}/official", operation_id = "setOfficialDate",
    params(("id" = DeadlineId, Path, description = "The deadline's id")), request_body = OfficialInput,
    responses((status = 200, description = "The deadline", body = DeadlineJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/deadlines/{id}/official")]
pub async fn set_official(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<OfficialInput>,
) -> Result<HttpResponse, AppError> {
    let after =
        app::procedures::set_official(&state, &caller(&user, &meta), &id, body.into_inner())
            .await?;
    Ok(HttpResponse::Ok().json(DeadlineJson::from(&after)))
}

/// Mark a deadline done, or not done with `{"done": false}` (staff).
#[utoipa::path(post, path = "/deadlines/{id}/done", operation_id = "markDeadlineDone",
    params(("id" = DeadlineId, Path, description = "The deadline's id")), request_body = DoneInput,
    responses((status = 200, description = "The deadline", body = DeadlineJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict))]
#[post("/deadlines/{id}/done")]
pub async fn set_done(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<DoneInput>,
) -> Result<HttpResponse, AppError> {
    let after =
        app::procedures::set_done(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(DeadlineJson::from(&after)))
}

#[cfg(test)]
mod tests {
    /// The document names each procedure and deadline operation as the hand-written one did,
    /// and describes their bodies.
    #[test]
    fn the_document_describes_procedures_and_the_docket() {
        let doc: serde_json::Value =
            serde_json::from_str(&crate::web::api::openapi::document()).unwrap();
        for (path, method, id) in [
            ("/matters/{id}/procedures", "post", "startProcedure"),
            ("/procedures/{id}", "get", "getProcedure"),
            ("/procedures/{id}/events", "post", "recordProcedureEvent"),
            ("/procedures/{id}/deadlines", "get", "getProcedureDeadlines"),
            ("/deadlines/preview", "post", "previewDeadlines"),
            ("/deadlines", "get", "listDeadlines"),
            ("/deadlines/{id}/official", "post", "setOfficialDate"),
            ("/deadlines/{id}/done", "post", "markDeadlineDone"),
        ] {
            assert_eq!(
                doc["paths"][path][method]["operationId"], id,
                "{method} {path}"
            );
        }
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Deadline"]["properties"]["status"]["$ref"],
            "#/components/schemas/DeadlineStatus"
        );
        assert_eq!(schemas["DeadlineStatus"]["enum"][3], "done");
        assert_eq!(
            schemas["Procedure"]["properties"]["deadlines"]["items"]["$ref"],
            "#/components/schemas/Deadline"
        );
        assert_eq!(
            schemas["DocketEntry"]["allOf"][0]["$ref"],
            "#/components/schemas/Deadline"
        );
    }
}
