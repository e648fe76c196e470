//! The audit log, for administrators.

use actix_web::{HttpResponse, get, web};

use crate::app;
use crate::app::admin::AuditQuery;
use crate::error::AppError;
use crate::model::audit::AuditEvent;
use crate::state::AppState;
use crate::web::session::CurrentUser;
use crate::web::{Layout, render, show_time};

pub struct EventRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub summary: String,
    pub detail: String,
    pub origin: String,
}

impl From<AuditEvent> for EventRow {
    fn from(e: AuditEvent) -> Self {
        Self {
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
        }
    }
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

#[get("/admin/audit")]
pub async fn audit_log(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let log = app::admin::audit_log(&state, &user, query.into_inner()).await?;
    let filter = &log.filter;
    let (action, actor, record) = (
        filter.action.clone().unwrap_or_default(),
        filter.actor.clone().unwrap_or_default(),
        filter.record_id.clone().unwrap_or_default(),
    );
    let link = |p: i64| {
        serde_urlencoded::to_string([
            ("action", action.clone()),
            ("actor", actor.clone()),
            ("record", record.clone()),
            ("page", p.to_string()),
        ])
        .ok()
    };
    let (page, pages) = (log.page, log.pages);
    render(&AuditPage {
        layout: Layout::for_user(&user, "Audit log", "audit"),
        prev_query: (page > 1).then(|| link(page - 1)).flatten(),
        next_query: (page < pages).then(|| link(page + 1)).flatten(),
        events: log.events.into_iter().map(EventRow::from).collect(),
        action,
        actor,
        record,
        page,
        pages,
        total: log.total,
    })
}
