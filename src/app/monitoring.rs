//! Registry monitoring: ask the registry about a name, keep the answer as evidence, find what
//! changed, assess the phase and the drop window, move the backorders along, and alert the
//! people of the matters seeking the name. The sweep does this for every name that is due.
//! The backorder page, the API and the command line ask for one name through [`check`]; the
//! lifecycle rules it applies are those of `docs/registries.md` §1 and §2.5.

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use serde::Serialize;

use crate::db::{DbConn, DbError, write_tx};
use crate::mail::{self, Draft};
use crate::model::audit::Actor;
use crate::model::backorder::{Backorder, path_to};
use crate::model::changes::{RecordChange, diff};
use crate::model::digest::sha256_hex;
use crate::model::domain_name::DomainName;
use crate::model::ids::{MatterId, SnapshotId};
use crate::model::lifecycle::{
    Assessment, Observation, Phase, assess, backorder_status_for, classify, next_check,
    retry_after_failure,
};
use crate::model::matter::Matter;
use crate::model::monitoring::{MonitoredDomain, Source};
use crate::model::outbox::MessageKind;
use crate::model::present;
use crate::model::registry_record::RegistryRecord;
use crate::model::tld_policy::{TldPolicy, UnsupportedTld};
use crate::registry::{Known, Lookup, LookupError};
use crate::repo::backorders::{self, BackorderError};
use crate::repo::monitoring::LastCheck;
use crate::repo::outbox::{self, NewMessage};
use crate::repo::{matters, monitoring};
use crate::state::AppState;

/// Who moves backorders on registry news, in their history.
pub const MONITOR_ACTOR: &str = "registry monitor";
/// The latest answers the assessment reads besides the first of each phase.
const RECENT_ANSWERS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Unsupported(#[from] UnsupportedTld),
    #[error(transparent)]
    Lookup(#[from] LookupError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<BackorderError> for CheckError {
    fn from(e: BackorderError) -> Self {
        match e {
            BackorderError::Db(db) => CheckError::Db(db),
            other => CheckError::Db(DbError::Conflict(other.to_string())),
        }
    }
}

/// What one check found.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub name: DomainName,
    pub policy: TldPolicy,
    pub source: Source,
    pub server: String,
    pub record: RegistryRecord,
    pub assessment: Assessment,
    pub sha256: String,
    pub checked_at: DateTime<Utc>,
    pub changes: Vec<RecordChange>,
    pub snapshot_id: SnapshotId,
    pub alerts_queued: usize,
}

/// The assessment object: what one check found, as `reclaim domain check --json` prints it
/// and the check API answers it. Instants are RFC 3339.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Assessment)]
pub struct CheckReport {
    /// A-label.
    pub domain: String,
    pub unicode: String,
    pub tld: String,
    /// `rdap` or `whois`.
    pub source: &'static str,
    pub server: String,
    pub registered: bool,
    /// EPP status names, camelCase (pendingDelete, redemptionPeriod…).
    pub statuses: Vec<String>,
    pub registrar: Option<String>,
    pub registrar_iana_id: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// The holder's expiry: the registrar's when known.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[schema(format = DateTime)]
    pub registry_expires_at: Option<String>,
    pub nameservers: Vec<String>,
    pub dnssec: Option<bool>,
    pub phase: Phase,
    #[schema(format = DateTime)]
    pub drop_earliest: Option<String>,
    #[schema(format = DateTime)]
    pub drop_latest: Option<String>,
    pub reason: String,
    pub backorder_allowed: bool,
    pub backorder_note: String,
    /// Of the registry's raw answer.
    pub sha256: String,
    #[schema(format = DateTime)]
    pub checked_at: String,
    pub changes: Vec<RecordChange>,
}

impl CheckOutcome {
    /// The assessment object as JSON ([`CheckReport`]).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(CheckReport::from(self)).unwrap_or_default()
    }
}

fn rfc3339(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| present::rfc3339(&t.naive_utc()))
}

