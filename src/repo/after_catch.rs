//! The checklist after the catch (`model::after_catch`): opened when a backorder becomes caught,
//! won or transferred, re-read against each registry answer for the name, ticked by staff. Every change
//! writes its audit event in the same transaction.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{after_catch_items, backorders, clients, matters, sender_profiles};
use crate::db::sql::among;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::after_catch::{
    ChecklistItem, Facts, Item, ItemState, TickError, VerifiedBy, after_check, finding, tick,
    transfer_note,
};
use crate::model::audit::Actor;
use crate::model::backorder::{Backorder, BackorderStatus};
use crate::model::ids::{BackorderId, ClientId, MatterId, UserId};
use crate::model::matter::{Matter, MatterStatus};
use crate::model::registry_record::RegistryRecord;
use crate::repo::audit::{self, Change};
use crate::repo::matters::MatterScope;

/// The backorder statuses that open the checklist: the name is the client's, caught at the drop,
/// won at auction, or transferred by the holder.
pub const SECURED: [BackorderStatus; 3] = [
    BackorderStatus::Caught,
    BackorderStatus::Won,
    BackorderStatus::Transferred,
];

#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    #[error(
        "This backorder has no checklist: it opens when the name is caught, won or transferred to the client (the backorder is {0})."
    )]
    NoChecklist(String),
    #[error("The backorder does not exist.")]
    NotFound,
    #[error("{0}")]
    Tick(#[from] TickError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for ChecklistError {
    fn from(e: diesel::result::Error) -> Self {
        ChecklistError::Db(e.into())
    }
}

