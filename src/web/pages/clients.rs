//! Clients of the firm. Staff see all of them; a client (portal) user sees only their own.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::clients::{ClientChangeInput, ClientInput, ContactInput};
use crate::error::{AppError, FieldErrors};
use crate::model::client::{Client, Contact, ReportCadence};
use crate::model::paging;
use crate::state::AppState;
use crate::web::paging::{PageLinks, PageNavQuery};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::MatterRow;
use crate::web::{Layout, caller, render, render_status, see_other, show_time};

pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created: String,
    pub cadence: String,
    pub notes: String,
}

impl From<&Client> for ClientRow {
    fn from(c: &Client) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.clone(),
            email: c.email.clone(),
            created: show_time(&c.created_at),
            cadence: c.report_cadence.label().to_owned(),
            notes: c.notes.clone(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "clients/list.html")]
struct ClientsPage {
    layout: Layout,
    clients: Vec<ClientRow>,
    can_create: bool,
    pager: PageLinks,
}

#[get("/clients")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    if let Some(own) = &user.client_id {
        return Ok(see_other(&format!("/clients/{own}")));
    }
    let clients = app::clients::list(&state, &user, page.request(paging::CLIENTS)?).await?;
    render(&ClientsPage {
        layout: Layout::for_user(&user, "Clients", "clients"),
        pager: PageLinks::of(&req, &clients),
        clients: clients.rows.iter().map(ClientRow::from).collect(),
        can_create: user.require_lawyer_or_admin().is_ok(),
    })
}

#[derive(askama::Template)]
#[template(path = "clients/new.html")]
struct NewClientPage {
    layout: Layout,
    name: String,
    email: String,
    errors: FieldErrors,
}

#[get("/clients/new")]
pub async fn new_form(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    render(&NewClientPage {
        layout: Layout::for_user(&user, "New client", "clients"),
        name: String::new(),
        email: String::new(),
        errors: FieldErrors::default(),
    })
}

#[post("/clients")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<ClientInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::clients::create(&state, &caller(&user, &meta), form.clone()).await {
        Ok(client) => {
            session::flash(
                &user.session,
                "success",
                format!("Client {} created.", client.name),
            );
            return Ok(see_other(&format!("/clients/{}", client.id)));
        }
        Err(e) => errors.absorb(e)?,
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

pub struct ContactRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub position: String,
    pub receives_reports: bool,
}

impl From<&Contact> for ContactRow {
    fn from(c: &Contact) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            position: c.position.clone(),
            receives_reports: c.receives_reports,
        }
    }
}

/// What the contact form shows when sent back.
#[derive(Default)]
pub struct ContactValues {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub position: String,
    pub receives_reports: bool,
}

#[derive(askama::Template)]
#[template(path = "clients/show.html")]
struct ClientPage {
    layout: Layout,
    client: ClientRow,
    contacts: Vec<ContactRow>,
    matters: Vec<MatterRow>,
    reports: Vec<crate::web::view::ReportRow>,
    can_edit: bool,
    can_open_matter: bool,
    /// The client has more matters than the page shows: a link to the list filtered by client.
    more_matters: bool,
    contact: ContactValues,
    errors: FieldErrors,
    handles: Vec<HandleRow>,
}

/// A registrar account of the firm and the client's handle there, as the page shows it.
pub struct HandleRow {
    pub account_id: String,
    pub label: String,
    pub provider: String,
    /// The stored handle, or what was typed when refused.
    pub handle: String,
    pub error: Option<String>,
}

async fn client_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    contact: ContactValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    client_page_with(state, user, id, contact, errors, None, status).await
}

