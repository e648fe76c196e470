//! Lookalike findings (issue 18): a lawyer triages each name found imitating a client's marks —
//! dismiss (remembered when the name is found again), watch (monitored like a backorder), open a
//! backorder, start a dispute (the procedure form prefilled), draft a letter (the outreach gate)
//! — through the API and the client's lookalikes page; brand terms; who may see and decide.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, api, spawn_app};
use reclaim::model::ids::{ClientId, MatterId};
use reclaim::model::user::{Role, User};
use reclaim::repo::lookalikes::{self, NewFinding};

struct Firm {
    app: TestApp,
    lawyer: User,
    token: String,
    northwind: ClientId,
    matter: MatterId,
    helios: ClientId,
}

async fn firm() -> Firm {
    let app = spawn_app().await;
    let lawyer = app
        .create_user("ines@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lawyer).await;
    let northwind = app.create_client("Northwind").await;
    let helios = app.create_client("Helios").await;
    let (matter, _) = app
        .open_matter(&northwind, &lawyer, "Northwind names")
        .await;
    Firm {
        app,
        lawyer,
        token,
        northwind,
        matter,
        helios,
    }
}

/// What a scan found: names imitating "northwind" (the first two on the matter's mark).
async fn found(f: &Firm, names: &[(&str, &str, i32, bool)]) -> lookalikes::Recorded {
    let (client, matter, now) = (f.northwind.clone(), f.matter.clone(), f.app.clock_now());
    let found: Vec<NewFinding> = names
        .iter()
        .map(|(domain, family, score, on_matter)| NewFinding {
            client_id: client.clone(),
            matter_id: on_matter.then(|| matter.clone()),
            domain: (*domain).to_owned(),
            unicode: idna::domain_to_unicode(domain).0,
            mark: "northwind".into(),
            reason: json!({"family": family, "skeleton_equal": *family == "homoglyph",
                "contained": null, "distance": null}),
            score: *score,
            source: "test zone".into(),
            seen_at: now,
            registry: None,
        })
        .collect();
    f.app
        .state
        .db
        .run(move |c| lookalikes::record(c, &found))
        .await
        .unwrap()
}

async fn list(f: &Firm, token: &str, query: &str) -> (u16, Value) {
    api(
        &f.app,
        Method::GET,
        &format!("/api/v1/clients/{}/findings{query}", f.northwind),
        Some(token),
        None,
    )
    .await
}

fn id_of<'a>(list: &'a Value, domain: &str) -> &'a str {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x["domain"] == domain)
        .unwrap_or_else(|| panic!("{domain} in {list}"))["id"]
        .as_str()
        .unwrap()
}

