//! An account of the firm at a catch service with an API (`crate::catch`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::catch::Provider;
use crate::model::ids::CatchAccountId;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::catch_accounts)]
pub struct CatchAccount {
    pub id: CatchAccountId,
    pub provider: String,
    pub label: String,
    /// The service's API; the provider's production URL unless an administrator set another.
    pub endpoint: String,
    pub auth_endpoint: Option<String>,
    /// `auth::sealed`, bound to the account's id; opened only to call the service.
    pub credentials_sealed: String,
    /// The most reclaim bids on one name through this account, whatever the client allows.
    pub max_bid_per_name_minor: Option<i64>,
    /// The most reclaim commits through this account in a calendar month.
    pub monthly_limit_minor: Option<i64>,
    pub currency: String,
    pub active: bool,
    /// When the service last accepted the credentials.
    pub verified_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl CatchAccount {
    /// `None` for a provider this version no longer knows.
    pub fn provider(&self) -> Option<Provider> {
        Provider::parse(&self.provider).ok()
    }
}
