//! The backorder page: the name, what its TLD's rules say, where it is placed (catch
//! channels), its status history; changing its terms, its status and its channels.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app::access::visible_backorder;
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::{Backorder, BackorderStatus, CatchService, ChannelStatus, fees_due};
use crate::model::ids::{ChannelId, SnapshotId};
use crate::model::matter::Matter;
use crate::model::money::{Currency, format_money, parse_amount};
use crate::model::present::drop_window;
use crate::repo::backorders::{self, BackorderChange, ChannelChange, NewChannel};
use crate::repo::{monitoring, procedures};
use crate::state::AppState;
use crate::web::pages::matters::{backorder_error, backorder_terms, may_edit};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::PolicyView;
use crate::web::{Layout, actor, render_status, see_other, show_optional_time, show_time};

pub struct EventRow {
    pub at: String,
    pub change: String,
    pub actor: String,
    pub reason: String,
}

pub struct ChannelRow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub status_label: String,
    pub reference: String,
    pub success_fee: String,
    pub price: String,
    pub auction_result: String,
    pub notes: String,
    /// What the row's news form shows.
    pub news: NewsValues,
}

/// What the form recording a channel's news shows: the channel as it is, or what was typed.
#[derive(Default)]
pub struct NewsValues {
    pub status: String,
    pub reference: String,
    pub price: String,
    pub auction_result: String,
    /// Sent back with errors: they are this row's.
    pub sent_back: bool,
}

/// What the terms form shows.
pub struct TermsValues {
    pub max_bid: String,
    pub currency: String,
    pub priority: String,
    pub notes: String,
}

/// What the status form shows.
#[derive(Default)]
pub struct StatusValues {
    pub to: String,
    pub reason: String,
}

/// What the form placing the name with a catch service shows.
#[derive(Default)]
pub struct ChannelValues {
    pub service: String,
    pub service_name: String,
    pub status: String,
    pub external_reference: String,
    pub success_fee: String,
    pub currency: String,
    /// Sent back with errors: they are this form's.
    pub sent_back: bool,
}

/// What the page's forms show when one is sent back with errors; blank otherwise.
#[derive(Default)]
pub struct BackorderForms {
    /// `None`: the backorder's own terms.
    pub terms: Option<TermsValues>,
    pub status: StatusValues,
    /// `None`: a blank form in the backorder's currency.
    pub channel: Option<ChannelValues>,
    /// The channel whose news form was sent back, and what was typed.
    pub news: Option<(String, NewsValues)>,
}

pub struct Labelled {
    pub value: &'static str,
    pub label: &'static str,
}

/// What the registry monitoring knows about the name.
pub struct RegistryView {
    pub phase: String,
    pub phase_label: String,
    pub drop_window: String,
    pub reason: String,
    pub last_checked: String,
    pub next_check: String,
    pub last_error: String,
}

pub struct ChangeRow {
    pub at: String,
    pub kind: String,
    pub summary: String,
    pub before: String,
    pub after: String,
    pub important: bool,
}

pub struct SnapshotRow {
    pub id: String,
    pub at: String,
    pub source: String,
    pub server: String,
    pub sha256: String,
    pub phase: String,
}

#[derive(askama::Template)]
#[template(path = "backorders/show.html")]
struct BackorderPage {
    layout: Layout,
    id: String,
    unicode: String,
    ascii: String,
    matter_id: String,
    matter_reference: String,
    status: String,
    status_label: String,
    priority: String,
    max_bid: String,
    notes: String,
    conflict_confirmed: String,
    policy: Option<PolicyView>,
    events: Vec<EventRow>,
    channels: Vec<ChannelRow>,
    fees_due: Vec<String>,
    next_statuses: Vec<Labelled>,
    services: Vec<Labelled>,
    channel_statuses: Vec<Labelled>,
    priorities: Vec<&'static str>,
    can_edit: bool,
    can_work: bool,
    terms: TermsValues,
    status_form: StatusValues,
    channel: ChannelValues,
    errors: FieldErrors,
    registry: Option<RegistryView>,
    changes: Vec<ChangeRow>,
    snapshots: Vec<SnapshotRow>,
    hints: Vec<ProcedureHint>,
    /// (id, title, status) of the procedures covering the name.
    procedures: Vec<(String, String, String)>,
    outreach: Vec<crate::web::view::LogRow>,
}

