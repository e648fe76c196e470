//! The docket: deadlines across the firm. The deadlines dashboard (with its filters) and its
//! API list, the calculator and its API twin (a schedule computed from events, nothing
//! stored), the calendars with the firm's closure days, each person's calendar feed, and the
//! daily reminders (a digest per person and overdue alerts, through the outbox).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use serde::Deserialize;

use crate::app::access::{Caller, Principal};
use crate::app::procedures::{parse_date, parse_event_kind, parse_kind};
use crate::auth::tokens;
use crate::config::PublicUrl;
use crate::db::{DbConn, DbError};
use crate::error::{AppError, FieldErrors};
use crate::ics;
use crate::mail::{self, Draft};
use crate::model::calendar::{CALENDARS, CalendarInfo, holidays};
use crate::model::client::Client;
use crate::model::deadlines::{self as rules, Urgency};
use crate::model::ids::{ClientId, ClosureId, DeadlineId, FindingId, MatterId, UserId};
use crate::model::lookalike_finding::LookalikeFinding;
use crate::model::matter::MatterReference;
use crate::model::outbox::MessageKind;
use crate::model::paging::{Page, PageRequest};
use crate::model::present::weekday as day;
use crate::model::procedure::{
    Closure, Deadline, DocketEntry, ProcedureKind, registrar_calendar, registrar_calendars,
};
use crate::model::user::{Role, User};
use crate::repo::outbox::{self, NewMessage};
use crate::repo::procedures::{self, DocketFilter, Person};
use crate::repo::{clients, lookalikes, matters, users};
use crate::state::AppState;

// ---- The dashboard ----

/// The dashboard's filters, as its form sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DashboardQuery {
    /// Empty: everyone's; `me`: the caller's own; else a person's id (assigned to them).
    #[serde(default)]
    pub who: String,
    /// A matter's reference (M-2026-0001).
    #[serde(default)]
    pub matter: String,
    /// A client's id.
    #[serde(default)]
    pub client: String,
    /// `yes`: also those done, met or no longer applying.
    #[serde(default)]
    pub closed: String,
}

/// The deadlines dashboard.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// By due date: one page.
    pub entries: Vec<DocketEntry>,
    /// Where the next page starts, if there is one.
    pub next: Option<String>,
    /// Where the previous page ends, if there is one.
    pub prev: Option<String>,
    pub today: NaiveDate,
    pub show_closed: bool,
    /// The firm's people, for the filter.
    pub people: Vec<(UserId, String, Role)>,
    pub clients: Vec<Client>,
    /// A filter that could not be applied, in words; it is left out.
    pub problem: Option<String>,
    /// The pending items of the checklists after the catch, soonest due first.
    pub after_catch: Vec<crate::repo::after_catch::PendingItem>,
}

impl Dashboard {
    /// The entries by where they sit (overdue, today, the next seven days, later), then,
    /// when asked for, those finished (`None`). Entries without a due day are in no group.
    pub fn groups(&self) -> Vec<(Option<Urgency>, Vec<&DocketEntry>)> {
        let mut groups: Vec<(Option<Urgency>, Vec<&DocketEntry>)> = Urgency::ALL
            .iter()
            .map(|u| (Some(*u), Vec::new()))
            .collect();
        let mut finished = Vec::new();
        for e in &self.entries {
            let Some(due) = e.deadline.due_on() else {
                continue;
            };
            if e.deadline.is_open() {
                let bucket = Urgency::of(due, self.today);
                if let Some((_, rows)) = groups.iter_mut().find(|(u, _)| *u == Some(bucket)) {
                    rows.push(e);
                }
            } else {
                finished.push(e);
            }
        }
        if self.show_closed {
            groups.push((None, finished));
        }
        groups
    }
}

