//! A matter with everything attached: the one loader behind the matter page, the matter API
//! and the status reports. It reads a fixed number of queries whatever the matter's size (and,
//! for a client report, whatever the number of matters): each kind of record is read once for
//! the whole scope, then grouped here.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::app::access::Principal;
use crate::db::{DbConn, DbError};
use crate::error::AppError;
use crate::model::backorder::{Backorder, CatchChannel};
use crate::model::client::Client;
use crate::model::domain_name::DomainName;
use crate::model::ids::{BackorderId, MatterId, UserId};
use crate::model::matter::{Mark, Matter};
use crate::model::monitoring::{MonitoredDomain, StoredChange};
use crate::model::outreach::LogEntry;
use crate::model::paging::PageRequest;
use crate::model::procedure::{Deadline, Procedure, ProcedureDomain, ProcedureEvent};
use crate::model::report::Report;
use crate::repo::matters::MatterScope;
use crate::repo::{backorders, matters, monitoring, outreach, procedures, reports};
use crate::state::AppState;

/// One procedure with what happened and what is due.
#[derive(Debug, Clone)]
pub struct ProcedureFile {
    pub procedure: Procedure,
    pub domains: Vec<ProcedureDomain>,
    pub events: Vec<ProcedureEvent>,
    pub deadlines: Vec<Deadline>,
}

/// A matter with everything attached to it.
#[derive(Debug, Clone)]
pub struct Dossier {
    pub matter: Matter,
    pub client: Client,
    /// The responsible lawyer's name.
    pub lawyer: String,
    pub team: Vec<(UserId, String)>,
    pub marks: Vec<Mark>,
    /// By name: all of them, or one page of them ([`load_page`]).
    pub backorders: Vec<Backorder>,
    /// How many names the matter seeks in all (more than `backorders` holds for a page).
    pub names_total: usize,
    /// With [`load_page`]: the cursors of the next and previous pages of names, if there are
    /// some.
    pub names_next: Option<String>,
    pub names_prev: Option<String>,
    /// Every catch channel of every backorder, by backorder (oldest first within each), so that
    /// [`Dossier::channels_of`] finds a name's by binary search: a matter of 1,000 names with
    /// their channels stays linear.
    pub channels: Vec<CatchChannel>,
    /// What monitoring knows of each name, by A-label.
    pub watched: HashMap<String, MonitoredDomain>,
    /// All of them (oldest first), or with [`Detail::Glance`] the newest few without their names,
    /// events and deadlines.
    pub procedures: Vec<ProcedureFile>,
    /// How many procedures the matter has in all.
    pub procedures_total: usize,
    /// Every deadline of the matter (its procedures' and those entered by hand), by due date; or
    /// with [`Detail::Glance`] the soonest few still to act on that have a date.
    pub deadlines: Vec<Deadline>,
    /// How many deadlines still to act on with a date the matter has in all.
    pub upcoming_total: usize,
    /// Messages to holders, newest first.
    pub outreach: Vec<LogEntry>,
    /// Reports kept on this matter, newest first.
    pub reports: Vec<Report>,
    /// Registry changes on the matter's names, newest first, as [`Changes`] asked.
    pub changes: Vec<StoredChange>,
    /// With [`Changes::SinceLastReport`]: when the matter was last reported on.
    pub since: Option<NaiveDateTime>,
    /// The checklists after the catch of the matter's names, by due date.
    pub after_catch: Vec<crate::model::after_catch::ChecklistItem>,
}

impl Dossier {
    /// What monitoring knows of a name.
    pub fn watch(&self, domain: &str) -> Option<&MonitoredDomain> {
        self.watched.get(domain)
    }

    /// A backorder's catch channels, oldest first.
    pub fn channels_of(&self, backorder: &BackorderId) -> &[CatchChannel] {
        let start = self
            .channels
            .partition_point(|c| c.backorder_id < *backorder);
        let len = self.channels[start..].partition_point(|c| c.backorder_id == *backorder);
        &self.channels[start..start + len]
    }

    /// Deadlines entered by hand on the matter itself (not on a procedure).
    pub fn tasks(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines.iter().filter(|d| d.procedure_id.is_none())
    }

