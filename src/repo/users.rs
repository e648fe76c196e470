//! User accounts. Users are never deleted (the audit log refers to them); they are deactivated.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{clients, users};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::ids::{ClientId, UserId};
use crate::model::paging::{Page, PageRequest, USERS};
use crate::model::user::{EmailAddress, PersonName, Role, User};
use crate::repo::audit::{self, Change};
use crate::repo::keyset;

/// A checked new account; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: EmailAddress,
    pub name: PersonName,
    pub role: Role,
    pub client_id: Option<ClientId>,
    pub password_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("An account with the e-mail address {0} already exists.")]
    EmailTaken(String),
    #[error("A client portal account must belong to a client; choose the client.")]
    ClientRequired,
    #[error("Only client portal accounts belong to a client; leave the client empty for staff.")]
    ClientNotAllowed,
    #[error("The client does not exist.")]
    UnknownClient,
    #[error("This is the last active administrator; make another user an administrator first.")]
    LastAdmin,
    #[error("The first-run setup was already completed; sign in instead.")]
    AlreadySetUp,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for UserError {
    fn from(e: diesel::result::Error) -> Self {
        UserError::Db(e.into())
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct UserRow<'a> {
    id: &'a UserId,
    email: &'a str,
    name: &'a str,
    role: Role,
    client_id: Option<&'a ClientId>,
    password_hash: &'a str,
    session_version: i32,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn check_client(
    conn: &mut DbConn,
    role: Role,
    client_id: Option<&ClientId>,
) -> Result<(), UserError> {
    match (role, client_id) {
        (Role::Client, None) => Err(UserError::ClientRequired),
        (Role::Client, Some(id)) => {
            let found: i64 = clients::table.find(id).count().get_result(conn)?;
            if found == 0 {
                Err(UserError::UnknownClient)
            } else {
                Ok(())
            }
        }
        (_, Some(_)) => Err(UserError::ClientNotAllowed),
        (_, None) => Ok(()),
    }
}

/// Creates an account and records it in the audit log.
pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewUser) -> Result<User, UserError> {
    write_tx(conn, |conn| insert(conn, actor, new))
}

fn insert(conn: &mut DbConn, actor: &Actor, new: &NewUser) -> Result<User, UserError> {
    check_client(conn, new.role, new.client_id.as_ref())?;
    if find_by_email(conn, &new.email)?.is_some() {
        return Err(UserError::EmailTaken(new.email.to_string()));
    }
    let id = UserId::new();
    let now = to_db(actor.at);
    diesel::insert_into(users::table)
        .values(UserRow {
            id: &id,
            email: new.email.as_str(),
            name: new.name.as_str(),
            role: new.role,
            client_id: new.client_id.as_ref(),
            password_hash: &new.password_hash,
            session_version: 1,
            active: true,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)
        .map_err(|e| match DbError::from(e) {
            DbError::Conflict(_) => UserError::EmailTaken(new.email.to_string()),
            other => UserError::Db(other),
        })?;
    audit::record(
        conn,
        actor,
        Change {
            action: "user.created",
            record_type: "user",
            record_id: Some(id.as_str()),
            summary: format!("Created {} account for {}", new.role.as_str(), new.email),
            detail: json!({
                "email": new.email.as_str(),
                "name": new.name.as_str(),
                "role": new.role,
                "client_id": new.client_id,
            }),
        },
    )?;
    find(conn, &id)?.ok_or(UserError::Db(DbError::NotFound))
}

/// Creates the first administrator, but only while there is no user at all: two people opening
/// setup links at once cannot both become administrators.
pub fn create_first_admin(
    conn: &mut DbConn,
    actor: &Actor,
    new: &NewUser,
) -> Result<User, UserError> {
    write_tx(conn, |conn| {
        if count(conn)? > 0 {
            return Err(UserError::AlreadySetUp);
        }
        insert(conn, actor, new)
    })
}

pub fn find(conn: &mut DbConn, id: &UserId) -> Result<Option<User>, DbError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut DbConn, email: &EmailAddress) -> Result<Option<User>, DbError> {
    Ok(users::table
        .filter(users::email.eq(email.as_str()))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(users::table.count().get_result(conn)?)
}

/// One page of the accounts with the name of their client, for the administration list:
/// active ones first, by name (`active DESC, name, id`, the key of [`USERS`]).
pub fn page(
    conn: &mut DbConn,
    request: &PageRequest,
) -> Result<Page<(User, Option<String>)>, DbError> {
    let mut query = users::table
        .left_join(clients::table)
        .select((User::as_select(), clients::name.nullable()))
        .limit(request.fetch())
        .into_boxed();
    // Read backward for a "Previous" link (`model::paging`).
    query = if request.backward() {
        query.order((users::active.asc(), users::name.desc(), users::id.desc()))
    } else {
        query.order((users::active.desc(), users::name.asc(), users::id.asc()))
    };
    if let Some([active, name, id]) = request.cursor() {
        let active = active == "active";
        query = keyset::seek!(query, request.backward();
            (desc users::active, active),
            (users::name, name.clone()),
            (users::id, id.clone()),
        );
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(rows, request, USERS, |(u, _)| {
        vec![
            if u.active { "active" } else { "inactive" }.to_owned(),
            u.name.clone(),
            u.id.to_string(),
        ]
    }))
}

fn active_admins(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)?)
}

