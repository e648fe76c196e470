//! Sender profiles (administrators): the firm's identity on outreach, and its DKIM key; and the
//! suppression list, shown as hashes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::senders::{SenderProfileInput, SuppressInput, SuppressionList};
use crate::error::{AppError, FieldErrors};
use crate::model::sender::SenderProfile;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::{Layout, caller, render_status, see_other, show_time};

/// The sender profile form: as typed, sent back as typed (but for the key). The checkboxes
/// are `yes` when ticked.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SenderForm {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub postal_address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub from_name: String,
    #[serde(default)]
    pub from_email: String,
    #[serde(default)]
    pub reply_to: String,
    #[serde(default)]
    pub dkim_selector: String,
    #[serde(default)]
    pub dkim_private_key: String,
    #[serde(default)]
    pub remove_dkim: String,
    #[serde(default)]
    pub active: String,
}

impl SenderForm {
    fn input(&self) -> SenderProfileInput {
        SenderProfileInput {
            label: self.label.clone(),
            legal_name: self.legal_name.clone(),
            postal_address: self.postal_address.clone(),
            phone: self.phone.clone(),
            from_name: self.from_name.clone(),
            from_email: self.from_email.clone(),
            reply_to: self.reply_to.clone(),
            dkim_selector: self.dkim_selector.clone(),
            dkim_private_key: self.dkim_private_key.clone(),
            remove_dkim: self.remove_dkim == "yes",
            active: self.active == "yes",
        }
    }

    /// The form sent back: the key is never sent back to the browser.
    fn sent_back(self) -> Self {
        SenderForm {
            dkim_private_key: String::new(),
            ..self
        }
    }
}

pub struct SenderRow {
    pub id: String,
    pub label: String,
    pub legal_name: String,
    pub from: String,
    pub dkim: String,
    pub active: bool,
}

impl From<&SenderProfile> for SenderRow {
    fn from(p: &SenderProfile) -> Self {
        Self {
            id: p.id.to_string(),
            label: p.label.clone(),
            legal_name: p.legal_name.clone(),
            from: p.from_header(),
            dkim: p.dkim_record().unwrap_or_default(),
            active: p.active,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "senders/list.html")]
struct SendersPage {
    layout: Layout,
    profiles: Vec<SenderRow>,
    form: SenderForm,
    errors: FieldErrors,
}

async fn senders_page(
    state: &AppState,
    user: &CurrentUser,
    form: SenderForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let profiles = app::senders::admin_list(state, user).await?;
    render_status(
        status,
        &SendersPage {
            layout: Layout::for_user(user, "Sender profiles", "senders"),
            profiles: profiles.iter().map(SenderRow::from).collect(),
            form,
            errors,
        },
    )
}

#[get("/admin/senders")]
pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    senders_page(
        &state,
        &user,
        SenderForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/admin/senders")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<SenderForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::senders::create(&state, &caller(&user, &meta), form.input()).await {
        Ok(profile) => {
            session::flash(
                &user.session,
                "success",
                format!("Sender profile {} saved.", profile.label),
            );
            return Ok(see_other("/admin/senders"));
        }
        Err(e) => errors.absorb(e)?,
    }
    senders_page(
        &state,
        &user,
        form.sent_back(),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "senders/edit.html")]
struct EditPage {
    layout: Layout,
    id: String,
    dkim_record: String,
    has_dkim: bool,
    form: SenderForm,
    errors: FieldErrors,
}

fn form_of(p: &SenderProfile) -> SenderForm {
    SenderForm {
        label: p.label.clone(),
        legal_name: p.legal_name.clone(),
        postal_address: p.postal_address.clone(),
        phone: p.phone.clone(),
        from_name: p.from_name.clone(),
        from_email: p.from_email.clone(),
        reply_to: p.reply_to.clone().unwrap_or_default(),
        dkim_selector: p.dkim_selector.clone().unwrap_or_default(),
        dkim_private_key: String::new(),
        remove_dkim: String::new(),
        active: if p.active {
            "yes".to_owned()
        } else {
            String::new()
        },
    }
}

fn edit_page(
    user: &CurrentUser,
    p: &SenderProfile,
    form: SenderForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_status(
        status,
        &EditPage {
            layout: Layout::for_user(user, format!("Sender profile · {}", p.label), "senders"),
            id: p.id.to_string(),
            dkim_record: p.dkim_record().unwrap_or_default(),
            has_dkim: p.has_dkim(),
            form,
            errors,
        },
    )
}

#[get("/admin/senders/{id}")]
pub async fn edit_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let p = app::senders::show(&state, &user, &id).await?;
    edit_page(
        &user,
        &p,
        form_of(&p),
        FieldErrors::default(),
        StatusCode::OK,
    )
}

#[post("/admin/senders/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<SenderForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::senders::update(&state, &caller(&user, &meta), &id, form.input()).await {
        Ok(_) => {
            session::flash(&user.session, "success", "Sender profile saved.");
            return Ok(see_other("/admin/senders"));
        }
        Err(e) => errors.absorb(e)?,
    }
    let p = app::senders::show(&state, &user, &id).await?;
    edit_page(
        &user,
        &p,
        form.sent_back(),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

pub struct SuppressionRow {
    pub hash: String,
    pub reason: String,
    pub source: String,
    pub at: String,
}

#[derive(askama::Template)]
#[template(path = "senders/suppressions.html")]
struct SuppressionsPage {
    layout: Layout,
    rows: Vec<SuppressionRow>,
    total: i64,
    checked: Option<(String, bool)>,
    /// What the suppress form shows when sent back.
    address: String,
    errors: FieldErrors,
}

fn suppressions_page(
    user: &CurrentUser,
    found: SuppressionList,
    address: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_status(
        status,
        &SuppressionsPage {
            layout: Layout::for_user(user, "Suppressions", "senders"),
            rows: found
                .rows
                .iter()
                .map(|s| SuppressionRow {
                    hash: s.address_sha256.clone(),
                    reason: s.reason.as_str().to_owned(),
                    source: s.source.clone(),
                    at: show_time(&s.created_at),
                })
                .collect(),
            total: found.total,
            checked: found.checked,
            address,
            errors,
        },
    )
}

#[derive(Deserialize)]
pub struct SuppressionQuery {
    /// Look an address up (it is hashed, never stored by the lookup).
    check: Option<String>,
}

#[get("/admin/suppressions")]
pub async fn suppression_list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<SuppressionQuery>,
) -> Result<HttpResponse, AppError> {
    let found = app::senders::suppressions(&state, &user, query.check.as_deref()).await?;
    suppressions_page(
        &user,
        found,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
}

/// Adds an address by hand: an unsubscribe request received by e-mail or post, a complaint.
#[post("/admin/suppressions")]
pub async fn suppress(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<SuppressInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::senders::suppress(&state, &caller(&user, &meta), form.clone()).await {
        Ok(new) => {
            session::flash(
                &user.session,
                "success",
                if new {
                    "Address suppressed: reclaim will not write to it again."
                } else {
                    "That address was already suppressed."
                },
            );
            return Ok(see_other("/admin/suppressions"));
        }
        Err(e) => errors.absorb(e)?,
    }
    let found = app::senders::suppressions(&state, &user, None).await?;
    suppressions_page(
        &user,
        found,
        form.address,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}
