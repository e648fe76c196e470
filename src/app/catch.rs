//! Orders placed by reclaim itself through the firm's catch accounts: a staff member puts a
//! backorder on an account (with the client's highest bid), and the `catch` job places the
//! order when the service accepts it, keeps it while it is wanted and cancels it when it is not
//! (`model::catch_order` decides; this module calls the service and records what it said).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use crate::app::access::{Caller, visible_backorder};
use crate::app::backorders::AmountInput;
use crate::app::catch_accounts::client_of;
use crate::catch::{Answer, Called, CatchApi, CatchError, Order, Outcome, Service};
use crate::db::{DbError, write_tx};
use crate::error::AppError;
use crate::model::backorder::{CatchChannel, ChannelStatus, Registrant};
use crate::model::catch_order::{Situation, Step, next_step};
use crate::model::ids::CatchAccountId;
use crate::repo::backorders::BackorderError;
use crate::repo::catch_accounts;
use crate::repo::catch_orders::{self, DueOrder, Settled};
use crate::repo::registrant_handles::{self, Registration};
use crate::state::AppState;

/// How often a scheduled or placed order is looked at again (no call to the service unless
/// something must be done).
pub const RECHECK: Duration = Duration::minutes(15);
/// Orders handled per run.
const BATCH: i64 = 100;
/// Registrations sent side by side when names are released together.
pub const RELEASE_AT_ONCE: usize = 32;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::hours(6);

/// The wait after `attempts` failed calls in a row: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.clamp(0, 16)).unwrap_or(0);
    Duration::minutes(1i64 << doublings).min(MAX_BACKOFF)
}

/// Puts a backorder on one of the firm's catch accounts (staff, open matter). The order is
/// scheduled: the `catch` job places it when the service accepts it.
pub async fn order_through_account(
    state: &AppState,
    caller: &Caller,
    backorder_id: &str,
    account_id: &str,
    max_bid: &AmountInput,
) -> Result<CatchChannel, AppError> {
    let (backorder, matter) = visible_backorder(state, caller, backorder_id).await?;
    caller.require_work(&matter)?;
    let account_id = CatchAccountId::parse(account_id).map_err(|_| {
        AppError::invalid(
            "account_id",
            "Choose one of the firm's catch accounts (GET /api/v1/catch-accounts lists them).",
        )
    })?;
    let max_bid = max_bid
        .parse()
        .map_err(|e| AppError::invalid("max_bid", e.to_string()))?;
    let account = {
        let id = account_id.clone();
        state.db.run(move |c| catch_accounts::find(c, &id)).await?
    }
    .filter(|a| a.active)
    .ok_or_else(|| AppError::invalid("account_id", "The firm has no such catch account in use."))?;
    let Some(provider) = account.provider() else {
        return Err(AppError::invalid(
            "account_id",
            "This account's service is not one reclaim can call.",
        ));
    };
    // A direct catch in the client's name needs the client's handle at the account: said now,
    // while a lawyer can still add it, not at the drop.
    if provider.registers() {
        let (backorder_id, id) = (backorder.id.clone(), account.id.clone());
        let registration = state
            .db
            .run(move |c| registrant_handles::registration(c, &backorder_id, &id))
            .await?;
        if let Some(registration) = registration {
            registrant_handle(&registration, &account.label)
                .map_err(|message| AppError::invalid("account_id", message))?;
        }
    }
    // The client's maximum binds the bid when both are in the account's currency; in another
    // currency the bid must be given, converted by the lawyer (reclaim keeps no exchange rates).
    if let Some(client_max) = backorder.max_bid_minor {
        let shown = crate::model::money::format_money(client_max, &backorder.currency);
        if !backorder.currency.eq_ignore_ascii_case(&account.currency) {
            if max_bid.is_none() {
                return Err(AppError::invalid(
                    "max_bid",
                    format!(
                        "The client's maximum for this name is {shown} and the account bills in {}: give the highest bid in {}.",
                        account.currency, account.currency
                    ),
                ));
            }
        } else if max_bid.is_some_and(|bid| bid > client_max) {
            return Err(AppError::invalid(
                "max_bid",
                format!(
                    "The bid is above the client's maximum for this name ({shown}): lower it, or raise the backorder's maximum first."
                ),
            ));
        }
    }
    // The services' own refusals (.dk names and other TLDs they do not serve) come back from the
    // service as a refused order, with its message; a TLD that allows no backorder at all is
    // refused here.
    if let Ok(policy) = state.tld_policies.lookup(&backorder.tld)
        && !policy.backorder
    {
        return Err(AppError::invalid(
            "account_id",
            format!(
                "Catch services cannot take .{} names: {}",
                backorder.tld, policy.backorder_note
            ),
        ));
    }
    let actor = caller.actor(state.clock.now());
    let id = backorder.id.clone();
    state
        .db
        .run(move |c| catch_orders::create(c, &actor, &id, &account, provider.service(), max_bid))
        .await
        .map_err(|e| match e {
            BackorderError::Db(DbError::Conflict(message)) => AppError::Conflict(format!(
                "{message}: the backorder is already on that account."
            )),
            other => other.into(),
        })
}

