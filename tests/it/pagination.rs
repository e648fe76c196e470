//! Pagination of the lists (README "Pagination"): `limit` and `after`, the `Link: <…>;
//! rel="next"` header (RFC 8288 §3) on the API and the "Next page" links on the pages, filters
//! kept across pages, bad parameters refused, a portal user's pages holding only their own
//! client's rows, and the matters search finding a name by an inner substring.

use std::collections::HashSet;

use reclaim::model::user::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, Watched, api, spawn_app};

/// GET `path` with the token: status, JSON body and the `rel="next"` URL of the Link header.
async fn get_page(app: &TestApp, path: &str, token: &str) -> (u16, Value, Option<String>) {
    let response = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let next = response
        .headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_owned())
        .map(|link| {
            // `<URL>; rel="next"` (RFC 8288 §3): a path-absolute URL.
            let url = link
                .strip_prefix('<')
                .and_then(|l| l.strip_suffix(">; rel=\"next\""))
                .unwrap_or_else(|| panic!("not a next link: {link}"));
            assert!(url.starts_with("/api/v1/"), "{url}");
            url.to_owned()
        });
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, next)
}

/// Every row of a list, page after page: each page holds at most `limit` rows and the last one
/// has no Link header.
async fn walk(app: &TestApp, first: &str, token: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut rows = Vec::new();
    let mut pages = 0;
    let mut path = Some(first.to_owned());
    while let Some(p) = path {
        let (status, body, next) = get_page(app, &p, token).await;
        assert_eq!(status, 200, "{p}: {body}");
        let page = body.as_array().expect("a JSON array").clone();
        assert!(page.len() <= limit, "{p}: {} rows", page.len());
        if next.is_some() {
            assert_eq!(page.len(), limit, "a page before the last is full");
        }
        rows.extend(page);
        pages += 1;
        assert!(pages < 100, "the walk does not end");
        path = next;
    }
    (rows, pages)
}

/// An object holding a paged list in `field` (a matter's names, a name's answers), walked by
/// the Link header from `path?limit={limit}`: each page's object passes `check`, each page before
/// the last is full, each next link keeps `limit`. A cursor not of this list is refused, naming
/// `after`. Returns the list's rows in order and the number of pages.
async fn walk_inner(
    app: &TestApp,
    path: &str,
    token: &str,
    field: &str,
    limit: usize,
    check: impl Fn(&Value),
) -> (Vec<Value>, usize) {
    let mut rows = Vec::new();
    let mut pages = 0;
    let mut next_path = Some(format!("{path}?limit={limit}"));
    while let Some(p) = next_path {
        let (status, body, next) = get_page(app, &p, token).await;
        assert_eq!(status, 200, "{p}: {body}");
        check(&body);
        let page = body[field].as_array().expect(field).clone();
        assert!(page.len() <= limit, "{p}: {} rows", page.len());
        if let Some(next) = &next {
            assert_eq!(page.len(), limit, "{p}: a page before the last is full");
            assert!(next.contains(&format!("limit={limit}")), "{next}");
        }
        rows.extend(page);
        pages += 1;
        assert!(pages < 50, "the walk does not end");
        next_path = next;
    }
    let (status, body, _) = get_page(app, &format!("{path}?after=nonsense"), token).await;
    assert_eq!(status, 400, "a cursor not of this list: {body}");
    assert!(body.to_string().contains("after"), "{body}");
    (rows, pages)
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_once(rows: &[Value]) {
    let all = ids(rows);
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "a row appears twice: {all:?}");
}

