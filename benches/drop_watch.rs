//! `cargo bench --bench drop_watch`: a local RDAP registry holds 200 names in pending delete
//! and releases them (answers 404) at a scheduled instant; each name has a direct catch on the
//! firm's registrar account (provider `dynadot_register`, served by a local stand-in speaking
//! Dynadot's API 3). reclaim's drop watch (the `drop-watch` job's loop,
//! `app::drop_watch::watch_with`) follows them, and the benchmark times each name from its
//! release to the call of the hook that receives it (`app::drop_watch::on_seen_free`) and to the
//! `register` request the registrar receives (sent by `app::catch::on_release` once the answer is
//! recorded). The registry counts every query: per name and per one-second and one-minute
//! window; the registrar counts the registrations per name.
//!
//! Two runs: every name released at the same instant, which the predicted window starts at
//! (as when the registry publishes it: Nominet's drop list, SIDN's quarantine end; the watch
//! anchors its once-a-second grid there), then the names released one by one over 10 seconds
//! at instants nobody predicted (a batch working through its list).
//!
//! `DROP_NAMES=N` changes the number of names, `DROP_BUDGET=N` the registry's budget (queries
//! a second; a minute: 60 times that).

mod support;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use diesel::prelude::*;

use reclaim::app::drop_watch::SeenFree;
use reclaim::clock::SystemClock;
use reclaim::config::Settings;
use reclaim::db::schema::monitored_domains;
use reclaim::db::types::to_db;

/// The fake registry's state: when each name is released, and every query it received.
#[derive(Default)]
struct Registry {
    release: Mutex<HashMap<String, SystemTime>>,
    queries: Mutex<Vec<(String, SystemTime)>>,
}

fn pending_delete(name: &str) -> String {
    serde_json::json!({
        "rdapConformance": ["rdap_level_0"],
        "objectClassName": "domain",
        "ldhName": name,
        "status": ["pending delete"],
        "events": [
            {"eventAction": "registration", "eventDate": "2015-03-16T00:00:00Z"},
            {"eventAction": "expiration", "eventDate": "2026-09-01T00:00:00Z"},
        ],
    })
    .to_string()
}

async fn answer(req: HttpRequest, registry: web::Data<Arc<Registry>>) -> HttpResponse {
    let now = SystemTime::now();
    let name = req.path().trim_start_matches("/rdap/domain/").to_owned();
    registry.queries.lock().unwrap().push((name.clone(), now));
    let released = registry
        .release
        .lock()
        .unwrap()
        .get(&name)
        .is_none_or(|at| now >= *at);
    if released {
        HttpResponse::NotFound().finish()
    } else {
        HttpResponse::Ok()
            .content_type("application/rdap+json")
            .body(pending_delete(&name))
    }
}

/// The firm's registrar (Dynadot API 3, `GET /api3.json?key=…&command=…`): answers the account
/// check (`backorder_request_list`) and registers each name once, recording when each
/// `register` request arrived.
#[derive(Default)]
struct Registrar {
    registrations: Mutex<HashMap<String, Vec<SystemTime>>>,
}

const REGISTRAR_KEY: &str = "bench-key-0123456789";

async fn registrar_answer(req: HttpRequest, registrar: web::Data<Arc<Registrar>>) -> HttpResponse {
    let now = SystemTime::now();
    let query: HashMap<String, String> =
        web::Query::<HashMap<String, String>>::from_query(req.query_string())
            .map(|q| q.into_inner())
            .unwrap_or_default();
    let command = query.get("command").map(String::as_str).unwrap_or("");
    let body = if query.get("key").map(String::as_str) != Some(REGISTRAR_KEY) {
        serde_json::json!({"Response": {"ResponseCode": "-1", "Status": "error", "Error": "invalid key"}})
    } else if command == "register" {
        let domain = query.get("domain").cloned().unwrap_or_default();
        let mut book = registrar.registrations.lock().unwrap();
        let times = book.entry(domain.clone()).or_default();
        times.push(now);
        if times.len() == 1 {
            serde_json::json!({"RegisterResponse": {"ResponseCode": "0", "Status": "success",
                "RegisterContent": {"Expiration": 1_830_000_000_000_i64}}})
        } else {
            serde_json::json!({"RegisterResponse": {"ResponseCode": "-1", "Status": "error",
                "Error": format!("{domain} is not available")}})
        }
    } else {
        serde_json::json!({"BackorderRequestListResponse": {"ResponseCode": 0, "Status": "success",
            "BackorderRequestList": []}})
    };
    HttpResponse::Ok().json(body)
}

fn start_registrar(registrar: Arc<Registrar>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let data = web::Data::new(registrar);
            HttpServer::new(move || {
                App::new()
                    .app_data(data.clone())
                    .route("/api3.json", web::get().to(registrar_answer))
            })
            .workers(2)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run()
            .await
        })
    });
    format!("http://127.0.0.1:{port}")
}

