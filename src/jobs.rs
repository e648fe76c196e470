//! Background jobs. Each job reads its work from the database, runs under a lease (one instance
//! at a time) and is recorded in `job_runs`; `run` is what the scheduler, `reclaim jobs run NAME`
//! and the tests call. tokio-cron-scheduler only says when: a missed tick is no loss, because the
//! next run finds everything that is due.
//!
//! Leases are short (`RECLAIM_LEASE_SECONDS`, 40 s) and kept alive by the instance's heartbeat,
//! so a dead instance's work is taken over within a lease; a stopping instance (SIGTERM,
//! Ctrl-C) finishes what it has begun and gives back the rest (`Worker::stop`).
//! docs/architecture.md, "Leases, heartbeat and shutdown".

use std::time::Duration as StdDuration;

use chrono::{DateTime, Timelike, Utc};

use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::monitoring;
use crate::db::{DbError, write_tx};
use crate::mail::Delivery;
use crate::model::digest::sha256_hex;
use crate::model::outbox::MessageKind;
use crate::registry::Bootstrap;
use crate::repo::jobs::RunEnd;
use crate::repo::outbox::{self, Begin, Outcome};
use crate::repo::{bootstrap, jobs, suppressions};
use crate::state::AppState;

/// How long a stopping instance waits for the runs under way to reach a point where they can
/// stop (the message being sent, the names being checked); within the 10 s a container
/// manager usually allows before it kills.
pub const STOP_GRACE: StdDuration = StdDuration::from_secs(8);

/// Every job, with its schedule (6-field cron, UTC: seconds first).
pub const JOBS: &[(&str, &str, &str)] = &[
    (
        "monitor",
        "0 * * * * *",
        "check the names that are due at their registries",
    ),
    (
        "drop-watch",
        "*/15 * * * * *",
        "while names are in their predicted drop window, ask their registries up to once a second within each registry's shared budget, and record the first instant each is free",
    ),
    ("outbox", "*/20 * * * * *", "deliver queued e-mail"),
    (
        "catch",
        "30 * * * * *",
        "place, keep or cancel the orders with catch services made through the firm's accounts",
    ),
    (
        "reminders",
        "0 */15 * * * *",
        "alert on deadlines that became overdue; the daily digest from RECLAIM_REMINDER_HOUR",
    ),
    (
        "reports",
        "0 5 * * * *",
        "e-mail the clients' scheduled status reports that are due",
    ),
    (
        "lookalikes",
        "0 30 7 * * *",
        "scan the zone files and lists of new names (RECLAIM_LOOKALIKE_SOURCES) for lookalikes of the firm's marks, and ask the registries about the best-ranked lookalikes generated from them",
    ),
    (
        "bootstrap",
        "0 17 3 * * Mon",
        "refresh the IANA RDAP bootstrap",
    ),
    (
        "prune",
        "0 41 2 * * *",
        "forget the sign-in counters that no longer count and the sessions ended longer ago than a session lasts",
    ),
];

/// The names of the jobs, for messages: `monitor, outbox, …`.
fn job_names() -> String {
    JOBS.iter()
        .map(|(name, _, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("there is no job '{0}'; the jobs are: {names}", names = job_names())]
    Unknown(String),
    #[error("the job '{0}' is already running (here or on another instance)")]
    Busy(String),
    #[error("the job '{0}' was not started: the process is stopping")]
    Stopping(String),
    #[error("{0}")]
    Failed(String),
}

/// The jobs running in this process, by instance: the lease lets its holder renew it, so it
/// alone cannot stop a run that outlasts its schedule's tick from overlapping the next one.
static RUNNING: std::sync::LazyLock<
    std::sync::Mutex<std::collections::BTreeSet<(String, String)>>,
> = std::sync::LazyLock::new(Default::default);

/// A job marked as running here until dropped.
struct RunningHere((String, String));

impl RunningHere {
    fn start(instance: &str, job: &str) -> Option<Self> {
        let key = (instance.to_owned(), job.to_owned());
        let newly = RUNNING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone());
        // The lock is released before a guard exists: its drop takes the lock again.
        newly.then(|| Self(key))
    }
}

