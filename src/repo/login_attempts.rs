//! Sign-in attempts, kept for throttling (see `auth::throttle`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::login_attempts;
use crate::db::types::{from_db, to_db};
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::ids::{LoginAttemptId, UserId};
use crate::repo::audit::{self, Change};

#[derive(Insertable)]
#[diesel(table_name = login_attempts)]
struct AttemptRow<'a> {
    id: LoginAttemptId,
    email: &'a str,
    ip: &'a str,
    succeeded: bool,
    at: NaiveDateTime,
}

pub fn record(
    conn: &mut DbConn,
    email: &str,
    ip: &str,
    succeeded: bool,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(login_attempts::table)
        .values(AttemptRow {
            id: LoginAttemptId::new(),
            email,
            ip,
            succeeded,
            at: to_db(at),
        })
        .execute(conn)?;
    Ok(())
}

/// Records a failed sign-in and writes it to the audit log.
pub fn record_failure(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: Option<&UserId>,
    reason: &str,
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        record(
            conn,
            &actor.label,
            actor.ip.as_deref().unwrap_or("unknown"),
            false,
            actor.at,
        )?;
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
    })
}

/// Times of recent failed sign-ins, as `auth::throttle` wants them.
pub struct RecentFailures {
    pub account: Vec<DateTime<Utc>>,
    pub address: Vec<DateTime<Utc>>,
}

/// Failed attempts for one account since `since` and after its last successful sign-in, and
/// failed attempts from one address since `since`.
pub fn recent_failures(
    conn: &mut DbConn,
    email: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<RecentFailures, DbError> {
    let since = to_db(since);
    let last_success: Option<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::succeeded.eq(true))
        .filter(login_attempts::at.ge(since))
        .select(diesel::dsl::max(login_attempts::at))
        .first(conn)?;
    let mut account_query = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::succeeded.eq(false))
        .select(login_attempts::at)
        .into_boxed();
    account_query = match last_success {
        Some(success) => account_query.filter(login_attempts::at.gt(success)),
        None => account_query.filter(login_attempts::at.ge(since)),
    };
    let account: Vec<NaiveDateTime> = account_query.load(conn)?;
    let address: Vec<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::at.ge(since))
        .select(login_attempts::at)
        .load(conn)?;
    Ok(RecentFailures {
        account: account.into_iter().map(from_db).collect(),
        address: address.into_iter().map(from_db).collect(),
    })
}

/// Deletes the attempts made before `before`; returns how many. The throttle only counts those
/// within its window, so older ones serve no purpose.
pub fn prune(conn: &mut DbConn, before: DateTime<Utc>) -> Result<usize, DbError> {
    Ok(
        diesel::delete(login_attempts::table.filter(login_attempts::at.lt(to_db(before))))
            .execute(conn)?,
    )
}
