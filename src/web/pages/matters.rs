//! Matters: list and search, open, edit, close; the matter page with everything attached;
//! attaching backorders one by one or from a CSV file; exporting them as CSV.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::app::access::{Principal, visible_client, visible_matter};
use crate::app::dossier::{self, Changes, Dossier};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::{
    Backorder, Conflict, ImportLine, LineProblem, Priority, check_target, parse_import,
};
use crate::model::csv::write_row;
use crate::model::ids::{ClientId, UserId};
use crate::model::matter::{Matter, MatterStatus, marks_text, parse_marks, parse_title};
use crate::model::money::{Currency, format_money, parse_amount};
use crate::model::present::drop_window;
use crate::model::user::Role;
use crate::repo::backorders::{self, BackorderError, ImportError, NewBackorder};
use crate::repo::clients;
use crate::repo::matters::{self, MatterChange, MatterError, MatterFilter, MatterScope, NewMatter};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::{Choice, ManualValues, MatterRow};
use crate::web::{Layout, actor, render, render_status, see_other, show_time};

#[derive(askama::Template)]
#[template(path = "matters/list.html")]
struct MattersPage {
    layout: Layout,
    rows: Vec<MatterRow>,
    q: String,
    status: String,
    can_create: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
}

#[get("/matters")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let status = match query.status.as_deref() {
        Some("closed") => Some(MatterStatus::Closed),
        Some("all") => None,
        _ => Some(MatterStatus::Open),
    };
    let filter = MatterFilter {
        client_id: user.client_id.clone(),
        status,
        search: query.q.clone(),
    };
    let summaries = state.db.run(move |c| matters::list(c, &filter)).await?;
    render(&MattersPage {
        layout: Layout::for_user(&user, "Matters", "matters"),
        rows: summaries.into_iter().map(MatterRow::from).collect(),
        q: query.q.unwrap_or_default(),
        status: status.map_or("all", MatterStatus::as_str).to_owned(),
        can_create: user.require_lawyer_or_admin().is_ok(),
    })
}

/// What the matter form shows.
pub struct MatterFormValues {
    pub client_id: String,
    pub title: String,
    pub responsible_lawyer_id: String,
    pub team: Vec<String>,
    pub marks: String,
    pub notes: String,
}

#[derive(askama::Template)]
#[template(path = "matters/form.html")]
struct MatterFormPage {
    layout: Layout,
    /// `None` for a new matter.
    matter_id: Option<String>,
    reference: String,
    clients: Vec<Choice>,
    lawyers: Vec<Choice>,
    team: Vec<Choice>,
    values: MatterFormValues,
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    matter: Option<&Matter>,
    values: MatterFormValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (all_clients, people) = state
        .db
        .run(|c| Ok::<_, DbError>((clients::list(c)?, matters::firm_people(c)?)))
        .await?;
    let title = match matter {
        Some(m) => format!("Edit {}", m.reference),
        None => "Open a matter".to_owned(),
    };
    render_status(
        status,
        &MatterFormPage {
            layout: Layout::for_user(user, title, "matters"),
            matter_id: matter.map(|m| m.id.to_string()),
            reference: matter.map(|m| m.reference.clone()).unwrap_or_default(),
            clients: all_clients
                .iter()
                .map(|c| Choice {
                    value: c.id.to_string(),
                    label: c.name.clone(),
                    selected: c.id.as_str() == values.client_id,
                })
                .collect(),
            lawyers: people
                .iter()
                .filter(|(_, _, role)| matches!(role, Role::Lawyer | Role::Admin))
                .map(|(id, name, _)| Choice {
                    value: id.to_string(),
                    label: name.clone(),
                    selected: id.as_str() == values.responsible_lawyer_id,
                })
                .collect(),
            team: people
                .iter()
                .map(|(id, name, role)| Choice {
                    value: id.to_string(),
                    label: format!("{name} ({})", role.label()),
                    selected: values.team.iter().any(|t| t == id.as_str()),
                })
                .collect(),
            values,
            errors,
        },
    )
}

