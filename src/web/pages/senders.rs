//! Sender profiles (administrators): the firm's identity on outreach, and its DKIM key; and the
//! suppression list, shown as hashes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::mail::dkim_key;
use crate::model::ids::SenderProfileId;
use crate::model::outreach::SuppressionReason;
use crate::model::sender::SenderProfile;
use crate::model::user::{EmailAddress, parse_one_line_name};
use crate::repo::senders::{self, DkimChange, SenderInput};
use crate::repo::suppressions;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::{Layout, actor, render, render_status, see_other, show_time};

/// The form (or API body) of a sender profile.
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

/// Checks a profile; problems go to `errors`. `creating` makes the profile active.
pub fn check_sender(
    form: &SenderForm,
    creating: bool,
    errors: &mut FieldErrors,
) -> Option<SenderInput> {
    let line = |field: &str, text: &str, max: usize, errors: &mut FieldErrors| -> String {
        match parse_one_line_name(text, max) {
            Ok(v) => v,
            Err(e) => {
                errors.add(field, e);
                String::new()
            }
        }
    };
    let legal_name = line("legal_name", &form.legal_name, 200, errors);
    let phone = line("phone", &form.phone, 40, errors);
    if !phone.is_empty() && phone.chars().filter(char::is_ascii_digit).count() < 6 {
        errors.add(
            "phone",
            "Give a telephone number with its area code, e.g. +33 1 23 45 67 89.",
        );
    }
    let postal_address = form.postal_address.trim().replace("\r\n", "\n");
    if postal_address.chars().count() < 10 || !postal_address.chars().any(|c| c.is_ascii_digit()) {
        errors.add(
            "postal_address",
            "Give the firm's physical postal address: street and number (or PO box), postcode and town, as the law requires in every solicitation.",
        );
    } else if postal_address.chars().count() > 500 {
        errors.add("postal_address", "At most 500 characters.");
    }
    let from_email = EmailAddress::parse(&form.from_email)
        .map_err(|e| errors.add("from_email", e))
        .ok();
    let reply_to = if form.reply_to.trim().is_empty() {
        Some(None)
    } else {
        EmailAddress::parse(&form.reply_to)
            .map(Some)
            .map_err(|e| errors.add("reply_to", e))
            .ok()
    };
    let label = if form.label.trim().is_empty() {
        legal_name.clone()
    } else {
        line("label", &form.label, 100, errors)
    };
    let from_name = if form.from_name.trim().is_empty() {
        String::new()
    } else {
        line("from_name", &form.from_name, 100, errors)
    };
    let dkim = if form.remove_dkim == "yes" {
        DkimChange::Remove
    } else if form.dkim_private_key.trim().is_empty() {
        if !form.dkim_selector.trim().is_empty() && creating {
            errors.add(
                "dkim_private_key",
                "Give the private key for this selector, or leave both empty.",
            );
        }
        DkimChange::Keep
    } else {
        let selector = form.dkim_selector.trim();
        if selector.is_empty()
            || !selector
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            errors.add("dkim_selector", "Give the DKIM selector published in DNS (letters, digits, - and _), e.g. reclaim2026.");
        }
        if let Err(e) = dkim_key(&form.dkim_private_key) {
            errors.add("dkim_private_key", e);
        }
        DkimChange::Set {
            selector: selector.to_owned(),
            private_key: form.dkim_private_key.trim().to_owned(),
        }
    };
    match (from_email, reply_to) {
        (Some(from_email), Some(reply_to)) if errors.is_empty() => Some(SenderInput {
            label,
            legal_name,
            postal_address,
            phone,
            from_name,
            from_email,
            reply_to,
            dkim,
            active: creating || form.active == "yes",
        }),
        _ => None,
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
            dkim: match &p.dkim_selector {
                Some(s) if p.has_dkim() => format!("{s}._domainkey.{}", p.domain()),
                _ => String::new(),
            },
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
    let profiles = state.db.run(senders::list).await?;
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
    user.require_admin()?;
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
    user.require_admin()?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if let Some(input) = check_sender(&form, true, &mut errors) {
        let actor = actor(&user, &meta, state.clock.now());
        let profile = state
            .db
            .run(move |c| senders::create(c, &actor, &input))
            .await
            .map_err(sender_error)?;
        session::flash(
            &user.session,
            "success",
            format!("Sender profile {} saved.", profile.label),
        );
        return Ok(see_other("/admin/senders"));
    }
    // The key is never sent back to the browser.
    let form = SenderForm {
        dkim_private_key: String::new(),
        ..form
    };
    senders_page(
        &state,
        &user,
        form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub fn sender_error(e: senders::SenderError) -> AppError {
    match e {
        senders::SenderError::NotFound => AppError::not_found("sender profile"),
        senders::SenderError::Db(db) => db.into(),
    }
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

async fn profile(state: &AppState, id: &str) -> Result<SenderProfile, AppError> {
    let id = SenderProfileId::parse(id).map_err(|_| AppError::not_found("sender profile"))?;
    state
        .db
        .run(move |c| senders::find(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("sender profile"))
}

#[get("/admin/senders/{id}")]
pub async fn edit_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let p = profile(&state, &id).await?;
    render(&EditPage {
        layout: Layout::for_user(&user, format!("Sender profile · {}", p.label), "senders"),
        id: p.id.to_string(),
        dkim_record: SenderRow::from(&p).dkim,
        has_dkim: p.has_dkim(),
        form: form_of(&p),
        errors: FieldErrors::default(),
    })
}

#[post("/admin/senders/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<SenderForm>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let p = profile(&state, &id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if let Some(input) = check_sender(&form, false, &mut errors) {
        let actor = actor(&user, &meta, state.clock.now());
        let pid = p.id.clone();
        state
            .db
            .run(move |c| senders::update(c, &actor, &pid, &input))
            .await
            .map_err(sender_error)?;
        session::flash(&user.session, "success", "Sender profile saved.");
        return Ok(see_other("/admin/senders"));
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &EditPage {
            layout: Layout::for_user(&user, format!("Sender profile · {}", p.label), "senders"),
            id: p.id.to_string(),
            dkim_record: SenderRow::from(&p).dkim,
            has_dkim: p.has_dkim(),
            form: SenderForm {
                dkim_private_key: String::new(),
                ..form
            },
            errors,
        },
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

#[derive(Deserialize)]
pub struct SuppressionQuery {
    /// Look an address up (it is hashed, never stored by the lookup).
    check: Option<String>,
}

async fn suppressions_page(
    state: &AppState,
    user: &CurrentUser,
    checked: Option<(String, bool)>,
    address: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (rows, total) = state.db.run(|c| suppressions::list(c, 500)).await?;
    render_status(
        status,
        &SuppressionsPage {
            layout: Layout::for_user(user, "Suppressions", "senders"),
            rows: rows
                .iter()
                .map(|s| SuppressionRow {
                    hash: s.address_sha256.clone(),
                    reason: s.reason.as_str().to_owned(),
                    source: s.source.clone(),
                    at: show_time(&s.created_at),
                })
                .collect(),
            total,
            checked,
            address,
            errors,
        },
    )
}

#[get("/admin/suppressions")]
pub async fn suppression_list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<SuppressionQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let checked = match query
        .check
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(address) => {
            let a = address.to_owned();
            let found = state
                .db
                .run(move |c| suppressions::is_suppressed(c, &a))
                .await?;
            Some((address.to_owned(), found))
        }
        None => None,
    };
    suppressions_page(
        &state,
        &user,
        checked,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct SuppressForm {
    #[serde(default)]
    address: String,
}

/// Adds an address by hand: an unsubscribe request received by e-mail or post, a complaint.
#[post("/admin/suppressions")]
pub async fn suppress(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<SuppressForm>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    match EmailAddress::parse(&form.address) {
        Ok(address) => {
            let actor = actor(&user, &meta, state.clock.now());
            let now = state.clock.now();
            let new = state
                .db
                .run(move |c| {
                    suppressions::suppress(
                        c,
                        &actor,
                        address.as_str(),
                        SuppressionReason::Manual,
                        "added by an administrator",
                        now,
                    )
                })
                .await?;
            session::flash(
                &user.session,
                "success",
                if new {
                    "Address suppressed: reclaim will not write to it again."
                } else {
                    "That address was already suppressed."
                },
            );
            Ok(see_other("/admin/suppressions"))
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add("address", e);
            suppressions_page(
                &state,
                &user,
                None,
                form.address.clone(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
