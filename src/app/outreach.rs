//! Writing to a name's holder: drafting from a template, running the compliance gate on the
//! message exactly as it will be sent, approval by a second lawyer (the four-eyes rule, decided
//! here only), handing an approved message to the outbox, the holder's answer, and the
//! unsubscribe link every message carries. The gate runs again at send time, inside the
//! transaction that queues the message, and the outbox checks the suppression list once more
//! before delivery: a message that fails a blocking check cannot go out by any path.

use askama::Template;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::app::access::{Caller, Principal, visible_backorder, visible_outreach};
use crate::auth::tokens;
use crate::config::PublicUrl;
use crate::db::{DbConn, DbError, write_tx};
use crate::error::{AppError, FieldErrors};
use crate::mail::{self, Dkim, Draft, MailError};
use crate::model::audit::Actor;
use crate::model::backorder::Backorder;
use crate::model::compliance::{self, AddressSource, Check, Facts, Sender};
use crate::model::ids::{OutreachId, SenderProfileId};
use crate::model::matter::Matter;
use crate::model::outbox::{MessageKind, OutboxStatus};
use crate::model::outreach::{Approval, ApprovalKind, Outreach, OutreachStatus, SuppressionReason};
use crate::model::sender::SenderProfile;
use crate::model::user::EmailAddress;
use crate::repo::audit::{self, Change};
use crate::repo::outbox::{self, NewMessage};
use crate::repo::outreach::{self, OutreachError, OutreachInput};
use crate::repo::{backorders, procedures, senders, suppressions};
use crate::state::AppState;

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

/// Where a draft may say the address comes from (the form's choices; leaving it unstated fails
/// the `address_source` check).
pub const ADDRESS_SOURCES: &[AddressSource] = &[
    AddressSource::RegistrarRelay,
    AddressSource::HolderPublished,
    AddressSource::HolderWrote,
    AddressSource::RegistryData,
];

/// The unsubscribe token of a message: the message id, signed. It names nothing private,
/// cannot be guessed or altered, and never expires (docs/legal.md §6.6 item 5).
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

