//! `/healthz`.

use crate::helpers::{on_postgres, spawn_app};

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = spawn_app().await;
    let response = app.browser.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["status"], "ok");
    assert_eq!(
        body["database"]["backend"],
        if on_postgres() { "postgres" } else { "sqlite" }
    );
    assert!(body["database"]["migrations_applied"].as_u64().unwrap() >= 1);
}
