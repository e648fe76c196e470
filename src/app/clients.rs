//! The firm's clients and the people at each of them. Staff see every client; lawyers and
//! admins add and change them; a client (portal) user sees only their own.

use serde::Deserialize;

use crate::app::access::{Caller, Principal, visible_client};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::client::{Client, Contact, NewClient, NewContact, ReportCadence};
use crate::model::ids::ContactId;
use crate::model::matter::MatterSummary;
use crate::model::paging::{Page, PageRequest};
use crate::model::report::Report;
use crate::repo::clients::{self, ClientChange};
use crate::repo::matters::{self, MatterFilter};
use crate::repo::reports;
use crate::state::AppState;

/// A new client as typed in the form or sent to the API (both members required: a body
/// without them is unreadable, 400).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClientInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The client's main contact address.
    #[schema(format = "email")]
    pub email: String,
}

/// A client's details as changed on its edit form.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClientChangeInput {
    pub name: String,
    pub email: String,
    pub report_cadence: String,
    #[serde(default)]
    pub notes: String,
}

/// A person at the client. `receives_reports` is a checkbox on the page, a boolean in JSON.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ContactInput {
    pub name: String,
    #[schema(format = "email")]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub position: String,
    /// Receives the client's scheduled status reports.
    #[serde(default)]
    pub receives_reports: bool,
}

/// A client's page: the client, its people, its matters and the reports kept for it.
#[derive(Debug, Clone)]
pub struct ClientFile {
    pub client: Client,
    pub contacts: Vec<Contact>,
    /// The first page of its matters (the matters list, filtered by client, has the rest).
    pub matters: Page<MatterSummary>,
    pub reports: Vec<Report>,
}

const MAX_NOTES: usize = 10_000;

/// A page of the clients the user may see: every client for staff, their own for a portal
/// user.
pub async fn list(
    state: &AppState,
    user: &Principal,
    request: PageRequest,
) -> Result<Page<Client>, AppError> {
    let only = match (&user.client_id, user.is_staff()) {
        (_, true) => None,
        (Some(own), false) => Some(own.clone()),
        (None, false) => {
            return Ok(Page::empty());
        }
    };
    Ok(state
        .db
        .run(move |c| clients::page(c, only.as_ref(), &request))
        .await?)
}

pub async fn show(state: &AppState, user: &Principal, id: &str) -> Result<ClientFile, AppError> {
    let client = visible_client(state, user, id).await?;
    let client_id = client.id.clone();
    let (contacts, matters, reports) = state
        .db
        .run(move |c| {
            let filter = MatterFilter {
                client_id: Some(client_id.clone()),
                status: None,
                search: None,
            };
            Ok::<_, DbError>((
                clients::contacts(c, &client_id)?,
                matters::list(c, &filter, &PageRequest::default())?,
                reports::for_client(c, &client_id)?,
            ))
        })
        .await?;
    Ok(ClientFile {
        client,
        contacts,
        matters,
        reports,
    })
}

/// A client the user may see and, being a lawyer or an admin, change.
pub async fn editable(state: &AppState, user: &Principal, id: &str) -> Result<Client, AppError> {
    user.require_lawyer_or_admin()?;
    visible_client(state, user, id).await
}

fn check_client(input: &ClientInput, errors: &mut FieldErrors) -> Option<NewClient> {
    NewClient::parse(&input.name, &input.email)
        .map_err(|e| errors.add(e.field(), e))
        .ok()
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: ClientInput,
) -> Result<Client, AppError> {
    caller.require_lawyer_or_admin()?;
    let mut errors = FieldErrors::default();
    let new = check_client(&input, &mut errors);
    errors.check()?;
    let Some(new) = new else {
        return Err(AppError::invalid("name", "The client could not be read."));
    };
    let actor = caller.actor(state.clock.now());
    state
        .db
        .run(move |c| clients::create(c, &actor, &new))
        .await
        .map_err(name_taken)
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: ClientChangeInput,
) -> Result<Client, AppError> {
    let client = editable(state, caller, id).await?;
    let mut errors = FieldErrors::default();
    let details = check_client(
        &ClientInput {
            name: input.name.clone(),
            email: input.email.clone(),
        },
        &mut errors,
    );
    let cadence: Option<ReportCadence> = input
        .report_cadence
        .parse()
        .map_err(|e| errors.add("report_cadence", e))
        .ok();
    if input.notes.chars().count() > MAX_NOTES {
        errors.add("notes", "Notes can be at most 10,000 characters long.");
    }
    errors.check()?;
    let (Some(details), Some(report_cadence)) = (details, cadence) else {
        return Err(AppError::invalid("name", "The client could not be read."));
    };
    let change = ClientChange {
        details,
        report_cadence,
        notes: input.notes.trim().to_owned(),
    };
    let actor = caller.actor(state.clock.now());
    state
        .db
        .run(move |c| clients::update(c, &actor, &client.id, &change))
        .await
        .map_err(name_taken)
}