/// The deadlines of open matters and running procedures (staff), filtered by person, matter
/// and client; a filter that names nothing known is left out and said so.
pub async fn dashboard(
    state: &AppState,
    user: &Principal,
    query: DashboardQuery,
    request: PageRequest,
) -> Result<Dashboard, AppError> {
    user.require_staff()?;
    let mut problem = None;
    let who = query.who.trim();
    let mine = (who == "me").then(|| user.id.clone());
    let assigned = match who {
        "" | "me" => None,
        id => UserId::parse(id)
            .map_err(|_| {
                problem =
                    Some("That person is not in the list; showing everyone's deadlines.".to_owned())
            })
            .ok(),
    };
    let client = match query.client.trim() {
        "" => None,
        id => ClientId::parse(id)
            .map_err(|_| {
                problem = Some("That client is not in the list; showing every client.".to_owned())
            })
            .ok(),
    };
    let reference = query.matter.trim().to_uppercase();
    let show_closed = query.closed == "yes";
    let (entries, after_catch, people, clients, matter_missing) = state
        .db
        .run(move |c| {
            let matter = match MatterReference::parse(&reference) {
                Ok(r) if !reference.is_empty() => matters::find_by_reference(c, &r)?,
                _ => None,
            };
            let matter_missing = !reference.is_empty() && matter.is_none();
            // A caught name's checklist is its matter's lawyer's to follow.
            let checklist_filter = crate::repo::after_catch::PendingFilter {
                matter_id: matter.as_ref().map(|m| m.id.clone()),
                client_id: client.clone(),
                responsible_lawyer_id: mine.clone().or_else(|| assigned.clone()),
            };
            let filter = DocketFilter {
                assigned_to: assigned,
                matter_id: matter.map(|m| m.id),
                client_id: client,
                mine,
                include_closed: show_closed,
                due_by: None,
                due_between: None,
            };
            let (entries, after_catch) = if matter_missing {
                (Page::empty(), Vec::new())
            } else {
                (
                    procedures::docket_page(c, &filter, &request)?,
                    crate::repo::after_catch::pending(c, &checklist_filter)?,
                )
            };
            Ok::<_, DbError>((
                entries,
                after_catch,
                matters::firm_people(c)?,
                clients::list(c)?,
                matter_missing,
            ))
        })
        .await?;
    if matter_missing {
        problem = Some(format!(
            "There is no matter {}; check the reference (e.g. M-2026-0001).",
            query.matter.trim()
        ));
    }
    Ok(Dashboard {
        next: entries.next,
        prev: entries.prev,
        entries: entries.rows,
        today: state.clock.now().date_naive(),
        show_closed,
        people,
        clients,
        problem,
        after_catch,
    })
}

/// Whose deadlines the API lists.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `me` for the caller's own; `all` or nothing for everyone's.
    #[serde(default)]
    #[param(pattern = "^(me|all)?$")]
    pub who: String,
}

/// The running deadlines of open matters (staff), everyone's or the caller's own, in one
/// query.
pub async fn list(
    state: &AppState,
    user: &Principal,
    query: ListQuery,
    request: PageRequest,
) -> Result<Page<DocketEntry>, AppError> {
    user.require_staff()?;
    let mine = match query.who.trim() {
        "" | "all" => None,
        "me" => Some(user.id.clone()),
        other => {
            return Err(AppError::invalid(
                "who",
                format!("'{other}' is not a choice; use who=me or leave it out for everyone."),
            ));
        }
    };
    let filter = DocketFilter {
        mine,
        ..DocketFilter::default()
    };
    Ok(state
        .db
        .run(move |c| procedures::docket_page(c, &filter, &request))
        .await?)
}

// ---- The calculator ----

/// A schedule to compute from events, storing nothing.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PreviewInput {
    #[schema(value_type = ProcedureKind)]
    pub kind: String,
    #[serde(default)]
    pub events: Vec<PreviewEvent>,
    /// ISO 3166-1 country code (`US`) or ISO 3166-2 subdivision code (`CA-ON`, `US-AZ`,
    /// `GB-SCT`, `DE-BY`) of the registrar's principal office. A country whose regions have
    /// different calendars, without its region, gives each deadline's earliest date and the
    /// range (`latest_on`).
    #[serde(default, deserialize_with = "crate::app::procedures::text")]
    pub registrar_country: String,
    /// The registrar's IANA ID: with `registrar_country` blank, its location comes from the
    /// registrar directory (`data/registrars.toml`).
    #[serde(default, deserialize_with = "crate::app::procedures::text")]
    pub registrar_iana_id: String,
    /// Default: the kind's usual provider.
    #[serde(default, deserialize_with = "crate::app::procedures::text")]
    pub provider: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PreviewEvent {
    #[schema(value_type = crate::model::procedure::EventKind)]
    pub kind: String,
    #[schema(format = Date)]
    pub date: String,
}

