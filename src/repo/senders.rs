//! Sender profiles: the firm's real identity on outgoing outreach (legal name, postal address,
//! phone, from-address on the firm's domain, reply-to) and an optional DKIM key.

use crate::model::paging::{Page, PageRequest, SENDERS};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::sender_profiles;
use crate::db::types::to_db;
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::ids::SenderProfileId;
use crate::model::sender::SenderProfile;
use crate::model::user::EmailAddress;
use crate::repo::audit::{self, Change};
use crate::repo::keyset;

/// What to do with the DKIM key on a change.
#[derive(Debug, Clone)]
pub enum DkimChange {
    Keep,
    Remove,
    Set {
        selector: String,
        private_key: String,
    },
}

/// A checked profile.
#[derive(Debug, Clone)]
pub struct SenderInput {
    pub label: String,
    pub legal_name: String,
    pub postal_address: String,
    pub phone: String,
    pub from_name: String,
    pub from_email: EmailAddress,
    pub reply_to: Option<EmailAddress>,
    pub dkim: DkimChange,
    pub active: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SenderError {
    #[error("The sender profile does not exist.")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for SenderError {
    fn from(e: diesel::result::Error) -> Self {
        SenderError::Db(e.into())
    }
}

pub fn find(conn: &mut DbConn, id: &SenderProfileId) -> Result<Option<SenderProfile>, DbError> {
    Ok(sender_profiles::table
        .find(id)
        .select(SenderProfile::as_select())
        .first(conn)
        .optional()?)
}

/// Active profiles first, then by label.
pub fn list(conn: &mut DbConn) -> Result<Vec<SenderProfile>, DbError> {
    Ok(sender_profiles::table
        .order((sender_profiles::active.desc(), sender_profiles::label))
        .select(SenderProfile::as_select())
        .load(conn)?)
}

/// One page of the profiles: active first, then by label (the key of [`SENDERS`]).
pub fn page(conn: &mut DbConn, request: &PageRequest) -> Result<Page<SenderProfile>, DbError> {
    let mut query = sender_profiles::table
        .order((
            sender_profiles::active.desc(),
            sender_profiles::label,
            sender_profiles::id,
        ))
        .select(SenderProfile::as_select())
        .limit(request.fetch())
        .into_boxed();
    if let Some([active, label, id]) = request.after.as_deref() {
        let active = active == "1";
        query = query.filter(keyset::after!(
            (desc sender_profiles::active, active),
            (sender_profiles::label, label.clone()),
            (sender_profiles::id, id.clone()),
        ));
    }
    let rows = query.load(conn)?;
    Ok(Page::from_rows(
        rows,
        request,
        SENDERS,
        |p: &SenderProfile| {
            vec![
                if p.active { "1" } else { "0" }.to_owned(),
                p.label.clone(),
                p.id.to_string(),
            ]
        },
    ))
}

/// The first profile in use (by label): the firm's identity on reports, and the sender a new
/// draft starts with.
pub fn first_active(conn: &mut DbConn) -> Result<Option<SenderProfile>, DbError> {
    Ok(sender_profiles::table
        .filter(sender_profiles::active.eq(true))
        .order(sender_profiles::label)
        .select(SenderProfile::as_select())
        .first(conn)
        .optional()?)
}

fn summary(input: &SenderInput) -> serde_json::Value {
    json!({
        "label": input.label,
        "legal_name": input.legal_name,
        "from_email": input.from_email.as_str(),
        "reply_to": input.reply_to.as_ref().map(|r| r.as_str().to_owned()),
        "active": input.active,
        // Never the key itself.
        "dkim": match &input.dkim { DkimChange::Keep => "kept", DkimChange::Remove => "removed", DkimChange::Set { .. } => "set" },
    })
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &SenderInput,
) -> Result<SenderProfile, SenderError> {
    write_tx(conn, |conn| {
        let id = SenderProfileId::new();
        let now = to_db(actor.at);
        let (selector, key) = match &input.dkim {
            DkimChange::Set {
                selector,
                private_key,
            } => (Some(selector.as_str()), Some(private_key.as_str())),
            _ => (None, None),
        };
        diesel::insert_into(sender_profiles::table)
            .values((
                sender_profiles::id.eq(&id),
                sender_profiles::label.eq(&input.label),
                sender_profiles::legal_name.eq(&input.legal_name),
                sender_profiles::postal_address.eq(&input.postal_address),
                sender_profiles::phone.eq(&input.phone),
                sender_profiles::from_name.eq(&input.from_name),
                sender_profiles::from_email.eq(input.from_email.as_str()),
                sender_profiles::reply_to.eq(input.reply_to.as_ref().map(EmailAddress::as_str)),
                sender_profiles::dkim_selector.eq(selector),
                sender_profiles::dkim_private_key.eq(key),
                sender_profiles::active.eq(input.active),
                sender_profiles::created_at.eq(now),
                sender_profiles::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "sender_profile.created",
                record_type: "sender_profile",
                record_id: Some(id.as_str()),
                summary: format!(
                    "Sender profile {} ({})",
                    input.label,
                    input.from_email.as_str()
                ),
                detail: summary(input),
            },
        )?;
        find(conn, &id)?.ok_or(SenderError::NotFound)
    })
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &SenderProfileId,
    input: &SenderInput,
) -> Result<SenderProfile, SenderError> {
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(SenderError::NotFound)?;
        let (selector, key) = match &input.dkim {
            DkimChange::Keep => (
                before.dkim_selector.clone(),
                before.dkim_private_key.clone(),
            ),
            DkimChange::Remove => (None, None),
            DkimChange::Set {
                selector,
                private_key,
            } => (Some(selector.clone()), Some(private_key.clone())),
        };
        diesel::update(sender_profiles::table.find(id))
            .set((
                sender_profiles::label.eq(&input.label),
                sender_profiles::legal_name.eq(&input.legal_name),
                sender_profiles::postal_address.eq(&input.postal_address),
                sender_profiles::phone.eq(&input.phone),
                sender_profiles::from_name.eq(&input.from_name),
                sender_profiles::from_email.eq(input.from_email.as_str()),
                sender_profiles::reply_to.eq(input.reply_to.as_ref().map(EmailAddress::as_str)),
                sender_profiles::dkim_selector.eq(selector),
                sender_profiles::dkim_private_key.eq(key),
                sender_profiles::active.eq(input.active),
                sender_profiles::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "sender_profile.updated",
                record_type: "sender_profile",
                record_id: Some(id.as_str()),
                summary: format!("Changed sender profile {}", input.label),
                detail: summary(input),
            },
        )?;
        find(conn, id)?.ok_or(SenderError::NotFound)
    })
}
