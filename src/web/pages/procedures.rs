//! Dispute procedures: starting one on a matter (with the SYRELI eligibility check), the
//! procedure page (events, deadlines, timeline), and what is done on it: record and correct
//! events, change the details, close and reopen. The deadline actions are in `deadlines.rs`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::procedures::{
    CorrectionInput, EventInput, Moment, NewProcedureForm, ProcedureChangeInput, ProcedureInput,
    ProcedureView, ShowChecks,
};
use crate::error::{AppError, FieldErrors};
use crate::model::calendar::CalendarChoice;
use crate::model::money::{format_money, format_plain};
use crate::model::present::weekday as show_day;
use crate::model::procedure::{
    Deadline, EligibilityCheck, EventKind, Outcome, ProcedureKind, provider_calendar,
    provider_time_zone,
};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::{Choice, ManualValues, calendar_label};
use crate::web::{Layout, caller, render_status, see_other};

pub struct NameChoice {
    pub domain: String,
    pub unicode: String,
    pub checked: bool,
}

pub struct CheckRow {
    pub domain: String,
    pub passed: String,
    pub message: String,
}

fn check_rows(checks: &[(String, Vec<EligibilityCheck>)]) -> Vec<CheckRow> {
    checks
        .iter()
        .flat_map(|(domain, list)| {
            list.iter().map(move |c| CheckRow {
                domain: domain.clone(),
                passed: match c.passed {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "verify",
                }
                .to_owned(),
                message: c.message.clone(),
            })
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "procedures/new.html")]
struct NewProcedurePage {
    layout: Layout,
    matter_id: String,
    matter_reference: String,
    matter_title: String,
    kinds: Vec<Choice>,
    providers: Vec<Choice>,
    names: Vec<NameChoice>,
    other_domains: String,
    values: ProcedureInput,
    checks: Vec<CheckRow>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct NewProcedureQuery {
    kind: Option<String>,
    domain: Option<String>,
}

fn every_provider() -> Vec<Choice> {
    let mut all: Vec<&str> = ProcedureKind::ALL
        .iter()
        .flat_map(|k| k.providers().iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all.into_iter()
        .map(|p| Choice {
            value: p.to_owned(),
            label: format!("{p} (calendar {})", provider_calendar(p)),
            selected: false,
        })
        .collect()
}

/// The new-procedure form; `chosen` are the matter's names ticked, `other_domains` the text.
fn new_page(
    user: &CurrentUser,
    form: NewProcedureForm,
    values: ProcedureInput,
    chosen: &[String],
    other_domains: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let matter = &form.matter;
    render_status(
        status,
        &NewProcedurePage {
            layout: Layout::for_user(
                user,
                format!("New procedure · {}", matter.reference),
                "matters",
            ),
            matter_id: matter.id.to_string(),
            matter_reference: matter.reference.clone(),
            matter_title: matter.title.clone(),
            kinds: form
                .kinds
                .iter()
                .map(|(k, applies)| Choice {
                    value: k.as_str().to_owned(),
                    label: if *applies {
                        format!("{} (applies to this matter's names)", k.label())
                    } else {
                        k.label().to_owned()
                    },
                    selected: false,
                })
                .collect(),
            providers: every_provider(),
            names: form
                .names
                .iter()
                .map(|b| NameChoice {
                    domain: b.domain.clone(),
                    unicode: b.unicode.clone(),
                    checked: chosen.contains(&b.domain) || chosen.contains(&b.unicode),
                })
                .collect(),
            other_domains,
            values,
            checks: check_rows(&form.checks),
            errors,
        },
    )
}

#[get("/matters/{id}/procedures/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    query: web::Query<NewProcedureQuery>,
) -> Result<HttpResponse, AppError> {
    let kind = query.kind.clone().unwrap_or_default();
    let chosen: Vec<String> = query.domain.iter().cloned().collect();
    // Coming from a backorder's hint: the eligibility checks at once.
    let form =
        app::procedures::new_form(&state, &user, &id, &kind, &chosen, ShowChecks::All).await?;
    let values = ProcedureInput {
        kind,
        currency: "EUR".to_owned(),
        ..ProcedureInput::default()
    };
    new_page(
        &user,
        form,
        values,
        &chosen,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
}

/// Reads a form that may repeat a field (`domains` checkboxes).
fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[post("/matters/{id}/procedures")]
pub async fn start(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let chosen: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "domains")
        .map(|(_, v)| v.clone())
        .collect();
    let other = field(&fields, "other_domains");
    let mut domains = chosen.clone();
    domains.push(other.clone());
    let input = ProcedureInput {
        kind: field(&fields, "kind"),
        domains,
        provider: field(&fields, "provider"),
        case_number: field(&fields, "case_number"),
        registrar_country: field(&fields, "registrar_country"),
        registrar_iana_id: field(&fields, "registrar_iana_id"),
        parties: field(&fields, "parties"),
        panel: field(&fields, "panel"),
        fees: field(&fields, "fees"),
        currency: field(&fields, "currency"),
        notes: field(&fields, "notes"),
    };
    let mut errors = FieldErrors::default();
    match app::procedures::start(&state, &caller(&user, &meta), &id, input.clone()).await {
        Ok(started) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "{} started. Record its events (complaint filed, commenced…) and reclaim computes the deadlines.",
                    started.procedure.title()
                ),
            );
            return Ok(see_other(&format!("/procedures/{}", started.procedure.id)));
        }
        Err(e) => errors.absorb(e)?,
    }
    // A name that fails a condition: the form shows its checks.
    let form = app::procedures::new_form(
        &state,
        &user,
        &id,
        &input.kind,
        &input.domains,
        ShowChecks::Failing,
    )
    .await?;
    new_page(
        &user,
        form,
        input,
        &chosen,
        other,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

pub struct EventRow {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub date: String,
    pub note: String,
    /// What the row's correction form shows: the event as it is, or what was typed.
    pub correction: EventValues,
    /// The correction was sent back with errors: they are this row's.
    pub sent_back: bool,
}

pub struct DeadlineRow {
    pub id: String,
    pub rule: String,
    pub label: String,
    pub due_on: String,
    pub due_on_iso: String,
    pub computed_on: String,
    pub official_on: String,
    pub official_on_iso: String,
    pub calendar: String,
    pub basis: String,
    pub party: String,
    pub source: String,
    pub to_verify: bool,
    pub status: String,
    pub status_label: String,
    pub urgency: String,
    pub manual: bool,
    pub open: bool,
    pub assignee_id: String,
    pub assignee: String,
    /// The IANA zone whose day the due date is (the provider's seat), and the seat's city; empty
    /// when unknown or when the registrar's clock runs the period.
    pub zone: String,
    pub zone_city: String,
}

impl DeadlineRow {
    fn new(d: &Deadline, view: &ProcedureView) -> Self {
        let due = d.due_on();
        let zone = view.zone(d);
        Self {
            id: d.id.to_string(),
            rule: d.rule_label().to_owned(),
            label: d.label.clone(),
            due_on: due.map(show_day).unwrap_or_default(),
            due_on_iso: due.map(|x| x.to_string()).unwrap_or_default(),
            computed_on: d.computed_on.map(show_day).unwrap_or_default(),
            official_on: d.official_on.map(show_day).unwrap_or_default(),
            official_on_iso: d.official_on.map(|x| x.to_string()).unwrap_or_default(),
            calendar: d.calendar.clone(),
            basis: d.basis.clone(),
            party: d.party().to_owned(),
            source: d.source().to_owned(),
            to_verify: d.to_verify(),
            status: d.status().to_owned(),
            status_label: status_label(d).to_owned(),
            urgency: view.urgency(d).map_or("closed", |u| u.as_str()).to_owned(),
            manual: d.is_manual(),
            open: d.is_open(),
            assignee_id: d
                .assigned_to
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_default(),
            assignee: view.assignee(d).unwrap_or_default().to_owned(),
            zone: zone.map(|z| z.0.to_owned()).unwrap_or_default(),
            zone_city: zone.map(|z| z.1.to_owned()).unwrap_or_default(),
        }
    }
}

fn status_label(d: &Deadline) -> &'static str {
    if d.done_at.is_some() {
        "done"
    } else {
        d.state.label()
    }
}