impl From<&CheckOutcome> for CheckReport {
    fn from(o: &CheckOutcome) -> Self {
        Self {
            domain: o.name.ascii().to_owned(),
            unicode: o.name.unicode().to_owned(),
            tld: o.name.tld().to_owned(),
            source: match o.source {
                Source::Whois | Source::WhoisRegistrar => "whois",
                _ => "rdap",
            },
            server: o.server.clone(),
            registered: o.record.registered,
            statuses: o.record.statuses.clone(),
            registrar: o.record.registrar.clone(),
            registrar_iana_id: o.record.registrar_iana_id.clone(),
            created_at: rfc3339(o.record.created_at),
            expires_at: rfc3339(o.record.effective_expiry()),
            registry_expires_at: rfc3339(o.record.expires_at),
            nameservers: o.record.nameservers.clone(),
            dnssec: o.record.dnssec,
            phase: o.assessment.phase,
            drop_earliest: rfc3339(o.assessment.drop_earliest),
            drop_latest: rfc3339(o.assessment.drop_latest),
            reason: o.assessment.reason.clone(),
            backorder_allowed: o.policy.backorder,
            backorder_note: o.policy.backorder_note.clone(),
            sha256: o.sha256.clone(),
            checked_at: present::rfc3339(&o.checked_at.naive_utc()),
            changes: o.changes.clone(),
        }
    }
}

/// Asks the registry about `name` now and records everything that follows from the answer.
pub async fn check(state: &AppState, name: &DomainName) -> Result<CheckOutcome, CheckError> {
    let policy = state.tld_policies.lookup(name.tld())?;
    let lookup = ask(state, name, &policy, None).await?;
    record_lookup(state, name, &policy, lookup).await
}

/// Asks the registry about `name` (comparing with what its last check received, if known), and
/// dates the answer; a failure is recorded against the name and returned.
async fn ask(
    state: &AppState,
    name: &DomainName,
    policy: &TldPolicy,
    known: Option<&Known>,
) -> Result<Lookup, CheckError> {
    let started = state.clock.now();
    match state.registry.lookup_since(name, policy, known).await {
        Ok(mut lookup) => {
            // The injected clock dates the evidence, so that tests and the assessment agree;
            // read once the answer is in, after any wait for the server's rate limit.
            let answered = state.clock.now();
            lookup.registry.fetched_at = answered;
            if let Some(answer) = &mut lookup.registrar {
                answer.fetched_at = answered;
            }
            Ok(lookup)
        }
        Err(error) => {
            let (domain, message, kind, server) = (
                name.ascii().to_owned(),
                error.to_string(),
                error.kind(),
                error.server().to_owned(),
            );
            let asked = error.retry_after().and_then(|d| Duration::from_std(d).ok());
            state
                .db
                .run(move |c| {
                    if let Some(watched) = monitoring::find(c, &domain)? {
                        let next = retry_after_failure(
                            u32::try_from(watched.failures + 1).unwrap_or(u32::MAX),
                            started,
                            asked,
                        );
                        monitoring::record_failure(
                            c, &domain, started, &server, kind, &message, next,
                        )?;
                    }
                    Ok::<_, DbError>(())
                })
                .await?;
            tracing::warn!(domain = %name.ascii(), %error, "registry check failed");
            Err(error.into())
        }
    }
}

/// Records an answer already received (dated by the caller) as [`check`] does: the evidence,
/// the changes, the assessment, the backorders and the alerts, in one transaction. The drop
/// watch records this way the answer in which it first saw a name free.
pub async fn record_lookup(
    state: &AppState,
    name: &DomainName,
    policy: &TldPolicy,
    lookup: Lookup,
) -> Result<CheckOutcome, CheckError> {
    let answered = lookup.registry.fetched_at;
    let state_for_db = state.clone();
    let (name_for_db, policy_for_db) = (name.clone(), policy.clone());
    let outcome = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let seeking = backorders::active_for_domain(c, name_for_db.ascii())?;
                let context = Context {
                    watched: monitoring::find(c, name_for_db.ascii())?,
                    last: None,
                    seeking: Some(&seeking),
                    checklist: true,
                };
                record_answer(
                    c,
                    &state_for_db,
                    &name_for_db,
                    &policy_for_db,
                    &lookup,
                    answered,
                    &context,
                )
            })
        })
        .await?;
    released(state, &outcome).await;
    Ok(outcome)
}

/// Released: a direct catch through the firm's registrar is sent now, not at the catch job's
/// next run. Its failure is the order's to record, never the check's.
async fn released(state: &AppState, outcome: &CheckOutcome) {
    if outcome.assessment.phase != Phase::Available {
        return;
    }
    send_direct_catch(state, std::slice::from_ref(&outcome.name)).await;
}

