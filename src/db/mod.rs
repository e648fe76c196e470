//! Storage over SQLite (the embedded default) or PostgreSQL, chosen at run time from the scheme of
//! `RECLAIM_DATABASE_URL`. Everything that differs between the two backends lives in this module
//! and in `repo/`; nothing else matches on [`DbConn`].

pub mod copy;
pub mod migrations;
pub mod schema;
pub mod sql;
pub mod types;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, SimpleConnection,
    TransactionManager,
};
use diesel::r2d2::{self, CustomizeConnection, ManageConnection, R2D2Connection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, SqliteConnection};

#[cfg(feature = "postgres")]
use diesel::PgConnection;

use crate::config::redact_url_password;

/// One open connection, to whichever backend the instance runs on.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    #[cfg(feature = "postgres")]
    Postgresql(PgConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            #[cfg(feature = "postgres")]
            DbConn::Postgresql(_) => Backend::Postgres,
        }
    }
}

/// A parsed `RECLAIM_DATABASE_URL`. Parsing decides the backend from the scheme alone, so a
/// mistyped PostgreSQL URL can never be taken for a SQLite file name (diesel's derived
/// `establish` would try SQLite for any string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`: the file (and its directory) are created when missing.
    Sqlite {
        path: PathBuf,
    },
    /// A bare path: accepted only for a file that already exists, so a typo cannot create an
    /// empty database.
    SqliteExisting {
        path: PathBuf,
    },
    /// `sqlite://:memory:`, for tests of the storage layer.
    SqliteMemory,
    Postgres {
        url: String,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error(
        "RECLAIM_DATABASE_URL is empty; use sqlite://PATH (e.g. sqlite://var/reclaim.db) or postgres://USER:PASSWORD@HOST/DATABASE"
    )]
    Empty,
    #[error(
        "RECLAIM_DATABASE_URL '{0}' has no file path after sqlite://; use e.g. sqlite://var/reclaim.db"
    )]
    EmptySqlitePath(String),
    #[error(
        "RECLAIM_DATABASE_URL '{url}' uses the scheme '{scheme}', which reclaim does not support{hint}; use sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE"
    )]
    UnsupportedScheme {
        url: String,
        scheme: String,
        hint: String,
    },
    #[error(
        "RECLAIM_DATABASE_URL '{0}' is not a valid PostgreSQL URL: it needs a host, as in postgres://USER:PASSWORD@HOST:5432/DATABASE"
    )]
    MalformedPostgres(String),
    #[error(
        "RECLAIM_DATABASE_URL '{0}' names PostgreSQL, but this build of reclaim has no PostgreSQL support; rebuild with `cargo build --release --features postgres`"
    )]
    PostgresNotCompiled(String),
    #[error(
        "RECLAIM_DATABASE_URL '{0}' is a bare path to a file that does not exist; to create a new database write it as sqlite://{0}"
    )]
    MissingFile(String),
}

impl std::str::FromStr for DatabaseUrl {
    type Err = DatabaseUrlError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let url = raw.trim();
        if url.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        let shown = redact_url_password(url);
        if let Some(path) = url.strip_prefix("sqlite://") {
            return match path {
                "" => Err(DatabaseUrlError::EmptySqlitePath(shown)),
                ":memory:" => Ok(DatabaseUrl::SqliteMemory),
                _ => Ok(DatabaseUrl::Sqlite {
                    path: PathBuf::from(path),
                }),
            };
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let after_scheme = &url[url.find("://").map_or(0, |i| i + 3)..];
            let authority = after_scheme.split(['/', '?']).next().unwrap_or_default();
            let host = authority.rsplit('@').next().unwrap_or_default();
            // libpq accepts a socket directory in the query instead of a host.
            if host.is_empty() && !after_scheme.contains("host=") {
                return Err(DatabaseUrlError::MalformedPostgres(shown));
            }
            if cfg!(feature = "postgres") {
                return Ok(DatabaseUrl::Postgres {
                    url: url.to_owned(),
                });
            }
            return Err(DatabaseUrlError::PostgresNotCompiled(shown));
        }
        if let Some(scheme) = scheme_of(url) {
            let lower = scheme.to_ascii_lowercase();
            let hint = if lower.starts_with("postg") || lower.starts_with("pg") || lower == "psql" {
                " (did you mean postgres://?)".to_owned()
            } else if lower.starts_with("sqlit") || lower == "file" {
                " (did you mean sqlite://?)".to_owned()
            } else {
                String::new()
            };
            return Err(DatabaseUrlError::UnsupportedScheme {
                url: shown,
                scheme: scheme.to_owned(),
                hint,
            });
        }
        let path = Path::new(url);
        if path.is_file() {
            Ok(DatabaseUrl::SqliteExisting {
                path: path.to_owned(),
            })
        } else {
            Err(DatabaseUrlError::MissingFile(url.to_owned()))
        }
    }
}

