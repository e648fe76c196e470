//! The audit log: written by every change, shown to administrators, never rewritten.

use reclaim::model::user::Role;

use crate::helpers::spawn_app;

#[tokio::test]
async fn admins_read_the_log_and_filter_it() {
    let app = spawn_app().await;
    app.create_client("Acme").await;
    let ann = app.signed_in("ann@firm.example", Role::Admin, None).await;
    let page = app.browser.get_html("/admin/audit").await;
    for expected in [
        "user.created",
        "client.created",
        "user.login",
        "Created client Acme",
        "ann@firm.example",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
    let filtered = app.browser.get_html("/admin/audit?action=client").await;
    assert!(filtered.contains("client.created"));
    assert!(!filtered.contains("user.login"));
    let by_record = app
        .browser
        .get_html(&format!("/admin/audit?record={}", ann.id))
        .await;
    assert!(by_record.contains("user.login"));
    assert!(!by_record.contains("client.created"));
    let nothing = app.browser.get_html("/admin/audit?actor=nobody%25").await;
    assert!(nothing.contains("No event matches."));
}

#[tokio::test]
async fn the_log_pages_through_many_events() {
    let app = spawn_app().await;
    for i in 0..60 {
        app.create_client(&format!("Client {i:02}")).await;
    }
    app.signed_in("ann@firm.example", Role::Admin, None).await;
    let first = app.browser.get_html("/admin/audit?limit=50").await;
    assert!(!first.contains("Created client Client 00"));
    // `<a href="…" rel="next">Next page</a>`
    let at = first.find("rel=\"next\"").expect("a Next link");
    let start = first[..at].rfind("href=\"").unwrap() + 6;
    let end = start + first[start..].find('"').unwrap();
    let next = first[start..end]
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let second = app.browser.get_html(&next).await;
    assert!(
        second.contains("Created client Client 00"),
        "oldest events on the last page"
    );
    assert!(second.contains("rel=\"prev\""));
}

#[tokio::test]
async fn the_database_refuses_to_rewrite_or_delete_the_log() {
    let app = spawn_app().await;
    app.create_client("Acme").await;
    let result = app
        .state
        .db
        .run(|c| {
            use diesel::prelude::*;
            use reclaim::db::schema::audit_events::dsl::*;
            let update = diesel::update(audit_events)
                .set(summary.eq("nothing happened"))
                .execute(c);
            let delete = diesel::delete(audit_events).execute(c);
            Ok::<_, reclaim::db::DbError>((
                update.map_err(|e| e.to_string()),
                delete.map_err(|e| e.to_string()),
            ))
        })
        .await
        .unwrap();
    assert!(result.0.unwrap_err().contains("append-only"));
    assert!(result.1.unwrap_err().contains("append-only"));
    assert!(
        app.audit_actions()
            .await
            .contains(&"client.created".to_owned())
    );
}
