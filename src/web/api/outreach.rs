//! `/api/v1` outreach: sender profiles (administrators), drafts with their compliance checks,
//! approval by a second lawyer, and sending through the outbox.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::access::{visible_backorder, visible_outreach};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::outreach::{ApprovalKind, Outreach};
use crate::outreach::{self as service, Evaluation, SendError};
use crate::repo::{outreach, senders};
use crate::state::AppState;
use crate::web::actor;
use crate::web::api::auth::ApiUser;
use crate::web::pages::outreach::{
    OutreachForm, check_outreach, context, outreach_error, send_error,
};
use crate::web::pages::senders::{SenderForm, check_sender, sender_error};
use crate::web::request::RequestMeta;

#[post("/sender-profiles")]
pub async fn create_sender(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<SenderForm>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let mut errors = FieldErrors::default();
    let input = check_sender(&body, true, &mut errors).ok_or_else(|| errors.into_error())?;
    let actor = actor(&user, &meta, state.clock.now());
    let profile = state
        .db
        .run(move |c| senders::create(c, &actor, &input))
        .await
        .map_err(sender_error)?;
    Ok(HttpResponse::Created().json(
        json!({ "id": profile.id, "from": profile.from_header(), "dkim": profile.has_dkim() }),
    ))
}

#[get("/sender-profiles")]
pub async fn list_senders(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let all = state.db.run(senders::list).await?;
    Ok(HttpResponse::Ok().json(
        all.iter()
            .map(|p| json!({
                "id": p.id, "label": p.label, "legal_name": p.legal_name, "postal_address": p.postal_address,
                "phone": p.phone, "from_email": p.from_email, "reply_to": p.reply_to, "dkim": p.has_dkim(), "active": p.active,
            }))
            .collect::<Vec<_>>(),
    ))
}

fn outreach_json(o: &Outreach, evaluation: &Evaluation, delivery: Option<String>) -> Value {
    json!({
        "id": o.id,
        "backorder_id": o.backorder_id,
        "matter_id": o.matter_id,
        "sender_profile_id": o.sender_profile_id,
        "to": o.to_address,
        "address_source": o.address_source,
        "subject": o.subject,
        "body": o.body,
        "status": o.status,
        "delivery": delivery,
        "answered_at": o.answered_at.map(|t| t.and_utc().to_rfc3339()),
        "checks": evaluation.checks.iter().map(|c| json!({ "id": c.id, "passed": c.passed, "blocking": c.blocking, "message": c.message })).collect::<Vec<_>>(),
        "sendable": evaluation.blockers().is_empty(),
        "message": {
            "from": evaluation.from,
            "reply_to": evaluation.reply_to,
            "subject": evaluation.subject,
            "headers": evaluation.headers.iter().map(|(n, v)| json!({ "name": n, "value": v })).collect::<Vec<_>>(),
            "body": evaluation.body,
        },
    })
}

async fn full(state: &AppState, o: Outreach) -> Result<Value, AppError> {
    let ctx = context(state);
    let now = state.clock.now();
    let m = o.clone();
    let (evaluation, delivery) = state
        .db
        .run(move |c| {
            let evaluation = service::evaluate(c, &ctx, &m, now)?;
            let delivery = outreach::for_backorder(c, &m.backorder_id)?
                .into_iter()
                .find(|e| e.outreach.id == m.id)
                .and_then(|e| e.delivery)
                .map(|d| d.as_str().to_owned());
            Ok::<_, DbError>((evaluation, delivery))
        })
        .await?;
    Ok(outreach_json(&o, &evaluation, delivery))
}

#[derive(Deserialize)]
pub struct NewOutreachJson {
    backorder_id: String,
    sender_profile_id: String,
    to: String,
    subject: String,
    body: String,
    #[serde(default)]
    address_source: String,
}

#[post("/outreach")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<NewOutreachJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let body = body.into_inner();
    let (backorder, _) = visible_backorder(&state, &user, &body.backorder_id)
        .await
        .map_err(|_| {
            AppError::invalid(
                "backorder_id",
                "No such backorder, or you do not have access to it.",
            )
        })?;
    let form = OutreachForm {
        sender_profile_id: body.sender_profile_id,
        to: body.to,
        address_source: body.address_source,
        subject: body.subject,
        body: body.body,
        template: String::new(),
    };
    let mut errors = FieldErrors::default();
    let input = check_outreach(&form, &mut errors).ok_or_else(|| errors.into_error())?;
    let actor = actor(&user, &meta, state.clock.now());
    let bid = backorder.id.clone();
    let created = state
        .db
        .run(move |c| outreach::create(c, &actor, &bid, &input))
        .await
        .map_err(outreach_error)?;
    Ok(HttpResponse::Created().json(full(&state, created).await?))
}

#[get("/outreach/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (o, _, _) = visible_outreach(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(full(&state, o).await?))
}

#[derive(Deserialize, Default)]
pub struct ApproveJson {
    /// With a reason: also overrides the warning about a planned or pending procedure.
    #[serde(default)]
    override_procedure_warning: Option<String>,
}

/// Approval by a lawyer or administrator other than the drafter, for the current content.
#[post("/outreach/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    // The body is optional; when given it must be valid.
    let body: ApproveJson = if body.iter().all(u8::is_ascii_whitespace) {
        ApproveJson::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            AppError::BadRequest(format!(
                "The request body is not valid JSON for this endpoint: {e}"
            ))
        })?
    };
    let (o, _, _) = visible_outreach(&state, &user, &id).await?;
    let may = user.require_lawyer_or_admin().is_ok();
    let reason = body.override_procedure_warning;
    let actor = actor(&user, &meta, state.clock.now());
    let oid = o.id.clone();
    let after = state
        .db
        .run(move |c| {
            if let Some(reason) = &reason {
                outreach::approve(
                    c,
                    &actor,
                    may,
                    &oid,
                    ApprovalKind::ProcedureOverride,
                    reason,
                )?;
            }
            outreach::approve(c, &actor, may, &oid, ApprovalKind::Approval, "")
        })
        .await
        .map_err(outreach_error)?;
    Ok(HttpResponse::Ok().json(full(&state, after).await?))
}

/// Queues the message in the outbox: refused (422, with the failing checks) unless approved and
/// every blocking check passes.
#[post("/outreach/{id}/send")]
pub async fn send(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (o, _, _) = visible_outreach(&state, &user, &id).await?;
    let ctx = context(&state);
    let actor = actor(&user, &meta, state.clock.now());
    let (oid, relay) = (o.id.clone(), state.mailer.describe());
    match state
        .db
        .run(move |c| service::send(c, &ctx, &actor, &oid, &relay))
        .await
    {
        Ok(queued) => Ok(HttpResponse::Accepted().json(full(&state, queued).await?)),
        Err(SendError::Blocked(checks)) => Err(AppError::Invalid {
            field: Some(checks.first().map_or("checks", |c| c.id).to_owned()),
            message: format!(
                "Not sent: {}",
                checks
                    .iter()
                    .map(|c| c.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }),
        Err(e) => Err(send_error(e)),
    }
}
