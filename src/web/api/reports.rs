//! Status reports through the API.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use utoipa::ToSchema;

use crate::app;
use crate::app::reports::MatterPdf;
use crate::error::AppError;
use crate::model::digest::sha256_hex;
use crate::model::ids::MatterId;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{Forbidden, NotFound, Unauthorized};
use crate::web::caller;
use crate::web::request::RequestMeta;
use crate::web::view::pdf_response;

/// A PDF file.
// Describes the answer for the document; never built.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct Pdf(Vec<u8>);

/// The matter's status report as a PDF; reading keeps nothing. Staff get a preview of the
/// report as it would be made now (X-Report-Reference: "preview"); a client user gets the latest
/// report the firm kept on the matter (404 when there is none yet).
#[utoipa::path(get, path = "/matters/{id}/report.pdf", operation_id = "getMatterReport",
    params(("id" = MatterId, Path, description = "The matter's id")),
    responses((status = 200, description = "The PDF", content_type = "application/pdf",
            body = inline(Pdf),
            headers(("X-Report-Reference" = String, description = "The kept report's reference, e.g. R-2026-0001, or `preview`"),
                ("X-Report-Sha256" = String, description = "The SHA-256 of the PDF, hex"))),
        Unauthorized, NotFound))]
#[get("/matters/{id}/report.pdf")]
pub async fn report_pdf(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(match app::reports::matter_pdf(&state, &user, &id).await? {
        MatterPdf::Kept(report, pdf) => pdf_response(&report, pdf),
        MatterPdf::Preview(pdf) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/pdf"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"report-preview.pdf\"",
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header(("X-Report-Reference", "preview"))
            .insert_header(("X-Report-Sha256", sha256_hex(&pdf)))
            .body(pdf),
    })
}

/// Generate the matter's status report now and keep it (staff); the answer is the PDF.
#[utoipa::path(post, path = "/matters/{id}/reports", operation_id = "keepMatterReport",
    params(("id" = MatterId, Path, description = "The matter's id")),
    responses((status = 201, description = "The kept report's PDF", content_type = "application/pdf",
            body = inline(Pdf),
            headers(("X-Report-Reference" = String, description = "The kept report's reference, e.g. R-2026-0001"),
                ("X-Report-Sha256" = String, description = "The SHA-256 of the PDF, hex"))),
        Unauthorized, Forbidden, NotFound))]
#[post("/matters/{id}/reports")]
pub async fn keep_report(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (report, pdf) =
        app::reports::keep_matter_report(&state, &caller(&user, &meta), &id).await?;
    let mut answer = pdf_response(&report, pdf);
    *answer.status_mut() = actix_web::http::StatusCode::CREATED;
    Ok(answer)
}
