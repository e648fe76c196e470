//! Backorders: a name sought for a client, its terms, its status along the name's lifecycle,
//! the catch services it is placed with, and what the registry said about the name (answers
//! kept as evidence, changes found). Staff work on a backorder of an open matter (status,
//! catch channels, registry checks); lawyers and admins change its terms.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::app::access::{Caller, MatterRights, Principal, visible_backorder};
use crate::app::monitoring::{self, CheckReport};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::{
    Backorder, BackorderEvent, BackorderStatus, CatchChannel, CatchService, ChannelStatus,
    Priority, Registrant,
};
use crate::model::domain_name::DomainName;
use crate::model::ids::{ChannelId, SnapshotId};
use crate::model::matter::Matter;
use crate::model::money::{Currency, MoneyError, amount_of_number, parse_amount};
use crate::model::monitoring::{MonitoredDomain, Snapshot, SnapshotMeta, StoredChange};
use crate::model::outreach::LogEntry;
use crate::model::paging::{Page, PageRequest};
use crate::model::procedure::{EligibilityCheck, Procedure, ProcedureKind};
use crate::model::tld_policy::TldPolicy;
use crate::repo::backorders::{self, BackorderChange, ChannelChange, NewChannel};
use crate::repo::monitoring::{self as watch, CheckError};
use crate::repo::{outreach, procedures};
use crate::state::AppState;

/// An amount as a form types it or JSON sends it: `"1500.50"`, `"1 500,50"`, `1500.5`.
/// Absent, `null`, empty (or any other JSON value): no amount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmountInput {
    text: String,
    /// Sent as a JSON number: an exact decimal, never grouped thousands.
    number: bool,
}

impl AmountInput {
    /// The amount in minor units, `None` when none is given.
    pub fn parse(&self) -> Result<Option<i64>, MoneyError> {
        if self.text.trim().is_empty() {
            Ok(None)
        } else if self.number {
            amount_of_number(&self.text).map(Some)
        } else {
            parse_amount(&self.text).map(Some)
        }
    }
}

impl From<&str> for AmountInput {
    fn from(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            number: false,
        }
    }
}

impl<'de> Deserialize<'de> for AmountInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            Some(Value::Number(n)) => Self {
                text: n.to_string(),
                number: true,
            },
            Some(Value::String(s)) => Self::from(s.as_str()),
            _ => Self::default(),
        })
    }
}

impl utoipa::PartialSchema for AmountInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .minimum(Some(0)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .examples(["1500.00"]),
            )
            .description(Some(
                "An amount in the currency's units, e.g. 1500 or \"1500.50\"",
            ))
            .into()
    }
}

impl utoipa::ToSchema for AmountInput {}

/// A backorder's terms: what a lawyer decides besides the name and its status.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TermsInput {
    /// The client's limit for an auction.
    #[serde(default)]
    pub max_bid: AmountInput,
    /// Three letters; EUR when empty.
    #[serde(default)]
    #[schema(default = "EUR")]
    pub currency: String,
    /// `low`, `normal` (when empty) or `high`.
    #[serde(default)]
    #[schema(default = "normal")]
    pub priority: String,
    #[serde(default)]
    pub notes: String,
    /// In whose name a direct catch through the firm's registrar registers the name: `firm`
    /// (when empty: the account's default registrant) or `client` (the client's contact handle
    /// at that account, set on the client: `POST /api/v1/clients/{id}/registrant-handles`).
    #[serde(default)]
    #[schema(default = "firm")]
    pub registrant: String,
}

const MAX_NOTES: usize = 5_000;

