//! The JSON API: bearer tokens, errors, the OpenAPI document.

use reclaim::model::user::Role;
use reclaim::repo::tokens;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, api, spawn_app};

#[tokio::test]
async fn me_needs_a_valid_token() {
    let app = spawn_app().await;
    let (status, body) = api(&app, Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Bearer")
    );

    for bad in ["rcl_not-a-real-token", "something-else"] {
        let (status, _) = api(&app, Method::GET, "/api/v1/me", Some(bad), None).await;
        assert_eq!(status, 401, "{bad}");
    }

    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lea).await;
    let (status, body) = api(&app, Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], lea.id.as_str());
    assert_eq!(body["email"], "lea@firm.example");
    assert_eq!(body["role"], "lawyer");
    assert!(body.get("calendar_url").is_some());
}

#[tokio::test]
async fn api_calls_ignore_session_cookies() {
    let app = spawn_app().await;
    app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let response = app.browser.get("/api/v1/me").await;
    assert_eq!(
        response.status().as_u16(),
        401,
        "a browser session is not an API credential"
    );
}

#[tokio::test]
async fn tokens_are_stored_hashed_and_stop_working_when_revoked_or_the_user_is_deactivated() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lea).await;

    let (lea_id, stored) = (lea.id.clone(), token.clone());
    let found_in_clear = app
        .state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use reclaim::db::schema::api_tokens::dsl::*;
            let hashes: Vec<String> = api_tokens
                .filter(user_id.eq(lea_id.as_str()))
                .select(token_hash)
                .load(c)?;
            Ok::<_, reclaim::db::DbError>(hashes.iter().any(|h| h.contains(&stored[4..])))
        })
        .await
        .unwrap();
    assert!(!found_in_clear, "only a hash of the token is stored");

    let list = {
        let id = lea.id.clone();
        app.state
            .db
            .run(move |c| tokens::list_api_tokens(c, &id))
            .await
            .unwrap()
    };
    let (actor, owner, token_id) = (app.actor(), lea.id.clone(), list[0].id.clone());
    app.state
        .db
        .run(move |c| tokens::revoke_api_token(c, &actor, &owner, &token_id))
        .await
        .unwrap();
    assert_eq!(
        api(&app, Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .0,
        401
    );

    // A deactivated user's tokens stop too.
    let second = app.api_token(&lea).await;
    assert_eq!(
        api(&app, Method::GET, "/api/v1/me", Some(&second), None)
            .await
            .0,
        200
    );
    app.signed_in("ann@firm.example", Role::Admin, None).await;
    app.browser
        .post_form(
            &format!("/admin/users/{}", lea.id),
            &[("name", "Lea"), ("role", "lawyer")],
        )
        .await;
    assert_eq!(
        api(&app, Method::GET, "/api/v1/me", Some(&second), None)
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn a_token_created_in_the_ui_is_shown_once_and_works() {
    let app = spawn_app().await;
    app.signed_in("lea@firm.example", Role::Lawyer, None).await;
    let response = app
        .browser
        .post_form("/account/tokens", &[("name", "docketing sync")])
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let html = response.text().await.unwrap();
    let start =
        html.find("id=\"new-token\">").expect("the token is shown") + "id=\"new-token\">".len();
    let token = &html[start..start + html[start..].find('<').unwrap()];
    assert!(token.starts_with("rcl_"));

    let (status, body) = api(&app, Method::GET, "/api/v1/me", Some(token), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["email"], "lea@firm.example");

    let page = app.browser.get_html("/account").await;
    assert!(page.contains("docketing sync"));
    assert!(!page.contains(token), "never shown again");
    assert!(
        page.contains(&format!("…{}", &token[token.len() - 4..])),
        "a hint tells tokens apart"
    );

    let empty = app
        .browser
        .post_form("/account/tokens", &[("name", "  ")])
        .await;
    assert_eq!(empty.status().as_u16(), 422);
    assert!(empty.text().await.unwrap().contains("Enter a name."));

    // Revoking from the page.
    let list = app
        .state
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use reclaim::db::schema::api_tokens::dsl::*;
            api_tokens
                .select(id)
                .load::<String>(c)
                .map_err(reclaim::db::DbError::from)
        })
        .await
        .unwrap();
    let revoke = app
        .browser
        .post_form(&format!("/account/tokens/{}/revoke", list[0]), &[])
        .await;
    assert_eq!(revoke.status().as_u16(), 303);
    assert_eq!(
        api(&app, Method::GET, "/api/v1/me", Some(token), None)
            .await
            .0,
        401
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"token.created".to_owned())
            && actions.contains(&"token.revoked".to_owned())
    );
}

