//! User administration (administrators only).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::password;
use crate::error::{AppError, FieldErrors};
use crate::model::client::Client;
use crate::model::ids::{ClientId, UserId};
use crate::model::user::{EmailAddress, NewPassword, PersonName, Role, User};
use crate::repo::clients;
use crate::repo::users::{self, AccountChange, NewUser};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::Choice;
use crate::web::{Layout, actor, render, render_status, see_other, show_optional_time};

pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub client: String,
    pub active: bool,
    pub last_login: String,
}

#[derive(askama::Template)]
#[template(path = "users/list.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
}

#[get("/admin/users")]
pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let rows = state.db.run(users::list).await?;
    render(&UsersPage {
        layout: Layout::for_user(&user, "Users", "users"),
        users: rows
            .into_iter()
            .map(|(u, client)| UserRow {
                id: u.id.to_string(),
                name: u.name,
                email: u.email,
                role: u.role.label().to_owned(),
                client: client.unwrap_or_default(),
                active: u.active,
                last_login: show_optional_time(&u.last_login_at),
            })
            .collect(),
    })
}

/// The values shown in the new-user and edit-user forms.
pub struct UserFormValues {
    pub name: String,
    pub email: String,
    pub role: String,
    pub client_id: String,
    pub active: bool,
}

fn role_choices() -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: r.label().to_owned(),
            selected: false,
        })
        .collect()
}

fn client_choices(clients: &[Client]) -> Vec<Choice> {
    clients
        .iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.name.clone(),
            selected: false,
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "users/new.html")]
struct NewUserPage {
    layout: Layout,
    values: UserFormValues,
    roles: Vec<Choice>,
    clients: Vec<Choice>,
    errors: FieldErrors,
}

#[get("/admin/users/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let clients = state.db.run(clients::list).await?;
    render(&NewUserPage {
        layout: Layout::for_user(&user, "New user", "users"),
        values: UserFormValues {
            name: String::new(),
            email: String::new(),
            role: Role::Lawyer.as_str().to_owned(),
            client_id: String::new(),
            active: true,
        },
        roles: role_choices(),
        clients: client_choices(&clients),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct NewUserForm {
    name: String,
    email: String,
    role: String,
    #[serde(default)]
    client_id: String,
    password: String,
    password_confirm: String,
}

/// The role and client of a form; the client only counts for client (portal) accounts.
fn parse_role_and_client(
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

#[post("/admin/users")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.name)
        .map_err(|e| errors.add("name", e))
        .ok();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| errors.add("email", e))
        .ok();
    let role_client = parse_role_and_client(&form.role, &form.client_id, &mut errors);
    let password = email.as_ref().and_then(|email| {
        NewPassword::parse_confirmed(&form.password, &form.password_confirm, email)
            .map_err(|e| errors.add("password", e))
            .ok()
    });

    let created = match (name, email, role_client, password) {
        (Some(name), Some(email), Some((role, client_id)), Some(password)) if errors.is_empty() => {
            let password_hash = password::hash_in_background(password).await?;
            let new = NewUser {
                email,
                name,
                role,
                client_id,
                password_hash,
            };
            let actor = actor(&user, &meta, state.clock.now());
            match state.db.run(move |c| users::create(c, &actor, &new)).await {
                Ok(created) => Some(created),
                Err(e) => {
                    errors.absorb(e.into())?;
                    None
                }
            }
        }
        _ => None,
    };
    if let Some(created) = created {
        session::flash(
            &user.session,
            "success",
            format!("{} can now sign in as {}.", created.name, created.email),
        );
        return Ok(see_other("/admin/users"));
    }
    let clients = state.db.run(clients::list).await?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewUserPage {
            layout: Layout::for_user(&user, "New user", "users"),
            values: UserFormValues {
                name: form.name,
                email: form.email,
                role: form.role,
                client_id: form.client_id,
                active: true,
            },
            roles: role_choices(),
            clients: client_choices(&clients),
            errors,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "users/edit.html")]
struct EditUserPage {
    layout: Layout,
    id: String,
    values: UserFormValues,
    roles: Vec<Choice>,
    clients: Vec<Choice>,
    errors: FieldErrors,
    is_self: bool,
}

impl UserFormValues {
    fn of(user: &User) -> Self {
        Self {
            name: user.name.clone(),
            email: user.email.clone(),
            role: user.role.as_str().to_owned(),
            client_id: user
                .client_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            active: user.active,
        }
    }
}

/// The edit page of `target`, showing `values` and `errors`.
async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    target: &User,
    values: UserFormValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let clients = state.db.run(clients::list).await?;
    render_status(
        status,
        &EditUserPage {
            layout: Layout::for_user(user, format!("User {}", target.name), "users"),
            id: target.id.to_string(),
            values,
            roles: role_choices(),
            clients: client_choices(&clients),
            errors,
            is_self: target.id == user.id,
        },
    )
}

