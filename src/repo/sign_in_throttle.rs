//! The sign-in throttle's counters (see `auth::throttle`): one row per account and one per
//! network address, and the addresses each account has signed in from.
//!
//! A guess is taken in one write transaction that holds both rows: on SQLite the transaction
//! holds the database's write lock from its first statement (`write_tx` begins IMMEDIATE); on
//! PostgreSQL the first UPDATE of each row locks it until commit, and the SELECT after it reads
//! the latest committed counter (READ COMMITTED takes a new snapshot per statement). Two
//! sign-ins can therefore never both read "4 failures" and both be checked.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::auth::throttle::{Counter, LockedBy, ThrottlePolicy};
use crate::db::schema::{known_sign_ins, sign_in_throttles};
use crate::db::types::{from_db, to_db};
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::ids::UserId;
use crate::repo::audit::{self, Change};

#[derive(Queryable, Selectable)]
#[diesel(table_name = sign_in_throttles)]
struct CounterRow {
    scope: String,
    subject: String,
    failures: i32,
    lockouts: i32,
    locked_until: Option<NaiveDateTime>,
    last_failure_at: Option<NaiveDateTime>,
}

impl CounterRow {
    fn counter(&self) -> Counter {
        Counter {
            failures: self.failures,
            lockouts: self.lockouts,
            locked_until: self.locked_until.map(from_db),
            last_failure_at: self.last_failure_at.map(from_db),
        }
    }
}