/// Sends the direct catches waiting for `names` (none: nothing happens), logging the outcome.
pub(crate) async fn send_direct_catch(state: &AppState, names: &[DomainName]) {
    let domains: Vec<String> = names.iter().map(|n| n.ascii().to_owned()).collect();
    let listed = domains.join(", ");
    match crate::app::catch::on_release(state, domains).await {
        Ok(run) if run != crate::app::catch::CatchRun::default() => {
            tracing::info!(domains = %listed, %run, "direct catch at the release");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(domains = %listed, error = %e, "direct catch not sent"),
    }
}

/// What recording an answer knows of the name already: read once for a whole sweep batch.
struct Context<'a> {
    /// The name's row, if it is watched.
    watched: Option<MonitoredDomain>,
    /// Its last check, if the answer was compared with it.
    last: Option<&'a LastCheck>,
    /// The backorders seeking it; `None`: not read yet (the sweep reads them for a whole batch
    /// only where an answer may have changed), read when needed.
    seeking: Option<&'a [(Backorder, Matter)]>,
    /// Whether a checklist after the catch may read the answer.
    checklist: bool,
}

impl Context<'_> {
    /// The backorders seeking `domain`, read now if the sweep did not read them with its batch.
    fn seeking(
        &self,
        conn: &mut DbConn,
        domain: &str,
    ) -> Result<std::borrow::Cow<'_, [(Backorder, Matter)]>, DbError> {
        Ok(match self.seeking {
            Some(seeking) => std::borrow::Cow::Borrowed(seeking),
            None => std::borrow::Cow::Owned(backorders::active_for_domain(conn, domain)?),
        })
    }
}

/// Everything that follows from one answer, in one transaction.
fn record_answer(
    conn: &mut DbConn,
    state: &AppState,
    name: &DomainName,
    policy: &TldPolicy,
    lookup: &Lookup,
    now: DateTime<Utc>,
    context: &Context<'_>,
) -> Result<CheckOutcome, CheckError> {
    if let Some(outcome) = record_same_answer(conn, name, policy, lookup, now, context)? {
        return Ok(outcome);
    }
    let domain = name.ascii();
    let past = monitoring::assessment_history(conn, domain, RECENT_ANSWERS)?;
    let past_records: Vec<RegistryRecord> = past.iter().map(|s| s.record()).collect();
    let mut observations: Vec<Observation> = past
        .iter()
        .zip(&past_records)
        .map(|(s, record)| Observation {
            at: crate::db::types::from_db(s.fetched_at),
            record,
        })
        .collect();
    observations.push(Observation {
        at: now,
        record: &lookup.record,
    });
    let assessment = assess(&observations, policy);
    let previous = past.last().zip(past_records.last());
    let changes = previous
        .map(|(snapshot, record)| diff(record, &lookup.record, snapshot.phase, assessment.phase))
        .unwrap_or_default();

    let snapshot_id = monitoring::insert_snapshot(
        conn,
        domain,
        &lookup.registry,
        &lookup.record,
        assessment.phase,
        None,
    )?;
    if let Some(registrar) = &lookup.registrar {
        monitoring::insert_snapshot(
            conn,
            domain,
            registrar,
            &lookup.record,
            assessment.phase,
            Some(&snapshot_id),
        )?;
    }
    monitoring::insert_changes(
        conn,
        domain,
        &snapshot_id,
        previous.map(|(s, _)| &s.id),
        &changes,
        now,
    )?;
    let desired = backorder_status_for(
        previous.map(|(s, r)| (s.phase, r.effective_expiry())),
        assessment.phase,
        lookup.record.effective_expiry(),
    );
    let reason = changes
        .iter()
        .find(|c| c.important)
        .map_or_else(|| assessment.reason.clone(), |c| c.summary.clone());
    follow_answer(
        conn,
        domain,
        context,
        &assessment,
        &snapshot_id,
        &lookup.record,
        desired,
        &reason,
        now,
    )?;

    let sha256 = sha256_hex(&lookup.registry.raw);
    let alerts_queued = if changes.iter().any(|c| c.important) {
        let seeking = context.seeking(conn, domain)?;
        queue_alerts(
            conn,
            state,
            name,
            &seeking,
            &changes,
            &assessment,
            (&snapshot_id, &sha256),
            now,
        )?
    } else {
        0
    };
    Ok(CheckOutcome {
        name: name.clone(),
        policy: policy.clone(),
        source: lookup.registry.source,
        server: lookup.registry.server.clone(),
        sha256,
        record: lookup.record.clone(),
        assessment,
        checked_at: now,
        changes,
        snapshot_id,
        alerts_queued,
    })
}