async fn decide(f: &Firm, token: &str, id: &str, body: Value) -> (u16, Value) {
    api(
        &f.app,
        Method::POST,
        &format!("/api/v1/findings/{id}/triage"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn findings_are_listed_most_dangerous_first_and_a_dismissal_is_remembered() {
    let f = firm().await;
    let first = found(
        &f,
        &[
            ("northwind-login.com", "dictionary", 85, true),
            ("xn--nrthwind-zdg.com", "homoglyph", 100, true),
            ("northwinds.com", "plural", 60, true),
        ],
    )
    .await;
    assert_eq!(first.new, 3);
    let (status, body) = list(&f, &f.token, "").await;
    assert_eq!(status, 200, "{body}");
    let contract = crate::openapi::Contract::of(&f.app).await;
    contract.check(&Method::GET, "/clients/{id}/findings", status, &body);
    let order: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "xn--nrthwind-zdg.com",
            "northwind-login.com",
            "northwinds.com"
        ]
    );
    assert_eq!(body[0]["unicode"], "nοrthwind.com");
    assert_eq!(body[0]["state"], "new");

    let id = id_of(&body, "northwinds.com").to_owned();
    let (status, done) = decide(
        &f,
        &f.token,
        &id,
        json!({"action": "dismiss", "note": "A bakery in Leeds, no risk"}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    contract.check(&Method::POST, "/findings/{id}/triage", status, &done);
    assert_eq!(done["finding"]["state"], "dismissed");
    // The next scan finds it again: it stays dismissed, and is not new.
    let again = found(&f, &[("northwinds.com", "plural", 60, true)]).await;
    assert_eq!((again.new, again.seen_again), (0, 1));
    let (_, body) = list(&f, &f.token, "?state=dismissed").await;
    assert_eq!(body.as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body[0]["domain"], "northwinds.com");
    let (_, open) = list(&f, &f.token, "?state=new,watching").await;
    assert_eq!(open.as_array().unwrap().len(), 2, "{open}");
    // Dismissed twice: refused, saying what can be done.
    let (status, body) = decide(&f, &f.token, &id, json!({"action": "dismiss"})).await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("From here: Reopen"), "{message}");
    assert!(
        f.app
            .audit_actions()
            .await
            .iter()
            .any(|a| a == "lookalike.decided")
    );
    // Bad filters and actions are named.
    let (status, body) = list(&f, &f.token, "?state=forgotten").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "state");
    let (status, body) = decide(&f, &f.token, &id, json!({"action": "ignore"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "action");
}

#[tokio::test]
async fn acting_on_a_finding_records_the_name_on_the_matter_and_points_to_the_next_step() {
    let f = firm().await;
    found(
        &f,
        &[
            ("northwind-login.com", "dictionary", 85, true),
            ("northwind-shop.fr", "dictionary", 80, true),
            ("n0rthwind.com", "homoglyph", 95, false),
            ("northwnd.com", "omission", 70, true),
        ],
    )
    .await;
    let (_, body) = list(&f, &f.token, "").await;

    // Watch: the name is monitored at the registry like a backorder's.
    let (status, done) = decide(
        &f,
        &f.token,
        id_of(&body, "northwnd.com"),
        json!({"action": "watch"}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["finding"]["state"], "watching");
    let monitored = f
        .app
        .state
        .db
        .run(|c| reclaim::repo::monitoring::find(c, "northwnd.com"))
        .await
        .unwrap();
    assert!(monitored.is_some(), "watched names are monitored");

    // A dispute: attached to the matter, the procedure form prefilled (SYRELI for .fr).
    let (status, done) = decide(
        &f,
        &f.token,
        id_of(&body, "northwind-shop.fr"),
        json!({"action": "dispute"}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["finding"]["state"], "disputed");
    assert_eq!(
        done["next"],
        format!(
            "/matters/{}/procedures/new?kind=syreli&domain=northwind-shop.fr",
            f.matter
        )
    );
    let backorder = done["finding"]["backorder_id"].as_str().unwrap().to_owned();
    let (status, bo) = api(
        &f.app,
        Method::GET,
        &format!("/api/v1/backorders/{backorder}"),
        Some(&f.token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{bo}");
    assert_eq!(bo["domain"], "northwind-shop.fr");

    // A letter: the outreach draft of the name's backorder.
    let (status, done) = decide(
        &f,
        &f.token,
        id_of(&body, "northwind-login.com"),
        json!({"action": "letter", "note": "Phishing page; ask them to stop"}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let backorder = done["finding"]["backorder_id"].as_str().unwrap();
    assert_eq!(
        done["next"],
        format!("/backorders/{backorder}/outreach/new")
    );
    // Then a dispute on the same name reuses its backorder.
    let id = done["finding"]["id"].as_str().unwrap().to_owned();
    let (status, again) = decide(&f, &f.token, &id, json!({"action": "dispute"})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["finding"]["backorder_id"], backorder);

    // A brand term's finding has no matter: the lawyer must choose one of the client's.
    let brand = id_of(&body, "n0rthwind.com").to_owned();
    let (status, refused) = decide(&f, &f.token, &brand, json!({"action": "backorder"})).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["field"], "matter_id");
    let (other_matter, _) = f.app.open_matter(&f.helios, &f.lawyer, "Helios").await;
    let (status, refused) = decide(
        &f,
        &f.token,
        &brand,
        json!({"action": "backorder", "matter_id": other_matter.to_string()}),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("matter of the client"),
        "{refused}"
    );
    let (status, done) = decide(
        &f,
        &f.token,
        &brand,
        json!({"action": "backorder", "matter_id": f.matter.to_string()}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["finding"]["state"], "backordered");
}

#[tokio::test]
async fn only_lawyers_decide_and_client_users_see_only_their_own_findings() {
    let f = firm().await;
    found(&f, &[("northwind-login.com", "dictionary", 85, true)]).await;
    let paralegal = f
        .app
        .create_user("paul@firm.example", Role::Paralegal, None)
        .await;
    let paralegal = f.app.api_token(&paralegal).await;
    let theirs = f
        .app
        .create_user("hana@helios.example", Role::Client, Some(&f.helios))
        .await;
    let theirs = f.app.api_token(&theirs).await;
    let ours = f
        .app
        .create_user("maya@northwind.example", Role::Client, Some(&f.northwind))
        .await;
    let ours = f.app.api_token(&ours).await;

    let (status, body) = list(&f, &ours, "").await;
    assert_eq!(status, 200, "{body}");
    let id = id_of(&body, "northwind-login.com").to_owned();
    // Another client's user: the client and its findings do not exist for them.
    let (status, _) = list(&f, &theirs, "").await;
    assert_eq!(status, 404);
    // Deciding is refused for the role before any record is read.
    let (status, _) = decide(&f, &theirs, &id, json!({"action": "dismiss"})).await;
    assert_eq!(status, 403);
    // The client's own user and a paralegal read but do not decide.
    for token in [&ours, &paralegal] {
        let (status, body) = decide(&f, token, &id, json!({"action": "dismiss"})).await;
        assert_eq!(status, 403, "{body}");
    }
    let (status, body) = api(
        &f.app,
        Method::POST,
        &format!("/api/v1/clients/{}/brand-terms", f.northwind),
        Some(&ours),
        Some(json!({"term": "northwind"})),
    )
    .await;
    assert_eq!(status, 403, "{body}");
}

#[tokio::test]
async fn brand_terms_are_added_refused_when_too_short_and_removed() {
    let f = firm().await;
    let path = format!("/api/v1/clients/{}/brand-terms", f.northwind);
    let (status, term) = api(
        &f.app,
        Method::POST,
        &path,
        Some(&f.token),
        Some(json!({"term": "  Northwind "})),
    )
    .await;
    assert_eq!(status, 201, "{term}");
    let contract = crate::openapi::Contract::of(&f.app).await;
    contract.check(&Method::POST, "/clients/{id}/brand-terms", status, &term);
    assert_eq!(term["term"], "northwind");
    // Two letters would match a large part of any zone.
    let (status, body) = api(
        &f.app,
        Method::POST,
        &path,
        Some(&f.token),
        Some(json!({"term": "nw"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "term");
    let (status, list) = api(&f.app, Method::GET, &path, Some(&f.token), None).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let marks = f.app.state.db.run(lookalikes::watched_marks).await.unwrap();
    assert!(
        marks
            .iter()
            .any(|m| m.term == "northwind" && m.matter_id.is_none())
    );
    let (status, _) = api(
        &f.app,
        Method::DELETE,
        &format!("{path}/{}", term["id"].as_str().unwrap()),
        Some(&f.token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, list) = api(&f.app, Method::GET, &path, Some(&f.token), None).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_lookalikes_page_lists_findings_and_takes_decisions_with_its_form() {
    let f = firm().await;
    found(&f, &[("northwind-login.com", "dictionary", 85, true)]).await;
    let browser = f.app.new_browser();
    let response = browser.login("ines@firm.example", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 303);
    let page = format!("/clients/{}/lookalikes", f.northwind);
    let html = browser.get_html(&page).await;
    assert!(html.contains("northwind-login.com"), "{html}");
    assert!(html.contains("dictionary"), "{html}");
    let (_, body) = list(&f, &f.token, "").await;
    let id = id_of(&body, "northwind-login.com").to_owned();
    let response = browser
        .post_form(
            &format!("/findings/{id}/triage"),
            &[
                ("action", "backorder"),
                ("note", "seek it"),
                ("back", &page),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let to = crate::helpers::location(&response);
    assert!(to.starts_with("/backorders/"), "{to}");
    // A refused decision comes back to the page with its reason.
    let response = browser
        .post_form(
            &format!("/findings/{id}/triage"),
            &[("action", "watch"), ("back", &page)],
        )
        .await;
    assert_eq!(crate::helpers::location(&response), page);
    let html = browser.get_html(&page).await;
    assert!(html.contains("does not apply"), "{html}");
    // A brand term through the page; a short one is refused with its reason.
    let response = browser
        .post_form(
            &format!("/clients/{}/brand-terms", f.northwind),
            &[("term", "nw")],
        )
        .await;
    assert_eq!(crate::helpers::location(&response), page);
    let html = browser.get_html(&page).await;
    assert!(html.to_lowercase().contains("too many"), "{html}");
}
