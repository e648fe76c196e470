//! `reclaim db copy`: moves a firm from SQLite to PostgreSQL, row for row.
//!
//! Both databases are first brought to this build's migrations and must then have applied the
//! same versions. The target must hold no firm yet (only the rows its migrations insert, which
//! the source's rows replace). Every table the PostgreSQL schema has is copied in foreign-key
//! order, in batches, inside one PostgreSQL transaction: a failure leaves the target as it was.
//! Values keep their bytes: each SQLite row is read as one JSON object (`json_object`, with
//! binary columns as `\x` + hex, PostgreSQL's bytea hex format) and written with
//! `json_populate_recordset`, which converts each field with the column type's own input
//! function, so ids, timestamps, sealed secrets and PDFs arrive unchanged. Sources:
//! SQLite JSON functions <https://sqlite.org/json1.html#jobj>, `hex()`
//! <https://sqlite.org/lang_corefunc.html#hex>; PostgreSQL `json_populate_recordset`
//! <https://www.postgresql.org/docs/current/functions-json.html> and the bytea hex format
//! <https://www.postgresql.org/docs/current/datatype-binary.html#DATATYPE-BINARY-BYTEA-HEX-FORMAT>.
//!
//! The evidence tables' immutability triggers fire on UPDATE and DELETE only, so the copy's
//! INSERTs pass them and they stay in force on the copy. Foreign keys are enforced at every
//! insert, and checked once more, constraint by constraint, before the commit.

use std::collections::{BTreeMap, BTreeSet};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl};

use super::migrations::{self, MigrationError};
use super::{DatabaseUrl, DbConn};

/// Rows a migration inserts (firm-wide settings): present in a freshly migrated target, and
/// replaced by the source's.
const SEEDED_BY_MIGRATIONS: &[&str] = &["firm_settings"];

/// The table diesel keeps its applied migrations in: not the firm's data.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// Rows read from SQLite and written to PostgreSQL at a time, at most.
const BATCH: i64 = 500;
/// Characters of JSON per batch, at most (unless one row alone is larger).
const BATCH_BYTES: i64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("--from must name a SQLite database (sqlite://PATH), not {0}")]
    SourceNotSqlite(String),
    #[error(
        "--to must name a PostgreSQL database (postgres://USER:PASSWORD@HOST/DATABASE), not {0}"
    )]
    TargetNotPostgres(String),
    #[error("{which}: {source}")]
    Url {
        which: &'static str,
        source: super::DatabaseUrlError,
    },
    #[error("cannot open {url}: {message}")]
    Open { url: String, message: String },
    #[error("{url}: {source}")]
    Migrate { url: String, source: MigrationError },
    #[error(
        "the two databases are not at the same migration: only the source has {only_source:?}, only the target has {only_target:?}; run this version of reclaim's `migrate` on both, or use the reclaim that made the newer one"
    )]
    Versions {
        only_source: Vec<String>,
        only_target: Vec<String>,
    },
    #[error(
        "the target database is not empty: the table {table} has {rows} row(s). Copy into a new, empty database (createdb), or drop this one first"
    )]
    TargetNotEmpty { table: String, rows: i64 },
    #[error(
        "the source has no table {0} although its migrations are those of the target; is it a reclaim database?"
    )]
    MissingTable(String),
    #[error("the source's table {table} has no column {column}; is it a reclaim database?")]
    MissingColumn { table: String, column: String },
    #[error("the tables' foreign keys form a cycle through {0}; the copy cannot order them")]
    Cycle(String),
    #[error("copying {table}: {source}")]
    Table {
        table: String,
        source: diesel::result::Error,
    },
    #[error(
        "after copying, {table} has {target} row(s) in PostgreSQL but {source_rows} in SQLite; nothing was kept"
    )]
    Count {
        table: String,
        source_rows: i64,
        target: i64,
    },
    #[error(
        "after copying, {rows} row(s) of {table} break the foreign key {constraint}; nothing was kept"
    )]
    ForeignKey {
        table: String,
        constraint: String,
        rows: i64,
    },
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// What was copied: each table with its rows, in the order copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    pub tables: Vec<(String, i64)>,
}

impl CopySummary {
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
}