#[tokio::test]
async fn matters_walk_every_page_once_in_order_keeping_filters() {
    let app = spawn_app().await;
    let lawyer = app
        .create_user("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let acme = app.create_client("Acme").await;
    let other = app.create_client("Other").await;
    let mut acme_matters = Vec::new();
    for i in 0..7 {
        let (id, _) = app
            .open_matter(&acme, &lawyer, &format!("Acme matter {i}"))
            .await;
        acme_matters.push(id.to_string());
        app.open_matter(&other, &lawyer, &format!("Other matter {i}"))
            .await;
    }

    let (one_by_one, _) = walk(&app, "/api/v1/matters?status=all", &token, 100).await;
    assert_eq!(one_by_one.len(), 14);
    let (rows, pages) = walk(&app, "/api/v1/matters?status=all&limit=3", &token, 3).await;
    assert_eq!(pages, 5, "14 matters by 3");
    assert_once(&rows);
    assert_eq!(ids(&rows), ids(&one_by_one), "the same order as one page");

    // The client filter is kept in the next links.
    let (rows, pages) = walk(
        &app,
        &format!("/api/v1/matters?client_id={acme}&limit=2"),
        &token,
        2,
    )
    .await;
    assert_eq!(pages, 4);
    let mut found = ids(&rows);
    found.sort();
    acme_matters.sort();
    assert_eq!(found, acme_matters);

    // The search too.
    let (rows, _) = walk(&app, "/api/v1/matters?q=other&limit=4", &token, 4).await;
    assert_eq!(rows.len(), 7);
    assert!(
        rows.iter()
            .all(|r| r["title"].as_str().unwrap().starts_with("Other"))
    );
}

#[tokio::test]
async fn bad_limit_and_after_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let admin = app
        .create_user("admin@firm.example", Role::Admin, None)
        .await;
    let token = app.api_token(&admin).await;
    let client = app.create_client("Acme").await;
    app.open_matter(&client, &admin, "One").await;
    app.open_matter(&client, &admin, "Two").await;
    let (_, _, next) = get_page(&app, "/api/v1/matters?limit=1", &token).await;
    let next = next.expect("a next page");
    let cursor = next.split("after=").nth(1).unwrap().to_owned();

    for list in [
        "/api/v1/matters",
        "/api/v1/clients",
        "/api/v1/deadlines",
        "/api/v1/sender-profiles",
        "/api/v1/catch-accounts",
    ] {
        for limit in ["0", "-1", "1001", "ten"] {
            let (status, body, _) = get_page(&app, &format!("{list}?limit={limit}"), &token).await;
            assert_eq!(status, 400, "{list} limit={limit}: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("`limit`"), "{message}");
        }
        for after in ["garbage!", "AAAA", &cursor[..cursor.len() - 2]] {
            let (status, body, _) = get_page(&app, &format!("{list}?after={after}"), &token).await;
            assert_eq!(status, 400, "{list} after={after}: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("`after`"), "{message}");
        }
    }
    // A matters cursor is not a clients cursor.
    let (status, _, _) = get_page(&app, &format!("/api/v1/clients?after={cursor}"), &token).await;
    assert_eq!(status, 400);
    // The cursor as given works.
    let (status, body, _) = get_page(&app, &next, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn clients_walk_and_portal_users_see_only_their_own_on_every_page() {
    let app = spawn_app().await;
    let admin = app
        .create_user("admin@firm.example", Role::Admin, None)
        .await;
    let token = app.api_token(&admin).await;
    let mut names = Vec::new();
    let mut acme = None;
    for i in 0..9 {
        let name = format!("Client {i:02}");
        let id = app.create_client(&name).await;
        if i == 4 {
            acme = Some(id.clone());
        }
        app.open_matter(&id, &admin, &format!("Matter of {name}"))
            .await;
        names.push(name);
    }
    let (rows, pages) = walk(&app, "/api/v1/clients?limit=2", &token, 2).await;
    assert_eq!(pages, 5);
    assert_once(&rows);
    let listed: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(listed, names, "by name");

    let acme = acme.unwrap();
    let portal = app
        .create_user("someone@client.example", Role::Client, Some(&acme))
        .await;
    let portal_token = app.api_token(&portal).await;
    let (rows, _) = walk(&app, "/api/v1/clients?limit=1", &portal_token, 1).await;
    assert_eq!(ids(&rows), vec![acme.to_string()]);
    let (rows, _) = walk(&app, "/api/v1/matters?status=all&limit=1", &portal_token, 1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["client"]["id"], json!(acme.to_string()));
}

#[tokio::test]
async fn deadlines_and_senders_walk_every_page_once() {
    let app = spawn_app().await;
    let admin = app
        .create_user("admin@firm.example", Role::Admin, None)
        .await;
    let token = app.api_token(&admin).await;
    let client = app.create_client("Acme").await;
    for i in 0..3 {
        let (matter, _) = app.open_matter(&client, &admin, &format!("Case {i}")).await;
        let (status, body) = api(
            &app,
            Method::POST,
            &format!("/api/v1/matters/{matter}/procedures"),
            Some(&token),
            Some(json!({"kind": "udrp", "domains": [format!("brand{i}.com")]})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let procedure = body["id"].as_str().unwrap().to_owned();
        for (kind, date) in [
            ("complaint_filed", "2026-11-02"),
            ("commenced", "2026-11-06"),
        ] {
            let (status, body) = api(
                &app,
                Method::POST,
                &format!("/api/v1/procedures/{procedure}/events"),
                Some(&token),
                Some(json!({"kind": kind, "date": date})),
            )
            .await;
            assert_eq!(status, 201, "{body}");
        }
    }
    let (all, _) = walk(&app, "/api/v1/deadlines", &token, 100).await;
    assert!(!all.is_empty());
    let (rows, pages) = walk(&app, "/api/v1/deadlines?limit=1", &token, 1).await;
    assert_eq!(pages, all.len());
    assert_once(&rows);
    assert_eq!(ids(&rows), ids(&all), "the same order, page by page");

    for i in 0..3 {
        let (status, body) = api(
            &app,
            Method::POST,
            "/api/v1/sender-profiles",
            Some(&token),
            Some(json!({"legal_name": format!("Firm {i} SELARL"),
                "postal_address": "1 rue de la Paix, 75002 Paris",
                "phone": "+33 1 23 45 67 89", "from_email": format!("out{i}@firm.example")})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let (rows, pages) = walk(&app, "/api/v1/sender-profiles?limit=2", &token, 2).await;
    assert_eq!((rows.len(), pages), (3, 2));
    assert_once(&rows);
}

#[tokio::test]
async fn search_finds_a_name_by_an_inner_substring() {
    let app = spawn_app().await;
    let lawyer = app
        .create_user("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let client = app.create_client("Acme").await;
    let (sought, _) = app.open_matter(&client, &lawyer, "Brand recovery").await;
    app.attach(&sought, "supershoponline.com").await;
    let (elsewhere, _) = app.open_matter(&client, &lawyer, "Another").await;
    app.attach(&elsewhere, "example.org").await;

    for q in ["shopon", "SHOPON", "perShop", "supershoponline.com"] {
        let (status, body, _) = get_page(&app, &format!("/api/v1/matters?q={q}"), &token).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            ids(body.as_array().unwrap()),
            vec![sought.to_string()],
            "q={q}"
        );
    }
    // A quote in the text is no FTS5 syntax.
    let (status, body, _) = get_page(&app, "/api/v1/matters?q=sh%22op", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!([]));
    // Under three characters, names are not searched (the page says so).
    let (_, body, _) = get_page(&app, "/api/v1/matters?q=sh", &token).await;
    assert_eq!(body, json!([]));
}

#[tokio::test]
async fn list_pages_link_to_the_next_page_keeping_filters() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let client = app.create_client("Acme").await;
    for i in 0..5 {
        app.open_matter(&client, &lawyer, &format!("Brand {i}"))
            .await;
    }
    let mut path = "/matters?q=brand&limit=2".to_owned();
    let mut seen = Vec::new();
    loop {
        let html = app.browser.get_html(&path).await;
        seen.extend(
            (0..5)
                .map(|i| format!("Brand {i}"))
                .filter(|t| html.contains(&format!("<td>{t}</td>"))),
        );
        let Some(at) = html.find("rel=\"next\"") else {
            break;
        };
        // `<a href="…" rel="next">`: the href just before.
        let start = html[..at].rfind("href=\"").unwrap() + 6;
        let end = start + html[start..].find('"').unwrap();
        path = html[start..end].replace("&amp;", "&").replace("&#38;", "&");
        assert!(path.contains("q=brand"), "{path}");
        assert!(path.contains("limit=2"), "{path}");
        if path.contains("after=") {
            assert!(html.contains("rel=\"first\"") || seen.len() == 2);
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        (0..5).map(|i| format!("Brand {i}")).collect::<Vec<_>>()
    );
}

/// The href of the page's link with relation `rel` (`<a href="…" rel="…">`), as the browser
/// follows it.
fn link(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\""))?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(
        html[start..end]
            .replace("&amp;", "&")
            .replace("&#38;", "&")
            .replace("&#x23;", "#"),
    )
}

/// Of `candidates`, those the page shows, in the order it shows them.
fn shown(html: &str, candidates: &[String]) -> Vec<String> {
    let mut found: Vec<(usize, String)> = candidates
        .iter()
        .filter_map(|c| html.find(c.as_str()).map(|at| (at, c.clone())))
        .collect();
    found.sort();
    found.into_iter().map(|(_, c)| c).collect()
}

/// A paged HTML list walked forward by its "Next page" links from `first`, then back by its
/// "Previous page" links from the last page: the pages read backward are those read forward,
/// each link keeps `kept` (the filters and `limit`), pages after the first link to the first.
/// Returns the rows in order.
async fn walk_html(
    app: &TestApp,
    first: &str,
    candidates: &[String],
    limit: usize,
    kept: &[&str],
) -> Vec<String> {
    let mut forward = Vec::new();
    let mut path = first.to_owned();
    loop {
        let html = app.browser.get_html(&path).await;
        let rows = shown(&html, candidates);
        assert!(rows.len() <= limit, "{path}: {rows:?}");
        if forward.is_empty() {
            assert_eq!(link(&html, "prev"), None, "the first page has no previous");
        } else {
            assert!(link(&html, "first").is_some(), "{path}: no First link");
            assert!(link(&html, "prev").is_some(), "{path}: no Previous link");
        }
        forward.push(rows);
        assert!(forward.len() < 50, "the walk does not end");
        let Some(next) = link(&html, "next") else {
            break;
        };
        for k in kept {
            assert!(next.contains(k), "{next} keeps {k}");
        }
        assert_eq!(
            forward.last().unwrap().len(),
            limit,
            "a page before the last is full"
        );
        path = next;
    }
    let mut backward = vec![forward.last().unwrap().clone()];
    let mut html = app.browser.get_html(&path).await;
    while let Some(prev) = link(&html, "prev") {
        for k in kept {
            assert!(prev.contains(k), "{prev} keeps {k}");
        }
        html = app.browser.get_html(&prev).await;
        backward.push(shown(&html, candidates));
        assert!(
            backward.len() <= forward.len(),
            "more pages backward than forward"
        );
    }
    backward.reverse();
    assert_eq!(backward, forward, "the same pages both ways");
    forward.into_iter().flatten().collect()
}

#[tokio::test]
async fn pages_go_back_with_previous_links_keeping_filters() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let other = app.create_client("Other").await;
    for i in 0..7 {
        app.open_matter(&acme, &lawyer, &format!("Brand {i}")).await;
    }
    app.open_matter(&other, &lawyer, "Brand other").await;
    let titles: Vec<String> = (0..7).map(|i| format!("<td>Brand {i}</td>")).collect();
    let rows = walk_html(&app, "/matters?q=brand", &titles, 100, &[]).await;
    assert_eq!(rows.len(), 7);
    let paged = walk_html(
        &app,
        &format!("/matters?client_id={acme}&limit=3"),
        &titles,
        3,
        &["limit=3", &format!("client_id={acme}")],
    )
    .await;
    assert_eq!(paged.len(), 7);
    let distinct: HashSet<&String> = paged.iter().collect();
    assert_eq!(distinct.len(), 7, "{paged:?}");

    for i in 0..4 {
        app.create_client(&format!("Zeta {i}")).await;
    }
    let names: Vec<String> = ["Acme", "Other", "Zeta 0", "Zeta 1", "Zeta 2", "Zeta 3"]
        .iter()
        .map(|n| format!(">{n}<"))
        .collect();
    let clients = walk_html(&app, "/clients?limit=4", &names, 4, &["limit=4"]).await;
    assert_eq!(clients, names, "by name, both ways");

    // A cursor with both directions, or a Previous cursor of another list, is refused.
    let html = app.browser.get_html("/clients?limit=4").await;
    let next = link(&html, "next").unwrap();
    let cursor = next.split("after=").nth(1).unwrap().to_owned();
    let both = app
        .browser
        .get(&format!("/clients?after={cursor}&before={cursor}"))
        .await;
    assert_eq!(both.status().as_u16(), 400);
    let wrong = app.browser.get(&format!("/matters?before={cursor}")).await;
    assert_eq!(wrong.status().as_u16(), 400);
}

#[tokio::test]
async fn a_names_timeline_pages_newest_first_on_the_api_and_the_page() {
    use reclaim::model::lifecycle::Phase;
    use reclaim::model::monitoring::Source;
    use reclaim::repo::monitoring;

    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let client = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Recovery").await;
    let backorder = app.attach(&matter, "many-checks.com").await;
    let start = app.clock_now();
    // Seven checks, two by two at the same instant: the id breaks the ties.
    let stored = app
        .state
        .db
        .run(move |c| {
            let mut ids = Vec::new();
            for i in 0..7_i64 {
                let answer = reclaim::registry::Answer {
                    source: Source::Rdap,
                    server: "https://rdap.example/".to_owned(),
                    fetched_at: start + chrono::Duration::minutes(i / 2),
                    http_status: Some(200),
                    raw: format!("{{\"check\": {i}}}").into_bytes(),
                };
                ids.push(monitoring::insert_snapshot(
                    c,
                    "many-checks.com",
                    &answer,
                    &Default::default(),
                    Phase::Active,
                    None,
                )?);
            }
            Ok::<_, reclaim::db::DbError>(ids)
        })
        .await
        .unwrap();
    let all = app.kept_answers("many-checks.com").await;
    assert_eq!(all.len(), stored.len());
    let newest_first: Vec<String> = all.iter().map(|s| s.id.to_string()).collect();

    // The API: one page of `snapshots` per answer, the next in the Link header.
    let (answers, pages) = walk_inner(
        &app,
        &format!("/api/v1/backorders/{backorder}/history"),
        &token,
        "snapshots",
        3,
        |body| assert_eq!(body["domain"], json!("many-checks.com")),
    )
    .await;
    assert_eq!(pages, 3);
    assert_eq!(
        ids(&answers),
        newest_first,
        "each answer once, newest first"
    );

    // The page: the newest answers, Next and Previous links back to the list of answers.
    let links: Vec<String> = newest_first
        .iter()
        .map(|id| format!("/backorders/{backorder}/snapshots/{id}\""))
        .collect();
    let rows = walk_html(
        &app,
        &format!("/backorders/{backorder}?limit=3"),
        &links,
        3,
        &["limit=3", "#registry-answers"],
    )
    .await;
    assert_eq!(rows, links, "the page shows them newest first, both ways");
    // The evidence export keeps every answer whatever the page.
    let zip = app
        .browser
        .get(&format!("/backorders/{backorder}/evidence.zip"))
        .await;
    assert_eq!(zip.status().as_u16(), 200);
}

#[tokio::test]
async fn the_audit_log_and_the_users_page_by_key_both_ways() {
    let app = spawn_app().await;
    app.signed_in("admin@firm.example", Role::Admin, None).await;
    for i in 0..12 {
        app.create_client(&format!("Client {i:02}")).await;
    }
    let events: Vec<String> = (0..12)
        .rev()
        .map(|i| format!("Created client Client {i:02}"))
        .collect();
    let rows = walk_html(
        &app,
        "/admin/audit?action=client&limit=5",
        &events,
        5,
        &["action=client", "limit=5"],
    )
    .await;
    assert_eq!(rows, events, "newest first, each once");
    let bad = app.browser.get("/admin/audit?limit=0").await;
    assert_eq!(bad.status().as_u16(), 400);

    for i in 0..6 {
        app.create_user(&format!("user{i}@firm.example"), Role::Paralegal, None)
            .await;
    }
    let emails: Vec<String> = std::iter::once("admin@firm.example".to_owned())
        .chain((0..6).map(|i| format!("user{i}@firm.example")))
        .map(|e| format!("<td>{e}</td>"))
        .collect();
    let listed = walk_html(&app, "/admin/users?limit=3", &emails, 3, &["limit=3"]).await;
    let mut sorted = listed.clone();
    sorted.sort();
    let mut expected = emails.clone();
    expected.sort();
    assert_eq!(sorted, expected, "every account once");
}

#[tokio::test]
async fn findings_walk_most_dangerous_first_keeping_the_state_filter() {
    use reclaim::repo::lookalikes::{self, NewFinding};
    let app = spawn_app().await;
    let lawyer = app
        .create_user("ines@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let client = app.create_client("Northwind").await;
    // Seven names, three of them with the same score: the id breaks the tie.
    let scores = [95, 80, 80, 80, 75, 60, 100];
    let found: Vec<NewFinding> = scores
        .iter()
        .enumerate()
        .map(|(i, score)| NewFinding {
            client_id: client.clone(),
            matter_id: None,
            domain: format!("northwind-{i}.com"),
            unicode: format!("northwind-{i}.com"),
            mark: "northwind".into(),
            reason: json!({"family": null, "skeleton_equal": false, "contained": "northwind", "distance": null}),
            score: *score,
            source: "test zone".into(),
            seen_at: app.clock_now(),
            registry: None,
        })
        .collect();
    app.state
        .db
        .run(move |c| lookalikes::record(c, &found))
        .await
        .unwrap();
    let first = format!("/api/v1/clients/{client}/findings?state=new&limit=2");
    let (rows, pages) = walk(&app, &first, &token, 2).await;
    assert_eq!(pages, 4);
    assert_once(&rows);
    let listed: Vec<i64> = rows.iter().map(|r| r["score"].as_i64().unwrap()).collect();
    assert_eq!(listed, [100, 95, 80, 80, 80, 75, 60]);
    let (_, _, next) = get_page(&app, &first, &token).await;
    assert!(next.unwrap().contains("state=new"), "the filter is kept");

    // No rows in another state, and a cursor of another list is refused.
    let (rows, _) = walk(
        &app,
        &format!("/api/v1/clients/{client}/findings?state=dismissed&limit=2"),
        &token,
        2,
    )
    .await;
    assert!(rows.is_empty());
    let cursor =
        reclaim::model::paging::encode("clients", &["northwind".into(), client.to_string()]);
    let (status, body, _) = get_page(
        &app,
        &format!("/api/v1/clients/{client}/findings?after={cursor}"),
        &token,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`after` is not a cursor this list gave"),
        "{body}"
    );
}

/// Issue 17: the names about to drop, in full at `/drops` (the dashboard shows the first 20):
/// walked both ways in the dashboard's order, free or undated first (by name), then by predicted
/// drop across the two parts of the list; a client user sees only their own client's names.
#[tokio::test]
async fn names_about_to_drop_walk_both_ways_in_the_dashboards_order() {
    use reclaim::model::lifecycle::Phase;
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let acme = app.create_client("Acme").await;
    let globex = app.create_client("Globex").await;
    let (acme_matter, _) = app.open_matter(&acme, &lawyer, "Acme names").await;
    let (globex_matter, _) = app.open_matter(&globex, &lawyer, "Globex names").await;
    let mut acme_names: Vec<Watched> = vec![
        ("free-b.com".into(), Phase::Available, None, 1),
        ("free-a.com".into(), Phase::Available, None, 1),
        ("undated.com".into(), Phase::PendingDelete, None, 1),
        ("free-long-ago.com".into(), Phase::Available, None, 60),
    ];
    for i in 0..5_i64 {
        acme_names.push((
            format!("dated-{i}.com"),
            Phase::PendingDelete,
            Some(50 - i),
            1,
        ));
    }
    // Two names dropping at the same time: by name.
    acme_names.push(("same-b.com".into(), Phase::Redemption, Some(60), 1));
    acme_names.push(("same-a.com".into(), Phase::Redemption, Some(60), 1));
    let globex_names: Vec<Watched> =
        vec![("globex-dated.com".into(), Phase::PendingDelete, Some(10), 1)];
    app.attach_watched(&acme_matter, &acme_names).await;
    app.attach_watched(&globex_matter, &globex_names).await;
    let candidates: Vec<String> = acme_names
        .iter()
        .chain(&globex_names)
        .map(|(name, ..)| format!(">{name}<"))
        .collect();
    let expected: Vec<String> = [
        "free-a.com",
        "free-b.com",
        "undated.com",
        "globex-dated.com",
        "dated-4.com",
        "dated-3.com",
        "dated-2.com",
        "dated-1.com",
        "dated-0.com",
        "same-a.com",
        "same-b.com",
    ]
    .iter()
    .map(|n| format!(">{n}<"))
    .collect();
    let walked = walk_html(&app, "/drops?limit=3", &candidates, 3, &["limit=3"]).await;
    assert_eq!(walked, expected, "free and undated by name, then by drop");

    // A client user of Acme: the same list without Globex's name.
    app.create_user("it@acme.example", Role::Client, Some(&acme))
        .await;
    let portal = app.new_browser();
    assert_eq!(
        portal
            .login("it@acme.example", crate::helpers::PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let html = portal.get_html("/drops?limit=100").await;
    let seen = shown(&html, &candidates);
    let own: Vec<String> = expected
        .iter()
        .filter(|n| !n.contains("globex"))
        .cloned()
        .collect();
    assert_eq!(seen, own, "{html}");
}

#[tokio::test]
async fn a_matters_names_page_on_the_api_by_name_with_their_count() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let client = app.create_client("Acme").await;
    let (matter, _) = app.open_matter(&client, &lawyer, "Recovery").await;
    for name in [
        "delta.com",
        "alpha.com",
        "echo.com",
        "charlie.com",
        "bravo.com",
    ] {
        app.attach(&matter, name).await;
    }

    // The matter answers one page of its names (by name), their count in all, and the next
    // page in the Link header, keeping `limit`.
    let (found, pages) = walk_inner(
        &app,
        &format!("/api/v1/matters/{matter}"),
        &token,
        "backorders",
        2,
        |body| {
            assert_eq!(body["id"], json!(matter.to_string()));
            assert_eq!(body["backorder_count"], json!(5), "{body}");
        },
    )
    .await;
    assert_eq!(pages, 3);
    let names: Vec<&str> = found
        .iter()
        .map(|b| b["domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "alpha.com",
            "bravo.com",
            "charlie.com",
            "delta.com",
            "echo.com"
        ]
    );

    // Without `limit`, up to 100: all five, no Link header.
    let (status, body, next) = get_page(&app, &format!("/api/v1/matters/{matter}"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(body["backorders"].as_array().map(Vec::len), Some(5));
    assert_eq!(next, None);
}

#[tokio::test]
async fn a_matter_page_shows_its_newest_procedures_and_soonest_deadlines_with_links_to_all() {
    let app = spawn_app().await;
    let lawyer = app
        .signed_in("lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let acme = app.create_client("Acme").await;
    let (matter, reference) = app.open_matter(&acme, &lawyer, "Many disputes").await;
    let mut procedures = Vec::new();
    for i in 0..25 {
        let domain = format!("dispute-{i:02}.com");
        app.attach(&matter, &domain).await;
        let (status, body) = api(
            &app,
            Method::POST,
            &format!("/api/v1/matters/{matter}/procedures"),
            Some(&token),
            Some(json!({"kind": "udrp", "case_number": format!("D2026-{i:04}"), "domains": [domain]})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_str().unwrap().to_owned();
        let (status, body) = api(
            &app,
            Method::POST,
            &format!("/api/v1/procedures/{id}/events"),
            Some(&token),
            Some(json!({"kind": "commenced", "date": "2026-11-16"})),
        )
        .await;
        assert!(status < 300, "{body}");
        procedures.push(format!("/procedures/{id}\""));
    }
    let (_, whole) = api(
        &app,
        Method::GET,
        &format!("/api/v1/matters/{matter}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        whole["procedures"].as_array().unwrap().len(),
        25,
        "the API holds all"
    );
    let upcoming = whole["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == json!("pending") && !d["due_on"].is_null())
        .count();
    assert!(upcoming > 20, "the commencements set {upcoming} deadlines");

    // The matter page: the 20 newest, and a link to the rest.
    let page = app.browser.get_html(&format!("/matters/{matter}")).await;
    let on_page = shown(table(&page, "procedures"), &procedures);
    assert_eq!(on_page.len(), 20, "{on_page:?}");
    assert!(page.contains("The 20 newest of 25 procedures."), "{page}");
    assert!(page.contains(&format!("href=\"/matters/{matter}/procedures\"")));
    // Its deadlines: the 20 soonest, and the docket holds them all (staff).
    let rows = table(&page, "matter-deadlines");
    assert_eq!(rows.matches("<tr class=\"urgency-").count(), 20);
    assert!(
        page.contains(&format!(
            "The 20 soonest of {upcoming} deadlines to act on."
        )),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"/deadlines?matter={reference}\"")));

    // The full list, newest first, both ways: it starts with the page's 20.
    let all = walk_html(
        &app,
        &format!("/matters/{matter}/procedures?limit=10"),
        &procedures,
        10,
        &["limit=10"],
    )
    .await;
    assert_eq!(all.len(), 25);
    assert_once_each(&all);
    assert_eq!(all[..20], on_page[..], "the page shows the list's first");

    // A portal user of the client: the same counts, no link to the firm's docket.
    app.signed_in("carl@acme.example", Role::Client, Some(&acme))
        .await;
    let page = app.browser.get_html(&format!("/matters/{matter}")).await;
    assert!(page.contains("The 20 newest of 25 procedures."));
    assert!(page.contains(&format!(
        "The 20 soonest of {upcoming} deadlines to act on."
    )));
    assert!(
        !page.contains("href=\"/deadlines?"),
        "the docket is the firm's"
    );
    let list = app
        .browser
        .get_html(&format!("/matters/{matter}/procedures"))
        .await;
    assert_eq!(shown(&list, &procedures).len(), 25);
}

/// The table with this id on the page.
fn table<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<table id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = start + html[start..].find("</table>").unwrap();
    &html[start..end]
}

fn assert_once_each(rows: &[String]) {
    let distinct: HashSet<&String> = rows.iter().collect();
    assert_eq!(distinct.len(), rows.len(), "a row appears twice: {rows:?}");
}
