//! `/api/v1/matters`: open, list, read, close and reopen matters; attach backorders.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app;
use crate::app::dossier::{self, Dossier};
use crate::app::matters::{AttachInput, MatterInput, MatterQuery};
use crate::error::AppError;
use crate::model::backorder::Conflict as SoughtElsewhere;
use crate::model::ids::{ClientId, MatterId, UserId};
use crate::model::matter::{MatterStatus, MatterSummary};
use crate::model::paging;
use crate::model::present::rfc3339;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::backorders::BackorderJson;
use crate::web::api::openapi::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::web::api::procedures::{deadline_json, procedure_json};
use crate::web::caller;
use crate::web::paging::{PageQuery, json_page, paged_answer};
use crate::web::request::RequestMeta;

/// A matter's client.
#[derive(Serialize, ToSchema)]
#[schema(as = MatterClient)]
pub struct ClientRef {
    id: ClientId,
    name: String,
}

/// A person of the firm on a matter.
#[derive(Serialize, ToSchema)]
#[schema(as = MatterPerson)]
pub struct PersonRef {
    id: UserId,
    name: String,
}

/// A brand or trademark the matter concerns.
#[derive(Serialize, ToSchema)]
#[schema(as = MatterMark)]
pub struct MarkJson {
    name: String,
    registration: String,
}

/// A matter with everything attached to it.
#[derive(Serialize, ToSchema)]
#[schema(as = Matter)]
pub struct MatterJson {
    id: MatterId,
    /// `M-YYYY-NNNN`.
    #[schema(examples("M-2026-0042"))]
    reference: String,
    title: String,
    status: MatterStatus,
    client: ClientRef,
    responsible_lawyer: PersonRef,
    team: Vec<PersonRef>,
    marks: Vec<MarkJson>,
    notes: String,
    /// The years a caught name is renewed for beyond its first (the checklist after the catch).
    renewal_years: i32,
    #[schema(format = DateTime)]
    opened_at: String,
    #[schema(format = DateTime)]
    closed_at: Option<String>,
    /// How many names the matter seeks in all.
    backorder_count: usize,
    /// One page of its names by name: the first 100 unless `limit` says otherwise, the next
    /// page named by the answer's `Link: <…>; rel="next"` header.
    backorders: Vec<BackorderJson>,
    /// Each procedure without its deadlines: they are listed once, in `deadlines`, for the
    /// whole matter.
    #[schema(value_type = Vec<Object>)]
    procedures: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    deadlines: Vec<Value>,
}

impl From<&Dossier> for MatterJson {
    fn from(d: &Dossier) -> Self {
        let matter = &d.matter;
        Self {
            id: matter.id.clone(),
            reference: matter.reference.clone(),
            title: matter.title.clone(),
            status: matter.status,
            client: ClientRef {
                id: matter.client_id.clone(),
                name: d.client.name.clone(),
            },
            responsible_lawyer: PersonRef {
                id: matter.responsible_lawyer_id.clone(),
                name: d.lawyer.clone(),
            },
            team: d
                .team
                .iter()
                .map(|(id, name)| PersonRef {
                    id: id.clone(),
                    name: name.clone(),
                })
                .collect(),
            marks: d
                .marks
                .iter()
                .map(|m| MarkJson {
                    name: m.name.clone(),
                    registration: m.registration.clone(),
                })
                .collect(),
            notes: matter.notes.clone(),
            renewal_years: matter.renewal_years,
            opened_at: rfc3339(&matter.opened_at),
            closed_at: matter.closed_at.as_ref().map(rfc3339),
            backorder_count: d.names_total,
            backorders: d
                .backorders
                .iter()
                .map(|b| BackorderJson::new(b, d.channels_of(&b.id)))
                .collect(),
            procedures: d
                .procedures
                .iter()
                .map(|f| procedure_json(&f.procedure, &f.domains, &f.events, &[]))
                .collect(),
            deadlines: d.deadlines.iter().map(deadline_json).collect(),
        }
    }
}

/// A matter in a list.
#[derive(Serialize, ToSchema)]
#[schema(as = MatterSummary)]
pub struct MatterSummaryJson {
    id: MatterId,
    #[schema(examples("M-2026-0042"))]
    reference: String,
    title: String,
    status: MatterStatus,
    client: ClientRef,
    responsible_lawyer: PersonRef,
    /// How many names the matter seeks.
    backorders: i64,
    #[schema(format = DateTime)]
    opened_at: String,
}

impl From<&MatterSummary> for MatterSummaryJson {
    fn from(s: &MatterSummary) -> Self {
        Self {
            id: s.matter.id.clone(),
            reference: s.matter.reference.clone(),
            title: s.matter.title.clone(),
            status: s.matter.status,
            client: ClientRef {
                id: s.matter.client_id.clone(),
                name: s.client_name.clone(),
            },
            responsible_lawyer: PersonRef {
                id: s.matter.responsible_lawyer_id.clone(),
                name: s.lawyer_name.clone(),
            },
            backorders: s.backorders,
            opened_at: rfc3339(&s.matter.opened_at),
        }
    }
}

