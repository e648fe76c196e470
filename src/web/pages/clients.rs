//! Clients of the firm. Staff see all of them; a client (portal) user sees only their own.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app::access::visible_client;
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::client::{Client, Contact, NewClient, NewContact, ReportCadence};
use crate::model::ids::ContactId;
use crate::repo::clients::{self, ClientChange};
use crate::state::AppState;
use crate::web::pages::matters::{MatterRow, client_matters};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::{Layout, actor, render, render_status, see_other, show_time};

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

#[derive(Deserialize)]
pub struct NewClientForm {
    name: String,
    email: String,
}

/// "a client named 'X' already exists" → a sentence for the form.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
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
    let mut errors = FieldErrors::default();
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
                Err(DbError::Conflict(message)) => errors.add("name", sentence(&message)),
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
    reports: Vec<crate::web::pages::reports::ReportRow>,
    can_edit: bool,
    can_open_matter: bool,
    contact: ContactValues,
    errors: FieldErrors,
}

async fn client_page(
    state: &AppState,
    user: &CurrentUser,
    client: Client,
    contact: ContactValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let client_id = client.id.clone();
    let (contacts, kept_reports) = state
        .db
        .run(move |c| {
            Ok::<_, crate::db::DbError>((
                clients::contacts(c, &client_id)?,
                crate::repo::reports::for_client(c, &client_id)?,
            ))
        })
        .await?;
    let matters = client_matters(state, user, client.id.as_str()).await?;
    let staff_editor = user.require_lawyer_or_admin().is_ok();
    render_status(
        status,
        &ClientPage {
            layout: Layout::for_user(user, client.name.clone(), "clients"),
            client: ClientRow::from(&client),
            contacts: contacts.iter().map(ContactRow::from).collect(),
            matters,
            reports: crate::web::pages::reports::rows(&kept_reports),
            can_edit: staff_editor,
            can_open_matter: staff_editor,
            contact,
            errors,
        },
    )
}

#[get("/clients/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client = visible_client(&state, &user, &id).await?;
    client_page(
        &state,
        &user,
        client,
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
    user.require_lawyer_or_admin()?;
    let client = visible_client(&state, &user, &id).await?;
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

#[derive(Deserialize)]
pub struct EditClientForm {
    name: String,
    email: String,
    report_cadence: String,
    #[serde(default)]
    notes: String,
}

#[post("/clients/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<EditClientForm>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let client = visible_client(&state, &user, &id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let details = NewClient::parse(&form.name, &form.email)
        .map_err(|e| errors.add(e.field(), e))
        .ok();
    let cadence: Option<ReportCadence> = form
        .report_cadence
        .parse()
        .map_err(|e| errors.add("report_cadence", e))
        .ok();
    if form.notes.chars().count() > 10_000 {
        errors.add("notes", "Notes can be at most 10,000 characters long.");
    }
    if let (Some(details), Some(report_cadence)) = (details, cadence)
        && errors.is_empty()
    {
        let change = ClientChange {
            details,
            report_cadence,
            notes: form.notes.trim().to_owned(),
        };
        let actor = actor(&user, &meta, state.clock.now());
        let client_id = client.id.clone();
        match state
            .db
            .run(move |c| clients::update(c, &actor, &client_id, &change))
            .await
        {
            Ok(updated) => {
                session::flash(
                    &user.session,
                    "success",
                    format!("Client {} saved.", updated.name),
                );
                return Ok(see_other(&format!("/clients/{}", updated.id)));
            }
            Err(DbError::Conflict(message)) => errors.add("name", sentence(&message)),
            Err(e) => return Err(e.into()),
        }
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
    name: String,
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
    user.require_lawyer_or_admin()?;
    let client = visible_client(&state, &user, &id).await?;
    let form = form.into_inner();
    match NewContact::parse(
        &form.name,
        &form.email,
        &form.phone,
        &form.position,
        form.receives_reports.is_some(),
    ) {
        Ok(new) => {
            let actor = actor(&user, &meta, state.clock.now());
            let client_id = client.id.clone();
            let contact = state
                .db
                .run(move |c| clients::add_contact(c, &actor, &client_id, &new))
                .await?;
            session::flash(
                &user.session,
                "success",
                format!("{} added to the contacts.", contact.name),
            );
            Ok(see_other(&format!("/clients/{}", client.id)))
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add(e.field(), e);
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
                client,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[post("/clients/{id}/contacts/{contact}/remove")]
pub async fn remove_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let (id, contact) = path.into_inner();
    let client = visible_client(&state, &user, &id).await?;
    let contact_id = ContactId::parse(&contact).map_err(|_| AppError::not_found("contact"))?;
    let actor = actor(&user, &meta, state.clock.now());
    let client_id = client.id.clone();
    state
        .db
        .run(move |c| clients::remove_contact(c, &actor, &client_id, &contact_id))
        .await
        .map_err(|e| match e {
            DbError::NotFound => AppError::not_found("contact"),
            other => other.into(),
        })?;
    session::flash(&user.session, "success", "The contact was removed.");
    Ok(see_other(&format!("/clients/{}", client.id)))
}