/// One line of a procedure's timeline: what happened and what is due, in date order.
pub struct TimelineItem {
    pub date: String,
    pub what: String,
    pub label: String,
    pub detail: String,
    pub urgency: String,
}

impl TimelineItem {
    fn new(moment: Moment<'_>, view: &ProcedureView) -> Self {
        match moment {
            Moment::Event(e) => Self {
                date: show_day(e.occurred_on),
                what: "event".to_owned(),
                label: e.kind.label().to_owned(),
                detail: e.note.clone(),
                urgency: String::new(),
            },
            Moment::Due(d, due) => Self {
                date: show_day(due),
                what: "deadline".to_owned(),
                label: format!("{} ({})", d.label, d.rule_label()),
                detail: status_label(d).to_owned(),
                urgency: view.urgency(d).map_or("closed", |u| u.as_str()).to_owned(),
            },
        }
    }
}

pub struct PersonChoice {
    pub id: String,
    pub name: String,
}

#[derive(Default)]
pub struct EventValues {
    pub kind: String,
    pub date: String,
    pub note: String,
}

/// What the procedure page's forms show when one is sent back with errors; blank otherwise.
#[derive(Default)]
pub struct ProcedureForms {
    /// `None`: a blank event dated today.
    pub event: Option<EventValues>,
    pub manual: ManualValues,
    /// `None`: the procedure's own details.
    pub details: Option<DetailsValues>,
    /// The event whose correction was sent back, and what was typed.
    pub correction: Option<(String, EventValues)>,
}

