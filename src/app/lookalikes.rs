//! The lookalike watch's use cases: a client's findings (names imitating its marks), a lawyer's
//! triage of each, and the client's own brand terms. Whoever may see the client may read its
//! findings (a client user only their own client's); lawyers and administrators decide.
//!
//! Acting on a name (a backorder, a dispute, a letter) attaches it to one of the client's
//! matters, the record every later step refers to: the procedure form and the outreach gate
//! start from it, prefilled.

use serde::Deserialize;

use crate::app::access::{Caller, Principal, visible_client, visible_matter};
use crate::app::matters::AttachInput;
use crate::error::{AppError, FieldErrors};
use crate::model::ids::{BrandTermId, ClientId, FindingId};
use crate::model::lookalike::Mark;
use crate::model::lookalike_finding::{
    Decision, FindingState, LookalikeFinding, Triage, triage as check_triage,
};
use crate::model::paging::{self, Page, PageRequest, PagingError};
use crate::repo::lookalikes::{self, BrandTerm};
use crate::state::AppState;

/// A lawyer's decision on a finding.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TriageInput {
    /// `dismiss`, `watch`, `backorder`, `dispute`, `letter` or `reopen`.
    #[schema(value_type = Triage)]
    pub action: String,
    /// For `backorder`, `dispute` and `letter`: the client's matter to record the name on
    /// (default: the matter whose mark it imitates).
    #[serde(default)]
    pub matter_id: Option<String>,
    /// Why (kept with the decision).
    #[serde(default)]
    pub note: String,
}

/// A decision made, and where the next step is (the prefilled procedure form, the letter's
/// draft), when there is one.
#[derive(Debug, Clone)]
pub struct Triaged {
    pub finding: LookalikeFinding,
    pub next: Option<String>,
}

/// A finding with its decisions, for its page.
#[derive(Debug, Clone)]
pub struct FindingFile {
    pub finding: LookalikeFinding,
    pub decisions: Vec<Decision>,
}

const MAX_NOTE: usize = 2_000;

/// The states a list asks for, from `state=new,watching` (all when blank).
pub fn parse_states(raw: Option<&str>) -> Result<Vec<FindingState>, AppError> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|e: crate::model::types::UnknownValue| {
                AppError::invalid("state", e.to_string())
            })
        })
        .collect()
}

/// A client's findings, most dangerous first, a page at a time (`model::paging::FINDINGS`).
pub async fn for_client(
    state: &AppState,
    user: &Principal,
    client_id: &str,
    states: Vec<FindingState>,
    request: PageRequest,
) -> Result<Page<LookalikeFinding>, AppError> {
    let client = visible_client(state, user, client_id).await?;
    // The cursor's parts were checked when it was read (a number, an id).
    let after = match request.after.as_deref() {
        Some([score, id]) => Some((
            score.parse::<i32>().map_err(|_| PagingError::Cursor)?,
            FindingId::parse(id).map_err(|_| PagingError::Cursor)?,
        )),
        _ => None,
    };
    let fetch = request.fetch();
    let rows = state
        .db
        .run(move |c| lookalikes::for_client(c, &client.id, &states, after, fetch))
        .await?;
    Ok(Page::from_rows(rows, &request, paging::FINDINGS, |f| {
        vec![f.score.to_string(), f.id.to_string()]
    }))
}