/// The registrant's handle a direct catch sends: the client's at the account when the backorder
/// says the client (what to add where when it has none), `None` for the firm (the account's
/// default registrant).
pub(crate) fn registrant_handle(
    registration: &Registration,
    account_label: &str,
) -> Result<Option<String>, String> {
    match registration.registrant {
        Registrant::Firm => Ok(None),
        Registrant::Client => registration
            .client_handle
            .clone()
            .map(Some)
            .ok_or_else(|| missing_handle(&registration.client_id, account_label)),
    }
}

/// The refusal when the client has no handle at a registrar account.
pub(crate) fn missing_handle(client: &crate::model::ids::ClientId, account_label: &str) -> String {
    format!(
        "The backorder registers the name in the client's name, and the client has no contact handle at the registrar account {account_label}: add it on the client's page (Registrant handles) or through POST /api/v1/clients/{client}/registrant-handles, or choose the firm as registrant on the backorder."
    )
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatchRun {
    pub placed: usize,
    pub waiting: usize,
    pub refused: usize,
    pub cancelled: usize,
    pub failed: usize,
    /// Direct catches: registered through the firm's registrar, or taken by someone else.
    pub caught: usize,
    pub lost: usize,
    /// Outcomes that could not be recorded (logged): the service may hold an order reclaim still
    /// shows as it was; the order is due again at a later run. Counted here only, not also as
    /// placed or caught.
    pub unrecorded: usize,
}

impl std::fmt::Display for CatchRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} order(s) placed, {} waiting, {} refused, {} cancelled, {} call(s) failed",
            self.placed, self.waiting, self.refused, self.cancelled, self.failed
        )?;
        if self.caught + self.lost > 0 {
            write!(f, ", {} caught, {} lost", self.caught, self.lost)?;
        }
        if self.unrecorded > 0 {
            write!(f, ", {} outcome(s) not recorded", self.unrecorded)?;
        }
        Ok(())
    }
}

fn month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

/// Places, keeps or cancels the orders that are due; the `catch` job runs this.
/// One order after the other: nothing here is in a hurry, and the services' rate limits are
/// per account.
pub async fn run(state: &AppState) -> Result<CatchRun, AppError> {
    claim_and_handle(
        state,
        move |c, holder, now, lease| catch_orders::claim_due(c, holder, now, lease, BATCH),
        1,
    )
    .await
}

/// Places direct catches' registrations at once: the monitor (or the drop watch) has just seen
/// the registry release `domains`. Only orders through a registrar account are sent here; the
/// catch services' own orders follow their schedule. The names released together are claimed in
/// one statement and registered side by side ([`RELEASE_AT_ONCE`] at a time; the calls through
/// one account still follow that account's pacing).
pub async fn on_release(state: &AppState, domains: Vec<String>) -> Result<CatchRun, AppError> {
    use crate::model::catch_order::Timing;
    let providers: Vec<&'static str> = crate::catch::Provider::ALL
        .into_iter()
        .filter(|p| p.timing() == Timing::AtRelease)
        .map(crate::catch::Provider::as_str)
        .collect();
    claim_and_handle(
        state,
        move |c, holder, now, lease| {
            catch_orders::claim_released(c, holder, &domains, &providers, now, lease)
        },
        RELEASE_AT_ONCE,
    )
    .await
}