/// A computed schedule.
#[derive(Debug, Clone)]
pub struct Preview {
    pub kind: ProcedureKind,
    /// The calendar the registrar's business days are counted on, and whether it came from a
    /// known country (else weekends only).
    pub registrar_calendar: &'static str,
    pub registrar_calendar_known: bool,
    /// Every calendar the registrar's days may be counted on: several when its region is
    /// unknown (docs/legal.md §3.3).
    pub registrar_calendars: Vec<&'static str>,
    pub deadlines: Vec<rules::Deadline>,
}

/// The calculator page: what it could compute, and what is wrong with what was typed.
#[derive(Debug, Clone)]
pub struct Calculation {
    pub registrar_calendar: &'static str,
    pub registrar_calendar_known: bool,
    /// Every calendar the registrar's days may be counted on (several: region unknown).
    pub registrar_calendars: Vec<&'static str>,
    /// `None` until a kind and at least one event are given, all readable.
    pub deadlines: Option<Vec<rules::Deadline>>,
    /// By field: `kind`, `registrar_country`, `events[i].kind`, `events[i].date`.
    pub errors: FieldErrors,
}

/// What the preview's input says, checked; problems go to `errors`.
fn check_preview(
    input: &PreviewInput,
    errors: &mut FieldErrors,
) -> (Option<ProcedureKind>, Option<String>, Vec<rules::Event>) {
    let kind = parse_kind(&input.kind)
        .map_err(|e| errors.add("kind", e))
        .ok();
    let country = crate::app::procedures::registrar_location(
        &input.registrar_country,
        &input.registrar_iana_id,
        errors,
    )
    .flatten();
    let mut events = Vec::new();
    for (i, e) in input.events.iter().enumerate() {
        let kind = parse_event_kind(&e.kind)
            .map_err(|err| errors.add(&format!("events[{i}].kind"), err))
            .ok();
        let date = parse_date(&format!("events[{i}].date"), &e.date)
            .map_err(|err| {
                let _ = errors.absorb(err);
            })
            .ok();
        if let (Some(kind), Some(date)) = (kind, date) {
            events.push(rules::Event { kind, date });
        }
    }
    (kind, country, events)
}

async fn schedule(
    state: &AppState,
    kind: ProcedureKind,
    provider: String,
    country: Option<String>,
    events: Vec<rules::Event>,
) -> Result<Vec<rules::Deadline>, AppError> {
    Ok(state
        .db
        .run(move |c| procedures::preview(c, kind, &provider, country.as_deref(), &events))
        .await?)
}

/// The deadlines a procedure's events set, storing nothing (staff). Errors name `kind`,
/// `registrar_country`, `events[i].kind` and `events[i].date`.
pub async fn preview(
    state: &AppState,
    user: &Principal,
    input: PreviewInput,
) -> Result<Preview, AppError> {
    user.require_staff()?;
    let mut errors = FieldErrors::default();
    let (kind, country, events) = check_preview(&input, &mut errors);
    errors.check()?;
    let Some(kind) = kind else {
        return Err(AppError::invalid("kind", "Give the procedure's kind."));
    };
    let (calendar, known) = registrar_calendar(country.as_deref());
    let calendars = registrar_calendars(country.as_deref()).ids();
    let deadlines = schedule(state, kind, input.provider, country, events).await?;
    Ok(Preview {
        kind,
        registrar_calendar: calendar,
        registrar_calendar_known: known,
        registrar_calendars: calendars,
        deadlines,
    })
}

/// The calculator (staff): like [`preview`], but a blank kind or no event computes nothing
/// instead of being wrong, and the problems come back with what could be read.
pub async fn calculator(
    state: &AppState,
    user: &Principal,
    input: PreviewInput,
) -> Result<Calculation, AppError> {
    user.require_staff()?;
    let mut errors = FieldErrors::default();
    let blank = input.kind.trim().is_empty();
    let (kind, country, events) = check_preview(&input, &mut errors);
    if blank {
        // Nothing chosen yet is not a mistake.
        errors = without(errors, "kind");
    }
    let (calendar, known) = registrar_calendar(country.as_deref());
    let calendars = registrar_calendars(country.as_deref()).ids();
    let deadlines = match kind {
        Some(kind) if errors.is_empty() && !events.is_empty() => {
            Some(schedule(state, kind, input.provider, country, events).await?)
        }
        _ => None,
    };
    Ok(Calculation {
        registrar_calendar: calendar,
        registrar_calendar_known: known,
        registrar_calendars: calendars,
        deadlines,
        errors,
    })
}

