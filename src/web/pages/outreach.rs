//! Writing to a name's holder: the draft (from a template), the message exactly as it will be
//! sent with the compliance checks beside it, approval by a second lawyer, the lawyer's override
//! of the procedure warning, sending, and the holder's answer.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app::access::{visible_backorder, visible_outreach};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::Backorder;
use crate::model::compliance::AddressSource;
use crate::model::ids::SenderProfileId;
use crate::model::matter::Matter;
use crate::model::outreach::{ApprovalKind, OutreachStatus};
use crate::model::user::EmailAddress;
use crate::outreach::{self as service, Context, Evaluation, SendError, TEMPLATES};
use crate::repo::outreach::{self, OutreachError, OutreachInput};
use crate::repo::senders;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::Choice;
use crate::web::{Layout, actor, render_status, see_other, show_time};

/// The outreach context of this instance.
pub fn context(state: &AppState) -> Context {
    Context {
        link_key: state.keys.link_tokens,
        public_url: state.settings.public_url.clone(),
        interval_days: state.settings.outreach_interval_days,
        host: state.mailer.host().to_owned(),
    }
}

pub fn outreach_error(e: OutreachError) -> AppError {
    match e {
        OutreachError::BackorderNotFound => AppError::not_found("backorder"),
        OutreachError::NotFound => AppError::not_found("outreach message"),
        OutreachError::MatterClosed(_) | OutreachError::NotEditable | OutreachError::NotSent => {
            AppError::Conflict(e.to_string())
        }
        OutreachError::NotAnApprover => AppError::Forbidden(e.to_string()),
        OutreachError::NoSender => AppError::invalid("sender_profile_id", e.to_string()),
        OutreachError::NoReason => AppError::invalid("reason", e.to_string()),
        OutreachError::Db(db) => db.into(),
    }
}

pub fn send_error(e: SendError) -> AppError {
    match e {
        SendError::Blocked(_) => AppError::Invalid {
            field: None,
            message: e.to_string(),
        },
        SendError::Outreach(o) => outreach_error(o),
        SendError::Mail(m) => AppError::Invalid {
            field: Some("to".to_owned()),
            message: m.to_string(),
        },
        SendError::Db(db) => db.into(),
    }
}

/// A draft's fields as a form or the API gives them.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OutreachForm {
    #[serde(default)]
    pub sender_profile_id: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub address_source: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub template: String,
}

/// Checks a draft's fields; problems go to `errors`.
pub fn check_outreach(form: &OutreachForm, errors: &mut FieldErrors) -> Option<OutreachInput> {
    let sender = SenderProfileId::parse(form.sender_profile_id.trim())
        .map_err(|_| {
            errors.add(
                "sender_profile_id",
                "Choose the sender profile the message goes out under.",
            )
        })
        .ok();
    let to = EmailAddress::parse(&form.to)
        .map_err(|e| errors.add("to", e))
        .ok();
    let source = if form.address_source.trim().is_empty() {
        Some(AddressSource::Unspecified)
    } else {
        form.address_source
            .trim()
            .parse::<AddressSource>()
            .map_err(|e| errors.add("address_source", e))
            .ok()
    };
    let subject = form.subject.trim();
    if subject.chars().count() > 200 || subject.contains(['\n', '\r']) {
        errors.add(
            "subject",
            "A subject is one line of at most 200 characters.",
        );
    }
    let body = form.body.trim().replace("\r\n", "\n");
    if body.is_empty() {
        errors.add("body", "Write the message (or start from a template).");
    } else if body.chars().count() > 20_000 {
        errors.add("body", "At most 20,000 characters.");
    }
    match (sender, to, source) {
        (Some(sender_profile_id), Some(to), Some(address_source)) if errors.is_empty() => {
            Some(OutreachInput {
                sender_profile_id,
                to,
                address_source,
                subject: subject.to_owned(),
                body,
                template: form.template.trim().chars().take(40).collect(),
            })
        }
        _ => None,
    }
}

