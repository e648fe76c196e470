//! Status reports through the API.

use actix_web::{HttpResponse, get, web};

use crate::app::access::visible_matter;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::actor;
use crate::web::api::auth::ApiUser;
use crate::web::request::RequestMeta;

/// The matter's status report, generated now and kept.
#[get("/matters/{id}/report.pdf")]
pub async fn report_pdf(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let matter = visible_matter(&state, &user, &id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let mid = matter.id.clone();
    let (report, pdf) = state
        .db
        .run(move |c| crate::report::generate_matter(c, &actor, &mid, "api"))
        .await
        .map_err(crate::web::pages::reports::report_error)?;
    Ok(crate::web::view::pdf_response(&report, pdf))
}
