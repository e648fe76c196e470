//! The firm's catch service accounts. The credentials arrive sealed; this module never sees them
//! in the clear, and the audit trail records the account without them.

use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::catch_accounts;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::catch_account::CatchAccount;
use crate::model::ids::CatchAccountId;
use crate::repo::audit::{self, Change};

/// A new account, checked, with its credentials already sealed for `id`.
#[derive(Debug, Clone)]
pub struct NewCatchAccount {
    pub id: CatchAccountId,
    pub provider: String,
    pub label: String,
    pub endpoint: String,
    pub auth_endpoint: Option<String>,
    pub credentials_sealed: String,
    pub max_bid_per_name_minor: Option<i64>,
    pub monthly_limit_minor: Option<i64>,
    pub currency: String,
}

/// Records a new account; `Conflict` when the provider already has an account of that label.
pub fn insert(
    conn: &mut DbConn,
    actor: &Actor,
    new: &NewCatchAccount,
) -> Result<CatchAccount, DbError> {
    let now = crate::db::types::to_db(actor.at);
    write_tx(conn, |conn| {
        diesel::insert_into(catch_accounts::table)
            .values((
                catch_accounts::id.eq(&new.id),
                catch_accounts::provider.eq(&new.provider),
                catch_accounts::label.eq(&new.label),
                catch_accounts::endpoint.eq(&new.endpoint),
                catch_accounts::auth_endpoint.eq(&new.auth_endpoint),
                catch_accounts::credentials_sealed.eq(&new.credentials_sealed),
                catch_accounts::max_bid_per_name_minor.eq(new.max_bid_per_name_minor),
                catch_accounts::monthly_limit_minor.eq(new.monthly_limit_minor),
                catch_accounts::currency.eq(&new.currency),
                catch_accounts::active.eq(true),
                catch_accounts::verified_at.eq(now),
                catch_accounts::created_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "catch_account.created",
                record_type: "catch_account",
                record_id: Some(new.id.as_str()),
                summary: format!("Catch service account {} ({}) connected", new.label, new.provider),
                // The credentials stay out of the trail.
                detail: json!({
                    "provider": new.provider,
                    "label": new.label,
                    "endpoint": new.endpoint,
                    "auth_endpoint": new.auth_endpoint,
                    "max_bid_per_name_minor": new.max_bid_per_name_minor,
                    "monthly_limit_minor": new.monthly_limit_minor,
                    "currency": new.currency,
                }),
            },
        )?;
        Ok(catch_accounts::table
            .find(&new.id)
            .select(CatchAccount::as_select())
            .first(conn)?)
    })
}

/// Every account, by provider and label.
pub fn list(conn: &mut DbConn) -> Result<Vec<CatchAccount>, DbError> {
    Ok(catch_accounts::table
        .order((catch_accounts::provider, catch_accounts::label))
        .select(CatchAccount::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConn, id: &CatchAccountId) -> Result<Option<CatchAccount>, DbError> {
    Ok(catch_accounts::table
        .find(id)
        .select(CatchAccount::as_select())
        .first(conn)
        .optional()?)
}