impl Drop for RunningHere {
    fn drop(&mut self) {
        RUNNING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.0);
    }
}

/// The jobs running in this process for `instance`.
fn running_here(instance: &str) -> Vec<String> {
    RUNNING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|(i, _)| i == instance)
        .map(|(_, job)| job.clone())
        .collect()
}

/// What a job did, in words, and whether it stopped before the end because the process is
/// stopping (it gave back the work it had not begun).
struct Done {
    detail: String,
    interrupted: bool,
}

impl Done {
    fn complete(detail: String) -> Self {
        Self {
            detail,
            interrupted: false,
        }
    }
}

/// Runs one job now, under its lease; returns what it did in words.
pub async fn run(state: &AppState, name: &str) -> Result<String, JobError> {
    run_for(state, name, None).await
}

/// The period a scheduled run at `now` belongs to: the schedule's latest tick at or before
/// `now`. Instances whose ticks fire a little apart (load, clocks) name the same period.
pub fn period_of(schedule: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(schedule)
        .ok()?
        // croner keeps the fraction of a second it starts from; the ticks are whole seconds.
        .find_previous_occurrence(&now.with_nanosecond(0)?, true)
        .ok()
}

/// Runs one job, under its lease, and for a scheduled run (`period`) only if no instance ran it
/// for that period yet.
async fn run_for(
    state: &AppState,
    name: &str,
    period: Option<DateTime<Utc>>,
) -> Result<String, JobError> {
    if !JOBS.iter().any(|(job, _, _)| *job == name) {
        return Err(JobError::Unknown(name.to_owned()));
    }
    let Some(_running) = RunningHere::start(&state.instance, name) else {
        return Err(JobError::Busy(name.to_owned()));
    };
    // Read after marking the run as here: `Worker::stop` raises the flag, then waits for the
    // runs here, so either it waits for this one or this one sees the flag.
    if state.stopping.requested() {
        return Err(JobError::Stopping(name.to_owned()));
    }
    // Every 15 s, but most of the time no name is in its drop window: no lease, no run kept.
    if name == "drop-watch" {
        match crate::app::drop_watch::needed(state).await {
            Ok(false) => return Ok("no name in its drop window".to_owned()),
            Ok(true) => {}
            Err(e) => return Err(JobError::Failed(e.to_string())),
        }
    }
    let (now, lease) = (state.clock.now(), state.settings.lease_ttl());
    let (job, holder) = (name.to_owned(), state.instance.clone());
    let run_id = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if let Some(period) = period
                    && jobs::ran_in_period(c, &job, period)?
                {
                    return Ok(None);
                }
                if !jobs::acquire_lease(c, &job, &holder, now, lease)? {
                    return Ok(None);
                }
                jobs::start_run(c, &job, &holder, now, period).map(Some)
            })
        })
        .await
        .map_err(|e: crate::db::DbError| match e {
            // Another instance took the lease or the period in the same instant.
            DbError::Conflict(_) => JobError::Busy(name.to_owned()),
            e => JobError::Failed(e.to_string()),
        })?
        .ok_or_else(|| JobError::Busy(name.to_owned()))?;

    let result = match name {
        "monitor" => monitoring::sweep(state, monitoring::SWEEP_CONCURRENCY)
            .await
            .map(|r| Done {
                interrupted: r.left > 0,
                detail: r.to_string(),
            })
            .map_err(|e| e.to_string()),
        "drop-watch" => crate::app::drop_watch::watch(state, crate::app::drop_watch::RUN_FOR)
            .await
            .map(|r| Done::complete(r.to_string()))
            .map_err(|e| e.to_string()),
        "outbox" => deliver_outbox(state).await,
        "reports" => {
            let (host, now) = (state.mailer.host().to_owned(), state.clock.now());
            state
                .db
                .run(move |c| crate::app::reports::run_schedule(c, &host, now))
                .await
                .map_err(|e: crate::app::reports::SendReportError| e.to_string())
                .and_then(|(sent, problems)| {
                    if problems.is_empty() {
                        Ok(Done::complete(format!("{sent} scheduled report(s) queued")))
                    } else {
                        Err(format!(
                            "{sent} scheduled report(s) queued; {}",
                            problems.join("; ")
                        ))
                    }
                })
        }
        "reminders" => crate::app::docket::send_reminders(state)
            .await
            .map(|r| Done::complete(r.to_string()))
            .map_err(|e| e.to_string()),
        "lookalikes" => crate::app::lookalike_watch::run(state)
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| {
                if r.problems.is_empty() {
                    Ok(Done {
                        interrupted: r.interrupted,
                        detail: r.to_string(),
                    })
                } else {
                    Err(r.to_string())
                }
            }),
        "bootstrap" => refresh_bootstrap(state).await.map(Done::complete),
        "catch" => crate::app::catch::run(state)
            .await
            .map(|r| Done::complete(r.to_string()))
            .map_err(|e| e.to_string()),
        "prune" => async {
            let attempts = crate::app::sign_in::forget_old_attempts(state).await?;
            let sessions = crate::app::sign_in::forget_ended_sessions(state).await?;
            Ok::<_, crate::error::AppError>(Done::complete(format!(
                "{attempts} sign-in record(s) and {sessions} ended session(s) forgotten"
            )))
        }
        .await
        .map_err(|e| e.to_string()),
        _ => Err(format!("no job {name}")),
    };

    let (job, holder, finished) = (name.to_owned(), state.instance.clone(), state.clock.now());
    let (end, detail) = match &result {
        Ok(done) if done.interrupted => (RunEnd::Interrupted, done.detail.clone()),
        Ok(done) => (RunEnd::Ok, done.detail.clone()),
        Err(error) => (RunEnd::Failed, error.clone()),
    };
    if let Err(e) = state
        .db
        .run(move |c| {
            // A run that failed half-way may still claim messages or names: give them back, or
            // the heartbeat would keep them claimed for as long as this process lives.
            match job.as_str() {
                "outbox" => {
                    outbox::give_back(c, &holder, finished)?;
                }
                "monitor" => crate::repo::monitoring::release_instance(c, &holder)?,
                _ => {}
            }
            jobs::finish_run(c, &run_id, end, &detail, finished)?;
            jobs::release_lease(c, &job, &holder)
        })
        .await
    {
        tracing::error!(job = name, error = %e, "cannot record the job run");
    }
    match result {
        Ok(Done { detail, .. }) => {
            tracing::info!(job = name, "{detail}");
            Ok(detail)
        }
        Err(error) => {
            tracing::error!(job = name, %error, "job failed");
            Err(JobError::Failed(error))
        }
    }
}

