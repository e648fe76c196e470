//! `cargo bench --bench firm_scale`: a large firm, seeded through the application's own code,
//! served by the real `reclaim serve` process, and read by 16 concurrent clients.
//!
//! The firm (issue 17's measurements): 500 clients, 10,000 matters, 100,000 backorders (one
//! matter with 1,000 names), about ten registry checks per name (one name with 3,000), 1,000
//! UDRP procedures with their deadlines. Names are spread over the lifecycle: most registered,
//! some in redemption or pending delete, some seen free long ago.
//!
//! What it prints, per page and per API list: p50 and p99 over the requests of 16 concurrent
//! clients, and the size of the answer; the server's start time (spawn to `/health` answering)
//! and its memory (resident at idle, and the peak after the load, from `/proc/PID/status`).
//!
//! On SQLite by default (a temporary file). `SCALE_POSTGRES=postgres://user@host:port/db`
//! (a server where the user may create databases) runs the same on a new database there.
//! `SCALE_NAMES=N` changes the number of backorders (matters and clients follow: 10 names a
//! matter, 20 matters a client); `SCALE_CHECKS=N` the checks per name; `SCALE_REQUESTS=N` the
//! requests per endpoint (default 320: 20 per client). `SCALE_DB=path` keeps the SQLite firm in
//! that file and, when it holds one already, measures it again without seeding (to compare a
//! change of the application on the same data; the server applies new migrations at start).

mod support;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use reclaim::app::access::{Caller, Principal};
use reclaim::clock::SystemClock;
use reclaim::config::Settings;
use reclaim::db::DbConn;
use reclaim::model::audit::Actor;
use reclaim::model::backorder::Priority;
use reclaim::model::client::NewClient;
use reclaim::model::domain_name::DomainName;
use reclaim::model::ids::MatterId;
use reclaim::model::lifecycle::{Assessment, Phase};
use reclaim::model::money::Currency;
use reclaim::model::monitoring::Source;
use reclaim::model::user::{EmailAddress, PersonName, Role, User};
use reclaim::registry::Answer;
use reclaim::repo::backorders::{self, NewBackorder};
use reclaim::repo::matters::{self, NewMatter};
use reclaim::repo::{clients, monitoring, users};

const CLIENTS_PER: usize = 20; // matters per client
const NAMES_PER: usize = 10; // names per matter
const CONCURRENCY: usize = 16;
const PASSWORD: &str = "scale-bench-password-1";
/// Connections idle this long are not reused: the server closes idle connections after 5 s
/// (actix-web's default keep-alive), and a request sent on one it has just closed is reset (as
/// happened after the slow dashboard).
const IDLE: Duration = Duration::from_secs(2);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// What the load needs from the seeding.
struct Seeded {
    lawyer_email: String,
    token: String,
    big_matter: MatterId,
    busy_backorder: String,
    search: String,
}

/// A registry answer for `name` (the .com fixture with the name put in), as checked at `at`.
fn answer_for(template: &str, name: &str, at: DateTime<Utc>) -> Answer {
    Answer {
        source: Source::Rdap,
        server: "https://rdap.verisign.com/com/v1/".into(),
        fetched_at: at,
        http_status: Some(200),
        raw: template
            .replace("GOOGLE.COM", &name.to_ascii_uppercase())
            .into_bytes(),
    }
}

/// The phase of the `i`-th name: most registered; some deleted; some seen free long ago.
fn phase_of(i: usize) -> Phase {
    match i % 20 {
        0 => Phase::Redemption,
        1 => Phase::PendingDelete,
        2 | 3 => Phase::Available,
        _ => Phase::Active,
    }
}

