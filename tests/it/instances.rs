//! Issue 17 (C): several instances on one PostgreSQL database, proven with two real `reclaim
//! serve` processes (the built binary) on one database, different ports and instance names,
//! delivering to an embedded SMTP sink and asking a local RDAP server.
//!
//! These tests run only when `TEST_DATABASE_URL` names a PostgreSQL server (as `.ci/run`'s second
//! pass does). On SQLite they return at once, saying so: several instances on one database is a
//! PostgreSQL deployment (one SQLite file serves one instance; docs/operations.md), so there is
//! nothing of it to prove there, and the SQLite pass is not skipping anything it could check.

use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use reqwest::Method;

use reclaim::app::two_factor;
use reclaim::config::SecretText;
use reclaim::db::DbPool;
use reclaim::db::schema::job_runs;
use reclaim::model::outbox::OutboxStatus;
use reclaim::model::user::{EmailAddress, Role};
use reclaim::repo::{monitoring, users};

use crate::cli::{reclaim, spawn_with_lines};
use crate::crash::{
    flagged, leases, messages, only_the_interrupted_one_twice, queue_mail, received, runs, said,
    wait_until,
};
use crate::helpers::{
    Browser, PASSWORD, TestApp, location, on_postgres, session_cookie, spawn_app, spawn_app_with,
};
use crate::registry_servers::{RdapServer, Reply, fixture};
use crate::smtp_sink::SmtpSink;

/// Every instance of a firm shares the secret key: a session cookie made by one is read by all.
const SECRET_KEY: &str = "two-instances-share-this-secret-key-0123456789";

