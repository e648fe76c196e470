//! The backorder page: the name, what its TLD's rules say, where it is placed (catch
//! channels), its status history; changing its terms, its status and its channels.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::access::MatterRights;
use crate::app::after_catch::TickInput;
use crate::app::backorders::{
    BackorderFile, ChannelInput, ChannelNewsInput, StatusInput, TermsInput,
};
use crate::error::{AppError, FieldErrors};
use crate::model::after_catch::VerifiedBy;
use crate::model::backorder::{CatchService, ChannelStatus, Priority, fees_due};
use crate::model::money::{format_money, format_plain};
use crate::model::monitoring::Source;
use crate::model::paging;
use crate::model::present::drop_window;
use crate::state::AppState;
use crate::web::paging::{ListPage, PageLinks, PageNavQuery};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::{Choice, LogRow, PolicyView, log_rows};
use crate::web::{Layout, caller, render_status, see_other, show_optional_time, show_time};

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
    /// For an order reclaim places itself through a catch account: the service's last word and
    /// when it took the order; empty otherwise.
    pub order: String,
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
    pub registrant: String,
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

/// A dispute procedure the name's TLD allows, with what reclaim can already check.
pub struct ProcedureHint {
    pub kind: &'static str,
    pub label: &'static str,
    /// (passed: yes/no/verify, message)
    pub checks: Vec<(String, String)>,
    pub eligible: bool,
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
    /// The firm's catch accounts a backorder can be put on (staff).
    accounts: Vec<Choice>,
    channel_statuses: Vec<Labelled>,
    priorities: Vec<&'static str>,
    rights: MatterRights,
    terms: TermsValues,
    status_form: StatusValues,
    channel: ChannelValues,
    errors: FieldErrors,
    registry: Option<RegistryView>,
    changes: Vec<ChangeRow>,
    snapshots: Vec<SnapshotRow>,
    /// The links to the other pages of the registry answers.
    pager: PageLinks,
    hints: Vec<ProcedureHint>,
    /// (id, title, status) of the procedures covering the name.
    procedures: Vec<(String, String, String)>,
    outreach: Vec<LogRow>,
    /// The latest calls to the catch services (staff).
    calls: Vec<CallRow>,
    /// The checklist after the catch (empty until the name is caught or won).
    checklist: Vec<ChecklistRow>,
}

/// One call to a catch service, as the page shows it.
struct CallRow {
    at: String,
    service: String,
    action: String,
    result: String,
    duration: String,
    request: String,
    answer: String,
}

/// One item of the checklist after the catch, as the page shows it.
pub struct ChecklistRow {
    pub item: &'static str,
    pub label: &'static str,
    pub done: bool,
    /// "Pending", "Shown by the registry data", "Ticked by a person".
    pub state: &'static str,
    pub due_on: String,
    pub overdue: bool,
    pub note: String,
    /// A person may reopen it (they ticked it).
    pub reopenable: bool,
}