/// The client's page; `refused` is the handle form sent back: (account, typed, message).
async fn client_page_with(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    contact: ContactValues,
    errors: FieldErrors,
    refused: Option<(String, String, String)>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let file = app::clients::show(state, user, id).await?;
    let staff_editor = user.is_lawyer_or_admin();
    let handles = if staff_editor {
        app::clients::registrant_handles(state, user, id)
            .await?
            .into_iter()
            .map(|r| {
                let account_id = r.account.id.to_string();
                let (handle, error) = match &refused {
                    Some((account, typed, message)) if *account == account_id => {
                        (typed.clone(), Some(message.clone()))
                    }
                    _ => (r.handle.unwrap_or_default(), None),
                };
                HandleRow {
                    label: r.account.label.clone(),
                    provider: r
                        .account
                        .provider()
                        .map(|p| p.label().to_owned())
                        .unwrap_or_default(),
                    account_id,
                    handle,
                    error,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    render_status(
        status,
        &ClientPage {
            layout: Layout::for_user(user, file.client.name.clone(), "clients"),
            client: ClientRow::from(&file.client),
            contacts: file.contacts.iter().map(ContactRow::from).collect(),
            more_matters: file.matters.next.is_some(),
            matters: file.matters.rows.into_iter().map(MatterRow::from).collect(),
            reports: crate::web::view::rows(&file.reports),
            can_edit: staff_editor,
            can_open_matter: staff_editor,
            contact,
            // The contact form's fields are `contact_…` on this page.
            errors: errors.prefixed("contact_"),
            handles,
        },
    )
}

#[get("/clients/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    client_page(
        &state,
        &user,
        &id,
        ContactValues::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "clients/edit.html")]
struct EditClientPage {
    layout: Layout,
    id: String,
    name: String,
    email: String,
    cadence: String,
    cadences: Vec<(&'static str, &'static str)>,
    notes: String,
    errors: FieldErrors,
}

fn cadences() -> Vec<(&'static str, &'static str)> {
    ReportCadence::ALL
        .iter()
        .map(|c| (c.as_str(), c.label()))
        .collect()
}

#[get("/clients/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client = app::clients::editable(&state, &user, &id).await?;
    render(&EditClientPage {
        layout: Layout::for_user(&user, format!("Edit {}", client.name), "clients"),
        id: client.id.to_string(),
        name: client.name,
        email: client.email,
        cadence: client.report_cadence.as_str().to_owned(),
        cadences: cadences(),
        notes: client.notes,
        errors: FieldErrors::default(),
    })
}

#[post("/clients/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<ClientChangeInput>,
) -> Result<HttpResponse, AppError> {
    let client = app::clients::editable(&state, &user, &id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::clients::update(&state, &caller(&user, &meta), &id, form.clone()).await {
        Ok(updated) => {
            session::flash(
                &user.session,
                "success",
                format!("Client {} saved.", updated.name),
            );
            return Ok(see_other(&format!("/clients/{}", updated.id)));
        }
        Err(e) => errors.absorb(e)?,
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &EditClientPage {
            layout: Layout::for_user(&user, format!("Edit {}", client.name), "clients"),
            id: client.id.to_string(),
            name: form.name,
            email: form.email,
            cadence: form.report_cadence,
            cadences: cadences(),
            notes: form.notes,
            errors,
        },
    )
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    position: String,
    receives_reports: Option<String>,
}

#[post("/clients/{id}/contacts")]
pub async fn add_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = ContactInput {
        name: form.name.clone(),
        email: form.email.clone(),
        phone: form.phone.clone(),
        position: form.position.clone(),
        receives_reports: form.receives_reports.is_some(),
    };
    let mut errors = FieldErrors::default();
    match app::clients::add_contact(&state, &caller(&user, &meta), &id, input).await {
        Ok(contact) => {
            session::flash(
                &user.session,
                "success",
                format!("{} added to the contacts.", contact.name),
            );
            return Ok(see_other(&format!("/clients/{id}")));
        }
        Err(e) => errors.absorb(e)?,
    }
    let values = ContactValues {
        name: form.name,
        email: form.email,
        phone: form.phone,
        position: form.position,
        receives_reports: form.receives_reports.is_some(),
    };
    client_page(
        &state,
        &user,
        &id,
        values,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/clients/{id}/contacts/{contact}/remove")]
pub async fn remove_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, contact) = path.into_inner();
    let client = app::clients::remove_contact(&state, &caller(&user, &meta), &id, &contact).await?;
    session::flash(&user.session, "success", "The contact was removed.");
    Ok(see_other(&format!("/clients/{}", client.id)))
}

#[derive(Deserialize)]
pub struct HandleForm {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    handle: String,
}

/// Sets the client's contact handle at one of the firm's registrar accounts.
#[post("/clients/{id}/registrant-handles")]
pub async fn set_registrant_handle(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<HandleForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = app::clients::RegistrantHandleInput {
        account_id: form.account_id.clone(),
        handle: form.handle.clone(),
    };
    let mut errors = FieldErrors::default();
    match app::clients::set_registrant_handle(&state, &caller(&user, &meta), &id, input).await {
        Ok(_) => {
            let said = if form.handle.trim().is_empty() {
                "Registrant handle removed.".to_owned()
            } else {
                format!("Registrant handle {} saved.", form.handle.trim())
            };
            session::flash(&user.session, "success", said);
            return Ok(see_other(&format!("/clients/{id}")));
        }
        Err(e) => errors.absorb(e)?,
    }
    let message = errors
        .iter()
        .map(|(_, m)| m.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    client_page_with(
        &state,
        &user,
        &id,
        ContactValues::default(),
        FieldErrors::default(),
        Some((form.account_id, form.handle, message)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
