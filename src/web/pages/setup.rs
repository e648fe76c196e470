//! First run: the one-time link printed at start creates the first administrator.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};

use crate::app;
use crate::app::sign_in::{SetupInput, Visitor};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::{Layout, render, render_status, see_other, session};

#[derive(askama::Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    token: String,
    name: String,
    email: String,
    errors: FieldErrors,
}

#[get("/setup/{token}")]
pub async fn setup_form(
    state: web::Data<AppState>,
    session: Session,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    app::sign_in::check_setup_link(&state, &token).await?;
    render(&SetupPage {
        layout: Layout::anonymous(&session, "Set up reclaim"),
        token,
        name: String::new(),
        email: String::new(),
        errors: FieldErrors::default(),
    })
}

#[post("/setup/{token}")]
pub async fn setup(
    state: web::Data<AppState>,
    session: Session,
    meta: RequestMeta,
    token: web::Path<String>,
    form: web::Form<SetupInput>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let form = form.into_inner();
    let visitor = Visitor {
        ip: meta.ip.clone(),
        request_id: meta.request_id.clone(),
    };
    let mut errors = FieldErrors::default();
    match app::sign_in::set_up(&state, &visitor, &token, form.clone()).await {
        Ok((user, signed_in)) => {
            session::start_signed_in(&session, &signed_in)?;
            session::flash(
                &session,
                "success",
                format!(
                    "Welcome, {}. reclaim is set up and you are its administrator. Next, add the people of your firm under Users.",
                    user.name
                ),
            );
            return Ok(see_other("/"));
        }
        Err(e) => errors.absorb(e)?,
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &SetupPage {
            layout: Layout::anonymous(&session, "Set up reclaim"),
            token,
            name: form.name,
            email: form.email,
            errors,
        },
    )
}
