//! The deadlines dashboard (overdue, today, the next seven days, later), what is done on a
//! deadline (official date, done, assignee, removal of one entered by hand), the deadline
//! calculator (nothing stored), the calendars with the firm's closure days, and each person's
//! calendar feed.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::docket::{ClosureInput, DashboardQuery, PreviewEvent, PreviewInput};
use crate::app::procedures::{AssignInput, DoneInput, OfficialInput};
use crate::error::{AppError, FieldErrors};
use crate::model::paging;
use crate::model::present;
use crate::model::procedure::{Deadline, EventKind, ProcedureKind, provider_calendar};
use crate::state::AppState;
use crate::web::paging::{PageLinks, PageNavQuery};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::{Choice, DocketRow, calendar_label, docket_row};
use crate::web::{Layout, caller, render, render_status, safe_next, see_other};

pub struct Group {
    pub key: &'static str,
    pub label: &'static str,
    pub rows: Vec<DocketRow>,
}

#[derive(askama::Template)]
#[template(path = "deadlines/list.html")]
struct DashboardPage {
    layout: Layout,
    groups: Vec<Group>,
    total: usize,
    who: String,
    matter: String,
    client: String,
    show_closed: bool,
    people: Vec<Choice>,
    clients: Vec<Choice>,
    back: String,
    problem: String,
    /// Pending items of the checklists after the catch.
    after_catch: Vec<AfterCatchRow>,
    pager: PageLinks,
}

/// A pending item of a checklist after the catch, on the dashboard.
pub struct AfterCatchRow {
    pub due_on: String,
    pub overdue: bool,
    pub label: &'static str,
    pub domain: String,
    pub backorder_id: String,
    pub matter_id: String,
    pub matter_reference: String,
    pub client: String,
}

#[get("/deadlines")]
pub async fn dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DashboardQuery>,
    page: web::Query<PageNavQuery>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let request = page.request(paging::DEADLINES)?;
    let docket = app::docket::dashboard(&state, &user, query.clone(), request).await?;
    let pager = PageLinks::cursors(&req, docket.next.as_deref(), docket.prev.as_deref());
    let after_catch = docket
        .after_catch
        .iter()
        .map(|p| AfterCatchRow {
            due_on: present::weekday(p.item.due_on),
            overdue: p.item.due_on < docket.today,
            label: p.item.item.label(),
            domain: p.domain_unicode.clone(),
            backorder_id: p.item.backorder_id.to_string(),
            matter_id: p.matter_id.to_string(),
            matter_reference: p.matter_reference.clone(),
            client: p.client_name.clone(),
        })
        .collect();
    let groups = docket
        .groups()
        .into_iter()
        .map(|(urgency, entries)| Group {
            key: urgency.map_or("closed", |u| u.as_str()),
            label: urgency.map_or("Done, met or no longer applying", |u| u.label()),
            rows: entries
                .into_iter()
                .filter_map(|e| docket_row(e).map(|(_, row)| row))
                .collect(),
        })
        .collect();
    let back = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_owned(),
        None => "/deadlines".to_owned(),
    };
    render(&DashboardPage {
        layout: Layout::for_user(&user, "Deadlines", "deadlines"),
        groups,
        total: docket.entries.len(),
        who: query.who.trim().to_owned(),
        matter: query.matter.trim().to_owned(),
        client: query.client.trim().to_owned(),
        show_closed: docket.show_closed,
        people: docket
            .people
            .into_iter()
            .map(|(id, name, role)| Choice {
                value: id.to_string(),
                label: format!("{name} ({})", role.label()),
                selected: false,
            })
            .collect(),
        clients: docket
            .clients
            .into_iter()
            .map(|c| Choice {
                value: c.id.to_string(),
                label: c.name,
                selected: false,
            })
            .collect(),
        back,
        problem: docket.problem.unwrap_or_default(),
        after_catch,
        pager,
    })
}

/// Where to go back to after a deadline action: the page the form was on.
#[derive(Deserialize)]
pub struct DeadlineForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    official_on: String,
    #[serde(default)]
    assigned_to: String,
}

/// The page the form came from, or else the deadline's own: its procedure's or its matter's.
fn back_to(form: &DeadlineForm, d: &Deadline) -> String {
    if form.back.trim().is_empty() {
        match &d.procedure_id {
            Some(p) => format!("/procedures/{p}"),
            None => format!("/matters/{}", d.matter_id),
        }
    } else {
        safe_next(Some(form.back.trim()))
    }
}