/// Connects the firm's registrar account and puts a direct catch on every backorder, through
/// the application's own use cases (as an administrator and the matter's lawyer would).
async fn direct_catch_everything(
    state: &reclaim::AppState,
    seeded: &support::Seeded,
    base: String,
) {
    use reclaim::app::access::{Caller, Principal};
    use reclaim::app::catch_accounts::{CatchAccountInput, create};
    let admin = state
        .db
        .run(|c| Ok::<_, reclaim::db::DbError>(support::seed_admin(c)))
        .await
        .unwrap();
    let admin = Caller::new(Principal::from(&admin), None, None);
    let account = create(
        state,
        &admin,
        CatchAccountInput {
            provider: "dynadot_register".into(),
            label: "The firm's registrar".into(),
            endpoint: Some(base),
            auth_endpoint: None,
            credentials: serde_json::json!({"api_key": REGISTRAR_KEY}),
            max_bid_per_name: "".into(),
            monthly_limit: "".into(),
            currency: "USD".into(),
        },
    )
    .await
    .expect("the registrar account connects");
    let matter = seeded.matter.clone();
    let ids: Vec<String> = state
        .db
        .run(move |c| {
            reclaim::db::schema::backorders::table
                .filter(reclaim::db::schema::backorders::matter_id.eq(matter.to_string()))
                .select(reclaim::db::schema::backorders::id)
                .load::<String>(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap();
    let lawyer = Caller::new(Principal::from(&seeded.lawyer), None, None);
    for id in ids {
        reclaim::app::catch::order_through_account(
            state,
            &lawyer,
            &id,
            &account.id.to_string(),
            &reclaim::app::backorders::AmountInput::from("20"),
        )
        .await
        .expect("the direct catch is ordered");
    }
}

fn start_registry(registry: Arc<Registry>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // On its own thread and actix system, as a registry runs elsewhere.
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let data = web::Data::new(registry);
            HttpServer::new(move || {
                App::new()
                    .app_data(data.clone())
                    .default_service(web::to(answer))
            })
            .workers(2)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run()
            .await
        })
    });
    format!("http://127.0.0.1:{port}/rdap/")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn epoch_ms(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis()
}