/// The terms, checked; each problem under its member's name.
pub(crate) fn check_terms(input: &TermsInput, errors: &mut FieldErrors) -> Option<BackorderChange> {
    let max_bid = input
        .max_bid
        .parse()
        .map_err(|e| errors.add("max_bid", e))
        .ok();
    let currency = Currency::parse_or_default(&input.currency)
        .map_err(|e| errors.add("currency", e))
        .ok();
    let priority = if input.priority.trim().is_empty() {
        Some(Priority::Normal)
    } else {
        input
            .priority
            .trim()
            .parse()
            .map_err(|e| errors.add("priority", e))
            .ok()
    };
    let notes = input.notes.trim();
    if notes.chars().count() > MAX_NOTES {
        errors.add("notes", "Notes can be at most 5,000 characters long.");
    }
    let registrant = match input.registrant.trim() {
        "" => Some(Registrant::Firm),
        given => given
            .to_ascii_lowercase()
            .parse::<Registrant>()
            .map_err(|_| {
                errors.add(
                    "registrant",
                    "Say in whose name a direct catch registers the name: client or firm.",
                )
            })
            .ok(),
    };
    match (max_bid, currency, priority, registrant) {
        (Some(max_bid_minor), Some(currency), Some(priority), Some(registrant))
            if errors.is_empty() =>
        {
            Some(BackorderChange {
                priority,
                max_bid_minor,
                currency,
                notes: notes.to_owned(),
                registrant,
            })
        }
        _ => None,
    }
}

/// A move along the backorder's lifecycle, and why.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StatusInput {
    #[schema(value_type = BackorderStatus)]
    pub status: String,
    /// What the registry or the catch service reported.
    #[serde(default)]
    pub reason: String,
}

/// Where the backorder is placed: a catch service. Fees are due only on success.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ChannelInput {
    /// Required unless `account_id` is given.
    #[serde(default)]
    #[schema(value_type = CatchService)]
    pub service: String,
    /// Required for `fr_catcher` and `other`.
    #[serde(default)]
    pub service_name: String,
    /// `planned` or `placed` (when empty).
    #[serde(default)]
    #[schema(default = "placed")]
    pub status: String,
    /// The service's order reference.
    #[serde(default)]
    pub external_reference: String,
    /// What the service charges only if it catches the name.
    #[serde(default)]
    pub success_fee: AmountInput,
    /// Three letters; EUR when empty.
    #[serde(default)]
    #[schema(default = "EUR")]
    pub currency: String,
    /// One of the firm's catch accounts (`GET /api/v1/catch-accounts`): reclaim then places,
    /// keeps and cancels the order itself (the `catch` job); `service` and `status` are taken
    /// from the account.
    #[serde(default)]
    pub account_id: String,
    /// With `account_id`: the highest bid through this account, at most the backorder's
    /// maximum; blank: the backorder's maximum.
    #[serde(default)]
    pub max_bid: AmountInput,
}

/// A catch service's news about the backorder.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ChannelNewsInput {
    #[schema(value_type = ChannelStatus)]
    pub status: String,
    #[serde(default)]
    pub external_reference: String,
    /// The auction price.
    #[serde(default)]
    pub price: AmountInput,
    #[serde(default)]
    pub auction_result: String,
    #[serde(default)]
    pub notes: String,
}

fn check_channel(input: &ChannelInput, errors: &mut FieldErrors) -> Option<NewChannel> {
    let service: Option<CatchService> = input
        .service
        .parse()
        .map_err(|e| errors.add("service", e))
        .ok();
    let status: Option<ChannelStatus> = if input.status.trim().is_empty() {
        Some(ChannelStatus::Placed)
    } else {
        input
            .status
            .trim()
            .parse()
            .map_err(|e| errors.add("status", e))
            .ok()
    };
    let service_name = input.service_name.trim();
    if matches!(service, Some(CatchService::FrCatcher | CatchService::Other))
        && service_name.is_empty()
    {
        errors.add("service_name", "Name the service.");
    }
    let fee = input
        .success_fee
        .parse()
        .map_err(|e| errors.add("success_fee", e))
        .ok();
    let currency = Currency::parse_or_default(&input.currency)
        .map_err(|e| errors.add("currency", e))
        .ok();
    match (service, status, fee, currency) {
        (Some(service), Some(status), Some(success_fee_minor), Some(currency))
            if errors.is_empty() =>
        {
            Some(NewChannel {
                service,
                service_name: service_name.chars().take(100).collect(),
                status,
                external_reference: input.external_reference.trim().chars().take(200).collect(),
                success_fee_minor,
                currency,
            })
        }
        _ => None,
    }
}