/// The outreach context of this instance.
pub fn context(state: &AppState) -> Context {
    Context {
        link_key: state.keys.link_tokens,
        public_url: state.settings.public_url.clone(),
        interval_days: state.settings.outreach_interval_days,
        host: state.mailer.host().to_owned(),
    }
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

/// What the gate read for a message, with its verdict.
struct Gate {
    profile: SenderProfile,
    /// Every approval and override given on the message, oldest first, with the person's name.
    approvals: Vec<(Approval, String)>,
    evaluation: Evaluation,
}

/// Who approved, and who overrode the procedure warning, for the message's current content.
fn current_approvals(
    message: &Outreach,
    approvals: &[(Approval, String)],
) -> (Option<String>, Option<String>) {
    let hash = message.content_sha256();
    let mut approved = None;
    let mut overridden = None;
    for (a, name) in approvals.iter().filter(|(a, _)| a.content_sha256 == hash) {
        match a.kind {
            ApprovalKind::Approval => approved = Some(name.clone()),
            ApprovalKind::ProcedureOverride => {
                overridden = Some(format!("{name} ({})", a.reason));
            }
        }
    }
    (approved, overridden)
}

/// Renders the message and runs the gate from the database's facts at `now`, in a fixed number
/// of queries: the sender profile, the approvals, the latest registry answers for the name, the
/// procedures on it, earlier messages to the address and the suppression list.
fn gate(
    conn: &mut DbConn,
    ctx: &Context,
    message: &Outreach,
    backorder: &Backorder,
    now: DateTime<Utc>,
) -> Result<Gate, DbError> {
    let profile = senders::find(conn, &message.sender_profile_id)?.ok_or(DbError::NotFound)?;
    let approvals = outreach::approvals(conn, &message.id)?;
    let in_registry_data =
        outreach::in_registry_data(conn, &backorder.domain, &message.to_address)?;
    let pending = procedures::pending_on(conn, &backorder.domain, None, procedures::Seen::Firm)?;
    let unanswered = outreach::unanswered_since(
        conn,
        &message.to_address,
        now - Duration::days(i64::from(ctx.interval_days)),
        &message.id,
    )?;
    let suppressed = suppressions::is_suppressed(conn, &message.to_address)?;

    let token = unsubscribe_token(&ctx.link_key, &message.id);
    let unsubscribe_url = ctx.public_url.join(&format!("/u/{token}"));
    let sender = sender_of(&profile);
    let body = format!(
        "{}{}",
        message.body.trim_end(),
        compliance::footer(
            &sender,
            &backorder.unicode,
            message.address_source,
            &unsubscribe_url
        )
    );
    let (approved_by, overridden_by) = current_approvals(message, &approvals);
    let facts = Facts {
        sender,
        to: &message.to_address,
        address_source: message.address_source,
        address_in_registry_data: in_registry_data,
        subject: &message.subject,
        rendered_body: &body,
        unsubscribe_url: &unsubscribe_url,
        domain_unicode: &backorder.unicode,
        domain_ascii: &backorder.domain,
        suppressed,
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
    let evaluation = Evaluation {
        checks,
        from: profile.from_header(),
        reply_to: profile.reply_to.clone(),
        subject: message.subject.clone(),
        body,
        unsubscribe_url,
        headers,
        message_id: format!("<outreach-{}@{}>", message.id, ctx.host),
        domain: backorder.unicode.clone(),
    };
    Ok(Gate {
        profile,
        approvals,
        evaluation,
    })
}

/// Builds the message bytes exactly as they will be sent (signed when the profile has a key).
fn build(
    message: &Outreach,
    profile: &SenderProfile,
    evaluation: &Evaluation,
    date: DateTime<Utc>,
) -> Result<Vec<u8>, SendError> {
    let from = mail::parse_mailbox(&evaluation.from)?;
    let reply_to = match &evaluation.reply_to {
        Some(r) => Some(mail::parse_mailbox(r)?),
        None => None,
    };
    Ok(mail::build(&Draft {
        from: &from,
        reply_to: reply_to.as_ref(),
        to: &message.to_address,
        subject: &evaluation.subject,
        text: &evaluation.body,
        html: None,
        message_id: &evaluation.message_id,
        date,
        headers: evaluation.headers.clone(),
        attachments: Vec::new(),
        dkim: Dkim::of_sender(profile),
    })?)
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("Not sent: {}", describe(.0))]
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
/// transaction: the gate's verdict and the queued bytes cannot disagree. `delivered_by` names
/// the relay for the audit trail.
pub fn queue(
    conn: &mut DbConn,
    ctx: &Context,
    actor: &Actor,
    id: &OutreachId,
    delivered_by: &str,
) -> Result<Outreach, SendError> {
    write_tx(conn, |conn| {
        let message = outreach::find(conn, id)?.ok_or(OutreachError::NotFound)?;
        if !message.editable() {
            return Err(OutreachError::NotEditable.into());
        }
        let backorder =
            backorders::find(conn, &message.backorder_id)?.ok_or(OutreachError::NotFound)?;
        let Gate {
            profile,
            evaluation,
            ..
        } = gate(conn, ctx, &message, &backorder, actor.at)?;
        let blockers: Vec<Check> = evaluation.blockers().into_iter().cloned().collect();
        if !blockers.is_empty() {
            return Err(SendError::Blocked(blockers));
        }
        let raw = build(&message, &profile, &evaluation, actor.at)?;
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
        // docs/legal.md §6.6 item 12: what was checked, from which template, through which relay.
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

// ---- The four-eyes rule ----

/// Whether `user` may record an approval (or an override) of `message` now: the one place the
/// four-eyes rule is decided. A message is approved by a lawyer or an administrator who did not
/// draft it, for its exact current content (the approval records the content's SHA-256, and
/// any change voids it); a lawyer or an administrator, the drafter included, may override the
/// procedure warning, giving a reason.
pub fn may_decide(
    user: &Principal,
    message: &Outreach,
    kind: ApprovalKind,
) -> Result<(), AppError> {
    if !message.editable() {
        return Err(OutreachError::NotEditable.into());
    }
    let drafter = message.drafted_by.as_ref() == Some(&user.id);
    if !user.is_lawyer_or_admin() || (kind == ApprovalKind::Approval && drafter) {
        return Err(AppError::Forbidden(
            "Only a lawyer or an administrator other than the drafter can approve a message."
                .to_owned(),
        ));
    }
    Ok(())
}

/// Records `approver`'s approval, or override of the procedure warning, on the current content
/// of `message` (the demo calls this too, at its own times).
pub fn decide(
    conn: &mut DbConn,
    approver: &Principal,
    actor: &Actor,
    message: &Outreach,
    kind: ApprovalKind,
    reason: &str,
) -> Result<Outreach, AppError> {
    may_decide(approver, message, kind)?;
    if kind == ApprovalKind::ProcedureOverride && reason.trim().is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Give the reason for overriding the procedure warning (it is kept with the message).",
        ));
    }
    Ok(outreach::approve(
        conn,
        actor,
        &approver.id,
        &message.id,
        kind,
        reason,
    )?)
}

// ---- Inputs ----

/// A draft's fields as the form (or the API) gives them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DraftInput {
    /// The sender profile the message goes out under (one in use).
    #[serde(default)]
    pub sender_profile_id: String,
    /// The holder's address.
    #[serde(default)]
    #[schema(format = "email")]
    pub to: String,
    /// Where the address comes from; unstated fails the address_source check.
    #[serde(default)]
    pub address_source: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    /// The template the text started from (`purchase_offer`, `notice`), for the record.
    #[serde(default)]
    pub template: String,
}

/// A new draft through the API.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewOutreachInput {
    /// The backorder of the name whose holder is written to.
    pub backorder_id: String,
    pub sender_profile_id: String,
    #[schema(format = "email")]
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Where the address comes from (`registrar_relay`, `holder_published`, `holder_wrote`,
    /// `registry_data`); unstated fails the address_source check.
    #[serde(default)]
    pub address_source: String,
}

impl NewOutreachInput {
    /// The backorder, and the draft's fields.
    pub fn split(self) -> (String, DraftInput) {
        (
            self.backorder_id,
            DraftInput {
                sender_profile_id: self.sender_profile_id,
                to: self.to,
                address_source: self.address_source,
                subject: self.subject,
                body: self.body,
                template: String::new(),
            },
        )
    }
}

/// Which template a new draft starts from, and the amount an offer names.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TemplateChoice {
    pub template: Option<String>,
    pub amount: Option<String>,
}