/// A dispute procedure the name's TLD allows, with what reclaim can already check.
pub struct ProcedureHint {
    pub kind: &'static str,
    pub label: &'static str,
    /// (passed: yes/no/verify, message)
    pub checks: Vec<(String, String)>,
    pub eligible: bool,
}

async fn backorder_page(
    state: &AppState,
    user: &CurrentUser,
    backorder: Backorder,
    matter: Matter,
    forms: BackorderForms,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (id, domain) = (backorder.id.clone(), backorder.domain.clone());
    let policy = state.tld_policies.lookup(&backorder.tld).ok();
    let kinds = policy
        .as_ref()
        .map(|p| p.procedures.clone())
        .unwrap_or_default();
    let policies = state.tld_policies.clone();
    let (events, channels, watched, changes, snapshots, (hints, (procs, messages))) = state
        .db
        .run(move |c| {
            // Which procedures the TLD allows, and whether AFNIC's conditions hold (legal-rules.md §2.3, §6.4).
            let mut hints = Vec::new();
            if let Ok(name) = crate::model::domain_name::DomainName::parse(&domain) {
                for kind in &kinds {
                    let found = match procedures::eligibility(
                        c,
                        &policies,
                        *kind,
                        std::slice::from_ref(&name),
                    ) {
                        Ok(found) => found,
                        Err(procedures::ProcedureError::Db(db)) => return Err(db),
                        // The TLD is known (its policy named the kind): nothing else can fail.
                        Err(_) => continue,
                    };
                    let checks = found
                        .into_iter()
                        .flat_map(|(_, list)| list)
                        .filter(|check| check.id != "tld_procedure")
                        .collect::<Vec<_>>();
                    hints.push(ProcedureHint {
                        kind: kind.as_str(),
                        label: kind.label(),
                        eligible: !checks.iter().any(|x| x.failed()),
                        checks: checks
                            .iter()
                            .map(|x| {
                                (
                                    match x.passed {
                                        Some(true) => "yes",
                                        Some(false) => "no",
                                        None => "verify",
                                    }
                                    .to_owned(),
                                    x.message.clone(),
                                )
                            })
                            .collect(),
                    });
                }
            }
            let procs = (
                procedures::for_backorder(c, &id)?,
                crate::repo::outreach::for_backorder(c, &id)?,
            );
            Ok::<_, DbError>((
                backorders::events(c, &id)?,
                backorders::channels(c, &id)?,
                monitoring::find(c, &domain)?,
                monitoring::changes(c, &domain)?,
                monitoring::snapshot_list(c, &domain)?,
                (hints, procs),
            ))
        })
        .await?;
    let can_edit = may_edit(user, &matter);
    let can_work =
        can_edit || (user.is_staff() && matter.status == crate::model::matter::MatterStatus::Open);
    let terms = forms.terms.unwrap_or_else(|| TermsValues {
        max_bid: backorder
            .max_bid_minor
            .map(|m| crate::model::money::format_plain(m))
            .unwrap_or_default(),
        currency: backorder.currency.clone(),
        priority: backorder.priority.as_str().to_owned(),
        notes: backorder.notes.clone(),
    });
    let channel = forms.channel.unwrap_or_else(|| ChannelValues {
        status: ChannelStatus::Placed.as_str().to_owned(),
        currency: backorder.currency.clone(),
        ..ChannelValues::default()
    });
    let mut news = forms.news;
    render_status(
        status,
        &BackorderPage {
            layout: Layout::for_user(
                user,
                format!("{} · {}", backorder.unicode, matter.reference),
                "matters",
            ),
            id: backorder.id.to_string(),
            unicode: backorder.unicode.clone(),
            ascii: backorder.domain.clone(),
            matter_id: matter.id.to_string(),
            matter_reference: matter.reference.clone(),
            status: backorder.status.as_str().to_owned(),
            status_label: backorder.status.label().to_owned(),
            priority: backorder.priority.as_str().to_owned(),
            max_bid: backorder
                .max_bid_minor
                .map(|m| format_money(m, &backorder.currency))
                .unwrap_or_else(|| "none set".to_owned()),
            notes: backorder.notes.clone(),
            conflict_confirmed: backorder
                .conflict_confirmed_at
                .as_ref()
                .map(show_time)
                .unwrap_or_default(),
            policy: policy.as_ref().map(PolicyView::from),
            events: events
                .iter()
                .map(|e| EventRow {
                    at: show_time(&e.at),
                    change: match e.from_status {
                        Some(from) => format!("{} → {}", from.label(), e.to_status.label()),
                        None => e.to_status.label().to_owned(),
                    },
                    actor: e.actor.clone(),
                    reason: e.reason.clone(),
                })
                .collect(),
            fees_due: fees_due(&channels),
            channels: channels
                .iter()
                .map(|c| ChannelRow {
                    id: c.id.to_string(),
                    name: c.display_name(),
                    status: c.status.as_str().to_owned(),
                    status_label: c.status.label().to_owned(),
                    reference: c.external_reference.clone(),
                    success_fee: c
                        .success_fee_minor
                        .map(|m| format_money(m, &c.currency))
                        .unwrap_or_default(),
                    price: c
                        .price_minor
                        .map(|m| format_money(m, &c.currency))
                        .unwrap_or_default(),
                    auction_result: c.auction_result.clone(),
                    notes: c.notes.clone(),
                    news: match news.take_if(|(id, _)| *id == c.id.as_str()) {
                        Some((_, typed)) => typed,
                        None => NewsValues {
                            status: c.status.as_str().to_owned(),
                            reference: c.external_reference.clone(),
                            price: c
                                .price_minor
                                .map(|m| crate::model::money::format_plain(m))
                                .unwrap_or_default(),
                            auction_result: c.auction_result.clone(),
                            sent_back: false,
                        },
                    },
                })
                .collect(),
            next_statuses: backorder
                .status
                .next()
                .iter()
                .map(|s| Labelled {
                    value: s.as_str(),
                    label: s.label(),
                })
                .collect(),
            services: CatchService::ALL
                .iter()
                .map(|s| Labelled {
                    value: s.as_str(),
                    label: s.label(),
                })
                .collect(),
            channel_statuses: ChannelStatus::ALL
                .iter()
                .map(|s| Labelled {
                    value: s.as_str(),
                    label: s.label(),
                })
                .collect(),
            priorities: crate::model::backorder::Priority::ALL
                .iter()
                .map(|p| p.as_str())
                .collect(),
            can_edit,
            can_work,
            terms,
            status_form: forms.status,
            channel,
            errors,
            registry: watched.map(|w| RegistryView {
                phase: w.phase.as_str().to_owned(),
                phase_label: w.phase.label().to_owned(),
                drop_window: drop_window(w.drop_earliest, w.drop_latest),
                reason: w.assessment_reason.clone(),
                last_checked: show_optional_time(&w.last_checked_at),
                next_check: show_time(&w.next_check_at),
                last_error: w.last_error.clone().unwrap_or_default(),
            }),
            changes: changes
                .iter()
                .map(|c| ChangeRow {
                    at: show_time(&c.detected_at),
                    kind: c.kind.as_str().to_owned(),
                    summary: c.summary.clone(),
                    before: c.before_value.clone(),
                    after: c.after_value.clone(),
                    important: c.important,
                })
                .collect(),
            snapshots: snapshots
                .iter()
                .map(|s| SnapshotRow {
                    id: s.id.to_string(),
                    at: show_time(&s.fetched_at),
                    source: s.source.as_str().to_owned(),
                    server: s.server.clone(),
                    sha256: s.sha256.clone(),
                    phase: s.phase.label().to_owned(),
                })
                .collect(),
            hints,
            procedures: procs
                .iter()
                .map(|p| (p.id.to_string(), p.title(), p.status.as_str().to_owned()))
                .collect(),
            outreach: crate::web::view::log_rows(&messages, user.is_staff()),
        },
    )
}

