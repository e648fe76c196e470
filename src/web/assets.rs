//! Static assets, embedded in the binary so that one file is the whole application.

use actix_web::http::header;
use actix_web::{HttpResponse, get};

pub const STYLESHEET: &str = include_str!("../../static/app.css");

/// Progressive enhancement only (sortable and filterable tables, local times): every page works
/// without it. Served from here so that the CSP's `script-src 'self'` allows it.
pub const SCRIPT: &str = include_str!("../../static/app.js");

/// Links carry the version (`?v=`), so a day of caching never serves a stale file.
const CACHE_A_DAY: &str = "public, max-age=86400";

#[get("/static/app.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, CACHE_A_DAY))
        .body(STYLESHEET)
}

#[get("/static/app.js")]
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, CACHE_A_DAY))
        .body(SCRIPT)
}
