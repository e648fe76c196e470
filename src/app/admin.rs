//! What administrators (and the firm's IT) look into: the audit log, and the outbox of every
//! e-mail reclaim sends with its delivery attempts.

use serde::Deserialize;

use crate::app::access::Principal;
use crate::db::DbError;
use crate::error::AppError;
use crate::model::audit::AuditEvent;
use crate::model::ids::OutboxId;
use crate::model::outbox::{Attempt, MessageKind, OutboxMessage};
use crate::model::paging::{Page, PageRequest};
use crate::repo::audit::{self, AuditFilter};
use crate::repo::outbox;
use crate::state::AppState;

/// The most messages the outbox lists.
const OUTBOX_LIMIT: i64 = 200;

/// The audit log's filters, as the page's query string gives them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AuditQuery {
    /// An action (`user.login_failed`) or a record type (`user`).
    pub action: Option<String>,
    /// Part of the actor's label (an e-mail address).
    pub actor: Option<String>,
    /// A record's id.
    pub record: Option<String>,
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone)]
pub struct AuditLog {
    pub events: Page<AuditEvent>,
    /// The filters applied, trimmed.
    pub filter: AuditFilter,
}

pub async fn audit_log(
    state: &AppState,
    user: &Principal,
    query: AuditQuery,
    request: PageRequest,
) -> Result<AuditLog, AppError> {
    user.require_admin()?;
    let trim = |s: Option<String>| s.map(|s| s.trim().to_owned());
    let filter = AuditFilter {
        action: trim(query.action),
        actor: trim(query.actor),
        record_id: trim(query.record),
    };
    let events = {
        let filter = filter.clone();
        state
            .db
            .run(move |c| audit::list(c, &filter, &request))
            .await?
    };
    Ok(AuditLog { events, filter })
}

/// The outbox's filter and the message to show in full.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OutboxQuery {
    /// Only messages of this kind (`alert`, `reminder`, `outreach`, `report`…).
    pub kind: Option<String>,
    /// A message whose delivery attempts to show.
    pub message: Option<String>,
}

/// The outbox: the latest messages (of a kind), and one message with its attempts.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub kind: Option<MessageKind>,
    /// Newest first.
    pub messages: Vec<OutboxMessage>,
    /// The message asked for, with its attempts, oldest first.
    pub selected: Option<(OutboxMessage, Vec<Attempt>)>,
    /// Of `messages`, those sent again after an interrupted send (may have arrived twice).
    pub possible_duplicates: Vec<OutboxId>,
    /// How this instance delivers mail.
    pub delivery: String,
}

pub async fn outbox(
    state: &AppState,
    user: &Principal,
    query: OutboxQuery,
) -> Result<Outbox, AppError> {
    user.require_admin()?;
    let kind = match query.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            k.parse::<MessageKind>()
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let selected = match query.message.as_deref().filter(|m| !m.is_empty()) {
        Some(id) => Some(OutboxId::parse(id).map_err(|_| AppError::not_found("message"))?),
        None => None,
    };
    let (messages, selected, possible_duplicates) = state
        .db
        .run(move |c| {
            let messages = outbox::list(c, kind, OUTBOX_LIMIT)?;
            let ids: Vec<OutboxId> = messages.iter().map(|m| m.id.clone()).collect();
            let possible_duplicates = outbox::possible_duplicates(c, &ids)?;
            let selected = match selected {
                Some(id) => match outbox::find(c, &id)? {
                    Some(m) => Some((m, outbox::attempts(c, &id)?)),
                    None => None,
                },
                None => None,
            };
            Ok::<_, DbError>((messages, selected, possible_duplicates))
        })
        .await?;
    Ok(Outbox {
        kind,
        messages,
        selected,
        possible_duplicates,
        delivery: state.mailer.describe(),
    })
}
