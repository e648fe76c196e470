//! `/api/v1/backorders`: a backorder with its channels and history; status changes; catch
//! channels.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::access::visible_backorder;
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::{Backorder, BackorderStatus, CatchChannel, fees_due};
use crate::model::ids::ChannelId;
use crate::model::matter::MatterStatus;
use crate::repo::{backorders, monitoring};
use crate::state::AppState;
use crate::web::actor;
use crate::web::api::auth::ApiUser;
use crate::web::api::matters::amount_text;
use crate::web::pages::backorders::{check_channel_change, check_new_channel};
use crate::web::pages::matters::backorder_error;
use crate::web::request::RequestMeta;

fn decimal(minor: Option<i64>) -> Value {
    minor.map_or(Value::Null, |m| json!(crate::model::money::format_plain(m)))
}

pub fn channel_json(c: &CatchChannel) -> Value {
    json!({
        "id": c.id,
        "service": c.service,
        "service_name": c.service_name,
        "status": c.status,
        "external_reference": c.external_reference,
        "success_fee": decimal(c.success_fee_minor),
        "price": decimal(c.price_minor),
        "currency": c.currency,
        "auction_result": c.auction_result,
        "notes": c.notes,
        "updated_at": c.updated_at.and_utc().to_rfc3339(),
    })
}

/// A backorder with the catch channels among `channels` that belong to it.
pub fn backorder_json(b: &Backorder, channels: &[CatchChannel]) -> Value {
    let own: Vec<CatchChannel> = channels
        .iter()
        .filter(|c| c.backorder_id == b.id)
        .cloned()
        .collect();
    json!({
        "id": b.id,
        "matter_id": b.matter_id,
        "domain": b.domain,
        "unicode": b.unicode,
        "tld": b.tld,
        "status": b.status,
        "priority": b.priority,
        "max_bid": decimal(b.max_bid_minor),
        "currency": b.currency,
        "notes": b.notes,
        "conflict_confirmed_at": b.conflict_confirmed_at.map(|t| t.and_utc().to_rfc3339()),
        "created_at": b.created_at.and_utc().to_rfc3339(),
        "channels": own.iter().map(channel_json).collect::<Vec<_>>(),
        "fees_due": fees_due(&own),
    })
}

#[get("/backorders/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    let backorder_id = backorder.id.clone();
    let (channels, events) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                backorders::channels(c, &backorder_id)?,
                backorders::events(c, &backorder_id)?,
            ))
        })
        .await?;
    let mut answer = backorder_json(&backorder, &channels);
    answer["matter_reference"] = json!(matter.reference);
    answer["history"] = json!(
        events
            .iter()
            .map(|e| json!({
                "at": e.at.and_utc().to_rfc3339(),
                "from": e.from_status,
                "to": e.to_status,
                "by": e.actor,
                "reason": e.reason,
            }))
            .collect::<Vec<_>>()
    );
    answer["policy"] = state
        .tld_policies
        .lookup(&backorder.tld)
        .map(|p| json!(p))
        .unwrap_or(Value::Null);
    Ok(HttpResponse::Ok().json(answer))
}

fn require_open(matter: &crate::model::matter::Matter) -> Result<(), AppError> {
    if matter.status == MatterStatus::Closed {
        return Err(AppError::Conflict(format!(
            "Matter {} is closed; reopen it to change its backorders.",
            matter.reference
        )));
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct StatusJson {
    status: String,
    #[serde(default)]
    reason: String,
}

#[post("/backorders/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<StatusJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    require_open(&matter)?;
    let to: BackorderStatus =
        body.status
            .parse()
            .map_err(|e: crate::model::types::UnknownValue| {
                AppError::invalid("status", e.to_string())
            })?;
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "Say why the status changes."));
    }
    let actor = actor(&user, &meta, state.clock.now());
    let (updated, channels) = state
        .db
        .run(move |c| {
            let updated = backorders::change_status(c, &actor, &backorder.id, to, &reason)?;
            let channels = backorders::channels(c, &updated.id)?;
            Ok::<_, backorders::BackorderError>((updated, channels))
        })
        .await
        .map_err(backorder_error)?;
    Ok(HttpResponse::Ok().json(backorder_json(&updated, &channels)))
}

#[derive(Deserialize)]
pub struct NewChannelJson {
    service: String,
    #[serde(default)]
    service_name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    external_reference: String,
    success_fee: Option<Value>,
    #[serde(default)]
    currency: String,
}

