//! Outreach messages to a name's holder: drafts, approvals (for the exact content approved),
//! the move to the outbox, and the answers. Once queued, a message is part of the record and the
//! database refuses to change it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{
    backorders, matters, outbox_messages, outreach_approvals, outreach_messages,
    registry_snapshots, users,
};
use crate::db::sql::among;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::backorder::Backorder;
use crate::model::compliance::{AddressSource, normalise_address};
use crate::model::ids::{ApprovalId, BackorderId, OutboxId, OutreachId, SenderProfileId, UserId};
use crate::model::matter::MatterStatus;
use crate::model::monitoring::Source;
use crate::model::outbox::OutboxStatus;
use crate::model::outreach::{Approval, ApprovalKind, LogEntry, Outreach, OutreachStatus};
use crate::model::user::EmailAddress;
use crate::repo::audit::{self, Change};
use crate::repo::matters::{self as matter_repo, MatterScope};
use crate::repo::senders;

/// A checked new draft (or a change to one).
#[derive(Debug, Clone)]
pub struct OutreachInput {
    pub sender_profile_id: SenderProfileId,
    pub to: EmailAddress,
    pub address_source: AddressSource,
    pub subject: String,
    pub body: String,
    pub template: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OutreachError {
    #[error("The backorder does not exist.")]
    BackorderNotFound,
    #[error("The outreach message does not exist.")]
    NotFound,
    #[error("Matter {0} is closed; reopen it to write to the holder.")]
    MatterClosed(String),
    #[error(
        "Choose an active sender profile (an administrator sets them up under Sender profiles)."
    )]
    NoSender,
    #[error("This message was already handed to the outbox; it can no longer be changed.")]
    NotEditable,
    #[error("The message has not been sent yet; record an answer once it is.")]
    NotSent,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for OutreachError {
    fn from(e: diesel::result::Error) -> Self {
        OutreachError::Db(e.into())
    }
}

pub fn find(conn: &mut DbConn, id: &OutreachId) -> Result<Option<Outreach>, DbError> {
    Ok(outreach_messages::table
        .find(id)
        .select(Outreach::as_select())
        .first(conn)
        .optional()?)
}

fn open_backorder(conn: &mut DbConn, id: &BackorderId) -> Result<Backorder, OutreachError> {
    let backorder =
        crate::repo::backorders::find(conn, id)?.ok_or(OutreachError::BackorderNotFound)?;
    let matter =
        matter_repo::find(conn, &backorder.matter_id)?.ok_or(OutreachError::BackorderNotFound)?;
    if matter.status == MatterStatus::Closed {
        return Err(OutreachError::MatterClosed(matter.reference));
    }
    Ok(backorder)
}

fn active_sender(conn: &mut DbConn, id: &SenderProfileId) -> Result<(), OutreachError> {
    match senders::find(conn, id)? {
        Some(p) if p.active => Ok(()),
        _ => Err(OutreachError::NoSender),
    }
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    backorder_id: &BackorderId,
    input: &OutreachInput,
) -> Result<Outreach, OutreachError> {
    write_tx(conn, |conn| {
        let backorder = open_backorder(conn, backorder_id)?;
        active_sender(conn, &input.sender_profile_id)?;
        let id = OutreachId::new();
        let now = to_db(actor.at);
        diesel::insert_into(outreach_messages::table)
            .values((
                outreach_messages::id.eq(&id),
                outreach_messages::backorder_id.eq(backorder_id),
                outreach_messages::matter_id.eq(&backorder.matter_id),
                outreach_messages::sender_profile_id.eq(&input.sender_profile_id),
                outreach_messages::to_address.eq(input.to.as_str()),
                outreach_messages::address_source.eq(input.address_source),
                outreach_messages::subject.eq(&input.subject),
                outreach_messages::body.eq(&input.body),
                outreach_messages::template.eq(&input.template),
                outreach_messages::status.eq(OutreachStatus::Draft),
                outreach_messages::drafted_by.eq(actor.user_id.as_ref()),
                outreach_messages::answer_note.eq(""),
                outreach_messages::created_at.eq(now),
                outreach_messages::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "outreach.drafted",
                record_type: "outreach",
                record_id: Some(id.as_str()),
                summary: format!("Drafted a message to the holder of {}", backorder.unicode),
                detail: json!({ "backorder_id": backorder_id, "template": input.template, "address_source": input.address_source }),
            },
        )?;
        find(conn, &id)?.ok_or(OutreachError::NotFound)
    })
}