/// What the form changing a procedure's details shows.
pub struct DetailsValues {
    pub provider: String,
    pub case_number: String,
    pub registrar_country: String,
    pub parties: String,
    pub panel: String,
    pub fees: String,
    pub currency: String,
    pub outcome: String,
    pub rdnh: bool,
    pub notes: String,
    /// Sent back with errors: the form is shown open.
    pub sent_back: bool,
}

#[derive(askama::Template)]
#[template(path = "procedures/show.html")]
struct ProcedurePage {
    layout: Layout,
    id: String,
    matter_id: String,
    matter_reference: String,
    matter_title: String,
    title: String,
    kind: String,
    kind_label: String,
    provider: String,
    provider_calendar: String,
    /// The provider seat's IANA zone and city; empty when not known.
    provider_zone: String,
    provider_city: String,
    case_number: String,
    registrar_country: String,
    registrar_calendar: String,
    registrar_calendar_known: bool,
    /// The calendars that may apply when the registrar's region is unknown, else empty.
    registrar_range: String,
    status: String,
    status_label: String,
    outcome_label: String,
    rdnh: bool,
    parties: String,
    panel: String,
    fees: String,
    notes: String,
    names: Vec<(String, Option<String>)>,
    events: Vec<EventRow>,
    deadlines: Vec<DeadlineRow>,
    timeline: Vec<TimelineItem>,
    event_kinds: Vec<Choice>,
    outcomes: Vec<Choice>,
    providers: Vec<Choice>,
    people: Vec<PersonChoice>,
    is_staff: bool,
    can_change: bool,
    can_manage: bool,
    closed: bool,
    matter_open: bool,
    event: EventValues,
    manual: ManualValues,
    details: DetailsValues,
    errors: FieldErrors,
    back: String,
}

