//! `/api/v1/catch-accounts`: the firm's accounts at catch services with an API
//! (administrators). Credentials are taken, checked with the service, sealed, and never returned.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app;
use crate::app::catch_accounts::{CatchAccountChange, CatchAccountInput};
use crate::error::AppError;
use crate::model::catch_account::CatchAccount;
use crate::model::ids::CatchAccountId;
use crate::model::money::format_plain;
use crate::model::paging;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{BadRequest, Forbidden, Invalid, NotFound, Unauthorized};
use crate::web::caller;
use crate::web::paging::{PageQuery, json_page};
use crate::web::request::RequestMeta;

/// A new account.
#[derive(Serialize, ToSchema)]
#[schema(as = NewCatchAccount)]
pub struct CreatedCatchAccountJson {
    id: CatchAccountId,
    #[schema(schema_with = crate::catch::provider_schema)]
    provider: String,
    label: String,
}

/// An account at a catch service (never its credentials).
#[derive(Serialize, ToSchema)]
#[schema(as = CatchAccount)]
pub struct CatchAccountJson {
    id: CatchAccountId,
    /// The catch service: `dropcatch`, `dynadot` (backorders), `dynadot_register` (a direct
    /// catch: the firm's Dynadot account registers the name at its release) or `hexonet`
    /// (backorders).
    #[schema(schema_with = crate::catch::provider_schema)]
    provider: String,
    label: String,
    endpoint: String,
    auth_endpoint: Option<String>,
    /// The most bid on one name through this account, as a decimal text (`"150.00"`).
    max_bid_per_name: Option<String>,
    /// The most committed through this account in a calendar month.
    monthly_limit: Option<String>,
    currency: String,
    active: bool,
    /// When the service last accepted the credentials.
    verified_at: DateTime<Utc>,
}

impl From<&CatchAccount> for CatchAccountJson {
    fn from(a: &CatchAccount) -> Self {
        Self {
            id: a.id.clone(),
            provider: a.provider.clone(),
            label: a.label.clone(),
            endpoint: a.endpoint.clone(),
            auth_endpoint: a.auth_endpoint.clone(),
            max_bid_per_name: a.max_bid_per_name_minor.map(format_plain),
            monthly_limit: a.monthly_limit_minor.map(format_plain),
            currency: a.currency.clone(),
            active: a.active,
            verified_at: a.verified_at.and_utc(),
        }
    }
}

/// Connect an account at a catch service (administrators). reclaim makes one call to the
/// service with the credentials (a token, a list of orders) and keeps the account only if the
/// service accepted them; otherwise 422 says what the service said.
#[utoipa::path(post, path = "/catch-accounts", operation_id = "createCatchAccount",
    request_body = CatchAccountInput,
    responses((status = 201, description = "Connected", body = CreatedCatchAccountJson),
        BadRequest, Unauthorized, Forbidden, Invalid))]
#[post("/catch-accounts")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<CatchAccountInput>,
) -> Result<HttpResponse, AppError> {
    let account =
        app::catch_accounts::create(&state, &caller(&user, &meta), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(CreatedCatchAccountJson {
        id: account.id.clone(),
        provider: account.provider.clone(),
        label: account.label.clone(),
    }))
}

/// The firm's catch service accounts (administrators), without their credentials.
#[utoipa::path(get, path = "/catch-accounts", operation_id = "listCatchAccounts", params(PageQuery),
    responses((status = 200, description = "Accounts by provider and name", body = Vec<CatchAccountJson>),
        BadRequest, Unauthorized, Forbidden))]
#[get("/catch-accounts")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::CATCH_ACCOUNTS)?;
    let all = app::catch_accounts::list(&state, &user, request).await?;
    Ok(json_page(&req, all, |row| CatchAccountJson::from(row)))
}

/// Change an account (administrators): new credentials (checked with one call to the service
/// and kept only if it accepts them; orders waiting after a refused call are then tried at
/// once), the limits (an empty text removes one), in use or not (refused while orders through
/// it are open).
#[utoipa::path(post, path = "/catch-accounts/{id}", operation_id = "updateCatchAccount",
    params(("id" = CatchAccountId, Path, description = "The account's id")),
    request_body = CatchAccountChange,
    responses((status = 200, description = "The account as changed", body = CatchAccountJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Invalid))]
#[post("/catch-accounts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<CatchAccountChange>,
) -> Result<HttpResponse, AppError> {
    let account =
        app::catch_accounts::update(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(CatchAccountJson::from(&account)))
}