/// Changes a draft; an approval given on other content no longer counts.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &OutreachId,
    input: &OutreachInput,
) -> Result<Outreach, OutreachError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(OutreachError::NotFound)?;
        if !before.editable() {
            return Err(OutreachError::NotEditable);
        }
        open_backorder(conn, &before.backorder_id)?;
        active_sender(conn, &input.sender_profile_id)?;
        diesel::update(outreach_messages::table.find(id))
            .set((
                outreach_messages::sender_profile_id.eq(&input.sender_profile_id),
                outreach_messages::to_address.eq(input.to.as_str()),
                outreach_messages::address_source.eq(input.address_source),
                outreach_messages::subject.eq(&input.subject),
                outreach_messages::body.eq(&input.body),
                outreach_messages::status.eq(OutreachStatus::Draft),
                outreach_messages::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "outreach.edited",
                record_type: "outreach",
                record_id: Some(id.as_str()),
                summary: "Edited an outreach draft; it needs approval again".to_owned(),
                detail: json!({ "was": before.status }),
            },
        )?;
        find(conn, id)?.ok_or(OutreachError::NotFound)
    })
}

pub fn approvals(conn: &mut DbConn, id: &OutreachId) -> Result<Vec<(Approval, String)>, DbError> {
    Ok(outreach_approvals::table
        .inner_join(users::table.on(users::id.eq(outreach_approvals::user_id)))
        .filter(outreach_approvals::outreach_id.eq(id))
        .order(outreach_approvals::at)
        .select((Approval::as_select(), users::name))
        .load(conn)?)
}

