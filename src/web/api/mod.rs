//! The JSON API, `/api/v1`, authenticated by bearer tokens. Every endpoint is described in
//! `openapi.json` (served at `/api/v1/openapi.json`); a test checks that the two agree.

pub mod auth;
pub mod backorders;
pub mod clients;
pub mod deadlines;
pub mod matters;
pub mod me;
pub mod openapi;
pub mod outreach;
pub mod procedures;
pub mod reports;
pub mod senders;
pub mod tlds;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

pub const OPENAPI: &str = include_str!("openapi.json");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .service(openapi_document)
            .service(me::me)
            .service(clients::create)
            .service(clients::list)
            .service(clients::show)
            .service(clients::add_contact)
            .service(matters::create)
            .service(matters::list)
            .service(matters::show)
            .service(matters::close)
            .service(matters::reopen)
            .service(matters::attach)
            .service(reports::report_pdf)
            .service(backorders::show)
            .service(backorders::change_status)
            .service(backorders::add_channel)
            .service(backorders::update_channel)
            .service(backorders::check)
            .service(backorders::history)
            .service(procedures::start)
            .service(procedures::show)
            .service(procedures::record_event)
            .service(procedures::procedure_deadlines)
            // Fixed paths before /deadlines/{id}/…
            .service(deadlines::preview)
            .service(deadlines::list)
            .service(deadlines::set_official)
            .service(deadlines::set_done)
            .service(senders::create)
            .service(senders::list)
            .service(outreach::create)
            .service(outreach::show)
            .service(outreach::approve)
            .service(outreach::send)
            .service(tlds::show),
    );
}

#[get("/openapi.json")]
pub async fn openapi_document() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(OPENAPI)
}
