//! Who may see and change what: the one access rule, decided here and nowhere else.
//!
//! - Staff (admins, lawyers, paralegals) see every client; a client (portal) user sees only the
//!   records of the client they belong to, read-only.
//! - On a matter, lawyers and admins *change* the file (its terms, names, procedures, approvals)
//!   while it is open; any staff member *works* on an open matter (events, deadlines, drafts,
//!   registry checks). A closed matter is read-only for everyone.
//! - A record the caller may not see is "not found", so that a client user cannot even learn
//!   that another client's records exist.

use std::ops::Deref;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::DbError;
use crate::error::AppError;
use crate::model::audit::Actor;
use crate::model::backorder::Backorder;
use crate::model::client::Client;
use crate::model::ids::{
    BackorderId, ClientId, DeadlineId, MatterId, OutreachId, ProcedureId, ReportId, UserId,
};
use crate::model::matter::{Matter, MatterStatus};
use crate::model::outreach::Outreach;
use crate::model::procedure::{Deadline, Procedure};
use crate::model::report::Report;
use crate::model::user::{Role, User};
use crate::repo::{backorders, clients, matters, outreach, procedures, reports};
use crate::state::AppState;

/// The authenticated user behind a request, from a session cookie or an API token.
#[derive(Debug, Clone)]
pub struct Principal {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub client_id: Option<ClientId>,
}

impl From<&User> for Principal {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
            role: user.role,
            client_id: user.client_id.clone(),
        }
    }
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Admins and lawyers open files for clients and decide on them; paralegals work on them.
    pub fn is_lawyer_or_admin(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Lawyer)
    }

    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only an administrator can do this. Ask your firm's reclaim administrator."
                    .to_owned(),
            ))
        }
    }

    pub fn require_staff(&self) -> Result<(), AppError> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Client portal accounts can only read their own matters.".to_owned(),
            ))
        }
    }

    pub fn require_lawyer_or_admin(&self) -> Result<(), AppError> {
        if self.is_lawyer_or_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only a lawyer or an administrator can do this.".to_owned(),
            ))
        }
    }

    /// Staff see every client; a portal user sees only the client they belong to.
    pub fn may_see_client(&self, client: &ClientId) -> bool {
        self.is_staff() || self.client_id.as_ref() == Some(client)
    }

    /// What this user may do on `matter`.
    pub fn rights(&self, matter: &Matter) -> MatterRights {
        let see = self.may_see_client(&matter.client_id);
        let open = matter.status == MatterStatus::Open;
        MatterRights {
            see,
            staff: self.is_staff(),
            work: see && open && self.is_staff(),
            change: see && open && self.is_lawyer_or_admin(),
        }
    }

    /// Refuses unless this user may change `matter` (see [`MatterRights::change`]).
    pub fn require_change(&self, matter: &Matter) -> Result<(), AppError> {
        self.require_lawyer_or_admin()?;
        require_open(matter)
    }

    /// Refuses unless this user may work on `matter` (see [`MatterRights::work`]).
    pub fn require_work(&self, matter: &Matter) -> Result<(), AppError> {
        self.require_staff()?;
        require_open(matter)
    }
}

fn require_open(matter: &Matter) -> Result<(), AppError> {
    if matter.status == MatterStatus::Open {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Matter {} is closed; reopen it to change it.",
            matter.reference
        )))
    }
}

/// What a user may do on one matter, for the use cases and for pages that show or hide a
/// button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MatterRights {
    /// The matter is visible at all.
    pub see: bool,
    /// The user is on the firm's staff and sees its internal records (drafts, raw registry
    /// answers, people).
    pub staff: bool,
    /// Record events, deadlines and drafts, ask the registry: staff, on an open matter.
    pub work: bool,
    /// Change the file (terms, names, procedures, approvals): lawyers and admins, on an open
    /// matter.
    pub change: bool,
}

/// Who asks, and from where: what a use case needs to decide and to write the audit trail.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: Principal,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Caller {
    pub fn new(user: Principal, ip: Option<String>, request_id: Option<String>) -> Self {
        Self {
            user,
            ip,
            request_id,
        }
    }

    /// The audit trail's actor for a change made now.
    pub fn actor(&self, at: DateTime<Utc>) -> Actor {
        Actor {
            user_id: Some(self.user.id.clone()),
            label: self.user.email.clone(),
            ip: self.ip.clone(),
            request_id: self.request_id.clone(),
            at,
        }
    }
}

impl Deref for Caller {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.user
    }
}

/// Reads a record on behalf of `user`: `None` from `find`, an id that does not parse, or a
/// record of a client the user may not see, are all "not found".
async fn visible<T, F>(
    state: &AppState,
    user: &Principal,
    what: &'static str,
    find: F,
) -> Result<(T, Matter), AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConn) -> Result<Option<(T, Matter)>, DbError> + Send + 'static,
{
    match state.db.run(find).await? {
        Some((record, matter)) if user.may_see_client(&matter.client_id) => Ok((record, matter)),
        _ => Err(AppError::not_found(what)),
    }
}

fn parse_id<T>(
    raw: &str,
    what: &'static str,
    parse: fn(&str) -> Result<T, crate::model::types::InvalidId>,
) -> Result<T, AppError> {
    parse(raw).map_err(|_| AppError::not_found(what))
}

