//! Kept status reports: each generated PDF with its reference, SHA-256, who or what made it and
//! to whom it was sent. The database refuses to change a kept report's bytes.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{clients, matters, report_counters, reports};
use crate::db::sql::lower;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::client::{Client, ReportCadence};
use crate::model::digest::sha256_hex;
use crate::model::ids::{ClientId, MatterId, OutboxId, ReportId};
use crate::model::matter::MatterStatus;
use crate::model::report::{Report, ReportKind};
use crate::repo::audit::{self, Change};
use crate::repo::matters::MatterScope;

/// The next report reference of the year: `R-2026-0001`.
pub fn next_reference(conn: &mut DbConn, at: DateTime<Utc>) -> Result<String, DbError> {
    let year = at.year();
    let bumped = diesel::update(report_counters::table.find(year))
        .set(report_counters::last_number.eq(report_counters::last_number + 1))
        .execute(conn)?;
    if bumped == 0 {
        diesel::insert_into(report_counters::table)
            .values((
                report_counters::year.eq(year),
                report_counters::last_number.eq(1),
            ))
            .execute(conn)?;
    }
    let number: i32 = report_counters::table
        .find(year)
        .select(report_counters::last_number)
        .first(conn)?;
    Ok(format!("R-{year}-{number:04}"))
}

/// A report to keep.
pub struct NewReport<'a> {
    pub reference: &'a str,
    pub kind: ReportKind,
    pub client_id: &'a ClientId,
    pub matter_id: Option<&'a MatterId>,
    pub made_for: &'a str,
    pub pdf: &'a [u8],
    pub pages: usize,
}

pub fn keep(conn: &mut DbConn, actor: &Actor, new: &NewReport<'_>) -> Result<Report, DbError> {
    write_tx(conn, |conn| {
        let id = ReportId::new();
        let sha256 = sha256_hex(new.pdf);
        diesel::insert_into(reports::table)
            .values((
                reports::id.eq(&id),
                reports::reference.eq(new.reference),
                reports::kind.eq(new.kind),
                reports::client_id.eq(new.client_id),
                reports::matter_id.eq(new.matter_id),
                reports::generated_at.eq(to_db(actor.at)),
                reports::generated_by.eq(actor.user_id.as_ref()),
                reports::made_for.eq(new.made_for),
                reports::pdf.eq(new.pdf),
                reports::sha256.eq(&sha256),
                reports::size_bytes.eq(i32::try_from(new.pdf.len()).unwrap_or(i32::MAX)),
                reports::pages.eq(i32::try_from(new.pages).unwrap_or(i32::MAX)),
                reports::sent_to.eq(""),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "report.generated",
                record_type: "report",
                record_id: Some(id.as_str()),
                summary: format!("Generated report {} ({})", new.reference, new.made_for),
                detail: json!({ "kind": new.kind, "matter_id": new.matter_id, "client_id": new.client_id, "sha256": sha256, "pages": new.pages }),
            },
        )?;
        find(conn, &id)?.ok_or(DbError::NotFound)
    })
}

pub fn find(conn: &mut DbConn, id: &ReportId) -> Result<Option<Report>, DbError> {
    Ok(reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
        .optional()?)
}

/// A kept report's bytes.
pub fn pdf(conn: &mut DbConn, id: &ReportId) -> Result<Option<Vec<u8>>, DbError> {
    Ok(reports::table
        .find(id)
        .select(reports::pdf)
        .first(conn)
        .optional()?)
}

/// A matter's reports (matter reports), newest first.
pub fn for_matter(conn: &mut DbConn, matter: &MatterId) -> Result<Vec<Report>, DbError> {
    Ok(reports::table
        .filter(reports::matter_id.eq(matter))
        .order(reports::generated_at.desc())
        .select(Report::as_select())
        .load(conn)?)
}

