use actix_web::{HttpResponse, get};
use serde_json::json;

use crate::auth::api::ApiUser;
use crate::error::AppError;

/// The caller.
#[get("/me")]
pub async fn me(user: ApiUser) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "client_id": user.client_id,
        // The deadline feed arrives with procedures and deadlines; until then there is none.
        "calendar_url": serde_json::Value::Null,
    })))
}