/// `mysql://…` gives `mysql`; `postgres:host` gives `postgres`; a path gives nothing.
fn scheme_of(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let looks_like_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    looks_like_scheme.then_some(scheme)
}

impl DatabaseUrl {
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Postgres { .. } => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// For messages: the URL with any password hidden.
    pub fn display(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
            DatabaseUrl::SqliteExisting { path } => path.display().to_string(),
            DatabaseUrl::SqliteMemory => "sqlite://:memory:".to_owned(),
            DatabaseUrl::Postgres { url } => redact_url_password(url),
        }
    }

    /// Opens one connection. Nothing here falls back to another backend.
    pub fn connect(&self) -> Result<DbConn, DieselError> {
        match self {
            DatabaseUrl::Sqlite { path } | DatabaseUrl::SqliteExisting { path } => {
                let text = path.to_str().ok_or_else(|| {
                    DieselError::QueryBuilderError(
                        format!("the database path {} is not valid UTF-8", path.display()).into(),
                    )
                })?;
                SqliteConnection::establish(text)
                    .map(DbConn::Sqlite)
                    .map_err(connection_error)
            }
            DatabaseUrl::SqliteMemory => SqliteConnection::establish(":memory:")
                .map(DbConn::Sqlite)
                .map_err(connection_error),
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres { url } => PgConnection::establish(url)
                .map(DbConn::Postgresql)
                .map_err(connection_error),
            #[cfg(not(feature = "postgres"))]
            DatabaseUrl::Postgres { url } => Err(DieselError::QueryBuilderError(
                DatabaseUrlError::PostgresNotCompiled(redact_url_password(url))
                    .to_string()
                    .into(),
            )),
        }
    }
}

fn connection_error(e: diesel::ConnectionError) -> DieselError {
    DieselError::QueryBuilderError(e.to_string().into())
}

/// The r2d2 manager: connects to the backend the URL names, and only that one.
#[derive(Debug, Clone)]
pub struct DbConnManager {
    url: DatabaseUrl,
}

