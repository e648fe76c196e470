//! The lookalike watch's records: the brand terms a client adds beside its matters' marks, and
//! the findings (`model::lookalike_finding`) with the lawyer's decision on each. A name found
//! again updates its finding (last seen, registry data) and never undoes a decision: a dismissed
//! name stays dismissed.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{
    backorders, client_brand_terms, clients, lookalike_checks, lookalike_decisions,
    lookalike_findings, matter_marks, matters,
};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::ids::{BackorderId, BrandTermId, ClientId, FindingId, MatterId, UserId};
use crate::model::lookalike_finding::{Decision, FindingState, LookalikeFinding, RegistryFacts};
use crate::model::matter::MatterStatus;
use crate::repo::audit::{self, Change};
use crate::repo::keyset;

/// A name the scan or a check found imitating a mark.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub client_id: ClientId,
    pub matter_id: Option<MatterId>,
    pub domain: String,
    pub unicode: String,
    pub mark: String,
    pub reason: serde_json::Value,
    pub score: i32,
    pub source: String,
    pub seen_at: DateTime<Utc>,
    pub registry: Option<RegistryFacts>,
}

/// What recording a batch of findings did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    pub new: usize,
    pub seen_again: usize,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = lookalike_findings)]
struct Row {
    id: FindingId,
    client_id: ClientId,
    matter_id: Option<MatterId>,
    domain: String,
    unicode: String,
    mark: String,
    reason: String,
    score: i32,
    source: String,
    first_seen_at: chrono::NaiveDateTime,
    last_seen_at: chrono::NaiveDateTime,
    registry: String,
    state: FindingState,
    backorder_id: Option<BackorderId>,
}

impl From<Row> for LookalikeFinding {
    fn from(r: Row) -> Self {
        LookalikeFinding {
            id: r.id,
            client_id: r.client_id,
            matter_id: r.matter_id,
            domain: r.domain,
            unicode: r.unicode,
            mark: r.mark,
            reason: serde_json::from_str(&r.reason).unwrap_or(serde_json::Value::Null),
            score: r.score,
            source: r.source,
            first_seen_at: r.first_seen_at,
            last_seen_at: r.last_seen_at,
            registry: serde_json::from_str(&r.registry).unwrap_or_default(),
            state: r.state,
            backorder_id: r.backorder_id,
        }
    }
}

/// Rows per statement: PostgreSQL takes at most 65 535 bind parameters, SQLite 32 766; a
/// finding binds 13.
const BATCH: usize = 1_000;