#[derive(Deserialize)]
pub struct NewQuery {
    client: Option<String>,
}

#[get("/matters/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let values = MatterFormValues {
        client_id: query.client.clone().unwrap_or_default(),
        title: String::new(),
        responsible_lawyer_id: if user.role == Role::Lawyer {
            user.id.to_string()
        } else {
            String::new()
        },
        team: Vec::new(),
        marks: String::new(),
        notes: String::new(),
    };
    form_page(
        &state,
        &user,
        None,
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The matter form, read from its fields (`team` may repeat).
fn read_form(fields: &[(String, String)]) -> MatterFormValues {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    MatterFormValues {
        client_id: get("client_id"),
        title: get("title"),
        responsible_lawyer_id: get("responsible_lawyer_id"),
        team: fields
            .iter()
            .filter(|(k, _)| k == "team")
            .map(|(_, v)| v.clone())
            .collect(),
        marks: get("marks"),
        notes: get("notes"),
    }
}

/// The checked parts of the form common to opening and editing.
struct CheckedMatter {
    title: String,
    lawyer: UserId,
    team: Vec<UserId>,
    marks: Vec<crate::model::matter::Mark>,
    notes: String,
}

fn check_form(values: &MatterFormValues, errors: &mut FieldErrors) -> Option<CheckedMatter> {
    let title = parse_title(&values.title)
        .map_err(|e| errors.add("title", e))
        .ok();
    let lawyer = UserId::parse(values.responsible_lawyer_id.trim())
        .map_err(|_| errors.add("responsible_lawyer_id", "Choose the responsible lawyer."))
        .ok();
    let team: Result<Vec<UserId>, _> = values.team.iter().map(|t| UserId::parse(t)).collect();
    let team = team
        .map_err(|_| errors.add("team", "The team can only include people of the firm."))
        .ok();
    let marks = parse_marks(&values.marks)
        .map_err(|e| errors.add("marks", format!("Marks, one per line: {e}")))
        .ok();
    let notes = values.notes.trim();
    if notes.chars().count() > 10_000 {
        errors.add("notes", "Notes can be at most 10,000 characters long.");
    }
    match (title, lawyer, team, marks) {
        (Some(title), Some(lawyer), Some(team), Some(marks)) if errors.is_empty() => {
            Some(CheckedMatter {
                title,
                lawyer,
                team,
                marks,
                notes: notes.to_owned(),
            })
        }
        _ => None,
    }
}

fn absorb_matter_error(errors: &mut FieldErrors, e: MatterError) -> Result<(), AppError> {
    match e.field() {
        Some(field) => {
            errors.add(field, e);
            Ok(())
        }
        None => match e {
            MatterError::Db(db) => Err(db.into()),
            other => Err(AppError::Unexpected(other.into())),
        },
    }
}

#[post("/matters")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let values = read_form(&form);
    let mut errors = FieldErrors::default();
    let client_id = ClientId::parse(values.client_id.trim())
        .map_err(|_| errors.add("client_id", "Choose the client."))
        .ok();
    let checked = check_form(&values, &mut errors);
    if let (Some(client_id), Some(checked)) = (client_id, checked) {
        let new = NewMatter {
            client_id,
            title: checked.title,
            responsible_lawyer_id: checked.lawyer,
            team: checked.team,
            marks: checked.marks,
            notes: checked.notes,
        };
        let actor = actor(&user, &meta, state.clock.now());
        match state
            .db
            .run(move |c| matters::create(c, &actor, &new))
            .await
        {
            Ok(matter) => {
                session::flash(
                    &user.session,
                    "success",
                    format!(
                        "Matter {} is open. Attach the domain names to recover.",
                        matter.reference
                    ),
                );
                return Ok(see_other(&format!("/matters/{}", matter.id)));
            }
            Err(e) => absorb_matter_error(&mut errors, e)?,
        }
    }
    form_page(
        &state,
        &user,
        None,
        values,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[get("/matters/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let matter_id = matter.id.clone();
    let (team, marks) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                matters::team(c, &matter_id)?,
                matters::marks(c, &matter_id)?,
            ))
        })
        .await?;
    let values = MatterFormValues {
        client_id: matter.client_id.to_string(),
        title: matter.title.clone(),
        responsible_lawyer_id: matter.responsible_lawyer_id.to_string(),
        team: team.iter().map(|(id, _)| id.to_string()).collect(),
        marks: marks_text(&marks),
        notes: matter.notes.clone(),
    };
    form_page(
        &state,
        &user,
        Some(&matter),
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/matters/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let mut values = read_form(&form);
    values.client_id = matter.client_id.to_string();
    let mut errors = FieldErrors::default();
    if let Some(checked) = check_form(&values, &mut errors) {
        let change = MatterChange {
            title: checked.title,
            responsible_lawyer_id: checked.lawyer,
            team: checked.team,
            marks: checked.marks,
            notes: checked.notes,
        };
        let actor = actor(&user, &meta, state.clock.now());
        let matter_id = matter.id.clone();
        match state
            .db
            .run(move |c| matters::update(c, &actor, &matter_id, &change))
            .await
        {
            Ok(updated) => {
                session::flash(
                    &user.session,
                    "success",
                    format!("Matter {} saved.", updated.reference),
                );
                return Ok(see_other(&format!("/matters/{}", updated.id)));
            }
            Err(e) => absorb_matter_error(&mut errors, e)?,
        }
    }
    form_page(
        &state,
        &user,
        Some(&matter),
        values,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn set_matter_status(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    id: &str,
    status: MatterStatus,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(state, user, id).await?;
    let actor = actor(user, meta, state.clock.now());
    let updated = state
        .db
        .run(move |c| matters::set_status(c, &actor, &matter.id, status))
        .await?;
    let message = match status {
        MatterStatus::Closed => format!("Matter {} is closed.", updated.reference),
        MatterStatus::Open => format!("Matter {} is open again.", updated.reference),
    };
    session::flash(&user.session, "success", message);
    Ok(see_other(&format!("/matters/{}", updated.id)))
}

#[post("/matters/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_matter_status(&state, &user, &meta, &id, MatterStatus::Closed).await
}

#[post("/matters/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_matter_status(&state, &user, &meta, &id, MatterStatus::Open).await
}

