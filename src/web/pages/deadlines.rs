//! The deadlines dashboard (overdue, today, the next seven days, later), the deadline calculator
//! (nothing stored), the calendars with the firm's closure days, and each person's calendar feed.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use chrono::Datelike;
use serde::Deserialize;

use crate::db::DbError;
use crate::docket;
use crate::error::{AppError, FieldErrors};
use crate::model::calendar::{CALENDARS, holidays};
use crate::model::deadlines::{self as rules, Urgency};
use crate::model::ids::{ClientId, ClosureId, UserId};
use crate::model::present;
use crate::model::procedure::{EventKind, ProcedureKind, provider_calendar, registrar_calendar};
use crate::repo::procedures::{self, DocketFilter, parse_country};
use crate::repo::{clients, matters};
use crate::state::AppState;
use crate::web::pages::procedures::{parse_date, procedure_error};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::{Choice, DocketRow, calendar_label, docket_row};
use crate::web::{Layout, actor, render, render_status, see_other};

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
}

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    #[serde(default)]
    who: String,
    #[serde(default)]
    matter: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    closed: String,
}

#[get("/deadlines")]
pub async fn dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DashboardQuery>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let today = state.clock.now().date_naive();
    let mut problem = String::new();
    let who = query.who.trim().to_owned();
    let mine = who == "me";
    let assigned = if who.is_empty() || mine {
        None
    } else {
        match UserId::parse(&who) {
            Ok(id) => Some(id),
            Err(_) => {
                problem =
                    "That person is not in the list; showing everyone's deadlines.".to_owned();
                None
            }
        }
    };
    let client = if query.client.trim().is_empty() {
        None
    } else {
        match ClientId::parse(query.client.trim()) {
            Ok(id) => Some(id),
            Err(_) => {
                problem = "That client is not in the list; showing every client.".to_owned();
                None
            }
        }
    };
    let reference = query.matter.trim().to_uppercase();
    let show_closed = query.closed == "yes";
    let me = user.id.clone();
    let (entries, people, client_list, matter_missing) = state
        .db
        .run(move |c| {
            let matter = match crate::model::matter::MatterReference::parse(&reference) {
                Ok(r) if !reference.is_empty() => matters::find_by_reference(c, &r)?,
                _ => None,
            };
            let matter_missing = !reference.is_empty() && matter.is_none();
            let filter = DocketFilter {
                assigned_to: assigned,
                matter_id: matter.map(|m| m.id),
                client_id: client,
                include_closed: show_closed,
                due_by: None,
            };
            let entries = if matter_missing {
                Vec::new()
            } else if mine {
                procedures::mine(c, &me, &filter)?
            } else {
                procedures::docket(c, &filter)?
            };
            Ok::<_, DbError>((
                entries,
                matters::firm_people(c)?,
                clients::list(c)?,
                matter_missing,
            ))
        })
        .await?;
    if matter_missing {
        problem = format!(
            "There is no matter {}; check the reference (e.g. M-2026-0001).",
            query.matter.trim()
        );
    }
    let mut groups: Vec<Group> = Urgency::ALL
        .iter()
        .map(|u| Group {
            key: u.as_str(),
            label: u.label(),
            rows: Vec::new(),
        })
        .collect();
    let mut finished = Group {
        key: "closed",
        label: "Done, met or no longer applying",
        rows: Vec::new(),
    };
    let total = entries.len();
    for e in entries {
        let d = &e.deadline;
        let Some((due, row)) = docket_row(&e) else {
            continue;
        };
        if d.is_open() {
            let bucket = Urgency::of(due, today);
            if let Some(g) = groups.iter_mut().find(|g| g.key == bucket.as_str()) {
                g.rows.push(row);
            }
        } else {
            finished.rows.push(row);
        }
    }
    if show_closed {
        groups.push(finished);
    }
    let back = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_owned(),
        None => "/deadlines".to_owned(),
    };
    render(&DashboardPage {
        layout: Layout::for_user(&user, "Deadlines", "deadlines"),
        groups,
        total,
        who,
        matter: query.matter.trim().to_owned(),
        client: query.client.trim().to_owned(),
        show_closed,
        people: people
            .into_iter()
            .map(|(id, name, role)| Choice {
                value: id.to_string(),
                label: format!("{name} ({})", role.label()),
                selected: false,
            })
            .collect(),
        clients: client_list
            .into_iter()
            .map(|c| Choice {
                value: c.id.to_string(),
                label: c.name,
                selected: false,
            })
            .collect(),
        back,
        problem,
    })
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
    user.require_staff()?;
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let kind_text = get("kind");
    let provider = get("provider");
    let country_text = get("registrar_country");
    let mut errors = FieldErrors::default();
    let mut events = Vec::new();
    let mut inputs = Vec::new();
    for k in EventKind::ALL {
        let value = get(&format!("ev_{}", k.as_str()));
        if !value.is_empty() {
            match parse_date(&format!("ev_{}", k.as_str()), &value) {
                Ok(date) => inputs.push(rules::Event { kind: *k, date }),
                Err(e) => {
                    let _ = errors.absorb(e);
                }
            }
        }
        events.push(CalcEvent {
            kind: k.as_str().to_owned(),
            label: k.label().to_owned(),
            value,
        });
    }
    let kind = if kind_text.is_empty() {
        None
    } else {
        match kind_text.parse::<ProcedureKind>() {
            Ok(k) => Some(k),
            Err(e) => {
                errors.add("kind", e);
                None
            }
        }
    };
    let country = parse_country(&country_text)
        .map_err(|e| errors.add("registrar_country", e))
        .ok()
        .flatten();
    let (calendar, known) = registrar_calendar(country.as_deref());
    let registrar_note = if known {
        format!("Registrar's business days: {}", calendar_label(calendar))
    } else {
        "Registrar's country not given or without a calendar: its business days skip weekends only."
            .to_owned()
    };
    let mut rows = Vec::new();
    let computed = kind.is_some() && errors.is_empty() && !inputs.is_empty();
    if let (Some(kind), true) = (kind, computed) {
        let provider_text = provider.clone();
        let deadlines = state
            .db
            .run(move |c| procedures::preview(c, kind, &provider_text, country.as_deref(), &inputs))
            .await?;
        rows = deadlines
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
    }
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
                .map(|k| Choice {
                    value: k.as_str().to_owned(),
                    label: format!(
                        "{} (provider {}, calendar {})",
                        k.label(),
                        k.providers().first().copied().unwrap_or_default(),
                        provider_calendar(k.providers().first().copied().unwrap_or_default())
                    ),
                    selected: false,
                })
                .collect(),
            kind: kind_text,
            provider,
            registrar_country: country_text,
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
    values: ClosureForm,
}

