//! The drop watch against a local RDAP registry that counts the queries it receives: names in
//! pending delete are asked far more often inside their drop window, never beyond the
//! registry's budget (shared by instances), less after a 429, never twice at once, and the
//! first instant a name is free is recorded once and handed to the hook.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with};
use crate::registry_servers::{RdapServer, Reply};
use reclaim::app::drop_watch::{SeenFree, watch_once, watch_once_with};
use reclaim::model::backorder::BackorderStatus;
use reclaim::model::lifecycle::Phase;
use reclaim::model::user::Role;
use reclaim::repo::{backorders, drop_watch, monitoring};

struct World {
    app: TestApp,
    rdap: RdapServer,
}

/// An application asking the local registry for .com and .org, with this budget per server.
async fn world(per_second: u32, per_minute: u32) -> World {
    let rdap = RdapServer::start().await;
    let base = rdap.base.clone();
    let app = spawn_app_with(move |s| {
        for tld in ["com", "org"] {
            s.rdap_overrides.insert(tld.to_owned(), base.clone());
        }
        s.rdap_rate_limit = 60_000;
        s.registry_timeout = StdDuration::from_secs(10);
        s.drop_watch_per_second = per_second;
        s.drop_watch_per_minute = per_minute;
    })
    .await;
    World { app, rdap }
}

/// A registry answer for `name` with these statuses.
fn answer(name: &str, statuses: &[&str]) -> Reply {
    Reply::json(
        serde_json::to_vec(&json!({
            "rdapConformance": ["rdap_level_0"],
            "objectClassName": "domain",
            "ldhName": name,
            "status": statuses,
            "events": [
                {"eventAction": "registration", "eventDate": "2015-03-16T00:00:00Z"},
                {"eventAction": "expiration", "eventDate": "2026-09-01T00:00:00Z"},
            ],
            "nameservers": [],
        }))
        .unwrap(),
    )
}

fn pending_delete(name: &str) -> Reply {
    answer(name, &["pending delete"])
}

/// Names sought by an open matter's backorders, each answered with `reply` and checked once by
/// the monitor (so that it knows their phase and drop window).
async fn sought(w: &World, names: &[String], reply: fn(&str) -> Reply) {
    let lawyer = w
        .app
        .create_user("avocat@firm.example", Role::Lawyer, None)
        .await;
    let client = w.app.create_client("Northwind").await;
    let (matter, _) = w.app.open_matter(&client, &lawyer, "Recovery").await;
    for name in names {
        w.rdap.set(name, reply(name));
        w.app.attach(&matter, name).await;
    }
    let done = reclaim::jobs::run(&w.app.state, "monitor").await.unwrap();
    assert!(
        done.starts_with(&format!("{} name(s) checked", names.len())),
        "{done}"
    );
}

async fn watched(app: &TestApp, domain: &str) -> reclaim::model::monitoring::MonitoredDomain {
    let domain = domain.to_owned();
    app.state
        .db
        .run(move |c| monitoring::find(c, &domain))
        .await
        .unwrap()
        .unwrap()
}

async fn record(app: &TestApp, domain: &str) -> Option<drop_watch::WatchRecord> {
    let domain = domain.to_owned();
    app.state
        .db
        .run(move |c| drop_watch::find(c, &domain))
        .await
        .unwrap()
}

fn names(prefix: &str, tld: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i:03}.{tld}")).collect()
}

/// The queries the registry received since the last call.
struct Counter(usize);

impl Counter {
    fn since(&mut self, rdap: &RdapServer) -> usize {
        let total = rdap.total_hits();
        let new = total - self.0;
        self.0 = total;
        new
    }
}