fn without(errors: FieldErrors, field: &str) -> FieldErrors {
    let mut kept = FieldErrors::default();
    for (f, m) in errors.iter().filter(|(f, _)| *f != field) {
        kept.add(f, m);
    }
    kept
}

// ---- Calendars and closure days ----

/// The calendars' public holidays in a year, and the closure days the firm entered.
#[derive(Debug, Clone)]
pub struct Calendars {
    pub year: i32,
    /// Every calendar with its holidays that year.
    pub calendars: Vec<(&'static CalendarInfo, Vec<(NaiveDate, &'static str)>)>,
    /// By day.
    pub closures: Vec<Closure>,
    /// Lawyers and admins add and remove closure days.
    pub can_edit: bool,
}

/// The calendars (staff), for `year` (this year when not given or out of 1990–2100).
pub async fn calendars(
    state: &AppState,
    user: &Principal,
    year: Option<i32>,
) -> Result<Calendars, AppError> {
    user.require_staff()?;
    let year = year
        .filter(|y| (1990..=2100).contains(y))
        .unwrap_or_else(|| state.clock.now().year());
    let closures = state.db.run(procedures::closures).await?;
    Ok(Calendars {
        year,
        calendars: CALENDARS
            .iter()
            .map(|c| (c, holidays(c.id, year)))
            .collect(),
        closures,
        can_edit: user.is_lawyer_or_admin(),
    })
}

/// A day a calendar is closed, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClosureInput {
    /// A calendar's id (CH-GE, US-FED…).
    #[serde(default)]
    pub calendar: String,
    #[serde(default)]
    #[schema(format = Date)]
    pub day: String,
    #[serde(default)]
    pub note: String,
}

/// Adds a closure day (lawyers and admins); running procedures are recomputed. Errors name
/// `day` and `calendar`.
pub async fn add_closure(
    state: &AppState,
    caller: &Caller,
    input: ClosureInput,
) -> Result<Closure, AppError> {
    caller.require_lawyer_or_admin()?;
    let day = parse_date("day", &input.day)?;
    let note: String = input.note.trim().chars().take(200).collect();
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::add_closure(c, &actor, &input.calendar, day, &note))
        .await?)
}

/// Removes a closure day (lawyers and admins); running procedures are recomputed.
pub async fn remove_closure(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    caller.require_lawyer_or_admin()?;
    let id = ClosureId::parse(id).map_err(|_| AppError::not_found("closure day"))?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::remove_closure(c, &actor, &id))
        .await?)
}

// ---- The calendar feed ----

const FEED_PURPOSE: &str = "calendar-feed";

/// The URL of a person's deadline feed (`/calendar/{token}.ics`).
pub fn feed_url(state: &AppState, feed_key: &str) -> String {
    let token = tokens::sign(&state.keys.link_tokens, FEED_PURPOSE, feed_key.as_bytes());
    state
        .settings
        .public_url
        .join(&format!("/calendar/{token}.ics"))
}

/// The person a feed token opens: signed by this instance and carrying a current key.
fn feed_owner(
    conn: &mut DbConn,
    link_key: &[u8; 32],
    token: &str,
) -> Result<Option<User>, DbError> {
    let Some(payload) = tokens::verify(link_key, FEED_PURPOSE, token) else {
        return Ok(None);
    };
    let Ok(key) = String::from_utf8(payload) else {
        return Ok(None);
    };
    let user = users::find_by_calendar_feed_key(conn, &key)?;
    // Client accounts have no docket.
    Ok(user.filter(|u| u.role.is_staff()))
}

/// A person's deadlines as iCalendar, opened by the signed token of their feed link (the
/// token is the credential: calendar programs send no cookies). An unknown, altered or
/// replaced token is "not found". Two queries.
pub async fn feed(state: &AppState, token: &str) -> Result<String, AppError> {
    let token = token.to_owned();
    let link_key = state.keys.link_tokens;
    let public_url = state.settings.public_url.clone();
    let now = state.clock.now();
    state
        .db
        .run(move |c| {
            let Some(user) = feed_owner(c, &link_key, &token)? else {
                return Ok(None);
            };
            calendar_of(c, &public_url, &user, now).map(Some)
        })
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "This calendar link is not valid any more. Copy the current one from your account page in reclaim."
                    .to_owned(),
            )
        })
}