    /// A name as people read it (Unicode), for an A-label of one of the matter's names (on
    /// this page of names or not).
    pub fn unicode_of(&self, domain: &str) -> String {
        self.backorders
            .iter()
            .find(|b| b.domain == domain)
            .map(|b| b.unicode.clone())
            .or_else(|| {
                DomainName::parse(domain)
                    .ok()
                    .map(|d| d.unicode().to_owned())
            })
            .unwrap_or_else(|| domain.to_owned())
    }
}

/// How much of a matter's procedures and deadlines a dossier holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// All of them, each procedure with its names, events and deadlines: the API, the reports,
    /// the export.
    Whole,
    /// What the matter page shows: the [`GLANCE`] newest procedures (without their names, events
    /// and deadlines) and the [`GLANCE`] soonest deadlines still to act on, with how many there
    /// are; the page links to the full lists (issue 17: a matter's every procedure and deadline
    /// was read, with every event, to show a table of each).
    Glance,
}

/// How many procedures and deadlines the matter page shows.
pub const GLANCE: i64 = 20;

/// Which registry changes a dossier carries.
#[derive(Debug, Clone, Copy)]
pub enum Changes {
    None,
    /// The latest changes of the matter's names (the matter page's timeline).
    Latest(i64),
    /// Those since the matter was last reported on before this instant (or since it was
    /// opened), at most 500 per matter: what a status report tells.
    SinceLastReport(DateTime<Utc>),
}

/// The most changes a report lists per matter.
const REPORT_CHANGES: i64 = 500;

/// Reads the dossiers of a scope: one for a matter, one per open matter for a client.
pub fn load(
    conn: &mut DbConn,
    scope: &MatterScope,
    changes: Changes,
) -> Result<Vec<Dossier>, DbError> {
    load_with(conn, scope, changes, None)
}

/// One matter's dossier with one page of its names: the names' channels and what monitoring
/// knows of them are read for that page only, so that it costs the same for a matter of 10
/// names or 10,000. Its procedures and deadlines as `detail` says.
pub fn load_page(
    conn: &mut DbConn,
    matter: &MatterId,
    changes: Changes,
    names: &PageRequest,
    detail: Detail,
) -> Result<Option<Dossier>, DbError> {
    let scope = MatterScope::One(matter.clone());
    Ok(load_with(conn, &scope, changes, Some((matter, names, detail)))?.pop())
}