/// Opens the checklist of a backorder just caught or won, at `actor.at`: every item pending,
/// due as the model says. Nothing happens for items already there (a second call, or a
/// checklist opened before).
pub fn open(conn: &mut DbConn, actor: &Actor, backorder: &Backorder) -> Result<(), DbError> {
    let existing: Vec<Item> = after_catch_items::table
        .filter(after_catch_items::backorder_id.eq(&backorder.id))
        .select(after_catch_items::item)
        .load(conn)?;
    let missing: Vec<Item> = Item::ORDER
        .iter()
        .copied()
        .filter(|i| !existing.contains(i))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let now = to_db(actor.at);
    let caught_on = actor.at.date_naive();
    for item in &missing {
        diesel::insert_into(after_catch_items::table)
            .values((
                after_catch_items::backorder_id.eq(&backorder.id),
                after_catch_items::item.eq(item),
                after_catch_items::state.eq(ItemState::Pending),
                after_catch_items::due_on.eq(item.due_on(caught_on, None)),
                after_catch_items::note.eq(if *item == Item::TransferWindow {
                    transfer_note(item.due_on(caught_on, None))
                } else {
                    String::new()
                }),
                after_catch_items::created_at.eq(now),
                after_catch_items::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "after_catch.opened",
            record_type: "backorder",
            record_id: Some(backorder.id.as_str()),
            summary: format!(
                "Opened the checklist after the catch of {} ({} item(s))",
                backorder.unicode,
                missing.len()
            ),
            detail: json!({ "items": missing, "caught_on": caught_on }),
        },
    )?;
    Ok(())
}

/// Withdraws the checklist of a backorder whose catch did not give the client the name after all
/// (the service auctions it, or the auction went to someone else): its items no longer apply.
/// A win reopens it ([`open`]).
pub fn withdraw(conn: &mut DbConn, actor: &Actor, backorder: &Backorder) -> Result<(), DbError> {
    let removed = diesel::delete(
        after_catch_items::table.filter(after_catch_items::backorder_id.eq(&backorder.id)),
    )
    .execute(conn)?;
    if removed > 0 {
        audit::record(
            conn,
            actor,
            Change {
                action: "after_catch.withdrawn",
                record_type: "backorder",
                record_id: Some(backorder.id.as_str()),
                summary: format!(
                    "Withdrew the checklist after the catch of {} ({}): the name is not the client's yet",
                    backorder.unicode,
                    backorder.status.label()
                ),
                detail: json!({ "items": removed, "status": backorder.status }),
            },
        )?;
    }
    Ok(())
}

/// A backorder's checklist, in the model's order (empty: none opened).
pub fn for_backorder(conn: &mut DbConn, id: &BackorderId) -> Result<Vec<ChecklistItem>, DbError> {
    let mut items: Vec<ChecklistItem> = after_catch_items::table
        .filter(after_catch_items::backorder_id.eq(id))
        .select(ChecklistItem::as_select())
        .load(conn)?;
    items.sort_by_key(|i| Item::ORDER.iter().position(|o| *o == i.item));
    Ok(items)
}

/// A pending item with where it belongs, for the deadlines dashboard and the reports.
#[derive(Debug, Clone)]
pub struct PendingItem {
    pub item: ChecklistItem,
    pub domain_unicode: String,
    pub matter_id: MatterId,
    pub matter_reference: String,
    pub client_name: String,
    pub responsible_lawyer_id: UserId,
}

/// Which pending items to read.
#[derive(Debug, Clone, Default)]
pub struct PendingFilter {
    pub matter_id: Option<MatterId>,
    pub client_id: Option<ClientId>,
    pub responsible_lawyer_id: Option<UserId>,
}

/// The pending items of open matters, soonest due first. One query.
pub fn pending(conn: &mut DbConn, filter: &PendingFilter) -> Result<Vec<PendingItem>, DbError> {
    let mut query = after_catch_items::table
        .inner_join(backorders::table.inner_join(matters::table.inner_join(clients::table)))
        .filter(after_catch_items::state.eq(ItemState::Pending))
        .filter(matters::status.eq(MatterStatus::Open))
        .into_boxed();
    if let Some(id) = &filter.matter_id {
        query = query.filter(matters::id.eq(id.clone()));
    }
    if let Some(id) = &filter.client_id {
        query = query.filter(matters::client_id.eq(id.clone()));
    }
    if let Some(id) = &filter.responsible_lawyer_id {
        query = query.filter(matters::responsible_lawyer_id.eq(id.clone()));
    }
    let rows: Vec<(ChecklistItem, String, MatterId, String, String, UserId)> = query
        .order((after_catch_items::due_on, backorders::unicode))
        .select((
            ChecklistItem::as_select(),
            backorders::unicode,
            matters::id,
            matters::reference,
            clients::name,
            matters::responsible_lawyer_id,
        ))
        .load(conn)?;
    let mut items: Vec<PendingItem> = rows
        .into_iter()
        .map(
            |(item, domain_unicode, matter_id, matter_reference, client_name, lawyer)| {
                PendingItem {
                    item,
                    domain_unicode,
                    matter_id,
                    matter_reference,
                    client_name,
                    responsible_lawyer_id: lawyer,
                }
            },
        )
        .collect();
    // Same day and name: in the checklist's order.
    items.sort_by_key(|p| {
        (
            p.item.due_on,
            p.domain_unicode.clone(),
            Item::ORDER.iter().position(|o| *o == p.item.item),
        )
    });
    Ok(items)
}

/// Which of these names (A-labels) have a checklist the registry's answer may tick, as
/// [`apply_record`] reads them: one query for a sweep's batch of names.
pub fn read_by_registry(
    conn: &mut DbConn,
    domains: &[String],
) -> Result<std::collections::HashSet<String>, DbError> {
    Ok(backorders::table
        .filter(among(backorders::domain, domains))
        .filter(among(
            backorders::status,
            SECURED.iter().map(|s| s.as_str()),
        ))
        .filter(
            backorders::id.eq_any(
                after_catch_items::table
                    .filter(after_catch_items::state.eq(ItemState::Pending))
                    .or_filter(after_catch_items::verified_by.eq(VerifiedBy::Registry))
                    .select(after_catch_items::backorder_id),
            ),
        )
        .select(backorders::domain)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Reads a registry answer for `domain` (A-label) into the checklists of the backorders caught
/// or won on it: items the data shows are ticked (verified by the registry), registry ticks the
/// data no longer shows reopen, and the transfer window follows the creation date. Returns how
/// many items changed.
pub fn apply_record(
    conn: &mut DbConn,
    actor: &Actor,
    domain: &str,
    record: &RegistryRecord,
) -> Result<usize, DbError> {
    let caught: Vec<(Backorder, Matter, String)> = backorders::table
        .inner_join(matters::table.inner_join(clients::table))
        .filter(backorders::domain.eq(domain))
        .filter(among(
            backorders::status,
            SECURED.iter().map(|s| s.as_str()),
        ))
        .filter(
            backorders::id.eq_any(
                after_catch_items::table
                    .filter(after_catch_items::state.eq(ItemState::Pending))
                    .or_filter(after_catch_items::verified_by.eq(VerifiedBy::Registry))
                    .select(after_catch_items::backorder_id),
            ),
        )
        .select((Backorder::as_select(), Matter::as_select(), clients::name))
        .load(conn)?;
    if caught.is_empty() {
        return Ok(0);
    }
    // The firm may hold the name for its client: its legal names count as the holder's.
    let firm: Vec<String> = sender_profiles::table
        .select(sender_profiles::legal_name)
        .load(conn)?;
    let now = to_db(actor.at);
    let created_on: Option<NaiveDate> = record.created_at.map(|t| t.date_naive());
    let mut changed = 0;
    for (backorder, matter, client_name) in caught {
        let items = for_backorder(conn, &backorder.id)?;
        let Some(caught_on) = items.iter().map(ChecklistItem::caught_on).min() else {
            continue;
        };
        let mut holders = vec![client_name];
        holders.extend(firm.iter().cloned());
        let facts = Facts {
            caught_on,
            renewal_years: u32::try_from(matter.renewal_years).unwrap_or(1),
            holders: &holders,
        };
        for item in items {
            if item.item == Item::TransferWindow && item.is_pending() {
                let due = Item::TransferWindow.due_on(caught_on, created_on);
                if due != item.due_on {
                    diesel::update(
                        after_catch_items::table.find((&backorder.id, Item::TransferWindow)),
                    )
                    .set((
                        after_catch_items::due_on.eq(due),
                        after_catch_items::note.eq(transfer_note(due)),
                        after_catch_items::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                }
                continue;
            }
            let Some(found) = finding(item.item, record, &facts) else {
                continue;
            };
            let text = found.text().to_owned();
            match after_check(&item.now(), &found) {
                Some(next) => {
                    let done = next.state == ItemState::Done;
                    diesel::update(after_catch_items::table.find((&backorder.id, item.item)))
                        .set((
                            after_catch_items::state.eq(next.state),
                            after_catch_items::verified_by.eq(next.verified_by),
                            after_catch_items::note.eq(&text),
                            after_catch_items::done_at.eq(done.then_some(now)),
                            after_catch_items::done_by.eq(None::<UserId>),
                            after_catch_items::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        actor,
                        Change {
                            action: if done {
                                "after_catch.registry_ticked"
                            } else {
                                "after_catch.registry_reopened"
                            },
                            record_type: "backorder",
                            record_id: Some(backorder.id.as_str()),
                            summary: format!(
                                "{}: {} {} ({text})",
                                backorder.unicode,
                                item.item.label(),
                                if done {
                                    "shown by the registry data"
                                } else {
                                    "no longer shown by the registry data"
                                }
                            ),
                            detail: json!({ "item": item.item, "finding": text }),
                        },
                    )?;
                    changed += 1;
                }
                // Pending still: keep what the data last showed, for the page.
                None if item.is_pending() && item.note != text => {
                    diesel::update(after_catch_items::table.find((&backorder.id, item.item)))
                        .set((
                            after_catch_items::note.eq(&text),
                            after_catch_items::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                None => {}
            }
        }
    }
    Ok(changed)
}

/// A person ticks an item (`done`) or reopens one they or a colleague ticked; audited.
pub fn set_done(
    conn: &mut DbConn,
    actor: &Actor,
    backorder_id: &BackorderId,
    item: Item,
    done: bool,
) -> Result<ChecklistItem, ChecklistError> {
    write_tx(conn, |conn| {
        let backorder: Backorder = backorders::table
            .find(backorder_id)
            .select(Backorder::as_select())
            .first(conn)
            .optional()?
            .ok_or(ChecklistError::NotFound)?;
        let current: ChecklistItem = after_catch_items::table
            .find((backorder_id, item))
            .select(ChecklistItem::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ChecklistError::NoChecklist(backorder.status.label().to_lowercase()))?;
        let next = tick(&current.now(), done)?;
        let now = to_db(actor.at);
        let note = if done {
            format!("Ticked by {}.", actor.label)
        } else {
            format!("Reopened by {}.", actor.label)
        };
        diesel::update(after_catch_items::table.find((backorder_id, item)))
            .set((
                after_catch_items::state.eq(next.state),
                after_catch_items::verified_by.eq(next.verified_by),
                after_catch_items::note.eq(&note),
                after_catch_items::done_at.eq(done.then_some(now)),
                after_catch_items::done_by.eq(if done { actor.user_id.clone() } else { None }),
                after_catch_items::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if done {
                    "after_catch.ticked"
                } else {
                    "after_catch.reopened"
                },
                record_type: "backorder",
                record_id: Some(backorder_id.as_str()),
                summary: format!(
                    "{}: {} {}",
                    backorder.unicode,
                    item.label(),
                    if done { "done" } else { "reopened" }
                ),
                detail: json!({ "item": item, "done": done }),
            },
        )?;
        Ok(after_catch_items::table
            .find((backorder_id, item))
            .select(ChecklistItem::as_select())
            .first(conn)?)
    })
}

/// The checklist items of a scope's backorders (one query), by due date.
pub fn in_scope(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<ChecklistItem>, DbError> {
    let mut items: Vec<ChecklistItem> = after_catch_items::table
        .inner_join(backorders::table)
        .filter(backorders::matter_id.eq_any(scope.ids()))
        .select(ChecklistItem::as_select())
        .load(conn)?;
    items.sort_by_key(|i| (i.due_on, Item::ORDER.iter().position(|o| *o == i.item)));
    Ok(items)
}
