//! CSRF tokens, security headers, request ids on error pages.

use reclaim::model::user::Role;

use crate::helpers::{api, location, spawn_app, spawn_app_with};
use reclaim::config::PublicUrl;

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_with_a_reason() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;

    let missing = app
        .browser
        .post_form_raw(
            "/clients",
            &[("name", "Acme"), ("email", "legal@acme.example")],
        )
        .await;
    assert_eq!(missing.status().as_u16(), 403);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("This form is missing its security token. Reload the page")
    );

    let wrong = app
        .browser
        .post_form_raw(
            "/clients",
            &[
                ("name", "Acme"),
                ("email", "legal@acme.example"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(wrong.status().as_u16(), 403);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("does not match your session")
    );

    let clients = app
        .state
        .db
        .run(reclaim::repo::clients::count)
        .await
        .unwrap();
    assert_eq!(clients, 0, "nothing was created");

    let right = app
        .browser
        .post_form(
            "/clients",
            &[("name", "Acme"), ("email", "legal@acme.example")],
        )
        .await;
    assert_eq!(right.status().as_u16(), 303);
}

#[tokio::test]
async fn the_csrf_token_of_another_session_does_not_work() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let other = app.new_browser();
    let foreign_token = other.csrf_token().await;
    let response = app
        .browser
        .post_form_raw("/logout", &[("csrf_token", &foreign_token)])
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(
        app.browser.get("/").await.status().as_u16(),
        200,
        "still signed in"
    );
}

#[tokio::test]
async fn the_sign_in_form_is_protected_too() {
    let app = spawn_app().await;
    app.create_user("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let response = app
        .browser
        .post_form_raw(
            "/login",
            &[
                ("email", "lea.lawyer@firm.example"),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let text = response.text().await.unwrap();
    assert!(text.contains("Reload the page"), "{text}");
}

#[tokio::test]
async fn forms_posted_from_another_site_are_refused() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.browser.csrf_token().await;
    for (header, value) in [
        ("Origin", "https://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let response = app
            .browser
            .client
            .post(app.url("/logout"))
            .header(header, value)
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "{header}: {value}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("sent from another web site")
        );
    }
    // The same form from reclaim's own origin works.
    let response = app
        .browser
        .client
        .post(app.url("/logout"))
        .header("Origin", app.address.clone())
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn the_token_may_come_in_a_header() {
    let app = spawn_app().await;
    app.signed_in("lea.lawyer@firm.example", Role::Lawyer, None)
        .await;
    let token = app.browser.csrf_token().await;
    let response = app
        .browser
        .client
        .post(app.url("/logout"))
        .header("X-CSRF-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/login", "/", "/no-such-page", "/api/v1/me", "/healthz"] {
        let response = app.browser.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "{path}: not over http"
        );
    }
    let response = app.browser.get("/login").await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http on a first run");
}

#[tokio::test]
async fn over_https_cookies_are_secure_and_hsts_is_sent() {
    let app = spawn_app_with(|s| {
        s.public_url = PublicUrl::parse("https://reclaim.firm.example").unwrap()
    })
    .await;
    let response = app.browser.get("/login").await;
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn error_pages_show_the_request_id_of_the_log_line() {
    let app = spawn_app().await;
    let response = app.browser.get("/no-such-page").await;
    assert_eq!(response.status().as_u16(), 404);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(html.contains("There is no page at this address"));
    assert!(
        html.contains(&format!("request id <code>{id}</code>")),
        "{html}"
    );

    let (status, body) = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/nothing-here",
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["request_id"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
}

#[tokio::test]
async fn the_stylesheet_is_served_from_the_binary() {
    let app = spawn_app().await;
    let response = app.browser.get("/static/app.css").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert!(response.text().await.unwrap().contains(".topbar"));
}

#[tokio::test]
async fn the_script_is_served_from_the_binary_and_every_page_loads_it() {
    let app = spawn_app().await;
    let response = app.browser.get("/static/app.js").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    // Progressive enhancement of sortable tables and local times.
    let script = response.text().await.unwrap();
    assert!(script.contains("aria-sort") && script.contains("UTC"));
    let login = app.browser.get_html("/login").await;
    assert!(login.contains("<script src=\"/static/app.js?v="), "{login}");
    assert!(login.contains(" defer>"), "{login}");
}

/// Sends the head of a request that announces `length` bytes of body, and only the first few of
/// them; returns the status line the server answers without waiting for the rest.
async fn announce_body(
    app: &crate::helpers::TestApp,
    cookie: Option<&str>,
    length: usize,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.url("/").replace("http://", "");
    let host = address.trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         {cookie}Content-Length: {length}\r\n\r\nemail=someone%40firm.example&password="
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), stream.read(&mut answer))
        .await
        .expect("the server answers without waiting for the announced body")
        .unwrap();
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Issue 14 (7): 120 concurrent 7.9 MB sign-in bodies without a cookie took the server from
/// 236 MB to 934 MB, because the CSRF check read each body before looking at the session.
#[tokio::test]
async fn an_unauthenticated_body_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    // No session at all: refused at once, by its announced size or for want of a session.
    let status = announce_body(&app, None, 100 * 1024 * 1024).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    let status = announce_body(&app, None, 4 * 1024).await;
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");

    // A visitor's session (the sign-in page was opened): still no more than a small form.
    let visit = reqwest::Client::new()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap();
    let cookie = visit
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("reclaim_session="))
        .and_then(|v| v.split(';').next())
        .expect("the sign-in page starts a session")
        .to_owned();
    let status = announce_body(&app, Some(&cookie), 8 * 1024 * 1024).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
}