impl ManageConnection for DbConnManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.url.connect().map_err(r2d2::Error::QueryError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Settings every SQLite connection needs (they are per connection, not stored in the file):
/// wait for a writer instead of failing at once, enforce foreign keys. Every connection also
/// counts the statements it runs, so a test can prove that a page's queries do not grow with
/// the data (see [`DbPool::queries_run`]).
#[derive(Debug)]
struct ConnectionSetup {
    queries: Arc<AtomicU64>,
}

/// Counts the statements a connection starts.
struct QueryCounter(Arc<AtomicU64>);

impl Instrumentation for QueryCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Set on every SQLite connection. `PRAGMA optimize=0x10002` gives the query planner the
/// statistics it needs to pick the index that stops at the rows a page shows (issue 17: without
/// them, "about to drop" read all 100,000 backorders through the open matters first): it runs
/// ANALYZE, with a temporary limit that keeps it quick on a large database, on any table that
/// was never analysed or has grown or shrunk much since, and does nothing otherwise. SQLite's
/// advice for long-lived connections since 3.46 (<https://sqlite.org/pragma.html#pragma_optimize>).
pub const SQLITE_CONNECTION_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA optimize = 0x10002;";

impl CustomizeConnection<DbConn, r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.set_instrumentation(QueryCounter(self.queries.clone()));
        if let DbConn::Sqlite(c) = conn {
            c.batch_execute(SQLITE_CONNECTION_PRAGMAS)
                .map_err(r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Connection failures inside the pool go to our log (r2d2's own handler writes to `log`).
#[derive(Debug)]
struct TracingErrorHandler;

impl r2d2::HandleError<r2d2::Error> for TracingErrorHandler {
    fn handle_error(&self, error: r2d2::Error) {
        tracing::error!(%error, "database connection failed");
    }
}

pub type PooledConn = r2d2::PooledConnection<DbConnManager>;

/// The connection pool shared by requests and jobs. Cheap to clone.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<DbConnManager>,
    backend: Backend,
    queries: Arc<AtomicU64>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("record not found")]
    NotFound,
    #[error("conflicts with an existing record: {0}")]
    Conflict(String),
    #[error("the database is busy; try again in a moment")]
    Busy,
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("the database task stopped before it finished")]
    Cancelled,
    #[error(transparent)]
    Query(DieselError),
}

/// A stored registry answer that does not read back as received: the database holds damaged
/// evidence, an error like any value that cannot be read.
impl From<crate::model::answer_store::AnswerError> for DbError {
    fn from(e: crate::model::answer_store::AnswerError) -> Self {
        DbError::Query(DieselError::DeserializationError(Box::new(e)))
    }
}

impl From<DieselError> for DbError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => DbError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::Conflict(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("database is busy") =>
            {
                DbError::Busy
            }
            other => DbError::Query(other),
        }
    }
}

impl DbPool {
    /// Builds the pool. The first connection is opened here, so a wrong URL, password or host
    /// fails the start with the database's own message.
    pub fn open(url: &DatabaseUrl) -> Result<Self, DbError> {
        let backend = url.backend();
        let max_size = match (backend, url) {
            (_, DatabaseUrl::SqliteMemory) => 1,
            (Backend::Sqlite, _) => 8,
            (Backend::Postgres, _) => 10,
        };
        let queries = Arc::new(AtomicU64::new(0));
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .connection_customizer(Box::new(ConnectionSetup {
                queries: queries.clone(),
            }))
            .error_handler(Box::new(TracingErrorHandler))
            .build(DbConnManager { url: url.clone() })?;
        Ok(Self {
            pool,
            backend,
            queries,
        })
    }

    /// How many statements this pool's connections have run since it was opened.
    pub fn queries_run(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for synchronous callers (the CLI). Request handlers use [`DbPool::run`].
    pub fn get(&self) -> Result<PooledConn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking database work on the blocking thread pool, never on an async worker, and
    /// never holds a connection across an `.await`.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Cancelled))?
    }

    /// Whether the database answers, for `/healthz`.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run(|conn| conn.ping().map(|_| ()).map_err(DbError::from))
            .await
    }
}