/// One run: `n` names in pending delete, each released at `release(i)`; the predicted window
/// starts at `window_start`.
async fn run(label: &str, n: usize, budget: u32, spread: Duration) {
    let registry = Arc::new(Registry::default());
    let base = start_registry(registry.clone());
    let registrar = Arc::new(Registrar::default());
    let registrar_base = start_registrar(registrar.clone());
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        database_url: format!("sqlite://{}", dir.path().join("bench.db").display()),
        var_dir: dir.path().join("var"),
        jobs: false,
        rdap_rate_limit: 10_000_000,
        drop_watch_per_second: budget,
        drop_watch_per_minute: budget * 60,
        ..Settings::default()
    };
    settings.rdap_overrides.insert("com".into(), base);
    let (state, _) =
        reclaim::startup::prepare(settings, Arc::new(SystemClock)).expect("the database opens");
    let names: Vec<String> = (0..n).map(|i| format!("drop-{i:04}.com")).collect();
    let to_attach = names.clone();
    let seeded = state
        .db
        .run(move |c| support::seed_matter_seeking(c, &to_attach))
        .await
        .unwrap();
    direct_catch_everything(&state, &seeded, registrar_base).await;

    // Held until the monitor's first check is over (it sees the names in pending delete).
    let later = SystemTime::now() + Duration::from_secs(3600);
    registry
        .release
        .lock()
        .unwrap()
        .extend(names.iter().map(|name| (name.clone(), later)));
    let report = reclaim::app::monitoring::sweep_batch(&state, 16, n as i64)
        .await
        .unwrap();
    assert_eq!(report.checked, n, "{report}");
    // The release: a whole second, 2 to 3 s from now; names spread over `spread` after it.
    // Then the predicted window, starting at the release (a published release time) and
    // 30 minutes long.
    let now_ms = epoch_ms(SystemTime::now());
    let release = UNIX_EPOCH + Duration::from_secs(u64::try_from(now_ms / 1000).unwrap_or(0) + 3);
    {
        let mut schedule = registry.release.lock().unwrap();
        for (i, name) in names.iter().enumerate() {
            // Out of alphabetical order (the watch asks the least recently asked first).
            let offset = spread.mul_f64(((i * 7919) % n) as f64 / n as f64);
            schedule.insert(name.clone(), release + offset);
        }
    }
    let start = chrono::DateTime::<chrono::Utc>::from(release);
    state
        .db
        .run(move |c| {
            diesel::update(monitored_domains::table)
                .set((
                    monitored_domains::drop_earliest.eq(to_db(start)),
                    monitored_domains::drop_latest.eq(to_db(start + chrono::Duration::minutes(30))),
                ))
                .execute(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap();
    let first_query = registry.queries.lock().unwrap().len();
    registry.queries.lock().unwrap().clear();

    let seen: Arc<Mutex<HashMap<String, SystemTime>>> = Arc::default();
    let hook = {
        let seen = seen.clone();
        move |_: &reclaim::AppState, names: &[SeenFree]| {
            let now = SystemTime::now();
            let mut seen = seen.lock().unwrap();
            for name in names {
                seen.entry(name.domain.clone()).or_insert(now);
            }
        }
    };
    let started = std::time::Instant::now();
    let watched = reclaim::app::drop_watch::watch_with(&state, Duration::from_secs(30), &hook)
        .await
        .unwrap();
    let wall = started.elapsed();

    let seen = seen.lock().unwrap().clone();
    let schedule = registry.release.lock().unwrap().clone();
    let queries = registry.queries.lock().unwrap().clone();
    assert_eq!(seen.len(), n, "every name seen free ({watched})");
    let mut latencies: Vec<f64> = seen
        .iter()
        .map(|(name, at)| {
            at.duration_since(schedule[name])
                .unwrap_or_default()
                .as_secs_f64()
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let registrations = registrar.registrations.lock().unwrap().clone();
    assert_eq!(registrations.len(), n, "every name registered");
    let mut to_register: Vec<f64> = registrations
        .iter()
        .map(|(name, times)| {
            assert_eq!(times.len(), 1, "{name} registered once");
            times[0]
                .duration_since(schedule[name])
                .unwrap_or_default()
                .as_secs_f64()
        })
        .collect();
    to_register.sort_by(f64::total_cmp);
    // Per name: queries in any one calendar second, and the shortest gap between two.
    let mut by_name: HashMap<&str, Vec<SystemTime>> = HashMap::new();
    for (name, at) in &queries {
        by_name.entry(name.as_str()).or_default().push(*at);
    }
    let mut name_max_per_second = 0;
    let mut min_gap = f64::MAX;
    let (mut gaps, mut gap_count) = (0.0, 0usize);
    for times in by_name.values_mut() {
        times.sort();
        let mut per_second: BTreeMap<u128, usize> = BTreeMap::new();
        for t in times.iter() {
            *per_second.entry(epoch_ms(*t) / 1000).or_default() += 1;
        }
        name_max_per_second =
            name_max_per_second.max(per_second.values().copied().max().unwrap_or(0));
        for pair in times.windows(2) {
            let gap = pair[1]
                .duration_since(pair[0])
                .unwrap_or_default()
                .as_secs_f64();
            min_gap = min_gap.min(gap);
            gaps += gap;
            gap_count += 1;
        }
    }
    let mut per_second: BTreeMap<u128, u32> = BTreeMap::new();
    let mut per_minute: BTreeMap<u128, u32> = BTreeMap::new();
    for (_, at) in &queries {
        *per_second.entry(epoch_ms(*at) / 1000).or_default() += 1;
        *per_minute.entry(epoch_ms(*at) / 60_000).or_default() += 1;
    }
    let registry_max_second = per_second.values().copied().max().unwrap_or(0);
    let registry_max_minute = per_minute.values().copied().max().unwrap_or(0);
    println!("{label}");
    println!(
        "  {n} names, budget {budget}/s and {}/min at the registry, watch ran {:.1} s, {} queries ({} during the monitor's first check)",
        budget * 60,
        wall.as_secs_f64(),
        queries.len(),
        first_query
    );
    println!(
        "  release -> hook: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        percentile(&latencies, 50.0) * 1000.0,
        percentile(&latencies, 95.0) * 1000.0,
        latencies.last().copied().unwrap_or(0.0) * 1000.0
    );
    println!(
        "  release -> registration request at the registrar: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        percentile(&to_register, 50.0) * 1000.0,
        percentile(&to_register, 95.0) * 1000.0,
        to_register.last().copied().unwrap_or(0.0) * 1000.0
    );
    println!(
        "  per name: at most {name_max_per_second} query in any calendar second, {:.0} ms between two on average, {:.0} ms at the shortest",
        gaps * 1000.0 / gap_count.max(1) as f64,
        if min_gap == f64::MAX {
            0.0
        } else {
            min_gap * 1000.0
        },
    );
    println!(
        "  per registry: at most {registry_max_second} queries in a second, {registry_max_minute} in a minute (budget {budget} and {})",
        budget * 60
    );
    assert!(
        registry_max_second <= budget,
        "the budget per second was exceeded"
    );
    assert!(
        registry_max_minute <= budget * 60,
        "the budget per minute was exceeded"
    );
    assert!(
        name_max_per_second <= 1,
        "a name was asked twice in one second"
    );
}

#[tokio::main]
async fn main() {
    if std::env::var("BENCH_LOG").is_ok() {
        reclaim::telemetry::init("info", std::io::stderr, false);
    }
    let n: usize = std::env::var("DROP_NAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let budget: u32 = std::env::var("DROP_BUDGET")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250);
    run(
        "all names released at the predicted instant:",
        n,
        budget,
        Duration::ZERO,
    )
    .await;
    run(
        "names released one by one over 10 s, at instants nobody predicted:",
        n,
        budget,
        Duration::from_secs(10),
    )
    .await;
}