#[post("/deadlines/{id}/official")]
pub async fn set_official(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    let input = OfficialInput {
        date: Some(form.official_on.clone()).filter(|t| !t.trim().is_empty()),
    };
    let after = app::procedures::set_official(&state, &caller(&user, &meta), &id, input)
        .await
        // The inline form has no room for a message: the error page says what is wrong.
        .map_err(|e| match e {
            AppError::Invalid { message, .. } => {
                AppError::BadRequest(format!("Official date: {message}"))
            }
            other => other,
        })?;
    session::flash(
        &user.session,
        "success",
        match after.official_on {
            Some(d) => format!(
                "{}: official date {} entered; later deadlines were recomputed from it.",
                after.label,
                present::weekday(d)
            ),
            None => format!("{}: back to the computed date.", after.label),
        },
    );
    Ok(see_other(&back_to(&form, &after)))
}

async fn done(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    id: &str,
    form: &DeadlineForm,
    done: bool,
) -> Result<HttpResponse, AppError> {
    let after =
        app::procedures::set_done(state, &caller(user, meta), id, DoneInput { done }).await?;
    session::flash(
        &user.session,
        "success",
        format!(
            "{} marked {}.",
            after.label,
            if done { "done" } else { "not done" }
        ),
    );
    Ok(see_other(&back_to(form, &after)))
}

#[post("/deadlines/{id}/done")]
pub async fn set_done(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    done(&state, &user, &meta, &id, &form, true).await
}

#[post("/deadlines/{id}/undone")]
pub async fn set_undone(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    done(&state, &user, &meta, &id, &form, false).await
}

#[post("/deadlines/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    let input = AssignInput {
        assigned_to: form.assigned_to.clone(),
    };
    let after = app::procedures::assign(&state, &caller(&user, &meta), &id, input).await?;
    session::flash(
        &user.session,
        "success",
        format!("{} reassigned.", after.label),
    );
    Ok(see_other(&back_to(&form, &after)))
}

#[post("/deadlines/{id}/delete")]
pub async fn remove_manual(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    let removed = app::procedures::remove_manual(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        format!("Removed {}.", removed.label),
    );
    Ok(see_other(&back_to(&form, &removed)))
}

pub struct CalcRow {
    pub due_on: String,
    pub label: String,
    pub rule: String,
    pub party: String,
    pub basis: String,
    pub calendar: String,
    pub source: String,
    pub to_verify: bool,
    pub state: String,
}

pub struct CalcEvent {
    pub kind: String,
    pub label: String,
    pub value: String,
}

#[derive(askama::Template)]
#[template(path = "deadlines/calculator.html")]
struct CalculatorPage {
    layout: Layout,
    kinds: Vec<Choice>,
    kind: String,
    provider: String,
    registrar_country: String,
    registrar_iana_id: String,
    registrar_note: String,
    events: Vec<CalcEvent>,
    rows: Vec<CalcRow>,
    computed: bool,
    errors: FieldErrors,
}