#[derive(QueryableByName)]
struct ForeignKey {
    #[diesel(sql_type = Text)]
    constraint: String,
    #[diesel(sql_type = Text)]
    child: String,
    #[diesel(sql_type = Text)]
    parent: String,
    #[diesel(sql_type = Text)]
    child_column: String,
    #[diesel(sql_type = Text)]
    parent_column: String,
}

#[derive(QueryableByName)]
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
struct Batch {
    #[diesel(sql_type = BigInt)]
    last: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Text)]
    rows: String,
}

/// A column of the target and whether it holds bytes.
struct Col {
    name: String,
    binary: bool,
}

/// Copies the firm in `from` (SQLite) into `to` (PostgreSQL, empty). `progress` is told each
/// table and its rows as it is copied.
pub fn copy(
    from: &str,
    to: &str,
    mut progress: impl FnMut(&str, i64),
) -> Result<CopySummary, CopyError> {
    let source_url: DatabaseUrl = from.parse().map_err(|source| CopyError::Url {
        which: "--from",
        source,
    })?;
    let target_url: DatabaseUrl = to.parse().map_err(|source| CopyError::Url {
        which: "--to",
        source,
    })?;
    if !matches!(
        source_url,
        DatabaseUrl::Sqlite { .. } | DatabaseUrl::SqliteExisting { .. }
    ) {
        return Err(CopyError::SourceNotSqlite(source_url.display()));
    }
    // Refused before anything is opened: opening a sqlite:// target would create a file.
    if !matches!(target_url, DatabaseUrl::Postgres { .. }) {
        return Err(CopyError::TargetNotPostgres(target_url.display()));
    }
    if let DatabaseUrl::Sqlite { path } = &source_url
        && !path.is_file()
    {
        return Err(CopyError::Open {
            url: source_url.display(),
            message: "no such file".to_owned(),
        });
    }
    #[cfg(feature = "postgres")]
    {
        let mut source = open_migrated(&source_url)?;
        let mut target = open_migrated(&target_url)?;
        let (DbConn::Sqlite(sqlite), DbConn::Postgresql(pg)) = (&mut source, &mut target) else {
            return Err(CopyError::TargetNotPostgres(target_url.display()));
        };
        copy_between(sqlite, pg, &mut progress)
    }
    #[cfg(not(feature = "postgres"))]
    {
        let _ = &mut progress;
        Err(CopyError::TargetNotPostgres(target_url.display()))
    }
}

#[cfg(feature = "postgres")]
fn open_migrated(url: &DatabaseUrl) -> Result<DbConn, CopyError> {
    let mut conn = url.connect().map_err(|e| CopyError::Open {
        url: url.display(),
        message: e.to_string(),
    })?;
    migrations::run_pending(&mut conn).map_err(|source| CopyError::Migrate {
        url: url.display(),
        source,
    })?;
    Ok(conn)
}