fn sources() -> Vec<Choice> {
    [
        AddressSource::RegistrarRelay,
        AddressSource::HolderPublished,
        AddressSource::HolderWrote,
        AddressSource::RegistryData,
    ]
    .iter()
    .map(|s| Choice {
        value: s.as_str().to_owned(),
        label: s.label().to_owned(),
        selected: false,
    })
    .collect()
}

async fn sender_choices(state: &AppState) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .db
        .run(senders::list)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| Choice {
            value: p.id.to_string(),
            label: format!("{} — {}", p.label, p.from_header()),
            selected: false,
        })
        .collect())
}

#[derive(askama::Template)]
#[template(path = "outreach/new.html")]
struct NewPage {
    layout: Layout,
    backorder_id: String,
    matter_id: String,
    matter_reference: String,
    domain: String,
    senders: Vec<Choice>,
    sources: Vec<Choice>,
    templates: Vec<Choice>,
    form: OutreachForm,
    amount: String,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct NewQuery {
    template: Option<String>,
    amount: Option<String>,
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    backorder: &Backorder,
    matter: &Matter,
    form: OutreachForm,
    amount: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_status(
        status,
        &NewPage {
            layout: Layout::for_user(
                user,
                format!("Write to the holder · {}", backorder.unicode),
                "matters",
            ),
            backorder_id: backorder.id.to_string(),
            matter_id: matter.id.to_string(),
            matter_reference: matter.reference.clone(),
            domain: backorder.unicode.clone(),
            senders: sender_choices(state).await?,
            sources: sources(),
            templates: TEMPLATES
                .iter()
                .map(|(v, l)| Choice {
                    value: (*v).to_owned(),
                    label: (*l).to_owned(),
                    selected: false,
                })
                .collect(),
            form,
            amount,
            errors,
        },
    )
}

#[get("/backorders/{id}/outreach/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    let template = query
        .template
        .clone()
        .unwrap_or_else(|| "purchase_offer".to_owned());
    let amount = query
        .amount
        .clone()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(60)
        .collect::<String>();
    let senders = state.db.run(senders::list).await?;
    let firm = senders
        .iter()
        .find(|p| p.active)
        .map_or_else(String::new, |p| p.legal_name.clone());
    let (subject, body) =
        service::from_template(&template, &backorder.unicode, &firm, &user.name, &amount)
            .unwrap_or_default();
    let form = OutreachForm {
        sender_profile_id: senders
            .iter()
            .find(|p| p.active)
            .map(|p| p.id.to_string())
            .unwrap_or_default(),
        subject,
        body,
        template,
        ..OutreachForm::default()
    };
    new_page(
        &state,
        &user,
        &backorder,
        &matter,
        form,
        amount,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/backorders/{id}/outreach")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<OutreachForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(&state, &user, &id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if let Some(input) = check_outreach(&form, &mut errors) {
        let actor = actor(&user, &meta, state.clock.now());
        let bid = backorder.id.clone();
        match state
            .db
            .run(move |c| outreach::create(c, &actor, &bid, &input))
            .await
        {
            Ok(o) => {
                session::flash(
                    &user.session,
                    "success",
                    "Draft saved. Check it below; a lawyer other than you approves it before it can be sent.",
                );
                return Ok(see_other(&format!("/outreach/{}", o.id)));
            }
            Err(e) => errors.absorb(outreach_error(e))?,
        }
    }
    new_page(
        &state,
        &user,
        &backorder,
        &matter,
        form,
        String::new(),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub struct CheckRow {
    pub id: &'static str,
    pub state: &'static str,
    pub message: String,
}

pub struct ApprovalRow {
    pub at: String,
    pub who: String,
    pub what: String,
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "outreach/show.html")]
struct ShowPage {
    layout: Layout,
    id: String,
    backorder_id: String,
    matter_id: String,
    matter_reference: String,
    domain: String,
    status: String,
    delivery: String,
    delivery_error: String,
    from: String,
    reply_to: String,
    to: String,
    subject: String,
    headers: Vec<(String, String)>,
    body: String,
    checks: Vec<CheckRow>,
    blocked: bool,
    awaiting_approval_only: bool,
    procedure_warning: bool,
    approvals: Vec<ApprovalRow>,
    drafted_by_me: bool,
    can_edit: bool,
    can_approve: bool,
    can_send: bool,
    answered: String,
    answer_note: String,
    form: OutreachForm,
    senders: Vec<Choice>,
    sources: Vec<Choice>,
    errors: FieldErrors,
}

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    form: Option<OutreachForm>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (message, backorder, matter) = visible_outreach(state, user, id).await?;
    let ctx = context(state);
    let now = state.clock.now();
    let m = message.clone();
    let (evaluation, approvals, delivery): (Evaluation, _, _) = state
        .db
        .run(move |c| {
            let evaluation = service::evaluate(c, &ctx, &m, now)?;
            let approvals = outreach::approvals(c, &m.id)?;
            let delivery = outreach::for_backorder(c, &m.backorder_id)?
                .into_iter()
                .find(|e| e.outreach.id == m.id);
            Ok::<_, DbError>((evaluation, approvals, delivery))
        })
        .await?;
    let hash = message.content_sha256();
    let blocked = !evaluation.blockers().is_empty();
    // Only a second lawyer's approval missing: the text itself complies.
    let awaiting_approval_only =
        evaluation.blockers().iter().all(|c| c.id == "approved") && blocked;
    let procedure_warning = evaluation
        .checks
        .iter()
        .any(|c| c.id == "procedure_conflict" && !c.passed);
    let lawyer = user.require_lawyer_or_admin().is_ok();
    let drafted_by_me = message.drafted_by.as_ref() == Some(&user.id);
    let approval_missing_only = evaluation
        .blockers()
        .iter()
        .all(|c| c.id == "approved" || c.id == "procedure_conflict");
    let form = form.unwrap_or_else(|| OutreachForm {
        sender_profile_id: message.sender_profile_id.to_string(),
        to: message.to_address.clone(),
        address_source: message.address_source.as_str().to_owned(),
        subject: message.subject.clone(),
        body: message.body.clone(),
        template: message.template.clone(),
    });
    render_status(
        status,
        &ShowPage {
            layout: Layout::for_user(
                user,
                format!("Message to the holder of {}", backorder.unicode),
                "matters",
            ),
            id: message.id.to_string(),
            backorder_id: backorder.id.to_string(),
            matter_id: matter.id.to_string(),
            matter_reference: matter.reference.clone(),
            domain: backorder.unicode.clone(),
            status: message.status.as_str().to_owned(),
            delivery: delivery
                .as_ref()
                .and_then(|d| d.delivery)
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            delivery_error: delivery.and_then(|d| d.last_error).unwrap_or_default(),
            from: evaluation.from.clone(),
            reply_to: evaluation.reply_to.clone().unwrap_or_default(),
            to: message.to_address.clone(),
            subject: evaluation.subject.clone(),
            headers: evaluation
                .headers
                .iter()
                .filter(|(n, _)| n.starts_with("List-"))
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
            body: evaluation.body.clone(),
            checks: evaluation
                .checks
                .iter()
                .map(|c| CheckRow {
                    id: c.id,
                    state: match (c.passed, c.blocking) {
                        (true, _) => "passed",
                        (false, true) => "blocking",
                        (false, false) => "warning",
                    },
                    message: c.message.clone(),
                })
                .collect(),
            blocked,
            awaiting_approval_only,
            procedure_warning,
            approvals: approvals
                .iter()
                .map(|(a, name)| ApprovalRow {
                    at: show_time(&a.at),
                    who: name.clone(),
                    what: match a.kind {
                        ApprovalKind::Approval => "approved".to_owned(),
                        ApprovalKind::ProcedureOverride => {
                            format!("overrode the procedure warning: {}", a.reason)
                        }
                    },
                    current: a.content_sha256 == hash,
                })
                .collect(),
            drafted_by_me,
            can_edit: message.editable(),
            can_approve: message.editable() && lawyer && !drafted_by_me && approval_missing_only,
            can_send: message.status == OutreachStatus::Approved && !blocked,
            answered: message
                .answered_at
                .as_ref()
                .map(show_time)
                .unwrap_or_default(),
            answer_note: message.answer_note.clone(),
            form,
            senders: sender_choices(state).await?,
            sources: sources(),
            errors,
        },
    )
}

