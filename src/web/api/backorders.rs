//! `/api/v1/backorders`: a backorder with its channels and history; status changes; catch
//! channels; registry checks and what the registry said.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app;
use crate::app::after_catch::TickInput;
use crate::app::backorders::{ChannelInput, ChannelNewsInput, History, StatusInput, TermsInput};
use crate::app::monitoring::CheckReport;
use crate::error::AppError;
use crate::model::after_catch::{ChecklistItem, Item, ItemState, VerifiedBy};
use crate::model::backorder::{
    Backorder, BackorderEvent, BackorderStatus, CatchChannel, CatchService, ChannelStatus,
    Priority, Registrant, fees_due,
};
use crate::model::changes::ChangeKind;
use crate::model::ids::{BackorderId, ChannelId, MatterId, SnapshotId};
use crate::model::lifecycle::Phase;
use crate::model::money::format_plain;
use crate::model::monitoring::Source;
use crate::model::paging::{self, PageRequest};
use crate::model::present::rfc3339;
use crate::model::tld_policy::TldPolicy;
use crate::repo::catch_orders::CatchOrder;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{
    BadRequest, Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthorized, Upstream,
};
use crate::web::caller;
use crate::web::paging::{PageQuery, json_page, paged_answer};
use crate::web::request::RequestMeta;

/// Where a backorder is placed: a catch service. Fees are due only on success.
#[derive(Serialize, ToSchema)]
#[schema(as = CatchChannel)]
pub struct ChannelJson {
    id: ChannelId,
    service: CatchService,
    service_name: String,
    status: ChannelStatus,
    external_reference: String,
    /// An amount in the currency's units (`"90.00"`).
    success_fee: Option<String>,
    /// The auction price.
    price: Option<String>,
    currency: String,
    auction_result: String,
    notes: String,
    #[schema(format = DateTime)]
    updated_at: String,
    /// The catch service (`dropcatch`, `dynadot`, … as `service`).
    provider: CatchService,
    /// For an order reclaim places itself: the service's last word (or why it waits).
    message: String,
    /// For an order reclaim placed itself: when the service took it.
    #[schema(format = DateTime)]
    placed_at: Option<String>,
}

impl From<&CatchChannel> for ChannelJson {
    fn from(c: &CatchChannel) -> Self {
        Self {
            id: c.id.clone(),
            service: c.service,
            service_name: c.service_name.clone(),
            status: c.status,
            external_reference: c.external_reference.clone(),
            success_fee: c.success_fee_minor.map(format_plain),
            price: c.price_minor.map(format_plain),
            currency: c.currency.clone(),
            auction_result: c.auction_result.clone(),
            notes: c.notes.clone(),
            updated_at: rfc3339(&c.updated_at),
            provider: c.service,
            message: String::new(),
            placed_at: None,
        }
    }
}

impl BackorderJson {
    /// With what the orders reclaim places itself say (message, when placed).
    pub fn with_orders(mut self, orders: &[CatchOrder]) -> Self {
        for channel in &mut self.channels {
            if let Some(order) = orders.iter().find(|o| o.channel_id == channel.id) {
                channel.message = order.message.clone();
                channel.placed_at = order.placed_at.as_ref().map(rfc3339);
            }
        }
        self
    }
}

/// A backorder: a name sought for a client, with the catch services it is placed with.
#[derive(Serialize, ToSchema)]
#[schema(as = Backorder)]
pub struct BackorderJson {
    id: BackorderId,
    matter_id: MatterId,
    /// A-label (ASCII).
    domain: String,
    /// As people read it.
    unicode: String,
    tld: String,
    status: BackorderStatus,
    priority: Priority,
    /// An amount in the currency's units (`"1500.50"`).
    max_bid: Option<String>,
    currency: String,
    notes: String,
    /// In whose name a direct catch through the firm's registrar registers the name.
    registrant: Registrant,
    #[schema(format = DateTime)]
    conflict_confirmed_at: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    channels: Vec<ChannelJson>,
    /// Only what is owed after a success.
    fees_due: Vec<String>,
}

