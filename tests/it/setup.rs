//! First run: the one-time setup link.

use chrono::Duration;

use crate::helpers::{PASSWORD, location, restart, spawn_app};

fn setup_path(link: &str) -> String {
    format!(
        "/setup/{}",
        link.split_once("/setup/").expect("a setup link").1
    )
}

#[tokio::test]
async fn an_empty_database_gets_a_setup_link_that_creates_the_first_admin_once() {
    let app = spawn_app().await;
    let link = app
        .setup_link
        .clone()
        .expect("a setup link on an empty database");
    assert!(link.starts_with("http://127.0.0.1:8080/setup/"), "{link}");
    let path = setup_path(&link);

    let form = app.browser.get_html(&path).await;
    assert!(form.contains("Create the first administrator"));

    let response = app
        .browser
        .post_form(
            &path,
            &[
                ("name", "Ann Admin"),
                ("email", "ann@firm.example"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/");
    let dashboard = app.browser.get_html("/").await;
    assert!(dashboard.contains("reclaim is set up and you are its administrator"));
    assert!(
        dashboard.contains("href=\"/admin/users\""),
        "the admin sees user administration"
    );

    // The link is spent.
    let again = app.new_browser().get(&path).await;
    assert_eq!(again.status().as_u16(), 410);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("This setup link has already been used")
    );
    let reuse = app
        .new_browser()
        .post_form(
            &path,
            &[
                ("name", "Mallory"),
                ("email", "mallory@evil.example"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reuse.status().as_u16(), 410);
    let users = app.state.db.run(reclaim::repo::users::count).await.unwrap();
    assert_eq!(users, 1);

    let actions = app.audit_actions().await;
    for expected in ["setup.link_issued", "user.created", "setup.completed"] {
        assert!(
            actions.contains(&expected.to_owned()),
            "{expected} in {actions:?}"
        );
    }

    // Once someone exists, no new link is printed.
    let restarted = restart(app).await;
    assert!(restarted.setup_link.is_none());
}

#[tokio::test]
async fn a_forged_or_altered_setup_link_is_refused() {
    let app = spawn_app().await;
    let path = setup_path(app.setup_link.as_ref().unwrap());
    let mut altered = path.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [altered.as_str(), "/setup/abc", "/setup/abc.def"] {
        let response = app.browser.get(bad).await;
        assert_eq!(response.status().as_u16(), 404, "{bad}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("This setup link is not valid")
        );
    }
}

#[tokio::test]
async fn an_expired_setup_link_says_what_to_do() {
    let app = spawn_app().await;
    let path = setup_path(app.setup_link.as_ref().unwrap());
    app.clock.advance(Duration::hours(25));
    let response = app.browser.get(&path).await;
    assert_eq!(response.status().as_u16(), 410);
    let text = response.text().await.unwrap();
    assert!(text.contains("This setup link has expired"));
    assert!(text.contains("reclaim user add"));
}

#[tokio::test]
async fn only_the_latest_setup_link_works() {
    let first = spawn_app().await;
    let old_path = setup_path(first.setup_link.as_ref().unwrap());
    let second = restart(first).await;
    let new_path = setup_path(
        second
            .setup_link
            .as_ref()
            .expect("still no user: a new link"),
    );
    assert_ne!(old_path, new_path);
    assert_eq!(second.browser.get(&old_path).await.status().as_u16(), 410);
    assert_eq!(second.browser.get(&new_path).await.status().as_u16(), 200);
}

#[tokio::test]
async fn setup_form_errors_are_shown_next_to_the_fields_and_nothing_is_created() {
    let app = spawn_app().await;
    let path = setup_path(app.setup_link.as_ref().unwrap());
    let response = app
        .browser
        .post_form(
            &path,
            &[
                ("name", "Ann Admin"),
                ("email", "ann-at-firm"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("&#39;ann-at-firm&#39; is not an e-mail address")
            || html.contains("is not an e-mail address"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Ann Admin\""),
        "what was typed is kept"
    );

    let mismatch = app
        .browser
        .post_form(
            &path,
            &[
                ("name", "Ann Admin"),
                ("email", "ann@firm.example"),
                ("password", PASSWORD),
                ("password_confirm", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status().as_u16(), 422);
    assert!(
        mismatch
            .text()
            .await
            .unwrap()
            .contains("The two passwords do not match.")
    );
    assert_eq!(
        app.state.db.run(reclaim::repo::users::count).await.unwrap(),
        0
    );
    // The link still works after the mistakes.
    assert_eq!(app.browser.get(&path).await.status().as_u16(), 200);
}