/// Delivers what the outbox holds that is due; records every attempt and the server's answer,
/// under the rule of `repo::outbox`: each send is recorded as begun before the SMTP transaction
/// and its result right after. A stopping process ends the message under way and gives back
/// the others.
async fn deliver_outbox(state: &AppState) -> Result<Done, String> {
    let (now, lease) = (state.clock.now(), state.settings.lease_ttl());
    let holder = state.instance.clone();
    let claimed = {
        let holder = holder.clone();
        state
            .db
            .run(move |c| outbox::claim_due(c, &holder, now, lease, 200))
            .await
            .map_err(|e| e.to_string())?
    };
    let (mut sent, mut retry, mut failed, mut again, mut not_ours) = (0, 0, 0, 0, 0);
    let default_from = state.mailer.from.email.to_string();
    for message in claimed {
        if state.stopping.requested() {
            let (holder, at) = (holder.clone(), state.clock.now());
            let given_back = state
                .db
                .run(move |c| outbox::give_back(c, &holder, at))
                .await
                .map_err(|e| e.to_string())?;
            return Ok(Done {
                detail: format!(
                    "{sent} message(s) sent, {retry} to retry, {failed} refused for good; \
                     stopping: {given_back} given back"
                ),
                interrupted: true,
            });
        }
        // An outreach message whose recipient unsubscribed after it was queued is not sent:
        // the suppression is honoured up to the last moment (CAN-SPAM 7704(a)(4)).
        let suppressed = if message.kind == MessageKind::Outreach {
            let to = message.to_address.clone();
            state
                .db
                .run(move |c| suppressions::is_suppressed(c, &to))
                .await
                .map_err(|e| e.to_string())?
        } else {
            false
        };
        let delivery = if suppressed {
            Delivery::Failed {
                code: None,
                response: "not sent: the recipient unsubscribed after the message was queued"
                    .to_owned(),
            }
        } else {
            let (id, begun_by, at) = (message.id.clone(), holder.clone(), state.clock.now());
            match state
                .db
                .run(move |c| outbox::begin_send(c, &id, &begun_by, at))
                .await
                .map_err(|e| e.to_string())?
            {
                Begin::NotYours => {
                    not_ours += 1;
                    continue;
                }
                Begin::Send { after_interruption } => {
                    if after_interruption {
                        again += 1;
                        tracing::warn!(
                            message_id = %message.message_id,
                            "sent again after a sender stopped mid-transaction: it may arrive twice"
                        );
                    }
                }
            }
            // The envelope sender is the message's own From (SPF on the firm's domain).
            let from =
                crate::mail::envelope_sender(&message.raw).unwrap_or_else(|| default_from.clone());
            state
                .mailer
                .deliver(
                    &from,
                    &message.to_address,
                    &message.message_id,
                    &message.raw,
                )
                .await
        };
        let (outcome, code, response) = match delivery {
            Delivery::Sent { code, response } => {
                sent += 1;
                (Outcome::Sent, code, response)
            }
            Delivery::Retry { code, response } => {
                retry += 1;
                (Outcome::Retry, code, response)
            }
            Delivery::Failed { code, response } => {
                failed += 1;
                (Outcome::Failed, code, response)
            }
        };
        let (holder, id, at) = (holder.clone(), message.id.clone(), state.clock.now());
        state
            .db
            .run(move |c| outbox::record_attempt(c, &id, &holder, outcome, code, &response, at))
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut detail = format!("{sent} message(s) sent, {retry} to retry, {failed} refused for good");
    if again > 0 {
        detail.push_str(&format!(
            "; {again} sent again after an interrupted send (possible duplicates)"
        ));
    }
    if not_ours > 0 {
        detail.push_str(&format!("; {not_ours} no longer claimed here, not sent"));
    }
    Ok(Done::complete(detail))
}

/// Fetches the IANA bootstrap, checks it, keeps it and uses it from now on.
pub async fn refresh_bootstrap(state: &AppState) -> Result<String, String> {
    let url = state.settings.rdap_bootstrap_url.clone();
    let client = reqwest::Client::builder()
        .timeout(state.settings.registry_timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("cannot fetch {url}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!(
            "{url} answered HTTP {}",
            response.status().as_u16()
        ));
    }
    let body = response
        .text()
        .await
        .map_err(|e| format!("cannot read {url}: {e}"))?;
    let parsed = Bootstrap::parse(&body)
        .map_err(|e| format!("{url}: {e}; the previous copy stays in use"))?;
    let (publication, services) = (parsed.publication.clone(), parsed.len());
    let sha = sha256_hex(body.as_bytes());
    let now = state.clock.now();
    {
        let (publication, sha) = (publication.clone(), sha.clone());
        state
            .db
            .run(move |c| bootstrap::store(c, &body, &publication, &sha, now))
            .await
            .map_err(|e| e.to_string())?;
    }
    state.registry.replace_bootstrap(parsed);
    Ok(format!(
        "RDAP bootstrap published {publication} in use ({services} TLDs)"
    ))
}