/// Records what a scan found: new names become findings (state new), names already found get
/// their last-seen time and, when given, their registry data; decisions stay as they are. Per
/// batch of names: one read (to count the new ones) and an `INSERT … ON CONFLICT (client_id,
/// domain) DO UPDATE` for the names with registry data and another for those without (upsert:
/// SQLite 3.24, PostgreSQL 9.5).
pub fn record(conn: &mut DbConn, found: &[NewFinding]) -> Result<Recorded, DbError> {
    use diesel::upsert::excluded;
    // The same name twice in one statement would be updated twice, which PostgreSQL refuses:
    // the first of each (client, name) is kept, with the registry data of any of them.
    let mut unique: Vec<NewFinding> = Vec::with_capacity(found.len());
    let mut at: std::collections::HashMap<(ClientId, String), usize> = Default::default();
    for f in found {
        match at.get(&(f.client_id.clone(), f.domain.clone())) {
            Some(&i) => {
                if unique[i].registry.is_none() {
                    unique[i].registry = f.registry.clone();
                }
            }
            None => {
                at.insert((f.client_id.clone(), f.domain.clone()), unique.len());
                unique.push(f.clone());
            }
        }
    }
    write_tx(conn, |conn| {
        let mut recorded = Recorded::default();
        for chunk in unique.chunks(BATCH) {
            let domains: Vec<&str> = chunk.iter().map(|f| f.domain.as_str()).collect();
            let known: std::collections::HashSet<(ClientId, String)> = lookalike_findings::table
                .filter(lookalike_findings::domain.eq_any(&domains))
                .select((lookalike_findings::client_id, lookalike_findings::domain))
                .load::<(ClientId, String)>(conn)?
                .into_iter()
                .collect();
            let seen_again = chunk
                .iter()
                .filter(|f| known.contains(&(f.client_id.clone(), f.domain.clone())))
                .count();
            recorded.seen_again += seen_again;
            recorded.new += chunk.len() - seen_again;
            // Registry data replaces what was kept only when this sighting brings some.
            let (with_facts, without): (Vec<&NewFinding>, Vec<&NewFinding>) =
                chunk.iter().partition(|f| f.registry.is_some());
            let rows = |part: &[&NewFinding]| {
                part.iter()
                    .map(|f| {
                        let at = to_db(f.seen_at);
                        (
                            lookalike_findings::id.eq(FindingId::new()),
                            lookalike_findings::client_id.eq(f.client_id.clone()),
                            lookalike_findings::matter_id.eq(f.matter_id.clone()),
                            lookalike_findings::domain.eq(f.domain.clone()),
                            lookalike_findings::unicode.eq(f.unicode.clone()),
                            lookalike_findings::mark.eq(f.mark.clone()),
                            lookalike_findings::reason.eq(f.reason.to_string()),
                            lookalike_findings::score.eq(f.score.clamp(0, 100)),
                            lookalike_findings::source.eq(f.source.clone()),
                            lookalike_findings::first_seen_at.eq(at),
                            lookalike_findings::last_seen_at.eq(at),
                            lookalike_findings::registry
                                .eq(json!(f.registry.clone().unwrap_or_default()).to_string()),
                            lookalike_findings::state.eq(FindingState::New),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            // MultiConnection has no ON CONFLICT of its own: the same statement per backend.
            macro_rules! upsert {
                ($c:expr, $part:expr, $set:expr) => {
                    diesel::insert_into(lookalike_findings::table)
                        .values(rows($part))
                        .on_conflict((lookalike_findings::client_id, lookalike_findings::domain))
                        .do_update()
                        .set($set)
                        .execute($c)?
                };
            }
            let last_seen =
                || lookalike_findings::last_seen_at.eq(excluded(lookalike_findings::last_seen_at));
            let registry =
                || lookalike_findings::registry.eq(excluded(lookalike_findings::registry));
            match conn {
                DbConn::Sqlite(c) => {
                    if !with_facts.is_empty() {
                        upsert!(c, &with_facts, (last_seen(), registry()));
                    }
                    if !without.is_empty() {
                        upsert!(c, &without, last_seen());
                    }
                }
                #[cfg(feature = "postgres")]
                DbConn::Postgresql(c) => {
                    if !with_facts.is_empty() {
                        upsert!(c, &with_facts, (last_seen(), registry()));
                    }
                    if !without.is_empty() {
                        upsert!(c, &without, last_seen());
                    }
                }
            }
        }
        Ok(recorded)
    })
}

/// The names each client's matters are already recovering (any backorder): not lookalikes.
pub fn recovering(conn: &mut DbConn) -> Result<Vec<(ClientId, String)>, DbError> {
    Ok(backorders::table
        .inner_join(matters::table)
        .select((matters::client_id, backorders::domain))
        .load(conn)?)
}

/// The generated names the job asked their registries about since `since`.
pub fn checked_since(
    conn: &mut DbConn,
    since: DateTime<Utc>,
) -> Result<std::collections::HashSet<String>, DbError> {
    Ok(lookalike_checks::table
        .filter(lookalike_checks::checked_at.ge(to_db(since)))
        .select(lookalike_checks::domain)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Records that the job asked about these names at `at`.
pub fn record_checks(
    conn: &mut DbConn,
    domains: &[String],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        for chunk in domains.chunks(500) {
            diesel::delete(lookalike_checks::table.filter(lookalike_checks::domain.eq_any(chunk)))
                .execute(conn)?;
            for domain in chunk {
                diesel::insert_into(lookalike_checks::table)
                    .values((
                        lookalike_checks::domain.eq(domain),
                        lookalike_checks::checked_at.eq(to_db(at)),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// Every client's names already found (whatever their state).
pub fn found_names(conn: &mut DbConn) -> Result<Vec<(ClientId, String)>, DbError> {
    Ok(lookalike_findings::table
        .select((lookalike_findings::client_id, lookalike_findings::domain))
        .load(conn)?)
}

/// Keeps what the registry said of a found name.
pub fn set_registry_facts(
    conn: &mut DbConn,
    id: &FindingId,
    facts: &RegistryFacts,
) -> Result<(), DbError> {
    diesel::update(lookalike_findings::table.find(id))
        .set(lookalike_findings::registry.eq(json!(facts).to_string()))
        .execute(conn)?;
    Ok(())
}

/// A client's findings, most dangerous first (then by id), `limit` of them after `after`
/// (the last row's score and id), in the given states (all when empty).
pub fn for_client(
    conn: &mut DbConn,
    client: &ClientId,
    states: &[FindingState],
    after: Option<(i32, FindingId)>,
    limit: i64,
) -> Result<Vec<LookalikeFinding>, DbError> {
    let mut query = lookalike_findings::table
        .filter(lookalike_findings::client_id.eq(client))
        .select(Row::as_select())
        .order((
            lookalike_findings::score.desc(),
            lookalike_findings::id.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if !states.is_empty() {
        query = query.filter(lookalike_findings::state.eq_any(states.to_vec()));
    }
    if let Some((score, id)) = after {
        query = query.filter(keyset::after!(
            (desc lookalike_findings::score, score),
            (lookalike_findings::id, id),
        ));
    }
    Ok(query
        .load::<Row>(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub fn find(conn: &mut DbConn, id: &FindingId) -> Result<Option<LookalikeFinding>, DbError> {
    Ok(lookalike_findings::table
        .find(id)
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?
        .map(Into::into))
}

/// Records a lawyer's decision (checked by `model::lookalike_finding::triage`), audited.
pub fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    finding: &LookalikeFinding,
    to: FindingState,
    note: &str,
    backorder: Option<&BackorderId>,
) -> Result<LookalikeFinding, DbError> {
    write_tx(conn, |conn| {
        let backorder = backorder.or(finding.backorder_id.as_ref());
        diesel::update(lookalike_findings::table.find(&finding.id))
            .set((
                lookalike_findings::state.eq(to),
                lookalike_findings::backorder_id.eq(backorder),
            ))
            .execute(conn)?;
        diesel::insert_into(lookalike_decisions::table)
            .values((
                lookalike_decisions::id.eq(crate::model::ids::DecisionId::new()),
                lookalike_decisions::finding_id.eq(&finding.id),
                lookalike_decisions::from_state.eq(finding.state),
                lookalike_decisions::to_state.eq(to),
                lookalike_decisions::decided_by.eq(actor.user_id.as_ref()),
                lookalike_decisions::decided_at.eq(to_db(actor.at)),
                lookalike_decisions::note.eq(note),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "lookalike.decided",
                record_type: "lookalike_finding",
                record_id: Some(finding.id.as_str()),
                summary: format!(
                    "{}: {} → {} (imitates {})",
                    finding.unicode,
                    finding.state.label(),
                    to.label(),
                    finding.mark
                ),
                detail: json!({ "from": finding.state, "to": to, "note": note, "backorder": backorder }),
            },
        )?;
        find(conn, &finding.id)?.ok_or(DbError::NotFound)
    })
}

/// The decisions on a finding, oldest first.
pub fn decisions(conn: &mut DbConn, id: &FindingId) -> Result<Vec<Decision>, DbError> {
    let rows: Vec<(
        FindingState,
        FindingState,
        Option<UserId>,
        chrono::NaiveDateTime,
        String,
    )> = lookalike_decisions::table
        .filter(lookalike_decisions::finding_id.eq(id))
        .order((
            lookalike_decisions::decided_at.asc(),
            lookalike_decisions::id.asc(),
        ))
        .select((
            lookalike_decisions::from_state,
            lookalike_decisions::to_state,
            lookalike_decisions::decided_by,
            lookalike_decisions::decided_at,
            lookalike_decisions::note,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(from, to, decided_by, decided_at, note)| Decision {
            from,
            to,
            decided_by,
            decided_at,
            note,
        })
        .collect())
}

/// New findings not yet in a digest, most dangerous first.
pub fn unalerted(conn: &mut DbConn) -> Result<Vec<LookalikeFinding>, DbError> {
    Ok(lookalike_findings::table
        .filter(lookalike_findings::alerted_at.is_null())
        .filter(lookalike_findings::state.eq(FindingState::New))
        .select(Row::as_select())
        .order((
            lookalike_findings::score.desc(),
            lookalike_findings::id.asc(),
        ))
        .load::<Row>(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Who answers for findings: each open matter's responsible lawyer, with the matter's client
/// and its name (a brand term's findings go to the lawyers of the client's open matters).
pub fn responsible_lawyers(
    conn: &mut DbConn,
) -> Result<Vec<(MatterId, ClientId, String, UserId)>, DbError> {
    Ok(matters::table
        .inner_join(clients::table)
        .filter(matters::status.eq(MatterStatus::Open))
        .order(matters::opened_at.asc())
        .select((
            matters::id,
            matters::client_id,
            clients::name,
            matters::responsible_lawyer_id,
        ))
        .load(conn)?)
}

/// Marks findings as sent in a digest.
pub fn mark_alerted(
    conn: &mut DbConn,
    ids: &[FindingId],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    for chunk in ids.chunks(500) {
        diesel::update(lookalike_findings::table.filter(lookalike_findings::id.eq_any(chunk)))
            .set(lookalike_findings::alerted_at.eq(to_db(at)))
            .execute(conn)?;
    }
    Ok(())
}

/// A mark to look for, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedMark {
    pub client_id: ClientId,
    /// The matter that records the mark; none for a client's brand term.
    pub matter_id: Option<MatterId>,
    pub term: String,
}

/// Every mark of every open matter, and every client's brand terms.
pub fn watched_marks(conn: &mut DbConn) -> Result<Vec<WatchedMark>, DbError> {
    let open = MatterStatus::Open;
    let marks: Vec<(ClientId, MatterId, String)> = matter_marks::table
        .inner_join(matters::table)
        .filter(matters::status.eq(open))
        .select((matters::client_id, matters::id, matter_marks::name))
        .load(conn)?;
    let terms: Vec<(ClientId, String)> = client_brand_terms::table
        .select((client_brand_terms::client_id, client_brand_terms::term))
        .load(conn)?;
    Ok(marks
        .into_iter()
        .map(|(client_id, matter_id, term)| WatchedMark {
            client_id,
            matter_id: Some(matter_id),
            term,
        })
        .chain(terms.into_iter().map(|(client_id, term)| WatchedMark {
            client_id,
            matter_id: None,
            term,
        }))
        .collect())
}

/// A brand term as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = client_brand_terms)]
pub struct BrandTerm {
    pub id: BrandTermId,
    pub client_id: ClientId,
    pub term: String,
    pub created_by: Option<UserId>,
    pub created_at: chrono::NaiveDateTime,
}

pub fn brand_terms(conn: &mut DbConn, client: &ClientId) -> Result<Vec<BrandTerm>, DbError> {
    Ok(client_brand_terms::table
        .filter(client_brand_terms::client_id.eq(client))
        .select(BrandTerm::as_select())
        .order(client_brand_terms::term.asc())
        .load(conn)?)
}

/// Adds a brand term (already checked by `model::lookalike::Mark`); the same term twice is
/// one term.
pub fn add_brand_term(
    conn: &mut DbConn,
    actor: &Actor,
    client: &ClientId,
    term: &str,
) -> Result<BrandTerm, DbError> {
    write_tx(conn, |conn| {
        let existing = client_brand_terms::table
            .filter(client_brand_terms::client_id.eq(client))
            .filter(client_brand_terms::term.eq(term))
            .select(BrandTerm::as_select())
            .first(conn)
            .optional()?;
        if let Some(term) = existing {
            return Ok(term);
        }
        let id = BrandTermId::new();
        diesel::insert_into(client_brand_terms::table)
            .values((
                client_brand_terms::id.eq(&id),
                client_brand_terms::client_id.eq(client),
                client_brand_terms::term.eq(term),
                client_brand_terms::created_by.eq(actor.user_id.as_ref()),
                client_brand_terms::created_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "lookalike.term_added",
                record_type: "client",
                record_id: Some(client.as_str()),
                summary: format!("Added the brand term '{term}' to the lookalike watch"),
                detail: json!({ "term": term }),
            },
        )?;
        client_brand_terms::table
            .find(&id)
            .select(BrandTerm::as_select())
            .first(conn)
            .map_err(DbError::from)
    })
}

/// Removes a brand term of a client; false when it had no such term.
pub fn remove_brand_term(
    conn: &mut DbConn,
    actor: &Actor,
    client: &ClientId,
    id: &BrandTermId,
) -> Result<bool, DbError> {
    write_tx(conn, |conn| {
        let term: Option<String> = client_brand_terms::table
            .filter(client_brand_terms::id.eq(id))
            .filter(client_brand_terms::client_id.eq(client))
            .select(client_brand_terms::term)
            .first(conn)
            .optional()?;
        let Some(term) = term else {
            return Ok(false);
        };
        diesel::delete(client_brand_terms::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "lookalike.term_removed",
                record_type: "client",
                record_id: Some(client.as_str()),
                summary: format!("Removed the brand term '{term}' from the lookalike watch"),
                detail: json!({ "term": term }),
            },
        )?;
        Ok(true)
    })
}