async fn backorder_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    forms: BackorderForms,
    errors: FieldErrors,
    status: StatusCode,
    // Which page of the registry answers it shows.
    timeline: ListPage,
) -> Result<HttpResponse, AppError> {
    let BackorderFile {
        backorder,
        matter,
        rights,
        policy,
        events,
        channels,
        watched,
        changes,
        snapshots,
        hints,
        procedures,
        outreach,
        orders,
        calls,
        checklist,
    } = app::backorders::show(state, user, id, timeline.request.clone()).await?;
    // The links come back to the list of answers, not to the top of the page.
    let path = format!("/backorders/{id}");
    let mut pager = timeline.links(&path, snapshots.next.as_deref(), snapshots.prev.as_deref());
    for link in [&mut pager.first, &mut pager.prev, &mut pager.next]
        .into_iter()
        .flatten()
    {
        link.push_str("#registry-answers");
    }
    let today = state.clock.now().date_naive();
    let checklist = checklist
        .iter()
        .map(|i| ChecklistRow {
            item: i.item.as_str(),
            label: i.item.label(),
            done: !i.is_pending(),
            state: match i.verified_by {
                _ if i.is_pending() => "Pending",
                Some(VerifiedBy::Registry) => "Shown by the registry data",
                _ => "Ticked by a person",
            },
            due_on: crate::model::present::weekday(i.due_on),
            overdue: i.is_pending() && i.due_on < today,
            note: i.note.clone(),
            reopenable: !i.is_pending() && i.verified_by == Some(VerifiedBy::User),
        })
        .collect();
    let accounts = if rights.work {
        app::catch_accounts::in_use(state, user)
            .await?
            .into_iter()
            .map(|a| Choice {
                label: format!(
                    "{} ({})",
                    a.label,
                    a.provider().map_or(a.provider.as_str(), |p| p.label())
                ),
                value: a.id.to_string(),
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let terms = forms.terms.unwrap_or_else(|| TermsValues {
        max_bid: backorder
            .max_bid_minor
            .map(format_plain)
            .unwrap_or_default(),
        currency: backorder.currency.clone(),
        priority: backorder.priority.as_str().to_owned(),
        notes: backorder.notes.clone(),
        registrant: backorder.registrant.as_str().to_owned(),
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
            calls: calls
                .into_iter()
                .map(|call| CallRow {
                    at: show_time(&call.at),
                    service: channels
                        .iter()
                        .find(|c| c.id == call.channel_id)
                        .map(|c| c.display_name())
                        .unwrap_or_else(|| call.provider.clone()),
                    result: call.result(),
                    action: call.action,
                    duration: format!("{} ms", call.duration_ms),
                    request: call.request,
                    answer: call.answer,
                })
                .collect(),
            channels: channels
                .iter()
                .map(|c| ChannelRow {
                    order: orders
                        .iter()
                        .find(|o| o.channel_id == c.id)
                        .map(|o| {
                            let placed = o
                                .placed_at
                                .as_ref()
                                .map(|t| format!(" Placed {}.", show_time(t)))
                                .unwrap_or_default();
                            format!(
                                "Through the firm's account: {}.{placed}",
                                o.message.trim_end_matches('.')
                            )
                        })
                        .unwrap_or_default(),
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
                            price: c.price_minor.map(format_plain).unwrap_or_default(),
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
            accounts,
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
            priorities: Priority::ALL.iter().map(|p| p.as_str()).collect(),
            rights,
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
            pager,
            snapshots: snapshots
                .rows
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
            hints: hints
                .iter()
                .map(|h| ProcedureHint {
                    kind: h.kind.as_str(),
                    label: h.kind.label(),
                    eligible: h.eligible,
                    checks: h
                        .checks
                        .iter()
                        .map(|x| {
                            let passed = match x.passed {
                                Some(true) => "yes",
                                Some(false) => "no",
                                None => "verify",
                            };
                            (passed.to_owned(), x.message.clone())
                        })
                        .collect(),
                })
                .collect(),
            procedures: procedures
                .iter()
                .map(|p| (p.id.to_string(), p.title(), p.status.as_str().to_owned()))
                .collect(),
            outreach: log_rows(&outreach, rights.staff),
            checklist,
        },
    )
}

/// The backorder's page; `limit`, `after` and `before` choose the page of its registry answers.
#[get("/backorders/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    let timeline = ListPage::asked(&req, &page, paging::SNAPSHOTS)?;
    backorder_page(
        &state,
        &user,
        &id,
        BackorderForms::default(),
        FieldErrors::default(),
        StatusCode::OK,
        timeline,
    )
    .await
}

/// Goes back to the page with a message, or shows it again with the errors of a form (named
/// as the page names that form's fields) and what was typed in it.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    outcome: Result<String, AppError>,
    prefix: &str,
    typed: BackorderForms,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(message) => {
            session::flash(&user.session, "success", message);
            Ok(see_other(&format!("/backorders/{id}")))
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.absorb(e)?;
            backorder_page(
                state,
                user,
                id,
                typed,
                errors.prefixed(prefix),
                StatusCode::UNPROCESSABLE_ENTITY,
                ListPage::default(),
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
    #[serde(default)]
    registrant: String,
}

#[post("/backorders/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<TermsForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = TermsInput {
        max_bid: form.max_bid.as_str().into(),
        currency: form.currency.clone(),
        priority: form.priority.clone(),
        notes: form.notes.clone(),
        registrant: form.registrant.clone(),
    };
    let outcome = app::backorders::update(&state, &caller(&user, &meta), &id, input)
        .await
        .map(|b| format!("Saved the backorder on {}.", b.unicode));
    let typed = BackorderForms {
        terms: Some(TermsValues {
            max_bid: form.max_bid,
            currency: form.currency,
            priority: form.priority,
            notes: form.notes,
            registrant: form.registrant,
        }),
        ..BackorderForms::default()
    };
    answer(&state, &user, &id, outcome, "", typed).await
}

#[post("/backorders/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<StatusInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let outcome = app::backorders::change_status(&state, &caller(&user, &meta), &id, form.clone())
        .await
        .map(|now| {
            format!(
                "{} is now: {}.",
                now.backorder.unicode,
                now.backorder.status.label()
            )
        });
    let typed = BackorderForms {
        status: StatusValues {
            to: form.status,
            reason: form.reason,
        },
        ..BackorderForms::default()
    };
    answer(&state, &user, &id, outcome, "", typed).await
}

#[derive(Deserialize)]
pub struct ChannelForm {
    #[serde(default)]
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
    /// One of the firm's catch accounts: reclaim places the order itself.
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    max_bid: String,
}

#[post("/backorders/{id}/channels")]
pub async fn add_channel(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<ChannelForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = ChannelInput {
        service: form.service.clone(),
        service_name: form.service_name.clone(),
        status: form.status.clone(),
        external_reference: form.external_reference.clone(),
        success_fee: form.success_fee.as_str().into(),
        currency: form.currency.clone(),
        account_id: form.account_id.clone(),
        max_bid: form.max_bid.as_str().into(),
    };
    let outcome = app::backorders::add_channel(&state, &caller(&user, &meta), &id, input)
        .await
        .map(|c| {
            if c.status == crate::model::backorder::ChannelStatus::Scheduled {
                format!(
                    "Put on the firm's account {}: reclaim places the order when {} takes it.",
                    c.service_name,
                    c.service.label()
                )
            } else {
                format!("Recorded the backorder with {}.", c.service.label())
            }
        });
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
    // This form's fields are `channel_…` on the page.
    answer(&state, &user, &id, outcome, "channel_", typed).await
}

#[derive(Deserialize)]
pub struct NewsForm {
    #[serde(default)]
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

#[post("/backorders/{id}/channels/{channel}")]
pub async fn update_channel(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    form: web::Form<NewsForm>,
) -> Result<HttpResponse, AppError> {
    let (id, channel) = path.into_inner();
    let form = form.into_inner();
    let input = ChannelNewsInput {
        status: form.status.clone(),
        external_reference: form.external_reference.clone(),
        price: form.price.as_str().into(),
        auction_result: form.auction_result.clone(),
        notes: form.notes.clone(),
    };
    let outcome =
        app::backorders::update_channel(&state, &caller(&user, &meta), &id, &channel, input)
            .await
            .map(|news| {
                format!(
                    "{} is now: {}.",
                    news.channel.display_name(),
                    news.channel.status.label()
                )
            });
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
    // A channel's news form names its fields `news_…` on the page.
    answer(&state, &user, &id, outcome, "news_", typed).await
}

/// Asks the registry now (staff), then shows the page with what it said.
#[post("/backorders/{id}/check")]
pub async fn check(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    match app::backorders::check(&state, &caller(&user, &meta), &id).await {
        Ok(report) => {
            let changed = report.changes.len();
            session::flash(
                &user.session,
                "success",
                format!(
                    "The registry was asked just now: {}.{}",
                    report.phase.label(),
                    if changed > 0 {
                        format!(" {changed} change(s) found.")
                    } else {
                        " Nothing changed.".to_owned()
                    }
                ),
            );
        }
        // What the registry did is said on the page; the failure is recorded for the name.
        Err(
            e @ (AppError::TooManyRequests { .. }
            | AppError::Upstream(_)
            | AppError::Invalid { .. }
            | AppError::Conflict(_)
            | AppError::Unavailable(_)
            | AppError::Unexpected(_)),
        ) => session::flash(&user.session, "error", e.to_string()),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/backorders/{id}")))
}

/// Every registry answer kept for the name, with a manifest: an annex for a complaint.
#[get("/backorders/{id}/evidence.zip")]
pub async fn evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let zip = app::backorders::evidence(&state, &user, &id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", zip.file_name),
        ))
        .body(zip.bytes))
}

/// One registry answer, exactly as received.
#[get("/backorders/{id}/snapshots/{snapshot}")]
pub async fn snapshot(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, snapshot) = path.into_inner();
    let found = app::backorders::snapshot(&state, &user, &id, &snapshot).await?;
    let content_type = match found.source {
        Source::Rdap | Source::RdapRegistrar => "application/json",
        Source::Whois | Source::WhoisRegistrar => "text/plain; charset=utf-8",
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("X-Content-SHA256", found.sha256.clone()))
        .body(found.raw))
}

#[derive(Deserialize)]
pub struct TickForm {
    /// `yes`: done; `no`: reopen.
    #[serde(default)]
    done: String,
}

/// Staff tick an item of the checklist after the catch, or reopen one a person ticked.
#[post("/backorders/{id}/checklist/{item}")]
pub async fn tick_item(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    form: web::Form<TickForm>,
) -> Result<HttpResponse, AppError> {
    let (id, item) = path.into_inner();
    let done = form.done != "no";
    match app::after_catch::set_done(
        &state,
        &caller(&user, &meta),
        &id,
        &item,
        TickInput { done },
    )
    .await
    {
        Ok(item) => session::flash(
            &user.session,
            "success",
            format!(
                "{}: {}.",
                item.item.label(),
                if done { "done" } else { "reopened" }
            ),
        ),
        // Already done, still pending, proved by the registry: said on the page.
        Err(e @ AppError::Conflict(_)) => session::flash(&user.session, "error", e.to_string()),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/backorders/{id}#after-catch")))
}
