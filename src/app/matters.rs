//! Matters: one legal file for a client. Listing and finding them, opening one, changing,
//! closing and reopening it; attaching the names to recover, one by one (with the
//! conflict-of-interest check) or from a CSV file; exporting them as CSV.

use serde::Deserialize;

use crate::app::access::{Caller, MatterRights, Principal, visible_matter};
use crate::app::backorders::{AmountInput, TermsInput, check_terms};
use crate::app::dossier::{self, Changes, Detail, Dossier};
use crate::db::{DbError, write_tx};
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::{Backorder, Conflict, LineProblem, check_target, parse_import};
use crate::model::client::Client;
use crate::model::csv::write_row;
use crate::model::ids::{ClientId, UserId};
use crate::model::matter::{
    Matter, MatterStatus, MatterSummary, marks_text, parse_marks, parse_title,
};
use crate::model::money::{Currency, format_plain};
use crate::model::paging::{Page, PageRequest};
use crate::model::present;
use crate::model::user::Role;
use crate::repo::backorders::{self, BackorderError, ImportError, NewBackorder};
use crate::repo::clients;
use crate::repo::matters::{self, MatterChange, MatterFilter, NewMatter};
use crate::state::AppState;

/// Which matters to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatterQuery {
    /// Part of the reference, title, client name or a domain name.
    pub q: Option<String>,
    /// `open` (the default), `closed` or `all`.
    #[param(default = "open")]
    pub status: Option<String>,
    /// Only this client's matters (a portal user always sees only their own client's).
    #[param(format = "uuid")]
    pub client_id: Option<String>,
}

/// A page of the matters found, and which status they were chosen by (`None`: all).
#[derive(Debug, Clone)]
pub struct MatterList {
    pub matters: Page<MatterSummary>,
    pub status: Option<MatterStatus>,
    /// The search was too short to look in the names (a trigram index needs three characters).
    pub names_not_searched: bool,
}

/// A page of the matters the user may see, open first and newest first.
pub async fn list(
    state: &AppState,
    user: &Principal,
    query: MatterQuery,
    request: PageRequest,
) -> Result<MatterList, AppError> {
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("" | "open") => Some(MatterStatus::Open),
        Some("closed") => Some(MatterStatus::Closed),
        Some("all") => None,
        Some(other) => {
            return Err(AppError::invalid(
                "status",
                format!("'{other}' is not a filter; use open, closed or all."),
            ));
        }
    };
    let client_id =
        match (&user.client_id, query.client_id.as_deref().map(str::trim)) {
            (Some(own), _) => Some(own.clone()),
            (None, None | Some("")) => None,
            (None, Some(id)) => Some(ClientId::parse(id).map_err(|_| {
                AppError::invalid("client_id", format!("'{id}' is not a valid id."))
            })?),
        };
    let names_not_searched = query
        .q
        .as_deref()
        .map(str::trim)
        .is_some_and(|q| !q.is_empty() && q.chars().count() < matters::MIN_NAME_SEARCH);
    let filter = MatterFilter {
        client_id,
        status,
        search: query.q,
    };
    let matters = state
        .db
        .run(move |c| matters::list(c, &filter, &request))
        .await?;
    Ok(MatterList {
        matters,
        status,
        names_not_searched,
    })
}

/// Marks as a form (one per line, `NAME | registration`) or JSON (a list) gives them.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum MarksInput {
    /// One mark per line; `|` or `—` separates a mark from its registration.
    Lines(String),
    List(Vec<MarkInput>),
}

impl Default for MarksInput {
    fn default() -> Self {
        MarksInput::List(Vec::new())
    }
}

/// A mark: `"ACME"` or `{"name": "ACME", "registration": "EUTM 012345678"}`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum MarkInput {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        registration: String,
    },
}