#[derive(Deserialize, Default)]
pub struct ClosureForm {
    #[serde(default)]
    calendar: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

async fn calendars_page(
    state: &AppState,
    user: &CurrentUser,
    year: Option<i32>,
    values: ClosureForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let this_year = state.clock.now().year();
    let year = year
        .filter(|y| (1990..=2100).contains(y))
        .unwrap_or(this_year);
    let closures = state.db.run(procedures::closures).await?;
    render_status(
        status,
        &CalendarsPage {
            layout: Layout::for_user(user, "Calendars", "deadlines"),
            year,
            calendars: CALENDARS
                .iter()
                .map(|c| CalendarView {
                    id: c.id.to_owned(),
                    name: c.name.to_owned(),
                    source: c.source.to_owned(),
                    holidays: holidays(c.id, year)
                        .into_iter()
                        .map(|(d, name)| HolidayRow {
                            date: present::weekday_in_year(d),
                            name: name.to_owned(),
                        })
                        .collect(),
                })
                .collect(),
            closures: closures
                .into_iter()
                .map(|c| ClosureRow {
                    id: c.id.to_string(),
                    calendar: c.calendar,
                    day: present::weekday(c.day),
                    note: c.note,
                })
                .collect(),
            can_edit: user.require_lawyer_or_admin().is_ok(),
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
        ClosureForm::default(),
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
    form: web::Form<ClosureForm>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match parse_date("day", &form.day) {
        Ok(day) => {
            let actor = actor(&user, &meta, state.clock.now());
            let (calendar, note) = (
                form.calendar.clone(),
                form.note.trim().chars().take(200).collect::<String>(),
            );
            match state
                .db
                .run(move |c| procedures::add_closure(c, &actor, &calendar, day, &note))
                .await
            {
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
                Err(e) => errors.absorb(procedure_error(e))?,
            }
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
    user.require_lawyer_or_admin()?;
    let id = ClosureId::parse(&id).map_err(|_| AppError::not_found("closure day"))?;
    let actor = actor(&user, &meta, state.clock.now());
    state
        .db
        .run(move |c| procedures::remove_closure(c, &actor, &id))
        .await
        .map_err(|e| match e {
            procedures::ProcedureError::BadCalendar(_) => AppError::not_found("closure day"),
            other => procedure_error(other),
        })?;
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
    let token = token.into_inner();
    let link_key = state.keys.link_tokens;
    let public_url = state.settings.public_url.clone();
    let now = state.clock.now();
    let body = state
        .db
        .run(move |c| {
            let Some(user) = docket::feed_owner(c, &link_key, &token)? else {
                return Ok(None);
            };
            docket::feed(c, &public_url, &user, now).map(Some)
        })
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "This calendar link is not valid any more. Copy the current one from your account page in reclaim."
                    .to_owned(),
            )
        })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .body(body))
}
