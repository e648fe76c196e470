//! The durable outbox: every e-mail is written here first, then delivered by the outbox job.
//!
//! The delivery rule (docs/architecture.md, "Leases, heartbeat and shutdown"):
//! - A message is claimed by an instance for a short lease that the instance's heartbeat renews;
//!   when the instance dies the claim runs out within the lease and the next claimer takes it.
//! - Just before the SMTP transaction the holder records that it begins (`begin_send`: when, by
//!   whom, only if the claim is still its own and the message not sent); right after, the result
//!   (`record_attempt`). A message recorded as sent is never sent again.
//! - A claimed message whose send began and has no result (its sender died mid-transaction) is
//!   sent again by the next claimer with the same bytes and Message-ID (RFC 5322 §3.6.4, so the
//!   receiving side and the firm's archive can recognise the copy), after an attempt of outcome
//!   "interrupted" that says it may arrive twice (`possible_duplicates`).
//! - The one window left: the server accepted the message (answered the end of DATA) and the
//!   process died before recording it. SMTP offers no way to ask a server whether it has a
//!   message, so that message goes twice; it is the one marked as a possible duplicate.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{outbox_attempts, outbox_messages, outbox_sends};
use crate::db::types::{from_db, to_db};
use crate::db::{DbConn, DbError, write_tx};
use crate::model::ids::{BackorderId, MatterId, OutboxAttemptId, OutboxId};
use crate::model::outbox::{Attempt, MessageKind, OutboxMessage, OutboxStatus};

/// Attempts before a message that keeps failing temporarily is given up.
pub const MAX_ATTEMPTS: i32 = 12;

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: MessageKind,
    /// Queuing the same key twice queues once (an alert per change and recipient…).
    pub dedupe_key: Option<String>,
    pub message_id: String,
    pub to_address: String,
    pub subject: String,
    pub raw: Vec<u8>,
    pub matter_id: Option<MatterId>,
    pub backorder_id: Option<BackorderId>,
}