/// Holds the counter `(scope, subject)` until the transaction ends, creating it at zero if it
/// does not exist, and reads it.
fn hold(conn: &mut DbConn, by: LockedBy, subject: &str) -> Result<Counter, DbError> {
    let scope = by.as_str();
    let row = sign_in_throttles::table.find((scope, subject));
    // Changes nothing, but takes the row's lock on PostgreSQL before it is read.
    let touch = |conn: &mut DbConn| {
        diesel::update(row)
            .set(sign_in_throttles::scope.eq(scope))
            .execute(conn)
    };
    if touch(conn)? == 0 {
        // The first guess on this counter. Inside a savepoint: on PostgreSQL a concurrent first
        // guess may insert it first, and this insert then fails without ending the transaction.
        let inserted = write_tx(conn, |conn| {
            diesel::insert_into(sign_in_throttles::table)
                .values((
                    sign_in_throttles::scope.eq(scope),
                    sign_in_throttles::subject.eq(subject),
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
    Ok(row.select(CounterRow::as_select()).first(conn)?.counter())
}

fn store(conn: &mut DbConn, by: LockedBy, subject: &str, counter: &Counter) -> Result<(), DbError> {
    diesel::update(sign_in_throttles::table.find((by.as_str(), subject)))
        .set((
            sign_in_throttles::failures.eq(counter.failures),
            sign_in_throttles::lockouts.eq(counter.lockouts),
            sign_in_throttles::locked_until.eq(counter.locked_until.map(to_db)),
            sign_in_throttles::last_failure_at.eq(counter.last_failure_at.map(to_db)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A guess taken: the password may be checked. Give it back with [`settle_success`] when the
/// password is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub email: String,
    pub ip: String,
    pub at: DateTime<Utc>,
    /// Whether the address's counter was used (not for an address the account knows).
    pub address_counted: bool,
}

/// Why a guess was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    pub until: DateTime<Utc>,
    pub by: LockedBy,
}

/// Takes one guess for `email` from `ip` at `now`, or says which lock refuses it. A refused
/// guess changes nothing.
pub fn take_guess(
    conn: &mut DbConn,
    policy: &ThrottlePolicy,
    email: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Result<Guess, Locked>, DbError> {
    write_tx(conn, |conn| {
        let known: i64 = known_sign_ins::table
            .filter(known_sign_ins::email.eq(email))
            .filter(known_sign_ins::ip.eq(ip))
            .count()
            .get_result(conn)?;
        let address_counted = known == 0;
        // Always the address first, then the account: two transactions never wait on each
        // other's row in opposite orders.
        let mut taken = Vec::with_capacity(2);
        let counters = [
            address_counted.then_some((LockedBy::Address, ip)),
            Some((LockedBy::Account, email)),
        ];
        for (by, subject) in counters.into_iter().flatten() {
            let counter = hold(conn, by, subject)?;
            match policy.limit(by).take_guess(&counter, now) {
                Ok(next) => taken.push((by, subject, next)),
                Err(until) => return Ok(Err(Locked { until, by })),
            }
        }
        for (by, subject, next) in &taken {
            store(conn, *by, subject, next)?;
        }
        Ok(Ok(Guess {
            email: email.to_owned(),
            ip: ip.to_owned(),
            at: now,
            address_counted,
        }))
    })
}

/// The password of a taken guess was right: the account's counter starts again, the address's
/// gets its guess back, and the address becomes one the account is known to sign in from.
pub fn settle_success(
    conn: &mut DbConn,
    policy: &ThrottlePolicy,
    guess: &Guess,
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        if guess.address_counted {
            let counter = hold(conn, LockedBy::Address, &guess.ip)?;
            let refunded = policy.address.refund(&counter, guess.at);
            store(conn, LockedBy::Address, &guess.ip, &refunded)?;
        }
        store(conn, LockedBy::Account, &guess.email, &Counter::default())?;
        let known = known_sign_ins::table.find((&guess.email, &guess.ip));
        let updated = diesel::update(known)
            .set(known_sign_ins::last_at.eq(to_db(guess.at)))
            .execute(conn)?;
        if updated == 0 {
            // Two first sign-ins from one address at once on PostgreSQL: one insert wins, and
            // the other's row says the same.
            let inserted = write_tx(conn, |conn| {
                diesel::insert_into(known_sign_ins::table)
                    .values((
                        known_sign_ins::email.eq(&guess.email),
                        known_sign_ins::ip.eq(&guess.ip),
                        known_sign_ins::last_at.eq(to_db(guess.at)),
                    ))
                    .execute(conn)
                    .map_err(DbError::from)
            });
            match inserted {
                Ok(_) | Err(DbError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })
}

/// Writes a failed sign-in to the audit log (its guess is already counted).
pub fn record_failure(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: Option<&UserId>,
    reason: &str,
) -> Result<(), DbError> {
    audit::record(
        conn,
        actor,
        Change {
            action: "user.login_failed",
            record_type: "user",
            record_id: user_id.map(UserId::as_str),
            summary: format!("Failed sign-in as {}: {reason}", actor.label),
            detail: json!({ "reason": reason }),
        },
    )
}

/// A counter with something to say: locked, or with failures that still count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub by: LockedBy,
    /// The e-mail address typed, or the network address.
    pub subject: String,
    pub failures: i32,
    pub lockouts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
}

/// The counters locked at `now` first (latest lock end first), then those with failures.
pub fn current(conn: &mut DbConn, now: DateTime<Utc>, limit: i64) -> Result<Vec<Lock>, DbError> {
    let rows: Vec<CounterRow> = sign_in_throttles::table
        .filter(
            sign_in_throttles::locked_until
                .gt(to_db(now))
                .or(sign_in_throttles::failures.gt(0)),
        )
        .order((
            sign_in_throttles::locked_until.desc(),
            sign_in_throttles::last_failure_at.desc(),
        ))
        .limit(limit)
        .select(CounterRow::as_select())
        .load(conn)?;
    let mut locks: Vec<Lock> = rows
        .into_iter()
        .filter_map(|row| {
            let by = LockedBy::parse(&row.scope)?;
            let counter = row.counter();
            Some(Lock {
                by,
                subject: row.subject,
                failures: counter.failures,
                lockouts: counter.lockouts,
                locked_until: counter.locked_until.filter(|until| *until > now),
                last_failure_at: counter.last_failure_at,
            })
        })
        .collect();
    // NULLs sort differently on the two databases: locked first, whatever the backend.
    locks.sort_by_key(|lock| std::cmp::Reverse((lock.locked_until, lock.last_failure_at)));
    Ok(locks)
}

/// Lifts the lock of one counter and forgets its failures and backoff; audited. `NotFound` when
/// there is no such counter.
pub fn lift(conn: &mut DbConn, actor: &Actor, by: LockedBy, subject: &str) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        let lifted = diesel::update(sign_in_throttles::table.find((by.as_str(), subject)))
            .set((
                sign_in_throttles::failures.eq(0),
                sign_in_throttles::lockouts.eq(0),
                sign_in_throttles::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if lifted == 0 {
            return Err(DbError::NotFound);
        }
        let whose = match by {
            LockedBy::Account => format!("the account {subject}"),
            LockedBy::Address => format!("the network address {subject}"),
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "user.sign_in_lock_lifted",
                record_type: "sign_in_throttle",
                record_id: Some(subject),
                summary: format!("Sign-in lock lifted for {whose}"),
                detail: json!({ "scope": by.as_str(), "subject": subject }),
            },
        )
    })
}

/// Forgets the counters quiet and unlocked since before `before`, and the known addresses not
/// used since before `known_before`; returns how many rows went.
pub fn prune(
    conn: &mut DbConn,
    before: DateTime<Utc>,
    known_before: DateTime<Utc>,
) -> Result<usize, DbError> {
    let before = to_db(before);
    let quiet = sign_in_throttles::last_failure_at
        .is_null()
        .or(sign_in_throttles::last_failure_at.lt(before));
    let unlocked = sign_in_throttles::locked_until
        .is_null()
        .or(sign_in_throttles::locked_until.lt(before));
    let counters =
        diesel::delete(sign_in_throttles::table.filter(quiet).filter(unlocked)).execute(conn)?;
    let known = diesel::delete(
        known_sign_ins::table.filter(known_sign_ins::last_at.lt(to_db(known_before))),
    )
    .execute(conn)?;
    Ok(counters + known)
}