/// A client's reports of every kind, newest first.
pub fn for_client(conn: &mut DbConn, client: &ClientId) -> Result<Vec<Report>, DbError> {
    Ok(reports::table
        .filter(reports::client_id.eq(client))
        .order(reports::generated_at.desc())
        .select(Report::as_select())
        .load(conn)?)
}

/// The reports kept on a scope's matters, newest first (client reports not included).
pub fn in_scope(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<Report>, DbError> {
    Ok(reports::table
        .filter(reports::matter_id.eq_any(scope.ids().select(matters::id.nullable())))
        .order(reports::generated_at.desc())
        .select(Report::as_select())
        .load(conn)?)
}

/// When each of a scope's matters was last reported on before `before`, by a matter report or
/// a report on its whole client: what a new report's "since" is.
pub fn last_reported_in(
    conn: &mut DbConn,
    scope: &MatterScope,
    before: DateTime<Utc>,
) -> Result<Vec<(MatterId, NaiveDateTime)>, DbError> {
    let of_matters: Vec<(Option<MatterId>, Option<NaiveDateTime>)> = reports::table
        .filter(reports::matter_id.eq_any(scope.ids().select(matters::id.nullable())))
        .filter(reports::generated_at.lt(to_db(before)))
        .group_by(reports::matter_id)
        .select((reports::matter_id, diesel::dsl::max(reports::generated_at)))
        .load(conn)?;
    let of_clients: Vec<(MatterId, Option<NaiveDateTime>)> = matters::table
        .inner_join(reports::table.on(reports::client_id.eq(matters::client_id)))
        .filter(scope.condition())
        .filter(reports::kind.eq(ReportKind::Client))
        .filter(reports::generated_at.lt(to_db(before)))
        .group_by(matters::id)
        .select((matters::id, diesel::dsl::max(reports::generated_at)))
        .load(conn)?;
    let mut last: std::collections::BTreeMap<MatterId, NaiveDateTime> = Default::default();
    let rows = of_matters
        .into_iter()
        .filter_map(|(m, at)| Some((m?, at?)))
        .chain(of_clients.into_iter().filter_map(|(m, at)| Some((m, at?))));
    for (matter, at) in rows {
        let entry = last.entry(matter).or_insert(at);
        *entry = (*entry).max(at);
    }
    Ok(last.into_iter().collect())
}

/// The clients a scheduled report may be due for (a cadence, and at least one open matter), by
/// name, each with when it last received a scheduled report: two queries, whatever the number
/// of clients.
pub fn schedule_candidates(
    conn: &mut DbConn,
) -> Result<Vec<(Client, Option<NaiveDateTime>)>, DbError> {
    let with_open_matters = matters::table
        .filter(matters::status.eq(MatterStatus::Open))
        .select(matters::client_id);
    let candidates: Vec<Client> = clients::table
        .filter(clients::report_cadence.ne(ReportCadence::None))
        .filter(clients::id.eq_any(with_open_matters))
        .order(lower(clients::name))
        .select(Client::as_select())
        .load(conn)?;
    let last: HashMap<ClientId, NaiveDateTime> = reports::table
        .filter(reports::made_for.eq("schedule"))
        .group_by(reports::client_id)
        .select((reports::client_id, diesel::dsl::max(reports::generated_at)))
        .load::<(ClientId, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(client, at)| Some((client, at?)))
        .collect();
    Ok(candidates
        .into_iter()
        .map(|client| {
            let at = last.get(&client.id).copied();
            (client, at)
        })
        .collect())
}

/// Records to whom a report went and the outbox message carrying it.
pub fn mark_sent(
    conn: &mut DbConn,
    id: &ReportId,
    to: &[String],
    outbox: &OutboxId,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(reports::table.find(id))
        .set((
            reports::sent_to.eq(to.join(", ")),
            reports::sent_at.eq(Some(to_db(at))),
            reports::outbox_id.eq(Some(outbox)),
        ))
        .execute(conn)?;
    Ok(())
}
