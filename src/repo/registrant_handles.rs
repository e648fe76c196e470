//! The clients' contact handles at the firm's registrar accounts, and what a direct catch
//! registers with: the registrant the backorder chose and the matter's period.

use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{backorders, client_registrant_handles as handles, matters};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::backorder::Registrant;
use crate::model::client::RegistrantHandle;
use crate::model::ids::{BackorderId, CatchAccountId, ClientId};
use crate::repo::audit::{self, Change};

/// The client's handles, one per account.
pub fn for_client(conn: &mut DbConn, client: &ClientId) -> Result<Vec<RegistrantHandle>, DbError> {
    Ok(handles::table
        .filter(handles::client_id.eq(client))
        .order(handles::account_id)
        .select(RegistrantHandle::as_select())
        .load(conn)?)
}

/// Sets (or with `None` removes) the client's handle at an account; audited.
pub fn set(
    conn: &mut DbConn,
    actor: &Actor,
    client: &ClientId,
    account: &CatchAccountId,
    handle: Option<&str>,
) -> Result<(), DbError> {
    let now = to_db(actor.at);
    write_tx(conn, |conn| {
        let before: Option<String> = handles::table
            .find((client, account))
            .select(handles::handle)
            .first(conn)
            .optional()?;
        match handle {
            Some(handle) if before.is_some() => {
                diesel::update(handles::table.find((client, account)))
                    .set((handles::handle.eq(handle), handles::updated_at.eq(now)))
                    .execute(conn)?;
            }
            Some(handle) => {
                diesel::insert_into(handles::table)
                    .values((
                        handles::client_id.eq(client),
                        handles::account_id.eq(account),
                        handles::handle.eq(handle),
                        handles::created_at.eq(now),
                        handles::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::delete(handles::table.find((client, account))).execute(conn)?;
            }
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "client.registrant_handle_set",
                record_type: "client",
                record_id: Some(client.as_str()),
                summary: match handle {
                    Some(h) => format!("Registrant handle {h} set for a registrar account"),
                    None => "Registrant handle removed for a registrar account".to_owned(),
                },
                detail: json!({ "account_id": account, "before": before, "after": handle }),
            },
        )?;
        Ok(())
    })
}

/// What a direct catch of the backorder through `account` registers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub registrant: Registrant,
    pub client_id: ClientId,
    /// The client's handle at the account, when it has one.
    pub client_handle: Option<String>,
    /// The matter's renewal years.
    pub years: i32,
}

pub fn registration(
    conn: &mut DbConn,
    backorder: &BackorderId,
    account: &CatchAccountId,
) -> Result<Option<Registration>, DbError> {
    let row: Option<(Registrant, ClientId, i32)> = backorders::table
        .inner_join(matters::table)
        .filter(backorders::id.eq(backorder))
        .select((
            backorders::registrant,
            matters::client_id,
            matters::renewal_years,
        ))
        .first(conn)
        .optional()?;
    let Some((registrant, client_id, years)) = row else {
        return Ok(None);
    };
    let client_handle = handles::table
        .find((&client_id, account))
        .select(handles::handle)
        .first(conn)
        .optional()?;
    Ok(Some(Registration {
        registrant,
        client_id,
        client_handle,
        years,
    }))
}

/// The accounts (id, label, provider) of the backorder's orders still waiting (scheduled) at
/// which the client has no handle.
pub fn waiting_without_handle(
    conn: &mut DbConn,
    backorder: &BackorderId,
    client: &ClientId,
) -> Result<Vec<(CatchAccountId, String, String)>, DbError> {
    use crate::db::schema::{catch_accounts, catch_channels, catch_orders};
    use crate::model::backorder::ChannelStatus;
    let waiting: Vec<(CatchAccountId, String, String)> = catch_orders::table
        .inner_join(catch_channels::table)
        .inner_join(catch_accounts::table)
        .filter(catch_orders::backorder_id.eq(backorder))
        .filter(catch_channels::status.eq(ChannelStatus::Scheduled))
        .select((
            catch_accounts::id,
            catch_accounts::label,
            catch_accounts::provider,
        ))
        .load(conn)?;
    let held: Vec<CatchAccountId> = handles::table
        .filter(handles::client_id.eq(client))
        .select(handles::account_id)
        .load(conn)?;
    Ok(waiting
        .into_iter()
        .filter(|(id, _, _)| !held.contains(id))
        .collect())
}
