use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::error::AppError;
use crate::repo::users;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;

/// The caller, with the link of their deadline feed (staff; client accounts have no docket).
#[get("/me")]
pub async fn me(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, AppError> {
    let calendar_url = if user.is_staff() {
        let id = user.id.clone();
        let key = state
            .db
            .run(move |c| users::calendar_feed_key(c, &id))
            .await?;
        Some(crate::docket::feed_url(&state, &key))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "client_id": user.client_id,
        "calendar_url": calendar_url,
    })))
}
