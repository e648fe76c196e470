//! After the catch: the checklist of a backorder caught or won (`model::after_catch`). Whoever
//! may see the backorder may read it (a client user only their own client's); staff tick and
//! reopen items on open matters, audited. Registry ticks come from `app::monitoring`.

use serde::Deserialize;

use crate::app::access::{Caller, Principal, visible_backorder};
use crate::error::AppError;
use crate::model::after_catch::{ChecklistItem, Item};
use crate::model::backorder::Backorder;
use crate::repo::after_catch::{self, ChecklistError};
use crate::state::AppState;

/// A tick or a reopening.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TickInput {
    /// `true`: done; `false`: reopen an item a person ticked.
    pub done: bool,
}

/// A backorder's checklist.
#[derive(Debug, Clone)]
pub struct Checklist {
    pub backorder: Backorder,
    pub items: Vec<ChecklistItem>,
}

/// The checklist of a backorder the caller may see; "not found", saying why, when none is open.
pub async fn checklist(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<Checklist, AppError> {
    let (backorder, _) = visible_backorder(state, user, id).await?;
    let bo = backorder.id.clone();
    let items = state
        .db
        .run(move |c| after_catch::for_backorder(c, &bo))
        .await?;
    if items.is_empty() {
        return Err(ChecklistError::NoChecklist(backorder.status.label().to_lowercase()).into());
    }
    Ok(Checklist { backorder, items })
}

/// The item an id names, or "not found" listing the ids.
pub fn parse_item(raw: &str) -> Result<Item, AppError> {
    raw.trim().parse().map_err(|_| {
        AppError::NotFound(format!(
            "There is no checklist item '{}'. The items are: {}.",
            raw.chars().take(40).collect::<String>(),
            Item::ORDER
                .iter()
                .map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// A member of staff ticks an item (or reopens one a person ticked) on an open matter.
pub async fn set_done(
    state: &AppState,
    caller: &Caller,
    id: &str,
    item: &str,
    input: TickInput,
) -> Result<ChecklistItem, AppError> {
    let (backorder, matter) = visible_backorder(state, caller, id).await?;
    caller.require_work(&matter)?;
    let item = parse_item(item)?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| after_catch::set_done(c, &actor, &backorder.id, item, input.done))
        .await?)
}