/// Claims orders with `claim` for this run (`instance/…`: the heartbeat renews the claims while
/// the run lasts, and a stopping instance gives them back, `jobs::give_back_everything`),
/// handles them, and gives the claims back whatever happened.
async fn claim_and_handle(
    state: &AppState,
    claim: impl FnOnce(
        &mut crate::db::DbConn,
        &str,
        DateTime<Utc>,
        Duration,
    ) -> Result<Vec<DueOrder>, DbError>
    + Send
    + 'static,
    at_once: usize,
) -> Result<CatchRun, AppError> {
    let now = state.clock.now();
    let holder = crate::repo::monitoring::claim_holder(&state.instance);
    let lease = state.settings.lease_ttl();
    let claimed = {
        let holder = holder.clone();
        state.db.run(move |c| claim(c, &holder, now, lease)).await?
    };
    if claimed.is_empty() {
        return Ok(CatchRun::default());
    }
    let run = handle_claimed(state, claimed, now, at_once).await;
    state
        .db
        .run(move |c| catch_orders::release(c, &holder))
        .await?;
    run
}

/// Decides on each claimed order, calls its service when needed, and records what happened.
/// One at a time (`at_once` 1), each order's outcome is recorded as soon as its call is
/// answered; several at a time (names just released), the calls go out side by side and the
/// outcomes are recorded together afterwards, so that no registration waits for another's write.
/// Either way an outcome that cannot be recorded is counted as failed (logged) and the run goes
/// on with the other orders: their calls went out too.
async fn handle_claimed(
    state: &AppState,
    claimed: Vec<DueOrder>,
    now: DateTime<Utc>,
    at_once: usize,
) -> Result<CatchRun, AppError> {
    use futures_util::StreamExt;
    let services = Services::open(state, &claimed);
    let mut run = CatchRun::default();
    if at_once <= 1 {
        for due in claimed {
            if let Some(handled) =
                handled(&mut run, &due, handle(state, &due, now, &services).await)
            {
                let state_for_db = state.clone();
                let (recorded, due, handled) = state
                    .db
                    .run(move |c| {
                        let recorded = record_alone(c, &state_for_db, &due, &handled, now);
                        Ok::<_, DbError>((recorded, due, handled))
                    })
                    .await?;
                count(&mut run, &due, &handled, recorded);
            }
        }
        return Ok(run);
    }
    let answered: Vec<_> = futures_util::stream::iter(claimed)
        .map(|due| async {
            let outcome = handle(state, &due, now, &services).await;
            (due, outcome)
        })
        .buffer_unordered(at_once)
        .collect()
        .await;
    let outcomes: Vec<_> = answered
        .into_iter()
        .filter_map(|(due, outcome)| handled(&mut run, &due, outcome).map(|h| (due, h)))
        .collect();
    for (due, handled, recorded) in record_outcomes(state, outcomes, now).await? {
        count(&mut run, &due, &handled, recorded);
    }
    Ok(run)
}

/// Records the outcomes of names released together in one transaction; if one of them cannot
/// be recorded, each is recorded in its own, so that it fails alone and the others' outcomes
/// (their registrations went out already) are kept. Each outcome with whether it was recorded.
async fn record_outcomes(
    state: &AppState,
    outcomes: Vec<(DueOrder, Handled)>,
    now: DateTime<Utc>,
) -> Result<Vec<(DueOrder, Handled, bool)>, DbError> {
    let state_for_db = state.clone();
    state
        .db
        .run(move |c| {
            let all = write_tx(c, |c| {
                outcomes.iter().try_for_each(|(due, handled)| {
                    record_outcome(c, &state_for_db, due, handled, now)
                })
            });
            let Err(e) = all else {
                return Ok(outcomes
                    .into_iter()
                    .map(|(due, handled)| (due, handled, true))
                    .collect());
            };
            tracing::warn!(error = %e, "the released names' outcomes recorded one by one");
            Ok(outcomes
                .into_iter()
                .map(|(due, handled)| {
                    let recorded = record_alone(c, &state_for_db, &due, &handled, now);
                    (due, handled, recorded)
                })
                .collect())
        })
        .await
}

