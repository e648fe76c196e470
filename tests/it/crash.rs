//! Issue 14 (5): a server killed or stopped while it delivers mail. The real binary serves with
//! its jobs on, delivering queued messages to the SMTP sink; the sink keeps one message and
//! holds back its answer, so that the process is stopped in the middle of that SMTP transaction.
//! Then the binary starts again on the same database and must finish the outbox within a
//! minute, sending no message twice but the one caught mid-transaction by a kill -9, which it
//! marks as a possible duplicate (the rule of `repo::outbox`).

use std::collections::BTreeMap;
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;

use reclaim::config::Settings;
use reclaim::db::DbPool;
use reclaim::db::schema::job_leases;
use reclaim::mail::{Draft, build, parse_mailbox};
use reclaim::model::outbox::{MessageKind, OutboxMessage, OutboxStatus};
use reclaim::repo::jobs::{self, JobRun};
use reclaim::repo::outbox::{self, NewMessage};

use crate::cli::{reclaim, spawn_with_lines};
use crate::helpers::test_database_url;
use crate::smtp_sink::SmtpSink;

/// Messages queued before the start.
const MESSAGES: usize = 120;
/// The message whose answer the sink holds back.
const STALLED: usize = 40;

/// A database with `MESSAGES` alerts queued, and the directory the binary runs in.
struct Firm {
    dir: tempfile::TempDir,
    url: String,
    db: DbPool,
}

fn firm_with_queued_mail() -> Firm {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(dir.path());
    let settings = Settings {
        database_url: url.clone(),
        var_dir: dir.path().join("var"),
        ..Settings::default()
    };
    let (db, _) = reclaim::startup::open_database(&settings).expect("the database opens");
    queue_mail(&db, MESSAGES, "crash");
    Firm { dir, url, db }
}

/// Queues `count` deadline alerts whose Message-IDs are `<{tag}-{i}@firm.example>`, as the
/// application queues mail.
pub fn queue_mail(db: &DbPool, count: usize, tag: &str) {
    let from = parse_mailbox("reclaim <reclaim@firm.example>").unwrap();
    let mut conn = db.get().unwrap();
    for i in 0..count {
        let to = format!("lawyer{i}@firm.example");
        let message_id = format!("<{tag}-{i}@firm.example>");
        let subject = format!("Deadline {i}");
        let raw = build(&Draft {
            from: &from,
            reply_to: None,
            to: &to,
            subject: &subject,
            text: "The response is due on Friday.",
            html: None,
            message_id: &message_id,
            date: Utc::now(),
            headers: Vec::new(),
            attachments: Vec::new(),
            dkim: None,
        })
        .unwrap();
        let new = NewMessage {
            kind: MessageKind::Reminder,
            dedupe_key: None,
            message_id,
            to_address: to,
            subject,
            raw,
            matter_id: None,
            backorder_id: None,
        };
        outbox::enqueue(&mut conn, &new, Utc::now()).unwrap();
    }
}

/// `reclaim serve` on the firm's database, delivering to the sink, with claims that outlive
/// their instance by `lease_seconds`. Its output is kept for the failure messages.
fn serve(firm: &Firm, sink: &SmtpSink, lease_seconds: &str) -> (Child, mpsc::Receiver<String>) {
    spawn_with_lines(&mut reclaim(
        firm.dir.path(),
        &[
            ("RECLAIM_DATABASE_URL", &firm.url),
            ("RECLAIM_BIND", "127.0.0.1:0"),
            ("RECLAIM_SMTP_URL", &sink.url()),
            ("RECLAIM_LEASE_SECONDS", lease_seconds),
            ("RECLAIM_LOG", "info"),
        ],
        &["serve"],
    ))
}

/// `serve`, until the sink holds back its answer to the `STALLED`-th message.
fn serve_until_stalled(
    firm: &Firm,
    sink: &SmtpSink,
    lease_seconds: &str,
) -> (Child, mpsc::Receiver<String>) {
    let (child, lines) = serve(firm, sink, lease_seconds);
    assert!(
        wait_until(Duration::from_secs(90), || sink.messages().len() >= STALLED),
        "the outbox did not start delivering: {} received\n{}",
        sink.messages().len(),
        said(&lines)
    );
    (child, lines)
}