fn check_news(input: &ChannelNewsInput, errors: &mut FieldErrors) -> Option<ChannelChange> {
    let status: Option<ChannelStatus> = input
        .status
        .trim()
        .parse()
        .map_err(|e| errors.add("status", e))
        .ok();
    let price = input.price.parse().map_err(|e| errors.add("price", e)).ok();
    match (status, price) {
        (Some(status), Some(price_minor)) => Some(ChannelChange {
            status,
            external_reference: input.external_reference.trim().chars().take(200).collect(),
            price_minor,
            auction_result: input.auction_result.trim().chars().take(1000).collect(),
            notes: input.notes.trim().chars().take(5000).collect(),
        }),
        _ => None,
    }
}

/// A dispute procedure the name's TLD allows, with what reclaim can already check of its
/// conditions (`docs/legal.md` §2.3, §6.4).
#[derive(Debug, Clone)]
pub struct ProcedureHint {
    pub kind: ProcedureKind,
    pub checks: Vec<EligibilityCheck>,
    pub eligible: bool,
}

/// A backorder's page: the name, its matter, its TLD's rules, where it is placed, its history,
/// what the registry said, the procedures and messages about it.
#[derive(Debug, Clone)]
pub struct BackorderFile {
    pub backorder: Backorder,
    pub matter: Matter,
    pub rights: MatterRights,
    pub policy: Option<TldPolicy>,
    /// The status history, oldest first.
    pub events: Vec<BackorderEvent>,
    /// Oldest first.
    pub channels: Vec<CatchChannel>,
    pub watched: Option<MonitoredDomain>,
    /// Newest first.
    pub changes: Vec<StoredChange>,
    /// One page of the registry answers, newest first, without their bytes.
    pub snapshots: Page<SnapshotMeta>,
    pub hints: Vec<ProcedureHint>,
    /// The procedures covering the name.
    pub procedures: Vec<Procedure>,
    /// Messages to the holder, newest first (a client user is shown only those sent).
    pub outreach: Vec<LogEntry>,
    /// The orders reclaim places itself through the firm's catch accounts (one per such channel).
    pub orders: Vec<crate::repo::catch_orders::CatchOrder>,
    /// The latest calls to the catch services for those orders, newest first (staff only: the
    /// answers speak of the firm's accounts).
    pub calls: Vec<crate::repo::catch_orders::CatchCall>,
    /// The checklist after the catch (empty until the name is caught or won).
    pub checklist: Vec<crate::model::after_catch::ChecklistItem>,
}

/// Everything about one backorder, read in a fixed number of queries; of the registry answers,
/// the page `snapshots` asks for.
pub async fn show(
    state: &AppState,
    user: &Principal,
    id: &str,
    snapshots: PageRequest,
) -> Result<BackorderFile, AppError> {
    let (backorder, matter) = visible_backorder(state, user, id).await?;
    let policy = state.tld_policies.lookup(&backorder.tld).ok();
    let kinds = policy
        .as_ref()
        .map(|p| p.procedures.clone())
        .unwrap_or_default();
    let policies = state.tld_policies.clone();
    let (bo, domain) = (backorder.id.clone(), backorder.domain.clone());
    // A client user's hints read only their own client's procedures.
    let portal_client = (!user.is_staff()).then(|| matter.client_id.clone());
    let staff = user.is_staff();
    let file = state
        .db
        .run(move |c| {
            // One eligibility reading per procedure kind of the TLD (one or two).
            let mut hints = Vec::new();
            if let Ok(name) = DomainName::parse(&domain) {
                for kind in kinds {
                    let seen = match &portal_client {
                        Some(client) => procedures::Seen::Client(client),
                        None => procedures::Seen::Firm,
                    };
                    let found = match procedures::eligibility(
                        c,
                        &policies,
                        kind,
                        std::slice::from_ref(&name),
                        seen,
                    ) {
                        Ok(found) => found,
                        Err(procedures::ProcedureError::Db(db)) => return Err(db),
                        // The TLD is known (its policy named the kind): nothing else can fail.
                        Err(_) => continue,
                    };
                    let checks: Vec<EligibilityCheck> = found
                        .into_iter()
                        .flat_map(|(_, list)| list)
                        .filter(|check| check.id != "tld_procedure")
                        .collect();
                    hints.push(ProcedureHint {
                        kind,
                        eligible: !checks.iter().any(EligibilityCheck::failed),
                        checks,
                    });
                }
            }
            Ok::<_, DbError>((
                backorders::events(c, &bo)?,
                backorders::channels(c, &bo)?,
                watch::find(c, &domain)?,
                watch::changes(c, &domain)?,
                watch::snapshot_page(c, &domain, &snapshots)?,
                hints,
                procedures::for_backorder(c, &bo)?,
                outreach::for_backorder(c, &bo)?,
                crate::repo::catch_orders::for_backorder(c, &bo)?,
                if staff {
                    let latest = PageRequest::first(CALLS_SHOWN);
                    crate::repo::catch_orders::calls(c, &bo, &latest)?.rows
                } else {
                    Vec::new()
                },
                crate::repo::after_catch::for_backorder(c, &bo)?,
            ))
        })
        .await?;
    let (
        events,
        channels,
        watched,
        changes,
        snapshots,
        hints,
        procedures,
        outreach,
        orders,
        calls,
        checklist,
    ) = file;
    Ok(BackorderFile {
        rights: user.rights(&matter),
        backorder,
        matter,
        policy,
        events,
        channels,
        watched,
        changes,
        snapshots,
        hints,
        procedures,
        outreach,
        orders,
        calls,
        checklist,
    })
}