#[get("/backorders/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    backorder_page(
        &state,
        &user,
        backorder,
        matter,
        BackorderForms::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Re-shows the page with the errors of a form and what was typed in it, or goes back to it
/// with a message.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    outcome: Result<String, FieldErrors>,
    typed: BackorderForms,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(message) => {
            session::flash(&user.session, "success", message);
            Ok(see_other(&format!("/backorders/{id}")))
        }
        Err(errors) => {
            let (backorder, matter) = visible_backorder(state, user, id).await?;
            backorder_page(
                state,
                user,
                backorder,
                matter,
                typed,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    max_bid: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    notes: String,
}

#[post("/backorders/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<TermsForm>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let (backorder, _) = visible_backorder(&state, &user, &id).await?;
    let mut errors = FieldErrors::default();
    let outcome = match backorder_terms(
        &form.max_bid,
        &form.currency,
        &form.priority,
        &form.notes,
        &mut errors,
    ) {
        Some((max_bid_minor, currency, priority, notes)) => {
            let change = BackorderChange {
                priority,
                max_bid_minor,
                currency,
                notes,
            };
            let actor = actor(&user, &meta, state.clock.now());
            match state
                .db
                .run(move |c| backorders::update(c, &actor, &backorder.id, &change))
                .await
            {
                Ok(b) => Ok(format!("Saved the backorder on {}.", b.unicode)),
                Err(e) => {
                    errors.absorb(backorder_error(e))?;
                    Err(errors)
                }
            }
        }
        None => Err(errors),
    };
    let form = form.into_inner();
    let typed = BackorderForms {
        terms: Some(TermsValues {
            max_bid: form.max_bid,
            currency: form.currency,
            priority: form.priority,
            notes: form.notes,
        }),
        ..BackorderForms::default()
    };
    answer(&state, &user, &id, outcome, typed).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    #[serde(default)]
    reason: String,
}