/// Queues a message; `None` when its dedupe key was queued before.
pub fn enqueue(
    conn: &mut DbConn,
    new: &NewMessage,
    now: DateTime<Utc>,
) -> Result<Option<OutboxId>, DbError> {
    if let Some(key) = &new.dedupe_key {
        let seen: i64 = outbox_messages::table
            .filter(outbox_messages::dedupe_key.eq(key))
            .count()
            .get_result(conn)?;
        if seen > 0 {
            return Ok(None);
        }
    }
    let id = OutboxId::new();
    diesel::insert_into(outbox_messages::table)
        .values((
            outbox_messages::id.eq(&id),
            outbox_messages::message_id.eq(&new.message_id),
            outbox_messages::kind.eq(new.kind),
            outbox_messages::dedupe_key.eq(&new.dedupe_key),
            outbox_messages::to_address.eq(&new.to_address),
            outbox_messages::subject.eq(&new.subject),
            outbox_messages::raw.eq(&new.raw),
            outbox_messages::status.eq(OutboxStatus::Queued),
            outbox_messages::attempts.eq(0),
            outbox_messages::next_attempt_at.eq(to_db(now)),
            outbox_messages::matter_id.eq(&new.matter_id),
            outbox_messages::backorder_id.eq(&new.backorder_id),
            outbox_messages::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(Some(id))
}

/// Claims up to `limit` messages due now for `holder`: queued ones whose time has come, and
/// ones whose earlier claim ran out (a process that stopped mid-send). Three statements
/// whatever the batch's size: pick the candidates, claim those still claimable in one update
/// (whose condition the database checks again on each row, so that of two instances claiming
/// at once each message goes to one), and read back those this call claimed.
pub fn claim_due(
    conn: &mut DbConn,
    holder: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<OutboxMessage>, DbError> {
    let now_db = to_db(now);
    let until = to_db(now + lease);
    let claimable = || {
        outbox_messages::status
            .eq(OutboxStatus::Queued)
            .and(outbox_messages::next_attempt_at.le(now_db))
            .or(outbox_messages::status
                .eq(OutboxStatus::Sending)
                .and(outbox_messages::claimed_until.lt(now_db)))
    };
    write_tx(conn, |conn| {
        let candidates: Vec<OutboxId> = outbox_messages::table
            .filter(claimable())
            .order(outbox_messages::next_attempt_at)
            .limit(limit)
            .select(outbox_messages::id)
            .load(conn)?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(outbox_messages::table)
            .filter(outbox_messages::id.eq_any(&candidates))
            .filter(claimable())
            .set((
                outbox_messages::status.eq(OutboxStatus::Sending),
                outbox_messages::claimed_by.eq(holder),
                outbox_messages::claimed_until.eq(until),
            ))
            .execute(conn)?;
        Ok(outbox_messages::table
            .filter(outbox_messages::id.eq_any(&candidates))
            .filter(outbox_messages::status.eq(OutboxStatus::Sending))
            .filter(outbox_messages::claimed_by.eq(holder))
            .filter(outbox_messages::claimed_until.eq(until))
            .order(outbox_messages::next_attempt_at)
            .select(OutboxMessage::as_select())
            .load(conn)?)
    })
}

/// Whether the holder of a claim may begin sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// Go ahead: the send is recorded as begun.
    Send {
        /// The previous sender stopped mid-transaction: this is a possible duplicate.
        after_interruption: bool,
    },
    /// Do not send: the claim is no longer this holder's (it ran out and was taken over) or
    /// the message was recorded as sent meanwhile.
    NotYours,
}

/// Records that `holder` begins the SMTP transaction of message `id`, if its claim still holds
/// at `now`. A send begun earlier without a result means its sender died mid-transaction: that
/// is recorded as an interrupted attempt and the message marked as a possible duplicate.
pub fn begin_send(
    conn: &mut DbConn,
    id: &OutboxId,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<Begin, DbError> {
    write_tx(conn, |conn| {
        let (status, claimed_by, claimed_until, attempts): (
            OutboxStatus,
            Option<String>,
            Option<NaiveDateTime>,
            i32,
        ) = outbox_messages::table
            .find(id)
            .select((
                outbox_messages::status,
                outbox_messages::claimed_by,
                outbox_messages::claimed_until,
                outbox_messages::attempts,
            ))
            .first(conn)?;
        let still_claimed = status == OutboxStatus::Sending
            && claimed_by.as_deref() == Some(holder)
            && claimed_until.is_some_and(|until| until >= to_db(now));
        if !still_claimed {
            return Ok(Begin::NotYours);
        }
        let earlier: Option<(NaiveDateTime, String)> = outbox_sends::table
            .find(id)
            .select((outbox_sends::started_at, outbox_sends::started_by))
            .first(conn)
            .optional()?;
        let row = (
            outbox_sends::outbox_id.eq(id),
            outbox_sends::started_at.eq(to_db(now)),
            outbox_sends::started_by.eq(holder),
        );
        match &earlier {
            Some((at, by)) => {
                let response = format!(
                    "{by} began sending at {} UTC and stopped before recording the server's \
                     answer; the server may have accepted it, so it is sent again with the same \
                     Message-ID and may arrive twice",
                    at.format("%Y-%m-%d %H:%M:%S")
                );
                insert_attempt(conn, id, "interrupted", None, &response, now)?;
                diesel::update(outbox_messages::table.find(id))
                    .set(outbox_messages::attempts.eq(attempts + 1))
                    .execute(conn)?;
                diesel::update(outbox_sends::table.find(id))
                    .set(row)
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(outbox_sends::table)
                    .values(row)
                    .execute(conn)?;
            }
        }
        Ok(Begin::Send {
            after_interruption: earlier.is_some(),
        })
    })
}

fn insert_attempt(
    conn: &mut DbConn,
    id: &OutboxId,
    outcome: &str,
    smtp_code: Option<u16>,
    response: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(outbox_attempts::table)
        .values((
            outbox_attempts::id.eq(OutboxAttemptId::new()),
            outbox_attempts::outbox_id.eq(id),
            outbox_attempts::at.eq(to_db(now)),
            outbox_attempts::outcome.eq(outcome),
            outbox_attempts::smtp_code.eq(smtp_code.map(i32::from)),
            outbox_attempts::response.eq(response),
        ))
        .execute(conn)?;
    Ok(())
}

/// The heartbeat: extends the claims `holder` has on messages until `until`.
pub fn renew_claims(conn: &mut DbConn, holder: &str, until: DateTime<Utc>) -> Result<(), DbError> {
    diesel::update(outbox_messages::table)
        .filter(outbox_messages::claimed_by.eq(holder))
        .filter(outbox_messages::status.eq(OutboxStatus::Sending))
        .set(outbox_messages::claimed_until.eq(Some(to_db(until))))
        .execute(conn)?;
    Ok(())
}

/// A stopping instance gives back its claims: messages it has not begun to send are queued
/// again, due as they were; a message whose send it began and cannot finish (the stop did not
/// wait for it) has its claim end now, so the next claimer takes it at once under the
/// interrupted-send rule. Returns how many were queued again.
pub fn give_back(conn: &mut DbConn, holder: &str, now: DateTime<Utc>) -> Result<usize, DbError> {
    let queued = diesel::update(outbox_messages::table)
        .filter(outbox_messages::claimed_by.eq(holder))
        .filter(outbox_messages::status.eq(OutboxStatus::Sending))
        .filter(outbox_messages::id.ne_all(outbox_sends::table.select(outbox_sends::outbox_id)))
        .set((
            outbox_messages::status.eq(OutboxStatus::Queued),
            outbox_messages::claimed_by.eq(None::<String>),
            outbox_messages::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    diesel::update(outbox_messages::table)
        .filter(outbox_messages::claimed_by.eq(holder))
        .filter(outbox_messages::status.eq(OutboxStatus::Sending))
        .set(outbox_messages::claimed_until.eq(Some(to_db(now))))
        .execute(conn)?;
    Ok(queued)
}

/// What an attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Retry,
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Retry => "retry",
            Outcome::Failed => "failed",
        }
    }
}

/// After a temporary failure: 1, 2, 4… minutes, at most 6 hours.
pub fn retry_delay(attempts: i32) -> Duration {
    Duration::minutes(1_i64 << attempts.clamp(0, 9)).min(Duration::hours(6))
}

/// Records an attempt's result. "Sent" counts whoever reports it: the message went, and must
/// not go again. Otherwise a holder whose claim was taken over (it ran out) records the attempt
/// but does not change the message: the new holder decides.
pub fn record_attempt(
    conn: &mut DbConn,
    id: &OutboxId,
    holder: &str,
    outcome: Outcome,
    smtp_code: Option<u16>,
    response: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    write_tx(conn, |conn| {
        insert_attempt(conn, id, outcome.as_str(), smtp_code, response, now)?;
        let message: OutboxMessage = outbox_messages::table
            .find(id)
            .select(OutboxMessage::as_select())
            .first(conn)?;
        let holds = message.claimed_by.as_deref() == Some(holder);
        if message.status == OutboxStatus::Sent || !(holds || outcome == Outcome::Sent) {
            return Ok(());
        }
        let attempts = message.attempts + 1;
        let (status, next, error) = match outcome {
            Outcome::Sent => (OutboxStatus::Sent, message.next_attempt_at, None),
            Outcome::Failed => (
                OutboxStatus::Failed,
                message.next_attempt_at,
                Some(response),
            ),
            Outcome::Retry if attempts >= MAX_ATTEMPTS => (
                OutboxStatus::Failed,
                message.next_attempt_at,
                Some(response),
            ),
            Outcome::Retry => (
                OutboxStatus::Queued,
                to_db(now + retry_delay(attempts)),
                Some(response),
            ),
        };
        diesel::update(outbox_messages::table.find(id))
            .set((
                outbox_messages::status.eq(status),
                outbox_messages::attempts.eq(attempts),
                outbox_messages::next_attempt_at.eq(next),
                outbox_messages::last_error.eq(error),
                outbox_messages::claimed_by.eq(None::<String>),
                outbox_messages::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        diesel::delete(outbox_sends::table.find(id)).execute(conn)?;
        Ok(())
    })
}

/// The messages whose SMTP transaction is recorded as begun and has no result yet.
pub fn sends_under_way(conn: &mut DbConn) -> Result<Vec<OutboxId>, DbError> {
    Ok(outbox_sends::table
        .select(outbox_sends::outbox_id)
        .load(conn)?)
}

/// Of `ids`, the messages sent again after an interrupted send: they may have arrived twice.
pub fn possible_duplicates(conn: &mut DbConn, ids: &[OutboxId]) -> Result<Vec<OutboxId>, DbError> {
    Ok(outbox_attempts::table
        .filter(outbox_attempts::outbox_id.eq_any(ids))
        .filter(outbox_attempts::outcome.eq("interrupted"))
        .select(outbox_attempts::outbox_id)
        .distinct()
        .load(conn)?)
}

pub fn find(conn: &mut DbConn, id: &OutboxId) -> Result<Option<OutboxMessage>, DbError> {
    Ok(outbox_messages::table
        .find(id)
        .select(OutboxMessage::as_select())
        .first(conn)
        .optional()?)
}

/// Messages of a kind, newest first (for tests and the admin view).
pub fn list(
    conn: &mut DbConn,
    kind: Option<MessageKind>,
    limit: i64,
) -> Result<Vec<OutboxMessage>, DbError> {
    let mut query = outbox_messages::table.into_boxed();
    if let Some(kind) = kind {
        query = query.filter(outbox_messages::kind.eq(kind));
    }
    Ok(query
        .order(outbox_messages::created_at.desc())
        .limit(limit)
        .select(OutboxMessage::as_select())
        .load(conn)?)
}

pub fn attempts(conn: &mut DbConn, id: &OutboxId) -> Result<Vec<Attempt>, DbError> {
    Ok(outbox_attempts::table
        .filter(outbox_attempts::outbox_id.eq(id))
        .order(outbox_attempts::at)
        .select((
            outbox_attempts::at,
            outbox_attempts::outcome,
            outbox_attempts::smtp_code,
            outbox_attempts::response,
        ))
        .load(conn)?)
}

/// When the message was sent, if it was.
pub fn sent_at(conn: &mut DbConn, id: &OutboxId) -> Result<Option<DateTime<Utc>>, DbError> {
    let at: Option<NaiveDateTime> = outbox_attempts::table
        .filter(outbox_attempts::outbox_id.eq(id))
        .filter(outbox_attempts::outcome.eq("sent"))
        .select(outbox_attempts::at)
        .first(conn)
        .optional()?;
    Ok(at.map(from_db))
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

    fn message(key: Option<&str>) -> NewMessage {
        NewMessage {
            kind: MessageKind::Alert,
            dedupe_key: key.map(str::to_owned),
            message_id: format!("<{}@x>", uuid::Uuid::new_v4()),
            to_address: "ann@firm.example".into(),
            subject: "s".into(),
            raw: b"raw".to_vec(),
            matter_id: None,
            backorder_id: None,
        }
    }

    #[test]
    fn a_dedupe_key_queues_once() {
        let mut c = conn();
        let now = Utc::now();
        assert!(enqueue(&mut c, &message(Some("k")), now).unwrap().is_some());
        assert!(enqueue(&mut c, &message(Some("k")), now).unwrap().is_none());
        assert!(enqueue(&mut c, &message(None), now).unwrap().is_some());
    }

    #[test]
    fn a_claim_that_runs_out_is_taken_over_and_the_old_holder_changes_nothing() {
        let mut c = conn();
        let now = Utc::now();
        let id = enqueue(&mut c, &message(None), now).unwrap().unwrap();
        let first = claim_due(&mut c, "a", now, Duration::minutes(5), 10).unwrap();
        assert_eq!(first.len(), 1);
        assert!(
            claim_due(&mut c, "b", now, Duration::minutes(5), 10)
                .unwrap()
                .is_empty(),
            "claimed"
        );
        // "a" stopped mid-send; after the lease, "b" takes the message.
        let later = now + Duration::minutes(6);
        let second = claim_due(&mut c, "b", later, Duration::minutes(5), 10).unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(
            second[0].message_id, first[0].message_id,
            "the same Message-ID on the retry"
        );
        record_attempt(
            &mut c,
            &id,
            "a",
            Outcome::Retry,
            Some(421),
            "late answer",
            later,
        )
        .unwrap();
        assert_eq!(
            find(&mut c, &id).unwrap().unwrap().status,
            OutboxStatus::Sending,
            "a's answer no longer counts"
        );
        record_attempt(&mut c, &id, "b", Outcome::Sent, Some(250), "OK", later).unwrap();
        let m = find(&mut c, &id).unwrap().unwrap();
        assert_eq!(m.status, OutboxStatus::Sent);
        assert_eq!(
            attempts(&mut c, &id).unwrap().len(),
            2,
            "both attempts are on record"
        );
        assert!(
            claim_due(
                &mut c,
                "c",
                later + Duration::hours(1),
                Duration::minutes(5),
                10
            )
            .unwrap()
            .is_empty()
        );
    }

    /// One message queued now and claimed by "a" for 40 s.
    fn claimed_by_a() -> (DbConn, OutboxId, DateTime<Utc>, Duration) {
        let mut c = conn();
        let now = Utc::now();
        let lease = Duration::seconds(40);
        let id = enqueue(&mut c, &message(None), now).unwrap().unwrap();
        claim_due(&mut c, "a", now, lease, 10).unwrap();
        (c, id, now, lease)
    }

    #[test]
    fn a_send_interrupted_mid_transaction_is_resent_once_and_marked_as_a_possible_duplicate() {
        let (mut c, id, now, lease) = claimed_by_a();
        assert_eq!(
            begin_send(&mut c, &id, "a", now).unwrap(),
            Begin::Send {
                after_interruption: false
            }
        );
        // "a" dies before the server's answer is recorded; its claim is not renewed.
        assert!(
            claim_due(&mut c, "b", now + Duration::seconds(30), lease, 10)
                .unwrap()
                .is_empty()
        );
        let later = now + Duration::seconds(41);
        assert_eq!(claim_due(&mut c, "b", later, lease, 10).unwrap().len(), 1);
        assert_eq!(
            begin_send(&mut c, &id, "b", later).unwrap(),
            Begin::Send {
                after_interruption: true
            }
        );
        record_attempt(&mut c, &id, "b", Outcome::Sent, Some(250), "OK", later).unwrap();
        let m = find(&mut c, &id).unwrap().unwrap();
        assert_eq!(m.status, OutboxStatus::Sent);
        assert_eq!(
            possible_duplicates(&mut c, &[id.clone()]).unwrap(),
            [id.clone()]
        );
        assert!(sends_under_way(&mut c).unwrap().is_empty());
        let outcomes: Vec<String> = attempts(&mut c, &id)
            .unwrap()
            .into_iter()
            .map(|a| a.outcome)
            .collect();
        assert_eq!(outcomes, ["interrupted", "sent"]);
    }

    #[test]
    fn a_message_not_begun_before_a_crash_is_not_marked() {
        let (mut c, id, now, lease) = claimed_by_a();
        let later = now + Duration::seconds(41);
        claim_due(&mut c, "b", later, lease, 10).unwrap();
        assert_eq!(
            begin_send(&mut c, &id, "b", later).unwrap(),
            Begin::Send {
                after_interruption: false
            }
        );
        record_attempt(&mut c, &id, "b", Outcome::Sent, Some(250), "OK", later).unwrap();
        assert!(possible_duplicates(&mut c, &[id]).unwrap().is_empty());
    }

    #[test]
    fn a_message_recorded_as_sent_is_never_sent_again() {
        let (mut c, id, now, lease) = claimed_by_a();
        begin_send(&mut c, &id, "a", now).unwrap();
        // "a" stalls past its lease (no heartbeat) and "b" takes the claim over...
        let later = now + Duration::seconds(41);
        assert_eq!(claim_due(&mut c, "b", later, lease, 10).unwrap().len(), 1);
        // ...then "a"'s transaction succeeds: the message went, whoever holds the claim.
        record_attempt(&mut c, &id, "a", Outcome::Sent, Some(250), "OK", later).unwrap();
        assert_eq!(
            find(&mut c, &id).unwrap().unwrap().status,
            OutboxStatus::Sent
        );
        assert_eq!(
            begin_send(&mut c, &id, "b", later).unwrap(),
            Begin::NotYours,
            "b does not send it again"
        );
        assert_eq!(
            begin_send(&mut c, &id, "a", later).unwrap(),
            Begin::NotYours
        );
        for at in [
            later,
            later + Duration::hours(1),
            later + Duration::days(30),
        ] {
            assert!(claim_due(&mut c, "c", at, lease, 10).unwrap().is_empty());
        }
    }

    #[test]
    fn a_claim_taken_over_is_not_sent_by_its_old_holder() {
        let (mut c, id, now, lease) = claimed_by_a();
        assert_eq!(
            begin_send(&mut c, &id, "a", now + Duration::seconds(41)).unwrap(),
            Begin::NotYours,
            "the claim ran out"
        );
        claim_due(&mut c, "b", now + Duration::seconds(41), lease, 10).unwrap();
        assert_eq!(begin_send(&mut c, &id, "a", now).unwrap(), Begin::NotYours);
    }

    #[test]
    fn the_heartbeat_keeps_claims_and_a_stop_gives_them_back() {
        let mut c = conn();
        let now = Utc::now();
        let lease = Duration::seconds(40);
        let begun = enqueue(&mut c, &message(None), now).unwrap().unwrap();
        let waiting = enqueue(&mut c, &message(None), now).unwrap().unwrap();
        claim_due(&mut c, "a", now, lease, 10).unwrap();
        renew_claims(&mut c, "a", now + Duration::seconds(70)).unwrap();
        assert!(
            claim_due(&mut c, "b", now + Duration::seconds(60), lease, 10)
                .unwrap()
                .is_empty(),
            "renewed"
        );
        begin_send(&mut c, &begun, "a", now).unwrap();
        let at = now + Duration::seconds(61);
        assert_eq!(give_back(&mut c, "a", at).unwrap(), 1);
        let w = find(&mut c, &waiting).unwrap().unwrap();
        assert_eq!((w.status, w.claimed_by), (OutboxStatus::Queued, None));
        let taken = claim_due(&mut c, "b", at + Duration::seconds(1), lease, 10).unwrap();
        assert_eq!(
            taken.len(),
            2,
            "both at once, without waiting for the lease"
        );
        assert_eq!(
            begin_send(&mut c, &begun, "b", at).unwrap(),
            Begin::Send {
                after_interruption: true
            }
        );
    }

    /// The statements `claim_due` runs for a batch of `n` messages due now.
    fn statements_to_claim(n: usize) -> u64 {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU64, Ordering};

        use diesel::connection::InstrumentationEvent;

        let mut c = conn();
        let now = Utc::now();
        for _ in 0..n {
            enqueue(&mut c, &message(None), now).unwrap();
        }
        let count = Arc::new(AtomicU64::new(0));
        let counter = count.clone();
        c.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        let claimed = claim_due(&mut c, "a", now, Duration::minutes(5), 100).unwrap();
        assert_eq!(claimed.len(), n);
        count.load(Ordering::Relaxed)
    }

    #[test]
    fn a_batch_is_claimed_in_the_same_statements_whatever_its_size() {
        assert_eq!(statements_to_claim(2), statements_to_claim(40));
    }

    #[test]
    fn instances_claiming_in_turn_share_the_due_messages_without_overlap() {
        let mut c = conn();
        let now = Utc::now();
        for _ in 0..5 {
            enqueue(&mut c, &message(None), now).unwrap();
        }
        let a = claim_due(&mut c, "a", now, Duration::minutes(5), 3).unwrap();
        let b = claim_due(&mut c, "b", now, Duration::minutes(5), 3).unwrap();
        assert_eq!((a.len(), b.len()), (3, 2));
        assert!(a.iter().all(|m| m.claimed_by.as_deref() == Some("a")));
        assert!(b.iter().all(|m| m.claimed_by.as_deref() == Some("b")));
        assert!(a.iter().all(|m| b.iter().all(|n| n.id != m.id)));
        assert!(
            claim_due(&mut c, "a", now, Duration::minutes(5), 10)
                .unwrap()
                .is_empty(),
            "its own claims are not claimed again"
        );
    }

    #[test]
    fn temporary_failures_back_off_and_permanent_ones_stop() {
        let mut c = conn();
        let now = Utc::now();
        let id = enqueue(&mut c, &message(None), now).unwrap().unwrap();
        claim_due(&mut c, "a", now, Duration::minutes(5), 10).unwrap();
        record_attempt(
            &mut c,
            &id,
            "a",
            Outcome::Retry,
            Some(451),
            "try later",
            now,
        )
        .unwrap();
        let m = find(&mut c, &id).unwrap().unwrap();
        assert_eq!(m.status, OutboxStatus::Queued);
        assert_eq!(
            from_db(m.next_attempt_at),
            crate::clock::truncate_to_micros(now) + Duration::minutes(2)
        );
        assert!(
            claim_due(
                &mut c,
                "a",
                now + Duration::minutes(1),
                Duration::minutes(5),
                10
            )
            .unwrap()
            .is_empty(),
            "not before its time"
        );
        claim_due(
            &mut c,
            "a",
            now + Duration::minutes(2),
            Duration::minutes(5),
            10,
        )
        .unwrap();
        record_attempt(
            &mut c,
            &id,
            "a",
            Outcome::Failed,
            Some(550),
            "no such user",
            now,
        )
        .unwrap();
        let m = find(&mut c, &id).unwrap().unwrap();
        assert_eq!(m.status, OutboxStatus::Failed);
        assert_eq!(m.last_error.as_deref(), Some("no such user"));
        assert_eq!(retry_delay(1), Duration::minutes(2));
        assert_eq!(retry_delay(20), Duration::hours(6));
    }
}
