//! Orders reclaim places itself through the firm's catch accounts: the channel they belong to,
//! their claim by one instance at a time, and every call made to the service for them.

use crate::model::paging::{CATCH_CALLS, Page, PageRequest, parse_time, time_part};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::catch::Exchange;
use crate::db::schema::{
    backorders, catch_accounts, catch_calls, catch_channels, catch_orders, matters,
};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::backorder::{Backorder, CatchChannel, ChannelStatus};
use crate::model::catch_account::CatchAccount;
use crate::model::ids::{BackorderId, CatchAccountId, CatchCallId, ChannelId};
use crate::model::matter::MatterStatus;
use crate::model::money::Currency;
use crate::repo::audit::{self, Change};
use crate::repo::backorders as backorder_records;
use crate::repo::backorders::{BackorderError, NewChannel};
use crate::repo::keyset;

/// An order's own row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = catch_orders)]
pub struct CatchOrder {
    pub channel_id: ChannelId,
    pub backorder_id: BackorderId,
    pub account_id: CatchAccountId,
    pub max_bid_minor: Option<i64>,
    pub message: String,
    pub placed_at: Option<NaiveDateTime>,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub attempts: i32,
    pub claimed_until: Option<NaiveDateTime>,
    pub claimed_by: Option<String>,
}

/// Adds a channel placed through `account` to a backorder, scheduled for the catch job's next
/// run. `Conflict` when the backorder already has an order through that account.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    backorder_id: &BackorderId,
    account: &CatchAccount,
    service: crate::model::backorder::CatchService,
    max_bid_minor: Option<i64>,
) -> Result<CatchChannel, BackorderError> {
    write_tx(conn, |conn| {
        let existing: i64 = catch_orders::table
            .filter(catch_orders::backorder_id.eq(backorder_id))
            .filter(catch_orders::account_id.eq(&account.id))
            .count()
            .get_result(conn)?;
        if existing > 0 {
            return Err(BackorderError::Db(DbError::Conflict(format!(
                "the backorder already has an order through the account {}",
                account.label
            ))));
        }
        let channel = backorder_records::add_channel(
            conn,
            actor,
            backorder_id,
            &NewChannel {
                service,
                service_name: account.label.clone(),
                status: ChannelStatus::Scheduled,
                external_reference: String::new(),
                success_fee_minor: None,
                currency: Currency::parse(&account.currency).unwrap_or_default(),
            },
        )?;
        diesel::insert_into(catch_orders::table)
            .values((
                catch_orders::channel_id.eq(&channel.id),
                catch_orders::backorder_id.eq(backorder_id),
                catch_orders::account_id.eq(&account.id),
                catch_orders::max_bid_minor.eq(max_bid_minor),
                catch_orders::next_attempt_at.eq(Some(to_db(actor.at))),
            ))
            .execute(conn)?;
        Ok(channel)
    })
}

/// An order claimed by the catch job, with what deciding on it needs.
#[derive(Debug, Clone)]
pub struct DueOrder {
    pub order: CatchOrder,
    pub channel: CatchChannel,
    pub backorder: Backorder,
    pub matter_open: bool,
    pub account: CatchAccount,
    /// The statuses of the backorder's other channels.
    pub other_channels: Vec<ChannelStatus>,
}

