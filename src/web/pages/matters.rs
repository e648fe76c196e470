//! Matters: list and search, open, edit, close; the matter page with everything attached;
//! attaching backorders one by one or from a CSV file; exporting them as CSV.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::app;
use crate::app::access::MatterRights;
use crate::app::dossier::Dossier;
use crate::app::matters::{
    AttachInput, ImportInput, ImportOutcome, ImportRefusal, MarksInput, MatterForm, MatterInput,
    MatterQuery, YearsInput,
};
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::{Backorder, Conflict, LineProblem, Priority};
use crate::model::matter::{Matter, MatterStatus};
use crate::model::money::format_money;
use crate::model::paging;
use crate::model::present::drop_window;
use crate::model::user::Role;
use crate::state::AppState;
use crate::web::paging::{ListPage, PageLinks, PageNavQuery};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::{Choice, ManualValues, MatterRow};
use crate::web::{Layout, caller, render, render_status, see_other, show_time};

#[derive(askama::Template)]
#[template(path = "matters/list.html")]
struct MattersPage {
    layout: Layout,
    rows: Vec<MatterRow>,
    q: String,
    status: String,
    can_create: bool,
    names_not_searched: bool,
    pager: PageLinks,
}

#[get("/matters")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    query: web::Query<MatterQuery>,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let q = query.q.clone().unwrap_or_default();
    let found = app::matters::list(&state, &user, query, page.request(paging::MATTERS)?).await?;
    render(&MattersPage {
        layout: Layout::for_user(&user, "Matters", "matters"),
        pager: PageLinks::of(&req, &found.matters),
        names_not_searched: found.names_not_searched,
        rows: found
            .matters
            .rows
            .into_iter()
            .map(MatterRow::from)
            .collect(),
        q,
        status: found.status.map_or("all", MatterStatus::as_str).to_owned(),
        can_create: user.is_lawyer_or_admin(),
    })
}

/// What the matter form shows.
pub struct MatterFormValues {
    pub title: String,
    pub marks: String,
    pub notes: String,
    pub renewal_years: String,
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

fn form_page(
    user: &CurrentUser,
    form: MatterForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let values = form.values;
    let lawyer = values.responsible_lawyer_id.clone().unwrap_or_default();
    let title = match &form.matter {
        Some(m) => format!("Edit {}", m.reference),
        None => "Open a matter".to_owned(),
    };
    render_status(
        status,
        &MatterFormPage {
            layout: Layout::for_user(user, title, "matters"),
            matter_id: form.matter.as_ref().map(|m| m.id.to_string()),
            reference: form
                .matter
                .as_ref()
                .map(|m| m.reference.clone())
                .unwrap_or_default(),
            clients: form
                .clients
                .iter()
                .map(|c| Choice {
                    value: c.id.to_string(),
                    label: c.name.clone(),
                    selected: c.id.as_str() == values.client_id,
                })
                .collect(),
            lawyers: form
                .people
                .iter()
                .filter(|(_, _, role)| matches!(role, Role::Lawyer | Role::Admin))
                .map(|(id, name, _)| Choice {
                    value: id.to_string(),
                    label: name.clone(),
                    selected: id.as_str() == lawyer,
                })
                .collect(),
            team: form
                .people
                .iter()
                .map(|(id, name, role)| Choice {
                    value: id.to_string(),
                    label: format!("{name} ({})", role.label()),
                    selected: values.team.iter().any(|t| t == id.as_str()),
                })
                .collect(),
            values: MatterFormValues {
                title: values.title,
                marks: values.marks.text(),
                notes: values.notes,
                renewal_years: values
                    .renewal_years
                    .as_ref()
                    .map_or_else(|| "1".to_owned(), YearsInput::text),
            },
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
    let form = app::matters::new_form(&state, &user, query.into_inner().client).await?;
    form_page(&user, form, FieldErrors::default(), StatusCode::OK)
}

/// The matter form as sent (`team` may repeat; the marks are one text).
fn read_form(fields: &[(String, String)]) -> MatterInput {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    MatterInput {
        client_id: get("client_id"),
        title: get("title"),
        responsible_lawyer_id: Some(get("responsible_lawyer_id")),
        team: fields
            .iter()
            .filter(|(k, _)| k == "team")
            .map(|(_, v)| v.clone())
            .collect(),
        marks: MarksInput::Lines(get("marks")),
        notes: get("notes"),
        renewal_years: Some(YearsInput::Text(get("renewal_years"))),
    }
}

#[post("/matters")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let input = read_form(&form);
    let mut errors = FieldErrors::default();
    match app::matters::create(&state, &caller(&user, &meta), input.clone()).await {
        Ok(dossier) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "Matter {} is open. Attach the domain names to recover.",
                    dossier.matter.reference
                ),
            );
            return Ok(see_other(&format!("/matters/{}", dossier.matter.id)));
        }
        Err(e) => errors.absorb(e)?,
    }
    let form = app::matters::form_with(&state, &user, None, input).await?;
    form_page(&user, form, errors, StatusCode::UNPROCESSABLE_ENTITY)
}