#[tokio::test]
async fn nobody_can_revoke_someone_elses_token() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lea).await;
    let id = {
        let lea_id = lea.id.clone();
        app.state
            .db
            .run(move |c| tokens::list_api_tokens(c, &lea_id))
            .await
            .unwrap()[0]
            .id
            .clone()
    };
    app.signed_in("pat@firm.example", Role::Paralegal, None)
        .await;
    let response = app
        .browser
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        api(&app, Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn creating_a_client_through_the_api_validates_its_input() {
    let app = spawn_app().await;
    let lea = app
        .create_user("lea@firm.example", Role::Lawyer, None)
        .await;
    let token = app.api_token(&lea).await;

    let (status, body) = api(
        &app,
        Method::POST,
        "/api/v1/clients",
        Some(&token),
        Some(json!({"name": "Acme SA", "email": "Legal@Acme.example"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["email"], "legal@acme.example");
    let id = body["id"].as_str().unwrap().to_owned();
    let (status, body) = api(
        &app,
        Method::GET,
        &format!("/api/v1/clients/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Acme SA");

    let cases = [
        (
            json!({"name": "acme sa", "email": "x@acme.example"}),
            422,
            "name",
            "already exists",
        ),
        (
            json!({"name": "", "email": "x@acme.example"}),
            422,
            "name",
            "Enter a name.",
        ),
        (
            json!({"name": "Other", "email": "not-an-address"}),
            422,
            "email",
            "is not an e-mail address",
        ),
    ];
    for (body, expected_status, field, message) in cases {
        let (status, answer) = api(
            &app,
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, expected_status, "{body}");
        assert_eq!(answer["error"]["code"], "invalid");
        assert_eq!(answer["error"]["field"], field, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{answer}"
        );
    }
    // Not JSON, or missing members: 400 with the parser's reason.
    let client = reqwest::Client::new();
    let response = client
        .post(app.url("/api/v1/clients"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    let (status, body) = api(
        &app,
        Method::POST,
        "/api/v1/clients",
        Some(&token),
        Some(json!({"name": "Only a name"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("email"),
        "{body}"
    );

    let pat = app
        .create_user("pat@firm.example", Role::Paralegal, None)
        .await;
    let pat_token = app.api_token(&pat).await;
    let (status, body) = api(
        &app,
        Method::POST,
        "/api/v1/clients",
        Some(&pat_token),
        Some(json!({"name": "Beta", "email": "b@beta.example"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    let _ = PASSWORD;
}

/// The OpenAPI document describes every API route the code registers: the routes are read
/// from the handler attributes in `src/web/api/`.
#[tokio::test]
async fn the_openapi_document_is_complete() {
    let app = spawn_app().await;
    let (status, doc) = api(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/api");
    let mut routes = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in source.lines() {
            let line = line.trim();
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) {
                    let path = &rest[..rest.find('"').unwrap()];
                    routes.push((method.to_owned(), path.to_owned()));
                }
            }
        }
    }
    assert!(routes.len() >= 5, "routes found: {routes:?}");
    for (method, path) in &routes {
        let operation = paths.get(path).and_then(|p| p.get(method));
        assert!(
            operation.is_some(),
            "{} {path} is missing from openapi.json",
            method.to_uppercase()
        );
        assert!(
            operation.unwrap().get("responses").is_some(),
            "{method} {path} has no responses"
        );
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        routes.len(),
        "openapi.json documents routes the code does not have"
    );

    // Every documented operation exists: without a token it answers 401, not 404.
    for (method, path) in &routes {
        if path == "/openapi.json" {
            continue;
        }
        let concrete = path.replace("{id}", "0190d8a0-0000-7000-8000-000000000000");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, _) = api(
            &app,
            m,
            &format!("/api/v1{concrete}"),
            None,
            Some(json!({})),
        )
        .await;
        assert_eq!(status, 401, "{method} {path}");
    }
}
