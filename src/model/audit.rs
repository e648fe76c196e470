//! The audit trail's records: who acts (an `Actor`) and what the log keeps of each change.
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::model::ids::{AuditEventId, UserId};

/// Who is acting, from where, and when.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// E-mail of the user, or what acted without one (`cli`, `setup link`, `system`).
    pub label: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub at: DateTime<Utc>,
}

impl Actor {
    /// Something that acts without a signed-in user, such as the command line or a job.
    pub fn process(label: &str, at: DateTime<Utc>) -> Self {
        Self {
            user_id: None,
            label: label.to_owned(),
            ip: None,
            request_id: None,
            at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::audit_events)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub at: NaiveDateTime,
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<String>,
    pub summary: String,
    pub detail: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}
