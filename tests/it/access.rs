//! Who may see what: a client (portal) user sees only their own client.

use reclaim::model::user::Role;
use reqwest::Method;

use crate::helpers::{api, location, spawn_app};

#[tokio::test]
async fn a_client_user_sees_their_own_client_and_no_other() {
    let app = spawn_app().await;
    let acme = app.create_client("Acme").await;
    let beta = app.create_client("Beta Industries").await;
    let carl = app
        .signed_in("carl@acme.example", Role::Client, Some(&acme))
        .await;

    let own = app.browser.get_html(&format!("/clients/{acme}")).await;
    assert!(own.contains("Acme"));
    let other = app.browser.get(&format!("/clients/{beta}")).await;
    assert_eq!(other.status().as_u16(), 404);
    let text = other.text().await.unwrap();
    assert!(text.contains("No such client, or you do not have access to it."));
    assert!(!text.contains("Beta Industries"));

    let list = app.browser.get("/clients").await;
    assert_eq!(
        location(&list),
        format!("/clients/{acme}"),
        "the list is just their own file"
    );
    let dashboard = app.browser.get_html("/").await;
    assert!(
        dashboard.contains("This is Acme&#39;s space") || dashboard.contains("This is Acme"),
        "{dashboard}"
    );
    assert!(!dashboard.contains("Beta"));

    let token = app.api_token(&carl).await;
    let (status, body) = api(
        &app,
        Method::GET,
        &format!("/api/v1/clients/{beta}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, body) = api(
        &app,
        Method::GET,
        &format!("/api/v1/clients/{acme}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Acme");
    let (_, all) = api(&app, Method::GET, "/api/v1/clients", Some(&token), None).await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    let (_, me) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me["client_id"], acme.as_str());
}

#[tokio::test]
async fn a_client_user_cannot_create_or_administer() {
    let app = spawn_app().await;
    let acme = app.create_client("Acme").await;
    let carl = app
        .signed_in("carl@acme.example", Role::Client, Some(&acme))
        .await;
    for path in ["/clients/new", "/admin/users", "/admin/audit"] {
        assert_eq!(app.browser.get(path).await.status().as_u16(), 403, "{path}");
    }
    let response = app
        .browser
        .post_form("/clients", &[("name", "Mine"), ("email", "m@m.example")])
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let token = app.api_token(&carl).await;
    let (status, _) = api(
        &app,
        Method::POST,
        "/api/v1/clients",
        Some(&token),
        Some(serde_json::json!({"name": "Mine", "email": "m@m.example"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        app.state
            .db
            .run(reclaim::repo::clients::count)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn staff_see_every_client_and_lawyers_add_them() {
    let app = spawn_app().await;
    app.create_client("Acme").await;
    app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let response = app
        .browser
        .post_form(
            "/clients",
            &[("name", "Beta Industries"), ("email", "legal@beta.example")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let page = app.browser.get_html(&location(&response)).await;
    assert!(page.contains("Client Beta Industries created."));
    let list = app.browser.get_html("/clients").await;
    assert!(list.contains("Acme") && list.contains("Beta Industries"));

    let duplicate = app
        .browser
        .post_form("/clients", &[("name", "ACME"), ("email", "x@acme.example")])
        .await;
    assert_eq!(duplicate.status().as_u16(), 422);
    assert!(
        duplicate
            .text()
            .await
            .unwrap()
            .contains("A client named &#39;ACME&#39; already exists")
    );
    let bad = app
        .browser
        .post_form("/clients", &[("name", "Gamma"), ("email", "nope")])
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(
        bad.text().await.unwrap().contains("value=\"Gamma\""),
        "what was typed is kept"
    );

    for malformed in [
        "/clients/not-a-uuid",
        "/clients/0190d8a0-0000-7000-8000-000000000000",
    ] {
        assert_eq!(
            app.browser.get(malformed).await.status().as_u16(),
            404,
            "{malformed}"
        );
    }
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "client.created").count(), 2);
}

/// Issue 14 (3): when two clients' matters seek the same name, one client's backorder page named
/// the other client's procedure ("Another proceeding on the name is pending (M-…, SYRELI
/// FR-2026-…)"). A client user's hints read only their own matters.
#[tokio::test]
async fn a_client_user_never_learns_of_another_clients_procedure_on_the_same_name() {
    let app = spawn_app().await;
    let lina = app
        .create_user("lina@cabinet-martin.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lina).await;
    let acme = app.create_client("Acme").await;
    let beta = app.create_client("Beta Industries").await;
    let (ours, _) = app.open_matter(&acme, &lina, "Acme's name").await;
    let (theirs, their_reference) = app.open_matter(&beta, &lina, "Beta's name").await;
    let our_backorder = app.attach(&ours, "partage.fr").await;
    app.attach(&theirs, "partage.fr").await;
    let (status, body) = api(
        &app,
        Method::POST,
        &format!("/api/v1/matters/{theirs}/procedures"),
        Some(&token),
        Some(serde_json::json!({
            "kind": "syreli",
            "domains": ["partage.fr"],
            "case_number": "FR-2026-0077",
            "registrar_country": "FR",
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // Staff see the whole firm: the pending procedure is named.
    let staff = app.new_browser();
    staff
        .login("lina@cabinet-martin.example", crate::helpers::PASSWORD)
        .await;
    let page = staff
        .get_html(&format!("/backorders/{our_backorder}"))
        .await;
    assert!(
        page.contains("Another proceeding on the name is pending"),
        "{page}"
    );
    assert!(page.contains("FR-2026-0077"));

    // Acme's portal user reads the same page without a word of Beta's matter.
    app.signed_in("carl@acme.example", Role::Client, Some(&acme))
        .await;
    let page = app
        .browser
        .get_html(&format!("/backorders/{our_backorder}"))
        .await;
    for secret in [
        their_reference.as_str(),
        "FR-2026-0077",
        "Beta Industries",
        "Another proceeding",
    ] {
        assert!(
            !page.contains(secret),
            "{secret} shown to another client:\n{page}"
        );
    }
}
