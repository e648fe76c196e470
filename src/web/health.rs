//! `/healthz`: for load balancers and the firm's monitoring. Says whether the database answers,
//! and nothing confidential.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::db::migrations;
use crate::state::AppState;

#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.backend().as_str();
    let checked = state.db.run(migrations::applied_count).await;
    match checked {
        Ok(applied) => HttpResponse::Ok().json(json!({
            "status": "ok",
            "database": { "backend": backend, "status": "ok", "migrations_applied": applied },
            "version": env!("CARGO_PKG_VERSION"),
        })),
        Err(error) => {
            tracing::warn!(error = %error, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "unavailable",
                "database": { "backend": backend, "status": "unavailable" },
                "version": env!("CARGO_PKG_VERSION"),
            }))
        }
    }
}
