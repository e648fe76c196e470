//! The drop watch: for names deleted at the registry and inside their predicted drop window,
//! reclaim asks the registry far more often than the monitor's normal pace (once a minute, and
//! once a second around the registry's known deletion instant, `model::drop_watch`), within a
//! query budget per registry server that every instance shares (`repo::drop_watch`), and
//! records the first instant it sees each name free. Outside the windows it does nothing: the
//! monitor's sweep keeps its pace (`lifecycle::next_check`).
//!
//! The moment a name is first seen free, [`on_seen_free`] is called; recording the answer then
//! sends a direct catch's registration through the firm's registrar (`app::catch::on_release`,
//! from `app::monitoring::record_lookup`).
//! docs/architecture.md, "The drop watch"; docs/registries.md §8.

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;

use crate::app::monitoring;
use crate::db::DbError;
use crate::model::domain_name::DomainName;
use crate::model::drop_watch::{BudgetRule, WINDOW_INTERVAL, Watched, next_query, send_by};
use crate::model::lifecycle::classify;
use crate::model::monitoring::MonitoredDomain;
use crate::model::tld_policy::TldPolicy;
use crate::registry::LookupError;
use crate::repo::drop_watch as repo;
use crate::repo::monitoring as monitored;
use crate::state::AppState;

/// How many names are asked at once (each server still within its budget).
pub const WATCH_CONCURRENCY: usize = 64;
/// How many names one pass takes at most.
pub const WATCH_BATCH: i64 = 2_000;
/// Batches of registrations in flight at once (see `register_released`).
const RELEASE_BATCHES: usize = 4;
/// Free answers recorded at once after a pass's registrations.
const RECORD_CONCURRENCY: usize = 8;
/// The watch job's longest run: its schedule starts another every 15 s (`jobs::JOBS`).
pub const RUN_FOR: StdDuration = StdDuration::from_millis(14_500);

/// A name the watch has just seen free for the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenFree {
    /// A-label.
    pub domain: String,
    /// When the registry's answer saying so arrived.
    pub at: DateTime<Utc>,
}

/// What one pass, or one run of passes, did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WatchReport {
    /// Queries sent to registries.
    pub asked: usize,
    /// Names due but not asked: their server's budget was spent (asked at a later pass).
    pub deferred: usize,
    /// Queries that failed (429, timeout, server error…).
    pub failed: usize,
    /// Names seen free for the first time, in the order seen.
    pub seen_free: Vec<SeenFree>,
    /// When the budget grants again, for a server that refused (the loop sleeps until then).
    pub next_grant: Option<DateTime<Utc>>,
}

impl WatchReport {
    fn absorb(&mut self, other: WatchReport) {
        self.asked += other.asked;
        self.deferred += other.deferred;
        self.failed += other.failed;
        self.seen_free.extend(other.seen_free);
        self.next_grant = other.next_grant;
    }
}

impl std::fmt::Display for WatchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "drop watch: {} quer(ies), {} deferred by the budget, {} failed, {} name(s) seen free",
            self.asked,
            self.deferred,
            self.failed,
            self.seen_free.len()
        )?;
        for seen in &self.seen_free {
            write!(f, "; {} free at {}", seen.domain, seen.at.to_rfc3339())?;
        }
        Ok(())
    }
}

/// The hook called the moment names are first seen free, before anything else is recorded
/// about them: the instant is recorded (`drop_watches.seen_free_at`) and logged; the monitor's
/// record of the answer follows (backorders marked dropped, people alerted, and a direct
/// catch's registration sent, `app::catch::on_release`).
pub fn on_seen_free(_state: &AppState, names: &[SeenFree]) {
    for seen in names {
        tracing::info!(domain = %seen.domain, at = %seen.at, "drop watch: the name is free at the registry");
    }
}

/// The budget rule of every registry server, from the settings.
pub fn budget_rule(state: &AppState) -> BudgetRule {
    BudgetRule {
        per_second: state.settings.drop_watch_per_second,
        per_minute: state.settings.drop_watch_per_minute,
    }
}

