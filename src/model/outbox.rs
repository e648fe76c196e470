//! The outbox: every outgoing e-mail, written to the database before it is delivered, and each delivery attempt.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::model::ids::{BackorderId, MatterId, OutboxId};

crate::text_enum! {
    pub enum MessageKind ("message kind") {
        Alert => "alert",
        Reminder => "reminder",
        Report => "report",
        Outreach => "outreach",
    }
}

crate::text_enum! {
    pub enum OutboxStatus ("outbox status") {
        Queued => "queued",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::outbox_messages)]
pub struct OutboxMessage {
    pub id: OutboxId,
    pub message_id: String,
    pub kind: MessageKind,
    pub dedupe_key: Option<String>,
    pub to_address: String,
    pub subject: String,
    pub raw: Vec<u8>,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub matter_id: Option<MatterId>,
    pub backorder_id: Option<BackorderId>,
    pub created_at: NaiveDateTime,
}

/// One delivery attempt, for display.
#[derive(Debug, Clone, Queryable)]
pub struct Attempt {
    pub at: NaiveDateTime,
    pub outcome: String,
    pub smtp_code: Option<i32>,
    pub response: String,
}
