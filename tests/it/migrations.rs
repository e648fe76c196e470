//! The two migration sets (SQLite, PostgreSQL) must produce the same tables and columns, and
//! `src/db/schema.rs` must match them.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use reclaim::db::{DatabaseUrl, DbConn, migrations};

use crate::helpers::on_postgres;

/// table -> column -> nullable
type Shape = BTreeMap<String, BTreeMap<String, bool>>;

#[derive(QueryableByName)]
struct SqliteTable {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

fn sqlite_shape(conn: &mut DbConn) -> Shape {
    // `backorder_names` and `matter_texts` (and their shadow tables) are SQLite's FTS5 indexes
    // of the names and of the matters' texts; PostgreSQL searches the columns themselves.
    let tables: Vec<SqliteTable> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '__diesel_schema_migrations' AND name NOT LIKE 'backorder\\_names%' ESCAPE '\\' AND name NOT LIKE 'matter\\_texts%' ESCAPE '\\'",
    )
    .load(conn)
    .unwrap();
    let mut shape = Shape::new();
    for table in tables {
        let columns: Vec<SqliteColumn> = diesel::sql_query(format!(
            "SELECT name, \"notnull\", pk FROM pragma_table_info('{}')",
            table.name
        ))
        .load(conn)
        .unwrap();
        shape.insert(
            table.name,
            columns
                .into_iter()
                // SQLite lets a TEXT primary key be NULL unless told; ours all say NOT NULL.
                .map(|c| (c.name, c.notnull == 0 && c.pk == 0))
                .collect(),
        );
    }
    shape
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

fn postgres_shape(conn: &mut DbConn) -> Shape {
    let columns: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    let mut shape = Shape::new();
    for c in columns {
        shape
            .entry(c.table_name)
            .or_default()
            .insert(c.column_name, c.is_nullable == "YES");
    }
    shape
}

/// Every table of schema.rs can be read with every column it declares.
fn schema_rs_matches(conn: &mut DbConn) {
    use reclaim::db::schema::*;
    macro_rules! readable {
        ($($table:ident),+) => {
            $(
                $table::table
                    .select($table::all_columns)
                    .limit(0)
                    .execute(conn)
                    .unwrap_or_else(|e| panic!("schema.rs table {} does not match the database: {e}", stringify!($table)));
            )+
        };
    }
    readable!(
        clients,
        users,
        api_tokens,
        setup_tokens,
        sign_in_throttles,
        known_sign_ins,
        catch_accounts,
        catch_orders,
        catch_calls,
        ended_sessions,
        audit_events,
        client_contacts,
        matter_counters,
        matters,
        matter_team,
        matter_marks,
        backorders,
        backorder_events,
        catch_channels,
        monitored_domains,
        registry_snapshots,
        registry_answers,
        registry_changes,
        registry_check_errors,
        rdap_bootstraps,
        job_runs,
        job_leases,
        outbox_messages,
        outbox_attempts,
        outbox_sends,
        procedures,
        procedure_domains,
        procedure_events,
        deadlines,
        calendar_closures,
        sender_profiles,
        outreach_messages,
        outreach_approvals,
        suppressions,
        report_counters,
        reports
    );
}

fn fresh_sqlite() -> DbConn {
    let mut conn = DatabaseUrl::SqliteMemory.connect().unwrap();
    migrations::run_pending(&mut conn).unwrap();
    conn
}

#[test]
fn sqlite_migrations_match_schema_rs_and_leave_foreign_keys_intact() {
    let mut conn = fresh_sqlite();
    schema_rs_matches(&mut conn);
    let shape = sqlite_shape(&mut conn);
    assert!(
        shape.contains_key("users") && shape.contains_key("audit_events"),
        "{shape:?}"
    );
}

#[test]
fn postgres_and_sqlite_migrations_produce_the_same_tables_and_columns() {
    if !on_postgres() {
        eprintln!(
            "TEST_DATABASE_URL is not set: the PostgreSQL half of this check runs in .ci/run"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url: DatabaseUrl = crate::helpers::test_database_url(dir.path())
        .parse()
        .unwrap();
    let mut pg = url.connect().unwrap();
    migrations::run_pending(&mut pg).unwrap();
    assert!(
        migrations::run_pending(&mut pg).unwrap().is_empty(),
        "idempotent"
    );
    schema_rs_matches(&mut pg);

    let mut sqlite = fresh_sqlite();
    let (sqlite_shape, pg_shape) = (sqlite_shape(&mut sqlite), postgres_shape(&mut pg));
    assert_eq!(
        sqlite_shape.keys().collect::<Vec<_>>(),
        pg_shape.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, columns) in &sqlite_shape {
        assert_eq!(
            columns, &pg_shape[table],
            "columns and nullability of {table}"
        );
    }
}

/// Issue 17: the migration that moves the registry answers out of the snapshot rows keeps every
/// answer byte for byte with its hash and time. A database is made with the previous schema
/// (every migration before it), given snapshots with inline answers (two checks with the same
/// answer, a registrar's answer, an empty 404), then migrated; each snapshot reads back its
/// bytes, identical answers are stored once, and what can shrink is compressed.
#[test]
fn moving_the_answers_out_of_the_snapshots_keeps_every_byte_and_hash() {
    use diesel::connection::SimpleConnection;
    use diesel::migration::MigrationSource;
    use diesel_migrations::MigrationHarness;
    use reclaim::db::schema::registry_answers;
    use reclaim::model::ids::SnapshotId;
    use reclaim::repo::monitoring;
    use sha2::{Digest, Sha256};

    const MOVED: &str = "20261203090000";
    let dir = tempfile::tempdir().unwrap();
    let url: DatabaseUrl = crate::helpers::test_database_url(dir.path())
        .parse()
        .unwrap();
    let mut conn = url.connect().unwrap();
    macro_rules! migrate_before {
        ($c:expr, $set:expr) => {{
            diesel::migration::MigrationConnection::setup($c).unwrap();
            let all = MigrationSource::migrations(&$set).unwrap();
            for m in all
                .iter()
                .filter(|m| m.name().version().to_string().as_str() < MOVED)
            {
                $c.run_migration(&**m).unwrap();
            }
        }};
    }
    match &mut conn {
        DbConn::Sqlite(c) => {
            c.batch_execute("PRAGMA foreign_keys = OFF").unwrap();
            migrate_before!(c, migrations::SQLITE);
        }
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => migrate_before!(c, migrations::POSTGRES),
    }

    let rdap = crate::registry_servers::fixture("rdap/com_google.com_verisign.json");
    let registrar = br#"{"objectClassName":"domain","ldhName":"kept.com"}"#.to_vec();
    // (id, source, fetched_at, status, bytes, related_to)
    let ids: Vec<String> = (0..4).map(|_| SnapshotId::new().to_string()).collect();
    let rows: Vec<(&str, &str, &str, Option<i32>, &[u8], Option<&str>)> = vec![
        (
            &ids[0],
            "rdap",
            "2026-11-01 10:00:00",
            Some(200),
            rdap.as_slice(),
            None,
        ),
        (
            &ids[1],
            "rdap_registrar",
            "2026-11-01 10:00:00",
            Some(200),
            registrar.as_slice(),
            Some(ids[0].as_str()),
        ),
        (
            &ids[2],
            "rdap",
            "2026-11-01 11:00:00",
            Some(200),
            rdap.as_slice(),
            None,
        ),
        (
            &ids[3],
            "rdap",
            "2026-11-02 11:00:00",
            Some(404),
            &b""[..],
            None,
        ),
    ];
    let sha = |b: &[u8]| -> String {
        Sha256::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    };
    for (id, source, at, status, bytes, related) in &rows {
        let at = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap();
        macro_rules! insert {
            ($c:expr, $sql:literal) => {
                diesel::sql_query($sql)
                    .bind::<Text, _>(*id)
                    .bind::<Text, _>(*source)
                    .bind::<diesel::sql_types::Timestamp, _>(at)
                    .bind::<diesel::sql_types::Nullable<Integer>, _>(*status)
                    .bind::<diesel::sql_types::Binary, _>(*bytes)
                    .bind::<Text, _>(sha(bytes))
                    .bind::<diesel::sql_types::Nullable<Text>, _>(*related)
                    .execute($c)
                    .unwrap()
            };
        }
        match &mut conn {
            DbConn::Sqlite(c) => insert!(
                c,
                "INSERT INTO registry_snapshots (id, domain, source, server, fetched_at, http_status, raw, sha256, parsed, registered, phase, related_to) \
                 VALUES (?, 'kept.com', ?, 'https://rdap.example/', ?, ?, ?, ?, '{}', true, 'active', ?)"
            ),
            #[cfg(feature = "postgres")]
            DbConn::Postgresql(c) => insert!(
                c,
                "INSERT INTO registry_snapshots (id, domain, source, server, fetched_at, http_status, raw, sha256, parsed, registered, phase, related_to) \
                 VALUES ($1, 'kept.com', $2, 'https://rdap.example/', $3, $4, $5, $6, '{}', true, 'active', $7)"
            ),
        };
    }

    let applied = migrations::run_pending(&mut conn).unwrap();
    assert!(applied.iter().any(|v| v == MOVED), "{applied:?}");
    schema_rs_matches(&mut conn);

    let kept = monitoring::all_snapshots(&mut conn, "kept.com").unwrap();
    assert_eq!(kept.len(), rows.len());
    for (snapshot, (id, _, at, status, bytes, related)) in kept.iter().zip(&rows) {
        assert_eq!(snapshot.id.to_string(), *id);
        assert_eq!(snapshot.raw, *bytes, "{id}: byte for byte");
        assert_eq!(snapshot.sha256, sha(bytes), "{id}: its hash");
        assert_eq!(
            snapshot.fetched_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            *at
        );
        assert_eq!(snapshot.http_status, *status);
        assert_eq!(
            snapshot
                .related_to
                .as_ref()
                .map(|r| r.to_string())
                .as_deref(),
            *related
        );
        let one = monitoring::find_snapshot(&mut conn, &snapshot.id)
            .unwrap()
            .unwrap();
        assert_eq!(one.raw, *bytes, "{id}: on its own");
    }
    let stored: Vec<(String, String, i64)> = registry_answers::table
        .order(registry_answers::sha256)
        .select((
            registry_answers::sha256,
            registry_answers::method,
            registry_answers::size,
        ))
        .load(&mut conn)
        .unwrap();
    let mut expected = vec![
        (sha(&rdap), "zlib".to_owned(), rdap.len() as i64),
        (sha(&registrar), "zlib".to_owned(), registrar.len() as i64),
        (sha(b""), "none".to_owned(), 0),
    ];
    expected.sort();
    // The tiny registrar answer would grow compressed: kept as received.
    if let Some(small) = expected.iter_mut().find(|(s, ..)| *s == sha(&registrar)) {
        small.1 = if answer_store_shrinks(&registrar) {
            "zlib"
        } else {
            "none"
        }
        .to_owned();
    }
    assert_eq!(
        stored, expected,
        "each answer once; compressed when smaller"
    );

    // Evidence stays evidence.
    let changed = diesel::update(registry_answers::table)
        .set(registry_answers::body.eq(b"forged".to_vec()))
        .execute(&mut conn);
    assert!(changed.is_err(), "an answer cannot be rewritten");
    let deleted = diesel::delete(registry_answers::table).execute(&mut conn);
    assert!(deleted.is_err(), "an answer cannot be deleted");
}

fn answer_store_shrinks(raw: &[u8]) -> bool {
    reclaim::model::answer_store::store(raw).method
        == reclaim::model::answer_store::AnswerCompression::Zlib
}
