//! Two-factor sign-in pages: the second step of signing in (the code, or a recovery code), the
//! enrolment the firm may require of staff before their first session, and the administrator's
//! forms (the firm's requirement, resetting someone's lost factor). The account page's own
//! two-factor forms are in `pages::account`, next to the page they show.
//!
//! Between the password and the code the browser's session holds only the pending sign-in's
//! random id (and where to go next), never a user id: nothing else of reclaim is reachable.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::sign_in::Visitor;
use crate::app::two_factor::{CodeInput, ToScan};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser, pending_id, pending_next};
use crate::web::{Layout, caller, render, render_status, see_other};

/// Back to the password page with `message`: the pending sign-in has ended.
fn start_again(session: &Session, message: &str) -> HttpResponse {
    session.clear();
    session::flash(session, "error", message);
    see_other("/login")
}

fn visitor(meta: &RequestMeta) -> Visitor {
    Visitor {
        ip: meta.ip.clone(),
        request_id: meta.request_id.clone(),
    }
}

#[derive(askama::Template)]
#[template(path = "login_code.html")]
struct CodePage {
    layout: Layout,
    error: Option<String>,
}

#[get("/login/code")]
pub async fn code_form(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(id) = pending_id(&session) else {
        return Ok(see_other("/login"));
    };
    match app::two_factor::waiting(&state, &id).await {
        Ok(waiting) if waiting.pending.must_enrol => Ok(see_other("/login/enrol")),
        Ok(_) => render(&CodePage {
            layout: Layout::anonymous(&session, "Sign in: your code"),
            error: None,
        }),
        Err(AppError::Gone(message)) => Ok(start_again(&session, &message)),
        Err(other) => Err(other),
    }
}

#[post("/login/code")]
pub async fn check_code(
    state: web::Data<AppState>,
    session: Session,
    meta: RequestMeta,
    form: web::Form<CodeInput>,
) -> Result<HttpResponse, AppError> {
    let Some(id) = pending_id(&session) else {
        return Ok(see_other("/login"));
    };
    match app::two_factor::check_code(&state, &visitor(&meta), &id, &form.code).await {
        Ok(signed_in) => {
            let next = pending_next(&session);
            session::start_signed_in(&session, &signed_in)?;
            Ok(see_other(&next))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::TooManyRequests { .. })) => {
            let mut response = render_status(
                e.status_code(),
                &CodePage {
                    layout: Layout::anonymous(&session, "Sign in: your code"),
                    error: Some(e.to_string()),
                },
            )?;
            if let AppError::TooManyRequests {
                retry_after_secs, ..
            } = e
            {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            Ok(response)
        }
        Err(AppError::Gone(message)) => Ok(start_again(&session, &message)),
        Err(AppError::Conflict(_)) => Ok(see_other("/login/enrol")),
        Err(other) => Err(other),
    }
}

#[derive(askama::Template)]
#[template(path = "login_enrol.html")]
struct EnrolPage {
    layout: Layout,
    scan: ToScan,
    errors: FieldErrors,
}

#[derive(askama::Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    layout: Layout,
    recovery_codes: Vec<String>,
    next: String,
}

/// The enrolment page of a pending sign-in that must enrol first.
async fn enrol_page(
    state: &AppState,
    session: &Session,
    id: &str,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let waiting = match app::two_factor::waiting(state, id).await {
        Ok(waiting) if !waiting.pending.must_enrol => return Ok(see_other("/login/code")),
        Ok(waiting) => waiting,
        Err(AppError::Gone(message)) => return Ok(start_again(session, &message)),
        Err(other) => return Err(other),
    };
    let scan = app::two_factor::enrolment_in_progress(state, &waiting.user.id, &waiting.user.email)
        .await?;
    render_status(
        status,
        &EnrolPage {
            layout: Layout::anonymous(session, "Set up two-factor sign-in"),
            scan,
            errors,
        },
    )
}

#[get("/login/enrol")]
pub async fn enrol_form(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(id) = pending_id(&session) else {
        return Ok(see_other("/login"));
    };
    enrol_page(
        &state,
        &session,
        &id,
        StatusCode::OK,
        FieldErrors::default(),
    )
    .await
}

#[post("/login/enrol")]
pub async fn enrol(
    state: web::Data<AppState>,
    session: Session,
    meta: RequestMeta,
    form: web::Form<CodeInput>,
) -> Result<HttpResponse, AppError> {
    let Some(id) = pending_id(&session) else {
        return Ok(see_other("/login"));
    };
    match app::two_factor::enrol_and_sign_in(&state, &visitor(&meta), &id, &form).await {
        Ok((signed_in, recovery_codes)) => {
            let next = pending_next(&session);
            session::start_signed_in(&session, &signed_in)?;
            render(&RecoveryCodesPage {
                layout: Layout::anonymous(&session, "Your recovery codes"),
                recovery_codes,
                next,
            })
        }
        Err(AppError::Gone(message)) => Ok(start_again(&session, &message)),
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.absorb(e)?;
            enrol_page(
                &state,
                &session,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RequirementForm {
    /// A checkbox: present when ticked.
    required: Option<String>,
}

/// The firm's requirement of two-factor sign-in for staff.
#[post("/admin/two-factor")]
pub async fn set_requirement(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<RequirementForm>,
) -> Result<HttpResponse, AppError> {
    let required = form.required.is_some();
    let caller = caller(&user, &meta);
    let signed_out = app::two_factor::set_staff_required(&state, &caller, required).await?;
    let mut message = if required {
        format!(
            "Two-factor sign-in is now required for staff. {signed_out} {} without it {} signed out and set it up at their next sign-in.",
            if signed_out == 1 { "person" } else { "people" },
            if signed_out == 1 { "was" } else { "were" },
        )
    } else {
        "Two-factor sign-in is no longer required for staff; those who have it keep it.".to_owned()
    };
    if required && !app::two_factor::status(&state, &user).await?.on {
        message.push_str(" Set up yours now, on your account page.");
    }
    session::flash(&user.session, "success", message);
    Ok(see_other("/admin/users"))
}

/// Removes someone's second factor (a lost phone).
#[post("/admin/users/{id}/two-factor/reset")]
pub async fn reset(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let target = app::two_factor::reset(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        format!(
            "The two-factor sign-in of {} was reset: they sign in with their password and set it up again.",
            target.name
        ),
    );
    Ok(see_other(&format!("/admin/users/{}", target.id)))
}