/// The calls to the catch services a backorder's page shows.
const CALLS_SHOWN: i64 = 50;

/// Every call made to the catch services for a backorder's orders, newest first, at most
/// `limit` (staff: the answers speak of the firm's accounts).
pub async fn attempts(
    state: &AppState,
    user: &Principal,
    id: &str,
    request: PageRequest,
) -> Result<Page<crate::repo::catch_orders::CatchCall>, AppError> {
    let (backorder, _) = visible_backorder(state, user, id).await?;
    user.require_staff()?;
    Ok(state
        .db
        .run(move |c| crate::repo::catch_orders::calls(c, &backorder.id, &request))
        .await?)
}

/// Changes the terms (lawyers and admins, open matter). Errors name [`TermsInput`]'s members.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: TermsInput,
) -> Result<Backorder, AppError> {
    let (backorder, matter) = visible_backorder(state, caller, id).await?;
    caller.require_change(&matter)?;
    let mut errors = FieldErrors::default();
    let change = check_terms(&input, &mut errors);
    errors.check()?;
    let Some(change) = change else {
        return Err(AppError::invalid("max_bid", "The terms could not be read."));
    };
    // In the client's name: every direct catch still waiting needs the client's handle at its
    // account, said now rather than at the drop.
    if change.registrant == Registrant::Client {
        let (id, client) = (backorder.id.clone(), matter.client_id.clone());
        let missing = state
            .db
            .run(move |c| crate::repo::registrant_handles::waiting_without_handle(c, &id, &client))
            .await?;
        if let Some((_, label, _)) = missing.iter().find(|(_, _, provider)| {
            crate::catch::Provider::parse(provider).is_ok_and(|p| p.registers())
        }) {
            return Err(AppError::invalid(
                "registrant",
                crate::app::catch::missing_handle(&matter.client_id, label),
            ));
        }
    }
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| backorders::update(c, &actor, &backorder.id, &change))
        .await?)
}

/// A backorder with its catch channels, as they are after a change.
#[derive(Debug, Clone)]
pub struct BackorderNow {
    pub backorder: Backorder,
    pub channels: Vec<CatchChannel>,
}

/// Moves the backorder along its lifecycle (staff, open matter), with the reason.
pub async fn change_status(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: StatusInput,
) -> Result<BackorderNow, AppError> {
    let (backorder, matter) = visible_backorder(state, caller, id).await?;
    caller.require_work(&matter)?;
    let mut errors = FieldErrors::default();
    let to: Option<BackorderStatus> = input
        .status
        .parse()
        .map_err(|e| errors.add("status", e))
        .ok();
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add(
            "reason",
            "Say why the status changes (what the registry or the catch service reported).",
        );
    }
    errors.check()?;
    let Some(to) = to else {
        return Err(AppError::invalid("status", "The status could not be read."));
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| {
            let backorder = backorders::change_status(c, &actor, &backorder.id, to, &reason)?;
            let channels = backorders::channels(c, &backorder.id)?;
            Ok::<_, backorders::BackorderError>(BackorderNow {
                backorder,
                channels,
            })
        })
        .await?)
}

