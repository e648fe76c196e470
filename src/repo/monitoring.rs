//! Names under watch, the registry answers kept as evidence, the changes found between them and
//! the checks that failed.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use std::collections::{HashMap, HashSet};

use crate::db::schema::{
    after_catch_items, backorders, matters, monitored_domains, registry_answers, registry_changes,
    registry_check_errors, registry_snapshots,
};
use crate::db::sql::{among, verbatim};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::after_catch::ItemState;
use crate::model::answer_store::{self, AnswerCompression, StoredAnswer};
use crate::model::backorder::{Backorder, BackorderStatus};
use crate::model::changes::{ChangeKind, RecordChange};
use crate::model::digest::sha256_hex;
use crate::model::domain_name::DomainName;
use crate::model::ids::{ChangeId, CheckErrorId, ClientId, SnapshotId};
use crate::model::lifecycle::{Assessment, Phase};
use crate::model::matter::{Matter, MatterStatus};
use crate::model::monitoring::{
    MonitoredDomain, Snapshot, SnapshotMeta, SnapshotRow, Source, StoredChange,
};
use crate::model::paging::{DROPPING, Page, PageRequest, SNAPSHOTS, parse_time, time_part};
use crate::model::registry_record::RegistryRecord;
use crate::registry::Answer;
use crate::repo::keyset;
use crate::repo::matters::MatterScope;