/// What follows a recorded answer, changed or not: the watched name's next check, the
/// checklists of the backorders that caught it (they read the same answer), and the backorders
/// seeking it moved to `desired`, with `reason`.
#[allow(clippy::too_many_arguments)]
fn follow_answer(
    conn: &mut DbConn,
    domain: &str,
    context: &Context<'_>,
    assessment: &Assessment,
    snapshot_id: &SnapshotId,
    record: &RegistryRecord,
    desired: Option<crate::model::backorder::BackorderStatus>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), CheckError> {
    let actor = Actor::process(MONITOR_ACTOR, now);
    if let Some(watched) = &context.watched {
        monitoring::record_check(
            conn,
            watched,
            assessment,
            snapshot_id,
            now,
            next_check(assessment, now),
        )?;
    }
    if context.checklist {
        crate::repo::after_catch::apply_record(conn, &actor, domain, record)?;
    }
    if let Some(target) = desired {
        for (backorder, _) in context.seeking(conn, domain)?.iter() {
            // Most checks find the backorder where the answer puts it: nothing to lock.
            if backorder.status == target {
                continue;
            }
            // Read again, locked: another instance may have recorded the same answer since.
            let Some(current) = backorders::lock_status(conn, &backorder.id)? else {
                continue;
            };
            if current != target && path_to(current, target).is_some() {
                backorders::change_status(conn, &actor, &backorder.id, target, reason)?;
            }
        }
    }
    Ok(())
}

/// The same answers as the name's last check (byte for byte, `Lookup::unchanged`) showing the
/// same phase: kept as a check "at this time, the same answer" (snapshot rows pointing at the
/// answers stored already, with what was read from them then), the assessment carried to now
/// (`Assessment::carried_to`), no parsing, no history read, no change looked for, no alert.
/// `None` when the answer must be recorded in full.
fn record_same_answer(
    conn: &mut DbConn,
    name: &DomainName,
    policy: &TldPolicy,
    lookup: &Lookup,
    now: DateTime<Utc>,
    context: &Context<'_>,
) -> Result<Option<CheckOutcome>, CheckError> {
    let (Some(watched), Some(last)) = (&context.watched, context.last) else {
        return Ok(None);
    };
    let known = watched.assessment();
    if !lookup.unchanged
        || watched.last_snapshot_id.as_ref() != Some(&last.snapshot.id)
        || last.snapshot.phase != known.phase
        || classify(&lookup.record, policy, now) != known.phase
    {
        return Ok(None);
    }
    let Some(assessment) = known.carried_to(now) else {
        return Ok(None);
    };
    let domain = name.ascii();
    let row = |answer, sha256, related_to| monitoring::SnapshotOf {
        domain,
        answer,
        sha256,
        parsed: &last.snapshot.parsed,
        registered: last.snapshot.registered,
        phase: assessment.phase,
        related_to,
    };
    let snapshot_id =
        monitoring::insert_snapshot_row(conn, &row(&lookup.registry, &last.snapshot.sha256, None))?;
    if let (Some(answer), Some((_, sha256))) = (&lookup.registrar, &last.registrar) {
        monitoring::insert_snapshot_row(conn, &row(answer, sha256, Some(&snapshot_id)))?;
    }
    // A backorder added since the last check still follows the name.
    let expiry = lookup.record.effective_expiry();
    let desired = backorder_status_for(Some((known.phase, expiry)), assessment.phase, expiry);
    follow_answer(
        conn,
        domain,
        context,
        &assessment,
        &snapshot_id,
        &lookup.record,
        desired,
        &assessment.reason,
        now,
    )?;
    Ok(Some(CheckOutcome {
        name: name.clone(),
        policy: policy.clone(),
        source: lookup.registry.source,
        server: lookup.registry.server.clone(),
        sha256: last.snapshot.sha256.clone(),
        record: lookup.record.clone(),
        assessment,
        checked_at: now,
        changes: Vec::new(),
        snapshot_id,
        alerts_queued: 0,
    }))
}

