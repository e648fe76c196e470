//! Migrations for both backends, embedded in the binary and applied at start. The two folders
//! use the same version stamps; a test checks that they produce the same tables and columns.

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationVersion;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConn, DbError, SQLITE_CONNECTION_PRAGMAS, write_tx};
use crate::db::schema::registry_answers;
use crate::model::answer_store::{self, AnswerCompression, StoredAnswer};

pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any number, as long as every reclaim instance uses the same one: two instances starting at
/// once on one PostgreSQL database must not migrate it concurrently.
#[cfg(feature = "postgres")]
const PG_MIGRATION_LOCK: i64 = 0x0072_6563_6c61_696d; // "reclaim" in ASCII

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("cannot apply the database migrations: {0}")]
    Apply(String),
    #[error("the database has {0} rows that break foreign keys after migrating; restore a backup")]
    ForeignKeys(i64),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for MigrationError {
    fn from(e: diesel::result::Error) -> Self {
        MigrationError::Db(e.into())
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The migration that moved the registry answers out of the snapshot rows, stored as received.
const ANSWERS_MOVED: &str = "20261203090000";

/// Applies every pending migration; returns the versions applied now.
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    let applied = apply_pending(conn)?;
    if applied.iter().any(|v| v == ANSWERS_MOVED) {
        // SQL has no zlib: the answers the migration moved are compressed here, once. Were this
        // interrupted, the rest stay as received, which reads back the same.
        let compressed = compress_moved_answers(conn, 500)?;
        tracing::info!(compressed, "registry answers compressed after migrating");
    }
    Ok(applied)
}

fn apply_pending(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    match conn {
        DbConn::Sqlite(c) => {
            // Foreign keys must be off before the migration transactions start (the pragma is a
            // no-op inside a transaction): SQLite alters tables by rebuilding them.
            c.batch_execute("PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000;")?;
            // WAL is stored in the file: readers no longer block the writer.
            c.batch_execute("PRAGMA journal_mode = WAL;")?;
            let applied = c
                .run_pending_migrations(SQLITE)
                .map(versions)
                .map_err(|e| MigrationError::Apply(e.to_string()))?;
            // Only a migration can break foreign keys here (they are enforced otherwise): the
            // whole-database check runs after migrating, not at every start, where it cost
            // seconds on a large firm's file.
            let broken = if applied.is_empty() {
                0
            } else {
                diesel::sql_query("SELECT count(*) AS n FROM pragma_foreign_key_check")
                    .get_result::<Count>(c)?
                    .n
            };
            c.batch_execute(SQLITE_CONNECTION_PRAGMAS)?;
            if broken > 0 {
                return Err(MigrationError::ForeignKeys(broken));
            }
            Ok(applied)
        }
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))?;
            let applied = c
                .run_pending_migrations(POSTGRES)
                .map(versions)
                .map_err(|e| MigrationError::Apply(e.to_string()));
            c.batch_execute(&format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"))?;
            applied
        }
    }
}

/// Compresses the answers stored as received (those the migration moved out of the snapshot
/// rows), `batch` at a time, each in its own transaction: every one is checked (its bytes
/// against its hash) before it is rewritten, and the database allows no other change. Returns
/// how many were compressed.
pub fn compress_moved_answers(conn: &mut DbConn, batch: i64) -> Result<usize, DbError> {
    let mut done = 0;
    let mut after = String::new();
    loop {
        let rows: Vec<(String, i64, Vec<u8>)> = registry_answers::table
            .filter(registry_answers::method.eq(AnswerCompression::None))
            .filter(registry_answers::sha256.gt(&after))
            .order(registry_answers::sha256)
            .limit(batch)
            .select((
                registry_answers::sha256,
                registry_answers::size,
                registry_answers::body,
            ))
            .load(conn)?;
        let Some((last, _, _)) = rows.last() else {
            return Ok(done);
        };
        after = last.clone();
        write_tx(conn, |conn| {
            for (sha256, size, body) in rows {
                let raw = StoredAnswer {
                    sha256: sha256.clone(),
                    method: AnswerCompression::None,
                    size,
                    body,
                }
                .restore()?;
                let stored = answer_store::store_hashed(&raw, sha256);
                if stored.method == AnswerCompression::None {
                    continue;
                }
                diesel::update(registry_answers::table.find(&stored.sha256))
                    .filter(registry_answers::method.eq(AnswerCompression::None))
                    .set((
                        registry_answers::method.eq(stored.method),
                        registry_answers::body.eq(&stored.body),
                    ))
                    .execute(conn)?;
                done += 1;
            }
            Ok::<_, DbError>(())
        })?;
    }
}

/// How many migrations the database has applied, for `/healthz`.
pub fn applied_count(conn: &mut DbConn) -> Result<usize, MigrationError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.applied_migrations(),
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => c.applied_migrations(),
    };
    applied
        .map(|v| v.len())
        .map_err(|e| MigrationError::Apply(e.to_string()))
}

fn versions(applied: Vec<MigrationVersion<'_>>) -> Vec<String> {
    applied.iter().map(|v| v.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DatabaseUrl;

    #[test]
    fn migrations_apply_to_a_fresh_sqlite_database_and_again_do_nothing() {
        let mut conn = DatabaseUrl::SqliteMemory.connect().unwrap();
        let first = run_pending(&mut conn).unwrap();
        assert!(!first.is_empty());
        let second = run_pending(&mut conn).unwrap();
        assert!(second.is_empty());
        assert_eq!(applied_count(&mut conn).unwrap(), first.len());
    }

    /// The foreign-key check follows a migration, not every start: a row that breaks a key
    /// (written with the keys off, as only a migration could) is not looked for when nothing
    /// is migrated.
    #[test]
    fn the_foreign_key_check_runs_after_migrating_only() {
        let mut conn = DatabaseUrl::SqliteMemory.connect().unwrap();
        run_pending(&mut conn).unwrap();
        let DbConn::Sqlite(c) = &mut conn else {
            unreachable!("an SQLite connection")
        };
        c.batch_execute(
            "PRAGMA foreign_keys = OFF; INSERT INTO backorder_events (id, backorder_id, at, from_status, to_status, actor_id, actor, reason) VALUES ('e1', 'no-such-backorder', '2026-12-02 00:00:00', NULL, 'watching', NULL, 'test', '');",
        )
        .unwrap();
        let broken: Count = diesel::sql_query("SELECT count(*) AS n FROM pragma_foreign_key_check")
            .get_result(c)
            .unwrap();
        assert_eq!(broken.n, 1, "the row does break a key");
        assert!(run_pending(&mut conn).unwrap().is_empty());
    }
}
