//! Background job bookkeeping: a lease per job so that one instance runs it at a time, and a
//! record of every run. A lease is short and renewed by its instance's heartbeat
//! (`jobs::start_heartbeat`): a run is alive while its lease is, so a run left "running" by an
//! instance whose lease ran out was abandoned (the process died).

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::schema::{job_leases, job_runs};
use crate::db::sql::{Verbatim, verbatim};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::ids::JobRunId;

/// Takes the lease on `job` for `ttl`, unless another holder has it. A holder may renew its own.
pub fn acquire_lease(
    conn: &mut DbConn,
    job: &str,
    holder: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool, DbError> {
    write_tx(conn, |conn| {
        let current: Option<(String, NaiveDateTime)> = job_leases::table
            .find(job)
            .select((job_leases::holder, job_leases::expires_at))
            .first(conn)
            .optional()?;
        match current {
            Some((other, until)) if other != holder && until > to_db(now) => Ok(false),
            Some(_) => {
                diesel::update(job_leases::table.find(job))
                    .set((
                        job_leases::holder.eq(holder),
                        job_leases::expires_at.eq(to_db(now + ttl)),
                    ))
                    .execute(conn)?;
                Ok(true)
            }
            None => {
                diesel::insert_into(job_leases::table)
                    .values((
                        job_leases::name.eq(job),
                        job_leases::holder.eq(holder),
                        job_leases::expires_at.eq(to_db(now + ttl)),
                    ))
                    .execute(conn)?;
                Ok(true)
            }
        }
    })
}

pub fn release_lease(conn: &mut DbConn, job: &str, holder: &str) -> Result<(), DbError> {
    diesel::delete(job_leases::table.find(job))
        .filter(job_leases::holder.eq(holder))
        .execute(conn)?;
    Ok(())
}

/// Records a run as started. A scheduled run names its `period` (the schedule's tick): the
/// unique index `job_runs_once_per_period` lets one run per job and period exist, whichever
/// instance starts it; `ran_in_period` is the friendly check before.
pub fn start_run(
    conn: &mut DbConn,
    job: &str,
    holder: &str,
    now: DateTime<Utc>,
    period: Option<DateTime<Utc>>,
) -> Result<JobRunId, DbError> {
    let id = JobRunId::new();
    diesel::insert_into(job_runs::table)
        .values((
            job_runs::id.eq(&id),
            job_runs::job.eq(job),
            job_runs::holder.eq(holder),
            job_runs::started_at.eq(to_db(now)),
            job_runs::status.eq("running"),
            job_runs::period.eq(period.map(to_db)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Whether `job` already has a run for the scheduled `period` (here or on another instance).
pub fn ran_in_period(conn: &mut DbConn, job: &str, period: DateTime<Utc>) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        job_runs::table
            .filter(job_runs::job.eq(job))
            .filter(job_runs::period.eq(to_db(period))),
    ))
    .get_result(conn)?)
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    Ok,
    Failed,
    /// The process was asked to stop: the run gave back the work it had not begun.
    Interrupted,
}

impl RunEnd {
    fn as_str(self) -> &'static str {
        match self {
            RunEnd::Ok => "ok",
            RunEnd::Failed => "failed",
            RunEnd::Interrupted => "interrupted",
        }
    }
}