/// How often an instance renews its leases: four times per lease, so that three missed beats
/// (a slow database) do not lose them.
pub fn heartbeat_interval(lease: StdDuration) -> StdDuration {
    (lease / 4).max(StdDuration::from_millis(500))
}

/// The heartbeat of this instance, beating until dropped.
pub struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the heartbeat: every `heartbeat_interval`, extends every claim this instance holds
/// (job leases, messages, names) by a lease, and marks as abandoned the runs of instances whose
/// leases ran out (they died). Any process that runs jobs beats: `serve` and `jobs run`.
pub fn start_heartbeat(state: AppState) -> Heartbeat {
    Heartbeat(tokio::spawn(async move {
        let mut tick = tokio::time::interval(heartbeat_interval(state.settings.lease));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match beat(&state).await {
                Ok(0) => {}
                Ok(abandoned) => tracing::warn!(
                    abandoned,
                    "job runs of an instance that stopped renewing its leases marked as abandoned"
                ),
                Err(e) => tracing::error!(error = %e, "cannot renew this instance's leases"),
            }
        }
    }))
}

/// One beat; returns how many dead runs it marked as abandoned.
async fn beat(state: &AppState) -> Result<usize, DbError> {
    let (instance, now) = (state.instance.clone(), state.clock.now());
    let until = now + state.settings.lease_ttl();
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                jobs::renew_leases(c, &instance, until)?;
                outbox::renew_claims(c, &instance, until)?;
                crate::repo::catch_orders::renew_claims(c, &instance, until)?;
                crate::repo::monitoring::renew_leases(c, &instance, until)
            })?;
            jobs::abandon_dead_runs(c, now)
        })
        .await
}

