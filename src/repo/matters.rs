//! Matters: one legal file for a client, with its responsible lawyer, team and the marks it
//! concerns. Everything else (backorders, procedures, outreach, reports) hangs off a matter.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde_json::json;

use crate::db::schema::{
    backorders, clients, matter_counters, matter_marks, matter_team, matters, users,
};
use crate::db::sql::{contains_pattern, lower};
use crate::db::types::to_db;
use crate::db::{Backend, DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::ids::{ClientId, MarkId, MatterId, UserId};
use crate::model::matter::{Mark, Matter, MatterReference, MatterStatus, MatterSummary};
use crate::model::paging::{MATTERS, Page, PageRequest, parse_time, time_part};
use crate::model::user::Role;
use crate::repo::audit::{self, Change};
use crate::repo::keyset;

/// Which matters a batch read covers: one matter, or every open matter of a client (a client
/// report). Reads over a scope cost the same number of queries whatever its size.
#[derive(Debug, Clone)]
pub enum MatterScope {
    One(MatterId),
    OpenOfClient(ClientId),
}

impl MatterScope {
    fn parameters(&self) -> (Option<MatterId>, Option<ClientId>) {
        match self {
            MatterScope::One(id) => (Some(id.clone()), None),
            MatterScope::OpenOfClient(client) => (None, Some(client.clone())),
        }
    }

    /// The condition on `matters` itself. One query shape for both kinds of scope: the other
    /// kind's parameter is NULL, which matches nothing.
    pub fn condition(&self) -> ScopeCondition {
        let (one, client) = self.parameters();
        scope_condition(one, client)
    }

    /// The ids of the scope's matters, as a subquery (`… WHERE matter_id IN (SELECT id FROM
    /// matters WHERE …)`), so that no list of ids is ever sent to the database.
    pub fn ids(&self) -> ScopeIds {
        let (one, client) = self.parameters();
        scope_ids(one, client)
    }
}

#[diesel::dsl::auto_type]
fn scope_condition(one: Option<MatterId>, client: Option<ClientId>) -> _ {
    let open: MatterStatus = MatterStatus::Open;
    matters::id.nullable().eq(one).or(matters::client_id
        .nullable()
        .eq(client)
        .and(matters::status.eq(open)))
}

#[diesel::dsl::auto_type]
fn scope_ids(one: Option<MatterId>, client: Option<ClientId>) -> _ {
    let condition: scope_condition = scope_condition(one, client);
    matters::table.select(matters::id).filter(condition)
}

pub type ScopeCondition = scope_condition;
pub type ScopeIds = scope_ids;

/// The matters of a scope, by reference.
pub fn in_scope(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<Matter>, DbError> {
    Ok(matters::table
        .filter(scope.condition())
        .order(matters::reference)
        .select(Matter::as_select())
        .load(conn)?)
}

/// The teams of a scope's matters: (matter, member, name), by name.
pub fn teams_in(
    conn: &mut DbConn,
    scope: &MatterScope,
) -> Result<Vec<(MatterId, UserId, String)>, DbError> {
    Ok(matter_team::table
        .inner_join(users::table)
        .filter(matter_team::matter_id.eq_any(scope.ids()))
        .order(users::name)
        .select((matter_team::matter_id, users::id, users::name))
        .load(conn)?)
}

/// The marks of a scope's matters, in the order they were given.
pub fn marks_in(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<(MatterId, Mark)>, DbError> {
    let rows: Vec<(MatterId, String, String)> = matter_marks::table
        .filter(matter_marks::matter_id.eq_any(scope.ids()))
        .order(matter_marks::position)
        .select((
            matter_marks::matter_id,
            matter_marks::name,
            matter_marks::registration,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(matter, name, registration)| (matter, Mark { name, registration }))
        .collect())
}

/// The clients and responsible lawyers' names of a scope's matters.
pub fn parties_in(
    conn: &mut DbConn,
    scope: &MatterScope,
) -> Result<Vec<(MatterId, crate::model::client::Client, String)>, DbError> {
    Ok(matters::table
        .inner_join(clients::table)
        .inner_join(users::table.on(users::id.eq(matters::responsible_lawyer_id)))
        .filter(scope.condition())
        .select((
            matters::id,
            crate::model::client::Client::as_select(),
            users::name,
        ))
        .load(conn)?)
}

/// A checked new matter.
#[derive(Debug, Clone)]
pub struct NewMatter {
    pub client_id: ClientId,
    pub title: String,
    pub responsible_lawyer_id: UserId,
    pub team: Vec<UserId>,
    pub marks: Vec<Mark>,
    pub notes: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MatterError {
    #[error("The client does not exist.")]
    UnknownClient,
    #[error("The responsible lawyer must be an active lawyer or administrator of the firm.")]
    NotALawyer,
    #[error("The team can only include active people of the firm, not client accounts.")]
    BadTeamMember,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for MatterError {
    fn from(e: diesel::result::Error) -> Self {
        MatterError::Db(e.into())
    }
}

#[derive(Insertable)]
#[diesel(table_name = matters)]
struct MatterRow<'a> {
    id: &'a MatterId,
    reference: &'a str,
    client_id: &'a ClientId,
    title: &'a str,
    responsible_lawyer_id: &'a UserId,
    status: MatterStatus,
    notes: &'a str,
    opened_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The next reference of `year`: numbers count up from 1 each calendar year.
fn next_reference(conn: &mut DbConn, year: i32) -> Result<MatterReference, DbError> {
    let bumped = diesel::update(matter_counters::table.find(year))
        .set(matter_counters::last_number.eq(matter_counters::last_number + 1))
        .execute(conn)?;
    if bumped == 0 {
        diesel::insert_into(matter_counters::table)
            .values((
                matter_counters::year.eq(year),
                matter_counters::last_number.eq(1),
            ))
            .execute(conn)?;
    }
    let number: i32 = matter_counters::table
        .find(year)
        .select(matter_counters::last_number)
        .first(conn)?;
    Ok(MatterReference {
        year,
        number: u32::try_from(number).unwrap_or(0),
    })
}

fn check_people(conn: &mut DbConn, lawyer: &UserId, team: &[UserId]) -> Result<(), MatterError> {
    let lawyer_ok: i64 = users::table
        .find(lawyer)
        .filter(users::active.eq(true))
        .filter(users::role.eq_any([Role::Lawyer, Role::Admin]))
        .count()
        .get_result(conn)?;
    if lawyer_ok == 0 {
        return Err(MatterError::NotALawyer);
    }
    let staff: i64 = users::table
        .filter(users::id.eq_any(team))
        .filter(users::active.eq(true))
        .filter(users::role.ne(Role::Client))
        .count()
        .get_result(conn)?;
    if usize::try_from(staff).unwrap_or(0) != team.len() {
        return Err(MatterError::BadTeamMember);
    }
    Ok(())
}

fn write_team_and_marks(
    conn: &mut DbConn,
    id: &MatterId,
    team: &[UserId],
    marks: &[Mark],
) -> Result<(), DbError> {
    diesel::delete(matter_team::table.filter(matter_team::matter_id.eq(id))).execute(conn)?;
    for user in team {
        diesel::insert_into(matter_team::table)
            .values((matter_team::matter_id.eq(id), matter_team::user_id.eq(user)))
            .execute(conn)?;
    }
    diesel::delete(matter_marks::table.filter(matter_marks::matter_id.eq(id))).execute(conn)?;
    for (position, mark) in marks.iter().enumerate() {
        diesel::insert_into(matter_marks::table)
            .values((
                matter_marks::id.eq(MarkId::new()),
                matter_marks::matter_id.eq(id),
                matter_marks::name.eq(&mark.name),
                matter_marks::registration.eq(&mark.registration),
                matter_marks::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Opens a matter with the next reference of the year.
pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewMatter) -> Result<Matter, MatterError> {
    write_tx(conn, |conn| {
        let client_name: String = clients::table
            .find(&new.client_id)
            .select(clients::name)
            .first(conn)
            .optional()?
            .ok_or(MatterError::UnknownClient)?;
        let mut team = new.team.clone();
        team.retain(|u| *u != new.responsible_lawyer_id);
        team.dedup();
        check_people(conn, &new.responsible_lawyer_id, &team)?;
        let reference = next_reference(conn, actor.at.year())?.to_string();
        let id = MatterId::new();
        let now = to_db(actor.at);
        diesel::insert_into(matters::table)
            .values(MatterRow {
                id: &id,
                reference: &reference,
                client_id: &new.client_id,
                title: &new.title,
                responsible_lawyer_id: &new.responsible_lawyer_id,
                status: MatterStatus::Open,
                notes: &new.notes,
                opened_at: now,
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
        write_team_and_marks(conn, &id, &team, &new.marks)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "matter.created",
                record_type: "matter",
                record_id: Some(id.as_str()),
                summary: format!("Opened matter {reference} for {client_name}: {}", new.title),
                detail: json!({
                    "reference": reference,
                    "client_id": new.client_id,
                    "responsible_lawyer_id": new.responsible_lawyer_id,
                    "team": team,
                    "marks": new.marks.iter().map(|m| &m.name).collect::<Vec<_>>(),
                }),
            },
        )?;
        Ok(find(conn, &id)?.ok_or(DbError::NotFound)?)
    })
}

/// What can be changed on a matter.
#[derive(Debug, Clone)]
pub struct MatterChange {
    pub title: String,
    pub responsible_lawyer_id: UserId,
    pub team: Vec<UserId>,
    pub marks: Vec<Mark>,
    pub notes: String,
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &MatterId,
    change: &MatterChange,
) -> Result<Matter, MatterError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(DbError::NotFound)?;
        let mut team = change.team.clone();
        team.retain(|u| *u != change.responsible_lawyer_id);
        team.dedup();
        check_people(conn, &change.responsible_lawyer_id, &team)?;
        diesel::update(matters::table.find(id))
            .set((
                matters::title.eq(&change.title),
                matters::responsible_lawyer_id.eq(&change.responsible_lawyer_id),
                matters::notes.eq(&change.notes),
                matters::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        write_team_and_marks(conn, id, &team, &change.marks)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "matter.updated",
                record_type: "matter",
                record_id: Some(id.as_str()),
                summary: format!("Changed matter {}", before.reference),
                detail: json!({
                    "before": { "title": before.title, "responsible_lawyer_id": before.responsible_lawyer_id },
                    "after": {
                        "title": change.title,
                        "responsible_lawyer_id": change.responsible_lawyer_id,
                        "team": team,
                        "marks": change.marks.iter().map(|m| &m.name).collect::<Vec<_>>(),
                    },
                }),
            },
        )?;
        Ok(find(conn, id)?.ok_or(DbError::NotFound)?)
    })
}

/// Closes or reopens a matter.
pub fn set_status(
    conn: &mut DbConn,
    actor: &Actor,
    id: &MatterId,
    status: MatterStatus,
) -> Result<Matter, DbError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(DbError::NotFound)?;
        if before.status == status {
            return Ok(before);
        }
        let closed_at = match status {
            MatterStatus::Closed => Some(to_db(actor.at)),
            MatterStatus::Open => None,
        };
        diesel::update(matters::table.find(id))
            .set((
                matters::status.eq(status),
                matters::closed_at.eq(closed_at),
                matters::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        let (action, verb) = match status {
            MatterStatus::Closed => ("matter.closed", "Closed"),
            MatterStatus::Open => ("matter.reopened", "Reopened"),
        };
        audit::record(
            conn,
            actor,
            Change {
                action,
                record_type: "matter",
                record_id: Some(id.as_str()),
                summary: format!("{verb} matter {}", before.reference),
                detail: json!({}),
            },
        )?;
        find(conn, id)?.ok_or(DbError::NotFound)
    })
}

pub fn find(conn: &mut DbConn, id: &MatterId) -> Result<Option<Matter>, DbError> {
    Ok(matters::table
        .find(id)
        .select(Matter::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_reference(
    conn: &mut DbConn,
    reference: &MatterReference,
) -> Result<Option<Matter>, DbError> {
    Ok(matters::table
        .filter(matters::reference.eq(reference.to_string()))
        .select(Matter::as_select())
        .first(conn)
        .optional()?)
}

/// Which matters to list.
#[derive(Debug, Clone, Default)]
pub struct MatterFilter {
    /// Only this client's (always set for a client user).
    pub client_id: Option<ClientId>,
    pub status: Option<MatterStatus>,
    /// Part of the reference, title, client name, or a domain name the matter targets.
    pub search: Option<String>,
}

/// One page of the matters the filter chooses: open first, newest first (`status DESC,
/// opened_at DESC, id DESC`, the key of [`MATTERS`]), each with its number of names, in two
/// queries whatever the size of the firm.
pub fn list(
    conn: &mut DbConn,
    filter: &MatterFilter,
    request: &PageRequest,
) -> Result<Page<MatterSummary>, DbError> {
    let mut query = matters::table
        .inner_join(clients::table)
        .inner_join(users::table)
        .select((Matter::as_select(), clients::name, users::name))
        .limit(request.fetch())
        .into_boxed();
    // Read backward for a "Previous" link (`model::paging`).
    query = if request.backward() {
        query.order((
            matters::status.asc(),
            matters::opened_at.asc(),
            matters::id.asc(),
        ))
    } else {
        query.order((
            matters::status.desc(),
            matters::opened_at.desc(),
            matters::id.desc(),
        ))
    };
    if let Some(client) = &filter.client_id {
        query = query.filter(matters::client_id.eq(client.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(matters::status.eq(status));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = contains_pattern(search);
        let by_text = lower(matters::reference)
            .like(pattern.clone())
            .escape('\\')
            .or(lower(matters::title).like(pattern.clone()).escape('\\'))
            .or(lower(clients::name).like(pattern.clone()).escape('\\'));
        query = match name_search(conn.backend(), search) {
            // SQLite: the matter's texts are in an FTS5 index too; both searched by index.
            Some((before, text, after)) if conn.backend() == Backend::Sqlite => query.filter(
                sql::<Bool>(before)
                    .bind::<Text, _>(text.clone())
                    .sql(" UNION SELECT matter_id FROM matter_texts WHERE matter_texts MATCH ")
                    .bind::<Text, _>(text)
                    .sql(after),
            ),
            // PostgreSQL: each text by its own trigram index (migration
            // `2026-12-03-140000_matter_names`), rather than an OR across the join.
            Some((before, text, after)) => query.filter(
                sql::<Bool>(before)
                    .bind::<Text, _>(text.clone())
                    .sql(
                        " ESCAPE '\\' UNION SELECT id FROM matters \
                         WHERE lower(reference || ' ' || title) LIKE ",
                    )
                    .bind::<Text, _>(text.clone())
                    .sql(
                        " ESCAPE '\\' UNION SELECT matters.id FROM matters \
                         JOIN clients ON clients.id = matters.client_id \
                         WHERE lower(clients.name) LIKE ",
                    )
                    .bind::<Text, _>(text)
                    .sql(after),
            ),
            None => query.filter(by_text),
        };
    }
    // The cursor's parts were checked when it was read (`model::paging`).
    if let Some([status, opened, id]) = request.cursor()
        && let Ok(opened) = parse_time(opened)
    {
        query = keyset::seek!(query, request.backward();
            (desc matters::status, status.clone()),
            (desc matters::opened_at, opened),
            (desc matters::id, id.clone()),
        );
    }
    let rows: Vec<(Matter, String, String)> = query.load(conn)?;
    let page = Page::from_rows(rows, request, MATTERS, |(m, _, _)| {
        vec![
            m.status.as_str().to_owned(),
            time_part(&m.opened_at),
            m.id.to_string(),
        ]
    });
    // The names of the page's matters only (at most MAX_LIMIT + 1 ids), counted by the index
    // on backorders(matter_id).
    let ids: Vec<&MatterId> = page.rows.iter().map(|(m, _, _)| &m.id).collect();
    let counts: HashMap<MatterId, i64> = if ids.is_empty() {
        HashMap::new()
    } else {
        backorders::table
            .filter(backorders::matter_id.eq_any(ids))
            .group_by(backorders::matter_id)
            .select((backorders::matter_id, diesel::dsl::count_star()))
            .load::<(MatterId, i64)>(conn)?
            .into_iter()
            .collect()
    };
    Ok(
        page.map(|(matter, client_name, lawyer_name)| MatterSummary {
            backorders: counts.get(&matter.id).copied().unwrap_or(0),
            matter,
            client_name,
            lawyer_name,
        }),
    )
}

/// The matters that seek a name containing `search`, by index: SQLite's FTS5 table
/// `backorder_names` with the trigram tokenizer (and `matter_texts` for the matters' own texts,
/// migration `2026-12-03-140000_matter_names`)
/// (<https://sqlite.org/fts5.html#the_trigram_tokenizer>: a phrase of at least three characters
/// matches every name holding it, case-insensitively), PostgreSQL's `pg_trgm` GIN index on
/// `lower(domain || ' ' || unicode)` (<https://www.postgresql.org/docs/current/pgtrgm.html>,
/// F.35.5: the index serves `LIKE '%…%'`). Both are kept by triggers (migration
/// `2026-12-03-080000_paging`); `list` adds the matters' own texts, indexed the same way by
/// `2026-12-03-140000_matter_names`. A trigram needs three characters: shorter text searches
/// references, titles and clients only (`None`). The condition is SQL before the one bound
/// text, the text, and SQL after it.
fn name_search(backend: Backend, search: &str) -> Option<(&'static str, String, &'static str)> {
    if search.chars().count() < MIN_NAME_SEARCH {
        return None;
    }
    Some(match backend {
        Backend::Sqlite => (
            "matters.id IN (SELECT matter_id FROM backorder_names WHERE backorder_names MATCH ",
            fts_phrase(search),
            ")",
        ),
        Backend::Postgres => (
            "matters.id IN (SELECT matter_id FROM backorders WHERE lower(domain || ' ' || unicode) LIKE ",
            contains_pattern(search),
            " ESCAPE '\\')",
        ),
    })
}

/// Characters a search needs to look in the names (a trigram).
pub const MIN_NAME_SEARCH: usize = 3;

/// `text` as one FTS5 phrase: in double quotes, each inner quote doubled
/// (<https://sqlite.org/fts5.html#fts5_strings>), so that no character is query syntax.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The team of a matter (besides its responsible lawyer): ids and names.
pub fn team(conn: &mut DbConn, id: &MatterId) -> Result<Vec<(UserId, String)>, DbError> {
    Ok(matter_team::table
        .inner_join(users::table)
        .filter(matter_team::matter_id.eq(id))
        .order(users::name)
        .select((users::id, users::name))
        .load(conn)?)
}

pub fn marks(conn: &mut DbConn, id: &MatterId) -> Result<Vec<Mark>, DbError> {
    let rows: Vec<(String, String)> = matter_marks::table
        .filter(matter_marks::matter_id.eq(id))
        .order(matter_marks::position)
        .select((matter_marks::name, matter_marks::registration))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, registration)| Mark { name, registration })
        .collect())
}

/// Staff who can be responsible for a matter (active lawyers and administrators) and who can
/// be on its team (all active staff): ids, names and roles.
pub fn firm_people(conn: &mut DbConn) -> Result<Vec<(UserId, String, Role)>, DbError> {
    Ok(users::table
        .filter(users::active.eq(true))
        .filter(users::role.ne(Role::Client))
        .order(users::name)
        .select((users::id, users::name, users::role))
        .load(conn)?)
}

/// Who hears about a matter's registry news: its responsible lawyer and its team, if active.
pub fn people_to_alert(
    conn: &mut DbConn,
    id: &MatterId,
) -> Result<Vec<(UserId, String, String)>, DbError> {
    Ok(people_to_alert_in(conn, std::slice::from_ref(id))?
        .into_iter()
        .map(|(_, user, name, email)| (user, name, email))
        .collect())
}

/// Who hears about the registry news of these matters: for each, its responsible lawyer and
/// its team, if active (a person once per matter). Two queries whatever the number of matters.
pub fn people_to_alert_in(
    conn: &mut DbConn,
    ids: &[MatterId],
) -> Result<Vec<(MatterId, UserId, String, String)>, DbError> {
    let lawyers: Vec<(MatterId, UserId, String, String)> = matters::table
        .inner_join(users::table)
        .filter(matters::id.eq_any(ids))
        .filter(users::active.eq(true))
        .select((matters::id, users::id, users::name, users::email))
        .load(conn)?;
    let team: Vec<(MatterId, UserId, String, String)> = matter_team::table
        .inner_join(users::table)
        .filter(matter_team::matter_id.eq_any(ids))
        .filter(users::active.eq(true))
        .select((matter_team::matter_id, users::id, users::name, users::email))
        .load(conn)?;
    let mut people = lawyers;
    for member in team {
        if !people
            .iter()
            .any(|(m, u, _, _)| *m == member.0 && *u == member.1)
        {
            people.push(member);
        }
    }
    Ok(people)
}

/// The years a caught name of the matter is renewed for beyond its first (the checklist after the
/// catch reads them); audited when they change.
pub fn set_renewal_years(
    conn: &mut DbConn,
    actor: &Actor,
    id: &MatterId,
    years: i32,
) -> Result<Matter, MatterError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(DbError::NotFound)?;
        if before.renewal_years == years {
            return Ok(before);
        }
        diesel::update(matters::table.find(id))
            .set((
                matters::renewal_years.eq(years),
                matters::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "matter.renewal_years_changed",
                record_type: "matter",
                record_id: Some(id.as_str()),
                summary: format!(
                    "Matter {}: caught names renewed for {years} year(s) beyond the first",
                    before.reference
                ),
                detail: json!({ "before": before.renewal_years, "after": years }),
            },
        )?;
        Ok(find(conn, id)?.ok_or(DbError::NotFound)?)
    })
}