pub fn finish_run(
    conn: &mut DbConn,
    id: &JobRunId,
    end: RunEnd,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(job_runs::table.find(id))
        .set((
            job_runs::finished_at.eq(Some(to_db(now))),
            job_runs::status.eq(end.as_str()),
            job_runs::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// The heartbeat: extends every lease `holder` has until `until`.
pub fn renew_leases(conn: &mut DbConn, holder: &str, until: DateTime<Utc>) -> Result<(), DbError> {
    diesel::update(job_leases::table)
        .filter(job_leases::holder.eq(holder))
        .set(job_leases::expires_at.eq(to_db(until)))
        .execute(conn)?;
    Ok(())
}

/// The runs in progress, written as the partial index `job_runs_running`'s own condition: SQLite
/// matches a partial index by the query's text, not by a bound value (its query planner
/// stability guarantee, `.cargo/config.toml`).
const RUNNING: Verbatim<Bool> = verbatim("job_runs.status = 'running'");

/// Marks as abandoned the runs still "running" whose holder no longer holds the job's lease at
/// `now`: their instance died (kill -9, power loss) and its heartbeat stopped. Returns how many.
/// At most three statements; the runs in progress are few (one per job and instance).
pub fn abandon_dead_runs(conn: &mut DbConn, now: DateTime<Utc>) -> Result<usize, DbError> {
    write_tx(conn, |conn| {
        let running: Vec<(JobRunId, String, String)> = job_runs::table
            .filter(RUNNING)
            .select((job_runs::id, job_runs::job, job_runs::holder))
            .load(conn)?;
        if running.is_empty() {
            return Ok(0);
        }
        let live: Vec<(String, String)> = job_leases::table
            .filter(job_leases::expires_at.ge(to_db(now)))
            .select((job_leases::name, job_leases::holder))
            .load(conn)?;
        let dead: Vec<JobRunId> = running
            .into_iter()
            .filter(|(_, job, holder)| !live.iter().any(|(j, h)| j == job && h == holder))
            .map(|(id, _, _)| id)
            .collect();
        if dead.is_empty() {
            return Ok(0);
        }
        Ok(diesel::update(job_runs::table)
            .filter(job_runs::id.eq_any(&dead))
            .filter(RUNNING)
            .set((
                job_runs::status.eq("abandoned"),
                job_runs::finished_at.eq(Some(to_db(now))),
                job_runs::detail.eq(
                    "its instance stopped renewing its lease (the process died) before the run ended",
                ),
            ))
            .execute(conn)?)
    })
}

/// A stopping instance gives back its job leases and ends its runs still in progress as
/// interrupted, so that another instance (or its own restart) takes the jobs at once.
pub fn end_instance(conn: &mut DbConn, holder: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    diesel::update(job_runs::table)
        .filter(job_runs::holder.eq(holder))
        .filter(RUNNING)
        .set((
            job_runs::status.eq(RunEnd::Interrupted.as_str()),
            job_runs::finished_at.eq(Some(to_db(now))),
            job_runs::detail.eq("the process stopped before the run ended"),
        ))
        .execute(conn)?;
    diesel::delete(job_leases::table)
        .filter(job_leases::holder.eq(holder))
        .execute(conn)?;
    Ok(())
}

/// One run of a job, as recorded.
#[derive(Debug, Clone, Queryable)]
pub struct JobRun {
    pub id: JobRunId,
    pub job: String,
    pub holder: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub status: String,
    pub detail: String,
}

/// The latest runs, newest first.
pub fn recent_runs(conn: &mut DbConn, limit: i64) -> Result<Vec<JobRun>, DbError> {
    Ok(job_runs::table
        .order(job_runs::started_at.desc())
        .limit(limit)
        .select((
            job_runs::id,
            job_runs::job,
            job_runs::holder,
            job_runs::started_at,
            job_runs::finished_at,
            job_runs::status,
            job_runs::detail,
        ))
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DatabaseUrl, migrations};

    fn conn() -> DbConn {
        let mut c = DatabaseUrl::SqliteMemory.connect().unwrap();
        migrations::run_pending(&mut c).unwrap();
        c
    }

    #[test]
    fn one_holder_at_a_time_until_the_lease_runs_out() {
        let mut c = conn();
        let now = Utc::now();
        assert!(acquire_lease(&mut c, "monitor", "a", now, Duration::minutes(10)).unwrap());
        assert!(!acquire_lease(&mut c, "monitor", "b", now, Duration::minutes(10)).unwrap());
        assert!(
            acquire_lease(&mut c, "monitor", "a", now, Duration::minutes(10)).unwrap(),
            "renewal"
        );
        assert!(
            acquire_lease(&mut c, "outbox", "b", now, Duration::minutes(10)).unwrap(),
            "another job"
        );
        assert!(
            acquire_lease(
                &mut c,
                "monitor",
                "b",
                now + Duration::minutes(11),
                Duration::minutes(10)
            )
            .unwrap()
        );
        release_lease(&mut c, "monitor", "a").unwrap();
        assert!(
            !acquire_lease(
                &mut c,
                "monitor",
                "a",
                now + Duration::minutes(12),
                Duration::minutes(10)
            )
            .unwrap(),
            "a cannot release b's lease"
        );
        release_lease(&mut c, "monitor", "b").unwrap();
        assert!(
            acquire_lease(
                &mut c,
                "monitor",
                "a",
                now + Duration::minutes(12),
                Duration::minutes(10)
            )
            .unwrap()
        );
    }

    fn status(c: &mut DbConn, id: &JobRunId) -> String {
        recent_runs(c, 10)
            .unwrap()
            .into_iter()
            .find(|r| &r.id == id)
            .unwrap()
            .status
    }

    #[test]
    fn a_run_whose_lease_is_not_renewed_is_abandoned_and_a_renewed_one_is_not() {
        let mut c = conn();
        let now = Utc::now();
        let ttl = Duration::seconds(40);
        assert!(acquire_lease(&mut c, "outbox", "dead", now, ttl).unwrap());
        let dead = start_run(&mut c, "outbox", "dead", now, None).unwrap();
        assert!(acquire_lease(&mut c, "monitor", "alive", now, ttl).unwrap());
        let alive = start_run(&mut c, "monitor", "alive", now, None).unwrap();
        assert_eq!(
            abandon_dead_runs(&mut c, now + Duration::seconds(30)).unwrap(),
            0
        );
        // "alive" keeps beating, "dead" was killed.
        renew_leases(&mut c, "alive", now + Duration::seconds(70)).unwrap();
        let later = now + Duration::seconds(41);
        assert_eq!(abandon_dead_runs(&mut c, later).unwrap(), 1);
        assert_eq!(status(&mut c, &dead), "abandoned");
        assert_eq!(status(&mut c, &alive), "running");
        // A new instance takes the dead one's job at once.
        assert!(acquire_lease(&mut c, "outbox", "new", later, ttl).unwrap());
    }

    /// Two instances whose schedules tick at the same instant: the first run of the period
    /// counts, the other finds it done even once the lease is free again; a run by hand (no
    /// period) is never held back.
    #[test]
    fn one_scheduled_run_per_job_and_period() {
        let mut c = conn();
        let now = Utc::now();
        let period = now - Duration::milliseconds(300);
        assert!(!ran_in_period(&mut c, "reports", period).unwrap());
        start_run(&mut c, "reports", "a", now, Some(period)).unwrap();
        assert!(ran_in_period(&mut c, "reports", period).unwrap());
        assert!(
            !ran_in_period(&mut c, "outbox", period).unwrap(),
            "another job"
        );
        assert!(
            !ran_in_period(&mut c, "reports", period + Duration::hours(1)).unwrap(),
            "the next period"
        );
        let twice = start_run(&mut c, "reports", "b", now, Some(period)).unwrap_err();
        assert!(matches!(twice, DbError::Conflict(_)), "{twice:?}");
        start_run(&mut c, "reports", "b", now, None).unwrap();
        start_run(&mut c, "reports", "b", now, None).unwrap();
    }

    #[test]
    fn a_stopping_instance_ends_its_runs_and_gives_back_its_leases() {
        let mut c = conn();
        let now = Utc::now();
        let ttl = Duration::minutes(10);
        assert!(acquire_lease(&mut c, "outbox", "a", now, ttl).unwrap());
        let run = start_run(&mut c, "outbox", "a", now, None).unwrap();
        assert!(acquire_lease(&mut c, "monitor", "b", now, ttl).unwrap());
        end_instance(&mut c, "a", now).unwrap();
        assert_eq!(status(&mut c, &run), "interrupted");
        assert!(
            acquire_lease(&mut c, "outbox", "c", now, ttl).unwrap(),
            "given back"
        );
        assert!(
            !acquire_lease(&mut c, "monitor", "c", now, ttl).unwrap(),
            "b's is kept"
        );
    }
}