#[cfg(feature = "postgres")]
fn copy_between(
    sqlite: &mut diesel::SqliteConnection,
    pg: &mut diesel::PgConnection,
    progress: &mut impl FnMut(&str, i64),
) -> Result<CopySummary, CopyError> {
    let applied = format!("SELECT version AS name FROM {MIGRATIONS_TABLE}");
    let versions = |rows: Vec<Name>| rows.into_iter().map(|r| r.name).collect::<BTreeSet<_>>();
    let in_source = versions(diesel::sql_query(&applied).load(sqlite)?);
    let in_target = versions(diesel::sql_query(&applied).load(pg)?);
    if in_source != in_target {
        return Err(CopyError::Versions {
            only_source: in_source.difference(&in_target).cloned().collect(),
            only_target: in_target.difference(&in_source).cloned().collect(),
        });
    }

    // The target's schema decides what is copied: SQLite's own search tables and the like have
    // no counterpart there.
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type
         FROM information_schema.columns c
         WHERE table_schema = current_schema() AND is_generated = 'NEVER'
           AND table_name IN (SELECT table_name FROM information_schema.tables
                              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
         ORDER BY table_name, ordinal_position",
    )
    .load(pg)?;
    let mut tables: BTreeMap<String, Vec<Col>> = BTreeMap::new();
    for c in columns {
        if c.table_name == MIGRATIONS_TABLE {
            continue;
        }
        tables.entry(c.table_name).or_default().push(Col {
            name: c.column_name,
            binary: c.data_type == "bytea",
        });
    }
    let keys: Vec<ForeignKey> = diesel::sql_query(
        "SELECT c.conname::text AS constraint, c.conrelid::regclass::text AS child,
                c.confrelid::regclass::text AS parent, a.attname::text AS child_column,
                p.attname::text AS parent_column
         FROM pg_constraint c
         CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(child_key, parent_key)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.child_key
         JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = k.parent_key
         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
         ORDER BY c.conname",
    )
    .load(pg)?;
    let order = dependency_order(
        tables.keys().cloned().collect(),
        keys.iter().map(|k| (k.child.clone(), k.parent.clone())),
    )?;

    for table in &order {
        if SEEDED_BY_MIGRATIONS.contains(&table.as_str()) {
            continue;
        }
        let rows = count(pg, table)?;
        if rows > 0 {
            return Err(CopyError::TargetNotEmpty {
                table: table.clone(),
                rows,
            });
        }
    }

    // The source's columns, to refuse a file that is not a reclaim database before any write.
    for (table, cols) in &tables {
        let present: BTreeSet<String> = diesel::sql_query(format!(
            "SELECT name FROM pragma_table_info('{}')",
            table.replace('\'', "''")
        ))
        .load::<Name>(sqlite)?
        .into_iter()
        .map(|r| r.name)
        .collect();
        if present.is_empty() {
            return Err(CopyError::MissingTable(table.clone()));
        }
        if let Some(missing) = cols.iter().find(|c| !present.contains(&c.name)) {
            return Err(CopyError::MissingColumn {
                table: table.clone(),
                column: missing.name.clone(),
            });
        }
    }

    // One read transaction on SQLite (a consistent picture of a firm that may still be
    // running) and one write transaction on PostgreSQL.
    sqlite.batch_execute("BEGIN")?;
    let result = pg.transaction(|pg| {
        let mut summary = CopySummary { tables: Vec::new() };
        for table in &order {
            let cols = &tables[table];
            let copied =
                copy_table(sqlite, pg, table, cols).map_err(|source| CopyError::Table {
                    table: table.clone(),
                    source,
                })?;
            let source_rows = count(sqlite, table)?;
            let target = count(pg, table)?;
            if copied != source_rows || target != source_rows {
                return Err(CopyError::Count {
                    table: table.clone(),
                    source_rows,
                    target,
                });
            }
            progress(table, target);
            summary.tables.push((table.clone(), target));
        }
        check_foreign_keys(pg, &keys)?;
        Ok(summary)
    });
    // Ends the read transaction whatever happened (a read changes nothing).
    let _ = sqlite.batch_execute("COMMIT");
    result
}