impl MarksInput {
    /// The marks as one text, one per line: what the form shows.
    pub fn text(&self) -> String {
        match self {
            MarksInput::Lines(text) => text.clone(),
            MarksInput::List(list) => list
                .iter()
                .map(|m| match m {
                    MarkInput::Name(n) => n.replace(['|', '—', '\n'], " "),
                    MarkInput::Full { name, registration } => format!(
                        "{} | {}",
                        name.replace(['|', '—', '\n'], " "),
                        registration.replace('\n', " ")
                    ),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// A matter as opened or changed. On a change, `client_id` is ignored (a matter stays with its
/// client).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MatterInput {
    #[schema(format = "uuid")]
    pub client_id: String,
    #[schema(max_length = 300)]
    pub title: String,
    /// An active lawyer or administrator; the caller by default.
    #[serde(default)]
    #[schema(format = "uuid")]
    pub responsible_lawyer_id: Option<String>,
    /// Staff of the firm working on the matter.
    #[serde(default)]
    pub team: Vec<String>,
    #[serde(default)]
    pub marks: MarksInput,
    #[serde(default)]
    pub notes: String,
    /// The years a name caught for the matter is renewed for beyond its first (1 to 9; 1 when
    /// a new matter says nothing, unchanged when a change says nothing).
    #[serde(default)]
    pub renewal_years: Option<YearsInput>,
}

/// A number of years as JSON sends it (`2`) or a form types it (`"2"`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum YearsInput {
    Number(i64),
    Text(String),
}

impl YearsInput {
    pub fn text(&self) -> String {
        match self {
            YearsInput::Number(n) => n.to_string(),
            YearsInput::Text(t) => t.trim().to_owned(),
        }
    }
}

/// The renewal years, checked: `None` when none are given.
fn check_renewal_years(input: &MatterInput, errors: &mut FieldErrors) -> Option<i32> {
    let text = input.renewal_years.as_ref()?.text();
    if text.is_empty() {
        return None;
    }
    match text.parse::<i32>() {
        // gTLD registries take a registration for ten years at most: the first year and nine
        // more.
        Ok(years @ 1..=9) => Some(years),
        _ => {
            errors.add(
                "renewal_years",
                "Give the years to renew a caught name for beyond its first, from 1 to 9 (a registration lasts ten years at most).",
            );
            None
        }
    }
}

const MAX_NOTES: usize = 10_000;

/// The parts common to opening and changing a matter, checked.
fn check_matter(
    caller: &Principal,
    input: &MatterInput,
    errors: &mut FieldErrors,
) -> Option<MatterChange> {
    let title = parse_title(&input.title)
        .map_err(|e| errors.add("title", e))
        .ok();
    let lawyer = match input.responsible_lawyer_id.as_deref() {
        None => Some(caller.id.clone()),
        Some(id) => UserId::parse(id.trim())
            .map_err(|_| errors.add("responsible_lawyer_id", "Choose the responsible lawyer."))
            .ok(),
    };
    let team: Result<Vec<UserId>, _> = input.team.iter().map(|t| UserId::parse(t.trim())).collect();
    let team = team
        .map_err(|_| errors.add("team", "The team can only include people of the firm."))
        .ok();
    let marks = parse_marks(&input.marks.text())
        .map_err(|e| errors.add("marks", format!("Marks, one per line: {e}")))
        .ok();
    let notes = input.notes.trim();
    if notes.chars().count() > MAX_NOTES {
        errors.add("notes", "Notes can be at most 10,000 characters long.");
    }
    match (title, lawyer, team, marks) {
        (Some(title), Some(responsible_lawyer_id), Some(team), Some(marks)) => Some(MatterChange {
            title,
            responsible_lawyer_id,
            team,
            marks,
            notes: notes.to_owned(),
        }),
        _ => None,
    }
}

/// Opens a matter for a client (lawyers and admins), with the next reference of the year.
/// Errors name [`MatterInput`]'s members.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: MatterInput,
) -> Result<Dossier, AppError> {
    caller.require_lawyer_or_admin()?;
    let mut errors = FieldErrors::default();
    let client_id = ClientId::parse(input.client_id.trim())
        .map_err(|_| errors.add("client_id", "Choose the client."))
        .ok();
    let checked = check_matter(caller, &input, &mut errors);
    let years = check_renewal_years(&input, &mut errors);
    errors.check()?;
    let (Some(client_id), Some(checked)) = (client_id, checked) else {
        return Err(AppError::invalid("title", "The matter could not be read."));
    };
    let new = NewMatter {
        client_id,
        title: checked.title,
        responsible_lawyer_id: checked.responsible_lawyer_id,
        team: checked.team,
        marks: checked.marks,
        notes: checked.notes,
    };
    let actor = caller.actor(state.clock.now());
    let matter = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let matter = matters::create(c, &actor, &new)?;
                match years {
                    Some(years) => matters::set_renewal_years(c, &actor, &matter.id, years),
                    None => Ok(matter),
                }
            })
        })
        .await?;
    dossier::of_matter_page(
        state,
        caller,
        matter.id.as_str(),
        PageRequest::default(),
        Changes::None,
        Detail::Whole,
    )
    .await
}