#[post("/backorders/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    let mut errors = FieldErrors::default();
    let to: Option<BackorderStatus> = form
        .status
        .parse()
        .map_err(|e| errors.add("status", e))
        .ok();
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add(
            "reason",
            "Say why the status changes (what the registry or the catch service reported).",
        );
    }
    if matter.status == crate::model::matter::MatterStatus::Closed {
        errors.add(
            "status",
            format!(
                "Matter {} is closed; reopen it to change its backorders.",
                matter.reference
            ),
        );
    }
    let outcome = match to {
        Some(to) if errors.is_empty() => {
            let actor = actor(&user, &meta, state.clock.now());
            match state
                .db
                .run(move |c| backorders::change_status(c, &actor, &backorder.id, to, &reason))
                .await
            {
                Ok(b) => Ok(format!("{} is now: {}.", b.unicode, b.status.label())),
                Err(e) => {
                    errors.absorb(backorder_error(e))?;
                    Err(errors)
                }
            }
        }
        _ => Err(errors),
    };
    let form = form.into_inner();
    let typed = BackorderForms {
        status: StatusValues {
            to: form.status,
            reason: form.reason,
        },
        ..BackorderForms::default()
    };
    answer(&state, &user, &id, outcome, typed).await
}

#[derive(Deserialize)]
pub struct NewChannelForm {
    service: String,
    #[serde(default)]
    service_name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    external_reference: String,
    #[serde(default)]
    success_fee: String,
    #[serde(default)]
    currency: String,
}

