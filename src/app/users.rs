//! User administration (administrators only): the accounts of the firm's people and of its
//! clients' portal users. Accounts are never deleted (the audit log refers to them); they are
//! deactivated.

use serde::Deserialize;

use crate::app::access::{Caller, Principal};
use crate::auth::password;
use crate::auth::throttle::LockedBy;
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::client::Client;
use crate::model::ids::{ClientId, UserId};
use crate::model::paging::{Page, PageRequest};
use crate::model::user::{EmailAddress, NewPassword, PersonName, Role, User};
use crate::repo::users::{self, AccountChange, NewUser, UserError};
use crate::repo::{clients, sign_in_throttle};
use crate::state::AppState;

/// An account in the administration list, with the name of its client (portal users).
#[derive(Debug, Clone)]
pub struct Listed {
    pub user: User,
    pub client: Option<String>,
}

/// One page of the accounts, active ones first, by name.
pub async fn list(
    state: &AppState,
    user: &Principal,
    request: PageRequest,
) -> Result<Page<Listed>, AppError> {
    user.require_admin()?;
    Ok(state
        .db
        .run(move |c| users::page(c, &request))
        .await?
        .map(|(user, client)| Listed { user, client }))
}

/// The clients a portal account may belong to, for the new-user form.
pub async fn clients(state: &AppState, user: &Principal) -> Result<Vec<Client>, AppError> {
    user.require_admin()?;
    Ok(state.db.run(clients::list).await?)
}

/// An account on its edit page, with the clients it may belong to.
#[derive(Debug, Clone)]
pub struct Editable {
    pub user: User,
    pub clients: Vec<Client>,
}

pub async fn editable(state: &AppState, user: &Principal, id: &str) -> Result<Editable, AppError> {
    user.require_admin()?;
    let id = UserId::parse(id).map_err(|_| AppError::not_found("user"))?;
    let (found, clients) = state
        .db
        .run(move |c| Ok::<_, DbError>((users::find(c, &id)?, clients::list(c)?)))
        .await?;
    let user = found.ok_or_else(|| AppError::not_found("user"))?;
    Ok(Editable { user, clients })
}

/// An account by id, for an administrator.
async fn target(state: &AppState, caller: &Caller, id: &str) -> Result<User, AppError> {
    caller.require_admin()?;
    let id = UserId::parse(id).map_err(|_| AppError::not_found("user"))?;
    state
        .db
        .run(move |c| users::find(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("user"))
}

/// A new account as typed in the form.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewUserInput {
    pub name: String,
    #[schema(format = "email")]
    pub email: String,
    /// `admin`, `lawyer`, `paralegal` or `client`.
    pub role: String,
    /// For a client (portal) account: the client it belongs to.
    #[serde(default)]
    pub client_id: String,
    pub password: String,
    pub password_confirm: String,
}

/// An account's name, role, client and state as changed by an administrator.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AccountInput {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub client_id: String,
    /// A checkbox on the page.
    #[serde(default)]
    pub active: bool,
}

/// A password set by an administrator.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PasswordInput {
    pub password: String,
    pub password_confirm: String,
}

/// The role and client of a form; the client only counts for client (portal) accounts.
fn role_and_client(
    role: &str,
    client_id: &str,
    errors: &mut FieldErrors,
) -> Option<(Role, Option<ClientId>)> {
    let role: Role = role.parse().map_err(|e| errors.add("role", e)).ok()?;
    if role != Role::Client {
        return Some((role, None));
    }
    if client_id.trim().is_empty() {
        errors.add(
            "client_id",
            "Choose the client this portal account belongs to.",
        );
        return None;
    }
    let client = ClientId::parse(client_id.trim())
        .map_err(|_| errors.add("client_id", "The client does not exist."))
        .ok()?;
    Some((role, Some(client)))
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewUserInput,
) -> Result<User, AppError> {
    caller.require_admin()?;
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&input.name)
        .map_err(|e| errors.add("name", e))
        .ok();
    let email = EmailAddress::parse(&input.email)
        .map_err(|e| errors.add("email", e))
        .ok();
    let role_client = role_and_client(&input.role, &input.client_id, &mut errors);
    let password = email.as_ref().and_then(|email| {
        NewPassword::parse_confirmed(&input.password, &input.password_confirm, email)
            .map_err(|e| errors.add("password", e))
            .ok()
    });
    errors.check()?;
    let (Some(name), Some(email), Some((role, client_id)), Some(password)) =
        (name, email, role_client, password)
    else {
        return Err(AppError::invalid("name", "The form could not be read."));
    };
    let password_hash = password::hash_in_background(password).await?;
    let new = NewUser {
        email,
        name,
        role,
        client_id,
        password_hash,
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| users::create(c, &actor, &new))
        .await?)
}