/// What the process said so far, for a failure message.
pub fn said(lines: &mpsc::Receiver<String>) -> String {
    lines.try_iter().collect::<Vec<_>>().join("\n")
}

/// Waits up to `limit` for `done`, checking every 50 ms.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

/// How many times the sink received each Message-ID.
pub fn received(sink: &SmtpSink) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in sink.messages() {
        let id = message.header("Message-ID").expect("a Message-ID");
        *counts.entry(id).or_insert(0) += 1;
    }
    counts
}

/// Every one of `total` messages arrived once at the sink, but `interrupted` (the one whose
/// SMTP transaction a kill cut), which arrived twice and is the only one the outbox marks as a
/// possible duplicate.
pub fn only_the_interrupted_one_twice(
    sink: &SmtpSink,
    db: &DbPool,
    total: usize,
    interrupted: &String,
) {
    let counts = received(sink);
    assert_eq!(counts.len(), total, "every message delivered");
    let twice: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(twice, [interrupted], "{counts:?}");
    assert_eq!(counts[interrupted], 2);
    assert_eq!(flagged(db), std::slice::from_ref(interrupted));
}

pub fn messages(db: &DbPool) -> Vec<OutboxMessage> {
    outbox::list(&mut db.get().unwrap(), None, 1_000).unwrap()
}

/// The Message-IDs of the messages marked as possibly received twice.
pub fn flagged(db: &DbPool) -> Vec<String> {
    let all = messages(db);
    let ids: Vec<_> = all.iter().map(|m| m.id.clone()).collect();
    let marked = outbox::possible_duplicates(&mut db.get().unwrap(), &ids).unwrap();
    all.into_iter()
        .filter(|m| marked.contains(&m.id))
        .map(|m| m.message_id)
        .collect()
}

pub fn runs(db: &DbPool) -> Vec<JobRun> {
    jobs::recent_runs(&mut db.get().unwrap(), 1_000).unwrap()
}

pub fn leases(db: &DbPool) -> Vec<(String, String)> {
    job_leases::table
        .select((job_leases::name, job_leases::holder))
        .load(&mut *db.get().unwrap())
        .unwrap()
}