impl BackorderJson {
    /// The backorder with the catch channels among `channels` that belong to it.
    pub fn new(b: &Backorder, channels: &[CatchChannel]) -> Self {
        let own: Vec<CatchChannel> = channels
            .iter()
            .filter(|c| c.backorder_id == b.id)
            .cloned()
            .collect();
        Self {
            id: b.id.clone(),
            matter_id: b.matter_id.clone(),
            domain: b.domain.clone(),
            unicode: b.unicode.clone(),
            tld: b.tld.clone(),
            status: b.status,
            priority: b.priority,
            max_bid: b.max_bid_minor.map(format_plain),
            currency: b.currency.clone(),
            notes: b.notes.clone(),
            registrant: b.registrant,
            conflict_confirmed_at: b.conflict_confirmed_at.as_ref().map(rfc3339),
            created_at: rfc3339(&b.created_at),
            fees_due: fees_due(&own),
            channels: own.iter().map(ChannelJson::from).collect(),
        }
    }
}

/// One step of a backorder's status history.
#[derive(Serialize, ToSchema)]
#[schema(as = BackorderStep)]
pub struct StepJson {
    #[schema(format = DateTime)]
    at: String,
    from: Option<BackorderStatus>,
    to: BackorderStatus,
    /// Who or what moved it: a person's e-mail, or the registry monitor.
    by: String,
    reason: String,
}

impl From<&BackorderEvent> for StepJson {
    fn from(e: &BackorderEvent) -> Self {
        Self {
            at: rfc3339(&e.at),
            from: e.from_status,
            to: e.to_status,
            by: e.actor.clone(),
            reason: e.reason.clone(),
        }
    }
}

/// A backorder with its matter's reference, its status history and its TLD's rules.
#[derive(Serialize, ToSchema)]
#[schema(as = BackorderDetail)]
pub struct BackorderDetailJson {
    #[serde(flatten)]
    backorder: BackorderJson,
    matter_reference: String,
    /// Oldest first.
    history: Vec<StepJson>,
    /// Null for a TLD reclaim no longer has rules for.
    policy: Option<TldPolicy>,
}

/// A backorder with its catch channels, status history and its TLD's rules.
#[utoipa::path(get, path = "/backorders/{id}", operation_id = "getBackorder",
    params(("id" = BackorderId, Path, description = "The backorder's id")),
    responses((status = 200, description = "The backorder", body = BackorderDetailJson),
        Unauthorized, NotFound))]
#[get("/backorders/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    // The answer shows no registry answers: the history lists them.
    let file = app::backorders::show(&state, &user, &id, PageRequest::first(1)).await?;
    Ok(HttpResponse::Ok().json(BackorderDetailJson {
        backorder: BackorderJson::new(&file.backorder, &file.channels).with_orders(&file.orders),
        matter_reference: file.matter.reference,
        history: file.events.iter().map(StepJson::from).collect(),
        policy: file.policy,
    }))
}

/// Move a backorder along its lifecycle, with the reason (staff).
/// One call reclaim made to a catch service for a backorder's order.
#[derive(Serialize, ToSchema)]
#[schema(as = CatchAttempt)]
pub struct AttemptJson {
    #[schema(format = DateTime)]
    at: String,
    /// The catch channel (order) the call was for.
    channel: ChannelId,
    /// `dropcatch`, `dynadot`, `dynadot_register`, `hexonet`, `epp`.
    #[schema(schema_with = crate::catch::provider_schema)]
    provider: String,
    /// `token`, `place`, `cancel`, `list`, `auctions`, `register`; EPP: `connect`, `login`,
    /// `check`, `register` (the create), `logout`.
    action: String,
    /// `HTTP 200`, `HTTP 503`, EPP's result code (`EPP 1000`, `EPP 2302`) or its greeting
    /// (`EPP greeting`), or `no answer`.
    result: String,
    /// The service's answer (at most 8 KB), or what went wrong.
    message: String,
    duration_ms: i64,
    /// Method and URL (and body), every secret replaced by `[redacted]`.
    request: String,
}