/// Records where the backorder is placed (staff, open matter).
pub async fn add_channel(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: ChannelInput,
) -> Result<CatchChannel, AppError> {
    if !input.account_id.trim().is_empty() {
        return crate::app::catch::order_through_account(
            state,
            caller,
            id,
            input.account_id.trim(),
            &input.max_bid,
        )
        .await;
    }
    let (backorder, matter) = visible_backorder(state, caller, id).await?;
    caller.require_work(&matter)?;
    let mut errors = FieldErrors::default();
    let new = check_channel(&input, &mut errors);
    errors.check()?;
    let Some(new) = new else {
        return Err(AppError::invalid(
            "service",
            "The service could not be read.",
        ));
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| backorders::add_channel(c, &actor, &backorder.id, &new))
        .await?)
}

/// A catch service's news recorded, with the backorder as it now is.
#[derive(Debug, Clone)]
pub struct ChannelNews {
    pub channel: CatchChannel,
    pub now: BackorderNow,
}

/// Records a catch service's news (staff, open matter); the backorder moves to caught,
/// auction, won or lost accordingly.
pub async fn update_channel(
    state: &AppState,
    caller: &Caller,
    id: &str,
    channel: &str,
    input: ChannelNewsInput,
) -> Result<ChannelNews, AppError> {
    let (backorder, matter) = visible_backorder(state, caller, id).await?;
    caller.require_work(&matter)?;
    let channel_id = ChannelId::parse(channel).map_err(|_| AppError::not_found("catch channel"))?;
    let mut errors = FieldErrors::default();
    let change = check_news(&input, &mut errors);
    errors.check()?;
    let Some(change) = change else {
        return Err(AppError::invalid("status", "The news could not be read."));
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| {
            let channel =
                backorders::update_channel(c, &actor, &backorder.id, &channel_id, &change)?;
            let backorder =
                backorders::find(c, &backorder.id)?.ok_or(backorders::BackorderError::NotFound)?;
            let channels = backorders::channels(c, &backorder.id)?;
            Ok::<_, backorders::BackorderError>(ChannelNews {
                channel,
                now: BackorderNow {
                    backorder,
                    channels,
                },
            })
        })
        .await?)
}

/// Asks the registry about the name now (staff, open matter); the answer is kept as evidence
/// and everything that follows from it is recorded.
pub async fn check(state: &AppState, caller: &Caller, id: &str) -> Result<CheckReport, AppError> {
    let (backorder, matter) = visible_backorder(state, caller, id).await?;
    caller.require_work(&matter)?;
    let name = DomainName::parse(&backorder.domain).map_err(|e| AppError::Unexpected(e.into()))?;
    let outcome = monitoring::check(state, &name).await?;
    Ok(CheckReport::from(&outcome))
}

/// What the registry said about the name over time.
#[derive(Debug, Clone)]
pub struct History {
    pub backorder: Backorder,
    pub watched: Option<MonitoredDomain>,
    /// One page of the registry answers, newest first, without their bytes.
    pub snapshots: Page<SnapshotMeta>,
    /// Newest first.
    pub changes: Vec<StoredChange>,
    /// The latest failed checks, newest first.
    pub errors: Vec<CheckError>,
}

/// The failed checks a history lists at most.
const HISTORY_ERRORS: i64 = 50;

/// The name's history; of the registry answers, the page `snapshots` asks for.
pub async fn history(
    state: &AppState,
    user: &Principal,
    id: &str,
    snapshots: PageRequest,
) -> Result<History, AppError> {
    let (backorder, _) = visible_backorder(state, user, id).await?;
    let domain = backorder.domain.clone();
    let (watched, snapshots, changes, errors) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                watch::find(c, &domain)?,
                watch::snapshot_page(c, &domain, &snapshots)?,
                watch::changes(c, &domain)?,
                watch::check_errors(c, &domain, HISTORY_ERRORS)?,
            ))
        })
        .await?;
    Ok(History {
        backorder,
        watched,
        snapshots,
        changes,
        errors,
    })
}

