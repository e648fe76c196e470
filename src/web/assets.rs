//! Static assets, embedded in the binary so that one file is the whole application.

use actix_web::http::header;
use actix_web::{HttpResponse, get};

pub const STYLESHEET: &str = include_str!("../../static/app.css");

#[get("/static/app.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        // Links carry the version (`?v=`), so a day of caching never serves a stale sheet.
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(STYLESHEET)
}
