//! Sender profiles: the firm's real identity on outgoing mail (CAN-SPAM's physical address and a from-address on the firm's own domain).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::model::ids::SenderProfileId;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::sender_profiles)]
pub struct SenderProfile {
    pub id: SenderProfileId,
    pub label: String,
    pub legal_name: String,
    pub postal_address: String,
    pub phone: String,
    pub from_name: String,
    pub from_email: String,
    pub reply_to: Option<String>,
    pub dkim_selector: Option<String>,
    pub dkim_private_key: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SenderProfile {
    /// The domain of the from-address: the DKIM signing domain.
    pub fn domain(&self) -> &str {
        self.from_email.rsplit_once('@').map_or("", |(_, d)| d)
    }

    pub fn has_dkim(&self) -> bool {
        self.dkim_selector.is_some() && self.dkim_private_key.is_some()
    }

    /// Where the DKIM public key is published (`selector._domainkey.domain`, RFC 6376 §3.6.2.1),
    /// when the profile signs.
    pub fn dkim_record(&self) -> Option<String> {
        match &self.dkim_selector {
            Some(s) if self.has_dkim() => Some(format!("{s}._domainkey.{}", self.domain())),
            _ => None,
        }
    }

    /// "Cabinet Martin <domains@cabinet-martin.example>".
    pub fn from_header(&self) -> String {
        let name = if self.from_name.trim().is_empty() {
            &self.legal_name
        } else {
            &self.from_name
        };
        format!(
            "\"{}\" <{}>",
            name.replace(['"', '\\'], ""),
            self.from_email
        )
    }
}