/// Whether any name is in its drop window now (nothing to do otherwise).
pub async fn needed(state: &AppState) -> Result<bool, DbError> {
    let now = state.clock.now();
    state.db.run(move |c| repo::any_in_window(c, now)).await
}

/// The watch job: passes one after the other while names are in their drop window, each
/// when the next query is due (at most a second apart), for at most `for_at_most`.
pub async fn watch(state: &AppState, for_at_most: StdDuration) -> Result<WatchReport, DbError> {
    watch_with(state, for_at_most, &on_seen_free).await
}

/// [`watch`] with another hook than [`on_seen_free`] (the benchmark times the hook's calls).
pub async fn watch_with<H>(
    state: &AppState,
    for_at_most: StdDuration,
    hook: &H,
) -> Result<WatchReport, DbError>
where
    H: Fn(&AppState, &[SeenFree]) + Sync,
{
    let started = tokio::time::Instant::now();
    let mut total = WatchReport::default();
    while !state.stopping.requested() && started.elapsed() < for_at_most && needed(state).await? {
        let pass = watch_once_with(state, hook).await?;
        let grant = pass.next_grant;
        total.absorb(pass);
        let now = state.clock.now();
        let next = state
            .db
            .run(move |c| repo::earliest_next_query(c, now))
            .await?;
        let wake = [next, grant]
            .into_iter()
            .flatten()
            .min()
            .map_or(Duration::seconds(1), |at| {
                (at - now).clamp(Duration::milliseconds(10), Duration::seconds(1))
            });
        let left = for_at_most.saturating_sub(started.elapsed());
        tokio::time::sleep(wake.to_std().unwrap_or(StdDuration::from_secs(1)).min(left)).await;
    }
    Ok(total)
}

/// One pass, calling [`on_seen_free`] for the names seen free.
pub async fn watch_once(state: &AppState) -> Result<WatchReport, DbError> {
    watch_once_with(state, &on_seen_free).await
}

