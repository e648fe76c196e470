//! Backorders on a matter, their status history (who or what changed it, and why) and the catch
//! channels they are placed with.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{backorder_events, backorders, catch_channels, clients, matters};
use crate::db::sql::among;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::backorder::{
    Backorder, BackorderEvent, BackorderStatus, CatchChannel, CatchService, ChannelStatus,
    Conflict, LineProblem, Priority, TransitionError, path_to, status_from_channels,
};
use crate::model::domain_name::DomainName;
use crate::model::ids::{BackorderEventId, BackorderId, ChannelId, ClientId, MatterId, UserId};
use crate::model::matter::{Matter, MatterStatus};
use crate::model::money::Currency;
use crate::model::paging::{MATTER_NAMES, Page, PageRequest};
use crate::repo::audit::{self, Change};
use crate::repo::keyset;
use crate::repo::matters::{self as matter_repo, MatterScope};

/// A checked new backorder.
#[derive(Debug, Clone)]
pub struct NewBackorder {
    pub domain: DomainName,
    pub priority: Priority,
    pub max_bid_minor: Option<i64>,
    pub currency: Currency,
    pub notes: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackorderError {
    #[error("The matter does not exist.")]
    MatterNotFound,
    #[error("Matter {0} is closed; reopen it to change its backorders.")]
    MatterClosed(String),
    #[error("{0} is already a backorder of this matter.")]
    Duplicate(String),
    #[error("{} is already sought for another client: {}. Check the conflict of interest, then confirm to go ahead.", .domain, describe(.conflicts))]
    ConflictNeedsConfirmation {
        domain: String,
        conflicts: Vec<Conflict>,
    },
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error("The backorder does not exist.")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

fn describe(conflicts: &[Conflict]) -> String {
    conflicts
        .iter()
        .map(|c| format!("matter {} of {}", c.reference, c.client_name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<diesel::result::Error> for BackorderError {
    fn from(e: diesel::result::Error) -> Self {
        BackorderError::Db(e.into())
    }
}

#[derive(Insertable)]
#[diesel(table_name = backorders)]
struct BackorderRow<'a> {
    id: &'a BackorderId,
    matter_id: &'a MatterId,
    domain: &'a str,
    unicode: &'a str,
    tld: &'a str,
    status: BackorderStatus,
    priority: Priority,
    max_bid_minor: Option<i64>,
    currency: &'a str,
    notes: &'a str,
    conflict_confirmed_by: Option<&'a UserId>,
    conflict_confirmed_at: Option<NaiveDateTime>,
    created_by: Option<&'a UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Open matters of other clients with an active backorder on `domain` (A-label).
pub fn conflicts(
    conn: &mut DbConn,
    domain: &str,
    client_id: &ClientId,
) -> Result<Vec<Conflict>, DbError> {
    Ok(conflicts_in(conn, &[domain.to_owned()], client_id)?
        .into_iter()
        .map(|(_, conflict)| conflict)
        .collect())
}

/// For each of these names (A-labels), the open matters of other clients with an active
/// backorder on it: (name, conflict), by name then reference. One query per 500 names.
pub fn conflicts_in(
    conn: &mut DbConn,
    domains: &[String],
    client_id: &ClientId,
) -> Result<Vec<(String, Conflict)>, DbError> {
    let active: Vec<BackorderStatus> = BackorderStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_active())
        .collect();
    let mut found: Vec<(String, Conflict)> = Vec::new();
    // Bounded IN lists: SQLite and PostgreSQL both take 500 parameters at ease.
    for chunk in domains.chunks(500) {
        let rows: Vec<(String, MatterId, String, ClientId, String)> = backorders::table
            .inner_join(matters::table.inner_join(clients::table))
            .filter(backorders::domain.eq_any(chunk))
            .filter(backorders::status.eq_any(&active))
            .filter(matters::status.eq(MatterStatus::Open))
            .filter(matters::client_id.ne(client_id))
            .order((backorders::domain, matters::reference))
            .select((
                backorders::domain,
                matters::id,
                matters::reference,
                clients::id,
                clients::name,
            ))
            .load(conn)?;
        found.extend(rows.into_iter().map(
            |(domain, matter_id, reference, client_id, client_name)| {
                (
                    domain,
                    Conflict {
                        matter_id,
                        reference,
                        client_id,
                        client_name,
                    },
                )
            },
        ));
    }
    found.dedup_by(|a, b| a.0 == b.0 && a.1.matter_id == b.1.matter_id);
    Ok(found)
}

fn open_matter(conn: &mut DbConn, matter_id: &MatterId) -> Result<Matter, BackorderError> {
    let matter = matter_repo::find(conn, matter_id)?.ok_or(BackorderError::MatterNotFound)?;
    if matter.status == MatterStatus::Closed {
        return Err(BackorderError::MatterClosed(matter.reference));
    }
    Ok(matter)
}

fn insert(
    conn: &mut DbConn,
    actor: &Actor,
    matter: &Matter,
    new: &NewBackorder,
    confirm_conflict: bool,
) -> Result<Backorder, BackorderError> {
    let existing: i64 = backorders::table
        .filter(backorders::matter_id.eq(&matter.id))
        .filter(backorders::domain.eq(new.domain.ascii()))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Err(BackorderError::Duplicate(new.domain.unicode().to_owned()));
    }
    let found = conflicts(conn, new.domain.ascii(), &matter.client_id)?;
    if !found.is_empty() && !confirm_conflict {
        return Err(BackorderError::ConflictNeedsConfirmation {
            domain: new.domain.unicode().to_owned(),
            conflicts: found,
        });
    }
    let id = insert_checked(conn, actor, matter, new, &found)?;
    find(conn, &id)?.ok_or(BackorderError::NotFound)
}

/// Writes a backorder whose name is not yet in the matter; `found` are the conflicts its
/// attachment confirms.
fn insert_checked(
    conn: &mut DbConn,
    actor: &Actor,
    matter: &Matter,
    new: &NewBackorder,
    found: &[Conflict],
) -> Result<BackorderId, BackorderError> {
    let id = BackorderId::new();
    let now = to_db(actor.at);
    let confirmed = !found.is_empty();
    diesel::insert_into(backorders::table)
        .values(BackorderRow {
            id: &id,
            matter_id: &matter.id,
            domain: new.domain.ascii(),
            unicode: new.domain.unicode(),
            tld: new.domain.tld(),
            status: BackorderStatus::Watching,
            priority: new.priority,
            max_bid_minor: new.max_bid_minor,
            currency: new.currency.as_str(),
            notes: &new.notes,
            conflict_confirmed_by: if confirmed {
                actor.user_id.as_ref()
            } else {
                None
            },
            conflict_confirmed_at: confirmed.then_some(now),
            created_by: actor.user_id.as_ref(),
            created_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    record_event(
        conn,
        actor,
        &id,
        None,
        BackorderStatus::Watching,
        "backorder attached",
    )?;
    crate::repo::monitoring::ensure_monitored(conn, &new.domain, actor.at)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "backorder.attached",
            record_type: "backorder",
            record_id: Some(id.as_str()),
            summary: format!(
                "Attached a backorder on {} to matter {}",
                new.domain.unicode(),
                matter.reference
            ),
            detail: json!({
                "matter_id": matter.id,
                "domain": new.domain.ascii(),
                "priority": new.priority,
                "max_bid_minor": new.max_bid_minor,
                "currency": new.currency.as_str(),
            }),
        },
    )?;
    if confirmed {
        audit::record(
            conn,
            actor,
            Change {
                action: "backorder.conflict_confirmed",
                record_type: "backorder",
                record_id: Some(id.as_str()),
                summary: format!(
                    "Confirmed a conflict check: {} is also sought for {}",
                    new.domain.unicode(),
                    describe(found)
                ),
                detail: json!({ "conflicts": found }),
            },
        )?;
    }
    Ok(id)
}

/// Attaches a backorder to an open matter. When another client's open matter already seeks the
/// name, the caller must confirm (`confirm_conflict`); the confirmation is audited.
pub fn attach(
    conn: &mut DbConn,
    actor: &Actor,
    matter_id: &MatterId,
    new: &NewBackorder,
    confirm_conflict: bool,
) -> Result<Backorder, BackorderError> {
    write_tx(conn, |conn| {
        let matter = open_matter(conn, matter_id)?;
        insert(conn, actor, &matter, new, confirm_conflict)
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} line(s) cannot be imported; nothing was imported.", .0.len())]
    Lines(Vec<LineProblem>),
    #[error("{} of the names are already sought for other clients; check the conflicts, then confirm to go ahead.", .0.len())]
    Conflicts(Vec<(String, Vec<Conflict>)>),
    #[error(transparent)]
    Backorder(#[from] BackorderError),
}

impl From<DbError> for ImportError {
    fn from(e: DbError) -> Self {
        ImportError::Backorder(e.into())
    }
}

/// Imports backorders, all or nothing. `lines` are the checked lines with their line numbers;
/// names already in the matter are reported as line problems, conflicts need confirmation.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    matter_id: &MatterId,
    lines: &[(usize, String, NewBackorder)],
    confirm_conflicts: bool,
) -> Result<Vec<Backorder>, ImportError> {
    write_tx(conn, |conn| {
        let matter = open_matter(conn, matter_id)?;
        let existing: Vec<String> = backorders::table
            .filter(backorders::matter_id.eq(&matter.id))
            .select(backorders::domain)
            .load(conn)
            .map_err(DbError::from)?;
        let mut problems = Vec::new();
        for (line, text, new) in lines {
            if existing.iter().any(|d| d == new.domain.ascii()) {
                problems.push(LineProblem {
                    line: *line,
                    text: text.clone(),
                    message: format!(
                        "{} is already a backorder of this matter.",
                        new.domain.unicode()
                    ),
                });
            }
        }
        if !problems.is_empty() {
            return Err(ImportError::Lines(problems));
        }
        let domains: Vec<String> = lines
            .iter()
            .map(|(_, _, new)| new.domain.ascii().to_owned())
            .collect();
        let found = conflicts_in(conn, &domains, &matter.client_id)?;
        let conflicts_of = |domain: &str| -> Vec<Conflict> {
            found
                .iter()
                .filter(|(d, _)| d == domain)
                .map(|(_, c)| c.clone())
                .collect()
        };
        let all_conflicts: Vec<(String, Vec<Conflict>)> = lines
            .iter()
            .map(|(_, _, new)| {
                (
                    new.domain.unicode().to_owned(),
                    conflicts_of(new.domain.ascii()),
                )
            })
            .filter(|(_, list)| !list.is_empty())
            .collect();
        if !all_conflicts.is_empty() && !confirm_conflicts {
            return Err(ImportError::Conflicts(all_conflicts));
        }
        let mut ids = Vec::with_capacity(lines.len());
        for (_, _, new) in lines {
            ids.push(insert_checked(
                conn,
                actor,
                &matter,
                new,
                &conflicts_of(new.domain.ascii()),
            )?);
        }
        // Read back in one query, in the order of the lines.
        let mut written: std::collections::HashMap<BackorderId, Backorder> =
            for_matter(conn, &matter.id)?
                .into_iter()
                .map(|b| (b.id.clone(), b))
                .collect();
        let created: Vec<Backorder> = ids.iter().filter_map(|id| written.remove(id)).collect();
        audit::record(
            conn,
            actor,
            Change {
                action: "backorder.imported",
                record_type: "matter",
                record_id: Some(matter.id.as_str()),
                summary: format!(
                    "Imported {} backorder(s) into matter {}",
                    created.len(),
                    matter.reference
                ),
                detail: json!({ "domains": created.iter().map(|b| &b.domain).collect::<Vec<_>>() }),
            },
        )?;
        Ok(created)
    })
}

pub fn find(conn: &mut DbConn, id: &BackorderId) -> Result<Option<Backorder>, DbError> {
    Ok(backorders::table
        .find(id)
        .select(Backorder::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_matter(conn: &mut DbConn, matter_id: &MatterId) -> Result<Vec<Backorder>, DbError> {
    Ok(backorders::table
        .filter(backorders::matter_id.eq(matter_id))
        .order(backorders::unicode)
        .select(Backorder::as_select())
        .load(conn)?)
}

/// The status history, oldest first.
pub fn events(conn: &mut DbConn, id: &BackorderId) -> Result<Vec<BackorderEvent>, DbError> {
    Ok(backorder_events::table
        .filter(backorder_events::backorder_id.eq(id))
        .order((backorder_events::at.asc(), backorder_events::id.asc()))
        .select(BackorderEvent::as_select())
        .load(conn)?)
}

pub fn channels(conn: &mut DbConn, id: &BackorderId) -> Result<Vec<CatchChannel>, DbError> {
    Ok(catch_channels::table
        .filter(catch_channels::backorder_id.eq(id))
        .order(catch_channels::created_at)
        .select(CatchChannel::as_select())
        .load(conn)?)
}

/// The backorders of a scope's matters, by name.
pub fn in_scope(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<Backorder>, DbError> {
    Ok(backorders::table
        .filter(backorders::matter_id.eq_any(scope.ids()))
        .order(backorders::unicode)
        .select(Backorder::as_select())
        .load(conn)?)
}

/// One page of a matter's names, in [`MATTER_NAMES`] order (index `backorders_matter_names`).
pub fn page_of_matter(
    conn: &mut DbConn,
    matter: &MatterId,
    request: &PageRequest,
) -> Result<Page<Backorder>, DbError> {
    let mut query = backorders::table
        .filter(backorders::matter_id.eq(matter))
        .into_boxed();
    // Read backward for a "Previous" link (`model::paging`).
    query = if request.backward() {
        query.order((backorders::unicode.desc(), backorders::id.desc()))
    } else {
        query.order((backorders::unicode.asc(), backorders::id.asc()))
    };
    // The cursor's parts were checked when it was read (`model::paging`).
    if let Some([unicode, id]) = request.cursor() {
        query = keyset::seek!(query, request.backward();
            (backorders::unicode, unicode.clone()),
            (backorders::id, id.clone()),
        );
    }
    let rows = query
        .limit(request.fetch())
        .select(Backorder::as_select())
        .load(conn)?;
    Ok(Page::from_rows(rows, request, MATTER_NAMES, |b| {
        vec![b.unicode.clone(), b.id.to_string()]
    }))
}

/// How many names a matter seeks.
pub fn count_in_matter(conn: &mut DbConn, matter: &MatterId) -> Result<i64, DbError> {
    Ok(backorders::table
        .filter(backorders::matter_id.eq(matter))
        .count()
        .get_result(conn)?)
}

/// The catch channels of some backorders (a page of a matter's names, at most
/// [`crate::model::paging::MAX_LIMIT`]), oldest first.
pub fn channels_of_backorders(
    conn: &mut DbConn,
    ids: &[BackorderId],
) -> Result<Vec<CatchChannel>, DbError> {
    Ok(catch_channels::table
        .filter(among(
            catch_channels::backorder_id,
            ids.iter().map(|id| id.as_str()),
        ))
        .order(catch_channels::created_at)
        .select(CatchChannel::as_select())
        .load(conn)?)
}

/// The catch channels of a scope's backorders, oldest first.
pub fn channels_in(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<CatchChannel>, DbError> {
    Ok(catch_channels::table
        .inner_join(backorders::table)
        .filter(backorders::matter_id.eq_any(scope.ids()))
        .order(catch_channels::created_at)
        .select(CatchChannel::as_select())
        .load(conn)?)
}

fn record_event(
    conn: &mut DbConn,
    actor: &Actor,
    id: &BackorderId,
    from: Option<BackorderStatus>,
    to: BackorderStatus,
    reason: &str,
) -> Result<(), DbError> {
    diesel::insert_into(backorder_events::table)
        .values((
            backorder_events::id.eq(BackorderEventId::new()),
            backorder_events::backorder_id.eq(id),
            backorder_events::at.eq(to_db(actor.at)),
            backorder_events::from_status.eq(from),
            backorder_events::to_status.eq(to),
            backorder_events::actor_id.eq(actor.user_id.as_ref()),
            backorder_events::actor.eq(&actor.label),
            backorder_events::reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// The backorder's status as committed, its row locked until the transaction ends (a no-op
/// update: PostgreSQL takes the row lock, SQLite the write lock), so that two instances
/// recording the same registry answer cannot both move it from what they read before.
pub fn lock_status(
    conn: &mut DbConn,
    id: &BackorderId,
) -> Result<Option<BackorderStatus>, DbError> {
    diesel::update(backorders::table.find(id))
        .set(backorders::updated_at.eq(backorders::updated_at))
        .execute(conn)?;
    Ok(backorders::table
        .find(id)
        .select(backorders::status)
        .first(conn)
        .optional()?)
}

/// Moves a backorder to `to` through the lifecycle, recording each step with who or what made
/// it and why. A catch reported before the drop passes through `dropped`.
pub fn change_status(
    conn: &mut DbConn,
    actor: &Actor,
    id: &BackorderId,
    to: BackorderStatus,
    reason: &str,
) -> Result<Backorder, BackorderError> {
    write_tx(conn, |conn| {
        lock_status(conn, id)?;
        let backorder = find(conn, id)?.ok_or(BackorderError::NotFound)?;
        open_matter(conn, &backorder.matter_id)?;
        let steps = path_to(backorder.status, to).ok_or(TransitionError {
            from: backorder.status,
            to,
        })?;
        let mut from = backorder.status;
        for step in steps {
            record_event(conn, actor, id, Some(from), step, reason)?;
            from = step;
        }
        diesel::update(backorders::table.find(id))
            .set((
                backorders::status.eq(to),
                backorders::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "backorder.status_changed",
                record_type: "backorder",
                record_id: Some(id.as_str()),
                summary: format!(
                    "{}: {} → {}",
                    backorder.unicode,
                    backorder.status.label(),
                    to.label()
                ),
                detail: json!({ "from": backorder.status, "to": to, "reason": reason }),
            },
        )?;
        let now = find(conn, id)?.ok_or(BackorderError::NotFound)?;
        // The one place a backorder becomes caught or won: the checklist opens here.
        if crate::repo::after_catch::SECURED.contains(&to) {
            crate::repo::after_catch::open(conn, actor, &now)?;
        } else if matches!(to, BackorderStatus::Auction | BackorderStatus::Lost) {
            // A caught name the service then auctions, or loses at its auction.
            crate::repo::after_catch::withdraw(conn, actor, &now)?;
        }
        Ok(now)
    })
}

/// What a lawyer may change on a backorder besides its status.
#[derive(Debug, Clone)]
pub struct BackorderChange {
    pub priority: Priority,
    pub max_bid_minor: Option<i64>,
    pub currency: Currency,
    pub notes: String,
    /// In whose name a direct catch registers the name.
    pub registrant: crate::model::backorder::Registrant,
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &BackorderId,
    change: &BackorderChange,
) -> Result<Backorder, BackorderError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(BackorderError::NotFound)?;
        open_matter(conn, &before.matter_id)?;
        diesel::update(backorders::table.find(id))
            .set((
                backorders::priority.eq(change.priority),
                backorders::max_bid_minor.eq(change.max_bid_minor),
                backorders::currency.eq(change.currency.as_str()),
                backorders::notes.eq(&change.notes),
                backorders::registrant.eq(change.registrant),
                backorders::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "backorder.updated",
                record_type: "backorder",
                record_id: Some(id.as_str()),
                summary: format!("Changed the backorder on {}", before.unicode),
                detail: json!({
                    "before": { "priority": before.priority, "max_bid_minor": before.max_bid_minor, "currency": before.currency, "registrant": before.registrant },
                    "after": { "priority": change.priority, "max_bid_minor": change.max_bid_minor, "currency": change.currency.as_str(), "registrant": change.registrant },
                }),
            },
        )?;
        find(conn, id)?.ok_or(BackorderError::NotFound)
    })
}

/// A checked new catch channel.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub service: CatchService,
    pub service_name: String,
    pub status: ChannelStatus,
    pub external_reference: String,
    pub success_fee_minor: Option<i64>,
    pub currency: Currency,
}

pub fn add_channel(
    conn: &mut DbConn,
    actor: &Actor,
    id: &BackorderId,
    new: &NewChannel,
) -> Result<CatchChannel, BackorderError> {
    write_tx(conn, |conn| {
        let backorder = find(conn, id)?.ok_or(BackorderError::NotFound)?;
        open_matter(conn, &backorder.matter_id)?;
        let channel_id = ChannelId::new();
        let now = to_db(actor.at);
        diesel::insert_into(catch_channels::table)
            .values((
                catch_channels::id.eq(&channel_id),
                catch_channels::backorder_id.eq(id),
                catch_channels::service.eq(new.service),
                catch_channels::service_name.eq(&new.service_name),
                catch_channels::status.eq(new.status),
                catch_channels::external_reference.eq(&new.external_reference),
                catch_channels::success_fee_minor.eq(new.success_fee_minor),
                catch_channels::currency.eq(new.currency.as_str()),
                catch_channels::created_at.eq(now),
                catch_channels::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "backorder.channel_added",
                record_type: "backorder",
                record_id: Some(id.as_str()),
                summary: format!("Placed {} with {}", backorder.unicode, new.service.label()),
                detail: json!({
                    "channel_id": channel_id,
                    "service": new.service,
                    "service_name": new.service_name,
                    "status": new.status,
                    "success_fee_minor": new.success_fee_minor,
                    "currency": new.currency.as_str(),
                }),
            },
        )?;
        sync_status_with_channels(conn, actor, &backorder)?;
        Ok(catch_channels::table
            .find(&channel_id)
            .select(CatchChannel::as_select())
            .first(conn)?)
    })
}

/// A catch service's news about a backorder.
#[derive(Debug, Clone)]
pub struct ChannelChange {
    pub status: ChannelStatus,
    pub external_reference: String,
    pub price_minor: Option<i64>,
    pub auction_result: String,
    pub notes: String,
}

/// Records a channel's news, then moves the backorder to the status the channels call for.
pub fn update_channel(
    conn: &mut DbConn,
    actor: &Actor,
    backorder_id: &BackorderId,
    channel_id: &ChannelId,
    change: &ChannelChange,
) -> Result<CatchChannel, BackorderError> {
    write_tx(conn, |conn| {
        let backorder = find(conn, backorder_id)?.ok_or(BackorderError::NotFound)?;
        open_matter(conn, &backorder.matter_id)?;
        let before: CatchChannel = catch_channels::table
            .find(channel_id)
            .filter(catch_channels::backorder_id.eq(backorder_id))
            .select(CatchChannel::as_select())
            .first(conn)
            .optional()?
            .ok_or(BackorderError::NotFound)?;
        diesel::update(catch_channels::table.find(channel_id))
            .set((
                catch_channels::status.eq(change.status),
                catch_channels::external_reference.eq(&change.external_reference),
                catch_channels::price_minor.eq(change.price_minor),
                catch_channels::auction_result.eq(&change.auction_result),
                catch_channels::notes.eq(&change.notes),
                catch_channels::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "backorder.channel_updated",
                record_type: "backorder",
                record_id: Some(backorder_id.as_str()),
                summary: format!(
                    "{} at {}: {} → {}",
                    backorder.unicode,
                    before.display_name(),
                    before.status.label(),
                    change.status.label()
                ),
                detail: json!({
                    "channel_id": channel_id,
                    "from": before.status,
                    "to": change.status,
                    "price_minor": change.price_minor,
                    "auction_result": change.auction_result,
                }),
            },
        )?;
        sync_status_with_channels(conn, actor, &backorder)?;
        Ok(catch_channels::table
            .find(channel_id)
            .select(CatchChannel::as_select())
            .first(conn)?)
    })
}

/// Moves the backorder to the outcome its channels report (caught, auction, won, lost).
pub fn sync_status_with_channels(
    conn: &mut DbConn,
    actor: &Actor,
    backorder: &Backorder,
) -> Result<(), BackorderError> {
    let statuses: Vec<ChannelStatus> = channels(conn, &backorder.id)?
        .iter()
        .map(|c| c.status)
        .collect();
    if let Some(to) = status_from_channels(backorder.status, &statuses) {
        change_status(
            conn,
            actor,
            &backorder.id,
            to,
            "reported by a catch channel",
        )?;
    }
    Ok(())
}

/// The backorders that still seek `domain` (A-label), in open matters, with their matters.
pub fn active_for_domain(
    conn: &mut DbConn,
    domain: &str,
) -> Result<Vec<(Backorder, Matter)>, DbError> {
    active(conn, &[domain.to_owned()], None)
}

/// The backorders still seeking one of these names (A-labels) in open matters (of one client,
/// if given), with their matters.
pub fn active(
    conn: &mut DbConn,
    domains: &[String],
    client: Option<&ClientId>,
) -> Result<Vec<(Backorder, Matter)>, DbError> {
    let active: Vec<BackorderStatus> = BackorderStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_active())
        .collect();
    let mut query = backorders::table
        .inner_join(matters::table)
        .filter(backorders::status.eq_any(active))
        .filter(matters::status.eq(MatterStatus::Open))
        .filter(backorders::domain.eq_any(domains))
        .into_boxed();
    if let Some(client) = client {
        query = query.filter(matters::client_id.eq(client));
    }
    Ok(query
        .select((Backorder::as_select(), Matter::as_select()))
        .load(conn)?)
}
