//! Matters and backorders through the pages: opening, attaching names, conflict checks, CSV
//! import and export, who may see and change what.

use chrono::Duration;

use crate::helpers::{TestApp, location, spawn_app};
use reclaim::model::backorder::BackorderStatus;
use reclaim::model::user::Role;
use reclaim::repo::backorders;

async fn lawyer_with_client(
    app: &TestApp,
) -> (reclaim::model::user::User, reclaim::model::ids::ClientId) {
    let lea = app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let acme = app.create_client("Acme").await;
    (lea, acme)
}

#[tokio::test]
async fn a_lawyer_opens_a_matter_with_the_next_reference_of_the_year() {
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let pat = app
        .create_user("pat@firm.example", Role::Paralegal, None)
        .await;

    let form = app
        .browser
        .get_html(&format!("/matters/new?client={acme}"))
        .await;
    assert!(form.contains(&format!("<option value=\"{acme}\" selected>Acme</option>")));
    let response = app
        .browser
        .post_form(
            "/matters",
            &[
                ("client_id", acme.as_str()),
                ("title", "Recovery of acme.fr"),
                ("responsible_lawyer_id", lea.id.as_str()),
                ("team", pat.id.as_str()),
                ("marks", "ACME | EUTM 012345678\nAcme Widgets"),
                ("notes", "Client wants both .fr and .de"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let page = app.browser.get_html(&location(&response)).await;
    // The test clock is in November 2026.
    assert!(page.contains("M-2026-0001 · Recovery of acme.fr"), "{page}");
    assert!(page.contains("Pat"), "the team is shown");
    assert!(page.contains("ACME (EUTM 012345678)"));
    assert!(page.contains("Client wants both .fr and .de"));

    let (_, second) = app.open_matter(&acme, &lea, "Second file").await;
    assert_eq!(second, "M-2026-0002");
    app.clock.advance(Duration::days(60));
    let (_, next_year) = app.open_matter(&acme, &lea, "New year").await;
    assert_eq!(next_year, "M-2027-0001", "numbers restart each year");
    assert!(
        app.audit_actions()
            .await
            .contains(&"matter.created".to_owned())
    );
}

#[tokio::test]
async fn matter_form_mistakes_are_explained() {
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let pat = app
        .create_user("pat@firm.example", Role::Paralegal, None)
        .await;
    let carl = app
        .create_user("carl@acme.example", Role::Client, Some(&acme))
        .await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("client_id", ""),
                ("title", "T"),
                ("responsible_lawyer_id", lea.id.as_str()),
            ],
            "Choose the client.",
        ),
        (
            vec![
                ("client_id", acme.as_str()),
                ("title", ""),
                ("responsible_lawyer_id", lea.id.as_str()),
            ],
            "Enter a name.",
        ),
        (
            vec![
                ("client_id", acme.as_str()),
                ("title", "T"),
                ("responsible_lawyer_id", pat.id.as_str()),
            ],
            "The responsible lawyer must be an active lawyer or administrator",
        ),
        (
            vec![
                ("client_id", acme.as_str()),
                ("title", "T"),
                ("responsible_lawyer_id", lea.id.as_str()),
                ("team", carl.id.as_str()),
            ],
            "The team can only include active people of the firm",
        ),
        (
            vec![
                ("client_id", "0190d8a0-0000-7000-8000-000000000000"),
                ("title", "T"),
                ("responsible_lawyer_id", lea.id.as_str()),
            ],
            "The client does not exist.",
        ),
    ];
    for (fields, message) in cases {
        let response = app.browser.post_form("/matters", &fields).await;
        assert_eq!(response.status().as_u16(), 422, "{message}");
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }
    let all = app
        .state
        .db
        .run(|c| reclaim::repo::matters::list(c, &Default::default(), &Default::default()))
        .await
        .map(|page| page.rows)
        .unwrap();
    assert!(all.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn attaching_names_parses_them_once_and_refuses_what_cannot_work() {
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let (matter, reference) = app.open_matter(&acme, &lea, "Recovery").await;
    let path = format!("/matters/{matter}/backorders");

    let ok = app
        .browser
        .post_form(
            &path,
            &[
                ("domain", "Bücher.DE"),
                ("max_bid", "1 500,00"),
                ("currency", "eur"),
                ("priority", "high"),
            ],
        )
        .await;
    assert_eq!(ok.status().as_u16(), 303);
    let page = app.browser.get_html(&format!("/matters/{matter}")).await;
    assert!(page.contains("bücher.de is now watched for matter"));
    assert!(
        page.contains(">bücher.de</a>") && page.contains("xn--bcher-kva.de"),
        "shown in Unicode, with its A-label"
    );
    assert!(page.contains("EUR 1,500.00"));

    let cases = [
        (
            "bücher.de",
            "bücher.de is already a backorder of this matter.",
        ),
        (
            "xn--bcher-kva.de",
            "bücher.de is already a backorder of this matter.",
        ),
        ("", "Enter a domain name"),
        ("not a domain", "contains a space"),
        ("example.dk", "A backorder cannot work on .dk"),
        ("example.dk", "waiting list"),
        ("example.jp", "no registry rules for .jp"),
        ("example.notatld", "is not a top-level domain"),
        ("co.uk", "is a public suffix"),
        ("www.acme.fr", "use acme.fr"),
    ];
    for (domain, message) in cases {
        let response = app.browser.post_form(&path, &[("domain", domain)]).await;
        assert_eq!(response.status().as_u16(), 422, "{domain}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{domain}: expected {message}");
        assert!(
            html.contains(&format!("value=\"{domain}\"")),
            "the form keeps what was typed"
        );
    }
    let bad_bid = app
        .browser
        .post_form(&path, &[("domain", "acme.fr"), ("max_bid", "lots")])
        .await;
    assert_eq!(bad_bid.status().as_u16(), 422);
    assert!(bad_bid.text().await.unwrap().contains("is not an amount"));

    let stored = app
        .state
        .db
        .run(move |c| backorders::for_matter(c, &matter))
        .await
        .unwrap();
    assert_eq!(stored.len(), 1, "only the good name was stored");
    assert_eq!(stored[0].domain, "xn--bcher-kva.de");
    assert_eq!(stored[0].status, BackorderStatus::Watching);
    let _ = reference;
}

#[tokio::test]
async fn another_clients_matter_on_the_same_name_needs_a_confirmed_conflict_check() {
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let beta = app.create_client("Beta Industries").await;
    let (acme_matter, acme_ref) = app.open_matter(&acme, &lea, "Acme's names").await;
    app.attach(&acme_matter, "shared-name.com").await;
    let (beta_matter, _) = app.open_matter(&beta, &lea, "Beta's names").await;
    let path = format!("/matters/{beta_matter}/backorders");

    let warned = app
        .browser
        .post_form(&path, &[("domain", "Shared-Name.com")])
        .await;
    assert_eq!(warned.status().as_u16(), 422);
    let html = warned.text().await.unwrap();
    assert!(html.contains("Conflict of interest check"));
    assert!(
        html.contains(&format!("{acme_ref}</a> for Acme")),
        "names the other matter: {html}"
    );
    assert!(html.contains("name=\"confirm_conflict\""));
    let none = app
        .state
        .db
        .run({
            let m = beta_matter.clone();
            move |c| backorders::for_matter(c, &m)
        })
        .await
        .unwrap();
    assert!(none.is_empty(), "nothing attached before the confirmation");

    let confirmed = app
        .browser
        .post_form(
            &path,
            &[("domain", "shared-name.com"), ("confirm_conflict", "yes")],
        )
        .await;
    assert_eq!(confirmed.status().as_u16(), 303);
    let page = app
        .browser
        .get_html(&format!("/matters/{beta_matter}"))
        .await;
    assert!(page.contains("conflict checked"));
    let audit = app.audit_actions().await;
    assert!(audit.contains(&"backorder.conflict_confirmed".to_owned()));

    // The same client's other matter is not a conflict of interest.
    app.attach(&acme_matter, "acme-only.com").await;
    let (acme_second, _) = app.open_matter(&acme, &lea, "More for Acme").await;
    let same_client = app
        .browser
        .post_form(
            &format!("/matters/{acme_second}/backorders"),
            &[("domain", "acme-only.com")],
        )
        .await;
    assert_eq!(same_client.status().as_u16(), 303);
}

#[tokio::test]
async fn a_closed_matter_takes_no_new_names_until_reopened() {
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let (matter, reference) = app.open_matter(&acme, &lea, "Done").await;
    let closed = app
        .browser
        .post_form(&format!("/matters/{matter}/close"), &[])
        .await;
    assert_eq!(closed.status().as_u16(), 303);
    let page = app.browser.get_html(&format!("/matters/{matter}")).await;
    assert!(page.contains(&format!("Matter {reference} is closed.")));
    assert!(
        !page.contains("Attach a name"),
        "no attach form on a closed matter"
    );
    let refused = app
        .browser
        .post_form(
            &format!("/matters/{matter}/backorders"),
            &[("domain", "acme.fr")],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("is closed; reopen it")
    );
    app.browser
        .post_form(&format!("/matters/{matter}/reopen"), &[])
        .await;
    let ok = app
        .browser
        .post_form(
            &format!("/matters/{matter}/backorders"),
            &[("domain", "acme.fr")],
        )
        .await;
    assert_eq!(ok.status().as_u16(), 303);
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"matter.closed".to_owned())
            && actions.contains(&"matter.reopened".to_owned())
    );
}

