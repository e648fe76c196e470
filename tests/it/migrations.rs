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
    // `backorder_names` (and its shadow tables) is SQLite's FTS5 index of the names; PostgreSQL
    // indexes the backorders' columns themselves (pg_trgm).
    let tables: Vec<SqliteTable> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '__diesel_schema_migrations' AND name NOT LIKE 'backorder\\_names%' ESCAPE '\\'",
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
