//! Dispute procedures and their deadlines: opening a procedure, recording what happens,
//! the deadlines the rules compute, official dates, and deadlines entered by hand.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::access::{Caller, visible_matter, visible_procedure};
use crate::error::{AppError, FieldErrors};
use crate::model::ids::UserId;
use crate::model::present;
use crate::model::procedure::Deadline;
use crate::repo::procedures::{self, NewManualDeadline};
use crate::state::AppState;

/// A deadline entered by hand, on a matter or (with `procedure_id`) on one of its procedures.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ManualInput {
    #[serde(default)]
    pub label: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub procedure_id: String,
    #[serde(default)]
    pub assigned_to: String,
    #[serde(default)]
    pub note: String,
}

impl ManualInput {
    /// The procedure the deadline belongs to, if the form names one.
    pub fn procedure(&self) -> Option<&str> {
        Some(self.procedure_id.trim()).filter(|p| !p.is_empty())
    }
}

/// Adds a deadline by hand (staff, open matter). Errors name the fields of [`ManualInput`].
pub async fn add_manual(
    state: &AppState,
    caller: &Caller,
    matter_id: &str,
    input: ManualInput,
) -> Result<Deadline, AppError> {
    let matter = visible_matter(state, caller, matter_id).await?;
    caller.require_work(&matter)?;
    let procedure_id = match input.procedure() {
        None => None,
        Some(p) => {
            let (procedure, _) = visible_procedure(state, caller, p).await?;
            if procedure.matter_id != matter.id {
                return Err(AppError::not_found("procedure"));
            }
            Some(procedure.id)
        }
    };
    let mut errors = FieldErrors::default();
    let label: String = input.label.trim().chars().take(300).collect();
    if label.is_empty() {
        errors.add("label", procedures::ProcedureError::NoLabel);
    }
    let due_on = parse_date("due_on", &input.due_on)
        .map_err(|e| errors.add("due_on", e))
        .ok();
    errors.check()?;
    let Some(due_on) = due_on else {
        return Err(AppError::BadRequest(
            "The due date could not be read.".to_owned(),
        ));
    };
    let new = NewManualDeadline {
        procedure_id,
        label,
        due_on,
        assigned_to: UserId::parse(input.assigned_to.trim()).ok(),
        note: input.note.trim().chars().take(2_000).collect(),
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| procedures::add_manual(c, &actor, &matter.id, &new))
        .await?)
}

/// A date as `<input type="date">` sends it; the error names `field`.
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    present::parse_iso_day(raw).ok_or_else(|| {
        AppError::invalid(
            field,
            if raw.trim().is_empty() {
                "Give a date (YYYY-MM-DD).".to_owned()
            } else {
                format!(
                    "'{}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-23.",
                    raw.trim().chars().take(30).collect::<String>()
                )
            },
        )
    })
}
