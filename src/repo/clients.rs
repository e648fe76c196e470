//! The firm's clients.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::clients;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError};
use crate::domain::client::NewClient;
use crate::repo::audit::{self, Actor, Change};

crate::text_id!(ClientId);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = clients)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = clients)]
struct ClientRow<'a> {
    id: &'a ClientId,
    name: &'a str,
    email: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Creates a client. A client with the same name (ignoring case) is a conflict.
pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewClient) -> Result<Client, DbError> {
    crate::db::write_tx(conn, |conn| {
        let taken: i64 = clients::table
            .filter(audit::lower(clients::name).eq(new.name.as_str().to_lowercase()))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(DbError::Conflict(format!(
                "a client named '{}' already exists",
                new.name.as_str()
            )));
        }
        let id = ClientId::new();
        let now = to_db(actor.at);
        diesel::insert_into(clients::table)
            .values(ClientRow {
                id: &id,
                name: new.name.as_str(),
                email: new.email.as_str(),
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "client.created",
                record_type: "client",
                record_id: Some(id.as_str()),
                summary: format!("Created client {}", new.name.as_str()),
                detail: json!({ "name": new.name.as_str(), "email": new.email.as_str() }),
            },
        )?;
        find(conn, &id)?.ok_or(DbError::NotFound)
    })
}

pub fn find(conn: &mut DbConn, id: &ClientId) -> Result<Option<Client>, DbError> {
    Ok(clients::table
        .find(id)
        .select(Client::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(conn: &mut DbConn) -> Result<Vec<Client>, DbError> {
    Ok(clients::table
        .order(audit::lower(clients::name))
        .select(Client::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(clients::table.count().get_result(conn)?)
}