pub struct BackorderRow {
    pub id: String,
    pub unicode: String,
    /// The A-label when it differs from what is shown.
    pub ascii: Option<String>,
    pub status: String,
    pub status_label: String,
    pub priority: String,
    pub max_bid: String,
    pub channels: String,
    pub conflict_confirmed: bool,
    pub phase: String,
    pub phase_label: String,
    pub drop_window: String,
}

impl BackorderRow {
    pub fn new(b: &Backorder, dossier: &Dossier) -> Self {
        let watch = dossier.watch(&b.domain);
        let placed: Vec<String> = dossier
            .channels_of(&b.id)
            .map(|c| format!("{}: {}", c.display_name(), c.status.label()))
            .collect();
        Self {
            id: b.id.to_string(),
            unicode: b.unicode.clone(),
            ascii: (b.unicode != b.domain).then(|| b.domain.clone()),
            status: b.status.as_str().to_owned(),
            status_label: b.status.label().to_owned(),
            priority: b.priority.as_str().to_owned(),
            max_bid: b
                .max_bid_minor
                .map(|m| format_money(m, &b.currency))
                .unwrap_or_default(),
            channels: placed.join("; "),
            conflict_confirmed: b.conflict_confirmed_at.is_some(),
            phase: watch
                .map(|w| w.phase.as_str().to_owned())
                .unwrap_or_default(),
            phase_label: watch.filter(|w| w.last_checked_at.is_some()).map_or_else(
                || "not checked yet".to_owned(),
                |w| w.phase.label().to_owned(),
            ),
            drop_window: watch
                .map(|w| drop_window(w.drop_earliest, w.drop_latest))
                .unwrap_or_default(),
        }
    }
}