/// The matter page: the matter with everything attached, the firm's people (to assign a
/// deadline) and what the user may do.
#[derive(Debug, Clone)]
pub struct MatterFile {
    pub dossier: Dossier,
    /// Active staff: ids, names and roles.
    pub people: Vec<(UserId, String, Role)>,
    pub rights: MatterRights,
}

/// The registry changes the matter page shows.
const TIMELINE: i64 = 30;

pub async fn show(
    state: &AppState,
    user: &Principal,
    id: &str,
    names: PageRequest,
) -> Result<MatterFile, AppError> {
    let dossier = dossier::of_matter_page(
        state,
        user,
        id,
        names,
        Changes::Latest(TIMELINE),
        Detail::Glance,
    )
    .await?;
    let rights = user.rights(&dossier.matter);
    let people = state.db.run(matters::firm_people).await?;
    Ok(MatterFile {
        dossier,
        people,
        rights,
    })
}

/// The matter form: the matter changed (`None` for a new one), what it shows, and the choices
/// it offers.
#[derive(Debug, Clone)]
pub struct MatterForm {
    pub matter: Option<Matter>,
    pub values: MatterInput,
    pub clients: Vec<Client>,
    /// Active staff: ids, names and roles (lawyers and admins can be responsible).
    pub people: Vec<(UserId, String, Role)>,
}

/// The form to open a matter (lawyers and admins), for `client` if given.
pub async fn new_form(
    state: &AppState,
    user: &Principal,
    client: Option<String>,
) -> Result<MatterForm, AppError> {
    user.require_lawyer_or_admin()?;
    let values = MatterInput {
        client_id: client.unwrap_or_default(),
        responsible_lawyer_id: Some(if user.role == Role::Lawyer {
            user.id.to_string()
        } else {
            String::new()
        }),
        marks: MarksInput::Lines(String::new()),
        ..MatterInput::default()
    };
    form_with(state, user, None, values).await
}

/// A matter the user may change (lawyers and admins, open matter).
async fn editable(state: &AppState, user: &Principal, id: &str) -> Result<Matter, AppError> {
    let matter = visible_matter(state, user, id).await?;
    user.require_change(&matter)?;
    Ok(matter)
}

/// The form to change a matter, filled with what it holds.
pub async fn edit_form(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<MatterForm, AppError> {
    let matter = editable(state, user, id).await?;
    let matter_id = matter.id.clone();
    let (team, marks, clients, people) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                matters::team(c, &matter_id)?,
                matters::marks(c, &matter_id)?,
                clients::list(c)?,
                matters::firm_people(c)?,
            ))
        })
        .await?;
    Ok(MatterForm {
        values: MatterInput {
            client_id: matter.client_id.to_string(),
            title: matter.title.clone(),
            responsible_lawyer_id: Some(matter.responsible_lawyer_id.to_string()),
            team: team.iter().map(|(id, _)| id.to_string()).collect(),
            marks: MarksInput::Lines(marks_text(&marks)),
            notes: matter.notes.clone(),
            renewal_years: Some(YearsInput::Number(i64::from(matter.renewal_years))),
        },
        matter: Some(matter),
        clients,
        people,
    })
}

