//! The JSON API, `/api/v1`, authenticated by bearer tokens. Each handler calls one use case of
//! [`crate::app`] and answers its typed view as JSON. The OpenAPI document (served at
//! `/api/v1/openapi.json`) is generated from the handlers' annotations ([`openapi`]); tests check
//! that it lists every route and that real answers match it.

pub mod auth;
pub mod backorders;
pub mod catch_accounts;
pub mod clients;
pub mod deadlines;
pub mod lookalikes;
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

/// The OpenAPI document, written once on first request.
static OPENAPI: std::sync::LazyLock<String> = std::sync::LazyLock::new(openapi::document);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .service(openapi_document)
            .service(me::me)
            .service(clients::create)
            .service(clients::list)
            .service(clients::show)
            .service(clients::add_contact)
            .service(clients::registrant_handles)
            .service(clients::set_registrant_handle)
            .service(matters::create)
            .service(matters::list)
            .service(matters::show)
            .service(matters::close)
            .service(matters::reopen)
            .service(matters::attach)
            .service(reports::report_pdf)
            .service(reports::keep_report)
            .service(backorders::show)
            .service(backorders::attempts)
            .service(backorders::change_status)
            .service(backorders::change_terms)
            .service(backorders::add_channel)
            .service(backorders::update_channel)
            .service(backorders::check)
            .service(backorders::history)
            .service(backorders::checklist)
            .service(backorders::tick_item)
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
            .service(catch_accounts::create)
            .service(catch_accounts::list)
            .service(catch_accounts::update)
            .service(outreach::create)
            .service(outreach::show)
            .service(outreach::approve)
            .service(outreach::send)
            .service(lookalikes::findings)
            .service(lookalikes::triage)
            .service(lookalikes::brand_terms)
            .service(lookalikes::add_brand_term)
            .service(lookalikes::remove_brand_term)
            .service(tlds::show),
    );
}

/// This document: every operation of the API, its parameters, bodies and answers. Needs no token.
#[utoipa::path(get, path = "/openapi.json", operation_id = "getOpenApiDocument", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
#[get("/openapi.json")]
pub async fn openapi_document() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(OPENAPI.as_str())
}