/// What the attach form shows.
#[derive(Default)]
pub struct AttachValues {
    pub domain: String,
    pub max_bid: String,
    pub currency: String,
    pub priority: String,
    pub notes: String,
}

impl AttachValues {
    /// The form as a matter page first shows it.
    pub fn blank() -> Self {
        Self {
            currency: "EUR".to_owned(),
            priority: "normal".to_owned(),
            ..Self::default()
        }
    }
}

pub struct ConflictRow {
    pub matter_id: String,
    pub reference: String,
    pub client: String,
}

#[derive(askama::Template)]
#[template(path = "matters/show.html")]
struct MatterPage {
    layout: Layout,
    id: String,
    reference: String,
    title: String,
    client_id: String,
    client: String,
    lawyer: String,
    team: Vec<String>,
    marks: Vec<String>,
    notes: String,
    open: bool,
    opened: String,
    closed: String,
    backorders: Vec<BackorderRow>,
    can_edit: bool,
    attach: AttachValues,
    manual: ManualValues,
    errors: FieldErrors,
    conflicts: Vec<ConflictRow>,
    priorities: Vec<&'static str>,
    timeline: Vec<TimelineRow>,
    procedures: Vec<ProcedureRow>,
    /// (due, label, rule, urgency, link)
    deadlines: Vec<(String, String, String, String, String)>,
    is_staff: bool,
    people: Vec<(String, String)>,
    outreach: Vec<crate::web::view::LogRow>,
    reports: Vec<crate::web::view::ReportRow>,
}

/// A procedure on the matter page.
pub struct ProcedureRow {
    pub id: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub outcome: String,
}

/// A registry change on one of the matter's names.
pub struct TimelineRow {
    pub at: String,
    pub domain: String,
    pub summary: String,
    pub important: bool,
}

/// The matter page; `attach_values` and `manual` are what its two forms show.
#[allow(clippy::too_many_arguments)]
pub async fn matter_page(
    state: &AppState,
    user: &CurrentUser,
    matter: Matter,
    attach_values: AttachValues,
    manual: ManualValues,
    errors: FieldErrors,
    conflicts: Vec<Conflict>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let scope = MatterScope::One(matter.id.clone());
    let (dossier, people) = state
        .db
        .run(move |c| {
            let dossier = dossier::load(c, &scope, Changes::Latest(30))?.pop();
            Ok::<_, DbError>((dossier, matters::firm_people(c)?))
        })
        .await?;
    let dossier = dossier.ok_or_else(|| AppError::not_found("matter"))?;
    let today = state.clock.now().date_naive();
    let open = matter.status == MatterStatus::Open;
    render_status(
        status,
        &MatterPage {
            layout: Layout::for_user(
                user,
                format!("{} · {}", matter.reference, matter.title),
                "matters",
            ),
            id: matter.id.to_string(),
            reference: matter.reference.clone(),
            title: matter.title.clone(),
            client_id: matter.client_id.to_string(),
            client: dossier.client.name.clone(),
            lawyer: dossier.lawyer.clone(),
            team: dossier.team.iter().map(|(_, name)| name.clone()).collect(),
            marks: dossier
                .marks
                .iter()
                .map(|m| {
                    if m.registration.is_empty() {
                        m.name.clone()
                    } else {
                        format!("{} ({})", m.name, m.registration)
                    }
                })
                .collect(),
            notes: matter.notes.clone(),
            open,
            opened: show_time(&matter.opened_at),
            closed: matter.closed_at.as_ref().map(show_time).unwrap_or_default(),
            backorders: dossier
                .backorders
                .iter()
                .map(|b| BackorderRow::new(b, &dossier))
                .collect(),
            can_edit: may_edit(user, &matter),
            attach: attach_values,
            manual,
            errors,
            conflicts: conflicts
                .into_iter()
                .map(|c| ConflictRow {
                    matter_id: c.matter_id.to_string(),
                    reference: c.reference,
                    client: c.client_name,
                })
                .collect(),
            priorities: Priority::ALL.iter().map(|p| p.as_str()).collect(),
            timeline: dossier
                .changes
                .iter()
                .map(|c| TimelineRow {
                    at: show_time(&c.detected_at),
                    domain: dossier.unicode_of(&c.domain).to_owned(),
                    summary: c.summary.clone(),
                    important: c.important,
                })
                .collect(),
            procedures: dossier
                .procedures
                .iter()
                .map(|f| &f.procedure)
                .map(|p| ProcedureRow {
                    id: p.id.to_string(),
                    title: p.title(),
                    status: p.status.as_str().to_owned(),
                    status_label: p.status.label().to_owned(),
                    outcome: p.outcome.map(|o| o.label().to_owned()).unwrap_or_default(),
                })
                .collect(),
            deadlines: crate::web::view::upcoming(&dossier.deadlines, today),
            is_staff: user.is_staff(),
            people: people
                .into_iter()
                .map(|(id, name, _)| (id.to_string(), name))
                .collect(),
            outreach: crate::web::view::log_rows(&dossier.outreach, user.is_staff()),
            reports: crate::web::view::rows(&dossier.reports),
        },
    )
}