/// The SQLite query that reads the rows of `table` after a rowid (its one parameter) as one
/// JSON array of objects, with the rowid of the last and how many: at most `rows` rows, and
/// fewer once the JSON passes `chars` characters (kept PDFs are large), but at least one.
/// Keyset pagination on rowid: each batch costs the same however far into the table.
fn read_batch_sql(table: &str, cols: &[Col], rows: i64, chars: i64) -> String {
    let fields = cols
        .iter()
        .map(|c| {
            let column = quote(&c.name);
            let value = if c.binary {
                // hex(NULL) is '' in SQLite: a NULL stays NULL.
                format!("CASE WHEN {column} IS NULL THEN NULL ELSE '\\x' || hex({column}) END")
            } else {
                column
            };
            format!("'{}', {value}", c.name.replace('\'', "''"))
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT coalesce(max(k), 0) AS last, count(*) AS n, '[' || coalesce(group_concat(r, ','), '') || ']' AS rows
         FROM (SELECT k, r FROM (
                 SELECT k, r, sum(length(r)) OVER (ORDER BY k) AS upto, row_number() OVER (ORDER BY k) AS i
                 FROM (SELECT rowid AS k, json_object({fields}) AS r FROM {t} WHERE rowid > ? ORDER BY rowid LIMIT {rows}))
               WHERE upto <= {chars} OR i = 1)",
        t = quote(table)
    )
}

/// Copies one table in rowid order, `BATCH` rows at a time; returns the rows copied.
#[cfg(feature = "postgres")]
fn copy_table(
    sqlite: &mut diesel::SqliteConnection,
    pg: &mut diesel::PgConnection,
    table: &str,
    cols: &[Col],
) -> Result<i64, diesel::result::Error> {
    if SEEDED_BY_MIGRATIONS.contains(&table) {
        diesel::sql_query(format!("DELETE FROM {}", quote(table))).execute(pg)?;
    }
    let names = cols
        .iter()
        .map(|c| quote(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let write = format!(
        "INSERT INTO {t} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{t}, $1::json)",
        t = quote(table)
    );
    let read = read_batch_sql(table, cols, BATCH, BATCH_BYTES);
    let (mut after, mut copied) = (0_i64, 0_i64);
    loop {
        let batch: Batch = diesel::sql_query(&read)
            .bind::<BigInt, _>(after)
            .get_result(sqlite)?;
        if batch.n == 0 {
            return Ok(copied);
        }
        diesel::sql_query(&write)
            .bind::<Text, _>(&batch.rows)
            .execute(pg)?;
        copied += batch.n;
        after = batch.last;
    }
}

/// Every foreign key, checked over the rows copied: none may name a missing row.
#[cfg(feature = "postgres")]
fn check_foreign_keys(pg: &mut diesel::PgConnection, keys: &[ForeignKey]) -> Result<(), CopyError> {
    let mut by_constraint: BTreeMap<(&str, &str, &str), Vec<&ForeignKey>> = BTreeMap::new();
    for k in keys {
        by_constraint
            .entry((&k.constraint, &k.child, &k.parent))
            .or_default()
            .push(k);
    }
    for ((constraint, child, parent), columns) in by_constraint {
        let set = columns
            .iter()
            .map(|k| format!("c.{} IS NOT NULL", quote(&k.child_column)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let join = columns
            .iter()
            .map(|k| {
                format!(
                    "p.{} = c.{}",
                    quote(&k.parent_column),
                    quote(&k.child_column)
                )
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        let broken: Count = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM {child} c WHERE {set} AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {join})"
        ))
        .get_result(pg)?;
        if broken.n > 0 {
            return Err(CopyError::ForeignKey {
                table: child.to_owned(),
                constraint: constraint.to_owned(),
                rows: broken.n,
            });
        }
    }
    Ok(())
}

fn count<C>(conn: &mut C, table: &str) -> Result<i64, diesel::result::Error>
where
    C: Connection,
    diesel::query_builder::SqlQuery: for<'a> diesel::query_dsl::LoadQuery<'a, C, Count>,
{
    Ok(
        diesel::sql_query(format!("SELECT count(*) AS n FROM {}", quote(table)))
            .get_result::<Count>(conn)?
            .n,
    )
}

/// An SQL identifier, quoted (the same on both backends).
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The tables ordered so that each comes after those its foreign keys point to (ties by
/// name); a table that points to itself is no obstacle.
fn dependency_order(
    tables: BTreeSet<String>,
    keys: impl Iterator<Item = (String, String)>,
) -> Result<Vec<String>, CopyError> {
    let mut needs: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|t| (t.clone(), BTreeSet::new()))
        .collect();
    for (child, parent) in keys {
        if child != parent && tables.contains(&parent) && tables.contains(&child) {
            needs.entry(child).or_default().insert(parent);
        }
    }
    let mut order = Vec::with_capacity(needs.len());
    while !needs.is_empty() {
        let ready: Vec<String> = needs
            .iter()
            .filter(|(_, parents)| parents.is_empty())
            .map(|(t, _)| t.clone())
            .collect();
        let Some(_) = ready.first() else {
            let stuck = needs.keys().next().cloned().unwrap_or_default();
            return Err(CopyError::Cycle(stuck));
        };
        for table in ready {
            needs.remove(&table);
            for parents in needs.values_mut() {
                parents.remove(&table);
            }
            order.push(table);
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(tables: &[&str], keys: &[(&str, &str)]) -> Result<Vec<String>, CopyError> {
        dependency_order(
            tables.iter().map(|t| (*t).to_owned()).collect(),
            keys.iter().map(|(c, p)| ((*c).to_owned(), (*p).to_owned())),
        )
    }

    /// Kahn's topological sort (Knuth, TAOCP vol. 1, §2.2.3, algorithm T): parents first.
    #[test]
    fn tables_come_after_the_tables_they_point_to() {
        // (tables, foreign keys child → parent, expected order)
        type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a [&'a str]);
        let cases: &[Case] = &[
            (&["a", "b"], &[], &["a", "b"]),
            (
                &["matters", "clients", "backorders"],
                &[("matters", "clients"), ("backorders", "matters")],
                &["clients", "matters", "backorders"],
            ),
            // A self-reference (a row pointing to another of its table) does not block.
            (&["users", "t"], &[("users", "users")], &["t", "users"]),
            // Keys to a table that is not copied are ignored.
            (&["a"], &[("a", "elsewhere")], &["a"]),
        ];
        for (tables, keys, expected) in cases {
            assert_eq!(order(tables, keys).unwrap(), *expected, "{keys:?}");
        }
    }

    /// The batches read from SQLite: every row once, in rowid order, at most `rows` a batch and
    /// fewer when the JSON grows past `chars` (one row at least); bytes as PostgreSQL's bytea hex
    /// input (`\x…`, <https://www.postgresql.org/docs/current/datatype-binary.html>), a NULL
    /// blob as null, text escaped as JSON.
    #[test]
    fn batches_cover_every_row_once_within_their_limits() {
        let mut c = diesel::SqliteConnection::establish(":memory:").unwrap();
        c.batch_execute(
            "CREATE TABLE t (id TEXT, pdf BLOB, n INTEGER);
             INSERT INTO t VALUES ('a', x'00ff41', 1), ('b', NULL, 2), ('c''\"', x'', 3),
                                  ('d', zeroblob(100), 4), ('e', x'01', 5);",
        )
        .unwrap();
        let cols = [
            Col {
                name: "id".into(),
                binary: false,
            },
            Col {
                name: "pdf".into(),
                binary: true,
            },
            Col {
                name: "n".into(),
                binary: false,
            },
        ];
        let mut read = |rows: i64, chars: i64| {
            let sql = read_batch_sql("t", &cols, rows, chars);
            let mut after = 0;
            let mut batches = Vec::new();
            loop {
                let batch: Batch = diesel::sql_query(&sql)
                    .bind::<BigInt, _>(after)
                    .get_result(&mut c)
                    .unwrap();
                if batch.n == 0 {
                    return batches;
                }
                let parsed: Vec<serde_json::Value> = serde_json::from_str(&batch.rows).unwrap();
                assert_eq!(parsed.len() as i64, batch.n);
                batches.push(parsed);
                after = batch.last;
            }
        };
        let sizes =
            |batches: &[Vec<serde_json::Value>]| batches.iter().map(Vec::len).collect::<Vec<_>>();
        let all = read(2, 1_000_000);
        assert_eq!(sizes(&all), [2, 2, 1], "two rows a batch");
        let rows: Vec<&serde_json::Value> = all.iter().flatten().collect();
        assert_eq!(
            rows[0],
            &serde_json::json!({"id": "a", "pdf": "\\x00FF41", "n": 1})
        );
        assert_eq!(rows[1]["pdf"], serde_json::Value::Null);
        assert_eq!(rows[2]["id"], "c'\"");
        assert_eq!(rows[2]["pdf"], "\\x");
        // Row d alone is over 200 characters: a batch of its own, never none.
        assert_eq!(sizes(&read(500, 200)), [3, 1, 1]);
        assert_eq!(sizes(&read(500, 10)), [1, 1, 1, 1, 1]);
    }

    #[test]
    fn a_cycle_is_refused_with_a_table_in_it() {
        let err = order(&["a", "b"], &[("a", "b"), ("b", "a")]).unwrap_err();
        assert!(matches!(err, CopyError::Cycle(t) if t == "a"));
    }

    #[test]
    fn the_wrong_kind_of_database_is_refused_before_anything_opens() {
        let err = copy("postgres://u@h/x", "postgres://u@h/y", |_, _| {}).unwrap_err();
        assert!(matches!(err, CopyError::SourceNotSqlite(_)), "{err}");
        let err = copy("sqlite://nowhere/at/all.db", "postgres://u@h/y", |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("no such file"), "{err}");
        let dir = std::env::temp_dir().join(format!("reclaim-copy-{}", std::process::id()));
        let target = dir.join("never-created.db");
        let err = copy(
            "sqlite://nowhere/at/all.db",
            &format!("sqlite://{}", target.display()),
            |_, _| {},
        )
        .unwrap_err();
        assert!(matches!(err, CopyError::TargetNotPostgres(_)), "{err}");
        assert!(!target.exists(), "no file made for a refused target");
    }
}