/// One pass: claims the names due (leased, so that no other instance or sweep asks about one
/// at the same time), takes from each server's shared budget as many queries as it grants
/// (least recently asked names first; the others wait for a later pass), asks, and schedules
/// each name's next query. `hook` is called the moment a name is first seen free.
pub async fn watch_once_with<H>(state: &AppState, hook: &H) -> Result<WatchReport, DbError>
where
    H: Fn(&AppState, &[SeenFree]) + Sync,
{
    let (now, lease, rule) = (
        state.clock.now(),
        state.settings.lease_ttl(),
        budget_rule(state),
    );
    let holder = monitored::claim_holder(&state.instance);
    let claimed = {
        let holder = holder.clone();
        state
            .db
            .run(move |c| repo::claim_due(c, &holder, now, lease, WATCH_BATCH))
            .await?
    };
    let mut report = WatchReport::default();
    let result = async {
        // Per server, in the claim's order (least recently asked first).
        let mut by_server: BTreeMap<String, Vec<Target>> = BTreeMap::new();
        let mut unroutable = Vec::new();
        for (watched, _) in claimed {
            let domain = watched.domain.clone();
            match Target::of(state, watched) {
                Some((server, target)) => by_server.entry(server).or_default().push(target),
                None => unroutable.push(domain),
            }
        }
        if !unroutable.is_empty() {
            // Not asked; looked at again a minute later rather than at every pass.
            state
                .db
                .run(move |c| {
                    unroutable
                        .iter()
                        .try_for_each(|d| repo::schedule(c, d, now + WINDOW_INTERVAL, None))
                })
                .await?;
        }
        let mut asked = Vec::new();
        for (server, targets) in by_server {
            let wanted = u32::try_from(targets.len()).unwrap_or(u32::MAX);
            let (granted, next_grant) = {
                let server = server.clone();
                state
                    .db
                    .run(move |c| repo::take_budget(c, &server, rule, now, wanted))
                    .await?
            };
            let granted = usize::try_from(granted).unwrap_or(0);
            report.deferred += targets.len().saturating_sub(granted);
            if let Some(next) = next_grant {
                report.next_grant = Some(
                    report
                        .next_grant
                        .map_or(next, |t: DateTime<Utc>| t.min(next)),
                );
            }
            asked.extend(
                targets
                    .into_iter()
                    .take(granted)
                    .map(|t| (server.clone(), t)),
            );
        }
        report.asked = asked.len();
        // The registrations of the names this pass sees released go out as they are seen, beside
        // the other names' queries; the records of the free answers wait for them.
        let (releases, released) = tokio::sync::mpsc::unbounded_channel();
        let registering = tokio::spawn(register_released(state.clone(), released));
        // The tokens count in the second they were taken in: a query not sent by its end waits.
        let deadline = send_by(now);
        let outcomes: Vec<Result<Asked, DbError>> = futures_util::stream::iter(asked)
            .map(|(server, target)| ask(state, server, target, rule, deadline, hook, &releases))
            .buffer_unordered(WATCH_CONCURRENCY)
            .collect()
            .await;
        drop(releases);
        if let Err(e) = registering.await {
            tracing::error!(error = %e, "drop watch: sending the registrations stopped");
        }
        let mut free_answers = Vec::new();
        for outcome in outcomes {
            match outcome? {
                Asked::Free(seen, answer) => {
                    report.seen_free.push(seen);
                    free_answers.push(answer);
                }
                Asked::Recording(answer) => free_answers.push(answer),
                Asked::Failed => report.failed += 1,
                Asked::Registered => {}
                Asked::Late => {
                    report.asked -= 1;
                    report.deferred += 1;
                }
            }
        }
        // The evidence, "dropped" and the alerts; each answer keeps the instant it was received.
        futures_util::stream::iter(free_answers)
            .for_each_concurrent(RECORD_CONCURRENCY, |answer| async move {
                let FreeAnswer {
                    name,
                    policy,
                    lookup,
                } = answer;
                if let Err(e) = monitoring::record_lookup(state, &name, &policy, lookup).await {
                    tracing::error!(domain = %name.ascii(), error = %e, "drop watch: the free answer was not recorded");
                }
            })
            .await;
        report
            .seen_free
            .sort_by(|a, b| (a.at, &a.domain).cmp(&(b.at, &b.domain)));
        Ok::<_, DbError>(())
    }
    .await;
    // Given back whatever happened: the names are due again at their next query.
    state
        .db
        .run(move |c| monitored::release(c, &holder))
        .await?;
    result.map(|()| report)
}

/// A claimed name with what the watch needs to ask about it.
struct Target {
    name: DomainName,
    policy: TldPolicy,
    watched: MonitoredDomain,
}

impl Target {
    /// The name, its TLD's rules and its server; `None` for a name the watch cannot ask about
    /// (the monitor records why when it checks it).
    fn of(state: &AppState, watched: MonitoredDomain) -> Option<(String, Self)> {
        let name = DomainName::parse(&watched.domain).ok()?;
        let policy = state.tld_policies.lookup(name.tld()).ok()?;
        let server = state.registry.server_key(&name, &policy)?;
        Some((
            server,
            Self {
                name,
                policy,
                watched,
            },
        ))
    }

    fn next_after(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let assessment = self.watched.assessment();
        let w = Watched {
            phase: assessment.phase,
            drop_earliest: assessment.drop_earliest,
            drop_latest: assessment.drop_latest,
            deletion: self.policy.daily_deletion.as_ref(),
        };
        next_query(&w, at).unwrap_or(at + WINDOW_INTERVAL)
    }
}

