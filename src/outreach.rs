//! Writing to a name's holder: drafting from a template, running the compliance gate on the
//! message exactly as it will be sent, and handing an approved message to the outbox. The gate
//! runs again at send time, inside the transaction that queues the message, and the outbox
//! checks the suppression list once more before delivery: a message that fails a blocking check
//! cannot go out by any path.

use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::auth::tokens;
use crate::config::PublicUrl;
use crate::db::{DbConn, DbError, write_tx};
use crate::mail::{self, Dkim, Draft, MailError};
use crate::model::audit::Actor;
use crate::model::compliance::{self, Check, Facts, Sender};
use crate::model::ids::OutreachId;
use crate::model::outbox::MessageKind;
use crate::model::outreach::{Outreach, OutreachStatus, SuppressionReason};
use crate::model::sender::SenderProfile;
use crate::repo::audit::{self, Change};
use crate::repo::outbox::{self, NewMessage};
use crate::repo::outreach::{self, OutreachError};
use crate::repo::{backorders, monitoring, procedures, senders, suppressions};

const UNSUBSCRIBE_PURPOSE: &str = "unsubscribe";

/// The templates a draft starts from (`templates/outreach/`).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("purchase_offer", "Offer to buy the name"),
    ("notice", "Notice of the client's rights"),
];

#[derive(Template)]
#[template(path = "outreach/purchase_offer.txt")]
struct PurchaseOffer<'a> {
    domain: &'a str,
    firm: &'a str,
    signatory: &'a str,
    amount: &'a str,
}

#[derive(Template)]
#[template(path = "outreach/notice.txt")]
struct Notice<'a> {
    domain: &'a str,
    firm: &'a str,
    signatory: &'a str,
}

/// A template's subject and body for a name: `None` for an unknown template.
pub fn from_template(
    name: &str,
    domain: &str,
    firm: &str,
    signatory: &str,
    amount: &str,
) -> Option<(String, String)> {
    let (subject, body) = match name {
        "purchase_offer" => (
            format!("Offer to buy the domain name {domain}"),
            PurchaseOffer {
                domain,
                firm,
                signatory,
                amount,
            }
            .render(),
        ),
        "notice" => (
            format!("Notice concerning the domain name {domain}"),
            Notice {
                domain,
                firm,
                signatory,
            }
            .render(),
        ),
        _ => return None,
    };
    body.ok().map(|b| (subject, b.trim().to_owned()))
}

/// The unsubscribe token of a message: the message id, signed. It names nothing private,
/// cannot be guessed or altered, and never expires (legal-rules.md §6.6 item 5).
pub fn unsubscribe_token(link_key: &[u8; 32], id: &OutreachId) -> String {
    tokens::sign(link_key, UNSUBSCRIBE_PURPOSE, id.as_str().as_bytes())
}

/// The message a token was made for, if it is genuine.
pub fn unsubscribe_target(link_key: &[u8; 32], token: &str) -> Option<OutreachId> {
    let payload = tokens::verify(link_key, UNSUBSCRIBE_PURPOSE, token)?;
    OutreachId::parse(std::str::from_utf8(&payload).ok()?).ok()
}

/// What the gate and the message builder need from the instance.
#[derive(Clone)]
pub struct Context {
    pub link_key: [u8; 32],
    pub public_url: PublicUrl,
    /// Earlier unanswered messages to the same address within this many days block a new one.
    pub interval_days: u32,
    /// The domain of Message-IDs.
    pub host: String,
}

/// A message as it will be sent, and what the gate says of it.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub checks: Vec<Check>,
    pub from: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub body: String,
    pub unsubscribe_url: String,
    pub headers: Vec<(&'static str, String)>,
    pub message_id: String,
    pub domain: String,
}

impl Evaluation {
    pub fn blockers(&self) -> Vec<&Check> {
        compliance::blockers(&self.checks)
    }
}

fn sender_of(profile: &SenderProfile) -> Sender<'_> {
    Sender {
        legal_name: &profile.legal_name,
        postal_address: &profile.postal_address,
        phone: &profile.phone,
        from_email: &profile.from_email,
        reply_to: profile.reply_to.as_deref(),
        dkim: profile.has_dkim(),
    }
}