/// "M-2026-0001 — Response due (UDRP D2026-0001 (WIPO), acme.com)".
fn describe(entry: &DocketEntry) -> String {
    let mut what = format!("{} — {}", entry.matter_reference, entry.deadline.label);
    if let Some(procedure) = &entry.procedure {
        what.push_str(&format!(" ({procedure}"));
        if !entry.domains.is_empty() {
            what.push_str(&format!(", {}", entry.domains.join(", ")));
        }
        what.push(')');
    }
    what
}

/// The link to open a deadline in reclaim.
fn link(public_url: &PublicUrl, entry: &DocketEntry) -> String {
    match &entry.deadline.procedure_id {
        Some(p) => public_url.join(&format!("/procedures/{p}")),
        None => public_url.join(&format!("/matters/{}", entry.deadline.matter_id)),
    }
}

/// A person's calendar: their open deadlines, and those finished in the last 90 days (shown
/// as cancelled so calendars drop them).
fn calendar_of(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    user: &User,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let filter = DocketFilter {
        mine: Some(user.id.clone()),
        include_closed: true,
        ..Default::default()
    };
    let since = now.date_naive() - Duration::days(90);
    let entries: Vec<ics::Entry> = procedures::docket(conn, &filter)?
        .into_iter()
        .filter_map(|entry| {
            let date = entry.deadline.due_on()?;
            let open = entry.deadline.is_open();
            if !open && date < since {
                return None;
            }
            let d = &entry.deadline;
            let mut description = format!(
                "Matter {} — {} ({})",
                entry.matter_reference, entry.matter_title, entry.client_name
            );
            if let Some(p) = &entry.procedure {
                description.push_str(&format!("\n{p}"));
            }
            if !entry.domains.is_empty() {
                description.push_str(&format!("\nNames: {}", entry.domains.join(", ")));
            }
            description.push_str(&format!("\nRule: {}", d.rule_label()));
            if !d.basis.is_empty() {
                description.push_str(&format!("\nHow: {}", d.basis));
            }
            if d.official_on.is_some() && !d.is_manual() {
                description.push_str("\nDate from the provider's notice (official).");
            }
            if d.to_verify() {
                description.push_str("\nTo verify: the rule's source is not confirmed.");
            }
            Some(ics::Entry {
                uid: format!("{}@reclaim", d.id),
                date,
                summary: format!(
                    "{}{}",
                    if d.to_verify() { "[to verify] " } else { "" },
                    describe(&entry)
                ),
                description,
                url: Some(link(public_url, &entry)),
                closed: !open,
                alarm_days_before: Some(1),
            })
        })
        .collect();
    Ok(ics::calendar(
        &format!("reclaim deadlines — {}", user.name),
        &entries,
        now,
    ))
}

// ---- Reminders ----

/// What a reminders run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReminderReport {
    pub digests: usize,
    pub overdue_alerts: usize,
    /// New lookalike findings sent in the digests.
    pub lookalikes: usize,
}

impl std::fmt::Display for ReminderReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} digest(s) and {} overdue alert(s) queued",
            self.digests, self.overdue_alerts
        )?;
        if self.lookalikes > 0 {
            write!(f, "; {} new lookalike(s) in the digests", self.lookalikes)?;
        }
        Ok(())
    }
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// Who works on what, read once for a whole run: the active people by id, and each matter's
/// people (its responsible lawyer first, then its team).
struct Firm<'a> {
    people: HashMap<&'a UserId, &'a Person>,
    on_matter: HashMap<MatterId, Vec<UserId>>,
}

impl<'a> Firm<'a> {
    fn new(people: &'a [Person], pairs: Vec<(MatterId, UserId)>) -> Self {
        let mut on_matter: HashMap<MatterId, Vec<UserId>> = HashMap::new();
        for (matter, user) in pairs {
            let list = on_matter.entry(matter).or_default();
            if !list.contains(&user) {
                list.push(user);
            }
        }
        Self {
            people: people.iter().map(|p| (&p.0, p)).collect(),
            on_matter,
        }
    }

