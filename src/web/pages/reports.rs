//! Status reports on the matter and client pages: generate one, send one to the client now, and
//! download the kept ones (client users: their own only).

use actix_web::{HttpResponse, get, post, web};

use crate::app;
use crate::error::AppError;
use crate::model::report::Report;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::pdf_response;
use crate::web::{caller, see_other};

/// Back to the reports of the matter the report is on.
fn back_to_matter(report: &Report, id: &str) -> HttpResponse {
    let matter = report
        .matter_id
        .as_ref()
        .map_or_else(|| id.to_owned(), ToString::to_string);
    see_other(&format!("/matters/{matter}#reports"))
}

#[post("/matters/{id}/reports")]
pub async fn generate(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kept = app::reports::generate(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        format!(
            "Report {} generated ({} pages); it is listed under Reports.",
            kept.reference, kept.pages
        ),
    );
    Ok(back_to_matter(&kept, &id))
}

#[post("/matters/{id}/reports/send")]
pub async fn send_now(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let sent = app::reports::send_now(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        format!(
            "Report {} queued to {}.",
            sent.report.reference,
            sent.to.join(", ")
        ),
    );
    Ok(back_to_matter(&sent.report, &id))
}

#[get("/reports/{file}")]
pub async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    file: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (report, bytes) = app::reports::download(&state, &user, &file).await?;
    Ok(pdf_response(&report, bytes))
}