/// The `LIKE` pattern (escape `\\`) of every claim holder of one instance, `instance/…`, with the
/// instance's own `%`, `_` and `\\` taken literally. Work claimed by a run is held as
/// `instance/run-id`, so that the heartbeat and a stopping instance find all of it.
pub fn claims_of(instance: &str) -> String {
    let literal: String = instance
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("{literal}/%")
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up
/// front: a deferred transaction that reads and then writes can fail with "database is locked"
/// without waiting, when another connection wrote in between.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    type Manager = <DbConn as Connection>::TransactionManager;
    let nested = matches!(
        Manager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(_))
    );
    // Inside a transaction already: a savepoint, so that the inner work can fail alone.
    let begun = match conn {
        DbConn::Sqlite(c) if !nested => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        _ => Manager::begin_transaction(conn),
    };
    begun.map_err(|e| E::from(DbError::from(e)))?;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn).map_err(|e| E::from(DbError::from(e)))?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_backend_by_scheme_only() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("existing.db");
        std::fs::write(&existing, b"").unwrap();
        let existing_text = existing.to_str().unwrap().to_owned();

        let ok: Vec<(&str, DatabaseUrl)> = vec![
            (
                "sqlite://var/reclaim.db",
                DatabaseUrl::Sqlite {
                    path: "var/reclaim.db".into(),
                },
            ),
            (
                "sqlite:///srv/reclaim/reclaim.db",
                DatabaseUrl::Sqlite {
                    path: "/srv/reclaim/reclaim.db".into(),
                },
            ),
            ("sqlite://:memory:", DatabaseUrl::SqliteMemory),
            (
                &existing_text,
                DatabaseUrl::SqliteExisting {
                    path: existing.clone(),
                },
            ),
        ];
        for (raw, expected) in ok {
            assert_eq!(raw.parse::<DatabaseUrl>().unwrap(), expected, "{raw}");
        }
    }

    #[test]
    fn malformed_urls_are_refused_with_a_reason() {
        let cases: &[(&str, &str)] = &[
            ("", "is empty"),
            ("   ", "is empty"),
            ("sqlite://", "no file path"),
            ("mysql://root@db/reclaim", "scheme 'mysql'"),
            ("postgress://app@db/reclaim", "did you mean postgres://?"),
            ("postgre://app@db/reclaim", "did you mean postgres://?"),
            ("postgres:db/reclaim", "did you mean postgres://?"),
            ("sqlite:var/reclaim.db", "did you mean sqlite://?"),
            ("postgres:///reclaim", "needs a host"),
            ("var/does-not-exist.db", "does not exist"),
        ];
        for (raw, expected) in cases {
            let err = raw.parse::<DatabaseUrl>().unwrap_err().to_string();
            assert!(err.contains(expected), "{raw:?}: {err}");
        }
    }

    #[test]
    fn a_password_never_appears_in_url_errors() {
        let err = "postgress://app:hunter2@db/reclaim"
            .parse::<DatabaseUrl>()
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn an_unreachable_postgres_server_is_an_error_not_a_sqlite_file() {
        let url: DatabaseUrl = "postgres://nobody@127.0.0.1:1/reclaim".parse().unwrap();
        assert_eq!(url.backend(), Backend::Postgres);
        let before: Vec<_> = std::fs::read_dir(".").unwrap().collect();
        assert!(url.connect().is_err());
        let after: Vec<_> = std::fs::read_dir(".").unwrap().collect();
        assert_eq!(before.len(), after.len(), "no file may appear");
    }

    #[test]
    fn write_tx_commits_and_rolls_back() {
        use diesel::RunQueryDsl;
        let mut conn = DatabaseUrl::SqliteMemory.connect().unwrap();
        conn.batch_execute("CREATE TABLE t (v INTEGER NOT NULL)")
            .unwrap();
        write_tx::<_, DbError, _>(&mut conn, |c| {
            diesel::sql_query("INSERT INTO t VALUES (1)").execute(c)?;
            Ok(())
        })
        .unwrap();
        let failed = write_tx::<(), DbError, _>(&mut conn, |c| {
            diesel::sql_query("INSERT INTO t VALUES (2)").execute(c)?;
            Err(DbError::Conflict("stop".into()))
        });
        assert!(failed.is_err());
        // Nested: the inner part rolls back to its savepoint, the outer part commits.
        write_tx::<_, DbError, _>(&mut conn, |c| {
            diesel::sql_query("INSERT INTO t VALUES (3)").execute(c)?;
            let inner = write_tx::<(), DbError, _>(c, |c| {
                diesel::sql_query("INSERT INTO t VALUES (4)").execute(c)?;
                Err(DbError::Conflict("inner".into()))
            });
            assert!(inner.is_err());
            Ok(())
        })
        .unwrap();
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let count: Count = diesel::sql_query("SELECT count(*) AS n FROM t")
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(count.n, 2);
    }
}
