//! Writing to a name's holder: the draft (from a template), the message exactly as it will be
//! sent with the compliance checks beside it, approval by a second lawyer, the lawyer's override
//! of the procedure warning, sending, and the holder's answer.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};

use crate::app;
use crate::app::outreach::{
    ADDRESS_SOURCES, AnswerInput, ApproveInput, DraftForm, DraftInput, MessagePage, OverrideInput,
    TemplateChoice,
};
use crate::error::{AppError, FieldErrors};
use crate::model::compliance::AddressSource;
use crate::model::outreach::ApprovalKind;
use crate::model::sender::SenderProfile;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::Choice;
use crate::web::{Layout, caller, render_status, see_other, show_time};

fn sources(sources: &[AddressSource]) -> Vec<Choice> {
    sources
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: s.label().to_owned(),
            selected: false,
        })
        .collect()
}

fn sender_choices(senders: &[SenderProfile]) -> Vec<Choice> {
    senders
        .iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: format!("{} — {}", p.label, p.from_header()),
            selected: false,
        })
        .collect()
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
    form: DraftInput,
    amount: String,
    errors: FieldErrors,
}

fn new_page(
    user: &CurrentUser,
    page: &DraftForm,
    form: DraftInput,
    amount: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_status(
        status,
        &NewPage {
            layout: Layout::for_user(
                user,
                format!("Write to the holder · {}", page.backorder.unicode),
                "matters",
            ),
            backorder_id: page.backorder.id.to_string(),
            matter_id: page.matter.id.to_string(),
            matter_reference: page.matter.reference.clone(),
            domain: page.backorder.unicode.clone(),
            senders: sender_choices(&page.senders),
            sources: sources(page.sources),
            templates: page
                .templates
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
    query: web::Query<TemplateChoice>,
) -> Result<HttpResponse, AppError> {
    let new = app::outreach::new_draft(&state, &user, &id, query.into_inner()).await?;
    new_page(
        &user,
        &new.form,
        new.draft,
        new.amount,
        FieldErrors::default(),
        StatusCode::OK,
    )
}

#[post("/backorders/{id}/outreach")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DraftInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::outreach::create(&state, &caller(&user, &meta), &id, form.clone()).await {
        Ok(created) => {
            session::flash(
                &user.session,
                "success",
                "Draft saved. Check it below; a lawyer other than you approves it before it can be sent.",
            );
            return Ok(see_other(&format!("/outreach/{}", created.outreach.id)));
        }
        Err(e) => errors.absorb(e)?,
    }
    let page = app::outreach::draft_form(&state, &user, &id).await?;
    new_page(
        &user,
        &page,
        form,
        String::new(),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
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
    form: DraftInput,
    senders: Vec<Choice>,
    sources: Vec<Choice>,
    errors: FieldErrors,
}

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    form: Option<DraftInput>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let MessagePage { view, senders } = app::outreach::message_page(state, user, id).await?;
    let message = &view.outreach;
    let evaluation = &view.evaluation;
    let form = form.unwrap_or_else(|| DraftInput {
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
                format!("Message to the holder of {}", view.backorder.unicode),
                "matters",
            ),
            id: message.id.to_string(),
            backorder_id: view.backorder.id.to_string(),
            matter_id: view.matter.id.to_string(),
            matter_reference: view.matter.reference.clone(),
            domain: view.backorder.unicode.clone(),
            status: message.status.as_str().to_owned(),
            delivery: view
                .delivery
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            delivery_error: view.delivery_error.clone().unwrap_or_default(),
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
            blocked: !view.sendable(),
            awaiting_approval_only: view.awaiting_approval_only(),
            procedure_warning: view.procedure_warning(),
            approvals: view
                .approvals
                .iter()
                .map(|a| ApprovalRow {
                    at: show_time(&a.at),
                    who: a.who.clone(),
                    what: match a.kind {
                        ApprovalKind::Approval => "approved".to_owned(),
                        ApprovalKind::ProcedureOverride => {
                            format!("overrode the procedure warning: {}", a.reason)
                        }
                    },
                    current: a.current,
                })
                .collect(),
            drafted_by_me: message.drafted_by.as_ref() == Some(&user.id),
            can_edit: message.editable(),
            can_approve: view.may_approve,
            can_send: view.may_send(),
            answered: message
                .answered_at
                .as_ref()
                .map(show_time)
                .unwrap_or_default(),
            answer_note: message.answer_note.clone(),
            form,
            senders: sender_choices(&senders),
            sources: sources(ADDRESS_SOURCES),
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
    form: web::Form<DraftInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::outreach::update(&state, &caller(&user, &meta), &id, form.clone()).await {
        Ok(message) => {
            session::flash(
                &user.session,
                "success",
                "Draft saved; it needs approval again.",
            );
            return Ok(see_other(&format!("/outreach/{}", message.id)));
        }
        Err(e) => errors.absorb(e)?,
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

/// A decision refused for a field (the override's reason): the page again, with the message.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    error: AppError,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    errors.absorb(error)?;
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

#[post("/outreach/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    match app::outreach::approve(&state, &caller(&user, &meta), &id, ApproveInput::default()).await
    {
        Ok(view) => {
            session::flash(
                &user.session,
                "success",
                "Approved. It can be sent once every check passes.",
            );
            Ok(see_other(&format!("/outreach/{}", view.outreach.id)))
        }
        Err(e) => refused(&state, &user, &id, e).await,
    }
}

#[post("/outreach/{id}/override")]
pub async fn override_procedure(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<OverrideInput>,
) -> Result<HttpResponse, AppError> {
    match app::outreach::override_procedure(&state, &caller(&user, &meta), &id, form.into_inner())
        .await
    {
        Ok(message) => {
            session::flash(
                &user.session,
                "success",
                "Procedure warning overridden; your reason is kept with the message.",
            );
            Ok(see_other(&format!("/outreach/{}", message.id)))
        }
        Err(e) => refused(&state, &user, &id, e).await,
    }
}

#[post("/outreach/{id}/send")]
pub async fn send(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    match app::outreach::send(&state, &caller(&user, &meta), &id).await {
        Ok(view) => {
            session::flash(
                &user.session,
                "success",
                "Handed to the outbox: it goes out within a minute, and its delivery shows here.",
            );
            Ok(see_other(&format!("/outreach/{}", view.outreach.id)))
        }
        // A blocking check failed: the page again, saying which.
        Err(AppError::Invalid { message, .. }) => {
            let mut errors = FieldErrors::default();
            errors.add("send", message);
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
        Err(e) => Err(e),
    }
}

#[post("/outreach/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let message = app::outreach::cancel(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        "Draft discarded (it stays in the log as cancelled).",
    );
    Ok(see_other(&format!("/backorders/{}", message.backorder_id)))
}

#[post("/outreach/{id}/answer")]
pub async fn answer(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<AnswerInput>,
) -> Result<HttpResponse, AppError> {
    let message =
        app::outreach::answer(&state, &caller(&user, &meta), &id, form.into_inner()).await?;
    session::flash(&user.session, "success", "Answer recorded.");
    Ok(see_other(&format!("/outreach/{}", message.id)))
}