/// An approval; with a reason in `override_procedure_warning`, also the override of the warning
/// about a planned or pending procedure.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApproveInput {
    /// Why writing now does not harm the dispute: also overrides the procedure warning.
    #[serde(default)]
    pub override_procedure_warning: Option<String>,
}

/// A lawyer's override of the procedure warning.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OverrideInput {
    #[serde(default)]
    pub reason: String,
}

/// What the holder answered.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswerInput {
    #[serde(default)]
    pub note: String,
}

/// Checks a draft's fields: every problem, by field.
fn check_draft(input: &DraftInput) -> Result<OutreachInput, AppError> {
    let mut errors = FieldErrors::default();
    let sender = SenderProfileId::parse(input.sender_profile_id.trim())
        .map_err(|_| {
            errors.add(
                "sender_profile_id",
                "Choose the sender profile the message goes out under.",
            )
        })
        .ok();
    let to = EmailAddress::parse(&input.to)
        .map_err(|e| errors.add("to", e))
        .ok();
    let source = if input.address_source.trim().is_empty() {
        Some(AddressSource::Unspecified)
    } else {
        input
            .address_source
            .trim()
            .parse::<AddressSource>()
            .map_err(|e| errors.add("address_source", e))
            .ok()
    };
    let subject = input.subject.trim();
    if subject.chars().count() > 200 || subject.contains(['\n', '\r']) {
        errors.add(
            "subject",
            "A subject is one line of at most 200 characters.",
        );
    }
    let body = input.body.trim().replace("\r\n", "\n");
    if body.is_empty() {
        errors.add("body", "Write the message (or start from a template).");
    } else if body.chars().count() > 20_000 {
        errors.add("body", "At most 20,000 characters.");
    }
    errors.check()?;
    match (sender, to, source) {
        (Some(sender_profile_id), Some(to), Some(address_source)) => Ok(OutreachInput {
            sender_profile_id,
            to,
            address_source,
            subject: subject.to_owned(),
            body,
            template: input.template.trim().chars().take(40).collect(),
        }),
        _ => Err(AppError::invalid("to", "The draft could not be read.")),
    }
}

