//! The home page opens on what needs attention today: deadlines overdue, due today and within
//! the week (not later ones, not done ones), names about to drop; a client user sees only their
//! own client's; marking a deadline done there brings the user back to it.

use chrono::Duration;
use reclaim::model::lifecycle::Phase;
use reclaim::model::user::Role;
use reclaim::repo::procedures::{self, NewManualDeadline};

use crate::helpers::{PASSWORD, TestApp, Watched, location, spawn_app};

async fn task(app: &TestApp, matter: &reclaim::model::ids::MatterId, label: &str, days: i64) {
    tasks(app, matter, vec![label.to_owned()], days).await;
}

/// Deadlines due in `days` days, one per label, added in one transaction (a hundred of them
/// one by one would be slow).
async fn tasks(
    app: &TestApp,
    matter: &reclaim::model::ids::MatterId,
    labels: Vec<String>,
    days: i64,
) {
    let due_on = (app.clock_now() + Duration::days(days)).date_naive();
    let (actor, matter) = (app.actor(), matter.clone());
    app.state
        .db
        .run(move |c| {
            reclaim::db::write_tx(c, |c| {
                for label in labels {
                    let new = NewManualDeadline {
                        procedure_id: None,
                        label,
                        due_on,
                        assigned_to: None,
                        note: String::new(),
                    };
                    procedures::add_manual(c, &actor, &matter, &new)?;
                }
                Ok::<_, procedures::ProcedureError>(())
            })
        })
        .await
        .expect("deadlines added");
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_dashboard_lists_what_is_due_and_marking_done_returns_to_it() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let html = app.browser.get_html("/").await;
    assert!(html.contains("Nothing needs attention"), "{html}");

    let acme = app.create_client("Acme").await;
    let globex = app.create_client("Globex").await;
    let (acme_matter, _) = app.open_matter(&acme, &lawyer, "Acme names").await;
    let (globex_matter, _) = app.open_matter(&globex, &lawyer, "Globex names").await;
    task(&app, &acme_matter, "File the power of attorney", -3).await;
    task(&app, &acme_matter, "Call the registrar", 0).await;
    task(
        &app,
        &globex_matter,
        "Send the client the complaint draft",
        5,
    )
    .await;
    task(&app, &globex_matter, "Prepare the hearing bundle", 30).await;

    let html = app.browser.get_html("/").await;
    assert!(!html.contains("Nothing needs attention"));
    let deadlines = section(&html, "attention-deadlines");
    let overdue = deadlines.find("Overdue").expect("an overdue group");
    let today = deadlines.find("Due today").expect("a due-today group");
    let week = deadlines
        .find("Due within 7 days")
        .expect("a this-week group");
    assert!(overdue < today && today < week, "most urgent first");
    let position = |label: &str| {
        deadlines
            .find(label)
            .unwrap_or_else(|| panic!("{label} in {deadlines}"))
    };
    assert!(position("File the power of attorney") < today);
    assert!(today < position("Call the registrar") && position("Call the registrar") < week);
    assert!(position("Send the client the complaint draft") > week);
    assert!(
        !deadlines.contains("Prepare the hearing bundle"),
        "a month away is not today's business"
    );

    // Marked done from the dashboard: back on the dashboard, gone from it.
    let id = {
        let at = deadlines.find("data-deadline=\"").unwrap() + "data-deadline=\"".len();
        deadlines[at..at + 36].to_owned()
    };
    let response = app
        .browser
        .post_form(&format!("/deadlines/{id}/done"), &[("back", "/")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/");
    let html = app.browser.get_html("/").await;
    assert!(
        html.contains("File the power of attorney marked done."),
        "{html}"
    );
    let deadlines = section(&html, "attention-deadlines");
    assert!(
        !deadlines.contains("File the power of attorney"),
        "{deadlines}"
    );
    assert!(!deadlines.contains("Overdue"), "{deadlines}");

    // A client user of Acme sees Acme's deadline, nothing of Globex, and no button to change it.
    app.create_user("it@acme.example", Role::Client, Some(&acme))
        .await;
    let portal = app.new_browser();
    assert_eq!(
        portal
            .login("it@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let html = portal.get_html("/").await;
    assert!(html.contains("Call the registrar"), "{html}");
    assert!(!html.contains("Send the client the complaint draft"));
    assert!(!html.contains("Globex"));
    assert!(!html.contains("Mark done"));
}

/// A client with a matter, a deadline overdue, one due this week and a name in pending delete
/// whose drop is predicted in three days.
async fn busy_client(app: &TestApp, lawyer: &reclaim::model::user::User, n: usize) {
    let client = app.create_client(&format!("Client {n}")).await;
    let (matter, _) = app.open_matter(&client, lawyer, "Names").await;
    task(app, &matter, &format!("Overdue task {n}"), -2).await;
    task(app, &matter, &format!("Weekly task {n}"), 3).await;
    let name = format!("dropping-name-{n}.com");
    app.attach_watched(&matter, &[(name, Phase::PendingDelete, Some(3 * 24), 1)])
        .await;
}

#[tokio::test]
async fn the_dashboard_makes_the_same_queries_however_much_is_due() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let dashboard = || async {
        let before = app.state.db.queries_run();
        let html = app.browser.get_html("/").await;
        (app.state.db.queries_run() - before, html)
    };
    busy_client(&app, &lawyer, 0).await;
    let (few, html) = dashboard().await;
    assert!(html.contains("dropping-name-0.com"), "{html}");
    assert!(html.contains("Overdue task 0"));
    for n in 1..6 {
        busy_client(&app, &lawyer, n).await;
    }
    let (many, html) = dashboard().await;
    assert!(html.contains("dropping-name-5.com") && html.contains("Weekly task 5"));
    assert_eq!(few, many, "queries for 1 client, then 6");
}

/// Issue 17: "about to drop" reads the first 20 in SQL, free names and names without a
/// predicted drop first (by name), then by predicted drop; the badge counts them all; a name
/// seen free long ago has left.
#[tokio::test]
async fn about_to_drop_shows_the_first_rows_in_order_and_counts_them_all() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Names").await;
    let mut names: Vec<Watched> = vec![
        ("free-b.com".into(), Phase::Available, Some(-20), 1),
        ("free-a.com".into(), Phase::Available, None, 1),
        ("undated.com".into(), Phase::PendingDelete, None, 1),
        ("free-long-ago.com".into(), Phase::Available, None, 60),
    ];
    // Dated drops in the reverse order of their names.
    for i in 0..21_i64 {
        names.push((
            format!("dated-{i:02}.com"),
            Phase::PendingDelete,
            Some(100 - i),
            1,
        ));
    }
    app.attach_watched(&matter, &names).await;
    let html = app.browser.get_html("/").await;
    let section = &html[html.find("attention-drops").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(
        section.contains("<span class=\"badge\">24</span>"),
        "{section}"
    );
    assert!(section.contains("The first 20 of 24"), "{section}");
    assert!(!section.contains("free-long-ago.com"));
    let mut expected = vec!["free-a.com", "free-b.com", "undated.com"]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    expected.extend((4..21).rev().map(|i| format!("dated-{i:02}.com")));
    let mut shown: Vec<(usize, String)> = expected
        .iter()
        .chain(std::iter::once(&"dated-03.com".to_owned()))
        .filter_map(|n| section.find(&format!(">{n}<")).map(|at| (at, n.clone())))
        .collect();
    shown.sort();
    let shown: Vec<String> = shown.into_iter().map(|(_, n)| n).collect();
    assert_eq!(
        shown, expected,
        "free and undated first, then the soonest drops"
    );
}

/// Issue 17: the count of names about to drop stops at `DROPPING_COUNTED` (its cost follows
/// the rows shown, not the firm): past it, the badge says "100+" and the note "more than".
#[tokio::test]
async fn about_to_drop_stops_counting_past_the_cap() {
    use crate::helpers::new_backorder;
    use reclaim::repo::backorders::{self, NewBackorder};
    use reclaim::repo::monitoring::DROPPING_COUNTED;

    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Names").await;
    let actor = app.actor();
    let names: Vec<String> = (0..DROPPING_COUNTED + 1)
        .map(|i| format!("pending-{i:04}.com"))
        .collect();
    // Imported in one transaction: attached one by one, a hundred names are slow.
    let lines: Vec<(usize, String, NewBackorder)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (i + 1, name.clone(), new_backorder(name)))
        .collect();
    app.state
        .db
        .run(move |c| backorders::import(c, &actor, &matter, &lines, false))
        .await
        .expect("imported");
    let watched: Vec<Watched> = names
        .into_iter()
        .map(|name| (name, Phase::PendingDelete, Some(30), 1))
        .collect();
    app.watch_as(&watched).await;
    let html = app.browser.get_html("/").await;
    let drops = section(&html, "attention-drops");
    assert!(
        drops.contains(&format!("<span class=\"badge\">{DROPPING_COUNTED}+</span>")),
        "{drops}"
    );
    assert!(
        drops.contains(&format!("The first 20 of more than {DROPPING_COUNTED}")),
        "{drops}"
    );
    assert!(
        drops.contains(">pending-0000.com<"),
        "by name among equal drops"
    );
}

/// Each urgency's deadlines are counted up to `DEADLINES_COUNTED` (the count costs what it
/// counts): up to it, the badge gives the count; past it, "100+" and the note "more than".
#[tokio::test]
async fn deadlines_stop_counting_past_the_cap() {
    use reclaim::app::dashboard::DEADLINES_COUNTED;

    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Names").await;
    let overdue: Vec<String> = (0..DEADLINES_COUNTED)
        .map(|i| format!("Overdue task {i:03}"))
        .collect();
    tasks(&app, &matter, overdue, -2).await;
    task(&app, &matter, "Call the registrar", 0).await;

    // At the cap: still the exact count, as for the urgency with one deadline.
    let html = app.browser.get_html("/").await;
    assert_eq!(badge(&html, "overdue"), DEADLINES_COUNTED.to_string());
    assert_eq!(badge(&html, "today"), "1");
    let note = format!("The first 20 of {DEADLINES_COUNTED}:");
    assert!(html.contains(&note), "{html}");

    // One past it: the count stops.
    task(&app, &matter, "One overdue task too many", -2).await;
    let html = app.browser.get_html("/").await;
    assert_eq!(badge(&html, "overdue"), format!("{DEADLINES_COUNTED}+"));
    assert_eq!(badge(&html, "today"), "1");
    let note = format!("The first 20 of more than {DEADLINES_COUNTED}:");
    assert!(html.contains(&note), "{html}");
}

/// The badge of an urgency's deadlines on the dashboard (`overdue`, `today`, `week`).
fn badge<'a>(html: &'a str, urgency: &str) -> &'a str {
    const BADGE: &str = "<span class=\"badge\">";
    let group = section(html, &format!("deadlines-{urgency}"));
    let start = group
        .find(BADGE)
        .unwrap_or_else(|| panic!("a badge in {group}"))
        + BADGE.len();
    let rest = &group[start..];
    &rest[..rest.find('<').unwrap_or(rest.len())]
}