/// Records one order's outcome in its own transaction, so that it fails alone; `false` (logged)
/// when it could not be recorded. The order stays as it was, due again at a later run.
fn record_alone(
    c: &mut crate::db::DbConn,
    state: &AppState,
    due: &DueOrder,
    handled: &Handled,
    now: DateTime<Utc>,
) -> bool {
    let recorded = write_tx(c, |c| record_outcome(c, state, due, handled, now));
    if let Err(e) = &recorded {
        tracing::error!(
            error = %e,
            channel = %due.channel.id,
            domain = %due.backorder.domain,
            "catch order's outcome not recorded"
        );
    }
    recorded.is_ok()
}

/// What deciding on an order gave: its new state and the calls made.
type Handled = (Settled, Vec<crate::catch::Exchange>);

/// An order's outcome to record; `None` (counted as failed, logged) when it could not be
/// handled at all.
fn handled(
    run: &mut CatchRun,
    due: &DueOrder,
    outcome: Result<Handled, AppError>,
) -> Option<Handled> {
    match outcome {
        Ok(done) => Some(done),
        Err(e) => {
            tracing::error!(error = %e, channel = %due.channel.id, "catch order not handled");
            run.failed += 1;
            None
        }
    }
}

/// Counts an order's outcome in `run` once the recording was tried: what was not recorded counts
/// as such alone (reclaim still shows the order as it was), a failed call as failed either way.
fn count(run: &mut CatchRun, due: &DueOrder, (settled, _): &Handled, recorded: bool) {
    if settled.attempts > due.order.attempts {
        run.failed += 1;
    }
    if !recorded {
        run.unrecorded += 1;
        return;
    }
    match settled.status {
        ChannelStatus::Placed if settled.placed.is_some() => run.placed += 1,
        ChannelStatus::Scheduled => run.waiting += 1,
        ChannelStatus::Refused => run.refused += 1,
        ChannelStatus::Cancelled => run.cancelled += 1,
        ChannelStatus::Caught if due.channel.status != ChannelStatus::Caught => run.caught += 1,
        ChannelStatus::Lost if due.channel.status != ChannelStatus::Lost => run.lost += 1,
        _ => {}
    }
}

/// Records an order's outcome and its calls; the lawyer hears of a refusal, a catch and a loss,
/// once.
fn record_outcome(
    c: &mut crate::db::DbConn,
    state: &AppState,
    due: &DueOrder,
    (settled, exchanges): &Handled,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let actor = crate::model::audit::Actor::process("catch job", now);
    let tell = matches!(
        settled.status,
        ChannelStatus::Refused | ChannelStatus::Caught | ChannelStatus::Won | ChannelStatus::Lost
    ) && settled.status != due.channel.status;
    catch_orders::settle(c, &actor, due, settled, exchanges)?;
    if tell {
        queue_news(c, state, due, settled.status, &settled.message, now)?;
    }
    Ok(())
}

/// The clients of the accounts a run's orders go through, each opened once: the calls of one
/// run through one account share its client (and its pacing, e.g. Dynadot's one request at a
/// time per key).
struct Services(HashMap<CatchAccountId, Result<std::sync::Arc<Service>, CatchError>>);

impl Services {
    fn open(state: &AppState, claimed: &[DueOrder]) -> Self {
        let mut services = HashMap::new();
        for due in claimed {
            services
                .entry(due.account.id.clone())
                .or_insert_with(|| client_of(state, &due.account));
        }
        Self(services)
    }

    /// The client of the order's account, or why it could not be opened.
    fn of(&self, due: &DueOrder) -> Result<&Service, CatchError> {
        match self.0.get(&due.account.id) {
            Some(opened) => opened.as_deref().map_err(Clone::clone),
            None => Err(CatchError::Invalid(format!(
                "the account '{}' was not opened for this run",
                due.account.label
            ))),
        }
    }
}

