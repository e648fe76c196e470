use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app;
use crate::app::access::visible_client;
use crate::app::clients::{ClientInput, ContactInput, RegistrantHandleInput};
use crate::error::AppError;
use crate::model::client::{Client, Contact};
use crate::model::ids::{ClientId, ContactId};
use crate::model::paging;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{BadRequest, Forbidden, Invalid, NotFound, Unauthorized};
use crate::web::caller;
use crate::web::paging::{PageQuery, json_page};
use crate::web::request::RequestMeta;

/// A client of the firm.
#[derive(Serialize, ToSchema)]
#[schema(as = Client)]
pub struct ClientJson {
    id: ClientId,
    name: String,
    #[schema(format = "email")]
    email: String,
    created_at: DateTime<Utc>,
}

impl From<&Client> for ClientJson {
    fn from(c: &Client) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            created_at: c.created_at.and_utc(),
        }
    }
}

/// A person at a client.
#[derive(Serialize, ToSchema)]
#[schema(as = Contact)]
pub struct ContactJson {
    id: ContactId,
    name: String,
    #[schema(format = "email")]
    email: String,
    phone: String,
    position: String,
    /// Receives the client's scheduled status reports.
    receives_reports: bool,
}

impl From<&Contact> for ContactJson {
    fn from(c: &Contact) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            position: c.position.clone(),
            receives_reports: c.receives_reports,
        }
    }
}

/// Create a client (lawyers and administrators).
#[utoipa::path(post, path = "/clients", operation_id = "createClient", request_body = ClientInput,
    responses((status = 201, description = "The new client", body = ClientJson),
        BadRequest, Unauthorized, Forbidden, Invalid))]
#[post("/clients")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<ClientInput>,
) -> Result<HttpResponse, AppError> {
    let client = app::clients::create(&state, &caller(&user, &meta), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(ClientJson::from(&client)))
}

/// Clients the caller may see (all for staff, their own for a portal user).
#[utoipa::path(get, path = "/clients", operation_id = "listClients", params(PageQuery),
    responses((status = 200, description = "Clients, by name", body = Vec<ClientJson>),
        BadRequest, Unauthorized))]
#[get("/clients")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::CLIENTS)?;
    let visible = app::clients::list(&state, &user, request).await?;
    Ok(json_page(&req, visible, |row| ClientJson::from(row)))
}

/// One client.
#[utoipa::path(get, path = "/clients/{id}", operation_id = "getClient",
    params(("id" = ClientId, Path, description = "The client's id")),
    responses((status = 200, description = "The client", body = ClientJson), Unauthorized, NotFound))]
#[get("/clients/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client = visible_client(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(ClientJson::from(&client)))
}

/// Add a person at the client, who may receive the scheduled reports (lawyers and
/// administrators).
#[utoipa::path(post, path = "/clients/{id}/contacts", operation_id = "addClientContact",
    params(("id" = ClientId, Path, description = "The client's id")), request_body = ContactInput,
    responses((status = 201, description = "The new contact", body = ContactJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Invalid))]
#[post("/clients/{id}/contacts")]
pub async fn add_contact(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<ContactInput>,
) -> Result<HttpResponse, AppError> {
    let contact =
        app::clients::add_contact(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(ContactJson::from(&contact)))
}

/// The client's contact handle at one of the firm's registrar accounts.
#[derive(Serialize, ToSchema)]
#[schema(as = RegistrantHandle)]
pub struct RegistrantHandleJson {
    account_id: crate::model::ids::CatchAccountId,
    /// The account's name at the firm.
    account_label: String,
    #[schema(schema_with = crate::catch::provider_schema)]
    provider: String,
    /// The client's contact id there; `null`: none yet (a direct catch in the client's name
    /// through this account is refused until it is set).
    handle: Option<String>,
}

fn handle_rows(rows: &[app::clients::RegistrantHandleRow]) -> Vec<RegistrantHandleJson> {
    rows.iter()
        .map(|r| RegistrantHandleJson {
            account_id: r.account.id.clone(),
            account_label: r.account.label.clone(),
            provider: r.account.provider.clone(),
            handle: r.handle.clone(),
        })
        .collect()
}

/// The firm's registrar accounts and the client's contact handle at each (staff).
#[utoipa::path(get, path = "/clients/{id}/registrant-handles", operation_id = "listRegistrantHandles",
    params(("id" = ClientId, Path, description = "The client's id")),
    responses((status = 200, description = "One row per registrar account in use", body = Vec<RegistrantHandleJson>),
        Unauthorized, Forbidden, NotFound))]
#[get("/clients/{id}/registrant-handles")]
pub async fn registrant_handles(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let rows = app::clients::registrant_handles(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(handle_rows(&rows)))
}

/// Set (or, with an empty handle, remove) the client's contact handle at a registrar account:
/// the registrant of a direct catch whose backorder registers in the client's name (lawyers
/// and administrators).
#[utoipa::path(post, path = "/clients/{id}/registrant-handles", operation_id = "setRegistrantHandle",
    params(("id" = ClientId, Path, description = "The client's id")), request_body = RegistrantHandleInput,
    responses((status = 200, description = "The registrar accounts and the client's handles", body = Vec<RegistrantHandleJson>),
        BadRequest, Unauthorized, Forbidden, NotFound, Invalid))]
#[post("/clients/{id}/registrant-handles")]
pub async fn set_registrant_handle(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<RegistrantHandleInput>,
) -> Result<HttpResponse, AppError> {
    let rows =
        app::clients::set_registrant_handle(&state, &caller(&user, &meta), &id, body.into_inner())
            .await?;
    Ok(HttpResponse::Ok().json(handle_rows(&rows)))
}
