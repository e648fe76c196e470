//! The firm's catch service accounts. The credentials arrive sealed; this module never sees them
//! in the clear, and the audit trail records the account without them.

use crate::model::paging::{CATCH_ACCOUNTS, Page, PageRequest};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::catch_accounts;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::catch_account::CatchAccount;
use crate::model::ids::CatchAccountId;
use crate::repo::audit::{self, Change};
use crate::repo::keyset;

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
                summary: format!(
                    "Catch service account {} ({}) connected",
                    new.label, new.provider
                ),
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

/// What changes on an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    /// New credentials the service just accepted, sealed for the account's id.
    pub credentials_sealed: Option<String>,
    pub max_bid_per_name_minor: Option<Option<i64>>,
    pub monthly_limit_minor: Option<Option<i64>>,
    pub active: Option<bool>,
}

/// Changes an account, audited without its credentials (only that they were replaced). New
/// credentials also bring the orders waiting after a failed call forward: they are tried at once.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    account: &CatchAccount,
    change: &AccountChange,
) -> Result<CatchAccount, DbError> {
    use crate::db::schema::catch_orders;
    let now = crate::db::types::to_db(actor.at);
    let row = catch_accounts::table.find(&account.id);
    write_tx(conn, |conn| {
        if let Some(sealed) = &change.credentials_sealed {
            diesel::update(row)
                .set((
                    catch_accounts::credentials_sealed.eq(sealed),
                    catch_accounts::verified_at.eq(now),
                ))
                .execute(conn)?;
            diesel::update(
                catch_orders::table
                    .filter(catch_orders::account_id.eq(&account.id))
                    .filter(catch_orders::attempts.gt(0))
                    .filter(catch_orders::next_attempt_at.is_not_null()),
            )
            .set(catch_orders::next_attempt_at.eq(Some(now)))
            .execute(conn)?;
        }
        if let Some(max_bid) = change.max_bid_per_name_minor {
            diesel::update(row)
                .set(catch_accounts::max_bid_per_name_minor.eq(max_bid))
                .execute(conn)?;
        }
        if let Some(monthly) = change.monthly_limit_minor {
            diesel::update(row)
                .set(catch_accounts::monthly_limit_minor.eq(monthly))
                .execute(conn)?;
        }
        if let Some(active) = change.active {
            diesel::update(row)
                .set(catch_accounts::active.eq(active))
                .execute(conn)?;
        }
        let after: CatchAccount = row.select(CatchAccount::as_select()).first(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "catch_account.updated",
                record_type: "catch_account",
                record_id: Some(account.id.as_str()),
                summary: format!(
                    "Catch service account {} ({}) changed",
                    account.label, account.provider
                ),
                // That the credentials were replaced, never what they are.
                detail: json!({
                    "credentials_replaced": change.credentials_sealed.is_some(),
                    "max_bid_per_name_minor": [account.max_bid_per_name_minor, after.max_bid_per_name_minor],
                    "monthly_limit_minor": [account.monthly_limit_minor, after.monthly_limit_minor],
                    "active": [account.active, after.active],
                }),
            },
        )?;
        Ok(after)
    })
}

/// How many orders through an account are still open (scheduled, placed, or caught with the
/// service's auction to follow).
pub fn open_orders(conn: &mut DbConn, account: &CatchAccountId) -> Result<i64, DbError> {
    use crate::db::schema::{catch_channels, catch_orders};
    use crate::model::backorder::ChannelStatus as C;
    Ok(catch_orders::table
        .inner_join(catch_channels::table)
        .filter(catch_orders::account_id.eq(account))
        .filter(catch_channels::status.eq_any([C::Scheduled, C::Placed, C::Caught, C::InAuction]))
        .count()
        .get_result(conn)?)
}

/// Every account, by provider and label.
pub fn list(conn: &mut DbConn) -> Result<Vec<CatchAccount>, DbError> {
    Ok(catch_accounts::table
        .order((catch_accounts::provider, catch_accounts::label))
        .select(CatchAccount::as_select())
        .load(conn)?)
}

/// One page of the accounts, by provider and label (the key of [`CATCH_ACCOUNTS`]).
pub fn page(conn: &mut DbConn, request: &PageRequest) -> Result<Page<CatchAccount>, DbError> {
    let mut query = catch_accounts::table
        .order((
            catch_accounts::provider,
            catch_accounts::label,
            catch_accounts::id,
        ))
        .select(CatchAccount::as_select())
        .limit(request.fetch())
        .into_boxed();
    if let Some([provider, label, id]) = request.after.as_deref() {
        query = query.filter(keyset::after!(
            (catch_accounts::provider, provider.clone()),
            (catch_accounts::label, label.clone()),
            (catch_accounts::id, id.clone()),
        ));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(
        rows,
        request,
        CATCH_ACCOUNTS,
        |a: &CatchAccount| vec![a.provider.clone(), a.label.clone(), a.id.to_string()],
    ))
}

pub fn find(conn: &mut DbConn, id: &CatchAccountId) -> Result<Option<CatchAccount>, DbError> {
    Ok(catch_accounts::table
        .find(id)
        .select(CatchAccount::as_select())
        .first(conn)
        .optional()?)
}