/// Decides on one order and calls the service when the decision needs it.
async fn handle(
    state: &AppState,
    due: &DueOrder,
    now: DateTime<Utc>,
    services: &Services,
) -> Result<Handled, AppError> {
    let keep = |status: ChannelStatus, message: String, next: Option<DateTime<Utc>>| Settled {
        status,
        message,
        placed: None,
        next_attempt_at: next,
        attempts: 0,
        auction: None,
    };
    let Some(provider) = due.account.provider() else {
        return Ok((
            keep(
                ChannelStatus::Refused,
                format!("unknown catch service '{}'", due.account.provider),
                None,
            ),
            Vec::new(),
        ));
    };
    // After the drop the registry, not the policy, says how the order ended.
    if let Some(settled) = settlement(state, due, provider, now).await? {
        return Ok((settled, Vec::new()));
    }
    // A caught name: the service tells of its auction and how it ended.
    if matches!(
        due.channel.status,
        ChannelStatus::Caught | ChannelStatus::InAuction
    ) {
        return Ok(follow_auction(due, provider, now, services).await);
    }
    // The month's bids and the account's other orders matter only to an order not yet placed.
    let (committed, for_another) = if matches!(
        due.channel.status,
        ChannelStatus::Scheduled | ChannelStatus::Planned
    ) {
        let (account_id, domain, channel_id) = (
            due.account.id.clone(),
            due.backorder.domain.clone(),
            due.channel.id.clone(),
        );
        let since = month_start(now);
        state
            .db
            .run(move |c| {
                Ok::<_, DbError>((
                    catch_orders::committed_since(c, &account_id, since)?,
                    catch_orders::ordered_for_another(c, &account_id, &domain, &channel_id)?,
                ))
            })
            .await?
    } else {
        (0, false)
    };
    let situation = Situation {
        timing: provider.timing(),
        backorder: due.backorder.status,
        matter_open: due.matter_open,
        order: due.channel.status,
        caught_elsewhere: due.other_channels.iter().any(|s| {
            matches!(
                s,
                ChannelStatus::Caught | ChannelStatus::Won | ChannelStatus::InAuction
            )
        }),
        // The backorder's maximum counts only in the account's currency (see
        // `order_through_account`, which asks for a bid otherwise).
        client_max_bid: due
            .order
            .max_bid_minor
            .or(due.backorder.max_bid_minor.filter(|_| {
                due.backorder
                    .currency
                    .eq_ignore_ascii_case(&due.account.currency)
            })),
        account_max_bid: due.account.max_bid_per_name_minor,
        month_committed: committed,
        monthly_limit: due.account.monthly_limit_minor,
        ordered_for_another: for_another,
    };
    let step = next_step(&situation);
    let recheck = Some(now + RECHECK);
    match step {
        Step::Nothing => {
            // Placed and still wanted: look again later (the drop, a renewal); decided: never.
            let next = matches!(
                due.channel.status,
                ChannelStatus::Placed | ChannelStatus::Scheduled
            )
            .then_some(now + RECHECK);
            Ok((
                keep(due.channel.status, due.order.message.clone(), next),
                Vec::new(),
            ))
        }
        Step::Wait { reason } => Ok((keep(ChannelStatus::Scheduled, reason, recheck), Vec::new())),
        Step::Refuse { reason } => Ok((keep(ChannelStatus::Refused, reason, None), Vec::new())),
        Step::Cancel {
            reason,
            with_service: false,
        } => Ok((keep(ChannelStatus::Cancelled, reason, None), Vec::new())),
        Step::Cancel {
            reason,
            with_service: true,
        } => {
            let domains = std::slice::from_ref(&due.backorder.domain);
            let called = match services.of(due) {
                Ok(service) => service.cancel(domains).await,
                Err(e) => Called::failed(e),
            };
            Ok(after_call(due, now, called, |answer| {
                match &answer.outcome {
                    Outcome::Cancelled { message } => keep(
                        ChannelStatus::Cancelled,
                        format!("{reason}; the service says: {message}"),
                        None,
                    ),
                    other => keep(
                        ChannelStatus::Placed,
                        format!(
                            "{reason}, but the cancellation was refused: {}",
                            message_of(other)
                        ),
                        recheck,
                    ),
                }
            }))
        }
        Step::Place { bid } => {
            let mut order = Order::backorder(due.backorder.domain.clone(), bid);
            // A direct catch: in whose name, for how long (the matter's renewal years).
            if provider.registers() {
                let (backorder_id, account_id) = (due.backorder.id.clone(), due.account.id.clone());
                let registration = state
                    .db
                    .run(move |c| registrant_handles::registration(c, &backorder_id, &account_id))
                    .await?;
                if let Some(registration) = registration {
                    match registrant_handle(&registration, &due.account.label) {
                        Ok(handle) => order.registrant = handle,
                        Err(message) => {
                            return Ok((keep(ChannelStatus::Refused, message, None), Vec::new()));
                        }
                    }
                    order.years = u32::try_from(registration.years).unwrap_or(1).max(1);
                }
            }
            let called = match services.of(due) {
                Ok(service) => service.place(std::slice::from_ref(&order)).await,
                Err(e) => Called::failed(e),
            };
            Ok(after_call(due, now, called, |answer| {
                match &answer.outcome {
                    Outcome::Placed {
                        max_bid_minor,
                        message,
                    } => Settled {
                        status: ChannelStatus::Placed,
                        message: message.clone(),
                        placed: Some(max_bid_minor.or(bid)),
                        next_attempt_at: recheck,
                        attempts: 0,
                        auction: None,
                    },
                    Outcome::NotYet { message } => {
                        keep(ChannelStatus::Scheduled, message.clone(), recheck)
                    }
                    Outcome::Refused { message, .. } => {
                        keep(ChannelStatus::Refused, message.clone(), None)
                    }
                    Outcome::Cancelled { message } => {
                        keep(ChannelStatus::Refused, message.clone(), None)
                    }
                    // A direct catch: the registrar is the firm's.
                    Outcome::Registered { message } => {
                        keep(ChannelStatus::Caught, message.clone(), None)
                    }
                    Outcome::Taken { message } => keep(ChannelStatus::Lost, message.clone(), None),
                }
            }))
        }
    }
}

