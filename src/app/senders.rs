//! Sender profiles, the firm's identity on every message to a holder (legal name, postal
//! address, telephone, a from-address on its own domain, an optional DKIM key), set up by
//! administrators; and the suppression list, kept as hashes (docs/legal.md §4.4 E9), which an
//! administrator can look an address up in or add an address to by hand.

use serde::Deserialize;

use crate::app::access::{Caller, Principal};
use crate::error::{AppError, FieldErrors};
use crate::mail::dkim_key;
use crate::model::ids::SenderProfileId;
use crate::model::outreach::{Suppression, SuppressionReason};
use crate::model::paging::{Page, PageRequest};
use crate::model::sender::SenderProfile;
use crate::model::user::{EmailAddress, parse_one_line_name};
use crate::repo::senders::{self, DkimChange, SenderInput};
use crate::repo::suppressions;
use crate::state::AppState;

/// A sender profile as the form or the API gives it. On the form, `remove_dkim` and `active`
/// are checkboxes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SenderProfileInput {
    /// For the firm, e.g. "Paris office"; the legal name when empty.
    #[serde(default)]
    pub label: String,
    /// As registered, e.g. "Cabinet Martin Avocats SELARL".
    #[serde(default)]
    pub legal_name: String,
    /// Physical postal address, shown in every message.
    #[serde(default)]
    pub postal_address: String,
    #[serde(default)]
    pub phone: String,
    /// The name on the From line; the legal name when empty.
    #[serde(default)]
    pub from_name: String,
    /// On the firm's own domain.
    #[serde(default)]
    #[schema(format = "email")]
    pub from_email: String,
    #[serde(default)]
    #[schema(format = "email")]
    pub reply_to: String,
    /// The DKIM selector published in DNS.
    #[serde(default)]
    pub dkim_selector: String,
    /// RSA PKCS#1 PEM or Ed25519 base64; never returned.
    #[serde(default)]
    pub dkim_private_key: String,
    /// Stop signing with DKIM (a change only).
    #[serde(default)]
    pub remove_dkim: bool,
    /// Offered when writing to a holder (a change only: a new profile is in use).
    #[serde(default)]
    pub active: bool,
}

/// An address to suppress by hand.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SuppressInput {
    #[serde(default)]
    pub address: String,
}

/// The suppression list, newest first, and the outcome of a look-up.
pub struct SuppressionList {
    pub rows: Vec<Suppression>,
    pub total: i64,
    /// The address looked up, and whether it is suppressed.
    pub checked: Option<(String, bool)>,
}

/// How many suppressions the list shows.
const SHOWN: i64 = 500;

/// Checks a profile: every problem, by field. `creating` makes the profile active.
fn check_sender(input: &SenderProfileInput, creating: bool) -> Result<SenderInput, AppError> {
    let mut errors = FieldErrors::default();
    let line = |field: &str, text: &str, max: usize, errors: &mut FieldErrors| -> String {
        match parse_one_line_name(text, max) {
            Ok(v) => v,
            Err(e) => {
                errors.add(field, e);
                String::new()
            }
        }
    };
    let legal_name = line("legal_name", &input.legal_name, 200, &mut errors);
    let phone = line("phone", &input.phone, 40, &mut errors);
    if !phone.is_empty() && phone.chars().filter(char::is_ascii_digit).count() < 6 {
        errors.add(
            "phone",
            "Give a telephone number with its area code, e.g. +33 1 23 45 67 89.",
        );
    }
    let postal_address = input.postal_address.trim().replace("\r\n", "\n");
    if postal_address.chars().count() < 10 || !postal_address.chars().any(|c| c.is_ascii_digit()) {
        errors.add(
            "postal_address",
            "Give the firm's physical postal address: street and number (or PO box), postcode and town, as the law requires in every solicitation.",
        );
    } else if postal_address.chars().count() > 500 {
        errors.add("postal_address", "At most 500 characters.");
    }
    let from_email = EmailAddress::parse(&input.from_email)
        .map_err(|e| errors.add("from_email", e))
        .ok();
    let reply_to = if input.reply_to.trim().is_empty() {
        Some(None)
    } else {
        EmailAddress::parse(&input.reply_to)
            .map(Some)
            .map_err(|e| errors.add("reply_to", e))
            .ok()
    };
    let label = if input.label.trim().is_empty() {
        legal_name.clone()
    } else {
        line("label", &input.label, 100, &mut errors)
    };
    let from_name = if input.from_name.trim().is_empty() {
        String::new()
    } else {
        line("from_name", &input.from_name, 100, &mut errors)
    };
    let dkim = if input.remove_dkim {
        DkimChange::Remove
    } else if input.dkim_private_key.trim().is_empty() {
        if !input.dkim_selector.trim().is_empty() && creating {
            errors.add(
                "dkim_private_key",
                "Give the private key for this selector, or leave both empty.",
            );
        }
        DkimChange::Keep
    } else {
        let selector = input.dkim_selector.trim();
        if selector.is_empty()
            || !selector
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            errors.add(
                "dkim_selector",
                "Give the DKIM selector published in DNS (letters, digits, - and _), e.g. reclaim2026.",
            );
        }
        if let Err(e) = dkim_key(&input.dkim_private_key) {
            errors.add("dkim_private_key", e);
        }
        DkimChange::Set {
            selector: selector.to_owned(),
            private_key: input.dkim_private_key.trim().to_owned(),
        }
    };
    errors.check()?;
    match (from_email, reply_to) {
        (Some(from_email), Some(reply_to)) => Ok(SenderInput {
            label,
            legal_name,
            postal_address,
            phone,
            from_name,
            from_email,
            reply_to,
            dkim,
            active: creating || input.active,
        }),
        _ => Err(AppError::invalid(
            "from_email",
            "The profile could not be read.",
        )),
    }
}

