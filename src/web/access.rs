//! Loading records on behalf of a user: a record the user may not see is "not found", so that
//! a client user cannot even learn that another client's records exist.

use crate::auth::Principal;
use crate::error::AppError;
use crate::model::backorder::Backorder;
use crate::model::client::Client;
use crate::model::ids::{BackorderId, ClientId, DeadlineId, MatterId, ProcedureId};
use crate::model::matter::Matter;
use crate::model::procedure::{Deadline, Procedure};
use crate::repo::{backorders, clients, matters, procedures};
use crate::state::AppState;

pub async fn visible_client(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<Client, AppError> {
    let id = ClientId::parse(id).map_err(|_| AppError::not_found("client"))?;
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
    let id = MatterId::parse(id).map_err(|_| AppError::not_found("matter"))?;
    let matter = state
        .db
        .run(move |c| matters::find(c, &id))
        .await?
        .ok_or_else(|| AppError::not_found("matter"))?;
    if user.may_see_client(&matter.client_id) {
        Ok(matter)
    } else {
        Err(AppError::not_found("matter"))
    }
}

/// A backorder and its matter, if the user may see the matter.
pub async fn visible_backorder(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Backorder, Matter), AppError> {
    let id = BackorderId::parse(id).map_err(|_| AppError::not_found("backorder"))?;
    let found = state
        .db
        .run(move |c| {
            let Some(backorder) = backorders::find(c, &id)? else {
                return Ok(None);
            };
            let matter = matters::find(c, &backorder.matter_id)?;
            Ok::<_, crate::db::DbError>(matter.map(|m| (backorder, m)))
        })
        .await?;
    match found {
        Some((backorder, matter)) if user.may_see_client(&matter.client_id) => {
            Ok((backorder, matter))
        }
        _ => Err(AppError::not_found("backorder")),
    }
}

/// A procedure and its matter, if the user may see the matter.
pub async fn visible_procedure(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Procedure, Matter), AppError> {
    let id = ProcedureId::parse(id).map_err(|_| AppError::not_found("procedure"))?;
    let found = state
        .db
        .run(move |c| {
            let Some(procedure) = procedures::find(c, &id)? else {
                return Ok(None);
            };
            let matter = matters::find(c, &procedure.matter_id)?;
            Ok::<_, crate::db::DbError>(matter.map(|m| (procedure, m)))
        })
        .await?;
    match found {
        Some((procedure, matter)) if user.may_see_client(&matter.client_id) => {
            Ok((procedure, matter))
        }
        _ => Err(AppError::not_found("procedure")),
    }
}

/// A deadline and its matter, if the user may see the matter.
pub async fn visible_deadline(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Deadline, Matter), AppError> {
    let id = DeadlineId::parse(id).map_err(|_| AppError::not_found("deadline"))?;
    let found = state
        .db
        .run(move |c| {
            let Some(deadline) = procedures::find_deadline(c, &id)? else {
                return Ok(None);
            };
            let matter = matters::find(c, &deadline.matter_id)?;
            Ok::<_, crate::db::DbError>(matter.map(|m| (deadline, m)))
        })
        .await?;
    match found {
        Some((deadline, matter)) if user.may_see_client(&matter.client_id) => {
            Ok((deadline, matter))
        }
        _ => Err(AppError::not_found("deadline")),
    }
}
