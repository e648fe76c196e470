//! Signing in and out.

use actix_session::Session;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::sign_in::{SignInInput, Visitor};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, optional_user};
use crate::web::{Layout, caller, render, render_status, safe_next, see_other};

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
    let next = safe_next(form.next.as_deref());
    let visitor = Visitor {
        ip: meta.ip.clone(),
        request_id: meta.request_id.clone(),
    };
    let input = SignInInput {
        email: form.email.clone(),
        password: form.password,
    };
    let refusal = match app::sign_in::sign_in(&state, &visitor, input).await {
        Ok(signed_in) => {
            // A right password is not yet a session when a second factor is on or required.
            let after = app::two_factor::after_password(&state, signed_in).await?;
            return session::after_password(&session, after, &next);
        }
        // Said on the sign-in page itself; anything else is an error page.
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::Forbidden(_)
            | AppError::TooManyRequests { .. }),
        ) => e,
        Err(other) => return Err(other),
    };
    let mut response = render_status(
        refusal.status_code(),
        &LoginPage {
            layout: Layout::anonymous(&session, "Sign in"),
            email: form.email,
            next,
            error: Some(refusal.to_string()),
        },
    )?;
    if let AppError::TooManyRequests {
        retry_after_secs, ..
    } = refusal
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    }
    Ok(response)
}

#[post("/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    meta: RequestMeta,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = optional_user(&req).await {
        let ended = crate::web::session::session_id(&session);
        app::sign_in::sign_out(&state, &caller(&user, &meta), ended).await?;
    }
    session.purge();
    Ok(see_other("/login"))
}