/// One `reclaim serve` process and how to start it again as it was.
struct Instance {
    name: &'static str,
    port: u16,
    env: Vec<(String, String)>,
    dir: std::path::PathBuf,
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Instance {
    /// Starts `reclaim serve` as `HOSTNAME=name` (the start of its instance name) on a free
    /// port of its own, with jobs on.
    fn start(name: &'static str, app: &TestApp, smtp: &str, rdap: &str, lease: &str) -> Self {
        let port = free_port();
        let dir = app.dir.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let env: Vec<(String, String)> = [
            ("RECLAIM_DATABASE_URL", app.database_url.as_str()),
            ("RECLAIM_BIND", &format!("127.0.0.1:{port}")),
            ("RECLAIM_PUBLIC_URL", "http://127.0.0.1:8080"),
            ("RECLAIM_SECRET_KEY", SECRET_KEY),
            ("RECLAIM_SMTP_URL", smtp),
            ("RECLAIM_RDAP_OVERRIDE", &format!("com={rdap}")),
            ("RECLAIM_RDAP_RATE_LIMIT", "600"),
            ("RECLAIM_LEASE_SECONDS", lease),
            ("RECLAIM_LOG", "info"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let (child, lines) = spawn(name, &dir, &env);
        let instance = Self {
            name,
            port,
            env,
            dir,
            child,
            lines,
        };
        instance.wait_until_serving();
        instance
    }

    fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_serving(&self) {
        let health = format!("{}/health", self.address());
        let up = tokio::task::block_in_place(|| {
            wait_until(Duration::from_secs(60), || {
                std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            })
        });
        assert!(
            up,
            "{} did not listen on {health}\n{}",
            self.name,
            said(&self.lines)
        );
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).unwrap()
    }

    /// Whether this process holds the claim `holder` (an instance name is `HOSTNAME-pid-…`).
    fn holds(&self, holder: &str) -> bool {
        holder.starts_with(&format!("{}-{}-", self.name, self.pid()))
    }

    fn signal(&self, signal: i32) {
        // SAFETY: kill(2) of our own child process.
        assert_eq!(unsafe { libc::kill(self.pid(), signal) }, 0);
    }

    /// SIGKILL, then the same command again (same port, database and settings).
    fn kill_and_restart(&mut self) {
        self.signal(libc::SIGKILL);
        self.child.wait().unwrap();
        let (child, lines) = spawn(self.name, &self.dir, &self.env);
        self.child = child;
        self.lines = lines;
        self.wait_until_serving();
    }

    /// SIGTERM; the process must exit by itself, with status 0, within a generous wait.
    fn terminate(mut self) {
        self.signal(libc::SIGTERM);
        let mut status = None;
        let exited = tokio::task::block_in_place(|| {
            wait_until(Duration::from_secs(30), || {
                status = self.child.try_wait().unwrap();
                status.is_some()
            })
        });
        assert!(
            exited,
            "{} still running 30 s after SIGTERM\n{}",
            self.name,
            said(&self.lines)
        );
        let status = status.unwrap();
        assert!(
            status.success(),
            "{}: {status:?}\n{}",
            self.name,
            said(&self.lines)
        );
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(
    name: &str,
    dir: &std::path::Path,
    env: &[(String, String)],
) -> (Child, mpsc::Receiver<String>) {
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut command = reclaim(dir, &pairs, &["serve"]);
    command.env("HOSTNAME", name);
    spawn_with_lines(&mut command)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (up to `limit`) without holding up the runtime's other tasks (the RDAP server).
fn wait(limit: Duration, done: impl FnMut() -> bool) -> bool {
    tokio::task::block_in_place(|| wait_until(limit, done))
}

/// Of two instances, the one holding the claim `holder`.
fn holder_of<'a>(holder: &str, a: &'a mut Instance, b: &'a mut Instance) -> &'a mut Instance {
    if a.holds(holder) {
        a
    } else {
        assert!(
            b.holds(holder),
            "{holder} is neither {} nor {}",
            a.pid(),
            b.pid()
        );
        b
    }
}

/// Who claimed the message the sink holds back (`nth`, counted from 1).
fn claimant_of_stalled(db: &DbPool, sink: &SmtpSink, nth: usize) -> (String, String) {
    let id = sink.messages()[nth - 1]
        .header("Message-ID")
        .expect("a Message-ID");
    let message = messages(db)
        .into_iter()
        .find(|m| m.message_id == id)
        .expect("the stalled message is in the outbox");
    let holder = message.claimed_by.expect("claimed while being sent");
    (id, holder)
}

fn all_sent(db: &DbPool, tag: &str) -> bool {
    messages(db)
        .iter()
        .filter(|m| m.message_id.starts_with(&format!("<{tag}-")))
        .all(|m| m.status == OutboxStatus::Sent)
}

/// (job, period) of every scheduled run, and how many runs each has.
fn runs_per_period(db: &DbPool) -> Vec<((String, chrono::NaiveDateTime), i64)> {
    job_runs::table
        .filter(job_runs::period.is_not_null())
        .group_by((job_runs::job, job_runs::period))
        .select((
            job_runs::job,
            job_runs::period.assume_not_null(),
            diesel::dsl::count_star(),
        ))
        .load::<(String, chrono::NaiveDateTime, i64)>(&mut *db.get().unwrap())
        .unwrap()
        .into_iter()
        .map(|(job, period, n)| ((job, period), n))
        .collect()
}

/// Mail queued: 200 messages. The sink holds back its answer to one of them; the instance
/// sending it is killed (SIGKILL) right then and started again.
const MESSAGES: usize = 200;
const STALLED: usize = 70;
/// Names watched by the firm, checked by whichever instance takes them.
const NAMES: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_share_the_work_once_and_the_sessions() {
    if !on_postgres() {
        eprintln!(
            "instances: several instances need one PostgreSQL database (TEST_DATABASE_URL); \
             SQLite serves one instance, so there is nothing of this to check here"
        );
        return;
    }
    // The firm, made through the application (jobs off in this in-process instance).
    let app = spawn_app().await;
    let lawyer = app
        .create_user("partner@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Helios Bank").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Helios brand").await;
    let db = app.state.db.clone();
    let rdap = RdapServer::start().await;
    let answer = fixture("rdap/com_google.com_verisign.json");

    // (a) Mail delivered once in total, one instance killed mid-way and restarted.
    queue_mail(&db, MESSAGES, "two");
    let sink = SmtpSink::stalling(STALLED, Duration::from_secs(10));
    let mut a = Instance::start("instance-a", &app, &sink.url(), &rdap.base, "5");
    let mut b = Instance::start("instance-b", &app, &sink.url(), &rdap.base, "5");
    assert!(
        wait(Duration::from_secs(90), || sink.messages().len() >= STALLED),
        "the outbox did not start delivering: {} received\n{}\n{}",
        sink.messages().len(),
        said(&a.lines),
        said(&b.lines)
    );
    let (stalled_id, holder) = claimant_of_stalled(&db, &sink, STALLED);
    let sender = holder_of(&holder, &mut a, &mut b);
    let killed = sender.name;
    sender.kill_and_restart();
    assert!(
        wait(Duration::from_secs(120), || all_sent(&db, "two")),
        "not every message was sent after {killed} was killed: {:?}\n{}\n{}",
        messages(&db)
            .iter()
            .filter(|m| m.status != OutboxStatus::Sent)
            .map(|m| (m.status, m.claimed_by.clone()))
            .take(3)
            .collect::<Vec<_>>(),
        said(&a.lines),
        said(&b.lines)
    );
    // Every message arrived once, but the one whose SMTP transaction the kill cut: the server
    // had it, the sender never heard so. No SMTP client can tell (RFC 1047); the outbox sends
    // it again and marks it as a possible duplicate (repo::outbox).
    only_the_interrupted_one_twice(&sink, &db, MESSAGES, &stalled_id);

    // (b) Each watched name checked once in the round, by one instance or the other.
    for i in 0..NAMES {
        rdap.set(&format!("helios-{i}.com"), Reply::json(answer.clone()));
    }
    for i in 0..NAMES {
        app.attach(&matter, &format!("helios-{i}.com")).await;
    }
    let checked = |db: &DbPool| {
        let mut conn = db.get().unwrap();
        (0..NAMES)
            .filter(|i| {
                monitoring::find(&mut conn, &format!("helios-{i}.com"))
                    .unwrap()
                    .is_some_and(|m| m.last_checked_at.is_some())
            })
            .count()
    };
    // The monitor runs at the start of every minute.
    assert!(
        wait(Duration::from_secs(150), || checked(&db) == NAMES),
        "{} of {NAMES} names checked\n{}\n{}",
        checked(&db),
        said(&a.lines),
        said(&b.lines)
    );
    // Time for a second instance's duplicate to show, were there one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for i in 0..NAMES {
        let name = format!("helios-{i}.com");
        assert_eq!(rdap.hits(&name), 1, "{name} asked once");
        let snapshots = monitoring::all_snapshots(&mut db.get().unwrap(), &name).unwrap();
        assert_eq!(snapshots.len(), 1, "{name} recorded once");
    }

    // (c) Each scheduled job ran once per period, whichever instance took it.
    let periods = runs_per_period(&db);
    assert!(
        periods
            .iter()
            .filter(|((job, _), _)| job == "outbox")
            .count()
            >= 2,
        "several outbox periods went by: {periods:?}"
    );
    assert!(
        periods.iter().any(|((job, _), _)| job == "monitor"),
        "{periods:?}"
    );
    let twice: Vec<_> = periods.iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "run twice in one period: {twice:?}");

    // (d) A session made on one instance is valid on the other; signing out on one ends it
    // on both. One cookie jar, two addresses: as behind a load balancer.
    let on_a = Browser::new(&a.address());
    let signed_in = on_a.login("partner@firm.example", PASSWORD).await;
    assert_eq!(signed_in.status().as_u16(), 303, "signed in on A");
    let cookie = session_cookie(&signed_in).expect("a session cookie");
    let on_b = Browser {
        client: on_a.client.clone(),
        address: b.address(),
    };
    let account = on_b.get("/account").await;
    assert_eq!(account.status().as_u16(), 200, "A's session is valid on B");
    let (status, _) = api_with_cookie(&a.address(), "/account", &cookie).await;
    assert_eq!(status, 200, "and still on A");
    let out = on_b.post_form("/logout", &[]).await;
    assert_eq!(out.status().as_u16(), 303, "signed out on B");
    for address in [a.address(), b.address()] {
        let (status, login) = api_with_cookie(&address, "/account", &cookie).await;
        assert_ne!(status, 200, "the ended session is refused by {address}");
        assert!(login.contains("/login"), "{address}: {status} {login}");
    }

    // (e) Graceful stop: both exit 0 on SIGTERM and leave no lease behind.
    a.terminate();
    b.terminate();
    assert_eq!(leases(&db), Vec::<(String, String)>::new());
    assert!(runs(&db).iter().all(|r| r.status != "running"));

    // Then with leases of 10 minutes: the instance stopped with SIGTERM while it sends
    // finishes the message under way and gives back the rest, which the other one delivers
    // at its next outbox run, not 10 minutes later.
    let sink = SmtpSink::stalling(30, Duration::from_secs(3));
    queue_mail(&db, 100, "term");
    let a = Instance::start("instance-a", &app, &sink.url(), &rdap.base, "600");
    let b = Instance::start("instance-b", &app, &sink.url(), &rdap.base, "600");
    assert!(
        wait(Duration::from_secs(90), || sink.messages().len() >= 30),
        "the outbox did not start delivering: {} received\n{}\n{}",
        sink.messages().len(),
        said(&a.lines),
        said(&b.lines)
    );
    let (_, holder) = claimant_of_stalled(&db, &sink, 30);
    let stopping_is_a = a.holds(&holder);
    let (stopping, other) = if stopping_is_a { (a, b) } else { (b, a) };
    let stopped_at = Instant::now();
    stopping.terminate();
    assert!(
        messages(&db)
            .iter()
            .filter_map(|m| m.claimed_by.as_deref())
            .all(|h| !h.starts_with(&holder)),
        "the stopped instance gave its claims back"
    );
    assert!(
        wait(Duration::from_secs(90), || all_sent(&db, "term")),
        "the other instance did not take the mail over\n{}",
        said(&other.lines)
    );
    let took = stopped_at.elapsed();
    // A generous bound, far below the 10-minute lease: the work was given back, not left to
    // run out.
    assert!(took < Duration::from_secs(300), "taken over after {took:?}");
    let counts = received(&sink);
    assert_eq!(counts.len(), 100);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    assert_eq!(flagged(&db), [stalled_id], "no new possible duplicate");
    other.terminate();
    assert_eq!(leases(&db), Vec::<(String, String)>::new());
}

/// A GET with only this cookie, no redirect followed: the status and the Location (or body).
async fn api_with_cookie(address: &str, path: &str, cookie: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .request(Method::GET, format!("{address}{path}"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let to = location(&response);
    let body = response.text().await.unwrap_or_default();
    (status, if to.is_empty() { body } else { to })
}

/// The key the SQLite firm and its PostgreSQL copy share: sealed secrets (two-factor, catch
/// accounts) open only under the key that sealed them.
const FIRM_KEY: &str = "the-firm-moving-to-postgres-keeps-this-key-42";

/// Issue 17 (C): `reclaim db copy` moves a firm made through the application on SQLite (the
/// demo firm: matters, backorders, registry snapshots, procedures with deadlines, outreach,
/// kept reports, catch accounts; plus a lawyer with two-factor sign-in) into an empty
/// PostgreSQL database; reclaim then serves the copy with the same answers, the same report
/// bytes, the same sealed secrets; the evidence stays unchangeable; a second copy into the
/// now non-empty database is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_firm_copied_from_sqlite_to_postgres_answers_the_same() {
    if !on_postgres() {
        eprintln!("db copy: needs a PostgreSQL server (TEST_DATABASE_URL) to copy into");
        return;
    }
    use reclaim::auth::totp::{self, Secret};

    let registry = reclaim::demo::registry::DemoRegistry::default();
    let base = reclaim::demo::registry::start(registry.clone()).expect("demo registry starts");
    let app = spawn_app_with(move |s| {
        s.database_url = format!("sqlite://{}", s.var_dir.join("firm.db").display());
        s.secret_key = Some(SecretText::new(FIRM_KEY));
        s.rdap_every_tld = Some(base);
        s.rdap_rate_limit = 600;
    })
    .await;
    let firm = reclaim::demo::load(&app.state, &registry)
        .await
        .expect("the demo firm loads");
    let sqlite_url = app.state.settings.database_url.clone();
    assert!(sqlite_url.starts_with("sqlite://"));

    // A lawyer with two-factor sign-in: the secret is sealed under the firm's key.
    let lawyer = firm
        .accounts
        .iter()
        .find(|a| a.role == Role::Lawyer)
        .expect("a lawyer")
        .clone();
    let lawyer_id = user_by_email(&app, &lawyer.email).await.id;
    let to_scan = two_factor::start_enrolment(&app.state, &lawyer_id, &lawyer.email)
        .await
        .unwrap();
    let secret = Secret::from_base32(&to_scan.secret).unwrap();
    two_factor::confirm_enrolment(
        &app.state,
        app.actor(),
        &lawyer_id,
        &two_factor::CodeInput {
            code: totp::code_at(&secret, app.clock_now().timestamp()),
        },
    )
    .await
    .expect("two-factor on");

    let admin = firm
        .accounts
        .iter()
        .find(|a| a.role == Role::Admin)
        .expect("an administrator");
    let admin_user = user_by_email(&app, &admin.email).await;
    let token = app.api_token(&admin_user).await;
    let reports = app
        .state
        .db
        .run(|c| {
            let mut all = Vec::new();
            for client in reclaim::repo::clients::list(c)? {
                all.extend(reclaim::repo::reports::for_client(c, &client.id)?);
            }
            Ok::<_, reclaim::db::DbError>(all)
        })
        .await
        .unwrap();
    assert!(!reports.is_empty(), "the demo firm keeps reports");

    // The copy, by the command a firm runs.
    let dir = tempfile::tempdir().unwrap();
    let pg_url = crate::helpers::test_database_url(dir.path());
    let copy = db_copy(dir.path(), &sqlite_url, &pg_url);
    let summary = String::from_utf8_lossy(&copy.stdout).into_owned();
    assert!(
        copy.status.success(),
        "{summary}\n{}",
        String::from_utf8_lossy(&copy.stderr)
    );
    for table in [
        "registry_snapshots",
        "reports",
        "deadlines",
        "catch_accounts",
    ] {
        assert!(
            summary.contains(table),
            "{table} in the summary:\n{summary}"
        );
    }
    assert!(
        summary.contains("Row counts and foreign keys checked"),
        "{summary}"
    );

    // reclaim on the copy, with the firm's key.
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let (child, lines) = spawn_with_lines(&mut reclaim(
        dir.path(),
        &[
            ("RECLAIM_DATABASE_URL", pg_url.as_str()),
            ("RECLAIM_BIND", bind.as_str()),
            ("RECLAIM_SECRET_KEY", FIRM_KEY),
            ("RECLAIM_JOBS", "off"),
        ],
        &["serve"],
    ));
    let mut copy_instance = ChildGuard(child);
    assert!(
        wait(Duration::from_secs(60), || std::net::TcpStream::connect((
            "127.0.0.1",
            port
        ))
        .is_ok()),
        "reclaim did not start on the copy\n{}",
        said(&lines)
    );
    let on_copy = format!("http://127.0.0.1:{port}");

    // The same answers on both, through the API (the token was copied too).
    for path in [
        "/api/v1/matters",
        "/api/v1/deadlines",
        "/api/v1/clients",
        "/api/v1/catch-accounts",
        "/api/v1/sender-profiles",
    ] {
        let (status, sqlite_answer) = bearer_get(&app.address, path, &token).await;
        assert_eq!(status, 200, "{path} on SQLite");
        let (status, pg_answer) = bearer_get(&on_copy, path, &token).await;
        assert_eq!(status, 200, "{path} on the copy");
        assert_eq!(pg_answer, sqlite_answer, "{path}");
    }

    // The kept reports: the same bytes, whose SHA-256 is the one recorded at the time.
    let admin_on_copy = Browser::new(&on_copy);
    let signed_in = admin_on_copy.login(&admin.email, &admin.password).await;
    assert_eq!(
        signed_in.status().as_u16(),
        303,
        "the administrator signs in"
    );
    for report in &reports {
        let response = admin_on_copy
            .get(&format!("/reports/{}.pdf", report.id))
            .await;
        assert_eq!(response.status().as_u16(), 200, "{}", report.reference);
        let bytes = response.bytes().await.unwrap();
        assert_eq!(
            reclaim::model::digest::sha256_hex(&bytes),
            report.sha256,
            "{}",
            report.reference
        );
    }

    // Two-factor sign-in works with the copied (sealed) secret, at the real time now.
    let lawyer_on_copy = Browser::new(&on_copy);
    let password = lawyer_on_copy.login(&lawyer.email, &lawyer.password).await;
    assert_eq!(location(&password), "/login/code", "a code is asked for");
    let code = totp::code_at(&secret, chrono::Utc::now().timestamp());
    let signed = lawyer_on_copy
        .post_form("/login/code", &[("code", &code)])
        .await;
    assert_eq!(signed.status().as_u16(), 303);
    assert_eq!(
        lawyer_on_copy.get("/account").await.status().as_u16(),
        200,
        "signed in with two factors on the copy"
    );

    // The evidence is as unchangeable on the copy as it was.
    let copy_db = {
        let settings = reclaim::config::Settings {
            database_url: pg_url.clone(),
            var_dir: dir.path().join("var"),
            ..reclaim::config::Settings::default()
        };
        reclaim::startup::open_database(&settings).unwrap().0
    };
    for statement in [
        "UPDATE registry_snapshots SET domain = domain",
        "DELETE FROM reports",
        "DELETE FROM audit_events",
    ] {
        let refused = diesel::sql_query(statement).execute(&mut *copy_db.get().unwrap());
        assert!(refused.is_err(), "{statement} refused on the copy");
    }

    // A second copy into the same (no longer empty) database is refused, saying why.
    let again = db_copy(dir.path(), &sqlite_url, &pg_url);
    assert!(!again.status.success());
    let refusal = String::from_utf8_lossy(&again.stderr);
    assert!(
        refusal.contains("the target database is not empty"),
        "{refusal}"
    );

    // A target migrated by a newer reclaim (a migration this one does not know) is refused too.
    let newer = tempfile::tempdir().unwrap();
    let newer_url = crate::helpers::test_database_url(newer.path());
    let newer_db = reclaim::startup::open_database(&reclaim::config::Settings {
        database_url: newer_url.clone(),
        var_dir: newer.path().join("var"),
        ..reclaim::config::Settings::default()
    })
    .unwrap()
    .0;
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')")
        .execute(&mut *newer_db.get().unwrap())
        .unwrap();
    let refused = db_copy(newer.path(), &sqlite_url, &newer_url);
    assert!(!refused.status.success());
    let refusal = String::from_utf8_lossy(&refused.stderr);
    assert!(
        refusal.contains("not at the same migration") && refusal.contains("29991231000000"),
        "{refusal}"
    );
    copy_instance.stop();
}

/// `reclaim db copy --from … --to …`, run as a firm would, with no other setting.
fn db_copy(dir: &std::path::Path, from: &str, to: &str) -> std::process::Output {
    reclaim(dir, &[], &["db", "copy", "--from", from, "--to", to])
        .output()
        .expect("the binary runs")
}

async fn user_by_email(app: &TestApp, email: &str) -> reclaim::model::user::User {
    let address = EmailAddress::parse(email).unwrap();
    app.state
        .db
        .run(move |c| users::find_by_email(c, &address))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
}

struct ChildGuard(Child);

impl ChildGuard {
    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A GET with a bearer token: the status and the body as JSON.
async fn bearer_get(address: &str, path: &str, token: &str) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .get(format!("{address}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}