/// The matter form showing `values` again (after a mistake): for the matter `id`, or a new one.
pub async fn form_with(
    state: &AppState,
    user: &Principal,
    id: Option<&str>,
    values: MatterInput,
) -> Result<MatterForm, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = match id {
        Some(id) => Some(editable(state, user, id).await?),
        None => None,
    };
    let (clients, people) = state
        .db
        .run(|c| Ok::<_, DbError>((clients::list(c)?, matters::firm_people(c)?)))
        .await?;
    let values = match &matter {
        Some(m) => MatterInput {
            client_id: m.client_id.to_string(),
            ..values
        },
        None => values,
    };
    Ok(MatterForm {
        matter,
        values,
        clients,
        people,
    })
}

/// Changes a matter (lawyers and admins, open matter).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: MatterInput,
) -> Result<Matter, AppError> {
    let matter = editable(state, caller, id).await?;
    let mut errors = FieldErrors::default();
    let change = check_matter(caller, &input, &mut errors);
    let years = check_renewal_years(&input, &mut errors);
    errors.check()?;
    let Some(change) = change else {
        return Err(AppError::invalid("title", "The matter could not be read."));
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let updated = matters::update(c, &actor, &matter.id, &change)?;
                match years {
                    Some(years) => matters::set_renewal_years(c, &actor, &matter.id, years),
                    None => Ok(updated),
                }
            })
        })
        .await?)
}

/// Closes a matter (lawyers and admins): it becomes read-only.
pub async fn close(state: &AppState, caller: &Caller, id: &str) -> Result<Dossier, AppError> {
    let matter = editable(state, caller, id).await?;
    set_status(state, caller, matter, MatterStatus::Closed).await
}

/// Reopens a closed matter (lawyers and admins).
pub async fn reopen(state: &AppState, caller: &Caller, id: &str) -> Result<Dossier, AppError> {
    caller.require_lawyer_or_admin()?;
    let matter = visible_matter(state, caller, id).await?;
    set_status(state, caller, matter, MatterStatus::Open).await
}

async fn set_status(
    state: &AppState,
    caller: &Caller,
    matter: Matter,
    status: MatterStatus,
) -> Result<Dossier, AppError> {
    let actor = caller.actor(state.clock.now());
    let updated = state
        .db
        .run(move |c| matters::set_status(c, &actor, &matter.id, status))
        .await?;
    dossier::of_matter_page(
        state,
        caller,
        updated.id.as_str(),
        PageRequest::default(),
        Changes::None,
        Detail::Whole,
    )
    .await
}

/// A name to attach to a matter, with the backorder's terms.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AttachInput {
    /// As written, Unicode or A-label: `bücher.de`, `acme.fr`.
    #[schema(examples("bücher.de", "acme.fr"))]
    pub domain: String,
    /// The client's limit for an auction.
    #[serde(default)]
    pub max_bid: AmountInput,
    /// Three letters; EUR when empty.
    #[serde(default)]
    #[schema(default = "EUR")]
    pub currency: String,
    /// `low`, `normal` (when empty) or `high`.
    #[serde(default)]
    #[schema(default = "normal")]
    pub priority: String,
    #[serde(default)]
    pub notes: String,
    /// Go ahead although another client's open matter seeks the name (audited).
    #[serde(default)]
    pub confirm_conflict: bool,
}

