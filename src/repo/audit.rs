//! The append-only audit log: who changed what, when, and which record. The database refuses
//! updates and deletes on the table (triggers in both migration sets).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::audit_events;
use crate::db::sql::{contains_pattern, escape_like, lower};
use crate::db::types::to_db;
use crate::db::{DbConn, DbError};
use crate::model::audit::{Actor, AuditEvent};
use crate::model::ids::{AuditEventId, UserId};
use crate::model::paging::{AUDIT, Page, PageRequest, parse_time, time_part};
use crate::repo::keyset;

/// One change, as written to the log.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// `user.created`, `token.revoked`, …: the record type, a dot, what happened.
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: Option<&'a str>,
    /// One line a person can read in the log.
    pub summary: String,
    /// Details for investigation (never secrets).
    pub detail: serde_json::Value,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    id: AuditEventId,
    at: NaiveDateTime,
    actor_id: Option<&'a UserId>,
    actor: &'a str,
    action: &'a str,
    record_type: &'a str,
    record_id: Option<&'a str>,
    summary: &'a str,
    detail: String,
    ip: Option<&'a str>,
    request_id: Option<&'a str>,
}

pub fn record(conn: &mut DbConn, actor: &Actor, change: Change<'_>) -> Result<(), DbError> {
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            id: AuditEventId::new(),
            at: to_db(actor.at),
            actor_id: actor.user_id.as_ref(),
            actor: &actor.label,
            action: change.action,
            record_type: change.record_type,
            record_id: change.record_id,
            summary: &change.summary,
            detail: change.detail.to_string(),
            ip: actor.ip.as_deref(),
            request_id: actor.request_id.as_deref(),
        })
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Matches the action or its record type, e.g. `user` or `user.login_failed`.
    pub action: Option<String>,
    /// Part of the actor's label (an e-mail address).
    pub actor: Option<String>,
    pub record_id: Option<String>,
}

/// One page of the log, newest first (`at DESC, id DESC`, the key of [`AUDIT`]), by key: the
/// index on `(at, id)` reads what the page shows, however long the log.
pub fn list(
    conn: &mut DbConn,
    filter: &AuditFilter,
    request: &PageRequest,
) -> Result<Page<AuditEvent>, DbError> {
    let mut q = audit_events::table
        .select(AuditEvent::as_select())
        .limit(request.fetch())
        .into_boxed();
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        q = q.filter(
            audit_events::action
                .eq(action.to_owned())
                .or(audit_events::action
                    .like(format!("{}.%", escape_like(action)))
                    .escape('\\')),
        );
    }
    if let Some(actor) = filter.actor.as_deref().filter(|a| !a.is_empty()) {
        q = q.filter(
            lower(audit_events::actor)
                .like(contains_pattern(actor))
                .escape('\\'),
        );
    }
    if let Some(record) = filter.record_id.as_deref().filter(|r| !r.is_empty()) {
        q = q.filter(audit_events::record_id.eq(record.to_owned()));
    }
    // Read backward for a "Previous" link (`model::paging`).
    q = if request.backward() {
        q.order((audit_events::at.asc(), audit_events::id.asc()))
    } else {
        q.order((audit_events::at.desc(), audit_events::id.desc()))
    };
    // The cursor's parts were checked when it was read (`model::paging`).
    if let Some([at, id]) = request.cursor()
        && let Ok(at) = parse_time(at)
    {
        q = keyset::seek!(q, request.backward();
            (desc audit_events::at, at),
            (desc audit_events::id, id.clone()),
        );
    }
    let rows = q.load(conn)?;
    Ok(Page::from_rows(rows, request, AUDIT, |e: &AuditEvent| {
        vec![time_part(&e.at), e.id.to_string()]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DatabaseUrl, migrations};

    fn conn() -> DbConn {
        let mut conn = DatabaseUrl::SqliteMemory.connect().unwrap();
        migrations::run_pending(&mut conn).unwrap();
        conn
    }

    fn change(action: &str) -> Change<'_> {
        Change {
            action,
            record_type: action.split('.').next().unwrap(),
            record_id: Some("r1"),
            summary: format!("did {action}"),
            detail: serde_json::json!({}),
        }
    }

    #[test]
    fn events_are_listed_newest_first_and_filtered() {
        let mut conn = conn();
        let t0 = chrono::Utc::now();
        for (i, action) in ["user.created", "user.login", "token.created"]
            .iter()
            .enumerate()
        {
            let actor = Actor::process("cli", t0 + chrono::Duration::seconds(i as i64));
            record(&mut conn, &actor, change(action)).unwrap();
        }
        let ten = PageRequest::first(10);
        let all = list(&mut conn, &AuditFilter::default(), &ten).unwrap();
        assert_eq!(all.rows.len(), 3);
        assert_eq!(all.rows[0].action, "token.created");
        let users = list(
            &mut conn,
            &AuditFilter {
                action: Some("user".into()),
                ..Default::default()
            },
            &ten,
        )
        .unwrap();
        assert_eq!(users.rows.len(), 2);
        let nobody = list(
            &mut conn,
            &AuditFilter {
                actor: Some("%".into()),
                ..Default::default()
            },
            &ten,
        )
        .unwrap();
        assert_eq!(
            nobody.rows.len(),
            0,
            "LIKE wildcards in the filter are literal"
        );
    }

    #[test]
    fn the_log_refuses_updates_and_deletes() {
        let mut conn = conn();
        record(
            &mut conn,
            &Actor::process("cli", chrono::Utc::now()),
            change("user.created"),
        )
        .unwrap();
        let update = diesel::update(audit_events::table)
            .set(audit_events::summary.eq("rewritten"))
            .execute(&mut conn);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = diesel::delete(audit_events::table).execute(&mut conn);
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    }
}