/// The calls made to the catch services for the backorder's orders, newest first (staff).
#[utoipa::path(get, path = "/backorders/{id}/attempts", operation_id = "listCatchAttempts",
    params(("id" = BackorderId, Path, description = "The backorder's id"), PageQuery),
    responses((status = 200, description = "The calls, newest first", body = Vec<AttemptJson>),
        BadRequest, Unauthorized, Forbidden, NotFound))]
#[get("/backorders/{id}/attempts")]
pub async fn attempts(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::CATCH_CALLS)?;
    let calls = app::backorders::attempts(&state, &user, &id, request).await?;
    Ok(json_page(&req, calls, |c| AttemptJson {
        at: rfc3339(&c.at),
        result: c.result(),
        channel: c.channel_id.clone(),
        provider: c.provider.clone(),
        action: c.action.clone(),
        message: c.answer.clone(),
        duration_ms: c.duration_ms,
        request: c.request.clone(),
    }))
}

#[utoipa::path(post, path = "/backorders/{id}/status", operation_id = "changeBackorderStatus",
    params(("id" = BackorderId, Path, description = "The backorder's id")),
    request_body = StatusInput,
    responses((status = 200, description = "The backorder", body = BackorderJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/backorders/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<StatusInput>,
) -> Result<HttpResponse, AppError> {
    let now = app::backorders::change_status(&state, &caller(&user, &meta), &id, body.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(BackorderJson::new(&now.backorder, &now.channels)))
}

/// Change a backorder's terms: the client's maximum, currency, priority, notes, and in whose
/// name a direct catch registers the name (`registrant`: `firm` when empty, or `client`, which
/// needs the client's handle at each registrar account the backorder waits on). Every member
/// is replaced (lawyers and administrators, open matter).
#[utoipa::path(post, path = "/backorders/{id}/terms", operation_id = "changeBackorderTerms",
    params(("id" = BackorderId, Path, description = "The backorder's id")),
    request_body = TermsInput,
    responses((status = 200, description = "The backorder", body = BackorderJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/backorders/{id}/terms")]
pub async fn change_terms(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<TermsInput>,
) -> Result<HttpResponse, AppError> {
    let backorder =
        app::backorders::update(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    let file =
        app::backorders::show(&state, &user, backorder.id.as_str(), PageRequest::first(1)).await?;
    Ok(HttpResponse::Ok().json(BackorderJson::new(&file.backorder, &file.channels)))
}

/// Record where the backorder is placed (staff). Fees are due only on success.
#[utoipa::path(post, path = "/backorders/{id}/channels", operation_id = "addCatchChannel",
    params(("id" = BackorderId, Path, description = "The backorder's id")),
    request_body = ChannelInput,
    responses((status = 201, description = "The catch channel", body = ChannelJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/backorders/{id}/channels")]
pub async fn add_channel(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<ChannelInput>,
) -> Result<HttpResponse, AppError> {
    let channel =
        app::backorders::add_channel(&state, &caller(&user, &meta), &id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(ChannelJson::from(&channel)))
}

/// Record a catch service's news; the backorder moves to caught, auction, won or lost
/// accordingly (staff).
#[utoipa::path(post, path = "/backorders/{id}/channels/{channel}",
    operation_id = "updateCatchChannel",
    params(("id" = BackorderId, Path, description = "The backorder's id"),
        ("channel" = ChannelId, Path, description = "The catch channel's id")),
    request_body = ChannelNewsInput,
    responses((status = 200, description = "The backorder", body = BackorderJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
#[post("/backorders/{id}/channels/{channel}")]
pub async fn update_channel(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Json<ChannelNewsInput>,
) -> Result<HttpResponse, AppError> {
    let (id, channel) = path.into_inner();
    let news = app::backorders::update_channel(
        &state,
        &caller(&user, &meta),
        &id,
        &channel,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(BackorderJson::new(&news.now.backorder, &news.now.channels)))
}

/// Look the name up at its registry now (RDAP, else WHOIS) and return the lifecycle
/// assessment; the answer is kept as evidence (staff).
#[utoipa::path(post, path = "/backorders/{id}/check", operation_id = "checkBackorder",
    params(("id" = BackorderId, Path, description = "The backorder's id")),
    responses((status = 200, description = "The assessment", body = CheckReport),
        Unauthorized, Forbidden, NotFound, Conflict, Invalid, RateLimited, Upstream))]
#[post("/backorders/{id}/check")]
pub async fn check(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let report = app::backorders::check(&state, &caller(&user, &meta), &id).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// What monitoring knows of the name now.
#[derive(Serialize, ToSchema)]
#[schema(as = Watch)]
pub struct WatchJson {
    phase: Phase,
    #[schema(format = DateTime)]
    drop_earliest: Option<String>,
    #[schema(format = DateTime)]
    drop_latest: Option<String>,
    /// What the prediction rests on.
    reason: String,
    #[schema(format = DateTime)]
    last_checked_at: Option<String>,
    #[schema(format = DateTime)]
    next_check_at: String,
    /// Failed checks in a row.
    failures: i32,
    last_error: Option<String>,
}

/// A registry answer kept as evidence (its bytes at `/backorders/{id}/snapshots/{snapshot}`
/// on the pages).
#[derive(Serialize, ToSchema)]
#[schema(as = Snapshot)]
pub struct SnapshotJson {
    id: SnapshotId,
    #[schema(format = DateTime)]
    fetched_at: String,
    source: Source,
    server: String,
    http_status: Option<i32>,
    sha256: String,
    registered: bool,
    phase: Phase,
}

/// A change found between two registry answers.
#[derive(Serialize, ToSchema)]
#[schema(as = RegistryChange)]
pub struct ChangeJson {
    #[schema(format = DateTime)]
    detected_at: String,
    kind: ChangeKind,
    before: String,
    after: String,
    summary: String,
    important: bool,
}

/// A check that failed.
#[derive(Serialize, ToSchema)]
#[schema(as = FailedCheck)]
pub struct FailedCheckJson {
    #[schema(format = DateTime)]
    at: String,
    server: String,
    kind: String,
    message: String,
}

/// The registry answers kept for a name, the changes found between them and the failed
/// checks.
#[derive(Serialize, ToSchema)]
#[schema(as = BackorderHistory)]
pub struct HistoryJson {
    domain: String,
    unicode: String,
    /// Null while the name is not watched.
    assessment: Option<WatchJson>,
    /// One page of them, newest first (`limit`, `after`; the `Link` header names the next).
    snapshots: Vec<SnapshotJson>,
    /// Newest first.
    changes: Vec<ChangeJson>,
    /// The latest failed checks, newest first.
    errors: Vec<FailedCheckJson>,
}

impl From<History> for HistoryJson {
    fn from(h: History) -> Self {
        Self {
            domain: h.backorder.domain,
            unicode: h.backorder.unicode,
            assessment: h.watched.map(|w| WatchJson {
                phase: w.phase,
                drop_earliest: w.drop_earliest.as_ref().map(rfc3339),
                drop_latest: w.drop_latest.as_ref().map(rfc3339),
                reason: w.assessment_reason,
                last_checked_at: w.last_checked_at.as_ref().map(rfc3339),
                next_check_at: rfc3339(&w.next_check_at),
                failures: w.failures,
                last_error: w.last_error,
            }),
            snapshots: h
                .snapshots
                .rows
                .into_iter()
                .map(|s| SnapshotJson {
                    id: s.id,
                    fetched_at: rfc3339(&s.fetched_at),
                    source: s.source,
                    server: s.server,
                    http_status: s.http_status,
                    sha256: s.sha256,
                    registered: s.registered,
                    phase: s.phase,
                })
                .collect(),
            changes: h
                .changes
                .into_iter()
                .map(|c| ChangeJson {
                    detected_at: rfc3339(&c.detected_at),
                    kind: c.kind,
                    before: c.before_value,
                    after: c.after_value,
                    summary: c.summary,
                    important: c.important,
                })
                .collect(),
            errors: h
                .errors
                .into_iter()
                .map(|e| FailedCheckJson {
                    at: rfc3339(&e.at),
                    server: e.server,
                    kind: e.kind,
                    message: e.message,
                })
                .collect(),
        }
    }
}

/// The registry answers kept for the name (time, source, server, SHA-256), the changes found
/// between them and the failed checks. The answers are paged, newest first: `limit` and `after`
/// choose the page of `snapshots`, and the `Link` header names the next one; the changes and
/// the failed checks come whole with every page.
#[utoipa::path(get, path = "/backorders/{id}/history", operation_id = "backorderHistory",
    params(("id" = BackorderId, Path, description = "The backorder's id"), PageQuery),
    responses((status = 200, description = "The history, with one page of the registry answers", body = HistoryJson),
        BadRequest, Unauthorized, NotFound))]
#[get("/backorders/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::SNAPSHOTS)?;
    let history = app::backorders::history(&state, &user, &id, request).await?;
    let next = history.snapshots.next.clone();
    Ok(paged_answer(&req, next.as_deref()).json(HistoryJson::from(history)))
}

/// One item of the checklist after the catch.
#[derive(Serialize, ToSchema)]
#[schema(as = ChecklistItem)]
pub struct ChecklistItemJson {
    /// Stable: `registrant_verified`, `client_contacts`, `transfer_lock`, `registrar_2fa`,
    /// `renewed`, `nameservers_moved`, `transfer_window`, `client_informed`.
    id: Item,
    label: String,
    state: ItemState,
    /// Who found it done: the registry data, or a member of staff; `null` while pending.
    verified_by: Option<VerifiedBy>,
    #[schema(format = Date)]
    due_on: String,
    /// What the registry data last showed about it, or who ticked it.
    note: String,
    #[schema(format = DateTime)]
    done_at: Option<String>,
}

impl From<&ChecklistItem> for ChecklistItemJson {
    fn from(i: &ChecklistItem) -> Self {
        Self {
            id: i.item,
            label: i.item.label().to_owned(),
            state: i.state,
            verified_by: i.verified_by,
            due_on: i.due_on.to_string(),
            note: i.note.clone(),
            done_at: i.done_at.as_ref().map(rfc3339),
        }
    }
}

/// The checklist after the catch: what the firm does once the name is the client's (opened when
/// the backorder is caught or won). Items the registry data can prove tick themselves.
#[utoipa::path(get, path = "/backorders/{id}/checklist", operation_id = "backorderChecklist",
    params(("id" = BackorderId, Path, description = "The backorder's id")),
    responses((status = 200, description = "The items, most urgent kind first", body = [ChecklistItemJson]),
        Unauthorized, NotFound))]
#[get("/backorders/{id}/checklist")]
pub async fn checklist(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let list = app::after_catch::checklist(&state, &user, &id).await?;
    Ok(HttpResponse::Ok().json(
        list.items
            .iter()
            .map(ChecklistItemJson::from)
            .collect::<Vec<_>>(),
    ))
}

/// Tick an item of the checklist (`{"done": true}`), or reopen one a person ticked
/// (`{"done": false}`); staff, open matter, audited. An item the registry data proved reopens
/// by itself when the data no longer shows it.
#[utoipa::path(post, path = "/backorders/{id}/checklist/{item}", operation_id = "tickChecklistItem",
    params(("id" = BackorderId, Path, description = "The backorder's id"),
        ("item" = Item, Path, description = "The item's id")),
    request_body = TickInput,
    responses((status = 200, description = "The item", body = ChecklistItemJson),
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict))]
#[post("/backorders/{id}/checklist/{item}")]
pub async fn tick_item(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Json<TickInput>,
) -> Result<HttpResponse, AppError> {
    let (id, item) = path.into_inner();
    let item =
        app::after_catch::set_done(&state, &caller(&user, &meta), &id, &item, body.into_inner())
            .await?;
    Ok(HttpResponse::Ok().json(ChecklistItemJson::from(&item)))
}