fn message_of(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Placed { message, .. }
        | Outcome::NotYet { message }
        | Outcome::Refused { message, .. }
        | Outcome::Cancelled { message }
        | Outcome::Registered { message }
        | Outcome::Taken { message } => message,
    }
}

/// The settlement after a call: what the service said about the name, or, when the call failed,
/// the order as it was with the error and a later attempt (backoff).
fn after_call(
    due: &DueOrder,
    now: DateTime<Utc>,
    called: Called<Vec<Answer>>,
    on_answer: impl FnOnce(&Answer) -> Settled,
) -> (Settled, Vec<crate::catch::Exchange>) {
    let settled = match called.result {
        Ok(answers) => match answers.iter().find(|a| a.domain == due.backorder.domain) {
            Some(answer) => on_answer(answer),
            None => failed(
                due,
                now,
                "the service's answer did not mention the name".to_owned(),
            ),
        },
        Err(e) => failed_call(due, now, &e),
    };
    (settled, called.exchanges)
}

/// The order as it was, with what went wrong and the next attempt after the backoff.
fn failed(due: &DueOrder, now: DateTime<Utc>, message: String) -> Settled {
    let attempts = due.order.attempts.saturating_add(1);
    Settled {
        status: due.channel.status,
        message,
        placed: None,
        next_attempt_at: Some(now + backoff(attempts)),
        attempts,
        auction: None,
    }
}

/// A call that failed: the service or the network may recover (the usual backoff); refused
/// credentials or an answer reclaim cannot read will not mend by themselves, so the order waits
/// the longest backoff at once and says who must act.
fn failed_call(due: &DueOrder, now: DateTime<Utc>, error: &CatchError) -> Settled {
    if error.is_temporary() {
        return failed(due, now, error.to_string());
    }
    let mut settled = failed(
        due,
        now,
        format!(
            "{error}. An administrator should check the account {} under Catch accounts; reclaim tries again in {} hours.",
            due.account.label,
            MAX_BACKOFF.num_hours()
        ),
    );
    settled.next_attempt_at = Some(now + MAX_BACKOFF);
    settled
}

/// How often a caught name's auction is asked about.
pub const AUCTION_RECHECK: Duration = Duration::hours(1);
/// How far back the closed auctions are read (a catch's auction ends within days).
const AUCTIONS_SINCE: Duration = Duration::days(30);