/// The procedure page; `forms` is what its forms show.
async fn procedure_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    forms: ProcedureForms,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let view = app::procedures::show(state, user, id).await?;
    let ProcedureForms {
        event,
        manual,
        details,
        mut correction,
    } = forms;
    let event = event.unwrap_or_else(|| EventValues {
        date: view.today.to_string(),
        ..EventValues::default()
    });
    let (procedure, matter) = (view.procedure(), &view.matter);
    let zone = provider_time_zone(&procedure.provider);
    let (registrar_calendar, known) = procedure.registrar_calendar();
    let details = details.unwrap_or_else(|| DetailsValues {
        provider: procedure.provider.clone(),
        case_number: procedure.case_number.clone(),
        registrar_country: procedure.registrar_country.clone().unwrap_or_default(),
        parties: procedure.parties.clone(),
        panel: procedure.panel.clone(),
        fees: procedure.fees_minor.map(format_plain).unwrap_or_default(),
        currency: procedure.currency.clone(),
        outcome: procedure
            .outcome
            .map(|o| o.as_str().to_owned())
            .unwrap_or_default(),
        rdnh: procedure.rdnh_finding,
        notes: procedure.notes.clone(),
        sent_back: false,
    });
    render_status(
        status,
        &ProcedurePage {
            layout: Layout::for_user(
                user,
                format!("{} · {}", procedure.title(), matter.reference),
                "matters",
            ),
            id: procedure.id.to_string(),
            matter_id: matter.id.to_string(),
            matter_reference: matter.reference.clone(),
            matter_title: matter.title.clone(),
            title: procedure.title(),
            kind: procedure.kind.as_str().to_owned(),
            kind_label: procedure.kind.label().to_owned(),
            provider: procedure.provider.clone(),
            provider_calendar: calendar_label(provider_calendar(&procedure.provider)),
            provider_zone: zone.map(|z| z.0.to_owned()).unwrap_or_default(),
            provider_city: zone.map(|z| z.1.to_owned()).unwrap_or_default(),
            case_number: procedure.case_number.clone(),
            registrar_country: procedure.registrar_country.clone().unwrap_or_default(),
            registrar_calendar: calendar_label(registrar_calendar),
            registrar_calendar_known: known,
            registrar_range: match procedure.registrar_calendars() {
                CalendarChoice::Range(ids) => ids.join(", "),
                _ => String::new(),
            },
            status: procedure.status.as_str().to_owned(),
            status_label: procedure.status.label().to_owned(),
            outcome_label: procedure
                .outcome
                .map(|o| o.label().to_owned())
                .unwrap_or_default(),
            rdnh: procedure.rdnh_finding,
            parties: procedure.parties.clone(),
            panel: procedure.panel.clone(),
            fees: procedure
                .fees_minor
                .map(|f| format_money(f, &procedure.currency))
                .unwrap_or_default(),
            notes: procedure.notes.clone(),
            names: view
                .file
                .domains
                .iter()
                .map(|n| {
                    (
                        n.unicode.clone(),
                        n.backorder_id.as_ref().map(|b| b.to_string()),
                    )
                })
                .collect(),
            events: view
                .file
                .events
                .iter()
                .map(|e| {
                    let typed = correction.take_if(|(id, _)| *id == e.id.as_str());
                    EventRow {
                        id: e.id.to_string(),
                        kind: e.kind.as_str().to_owned(),
                        label: e.kind.label().to_owned(),
                        date: show_day(e.occurred_on),
                        note: e.note.clone(),
                        sent_back: typed.is_some(),
                        correction: typed.map(|(_, v)| v).unwrap_or_else(|| EventValues {
                            kind: e.kind.as_str().to_owned(),
                            date: e.occurred_on.to_string(),
                            note: e.note.clone(),
                        }),
                    }
                })
                .collect(),
            deadlines: view
                .file
                .deadlines
                .iter()
                .map(|d| DeadlineRow::new(d, &view))
                .collect(),
            timeline: view
                .timeline()
                .into_iter()
                .map(|m| TimelineItem::new(m, &view))
                .collect(),
            event_kinds: EventKind::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().to_owned(),
                    label: k.label().to_owned(),
                    selected: false,
                })
                .collect(),
            outcomes: Outcome::ALL
                .iter()
                .map(|o| Choice {
                    value: o.as_str().to_owned(),
                    label: o.label().to_owned(),
                    selected: false,
                })
                .collect(),
            providers: every_provider(),
            people: view
                .people
                .iter()
                .map(|(id, name)| PersonChoice {
                    id: id.to_string(),
                    name: name.clone(),
                })
                .collect(),
            is_staff: view.rights.staff,
            can_change: view.can_record(),
            can_manage: view.can_manage(),
            closed: view.closed(),
            matter_open: matter.status == crate::model::matter::MatterStatus::Open,
            event,
            manual,
            details,
            errors,
            back: format!("/procedures/{}", procedure.id),
        },
    )
}

#[get("/procedures/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    procedure_page(
        &state,
        &user,
        &id,
        ProcedureForms::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The procedure's page with its form of a deadline by hand sent back with `errors`.