#[tokio::test]
async fn matters_are_listed_and_found_by_reference_title_client_or_domain() {
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let beta = app.create_client("Beta Industries").await;
    let (m1, r1) = app.open_matter(&acme, &lea, "Recovery of acme.fr").await;
    app.attach(&m1, "bücher.de").await;
    let (_, r2) = app.open_matter(&beta, &lea, "Typosquats").await;

    let all = app.browser.get_html("/matters").await;
    assert!(all.contains(&r1) && all.contains(&r2));
    for (q, expected, absent) in [
        ("bücher", &r1, &r2),
        ("xn--bcher", &r1, &r2),
        ("beta", &r2, &r1),
        (r2.as_str(), &r2, &r1),
        ("TYPO", &r2, &r1),
    ] {
        let page = app
            .browser
            .get_html(&format!("/matters?q={}", urlencode(q)))
            .await;
        assert!(page.contains(expected.as_str()), "{q}");
        assert!(!page.contains(absent.as_str()), "{q}");
    }
    let nothing = app.browser.get_html("/matters?q=%25").await;
    assert!(
        nothing.contains("No matter matches."),
        "a % is searched literally"
    );
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)]).unwrap()[2..].to_owned()
}

#[tokio::test]
async fn a_client_user_reads_their_matters_and_cannot_change_or_see_others() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let beta = app.create_client("Beta Industries").await;
    let (own, own_ref) = app.open_matter(&acme, &lea, "Acme's names").await;
    let bo = app.attach(&own, "acme.fr").await;
    let (other, other_ref) = app.open_matter(&beta, &lea, "Beta's names").await;
    let other_bo = app.attach(&other, "beta.fr").await;
    app.signed_in("carl@acme.example", Role::Client, Some(&acme))
        .await;

    let list = app.browser.get_html("/matters").await;
    assert!(list.contains(&own_ref));
    assert!(!list.contains(&other_ref));
    let page = app.browser.get_html(&format!("/matters/{own}")).await;
    assert!(page.contains("acme.fr"));
    assert!(
        !page.contains("Attach a name") && !page.contains("/close"),
        "read-only"
    );
    let backorder_page = app.browser.get_html(&format!("/backorders/{bo}")).await;
    assert!(
        !backorder_page.contains("Change the status")
            && !backorder_page.contains("Place with a catch service")
    );

    for path in [
        format!("/matters/{other}"),
        format!("/backorders/{other_bo}"),
        format!("/matters/{other}/backorders.csv"),
    ] {
        let response = app.browser.get(&path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert!(!response.text().await.unwrap().contains("beta.fr"));
    }
    for (path, fields) in [
        (
            format!("/matters/{own}/backorders"),
            vec![("domain", "acme.de")],
        ),
        (format!("/matters/{own}/close"), vec![]),
        (
            format!("/backorders/{bo}/status"),
            vec![("status", "cancelled"), ("reason", "x")],
        ),
        (
            format!("/backorders/{bo}/channels"),
            vec![("service", "dropcatch")],
        ),
        ("/matters".to_owned(), vec![("title", "Mine")]),
    ] {
        let response = app.browser.post_form(&path, &fields).await;
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    assert_eq!(
        app.browser
            .get(&format!("/matters/{own}/import"))
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn a_paralegal_works_the_channels_but_does_not_open_matters() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&acme, &lea, "Names").await;
    let bo = app.attach(&matter, "acme.com").await;
    app.signed_in("pat@firm.example", Role::Paralegal, None)
        .await;
    assert_eq!(app.browser.get("/matters/new").await.status().as_u16(), 403);
    let added = app
        .browser
        .post_form(
            &format!("/backorders/{bo}/channels"),
            &[
                ("service", "dropcatch"),
                ("success_fee", "69"),
                ("currency", "usd"),
            ],
        )
        .await;
    assert_eq!(added.status().as_u16(), 303);
    let terms = app
        .browser
        .post_form(&format!("/backorders/{bo}"), &[("max_bid", "5000")])
        .await;
    assert_eq!(
        terms.status().as_u16(),
        403,
        "bids are the lawyer's decision"
    );
}

/// The `href` of the link marked `rel="…"` in a page, as a path to follow.
fn link(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\""))?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