/// A file to download.
#[derive(Debug, Clone)]
pub struct Download {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Every registry answer kept for the name, with a manifest, in one ZIP file: an annex for a
/// complaint (staff).
pub async fn evidence(state: &AppState, user: &Principal, id: &str) -> Result<Download, AppError> {
    user.require_staff()?;
    let (backorder, matter) = visible_backorder(state, user, id).await?;
    let domain = backorder.domain.clone();
    let snapshots = state
        .db
        .run(move |c| watch::all_snapshots(c, &domain))
        .await?;
    let bytes = crate::evidence::evidence_zip(&backorder.unicode, &backorder.domain, &snapshots)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(Download {
        file_name: format!(
            "{}-{}-registry-evidence.zip",
            matter.reference, backorder.domain
        ),
        bytes,
    })
}

/// One registry answer kept for the name, exactly as received.
pub async fn snapshot(
    state: &AppState,
    user: &Principal,
    id: &str,
    snapshot: &str,
) -> Result<Snapshot, AppError> {
    // Raw answers are evidence for the firm; a client user sees the summary on the page.
    user.require_staff()?;
    let (backorder, _) = visible_backorder(state, user, id).await?;
    let snapshot_id =
        SnapshotId::parse(snapshot).map_err(|_| AppError::not_found("registry answer"))?;
    state
        .db
        .run(move |c| watch::find_snapshot(c, &snapshot_id))
        .await?
        .filter(|s| s.domain == backorder.domain)
        .ok_or_else(|| AppError::not_found("registry answer"))
}

/// The rules reclaim applies to a TLD (any signed-in user may read them).
pub fn tld_rule(state: &AppState, tld: &str) -> Result<TldPolicy, AppError> {
    state
        .tld_policies
        .lookup(tld)
        .map_err(|e| AppError::NotFound(e.to_string()))
}

/// Every TLD's rules, each set once: entries that share their rules (.fr and its overseas
/// TLDs) come together, named ".fr, .pm, …"; the rules for other generic TLDs come last.
pub fn tld_rules(state: &AppState) -> Vec<(String, TldPolicy)> {
    let mut rules: Vec<(String, TldPolicy)> = Vec::new();
    for policy in state.tld_policies.all() {
        if let Some((names, _)) = rules.iter_mut().find(|(_, p)| {
            p.registry == policy.registry && p.backorder_note == policy.backorder_note
        }) {
            names.push_str(&format!(", .{}", policy.tld));
            continue;
        }
        rules.push((format!(".{}", policy.tld), policy.clone()));
    }
    rules.push((
        "other generic TLDs".to_owned(),
        state.tld_policies.new_gtld_default().clone(),
    ));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(json: &str) -> AmountInput {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            max_bid: AmountInput,
        }
        serde_json::from_str::<Body>(json).unwrap().max_bid
    }

    #[test]
    fn amounts_come_as_text_or_numbers() {
        assert_eq!(amount(r#"{"max_bid": 1500.5}"#).parse(), Ok(Some(150_050)));
        assert_eq!(
            amount(r#"{"max_bid": "1 500,50"}"#).parse(),
            Ok(Some(150_050))
        );
        assert_eq!(amount(r#"{"max_bid": null}"#).parse(), Ok(None));
        assert_eq!(amount(r#"{}"#).parse(), Ok(None));
        assert_eq!(amount(r#"{"max_bid": true}"#).parse(), Ok(None));
        assert!(amount(r#"{"max_bid": "lots"}"#).parse().is_err());
        // A number is an exact decimal: a third decimal is refused, not read as thousands.
        assert_eq!(
            amount(r#"{"max_bid": 1.234}"#).parse(),
            Err(MoneyError::TooPrecise("1.234".into()))
        );
        assert_eq!(
            amount(r#"{"max_bid": 0.001}"#).parse(),
            Err(MoneyError::TooPrecise("0.001".into()))
        );
        let form: TermsInput = serde_urlencoded::from_str("max_bid=1500&currency=usd").unwrap();
        assert_eq!(form.max_bid.parse(), Ok(Some(150_000)));
    }

    #[test]
    fn terms_name_each_bad_member() {
        let mut errors = FieldErrors::default();
        let input = TermsInput {
            max_bid: "a lot".into(),
            currency: "euros".to_owned(),
            priority: "urgent".to_owned(),
            notes: String::new(),
            registrant: "the lawyer".to_owned(),
        };
        assert!(check_terms(&input, &mut errors).is_none());
        for field in ["max_bid", "currency", "priority", "registrant"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
