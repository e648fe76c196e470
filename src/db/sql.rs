//! SQL helpers that work the same on SQLite and PostgreSQL.

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Escapes `%`, `_` and `\` so user text is matched literally by LIKE (with `escape('\\')`).
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A case-insensitive "contains" pattern for `lower(column) LIKE pattern ESCAPE '\'`.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(&text.to_lowercase()))
}

use std::marker::PhantomData;

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping,
    is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};

use super::MultiBackend;

/// A fixed piece of SQL of type `ST` that the connection keeps prepared. `diesel::dsl::sql`
/// marks every statement holding it as one to prepare anew at each use (its text could be built
/// from anything), which issue 17 measured as a tenth of the dashboard's cost; a `&'static str`
/// cannot change between two uses, so the statement is kept by its text like any other.
///
/// For what the query DSL cannot write so that SQLite uses an index: a partial index's own
/// condition, an expression index's own expression, a condition written so that no index serves
/// it.
#[derive(Debug, Clone, Copy)]
pub struct Verbatim<ST> {
    sql: &'static str,
    of_type: PhantomData<ST>,
}

/// `sql` as an expression of type `ST` (see [`Verbatim`]).
pub const fn verbatim<ST>(sql: &'static str) -> Verbatim<ST> {
    Verbatim {
        sql,
        of_type: PhantomData,
    }
}

impl<ST: TypedExpressionType> Expression for Verbatim<ST> {
    type SqlType = ST;
}

impl<ST, QS> AppearsOnTable<QS> for Verbatim<ST> where Self: Expression {}

impl<ST, QS> SelectableExpression<QS> for Verbatim<ST> where Self: AppearsOnTable<QS> {}

impl<ST, GB> ValidGrouping<GB> for Verbatim<ST> {
    type IsAggregate = is_aggregate::Never;
}

impl<ST> QueryId for Verbatim<ST> {
    type QueryId = ();
    // Kept by the statement's text: two verbatim pieces share this type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, DB: Backend> QueryFragment<DB> for Verbatim<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.sql);
        Ok(())
    }
}

/// `column IN (values)` written as one statement whatever the number of values: the values go
/// as one JSON array in one bound parameter, which the database unpacks (`json_each` on SQLite,
/// `json_array_elements_text` on PostgreSQL). diesel's `eq_any` writes one parameter per value,
/// a new statement for each length, which it therefore never keeps prepared (issue 17: the
/// dashboard's and the matter page's lists of ids were prepared at every request).
#[derive(Debug, Clone)]
pub struct Among<C> {
    column: C,
    /// A JSON array of strings.
    values: String,
}

/// `column IN (values)` (see [`Among`]), for a text column.
pub fn among<C, V: AsRef<str>>(column: C, values: impl IntoIterator<Item = V>) -> Among<C> {
    let values: Vec<serde_json::Value> = values
        .into_iter()
        .map(|v| serde_json::Value::from(v.as_ref()))
        .collect();
    Among {
        column,
        values: serde_json::Value::Array(values).to_string(),
    }
}

impl<C: Expression> Expression for Among<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for Among<C> where Self: Expression {}

impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for Among<C> where
    Self: AppearsOnTable<QS>
{
}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for Among<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for Among<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<diesel::sqlite::Sqlite>> QueryFragment<diesel::sqlite::Sqlite> for Among<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.values)?;
        out.push_sql("))");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<C: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for Among<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT json_array_elements_text(CAST(");
        out.push_bind_param::<Text, _>(&self.values)?;
        out.push_sql(" AS json)))");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<C> QueryFragment<MultiBackend> for Among<C>
where
    C: QueryFragment<diesel::sqlite::Sqlite> + QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

#[cfg(not(feature = "postgres"))]
impl<C> QueryFragment<MultiBackend> for Among<C>
where
    C: QueryFragment<diesel::sqlite::Sqlite>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::query_builder::QueryFragment;
    use diesel::sqlite::Sqlite;

    use super::*;
    use crate::db::schema::clients;
    use crate::db::{DatabaseUrl, migrations};

    #[test]
    fn among_finds_exactly_the_values_named_whatever_they_hold() {
        let mut c = DatabaseUrl::SqliteMemory.connect().unwrap();
        migrations::run_pending(&mut c).unwrap();
        // Quotes, a backslash, a JSON-looking value and non-ASCII text travel as data.
        let ids = ["a'b", "c\"d", "e\\f", "[\"g\"]", "hé", "plain"];
        let now = chrono::Utc::now().naive_utc();
        for id in ids {
            diesel::insert_into(clients::table)
                .values((
                    clients::id.eq(id),
                    clients::name.eq(format!("client {id}")),
                    clients::email.eq(""),
                    clients::created_at.eq(now),
                    clients::updated_at.eq(now),
                    clients::report_cadence.eq("none"),
                    clients::notes.eq(""),
                ))
                .execute(&mut c)
                .unwrap();
        }
        let found = |c: &mut crate::db::DbConn, wanted: &[&str]| {
            let mut rows: Vec<String> = clients::table
                .filter(among(clients::id, wanted))
                .select(clients::id)
                .load(c)
                .unwrap();
            rows.sort();
            rows
        };
        assert_eq!(found(&mut c, &["a'b", "hé", "missing"]), ["a'b", "hé"]);
        assert_eq!(found(&mut c, &["c\"d", "e\\f", "[\"g\"]"]).len(), 3);
        assert!(found(&mut c, &[]).is_empty());
        assert!(found(&mut c, &["\"g\""]).is_empty());
    }

    #[test]
    fn statements_with_among_or_verbatim_are_kept_prepared_and_eq_any_ones_are_not() {
        fn cacheable<Q: QueryFragment<Sqlite>>(query: &Q) -> bool {
            <Q as QueryFragment<Sqlite>>::is_safe_to_cache_prepared(query, &Sqlite).unwrap()
        }
        let among_query = clients::table
            .filter(among(clients::id, ["a", "b"]))
            .filter(verbatim::<Bool>("clients.name || '' <> ''"))
            .select(clients::id);
        assert!(cacheable(&among_query));
        // The reason for `among`: diesel prepares an `eq_any` list again at each use.
        let eq_any_query = clients::table
            .filter(clients::id.eq_any(["a", "b"]))
            .select(clients::id);
        assert!(!cacheable(&eq_any_query));
        let literal = clients::table
            .filter(diesel::dsl::sql::<Bool>("clients.name || '' <> ''"))
            .select(clients::id);
        assert!(!cacheable(&literal));
    }

    /// `.cargo/config.toml` builds the bundled SQLite without STAT4 and with the query planner
    /// stability guarantee: otherwise SQLite looks at a bound value while planning (a `LIMIT ?`,
    /// a range with STAT4 samples, a condition matched against a partial index's) and prepares
    /// the statement again every time that value is bound, which was a sixth of the
    /// dashboard's cost at firm scale (issue 17, `sqlite3Reprepare` under `sqlite3_step`).
    #[test]
    fn the_bundled_sqlite_plans_without_looking_at_bound_values() {
        use diesel::sql_types::Integer;
        #[derive(QueryableByName)]
        struct Used {
            #[diesel(sql_type = Integer)]
            used: i32,
        }
        let mut c = DatabaseUrl::SqliteMemory.connect().unwrap();
        let used = |c: &mut crate::db::DbConn, option: &str| {
            diesel::sql_query("SELECT sqlite_compileoption_used(?) AS used")
                .bind::<diesel::sql_types::Text, _>(option)
                .get_result::<Used>(c)
                .unwrap()
                .used
        };
        assert_eq!(
            used(&mut c, "ENABLE_QPSG"),
            1,
            "QPSG: see .cargo/config.toml"
        );
        assert_eq!(
            used(&mut c, "ENABLE_STAT4"),
            0,
            "STAT4: see .cargo/config.toml"
        );
    }
}
