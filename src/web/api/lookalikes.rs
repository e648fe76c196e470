//! The lookalike watch through the API: a client's findings, a lawyer's triage, brand terms.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app;
use crate::app::lookalikes::{BrandTermInput, TriageInput, Triaged};
use crate::error::AppError;
use crate::model::ids::{BrandTermId, ClientId, FindingId};
use crate::model::lookalike_finding::{FindingState, LookalikeFinding, RegistryFacts};
use crate::model::paging;
use crate::model::present::rfc3339;
use crate::repo::lookalikes::BrandTerm;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{BadRequest, Forbidden, Invalid, NotFound, Unauthorized};
use crate::web::caller;
use crate::web::paging::{PageQuery, json_page};
use crate::web::request::RequestMeta;

/// A name found imitating one of the client's marks.
#[derive(Serialize, ToSchema)]
pub struct FindingJson {
    #[schema(value_type = String)]
    id: FindingId,
    #[schema(value_type = String)]
    client_id: ClientId,
    /// The matter whose mark it imitates; `null` for a client's brand term.
    matter_id: Option<String>,
    /// The name in its ASCII (A-label) form.
    domain: String,
    unicode: String,
    mark: String,
    /// Why it matched: `family` (addition, omission, homoglyph, tld_swap, …), `skeleton_equal`
    /// (UTS #39 confusable skeletons equal), `contained`, `distance`.
    #[schema(value_type = Object)]
    reason: serde_json::Value,
    /// 0–100, most dangerous highest.
    score: i32,
    source: String,
    #[schema(format = DateTime)]
    first_seen_at: String,
    #[schema(format = DateTime)]
    last_seen_at: String,
    registry: RegistryFacts,
    state: FindingState,
    /// The backorder that records the name once the firm acts on it.
    backorder_id: Option<String>,
}

impl From<&LookalikeFinding> for FindingJson {
    fn from(f: &LookalikeFinding) -> Self {
        Self {
            id: f.id.clone(),
            client_id: f.client_id.clone(),
            matter_id: f.matter_id.as_ref().map(ToString::to_string),
            domain: f.domain.clone(),
            unicode: f.unicode.clone(),
            mark: f.mark.clone(),
            reason: f.reason.clone(),
            score: f.score,
            source: f.source.clone(),
            first_seen_at: rfc3339(&f.first_seen_at),
            last_seen_at: rfc3339(&f.last_seen_at),
            registry: f.registry.clone(),
            state: f.state,
            backorder_id: f.backorder_id.as_ref().map(ToString::to_string),
        }
    }
}

/// Filters of the findings list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FindingsQuery {
    /// States to list, comma-separated (`new,watching`); all when absent.
    state: Option<String>,
}

/// The client's findings, most dangerous first, a page at a time (`limit`, `after`; the next
/// page in the `Link` header).
#[utoipa::path(get, path = "/clients/{id}/findings", operation_id = "clientFindings",
    params(("id" = ClientId, Path, description = "The client's id"), FindingsQuery, PageQuery),
    responses((status = 200, description = "The findings", body = [FindingJson]),
        BadRequest, Unauthorized, NotFound))]
#[get("/clients/{id}/findings")]
pub async fn findings(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<FindingsQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let states = app::lookalikes::parse_states(query.state.as_deref())?;
    let request = page.request(paging::FINDINGS)?;
    let list = app::lookalikes::for_client(&state, &user, &id, states, request).await?;
    Ok(json_page(&req, list, |f| FindingJson::from(f)))
}

/// A decision on a finding, and where its next step is.
#[derive(Serialize, ToSchema)]
pub struct TriagedJson {
    finding: FindingJson,
    /// The page of the next step (the prefilled procedure form, the letter's draft, the
    /// backorder), when there is one.
    next: Option<String>,
}

impl From<&Triaged> for TriagedJson {
    fn from(t: &Triaged) -> Self {
        Self {
            finding: FindingJson::from(&t.finding),
            next: t.next.clone(),
        }
    }
}

/// Triage a finding (lawyers and administrators): `dismiss` (remembered: a later scan keeps it
/// dismissed), `watch` (monitored at the registry like a backorder), `backorder`, `dispute`
/// (UDRP or SYRELI, prefilled) or `letter` (a draft through the outreach gate), which attach
/// the name to the client's matter; `reopen` undoes a dismissal. Audited.
#[utoipa::path(post, path = "/findings/{id}/triage", operation_id = "triageFinding",
    params(("id" = FindingId, Path, description = "The finding's id")),
    request_body = TriageInput,
    responses((status = 200, description = "The decision", body = TriagedJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Invalid))]
#[post("/findings/{id}/triage")]
pub async fn triage(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<TriageInput>,
) -> Result<HttpResponse, AppError> {
    let done =
        app::lookalikes::triage(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(TriagedJson::from(&done)))
}

/// A brand term the client adds beside its matters' marks.
#[derive(Serialize, ToSchema)]
pub struct BrandTermJson {
    #[schema(value_type = String)]
    id: BrandTermId,
    term: String,
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<&BrandTerm> for BrandTermJson {
    fn from(t: &BrandTerm) -> Self {
        Self {
            id: t.id.clone(),
            term: t.term.clone(),
            created_at: rfc3339(&t.created_at),
        }
    }
}

/// The client's brand terms, watched with its matters' marks.
#[utoipa::path(get, path = "/clients/{id}/brand-terms", operation_id = "clientBrandTerms",
    params(("id" = ClientId, Path, description = "The client's id")),
    responses((status = 200, description = "The terms", body = [BrandTermJson]),
        Unauthorized, NotFound))]
#[get("/clients/{id}/brand-terms")]
pub async fn brand_terms(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let terms = app::lookalikes::brand_terms(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(terms.iter().map(BrandTermJson::from).collect::<Vec<_>>()))
}

/// Add a brand term (lawyers and administrators). A term of one or two letters is refused:
/// it would match too many names.
#[utoipa::path(post, path = "/clients/{id}/brand-terms", operation_id = "addBrandTerm",
    params(("id" = ClientId, Path, description = "The client's id")),
    request_body = BrandTermInput,
    responses((status = 201, description = "The term", body = BrandTermJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Invalid))]
#[post("/clients/{id}/brand-terms")]
pub async fn add_brand_term(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<BrandTermInput>,
) -> Result<HttpResponse, AppError> {
    let term =
        app::lookalikes::add_brand_term(&state, &caller(&user, &meta), &id, body.into_inner())
            .await?;
    Ok(HttpResponse::Created().json(BrandTermJson::from(&term)))
}

/// Remove a brand term (lawyers and administrators).
#[utoipa::path(delete, path = "/clients/{id}/brand-terms/{term}", operation_id = "removeBrandTerm",
    params(("id" = ClientId, Path, description = "The client's id"),
        ("term" = BrandTermId, Path, description = "The term's id")),
    responses((status = 204, description = "Removed"), Unauthorized, Forbidden, NotFound))]
#[delete("/clients/{id}/brand-terms/{term}")]
pub async fn remove_brand_term(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, term) = path.into_inner();
    app::lookalikes::remove_brand_term(&state, &caller(&user, &meta), &id, &term).await?;
    Ok(HttpResponse::NoContent().finish())
}