    /// Who answers for a deadline: its assignee when active, else the matter's lawyer and
    /// team, those active.
    fn responsible(&self, d: &Deadline) -> Vec<&'a Person> {
        if let Some(person) = d.assigned_to.as_ref().and_then(|a| self.people.get(a)) {
            return vec![*person];
        }
        self.on_matter
            .get(&d.matter_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.people.get(id).copied())
            .collect()
    }

    /// A person's own among `entries`: those assigned to them, and the unassigned ones of the
    /// matters they work on.
    fn own<'e>(&self, person: &UserId, entries: &'e [DocketEntry]) -> Vec<&'e DocketEntry> {
        entries
            .iter()
            .filter(|e| match &e.deadline.assigned_to {
                Some(assignee) => assignee == person,
                None => self
                    .on_matter
                    .get(&e.deadline.matter_id)
                    .is_some_and(|people| people.contains(person)),
            })
            .collect()
    }
}

/// New findings one digest lists at most (the most dangerous first).
const MAX_LOOKALIKES_IN_DIGEST: usize = 50;

/// Who is told of a new finding: the responsible lawyer of the matter whose mark it imitates;
/// for a client's brand term (or a matter since closed), the responsible lawyers of the
/// client's open matters.
struct LookalikeRecipients<'a> {
    by_matter: HashMap<&'a MatterId, &'a UserId>,
    by_client: HashMap<&'a ClientId, Vec<&'a UserId>>,
    client_names: HashMap<&'a ClientId, &'a str>,
}

impl<'a> LookalikeRecipients<'a> {
    fn new(lawyers: &'a [(MatterId, ClientId, String, UserId)]) -> Self {
        let mut r = Self {
            by_matter: HashMap::new(),
            by_client: HashMap::new(),
            client_names: HashMap::new(),
        };
        for (matter, client, name, lawyer) in lawyers {
            r.by_matter.insert(matter, lawyer);
            let list = r.by_client.entry(client).or_default();
            if !list.contains(&lawyer) {
                list.push(lawyer);
            }
            r.client_names.insert(client, name);
        }
        r
    }

    /// The findings `person` answers for, with their client's name.
    fn own<'f>(
        &self,
        person: &UserId,
        findings: &'f [LookalikeFinding],
    ) -> Vec<(&'f LookalikeFinding, &'a str)> {
        findings
            .iter()
            .filter(
                |f| match f.matter_id.as_ref().and_then(|m| self.by_matter.get(m)) {
                    Some(lawyer) => *lawyer == person,
                    None => self
                        .by_client
                        .get(&f.client_id)
                        .is_some_and(|l| l.contains(&person)),
                },
            )
            .map(|f| {
                let client = self.client_names.get(&f.client_id).copied().unwrap_or("");
                (f, client)
            })
            .collect()
    }
}

/// One reminder to queue.
struct Reminder {
    /// The outbox's dedupe key: a reminder is queued once.
    key: String,
    to: String,
    subject: String,
    text: String,
    matter: Option<MatterId>,
}

