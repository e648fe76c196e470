use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app;
use crate::app::account::Me;
use crate::error::AppError;
use crate::model::ids::{ClientId, UserId};
use crate::model::user::Role;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::Unauthorized;

/// The user an API token belongs to.
#[derive(Serialize, ToSchema)]
#[schema(as = Me)]
pub struct MeJson {
    id: UserId,
    #[schema(format = "email")]
    email: String,
    name: String,
    role: Role,
    /// For client (portal) users: the client they belong to.
    client_id: Option<ClientId>,
    /// The caller's iCalendar feed of deadlines (staff); null for client accounts.
    calendar_url: Option<String>,
}

impl From<Me> for MeJson {
    fn from(caller: Me) -> Self {
        let user = caller.user;
        Self {
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role,
            client_id: user.client_id,
            calendar_url: caller.calendar_url,
        }
    }
}

/// The user the token belongs to, with the link of their deadline feed (staff; client
/// accounts have no docket).
#[utoipa::path(get, path = "/me", operation_id = "me",
    responses((status = 200, description = "The caller", body = MeJson), Unauthorized))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, AppError> {
    let caller = app::account::me(&state, &user).await?;
    Ok(HttpResponse::Ok().json(MeJson::from(caller)))
}
