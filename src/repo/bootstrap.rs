//! Copies of the IANA RDAP bootstrap fetched by the refresh job.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::rdap_bootstraps;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError};
use crate::model::ids::BootstrapId;

pub fn store(
    conn: &mut DbConn,
    body: &str,
    publication: &str,
    sha256: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(rdap_bootstraps::table)
        .values((
            rdap_bootstraps::id.eq(BootstrapId::new()),
            rdap_bootstraps::fetched_at.eq(to_db(at)),
            rdap_bootstraps::publication.eq(publication),
            rdap_bootstraps::body.eq(body),
            rdap_bootstraps::sha256.eq(sha256),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest stored copy.
pub fn latest(conn: &mut DbConn) -> Result<Option<String>, DbError> {
    Ok(rdap_bootstraps::table
        .order(rdap_bootstraps::fetched_at.desc())
        .select(rdap_bootstraps::body)
        .first(conn)
        .optional()?)
}
