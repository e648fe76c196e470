//! Background job bookkeeping: a lease per job so that one instance runs it at a time, and a
//! record of every run.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{job_leases, job_runs};
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

pub fn start_run(
    conn: &mut DbConn,
    job: &str,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<JobRunId, DbError> {
    let id = JobRunId::new();
    diesel::insert_into(job_runs::table)
        .values((
            job_runs::id.eq(&id),
            job_runs::job.eq(job),
            job_runs::holder.eq(holder),
            job_runs::started_at.eq(to_db(now)),
            job_runs::status.eq("running"),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn finish_run(
    conn: &mut DbConn,
    id: &JobRunId,
    ok: bool,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(job_runs::table.find(id))
        .set((
            job_runs::finished_at.eq(Some(to_db(now))),
            job_runs::status.eq(if ok { "ok" } else { "failed" }),
            job_runs::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DatabaseUrl, migrations};

    #[test]
    fn one_holder_at_a_time_until_the_lease_runs_out() {
        let mut c = DatabaseUrl::SqliteMemory.connect().unwrap();
        migrations::run_pending(&mut c).unwrap();
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
}
