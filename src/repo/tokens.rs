//! API tokens and first-run setup links. Only SHA-256 hashes of tokens are stored: a copy of the
//! database does not give anyone a working token.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::auth::tokens::{new_api_token, new_signed_link_token, token_hash, token_hint, verify};
use crate::db::schema::{api_tokens, setup_tokens, users};
use crate::db::types::{from_db, to_db};
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::ids::{ApiTokenId, SetupTokenId, UserId};
use crate::model::user::{ApiToken, User};
use crate::repo::audit::{self, Change};
use crate::repo::users::{self as accounts, NewUser, UserError};

/// The purpose a setup link is signed for.
pub const SETUP_PURPOSE: &str = "setup";
/// How long a setup link printed at start stays valid.
pub const SETUP_LINK_LIFETIME: Duration = Duration::hours(24);

#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
struct ApiTokenRow<'a> {
    id: &'a ApiTokenId,
    user_id: &'a UserId,
    name: &'a str,
    token_hash: String,
    hint: String,
    created_at: NaiveDateTime,
}

/// Creates an API token for `user_id`; returns it with the token text, which is shown once.
pub fn create_api_token(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: &UserId,
    name: &str,
) -> Result<(ApiToken, String), DbError> {
    write_tx(conn, |conn| {
        let owner = accounts::find(conn, user_id)?.ok_or(DbError::NotFound)?;
        let token = new_api_token();
        let id = ApiTokenId::new();
        diesel::insert_into(api_tokens::table)
            .values(ApiTokenRow {
                id: &id,
                user_id,
                name,
                token_hash: token_hash(&token),
                hint: token_hint(&token),
                created_at: to_db(actor.at),
            })
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "token.created",
                record_type: "api_token",
                record_id: Some(id.as_str()),
                summary: format!("Created API token '{name}' for {}", owner.email),
                detail: json!({ "user_id": user_id, "name": name, "hint": token_hint(&token) }),
            },
        )?;
        let created = api_tokens::table
            .find(&id)
            .select(ApiToken::as_select())
            .first(conn)?;
        Ok((created, token))
    })
}

pub fn list_api_tokens(conn: &mut DbConn, user_id: &UserId) -> Result<Vec<ApiToken>, DbError> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order((
            api_tokens::revoked_at.is_null().desc(),
            api_tokens::created_at.desc(),
        ))
        .select(ApiToken::as_select())
        .load(conn)?)
}

/// Whether the user has an API token that is not revoked.
pub fn has_active_api_token(conn: &mut DbConn, user_id: &UserId) -> Result<bool, DbError> {
    let active: i64 = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::revoked_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(active > 0)
}

/// Revokes a token of `owner`. A token of someone else is "not found".
pub fn revoke_api_token(
    conn: &mut DbConn,
    actor: &Actor,
    owner: &UserId,
    id: &ApiTokenId,
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        let token: ApiToken = api_tokens::table
            .find(id)
            .filter(api_tokens::user_id.eq(owner))
            .select(ApiToken::as_select())
            .first(conn)
            .optional()?
            .ok_or(DbError::NotFound)?;
        if token.revoked_at.is_some() {
            return Ok(());
        }
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::revoked_at.eq(Some(to_db(actor.at))))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "token.revoked",
                record_type: "api_token",
                record_id: Some(id.as_str()),
                summary: format!("Revoked API token '{}'", token.name),
                detail: json!({ "user_id": owner, "hint": token.hint }),
            },
        )
    })
}