// ---- Views ----

/// What the new-draft form offers for a name: the senders in use (the first is the default),
/// the templates and where the address may come from.
pub struct DraftForm {
    pub backorder: Backorder,
    pub matter: Matter,
    pub senders: Vec<SenderProfile>,
    /// (name, label) of each template.
    pub templates: &'static [(&'static str, &'static str)],
    pub sources: &'static [AddressSource],
}

/// A new draft as it starts, from a template.
pub struct NewDraft {
    pub form: DraftForm,
    pub draft: DraftInput,
    /// The amount offered, as typed (the purchase offer names it).
    pub amount: String,
}

/// One approval or override given on a message.
pub struct ApprovalLine {
    pub at: NaiveDateTime,
    pub who: String,
    pub kind: ApprovalKind,
    pub reason: String,
    /// Given on the message's current content (an edit voids it).
    pub current: bool,
}

/// A message with its checks, as it will be sent, its approvals and its delivery.
pub struct OutreachView {
    pub outreach: Outreach,
    pub backorder: Backorder,
    pub matter: Matter,
    pub evaluation: Evaluation,
    pub approvals: Vec<ApprovalLine>,
    /// The outbox's word once queued: queued, sending, sent, failed.
    pub delivery: Option<OutboxStatus>,
    pub delivery_error: Option<String>,
    /// The reader may approve this text now: the four-eyes rule allows it and approval (with
    /// the procedure override) is all that is missing.
    pub may_approve: bool,
}

impl OutreachView {
    /// Every blocking check passes.
    pub fn sendable(&self) -> bool {
        self.evaluation.blockers().is_empty()
    }

    /// Only a second lawyer's approval is missing: the text itself complies.
    pub fn awaiting_approval_only(&self) -> bool {
        let blockers = self.evaluation.blockers();
        !blockers.is_empty() && blockers.iter().all(|c| c.id == "approved")
    }

    /// A procedure is planned or pending on the name and nobody overrode the warning.
    pub fn procedure_warning(&self) -> bool {
        self.evaluation
            .checks
            .iter()
            .any(|c| c.id == "procedure_conflict" && !c.passed)
    }

    /// Approved, and every blocking check passes.
    pub fn may_send(&self) -> bool {
        self.outreach.status == OutreachStatus::Approved && self.sendable()
    }
}

/// The message page: the message and the senders the edit form offers.
pub struct MessagePage {
    pub view: OutreachView,
    pub senders: Vec<SenderProfile>,
}

/// Reads the gate and the delivery of a message the reader may see.
async fn view(
    state: &AppState,
    user: &Principal,
    message: Outreach,
    backorder: Backorder,
    matter: Matter,
) -> Result<OutreachView, AppError> {
    let ctx = context(state);
    let now = state.clock.now();
    let (m, b) = (message.clone(), backorder.clone());
    let (read, (delivery, delivery_error)) = state
        .db
        .run(move |c| {
            let read = gate(c, &ctx, &m, &b, now)?;
            Ok::<_, DbError>((read, outreach::delivery(c, &m.id)?))
        })
        .await?;
    let hash = message.content_sha256();
    let approvals = read
        .approvals
        .into_iter()
        .map(|(a, who)| ApprovalLine {
            current: a.content_sha256 == hash,
            at: a.at,
            who,
            kind: a.kind,
            reason: a.reason,
        })
        .collect();
    let evaluation = read.evaluation;
    let missing_only_approval = evaluation
        .blockers()
        .iter()
        .all(|c| c.id == "approved" || c.id == "procedure_conflict");
    let may_approve =
        missing_only_approval && may_decide(user, &message, ApprovalKind::Approval).is_ok();
    Ok(OutreachView {
        outreach: message,
        backorder,
        matter,
        evaluation,
        approvals,
        delivery,
        delivery_error,
        may_approve,
    })
}

