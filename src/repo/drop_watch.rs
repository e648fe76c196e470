//! The drop watch's records: which names it follows and when it asks next (`drop_watches`),
//! and the query budget of each registry server that every instance takes from
//! (`registry_budgets`). The rules are `model::drop_watch`.
//!
//! A budget is taken in one write transaction that holds the server's row, as the sign-in
//! throttle takes a guess (`repo::sign_in_throttle`): on SQLite the transaction holds the
//! database's write lock from its first statement (`write_tx` begins IMMEDIATE); on PostgreSQL
//! the first UPDATE locks the row until commit and the SELECT after it reads the latest
//! committed counts. Two instances can therefore never both read "one query left" and both ask.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{backorders, drop_watches, matters, monitored_domains, registry_budgets};
use crate::db::types::{from_db, to_db};
use crate::db::{DbConn, DbError, write_tx};
use crate::model::backorder::BackorderStatus;
use crate::model::drop_watch::{Budget, BudgetRule, WATCH_LEAD, WATCH_TAIL};
use crate::model::lifecycle::Phase;
use crate::model::matter::MatterStatus;
use crate::model::monitoring::MonitoredDomain;

#[derive(Queryable, Selectable)]
#[diesel(table_name = registry_budgets)]
struct BudgetRow {
    second_start: NaiveDateTime,
    second_used: i32,
    minute_start: NaiveDateTime,
    minute_used: i32,
    allowance: i32,
    lowered_at: Option<NaiveDateTime>,
    paused_until: Option<NaiveDateTime>,
}

