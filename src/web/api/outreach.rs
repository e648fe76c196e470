//! `/api/v1` outreach: drafts with their compliance checks, approval by a second lawyer, and
//! sending through the outbox.

use actix_web::{HttpResponse, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app;
use crate::app::outreach::{ApproveInput, NewOutreachInput, OutreachView};
use crate::error::AppError;
use crate::model::compliance::AddressSource;
use crate::model::ids::{BackorderId, MatterId, OutreachId, SenderProfileId};
use crate::model::outbox::OutboxStatus;
use crate::model::outreach::OutreachStatus;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::web::caller;
use crate::web::request::RequestMeta;

/// One compliance check and its outcome.
#[derive(Serialize, ToSchema)]
#[schema(as = Check)]
pub struct CheckJson {
    /// `sender_identity`, `sender_domain`, `postal_address_in_body`,
    /// `identified_as_solicitation`, `subject_not_deceptive`, `unsubscribe_link`, `gdpr_notice`,
    /// `not_suppressed`, `address_source`, `frequency`, `procedure_conflict`, `one_click_https`,
    /// `dkim`, `approved`.
    id: &'static str,
    passed: bool,
    /// A failed blocking check stops the send; a failed non-blocking one is a warning.
    blocking: bool,
    message: String,
}

/// A header of the message as it will be sent.
#[derive(Serialize, ToSchema)]
#[schema(as = OutreachHeader)]
pub struct HeaderJson {
    name: &'static str,
    value: String,
}

/// The message as it will be sent: From, Reply-To, List-Unsubscribe headers, body with the
/// compliance footer.
#[derive(Serialize, ToSchema)]
#[schema(as = OutreachMessage)]
pub struct MessageJson {
    from: String,
    reply_to: Option<String>,
    subject: String,
    headers: Vec<HeaderJson>,
    body: String,
}

/// A message to a name's holder, with every compliance check.
#[derive(Serialize, ToSchema)]
#[schema(as = Outreach)]
pub struct OutreachJson {
    id: OutreachId,
    backorder_id: BackorderId,
    matter_id: MatterId,
    sender_profile_id: SenderProfileId,
    #[schema(format = "email")]
    to: String,
    address_source: AddressSource,
    subject: String,
    /// The text as drafted, without the footer.
    body: String,
    status: OutreachStatus,
    /// The outbox's word once queued.
    delivery: Option<OutboxStatus>,
    #[schema(format = DateTime)]
    answered_at: Option<String>,
    checks: Vec<CheckJson>,
    /// Every blocking check passes.
    sendable: bool,
    message: MessageJson,
}

impl From<&OutreachView> for OutreachJson {
    fn from(v: &OutreachView) -> Self {
        let (o, e) = (&v.outreach, &v.evaluation);
        Self {
            id: o.id.clone(),
            backorder_id: o.backorder_id.clone(),
            matter_id: o.matter_id.clone(),
            sender_profile_id: o.sender_profile_id.clone(),
            to: o.to_address.clone(),
            address_source: o.address_source,
            subject: o.subject.clone(),
            body: o.body.clone(),
            status: o.status,
            delivery: v.delivery,
            answered_at: o.answered_at.map(|t| t.and_utc().to_rfc3339()),
            checks: e
                .checks
                .iter()
                .map(|c| CheckJson {
                    id: c.id,
                    passed: c.passed,
                    blocking: c.blocking,
                    message: c.message.clone(),
                })
                .collect(),
            sendable: v.sendable(),
            message: MessageJson {
                from: e.from.clone(),
                reply_to: e.reply_to.clone(),
                subject: e.subject.clone(),
                headers: e
                    .headers
                    .iter()
                    .map(|(name, value)| HeaderJson {
                        name,
                        value: value.clone(),
                    })
                    .collect(),
                body: e.body.clone(),
            },
        }
    }
}

/// Draft a message to a name's holder; the answer carries every compliance check.
#[utoipa::path(post, path = "/outreach", operation_id = "draftOutreach",
    request_body = NewOutreachInput,
    responses((status = 201, description = "The draft", body = OutreachJson),
        BadRequest, Unauthorized, Forbidden, Conflict, Invalid))]
#[post("/outreach")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<NewOutreachInput>,
) -> Result<HttpResponse, AppError> {
    let (backorder_id, draft) = body.into_inner().split();
    let view = app::outreach::create(&state, &caller(&user, &meta), &backorder_id, draft)
        .await
        // The backorder is a member of the body here, not the path.
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::invalid(
                "backorder_id",
                "No such backorder, or you do not have access to it.",
            ),
            other => other,
        })?;
    Ok(HttpResponse::Created().json(OutreachJson::from(&view)))
}

/// A message with its checks and delivery.
#[utoipa::path(get, path = "/outreach/{id}", operation_id = "getOutreach",
    params(("id" = OutreachId, Path, description = "The message's id")),
    responses((status = 200, description = "The message", body = OutreachJson),
        Unauthorized, Forbidden, NotFound))]
#[get("/outreach/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = app::outreach::show(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(OutreachJson::from(&view)))
}

/// Approval by a lawyer or admin other than the drafter, for the current text;
/// `override_procedure_warning` (a reason) also overrides the warning about a planned or pending
/// procedure.
#[utoipa::path(post, path = "/outreach/{id}/approve", operation_id = "approveOutreach",
    params(("id" = OutreachId, Path, description = "The message's id")),
    request_body(content = Option<ApproveInput>, description = "Optional"),
    responses((status = 200, description = "The message", body = OutreachJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/outreach/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    // The body is optional; when given it must be valid.
    let input: ApproveInput = if body.iter().all(u8::is_ascii_whitespace) {
        ApproveInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            AppError::BadRequest(format!(
                "The request body is not valid JSON for this endpoint: {e}"
            ))
        })?
    };
    let view = app::outreach::approve(&state, &caller(&user, &meta), &id, input).await?;
    Ok(HttpResponse::Ok().json(OutreachJson::from(&view)))
}

/// Queue in the outbox; refused (422) unless approved and every blocking check passes.
#[utoipa::path(post, path = "/outreach/{id}/send", operation_id = "sendOutreach",
    params(("id" = OutreachId, Path, description = "The message's id")),
    responses((status = 202, description = "Queued", body = OutreachJson),
        Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/outreach/{id}/send")]
pub async fn send(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = app::outreach::send(&state, &caller(&user, &meta), &id).await?;
    Ok(HttpResponse::Accepted().json(OutreachJson::from(&view)))
}
