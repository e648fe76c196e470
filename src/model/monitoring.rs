//! What monitoring keeps of a name: its schedule and last assessment, each registry answer (snapshot) and the changes between answers.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::model::changes::ChangeKind;
use crate::model::ids::{ChangeId, SnapshotId};
use crate::model::lifecycle::{Assessment, Phase};
use crate::model::registry_record::RegistryRecord;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::monitored_domains, primary_key(domain))]
pub struct MonitoredDomain {
    pub domain: String,
    pub unicode: String,
    pub tld: String,
    pub phase: Phase,
    pub drop_earliest: Option<NaiveDateTime>,
    pub drop_latest: Option<NaiveDateTime>,
    pub assessment_reason: String,
    pub last_snapshot_id: Option<SnapshotId>,
    pub last_checked_at: Option<NaiveDateTime>,
    pub next_check_at: NaiveDateTime,
    pub failures: i32,
    pub last_error: Option<String>,
    pub lease_holder: Option<String>,
    pub lease_expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl MonitoredDomain {
    pub fn assessment(&self) -> Assessment {
        Assessment {
            phase: self.phase,
            drop_earliest: self.drop_earliest.map(|t| t.and_utc()),
            drop_latest: self.drop_latest.map(|t| t.and_utc()),
            reason: self.assessment_reason.clone(),
        }
    }
}

/// A kept answer with its bytes as received (the raw answer page, the evidence export): its
/// metadata from `registry_snapshots`, its bytes from `registry_answers` (stored once per hash).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub id: SnapshotId,
    pub domain: String,
    pub source: Source,
    pub server: String,
    pub fetched_at: NaiveDateTime,
    pub http_status: Option<i32>,
    pub raw: Vec<u8>,
    pub sha256: String,
    pub registered: bool,
    pub phase: Phase,
    pub related_to: Option<SnapshotId>,
}

/// A kept answer's metadata, as its row holds it: never the bytes.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::registry_snapshots)]
pub struct SnapshotRow {
    pub id: SnapshotId,
    pub domain: String,
    pub source: Source,
    pub server: String,
    pub fetched_at: NaiveDateTime,
    pub http_status: Option<i32>,
    pub sha256: String,
    pub parsed: String,
    pub registered: bool,
    pub phase: Phase,
    pub related_to: Option<SnapshotId>,
}

impl SnapshotRow {
    pub fn record(&self) -> RegistryRecord {
        serde_json::from_str(&self.parsed).unwrap_or_default()
    }

    /// With its bytes, read apart.
    pub fn with_raw(self, raw: Vec<u8>) -> Snapshot {
        Snapshot {
            id: self.id,
            domain: self.domain,
            source: self.source,
            server: self.server,
            fetched_at: self.fetched_at,
            http_status: self.http_status,
            raw,
            sha256: self.sha256,
            registered: self.registered,
            phase: self.phase,
            related_to: self.related_to,
        }
    }
}

/// A kept answer without its bytes, for lists.
#[derive(Debug, Clone, Queryable)]
pub struct SnapshotMeta {
    pub id: SnapshotId,
    pub fetched_at: NaiveDateTime,
    pub source: Source,
    pub server: String,
    pub http_status: Option<i32>,
    pub sha256: String,
    pub registered: bool,
    pub phase: Phase,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::registry_changes)]
pub struct StoredChange {
    pub id: ChangeId,
    pub domain: String,
    pub snapshot_id: SnapshotId,
    pub previous_snapshot_id: Option<SnapshotId>,
    pub detected_at: NaiveDateTime,
    pub kind: ChangeKind,
    pub before_value: String,
    pub after_value: String,
    pub summary: String,
    pub important: bool,
}

crate::text_enum! {
    /// Which protocol an answer came by.
    pub enum Source ("registry source") {
        Rdap => "rdap",
        Whois => "whois",
        RdapRegistrar => "rdap_registrar",
        WhoisRegistrar => "whois_registrar",
    }
}