impl AttachInput {
    fn terms(&self) -> TermsInput {
        TermsInput {
            max_bid: self.max_bid.clone(),
            currency: self.currency.clone(),
            priority: self.priority.clone(),
            notes: self.notes.clone(),
            // Set on the backorder once attached (its terms).
            registrant: String::new(),
        }
    }
}

/// A name attached: the backorder, the other clients' matters that also seek it (the
/// conflicts confirmed), and what to tell the lawyer.
#[derive(Debug, Clone)]
pub struct Attached {
    pub backorder: Backorder,
    pub matter: Matter,
    pub conflicts: Vec<Conflict>,
    /// Conflicts confirmed, facts to verify for the TLD.
    pub warnings: Vec<String>,
}

/// Attaches a name to an open matter (lawyers and admins). When another client's open matter
/// seeks it, the answer is [`AppError::ConflictOfInterest`] unless `confirm_conflict` is set.
pub async fn attach(
    state: &AppState,
    caller: &Caller,
    matter_id: &str,
    input: AttachInput,
) -> Result<Attached, AppError> {
    let matter = visible_matter(state, caller, matter_id).await?;
    // A closed matter is said next to the name, where the form (or the API) put it.
    caller.require_change(&matter).map_err(|e| match e {
        AppError::Conflict(message) => AppError::invalid("domain", message),
        other => other,
    })?;
    let mut errors = FieldErrors::default();
    let target = check_target(&input.domain, &state.tld_policies)
        .map_err(|e| errors.add("domain", e))
        .ok();
    let terms = check_terms(&input.terms(), &mut errors);
    errors.check()?;
    let (Some((domain, policy)), Some(terms)) = (target, terms) else {
        return Err(AppError::invalid("domain", "The name could not be read."));
    };
    let new = NewBackorder {
        domain,
        priority: terms.priority,
        max_bid_minor: terms.max_bid_minor,
        currency: terms.currency,
        notes: terms.notes,
    };
    let actor = caller.actor(state.clock.now());
    let (id, client_id, confirm) = (
        matter.id.clone(),
        matter.client_id.clone(),
        input.confirm_conflict,
    );
    let (backorder, conflicts) = state
        .db
        .run(move |c| {
            let created = backorders::attach(c, &actor, &id, &new, confirm)?;
            let conflicts = backorders::conflicts(c, &created.domain, &client_id)?;
            Ok::<_, BackorderError>((created, conflicts))
        })
        .await?;
    let mut warnings: Vec<String> = conflicts
        .iter()
        .map(|c| {
            format!(
                "Also sought for {} in matter {}; the conflict check was confirmed.",
                c.client_name, c.reference
            )
        })
        .collect();
    if !policy.unconfirmed.is_empty() {
        warnings.push(format!(
            "For .{}, to verify: {}.",
            policy.tld,
            policy.unconfirmed.join("; ")
        ));
    }
    Ok(Attached {
        backorder,
        matter,
        conflicts,
        warnings,
    })
}

/// The import form: an editable matter.
pub async fn import_form(state: &AppState, user: &Principal, id: &str) -> Result<Matter, AppError> {
    editable(state, user, id).await
}

/// A list of names to attach: pasted text, or an uploaded CSV file (which wins).
#[derive(Debug, Clone, Default)]
pub struct ImportInput {
    pub text: String,
    pub file: Option<Vec<u8>>,
    /// Go ahead although other clients' open matters seek some of the names (audited).
    pub confirm_conflicts: bool,
}

/// Why nothing was imported: what the import page shows again.
#[derive(Debug, Clone, Default)]
pub struct ImportRefusal {
    /// The list as read (the file's text, or what was pasted).
    pub text: String,
    /// Lines that cannot be imported.
    pub problems: Vec<LineProblem>,
    /// Names other clients' open matters seek, with those matters: to confirm.
    pub conflicts: Vec<(String, Vec<Conflict>)>,
    /// A problem with the file itself.
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// Every line was attached.
    Imported(Vec<Backorder>),
    /// Nothing was attached.
    Refused(ImportRefusal),
}

