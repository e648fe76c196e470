//! User administration (administrators only).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::users::{AccountInput, LiftInput, NewUserInput, PasswordInput};
use crate::auth::throttle::LockedBy;
use crate::error::{AppError, FieldErrors};
use crate::model::client::Client;
use crate::model::paging;
use crate::model::user::{Role, User};
use crate::repo::sign_in_throttle;
use crate::state::AppState;
use crate::web::paging::{PageLinks, PageNavQuery};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::Choice;
use crate::web::{Layout, caller, render, render_status, see_other, show_optional_time, show_time};

pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub client: String,
    pub active: bool,
    pub last_login: String,
}

impl From<app::users::Listed> for UserRow {
    fn from(listed: app::users::Listed) -> Self {
        let u = listed.user;
        Self {
            id: u.id.to_string(),
            name: u.name,
            email: u.email,
            role: u.role.label().to_owned(),
            client: listed.client.unwrap_or_default(),
            active: u.active,
            last_login: show_optional_time(&u.last_login_at),
        }
    }
}

/// A sign-in counter, as the users page lists it.
pub struct LockRow {
    pub scope: &'static str,
    /// What the lock is on, in words.
    pub kind: &'static str,
    pub subject: String,
    pub failures: i32,
    /// Empty when not locked.
    pub locked_until: String,
    pub last_failure: String,
}

impl From<sign_in_throttle::Lock> for LockRow {
    fn from(lock: sign_in_throttle::Lock) -> Self {
        Self {
            scope: lock.by.as_str(),
            kind: match lock.by {
                LockedBy::Account => "Account",
                LockedBy::Address => "Network address",
            },
            subject: lock.subject,
            failures: lock.failures,
            locked_until: lock
                .locked_until
                .map(|t| show_time(&t.naive_utc()))
                .unwrap_or_default(),
            last_failure: show_optional_time(&lock.last_failure_at.map(|t| t.naive_utc())),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "users/list.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    pager: PageLinks,
    /// The firm requires two-factor sign-in of staff.
    staff_two_factor_required: bool,
    locks: Vec<LockRow>,
}

/// The accounts, a page at a time (`limit`, `after`, `before`), and the firm's sign-in settings.
#[get("/admin/users")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    let listed = app::users::list(&state, &user, page.request(paging::USERS)?).await?;
    let staff_two_factor_required = app::two_factor::staff_required(&state, &user).await?;
    let locks = app::users::sign_in_locks(&state, &user).await?;
    render(&UsersPage {
        layout: Layout::for_user(&user, "Users", "users"),
        pager: PageLinks::of(&req, &listed),
        users: listed.rows.into_iter().map(UserRow::from).collect(),
        staff_two_factor_required,
        locks: locks.into_iter().map(LockRow::from).collect(),
    })
}

/// Lifts a sign-in lock listed on the users page.
#[post("/admin/sign-in-locks/lift")]
pub async fn lift_sign_in_lock(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<LiftInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let subject = input.subject.clone();
    let by = app::users::lift_sign_in_lock(&state, &caller(&user, &meta), input).await?;
    let what = match by {
        LockedBy::Account => format!("the account {subject}"),
        LockedBy::Address => format!("the network address {subject}"),
    };
    session::flash(
        &user.session,
        "success",
        format!("The sign-in lock on {what} was lifted."),
    );
    Ok(see_other("/admin/users#sign-in-locks"))
}

/// The values shown in the new-user and edit-user forms.
pub struct UserFormValues {
    pub name: String,
    pub email: String,
    pub role: String,
    pub client_id: String,
    pub active: bool,
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

async fn new_user_page(
    state: &AppState,
    user: &CurrentUser,
    values: UserFormValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let clients = app::users::clients(state, user).await?;
    render_status(
        status,
        &NewUserPage {
            layout: Layout::for_user(user, "New user", "users"),
            values,
            roles: role_choices(),
            clients: client_choices(&clients),
            errors,
        },
    )
}

#[get("/admin/users/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let values = UserFormValues {
        name: String::new(),
        email: String::new(),
        role: Role::Lawyer.as_str().to_owned(),
        client_id: String::new(),
        active: true,
    };
    new_user_page(
        &state,
        &user,
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/admin/users")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<NewUserInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::users::create(&state, &caller(&user, &meta), form.clone()).await {
        Ok(created) => {
            session::flash(
                &user.session,
                "success",
                format!("{} can now sign in as {}.", created.name, created.email),
            );
            return Ok(see_other("/admin/users"));
        }
        Err(e) => errors.absorb(e)?,
    }
    let values = UserFormValues {
        name: form.name,
        email: form.email,
        role: form.role,
        client_id: form.client_id,
        active: true,
    };
    new_user_page(
        &state,
        &user,
        values,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
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
    two_factor_on: bool,
}

/// The edit page of the account `id`, showing `values` as sent back (else the account's own)
/// and `errors`. The address is not changed there: it is always the account's.
async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    values: Option<UserFormValues>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let editable = app::users::editable(state, user, id).await?;
    let target = &editable.user;
    let two_factor_on = app::two_factor::is_on(state, user, &target.id).await?;
    render_status(
        status,
        &EditUserPage {
            layout: Layout::for_user(user, format!("User {}", target.name), "users"),
            id: target.id.to_string(),
            values: match values {
                Some(sent) => UserFormValues {
                    email: target.email.clone(),
                    ..sent
                },
                None => UserFormValues::of(target),
            },
            roles: role_choices(),
            clients: client_choices(&editable.clients),
            errors,
            is_self: target.id == user.id,
            two_factor_on,
        },
    )
}

#[get("/admin/users/{id}")]
pub async fn edit_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    edit_page(
        &state,
        &user,
        &id,
        None,
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
    let form = form.into_inner();
    let input = AccountInput {
        name: form.name.clone(),
        role: form.role.clone(),
        client_id: form.client_id.clone(),
        active: form.active.is_some(),
    };
    let mut errors = FieldErrors::default();
    match app::users::update(&state, &caller(&user, &meta), &id, input).await {
        Ok(updated) => {
            session::flash(
                &user.session,
                "success",
                format!("Saved the account of {}.", updated.name),
            );
            return Ok(see_other("/admin/users"));
        }
        Err(e) => errors.absorb(e)?,
    }
    let values = UserFormValues {
        name: form.name,
        email: String::new(),
        role: form.role,
        client_id: form.client_id,
        active: form.active.is_some(),
    };
    edit_page(
        &state,
        &user,
        &id,
        Some(values),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/admin/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<PasswordInput>,
) -> Result<HttpResponse, AppError> {
    let reset =
        match app::users::reset_password(&state, &caller(&user, &meta), &id, form.into_inner())
            .await
        {
            Ok(reset) => reset,
            Err(e) => {
                let mut errors = FieldErrors::default();
                errors.absorb(e)?;
                return edit_page(
                    &state,
                    &user,
                    &id,
                    None,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        };
    if reset.user.id == user.id {
        session::set_version(&user.session, reset.session_version);
    }
    session::flash(
        &user.session,
        "success",
        format!(
            "The password of {} was reset and their sessions were ended.",
            reset.user.name
        ),
    );
    Ok(see_other(&format!("/admin/users/{}", reset.user.id)))
}

#[post("/admin/users/{id}/sign-out")]
pub async fn sign_out_user(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let target = app::users::sign_out_user(&state, &caller(&user, &meta), &id).await?;
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
