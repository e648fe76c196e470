//! Browser sessions ended by signing out. The session lives in the signed, encrypted cookie; the
//! id it carries is written here when its user signs out, so that a copy of the cookie stops
//! working at once instead of at the end of the session's 12 hours.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::ended_sessions;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError};
use crate::model::digest::sha256_hex;
use crate::model::ids::UserId;

/// Records that the session `session_id` of `user` ended at `at`. Only the id's SHA-256 is kept:
/// the table never holds anything a cookie could be rebuilt from.
pub fn end(
    conn: &mut DbConn,
    session_id: &str,
    user: &UserId,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let id = sha256_hex(session_id.as_bytes());
    let known: i64 = ended_sessions::table
        .filter(ended_sessions::id.eq(&id))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(ended_sessions::table)
            .values((
                ended_sessions::id.eq(&id),
                ended_sessions::user_id.eq(user.as_str()),
                ended_sessions::ended_at.eq(to_db(at)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether the session `session_id` was ended.
pub fn has_ended(conn: &mut DbConn, session_id: &str) -> Result<bool, DbError> {
    let id = sha256_hex(session_id.as_bytes());
    let found: i64 = ended_sessions::table
        .filter(ended_sessions::id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Forgets the sessions ended before `before`: by then they have expired anyway.
pub fn forget_before(conn: &mut DbConn, before: DateTime<Utc>) -> Result<usize, DbError> {
    Ok(
        diesel::delete(ended_sessions::table.filter(ended_sessions::ended_at.lt(to_db(before))))
            .execute(conn)?,
    )
}