/// One e-mail per person (the responsible lawyer and the team of each matter seeking the name)
/// through the outbox; queuing the same answer again queues nothing.
#[allow(clippy::too_many_arguments)]
fn queue_alerts(
    conn: &mut DbConn,
    state: &AppState,
    name: &DomainName,
    seeking: &[(Backorder, Matter)],
    changes: &[RecordChange],
    assessment: &Assessment,
    (snapshot, sha256): (&SnapshotId, &str),
    now: DateTime<Utc>,
) -> Result<usize, CheckError> {
    let headline = changes
        .iter()
        .find(|c| c.important)
        .map_or("registry change", |c| c.summary.as_str());
    let matter_ids: Vec<MatterId> = seeking.iter().map(|(_, m)| m.id.clone()).collect();
    let people = matters::people_to_alert_in(conn, &matter_ids)?;
    let mut queued = 0;
    for (backorder, matter) in seeking {
        for (_, user_id, person, email) in people.iter().filter(|(m, ..)| *m == matter.id) {
            let (user_id, person, email) = (user_id.clone(), person.clone(), email.clone());
            let first_name = person
                .split_whitespace()
                .next()
                .unwrap_or(&person)
                .to_owned();
            let link = state
                .settings
                .public_url
                .join(&format!("/backorders/{}", backorder.id));
            let window = match (assessment.drop_earliest, assessment.drop_latest) {
                (Some(a), Some(b)) => format!(
                    "Predicted drop: between {} and {}.\n",
                    present::instant(&a.naive_utc()),
                    present::instant(&b.naive_utc())
                ),
                _ => String::new(),
            };
            let text = format!(
                "Hello {first_name},\n\n\
                 The registry's answer for {domain} changed (matter {reference}, {title}):\n\n{lines}\n\
                 Phase now: {phase}.\n{window}Why: {reason}\n\n\
                 Backorder: {link}\n\n\
                 The registry's answer is kept as evidence (SHA-256 {sha}).\n\n\
                 -- \nreclaim registry monitoring\n",
                domain = name.unicode(),
                reference = matter.reference,
                title = matter.title,
                lines = changes
                    .iter()
                    .map(|c| format!("- {}\n", c.summary))
                    .collect::<String>(),
                phase = assessment.phase.label(),
                reason = assessment.reason,
                sha = sha256,
            );
            let subject = format!(
                "{}: {} ({})",
                name.unicode(),
                headline.trim_end_matches('.'),
                matter.reference
            );
            let message_id = state.mailer.new_message_id();
            let raw = mail::build(&Draft {
                from: &state.mailer.from,
                reply_to: None,
                to: &email,
                subject: &subject,
                text: &text,
                html: None,
                message_id: &message_id,
                date: now,
                headers: vec![("X-Reclaim-Kind", "registry-alert".to_owned())],
                attachments: Vec::new(),
                dkim: None,
            });
            let raw = match raw {
                Ok(raw) => raw,
                Err(e) => {
                    tracing::error!(%email, error = %e, "alert not built");
                    continue;
                }
            };
            let new = NewMessage {
                kind: MessageKind::Alert,
                dedupe_key: Some(format!("alert:{snapshot}:{user_id}")),
                message_id,
                to_address: email,
                subject,
                raw,
                matter_id: Some(matter.id.clone()),
                backorder_id: Some(backorder.id.clone()),
            };
            if outbox::enqueue(conn, &new, now)?.is_some() {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// What a sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub checked: usize,
    pub failed: usize,
    pub changes: usize,
    pub alerts: usize,
    /// Names claimed but not checked because the process is stopping (given back, still due).
    pub left: usize,
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} name(s) checked, {} failed, {} change(s), {} alert(s) queued",
            self.checked, self.failed, self.changes, self.alerts
        )?;
        if self.left > 0 {
            write!(f, "; stopping: {} name(s) left for later", self.left)?;
        }
        Ok(())
    }
}

/// How many names are checked at once in a sweep (each server still gets its rate limit).
pub const SWEEP_CONCURRENCY: usize = 16;
/// How many names one sweep takes at most.
pub const SWEEP_BATCH: i64 = 2_000;
/// At most how many answers are recorded in one transaction (those received meanwhile).
pub const RECORD_BATCH: usize = 64;

/// Checks every name that is due, each under a lease so that two instances never check the
/// same name at once.
pub async fn sweep(state: &AppState, concurrency: usize) -> Result<SweepReport, DbError> {
    sweep_batch(state, concurrency, SWEEP_BATCH).await
}