/// Open a matter for a client (lawyers and administrators); the reference (M-YYYY-NNNN) is
/// given automatically.
#[utoipa::path(post, path = "/matters", operation_id = "createMatter", request_body = MatterInput,
    responses((status = 201, description = "The new matter", body = MatterJson),
        BadRequest, Unauthorized, Forbidden, Invalid))]
#[post("/matters")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<MatterInput>,
) -> Result<HttpResponse, AppError> {
    let dossier = app::matters::create(&state, &caller(&user, &meta), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(MatterJson::from(&dossier)))
}

/// Matters the caller may see (a portal user: their client's).
///
/// `q` looks in references, titles and client names, and from 3 characters in the domain
/// names (by a trigram index).
#[utoipa::path(get, path = "/matters", operation_id = "listMatters", params(MatterQuery, PageQuery),
    responses((status = 200, description = "Matters, open first and newest first",
        body = Vec<MatterSummaryJson>),
        BadRequest, Unauthorized, Invalid))]
#[get("/matters")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    query: web::Query<MatterQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::MATTERS)?;
    let found = app::matters::list(&state, &user, query.into_inner(), request).await?;
    Ok(json_page(&req, found.matters, |row| {
        MatterSummaryJson::from(row)
    }))
}

/// The matter with its backorders (a page of them), procedures and deadlines.
///
/// `limit` and `after` page the matter's `backorders` as they page a list (by name, 100 by
/// default); `backorder_count` says how many there are in all.
#[utoipa::path(get, path = "/matters/{id}", operation_id = "getMatter",
    params(("id" = MatterId, Path, description = "The matter's id"), PageQuery),
    responses((status = 200, description = "The matter, with the next page of its names in a \
        `Link: <…>; rel=\"next\"` header when it has more", body = MatterJson),
        BadRequest, Unauthorized, NotFound, Invalid))]
#[get("/matters/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let names = page.request(paging::MATTER_NAMES)?;
    let dossier = dossier::of_matter_page(
        &state,
        &user,
        &id,
        names,
        dossier::Changes::None,
        dossier::Detail::Whole,
    )
    .await?;
    Ok(paged_answer(&req, dossier.names_next.as_deref()).json(MatterJson::from(&dossier)))
}

/// Close a matter (lawyers and administrators).
#[utoipa::path(post, path = "/matters/{id}/close", operation_id = "closeMatter",
    params(("id" = MatterId, Path, description = "The matter's id")),
    responses((status = 200, description = "The matter", body = MatterJson),
        Unauthorized, Forbidden, NotFound, Conflict))]
#[post("/matters/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let dossier = app::matters::close(&state, &caller(&user, &meta), &id).await?;
    Ok(HttpResponse::Ok().json(MatterJson::from(&dossier)))
}

/// Reopen a closed matter (lawyers and administrators).
#[utoipa::path(post, path = "/matters/{id}/reopen", operation_id = "reopenMatter",
    params(("id" = MatterId, Path, description = "The matter's id")),
    responses((status = 200, description = "The matter", body = MatterJson),
        Unauthorized, Forbidden, NotFound))]
#[post("/matters/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let dossier = app::matters::reopen(&state, &caller(&user, &meta), &id).await?;
    Ok(HttpResponse::Ok().json(MatterJson::from(&dossier)))
}

/// A backorder just attached, with what to tell the lawyer.
#[derive(Serialize, ToSchema)]
#[schema(as = AttachedBackorder)]
pub struct AttachedJson {
    #[serde(flatten)]
    backorder: BackorderJson,
    /// Conflicts confirmed, facts to verify for the TLD.
    warnings: Vec<String>,
    /// The other clients' open matters that also seek the name.
    conflicts: Vec<SoughtElsewhere>,
}

/// Attach a backorder on a domain name to an open matter (lawyers and administrators).
///
/// The name is parsed (Unicode or A-label, IDNA 2008 / UTS #46) and must be a registrable name
/// on a TLD reclaim has rules for, where a backorder can work (not .dk). When another client's
/// open matter seeks the same name, the answer is 409 `conflict_of_interest` listing the
/// matters; send again with `confirm_conflict: true` to go ahead (the confirmation is audited).
#[utoipa::path(post, path = "/matters/{id}/backorders", operation_id = "attachBackorder",
    params(("id" = MatterId, Path, description = "The matter's id")),
    request_body = AttachInput,
    responses((status = 201, description = "The backorder, with `warnings` (conflicts confirmed, facts to verify for the TLD)", body = AttachedJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/matters/{id}/backorders")]
pub async fn attach(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<AttachInput>,
) -> Result<HttpResponse, AppError> {
    let attached =
        app::matters::attach(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    // A backorder just attached has no catch channel yet.
    Ok(HttpResponse::Created().json(AttachedJson {
        backorder: BackorderJson::new(&attached.backorder, &[]),
        warnings: attached.warnings,
        conflicts: attached.conflicts,
    }))
}
