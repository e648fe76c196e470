//! Signing in and out.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::password;
use crate::auth::throttle::{Decision, LockedBy};
use crate::error::AppError;
use crate::model::audit::Actor;
use crate::model::user::EmailAddress;
use crate::repo::{login_attempts, users};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, optional_user};
use crate::web::{Layout, actor, render, render_status, safe_next, see_other};

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[get("/login")]
pub async fn login_form(
    req: HttpRequest,
    session: Session,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if optional_user(&req).await.is_some() {
        return Ok(see_other(&next));
    }
    render(&LoginPage {
        layout: Layout::anonymous(&session, "Sign in"),
        email: String::new(),
        next,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    session: Session,
    meta: RequestMeta,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let now = state.clock.now();
    let next = safe_next(form.next.as_deref());
    let refuse = |status: StatusCode, message: String| {
        render_status(
            status,
            &LoginPage {
                layout: Layout::anonymous(&session, "Sign in"),
                email: form.email.clone(),
                next: next.clone(),
                error: Some(message),
            },
        )
    };
    let Ok(email) = EmailAddress::parse(&form.email) else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter the e-mail address of your account, such as name@firm.example.".to_owned(),
        );
    };

    let policy = state.throttle;
    let failures = {
        let (email, ip) = (email.to_string(), meta.ip.clone());
        state
            .db
            .run(move |c| login_attempts::recent_failures(c, &email, &ip, now - policy.window))
            .await?
    };
    if let Decision::Locked { until, by } = policy.decide(&failures.account, &failures.address, now)
    {
        let minutes = ((until - now).num_seconds() + 59) / 60;
        let whose = match by {
            LockedBy::Account => "for this account",
            LockedBy::Address => "from your network address",
        };
        tracing::warn!(email = %email, ip = %meta.ip, "sign-in refused: throttled");
        let mut response = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-in attempts {whose}. Try again in {minutes} minute{} (after {} UTC), or ask an administrator to reset your password.",
                if minutes == 1 { "" } else { "s" },
                until.format("%H:%M")
            ),
        )?;
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from((until - now).num_seconds().max(1)),
        );
        return Ok(response);
    }

    let user = {
        let email = email.clone();
        state
            .db
            .run(move |c| users::find_by_email(c, &email))
            .await?
    };
    let checked = password::verify_in_background(
        form.password.clone(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    let password_ok = match checked {
        Ok(ok) => ok,
        Err(e) => {
            tracing::error!(error = %e, email = %email, "stored password hash unreadable");
            false
        }
    };
    // Until the password is checked, the actor is whoever typed this address.
    let mut actor = Actor {
        user_id: None,
        label: email.to_string(),
        ip: Some(meta.ip.clone()),
        request_id: Some(meta.request_id.clone()),
        at: now,
    };
    let user = match user {
        Some(user) if password_ok && user.active => user,
        Some(user) if password_ok => {
            let (actor, user_id) = (actor.clone(), user.id.clone());
            state
                .db
                .run(move |c| {
                    login_attempts::record_failure(c, &actor, Some(&user_id), "account deactivated")
                })
                .await?;
            return refuse(
                StatusCode::FORBIDDEN,
                "This account is deactivated. Ask your firm's reclaim administrator to reactivate it."
                    .to_owned(),
            );
        }
        found => {
            let (actor, user_id) = (actor.clone(), found.map(|u| u.id));
            state
                .db
                .run(move |c| {
                    login_attempts::record_failure(
                        c,
                        &actor,
                        user_id.as_ref(),
                        "wrong e-mail or password",
                    )
                })
                .await?;
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The e-mail address or password is incorrect.".to_owned(),
            );
        }
    };
    actor.user_id = Some(user.id.clone());
    {
        let (actor, user) = (actor.clone(), user.clone());
        state
            .db
            .run(move |c| {
                login_attempts::record(
                    c,
                    &actor.label,
                    actor.ip.as_deref().unwrap_or("unknown"),
                    true,
                    actor.at,
                )?;
                users::record_login(c, &actor, &user)
            })
            .await?;
    }
    session::start(&session, &user.id, user.session_version, now)?;
    Ok(see_other(&next))
}

#[post("/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    meta: RequestMeta,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = optional_user(&req).await {
        let actor = actor(&user, &meta, state.clock.now());
        state
            .db
            .run(move |c| {
                crate::repo::audit::record(
                    c,
                    &actor,
                    crate::repo::audit::Change {
                        action: "user.logout",
                        record_type: "user",
                        record_id: actor.user_id.as_ref().map(|id| id.as_str()),
                        summary: format!("{} signed out", actor.label),
                        detail: serde_json::json!({}),
                    },
                )
            })
            .await?;
    }
    session.purge();
    Ok(see_other("/login"))
}
