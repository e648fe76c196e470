//! The audit log, for administrators.

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::app;
use crate::app::admin::AuditQuery;
use crate::error::AppError;
use crate::model::audit::AuditEvent;
use crate::model::paging;
use crate::state::AppState;
use crate::web::paging::{PageLinks, PageNavQuery};
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
    pager: PageLinks,
}

/// The log, newest first, a page at a time (`limit`, `after`, `before`), with its filters.
#[get("/admin/audit")]
pub async fn audit_log(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    query: web::Query<AuditQuery>,
    page: web::Query<PageNavQuery>,
) -> Result<HttpResponse, AppError> {
    let request = page.request(paging::AUDIT)?;
    let log = app::admin::audit_log(&state, &user, query.into_inner(), request).await?;
    let filter = &log.filter;
    render(&AuditPage {
        layout: Layout::for_user(&user, "Audit log", "audit"),
        pager: PageLinks::of(&req, &log.events),
        action: filter.action.clone().unwrap_or_default(),
        actor: filter.actor.clone().unwrap_or_default(),
        record: filter.record_id.clone().unwrap_or_default(),
        events: log.events.rows.into_iter().map(EventRow::from).collect(),
    })
}