/// Starts watching a name (nothing happens if it is watched already); the first check is due at
/// once.
pub fn ensure_monitored(
    conn: &mut DbConn,
    name: &DomainName,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if find(conn, name.ascii())?.is_some() {
        return Ok(());
    }
    diesel::insert_into(monitored_domains::table)
        .values((
            monitored_domains::domain.eq(name.ascii()),
            monitored_domains::unicode.eq(name.unicode()),
            monitored_domains::tld.eq(name.tld()),
            monitored_domains::next_check_at.eq(to_db(now)),
            monitored_domains::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, domain: &str) -> Result<Option<MonitoredDomain>, DbError> {
    Ok(monitored_domains::table
        .find(domain)
        .select(MonitoredDomain::as_select())
        .first(conn)
        .optional()?)
}

/// Claims up to `limit` names due for a check for `holder`, for `lease`: names whose time has
/// come, that an active backorder in an open matter seeks (or whose checklist after the catch
/// waits for the registry data), and that no other instance is checking. `holder` names this
/// claim: the sweep makes it unique (its instance and a claim id), so that the claimed names are
/// read back by it alone.
///
/// Two statements whatever the batch: one UPDATE takes the names (its condition on the lease
/// is evaluated again on each row it takes, so of two instances claiming at once each name
/// goes to one: SQLite runs one writer at a time, PostgreSQL re-checks a row another
/// transaction changed before updating it), one SELECT reads them back.
pub fn claim_due(
    conn: &mut DbConn,
    holder: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<MonitoredDomain>, DbError> {
    let now_db = to_db(now);
    let active: Vec<BackorderStatus> = BackorderStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_active())
        .collect();
    let sought = backorders::table
        .inner_join(matters::table)
        .filter(matters::status.eq(MatterStatus::Open))
        .filter(among(backorders::status, active.iter().map(|s| s.as_str())))
        .select(backorders::domain);
    // A caught name is no longer sought, but while its checklist is under way (in an open
    // matter) the registry is read for it: the items the data shows tick, and a lock removed meanwhile reopens its item.
    let after_catch = backorders::table
        .inner_join(after_catch_items::table)
        .inner_join(matters::table)
        .filter(matters::status.eq(MatterStatus::Open))
        .filter(among(
            backorders::status,
            crate::repo::after_catch::SECURED.iter().map(|s| s.as_str()),
        ))
        .filter(after_catch_items::state.eq(ItemState::Pending))
        .select(backorders::domain);
    // The names to take, read from the table under another name: the UPDATE below changes it.
    let due_names = diesel::alias!(monitored_domains as due_names);
    let lease_ends = due_names.field(monitored_domains::lease_expires_at);
    let due = due_names
        .filter(due_names.field(monitored_domains::next_check_at).le(now_db))
        .filter(lease_ends.is_null().or(lease_ends.lt(now_db)))
        .filter(
            due_names
                .field(monitored_domains::domain)
                .eq_any(sought)
                .or(due_names
                    .field(monitored_domains::domain)
                    .eq_any(after_catch)),
        )
        .order(due_names.field(monitored_domains::next_check_at))
        .limit(limit)
        .select(due_names.field(monitored_domains::domain));
    let free = monitored_domains::lease_expires_at
        .is_null()
        .or(monitored_domains::lease_expires_at.lt(now_db));
    write_tx(conn, |conn| {
        diesel::update(monitored_domains::table)
            .filter(monitored_domains::domain.eq_any(due))
            .filter(free)
            .set((
                monitored_domains::lease_holder.eq(holder),
                monitored_domains::lease_expires_at.eq(to_db(now + lease)),
            ))
            .execute(conn)?;
        Ok(monitored_domains::table
            .filter(monitored_domains::lease_holder.eq(holder))
            .order(monitored_domains::next_check_at)
            .select(MonitoredDomain::as_select())
            .load(conn)?)
    })
}

/// The holder of one claim of `instance`: unique per claim, so that a sweep reads back its own
/// names, and recognisable as the instance's by `instance_claims`.
pub fn claim_holder(instance: &str) -> String {
    format!("{instance}/{}", uuid::Uuid::now_v7().simple())
}

/// `lease_holder LIKE 'instance/%'`, with the instance's own `%`, `_` and `\` taken literally.
fn instance_claims(
    instance: &str,
) -> diesel::dsl::Escape<diesel::dsl::Like<monitored_domains::lease_holder, String>> {
    monitored_domains::lease_holder
        .like(crate::db::claims_of(instance))
        .escape('\\')
}

/// The heartbeat: extends the leases of every claim of `instance` until `until`.
pub fn renew_leases(
    conn: &mut DbConn,
    instance: &str,
    until: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(monitored_domains::table)
        .filter(instance_claims(instance))
        .set(monitored_domains::lease_expires_at.eq(Some(to_db(until))))
        .execute(conn)?;
    Ok(())
}

/// A stopping instance gives back the names of all its claims.
pub fn release_instance(conn: &mut DbConn, instance: &str) -> Result<(), DbError> {
    diesel::update(monitored_domains::table)
        .filter(instance_claims(instance))
        .set((
            monitored_domains::lease_holder.eq(None::<String>),
            monitored_domains::lease_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives back every name of a claim, in one statement.
pub fn release(conn: &mut DbConn, holder: &str) -> Result<(), DbError> {
    diesel::update(monitored_domains::table)
        .filter(monitored_domains::lease_holder.eq(holder))
        .set((
            monitored_domains::lease_holder.eq(None::<String>),
            monitored_domains::lease_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Keeps one answer, byte for byte: its bytes once per SHA-256 in `registry_answers`, its
/// metadata in a snapshot row.
pub fn insert_snapshot(
    conn: &mut DbConn,
    domain: &str,
    answer: &Answer,
    record: &RegistryRecord,
    phase: Phase,
    related_to: Option<&SnapshotId>,
) -> Result<SnapshotId, DbError> {
    let sha256 = store_answer(conn, &answer.raw)?;
    let parsed = serde_json::to_string(record).unwrap_or_default();
    insert_snapshot_row(
        conn,
        &SnapshotOf {
            domain,
            answer,
            sha256: &sha256,
            parsed: &parsed,
            registered: record.registered,
            phase,
            related_to,
        },
    )
}

/// A snapshot row to write: the answer's metadata and the hash of its bytes, stored already.
pub struct SnapshotOf<'a> {
    pub domain: &'a str,
    pub answer: &'a Answer,
    pub sha256: &'a str,
    pub parsed: &'a str,
    pub registered: bool,
    pub phase: Phase,
    pub related_to: Option<&'a SnapshotId>,
}

/// Writes a snapshot row whose answer is stored already (an unchanged answer: the same bytes as
/// the name's last snapshot).
pub fn insert_snapshot_row(conn: &mut DbConn, row: &SnapshotOf<'_>) -> Result<SnapshotId, DbError> {
    let id = SnapshotId::new();
    diesel::insert_into(registry_snapshots::table)
        .values((
            registry_snapshots::id.eq(&id),
            registry_snapshots::domain.eq(row.domain),
            registry_snapshots::source.eq(row.answer.source),
            registry_snapshots::server.eq(&row.answer.server),
            registry_snapshots::fetched_at.eq(to_db(row.answer.fetched_at)),
            registry_snapshots::http_status.eq(row.answer.http_status.map(i32::from)),
            registry_snapshots::sha256.eq(row.sha256),
            registry_snapshots::parsed.eq(row.parsed),
            registry_snapshots::registered.eq(row.registered),
            registry_snapshots::phase.eq(row.phase),
            registry_snapshots::related_to.eq(row.related_to),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Stores an answer's bytes unless an answer with the same SHA-256 is stored already; returns
/// the hash. Compressed only when new.
pub fn store_answer(conn: &mut DbConn, raw: &[u8]) -> Result<String, DbError> {
    let sha256 = sha256_hex(raw);
    let stored = registry_answers::table
        .find(&sha256)
        .select(registry_answers::sha256)
        .first::<String>(conn)
        .optional()?;
    if stored.is_none() {
        insert_answer(conn, &answer_store::store_hashed(raw, sha256.clone()))?;
    }
    Ok(sha256)
}

/// `ON CONFLICT DO NOTHING`: two instances on one PostgreSQL database may store the same
/// answer (an empty 404, the same "not found" text) at the same moment.
fn insert_answer(conn: &mut DbConn, answer: &StoredAnswer) -> Result<(), DbError> {
    use diesel::sql_types::{BigInt, Binary, Text};
    macro_rules! insert {
        ($conn:expr, $sql:literal) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(&answer.sha256)
                .bind::<Text, _>(answer.method.as_str())
                .bind::<BigInt, _>(answer.size)
                .bind::<Binary, _>(&answer.body)
                .execute($conn)?
        };
    }
    match conn {
        DbConn::Sqlite(c) => insert!(
            c,
            "INSERT INTO registry_answers (sha256, method, size, body) VALUES (?, ?, ?, ?) \
             ON CONFLICT (sha256) DO NOTHING"
        ),
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => insert!(
            c,
            "INSERT INTO registry_answers (sha256, method, size, body) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256) DO NOTHING"
        ),
    };
    Ok(())
}

/// The bytes of the answers with these hashes, as received (each checked against its hash and
/// size): one query per 500 hashes.
pub fn answers(conn: &mut DbConn, hashes: &[&str]) -> Result<HashMap<String, Vec<u8>>, DbError> {
    let wanted: Vec<&str> = hashes
        .iter()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(500) {
        let rows: Vec<(String, AnswerCompression, i64, Vec<u8>)> = registry_answers::table
            .filter(among(registry_answers::sha256, chunk))
            .select((
                registry_answers::sha256,
                registry_answers::method,
                registry_answers::size,
                registry_answers::body,
            ))
            .load(conn)?;
        for (sha256, method, size, body) in rows {
            let raw = StoredAnswer {
                sha256: sha256.clone(),
                method,
                size,
                body,
            }
            .restore()?;
            found.insert(sha256, raw);
        }
    }
    Ok(found)
}

/// Snapshot rows with their bytes, in the rows' order.
fn with_raw(conn: &mut DbConn, rows: Vec<SnapshotRow>) -> Result<Vec<Snapshot>, DbError> {
    let hashes: Vec<&str> = rows.iter().map(|r| r.sha256.as_str()).collect();
    let mut bytes = answers(conn, &hashes)?;
    // The last row of each hash takes the bytes; the others copy them.
    let mut last_use: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        last_use.insert(r.sha256.as_str(), i);
    }
    let last_use: HashMap<String, usize> = last_use
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let raw = if last_use.get(&row.sha256) == Some(&i) {
                bytes.remove(&row.sha256)
            } else {
                bytes.get(&row.sha256).cloned()
            };
            let raw = raw.ok_or_else(|| answer_store::AnswerError::Missing {
                sha256: row.sha256.clone(),
            })?;
            Ok(row.with_raw(raw))
        })
        .collect()
}

/// What a name's last check kept, as the sweep compares a new answer with it: the registry
/// answer's row (hash, status, what was read) and the registrar's answer kept with it.
#[derive(Debug, Clone)]
pub struct LastCheck {
    pub snapshot: SnapshotRow,
    /// The registrar's answer: its HTTP status and hash.
    pub registrar: Option<(Option<i32>, String)>,
}

/// The last checks of names, by their `last_snapshot_id`: two queries per 500 names, never
/// their history.
pub fn last_checks(
    conn: &mut DbConn,
    ids: &[SnapshotId],
) -> Result<HashMap<SnapshotId, LastCheck>, DbError> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<SnapshotRow> = registry_snapshots::table
            .filter(among(
                registry_snapshots::id,
                chunk.iter().map(|id| id.as_str()),
            ))
            .select(SnapshotRow::as_select())
            .load(conn)?;
        let mut registrars: HashMap<SnapshotId, (Option<i32>, String)> = registry_snapshots::table
            .filter(among(
                registry_snapshots::related_to,
                chunk.iter().map(|id| id.as_str()),
            ))
            .select((
                registry_snapshots::related_to.assume_not_null(),
                registry_snapshots::http_status,
                registry_snapshots::sha256,
            ))
            .load::<(SnapshotId, Option<i32>, String)>(conn)?
            .into_iter()
            .map(|(id, status, sha256)| (id, (status, sha256)))
            .collect();
        for row in rows {
            let registrar = registrars.remove(&row.id);
            found.insert(
                row.id.clone(),
                LastCheck {
                    snapshot: row,
                    registrar,
                },
            );
        }
    }
    Ok(found)
}

/// A past registry answer as the assessment reads it: no raw bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registry_snapshots)]
pub struct PastAnswer {
    pub id: SnapshotId,
    pub fetched_at: NaiveDateTime,
    pub parsed: String,
    pub phase: Phase,
}

impl PastAnswer {
    pub fn record(&self) -> RegistryRecord {
        serde_json::from_str(&self.parsed).unwrap_or_default()
    }
}

/// The registry answers (not the registrar follow-ups) the assessment needs, oldest first: the
/// first answer of every run of one phase with the answer just before it (so the time a
/// deletion or a pending delete was first seen survives months of hourly checks), and the latest
/// `recent`. Only ids and phases of the other answers are read.
pub fn assessment_history(
    conn: &mut DbConn,
    domain: &str,
    recent: usize,
) -> Result<Vec<PastAnswer>, DbError> {
    let heads: Vec<(SnapshotId, Phase)> = registry_snapshots::table
        .filter(registry_snapshots::domain.eq(domain))
        .filter(registry_snapshots::source.eq_any([Source::Rdap, Source::Whois]))
        .order((
            registry_snapshots::fetched_at.asc(),
            registry_snapshots::id.asc(),
        ))
        .select((registry_snapshots::id, registry_snapshots::phase))
        .load(conn)?;
    let n = heads.len();
    let mut keep = vec![false; n];
    for i in 0..n {
        if i == 0 || i + recent >= n || heads[i].1 != heads[i - 1].1 {
            keep[i] = true;
            if i > 0 {
                keep[i - 1] = true;
            }
        }
    }
    let wanted: Vec<SnapshotId> = heads
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((id, _), _)| id)
        .collect();
    let mut answers = Vec::with_capacity(wanted.len());
    // Bounded IN lists: SQLite and PostgreSQL both take 500 parameters at ease.
    for chunk in wanted.chunks(500) {
        answers.extend(
            registry_snapshots::table
                .filter(registry_snapshots::id.eq_any(chunk))
                .select(PastAnswer::as_select())
                .load::<PastAnswer>(conn)?,
        );
    }
    answers.sort_by(|a, b| (a.fetched_at, a.id.as_str()).cmp(&(b.fetched_at, b.id.as_str())));
    Ok(answers)
}

/// Every answer kept for a name with its bytes, oldest first (the evidence export): the rows,
/// then each distinct answer once.
pub fn all_snapshots(conn: &mut DbConn, domain: &str) -> Result<Vec<Snapshot>, DbError> {
    let rows = registry_snapshots::table
        .filter(registry_snapshots::domain.eq(domain))
        .order((
            registry_snapshots::fetched_at.asc(),
            registry_snapshots::id.asc(),
        ))
        .select(SnapshotRow::as_select())
        .load(conn)?;
    with_raw(conn, rows)
}

/// One page of the answers kept for a name (its timeline), newest first (`fetched_at DESC, id
/// DESC`, the key of [`SNAPSHOTS`]), without the bytes: read by the index on `(domain,
/// fetched_at, id)`, so a name checked thousands of times costs what the page shows.
pub fn snapshot_page(
    conn: &mut DbConn,
    domain: &str,
    request: &PageRequest,
) -> Result<Page<SnapshotMeta>, DbError> {
    let mut query = registry_snapshots::table
        .filter(registry_snapshots::domain.eq(domain))
        .select((
            registry_snapshots::id,
            registry_snapshots::fetched_at,
            registry_snapshots::source,
            registry_snapshots::server,
            registry_snapshots::http_status,
            registry_snapshots::sha256,
            registry_snapshots::registered,
            registry_snapshots::phase,
        ))
        .limit(request.fetch())
        .into_boxed();
    // Read backward for a "Previous" link (`model::paging`).
    query = if request.backward() {
        query.order((
            registry_snapshots::fetched_at.asc(),
            registry_snapshots::id.asc(),
        ))
    } else {
        query.order((
            registry_snapshots::fetched_at.desc(),
            registry_snapshots::id.desc(),
        ))
    };
    // The cursor's parts were checked when it was read (`model::paging`).
    if let Some([at, id]) = request.cursor()
        && let Ok(at) = parse_time(at)
    {
        query = keyset::seek!(query, request.backward();
            (desc registry_snapshots::fetched_at, at),
            (desc registry_snapshots::id, id.clone()),
        );
    }
    let rows: Vec<SnapshotMeta> = query.load(conn)?;
    Ok(Page::from_rows(rows, request, SNAPSHOTS, |s| {
        vec![time_part(&s.fetched_at), s.id.to_string()]
    }))
}

/// One answer kept, with its bytes (the raw answer page).
pub fn find_snapshot(conn: &mut DbConn, id: &SnapshotId) -> Result<Option<Snapshot>, DbError> {
    let Some(row) = find_snapshot_row(conn, id)? else {
        return Ok(None);
    };
    Ok(with_raw(conn, vec![row])?.pop())
}

/// One answer kept, without its bytes.
pub fn find_snapshot_row(
    conn: &mut DbConn,
    id: &SnapshotId,
) -> Result<Option<SnapshotRow>, DbError> {
    Ok(registry_snapshots::table
        .find(id)
        .select(SnapshotRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_changes(
    conn: &mut DbConn,
    domain: &str,
    snapshot: &SnapshotId,
    previous: Option<&SnapshotId>,
    changes: &[RecordChange],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    for change in changes {
        diesel::insert_into(registry_changes::table)
            .values((
                registry_changes::id.eq(ChangeId::new()),
                registry_changes::domain.eq(domain),
                registry_changes::snapshot_id.eq(snapshot),
                registry_changes::previous_snapshot_id.eq(previous),
                registry_changes::detected_at.eq(to_db(at)),
                registry_changes::kind.eq(change.kind),
                registry_changes::before_value.eq(&change.before),
                registry_changes::after_value.eq(&change.after),
                registry_changes::summary.eq(&change.summary),
                registry_changes::important.eq(change.important),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The changes found for a name, newest first.
pub fn changes(conn: &mut DbConn, domain: &str) -> Result<Vec<StoredChange>, DbError> {
    Ok(registry_changes::table
        .filter(registry_changes::domain.eq(domain))
        .order((
            registry_changes::detected_at.desc(),
            registry_changes::id.desc(),
        ))
        .select(StoredChange::as_select())
        .load(conn)?)
}

/// After a successful check of the watched name `watched` (its row as read before the check).
pub fn record_check(
    conn: &mut DbConn,
    watched: &MonitoredDomain,
    assessment: &Assessment,
    snapshot: &SnapshotId,
    checked_at: DateTime<Utc>,
    next_check: DateTime<Utc>,
) -> Result<(), DbError> {
    let (drop_earliest, drop_latest) = (
        assessment.drop_earliest.map(to_db),
        assessment.drop_latest.map(to_db),
    );
    // Most checks find the name where it was: its phase and drop window, which the dashboard's
    // indexes hold, are then not written, which spares SQLite rewriting their index entries
    // (issue 17: a quarter of the cost of recording an unchanged answer).
    let holds = watched.phase == assessment.phase
        && watched.drop_earliest == drop_earliest
        && watched.drop_latest == drop_latest
        && watched.assessment_reason == assessment.reason;
    let (domain, snapshot) = (watched.domain.as_str(), snapshot.as_str());
    let (checked_at, next_check) = (to_db(checked_at), to_db(next_check));
    if holds {
        RecordCheck {
            domain,
            assessed: (),
            snapshot,
            checked_at,
            next_check,
        }
        .execute(conn)?;
    } else {
        RecordCheck {
            domain,
            assessed: NewAssessment {
                phase: assessment.phase.as_str(),
                drop_earliest,
                drop_latest,
                reason: &assessment.reason,
            },
            snapshot,
            checked_at,
            next_check,
        }
        .execute(conn)?;
    }
    Ok(())
}

/// What [`RecordCheck`] writes of a name's assessment when it changed.
struct NewAssessment<'a> {
    phase: &'a str,
    drop_earliest: Option<NaiveDateTime>,
    drop_latest: Option<NaiveDateTime>,
    reason: &'a str,
}

/// [`record_check`]'s UPDATE, written out so that each connection prepares it once: diesel
/// prepares every `diesel::update` anew (its `UpdateStatement` is never kept in the statement
/// cache), which was a third of the cost of recording an unchanged answer in the sweep (issue
/// 17, profiled with perf). The table's and columns' names are `db::schema`'s. `A` is
/// [`NewAssessment`] or `()` (the assessment held): two statements, each with its own type, so
/// that the statement cache keeps them apart.
struct RecordCheck<'a, A> {
    domain: &'a str,
    assessed: A,
    snapshot: &'a str,
    checked_at: NaiveDateTime,
    next_check: NaiveDateTime,
}

/// The assessment part of [`RecordCheck`]'s statement, if any.
trait AssessedPart {
    /// The same type without its lifetime: the statement cache's key.
    type Static: 'static;
    fn part(&self) -> Option<&NewAssessment<'_>>;
}

impl AssessedPart for () {
    type Static = ();
    fn part(&self) -> Option<&NewAssessment<'_>> {
        None
    }
}

impl AssessedPart for NewAssessment<'_> {
    type Static = NewAssessment<'static>;
    fn part(&self) -> Option<&NewAssessment<'_>> {
        Some(self)
    }
}

impl<A: AssessedPart> diesel::query_builder::QueryId for RecordCheck<'_, A> {
    type QueryId = RecordCheck<'static, A::Static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB, A: AssessedPart> diesel::query_builder::QueryFragment<DB> for RecordCheck<'_, A>
where
    DB: diesel::backend::Backend,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
    Option<NaiveDateTime>:
        diesel::serialize::ToSql<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>, DB>,
    monitored_domains::table: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        use diesel::Column;
        use diesel::sql_types::{Nullable, Text, Timestamp};
        use monitored_domains as m;
        // The names come from `db::schema`, so the compiler checks them as it would a DSL query.
        out.push_sql("UPDATE ");
        m::table.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        fn set<DB: diesel::backend::Backend>(
            out: &mut diesel::query_builder::AstPass<'_, '_, DB>,
            name: &str,
        ) -> QueryResult<()> {
            out.push_identifier(name)?;
            out.push_sql(" = ");
            Ok(())
        }
        if let Some(new) = self.assessed.part() {
            set(&mut out, m::phase::NAME)?;
            out.push_bind_param::<Text, _>(new.phase)?;
            out.push_sql(", ");
            set(&mut out, m::drop_earliest::NAME)?;
            out.push_bind_param::<Nullable<Timestamp>, _>(&new.drop_earliest)?;
            out.push_sql(", ");
            set(&mut out, m::drop_latest::NAME)?;
            out.push_bind_param::<Nullable<Timestamp>, _>(&new.drop_latest)?;
            out.push_sql(", ");
            set(&mut out, m::assessment_reason::NAME)?;
            out.push_bind_param::<Text, _>(new.reason)?;
            out.push_sql(", ");
        }
        set(&mut out, m::last_snapshot_id::NAME)?;
        out.push_bind_param::<Text, _>(self.snapshot)?;
        out.push_sql(", ");
        set(&mut out, m::last_checked_at::NAME)?;
        out.push_bind_param::<Timestamp, _>(&self.checked_at)?;
        out.push_sql(", ");
        set(&mut out, m::next_check_at::NAME)?;
        out.push_bind_param::<Timestamp, _>(&self.next_check)?;
        out.push_sql(", ");
        set(&mut out, m::failures::NAME)?;
        out.push_sql("0, ");
        set(&mut out, m::last_error::NAME)?;
        out.push_sql("NULL WHERE ");
        out.push_identifier(m::domain::NAME)?;
        out.push_sql(" = ");
        out.push_bind_param::<Text, _>(self.domain)?;
        Ok(())
    }
}

impl<Conn, A> RunQueryDsl<Conn> for RecordCheck<'_, A> {}

/// After a failed check: the error is kept, and the next try is later.
pub fn record_failure(
    conn: &mut DbConn,
    domain: &str,
    at: DateTime<Utc>,
    server: &str,
    kind: &str,
    message: &str,
    next_check: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(registry_check_errors::table)
        .values((
            registry_check_errors::id.eq(CheckErrorId::new()),
            registry_check_errors::domain.eq(domain),
            registry_check_errors::at.eq(to_db(at)),
            registry_check_errors::server.eq(server),
            registry_check_errors::kind.eq(kind),
            registry_check_errors::message.eq(message),
        ))
        .execute(conn)?;
    diesel::update(monitored_domains::table.find(domain))
        .set((
            monitored_domains::failures.eq(monitored_domains::failures + 1),
            monitored_domains::last_error.eq(message),
            monitored_domains::next_check_at.eq(to_db(next_check)),
        ))
        .execute(conn)?;
    Ok(())
}

/// One failed check, for display.
#[derive(Debug, Clone, Queryable)]
pub struct CheckError {
    pub at: NaiveDateTime,
    pub server: String,
    pub kind: String,
    pub message: String,
}

pub fn check_errors(
    conn: &mut DbConn,
    domain: &str,
    limit: i64,
) -> Result<Vec<CheckError>, DbError> {
    Ok(registry_check_errors::table
        .filter(registry_check_errors::domain.eq(domain))
        .order(registry_check_errors::at.desc())
        .limit(limit)
        .select((
            registry_check_errors::at,
            registry_check_errors::server,
            registry_check_errors::kind,
            registry_check_errors::message,
        ))
        .load(conn)?)
}

/// A name a backorder seeks, with its backorder, its matter and what monitoring knows of it.
pub type SoughtName = (Backorder, Matter, MonitoredDomain);

/// `matters.status = 'open'` as a condition no index serves (see [`about_to_drop`]); the same
/// text as `MatterStatus::Open` (checked by a test).
const OPEN_MATTER: &str = "matters.status || '' = 'open'";

/// At most how many names about to drop are counted: beyond, the dashboard says "more than".
pub const DROPPING_COUNTED: usize = 100;

/// A page of the names about to drop, and how many there are.
#[derive(Debug)]
pub struct Dropping {
    /// The page's rows in the list's order.
    pub page: Page<SoughtName>,
    /// How many there are in all, counted up to [`DROPPING_COUNTED`] + 1 (0 when not asked).
    pub counted: usize,
}

impl Dropping {
    /// Whether there are more than [`DROPPING_COUNTED`] (the count stopped there).
    pub fn more_than_counted(&self) -> bool {
        self.counted > DROPPING_COUNTED
    }
}

/// The names about to drop that active backorders of open matters (of one client, if given)
/// seek: in pending delete, already free, or predicted to drop by `until`; each with the
/// backorder and its matter. A page in the list's order ([`DROPPING`]): free or in pending
/// delete without a prediction first (part 0, by name), then by predicted drop (part 1, then by
/// A-label); counted (up to [`DROPPING_COUNTED`]) if `count`.
///
/// Issue 17: the cost follows the rows shown, not the firm. One query per part of that order,
/// each read in its order by an index and stopped at the page's size (the free names by
/// `monitored_domains_free_since` and `registry_changes_kind_at`, a firm's recent events; the
/// dated ones by `monitored_domains_dropping`, which leaves out the free names however many
/// dropped over the years); the count stops at [`DROPPING_COUNTED`].
pub fn about_to_drop(
    conn: &mut DbConn,
    until: NaiveDateTime,
    since: NaiveDateTime,
    client: Option<&ClientId>,
    request: &PageRequest,
    count: bool,
) -> Result<Dropping, DbError> {
    let active: Vec<BackorderStatus> = BackorderStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_active())
        .collect();
    let sought = || {
        let mut query = backorders::table
            .inner_join(matters::table)
            .inner_join(
                monitored_domains::table.on(monitored_domains::domain.eq(backorders::domain)),
            )
            .filter(among(backorders::status, active.iter().map(|s| s.as_str())))
            // Open matters, written so that no index serves it (`|| ''`): nearly every matter
            // is open, and SQLite's planner, reading them first by their status, went through
            // every backorder of the firm before the few names about to drop (issue 17).
            .filter(verbatim::<Bool>(OPEN_MATTER))
            .into_boxed();
        if let Some(client) = client {
            query = query.filter(matters::client_id.eq(client.clone()));
        }
        query
    };
    // Part 0: free since `since` (seen becoming free then, or watched only since then), or in
    // pending delete without a predicted drop. Names seen free long ago have left.
    let undated = || {
        sought().filter(
            monitored_domains::phase
                .eq(Phase::Available)
                .and(
                    monitored_domains::created_at
                        .ge(since)
                        .or(monitored_domains::domain.eq_any(
                            registry_changes::table
                                .filter(registry_changes::kind.eq(ChangeKind::Availability))
                                .filter(registry_changes::detected_at.ge(since))
                                .select(registry_changes::domain),
                        )),
                )
                .or(monitored_domains::phase
                    .eq(Phase::PendingDelete)
                    .and(monitored_domains::drop_earliest.is_null())),
        )
    };
    // Part 1: predicted to drop by `until`, in a window not over before `since` (in pending
    // delete, whatever the window). The phase is written as the partial index's own condition,
    // a literal: SQLite uses a partial index only for a query whose terms imply its WHERE.
    let dated = || {
        sought()
            .filter(verbatim::<Bool>("monitored_domains.phase <> 'available'"))
            .filter(monitored_domains::drop_earliest.le(until))
            .filter(
                monitored_domains::phase
                    .eq(Phase::PendingDelete)
                    .or(monitored_domains::drop_latest.is_null())
                    .or(monitored_domains::drop_latest.ge(since)),
            )
    };
    let columns = (
        Backorder::as_select(),
        Matter::as_select(),
        MonitoredDomain::as_select(),
    );
    // Where the page starts: its part, and the key within it (checked when the cursor was read).
    let cursor = request.cursor().and_then(|key| match key {
        [part, at, unicode, id] => Some((
            part.as_str(),
            parse_time(at).ok(),
            unicode.clone(),
            id.clone(),
        )),
        _ => None,
    });
    let backward = request.backward();
    let fetch = request.fetch();
    let room = |rows: &Vec<SoughtName>| fetch - i64::try_from(rows.len()).unwrap_or(fetch);
    // Part 0 is read unless the page starts after it (forward from part 1).
    let read_undated = |rows: &mut Vec<SoughtName>, conn: &mut DbConn| {
        let mut query = undated();
        if let Some(("0", _, unicode, id)) = &cursor {
            query = keyset::seek!(query, backward;
                (backorders::unicode, unicode.clone()),
                (backorders::id, id.clone()),
            );
        }
        query = if backward {
            query.order((backorders::unicode.desc(), backorders::id.desc()))
        } else {
            query.order((backorders::unicode, backorders::id))
        };
        rows.extend(
            query
                .limit(room(rows))
                .select(columns)
                .load::<SoughtName>(conn)?,
        );
        Ok::<_, DbError>(())
    };
    let read_dated = |rows: &mut Vec<SoughtName>, conn: &mut DbConn| {
        let mut query = dated();
        if let Some(("1", Some(at), domain, id)) = &cursor {
            query = keyset::seek!(query, backward;
                (monitored_domains::drop_earliest, *at),
                (monitored_domains::domain, domain.clone()),
                (backorders::id, id.clone()),
            );
        }
        // The index's own order (the drop, then the name's A-label): registries drop many names
        // at the same predicted time, and an order the index holds stops at the page's rows.
        query = if backward {
            query.order((
                monitored_domains::drop_earliest.desc(),
                monitored_domains::domain.desc(),
                backorders::id.desc(),
            ))
        } else {
            query.order((
                monitored_domains::drop_earliest,
                monitored_domains::domain,
                backorders::id,
            ))
        };
        rows.extend(
            query
                .limit(room(rows))
                .select(columns)
                .load::<SoughtName>(conn)?,
        );
        Ok::<_, DbError>(())
    };
    let mut rows: Vec<SoughtName> = Vec::new();
    let starts_in = cursor.as_ref().map(|(part, ..)| *part);
    if backward {
        // Backward: part 1 from the cursor (if it is there), then part 0.
        if starts_in == Some("1") {
            read_dated(&mut rows, conn)?;
        }
        if room(&rows) > 0 {
            read_undated(&mut rows, conn)?;
        }
    } else {
        if starts_in != Some("1") {
            read_undated(&mut rows, conn)?;
        }
        if room(&rows) > 0 {
            read_dated(&mut rows, conn)?;
        }
    }
    let page = Page::from_rows(rows, request, DROPPING, |(backorder, _, watched)| {
        match (watched.phase, watched.drop_earliest) {
            (Phase::Available, _) | (_, None) => vec![
                "0".to_owned(),
                "-".to_owned(),
                backorder.unicode.clone(),
                backorder.id.to_string(),
            ],
            (_, Some(at)) => vec![
                "1".to_owned(),
                time_part(&at),
                watched.domain.clone(),
                backorder.id.to_string(),
            ],
        }
    });
    // Counted by their ids, up to the cap: a count past the rows shown reads the index only.
    let mut counted = 0;
    if count {
        let counting = i64::try_from(DROPPING_COUNTED + 1).unwrap_or(i64::MAX);
        counted = undated()
            .select(backorders::id)
            .limit(counting)
            .load::<String>(conn)?
            .len();
        if counted <= DROPPING_COUNTED {
            counted += dated()
                .select(backorders::id)
                .limit(counting - i64::try_from(counted).unwrap_or(counting))
                .load::<String>(conn)?
                .len();
        }
    }
    Ok(Dropping { page, counted })
}

/// The monitoring state of several names at once (for the matter page).
pub fn find_many(conn: &mut DbConn, domains: &[String]) -> Result<Vec<MonitoredDomain>, DbError> {
    Ok(monitored_domains::table
        .filter(among(monitored_domains::domain, domains))
        .select(MonitoredDomain::as_select())
        .load(conn)?)
}

/// What monitoring knows of the names a scope's backorders seek.
pub fn watched_in(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<MonitoredDomain>, DbError> {
    let sought = backorders::table
        .filter(backorders::matter_id.eq_any(scope.ids()))
        .select(backorders::domain);
    Ok(monitored_domains::table
        .filter(monitored_domains::domain.eq_any(sought))
        .select(MonitoredDomain::as_select())
        .load(conn)?)
}

/// Changes on the names a scope's backorders seek, newest first: those after `after` if
/// given, at most `limit`.
pub fn changes_in(
    conn: &mut DbConn,
    scope: &MatterScope,
    after: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<StoredChange>, DbError> {
    let sought = backorders::table
        .filter(backorders::matter_id.eq_any(scope.ids()))
        .select(backorders::domain);
    let mut query = registry_changes::table
        .filter(registry_changes::domain.eq_any(sought))
        .into_boxed();
    // No floor at all rather than a far past one: PostgreSQL refuses instants before 4713 BC.
    if let Some(after) = after {
        query = query.filter(registry_changes::detected_at.gt(after));
    }
    Ok(query
        .order((
            registry_changes::detected_at.desc(),
            registry_changes::id.desc(),
        ))
        .limit(limit)
        .select(StoredChange::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DatabaseUrl, migrations};

    #[test]
    fn the_open_matter_condition_names_the_open_status() {
        assert_eq!(
            OPEN_MATTER,
            format!("matters.status || '' = '{}'", MatterStatus::Open.as_str())
        );
    }

    /// `record_check` writes the assessment only when it changed: a check that finds the name
    /// where the sweep's claim saw it leaves the phase and drop window as they are (here changed
    /// by another writer meanwhile), one that moves it writes them.
    #[test]
    fn a_check_writes_the_assessment_only_when_it_moved() {
        let mut c = DatabaseUrl::SqliteMemory.connect().unwrap();
        migrations::run_pending(&mut c).unwrap();
        let now = Utc::now();
        let name = DomainName::parse("steady.com").unwrap();
        ensure_monitored(&mut c, &name, now).unwrap();
        let answer = Answer {
            source: Source::Rdap,
            server: "https://rdap.example/".to_owned(),
            fetched_at: now,
            http_status: Some(200),
            raw: b"{}".to_vec(),
        };
        let snapshot = insert_snapshot(
            &mut c,
            "steady.com",
            &answer,
            &RegistryRecord::default(),
            Phase::Active,
            None,
        )
        .unwrap();
        let claimed = find(&mut c, "steady.com").unwrap().unwrap();
        let held = Assessment {
            phase: claimed.phase,
            drop_earliest: claimed.drop_earliest.map(|t| t.and_utc()),
            drop_latest: claimed.drop_latest.map(|t| t.and_utc()),
            reason: claimed.assessment_reason.clone(),
        };
        // Another writer (a check by hand) moves the name after the sweep claimed it.
        diesel::update(monitored_domains::table.find("steady.com"))
            .set(monitored_domains::phase.eq(Phase::PendingDelete))
            .execute(&mut c)
            .unwrap();
        let next = now + Duration::hours(6);
        record_check(&mut c, &claimed, &held, &snapshot, now, next).unwrap();
        let row = find(&mut c, "steady.com").unwrap().unwrap();
        assert_eq!(
            row.phase,
            Phase::PendingDelete,
            "the newer assessment stays"
        );
        assert_eq!(row.last_snapshot_id.as_ref(), Some(&snapshot));
        assert_eq!(row.last_checked_at, Some(to_db(now)));
        assert_eq!(row.next_check_at, to_db(next));
        assert_eq!(row.failures, 0);

        let drop = now + Duration::days(30);
        let moved = Assessment {
            phase: Phase::Redemption,
            drop_earliest: Some(drop),
            drop_latest: Some(drop + Duration::days(5)),
            reason: "in redemption".to_owned(),
        };
        record_check(&mut c, &claimed, &moved, &snapshot, now, next).unwrap();
        let row = find(&mut c, "steady.com").unwrap().unwrap();
        assert_eq!(row.phase, Phase::Redemption);
        assert_eq!(row.drop_earliest, Some(to_db(drop)));
        assert_eq!(row.drop_latest, Some(to_db(drop + Duration::days(5))));
        assert_eq!(row.assessment_reason, "in redemption");
    }

    #[test]
    fn an_instance_renews_and_gives_back_only_its_own_claims_whatever_its_name() {
        let mut c = DatabaseUrl::SqliteMemory.connect().unwrap();
        migrations::run_pending(&mut c).unwrap();
        let now = Utc::now();
        // `_` and `%` are LIKE wildcards: "host_1" must not match "hostX1"'s claims.
        let holders = [
            ("a-crash.com", claim_holder("host_1%")),
            ("b-crash.com", claim_holder("hostX1")),
            ("c-crash.com", claim_holder("hostX1%")),
        ];
        for (domain, holder) in &holders {
            ensure_monitored(&mut c, &DomainName::parse(domain).unwrap(), now).unwrap();
            diesel::update(monitored_domains::table.find(domain))
                .set((
                    monitored_domains::lease_holder.eq(holder),
                    monitored_domains::lease_expires_at.eq(to_db(now)),
                ))
                .execute(&mut c)
                .unwrap();
        }
        let until = now + Duration::seconds(40);
        renew_leases(&mut c, "host_1%", until).unwrap();
        let lease = |c: &mut DbConn, d: &str| {
            let m = find(c, d).unwrap().unwrap();
            (m.lease_holder.is_some(), m.lease_expires_at)
        };
        assert_eq!(lease(&mut c, "a-crash.com"), (true, Some(to_db(until))));
        assert_eq!(lease(&mut c, "b-crash.com"), (true, Some(to_db(now))));
        assert_eq!(lease(&mut c, "c-crash.com"), (true, Some(to_db(now))));
        release_instance(&mut c, "host_1%").unwrap();
        assert_eq!(lease(&mut c, "a-crash.com"), (false, None));
        assert_eq!(lease(&mut c, "b-crash.com").0, true);
        assert_eq!(lease(&mut c, "c-crash.com").0, true);
    }
}