/// Gives back everything this instance holds: its job leases (its runs still under way end as
/// interrupted), its claims on messages (`outbox::give_back`) and on names. What it had not
/// begun is taken by the next instance at once, without waiting for a lease to run out.
pub async fn give_back_everything(state: &AppState) -> Result<(), DbError> {
    let (instance, now) = (state.instance.clone(), state.clock.now());
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                jobs::end_instance(c, &instance, now)?;
                outbox::give_back(c, &instance, now)?;
                crate::repo::catch_orders::release_instance(c, &instance)?;
                crate::repo::monitoring::release_instance(c, &instance)
            })
        })
        .await
}

/// The background work of a serving instance: the schedule of every job and the heartbeat.
pub struct Worker {
    scheduler: JobScheduler,
    _heartbeat: Heartbeat,
    state: AppState,
}

impl Worker {
    /// Starts the heartbeat and the schedule of every job.
    pub async fn start(state: AppState) -> Result<Self, tokio_cron_scheduler::JobSchedulerError> {
        let heartbeat = start_heartbeat(state.clone());
        let scheduler = JobScheduler::new().await?;
        for (name, schedule, _) in JOBS {
            let state = state.clone();
            let schedule = *schedule;
            scheduler
                .add(Job::new_async(schedule, move |_, _| {
                    let state = state.clone();
                    Box::pin(async move {
                        // The scheduler ticks by the system's clock, so the period is read
                        // from it too (not from the application's clock, fixed in tests).
                        let period = period_of(schedule, Utc::now());
                        match run_for(&state, name, period).await {
                            Ok(_) | Err(JobError::Busy(_) | JobError::Stopping(_)) => {}
                            Err(e) => {
                                tracing::warn!(job = name, error = %e, "scheduled run failed")
                            }
                        }
                    })
                })?)
                .await?;
        }
        scheduler.start().await?;
        Ok(Self {
            scheduler,
            _heartbeat: heartbeat,
            state,
        })
    }

