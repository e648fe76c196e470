//! The demo firm (`reclaim serve --demo`): every account signs in with the password printed at
//! start, the records cover each phase and procedure the README promises, the dashboard opens on
//! what needs attention, a client user sees only their own client, and the demo never loads
//! into a database that holds data.

use std::time::Duration;

use crate::cli::{reclaim, spawn_with_lines};
use crate::helpers::{Browser, TestApp, spawn_app_with};
use reclaim::demo::registry::{DemoRegistry, start};
use reclaim::demo::{DemoError, load};
use reclaim::model::outbox::OutboxStatus;
use reclaim::model::user::Role;
use reclaim::repo::{clients, matters, outreach, reports};

/// The application with the demo registry in front of every TLD, not yet loaded.
pub async fn demo_app() -> (TestApp, DemoRegistry) {
    let registry = DemoRegistry::default();
    let base = start(registry.clone()).expect("demo registry starts");
    let app = spawn_app_with(move |s| {
        s.rdap_every_tld = Some(base);
        s.rdap_rate_limit = 600;
    })
    .await;
    (app, registry)
}

#[tokio::test]
async fn the_demo_firm_covers_every_flow_and_each_account_signs_in() {
    let (app, registry) = demo_app().await;
    let firm = load(&app.state, &registry).await.expect("demo loads");

    // One account per role, two client users, each with its own password.
    let roles: Vec<Role> = firm.accounts.iter().map(|a| a.role).collect();
    for role in [Role::Admin, Role::Lawyer, Role::Paralegal, Role::Client] {
        assert!(roles.contains(&role), "{role:?} in {roles:?}");
    }
    assert_eq!(roles.iter().filter(|r| **r == Role::Client).count(), 2);
    let mut passwords: Vec<&str> = firm.accounts.iter().map(|a| a.password.as_str()).collect();
    passwords.sort_unstable();
    passwords.dedup();
    assert_eq!(passwords.len(), firm.accounts.len(), "distinct passwords");
    let mut browsers = Vec::new();
    for account in &firm.accounts {
        let browser = app.new_browser();
        let response = browser.login(&account.email, &account.password).await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "{} signs in",
            account.email
        );
        browsers.push((account.clone(), browser));
    }
    let browser_of = |email_start: &str| -> &Browser {
        &browsers
            .iter()
            .find(|(a, _)| a.email.starts_with(email_start))
            .unwrap()
            .1
    };

    // The lawyer's dashboard: overdue, due today, due this week, names about to drop, drafts.
    let dashboard = browser_of("ines").get_html("/").await;
    for expected in [
        "Overdue",
        "Get the signed power of attorney back from Helios",
        "Due today",
        "Confirm the DropCatch and SnapNames orders",
        "Due within 7 days",
        "Response due",
        "Names about to drop",
        "northwind-roasters.com",
        "Pending delete",
        "nw-coffee.net",
        "northwindcoffee.fr",
        "Messages awaiting a decision",
        "Offer to buy the domain name northwindcoffee.net",
    ] {
        assert!(dashboard.contains(expected), "{expected} on the dashboard");
    }
    // A name that is simply registered is not "about to drop".
    let drops = &dashboard[dashboard.find("attention-drops").unwrap()..];
    let drops = &drops[..drops.find("</section>").unwrap()];
    assert!(!drops.contains("northwind-coffee.com"), "{drops}");

    // The backorders went through the phases the demo registry scripted, as the monitor saw.
    let list = app
        .state
        .db
        .run(|c| matters::list(c, &matters::MatterFilter::default(), &Default::default()))
        .await
        .map(|page| page.rows)
        .unwrap();
    assert_eq!(list.len(), 2);
    let northwind = list
        .iter()
        .find(|m| m.client_name.starts_with("Northwind"))
        .unwrap();
    let page = browser_of("ines")
        .get_html(&format!("/matters/{}", northwind.matter.id))
        .await;
    for expected in [
        "northwind-coffee.com",
        "Registered",
        "Pending delete",
        "Deleted, in redemption",
        "Not registered",
        // The .dk name the firm could not backorder, with the registry's reason.
        "northwind.dk",
    ] {
        assert!(
            page.contains(expected),
            "{expected} on the Northwind matter"
        );
    }

    // The lookalike job's findings from the demo's .com zone, two days old and seen again
    // today; northwind-roasters.com is the matter's own backorder, not a lookalike.
    let client = northwind.matter.client_id.clone();
    let found = app
        .state
        .db
        .run(move |c| reclaim::repo::lookalikes::for_client(c, &client, &[], None, 100))
        .await
        .unwrap();
    let domains: Vec<&str> = found.iter().map(|f| f.domain.as_str()).collect();
    assert_eq!(
        domains,
        [
            "xn--nrthwind-zdg.com",
            "n0rthwind-roasters.com",
            "northwind-coffee-login.com"
        ]
    );
    assert!(found.iter().all(|f| f.source == "com.zone"));
    assert!(found.iter().all(|f| f.first_seen_at < f.last_seen_at));
    let page = browser_of("ines")
        .get_html(&format!(
            "/clients/{}/lookalikes",
            northwind.matter.client_id
        ))
        .await;
    assert!(page.contains("n0rthwind-roasters.com"), "{page}");
    let helios = list
        .iter()
        .find(|m| m.client_name.starts_with("Helios"))
        .unwrap();
    let page = browser_of("thomas")
        .get_html(&format!("/clients/{}/lookalikes", helios.matter.client_id))
        .await;
    assert!(page.contains("heliosbank-secure.com"), "{page}");
    assert!(page.contains("hellosbank.com"), "{page}");

    // Orders placed by reclaim through the firm's demo accounts: northwind-beans.com caught by
    // Dynadot's registrar and won at its auction (the price now due), northwind-roasters.com
    // placed at DropCatch once in pending delete. Every call is on the backorder's page.
    let matter_id = northwind.matter.id.clone();
    let names = app
        .state
        .db
        .run(move |c| {
            let mut found = Vec::new();
            for b in reclaim::repo::backorders::for_matter(c, &matter_id)? {
                let channels = reclaim::repo::backorders::channels(c, &b.id)?;
                found.push((b, channels));
            }
            Ok::<_, reclaim::db::DbError>(found)
        })
        .await
        .unwrap();
    let (beans, beans_channels) = names
        .iter()
        .find(|(b, _)| b.domain == "northwind-beans.com")
        .expect("the caught name");
    assert_eq!(beans.status.as_str(), "won");
    assert_eq!(beans_channels.len(), 1);
    assert_eq!(beans_channels[0].status.as_str(), "won");
    assert_eq!(beans_channels[0].price_minor, Some(18_500));
    let (_, roasters_channels) = names
        .iter()
        .find(|(b, _)| b.domain == "northwind-roasters.com")
        .unwrap();
    assert!(
        roasters_channels
            .iter()
            .any(|c| c.service.as_str() == "dropcatch" && c.status.as_str() == "placed"),
        "{roasters_channels:?}"
    );
    // Caught directly by the firm's own registrar account the moment the name was released.
    let (cafe, cafe_channels) = names
        .iter()
        .find(|(b, _)| b.domain == "northwind-cafe.com")
        .unwrap();
    assert_eq!(cafe.status.as_str(), "caught");
    assert_eq!(cafe_channels[0].service.as_str(), "firm_registrar");
    assert_eq!(cafe_channels[0].status.as_str(), "caught");
    // With its checklist after the catch, the transfer lock already shown by the registry.
    let page = browser_of("ines")
        .get_html(&format!("/backorders/{}", cafe.id))
        .await;
    assert!(page.contains("After the catch"), "{page}");
    assert!(page.contains("Shown by the registry data"), "{page}");
    let page = browser_of("ines")
        .get_html(&format!("/backorders/{}", beans.id))
        .await;
    for expected in [
        "USD 185.00 auction price to Dynadot (Dynadot (demo))",
        "Calls to the catch services",
        "command=get_closed_backorder_auctions",
    ] {
        assert!(page.contains(expected), "{expected} on the page: {page}");
    }

    // A UDRP and a SYRELI, with the response deadline of the UDRP six days ahead.
    let helios = list
        .iter()
        .find(|m| m.client_name.starts_with("Helios"))
        .unwrap();
    let page = browser_of("thomas")
        .get_html(&format!("/matters/{}", helios.matter.id))
        .await;
    assert!(page.contains("UDRP") && page.contains("SYRELI"), "{page}");
    let due = (app.clock_now() + chrono::Duration::days(6))
        .format("%a %-d %b %Y")
        .to_string();
    assert!(page.contains(&due), "response due {due}");

    // One message went out (through the outbox, to a file), one waits for approval.
    let matter_id = northwind.matter.id.clone();
    let log = app
        .state
        .db
        .run(move |c| outreach::log_in(c, &reclaim::repo::matters::MatterScope::One(matter_id)))
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .any(|e| e.delivery == Some(OutboxStatus::Sent) && e.domain == "northwind-coffee.com")
    );

    // Reports were kept for both matters and both clients.
    let kept = app
        .state
        .db
        .run(|c| {
            let mut n = 0;
            for client in clients::list(c)? {
                n += reports::for_client(c, &client.id)?.len();
            }
            Ok::<_, reclaim::db::DbError>(n)
        })
        .await
        .unwrap();
    assert_eq!(kept, 4);

    // Maya (Northwind) sees her matter and nothing of Helios.
    let maya = browser_of("maya");
    let matters_page = maya.get_html("/matters").await;
    assert!(matters_page.contains(&northwind.matter.reference));
    assert!(!matters_page.contains(&helios.matter.reference));
    assert!(!maya.get_html("/").await.contains("Helios"));
    // Of the messages to holders she sees the one sent, not the firm's draft.
    let her_matter = maya
        .get_html(&format!("/matters/{}", northwind.matter.id))
        .await;
    assert!(her_matter.contains("Offer to buy the domain name northwind-coffee.com"));
    assert!(!her_matter.contains("Offer to buy the domain name northwindcoffee.net"));
    let staff_view = browser_of("ines")
        .get_html(&format!("/matters/{}", northwind.matter.id))
        .await;
    assert!(staff_view.contains("Offer to buy the domain name northwindcoffee.net"));
    let other = maya.get(&format!("/matters/{}", helios.matter.id)).await;
    assert_eq!(other.status().as_u16(), 404);

    // Loading again would mix the demo into existing data: refused.
    match load(&app.state, &registry).await {
        Err(DemoError::NotEmpty(n)) => assert_eq!(n, 6),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The real command: `reclaim serve --demo` prints the accounts, each start makes new
/// passwords, and the previous start's no longer work.
#[test]
fn serve_demo_prints_accounts_that_sign_in_and_resets_at_every_start() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_demo(dir.path(), None);
    let second = run_demo(dir.path(), Some(&first[0]));
    assert_eq!(first.len(), 6, "{first:?}");
    assert_ne!(first[0].1, second[0].1, "a new password at every start");
    let demo = dir.path().join("var/demo");
    assert!(demo.join("demo.db").exists(), "the demo's own database");
    let mail = std::fs::read_dir(demo.join("mail")).map_or(0, Iterator::count);
    assert!(mail > 0, "the demo's mail, as files");
    assert!(
        !dir.path().join("var/reclaim.db").exists(),
        "not the firm's"
    );
    assert!(!dir.path().join("var/mail").exists(), "nor the firm's mail");
}