/// The matter's page with its form of a deadline by hand sent back with `errors`.
pub async fn render_with_manual(
    state: &AppState,
    user: &CurrentUser,
    matter_id: &str,
    values: ManualValues,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let matter = visible_matter(state, user, matter_id).await?;
    matter_page(
        state,
        user,
        matter,
        AttachValues::blank(),
        values,
        errors,
        Vec::new(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[get("/matters/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let matter = visible_matter(&state, &user, &id).await?;
    matter_page(
        &state,
        &user,
        matter,
        AttachValues::blank(),
        ManualValues::default(),
        FieldErrors::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct AttachForm {
    domain: String,
    #[serde(default)]
    max_bid: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    notes: String,
    /// The conflict-of-interest confirmation box.
    confirm_conflict: Option<String>,
}

/// The parts of a new backorder other than its name, as a form or the API gives them.
pub fn backorder_terms(
    max_bid: &str,
    currency: &str,
    priority: &str,
    notes: &str,
    errors: &mut FieldErrors,
) -> Option<(Option<i64>, Currency, Priority, String)> {
    let max_bid = if max_bid.trim().is_empty() {
        Some(None)
    } else {
        parse_amount(max_bid)
            .map(Some)
            .map_err(|e| errors.add("max_bid", e))
            .ok()
    };
    let currency = if currency.trim().is_empty() {
        Some(Currency::default())
    } else {
        Currency::parse(currency)
            .map_err(|e| errors.add("currency", e))
            .ok()
    };
    let priority = if priority.trim().is_empty() {
        Some(Priority::Normal)
    } else {
        priority
            .trim()
            .parse()
            .map_err(|e| errors.add("priority", e))
            .ok()
    };
    let notes = notes.trim();
    if notes.chars().count() > 5_000 {
        errors.add("notes", "Notes can be at most 5,000 characters long.");
    }
    match (max_bid, currency, priority) {
        (Some(m), Some(c), Some(p)) if errors.is_empty() => Some((m, c, p, notes.to_owned())),
        _ => None,
    }
}

#[post("/matters/{id}/backorders")]
pub async fn attach(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<AttachForm>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let mut conflicts = Vec::new();
    let target = check_target(&form.domain, &state.tld_policies)
        .map_err(|e| errors.add("domain", e))
        .ok();
    let terms = backorder_terms(
        &form.max_bid,
        &form.currency,
        &form.priority,
        &form.notes,
        &mut errors,
    );
    if let (Some((domain, _)), Some((max_bid_minor, currency, priority, notes))) = (target, terms) {
        let new = NewBackorder {
            domain,
            priority,
            max_bid_minor,
            currency,
            notes,
        };
        let actor = actor(&user, &meta, state.clock.now());
        let (matter_id, confirm) = (matter.id.clone(), form.confirm_conflict.is_some());
        match state
            .db
            .run(move |c| backorders::attach(c, &actor, &matter_id, &new, confirm))
            .await
        {
            Ok(created) => {
                session::flash(
                    &user.session,
                    "success",
                    format!(
                        "{} is now watched for matter {}.",
                        created.unicode, matter.reference
                    ),
                );
                return Ok(see_other(&format!("/matters/{}", matter.id)));
            }
            Err(BackorderError::ConflictNeedsConfirmation {
                conflicts: found, ..
            }) => {
                errors.add(
                    "confirm_conflict",
                    "Another client of the firm seeks this name. Check the conflict of interest; to go ahead, tick the confirmation and attach again.",
                );
                conflicts = found;
            }
            Err(e) => errors.absorb(backorder_error(e))?,
        }
    }
    let values = AttachValues {
        domain: form.domain,
        max_bid: form.max_bid,
        currency: form.currency,
        priority: form.priority,
        notes: form.notes,
    };
    matter_page(
        &state,
        &user,
        matter,
        values,
        ManualValues::default(),
        errors,
        conflicts,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A backorder error in the words (and the field) a form or the API shows.
pub fn backorder_error(e: BackorderError) -> AppError {
    match e {
        BackorderError::Duplicate(_) | BackorderError::MatterClosed(_) => {
            AppError::invalid("domain", e.to_string())
        }
        BackorderError::ConflictNeedsConfirmation { ref conflicts, .. } => {
            AppError::ConflictOfInterest {
                conflicts: serde_json::to_value(conflicts).unwrap_or_default(),
                message: e.to_string(),
            }
        }
        BackorderError::Transition(t) => AppError::invalid("status", t.to_string()),
        BackorderError::MatterNotFound => AppError::not_found("matter"),
        BackorderError::NotFound => AppError::not_found("backorder"),
        BackorderError::Db(db) => db.into(),
    }
}

#[derive(askama::Template)]
#[template(path = "matters/import.html")]
struct ImportPage {
    layout: Layout,
    id: String,
    reference: String,
    text: String,
    problems: Vec<LineProblem>,
    conflicts: Vec<(String, String)>,
    error: Option<String>,
}

#[get("/matters/{id}/import")]
pub async fn import_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    render(&ImportPage {
        layout: Layout::for_user(
            &user,
            format!("Import into {}", matter.reference),
            "matters",
        ),
        id: matter.id.to_string(),
        reference: matter.reference,
        text: String::new(),
        problems: Vec::new(),
        conflicts: Vec::new(),
        error: None,
    })
}

/// The largest CSV file an import takes.
const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The fields of the import form: the pasted text, the uploaded file, the confirmation box.
async fn read_import_form(
    mut form: Multipart,
) -> Result<(String, Option<Vec<u8>>, bool), AppError> {
    let (mut text, mut file, mut confirm) = (String::new(), None, false);
    while let Some(field) = form.next().await {
        let mut field = field
            .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                return Err(AppError::invalid(
                    "file",
                    "The file is larger than 2 MB; split it into several imports.",
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "text" => text = String::from_utf8_lossy(&bytes).into_owned(),
            "file" if !bytes.is_empty() => file = Some(bytes),
            "confirm_conflicts" => confirm = true,
            _ => {}
        }
    }
    Ok((text, file, confirm))
}

#[post("/matters/{id}/import")]
pub async fn import(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let page = |text: String,
                problems: Vec<LineProblem>,
                conflicts: Vec<(String, String)>,
                error: Option<String>| ImportPage {
        layout: Layout::for_user(
            &user,
            format!("Import into {}", matter.reference),
            "matters",
        ),
        id: matter.id.to_string(),
        reference: matter.reference.clone(),
        text,
        problems,
        conflicts,
        error,
    };
    let (text, file, confirm) = match read_import_form(form).await {
        Ok(read) => read,
        Err(AppError::Invalid { message, .. }) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(String::new(), Vec::new(), Vec::new(), Some(message)),
            );
        }
        Err(e) => return Err(e),
    };
    let text = match file {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &page(
                        text,
                        Vec::new(),
                        Vec::new(),
                        Some("The file is not UTF-8 text. In your spreadsheet, save it as \"CSV UTF-8\" and upload it again.".to_owned()),
                    ),
                );
            }
        },
        None => text,
    };
    let lines: Vec<ImportLine> = match parse_import(&text, &state.tld_policies) {
        Ok(lines) => lines,
        Err(problems) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(text, problems, Vec::new(), None),
            );
        }
    };
    let new: Vec<(usize, String, NewBackorder)> = lines
        .into_iter()
        .map(|l| {
            (
                l.line,
                l.text,
                NewBackorder {
                    domain: l.domain,
                    priority: l.priority,
                    max_bid_minor: l.max_bid_minor,
                    currency: Currency::default(),
                    notes: String::new(),
                },
            )
        })
        .collect();
    let actor = actor(&user, &meta, state.clock.now());
    let matter_id = matter.id.clone();
    match state
        .db
        .run(move |c| backorders::import(c, &actor, &matter_id, &new, confirm))
        .await
    {
        Ok(created) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "Imported {} backorder(s) into matter {}.",
                    created.len(),
                    matter.reference
                ),
            );
            Ok(see_other(&format!("/matters/{}", matter.id)))
        }
        Err(ImportError::Lines(problems)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(text, problems, Vec::new(), None),
        ),
        Err(ImportError::Conflicts(found)) => {
            let rows = found
                .into_iter()
                .map(|(domain, conflicts)| {
                    let with = conflicts
                        .iter()
                        .map(|c| format!("{} ({})", c.reference, c.client_name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (domain, with)
                })
                .collect();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(text, Vec::new(), rows, None),
            )
        }
        Err(ImportError::Backorder(e)) => Err(backorder_error(e)),
    }
}