/// Queues, through the outbox, an alert for every deadline that became overdue (once per
/// deadline and date) and, from the configured hour, one digest per person per day of what is
/// due within the configured days. The docket, the people and who works on what are read
/// once, whatever the number of people; then only the new messages are written.
pub async fn send_reminders(state: &AppState) -> Result<ReminderReport, DbError> {
    let now = state.clock.now();
    let (mailer, public_url) = (state.mailer.clone(), state.settings.public_url.clone());
    let (days, hour) = (state.settings.reminder_days, state.settings.reminder_hour);
    state
        .db
        .run(move |conn| {
            let today = now.date_naive();
            let horizon = today + Duration::days(i64::from(days));
            // Everything due by the horizon, overdue included.
            let docket = procedures::docket(
                conn,
                &DocketFilter {
                    due_by: Some(horizon),
                    ..Default::default()
                },
            )?;
            let people = procedures::active_people(conn)?;
            let firm = Firm::new(&people, procedures::matter_people(conn)?);

            let overdue: Vec<&DocketEntry> = docket
                .iter()
                .filter(|e| e.deadline.overdue_alerted_at.is_none())
                .filter(|e| e.deadline.due_on().is_some_and(|d| d < today))
                .collect();
            let alerts: Vec<(DeadlineId, Vec<Reminder>)> = overdue
                .iter()
                .filter_map(|entry| {
                    let due = entry.deadline.due_on()?;
                    let reminders = firm
                        .responsible(&entry.deadline)
                        .into_iter()
                        .map(|(user_id, name, email, _)| {
                            overdue_alert(&public_url, entry, due, user_id, name, email)
                        })
                        .collect();
                    Some((entry.deadline.id.clone(), reminders))
                })
                .collect();
            // New lookalike findings, each to the lawyers who answer for it, once.
            let (found, lawyers) = if now.hour() >= hour {
                (
                    lookalikes::unalerted(conn)?,
                    lookalikes::responsible_lawyers(conn)?,
                )
            } else {
                (Vec::new(), Vec::new())
            };
            let lookalikes_for = LookalikeRecipients::new(&lawyers);
            let digests: Vec<(Reminder, Vec<FindingId>)> = if now.hour() >= hour {
                people
                    .iter()
                    .filter(|(_, _, _, role)| role.is_staff())
                    .filter_map(|(user_id, name, email, _)| {
                        let own = firm.own(user_id, &docket);
                        let mut findings = lookalikes_for.own(user_id, &found);
                        // The most dangerous first; the others wait for the next digests.
                        let more = findings.len().saturating_sub(MAX_LOOKALIKES_IN_DIGEST);
                        findings.truncate(MAX_LOOKALIKES_IN_DIGEST);
                        (!own.is_empty() || !findings.is_empty()).then(|| {
                            let ids = findings.iter().map(|(f, _)| f.id.clone()).collect();
                            let reminder = digest(
                                &public_url,
                                &own,
                                &findings,
                                more,
                                today,
                                horizon,
                                days,
                                user_id,
                                name,
                                email,
                            );
                            (reminder, ids)
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };

            let keys: Vec<String> = alerts
                .iter()
                .flat_map(|(_, list)| list.iter())
                .chain(digests.iter().map(|(r, _)| r))
                .map(|r| r.key.clone())
                .collect();
            let queued: HashSet<String> = procedures::queued_reminders(conn, &keys)?
                .into_iter()
                .collect();
            // Some(true): queued now; Some(false): queued before; None: not built.
            let queue = |conn: &mut DbConn, r: &Reminder| -> Result<Option<bool>, DbError> {
                if queued.contains(&r.key) {
                    return Ok(Some(false));
                }
                let message_id = mailer.new_message_id();
                let raw = match mail::build(&Draft {
                    from: &mailer.from,
                    reply_to: None,
                    to: &r.to,
                    subject: &r.subject,
                    text: &r.text,
                    html: None,
                    message_id: &message_id,
                    date: now,
                    headers: vec![("X-Reclaim-Kind", "deadline-reminder".to_owned())],
                    attachments: Vec::new(),
                    dkim: None,
                }) {
                    Ok(raw) => raw,
                    Err(e) => {
                        tracing::error!(to = %r.to, error = %e, "reminder not built");
                        return Ok(None);
                    }
                };
                let new = NewMessage {
                    kind: MessageKind::Reminder,
                    dedupe_key: Some(r.key.clone()),
                    message_id,
                    to_address: r.to.clone(),
                    subject: r.subject.clone(),
                    raw,
                    matter_id: r.matter.clone(),
                    backorder_id: None,
                };
                Ok(Some(outbox::enqueue(conn, &new, now)?.is_some()))
            };

            let mut report = ReminderReport::default();
            let mut alerted = Vec::new();
            for (deadline, reminders) in &alerts {
                // Marked alerted only once every alert is in the outbox: a message that could
                // not be built is tried again at the next run.
                let mut all_queued = true;
                for reminder in reminders {
                    match queue(conn, reminder)? {
                        Some(true) => report.overdue_alerts += 1,
                        Some(false) => {}
                        None => all_queued = false,
                    }
                }
                if all_queued {
                    alerted.push(deadline.clone());
                }
            }
            procedures::mark_overdue_alerted(conn, &alerted, now)?;
            let mut sent_findings = Vec::new();
            for (reminder, findings) in &digests {
                if queue(conn, reminder)? == Some(true) {
                    report.digests += 1;
                    sent_findings.extend(findings.iter().cloned());
                }
            }
            // Sent once: in the first digest that carries it (a digest already queued today
            // leaves its findings for tomorrow's).
            sent_findings.sort();
            sent_findings.dedup();
            report.lookalikes = sent_findings.len();
            lookalikes::mark_alerted(conn, &sent_findings, now)?;
            Ok(report)
        })
        .await
}

/// The alert to one person about a deadline that passed without being marked done.
fn overdue_alert(
    public_url: &PublicUrl,
    entry: &DocketEntry,
    due: NaiveDate,
    user_id: &UserId,
    name: &str,
    email: &str,
) -> Reminder {
    let d = &entry.deadline;
    let subject = format!(
        "OVERDUE: {} — {} was due {}",
        entry.matter_reference,
        d.label,
        day(due)
    );
    let text = format!(
        "Hello {},\n\nThis deadline passed without being marked done:\n\n  {}\n  Due: {}{}\n  Rule: {}\n  {}\n\nOpen it: {}\n\n\
         Mark it done once handled, or enter the official date if the provider set another.\n\n-- \nreclaim deadlines\n",
        first_name(name),
        describe(entry),
        day(due),
        if d.official_on.is_some() && !d.is_manual() {
            " (official date)"
        } else {
            ""
        },
        d.rule_label(),
        d.basis,
        link(public_url, entry),
    );
    Reminder {
        key: format!("overdue:{}:{}:{}", d.id, due, user_id),
        to: email.to_owned(),
        subject,
        text,
        matter: Some(d.matter_id.clone()),
    }
}

/// A person's digest of what is due up to `horizon`, by section (overdue, today, this week,
/// later).
#[allow(clippy::too_many_arguments)]
fn digest(
    public_url: &PublicUrl,
    entries: &[&DocketEntry],
    findings: &[(&LookalikeFinding, &str)],
    more: usize,
    today: NaiveDate,
    horizon: NaiveDate,
    days: impl std::fmt::Display,
    user_id: &UserId,
    name: &str,
    email: &str,
) -> Reminder {
    let overdue = entries
        .iter()
        .filter(|e| e.deadline.due_on().is_some_and(|d| d < today))
        .count();
    let mut lines = String::new();
    let mut section = "";
    for entry in entries {
        let Some(due) = entry.deadline.due_on() else {
            continue;
        };
        let heading = if due < today {
            "Overdue"
        } else if due == today {
            "Due today"
        } else if due <= today + Duration::days(7) {
            "This week"
        } else {
            "Later"
        };
        if heading != section {
            lines.push_str(&format!("\n{heading}\n"));
            section = heading;
        }
        lines.push_str(&format!(
            "  {}  {}{}\n      {}\n",
            day(due),
            if entry.deadline.to_verify() {
                "[to verify] "
            } else {
                ""
            },
            describe(entry),
            link(public_url, entry)
        ));
    }
    let mut subject = if overdue > 0 {
        format!(
            "Deadlines: {} in the next {days} days, {overdue} overdue",
            entries.len() - overdue
        )
    } else {
        format!("Deadlines: {} in the next {days} days", entries.len())
    };
    let deadlines = if entries.is_empty() {
        String::new()
    } else {
        format!("Your deadlines up to {}:\n{lines}\n", day(horizon))
    };
    let mut found = String::new();
    if !findings.is_empty() {
        let count = findings.len() + more;
        if entries.is_empty() {
            subject = format!("Lookalikes: {count} new");
        } else {
            subject.push_str(&format!(", {count} new lookalike(s)"));
        }
        found.push_str("New lookalikes of your clients' marks (decide on each: dismiss, watch, backorder, dispute, letter):\n");
        for (f, client) in findings {
            let shown = if f.unicode == f.domain {
                f.domain.clone()
            } else {
                format!("{} ({})", f.unicode, f.domain)
            };
            found.push_str(&format!(
                "  {shown}  imitates “{}” of {client}: {} (score {}), first seen {}\n      {}\n",
                f.mark,
                f.why(),
                f.score,
                f.first_seen_at.format("%Y-%m-%d"),
                public_url.join(&format!("/clients/{}/lookalikes", f.client_id)),
            ));
        }
        if more > 0 {
            found.push_str(&format!(
                "  … and {more} more, in the next digests (all of them now on the clients' lookalikes pages)\n"
            ));
        }
        found.push('\n');
    }
    let text = format!(
        "Hello {},\n\n{deadlines}{found}The dashboard: {}\n\n-- \nreclaim deadlines (sent daily; the days ahead are set by RECLAIM_REMINDER_DAYS)\n",
        first_name(name),
        public_url.join("/deadlines"),
    );
    Reminder {
        key: format!("digest:{user_id}:{today}"),
        to: email.to_owned(),
        subject,
        text,
        matter: None,
    }
}
