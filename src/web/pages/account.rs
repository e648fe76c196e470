//! The signed-in user's own account: password, API tokens, sign out everywhere.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::password;
use crate::error::{AppError, FieldErrors};
use crate::model::ids::ApiTokenId;
use crate::model::user::{ApiToken, EmailAddress, NewPassword, parse_one_line_name};
use crate::repo::{tokens, users};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::{Layout, actor, render_status, see_other, show_optional_time, show_time};

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub hint: String,
    pub created: String,
    pub last_used: String,
    pub revoked: Option<String>,
}

impl From<&ApiToken> for TokenRow {
    fn from(t: &ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            hint: t.hint.clone(),
            created: show_time(&t.created_at),
            last_used: show_optional_time(&t.last_used_at),
            revoked: t.revoked_at.as_ref().map(show_time),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    role: String,
    tokens: Vec<TokenRow>,
    /// A token just created: shown once, never stored in clear.
    new_token: Option<String>,
    token_name: String,
    errors: FieldErrors,
    /// The person's deadline feed (staff only).
    calendar_url: Option<String>,
}

async fn account_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    new_token: Option<String>,
    token_name: String,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let user_id = user.id.clone();
    let staff = user.is_staff();
    let (tokens, feed_key) = state
        .db
        .run(move |c| {
            let feed_key = if staff {
                Some(users::calendar_feed_key(c, &user_id)?)
            } else {
                None
            };
            Ok::<_, crate::db::DbError>((tokens::list_api_tokens(c, &user_id)?, feed_key))
        })
        .await?;
    render_status(
        status,
        &AccountPage {
            layout: Layout::for_user(user, "Your account", "account"),
            email: user.email.clone(),
            role: user.role.label().to_owned(),
            tokens: tokens.iter().map(TokenRow::from).collect(),
            new_token,
            token_name,
            errors,
            calendar_url: feed_key.map(|k| crate::app::docket::feed_url(state, &k)),
        },
    )
}

#[get("/account")]
pub async fn account(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    account_page(
        &state,
        &user,
        StatusCode::OK,
        None,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

#[post("/account/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let email = EmailAddress::parse(&user.email).map_err(|e| AppError::Unexpected(e.into()))?;
    let new_password =
        NewPassword::parse_confirmed(&form.new_password, &form.new_password_confirm, &email)
            .map_err(|e| errors.add("new_password", e))
            .ok();
    let stored = {
        let id = user.id.clone();
        state.db.run(move |c| users::find(c, &id)).await?
    }
    .ok_or(AppError::Unauthorized)?
    .password_hash;
    let current_ok =
        password::verify_in_background(form.current_password.clone(), Some(stored)).await?;
    if !current_ok {
        errors.add("current_password", "This is not your current password.");
    }
    let Some(new_password) = new_password.filter(|_| errors.is_empty()) else {
        return account_page(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            String::new(),
            errors,
        )
        .await;
    };
    let hash = password::hash_in_background(new_password).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let id = user.id.clone();
    let version = state
        .db
        .run(move |c| users::set_password(c, &actor, &id, &hash))
        .await?;
    // Other sessions end; this one continues.
    session::set_version(&user.session, version);
    session::flash(
        &user.session,
        "success",
        "Your password was changed. Your other sessions were signed out.",
    );
    Ok(see_other("/account"))
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

#[post("/account/tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let name = match parse_one_line_name(&form.name, 100) {
        Ok(name) => name,
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add("token_name", e);
            return account_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                form.name.clone(),
                errors,
            )
            .await;
        }
    };
    let actor = actor(&user, &meta, state.clock.now());
    let owner = user.id.clone();
    let (_, token) = state
        .db
        .run(move |c| tokens::create_api_token(c, &actor, &owner, &name))
        .await?;
    account_page(
        &state,
        &user,
        StatusCode::CREATED,
        Some(token),
        String::new(),
        FieldErrors::default(),
    )
    .await
}

#[post("/account/tokens/{id}/revoke")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = ApiTokenId::parse(&id).map_err(|_| AppError::not_found("API token"))?;
    let actor = actor(&user, &meta, state.clock.now());
    let owner = user.id.clone();
    state
        .db
        .run(move |c| tokens::revoke_api_token(c, &actor, &owner, &id))
        .await
        .map_err(|e| match e {
            crate::db::DbError::NotFound => AppError::not_found("API token"),
            other => other.into(),
        })?;
    session::flash(
        &user.session,
        "success",
        "The API token was revoked; programs using it can no longer call reclaim.",
    );
    Ok(see_other("/account"))
}

#[post("/account/sign-out-everywhere")]
pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&user, &meta, state.clock.now());
    let id = user.id.clone();
    state
        .db
        .run(move |c| users::sign_out_everywhere(c, &actor, &id))
        .await?;
    user.session.purge();
    Ok(see_other("/login"))
}

/// Replaces the calendar feed link (a leaked link stops working).
#[post("/account/calendar-feed")]
pub async fn reset_calendar_feed(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let actor = actor(&user, &meta, state.clock.now());
    let id = user.id.clone();
    state
        .db
        .run(move |c| users::reset_calendar_feed(c, &actor, &id))
        .await?;
    session::flash(
        &user.session,
        "success",
        "New calendar link made; the old one no longer works. Subscribe again with the link below.",
    );
    Ok(see_other("/account#calendar"))
}