/// The database's unique-name refusal, as a sentence on the name field.
fn name_taken(e: DbError) -> AppError {
    match e {
        DbError::Conflict(message) => AppError::invalid("name", sentence(&message)),
        other => other.into(),
    }
}

/// "a client named 'X' already exists" → "A client named 'X' already exists."
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

pub async fn add_contact(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    input: ContactInput,
) -> Result<Contact, AppError> {
    let client = editable(state, caller, client_id).await?;
    let new = NewContact::parse(
        &input.name,
        &input.email,
        &input.phone,
        &input.position,
        input.receives_reports,
    )
    .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| clients::add_contact(c, &actor, &client.id, &new))
        .await?)
}

pub async fn remove_contact(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    contact_id: &str,
) -> Result<Client, AppError> {
    let client = editable(state, caller, client_id).await?;
    let contact_id = ContactId::parse(contact_id).map_err(|_| AppError::not_found("contact"))?;
    let actor = caller.actor(state.clock.now());
    let id = client.id.clone();
    state
        .db
        .run(move |c| clients::remove_contact(c, &actor, &id, &contact_id))
        .await
        .map_err(|e| match e {
            DbError::NotFound => AppError::not_found("contact"),
            other => other.into(),
        })?;
    Ok(client)
}

/// The client's contact handle at one of the firm's registrar accounts (a direct catch in the
/// client's name uses it); an empty handle removes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegistrantHandleInput {
    /// A catch account of the firm that registers names (`dynadot_register`, `epp`).
    pub account_id: String,
    /// The client's contact id at that registrar or registry (Dynadot: the contact's id under
    /// Contacts; EPP: the `<contact:id>` the registry knows), such as `NW-0042`; empty: removed.
    #[serde(default)]
    pub handle: String,
}

/// One registrar account of the firm and the client's handle there (if any).
#[derive(Debug, Clone)]
pub struct RegistrantHandleRow {
    pub account: crate::model::catch_account::CatchAccount,
    pub handle: Option<String>,
}

/// The firm's registrar accounts in use and the client's handle at each (staff).
pub async fn registrant_handles(
    state: &AppState,
    user: &Principal,
    client_id: &str,
) -> Result<Vec<RegistrantHandleRow>, AppError> {
    user.require_staff()?;
    let client = visible_client(state, user, client_id).await?;
    let accounts = crate::app::catch_accounts::in_use(state, user).await?;
    let held = state
        .db
        .run(move |c| crate::repo::registrant_handles::for_client(c, &client.id))
        .await?;
    Ok(accounts
        .into_iter()
        .filter(|a| a.provider().is_some_and(|p| p.registers()))
        .map(|account| RegistrantHandleRow {
            handle: held
                .iter()
                .find(|h| h.account_id == account.id)
                .map(|h| h.handle.clone()),
            account,
        })
        .collect())
}

/// Sets (or removes) the client's handle at a registrar account (lawyers and admins).
pub async fn set_registrant_handle(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    input: RegistrantHandleInput,
) -> Result<Vec<RegistrantHandleRow>, AppError> {
    let client = editable(state, caller, client_id).await?;
    let no_account = || {
        AppError::invalid(
            "account_id",
            "Choose one of the firm's registrar accounts in use (a catch account of provider dynadot_register or epp).",
        )
    };
    let account_id = crate::model::ids::CatchAccountId::parse(input.account_id.trim())
        .map_err(|_| no_account())?;
    let account = state
        .db
        .run(move |c| crate::repo::catch_accounts::find(c, &account_id))
        .await?
        .filter(|a| a.active && a.provider().is_some_and(|p| p.registers()))
        .ok_or_else(no_account)?;
    let handle = input.handle.trim().to_owned();
    if !handle.is_empty() {
        crate::catch::check_handle(&handle).map_err(|e| AppError::invalid("handle", e))?;
    }
    let actor = caller.actor(state.clock.now());
    let id = client.id.clone();
    state
        .db
        .run(move |c| {
            crate::repo::registrant_handles::set(
                c,
                &actor,
                &id,
                &account.id,
                Some(handle.as_str()).filter(|h| !h.is_empty()),
            )
        })
        .await?;
    registrant_handles(state, caller, client_id).await
}