/// A new channel, checked; errors are keyed by the form's field names.
pub fn check_new_channel(
    service: &str,
    service_name: &str,
    status: &str,
    reference: &str,
    success_fee: &str,
    currency: &str,
    errors: &mut FieldErrors,
) -> Option<NewChannel> {
    let service: Option<CatchService> = service.parse().map_err(|e| errors.add("service", e)).ok();
    let status: Option<ChannelStatus> = if status.trim().is_empty() {
        Some(ChannelStatus::Placed)
    } else {
        status
            .trim()
            .parse()
            .map_err(|e| errors.add("channel_status", e))
            .ok()
    };
    let service_name = service_name.trim().to_owned();
    if matches!(service, Some(CatchService::FrCatcher | CatchService::Other))
        && service_name.is_empty()
    {
        errors.add("service_name", "Name the service.");
    }
    let fee = if success_fee.trim().is_empty() {
        Some(None)
    } else {
        parse_amount(success_fee)
            .map(Some)
            .map_err(|e| errors.add("success_fee", e))
            .ok()
    };
    let currency = if currency.trim().is_empty() {
        Some(Currency::default())
    } else {
        Currency::parse(currency)
            .map_err(|e| errors.add("channel_currency", e))
            .ok()
    };
    match (service, status, fee, currency) {
        (Some(service), Some(status), Some(success_fee_minor), Some(currency))
            if errors.is_empty() =>
        {
            Some(NewChannel {
                service,
                service_name: service_name.chars().take(100).collect(),
                status,
                external_reference: reference.trim().chars().take(200).collect(),
                success_fee_minor,
                currency,
            })
        }
        _ => None,
    }
}

#[post("/backorders/{id}/channels")]
pub async fn add_channel(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<NewChannelForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, _) = visible_backorder(&state, &user, &id).await?;
    let mut errors = FieldErrors::default();
    let outcome = match check_new_channel(
        &form.service,
        &form.service_name,
        &form.status,
        &form.external_reference,
        &form.success_fee,
        &form.currency,
        &mut errors,
    ) {
        Some(new) => {
            let actor = actor(&user, &meta, state.clock.now());
            let label = new.service.label();
            match state
                .db
                .run(move |c| backorders::add_channel(c, &actor, &backorder.id, &new))
                .await
            {
                Ok(_) => Ok(format!("Recorded the backorder with {label}.")),
                Err(e) => {
                    errors.absorb(backorder_error(e).with_field("service"))?;
                    Err(errors)
                }
            }
        }
        None => Err(errors),
    };
    let form = form.into_inner();
    let typed = BackorderForms {
        channel: Some(ChannelValues {
            service: form.service,
            service_name: form.service_name,
            status: form.status,
            external_reference: form.external_reference,
            success_fee: form.success_fee,
            currency: form.currency,
            sent_back: true,
        }),
        ..BackorderForms::default()
    };
    answer(&state, &user, &id, outcome, typed).await
}

#[derive(Deserialize)]
pub struct ChannelForm {
    status: String,
    #[serde(default)]
    external_reference: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    auction_result: String,
    #[serde(default)]
    notes: String,
}

/// A channel's news, checked.
pub fn check_channel_change(
    status: &str,
    reference: &str,
    price: &str,
    auction_result: &str,
    notes: &str,
    errors: &mut FieldErrors,
) -> Option<ChannelChange> {
    let status: Option<ChannelStatus> = status
        .trim()
        .parse()
        .map_err(|e| errors.add("channel_status", e))
        .ok();
    let price = if price.trim().is_empty() {
        Some(None)
    } else {
        parse_amount(price)
            .map(Some)
            .map_err(|e| errors.add("price", e))
            .ok()
    };
    match (status, price) {
        (Some(status), Some(price_minor)) => Some(ChannelChange {
            status,
            external_reference: reference.trim().chars().take(200).collect(),
            price_minor,
            auction_result: auction_result.trim().chars().take(1000).collect(),
            notes: notes.trim().chars().take(5000).collect(),
        }),
        _ => None,
    }
}