pub async fn visible_client(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<Client, AppError> {
    let id = parse_id(id, "client", ClientId::parse)?;
    if !user.may_see_client(&id) {
        return Err(AppError::not_found("client"));
    }
    state
        .db
        .run(move |c| clients::find(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("client"))
}

pub async fn visible_matter(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<Matter, AppError> {
    let id = parse_id(id, "matter", MatterId::parse)?;
    let (matter, _) = visible(state, user, "matter", move |c| {
        Ok(matters::find(c, &id)?.map(|m| (m.clone(), m)))
    })
    .await?;
    Ok(matter)
}

/// A backorder and its matter, if the user may see the matter.
pub async fn visible_backorder(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Backorder, Matter), AppError> {
    let id = parse_id(id, "backorder", BackorderId::parse)?;
    visible(state, user, "backorder", move |c| {
        let Some(backorder) = backorders::find(c, &id)? else {
            return Ok(None);
        };
        Ok(matters::find(c, &backorder.matter_id)?.map(|m| (backorder, m)))
    })
    .await
}

/// A procedure and its matter, if the user may see the matter.
pub async fn visible_procedure(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Procedure, Matter), AppError> {
    let id = parse_id(id, "procedure", ProcedureId::parse)?;
    visible(state, user, "procedure", move |c| {
        let Some(procedure) = procedures::find(c, &id)? else {
            return Ok(None);
        };
        Ok(matters::find(c, &procedure.matter_id)?.map(|m| (procedure, m)))
    })
    .await
}

/// A deadline and its matter, if the user may see the matter.
pub async fn visible_deadline(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Deadline, Matter), AppError> {
    let id = parse_id(id, "deadline", DeadlineId::parse)?;
    visible(state, user, "deadline", move |c| {
        let Some(deadline) = procedures::find_deadline(c, &id)? else {
            return Ok(None);
        };
        Ok(matters::find(c, &deadline.matter_id)?.map(|m| (deadline, m)))
    })
    .await
}

/// A message to a holder, its backorder and its matter, if the user may see the matter.
pub async fn visible_outreach(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Outreach, Backorder, Matter), AppError> {
    let id = parse_id(id, "outreach message", OutreachId::parse)?;
    let ((message, backorder), matter) = visible(state, user, "outreach message", move |c| {
        let Some(message) = outreach::find(c, &id)? else {
            return Ok(None);
        };
        let Some(backorder) = backorders::find(c, &message.backorder_id)? else {
            return Ok(None);
        };
        Ok(matters::find(c, &backorder.matter_id)?.map(|m| ((message, backorder), m)))
    })
    .await?;
    Ok((message, backorder, matter))
}

/// A kept report and its bytes, if the user may see its client. The bytes are read only for
/// someone who may see the report.
pub async fn visible_report(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Report, Vec<u8>), AppError> {
    let id = parse_id(id, "report", ReportId::parse)?;
    let viewer = user.clone();
    state
        .db
        .run(move |c| {
            let Some(report) =
                reports::find(c, &id)?.filter(|r| viewer.may_see_client(&r.client_id))
            else {
                return Ok(None);
            };
            Ok::<_, DbError>(reports::pdf(c, &id)?.map(|bytes| (report, bytes)))
        })
        .await?
        .ok_or_else(|| AppError::not_found("report"))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use super::*;

    fn user(role: Role, client: Option<&ClientId>) -> Principal {
        Principal {
            id: UserId::new(),
            email: "someone@firm.example".to_owned(),
            name: "Someone".to_owned(),
            role,
            client_id: client.cloned(),
        }
    }

    fn matter(client: &ClientId, status: MatterStatus) -> Matter {
        let at = NaiveDateTime::default();
        Matter {
            id: MatterId::new(),
            reference: "M-2026-0001".to_owned(),
            client_id: client.clone(),
            title: "Recovery".to_owned(),
            responsible_lawyer_id: UserId::new(),
            status,
            notes: String::new(),
            opened_at: at,
            closed_at: None,
            created_at: at,
            updated_at: at,
            renewal_years: 1,
        }
    }

    /// The one rule, as a table: role × own/other client × open/closed.
    #[test]
    fn who_may_see_work_on_and_change_a_matter() {
        let (own, other) = (ClientId::new(), ClientId::new());
        use MatterStatus::{Closed, Open};
        use Role::{Admin, Client, Lawyer, Paralegal};
        // (role, client of the user, matter's client, status) → (see, work, change)
        let cases = [
            (Admin, None, &own, Open, (true, true, true)),
            (Lawyer, None, &own, Open, (true, true, true)),
            (Paralegal, None, &own, Open, (true, true, false)),
            (Client, Some(&own), &own, Open, (true, false, false)),
            (Client, Some(&own), &other, Open, (false, false, false)),
            (Admin, None, &own, Closed, (true, false, false)),
            (Lawyer, None, &own, Closed, (true, false, false)),
            (Paralegal, None, &own, Closed, (true, false, false)),
            (Client, Some(&own), &own, Closed, (true, false, false)),
        ];
        for (role, belongs, of, status, (see, work, change)) in cases {
            let rights = user(role, belongs).rights(&matter(of, status));
            assert_eq!(
                (rights.see, rights.work, rights.change),
                (see, work, change),
                "{role:?} {status:?} own={}",
                belongs == Some(of)
            );
            if see {
                // The use cases load the matter through `visible_*` first, then ask these.
                let (u, m) = (user(role, belongs), matter(of, status));
                assert_eq!(u.require_work(&m).is_ok(), work, "{role:?} {status:?}");
                assert_eq!(u.require_change(&m).is_ok(), change, "{role:?} {status:?}");
            }
        }
    }
}
