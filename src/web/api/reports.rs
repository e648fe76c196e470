//! Status reports through the API.

use actix_web::{HttpResponse, get, web};
use utoipa::ToSchema;

use crate::app;
use crate::error::AppError;
use crate::model::ids::MatterId;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{NotFound, Unauthorized};
use crate::web::caller;
use crate::web::request::RequestMeta;
use crate::web::view::pdf_response;

/// A PDF file.
// Describes the answer for the document; never built.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct Pdf(Vec<u8>);

/// The matter's status report as a PDF, generated now and kept (reference in
/// X-Report-Reference, SHA-256 in X-Report-Sha256)
#[utoipa::path(get, path = "/matters/{id}/report.pdf", operation_id = "getMatterReport",
    params(("id" = MatterId, Path, description = "The matter's id")),
    responses((status = 200, description = "The PDF", content_type = "application/pdf",
            body = inline(Pdf),
            headers(("X-Report-Reference" = String, description = "The kept report's reference, e.g. R-2026-0001"),
                ("X-Report-Sha256" = String, description = "The SHA-256 of the PDF, hex"))),
        Unauthorized, NotFound))]
#[get("/matters/{id}/report.pdf")]
pub async fn report_pdf(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (report, pdf) = app::reports::report_pdf(&state, &caller(&user, &meta), &id).await?;
    Ok(pdf_response(&report, pdf))
}