/// One answer received in a sweep, to record.
struct Received {
    watched: MonitoredDomain,
    name: DomainName,
    policy: TldPolicy,
    lookup: Lookup,
}

/// A sweep taking at most `batch` names (the benchmark takes all of them at once).
///
/// Its cost per name is kept low (issue 17): the names' last checks are read with the claim
/// (a few statements for the whole batch, never a name's history); an answer byte for byte the
/// same as the last one is not parsed again and is recorded as such ([`record_same_answer`]);
/// the answers are recorded [`RECORD_BATCH`] at a time in one transaction.
pub async fn sweep_batch(
    state: &AppState,
    concurrency: usize,
    batch: i64,
) -> Result<SweepReport, DbError> {
    let (now, lease) = (state.clock.now(), state.settings.lease_ttl());
    // This instance, and this claim: the names claimed are read back by this sweep alone.
    let holder = monitoring::claim_holder(&state.instance);
    let (due, last) = {
        let holder = holder.clone();
        state
            .db
            .run(move |c| {
                let due = monitoring::claim_due(c, &holder, now, lease, batch)?;
                let ids: Vec<_> = due
                    .iter()
                    .filter_map(|w| w.last_snapshot_id.clone())
                    .collect();
                let last = monitoring::last_checks(c, &ids)?;
                Ok::<_, DbError>((due, last))
            })
            .await?
    };
    let claimed = due.len();
    let last = std::sync::Arc::new(last);
    let stopping = state.stopping.clone();
    // The answers are fetched while those received are recorded (issue 17): the recording
    // takes, in one transaction, everything received meanwhile (up to RECORD_BATCH), instead of
    // the fetches waiting for each recording. Both run in this task; the channel holds at most
    // a batch, so a slow database slows the fetching rather than filling memory.
    let (received, mut inbox) = tokio::sync::mpsc::channel(RECORD_BATCH);
    let fetching = {
        let last = last.clone();
        async move {
            futures_util::stream::iter(due)
                // A stopping process finishes the checks under way and starts no other: the
                // names left are given back below, still due.
                .take_while(move |_| std::future::ready(!stopping.requested()))
                .map(move |watched| {
                    let last = last.clone();
                    async move { receive(state, watched, &last).await }
                })
                .buffer_unordered(concurrency.max(1))
                .for_each(|answer| {
                    let received = &received;
                    // The recording ends only once every answer is in (it holds the inbox).
                    async move { received.send(answer).await.unwrap_or(()) }
                })
                .await;
        }
    };
    let recording = async {
        let mut report = SweepReport::default();
        let mut seen = 0;
        let mut chunk = Vec::with_capacity(RECORD_BATCH);
        while inbox.recv_many(&mut chunk, RECORD_BATCH).await > 0 {
            seen += chunk.len();
            let mut ready = Vec::with_capacity(chunk.len());
            for (domain, outcome) in chunk.drain(..) {
                match outcome {
                    Ok(answer) => ready.push(answer),
                    // A failed lookup was logged and recorded by `ask`; anything else is said
                    // here.
                    Err(CheckError::Lookup(_)) => report.failed += 1,
                    Err(e) => {
                        tracing::error!(%domain, error = %e, "registry answer not recorded");
                        report.failed += 1;
                    }
                }
            }
            for (domain, outcome) in record_received(state, ready, last.clone()).await {
                match outcome {
                    Ok(o) => {
                        report.checked += 1;
                        report.changes += o.changes.len();
                        report.alerts += o.alerts_queued;
                        released(state, &o).await;
                    }
                    Err(e) => {
                        tracing::error!(%domain, error = %e, "registry answer not recorded");
                        report.failed += 1;
                    }
                }
            }
        }
        (report, seen)
    };
    let ((), (mut report, seen)) = tokio::join!(fetching, recording);
    report.left = claimed - seen;
    state
        .db
        .run(move |c| monitoring::release(c, &holder))
        .await?;
    Ok(report)
}