async fn load_user(state: &AppState, id: &str) -> Result<User, AppError> {
    let id = UserId::parse(id).map_err(|_| AppError::not_found("user"))?;
    state
        .db
        .run(move |c| users::find(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("user"))
}

#[get("/admin/users/{id}")]
pub async fn edit_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let target = load_user(&state, &id).await?;
    let values = UserFormValues::of(&target);
    edit_page(
        &state,
        &user,
        &target,
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct EditUserForm {
    name: String,
    role: String,
    #[serde(default)]
    client_id: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
}

#[post("/admin/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<EditUserForm>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let target = load_user(&state, &id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.name)
        .map_err(|e| errors.add("name", e))
        .ok();
    let role_client = parse_role_and_client(&form.role, &form.client_id, &mut errors);
    let active = form.active.is_some();
    if let (Some(name), Some((role, client_id))) = (name, role_client) {
        let change = AccountChange {
            name,
            role,
            client_id,
            active,
        };
        let actor = actor(&user, &meta, state.clock.now());
        let target_id = target.id.clone();
        match state
            .db
            .run(move |c| users::update_account(c, &actor, &target_id, &change))
            .await
        {
            Ok(updated) => {
                session::flash(
                    &user.session,
                    "success",
                    format!("Saved the account of {}.", updated.name),
                );
                return Ok(see_other("/admin/users"));
            }
            Err(users::UserError::LastAdmin) => errors.add(
                "role",
                "This is the last active administrator; make another user an administrator first.",
            ),
            Err(e) => errors.absorb(e.into())?,
        }
    }
    let values = UserFormValues {
        name: form.name,
        email: target.email.clone(),
        role: form.role,
        client_id: form.client_id,
        active,
    };
    edit_page(
        &state,
        &user,
        &target,
        values,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
pub struct ResetPasswordForm {
    password: String,
    password_confirm: String,
}

#[post("/admin/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<ResetPasswordForm>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let target = load_user(&state, &id).await?;
    let email = EmailAddress::parse(&target.email).map_err(|e| AppError::Unexpected(e.into()))?;
    let password =
        match NewPassword::parse_confirmed(&form.password, &form.password_confirm, &email) {
            Ok(p) => p,
            Err(e) => {
                let mut errors = FieldErrors::default();
                errors.add("password", e);
                let values = UserFormValues::of(&target);
                return edit_page(
                    &state,
                    &user,
                    &target,
                    values,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        };
    let hash = password::hash_in_background(password).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let target_id = target.id.clone();
    let version = state
        .db
        .run(move |c| users::set_password(c, &actor, &target_id, &hash))
        .await?;
    if target.id == user.id {
        session::set_version(&user.session, version);
    }
    session::flash(
        &user.session,
        "success",
        format!(
            "The password of {} was reset and their sessions were ended.",
            target.name
        ),
    );
    Ok(see_other(&format!("/admin/users/{}", target.id)))
}

#[post("/admin/users/{id}/sign-out")]
pub async fn sign_out_user(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let target = load_user(&state, &id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let target_id = target.id.clone();
    state
        .db
        .run(move |c| users::sign_out_everywhere(c, &actor, &target_id))
        .await?;
    if target.id == user.id {
        user.session.purge();
        return Ok(see_other("/login"));
    }
    session::flash(
        &user.session,
        "success",
        format!("Every session of {} was ended.", target.name),
    );
    Ok(see_other(&format!("/admin/users/{}", target.id)))
}