/// Renders the message and runs the gate, from the database's facts at `now`.
pub fn evaluate(
    conn: &mut DbConn,
    ctx: &Context,
    outreach: &Outreach,
    now: DateTime<Utc>,
) -> Result<Evaluation, DbError> {
    let profile = senders::find(conn, &outreach.sender_profile_id)?.ok_or(DbError::NotFound)?;
    let backorder = backorders::find(conn, &outreach.backorder_id)?.ok_or(DbError::NotFound)?;
    let unsubscribe_url = ctx.public_url.join(&format!(
        "/u/{}",
        unsubscribe_token(&ctx.link_key, &outreach.id)
    ));
    let sender = sender_of(&profile);
    let body = format!(
        "{}{}",
        outreach.body.trim_end(),
        compliance::footer(
            &sender,
            &backorder.unicode,
            outreach.address_source,
            &unsubscribe_url
        )
    );
    let wanted = compliance::normalise_address(&outreach.to_address);
    let in_registry_data = monitoring::all_snapshots(conn, &backorder.domain)?
        .iter()
        .any(|s| {
            String::from_utf8_lossy(&s.raw)
                .to_lowercase()
                .contains(&wanted)
        });
    let pending = procedures::pending_on(conn, &backorder.domain, None)?;
    let (approved_by, overridden_by) = outreach::current_approvals(conn, outreach)?;
    let unanswered = outreach::unanswered_since(
        conn,
        &outreach.to_address,
        now - Duration::days(i64::from(ctx.interval_days)),
        &outreach.id,
    )?;
    let facts = Facts {
        sender,
        to: &outreach.to_address,
        address_source: outreach.address_source,
        address_in_registry_data: in_registry_data,
        subject: &outreach.subject,
        rendered_body: &body,
        unsubscribe_url: &unsubscribe_url,
        domain_unicode: &backorder.unicode,
        domain_ascii: &backorder.domain,
        suppressed: suppressions::is_suppressed(conn, &outreach.to_address)?,
        unanswered_recent: unanswered,
        interval_days: ctx.interval_days,
        procedures: &pending,
        procedure_override: overridden_by.as_deref(),
        approved_by: approved_by.as_deref(),
        https_links: ctx.public_url.is_https(),
    };
    let checks = compliance::gate(&facts);
    // RFC 2369 §3.2 and RFC 8058 §3.1: the HTTPS URI and a mailto: in one header, and the
    // one-click key in the other.
    let mailto = profile
        .reply_to
        .clone()
        .unwrap_or_else(|| profile.from_email.clone());
    let token = unsubscribe_token(&ctx.link_key, &outreach.id);
    let headers = vec![
        (
            "List-Unsubscribe",
            format!("<{unsubscribe_url}>, <mailto:{mailto}?subject=unsubscribe%20{token}>"),
        ),
        (
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".to_owned(),
        ),
        ("X-Reclaim-Kind", "outreach".to_owned()),
    ];
    Ok(Evaluation {
        checks,
        from: profile.from_header(),
        reply_to: profile.reply_to.clone(),
        subject: outreach.subject.clone(),
        body,
        unsubscribe_url,
        headers,
        message_id: format!("<outreach-{}@{}>", outreach.id, ctx.host),
        domain: backorder.unicode,
    })
}

