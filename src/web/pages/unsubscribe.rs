//! `/u/{token}`: the unsubscribe link of every outreach message. GET shows one button and never
//! unsubscribes (mail scanners follow links); POST unsubscribes at once, without cookie, login or
//! anything but the link, and answers 200 with no redirect (RFC 8058 §3.2; docs/legal.md §6.6).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};

use crate::app;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, render_status};

#[derive(askama::Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    token: String,
    done: bool,
}

#[get("/u/{token}")]
pub async fn page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    app::outreach::unsubscribe_page(&state, &token)?;
    render_status(
        StatusCode::OK,
        &UnsubscribePage {
            layout: Layout::bare("Unsubscribe"),
            token: token.into_inner(),
            done: false,
        },
    )
}

/// One-click: the body (`List-Unsubscribe=One-Click`, form-encoded or multipart) is not even
/// needed; the signed token is the whole request.
#[post("/u/{token}")]
pub async fn one_click(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    app::outreach::unsubscribe(&state, &token).await?;
    render_status(
        StatusCode::OK,
        &UnsubscribePage {
            layout: Layout::bare("Unsubscribed"),
            token: token.into_inner(),
            done: true,
        },
    )
}
