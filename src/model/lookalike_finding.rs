//! A lookalike finding: a registered name that imitates one of a client's marks (found by the
//! zone scan or a direct check, `model::lookalike`), and what a lawyer decided about it. Pure:
//! the triage rules say which decision may follow which, and what each leaves to do.

use chrono::{NaiveDate, NaiveDateTime};

use crate::model::ids::{BackorderId, ClientId, FindingId, MatterId, UserId};

crate::text_enum! {
    /// Where a finding stands. The words are the API's: never renamed.
    pub enum FindingState ("finding state") {
        /// Found, not yet looked at by a lawyer.
        New => "new",
        /// Not a threat (a legitimate business, a coincidence): a later scan that sees the name
        /// again keeps it dismissed.
        Dismissed => "dismissed",
        /// Watched at the registry like a backorder's name, without seeking it yet.
        Watching => "watching",
        /// Sought: a backorder on a matter of the client.
        Backordered => "backordered",
        /// Claimed through a UDRP or SYRELI (a backorder records the name on the matter).
        Disputed => "disputed",
        /// A letter to the holder is being written (through the outreach gate).
        Letter => "letter",
    }
}

crate::text_enum! {
    /// What a lawyer can do with a finding.
    pub enum Triage ("triage action") {
        Dismiss => "dismiss",
        Watch => "watch",
        Backorder => "backorder",
        Dispute => "dispute",
        Letter => "letter",
        /// Back to new (a dismissal made in error).
        Reopen => "reopen",
    }
}

impl FindingState {
    pub fn label(self) -> &'static str {
        match self {
            FindingState::New => "New",
            FindingState::Dismissed => "Dismissed",
            FindingState::Watching => "Watched",
            FindingState::Backordered => "Backordered",
            FindingState::Disputed => "Dispute started",
            FindingState::Letter => "Letter to the holder",
        }
    }

    /// Still asks for a lawyer's decision (counted in the digest and the report).
    pub fn is_open(self) -> bool {
        matches!(self, FindingState::New | FindingState::Watching)
    }
}

impl Triage {
    pub fn label(self) -> &'static str {
        match self {
            Triage::Dismiss => "Dismiss",
            Triage::Watch => "Watch",
            Triage::Backorder => "Open a backorder",
            Triage::Dispute => "Start a UDRP/SYRELI",
            Triage::Letter => "Draft a letter",
            Triage::Reopen => "Reopen",
        }
    }

    /// Whether the action attaches the name to a matter (as a backorder): the way reclaim
    /// records a name the firm acts on, which a procedure or a letter then refers to.
    pub fn attaches(self) -> bool {
        matches!(self, Triage::Backorder | Triage::Dispute | Triage::Letter)
    }

    /// The state the action leads to.
    pub fn target(self) -> FindingState {
        match self {
            Triage::Dismiss => FindingState::Dismissed,
            Triage::Watch => FindingState::Watching,
            Triage::Backorder => FindingState::Backordered,
            Triage::Dispute => FindingState::Disputed,
            Triage::Letter => FindingState::Letter,
            Triage::Reopen => FindingState::New,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("This finding is {}: '{}' does not apply. {}", .from.label().to_lowercase(), .action.label(), allowed(*.from))]
pub struct TriageError {
    pub from: FindingState,
    pub action: Triage,
}

/// The actions open from a state. A finding the firm acts on (backorder, dispute, letter) may
/// still move on to a stronger step (a letter first, then a dispute); a dismissed one only
/// reopens; nothing goes back from an action on the name (its backorder records what follows).
pub fn actions(from: FindingState) -> &'static [Triage] {
    use Triage::*;
    match from {
        FindingState::New => &[Dismiss, Watch, Backorder, Dispute, Letter],
        FindingState::Watching => &[Dismiss, Backorder, Dispute, Letter],
        FindingState::Dismissed => &[Reopen],
        FindingState::Letter => &[Dispute, Backorder],
        FindingState::Backordered => &[Dispute, Letter],
        FindingState::Disputed => &[],
    }
}