/// Claims up to `limit` orders due at `now` for `holder` until `now + lease`: two instances
/// claiming at once never get the same order (see [`take`]).
pub fn claim_due(
    conn: &mut DbConn,
    holder: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<DueOrder>, DbError> {
    let now_db = to_db(now);
    let due = catch_orders::table
        .filter(catch_orders::next_attempt_at.le(now_db))
        .filter(
            catch_orders::claimed_until
                .is_null()
                .or(catch_orders::claimed_until.lt(now_db)),
        )
        .order(catch_orders::next_attempt_at)
        .limit(limit)
        .select(catch_orders::channel_id);
    write_tx(conn, |conn| {
        let ids: Vec<ChannelId> = due.load(conn)?;
        take(conn, &ids, holder, now, lease)
    })
}

/// Claims those of `which` that no one holds, then loads what `holder` holds. The UPDATE's
/// condition on the claim is evaluated again on each row it takes (SQLite: the write
/// transaction holds the database; PostgreSQL: the row lock, then READ COMMITTED re-reads it), so
/// two instances claiming at once never get the same order.
fn take(
    conn: &mut DbConn,
    which: &[ChannelId],
    holder: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Vec<DueOrder>, DbError> {
    let now_db = to_db(now);
    let free = catch_orders::claimed_until
        .is_null()
        .or(catch_orders::claimed_until.lt(now_db));
    diesel::update(catch_orders::table)
        .filter(catch_orders::channel_id.eq_any(which))
        .filter(free)
        .set((
            catch_orders::claimed_by.eq(holder),
            catch_orders::claimed_until.eq(to_db(now + lease)),
        ))
        .execute(conn)?;
    load_claimed(conn, holder)
}

/// The orders `holder` holds, with what deciding on them needs.
fn load_claimed(conn: &mut DbConn, holder: &str) -> Result<Vec<DueOrder>, DbError> {
    let rows: Vec<(
        CatchOrder,
        CatchChannel,
        Backorder,
        MatterStatus,
        CatchAccount,
    )> = catch_orders::table
        .inner_join(catch_channels::table)
        .inner_join(catch_accounts::table)
        .inner_join(backorders::table.on(backorders::id.eq(catch_orders::backorder_id)))
        .inner_join(matters::table.on(matters::id.eq(backorders::matter_id)))
        .filter(catch_orders::claimed_by.eq(holder))
        .select((
            CatchOrder::as_select(),
            CatchChannel::as_select(),
            Backorder::as_select(),
            matters::status,
            CatchAccount::as_select(),
        ))
        .load(conn)?;
    let ids: Vec<BackorderId> = rows.iter().map(|r| r.2.id.clone()).collect();
    let siblings: Vec<(ChannelId, BackorderId, ChannelStatus)> = catch_channels::table
        .filter(catch_channels::backorder_id.eq_any(&ids))
        .select((
            catch_channels::id,
            catch_channels::backorder_id,
            catch_channels::status,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(order, channel, backorder, matter, account)| DueOrder {
            other_channels: siblings
                .iter()
                .filter(|(id, b, _)| *b == backorder.id && *id != channel.id)
                .map(|(_, _, s)| *s)
                .collect(),
            matter_open: matter == MatterStatus::Open,
            order,
            channel,
            backorder,
            account,
        })
        .collect())
}

/// Claims, for `holder`, the scheduled orders for `domains` through accounts of `providers` (the
/// direct catches of names the registry has just released), whatever their next attempt, in one
/// statement: two instances seeing the release at once never get the same order, and the names
/// released together are claimed together rather than one write after the other.
pub fn claim_released(
    conn: &mut DbConn,
    holder: &str,
    domains: &[String],
    providers: &[&str],
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Vec<DueOrder>, DbError> {
    write_tx(conn, |conn| {
        let ids: Vec<ChannelId> = catch_orders::table
            .inner_join(catch_channels::table)
            .inner_join(catch_accounts::table)
            .inner_join(backorders::table.on(backorders::id.eq(catch_orders::backorder_id)))
            .filter(backorders::domain.eq_any(domains))
            .filter(catch_accounts::provider.eq_any(providers))
            .filter(catch_channels::status.eq(ChannelStatus::Scheduled))
            .select(catch_orders::channel_id)
            .load(conn)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        take(conn, &ids, holder, now, lease)
    })
}

/// The bids committed through an account since `since` (orders placed).
pub fn committed_since(
    conn: &mut DbConn,
    account: &CatchAccountId,
    since: DateTime<Utc>,
) -> Result<i64, DbError> {
    let bids: Vec<Option<i64>> = catch_orders::table
        .filter(catch_orders::account_id.eq(account))
        .filter(catch_orders::placed_at.ge(to_db(since)))
        .select(catch_orders::max_bid_minor)
        .load(conn)?;
    Ok(bids.into_iter().flatten().sum())
}

/// Whether another backorder has `domain` placed (or being placed) through the same account.
pub fn ordered_for_another(
    conn: &mut DbConn,
    account: &CatchAccountId,
    domain: &str,
    channel: &ChannelId,
) -> Result<bool, DbError> {
    let n: i64 = catch_orders::table
        .inner_join(catch_channels::table)
        .inner_join(backorders::table.on(backorders::id.eq(catch_orders::backorder_id)))
        .filter(catch_orders::account_id.eq(account))
        .filter(backorders::domain.eq(domain))
        .filter(catch_orders::channel_id.ne(channel))
        .filter(catch_channels::status.eq_any([
            ChannelStatus::Placed,
            ChannelStatus::Caught,
            ChannelStatus::InAuction,
        ]))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What the job decided for an order.
#[derive(Debug, Clone)]
pub struct Settled {
    pub status: ChannelStatus,
    pub message: String,
    /// The bid the service recorded, when the order was placed now.
    pub placed: Option<Option<i64>>,
    /// When to look again; `None`: never (a final state).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Failed calls in a row after this one.
    pub attempts: i32,
    /// The auction's price and how it went, as the service reported them (for the channel).
    pub auction: Option<(Option<i64>, String)>,
}

/// Records the calls made for an order, its new state, and gives the claim back. A change of
/// state goes to the audit trail.
pub fn settle(
    conn: &mut DbConn,
    actor: &Actor,
    due: &DueOrder,
    settled: &Settled,
    exchanges: &[Exchange],
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        for e in exchanges {
            diesel::insert_into(catch_calls::table)
                .values((
                    catch_calls::id.eq(CatchCallId::new()),
                    catch_calls::channel_id.eq(&due.channel.id),
                    catch_calls::backorder_id.eq(&due.backorder.id),
                    catch_calls::at.eq(to_db(e.at)),
                    catch_calls::provider.eq(e.provider.as_str()),
                    catch_calls::action.eq(e.action),
                    catch_calls::request.eq(&e.request),
                    catch_calls::status.eq(e.status.map(i32::from)),
                    catch_calls::answer.eq(&e.answer),
                    catch_calls::duration_ms.eq(i64::try_from(e.duration_ms).unwrap_or(i64::MAX)),
                ))
                .execute(conn)?;
        }
        let order = catch_orders::table.find(&due.order.channel_id);
        diesel::update(order)
            .set((
                catch_orders::message.eq(&settled.message),
                catch_orders::next_attempt_at.eq(settled.next_attempt_at.map(to_db)),
                catch_orders::attempts.eq(settled.attempts),
                catch_orders::claimed_by.eq(None::<String>),
                catch_orders::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if let Some(bid) = settled.placed {
            diesel::update(order)
                .set((
                    catch_orders::placed_at.eq(Some(to_db(actor.at))),
                    catch_orders::max_bid_minor.eq(bid.or(due.order.max_bid_minor)),
                ))
                .execute(conn)?;
        }
        if let Some((price, result)) = &settled.auction {
            diesel::update(catch_channels::table.find(&due.channel.id))
                .set((
                    catch_channels::price_minor.eq(price.or(due.channel.price_minor)),
                    catch_channels::auction_result.eq(result),
                    catch_channels::updated_at.eq(to_db(actor.at)),
                ))
                .execute(conn)?;
        }
        if settled.status != due.channel.status {
            diesel::update(catch_channels::table.find(&due.channel.id))
                .set((
                    catch_channels::status.eq(settled.status),
                    catch_channels::updated_at.eq(to_db(actor.at)),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                actor,
                Change {
                    action: "backorder.channel_updated",
                    record_type: "backorder",
                    record_id: Some(due.backorder.id.as_str()),
                    summary: format!(
                        "{} with {}: {} ({})",
                        due.backorder.unicode,
                        due.channel.display_name(),
                        settled.status.label(),
                        settled.message
                    ),
                    detail: json!({
                        "channel_id": due.channel.id,
                        "from": due.channel.status,
                        "to": settled.status,
                        "message": settled.message,
                    }),
                },
            )?;
            // A catch, an auction, a win or a loss moves the backorder as the channels call for.
            if matches!(
                settled.status,
                ChannelStatus::Caught
                    | ChannelStatus::InAuction
                    | ChannelStatus::Won
                    | ChannelStatus::Lost
            ) {
                backorder_records::sync_status_with_channels(conn, actor, &due.backorder).map_err(
                    |e| match e {
                        BackorderError::Db(db) => db,
                        other => DbError::Conflict(other.to_string()),
                    },
                )?;
            }
        }
        Ok(())
    })
}

/// The heartbeat: extends the claims of every catch run of `instance` until `until`.
pub fn renew_claims(
    conn: &mut DbConn,
    instance: &str,
    until: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(
        catch_orders::table.filter(
            catch_orders::claimed_by
                .like(crate::db::claims_of(instance))
                .escape('\\'),
        ),
    )
    .set(catch_orders::claimed_until.eq(Some(to_db(until))))
    .execute(conn)?;
    Ok(())
}

/// A stopping instance gives back the orders of all its catch runs.
pub fn release_instance(conn: &mut DbConn, instance: &str) -> Result<(), DbError> {
    diesel::update(
        catch_orders::table.filter(
            catch_orders::claimed_by
                .like(crate::db::claims_of(instance))
                .escape('\\'),
        ),
    )
    .set((
        catch_orders::claimed_by.eq(None::<String>),
        catch_orders::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives back every order a holder claimed (a run that stopped half-way).
pub fn release(conn: &mut DbConn, holder: &str) -> Result<(), DbError> {
    diesel::update(catch_orders::table.filter(catch_orders::claimed_by.eq(holder)))
        .set((
            catch_orders::claimed_by.eq(None::<String>),
            catch_orders::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The orders of a backorder, for its page and the API.
pub fn for_backorder(conn: &mut DbConn, id: &BackorderId) -> Result<Vec<CatchOrder>, DbError> {
    Ok(catch_orders::table
        .filter(catch_orders::backorder_id.eq(id))
        .select(CatchOrder::as_select())
        .load(conn)?)
}

/// One call to a service for an order, as kept.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = catch_calls)]
pub struct CatchCall {
    pub id: CatchCallId,
    pub channel_id: ChannelId,
    pub at: NaiveDateTime,
    pub provider: String,
    pub action: String,
    /// Without secrets.
    pub request: String,
    pub status: Option<i32>,
    pub answer: String,
    pub duration_ms: i64,
}

impl CatchCall {
    /// The call's result in a few words: the HTTP status (EPP: the result code, or the
    /// server's greeting when the connection opened), or that none came.
    pub fn result(&self) -> String {
        let epp = self.provider == crate::catch::Provider::Epp.as_str();
        match self.status {
            Some(status) if epp => format!("EPP {status}"),
            Some(status) => format!("HTTP {status}"),
            None if epp && self.action == "connect" && self.answer.contains("<greeting>") => {
                "EPP greeting".to_owned()
            }
            None => "no answer".to_owned(),
        }
    }
}

/// The latest `limit` calls made for a backorder's orders, newest first.
pub fn calls(
    conn: &mut DbConn,
    id: &BackorderId,
    request: &PageRequest,
) -> Result<Page<CatchCall>, DbError> {
    let mut query = catch_calls::table
        .filter(catch_calls::backorder_id.eq(id))
        .order((catch_calls::at.desc(), catch_calls::id.desc()))
        .limit(request.fetch())
        .select(CatchCall::as_select())
        .into_boxed();
    // The cursor's parts were checked when it was read (`model::paging`).
    if let Some([at, call]) = request.after.as_deref()
        && let Ok(at) = parse_time(at)
    {
        query = query.filter(keyset::after!(
            (desc catch_calls::at, at),
            (desc catch_calls::id, call.clone()),
        ));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(
        rows,
        request,
        CATCH_CALLS,
        |c: &CatchCall| vec![time_part(&c.at), c.id.to_string()],
    ))
}
