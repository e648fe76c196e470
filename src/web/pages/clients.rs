//! Clients of the firm. Staff see all of them; a client (portal) user sees only their own.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::session::{self, CurrentUser};
use crate::domain::client::NewClient;
use crate::error::AppError;
use crate::repo::clients::{self, Client, ClientId};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::{FormErrors, Layout, actor, render, render_status, see_other, show_time};

pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created: String,
}

impl From<&Client> for ClientRow {
    fn from(c: &Client) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.clone(),
            email: c.email.clone(),
            created: show_time(&c.created_at),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "clients/list.html")]
struct ClientsPage {
    layout: Layout,
    clients: Vec<ClientRow>,
    can_create: bool,
}

#[get("/clients")]
pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    if let Some(own) = &user.client_id {
        return Ok(see_other(&format!("/clients/{own}")));
    }
    let clients = state.db.run(clients::list).await?;
    render(&ClientsPage {
        layout: Layout::for_user(&user, "Clients", "clients"),
        clients: clients.iter().map(ClientRow::from).collect(),
        can_create: user.require_lawyer_or_admin().is_ok(),
    })
}

#[derive(askama::Template)]
#[template(path = "clients/new.html")]
struct NewClientPage {
    layout: Layout,
    name: String,
    email: String,
    errors: FormErrors,
}

#[get("/clients/new")]
pub async fn new_form(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    render(&NewClientPage {
        layout: Layout::for_user(&user, "New client", "clients"),
        name: String::new(),
        email: String::new(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct NewClientForm {
    name: String,
    email: String,
}

#[post("/clients")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<NewClientForm>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    match NewClient::parse(&form.name, &form.email) {
        Ok(new) => {
            let actor = actor(&user, &meta, state.clock.now());
            match state
                .db
                .run(move |c| clients::create(c, &actor, &new))
                .await
            {
                Ok(client) => {
                    session::flash(
                        &user.session,
                        "success",
                        format!("Client {} created.", client.name),
                    );
                    return Ok(see_other(&format!("/clients/{}", client.id)));
                }
                Err(crate::db::DbError::Conflict(message)) => {
                    errors.add("name", capitalise(&message))
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => errors.add(e.field(), e),
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewClientPage {
            layout: Layout::for_user(&user, "New client", "clients"),
            name: form.name,
            email: form.email,
            errors,
        },
    )
}

fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[derive(askama::Template)]
#[template(path = "clients/show.html")]
struct ClientPage {
    layout: Layout,
    client: ClientRow,
}

/// The client, if this user may see it; otherwise "not found", so that the existence of other
/// clients is not revealed.
pub async fn visible_client(
    state: &AppState,
    user: &crate::auth::Principal,
    id: &str,
) -> Result<Client, AppError> {
    let id = ClientId::parse(id).map_err(|_| AppError::not_found("client"))?;
    if !user.may_see_client(&id) {
        return Err(AppError::not_found("client"));
    }
    state
        .db
        .run(move |c| clients::find(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("client"))
}

#[get("/clients/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client = visible_client(&state, &user, &id).await?;
    render(&ClientPage {
        layout: Layout::for_user(&user, client.name.clone(), "clients"),
        client: ClientRow::from(&client),
    })
}
