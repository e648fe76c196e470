//! First run: the one-time link printed at start creates the first administrator.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::password;
use crate::error::{AppError, FieldErrors};
use crate::model::audit::Actor;
use crate::model::user::{EmailAddress, NewPassword, PersonName, Role};
use crate::repo::tokens::{self, SetupLinkError};
use crate::repo::users::NewUser;
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
    let (key, now) = (state.keys.link_tokens, state.clock.now());
    {
        let token = token.clone();
        state
            .db
            .run(move |c| tokens::check_setup_token(c, &key, &token, now))
            .await?;
    }
    render(&SetupPage {
        layout: Layout::anonymous(&session, "Set up reclaim"),
        token,
        name: String::new(),
        email: String::new(),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct SetupForm {
    name: String,
    email: String,
    password: String,
    password_confirm: String,
}

#[post("/setup/{token}")]
pub async fn setup(
    state: web::Data<AppState>,
    session: Session,
    meta: RequestMeta,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let form = form.into_inner();
    let (key, now) = (state.keys.link_tokens, state.clock.now());

    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.name)
        .map_err(|e| errors.add("name", e))
        .ok();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| errors.add("email", e))
        .ok();
    let password = email.as_ref().and_then(|email| {
        NewPassword::parse_confirmed(&form.password, &form.password_confirm, email)
            .map_err(|e| errors.add("password", e))
            .ok()
    });
    let sent_back = |errors: FieldErrors| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                layout: Layout::anonymous(&session, "Set up reclaim"),
                token: token.clone(),
                name: form.name.clone(),
                email: form.email.clone(),
                errors,
            },
        )
    };
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return sent_back(errors);
    };
    let password_hash = password::hash_in_background(password).await?;
    let admin = NewUser {
        email: email.clone(),
        name,
        role: Role::Admin,
        client_id: None,
        password_hash,
    };
    let actor = Actor {
        user_id: None,
        label: "setup link".to_owned(),
        ip: Some(meta.ip.clone()),
        request_id: Some(meta.request_id.clone()),
        at: now,
    };
    let created = {
        let token = token.clone();
        state
            .db
            .run(move |c| tokens::redeem_setup_token(c, &key, &token, &actor, &admin))
            .await
    };
    let user = match created {
        Ok(user) => user,
        Err(SetupLinkError::User(e)) => {
            errors.absorb(e.into())?;
            return sent_back(errors);
        }
        Err(other) => return Err(other.into()),
    };
    session::start(&session, &user.id, user.session_version, now)?;
    session::flash(
        &session,
        "success",
        format!(
            "Welcome, {}. reclaim is set up and you are its administrator. Next, add the people of your firm under Users.",
            user.name
        ),
    );
    Ok(see_other("/"))
}
