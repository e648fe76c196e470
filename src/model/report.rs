//! Kept status reports: the PDF's record, its reference and to whom it was sent.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::model::ids::{ClientId, MatterId, OutboxId, ReportId, UserId};

crate::text_enum! {
    pub enum ReportKind ("report kind") {
        /// One matter.
        Matter => "matter",
        /// Every open matter of a client.
        Client => "client",
    }
}

/// A kept report, without its bytes.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = crate::db::schema::reports)]
pub struct Report {
    pub id: ReportId,
    pub reference: String,
    pub kind: ReportKind,
    pub client_id: ClientId,
    pub matter_id: Option<MatterId>,
    pub generated_at: NaiveDateTime,
    pub generated_by: Option<UserId>,
    pub made_for: String,
    pub sha256: String,
    pub size_bytes: i32,
    pub pages: i32,
    pub sent_to: String,
    pub sent_at: Option<NaiveDateTime>,
    pub outbox_id: Option<OutboxId>,
}

impl Report {
    pub fn file_name(&self) -> String {
        format!("{}.pdf", self.reference)
    }
}
