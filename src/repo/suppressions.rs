//! The suppression list: addresses that must never be written to again (unsubscribed, bounced,
//! complained about, or added by hand), kept only as SHA-256 hashes (CNIL: opposition data kept
//! minimised; docs/legal.md §4.4 E9). Global: every later send checks it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::suppressions;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::compliance::normalise_address;
use crate::model::digest::sha256_hex;
use crate::model::outreach::{Suppression, SuppressionReason};
use crate::repo::audit::{self, Change};

/// The hash an address is kept as.
pub fn address_hash(address: &str) -> String {
    sha256_hex(normalise_address(address).as_bytes())
}

pub fn is_suppressed(conn: &mut DbConn, address: &str) -> Result<bool, DbError> {
    let n: i64 = suppressions::table
        .filter(suppressions::address_sha256.eq(address_hash(address)))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Adds an address; `false` when it was already on the list (the first reason stays).
pub fn suppress(
    conn: &mut DbConn,
    actor: &Actor,
    address: &str,
    reason: SuppressionReason,
    source: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let hash = address_hash(address);
    write_tx(conn, |conn| {
        let known: i64 = suppressions::table
            .filter(suppressions::address_sha256.eq(&hash))
            .count()
            .get_result(conn)?;
        if known > 0 {
            return Ok(false);
        }
        diesel::insert_into(suppressions::table)
            .values((
                suppressions::address_sha256.eq(&hash),
                suppressions::reason.eq(reason),
                suppressions::source.eq(source),
                suppressions::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        // The log names the hash only: the list must not become a list of addresses.
        audit::record(
            conn,
            actor,
            Change {
                action: "suppression.added",
                record_type: "suppression",
                record_id: Some(&hash),
                summary: format!("An address was suppressed ({})", reason.as_str()),
                detail: json!({ "reason": reason, "source": source }),
            },
        )?;
        Ok(true)
    })
}

/// The newest first.
pub fn list(conn: &mut DbConn, limit: i64) -> Result<(Vec<Suppression>, i64), DbError> {
    let total = suppressions::table.count().get_result(conn)?;
    let rows = suppressions::table
        .order(suppressions::created_at.desc())
        .limit(limit)
        .select(Suppression::as_select())
        .load(conn)?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_hash_case_and_space_insensitively() {
        assert_eq!(
            address_hash(" Holder@Example.com "),
            address_hash("holder@example.com")
        );
        assert_ne!(
            address_hash("holder@example.com"),
            address_hash("holder@example.org")
        );
        assert_eq!(address_hash("a@b.c").len(), 64);
    }
}