/// The senders in use, the first being the default.
fn in_use(all: Vec<SenderProfile>) -> Vec<SenderProfile> {
    all.into_iter().filter(|p| p.active).collect()
}

// ---- Use cases ----

/// The new-draft form of a name (staff).
pub async fn draft_form(
    state: &AppState,
    user: &Principal,
    backorder_id: &str,
) -> Result<DraftForm, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(state, user, backorder_id).await?;
    let senders = in_use(state.db.run(senders::list).await?);
    Ok(DraftForm {
        backorder,
        matter,
        senders,
        templates: TEMPLATES,
        sources: ADDRESS_SOURCES,
    })
}

/// A new draft of a name, from a template (the purchase offer unless another is chosen),
/// signed by the user for the firm of the first sender profile in use.
pub async fn new_draft(
    state: &AppState,
    user: &Principal,
    backorder_id: &str,
    choice: TemplateChoice,
) -> Result<NewDraft, AppError> {
    let form = draft_form(state, user, backorder_id).await?;
    let template = choice
        .template
        .unwrap_or_else(|| "purchase_offer".to_owned());
    let amount: String = choice
        .amount
        .unwrap_or_default()
        .trim()
        .chars()
        .take(60)
        .collect();
    let first = form.senders.first();
    let firm = first.map_or_else(String::new, |p| p.legal_name.clone());
    let (subject, body) = from_template(
        &template,
        &form.backorder.unicode,
        &firm,
        &user.name,
        &amount,
    )
    .unwrap_or_default();
    let draft = DraftInput {
        sender_profile_id: first.map(|p| p.id.to_string()).unwrap_or_default(),
        subject,
        body,
        template,
        ..DraftInput::default()
    };
    Ok(NewDraft {
        form,
        draft,
        amount,
    })
}

/// Drafts a message to the holder of a backorder's name (staff, on an open matter).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    backorder_id: &str,
    input: DraftInput,
) -> Result<OutreachView, AppError> {
    caller.require_staff()?;
    let (backorder, matter) = visible_backorder(state, caller, backorder_id).await?;
    let checked = check_draft(&input)?;
    let actor = caller.actor(state.clock.now());
    let bid = backorder.id.clone();
    let created = state
        .db
        .run(move |c| outreach::create(c, &actor, &bid, &checked))
        .await?;
    view(state, caller, created, backorder, matter).await
}

/// A message with its checks and delivery (staff).
pub async fn show(state: &AppState, user: &Principal, id: &str) -> Result<OutreachView, AppError> {
    user.require_staff()?;
    let (message, backorder, matter) = visible_outreach(state, user, id).await?;
    view(state, user, message, backorder, matter).await
}

/// The message page: the message, and the senders its edit form offers.
pub async fn message_page(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<MessagePage, AppError> {
    let view = show(state, user, id).await?;
    let senders = in_use(state.db.run(senders::list).await?);
    Ok(MessagePage { view, senders })
}

/// Changes a draft; an approval given on other content no longer counts.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: DraftInput,
) -> Result<Outreach, AppError> {
    caller.require_staff()?;
    let (message, _, _) = visible_outreach(state, caller, id).await?;
    let checked = check_draft(&input)?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| outreach::update(c, &actor, &message.id, &checked))
        .await?)
}