/// Records an approval, or a lawyer's override of the procedure warning, on the current
/// content. Who may approve is the application's decision (`app::outreach::decide`); this only
/// refuses a message that left the draft states meanwhile.
pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    approver: &UserId,
    id: &OutreachId,
    kind: ApprovalKind,
    reason: &str,
) -> Result<Outreach, OutreachError> {
    write_tx(conn, |conn| {
        let outreach = find(conn, id)?.ok_or(OutreachError::NotFound)?;
        if !outreach.editable() {
            return Err(OutreachError::NotEditable);
        }
        diesel::insert_into(outreach_approvals::table)
            .values((
                outreach_approvals::id.eq(ApprovalId::new()),
                outreach_approvals::outreach_id.eq(id),
                outreach_approvals::kind.eq(kind),
                outreach_approvals::user_id.eq(approver),
                outreach_approvals::content_sha256.eq(outreach.content_sha256()),
                outreach_approvals::reason.eq(reason.trim()),
                outreach_approvals::at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        if kind == ApprovalKind::Approval {
            diesel::update(outreach_messages::table.find(id))
                .set((
                    outreach_messages::status.eq(OutreachStatus::Approved),
                    outreach_messages::updated_at.eq(to_db(actor.at)),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: match kind {
                    ApprovalKind::Approval => "outreach.approved",
                    ApprovalKind::ProcedureOverride => "outreach.procedure_override",
                },
                record_type: "outreach",
                record_id: Some(id.as_str()),
                summary: match kind {
                    ApprovalKind::Approval => "Approved an outreach message".to_owned(),
                    ApprovalKind::ProcedureOverride => {
                        format!("Overrode the procedure warning: {}", reason.trim())
                    }
                },
                detail: json!({ "content_sha256": outreach.content_sha256(), "reason": reason.trim() }),
            },
        )?;
        find(conn, id)?.ok_or(OutreachError::NotFound)
    })
}

/// Marks a message handed to the outbox (inside the send transaction).
pub fn mark_queued(
    conn: &mut DbConn,
    id: &OutreachId,
    outbox_id: &OutboxId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(outreach_messages::table.find(id))
        .set((
            outreach_messages::status.eq(OutreachStatus::Queued),
            outreach_messages::outbox_id.eq(outbox_id),
            outreach_messages::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn cancel(
    conn: &mut DbConn,
    actor: &Actor,
    id: &OutreachId,
) -> Result<Outreach, OutreachError> {
    write_tx(conn, |conn| {
        let outreach = find(conn, id)?.ok_or(OutreachError::NotFound)?;
        if !outreach.editable() {
            return Err(OutreachError::NotEditable);
        }
        diesel::update(outreach_messages::table.find(id))
            .set((
                outreach_messages::status.eq(OutreachStatus::Cancelled),
                outreach_messages::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "outreach.cancelled",
                record_type: "outreach",
                record_id: Some(id.as_str()),
                summary: "Discarded an outreach draft".to_owned(),
                detail: json!({}),
            },
        )?;
        find(conn, id)?.ok_or(OutreachError::NotFound)
    })
}

/// Records that the holder answered (which also lifts the one-unanswered-message limit).
pub fn record_answer(
    conn: &mut DbConn,
    actor: &Actor,
    id: &OutreachId,
    note: &str,
) -> Result<Outreach, OutreachError> {
    write_tx(conn, |conn| {
        let outreach = find(conn, id)?.ok_or(OutreachError::NotFound)?;
        if outreach.status != OutreachStatus::Queued {
            return Err(OutreachError::NotSent);
        }
        diesel::update(outreach_messages::table.find(id))
            .set((
                outreach_messages::answered_at.eq(Some(to_db(actor.at))),
                outreach_messages::answer_note.eq(note.trim()),
                outreach_messages::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "outreach.answered",
                record_type: "outreach",
                record_id: Some(id.as_str()),
                summary: "Recorded the holder's answer".to_owned(),
                detail: json!({ "note": note.trim() }),
            },
        )?;
        find(conn, id)?.ok_or(OutreachError::NotFound)
    })
}

/// Messages to `address` handed to the outbox since `since` and still unanswered, other than
/// `except`.
pub fn unanswered_since(
    conn: &mut DbConn,
    address: &str,
    since: DateTime<Utc>,
    except: &OutreachId,
) -> Result<usize, DbError> {
    let wanted = normalise_address(address);
    let rows: Vec<String> = outreach_messages::table
        .filter(outreach_messages::status.eq(OutreachStatus::Queued))
        .filter(outreach_messages::answered_at.is_null())
        .filter(outreach_messages::updated_at.ge(to_db(since)))
        .filter(outreach_messages::id.ne(except))
        .select(outreach_messages::to_address)
        .load(conn)?;
    Ok(rows
        .iter()
        .filter(|a| normalise_address(a) == wanted)
        .count())
}

/// What the outbox says of a queued message: its delivery state and last error (both `None`
/// before it is queued).
pub fn delivery(
    conn: &mut DbConn,
    id: &OutreachId,
) -> Result<(Option<OutboxStatus>, Option<String>), DbError> {
    Ok(outreach_messages::table
        .left_join(outbox_messages::table)
        .filter(outreach_messages::id.eq(id))
        .select((
            outbox_messages::status.nullable(),
            outbox_messages::last_error.nullable(),
        ))
        .first(conn)
        .optional()?
        .unwrap_or((None, None)))
}

/// Whether `address` appears in the registration data reclaim holds for `domain`: the latest
/// answer of each kind (registry and registrar, RDAP and WHOIS). Three queries, whatever the
/// number of answers kept: the latest time of each kind, then those answers' hashes; then their
/// bytes, one query.
pub fn in_registry_data(conn: &mut DbConn, domain: &str, address: &str) -> Result<bool, DbError> {
    let latest: Vec<(Source, Option<chrono::NaiveDateTime>)> = registry_snapshots::table
        .filter(registry_snapshots::domain.eq(domain))
        .group_by(registry_snapshots::source)
        .select((
            registry_snapshots::source,
            diesel::dsl::max(registry_snapshots::fetched_at),
        ))
        .load(conn)?;
    let times: Vec<chrono::NaiveDateTime> = latest.iter().filter_map(|(_, at)| *at).collect();
    if times.is_empty() {
        return Ok(false);
    }
    let answers: Vec<(Source, chrono::NaiveDateTime, String)> = registry_snapshots::table
        .filter(registry_snapshots::domain.eq(domain))
        .filter(registry_snapshots::fetched_at.eq_any(times))
        .select((
            registry_snapshots::source,
            registry_snapshots::fetched_at,
            registry_snapshots::sha256,
        ))
        .load(conn)?;
    let latest_hashes: Vec<&str> = answers
        .iter()
        .filter(|(source, at, _)| latest.contains(&(*source, Some(*at))))
        .map(|(_, _, sha256)| sha256.as_str())
        .collect();
    let wanted = normalise_address(address);
    Ok(crate::repo::monitoring::answers(conn, &latest_hashes)?
        .values()
        .any(|raw| {
            String::from_utf8_lossy(raw)
                .to_lowercase()
                .contains(&wanted)
        }))
}

/// Which messages a log lists.
#[derive(Default)]
struct LogFilter<'a> {
    backorder: Option<&'a BackorderId>,
    matters: Option<&'a MatterScope>,
    statuses: Option<&'a [OutreachStatus]>,
    open_matters_only: bool,
}

fn log(conn: &mut DbConn, filter: LogFilter<'_>) -> Result<Vec<LogEntry>, DbError> {
    let LogFilter {
        backorder,
        matters: scope,
        statuses,
        open_matters_only,
    } = filter;
    let mut query = outreach_messages::table
        .inner_join(backorders::table)
        .left_join(outbox_messages::table)
        .into_boxed();
    if let Some(statuses) = statuses {
        query = query.filter(among(
            outreach_messages::status,
            statuses.iter().map(|s| s.as_str()),
        ));
    }
    if open_matters_only {
        // Asked of each message found, not as a list of every open matter built first (which
        // cost the dashboard the firm's 10,000 matters to show no message at all, issue 17).
        query = query.filter(diesel::dsl::exists(
            matters::table
                .filter(matters::id.eq(outreach_messages::matter_id))
                .filter(matters::status.eq(MatterStatus::Open)),
        ));
    }
    if let Some(b) = backorder {
        query = query.filter(outreach_messages::backorder_id.eq(b));
    }
    if let Some(scope) = scope {
        query = query.filter(outreach_messages::matter_id.eq_any(scope.ids()));
    }
    let rows: Vec<(Outreach, String, Option<OutboxStatus>, Option<String>)> = query
        .order(outreach_messages::created_at.desc())
        .select((
            Outreach::as_select(),
            backorders::unicode,
            outbox_messages::status.nullable(),
            outbox_messages::last_error.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(outreach, domain, delivery, last_error)| LogEntry {
            outreach,
            domain,
            delivery,
            last_error,
        })
        .collect())
}

pub fn for_backorder(conn: &mut DbConn, id: &BackorderId) -> Result<Vec<LogEntry>, DbError> {
    log(
        conn,
        LogFilter {
            backorder: Some(id),
            ..LogFilter::default()
        },
    )
}

/// The messages of a scope's matters, newest first.
pub fn log_in(conn: &mut DbConn, scope: &MatterScope) -> Result<Vec<LogEntry>, DbError> {
    log(
        conn,
        LogFilter {
            matters: Some(scope),
            ..LogFilter::default()
        },
    )
}

/// Messages drafted or approved but not yet sent, in open matters: each waits for a lawyer's
/// decision (a closed matter's drafts can no longer be sent).
pub fn awaiting_decision(conn: &mut DbConn) -> Result<Vec<LogEntry>, DbError> {
    log(
        conn,
        LogFilter {
            statuses: Some(&[OutreachStatus::Draft, OutreachStatus::Approved]),
            open_matters_only: true,
            ..LogFilter::default()
        },
    )
}