fn load_with(
    conn: &mut DbConn,
    scope: &MatterScope,
    changes: Changes,
    page: Option<(&MatterId, &PageRequest, Detail)>,
) -> Result<Vec<Dossier>, DbError> {
    let matters = matters::in_scope(conn, scope)?;
    if matters.is_empty() {
        return Ok(Vec::new());
    }
    let mut parties: HashMap<MatterId, (Client, String)> = matters::parties_in(conn, scope)?
        .into_iter()
        .map(|(id, client, lawyer)| (id, (client, lawyer)))
        .collect();
    let mut teams = group(matters::teams_in(conn, scope)?, |(m, id, name)| {
        (m, (id, name))
    });
    let mut marks = group(matters::marks_in(conn, scope)?, |pair| pair);
    let (found_names, names_next, names_prev, names_total) = match page {
        None => (backorders::in_scope(conn, scope)?, None, None, None),
        Some((matter, request, _)) => {
            let found = backorders::page_of_matter(conn, matter, request)?;
            let total = backorders::count_in_matter(conn, matter)?;
            (
                found.rows,
                found.next,
                found.prev,
                usize::try_from(total).ok(),
            )
        }
    };
    let mut names = group(found_names, |b| (b.matter_id.clone(), b));
    // Channels, names watched, changes and procedures' parts are keyed by backorder, name or
    // procedure: sort them to their matter through what is already read.
    let matter_of_backorder: HashMap<BackorderId, MatterId> = names
        .iter()
        .flat_map(|(m, list)| list.iter().map(move |b| (b.id.clone(), m.clone())))
        .collect();
    let (found_channels, found_watched) = match page {
        None => (
            backorders::channels_in(conn, scope)?,
            monitoring::watched_in(conn, scope)?,
        ),
        Some(_) => {
            let shown: Vec<&Backorder> = names.values().flatten().collect();
            let ids: Vec<BackorderId> = shown.iter().map(|b| b.id.clone()).collect();
            let domains: Vec<String> = shown.iter().map(|b| b.domain.clone()).collect();
            (
                backorders::channels_of_backorders(conn, &ids)?,
                monitoring::find_many(conn, &domains)?,
            )
        }
    };
    let mut channels = group(found_channels, |c| {
        (matter_of_backorder.get(&c.backorder_id).cloned(), c)
    });
    let watched: HashMap<String, MonitoredDomain> = found_watched
        .into_iter()
        .map(|w| (w.domain.clone(), w))
        .collect();
    let since: BTreeMap<MatterId, NaiveDateTime> = match changes {
        Changes::SinceLastReport(now) => reports::last_reported_in(conn, scope, now)?
            .into_iter()
            .collect(),
        _ => BTreeMap::new(),
    };
    let found_changes = match changes {
        Changes::None => Vec::new(),
        Changes::Latest(limit) => monitoring::changes_in(conn, scope, None, limit)?,
        Changes::SinceLastReport(_) => {
            let floor = matters
                .iter()
                .map(|m| since.get(&m.id).copied().unwrap_or(m.opened_at))
                .min();
            let cap = REPORT_CHANGES.saturating_mul(matters.len() as i64);
            monitoring::changes_in(conn, scope, floor, cap)?
        }
    };
    let (found_procedures, found_domains, found_events, found_deadlines, glance_totals) = match page
    {
        Some((matter, _, Detail::Glance)) => {
            let newest = procedures::page_of_matter(conn, matter, &PageRequest::first(GLANCE))?;
            let total = procedures::count_of_matter(conn, matter)?;
            let (soonest, upcoming) = procedures::upcoming_of_matter(conn, matter, GLANCE)?;
            let totals = (
                usize::try_from(total).unwrap_or(usize::MAX),
                usize::try_from(upcoming).unwrap_or(usize::MAX),
            );
            (newest.rows, Vec::new(), Vec::new(), soonest, Some(totals))
        }
        _ => (
            procedures::in_scope(conn, scope)?,
            procedures::domains_in(conn, scope)?,
            procedures::events_in(conn, scope)?,
            procedures::deadlines_in(conn, scope)?,
            None,
        ),
    };
    let mut procedures_of = group(found_procedures, |p| (p.matter_id.clone(), p));
    let mut domains_of = group(found_domains, |d| (d.procedure_id.clone(), d));
    let mut events_of = group(found_events, |e| (e.procedure_id.clone(), e));
    let mut deadlines = group(found_deadlines, |d| (d.matter_id.clone(), d));
    let mut messages = group(outreach::log_in(conn, scope)?, |e| {
        (e.outreach.matter_id.clone(), e)
    });
    let mut checklists = group(crate::repo::after_catch::in_scope(conn, scope)?, |i| {
        (matter_of_backorder.get(&i.backorder_id).cloned(), i)
    });
    let mut kept = group(reports::in_scope(conn, scope)?, |r| {
        (r.matter_id.clone(), r)
    });

    let mut dossiers = Vec::with_capacity(matters.len());
    for matter in matters {
        let Some((client, lawyer)) = parties.remove(&matter.id) else {
            continue;
        };
        let id = matter.id.clone();
        let backorders = names.remove(&id).unwrap_or_default();
        let domains: std::collections::HashSet<&str> =
            backorders.iter().map(|b| b.domain.as_str()).collect();
        let since = since.get(&id).copied();
        let floor = since.unwrap_or(matter.opened_at);
        let changes_here: Vec<StoredChange> = found_changes
            .iter()
            .filter(|c| domains.contains(c.domain.as_str()))
            .filter(|c| !matches!(changes, Changes::SinceLastReport(_)) || c.detected_at > floor)
            .take(match changes {
                Changes::Latest(limit) => usize::try_from(limit).unwrap_or(usize::MAX),
                _ => REPORT_CHANGES as usize,
            })
            .cloned()
            .collect();
        // Looked up per name: a client's report covers many matters.
        let watched_here = backorders
            .iter()
            .filter_map(|b| {
                watched
                    .get(&b.domain)
                    .map(|w| (b.domain.clone(), w.clone()))
            })
            .collect();
        let all_deadlines = deadlines.remove(&id).unwrap_or_default();
        let (procedures_total, upcoming_total) = glance_totals.unwrap_or_else(|| {
            let procedures = procedures_of.get(&id).map_or(0, Vec::len);
            let upcoming = all_deadlines
                .iter()
                .filter(|d| d.is_open() && d.due_on().is_some())
                .count();
            (procedures, upcoming)
        });
        let procedures = procedures_of
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|procedure| ProcedureFile {
                domains: domains_of.remove(&procedure.id).unwrap_or_default(),
                events: events_of.remove(&procedure.id).unwrap_or_default(),
                // At a glance the matter holds only its soonest deadlines: none of them is
                // filed under its procedure, which would look like all of its deadlines.
                deadlines: match glance_totals {
                    Some(_) => Vec::new(),
                    None => all_deadlines
                        .iter()
                        .filter(|d| d.procedure_id.as_ref() == Some(&procedure.id))
                        .cloned()
                        .collect(),
                },
                procedure,
            })
            .collect();
        dossiers.push(Dossier {
            client,
            lawyer,
            team: teams.remove(&id).unwrap_or_default(),
            marks: marks.remove(&id).unwrap_or_default(),
            channels: {
                let mut own = channels.remove(&Some(id.clone())).unwrap_or_default();
                // Stable: each backorder's channels stay oldest first.
                own.sort_by(|a, b| a.backorder_id.cmp(&b.backorder_id));
                own
            },
            watched: watched_here,
            procedures,
            procedures_total,
            deadlines: all_deadlines,
            upcoming_total,
            outreach: messages.remove(&id).unwrap_or_default(),
            reports: kept.remove(&Some(id.clone())).unwrap_or_default(),
            changes: changes_here,
            since,
            after_catch: checklists.remove(&Some(id.clone())).unwrap_or_default(),
            names_total: names_total.unwrap_or(backorders.len()),
            names_next: names_next.clone(),
            names_prev: names_prev.clone(),
            backorders,
            matter,
        });
    }
    Ok(dossiers)
}

