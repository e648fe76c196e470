use actix_web::{HttpResponse, get, web};

use crate::app;
use crate::error::AppError;
use crate::model::tld_policy::TldPolicy;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{NotFound, Unauthorized};

/// The rules reclaim applies to a TLD: lifecycle lengths, whether a backorder can work, the
/// dispute procedures it has, and the sources.
#[utoipa::path(get, path = "/tlds/{tld}", operation_id = "getTldPolicy",
    params(("tld" = String, Path, description = "The TLD, without a dot (`fr`, `co.uk` is `uk`)")),
    responses((status = 200, description = "The TLD's rules", body = TldPolicy), Unauthorized, NotFound))]
#[get("/tlds/{tld}")]
pub async fn show(
    state: web::Data<AppState>,
    _user: ApiUser,
    tld: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let policy = app::backorders::tld_rule(&state, &tld)?;
    Ok(HttpResponse::Ok().json(policy))
}
