use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::app::access::visible_client;
use crate::db::DbError;
use crate::error::AppError;
use crate::model::client::{Client, NewClient};
use crate::repo::clients;
use crate::state::AppState;
use crate::web::actor;
use crate::web::api::auth::ApiUser;
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

#[derive(Deserialize)]
pub struct NewClientJson {
    name: String,
    email: String,
}

#[post("/clients")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<NewClientJson>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let new = NewClient::parse(&body.name, &body.email)
        .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    let actor = actor(&user, &meta, state.clock.now());
    let client = state
        .db
        .run(move |c| clients::create(c, &actor, &new))
        .await
        .map_err(|e| match e {
            DbError::Conflict(message) => AppError::Invalid {
                field: Some("name".to_owned()),
                message,
            },
            other => other.into(),
        })?;
    Ok(HttpResponse::Created().json(ClientJson::from(&client)))
}

/// Staff get every client; a portal user gets their own.
#[get("/clients")]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, AppError> {
    let all = state.db.run(clients::list).await?;
    let visible: Vec<ClientJson> = all
        .iter()
        .filter(|c| user.may_see_client(&c.id))
        .map(ClientJson::from)
        .collect();
    Ok(HttpResponse::Ok().json(visible))
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

#[derive(Deserialize)]
pub struct ContactJson {
    name: String,
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    receives_reports: bool,
}

/// Adds a person at the client (who may receive the scheduled reports).
#[post("/clients/{id}/contacts")]
pub async fn add_contact(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<ContactJson>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let client = visible_client(&state, &user, &id).await?;
    let new = crate::model::client::NewContact::parse(
        &body.name,
        &body.email,
        &body.phone,
        &body.position,
        body.receives_reports,
    )
    .map_err(|e| AppError::invalid(e.field().trim_start_matches("contact_"), e.to_string()))?;
    let actor = actor(&user, &meta, state.clock.now());
    let contact = state
        .db
        .run(move |c| clients::add_contact(c, &actor, &client.id, &new))
        .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "position": contact.position,
        "receives_reports": contact.receives_reports,
    })))
}