#[get("/matters/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let form = app::matters::edit_form(&state, &user, &id).await?;
    form_page(&user, form, FieldErrors::default(), StatusCode::OK)
}

#[post("/matters/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let input = read_form(&form);
    let mut errors = FieldErrors::default();
    match app::matters::update(&state, &caller(&user, &meta), &id, input.clone()).await {
        Ok(updated) => {
            session::flash(
                &user.session,
                "success",
                format!("Matter {} saved.", updated.reference),
            );
            return Ok(see_other(&format!("/matters/{}", updated.id)));
        }
        Err(e) => errors.absorb(e)?,
    }
    let form = app::matters::form_with(&state, &user, Some(&id), input).await?;
    form_page(&user, form, errors, StatusCode::UNPROCESSABLE_ENTITY)
}

#[post("/matters/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let closed = app::matters::close(&state, &caller(&user, &meta), &id).await?;
    let matter = &closed.matter;
    session::flash(
        &user.session,
        "success",
        format!("Matter {} is closed.", matter.reference),
    );
    Ok(see_other(&format!("/matters/{}", matter.id)))
}

#[post("/matters/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reopened = app::matters::reopen(&state, &caller(&user, &meta), &id).await?;
    let matter = &reopened.matter;
    session::flash(
        &user.session,
        "success",
        format!("Matter {} is open again.", matter.reference),
    );
    Ok(see_other(&format!("/matters/{}", matter.id)))
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
            .iter()
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
    /// One page of the matter's names.
    backorders: Vec<BackorderRow>,
    /// How many names the matter seeks in all.
    names_total: usize,
    pager: PageLinks,
    rights: MatterRights,
    attach: AttachValues,
    manual: ManualValues,
    errors: FieldErrors,
    conflicts: Vec<ConflictRow>,
    priorities: Vec<&'static str>,
    timeline: Vec<TimelineRow>,
    /// The newest procedures ([`crate::app::dossier::GLANCE`]).
    procedures: Vec<ProcedureRow>,
    procedures_total: usize,
    /// The soonest deadlines to act on: (due, label, rule, urgency, link).
    deadlines: Vec<(String, String, String, String, String)>,
    upcoming_total: usize,
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

impl From<&crate::model::procedure::Procedure> for ProcedureRow {
    fn from(p: &crate::model::procedure::Procedure) -> Self {
        Self {
            id: p.id.to_string(),
            title: p.title(),
            status: p.status.as_str().to_owned(),
            status_label: p.status.label().to_owned(),
            outcome: p.outcome.map(|o| o.label().to_owned()).unwrap_or_default(),
        }
    }
}

/// A registry change on one of the matter's names.
pub struct TimelineRow {
    pub at: String,
    pub domain: String,
    pub summary: String,
    pub important: bool,
}

/// The matter page showing the page `names` of its names; `attach_values` and `manual` are what
/// its two forms show.
#[allow(clippy::too_many_arguments)]
async fn matter_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    names: ListPage,
    attach_values: AttachValues,
    manual: ManualValues,
    errors: FieldErrors,
    conflicts: Vec<Conflict>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let file = app::matters::show(state, user, id, names.request.clone()).await?;
    let (dossier, rights) = (file.dossier, file.rights);
    let matter: &Matter = &dossier.matter;
    let pager = names.links(
        &format!("/matters/{}", matter.id),
        dossier.names_next.as_deref(),
        dossier.names_prev.as_deref(),
    );
    let today = state.clock.now().date_naive();
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
            open: matter.status == MatterStatus::Open,
            opened: show_time(&matter.opened_at),
            closed: matter.closed_at.as_ref().map(show_time).unwrap_or_default(),
            backorders: dossier
                .backorders
                .iter()
                .map(|b| BackorderRow::new(b, &dossier))
                .collect(),
            names_total: dossier.names_total,
            pager,
            rights,
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
                    domain: dossier.unicode_of(&c.domain),
                    summary: c.summary.clone(),
                    important: c.important,
                })
                .collect(),
            procedures: dossier
                .procedures
                .iter()
                .map(|f| ProcedureRow::from(&f.procedure))
                .collect(),
            procedures_total: dossier.procedures_total,
            deadlines: crate::web::view::upcoming(&dossier.deadlines, today),
            upcoming_total: dossier.upcoming_total,
            people: file
                .people
                .into_iter()
                .map(|(id, name, _)| (id.to_string(), name))
                .collect(),
            outreach: crate::web::view::log_rows(&dossier.outreach, rights.staff),
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
    matter_page(
        state,
        user,
        matter_id,
        ListPage::default(),
        AttachValues::blank(),
        values,
        errors,
        Vec::new(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "procedures/list.html")]
struct MatterProceduresPage {
    layout: Layout,
    id: String,
    reference: String,
    title: String,
    procedures: Vec<ProcedureRow>,
    pager: PageLinks,
}