/// Asks about one claimed name, with what its last check received.
async fn receive(
    state: &AppState,
    watched: MonitoredDomain,
    last: &std::collections::HashMap<SnapshotId, LastCheck>,
) -> (String, Result<Received, CheckError>) {
    let domain = watched.domain.clone();
    let name = match DomainName::parse(&watched.domain) {
        Ok(name) => name,
        Err(e) => {
            return (
                domain,
                Err(CheckError::Db(DbError::Conflict(e.to_string()))),
            );
        }
    };
    let policy = match state.tld_policies.lookup(name.tld()) {
        Ok(policy) => policy,
        Err(e) => return (domain, Err(e.into())),
    };
    let known = watched
        .last_snapshot_id
        .as_ref()
        .and_then(|id| last.get(id))
        .map(|last| Known {
            registry_status: last
                .snapshot
                .http_status
                .and_then(|s| u16::try_from(s).ok()),
            registry_sha256: last.snapshot.sha256.clone(),
            registrar: last.registrar.as_ref().map(|(status, sha256)| {
                (status.and_then(|s| u16::try_from(s).ok()), sha256.clone())
            }),
            record: last.snapshot.record(),
        });
    let lookup = ask(state, &name, &policy, known.as_ref()).await;
    (
        domain,
        lookup.map(|lookup| Received {
            watched,
            name,
            policy,
            lookup,
        }),
    )
}

/// Records answers received in one transaction; if one of them cannot be recorded, each is
/// recorded in its own, so that it fails alone.
async fn record_received(
    state: &AppState,
    received: Vec<Received>,
    last: std::sync::Arc<std::collections::HashMap<SnapshotId, LastCheck>>,
) -> Vec<(String, Result<CheckOutcome, CheckError>)> {
    if received.is_empty() {
        return Vec::new();
    }
    let domains: Vec<String> = received.iter().map(|r| r.watched.domain.clone()).collect();
    let state_for_db = state.clone();
    let recorded = state
        .db
        .run(move |c| {
            let all = write_tx(c, |c| record_all(c, &state_for_db, &received, &last));
            Ok::<_, CheckError>(match all {
                Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
                Err(_) => received
                    .iter()
                    .map(|one| {
                        write_tx(c, |c| {
                            record_all(c, &state_for_db, std::slice::from_ref(one), &last)
                        })
                        .and_then(|mut outcome| {
                            outcome.pop().ok_or(CheckError::Db(DbError::NotFound))
                        })
                    })
                    .collect::<Vec<_>>(),
            })
        })
        .await;
    match recorded {
        Ok(outcomes) => domains.into_iter().zip(outcomes).collect(),
        Err(e) => {
            let message = e.to_string();
            domains
                .into_iter()
                .map(|d| (d, Err(CheckError::Db(DbError::Conflict(message.clone())))))
                .collect()
        }
    }
}

/// Records answers in the transaction under way: the backorders seeking the names and the
/// checklists reading them are read once for all.
fn record_all(
    conn: &mut DbConn,
    state: &AppState,
    received: &[Received],
    last: &std::collections::HashMap<SnapshotId, LastCheck>,
) -> Result<Vec<CheckOutcome>, CheckError> {
    let domains: Vec<String> = received.iter().map(|r| r.watched.domain.clone()).collect();
    // An answer the same as the last one rarely needs the backorders (only to move one added
    // since): those are read for the answers that may have changed, the others when needed.
    let changed: Vec<String> = received
        .iter()
        .filter(|r| !r.lookup.unchanged)
        .map(|r| r.watched.domain.clone())
        .collect();
    let mut seeking: std::collections::HashMap<String, Vec<(Backorder, Matter)>> =
        std::collections::HashMap::new();
    let read = if changed.is_empty() {
        Vec::new()
    } else {
        backorders::active(conn, &changed, None)?
    };
    for (backorder, matter) in read {
        seeking
            .entry(backorder.domain.clone())
            .or_default()
            .push((backorder, matter));
    }
    let checklists = crate::repo::after_catch::read_by_registry(conn, &domains)?;
    received
        .iter()
        .map(|r| {
            let context = Context {
                watched: Some(r.watched.clone()),
                last: r
                    .watched
                    .last_snapshot_id
                    .as_ref()
                    .and_then(|id| last.get(id)),
                seeking: if r.lookup.unchanged {
                    None
                } else {
                    Some(seeking.get(&r.watched.domain).map_or(&[], Vec::as_slice))
                },
                checklist: checklists.contains(&r.watched.domain),
            };
            record_answer(
                conn,
                state,
                &r.name,
                &r.policy,
                &r.lookup,
                r.lookup.registry.fetched_at,
                &context,
            )
        })
        .collect()
}
