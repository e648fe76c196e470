//! The firm's clients and the people at each of them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{client_contacts, clients};
use crate::db::sql::lower;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::client::{Client, Contact, NewClient, NewContact, ReportCadence};
use crate::model::ids::{ClientId, ContactId};
use crate::model::paging::{CLIENTS, Page, PageRequest};
use crate::repo::audit::{self, Change};
use crate::repo::keyset;

#[derive(Insertable)]
#[diesel(table_name = clients)]
struct ClientRow<'a> {
    id: &'a ClientId,
    name: &'a str,
    email: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn name_taken(conn: &mut DbConn, name: &str, except: Option<&ClientId>) -> Result<bool, DbError> {
    let mut query = clients::table
        .filter(lower(clients::name).eq(name.to_lowercase()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(clients::id.ne(id));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

fn name_conflict(name: &str) -> DbError {
    DbError::Conflict(format!("a client named '{name}' already exists"))
}

/// Creates a client. A client with the same name (ignoring case) is a conflict.
pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewClient) -> Result<Client, DbError> {
    write_tx(conn, |conn| {
        if name_taken(conn, new.name.as_str(), None)? {
            return Err(name_conflict(new.name.as_str()));
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

/// What can be changed on a client.
#[derive(Debug, Clone)]
pub struct ClientChange {
    pub details: NewClient,
    pub report_cadence: ReportCadence,
    pub notes: String,
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &ClientId,
    change: &ClientChange,
) -> Result<Client, DbError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(DbError::NotFound)?;
        if name_taken(conn, change.details.name.as_str(), Some(id))? {
            return Err(name_conflict(change.details.name.as_str()));
        }
        diesel::update(clients::table.find(id))
            .set((
                clients::name.eq(change.details.name.as_str()),
                clients::email.eq(change.details.email.as_str()),
                clients::report_cadence.eq(change.report_cadence),
                clients::notes.eq(&change.notes),
                clients::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "client.updated",
                record_type: "client",
                record_id: Some(id.as_str()),
                summary: format!("Changed client {}", change.details.name.as_str()),
                detail: json!({
                    "before": { "name": before.name, "email": before.email, "report_cadence": before.report_cadence },
                    "after": { "name": change.details.name.as_str(), "email": change.details.email.as_str(), "report_cadence": change.report_cadence },
                }),
            },
        )?;
        find(conn, id)?.ok_or(DbError::NotFound)
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
        .order(lower(clients::name))
        .select(Client::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(clients::table.count().get_result(conn)?)
}

#[derive(Insertable)]
#[diesel(table_name = client_contacts)]
struct ContactRow<'a> {
    id: &'a ContactId,
    client_id: &'a ClientId,
    name: &'a str,
    email: &'a str,
    phone: &'a str,
    position: &'a str,
    receives_reports: bool,
    created_at: NaiveDateTime,
}

pub fn add_contact(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: &ClientId,
    new: &NewContact,
) -> Result<Contact, DbError> {
    write_tx(conn, |conn| {
        let client = find(conn, client_id)?.ok_or(DbError::NotFound)?;
        let id = ContactId::new();
        diesel::insert_into(client_contacts::table)
            .values(ContactRow {
                id: &id,
                client_id,
                name: new.name.as_str(),
                email: new.email.as_str(),
                phone: &new.phone,
                position: &new.position,
                receives_reports: new.receives_reports,
                created_at: to_db(actor.at),
            })
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "client.contact_added",
                record_type: "client",
                record_id: Some(client_id.as_str()),
                summary: format!(
                    "Added {} as a contact of {}",
                    new.name.as_str(),
                    client.name
                ),
                detail: json!({ "contact_id": id, "email": new.email.as_str(), "receives_reports": new.receives_reports }),
            },
        )?;
        Ok(client_contacts::table
            .find(&id)
            .select(Contact::as_select())
            .first(conn)?)
    })
}

pub fn remove_contact(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: &ClientId,
    contact_id: &ContactId,
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        let contact: Contact = client_contacts::table
            .find(contact_id)
            .filter(client_contacts::client_id.eq(client_id))
            .select(Contact::as_select())
            .first(conn)
            .optional()?
            .ok_or(DbError::NotFound)?;
        diesel::delete(client_contacts::table.find(contact_id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "client.contact_removed",
                record_type: "client",
                record_id: Some(client_id.as_str()),
                summary: format!("Removed {} from the contacts", contact.name),
                detail: json!({ "contact_id": contact_id, "email": contact.email }),
            },
        )
    })
}

pub fn contacts(conn: &mut DbConn, client_id: &ClientId) -> Result<Vec<Contact>, DbError> {
    Ok(client_contacts::table
        .filter(client_contacts::client_id.eq(client_id))
        .order(lower(client_contacts::name))
        .select(Contact::as_select())
        .load(conn)?)
}

/// One page of clients by name (case-insensitive), then id; `only`: a portal user's own client.
pub fn page(
    conn: &mut DbConn,
    only: Option<&ClientId>,
    request: &PageRequest,
) -> Result<Page<Client>, DbError> {
    let mut query = clients::table
        // The key as the database lowers it (SQLite's lower() is ASCII only).
        .select((Client::as_select(), lower(clients::name)))
        .limit(request.fetch())
        .into_boxed();
    if let Some(own) = only {
        query = query.filter(clients::id.eq(own.clone()));
    }
    // Read backward for a "Previous" link (`model::paging`).
    query = if request.backward() {
        query.order((lower(clients::name).desc(), clients::id.desc()))
    } else {
        query.order((lower(clients::name), clients::id))
    };
    if let Some([name, id]) = request.cursor() {
        query = keyset::seek!(query, request.backward();
            (lower(clients::name), name.clone()),
            (clients::id, id.clone()),
        );
    }
    let rows: Vec<(Client, String)> = query.load(conn)?;
    Ok(Page::from_rows(rows, request, CLIENTS, |(c, key)| {
        vec![key.clone(), c.id.to_string()]
    })
    .map(|(c, _)| c))
}
