//! The home page after sign-in: what needs attention today (deadlines overdue, due today or this
//! week; names about to drop; messages awaiting a lawyer's decision), then the way around.

use actix_web::{HttpResponse, get, web};
use chrono::{Duration, NaiveDateTime};

use crate::db::DbError;
use crate::db::types::to_db;
use crate::error::AppError;
use crate::model::client::Client;
use crate::model::deadlines::Urgency;
use crate::model::lifecycle::Phase;
use crate::model::present::drop_window;
use crate::repo::procedures::{self, DocketFilter};
use crate::repo::{backorders, clients, monitoring, outreach, tokens, users};
use crate::state::AppState;
use crate::web::session::CurrentUser;
use crate::web::view::{DocketRow, docket_row};
use crate::web::{Layout, render, show_time};

/// Names whose predicted drop starts within this many days are "about to drop".
const DROP_HORIZON_DAYS: i64 = 7;

pub struct DropRow {
    pub backorder_id: String,
    pub name: String,
    pub matter_id: String,
    pub matter_reference: String,
    pub phase: String,
    pub phase_key: String,
    pub window: String,
    /// Sorts the soonest first; names already free come first of all.
    sort_key: Option<NaiveDateTime>,
}

pub struct DeadlineGroup {
    pub key: &'static str,
    pub label: &'static str,
    pub rows: Vec<DocketRow>,
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
    let now = state.clock.now();
    let today = now.date_naive();
    let staff = user.is_staff();
    let horizon = to_db(now + Duration::days(DROP_HORIZON_DAYS));
    let (user_id, own_client_id) = (user.id.clone(), user.client_id.clone());
    let (counts, own_client, docket, sought, drafts) = state
        .db
        .run(move |c| {
            let own_client = match &own_client_id {
                Some(id) => clients::find(c, id)?,
                None => None,
            };
            let has_token = tokens::list_api_tokens(c, &user_id)?
                .iter()
                .any(|t| t.revoked_at.is_none());
            // A client user sees only their own client's records; staff see the firm's.
            let docket = procedures::docket(
                c,
                &DocketFilter {
                    client_id: own_client_id.clone(),
                    due_by: Some(today + Duration::days(7)),
                    ..DocketFilter::default()
                },
            )?;
            // The few names about to drop first, then who seeks them.
            let watched = monitoring::about_to_drop(c, horizon)?;
            let domains: Vec<String> = watched.iter().map(|w| w.domain.clone()).collect();
            let sought: Vec<_> = backorders::active(c, &domains, own_client_id.as_ref())?
                .into_iter()
                .filter_map(|(b, m)| {
                    let w = watched.iter().find(|w| w.domain == b.domain)?.clone();
                    Some((b, m, w))
                })
                .collect();
            let drafts = if own_client_id.is_none() {
                outreach::awaiting_decision(c)?
            } else {
                Vec::new()
            };
            Ok::<_, DbError>((
                (clients::count(c)?, users::count(c)?, has_token),
                own_client,
                docket,
                sought,
                drafts,
            ))
        })
        .await?;
    let (client_count, user_count, has_api_token) = counts;

    let (mut overdue, mut due_today, mut this_week) = (Vec::new(), Vec::new(), Vec::new());
    for entry in &docket {
        if !entry.deadline.is_open() {
            continue;
        }
        if let Some((due, row)) = docket_row(entry) {
            match Urgency::of(due, today) {
                Urgency::Overdue => overdue.push(row),
                Urgency::Today => due_today.push(row),
                Urgency::ThisWeek => this_week.push(row),
                Urgency::Later => {}
            }
        }
    }

    let mut dropping: Vec<DropRow> = sought
        .into_iter()
        .map(|(b, m, w)| DropRow {
            backorder_id: b.id.to_string(),
            name: b.unicode.clone(),
            matter_id: m.id.to_string(),
            matter_reference: m.reference.clone(),
            phase: w.phase.label().to_owned(),
            phase_key: w.phase.as_str().to_owned(),
            window: if w.phase == Phase::Available {
                format!(
                    "Free at the last check ({})",
                    w.last_checked_at
                        .as_ref()
                        .map_or_else(|| "today".to_owned(), show_time)
                )
            } else {
                drop_window(w.drop_earliest, w.drop_latest)
            },
            sort_key: if w.phase == Phase::Available {
                None
            } else {
                w.drop_earliest
            },
        })
        .collect();
    dropping.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.name.cmp(&b.name)));

    let drafts = drafts
        .into_iter()
        .map(|e| DraftRow {
            id: e.outreach.id.to_string(),
            name: e.domain,
            to: e.outreach.to_address.clone(),
            subject: e.outreach.subject.clone(),
            status: e.outreach.status.as_str().to_owned(),
            since: show_time(&e.outreach.created_at),
            drafted_by_me: e.outreach.drafted_by.as_ref() == Some(&user.id),
        })
        .collect();

    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or(&user.name)
        .to_owned();
    render(&DashboardPage {
        layout: Layout::for_user(&user, "Dashboard", "dashboard"),
        first_name,
        today: crate::model::present::full_day(now.date_naive()),
        client_count,
        user_count,
        has_api_token,
        own_client,
        deadline_groups: [
            ("overdue", "Overdue", overdue),
            ("today", "Due today", due_today),
            ("week", "Due within 7 days", this_week),
        ]
        .into_iter()
        .filter(|(_, _, rows)| !rows.is_empty())
        .map(|(key, label, rows)| DeadlineGroup { key, label, rows })
        .collect(),
        dropping,
        drafts,
        staff,
    })
}