/// Starts the demo, signs in with the first account printed, checks the previous start's
/// password is refused, stops the server; returns (email, password) pairs.
fn run_demo(dir: &std::path::Path, previous: Option<&(String, String)>) -> Vec<(String, String)> {
    let (mut child, rx) = spawn_with_lines(&mut reclaim(
        dir,
        &[
            ("RECLAIM_BIND", "127.0.0.1:0"),
            ("RECLAIM_JOBS", "off"),
            ("RECLAIM_LOG", "info"),
        ],
        &["serve", "--demo"],
    ));
    let (mut port, mut accounts, mut email) = (None, Vec::new(), None);
    let mut output = String::new();
    loop {
        let line = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("the demo did not finish starting:\n{output}");
            }
        };
        output.push_str(&line);
        output.push('\n');
        if let Some(at) = line.find("listening on port ") {
            port = line[at + 18..]
                .split_whitespace()
                .next()
                .and_then(|p| p.parse::<u16>().ok());
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(found) = words.iter().find(|w| w.contains('@')) {
            email = Some((*found).to_owned());
        }
        if let Some(["password:", password]) = words.get(..2) {
            let e = email.take().expect("an e-mail before each password");
            accounts.push((e, (*password).to_owned()));
        }
        if line.contains("Registry data comes from a built-in demo registry") {
            break;
        }
    }
    let port = port.expect("the port is logged");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let browser = Browser::new(&format!("http://127.0.0.1:{port}"));
        let (email, password) = &accounts[0];
        let response = browser.login(email, password).await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "{email} signs in:\n{output}"
        );
        if let Some((email, password)) = previous {
            let stale = Browser::new(&format!("http://127.0.0.1:{port}"));
            let response = stale.login(email, password).await;
            assert_eq!(
                response.status().as_u16(),
                422,
                "the previous password is refused"
            );
        }
    });
    let _ = child.kill();
    let _ = child.wait();
    accounts
}