impl BudgetRow {
    fn budget(&self) -> Budget {
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        Budget {
            second_start: from_db(self.second_start),
            second_used: count(self.second_used),
            minute_start: from_db(self.minute_start),
            minute_used: count(self.minute_used),
            allowance: count(self.allowance),
            lowered_at: self.lowered_at.map(from_db),
            paused_until: self.paused_until.map(from_db),
        }
    }
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Holds the budget row of `server` until the transaction ends, creating it fresh if missing,
/// and reads it.
fn hold(
    conn: &mut DbConn,
    server: &str,
    rule: BudgetRule,
    now: DateTime<Utc>,
) -> Result<Budget, DbError> {
    let row = registry_budgets::table.find(server);
    // Changes nothing, but takes the row's lock on PostgreSQL before it is read.
    let touch = |conn: &mut DbConn| {
        diesel::update(row)
            .set(registry_budgets::server.eq(server))
            .execute(conn)
    };
    if touch(conn)? == 0 {
        let fresh = Budget::fresh(rule, now);
        // In a savepoint: a concurrent first query may insert it first (PostgreSQL).
        let inserted = write_tx(conn, |conn| {
            diesel::insert_into(registry_budgets::table)
                .values((
                    registry_budgets::server.eq(server),
                    registry_budgets::second_start.eq(to_db(fresh.second_start)),
                    registry_budgets::second_used.eq(0),
                    registry_budgets::minute_start.eq(to_db(fresh.minute_start)),
                    registry_budgets::minute_used.eq(0),
                    registry_budgets::allowance.eq(count(fresh.allowance)),
                ))
                .execute(conn)
                .map_err(DbError::from)
        });
        match inserted {
            Ok(_) => {}
            Err(DbError::Conflict(_)) => {
                touch(conn)?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(row.select(BudgetRow::as_select()).first(conn)?.budget())
}

fn store(conn: &mut DbConn, server: &str, budget: &Budget) -> Result<(), DbError> {
    diesel::update(registry_budgets::table.find(server))
        .set((
            registry_budgets::second_start.eq(to_db(budget.second_start)),
            registry_budgets::second_used.eq(count(budget.second_used)),
            registry_budgets::minute_start.eq(to_db(budget.minute_start)),
            registry_budgets::minute_used.eq(count(budget.minute_used)),
            registry_budgets::allowance.eq(count(budget.allowance)),
            registry_budgets::lowered_at.eq(budget.lowered_at.map(to_db)),
            registry_budgets::paused_until.eq(budget.paused_until.map(to_db)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes up to `wanted` queries to `server` at `now`, for every instance at once: how many
/// were granted and, if fewer than wanted, when the next may be.
pub fn take_budget(
    conn: &mut DbConn,
    server: &str,
    rule: BudgetRule,
    now: DateTime<Utc>,
    wanted: u32,
) -> Result<(u32, Option<DateTime<Utc>>), DbError> {
    write_tx(conn, |conn| {
        let budget = hold(conn, server, rule, now)?;
        let (after, granted) = budget.take(rule, now, wanted);
        if granted > 0 || after != budget {
            store(conn, server, &after)?;
        }
        let next = (granted < wanted).then(|| after.next_grant(rule, now));
        Ok((granted, next))
    })
}

/// After `server` answered 429 (with its Retry-After, if any): the budget lowers for everyone.
pub fn lower_budget(
    conn: &mut DbConn,
    server: &str,
    rule: BudgetRule,
    now: DateTime<Utc>,
    retry_after: Option<Duration>,
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        let budget = hold(conn, server, rule, now)?;
        store(conn, server, &budget.lowered(rule, now, retry_after))
    })
}

/// The budget of one server as stored (for tests and the bench).
pub fn budget(conn: &mut DbConn, server: &str) -> Result<Option<Budget>, DbError> {
    Ok(registry_budgets::table
        .find(server)
        .select(BudgetRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| row.budget()))
}

/// Claims, for `holder` and `lease`, up to `limit` names the drop watch may ask about at `now`:
/// deleted at the registry, inside their predicted drop window (widened as
/// `model::drop_watch::in_watch` says), sought by an active backorder of an open matter, not
/// yet seen free, due (never asked by the watch, or their next query has come) and checked by
/// nobody else (the monitor's sweep takes the same lease). Least recently asked first. Two
/// statements, as `monitoring::claim_due`.
pub fn claim_due(
    conn: &mut DbConn,
    holder: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<(MonitoredDomain, Option<NaiveDateTime>)>, DbError> {
    let now_db = to_db(now);
    let active: Vec<BackorderStatus> = BackorderStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_active())
        .collect();
    let sought = backorders::table
        .inner_join(matters::table)
        .filter(matters::status.eq(MatterStatus::Open))
        .filter(backorders::status.eq_any(active))
        .select(backorders::domain);
    let not_due = drop_watches::table
        .filter(
            drop_watches::next_query_at
                .gt(now_db)
                .or(drop_watches::seen_free_at.is_not_null()),
        )
        .select(drop_watches::domain);
    let due_names = diesel::alias!(monitored_domains as due_names);
    let lease_ends = due_names.field(monitored_domains::lease_expires_at);
    let due = due_names
        .filter(due_names.field(monitored_domains::phase).eq_any([
            Phase::Redemption,
            Phase::PendingDelete,
            Phase::Quarantine,
        ]))
        .filter(
            due_names
                .field(monitored_domains::drop_earliest)
                .le(to_db(now + WATCH_LEAD)),
        )
        .filter(
            due_names
                .field(monitored_domains::drop_latest)
                .ge(to_db(now - WATCH_TAIL)),
        )
        .filter(lease_ends.is_null().or(lease_ends.lt(now_db)))
        .filter(due_names.field(monitored_domains::domain).eq_any(sought))
        .filter(due_names.field(monitored_domains::domain).ne_all(not_due))
        .limit(limit)
        .select(due_names.field(monitored_domains::domain));
    let free = monitored_domains::lease_expires_at
        .is_null()
        .or(monitored_domains::lease_expires_at.lt(now_db));
    write_tx(conn, |conn| {
        diesel::update(monitored_domains::table)
            .filter(monitored_domains::domain.eq_any(due))
            .filter(free)
            .set((
                monitored_domains::lease_holder.eq(holder),
                monitored_domains::lease_expires_at.eq(to_db(now + lease)),
            ))
            .execute(conn)?;
        let mut claimed: Vec<(MonitoredDomain, Option<NaiveDateTime>)> = monitored_domains::table
            .left_join(drop_watches::table.on(drop_watches::domain.eq(monitored_domains::domain)))
            .filter(monitored_domains::lease_holder.eq(holder))
            .select((
                MonitoredDomain::as_select(),
                drop_watches::last_query_at.nullable(),
            ))
            .load(conn)?;
        // Never asked first, then the longest unasked: under a tight budget every name gets
        // its turn.
        claimed.sort_by(|a, b| (a.1, &a.0.domain).cmp(&(b.1, &b.0.domain)));
        Ok(claimed)
    })
}

/// Whether any name sought by an active backorder of an open matter is in its drop window now
/// and not yet seen free (the watch job does nothing, and its loop stops, when none is).
pub fn any_in_window(conn: &mut DbConn, now: DateTime<Utc>) -> Result<bool, DbError> {
    let active: Vec<BackorderStatus> = BackorderStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_active())
        .collect();
    let sought = backorders::table
        .inner_join(matters::table)
        .filter(matters::status.eq(MatterStatus::Open))
        .filter(backorders::status.eq_any(active))
        .select(backorders::domain);
    let seen_free = drop_watches::table
        .filter(drop_watches::seen_free_at.is_not_null())
        .select(drop_watches::domain);
    let found: Option<String> = monitored_domains::table
        .filter(monitored_domains::phase.eq_any([
            Phase::Redemption,
            Phase::PendingDelete,
            Phase::Quarantine,
        ]))
        .filter(monitored_domains::drop_earliest.le(to_db(now + WATCH_LEAD)))
        .filter(monitored_domains::drop_latest.ge(to_db(now - WATCH_TAIL)))
        .filter(monitored_domains::domain.ne_all(seen_free))
        .filter(monitored_domains::domain.eq_any(sought))
        .select(monitored_domains::domain)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The earliest next query after `now` among the names the watch follows (to sleep until then).
pub fn earliest_next_query(
    conn: &mut DbConn,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    let next: Option<NaiveDateTime> = drop_watches::table
        .filter(drop_watches::seen_free_at.is_null())
        .filter(drop_watches::next_query_at.gt(to_db(now)))
        .select(diesel::dsl::min(drop_watches::next_query_at))
        .first(conn)?;
    Ok(next.map(from_db))
}

/// After asking (or deciding not to ask yet): when to ask next. `asked` counts a query.
pub fn schedule(
    conn: &mut DbConn,
    domain: &str,
    next: DateTime<Utc>,
    asked_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    let asked = i32::from(asked_at.is_some());
    let updated = match asked_at {
        Some(at) => diesel::update(drop_watches::table.find(domain))
            .set((
                drop_watches::next_query_at.eq(to_db(next)),
                drop_watches::last_query_at.eq(to_db(at)),
                drop_watches::queries.eq(drop_watches::queries + 1),
            ))
            .execute(conn)?,
        None => diesel::update(drop_watches::table.find(domain))
            .set(drop_watches::next_query_at.eq(to_db(next)))
            .execute(conn)?,
    };
    if updated == 0 {
        // The name's lease is held by the caller: nobody else inserts it now.
        diesel::insert_into(drop_watches::table)
            .values((
                drop_watches::domain.eq(domain),
                drop_watches::next_query_at.eq(to_db(next)),
                drop_watches::last_query_at.eq(asked_at.map(to_db)),
                drop_watches::queries.eq(asked),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Records that the name was seen free at `at`, once: true the first time, false when it was
/// already recorded.
pub fn record_seen_free(
    conn: &mut DbConn,
    domain: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    write_tx(conn, |conn| {
        let updated = diesel::update(drop_watches::table.find(domain))
            .filter(drop_watches::seen_free_at.is_null())
            .set((
                drop_watches::seen_free_at.eq(to_db(at)),
                drop_watches::last_query_at.eq(to_db(at)),
                drop_watches::queries.eq(drop_watches::queries + 1),
            ))
            .execute(conn)?;
        if updated == 1 {
            return Ok(true);
        }
        let exists = drop_watches::table
            .find(domain)
            .select(drop_watches::domain)
            .first::<String>(conn)
            .optional()?
            .is_some();
        if exists {
            return Ok(false);
        }
        diesel::insert_into(drop_watches::table)
            .values((
                drop_watches::domain.eq(domain),
                drop_watches::next_query_at.eq(to_db(at)),
                drop_watches::last_query_at.eq(to_db(at)),
                drop_watches::queries.eq(1),
                drop_watches::seen_free_at.eq(to_db(at)),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// What the watch recorded for one name: its queries and when it first saw it free.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct WatchRecord {
    pub next_query_at: NaiveDateTime,
    pub last_query_at: Option<NaiveDateTime>,
    pub queries: i32,
    pub seen_free_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConn, domain: &str) -> Result<Option<WatchRecord>, DbError> {
    Ok(drop_watches::table
        .find(domain)
        .select((
            drop_watches::next_query_at,
            drop_watches::last_query_at,
            drop_watches::queries,
            drop_watches::seen_free_at,
        ))
        .first(conn)
        .optional()?)
}

/// The watch saw a name in another phase than the one recorded (restored, moved to pending
/// delete): the monitor checks it in full at once.
pub fn check_now(conn: &mut DbConn, domain: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    diesel::update(monitored_domains::table.find(domain))
        .set(monitored_domains::next_check_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}
