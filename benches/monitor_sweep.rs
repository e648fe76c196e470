//! `cargo bench --bench monitor_sweep`: a registry sweep of 10,000 names against a local RDAP
//! server (registry and registrar answers), next to a bare HTTP client fetching the same answers
//! with the same concurrency. Reports names per second and CPU time per check for both, and their
//! ratio: for the first round (every answer new to reclaim) and for the next round (every name
//! due again, the registry answering the same bytes, as most names do between two checks).
//!
//! Set `SWEEP_NAMES` to change the number of names.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use futures_util::StreamExt;

use reclaim::clock::SystemClock;
use reclaim::config::Settings;

const CONCURRENCY: usize = reclaim::app::monitoring::SWEEP_CONCURRENCY;

fn cpu_seconds() -> f64 {
    // getrusage(2): user and system time of this process (server, client and database alike).
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

struct Measure {
    wall: Duration,
    cpu: f64,
}

impl Measure {
    fn report(&self, label: &str, n: usize) -> String {
        format!(
            "{label:<18} {n} in {:.2} s = {:.0}/s, CPU {:.3} ms per name",
            self.wall.as_secs_f64(),
            n as f64 / self.wall.as_secs_f64(),
            self.cpu * 1000.0 / n as f64
        )
    }
}

#[tokio::main]
async fn main() {
    if std::env::var("BENCH_LOG").is_ok() {
        reclaim::telemetry::init("debug", std::io::stderr, false);
    }
    let n: usize = std::env::var("SWEEP_NAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let answer = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rdap/com_google.com_verisign.json"
    ))
    .expect("the RDAP fixture");

    // The local RDAP server answers every name with the same .com registry response, whose
    // link to the registrar's RDAP (followed for the holder's real expiry, as for every .com
    // name) points back at it: each check is two fetches, as in production.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = String::from_utf8(answer).expect("UTF-8 fixture").replace(
        "https://rdap.markmonitor.com/rdap/",
        &format!("http://127.0.0.1:{port}/registrar/"),
    );
    let body = web::Bytes::from(answer);
    // The server runs on its own thread under its own actix system, as a registry would run
    // elsewhere; the measured side (client, sweep) has the tokio runtime to itself.
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            HttpServer::new(move || {
                let body = body.clone();
                App::new().default_service(web::to(move || {
                    let body = body.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("application/rdap+json")
                            .body(body)
                    }
                }))
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run()
            .await
        })
    });
    let base = format!("http://127.0.0.1:{port}/rdap/");

    // The names, as backorders of one matter in a fresh SQLite database.
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        database_url: format!("sqlite://{}", dir.path().join("bench.db").display()),
        var_dir: dir.path().join("var"),
        jobs: false,
        rdap_rate_limit: 10_000_000,
        ..Settings::default()
    };
    settings.rdap_overrides.insert("com".into(), base.clone());
    let (state, _) =
        reclaim::startup::prepare(settings, Arc::new(SystemClock)).expect("the database opens");
    let names: Vec<String> = (0..n).map(|i| format!("bench-name-{i:05}.com")).collect();
    let setup = Instant::now();
    {
        let names = names.clone();
        state
            .db
            .run(move |c| support::seed_matter_seeking(c, &names))
            .await
            .unwrap();
    }
    println!(
        "set-up: {n} backorders in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // 1. A bare HTTP client fetching the same answers with the same concurrency.
    let client = reqwest::Client::new();
    let (cpu, started) = (cpu_seconds(), Instant::now());
    let fetched: usize = futures_util::stream::iter(names.iter())
        .map(|name| {
            let client = client.clone();
            let registry = format!("{base}domain/{name}");
            let registrar = format!("http://127.0.0.1:{port}/registrar/domain/{name}");
            async move {
                let mut bytes = 0;
                for url in [registry, registrar] {
                    let response = client.get(url).send().await.unwrap();
                    bytes += response.bytes().await.unwrap().len();
                }
                bytes
            }
        })
        .buffer_unordered(CONCURRENCY)
        .map(|bytes| usize::from(bytes > 0))
        .fold(0, |a, b| async move { a + b })
        .await;
    let bare = Measure {
        wall: started.elapsed(),
        cpu: cpu_seconds() - cpu,
    };
    assert_eq!(fetched, n);

    // 2. The sweep: fetch, keep the answer, compare, assess, update, for every name.
    let (cpu, started) = (cpu_seconds(), Instant::now());
    let report = reclaim::app::monitoring::sweep_batch(&state, CONCURRENCY, n as i64)
        .await
        .unwrap();
    let sweep = Measure {
        wall: started.elapsed(),
        cpu: cpu_seconds() - cpu,
    };
    assert_eq!(report.checked, n, "{report}");

    // 3. The next round: every name due again; the answers are the same bytes.
    state
        .db
        .run(|c| {
            use diesel::prelude::*;
            use reclaim::db::schema::monitored_domains;
            diesel::update(monitored_domains::table)
                .set(monitored_domains::next_check_at.eq(chrono::Utc::now().naive_utc()))
                .execute(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap();
    let (cpu, started) = (cpu_seconds(), Instant::now());
    let report = reclaim::app::monitoring::sweep_batch(&state, CONCURRENCY, n as i64)
        .await
        .unwrap();
    let again = Measure {
        wall: started.elapsed(),
        cpu: cpu_seconds() - cpu,
    };
    assert_eq!(report.checked, n, "{report}");

    println!(
        "concurrency {CONCURRENCY}, one local RDAP server (registry and registrar answers), SQLite"
    );
    println!("{}", bare.report("bare HTTP fetch:", n));
    println!("{}", sweep.report("reclaim sweep:", n));
    println!("{}", again.report("next round:", n));
    for (label, measure) in [("sweep", &sweep), ("next round", &again)] {
        println!(
            "{label} / fetch: {:.2}x wall time, {:.2}x CPU time",
            measure.wall.as_secs_f64() / bare.wall.as_secs_f64(),
            measure.cpu / bare.cpu
        );
    }
}
