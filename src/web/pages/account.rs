//! The signed-in user's own account: password, two-factor sign-in, API tokens, sign out
//! everywhere.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};

use crate::app;
use crate::app::account::{ChangePasswordInput, TokenInput};
use crate::app::two_factor::{CodeInput, TurnOffInput};
use crate::error::{AppError, FieldErrors};
use crate::model::user::ApiToken;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::{Layout, caller, render_status, see_other, show_optional_time, show_time};

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
    two_factor: app::two_factor::Status,
    /// Recovery codes just made: shown once, stored only hashed.
    recovery_codes: Vec<String>,
}

async fn account_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    new_token: Option<String>,
    token_name: String,
    errors: FieldErrors,
    recovery_codes: Vec<String>,
) -> Result<HttpResponse, AppError> {
    let own = app::account::show(state, user).await?;
    let two_factor = app::two_factor::status(state, user).await?;
    render_status(
        status,
        &AccountPage {
            layout: Layout::for_user(user, "Your account", "account"),
            email: user.email.clone(),
            role: user.role.label().to_owned(),
            tokens: own.tokens.iter().map(TokenRow::from).collect(),
            new_token,
            token_name,
            errors,
            calendar_url: own.calendar_url,
            two_factor,
            recovery_codes,
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
        Vec::new(),
    )
    .await
}

#[post("/account/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<ChangePasswordInput>,
) -> Result<HttpResponse, AppError> {
    let version =
        match app::account::change_password(&state, &caller(&user, &meta), form.into_inner()).await
        {
            Ok(version) => version,
            Err(e) => {
                let mut errors = FieldErrors::default();
                errors.absorb(e)?;
                return account_page(
                    &state,
                    &user,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    String::new(),
                    errors,
                    Vec::new(),
                )
                .await;
            }
        };
    // Other sessions end; this one continues.
    session::set_version(&user.session, version);
    session::flash(
        &user.session,
        "success",
        "Your password was changed. Your other sessions were signed out.",
    );
    Ok(see_other("/account"))
}

#[post("/account/tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<TokenInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    match app::account::create_token(&state, &caller(&user, &meta), form.clone()).await {
        Ok((_, token)) => {
            account_page(
                &state,
                &user,
                StatusCode::CREATED,
                Some(token),
                String::new(),
                FieldErrors::default(),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.absorb(e)?;
            account_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                form.name,
                // The token form's fields are `token_…` on this page.
                errors.prefixed("token_"),
                Vec::new(),
            )
            .await
        }
    }
}

#[post("/account/tokens/{id}/revoke")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    app::account::revoke_token(&state, &caller(&user, &meta), &id).await?;
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
    app::account::sign_out_everywhere(&state, &caller(&user, &meta)).await?;
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
    app::account::reset_calendar_feed(&state, &caller(&user, &meta)).await?;
    session::flash(
        &user.session,
        "success",
        "New calendar link made; the old one no longer works. Subscribe again with the link below.",
    );
    Ok(see_other("/account#calendar"))
}

/// Starts enrolling an authenticator app (or starts again with a new secret).
#[post("/account/two-factor/start")]
pub async fn start_two_factor(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    app::two_factor::start_enrolment(&state, &user.id, &user.email).await?;
    Ok(see_other("/account#two-factor"))
}

/// The account page after a two-factor form was refused: its errors next to its fields.
async fn two_factor_refused(
    state: &AppState,
    user: &CurrentUser,
    refusal: AppError,
    prefix: &str,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    errors.absorb(refusal)?;
    account_page(
        state,
        user,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        String::new(),
        errors.prefixed(prefix),
        Vec::new(),
    )
    .await
}

/// Confirms the enrolment with a code of the app; shows the recovery codes once.
#[post("/account/two-factor/confirm")]
pub async fn confirm_two_factor(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<CodeInput>,
) -> Result<HttpResponse, AppError> {
    let actor = caller(&user, &meta).actor(crate::clock::Clock::now(&*state.clock));
    match app::two_factor::confirm_enrolment(&state, actor, &user.id, &form).await {
        Ok(codes) => show_recovery_codes(&state, &user, codes).await,
        Err(e) => two_factor_refused(&state, &user, e, "two_factor_").await,
    }
}

async fn show_recovery_codes(
    state: &AppState,
    user: &CurrentUser,
    codes: Vec<String>,
) -> Result<HttpResponse, AppError> {
    account_page(
        state,
        user,
        StatusCode::OK,
        None,
        String::new(),
        FieldErrors::default(),
        codes,
    )
    .await
}

#[post("/account/two-factor/recovery-codes")]
pub async fn new_recovery_codes(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
) -> Result<HttpResponse, AppError> {
    let codes = app::two_factor::new_recovery_codes(&state, &caller(&user, &meta)).await?;
    show_recovery_codes(&state, &user, codes).await
}

#[post("/account/two-factor/off")]
pub async fn turn_off_two_factor(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<TurnOffInput>,
) -> Result<HttpResponse, AppError> {
    match app::two_factor::turn_off(&state, &caller(&user, &meta), form.into_inner()).await {
        Ok(()) => {
            session::flash(
                &user.session,
                "success",
                "Two-factor sign-in is off: signing in asks only for your password.",
            );
            Ok(see_other("/account#two-factor"))
        }
        Err(e @ AppError::Invalid { .. }) => two_factor_refused(&state, &user, e, "").await,
        Err(other) => Err(other),
    }
}
