//! `/u/{token}`: the unsubscribe link of every outreach message. GET shows one button and never
//! unsubscribes (mail scanners follow links); POST unsubscribes at once, without cookie, login or
//! anything but the link, and answers 200 with no redirect (RFC 8058 §3.2; legal-rules.md §6.6).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};

use crate::error::AppError;
use crate::outreach;
use crate::state::AppState;
use crate::web::{Layout, render_status};

#[derive(askama::Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    token: String,
    done: bool,
}

fn not_genuine() -> AppError {
    AppError::NotFound(
        "This unsubscribe link is not valid: it may have been cut or altered. Use the link from the message exactly, or reply to the message asking to be removed.".to_owned(),
    )
}

#[get("/u/{token}")]
pub async fn page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if outreach::unsubscribe_target(&state.keys.link_tokens, &token).is_none() {
        return Err(not_genuine());
    }
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
    let key = state.keys.link_tokens;
    let now = state.clock.now();
    let t = token.clone();
    let outcome = state
        .db
        .run(move |c| outreach::unsubscribe(c, &key, &t, "one-click link", now))
        .await?;
    match outcome {
        Some(_) => render_status(
            StatusCode::OK,
            &UnsubscribePage {
                layout: Layout::bare("Unsubscribed"),
                token: token.into_inner(),
                done: true,
            },
        ),
        None => Err(not_genuine()),
    }
}
