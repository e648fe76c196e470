//! The home page after sign-in: what needs attention today (deadlines overdue, due today or this
//! week; names about to drop; messages awaiting a lawyer's decision), then the way around.

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::app;
use crate::app::dashboard::AboutToDrop;
use crate::error::AppError;
use crate::model::client::Client;
use crate::model::deadlines::Urgency;
use crate::model::outreach::LogEntry;
use crate::model::paging;
use crate::model::present::{self, drop_window};
use crate::state::AppState;
use crate::web::paging::{PageLinks, PageNavQuery};
use crate::web::session::CurrentUser;
use crate::web::view::{DocketRow, docket_row};
use crate::web::{Layout, render, show_time};

pub struct DropRow {
    pub backorder_id: String,
    pub name: String,
    pub matter_id: String,
    pub matter_reference: String,
    pub phase: String,
    pub phase_key: String,
    pub window: String,
}

impl From<&AboutToDrop> for DropRow {
    fn from(d: &AboutToDrop) -> Self {
        let w = &d.watch;
        Self {
            backorder_id: d.backorder.id.to_string(),
            name: d.backorder.unicode.clone(),
            matter_id: d.matter.id.to_string(),
            matter_reference: d.matter.reference.clone(),
            phase: w.phase.label().to_owned(),
            phase_key: w.phase.as_str().to_owned(),
            window: if d.is_free() {
                format!(
                    "Free at the last check ({})",
                    w.last_checked_at
                        .as_ref()
                        .map_or_else(|| "today".to_owned(), show_time)
                )
            } else {
                drop_window(w.drop_earliest, w.drop_latest)
            },
        }
    }
}

pub struct DeadlineGroup {
    pub key: &'static str,
    pub label: &'static str,
    pub rows: Vec<DocketRow>,
    /// Deadlines of this urgency in all (`rows` holds the first few).
    pub total: usize,
    /// More than `total` (the count stopped there).
    pub more: bool,
}

pub struct DraftRow {
    pub id: String,
    pub name: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub since: String,
    pub drafted_by_me: bool,
}

impl DraftRow {
    fn of(e: &LogEntry, user: &CurrentUser) -> Self {
        Self {
            id: e.outreach.id.to_string(),
            name: e.domain.clone(),
            to: e.outreach.to_address.clone(),
            subject: e.outreach.subject.clone(),
            status: e.outreach.status.as_str().to_owned(),
            since: show_time(&e.outreach.created_at),
            drafted_by_me: e.outreach.drafted_by.as_ref() == Some(&user.id),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    first_name: String,
    today: String,
    client_count: i64,
    user_count: i64,
    has_api_token: bool,
    own_client: Option<Client>,
    /// Overdue, due today, due within 7 days: only those with deadlines.
    deadline_groups: Vec<DeadlineGroup>,
    dropping: Vec<DropRow>,
    /// Names about to drop in all (the list shows the first few).
    dropping_total: usize,
    /// More than `dropping_total` (the count stopped there).
    dropping_more: bool,
    drafts: Vec<DraftRow>,
    staff: bool,
}

impl DashboardPage {
    fn nothing_to_do(&self) -> bool {
        self.deadline_groups.is_empty() && self.dropping.is_empty() && self.drafts.is_empty()
    }
}

#[get("/")]
pub async fn dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let board = app::dashboard::show(&state, &user).await?;
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or(&user.name)
        .to_owned();
    render(&DashboardPage {
        layout: Layout::for_user(&user, "Dashboard", "dashboard"),
        first_name,
        today: present::full_day(board.today),
        client_count: board.client_count,
        user_count: board.user_count,
        has_api_token: board.has_api_token,
        deadline_groups: board
            .deadlines
            .iter()
            .zip(&board.deadline_totals)
            .map(|((urgency, entries), total)| {
                let (key, label) = match urgency {
                    Urgency::Overdue => ("overdue", "Overdue"),
                    Urgency::Today => ("today", "Due today"),
                    _ => ("week", "Due within 7 days"),
                };
                DeadlineGroup {
                    key,
                    label,
                    total: (*total).min(app::dashboard::DEADLINES_COUNTED),
                    more: *total > app::dashboard::DEADLINES_COUNTED,
                    rows: entries
                        .iter()
                        .filter_map(|e| docket_row(e).map(|(_, row)| row))
                        .collect(),
                }
            })
            .collect(),
        dropping: board.dropping.iter().map(DropRow::from).collect(),
        dropping_total: board.dropping_total,
        dropping_more: board.dropping_more,
        drafts: board
            .drafts
            .iter()
            .map(|e| DraftRow::of(e, &user))
            .collect(),
        own_client: board.own_client,
        staff: user.is_staff(),
    })
}

#[derive(askama::Template)]
#[template(path = "drops.html")]
struct DropsPage {
    layout: Layout,
    dropping: Vec<DropRow>,
    pager: PageLinks,
    days: i64,
}

/// Every name about to drop, a page at a time: the dashboard's section in full.
#[get("/drops")]
pub async fn drops(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    let dropping = app::dashboard::dropping(&state, &user, page.request(paging::DROPPING)?).await?;
    render(&DropsPage {
        layout: Layout::for_user(&user, "Names about to drop", "dashboard"),
        pager: PageLinks::of(&req, &dropping),
        dropping: dropping.rows.iter().map(DropRow::from).collect(),
        days: app::dashboard::DROP_HORIZON_DAYS,
    })
}
