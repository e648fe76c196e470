//! `cargo bench --bench drop_watch`: a local RDAP registry holds 200 names in pending delete
//! and releases them (answers 404) at a scheduled instant; reclaim's drop watch (the
//! `drop-watch` job's loop, `app::drop_watch::watch_with`) follows them, and the benchmark
//! times each name from its release to the call of the hook that receives it
//! (`app::drop_watch::on_seen_free`; a direct catch's registration follows once the answer is
//! recorded, not timed here). The
//! registry counts every query: per name and per one-second and one-minute window.
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
    state
        .db
        .run(move |c| support::seed_matter_seeking(c, &to_attach))
        .await
        .unwrap();

    // The release: a whole second, 4 to 5 s from now; names spread over `spread` after it.
    let now_ms = epoch_ms(SystemTime::now());
    let release = UNIX_EPOCH + Duration::from_secs(u64::try_from(now_ms / 1000).unwrap_or(0) + 5);
    {
        let mut schedule = registry.release.lock().unwrap();
        for (i, name) in names.iter().enumerate() {
            // Out of alphabetical order (the watch asks the least recently asked first).
            let offset = spread.mul_f64(((i * 7919) % n) as f64 / n as f64);
            schedule.insert(name.clone(), release + offset);
        }
    }
    // The monitor's first check: pending delete; then the predicted window, starting at the
    // release (a published release time) and 30 minutes long.
    let report = reclaim::app::monitoring::sweep_batch(&state, 16, n as i64)
        .await
        .unwrap();
    assert_eq!(report.checked, n, "{report}");
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