fn allowed(from: FindingState) -> String {
    let next = actions(from);
    if next.is_empty() {
        "Nothing more is decided here: follow it on its backorder and procedure.".to_owned()
    } else {
        format!(
            "From here: {}.",
            next.iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Checks a triage decision.
pub fn triage(from: FindingState, action: Triage) -> Result<FindingState, TriageError> {
    if actions(from).contains(&action) {
        Ok(action.target())
    } else {
        Err(TriageError { from, action })
    }
}

/// What the registry data said of a found name when reclaim asked.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct RegistryFacts {
    /// The sponsoring registrar's name.
    pub registrar: Option<String>,
    /// The creation date.
    pub registered_on: Option<NaiveDate>,
    /// EPP status codes (RFC 5731 §2.3).
    #[serde(default)]
    pub statuses: Vec<String>,
}

/// A finding as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LookalikeFinding {
    pub id: FindingId,
    pub client_id: ClientId,
    /// The matter whose mark it imitates; none for a client's own brand term.
    pub matter_id: Option<MatterId>,
    /// The name in its ASCII (A-label) form.
    pub domain: String,
    pub unicode: String,
    /// The mark it imitates.
    pub mark: String,
    /// Why it matched, as the matcher said (`model::lookalike::Reason`: family, skeleton,
    /// contained term, distance).
    pub reason: serde_json::Value,
    /// Higher is more dangerous (0–100).
    pub score: i32,
    /// Where it was found: a zone file's or list's name, or "check" for a registry check.
    pub source: String,
    pub first_seen_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub registry: RegistryFacts,
    pub state: FindingState,
    /// The backorder that records the name once the firm acts on it.
    pub backorder_id: Option<BackorderId>,
}

impl LookalikeFinding {
    /// The lookalike family that explains the name, when one does.
    pub fn family(&self) -> Option<&str> {
        self.reason.get("family")?.as_str()
    }

    /// Why the name matched, in words (the page, the digest, the report).
    pub fn why(&self) -> String {
        let r = &self.reason;
        let mut parts = Vec::new();
        if let Some(family) = self.family() {
            parts.push(family.replace('_', " "));
        }
        if r.get("skeleton_equal").and_then(|v| v.as_bool()) == Some(true) {
            parts.push("looks the same (confusable characters)".to_owned());
        }
        if let Some(term) = r.get("contained").and_then(|v| v.as_str()) {
            parts.push(format!("contains “{term}”"));
        }
        if let Some(d) = r.get("distance").and_then(|v| v.as_u64()) {
            parts.push(format!("{d} edit(s) away"));
        }
        parts.join("; ")
    }
}

/// One decision on a finding, kept for the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub from: FindingState,
    pub to: FindingState,
    pub decided_by: Option<UserId>,
    pub decided_at: NaiveDateTime,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingState::*;

    #[test]
    fn triage_follows_the_lawyers_decisions() {
        // (from, action, result): the brand-protection workflow of issue 18 — dismiss
        // (remembered), watch, open a backorder, start a dispute, draft a letter.
        let allowed = [
            (New, Triage::Dismiss, Dismissed),
            (New, Triage::Watch, Watching),
            (New, Triage::Backorder, Backordered),
            (New, Triage::Dispute, Disputed),
            (New, Triage::Letter, Letter),
            (Watching, Triage::Backorder, Backordered),
            (Watching, Triage::Dismiss, Dismissed),
            (Dismissed, Triage::Reopen, New),
            (Letter, Triage::Dispute, Disputed),
            (Backordered, Triage::Letter, Letter),
        ];
        for (from, action, to) in allowed {
            assert_eq!(triage(from, action), Ok(to), "{from} + {action}");
        }
        let refused = [
            (New, Triage::Reopen),
            (Dismissed, Triage::Watch),
            (Disputed, Triage::Dismiss),
            (Backordered, Triage::Dismiss),
            (Watching, Triage::Watch),
        ];
        for (from, action) in refused {
            assert!(triage(from, action).is_err(), "{from} + {action}");
        }
        assert_eq!(
            triage(Dismissed, Triage::Watch).unwrap_err().to_string(),
            "This finding is dismissed: 'Watch' does not apply. From here: Reopen."
        );
        assert!(
            triage(Disputed, Triage::Letter)
                .unwrap_err()
                .to_string()
                .contains("follow it on its backorder")
        );
    }

    #[test]
    fn acting_on_a_name_attaches_it_to_a_matter() {
        for action in Triage::ALL {
            let attaches = matches!(action, Triage::Backorder | Triage::Dispute | Triage::Letter);
            assert_eq!(action.attaches(), attaches, "{action}");
        }
        assert!(New.is_open() && Watching.is_open());
        assert!(!Dismissed.is_open() && !Backordered.is_open());
    }
}