/// What an administrator may change on an account.
#[derive(Debug, Clone)]
pub struct AccountChange {
    pub name: PersonName,
    pub role: Role,
    pub client_id: Option<ClientId>,
    pub active: bool,
}

/// Changes name, role, client and active flag. Changing the role, client or active flag signs the
/// user out everywhere, so the new rights apply at once.
pub fn update_account(
    conn: &mut DbConn,
    actor: &Actor,
    id: &UserId,
    change: &AccountChange,
) -> Result<User, UserError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(DbError::NotFound)?;
        check_client(conn, change.role, change.client_id.as_ref())?;
        let was_active_admin = before.role == Role::Admin && before.active;
        let stays_active_admin = change.role == Role::Admin && change.active;
        if was_active_admin && !stays_active_admin && active_admins(conn)? <= 1 {
            return Err(UserError::LastAdmin);
        }
        let rights_changed = before.role != change.role
            || before.client_id != change.client_id
            || before.active != change.active;
        let version = if rights_changed {
            before.session_version + 1
        } else {
            before.session_version
        };
        diesel::update(users::table.find(id))
            .set((
                users::name.eq(change.name.as_str()),
                users::role.eq(change.role),
                users::client_id.eq(change.client_id.as_ref()),
                users::active.eq(change.active),
                users::session_version.eq(version),
                users::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "user.updated",
                record_type: "user",
                record_id: Some(id.as_str()),
                summary: format!("Changed the account of {}", before.email),
                detail: json!({
                    "before": { "name": before.name, "role": before.role, "client_id": before.client_id, "active": before.active },
                    "after": { "name": change.name.as_str(), "role": change.role, "client_id": change.client_id, "active": change.active },
                }),
            },
        )?;
        find(conn, id)?.ok_or(UserError::Db(DbError::NotFound))
    })
}

/// Sets a new password hash and signs the user out everywhere else; returns the new session
/// version, so the session that made the change can stay signed in.
pub fn set_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: &UserId,
    password_hash: &str,
) -> Result<i32, UserError> {
    write_tx(conn, |conn| {
        let user = find(conn, id)?.ok_or(DbError::NotFound)?;
        let version = user.session_version + 1;
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::session_version.eq(version),
                users::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        let by_self = actor.user_id.as_ref() == Some(id);
        audit::record(
            conn,
            actor,
            Change {
                action: "user.password_changed",
                record_type: "user",
                record_id: Some(id.as_str()),
                summary: if by_self {
                    format!("{} changed their password", user.email)
                } else {
                    format!("Reset the password of {}", user.email)
                },
                detail: json!({}),
            },
        )?;
        Ok(version)
    })
}

/// Ends every session of the user ("sign out everywhere").
pub fn sign_out_everywhere(
    conn: &mut DbConn,
    actor: &Actor,
    id: &UserId,
) -> Result<i32, UserError> {
    write_tx(conn, |conn| {
        let user = find(conn, id)?.ok_or(DbError::NotFound)?;
        let version = user.session_version + 1;
        diesel::update(users::table.find(id))
            .set(users::session_version.eq(version))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "user.signed_out_everywhere",
                record_type: "user",
                record_id: Some(id.as_str()),
                summary: format!("Ended every session of {}", user.email),
                detail: json!({}),
            },
        )?;
        Ok(version)
    })
}

/// Records a successful sign-in.
pub fn record_login(conn: &mut DbConn, actor: &Actor, user: &User) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        diesel::update(users::table.find(&user.id))
            .set(users::last_login_at.eq(Some(to_db(actor.at))))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "user.login",
                record_type: "user",
                record_id: Some(user.id.as_str()),
                summary: format!("{} signed in", user.email),
                detail: json!({}),
            },
        )
    })
}

/// The user's calendar feed key, created on first use. The feed URL carries it signed with the
/// instance's link key, so the key alone (a database copy) does not open the feed.
pub fn calendar_feed_key(conn: &mut DbConn, id: &UserId) -> Result<String, DbError> {
    write_tx(conn, |conn| {
        let existing: Option<String> = users::table
            .find(id)
            .select(users::calendar_feed_key)
            .first(conn)?;
        if let Some(key) = existing {
            return Ok(key);
        }
        let key = crate::model::digest::hex(&crate::auth::tokens::random_bytes::<24>());
        diesel::update(users::table.find(id))
            .set(users::calendar_feed_key.eq(&key))
            .execute(conn)?;
        Ok(key)
    })
}

/// Replaces the calendar feed key: the old feed URL stops working at once.
pub fn reset_calendar_feed(
    conn: &mut DbConn,
    actor: &Actor,
    id: &UserId,
) -> Result<String, DbError> {
    write_tx(conn, |conn| {
        let key = crate::model::digest::hex(&crate::auth::tokens::random_bytes::<24>());
        diesel::update(users::table.find(id))
            .set(users::calendar_feed_key.eq(&key))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "user.calendar_feed_reset",
                record_type: "user",
                record_id: Some(id.as_str()),
                summary: "Replaced the calendar feed link; the old one no longer works".to_owned(),
                detail: json!({}),
            },
        )?;
        Ok(key)
    })
}

/// The active user whose calendar feed key this is.
pub fn find_by_calendar_feed_key(conn: &mut DbConn, key: &str) -> Result<Option<User>, DbError> {
    Ok(users::table
        .filter(users::calendar_feed_key.eq(key))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}