/// Sends the direct catches of the names a pass sees released (`app::catch::on_release`): the
/// names that arrive while earlier ones are being sent go together, in one claim, and at most
/// [`RELEASE_BATCHES`] batches are in flight, so that a slow registrar does not hold the others.
async fn register_released(
    state: AppState,
    mut released: tokio::sync::mpsc::UnboundedReceiver<DomainName>,
) {
    let mut batches = tokio::task::JoinSet::new();
    while let Some(first) = released.recv().await {
        while batches.len() >= RELEASE_BATCHES {
            if let Some(Err(e)) = batches.join_next().await {
                tracing::error!(error = %e, "drop watch: a batch of registrations stopped");
            }
        }
        let mut names = vec![first];
        while let Ok(next) = released.try_recv() {
            names.push(next);
        }
        let state = state.clone();
        batches.spawn(async move { monitoring::send_direct_catch(&state, &names).await });
    }
    while let Some(done) = batches.join_next().await {
        if let Err(e) = done {
            tracing::error!(error = %e, "drop watch: a batch of registrations stopped");
        }
    }
}

/// A free answer, recorded by the monitor once the pass's registrations are sent.
struct FreeAnswer {
    name: DomainName,
    policy: TldPolicy,
    lookup: crate::registry::Lookup,
}

enum Asked {
    /// Seen free for the first time (its registration already on its way).
    Free(SeenFree, FreeAnswer),
    /// Free again.
    Recording(FreeAnswer),
    Registered,
    Failed,
    /// Not sent: its token's second was over (still due, asked at a later pass).
    Late,
}

/// One query, its budget already taken.
async fn ask<H>(
    state: &AppState,
    server: String,
    target: Target,
    rule: BudgetRule,
    deadline: DateTime<Utc>,
    hook: &H,
    releases: &tokio::sync::mpsc::UnboundedSender<DomainName>,
) -> Result<Asked, DbError>
where
    H: Fn(&AppState, &[SeenFree]) + Sync,
{
    if state.clock.now() >= deadline {
        return Ok(Asked::Late);
    }
    let result = state
        .registry
        .ask_registry(&target.name, &target.policy)
        .await;
    let answered = state.clock.now();
    let domain = target.watched.domain.clone();
    match result {
        Ok(mut lookup) if !lookup.record.registered && lookup.record.cannot_register.is_none() => {
            let first = {
                let domain = domain.clone();
                state
                    .db
                    .run(move |c| repo::record_seen_free(c, &domain, answered))
                    .await?
            };
            let seen = SeenFree {
                domain,
                at: answered,
            };
            if first {
                hook(state, std::slice::from_ref(&seen));
            }
            // The registration first (the race is now); the monitor's record of the answer
            // (evidence, "dropped", alerts) after the pass's registrations, off the queries' path.
            if first && releases.send(target.name.clone()).is_err() {
                tracing::error!(domain = %target.name.ascii(), "drop watch: the registration could not be handed over");
            }
            lookup.registry.fetched_at = answered;
            let answer = FreeAnswer {
                name: target.name,
                policy: target.policy,
                lookup,
            };
            Ok(if first {
                Asked::Free(seen, answer)
            } else {
                Asked::Recording(answer)
            })
        }
        Ok(lookup) => {
            let phase = classify(&lookup.record, &target.policy, answered);
            let next = target.next_after(answered);
            let changed = phase != target.watched.phase;
            state
                .db
                .run(move |c| {
                    if changed {
                        // Restored, or moved on to pending delete: the monitor checks it in full.
                        repo::check_now(c, &domain, answered)?;
                    }
                    repo::schedule(c, &domain, next, Some(answered))
                })
                .await?;
            Ok(Asked::Registered)
        }
        Err(error) => {
            tracing::warn!(domain = %domain, %error, "drop watch: registry query failed");
            let mut next = target.next_after(answered);
            if let LookupError::RateLimited { retry_after, .. } = &error {
                let asked = retry_after.and_then(|d| Duration::from_std(d).ok());
                if let Some(wait) = asked {
                    next = next.max(answered + wait);
                }
                let server = server.clone();
                state
                    .db
                    .run(move |c| repo::lower_budget(c, &server, rule, answered, asked))
                    .await?;
            }
            state
                .db
                .run(move |c| repo::schedule(c, &domain, next, Some(answered)))
                .await?;
            Ok(Asked::Failed)
        }
    }
}
