use actix_web::{HttpResponse, get, post, web};
use serde::Serialize;

use crate::app;
use crate::app::access::visible_client;
use crate::app::clients::{ClientInput, ContactInput};
use crate::error::AppError;
use crate::model::client::Client;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::caller;
use crate::web::request::RequestMeta;

#[derive(Serialize)]
pub struct ClientJson {
    id: String,
    name: String,
    email: String,
    created_at: String,
}

impl From<&Client> for ClientJson {
    fn from(c: &Client) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.clone(),
            email: c.email.clone(),
            created_at: c.created_at.and_utc().to_rfc3339(),
        }
    }
}

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

/// Staff get every client; a portal user gets their own.
#[get("/clients")]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, AppError> {
    let visible = app::clients::list(&state, &user).await?;
    Ok(HttpResponse::Ok().json(visible.iter().map(ClientJson::from).collect::<Vec<_>>()))
}

#[get("/clients/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client = visible_client(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(ClientJson::from(&client)))
}

/// Adds a person at the client (who may receive the scheduled reports).
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
    Ok(HttpResponse::Created().json(serde_json::json!({
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "position": contact.position,
        "receives_reports": contact.receives_reports,
    })))
}