/// The calculator's inputs: the kind, the calendars and one optional date per event kind
/// (`ev_commenced=2026-11-02`). A GET form: it changes nothing.
#[get("/deadlines/calculator")]
pub async fn calculator(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let events: Vec<CalcEvent> = EventKind::ALL
        .iter()
        .map(|k| CalcEvent {
            kind: k.as_str().to_owned(),
            label: k.label().to_owned(),
            value: get(&format!("ev_{}", k.as_str())),
        })
        .collect();
    // The dates given, in order; the field of the i-th is `ev_{its kind}` on this page.
    let given: Vec<&CalcEvent> = events.iter().filter(|e| !e.value.is_empty()).collect();
    let input = PreviewInput {
        kind: get("kind"),
        events: given
            .iter()
            .map(|e| PreviewEvent {
                kind: e.kind.clone(),
                date: e.value.clone(),
            })
            .collect(),
        registrar_country: get("registrar_country"),
        registrar_iana_id: get("registrar_iana_id"),
        provider: get("provider"),
    };
    let calculation = app::docket::calculator(&state, &user, input.clone()).await?;
    let mut errors = FieldErrors::default();
    for (field, message) in calculation.errors.iter() {
        let on_page = given
            .iter()
            .enumerate()
            .find(|(i, _)| field.starts_with(&format!("events[{i}].")))
            .map_or(field.to_owned(), |(_, e)| format!("ev_{}", e.kind));
        errors.add(&on_page, message);
    }
    let registrar_note = if calculation.registrar_calendar_known {
        format!(
            "Registrar's business days: {}",
            calendar_label(calculation.registrar_calendar)
        )
    } else if calculation.registrar_calendars.len() > 1 {
        format!(
            "The registrar's region is not known: its business days may be counted on {}. Each date is the earliest they give; the basis states the range. Give the region (e.g. CA-ON) for one date.",
            calculation.registrar_calendars.join(", ")
        )
    } else {
        "Registrar's country not given or without a calendar: its business days skip weekends only."
            .to_owned()
    };
    let computed = calculation.deadlines.is_some();
    let rows = calculation
        .deadlines
        .unwrap_or_default()
        .into_iter()
        .map(|d| CalcRow {
            due_on: present::weekday(d.due_on),
            label: d.label.to_owned(),
            rule: d.rule.to_owned(),
            party: d.party.to_owned(),
            basis: d.basis,
            calendar: d.calendar,
            source: d.source.to_owned(),
            to_verify: d.to_verify,
            state: d.state.label().to_owned(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &CalculatorPage {
            layout: Layout::for_user(&user, "Deadline calculator", "deadlines"),
            kinds: ProcedureKind::ALL
                .iter()
                .map(|k| {
                    let provider = k.providers().first().copied().unwrap_or_default();
                    Choice {
                        value: k.as_str().to_owned(),
                        label: format!(
                            "{} (provider {provider}, calendar {})",
                            k.label(),
                            provider_calendar(provider)
                        ),
                        selected: false,
                    }
                })
                .collect(),
            kind: input.kind,
            provider: input.provider,
            registrar_country: input.registrar_country,
            registrar_iana_id: input.registrar_iana_id,
            registrar_note,
            events,
            rows,
            computed,
            errors,
        },
    )
}

pub struct HolidayRow {
    pub date: String,
    pub name: String,
}

pub struct CalendarView {
    pub id: String,
    pub name: String,
    pub source: String,
    pub holidays: Vec<HolidayRow>,
}

pub struct ClosureRow {
    pub id: String,
    pub calendar: String,
    pub day: String,
    pub note: String,
}

#[derive(askama::Template)]
#[template(path = "deadlines/calendars.html")]
struct CalendarsPage {
    layout: Layout,
    year: i32,
    calendars: Vec<CalendarView>,
    closures: Vec<ClosureRow>,
    can_edit: bool,
    errors: FieldErrors,
    values: ClosureInput,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

async fn calendars_page(
    state: &AppState,
    user: &CurrentUser,
    year: Option<i32>,
    values: ClosureInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let view = app::docket::calendars(state, user, year).await?;
    render_status(
        status,
        &CalendarsPage {
            layout: Layout::for_user(user, "Calendars", "deadlines"),
            year: view.year,
            calendars: view
                .calendars
                .into_iter()
                .map(|(c, holidays)| CalendarView {
                    id: c.id.to_owned(),
                    name: c.name.to_owned(),
                    source: c.source.to_owned(),
                    holidays: holidays
                        .into_iter()
                        .map(|(d, name)| HolidayRow {
                            date: present::weekday_in_year(d),
                            name: name.to_owned(),
                        })
                        .collect(),
                })
                .collect(),
            closures: view
                .closures
                .into_iter()
                .map(|c| ClosureRow {
                    id: c.id.to_string(),
                    calendar: c.calendar,
                    day: present::weekday(c.day),
                    note: c.note,
                })
                .collect(),
            can_edit: view.can_edit,
            errors,
            values,
        },
    )
}

#[get("/calendars")]
pub async fn calendars(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    calendars_page(
        &state,
        &user,
        query.year,
        ClosureInput::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/calendars/closures")]
pub async fn add_closure(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<ClosureInput>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::docket::add_closure(&state, &caller(&user, &meta), form.clone()).await {
        Ok(closure) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "{} is now a closure day of {}; running procedures were recomputed.",
                    present::day(closure.day),
                    closure.calendar
                ),
            );
            return Ok(see_other("/calendars"));
        }
        Err(e) => errors.absorb(e)?,
    }
    calendars_page(
        &state,
        &user,
        None,
        form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/calendars/closures/{id}/delete")]
pub async fn remove_closure(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    app::docket::remove_closure(&state, &caller(&user, &meta), &id).await?;
    session::flash(
        &user.session,
        "success",
        "Closure day removed; running procedures were recomputed.",
    );
    Ok(see_other("/calendars"))
}

/// A person's deadlines as iCalendar. No session: calendar programs send no cookies, so the
/// signed token in the path is the credential; an unknown, altered or replaced token is 404.
#[get("/calendar/{token}.ics")]
pub async fn feed(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let body = app::docket::feed(&state, &token).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .body(body))
}