/// Attaches a list of names to an open matter, all or nothing (lawyers and admins).
pub async fn import(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: ImportInput,
) -> Result<(Matter, ImportOutcome), AppError> {
    let matter = editable(state, caller, id).await?;
    let refused = |refusal: ImportRefusal| Ok((matter.clone(), ImportOutcome::Refused(refusal)));
    let text = match input.file {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                return refused(ImportRefusal {
                    text: input.text,
                    error: Some("The file is not UTF-8 text. In your spreadsheet, save it as \"CSV UTF-8\" and upload it again.".to_owned()),
                    ..ImportRefusal::default()
                });
            }
        },
        None => input.text,
    };
    let lines = match parse_import(&text, &state.tld_policies) {
        Ok(lines) => lines,
        Err(problems) => {
            return refused(ImportRefusal {
                text,
                problems,
                ..ImportRefusal::default()
            });
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
    let actor = caller.actor(state.clock.now());
    let (matter_id, confirm) = (matter.id.clone(), input.confirm_conflicts);
    match state
        .db
        .run(move |c| backorders::import(c, &actor, &matter_id, &new, confirm))
        .await
    {
        Ok(created) => Ok((matter, ImportOutcome::Imported(created))),
        Err(ImportError::Lines(problems)) => refused(ImportRefusal {
            text,
            problems,
            ..ImportRefusal::default()
        }),
        Err(ImportError::Conflicts(conflicts)) => refused(ImportRefusal {
            text,
            conflicts,
            ..ImportRefusal::default()
        }),
        Err(other) => Err(other.into()),
    }
}

/// A CSV file to download.
#[derive(Debug, Clone)]
pub struct CsvFile {
    pub file_name: String,
    pub body: String,
}

/// The matter's names as CSV, for a spreadsheet: one row per backorder with its terms, where
/// it is placed and what the registry monitoring predicts.
pub async fn export(state: &AppState, user: &Principal, id: &str) -> Result<CsvFile, AppError> {
    let dossier = dossier::of_matter(state, user, id, Changes::None).await?;
    let matter = &dossier.matter;
    let mut body = write_row(&[
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
        let watch = dossier.watch(&b.domain);
        let channels = dossier
            .channels_of(&b.id)
            .iter()
            .map(|c| format!("{}: {}", c.display_name(), c.status.label()))
            .collect::<Vec<_>>()
            .join("; ");
        body.push_str(&write_row(&[
            &matter.reference,
            &b.domain,
            &b.unicode,
            b.status.as_str(),
            b.priority.as_str(),
            &b.max_bid_minor.map(format_plain).unwrap_or_default(),
            &b.currency,
            &channels,
            &present::rfc3339(&b.created_at),
            watch.map(|w| w.phase.as_str()).unwrap_or_default(),
            &watch
                .map(|w| present::drop_window(w.drop_earliest, w.drop_latest))
                .unwrap_or_default(),
        ]));
    }
    Ok(CsvFile {
        file_name: format!("{}-backorders.csv", matter.reference),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::matter::Mark;

    #[test]
    fn marks_come_as_lines_or_a_list() {
        let json: MatterInput = serde_json::from_str(
            r#"{"client_id": "x", "title": "T", "marks": ["ACME", {"name": "Acme | Widgets", "registration": "EUTM 1"}]}"#,
        )
        .unwrap();
        assert_eq!(json.marks.text(), "ACME\nAcme   Widgets | EUTM 1");
        assert!(
            json.responsible_lawyer_id.is_none(),
            "the caller, by default"
        );
        let marks =
            parse_marks(&MarksInput::Lines("ACME | EUTM 1\nBeta".to_owned()).text()).unwrap();
        assert_eq!(marks[0].registration, "EUTM 1");
        assert_eq!(
            marks[1],
            Mark {
                name: "Beta".to_owned(),
                registration: String::new()
            }
        );
    }
}