/// Starts the binary again and waits until every queued message is recorded as sent; returns
/// how long that took.
fn restart_and_finish(firm: &Firm, sink: &SmtpSink, lease_seconds: &str) -> (Child, Duration) {
    let restarted = Instant::now();
    let (child, lines) = serve(firm, sink, lease_seconds);
    let finished = wait_until(Duration::from_secs(120), || {
        messages(&firm.db)
            .iter()
            .all(|m| m.status == OutboxStatus::Sent)
    });
    let took = restarted.elapsed();
    assert!(
        finished,
        "not every message was sent after the restart: {:?}\n{}",
        messages(&firm.db)
            .iter()
            .filter(|m| m.status != OutboxStatus::Sent)
            .map(|m| (m.status, m.claimed_by.clone(), m.claimed_until))
            .take(3)
            .collect::<Vec<_>>(),
        said(&lines)
    );
    (child, took)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_server_killed_mid_delivery_resumes_within_a_minute_and_sends_only_the_interrupted_message_twice()
 {
    let firm = firm_with_queued_mail();
    // Long enough that the kill lands while the sink holds its answer, however slow the machine.
    let sink = SmtpSink::stalling(STALLED, Duration::from_secs(20));
    let (mut first, _) = serve_until_stalled(&firm, &sink, "5");
    first.kill().unwrap();
    first.wait().unwrap();

    // What the dead process left: its run "running", its lease held, the message whose server
    // answer it was waiting for recorded as begun.
    let dead_runs: Vec<JobRun> = runs(&firm.db)
        .into_iter()
        .filter(|r| r.job == "outbox" && r.status == "running")
        .collect();
    assert_eq!(dead_runs.len(), 1, "{dead_runs:?}");
    let dead = dead_runs[0].holder.clone();
    let stalled_id = sink.messages()[STALLED - 1]
        .header("Message-ID")
        .expect("a Message-ID");
    let under_way = outbox::sends_under_way(&mut firm.db.get().unwrap()).unwrap();
    let begun: Vec<String> = messages(&firm.db)
        .into_iter()
        .filter(|m| under_way.contains(&m.id))
        .map(|m| m.message_id)
        .collect();
    assert_eq!(
        begun,
        std::slice::from_ref(&stalled_id),
        "recorded before the transaction"
    );

    // Restarted, the work is taken over once the dead instance's claims run out (5 s here; the
    // heartbeat renews them every quarter of that while an instance lives), not after minutes.
    let (second, took) = restart_and_finish(&firm, &sink, "5");
    assert!(took < Duration::from_secs(60), "resumed after {took:?}");

    // One sender, so at most one message can be caught mid-transaction: the stalled one, which
    // the server had kept. It is the only one sent twice, and it says so.
    only_the_interrupted_one_twice(&sink, &firm.db, MESSAGES, &stalled_id);
    let stalled = messages(&firm.db)
        .into_iter()
        .find(|m| m.message_id == stalled_id)
        .unwrap();
    let outcomes: Vec<String> = outbox::attempts(&mut firm.db.get().unwrap(), &stalled.id)
        .unwrap()
        .into_iter()
        .map(|a| a.outcome)
        .collect();
    assert_eq!(outcomes, ["interrupted", "sent"]);

    // The dead instance's run is marked as abandoned by the living one's heartbeat.
    assert!(
        wait_until(Duration::from_secs(30), || {
            runs(&firm.db)
                .iter()
                .filter(|r| r.holder == dead)
                .all(|r| r.status != "running")
        }),
        "{:?}",
        runs(&firm.db)
    );
    let abandoned = runs(&firm.db)
        .into_iter()
        .find(|r| r.id == dead_runs[0].id)
        .unwrap();
    assert_eq!(abandoned.status, "abandoned");
    assert!(abandoned.finished_at.is_some());
    stop(second);
}

#[test]
fn a_server_stopped_with_sigterm_gives_back_its_work_and_a_restart_sends_nothing_twice() {
    let firm = firm_with_queued_mail();
    let sink = SmtpSink::stalling(STALLED, Duration::from_secs(5));
    // Claims that would outlive a dead instance for 10 minutes: the restart below can only go
    // on at once because the stopped instance gave its claims back.
    let (mut first, lines) = serve_until_stalled(&firm, &sink, "600");
    let pid = i32::try_from(first.id()).unwrap();
    // SAFETY: a plain kill(2) of our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let mut status = None;
    assert!(
        wait_until(Duration::from_secs(30), || {
            status = first.try_wait().unwrap();
            status.is_some()
        }),
        "still running 30 s after SIGTERM\n{}",
        said(&lines)
    );
    let status = status.unwrap();
    assert!(status.success(), "{status:?}\n{}", said(&lines));

    // It finished the message under way and gave back the rest: no lease, no claim, no run
    // left running, its outbox run ended as interrupted.
    assert_eq!(leases(&firm.db), Vec::<(String, String)>::new());
    let after_stop = messages(&firm.db);
    assert!(
        after_stop.iter().all(|m| m.claimed_by.is_none()),
        "claims given back"
    );
    assert!(
        outbox::sends_under_way(&mut firm.db.get().unwrap())
            .unwrap()
            .is_empty()
    );
    let sent = after_stop
        .iter()
        .filter(|m| m.status == OutboxStatus::Sent)
        .count();
    assert!(
        sent >= STALLED,
        "the message under way was finished: {sent}"
    );
    assert!(sent < MESSAGES, "stopped before the end: {sent}");
    let first_runs = runs(&firm.db);
    assert!(
        first_runs.iter().all(|r| r.status != "running"),
        "{first_runs:?}"
    );
    assert!(
        first_runs
            .iter()
            .any(|r| r.job == "outbox" && r.status == "interrupted"),
        "{first_runs:?}"
    );

    let (second, took) = restart_and_finish(&firm, &sink, "600");
    assert!(took < Duration::from_secs(60), "resumed after {took:?}");
    let counts = received(&sink);
    assert_eq!(counts.len(), MESSAGES, "every message delivered");
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    assert!(flagged(&firm.db).is_empty());
    stop(second);
}