/// Every profile, those in use first (staff: a draft names one; keys never leave the app).
pub async fn list(
    state: &AppState,
    user: &Principal,
    request: PageRequest,
) -> Result<Page<SenderProfile>, AppError> {
    user.require_staff()?;
    Ok(state.db.run(move |c| senders::page(c, &request)).await?)
}

/// Every profile, for the administrators' page where they are set up.
pub async fn admin_list(
    state: &AppState,
    user: &Principal,
) -> Result<Vec<SenderProfile>, AppError> {
    user.require_admin()?;
    Ok(state.db.run(senders::list).await?)
}

/// A new profile, in use (administrators).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: SenderProfileInput,
) -> Result<SenderProfile, AppError> {
    caller.require_admin()?;
    let checked = check_sender(&input, true)?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| senders::create(c, &actor, &checked))
        .await?)
}

/// One profile, for its edit form (administrators).
pub async fn show(state: &AppState, user: &Principal, id: &str) -> Result<SenderProfile, AppError> {
    user.require_admin()?;
    let id = SenderProfileId::parse(id).map_err(|_| AppError::not_found("sender profile"))?;
    state
        .db
        .run(move |c| senders::find(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("sender profile"))
}

/// Changes a profile (administrators). An empty key keeps the one set.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: SenderProfileInput,
) -> Result<SenderProfile, AppError> {
    let profile = show(state, caller, id).await?;
    let checked = check_sender(&input, false)?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| senders::update(c, &actor, &profile.id, &checked))
        .await?)
}

/// The suppression list (administrators), and whether `check` (an address, hashed and never
/// stored by the look-up) is on it.
pub async fn suppressions(
    state: &AppState,
    user: &Principal,
    check: Option<&str>,
) -> Result<SuppressionList, AppError> {
    user.require_admin()?;
    let check = check
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let looked_up = check.clone();
    let (rows, total, found) = state
        .db
        .run(move |c| {
            let (rows, total) = suppressions::list(c, SHOWN)?;
            let found = match &looked_up {
                Some(address) => Some(suppressions::is_suppressed(c, address)?),
                None => None,
            };
            Ok::<_, crate::db::DbError>((rows, total, found))
        })
        .await?;
    Ok(SuppressionList {
        rows,
        total,
        checked: check.zip(found),
    })
}

/// Adds an address by hand (administrators): an unsubscribe request received by e-mail or
/// post, a complaint. `true` when it was not on the list yet.
pub async fn suppress(
    state: &AppState,
    caller: &Caller,
    input: SuppressInput,
) -> Result<bool, AppError> {
    caller.require_admin()?;
    let address = EmailAddress::parse(&input.address)
        .map_err(|e| AppError::invalid("address", e.to_string()))?;
    let now = state.clock.now();
    let actor = caller.actor(now);
    Ok(state
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
        .await?)
}