/// Asks the service about the auction of a name it caught: running (in auction, current bid),
/// won (price recorded: it is what the firm owes, only now) or lost to another backorderer.
/// A service that reports nothing leaves the order as it is, asked again later, except a
/// service whose API reports no auctions at all: there the lawyer records the outcome.
async fn follow_auction(
    due: &DueOrder,
    provider: crate::catch::Provider,
    now: DateTime<Utc>,
    services: &Services,
) -> (Settled, Vec<crate::catch::Exchange>) {
    use crate::catch::AuctionNews;
    let still = |message: String| Settled {
        status: due.channel.status,
        message,
        placed: None,
        next_attempt_at: provider.reports_auctions().then_some(now + AUCTION_RECHECK),
        attempts: 0,
        auction: None,
    };
    if !provider.reports_auctions() {
        return (
            still(format!(
                "{} reports no auctions through its API: record the outcome and price on the channel",
                provider.label()
            )),
            Vec::new(),
        );
    }
    let since = (now - AUCTIONS_SINCE).date_naive();
    let called = match services.of(due) {
        Ok(service) => {
            service
                .auctions(std::slice::from_ref(&due.backorder.domain), since)
                .await
        }
        Err(e) => Called::failed(e),
    };
    let settled = match called.result {
        Err(e) => failed_call(due, now, &e),
        Ok(reports) => match reports
            .into_iter()
            .find(|r| r.domain.eq_ignore_ascii_case(&due.backorder.domain))
        {
            None => still(due.order.message.clone()),
            Some(report) => {
                let (status, price, message, next) = match report.news {
                    AuctionNews::Open {
                        price_minor,
                        message,
                    } => (
                        ChannelStatus::InAuction,
                        price_minor,
                        message,
                        Some(now + AUCTION_RECHECK),
                    ),
                    AuctionNews::Won {
                        price_minor,
                        message,
                    } => (ChannelStatus::Won, price_minor, message, None),
                    AuctionNews::Lost {
                        price_minor: _,
                        message,
                    } => (ChannelStatus::Lost, None, message, None),
                };
                Settled {
                    status,
                    message: message.clone(),
                    placed: None,
                    next_attempt_at: next,
                    attempts: 0,
                    auction: Some((price, message)),
                }
            }
        },
    };
    (settled, called.exchanges)
}

/// E-mails the matter's responsible lawyer and team that a service refused an order, caught the
/// name, or that the name went to someone else, through the outbox (once per order, news and
/// person).
fn queue_news(
    conn: &mut crate::db::DbConn,
    state: &AppState,
    due: &DueOrder,
    status: ChannelStatus,
    message: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    use crate::mail::{self, Draft};
    use crate::model::outbox::MessageKind;
    use crate::repo::outbox::{self, NewMessage};
    let matter_id = due.backorder.matter_id.clone();
    let Some(matter) = crate::repo::matters::find(conn, &matter_id)? else {
        return Ok(());
    };
    let people = crate::repo::matters::people_to_alert_in(conn, std::slice::from_ref(&matter_id))?;
    let link = state
        .settings
        .public_url
        .join(&format!("/backorders/{}", due.backorder.id));
    let service = due.channel.display_name();
    let (headline, what_next) = match status {
        ChannelStatus::Caught => (
            format!("caught by {service}"),
            "Check the registry data, then follow the service's auction or the transfer.",
        ),
        ChannelStatus::Won => (
            format!("won through {service}"),
            "The service's price is now due; follow the transfer to the client and the checklist after the catch.",
        ),
        ChannelStatus::Lost
            if matches!(
                due.channel.status,
                ChannelStatus::Caught | ChannelStatus::InAuction
            ) =>
        {
            (
                format!("auction at {service} lost"),
                "Another backorderer won the service's auction; consider a dispute procedure or writing to the new holder.",
            )
        }
        ChannelStatus::Lost => (
            "registered by someone else".to_owned(),
            "The order is closed; consider a dispute procedure or writing to the new holder.",
        ),
        _ => (
            format!("{service} refused the order"),
            "The order will not be tried again.",
        ),
    };
    for (_, user_id, person, email) in people {
        let first_name = person
            .split_whitespace()
            .next()
            .unwrap_or(&person)
            .to_owned();
        let subject = format!(
            "{}: {headline} ({})",
            due.backorder.unicode, matter.reference
        );
        let text = format!(
            "Hello {first_name},\n\n\
             {domain}, ordered through the firm's account {service} (matter {reference}, \
             {title}): {headline}.\n\n  {message}\n\n\
             {what_next} Backorder: {link}\n\n\
             -- \nreclaim catch services\n",
            domain = due.backorder.unicode,
            reference = matter.reference,
            title = matter.title,
        );
        let message_id = state.mailer.new_message_id();
        let raw = match mail::build(&Draft {
            from: &state.mailer.from,
            reply_to: None,
            to: &email,
            subject: &subject,
            text: &text,
            html: None,
            message_id: &message_id,
            date: now,
            headers: vec![("X-Reclaim-Kind", format!("catch-{}", status.as_str()))],
            attachments: Vec::new(),
            dkim: None,
        }) {
            Ok(raw) => raw,
            Err(e) => {
                tracing::error!(%email, error = %e, "catch news e-mail not built");
                continue;
            }
        };
        outbox::enqueue(
            conn,
            &NewMessage {
                kind: MessageKind::Alert,
                dedupe_key: Some(format!(
                    "catch-{}:{}:{user_id}",
                    status.as_str(),
                    due.channel.id
                )),
                message_id,
                to_address: email,
                subject,
                raw,
                matter_id: Some(matter.id.clone()),
                backorder_id: Some(due.backorder.id.clone()),
            },
            now,
        )?;
    }
    Ok(())
}