/// The matter's backorders as CSV, for a spreadsheet.
#[get("/matters/{id}/backorders.csv")]
pub async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let dossier = dossier::of_matter(&state, &user, &id, Changes::None).await?;
    let matter = &dossier.matter;
    let mut csv = write_row(&[
        "matter",
        "domain",
        "unicode",
        "status",
        "priority",
        "max_bid",
        "currency",
        "channels",
        "attached_at",
        "phase",
        "drop_window",
    ]);
    for b in &dossier.backorders {
        let row = BackorderRow::new(b, &dossier);
        let max_bid = b
            .max_bid_minor
            .map(|m| crate::model::money::format_plain(m))
            .unwrap_or_default();
        let attached = b.created_at.and_utc().to_rfc3339();
        csv.push_str(&write_row(&[
            &matter.reference,
            &b.domain,
            &b.unicode,
            b.status.as_str(),
            b.priority.as_str(),
            &max_bid,
            &b.currency,
            &row.channels,
            &attached,
            &row.phase,
            &row.drop_window,
        ]));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}-backorders.csv\"",
                matter.reference
            ),
        ))
        .body(csv))
}

/// Whether `user` may change `matter` (lawyers and admins, open matters).
pub fn may_edit(user: &Principal, matter: &Matter) -> bool {
    matter.status == MatterStatus::Open && user.require_lawyer_or_admin().is_ok()
}

/// The matters of a client, for the client page.
pub async fn client_matters(
    state: &AppState,
    user: &Principal,
    client_id: &str,
) -> Result<Vec<MatterRow>, AppError> {
    let client = visible_client(state, user, client_id).await?;
    let filter = MatterFilter {
        client_id: Some(client.id),
        status: None,
        search: None,
    };
    let summaries = state.db.run(move |c| matters::list(c, &filter)).await?;
    Ok(summaries.into_iter().map(MatterRow::from).collect())
}