fn seed(c: &mut DbConn, names: usize, checks: usize) -> Result<Seeded, reclaim::db::DbError> {
    let now = Utc::now();
    let actor = Actor::process("benchmark", now);
    let hash = reclaim::auth::password::hash(PASSWORD).expect("hashed");
    let lawyers: Vec<User> = (0..20)
        .map(|i| {
            users::create(
                c,
                &actor,
                &users::NewUser {
                    email: EmailAddress::parse(&format!("lawyer{i}@firm.example")).unwrap(),
                    name: PersonName::parse(&format!("Lawyer {i}")).unwrap(),
                    role: Role::Lawyer,
                    client_id: None,
                    password_hash: hash.clone(),
                },
            )
        })
        .collect::<Result<_, _>>()
        .expect("lawyers");
    let (_, token) =
        reclaim::repo::tokens::create_api_token(c, &actor, &lawyers[0].id, "scale bench")?;
    let matter_count = names.div_ceil(NAMES_PER);
    let client_count = matter_count.div_ceil(CLIENTS_PER);
    let client_ids: Vec<_> = (0..client_count)
        .map(|i| {
            clients::create(
                c,
                &actor,
                &NewClient::parse(
                    &format!("Client {i:04}"),
                    &format!("legal{i}@client.example"),
                )
                .unwrap(),
            )
            .map(|client| client.id)
        })
        .collect::<Result<_, _>>()?;
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rdap/com_google.com_verisign.json"
    ))
    .expect("the fixture");
    let record = reclaim::model::registry_record::parse_rdap(template.as_bytes()).expect("parses");
    // The first matter holds 1,000 names (or all, for a small firm); the others 10 each.
    let big = 1_000.min(names);
    let mut next_name = 0usize;
    let mut big_matter = None;
    let mut busy_backorder = None;
    for m in 0..matter_count {
        if next_name >= names {
            break;
        }
        let size = if m == 0 { big } else { NAMES_PER };
        let matter = matters::create(
            c,
            &actor,
            &NewMatter {
                client_id: client_ids[m / CLIENTS_PER].clone(),
                title: format!("Recovery programme {m:05}"),
                responsible_lawyer_id: lawyers[m % lawyers.len()].id.clone(),
                team: vec![],
                marks: vec![],
                notes: String::new(),
            },
        )
        .expect("a matter");
        let lines: Vec<(usize, String, NewBackorder)> = (next_name..(next_name + size).min(names))
            .map(|i| {
                let name = format!("brand{i:06}-shop.com");
                (
                    i + 1,
                    name.clone(),
                    NewBackorder {
                        domain: DomainName::parse(&name).unwrap(),
                        priority: Priority::Normal,
                        max_bid_minor: None,
                        currency: Currency::default(),
                        notes: String::new(),
                    },
                )
            })
            .collect();
        let created = backorders::import(c, &actor, &matter.id, &lines, false).expect("imported");
        if m == 0 {
            big_matter = Some(matter.id.clone());
            busy_backorder = created.first().map(|b| b.id.to_string());
        }
        // The registry's answers for these names, an hour apart, the latest an hour ago.
        reclaim::db::write_tx(c, |c| {
            for (i, name, _) in &lines {
                let i = i - 1;
                let n = if i == 0 { 3_000 } else { checks };
                let phase = phase_of(i);
                let mut last = None;
                for k in (1..=n).rev() {
                    let at = now - chrono::Duration::hours(k as i64);
                    let id = monitoring::insert_snapshot(
                        c,
                        name,
                        &answer_for(&template, name, at),
                        &record,
                        phase,
                        None,
                    )?;
                    last = Some((id, at));
                }
                if let Some((id, at)) = last {
                    // Names free long ago dropped a month back; deleted ones drop within weeks.
                    let (earliest, latest) = match phase {
                        Phase::Available => (
                            Some(now - chrono::Duration::days(30)),
                            Some(now - chrono::Duration::days(29)),
                        ),
                        Phase::Redemption => (
                            Some(now + chrono::Duration::days(20)),
                            Some(now + chrono::Duration::days(25)),
                        ),
                        Phase::PendingDelete => (
                            Some(now + chrono::Duration::days(2)),
                            Some(now + chrono::Duration::days(3)),
                        ),
                        _ => (None, None),
                    };
                    let watched =
                        monitoring::find(c, name)?.ok_or(reclaim::db::DbError::NotFound)?;
                    monitoring::record_check(
                        c,
                        &watched,
                        &Assessment {
                            phase,
                            drop_earliest: earliest,
                            drop_latest: latest,
                            reason: "seeded by the scale benchmark".into(),
                        },
                        &id,
                        at,
                        now + chrono::Duration::hours(1),
                    )?;
                }
            }
            // The firm has watched these names for months (the seed keeps only their last
            // checks): a name free since a month ago is not "newly free" on the dashboard.
            let domains: Vec<&str> = lines.iter().map(|(_, name, _)| name.as_str()).collect();
            diesel::update(
                reclaim::db::schema::monitored_domains::table
                    .filter(reclaim::db::schema::monitored_domains::domain.eq_any(&domains)),
            )
            .set(
                reclaim::db::schema::monitored_domains::created_at
                    .eq((now - chrono::Duration::days(60)).naive_utc()),
            )
            .execute(c)?;
            Ok::<_, reclaim::db::DbError>(())
        })?;
        next_name += size;
        if m % 500 == 0 {
            eprintln!("  seeded {m} of {matter_count} matters ({next_name} names)");
        }
    }
    Ok(Seeded {
        lawyer_email: lawyers[0].email.to_string(),
        token,
        big_matter: big_matter.expect("one matter"),
        busy_backorder: busy_backorder.expect("one name"),
        search: "12345".into(),
    })
}