#[tokio::test]
async fn a_name_in_pending_delete_is_watched_and_its_first_free_instant_recorded_once() {
    let w = world(10, 600).await;
    let name = "northwind-roasters.com".to_owned();
    sought(&w, std::slice::from_ref(&name), pending_delete).await;
    let m = watched(&w.app, &name).await;
    assert_eq!(m.phase, Phase::PendingDelete);
    // First seen in pending delete now: the drop is predicted within 5 days, so the name is
    // in its window at once; the monitor alone would come back in 5 minutes.
    let now = w.app.clock_now();
    assert_eq!(m.next_check_at.and_utc() - now, Duration::minutes(5));
    let before = w.rdap.hits(&name);
    let seen: Arc<Mutex<Vec<SeenFree>>> = Arc::default();
    let hook = {
        let seen = seen.clone();
        move |_: &reclaim::AppState, names: &[SeenFree]| {
            seen.lock().unwrap().extend_from_slice(names)
        }
    };
    let report = watch_once_with(&w.app.state, &hook).await.unwrap();
    assert_eq!((report.asked, report.failed), (1, 0), "{report}");
    assert_eq!(w.rdap.hits(&name), before + 1);
    let r = record(&w.app, &name).await.unwrap();
    // 09:00 UTC is far from Verisign's batch (14:00 US Eastern = 19:00 UTC): once a minute.
    assert_eq!(r.next_query_at.and_utc(), now + Duration::minutes(1));
    assert_eq!((r.queries, r.seen_free_at), (1, None));

    // Not due again before the minute: nothing asked.
    w.app.clock.advance(Duration::seconds(30));
    assert_eq!(watch_once_with(&w.app.state, &hook).await.unwrap().asked, 0);
    assert_eq!(w.rdap.hits(&name), before + 1);

    // The registry releases the name; the next query sees it free.
    w.rdap.set(&name, Reply::status(404));
    w.app.clock.advance(Duration::seconds(30));
    let free_at = w.app.clock_now();
    let report = watch_once_with(&w.app.state, &hook).await.unwrap();
    assert_eq!(
        report.seen_free,
        vec![SeenFree {
            domain: name.clone(),
            at: free_at
        }]
    );
    assert_eq!(
        *seen.lock().unwrap(),
        report.seen_free,
        "the hook got the name at once"
    );
    let r = record(&w.app, &name).await.unwrap();
    assert_eq!(r.seen_free_at.map(|t| t.and_utc()), Some(free_at));
    // The monitor's record of that answer: the backorder dropped, the phase available.
    assert_eq!(watched(&w.app, &name).await.phase, Phase::Available);
    let backorder = w
        .app
        .state
        .db
        .run({
            let name = name.clone();
            move |c| backorders::active_for_domain(c, &name)
        })
        .await
        .unwrap();
    assert_eq!(backorder.len(), 1);
    assert_eq!(backorder[0].0.status, BackorderStatus::Dropped);

    // Seen free once: never asked by the watch again, the hook not called again.
    w.app.clock.advance(Duration::minutes(2));
    let hits = w.rdap.hits(&name);
    let report = watch_once_with(&w.app.state, &hook).await.unwrap();
    assert_eq!((report.asked, report.seen_free.len()), (0, 0));
    assert_eq!(w.rdap.hits(&name), hits);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn around_the_known_deletion_instant_a_name_is_asked_once_a_second() {
    let w = world(10, 600).await;
    let name = "helios-bank.com".to_owned();
    sought(&w, std::slice::from_ref(&name), pending_delete).await;
    // 18:59:59.5 UTC on 23 November is 13:59:59.5 EST: the burst before Verisign's batch.
    let start = w.app.clock_now();
    let instant: DateTime<Utc> = "2026-11-23T19:00:00Z".parse().unwrap();
    w.app.clock.set(instant - Duration::milliseconds(500));
    watch_once(&w.app.state).await.unwrap();
    assert_eq!(
        record(&w.app, &name).await.unwrap().next_query_at.and_utc(),
        instant
    );
    w.app.clock.set(instant + Duration::milliseconds(20));
    watch_once(&w.app.state).await.unwrap();
    assert_eq!(
        record(&w.app, &name).await.unwrap().next_query_at.and_utc(),
        instant + Duration::seconds(1),
        "never more than once a second"
    );
    assert!(start < instant);
}

#[tokio::test]
async fn the_budget_holds_under_many_names_and_two_instances() {
    // 5 a second, 12 a minute at the one registry server, for 40 names due at once.
    let w = world(5, 12).await;
    let all = names("mark", "org", 40);
    sought(&w, &all, pending_delete).await;
    let mut counter = Counter(w.rdap.total_hits());
    // A second instance on the same database: it takes from the same budget.
    let mut other = w.app.state.clone();
    other.instance = format!("{}-other", other.instance);
    let t0 = w.app.clock_now();
    let mut per_second = Vec::new();
    for second in 0..6 {
        w.app.clock.set(t0 + Duration::seconds(second));
        let a = watch_once(&w.app.state).await.unwrap();
        w.app
            .clock
            .set(t0 + Duration::seconds(second) + Duration::milliseconds(600));
        let b = watch_once(&other).await.unwrap();
        let received = counter.since(&w.rdap);
        assert_eq!(
            received,
            a.asked + b.asked,
            "the registry got what was asked"
        );
        per_second.push(received);
    }
    // The registry's own count per one-second window: 5, 5, then the minute's 12 are spent.
    assert_eq!(
        per_second,
        vec![5, 5, 2, 0, 0, 0],
        "queries received per second"
    );
    // The next minute grants again; no name was asked twice in between.
    w.app.clock.set(t0 + Duration::seconds(60));
    let report = watch_once(&w.app.state).await.unwrap();
    assert_eq!(report.asked, 5);
    assert!(
        all.iter().all(|n| w.rdap.hits(n) <= 2),
        "each name at most once a minute"
    );
    // 12 + 5 names asked by the watch, the 23 others still waiting their turn.
    let asked = all.iter().filter(|n| w.rdap.hits(n) == 2).count();
    assert_eq!(asked, 17);
}

#[tokio::test]
async fn a_429_lowers_the_pace_for_every_instance() {
    let w = world(8, 480).await;
    let all = names("brand", "org", 30);
    sought(&w, &all, pending_delete).await;
    let mut counter = Counter(w.rdap.total_hits());
    let t0 = w.app.clock_now();
    // The registry refuses everything, without saying for how long.
    for name in &all {
        w.rdap.set(name, Reply::status(429));
    }
    let report = watch_once(&w.app.state).await.unwrap();
    assert_eq!((report.asked, report.failed), (8, 8));
    assert_eq!(counter.since(&w.rdap), 8);
    // The next second: half as many (eight 429s of one second halve it once).
    for name in &all {
        w.rdap.set(name, pending_delete(name));
    }
    w.app.clock.set(t0 + Duration::seconds(1));
    assert_eq!(watch_once(&w.app.state).await.unwrap().asked, 4);
    assert_eq!(counter.since(&w.rdap), 4);
    // Now a 429 asking to wait 10 s: halved again, and nobody asks before then.
    for name in &all {
        w.rdap
            .set(name, Reply::status(429).header("Retry-After", "10"));
    }
    w.app.clock.set(t0 + Duration::seconds(2));
    assert_eq!(watch_once(&w.app.state).await.unwrap().asked, 4);
    assert_eq!(counter.since(&w.rdap), 4);
    let mut other = w.app.state.clone();
    other.instance = format!("{}-other", other.instance);
    for s in [3, 7, 11] {
        w.app.clock.set(t0 + Duration::seconds(s));
        assert_eq!(
            watch_once(&other).await.unwrap().asked,
            0,
            "paused at +{s}s"
        );
    }
    assert_eq!(counter.since(&w.rdap), 0);
    for name in &all {
        w.rdap.set(name, pending_delete(name));
    }
    w.app.clock.set(t0 + Duration::seconds(12));
    assert_eq!(
        watch_once(&other).await.unwrap().asked,
        2,
        "8 → 4 → 2 a second"
    );
    // And it grows back by one a second per minute without a 429.
    w.app
        .clock
        .set(t0 + Duration::seconds(62) + Duration::milliseconds(100));
    assert_eq!(watch_once(&w.app.state).await.unwrap().asked, 3);
}

#[tokio::test]
async fn two_runs_at_once_never_ask_about_one_name_at_the_same_time() {
    let w = world(1_000, 60_000).await;
    let all = names("twice", "com", 12);
    sought(&w, &all, pending_delete).await;
    for name in &all {
        w.rdap.set(
            name,
            pending_delete(name).delayed(StdDuration::from_millis(300)),
        );
    }
    let before: Vec<usize> = all.iter().map(|n| w.rdap.hits(n)).collect();
    let mut other = w.app.state.clone();
    other.instance = format!("{}-other", other.instance);
    let (a, b) = tokio::join!(watch_once(&w.app.state), watch_once(&other));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.asked + b.asked, all.len(), "{a} / {b}");
    for (name, before) in all.iter().zip(before) {
        assert_eq!(w.rdap.hits(name), before + 1, "{name} asked once");
        assert_eq!(w.rdap.max_in_flight(name), 1, "{name} never twice at once");
    }
}