/// A matter's procedures, newest first, a page at a time (the matter page shows the newest).
#[get("/matters/{id}/procedures")]
pub async fn procedures(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::MATTER_PROCEDURES)?;
    let (matter, found) = app::procedures::of_matter(&state, &user, &id, request).await?;
    render(&MatterProceduresPage {
        layout: Layout::for_user(
            &user,
            format!("Procedures · {} · {}", matter.reference, matter.title),
            "matters",
        ),
        id: matter.id.to_string(),
        reference: matter.reference.clone(),
        title: matter.title.clone(),
        pager: PageLinks::of(&req, &found),
        procedures: found.rows.iter().map(ProcedureRow::from).collect(),
    })
}

/// The matter's page; `limit`, `after` and `before` choose the page of its names.
#[get("/matters/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    let names = ListPage::asked(&req, &page, paging::MATTER_NAMES)?;
    matter_page(
        &state,
        &user,
        &id,
        names,
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

#[post("/matters/{id}/backorders")]
pub async fn attach(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<AttachForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = AttachInput {
        domain: form.domain.clone(),
        max_bid: form.max_bid.as_str().into(),
        currency: form.currency.clone(),
        priority: form.priority.clone(),
        notes: form.notes.clone(),
        confirm_conflict: form.confirm_conflict.is_some(),
    };
    let mut errors = FieldErrors::default();
    let mut conflicts = Vec::new();
    match app::matters::attach(&state, &caller(&user, &meta), &id, input).await {
        Ok(attached) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "{} is now watched for matter {}.",
                    attached.backorder.unicode, attached.matter.reference
                ),
            );
            return Ok(see_other(&format!("/matters/{}", attached.matter.id)));
        }
        Err(AppError::ConflictOfInterest {
            conflicts: found, ..
        }) => {
            errors.add(
                "confirm_conflict",
                "Another client of the firm seeks this name. Check the conflict of interest; to go ahead, tick the confirmation and attach again.",
            );
            conflicts = found;
        }
        Err(e) => errors.absorb(e)?,
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
        &id,
        ListPage::default(),
        values,
        ManualValues::default(),
        errors,
        conflicts,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "matters/import.html")]
struct ImportPage {
    layout: Layout,
    id: String,
    reference: String,
    text: String,
    problems: Vec<LineProblem>,
    /// (name, the matters of other clients that seek it)
    conflicts: Vec<(String, String)>,
    error: Option<String>,
}

impl ImportPage {
    fn new(user: &CurrentUser, matter: &Matter, refusal: ImportRefusal) -> Self {
        Self {
            layout: Layout::for_user(user, format!("Import into {}", matter.reference), "matters"),
            id: matter.id.to_string(),
            reference: matter.reference.clone(),
            text: refusal.text,
            problems: refusal.problems,
            conflicts: refusal
                .conflicts
                .into_iter()
                .map(|(domain, conflicts)| {
                    let with = conflicts
                        .iter()
                        .map(|c| format!("{} ({})", c.reference, c.client_name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (domain, with)
                })
                .collect(),
            error: refusal.error,
        }
    }
}

#[get("/matters/{id}/import")]
pub async fn import_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let matter = app::matters::import_form(&state, &user, &id).await?;
    render(&ImportPage::new(&user, &matter, ImportRefusal::default()))
}

/// The largest CSV file an import takes.
const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The fields of the import form: the pasted text, the uploaded file, the confirmation box.
/// `Err` with a message when the upload is too large to read.
async fn read_import_form(mut form: Multipart) -> Result<Result<ImportInput, String>, AppError> {
    let mut input = ImportInput::default();
    while let Some(field) = form.next().await {
        let mut field = field
            .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                return Ok(Err(
                    "The file is larger than 2 MB; split it into several imports.".to_owned(),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "text" => input.text = String::from_utf8_lossy(&bytes).into_owned(),
            "file" if !bytes.is_empty() => input.file = Some(bytes),
            "confirm_conflicts" => input.confirm_conflicts = true,
            _ => {}
        }
    }
    Ok(Ok(input))
}

#[post("/matters/{id}/import")]
pub async fn import(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let input = match read_import_form(form).await? {
        Ok(input) => input,
        Err(too_large) => {
            let matter = app::matters::import_form(&state, &user, &id).await?;
            let refusal = ImportRefusal {
                error: Some(too_large),
                ..ImportRefusal::default()
            };
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ImportPage::new(&user, &matter, refusal),
            );
        }
    };
    let (matter, outcome) = app::matters::import(&state, &caller(&user, &meta), &id, input).await?;
    match outcome {
        ImportOutcome::Imported(created) => {
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
        ImportOutcome::Refused(refusal) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage::new(&user, &matter, refusal),
        ),
    }
}

/// The matter's backorders as CSV, for a spreadsheet.
#[get("/matters/{id}/backorders.csv")]
pub async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let csv = app::matters::export(&state, &user, &id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", csv.file_name),
        ))
        .body(csv.body))
}