    /// Stops taking new work, waits up to `grace` for the runs under way to finish or reach a
    /// point where they can stop (giving back what they had not begun), then gives back
    /// whatever this instance still holds and stops the heartbeat.
    pub async fn stop(mut self, grace: StdDuration) {
        if let Err(e) = self.scheduler.shutdown().await {
            tracing::warn!(error = %e, "the job schedule did not stop cleanly");
        }
        let state = self.state.clone();
        state.stopping.request();
        let deadline = tokio::time::Instant::now() + grace;
        loop {
            let running = running_here(&state.instance);
            if running.is_empty() {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!(
                    jobs = running.join(", "),
                    "stopping without waiting longer for these jobs; what they hold is given back"
                );
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        match give_back_everything(&state).await {
            Ok(()) => tracing::info!("background work stopped; leases and claims given back"),
            Err(e) => tracing::error!(
                error = %e,
                "cannot give back this instance's leases; they run out within RECLAIM_LEASE_SECONDS"
            ),
        }
    }
}

/// Resolves when the process is asked to stop: SIGTERM (service managers, `kill`) or SIGINT
/// (Ctrl-C).
pub async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
                return;
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for SIGTERM; Ctrl-C only"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for Ctrl-C");
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_is_named_in_the_refusal_of_an_unknown_one() {
        let refusal = JobError::Unknown("coffee".to_owned()).to_string();
        assert_eq!(
            refusal,
            "there is no job 'coffee'; the jobs are: monitor, drop-watch, outbox, catch, reminders, reports, lookalikes, bootstrap, prune"
        );
        for (name, schedule, _) in JOBS {
            assert!(
                Job::new_async(*schedule, |_, _| Box::pin(async {})).is_ok(),
                "{name}: {schedule}"
            );
        }
    }

    /// Cron semantics as tokio-cron-scheduler reads them (croner, seconds first): a tick
    /// fired late still names its own period; the tick itself starts a new one.
    #[test]
    fn a_late_tick_names_the_period_of_its_schedule() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let cases = [
            (
                "*/20 * * * * *",
                "2026-12-03T06:00:40.000Z",
                "2026-12-03T06:00:40Z",
            ),
            (
                "*/20 * * * * *",
                "2026-12-03T06:00:41.900Z",
                "2026-12-03T06:00:40Z",
            ),
            (
                "*/20 * * * * *",
                "2026-12-03T06:00:59.999Z",
                "2026-12-03T06:00:40Z",
            ),
            (
                "0 * * * * *",
                "2026-12-03T06:01:03.000Z",
                "2026-12-03T06:01:00Z",
            ),
            (
                "0 */15 * * * *",
                "2026-12-03T06:14:59.000Z",
                "2026-12-03T06:00:00Z",
            ),
            (
                "0 17 3 * * Mon",
                "2026-12-03T06:00:00Z",
                "2026-11-30T03:17:00Z",
            ),
        ];
        for (schedule, now, period) in cases {
            assert_eq!(
                period_of(schedule, at(now)),
                Some(at(period)),
                "{schedule} at {now}"
            );
        }
        for (name, schedule, _) in JOBS {
            assert!(period_of(schedule, Utc::now()).is_some(), "{name}");
        }
    }

    #[test]
    fn a_job_runs_once_at_a_time_per_instance() {
        let first = RunningHere::start("instance-a", "monitor").expect("free");
        assert!(
            RunningHere::start("instance-a", "monitor").is_none(),
            "already running"
        );
        assert!(
            RunningHere::start("instance-a", "outbox").is_some(),
            "another job"
        );
        assert!(
            RunningHere::start("instance-b", "monitor").is_some(),
            "another instance"
        );
        drop(first);
        assert!(
            RunningHere::start("instance-a", "monitor").is_some(),
            "finished"
        );
    }
}
