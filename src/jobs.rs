//! Background jobs. Each job reads its work from the database, runs under a lease (one instance
//! at a time) and is recorded in `job_runs`; `run` is what the scheduler, `reclaim jobs run NAME`
//! and the tests call. tokio-cron-scheduler only says when: a missed tick is no loss, because the
//! next run finds everything that is due.

use chrono::Duration;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::monitoring;
use crate::mail::Delivery;
use crate::model::digest::sha256_hex;
use crate::model::outbox::MessageKind;
use crate::registry::Bootstrap;
use crate::repo::outbox::{self, Outcome};
use crate::repo::{bootstrap, jobs, suppressions};
use crate::state::AppState;

/// Every job, with its schedule (6-field cron, UTC: seconds first).
pub const JOBS: &[(&str, &str, &str)] = &[
    (
        "monitor",
        "0 * * * * *",
        "check the names that are due at their registries",
    ),
    ("outbox", "*/20 * * * * *", "deliver queued e-mail"),
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

/// Runs one job now, under its lease; returns what it did in words.
pub async fn run(state: &AppState, name: &str) -> Result<String, JobError> {
    if !JOBS.iter().any(|(job, _, _)| *job == name) {
        return Err(JobError::Unknown(name.to_owned()));
    }
    let Some(_running) = RunningHere::start(&state.instance, name) else {
        return Err(JobError::Busy(name.to_owned()));
    };
    let now = state.clock.now();
    let (job, holder) = (name.to_owned(), state.instance.clone());
    let run_id = state
        .db
        .run(move |c| {
            if !jobs::acquire_lease(c, &job, &holder, now, Duration::minutes(15))? {
                return Ok(None);
            }
            jobs::start_run(c, &job, &holder, now).map(Some)
        })
        .await
        .map_err(|e: crate::db::DbError| JobError::Failed(e.to_string()))?
        .ok_or_else(|| JobError::Busy(name.to_owned()))?;

    let result = match name {
        "monitor" => monitoring::sweep(state, monitoring::SWEEP_CONCURRENCY)
            .await
            .map(|r| r.to_string())
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
                        Ok(format!("{sent} scheduled report(s) queued"))
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
            .map(|r| r.to_string())
            .map_err(|e| e.to_string()),
        "bootstrap" => refresh_bootstrap(state).await,
        "prune" => async {
            let attempts = crate::app::sign_in::forget_old_attempts(state).await?;
            let sessions = crate::app::sign_in::forget_ended_sessions(state).await?;
            Ok::<_, crate::error::AppError>(format!(
                "{attempts} sign-in record(s) and {sessions} ended session(s) forgotten"
            ))
        }
        .await
        .map_err(|e| e.to_string()),
        _ => Err(format!("no job {name}")),
    };

    let (job, holder, finished) = (name.to_owned(), state.instance.clone(), state.clock.now());
    let (ok, detail) = match &result {
        Ok(detail) => (true, detail.clone()),
        Err(error) => (false, error.clone()),
    };
    if let Err(e) = state
        .db
        .run(move |c| {
            jobs::finish_run(c, &run_id, ok, &detail, finished)?;
            jobs::release_lease(c, &job, &holder)
        })
        .await
    {
        tracing::error!(job = name, error = %e, "cannot record the job run");
    }
    match result {
        Ok(detail) => {
            tracing::info!(job = name, "{detail}");
            Ok(detail)
        }
        Err(error) => {
            tracing::error!(job = name, %error, "job failed");
            Err(JobError::Failed(error))
        }
    }
}

/// Delivers what the outbox holds that is due; records every attempt and the server's answer.
pub async fn deliver_outbox(state: &AppState) -> Result<String, String> {
    let now = state.clock.now();
    let holder = state.instance.clone();
    let claimed = {
        let holder = holder.clone();
        state
            .db
            .run(move |c| outbox::claim_due(c, &holder, now, Duration::minutes(5), 200))
            .await
            .map_err(|e| e.to_string())?
    };
    let (mut sent, mut retry, mut failed) = (0, 0, 0);
    let default_from = state.mailer.from.email.to_string();
    for message in claimed {
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
    Ok(format!(
        "{sent} message(s) sent, {retry} to retry, {failed} refused for good"
    ))
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

/// Starts the schedule of every job.
pub async fn start_scheduler(
    state: AppState,
) -> Result<JobScheduler, tokio_cron_scheduler::JobSchedulerError> {
    let scheduler = JobScheduler::new().await?;
    for (name, schedule, _) in JOBS {
        let state = state.clone();
        scheduler
            .add(Job::new_async(*schedule, move |_, _| {
                let state = state.clone();
                Box::pin(async move {
                    match run(&state, name).await {
                        Ok(_) | Err(JobError::Busy(_)) => {}
                        Err(e) => tracing::warn!(job = name, error = %e, "scheduled run failed"),
                    }
                })
            })?)
            .await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_is_named_in_the_refusal_of_an_unknown_one() {
        let refusal = JobError::Unknown("coffee".to_owned()).to_string();
        assert_eq!(
            refusal,
            "there is no job 'coffee'; the jobs are: monitor, outbox, reminders, reports, bootstrap, prune"
        );
        for (name, schedule, _) in JOBS {
            assert!(
                Job::new_async(*schedule, |_, _| Box::pin(async {})).is_ok(),
                "{name}: {schedule}"
            );
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