/// After the drop: when the registry shows the name registered again since the order was placed,
/// the registrar says who caught it (`model::catch_registrars`): this order's service (caught) or
/// someone else (lost). `None` while the registry shows no new registration.
async fn settlement(
    state: &AppState,
    due: &DueOrder,
    provider: crate::catch::Provider,
    now: DateTime<Utc>,
) -> Result<Option<Settled>, AppError> {
    use crate::model::backorder::BackorderStatus as B;
    if due.channel.status != ChannelStatus::Placed
        || !matches!(due.backorder.status, B::Dropped | B::PendingDelete)
    {
        return Ok(None);
    }
    let domain = due.backorder.domain.clone();
    let latest = state
        .db
        .run(move |c| {
            let Some(watched) = crate::repo::monitoring::find(c, &domain)? else {
                return Ok::<_, DbError>(None);
            };
            let Some(id) = watched.last_snapshot_id.clone() else {
                return Ok(None);
            };
            Ok(crate::repo::monitoring::find_snapshot_row(c, &id)?
                .map(|s| (watched.phase, s.record())))
        })
        .await?;
    let Some((phase, record)) = latest else {
        return Ok(None);
    };
    let placed_at = due.order.placed_at.map(|t| t.and_utc());
    let registered_again = phase == crate::model::lifecycle::Phase::Active
        && record.registered
        && record
            .created_at
            .is_some_and(|created| placed_at.is_none_or(|placed| created >= placed));
    if !registered_again {
        return Ok(None);
    }
    let families = crate::model::catch_registrars::built_in();
    let by = crate::model::catch_registrars::service_of(
        &families,
        record.registrar.as_deref(),
        record.registrar_iana_id.as_deref(),
    );
    let registrar = match (&record.registrar, &record.registrar_iana_id) {
        (Some(name), Some(id)) => format!("{name} (IANA {id})"),
        (Some(name), None) => name.clone(),
        (None, Some(id)) => format!("IANA registrar {id}"),
        (None, None) => "an unnamed registrar".to_owned(),
    };
    let on = record
        .created_at
        .map(|t| crate::model::present::instant(&t.naive_utc()))
        .unwrap_or_default();
    let (status, message, next) = if by == Some(provider.as_str()) {
        (
            ChannelStatus::Caught,
            format!("caught: registered on {on} through {registrar}"),
            // Its auction among the service's backorderers, if any, is followed from here.
            provider.reports_auctions().then_some(now + AUCTION_RECHECK),
        )
    } else {
        (
            ChannelStatus::Lost,
            format!("registered on {on} through {registrar}, not this service"),
            None,
        )
    };
    Ok(Some(Settled {
        status,
        message,
        placed: None,
        next_attempt_at: next,
        attempts: 0,
        auction: None,
    }))
}