/// Approval of the current text by a lawyer or an administrator other than the drafter; with a
/// reason in `override_procedure_warning`, the override of the procedure warning first.
pub async fn approve(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: ApproveInput,
) -> Result<OutreachView, AppError> {
    caller.require_staff()?;
    let (message, backorder, matter) = visible_outreach(state, caller, id).await?;
    let actor = caller.actor(state.clock.now());
    let approver = caller.user.clone();
    let after = state
        .db
        .run(move |c| {
            if let Some(reason) = &input.override_procedure_warning {
                decide(
                    c,
                    &approver,
                    &actor,
                    &message,
                    ApprovalKind::ProcedureOverride,
                    reason,
                )?;
            }
            decide(c, &approver, &actor, &message, ApprovalKind::Approval, "")
        })
        .await?;
    view(state, caller, after, backorder, matter).await
}

/// A lawyer's (or an administrator's) override of the warning about a planned or pending
/// procedure on the name, with the reason, kept with the message.
pub async fn override_procedure(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: OverrideInput,
) -> Result<Outreach, AppError> {
    caller.require_staff()?;
    let (message, _, _) = visible_outreach(state, caller, id).await?;
    let actor = caller.actor(state.clock.now());
    let approver = caller.user.clone();
    state
        .db
        .run(move |c| {
            decide(
                c,
                &approver,
                &actor,
                &message,
                ApprovalKind::ProcedureOverride,
                &input.reason,
            )
        })
        .await
}

/// Queues the message in the outbox: refused (422, with the failing checks) unless approved and
/// every blocking check passes.
pub async fn send(state: &AppState, caller: &Caller, id: &str) -> Result<OutreachView, AppError> {
    caller.require_staff()?;
    let (message, backorder, matter) = visible_outreach(state, caller, id).await?;
    let ctx = context(state);
    let actor = caller.actor(state.clock.now());
    let relay = state.mailer.describe();
    let queued = state
        .db
        .run(move |c| queue(c, &ctx, &actor, &message.id, &relay))
        .await?;
    view(state, caller, queued, backorder, matter).await
}

/// Discards a draft (it stays in the log as cancelled).
pub async fn cancel(state: &AppState, caller: &Caller, id: &str) -> Result<Outreach, AppError> {
    caller.require_staff()?;
    let (message, _, _) = visible_outreach(state, caller, id).await?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| outreach::cancel(c, &actor, &message.id))
        .await?)
}

/// Records the holder's answer (which also lifts the one-unanswered-message limit).
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: AnswerInput,
) -> Result<Outreach, AppError> {
    caller.require_staff()?;
    let (message, _, _) = visible_outreach(state, caller, id).await?;
    let actor = caller.actor(state.clock.now());
    let note: String = input.note.trim().chars().take(5_000).collect();
    Ok(state
        .db
        .run(move |c| outreach::record_answer(c, &actor, &message.id, &note))
        .await?)
}

// ---- The unsubscribe link (RFC 8058; docs/legal.md §6.6 items 5 and 6) ----

fn not_genuine() -> AppError {
    AppError::NotFound(
        "This unsubscribe link is not valid: it may have been cut or altered. Use the link from the message exactly, or reply to the message asking to be removed.".to_owned(),
    )
}

/// The unsubscribe page (GET) of a genuine link. It never unsubscribes: mail scanners follow
/// links.
pub fn unsubscribe_page(state: &AppState, token: &str) -> Result<(), AppError> {
    unsubscribe_target(&state.keys.link_tokens, token)
        .map(|_| ())
        .ok_or_else(not_genuine)
}

/// One-click unsubscribe (POST, RFC 8058 §3.2): suppresses the recipient of the message the
/// token names at once, without cookie or login. `true` when the address was newly suppressed.
pub async fn unsubscribe(state: &AppState, token: &str) -> Result<bool, AppError> {
    let id = unsubscribe_target(&state.keys.link_tokens, token).ok_or_else(not_genuine)?;
    let now = state.clock.now();
    state
        .db
        .run(move |c| {
            let Some(message) = outreach::find(c, &id)? else {
                return Ok(None);
            };
            let actor = Actor::process("unsubscribe link", now);
            suppressions::suppress(
                c,
                &actor,
                &message.to_address,
                SuppressionReason::Unsubscribed,
                "one-click link",
                now,
            )
            .map(Some)
        })
        .await?
        .ok_or_else(not_genuine)
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
