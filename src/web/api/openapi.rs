//! The OpenAPI 3.1 document of `/api/v1`, generated from the API's own handlers and types
//! (utoipa), so that it cannot drift from the code. Every handler carries `#[utoipa::path]`,
//! every body `#[derive(ToSchema)]`; a test validates real answers against the document.
//!
//! Refusals are written once, below, and named in each path's `responses(…)`.

// The error types below describe answers for the document; they are never built.
#![allow(dead_code)]

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

use crate::web::api;

/// The body of every error: `{"error": {"code", "message", "field"?, "request_id"?}}`.
#[derive(ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `not_found`, `invalid`, `unauthorized`, `forbidden`, `conflict`,
    /// `conflict_of_interest`, `bad_request`, `rate_limited`, `registry_error`, `internal`…
    pub code: String,
    /// What is wrong and what to do, in words for people.
    pub message: String,
    /// The request member the message is about.
    pub field: Option<String>,
    /// Every field's problem, when several members are wrong.
    pub fields: Option<Vec<FieldProblem>>,
    /// Quote it when reporting a problem.
    pub request_id: Option<String>,
    /// With `conflict_of_interest`: the other clients' matters that seek the same name.
    pub conflicts: Option<Vec<serde_json::Value>>,
}

#[derive(ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "The body is not valid JSON for this endpoint"
)]
pub struct BadRequest(#[to_schema] ErrorBody);

#[derive(IntoResponses)]
#[response(status = 401, description = "No valid API token was sent")]
pub struct Unauthorized(#[to_schema] ErrorBody);

#[derive(IntoResponses)]
#[response(status = 403, description = "The caller's role does not allow this")]
pub struct Forbidden(#[to_schema] ErrorBody);

#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such record, or the caller may not see it"
)]
pub struct NotFound(#[to_schema] ErrorBody);

#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "The record's state does not allow this (e.g. a closed matter), or another client's matter seeks the same name (`conflict_of_interest`)"
)]
pub struct Conflict(#[to_schema] ErrorBody);

#[derive(IntoResponses)]
#[response(status = 422, description = "A value breaks a rule; `field` names it")]
pub struct Invalid(#[to_schema] ErrorBody);

#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "The registry asked to slow down; `Retry-After` says when to try again"
)]
pub struct RateLimited(#[to_schema] ErrorBody);

#[derive(IntoResponses)]
#[response(status = 502, description = "The registry did not answer properly")]
pub struct Upstream(#[to_schema] ErrorBody);

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token starting with rcl_"))
                    .build(),
            ),
        );
    }
}

/// The `Link` header of every paged list (an operation with the `after` parameter of
/// `web::paging::PageQuery`), written once: RFC 8288 §3, as GitHub's REST API pages.
struct PagedLists;

impl Modify for PagedLists {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        for item in openapi.paths.paths.values_mut() {
            let Some(get) = item.get.as_mut() else {
                continue;
            };
            let paged = get
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p, RefOr::T(p) if p.name == "after"));
            if !paged {
                continue;
            }
            if let Some(RefOr::T(ok)) = get.responses.responses.get_mut("200") {
                ok.headers.insert(
                    "Link".to_owned(),
                    HeaderBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .description(Some(
                            "`<URL>; rel=\"next\"`: the next page (the same filters and \
                             `limit`, the `after` of the page), when there is one (RFC 8288 §3). \
                             The last page has none.",
                        ))
                        .build()
                        .into(),
                );
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "reclaim API",
        version = "1",
        description = "The JSON API of reclaim, a case-management platform for law firms that recover domain names. Every call is authenticated with an API token (create one on your account page, or with `reclaim token create --user EMAIL`) sent as `Authorization: Bearer <token>`. A client (portal) user's token sees only that client's records. Errors are `{\"error\": {\"code\", \"message\", \"field\"?, \"request_id\"}}` with a 4xx or 5xx status; responses may gain fields over time, so ignore the ones you do not know."
    ),
    servers((url = "/api/v1")),
    security(("bearer" = [])),
    modifiers(&BearerToken, &PagedLists),
    paths(
        api::openapi_document,
        api::me::me,
        api::clients::create,
        api::clients::list,
        api::clients::show,
        api::clients::add_contact,
        api::clients::registrant_handles,
        api::clients::set_registrant_handle,
        api::tlds::show,
        // matters, backorders, registry monitoring
        api::matters::create,
        api::matters::list,
        api::matters::show,
        api::matters::close,
        api::matters::reopen,
        api::matters::attach,
        api::backorders::show,
        api::backorders::attempts,
        api::backorders::change_status,
        api::backorders::change_terms,
        api::backorders::add_channel,
        api::backorders::update_channel,
        api::backorders::check,
        api::backorders::history,
        api::backorders::checklist,
        api::backorders::tick_item,
        // catch services
        api::catch_accounts::create,
        api::catch_accounts::list,
        api::catch_accounts::update,
        // procedures and the docket
        api::procedures::start,
        api::procedures::show,
        api::procedures::record_event,
        api::procedures::procedure_deadlines,
        api::deadlines::preview,
        api::deadlines::list,
        api::deadlines::set_official,
        api::deadlines::set_done,
        // outreach
        api::senders::create,
        api::senders::list,
        api::outreach::create,
        api::outreach::show,
        api::outreach::approve,
        api::outreach::send,
        // status reports
        api::reports::report_pdf,
        api::reports::keep_report,
        // the lookalike watch
        api::lookalikes::findings,
        api::lookalikes::triage,
        api::lookalikes::brand_terms,
        api::lookalikes::add_brand_term,
        api::lookalikes::remove_brand_term,
    ),
    components(schemas(ErrorBody))
)]
pub struct ApiDoc;

/// The document as served at `/api/v1/openapi.json`.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
        format!("{{\"error\": \"the OpenAPI document could not be written: {e}\"}}")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_names_its_paths_and_their_bodies() {
        let doc: serde_json::Value = serde_json::from_str(&super::document()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["paths"]["/clients/{id}"]["get"].is_object());
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["Client"].is_object(), "{schemas}");
        // Enums stored as words are string enums, named once in the components.
        assert_eq!(
            schemas["TldPolicy"]["properties"]["class"]["$ref"],
            "#/components/schemas/TldClass"
        );
        assert_eq!(schemas["TldClass"]["enum"][0], "legacy_gtld");
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        // A paged list documents its parameters and its Link header.
        let list = &doc["paths"]["/matters"]["get"];
        let names: Vec<&str> = list["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(
            names.contains(&"limit") && names.contains(&"after"),
            "{names:?}"
        );
        assert!(
            list["responses"]["200"]["headers"]["Link"].is_object(),
            "{list}"
        );
        // A refusal documents its error body.
        let refusal = &doc["paths"]["/clients"]["post"]["responses"]["422"];
        assert!(
            refusal["content"]["application/json"]["schema"].is_object(),
            "{refusal}"
        );
    }
}
