//! The home page after sign-in: what needs attention today (deadlines overdue, due today or
//! within the week; names about to drop; messages awaiting a lawyer's decision), and the counts
//! that guide a new firm through its first steps. Read in a fixed number of queries, whatever
//! the size of the docket.

use chrono::{Duration, NaiveDate};

use crate::app::access::Principal;
use crate::db::DbError;
use crate::db::types::to_db;
use crate::error::AppError;
use crate::model::backorder::Backorder;
use crate::model::client::Client;
use crate::model::deadlines::Urgency;
use crate::model::lifecycle::Phase;
use crate::model::matter::Matter;
use crate::model::monitoring::MonitoredDomain;
use crate::model::outreach::LogEntry;
use crate::model::paging::{Page, PageRequest};
use crate::model::procedure::DocketEntry;
use crate::repo::procedures::{self, DocketFilter};
use crate::repo::{clients, monitoring, outreach, tokens, users};
use crate::state::AppState;

/// Names whose predicted drop starts within this many days are "about to drop"; names whose
/// drop window ended more than this many days ago have left it.
pub const DROP_HORIZON_DAYS: i64 = 7;

/// The rows each section of the dashboard shows at most; its count and a link give the rest.
pub const SECTION_ROWS: usize = 20;

/// At most how many deadlines of one urgency are counted: past it the dashboard says "more
/// than" (the count costs what it counts; the deadlines page lists them all).
pub const DEADLINES_COUNTED: usize = 100;

/// The dashboard's urgencies and the days each covers (both included), as `Urgency::of` sorts a
/// due date: overdue (every day before today), today, the next seven days.
fn urgencies(today: NaiveDate) -> [(Urgency, NaiveDate, NaiveDate); 3] {
    let yesterday = today - Duration::days(1);
    // After the day a deadline without a date sorts as (`repo::procedures`): those are not due.
    let dated = NaiveDate::from_ymd_opt(1, 1, 2).unwrap_or(NaiveDate::MIN);
    [
        (Urgency::Overdue, dated, yesterday),
        (Urgency::Today, today, today),
        (
            Urgency::ThisWeek,
            today + Duration::days(1),
            today + Duration::days(7),
        ),
    ]
}

/// A sought name about to drop, with its backorder and matter.
#[derive(Debug, Clone)]
pub struct AboutToDrop {
    pub backorder: Backorder,
    pub matter: Matter,
    pub watch: MonitoredDomain,
}

impl AboutToDrop {
    /// Already free at the last check.
    pub fn is_free(&self) -> bool {
        self.watch.phase == Phase::Available
    }
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub today: NaiveDate,
    /// A client (portal) user's own client; `None` for staff.
    pub own_client: Option<Client>,
    pub client_count: i64,
    pub user_count: i64,
    /// The user has an API token that is not revoked.
    pub has_api_token: bool,
    /// Open deadlines overdue, due today and due within 7 days, most urgent first; only the
    /// urgencies that have deadlines, each by due date.
    pub deadlines: Vec<(Urgency, Vec<DocketEntry>)>,
    /// Names free first, then by predicted drop, then by name: the first [`SECTION_ROWS`].
    pub dropping: Vec<AboutToDrop>,
    /// How many names are about to drop in all, counted up to
    /// [`monitoring::DROPPING_COUNTED`].
    pub dropping_total: usize,
    /// Whether there are more than that (the count stopped).
    pub dropping_more: bool,
    /// How many deadlines each urgency has in all (its list shows the first [`SECTION_ROWS`]),
    /// counted up to [`DEADLINES_COUNTED`] + 1 (more: "more than").
    pub deadline_totals: Vec<usize>,
    /// Messages to holders awaiting a decision (staff only).
    pub drafts: Vec<LogEntry>,
}

/// What `user` sees on the dashboard: a client user only their own client's records, staff the
/// firm's.
pub async fn show(state: &AppState, user: &Principal) -> Result<Dashboard, AppError> {
    let now = state.clock.now();
    let today = now.date_naive();
    let horizon = to_db(now + Duration::days(DROP_HORIZON_DAYS));
    let recent = to_db(now - Duration::days(DROP_HORIZON_DAYS));
    let (user_id, own_client_id) = (user.id.clone(), user.client_id.clone());
    let staff = own_client_id.is_none();
    let (own_client, counts, docket, sought, drafts) = state
        .db
        .run(move |c| {
            let own_client = match &own_client_id {
                Some(id) => clients::find(c, id)?,
                None => None,
            };
            let counts = (
                clients::count(c)?,
                users::count(c)?,
                tokens::has_active_api_token(c, &user_id)?,
            );
            // Each urgency's first rows and its count: what the dashboard shows, however long
            // the backlog (issue 17: it read every deadline due within the week, overdue ones
            // included, to show twenty of each).
            let docket = urgencies(today)
                .into_iter()
                .map(|(urgency, from, to)| {
                    let filter = DocketFilter {
                        client_id: own_client_id.clone(),
                        due_between: Some((from, to)),
                        ..DocketFilter::default()
                    };
                    let (rows, total) =
                        procedures::docket_head(c, &filter, SECTION_ROWS, DEADLINES_COUNTED + 1)?;
                    Ok::<_, DbError>((urgency, rows, total))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let dropping = monitoring::about_to_drop(
                c,
                horizon,
                recent,
                own_client_id.as_ref(),
                &PageRequest::first(SECTION_ROWS as i64),
                true,
            )?;
            let drafts = if staff {
                outreach::awaiting_decision(c)?
            } else {
                Vec::new()
            };
            Ok::<_, DbError>((own_client, counts, docket, dropping, drafts))
        })
        .await?;
    let (client_count, user_count, has_api_token) = counts;

    let (deadlines, deadline_totals): (Vec<_>, Vec<_>) = docket
        .into_iter()
        .filter(|(_, rows, _)| !rows.is_empty())
        .map(|(urgency, rows, total)| ((urgency, rows), total))
        .unzip();

    // In the dashboard's order already, the first SECTION_ROWS (repo::monitoring).
    let dropping_total = sought.counted.min(monitoring::DROPPING_COUNTED);
    let dropping_more = sought.more_than_counted();
    let dropping: Vec<AboutToDrop> = sought
        .page
        .rows
        .into_iter()
        .map(|(backorder, matter, watch)| AboutToDrop {
            backorder,
            matter,
            watch,
        })
        .collect();

    Ok(Dashboard {
        today,
        own_client,
        client_count,
        user_count,
        has_api_token,
        deadlines,
        deadline_totals,
        dropping,
        dropping_total,
        dropping_more,
        drafts,
    })
}

/// The full list of the names about to drop, a page at a time in the dashboard's order (free or
/// undated first, then by predicted drop): a client user sees only their own client's.
pub async fn dropping(
    state: &AppState,
    user: &Principal,
    request: PageRequest,
) -> Result<Page<AboutToDrop>, AppError> {
    let now = state.clock.now();
    let horizon = to_db(now + Duration::days(DROP_HORIZON_DAYS));
    let recent = to_db(now - Duration::days(DROP_HORIZON_DAYS));
    let client = user.client_id.clone();
    let dropping = state
        .db
        .run(move |c| {
            monitoring::about_to_drop(c, horizon, recent, client.as_ref(), &request, false)
        })
        .await?;
    Ok(dropping.page.map(|(backorder, matter, watch)| AboutToDrop {
        backorder,
        matter,
        watch,
    }))
}