async fn visible_finding(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<LookalikeFinding, AppError> {
    let missing = || AppError::NotFound("There is no such finding.".into());
    let id = FindingId::parse(id).map_err(|_| missing())?;
    let finding = state
        .db
        .run(move |c| lookalikes::find(c, &id))
        .await?
        .ok_or_else(missing)?;
    // Seen only by those who may see its client; to others it does not exist.
    if !user.may_see_client(&finding.client_id) {
        return Err(missing());
    }
    Ok(finding)
}

pub async fn show(state: &AppState, user: &Principal, id: &str) -> Result<FindingFile, AppError> {
    let finding = visible_finding(state, user, id).await?;
    let fid = finding.id.clone();
    let decisions = state
        .db
        .run(move |c| lookalikes::decisions(c, &fid))
        .await?;
    Ok(FindingFile { finding, decisions })
}

/// A lawyer's decision: checked against the triage rules, then carried out (the name watched,
/// or attached to a matter), then recorded with its note, audited.
pub async fn triage(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: TriageInput,
) -> Result<Triaged, AppError> {
    caller.require_lawyer_or_admin()?;
    let finding = visible_finding(state, caller, id).await?;
    let action: Triage =
        input
            .action
            .trim()
            .parse()
            .map_err(|e: crate::model::types::UnknownValue| {
                AppError::invalid("action", e.to_string())
            })?;
    let note = input.note.trim().to_owned();
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(
            "note",
            format!("The note is too long: at most {MAX_NOTE} characters."),
        ));
    }
    let to = check_triage(finding.state, action)
        .map_err(|e| AppError::invalid("action", e.to_string()))?;
    let mut backorder = None;
    let mut next = None;
    if action == Triage::Watch {
        let name = crate::model::domain_name::DomainName::parse(&finding.domain)
            .map_err(|e| AppError::invalid("action", e.to_string()))?;
        let now = state.clock.now();
        state
            .db
            .run(move |c| crate::repo::monitoring::ensure_monitored(c, &name, now))
            .await?;
    }
    if action.attaches() {
        let matter_id = input
            .matter_id
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .or_else(|| finding.matter_id.as_ref().map(ToString::to_string))
            .ok_or_else(|| {
                AppError::invalid(
                    "matter_id",
                    "Choose the client's matter to record the name on (this finding imitates a brand term, not a matter's mark).",
                )
            })?;
        let matter = visible_matter(state, caller, &matter_id).await?;
        if matter.client_id != finding.client_id {
            return Err(AppError::invalid(
                "matter_id",
                "Choose a matter of the client whose mark the name imitates.",
            ));
        }
        let attached = match &finding.backorder_id {
            Some(id) => id.clone(),
            None => {
                crate::app::matters::attach(
                    state,
                    caller,
                    matter.id.as_str(),
                    AttachInput {
                        domain: finding.domain.clone(),
                        notes: format!(
                            "Lookalike of '{}' found {}.",
                            finding.mark,
                            finding.first_seen_at.format("%Y-%m-%d")
                        ),
                        ..AttachInput::default()
                    },
                )
                .await?
                .backorder
                .id
            }
        };
        next = match action {
            Triage::Dispute => Some(format!(
                "/matters/{}/procedures/new?kind={}&domain={}",
                matter.id,
                dispute_kind(&finding.domain),
                finding.domain
            )),
            Triage::Letter => Some(format!("/backorders/{attached}/outreach/new")),
            _ => Some(format!("/backorders/{attached}")),
        };
        backorder = Some(attached);
    }
    let actor = caller.actor(state.clock.now());
    let finding = state
        .db
        .run(move |c| lookalikes::decide(c, &actor, &finding, to, &note, backorder.as_ref()))
        .await?;
    Ok(Triaged { finding, next })
}

/// The dispute a name's TLD calls for: SYRELI for AFNIC's (docs/legal.md), the UDRP otherwise.
fn dispute_kind(domain: &str) -> &'static str {
    const AFNIC: [&str; 6] = ["fr", "re", "pm", "tf", "wf", "yt"];
    let tld = domain.rsplit('.').next().unwrap_or_default();
    if AFNIC.contains(&tld) {
        "syreli"
    } else {
        "udrp"
    }
}

/// A client's brand terms (beside its matters' marks).
pub async fn brand_terms(
    state: &AppState,
    user: &Principal,
    client_id: &str,
) -> Result<Vec<BrandTerm>, AppError> {
    let client = visible_client(state, user, client_id).await?;
    Ok(state
        .db
        .run(move |c| lookalikes::brand_terms(c, &client.id))
        .await?)
}

/// A brand term to watch for, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BrandTermInput {
    /// The term as the brand writes it (`northwind`, `nörthwind`); at least three letters.
    pub term: String,
}

/// Adds a brand term (lawyers and administrators); a term of one or two letters is refused.
pub async fn add_brand_term(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    input: BrandTermInput,
) -> Result<BrandTerm, AppError> {
    caller.require_lawyer_or_admin()?;
    let client = visible_client(state, caller, client_id).await?;
    let mut errors = FieldErrors::default();
    let mark = Mark::parse(&input.term)
        .map_err(|e| errors.add("term", e))
        .ok();
    errors.check()?;
    let Some(mark) = mark else {
        return Err(AppError::invalid("term", "The term could not be read."));
    };
    let actor = caller.actor(state.clock.now());
    let term = mark.unicode().to_owned();
    Ok(state
        .db
        .run(move |c| lookalikes::add_brand_term(c, &actor, &client.id, &term))
        .await?)
}

pub async fn remove_brand_term(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    term_id: &str,
) -> Result<(), AppError> {
    caller.require_lawyer_or_admin()?;
    let client: crate::model::client::Client = visible_client(state, caller, client_id).await?;
    let missing = || AppError::NotFound("The client has no such brand term.".into());
    let id = BrandTermId::parse(term_id).map_err(|_| missing())?;
    let actor = caller.actor(state.clock.now());
    let cid: ClientId = client.id.clone();
    let removed = state
        .db
        .run(move |c| lookalikes::remove_brand_term(c, &actor, &cid, &id))
        .await?;
    if removed { Ok(()) } else { Err(missing()) }
}