/// The active user a bearer token belongs to, if the token is valid and not revoked.
pub fn authenticate_api_token(
    conn: &mut DbConn,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<User>, DbError> {
    let found: Option<(ApiTokenId, Option<NaiveDateTime>, User)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select((api_tokens::id, api_tokens::last_used_at, User::as_select()))
        .first(conn)
        .optional()?;
    let Some((id, last_used, user)) = found else {
        return Ok(None);
    };
    // Last use is kept to the minute: one write per minute per token, not one per request.
    if last_used.is_none_or(|t| from_db(t) < now - Duration::minutes(1)) {
        diesel::update(api_tokens::table.find(&id))
            .set(api_tokens::last_used_at.eq(Some(to_db(now))))
            .execute(conn)?;
    }
    Ok(Some(user))
}

#[derive(Debug, thiserror::Error)]
pub enum SetupLinkError {
    #[error(
        "This setup link is not valid. Copy the whole link that reclaim printed when it started."
    )]
    Invalid,
    #[error("This setup link has already been used. Sign in with the account it created.")]
    Used,
    #[error(
        "This setup link has expired. Restart reclaim to print a new one, or create the first administrator with `reclaim user add --role admin`."
    )]
    Expired,
    #[error("reclaim is already set up. Sign in, or ask an administrator for an account.")]
    AlreadySetUp,
    #[error(transparent)]
    User(UserError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for SetupLinkError {
    fn from(e: diesel::result::Error) -> Self {
        SetupLinkError::Db(e.into())
    }
}

impl From<UserError> for SetupLinkError {
    fn from(e: UserError) -> Self {
        match e {
            UserError::AlreadySetUp => SetupLinkError::AlreadySetUp,
            UserError::Db(db) => SetupLinkError::Db(db),
            other => SetupLinkError::User(other),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = setup_tokens)]
struct SetupTokenRow<'a> {
    id: &'a SetupTokenId,
    token_hash: String,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// Issues a new one-time setup link token while the database has no user. Earlier unused links
/// stop working: only the link printed last is valid.
pub fn issue_setup_token(
    conn: &mut DbConn,
    key: &[u8; 32],
    actor: &Actor,
) -> Result<Option<String>, DbError> {
    write_tx(conn, |conn| {
        if accounts::count(conn)? > 0 {
            return Ok(None);
        }
        let now = to_db(actor.at);
        diesel::update(setup_tokens::table.filter(setup_tokens::used_at.is_null()))
            .filter(setup_tokens::expires_at.gt(now))
            .set(setup_tokens::expires_at.eq(now))
            .execute(conn)?;
        let token = new_signed_link_token(key, SETUP_PURPOSE);
        let id = SetupTokenId::new();
        diesel::insert_into(setup_tokens::table)
            .values(SetupTokenRow {
                id: &id,
                token_hash: token_hash(&token),
                created_at: now,
                expires_at: to_db(actor.at + SETUP_LINK_LIFETIME),
            })
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "setup.link_issued",
                record_type: "setup_token",
                record_id: Some(id.as_str()),
                summary: "Printed a first-run setup link".to_owned(),
                detail: json!({ "expires_at": from_db(to_db(actor.at + SETUP_LINK_LIFETIME)) }),
            },
        )?;
        Ok(Some(token))
    })
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = setup_tokens)]
struct SetupToken {
    id: SetupTokenId,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
}

/// Checks a setup link without using it (to show the form, or why it cannot be used).
pub fn check_setup_token(
    conn: &mut DbConn,
    key: &[u8; 32],
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<SetupTokenId, SetupLinkError> {
    if verify(key, SETUP_PURPOSE, token).is_none() {
        return Err(SetupLinkError::Invalid);
    }
    let found: SetupToken = setup_tokens::table
        .filter(setup_tokens::token_hash.eq(token_hash(token)))
        .select(SetupToken::as_select())
        .first(conn)
        .optional()?
        .ok_or(SetupLinkError::Invalid)?;
    if found.used_at.is_some() {
        return Err(SetupLinkError::Used);
    }
    if from_db(found.expires_at) <= now {
        return Err(SetupLinkError::Expired);
    }
    if accounts::count(conn)? > 0 {
        return Err(SetupLinkError::AlreadySetUp);
    }
    Ok(found.id)
}

/// Uses a setup link: creates the first administrator and marks the link used, in one
/// transaction.
pub fn redeem_setup_token(
    conn: &mut DbConn,
    key: &[u8; 32],
    token: &str,
    actor: &Actor,
    admin: &NewUser,
) -> Result<User, SetupLinkError> {
    write_tx(conn, |conn| {
        let id = check_setup_token(conn, key, token, actor.at)?;
        let user = accounts::create_first_admin(conn, actor, admin)?;
        diesel::update(setup_tokens::table.find(&id))
            .set((
                setup_tokens::used_at.eq(Some(to_db(actor.at))),
                setup_tokens::used_by.eq(Some(&user.id)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "setup.completed",
                record_type: "setup_token",
                record_id: Some(id.as_str()),
                summary: format!("First-run setup created the administrator {}", user.email),
                detail: json!({ "user_id": user.id }),
            },
        )?;
        Ok(user)
    })
}