/// Builds the message bytes exactly as they will be sent (signed when the profile has a key).
pub fn build(
    conn: &mut DbConn,
    outreach: &Outreach,
    evaluation: &Evaluation,
    date: DateTime<Utc>,
) -> Result<Vec<u8>, SendError> {
    let profile = senders::find(conn, &outreach.sender_profile_id)?.ok_or(DbError::NotFound)?;
    let from = mail::parse_mailbox(&evaluation.from)?;
    let reply_to = match &evaluation.reply_to {
        Some(r) => Some(mail::parse_mailbox(r)?),
        None => None,
    };
    let dkim = match (&profile.dkim_selector, &profile.dkim_private_key) {
        (Some(selector), Some(key)) => Some(Dkim {
            selector,
            domain: profile.domain(),
            private_key: key,
        }),
        _ => None,
    };
    Ok(mail::build(&Draft {
        from: &from,
        reply_to: reply_to.as_ref(),
        to: &outreach.to_address,
        subject: &evaluation.subject,
        text: &evaluation.body,
        html: None,
        message_id: &evaluation.message_id,
        date,
        headers: evaluation.headers.clone(),
        attachments: Vec::new(),
        dkim,
    })?)
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("The message cannot be sent: {}", describe(.0))]
    Blocked(Vec<Check>),
    #[error(transparent)]
    Outreach(#[from] OutreachError),
    #[error("{0}")]
    Mail(#[from] MailError),
    #[error(transparent)]
    Db(#[from] DbError),
}

fn describe(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| c.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl From<diesel::result::Error> for SendError {
    fn from(e: diesel::result::Error) -> Self {
        SendError::Db(e.into())
    }
}

/// Hands an approved message that passes every blocking check to the outbox, in one
/// transaction: the gate's verdict and the queued bytes cannot disagree.
pub fn send(
    conn: &mut DbConn,
    ctx: &Context,
    actor: &Actor,
    id: &OutreachId,
    delivered_by: &str,
) -> Result<Outreach, SendError> {
    write_tx(conn, |conn| {
        let message = outreach::find(conn, id)?.ok_or(OutreachError::NotFound)?;
        if message.status == OutreachStatus::Queued || message.status == OutreachStatus::Cancelled {
            return Err(OutreachError::NotEditable.into());
        }
        let evaluation = evaluate(conn, ctx, &message, actor.at)?;
        let blockers: Vec<Check> = evaluation.blockers().into_iter().cloned().collect();
        if !blockers.is_empty() {
            return Err(SendError::Blocked(blockers));
        }
        let raw = build(conn, &message, &evaluation, actor.at)?;
        let queued = outbox::enqueue(
            conn,
            &NewMessage {
                kind: MessageKind::Outreach,
                dedupe_key: Some(format!("outreach:{id}")),
                message_id: evaluation.message_id.clone(),
                to_address: message.to_address.clone(),
                subject: evaluation.subject.clone(),
                raw,
                matter_id: Some(message.matter_id.clone()),
                backorder_id: Some(message.backorder_id.clone()),
            },
            actor.at,
        )?
        .ok_or(OutreachError::NotEditable)?;
        outreach::mark_queued(conn, id, &queued, actor.at)?;
        // §6.6 item 12: what was checked, from which template, through which relay.
        audit::record(
            conn,
            actor,
            Change {
                action: "outreach.queued",
                record_type: "outreach",
                record_id: Some(id.as_str()),
                summary: format!("Sent a message to the holder of {}", evaluation.domain),
                detail: json!({
                    "checks": evaluation.checks.iter().map(|c| json!({ "id": c.id, "passed": c.passed })).collect::<Vec<_>>(),
                    "template": message.template,
                    "content_sha256": message.content_sha256(),
                    "message_id": evaluation.message_id,
                    "delivered_by": delivered_by,
                }),
            },
        )?;
        outreach::find(conn, id)?.ok_or(OutreachError::NotFound.into())
    })
}

/// Suppresses the recipient of the message a token names; `None` for a token that is not
/// genuine, `Some(true)` when the address was newly suppressed.
pub fn unsubscribe(
    conn: &mut DbConn,
    link_key: &[u8; 32],
    token: &str,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Option<bool>, DbError> {
    let Some(id) = unsubscribe_target(link_key, token) else {
        return Ok(None);
    };
    let Some(message) = outreach::find(conn, &id)? else {
        return Ok(None);
    };
    let actor = Actor::process("unsubscribe link", now);
    suppressions::suppress(
        conn,
        &actor,
        &message.to_address,
        SuppressionReason::Unsubscribed,
        source,
        now,
    )
    .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_with_the_name_and_the_firm() {
        let (subject, body) = from_template(
            "purchase_offer",
            "bücher.de",
            "Cabinet Martin",
            "Lina Lawyer",
            "EUR 2,000",
        )
        .unwrap();
        assert_eq!(subject, "Offer to buy the domain name bücher.de");
        assert!(body.contains("acquire the domain name\nbücher.de"));
        assert!(body.contains("Our client offers EUR 2,000"));
        assert!(body.ends_with("Lina Lawyer\nCabinet Martin"));
        let (_, without) = from_template("purchase_offer", "a.fr", "F", "S", "").unwrap();
        assert!(without.contains("on what terms"));
        assert!(
            from_template("notice", "a.fr", "F", "S", "")
                .unwrap()
                .0
                .starts_with("Notice")
        );
        assert!(from_template("threat", "a.fr", "F", "S", "").is_none());
    }

    #[test]
    fn unsubscribe_tokens_are_signed_and_name_only_the_message() {
        let key = [7u8; 32];
        let id = OutreachId::new();
        let token = unsubscribe_token(&key, &id);
        assert_eq!(unsubscribe_target(&key, &token), Some(id.clone()));
        assert!(!token.contains('@'));
        assert_eq!(
            unsubscribe_target(&[8u8; 32], &token),
            None,
            "another instance's key"
        );
        let mut altered = token.clone();
        altered.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
        assert_eq!(unsubscribe_target(&key, &altered), None);
        assert_eq!(unsubscribe_target(&key, "nonsense"), None);
    }
}