#[tokio::test]
async fn a_matters_names_are_shown_a_page_at_a_time() {
    // Issue 17: a matter of 1,000 names costs its page no more than one of 100 (README
    // "Pagination": `limit`, `after` and `before`, First, Previous and Next links).
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let (matter, _) = app.open_matter(&acme, &lea, "Many names").await;
    let names = [
        "a-name.com",
        "b-name.com",
        "bücher.de",
        "c-name.com",
        "d-name.com",
    ];
    for name in names {
        app.attach(&matter, name).await;
    }
    let shown = |html: &str| -> Vec<&str> {
        names
            .iter()
            .copied()
            .filter(|n| html.contains(&format!(">{n}</a>")))
            .collect()
    };
    let mut path = format!("/matters/{matter}?limit=2");
    let mut forward = Vec::new();
    let mut html = loop {
        let html = app.browser.get_html(&path).await;
        let here = shown(&html);
        assert!(here.len() <= 2, "{path}: {here:?}");
        assert!(html.contains("of 5 names"), "{path}: the total is shown");
        if forward.is_empty() {
            assert_eq!(link(&html, "prev"), None, "the first page has no previous");
        } else {
            assert_eq!(
                link(&html, "first").as_deref(),
                Some(format!("/matters/{matter}?limit=2").as_str())
            );
        }
        forward.push(here);
        assert!(forward.len() < 10, "the walk ends");
        let Some(next) = link(&html, "next") else {
            break html;
        };
        assert!(next.contains("limit=2"), "{next}");
        path = next;
    };
    // By name as people read it, each once.
    assert_eq!(forward.len(), 3);
    assert_eq!(forward.concat(), names);

    // Back from the last page by the Previous links: the same pages, the size kept.
    let mut backward = vec![shown(&html)];
    while let Some(prev) = link(&html, "prev") {
        assert!(
            prev.contains("limit=2") && prev.contains("before="),
            "{prev}"
        );
        html = app.browser.get_html(&prev).await;
        backward.push(shown(&html));
        assert!(
            backward.len() <= forward.len(),
            "more pages back than forward"
        );
    }
    backward.reverse();
    assert_eq!(backward, forward, "the same names both ways");

    // Without `limit`, a small matter is one page with no links.
    let html = app.browser.get_html(&format!("/matters/{matter}")).await;
    assert!(names.iter().all(|n| html.contains(&format!(">{n}</a>"))));
    assert!(link(&html, "next").is_none() && !html.contains("of 5 names"));

    // A cursor that is not one, or a page size out of bounds, is refused with what to do.
    for bad in ["after=not-a-cursor", "limit=0", "limit=5000"] {
        let response = app.browser.get(&format!("/matters/{matter}?{bad}")).await;
        assert_eq!(response.status().as_u16(), 400, "{bad}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains("`after`") || text.contains("`limit`"),
            "{bad}: {text}"
        );
    }
}

