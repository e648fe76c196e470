use actix_web::{HttpResponse, get, web};

use crate::error::AppError;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;

/// The rules reclaim applies to a TLD.
#[get("/tlds/{tld}")]
pub async fn show(
    state: web::Data<AppState>,
    _user: ApiUser,
    tld: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let policy = state
        .tld_policies
        .lookup(&tld)
        .map_err(|e| AppError::NotFound(e.to_string()))?;
    Ok(HttpResponse::Ok().json(policy))
}