/// Groups rows by a key, keeping their order within each group.
fn group<T, K: std::hash::Hash + Eq, V>(
    rows: Vec<T>,
    key: impl Fn(T) -> (K, V),
) -> HashMap<K, Vec<V>> {
    let mut groups: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        let (k, v) = key(row);
        groups.entry(k).or_default().push(v);
    }
    groups
}

/// The dossier of one matter the caller may see, whole: every name (the CSV export).
pub async fn of_matter(
    state: &AppState,
    user: &Principal,
    id: &str,
    changes: Changes,
) -> Result<Dossier, AppError> {
    of_visible_matter(state, user, id, move |c, matter| {
        Ok(load(c, &MatterScope::One(matter.clone()), changes)?.pop())
    })
    .await
}

/// The dossier of one matter the caller may see with one page of its names, and its changes,
/// procedures and deadlines as asked: what the API answers for a matter and what the matter page
/// shows, costing the same for 10 names or 10,000 (issue 17).
pub async fn of_matter_page(
    state: &AppState,
    user: &Principal,
    id: &str,
    names: PageRequest,
    changes: Changes,
    detail: Detail,
) -> Result<Dossier, AppError> {
    of_visible_matter(state, user, id, move |c, matter| {
        load_page(c, matter, changes, &names, detail)
    })
    .await
}

/// What `read` reads of the matter `id` if the caller may see it.
async fn of_visible_matter(
    state: &AppState,
    user: &Principal,
    id: &str,
    read: impl FnOnce(&mut DbConn, &MatterId) -> Result<Option<Dossier>, DbError> + Send + 'static,
) -> Result<Dossier, AppError> {
    let matter = crate::app::access::visible_matter(state, user, id).await?;
    state
        .db
        .run(move |c| read(c, &matter.id))
        .await?
        .ok_or_else(|| AppError::not_found("matter"))
}