pub async fn render_with_manual(
    state: &AppState,
    user: &CurrentUser,
    procedure_id: &str,
    values: ManualValues,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let forms = ProcedureForms {
        manual: values,
        ..ProcedureForms::default()
    };
    procedure_page(
        state,
        user,
        procedure_id,
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The event forms (recording one, correcting one); a correction sends its kind unchanged.
#[derive(Deserialize)]
pub struct EventForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

impl EventForm {
    fn values(self) -> EventValues {
        EventValues {
            kind: self.kind,
            date: self.date,
            note: self.note,
        }
    }
}

#[post("/procedures/{id}/events")]
pub async fn record_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = EventInput {
        kind: form.kind.clone(),
        date: form.date.clone(),
        note: form.note.clone(),
    };
    let mut errors = FieldErrors::default();
    match app::procedures::record_event(&state, &caller(&user, &meta), &id, input).await {
        Ok(recorded) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "{} recorded; the deadlines were recomputed.",
                    recorded.event.kind.label()
                ),
            );
            return Ok(see_other(&format!("/procedures/{id}")));
        }
        Err(e) => errors.absorb(e)?,
    }
    let forms = ProcedureForms {
        event: Some(form.values()),
        ..ProcedureForms::default()
    };
    procedure_page(
        &state,
        &user,
        &id,
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/procedures/{id}/events/{event_id}")]
pub async fn correct_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse, AppError> {
    let (id, event_id) = path.into_inner();
    let form = form.into_inner();
    let input = CorrectionInput {
        date: form.date.clone(),
        note: form.note.clone(),
    };
    let mut errors = FieldErrors::default();
    match app::procedures::correct_event(&state, &caller(&user, &meta), &id, &event_id, input).await
    {
        Ok(event) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "{} is now dated {}; everything counted from it was recomputed.",
                    event.kind.label(),
                    show_day(event.occurred_on)
                ),
            );
            return Ok(see_other(&format!("/procedures/{id}")));
        }
        Err(e) => errors.absorb(e)?,
    }
    let forms = ProcedureForms {
        correction: Some((event_id, form.values())),
        ..ProcedureForms::default()
    };
    // The page's other event form has the same fields: these are `correction_…`.
    procedure_page(
        &state,
        &user,
        &id,
        forms,
        errors.prefixed("correction_"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/procedures/{id}/events/{event_id}/delete")]
pub async fn delete_event(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, event_id) = path.into_inner();
    app::procedures::delete_event(&state, &caller(&user, &meta), &id, &event_id).await?;
    session::flash(
        &user.session,
        "success",
        "Event removed; the deadlines were recomputed.",
    );
    Ok(see_other(&format!("/procedures/{id}")))
}

#[post("/procedures/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let input = ProcedureChangeInput {
        provider: field(&fields, "provider"),
        case_number: field(&fields, "case_number"),
        registrar_country: field(&fields, "registrar_country"),
        parties: field(&fields, "parties"),
        panel: field(&fields, "panel"),
        fees: field(&fields, "fees"),
        currency: field(&fields, "currency"),
        outcome: field(&fields, "outcome"),
        rdnh_finding: field(&fields, "rdnh_finding") == "yes",
        notes: field(&fields, "notes"),
    };
    let mut errors = FieldErrors::default();
    match app::procedures::update(&state, &caller(&user, &meta), &id, input.clone()).await {
        Ok(procedure) => {
            session::flash(&user.session, "success", "Procedure saved.");
            return Ok(see_other(&format!("/procedures/{}", procedure.id)));
        }
        Err(e) => errors.absorb(e)?,
    }
    let details = DetailsValues {
        provider: input.provider,
        case_number: input.case_number,
        registrar_country: input.registrar_country,
        parties: input.parties,
        panel: input.panel,
        fees: input.fees,
        currency: input.currency,
        outcome: input.outcome,
        rdnh: input.rdnh_finding,
        notes: input.notes,
        sent_back: true,
    };
    let forms = ProcedureForms {
        details: Some(details),
        ..ProcedureForms::default()
    };
    procedure_page(
        &state,
        &user,
        &id,
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/procedures/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let procedure = app::procedures::close(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        format!(
            "{} closed; its deadlines left the dashboard.",
            procedure.title()
        ),
    );
    Ok(see_other(&format!("/procedures/{}", procedure.id)))
}

#[post("/procedures/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let procedure = app::procedures::reopen(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        format!("{} reopened.", procedure.title()),
    );
    Ok(see_other(&format!("/procedures/{}", procedure.id)))
}
