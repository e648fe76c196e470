//! The audit log, for administrators.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use crate::error::AppError;
use crate::repo::audit::{self, AuditFilter};
use crate::state::AppState;
use crate::web::session::CurrentUser;
use crate::web::{Layout, render, show_time};

const PER_PAGE: i64 = 50;

pub struct EventRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub summary: String,
    pub detail: String,
    pub origin: String,
}

#[derive(askama::Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    events: Vec<EventRow>,
    action: String,
    actor: String,
    record: String,
    page: i64,
    pages: i64,
    total: i64,
    prev_query: Option<String>,
    next_query: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    record: Option<String>,
    page: Option<i64>,
}

#[get("/admin/audit")]
pub async fn audit_log(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let query = query.into_inner();
    let filter = AuditFilter {
        action: query.action.clone().map(|s| s.trim().to_owned()),
        actor: query.actor.clone().map(|s| s.trim().to_owned()),
        record_id: query.record.clone().map(|s| s.trim().to_owned()),
    };
    let page = query.page.unwrap_or(1).max(1);
    let result = {
        let filter = filter.clone();
        state
            .db
            .run(move |c| audit::list(c, &filter, (page - 1) * PER_PAGE, PER_PAGE))
            .await?
    };
    let pages = ((result.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let link = |p: i64| {
        serde_urlencoded::to_string([
            ("action", filter.action.clone().unwrap_or_default()),
            ("actor", filter.actor.clone().unwrap_or_default()),
            ("record", filter.record_id.clone().unwrap_or_default()),
            ("page", p.to_string()),
        ])
        .ok()
    };
    render(&AuditPage {
        layout: Layout::for_user(&user, "Audit log", "audit"),
        events: result
            .events
            .into_iter()
            .map(|e| EventRow {
                at: show_time(&e.at),
                actor: e.actor,
                action: e.action,
                record: match e.record_id {
                    Some(id) => format!("{} {id}", e.record_type),
                    None => e.record_type,
                },
                summary: e.summary,
                detail: if e.detail == "{}" {
                    String::new()
                } else {
                    e.detail
                },
                origin: match (e.ip, e.request_id) {
                    (Some(ip), Some(rid)) => format!("{ip} · request {rid}"),
                    (Some(ip), None) => ip,
                    (None, _) => String::new(),
                },
            })
            .collect(),
        action: filter.action.clone().unwrap_or_default(),
        actor: filter.actor.clone().unwrap_or_default(),
        record: filter.record_id.clone().unwrap_or_default(),
        page,
        pages,
        total: result.total,
        prev_query: (page > 1).then(|| link(page - 1)).flatten(),
        next_query: (page < pages).then(|| link(page + 1)).flatten(),
    })
}