/// Changes an account. Changing its role, client or state signs its user out everywhere, so
/// that the new rights apply at once; the last active administrator stays one.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: AccountInput,
) -> Result<User, AppError> {
    let target = target(state, caller, id).await?;
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&input.name)
        .map_err(|e| errors.add("name", e))
        .ok();
    let role_client = role_and_client(&input.role, &input.client_id, &mut errors);
    errors.check()?;
    let (Some(name), Some((role, client_id))) = (name, role_client) else {
        return Err(AppError::invalid("name", "The form could not be read."));
    };
    let change = AccountChange {
        name,
        role,
        client_id,
        active: input.active,
    };
    let actor = caller.actor(state.clock.now());
    state
        .db
        .run(move |c| users::update_account(c, &actor, &target.id, &change))
        .await
        .map_err(|e| match e {
            // Said on the role, which is what would have to change.
            UserError::LastAdmin => AppError::invalid("role", e.to_string()),
            other => other.into(),
        })
}

/// A password reset: who it was for, and their new session version (every session of theirs
/// ends).
#[derive(Debug, Clone)]
pub struct Reset {
    pub user: User,
    pub session_version: i32,
}

pub async fn reset_password(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: PasswordInput,
) -> Result<Reset, AppError> {
    let target = target(state, caller, id).await?;
    let email = EmailAddress::parse(&target.email).map_err(|e| AppError::Unexpected(e.into()))?;
    let password = NewPassword::parse_confirmed(&input.password, &input.password_confirm, &email)
        .map_err(|e| AppError::invalid("password", e.to_string()))?;
    let hash = password::hash_in_background(password).await?;
    let actor = caller.actor(state.clock.now());
    let target_id = target.id.clone();
    let session_version = state
        .db
        .run(move |c| users::set_password(c, &actor, &target_id, &hash))
        .await?;
    Ok(Reset {
        user: target,
        session_version,
    })
}

/// Ends every session of an account; returns the account.
pub async fn sign_out_user(state: &AppState, caller: &Caller, id: &str) -> Result<User, AppError> {
    let target = target(state, caller, id).await?;
    let actor = caller.actor(state.clock.now());
    let target_id = target.id.clone();
    state
        .db
        .run(move |c| users::sign_out_everywhere(c, &actor, &target_id))
        .await?;
    Ok(target)
}

/// The most sign-in counters the locks page lists.
const LOCKS_SHOWN: i64 = 200;

/// The sign-in throttle's counters that lock or still count failures, locked first.
pub async fn sign_in_locks(
    state: &AppState,
    user: &Principal,
) -> Result<Vec<sign_in_throttle::Lock>, AppError> {
    user.require_admin()?;
    let now = state.clock.now();
    Ok(state
        .db
        .run(move |c| sign_in_throttle::current(c, now, LOCKS_SHOWN))
        .await?)
}

/// Which lock to lift, as the locks page posts it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LiftInput {
    /// `account` or `address`.
    pub scope: String,
    /// The e-mail address or the network address.
    pub subject: String,
}

/// Lifts one sign-in lock (and forgets its failures), for a user locked out or a firm whose
/// proxy address was locked; audited.
pub async fn lift_sign_in_lock(
    state: &AppState,
    caller: &Caller,
    input: LiftInput,
) -> Result<LockedBy, AppError> {
    caller.require_admin()?;
    let by = LockedBy::parse(&input.scope).ok_or_else(|| {
        AppError::invalid("scope", "Choose a lock from the list of sign-in locks.")
    })?;
    let actor = caller.actor(state.clock.now());
    let subject = input.subject;
    state
        .db
        .run(move |c| sign_in_throttle::lift(c, &actor, by, &subject))
        .await
        .map_err(|e| match e {
            DbError::NotFound => AppError::NotFound(
                "There is no such sign-in lock any more: it may have been lifted already."
                    .to_owned(),
            ),
            other => other.into(),
        })?;
    Ok(by)
}