#[post("/backorders/{id}/channels")]
pub async fn add_channel(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<NewChannelJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    require_open(&matter)?;
    let mut errors = FieldErrors::default();
    let new = check_new_channel(
        &body.service,
        &body.service_name,
        &body.status,
        &body.external_reference,
        &amount_text(&body.success_fee),
        &body.currency,
        &mut errors,
    )
    .ok_or_else(|| errors.into_error())?;
    let actor = actor(&user, &meta, state.clock.now());
    let channel = state
        .db
        .run(move |c| backorders::add_channel(c, &actor, &backorder.id, &new))
        .await
        .map_err(backorder_error)?;
    Ok(HttpResponse::Created().json(channel_json(&channel)))
}

#[derive(Deserialize)]
pub struct ChannelJson {
    status: String,
    #[serde(default)]
    external_reference: String,
    price: Option<Value>,
    #[serde(default)]
    auction_result: String,
    #[serde(default)]
    notes: String,
}

#[post("/backorders/{id}/channels/{channel}")]
pub async fn update_channel(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Json<ChannelJson>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (id, channel) = path.into_inner();
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    require_open(&matter)?;
    let channel_id =
        ChannelId::parse(&channel).map_err(|_| AppError::not_found("catch channel"))?;
    let mut errors = FieldErrors::default();
    let change = check_channel_change(
        &body.status,
        &body.external_reference,
        &amount_text(&body.price),
        &body.auction_result,
        &body.notes,
        &mut errors,
    )
    .ok_or_else(|| errors.into_error())?;
    let actor = actor(&user, &meta, state.clock.now());
    let (updated, channels) = state
        .db
        .run(move |c| {
            backorders::update_channel(c, &actor, &backorder.id, &channel_id, &change)?;
            let updated =
                backorders::find(c, &backorder.id)?.ok_or(backorders::BackorderError::NotFound)?;
            let channels = backorders::channels(c, &backorder.id)?;
            Ok::<_, backorders::BackorderError>((updated, channels))
        })
        .await
        .map_err(backorder_error)?;
    Ok(HttpResponse::Ok().json(backorder_json(&updated, &channels)))
}

/// Looks the name up now (RDAP, else WHOIS): the assessment object of DESIGN.md.
#[post("/backorders/{id}/check")]
pub async fn check(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, _) = visible_backorder(&state, &user, &id).await?;
    let name = crate::model::domain_name::DomainName::parse(&backorder.domain)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let outcome = crate::monitor::check(&state, &name).await?;
    Ok(HttpResponse::Ok().json(outcome.to_json()))
}

/// The registry answers kept for the name (time, source, SHA-256) and the changes found.
#[get("/backorders/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (backorder, _) = visible_backorder(&state, &user, &id).await?;
    let domain = backorder.domain.clone();
    let (watched, snapshots, changes, errors) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                monitoring::find(c, &domain)?,
                monitoring::snapshot_list(c, &domain)?,
                monitoring::changes(c, &domain)?,
                monitoring::check_errors(c, &domain, 50)?,
            ))
        })
        .await?;
    let time = |t: &chrono::NaiveDateTime| t.and_utc().to_rfc3339();
    Ok(HttpResponse::Ok().json(json!({
        "domain": backorder.domain,
        "unicode": backorder.unicode,
        "assessment": watched.as_ref().map(|w| json!({
            "phase": w.phase,
            "drop_earliest": w.drop_earliest.as_ref().map(time),
            "drop_latest": w.drop_latest.as_ref().map(time),
            "reason": w.assessment_reason,
            "last_checked_at": w.last_checked_at.as_ref().map(time),
            "next_check_at": time(&w.next_check_at),
            "failures": w.failures,
            "last_error": w.last_error,
        })),
        "snapshots": snapshots.iter().map(|s| json!({
            "id": s.id,
            "fetched_at": time(&s.fetched_at),
            "source": s.source,
            "server": s.server,
            "http_status": s.http_status,
            "sha256": s.sha256,
            "registered": s.registered,
            "phase": s.phase,
        })).collect::<Vec<_>>(),
        "changes": changes.iter().map(|c| json!({
            "detected_at": time(&c.detected_at),
            "kind": c.kind,
            "before": c.before_value,
            "after": c.after_value,
            "summary": c.summary,
            "important": c.important,
        })).collect::<Vec<_>>(),
        "errors": errors.iter().map(|e| json!({
            "at": time(&e.at),
            "server": e.server,
            "kind": e.kind,
            "message": e.message,
        })).collect::<Vec<_>>(),
    })))
}
