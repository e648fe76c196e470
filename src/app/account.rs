//! The signed-in user's own account: password, API tokens, the deadline calendar feed, sign
//! out everywhere; and `GET /api/v1/me`.

use serde::Deserialize;

use crate::app::access::{Caller, Principal};
use crate::auth::password;
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::ids::ApiTokenId;
use crate::model::user::{ApiToken, EmailAddress, NewPassword, parse_one_line_name};
use crate::repo::{tokens, users};
use crate::state::AppState;

/// The account page: the user's API tokens (active first, newest first) and, for staff, the
/// link of their deadline feed.
#[derive(Debug, Clone)]
pub struct Account {
    pub tokens: Vec<ApiToken>,
    pub calendar_url: Option<String>,
}

/// The calendar feed link of a staff member (created on first use); client accounts have no
/// docket.
async fn calendar_url(state: &AppState, user: &Principal) -> Result<Option<String>, AppError> {
    if !user.is_staff() {
        return Ok(None);
    }
    let id = user.id.clone();
    let key = state
        .db
        .run(move |c| users::calendar_feed_key(c, &id))
        .await?;
    Ok(Some(crate::app::docket::feed_url(state, &key)))
}

pub async fn show(state: &AppState, user: &Principal) -> Result<Account, AppError> {
    let user_id = user.id.clone();
    let tokens = state
        .db
        .run(move |c| tokens::list_api_tokens(c, &user_id))
        .await?;
    Ok(Account {
        tokens,
        calendar_url: calendar_url(state, user).await?,
    })
}

/// The caller, with the link of their deadline feed: what `GET /api/v1/me` answers.
#[derive(Debug, Clone)]
pub struct Me {
    pub user: Principal,
    pub calendar_url: Option<String>,
}

pub async fn me(state: &AppState, user: &Principal) -> Result<Me, AppError> {
    Ok(Me {
        user: user.clone(),
        calendar_url: calendar_url(state, user).await?,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// Changes the caller's password once they have given the current one. Every session of the
/// user ends; the new session version is returned, so the session that made the change can go
/// on.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    input: ChangePasswordInput,
) -> Result<i32, AppError> {
    let mut errors = FieldErrors::default();
    let email = EmailAddress::parse(&caller.email).map_err(|e| AppError::Unexpected(e.into()))?;
    let new_password =
        NewPassword::parse_confirmed(&input.new_password, &input.new_password_confirm, &email)
            .map_err(|e| errors.add("new_password", e))
            .ok();
    let stored = {
        let id = caller.id.clone();
        state.db.run(move |c| users::find(c, &id)).await?
    }
    .ok_or(AppError::Unauthorized)?
    .password_hash;
    if !password::verify_in_background(input.current_password, Some(stored)).await? {
        errors.add("current_password", "This is not your current password.");
    }
    errors.check()?;
    let Some(new_password) = new_password else {
        return Err(AppError::invalid(
            "new_password",
            "The new password could not be read.",
        ));
    };
    let hash = password::hash_in_background(new_password).await?;
    let actor = caller.actor(state.clock.now());
    let id = caller.id.clone();
    Ok(state
        .db
        .run(move |c| users::set_password(c, &actor, &id, &hash))
        .await?)
}

/// A new API token's name.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TokenInput {
    /// A name to recognise the token by.
    #[schema(max_length = 100)]
    pub name: String,
}

/// Creates an API token acting for the caller; returns it with its text, shown only now.
pub async fn create_token(
    state: &AppState,
    caller: &Caller,
    input: TokenInput,
) -> Result<(ApiToken, String), AppError> {
    let name = parse_one_line_name(&input.name, 100)
        .map_err(|e| AppError::invalid("name", e.to_string()))?;
    let actor = caller.actor(state.clock.now());
    let owner = caller.id.clone();
    Ok(state
        .db
        .run(move |c| tokens::create_api_token(c, &actor, &owner, &name))
        .await?)
}

/// Revokes one of the caller's tokens; someone else's is "not found".
pub async fn revoke_token(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    let id = ApiTokenId::parse(id).map_err(|_| AppError::not_found("API token"))?;
    let actor = caller.actor(state.clock.now());
    let owner = caller.id.clone();
    state
        .db
        .run(move |c| tokens::revoke_api_token(c, &actor, &owner, &id))
        .await
        .map_err(|e| match e {
            DbError::NotFound => AppError::not_found("API token"),
            other => other.into(),
        })
}

/// Ends every session of the caller, this one included.
pub async fn sign_out_everywhere(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    let actor = caller.actor(state.clock.now());
    let id = caller.id.clone();
    state
        .db
        .run(move |c| users::sign_out_everywhere(c, &actor, &id))
        .await?;
    Ok(())
}

/// Replaces the caller's calendar feed link (a leaked link stops working); staff only.
pub async fn reset_calendar_feed(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    caller.require_staff()?;
    let actor = caller.actor(state.clock.now());
    let id = caller.id.clone();
    state
        .db
        .run(move |c| users::reset_calendar_feed(c, &actor, &id))
        .await?;
    Ok(())
}