#[tokio::test]
async fn outside_a_drop_window_nothing_steps_up() {
    let w = world(10, 600).await;
    // Deleted today: in redemption, the drop is 35 days away (docs/registries.md §1.2).
    let name = "northwind-coffee.com".to_owned();
    sought(&w, std::slice::from_ref(&name), |n| {
        answer(n, &["pending delete", "redemption period"])
    })
    .await;
    let m = watched(&w.app, &name).await;
    assert_eq!(m.phase, Phase::Redemption);
    let hits = w.rdap.hits(&name);
    let report = watch_once(&w.app.state).await.unwrap();
    assert_eq!(report.asked, 0);
    assert_eq!(
        reclaim::jobs::run(&w.app.state, "drop-watch")
            .await
            .unwrap(),
        "no name in its drop window"
    );
    assert_eq!(w.rdap.hits(&name), hits);
    assert!(record(&w.app, &name).await.is_none());
    // The monitor's pace is unchanged: hourly while deleted.
    assert_eq!(
        watched(&w.app, &name).await.next_check_at.and_utc() - w.app.clock_now(),
        Duration::hours(1)
    );
    // A registered name neither.
    let active = "contoso-shop.com".to_owned();
    w.rdap.set(&active, answer(&active, &["active"]));
    let lawyer = w
        .app
        .create_user("second@firm.example", Role::Lawyer, None)
        .await;
    let client = w.app.create_client("Contoso").await;
    let (matter, _) = w.app.open_matter(&client, &lawyer, "Shop").await;
    w.app.attach(&matter, &active).await;
    reclaim::jobs::run(&w.app.state, "monitor").await.unwrap();
    assert_eq!(watch_once(&w.app.state).await.unwrap().asked, 0);
}