/// What the load needs, read from a firm seeded by an earlier run (`SCALE_DB`); a new API token.
fn seeded_already(c: &mut DbConn) -> Result<Option<Seeded>, reclaim::db::DbError> {
    use reclaim::db::schema::{backorders, matters, users as users_table};
    let big_matter: Option<MatterId> = matters::table
        .filter(matters::title.eq("Recovery programme 00000"))
        .select(matters::id)
        .first(c)
        .optional()?;
    let Some(big_matter) = big_matter else {
        return Ok(None);
    };
    let busy_backorder: String = backorders::table
        .filter(backorders::domain.eq("brand000000-shop.com"))
        .select(backorders::id)
        .first(c)?;
    let lawyer = users_table::table
        .filter(users_table::email.eq("lawyer0@firm.example"))
        .select(User::as_select())
        .first::<User>(c)?;
    let actor = Actor::process("benchmark", Utc::now());
    let (_, token) = reclaim::repo::tokens::create_api_token(c, &actor, &lawyer.id, "scale bench")?;
    Ok(Some(Seeded {
        lawyer_email: lawyer.email.to_string(),
        token,
        big_matter,
        busy_backorder,
        search: "12345".into(),
    }))
}

/// A thousand UDRP procedures, each commenced (so its deadlines are computed), through the
/// application's use cases as the matters' lawyers would.
async fn seed_procedures(state: &reclaim::AppState, count: usize) {
    let rows: Vec<(String, String, String)> = state
        .db
        .run(move |c| {
            use reclaim::db::schema::{backorders, matters};
            backorders::table
                .inner_join(matters::table)
                .select((
                    matters::id,
                    backorders::domain,
                    matters::responsible_lawyer_id,
                ))
                .filter(backorders::domain.like("%5-shop.com"))
                .limit(count as i64)
                .load::<(String, String, String)>(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap();
    let lawyers: BTreeMap<String, User> = state
        .db
        .run(|c| {
            reclaim::db::schema::users::table
                .select(User::as_select())
                .load::<User>(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.id.to_string(), u))
        .collect();
    let today = Utc::now().date_naive();
    for (i, (matter, domain, lawyer)) in rows.iter().enumerate() {
        let caller = Caller::new(Principal::from(&lawyers[lawyer]), None, None);
        let input = serde_json::from_value(serde_json::json!({
            "kind": "udrp", "domains": [domain], "registrar_country": "US",
        }))
        .unwrap();
        let file = reclaim::app::procedures::start(state, &caller, matter, input)
            .await
            .expect("a procedure starts");
        let event = serde_json::from_value(serde_json::json!({
            "kind": "commenced",
            "date": (today - chrono::Days::new((i % 40) as u64)).to_string(),
        }))
        .unwrap();
        reclaim::app::procedures::record_event(
            state,
            &caller,
            &file.procedure.id.to_string(),
            event,
        )
        .await
        .expect("commencement recorded");
    }
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

struct Server {
    child: Child,
    address: String,
    started_in: Duration,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(database_url: &str, var_dir: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_reclaim"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RECLAIM_DATABASE_URL", database_url)
        .env("RECLAIM_BIND", format!("127.0.0.1:{port}"))
        .env("RECLAIM_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("RECLAIM_VAR_DIR", var_dir)
        .env("RECLAIM_JOBS", "off")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("reclaim serve starts");
    // Held from here, so that the server is stopped if it does not start.
    let mut server = Server {
        child,
        address: format!("http://127.0.0.1:{port}"),
        started_in: Duration::ZERO,
    };
    let client = reqwest::Client::new();
    loop {
        if let Ok(r) = client
            .get(format!("{}/healthz", server.address))
            .send()
            .await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.started_in = started.elapsed();
    server
}

/// Signs in through the form, as a browser would; the client keeps the session cookie.
async fn signed_in_client(address: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(IDLE)
        .build()
        .unwrap();
    let html = client
        .get(format!("{address}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a CSRF token") + marker.len();
    let csrf = &html[start..start + html[start..].find('"').unwrap()];
    let response = client
        .post(format!("{address}/login"))
        .form(&[
            ("email", email),
            ("password", PASSWORD),
            ("csrf_token", csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "signed in");
    client
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `requests` GETs of `path` by [`CONCURRENCY`] clients at once: p50, p99 (ms), bytes.
async fn measure(
    client: &reqwest::Client,
    url: String,
    bearer: Option<&str>,
    requests: usize,
) -> (f64, f64, usize) {
    let url = Arc::new(url);
    let per_client = requests.div_ceil(CONCURRENCY);
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, url, bearer) = (client.clone(), url.clone(), bearer.map(str::to_owned));
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_client);
            let mut size = 0;
            for _ in 0..per_client {
                let mut request = client.get(url.as_str());
                if let Some(token) = &bearer {
                    request = request.bearer_auth(token);
                }
                let started = Instant::now();
                let response = request.send().await.expect("answered");
                let status = response.status();
                let body = response.bytes().await.expect("a body");
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                assert!(status.is_success(), "{url}: {status}");
                size = body.len();
            }
            (times, size)
        }));
    }
    let mut all = Vec::new();
    let mut size = 0;
    for task in tasks {
        let (times, s) = task.await.unwrap();
        all.extend(times);
        size = s;
    }
    all.sort_by(f64::total_cmp);
    (percentile(&all, 50.0), percentile(&all, 99.0), size)
}

#[cfg(feature = "postgres")]
fn fresh_postgres_database(server: &str) -> String {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let name = format!("reclaim_scale_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(server).expect("the PostgreSQL server answers");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .expect("a new database");
    match server.rfind('/') {
        Some(slash) if slash > "postgres://".len() => format!("{}/{name}", &server[..slash]),
        _ => format!("{server}/{name}"),
    }
}

#[cfg(not(feature = "postgres"))]
fn fresh_postgres_database(_: &str) -> String {
    panic!("built without PostgreSQL support")
}

async fn run(label: &str, database_url: String) {
    let names = env_number("SCALE_NAMES", 100_000);
    let checks = env_number("SCALE_CHECKS", 10);
    let requests = env_number("SCALE_REQUESTS", 320);
    let dir = tempfile::tempdir().unwrap();
    let var_dir = match std::env::var("SCALE_DB") {
        Ok(path) if label == "SQLite" => std::path::PathBuf::from(format!("{path}.var")),
        _ => dir.path().join("var"),
    };
    let settings = Settings {
        database_url: database_url.clone(),
        var_dir: var_dir.clone(),
        jobs: false,
        ..Settings::default()
    };
    let (state, _) =
        reclaim::startup::prepare(settings, Arc::new(SystemClock)).expect("the database opens");
    let seeding = Instant::now();
    let seeded = match state.db.run(seeded_already).await.expect("read") {
        Some(seeded) => {
            println!("{label}: measuring the firm seeded already in {database_url}");
            seeded
        }
        None => {
            let seeded = state
                .db
                .run(move |c| seed(c, names, checks))
                .await
                .expect("seeded");
            seed_procedures(&state, (names / 100).max(1)).await;
            seeded
        }
    };
    let (snapshots, deadlines): (i64, i64) = state
        .db
        .run(|c| {
            Ok::<_, reclaim::db::DbError>((
                reclaim::db::schema::registry_snapshots::table
                    .count()
                    .get_result(c)?,
                reclaim::db::schema::deadlines::table
                    .count()
                    .get_result(c)?,
            ))
        })
        .await
        .unwrap();
    println!(
        "{label}: {names} names in {} matters, {snapshots} registry snapshots, {deadlines} deadlines; seeded in {:.0} s",
        names.div_ceil(NAMES_PER),
        seeding.elapsed().as_secs_f64()
    );
    drop(state);

    let server = start_server(&database_url, &var_dir).await;
    let pid = server.child.id();
    let idle_kb = rss_kb(pid, "VmRSS:");
    let browser = signed_in_client(&server.address, &seeded.lawyer_email).await;
    let api = reqwest::Client::builder()
        .pool_idle_timeout(IDLE)
        .build()
        .unwrap();
    let a = &server.address;
    let pages = [
        ("dashboard", format!("{a}/")),
        ("matters", format!("{a}/matters")),
        (
            "matters, searched",
            format!("{a}/matters?q={}", seeded.search),
        ),
        ("deadlines", format!("{a}/deadlines")),
        (
            "a matter with 1,000 names",
            format!("{a}/matters/{}", seeded.big_matter),
        ),
        (
            "a name with 3,000 checks",
            format!("{a}/backorders/{}", seeded.busy_backorder),
        ),
        ("clients", format!("{a}/clients")),
    ];
    let lists = [
        ("GET /api/v1/matters", format!("{a}/api/v1/matters")),
        (
            "GET /api/v1/matters?q=",
            format!("{a}/api/v1/matters?q={}", seeded.search),
        ),
        ("GET /api/v1/deadlines", format!("{a}/api/v1/deadlines")),
        ("GET /api/v1/clients", format!("{a}/api/v1/clients")),
        (
            "GET /api/v1/matters/{id}",
            format!("{a}/api/v1/matters/{}", seeded.big_matter),
        ),
        (
            "GET /api/v1/backorders/{id}/history",
            format!("{a}/api/v1/backorders/{}/history", seeded.busy_backorder),
        ),
    ];
    println!(
        "  {:<38} {:>9} {:>9} {:>11}",
        "", "p50 ms", "p99 ms", "bytes"
    );
    for (name, url) in pages {
        let (p50, p99, size) = measure(&browser, url, None, requests).await;
        println!("  {name:<38} {p50:>9.1} {p99:>9.1} {size:>11}");
    }
    for (name, url) in lists {
        let (p50, p99, size) = measure(&api, url, Some(&seeded.token), requests).await;
        println!("  {name:<38} {p50:>9.1} {p99:>9.1} {size:>11}");
    }
    println!(
        "  server: started in {} ms; resident {} MB idle, peak {} MB after the load",
        server.started_in.as_millis(),
        idle_kb / 1024,
        rss_kb(pid, "VmHWM:") / 1024
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = match std::env::var("SCALE_DB") {
        Ok(path) => std::path::PathBuf::from(path),
        Err(_) => dir.path().join("scale.db"),
    };
    run("SQLite", format!("sqlite://{}", file.display())).await;
    if let Ok(server) = std::env::var("SCALE_POSTGRES") {
        run("PostgreSQL", fresh_postgres_database(&server)).await;
    }
}
