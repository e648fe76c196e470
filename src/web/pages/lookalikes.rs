//! The lookalike watch's pages: a client's findings with a lawyer's triage on each, and the
//! client's brand terms.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app;
use crate::app::lookalikes::{BrandTermInput, TriageInput, parse_states};
use crate::error::AppError;
use crate::model::lookalike_finding::{FindingState, LookalikeFinding, Triage, actions};
use crate::model::matter::MatterStatus;
use crate::model::paging;
use crate::state::AppState;
use crate::web::paging::{PageLinks, PageQuery};
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::{Layout, caller, render, see_other, show_time};

/// One finding as a row of the table.
pub struct FindingRow {
    pub id: String,
    pub unicode: String,
    pub domain: String,
    pub mark: String,
    pub why: String,
    pub score: i32,
    pub first_seen: String,
    pub registry: String,
    pub state: &'static str,
    pub has_matter: bool,
    pub actions: Vec<(&'static str, &'static str)>,
    pub backorder_id: String,
}

impl FindingRow {
    fn of(f: &LookalikeFinding, can_decide: bool) -> Self {
        let mut registry = Vec::new();
        if let Some(r) = &f.registry.registrar {
            registry.push(r.clone());
        }
        if let Some(d) = f.registry.registered_on {
            registry.push(format!("created {d}"));
        }
        if !f.registry.statuses.is_empty() {
            registry.push(f.registry.statuses.join(", "));
        }
        Self {
            id: f.id.to_string(),
            unicode: f.unicode.clone(),
            domain: f.domain.clone(),
            mark: f.mark.clone(),
            why: f.why(),
            score: f.score,
            first_seen: show_time(&f.first_seen_at),
            registry: registry.join(" · "),
            state: f.state.label(),
            has_matter: f.matter_id.is_some(),
            actions: if can_decide {
                actions(f.state)
                    .iter()
                    .map(|a| (a.as_str(), a.label()))
                    .collect()
            } else {
                Vec::new()
            },
            backorder_id: f
                .backorder_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "lookalikes/client.html")]
struct FindingsPage {
    layout: Layout,
    client_id: String,
    client_name: String,
    findings: Vec<FindingRow>,
    terms: Vec<(String, String)>,
    matters: Vec<(String, String)>,
    showing: String,
    can_decide: bool,
    pager: PageLinks,
}

#[derive(Debug, Deserialize)]
pub struct FindingsQuery {
    state: Option<String>,
    limit: Option<String>,
    after: Option<String>,
}

/// The states shown when the page is opened without a filter: the ones awaiting a decision.
const OPEN: [FindingState; 2] = [FindingState::New, FindingState::Watching];

#[get("/clients/{id}/lookalikes")]
pub async fn client_findings(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<FindingsQuery>,
) -> Result<HttpResponse, AppError> {
    let states = match query.state.as_deref() {
        Some("all") => Vec::new(),
        None | Some("") => OPEN.to_vec(),
        other => parse_states(other)?,
    };
    let showing = if states.is_empty() {
        "all".to_owned()
    } else {
        states
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let file = app::clients::show(&state, &user, &id).await?;
    let request = PageQuery {
        limit: query.limit.clone(),
        after: query.after.clone(),
    }
    .request(paging::FINDINGS)?;
    let findings = app::lookalikes::for_client(&state, &user, &id, states, request).await?;
    let pager = PageLinks::of(&req, &findings);
    let findings = findings.rows;
    let terms = app::lookalikes::brand_terms(&state, &user, &id).await?;
    let can_decide = user.require_lawyer_or_admin().is_ok();
    render(&FindingsPage {
        layout: Layout::for_user(&user, "Lookalikes", "clients"),
        client_id: file.client.id.to_string(),
        client_name: file.client.name.clone(),
        findings: findings
            .iter()
            .map(|f| FindingRow::of(f, can_decide))
            .collect(),
        terms: terms
            .iter()
            .map(|t| (t.id.to_string(), t.term.clone()))
            .collect(),
        matters: file
            .matters
            .rows
            .iter()
            .filter(|m| m.matter.status == MatterStatus::Open)
            .map(|m| {
                (
                    m.matter.id.to_string(),
                    format!("{} — {}", m.matter.reference, m.matter.title),
                )
            })
            .collect(),
        showing,
        can_decide,
        pager,
    })
}

#[derive(Debug, Deserialize)]
pub struct TriageForm {
    action: String,
    #[serde(default)]
    matter_id: String,
    #[serde(default)]
    note: String,
    /// The client's findings page to come back to.
    #[serde(default)]
    back: String,
}

#[post("/findings/{id}/triage")]
pub async fn triage(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<TriageForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = TriageInput {
        action: form.action.clone(),
        matter_id: Some(form.matter_id.clone()).filter(|m| !m.trim().is_empty()),
        note: form.note,
    };
    let back = if form.back.starts_with("/clients/") && !form.back.contains("//") {
        form.back
    } else {
        "/clients".to_owned()
    };
    match app::lookalikes::triage(&state, &caller(&user, &meta), &id, input).await {
        Ok(done) => {
            let action: Option<Triage> = form.action.parse().ok();
            session::flash(
                &user.session,
                "success",
                format!(
                    "{}: {}.",
                    done.finding.unicode,
                    action.map_or("decided", |a| a.label())
                ),
            );
            Ok(see_other(done.next.as_deref().unwrap_or(&back)))
        }
        // The table shows the finding again, with what was wrong above it.
        Err(e) => {
            session::flash(&user.session, "error", refusal(e)?);
            Ok(see_other(&back))
        }
    }
}

/// The message of an input the user can correct (said above the table); anything else is the
/// error page's.
fn refusal(e: AppError) -> Result<String, AppError> {
    match e {
        AppError::Invalid { message, .. } => Ok(message),
        AppError::Fields(fields) => Ok(fields.iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
        other => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct TermForm {
    term: String,
}

#[post("/clients/{id}/brand-terms")]
pub async fn add_term(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<TermForm>,
) -> Result<HttpResponse, AppError> {
    let back = format!("/clients/{id}/lookalikes");
    let input = BrandTermInput {
        term: form.into_inner().term,
    };
    match app::lookalikes::add_brand_term(&state, &caller(&user, &meta), &id, input).await {
        Ok(term) => session::flash(
            &user.session,
            "success",
            format!("“{}” is watched from the next scan.", term.term),
        ),
        Err(e) => session::flash(&user.session, "error", refusal(e)?),
    }
    Ok(see_other(&back))
}

#[post("/clients/{id}/brand-terms/{term}/remove")]
pub async fn remove_term(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, term) = path.into_inner();
    app::lookalikes::remove_brand_term(&state, &caller(&user, &meta), &id, &term).await?;
    session::flash(&user.session, "success", "The term is no longer watched.");
    Ok(see_other(&format!("/clients/{id}/lookalikes")))
}