#[tokio::test]
async fn the_search_follows_a_renamed_client_and_a_retitled_matter() {
    // The matters' texts are searched through an index kept by triggers (SQLite FTS5): a change
    // of the client's name is found at once, and the old name no longer is.
    let app = spawn_app().await;
    let (lea, acme) = lawyer_with_client(&app).await;
    let (_, reference) = app.open_matter(&acme, &lea, "Recovery programme").await;
    let before = app.browser.get_html("/matters?q=acme").await;
    assert!(before.contains(&reference), "found by the client's name");
    let change = reclaim::repo::clients::ClientChange {
        details: reclaim::model::client::NewClient::parse("Zenith Brands", "legal@zenith.example")
            .unwrap(),
        report_cadence: reclaim::model::client::ReportCadence::None,
        notes: String::new(),
    };
    let id = acme.clone();
    app.state
        .db
        .run(move |c| {
            reclaim::repo::clients::update(
                c,
                &reclaim::model::audit::Actor::process("test", chrono::Utc::now()),
                &id,
                &change,
            )
        })
        .await
        .unwrap();
    let found = app.browser.get_html("/matters?q=zenith").await;
    assert!(found.contains(&reference), "found by the new name");
    let old = app.browser.get_html("/matters?q=acme").await;
    assert!(
        old.contains("No matter matches."),
        "no longer by the old name"
    );
}