#[post("/backorders/{id}/channels/{channel}")]
pub async fn update_channel(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    form: web::Form<ChannelForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (id, channel) = path.into_inner();
    let (backorder, _) = visible_backorder(&state, &user, &id).await?;
    let channel_id =
        ChannelId::parse(&channel).map_err(|_| AppError::not_found("catch channel"))?;
    let mut errors = FieldErrors::default();
    let outcome = match check_channel_change(
        &form.status,
        &form.external_reference,
        &form.price,
        &form.auction_result,
        &form.notes,
        &mut errors,
    ) {
        Some(change) => {
            let actor = actor(&user, &meta, state.clock.now());
            match state
                .db
                .run(move |c| {
                    backorders::update_channel(c, &actor, &backorder.id, &channel_id, &change)
                })
                .await
            {
                Ok(c) => Ok(format!(
                    "{} is now: {}.",
                    c.display_name(),
                    c.status.label()
                )),
                Err(e) => {
                    errors.absorb(backorder_error(e).with_field("channel_status"))?;
                    Err(errors)
                }
            }
        }
        None => Err(errors),
    };
    let form = form.into_inner();
    let typed = BackorderForms {
        news: Some((
            channel,
            NewsValues {
                status: form.status,
                reference: form.external_reference,
                price: form.price,
                auction_result: form.auction_result,
                sent_back: true,
            },
        )),
        ..BackorderForms::default()
    };
    answer(&state, &user, &id, outcome, typed).await
}

/// Asks the registry now (staff), then shows the page with what it said.
#[post("/backorders/{id}/check")]
pub async fn check_now(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, _) = visible_backorder(&state, &user, &id).await?;
    let name = crate::model::domain_name::DomainName::parse(&backorder.domain)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let message = match crate::monitor::check(&state, &name).await {
        Ok(outcome) => {
            let changed = outcome.changes.len();
            format!(
                "The registry was asked just now: {}.{}",
                outcome.assessment.phase.label(),
                if changed > 0 {
                    format!(" {changed} change(s) found.")
                } else {
                    " Nothing changed.".to_owned()
                }
            )
        }
        Err(e) => {
            let error: AppError = e.into();
            session::flash(&user.session, "error", error.to_string());
            return Ok(see_other(&format!("/backorders/{}", backorder.id)));
        }
    };
    session::flash(&user.session, "success", message);
    Ok(see_other(&format!("/backorders/{}", backorder.id)))
}

/// Every registry answer kept for the name, with a manifest: an annex for a complaint.
#[get("/backorders/{id}/evidence.zip")]
pub async fn evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    let domain = backorder.domain.clone();
    let snapshots = state
        .db
        .run(move |c| monitoring::all_snapshots(c, &domain))
        .await?;
    let zip = crate::evidence::evidence_zip(&backorder.unicode, &backorder.domain, &snapshots)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}-{}-registry-evidence.zip\"",
                matter.reference, backorder.domain
            ),
        ))
        .body(zip))
}

/// One registry answer, exactly as received.
#[get("/backorders/{id}/snapshots/{snapshot}")]
pub async fn snapshot(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, snapshot) = path.into_inner();
    let (backorder, _) = visible_backorder(&state, &user, &id).await?;
    let snapshot_id =
        SnapshotId::parse(&snapshot).map_err(|_| AppError::not_found("registry answer"))?;
    let found = state
        .db
        .run(move |c| monitoring::find_snapshot(c, &snapshot_id))
        .await?
        .filter(|s| s.domain == backorder.domain)
        .ok_or_else(|| AppError::not_found("registry answer"))?;
    let content_type = match found.source {
        crate::model::monitoring::Source::Rdap
        | crate::model::monitoring::Source::RdapRegistrar => "application/json",
        _ => "text/plain; charset=utf-8",
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("X-Content-SHA256", found.sha256.clone()))
        .body(found.raw))
}
