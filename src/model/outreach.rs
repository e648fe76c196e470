//! Messages to domain holders (drafts, approvals, what was sent) and the suppression list.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::model::compliance::{AddressSource, normalise_address};
use crate::model::digest::hex;
use crate::model::ids::{
    ApprovalId, BackorderId, MatterId, OutboxId, OutreachId, SenderProfileId, UserId,
};
use crate::model::outbox::OutboxStatus;

crate::text_enum! {
    pub enum OutreachStatus ("outreach status") {
        Draft => "draft",
        Approved => "approved",
        /// Handed to the outbox; the outbox says whether it was delivered.
        Queued => "queued",
        Cancelled => "cancelled",
    }
}

crate::text_enum! {
    pub enum ApprovalKind ("approval kind") {
        Approval => "approval",
        ProcedureOverride => "procedure_override",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = crate::db::schema::outreach_messages)]
pub struct Outreach {
    pub id: OutreachId,
    pub backorder_id: BackorderId,
    pub matter_id: MatterId,
    pub sender_profile_id: SenderProfileId,
    pub to_address: String,
    pub address_source: AddressSource,
    pub subject: String,
    pub body: String,
    pub template: String,
    pub status: OutreachStatus,
    pub drafted_by: Option<UserId>,
    pub outbox_id: Option<OutboxId>,
    pub answered_at: Option<NaiveDateTime>,
    pub answer_note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Outreach {
    /// What an approval is given on: sender, recipient and source, subject and body.
    pub fn content_sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [
            self.sender_profile_id.as_str(),
            &normalise_address(&self.to_address),
            self.address_source.as_str(),
            &self.subject,
            &self.body,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        hex(&h.finalize())
    }

    pub fn editable(&self) -> bool {
        matches!(
            self.status,
            OutreachStatus::Draft | OutreachStatus::Approved
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = crate::db::schema::outreach_approvals)]
pub struct Approval {
    pub id: ApprovalId,
    pub outreach_id: OutreachId,
    pub kind: ApprovalKind,
    pub user_id: UserId,
    pub content_sha256: String,
    pub reason: String,
    pub at: NaiveDateTime,
}

/// One line of a backorder's or a matter's outreach log.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub outreach: Outreach,
    pub domain: String,
    /// The outbox's word for it once queued: queued, sending, sent, failed.
    pub delivery: Option<OutboxStatus>,
    pub last_error: Option<String>,
}

crate::text_enum! {
    pub enum SuppressionReason ("suppression reason") {
        Unsubscribed => "unsubscribed",
        Bounced => "bounced",
        Complained => "complained",
        Manual => "manual",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = crate::db::schema::suppressions)]
pub struct Suppression {
    pub address_sha256: String,
    pub reason: SuppressionReason,
    pub source: String,
    pub created_at: NaiveDateTime,
}