#[get("/outreach/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    show_page(
        &state,
        &user,
        &id,
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/outreach/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<OutreachForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (message, _, _) = visible_outreach(&state, &user, &id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if let Some(input) = check_outreach(&form, &mut errors) {
        let actor = actor(&user, &meta, state.clock.now());
        let oid = message.id.clone();
        match state
            .db
            .run(move |c| outreach::update(c, &actor, &oid, &input))
            .await
        {
            Ok(_) => {
                session::flash(
                    &user.session,
                    "success",
                    "Draft saved; it needs approval again.",
                );
                return Ok(see_other(&format!("/outreach/{}", message.id)));
            }
            Err(e) => errors.absorb(outreach_error(e))?,
        }
    }
    show_page(
        &state,
        &user,
        &id,
        Some(form),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    reason: String,
}

async fn approve_as(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    id: &str,
    kind: ApprovalKind,
    reason: &str,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (message, _, _) = visible_outreach(state, user, id).await?;
    let actor = actor(user, meta, state.clock.now());
    let may = user.require_lawyer_or_admin().is_ok();
    let (oid, reason) = (message.id.clone(), reason.to_owned());
    match state
        .db
        .run(move |c| outreach::approve(c, &actor, may, &oid, kind, &reason))
        .await
    {
        Ok(_) => {
            session::flash(
                &user.session,
                "success",
                match kind {
                    ApprovalKind::Approval => "Approved. It can be sent once every check passes.",
                    ApprovalKind::ProcedureOverride => {
                        "Procedure warning overridden; your reason is kept with the message."
                    }
                },
            );
            Ok(see_other(&format!("/outreach/{}", message.id)))
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.absorb(outreach_error(e))?;
            show_page(
                state,
                user,
                id,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[post("/outreach/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    approve_as(&state, &user, &meta, &id, ApprovalKind::Approval, "").await
}

#[post("/outreach/{id}/override")]
pub async fn override_procedure(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<ApproveForm>,
) -> Result<HttpResponse, AppError> {
    approve_as(
        &state,
        &user,
        &meta,
        &id,
        ApprovalKind::ProcedureOverride,
        &form.reason,
    )
    .await
}

#[post("/outreach/{id}/send")]
pub async fn send(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (message, _, _) = visible_outreach(&state, &user, &id).await?;
    let ctx = context(&state);
    let actor = actor(&user, &meta, state.clock.now());
    let (oid, relay) = (message.id.clone(), state.mailer.describe());
    match state
        .db
        .run(move |c| service::send(c, &ctx, &actor, &oid, &relay))
        .await
    {
        Ok(_) => {
            session::flash(
                &user.session,
                "success",
                "Handed to the outbox: it goes out within a minute, and its delivery shows here.",
            );
            Ok(see_other(&format!("/outreach/{}", message.id)))
        }
        Err(SendError::Blocked(checks)) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "send",
                format!(
                    "Not sent: {}",
                    checks
                        .iter()
                        .map(|c| c.message.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            );
            show_page(
                &state,
                &user,
                &id,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(send_error(e)),
    }
}

#[post("/outreach/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (message, backorder, _) = visible_outreach(&state, &user, &id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let oid = message.id.clone();
    state
        .db
        .run(move |c| outreach::cancel(c, &actor, &oid))
        .await
        .map_err(outreach_error)?;
    session::flash(
        &user.session,
        "success",
        "Draft discarded (it stays in the log as cancelled).",
    );
    Ok(see_other(&format!("/backorders/{}", backorder.id)))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    note: String,
}

#[post("/outreach/{id}/answer")]
pub async fn answer(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (message, _, _) = visible_outreach(&state, &user, &id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let (oid, note) = (
        message.id.clone(),
        form.note.trim().chars().take(5_000).collect::<String>(),
    );
    state
        .db
        .run(move |c| outreach::record_answer(c, &actor, &oid, &note))
        .await
        .map_err(outreach_error)?;
    session::flash(&user.session, "success", "Answer recorded.");
    Ok(see_other(&format!("/outreach/{}", message.id)))
}
