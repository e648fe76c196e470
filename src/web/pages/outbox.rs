//! The outbox for administrators and the firm's IT: every e-mail reclaim sends (alerts,
//! reminders, outreach, reports), its delivery attempts and the mail server's answers.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use crate::db::DbError;
use crate::error::AppError;
use crate::model::ids::OutboxId;
use crate::model::outbox::{MessageKind, OutboxMessage};
use crate::repo::outbox;
use crate::state::AppState;
use crate::web::session::CurrentUser;
use crate::web::{Layout, render, show_time};

pub struct MessageRow {
    pub id: String,
    pub created: String,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: String,
}

pub struct AttemptRow {
    pub at: String,
    pub outcome: String,
    pub code: String,
    pub response: String,
}

#[derive(askama::Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    kind: String,
    kinds: Vec<&'static str>,
    messages: Vec<MessageRow>,
    selected: Option<(MessageRow, Vec<AttemptRow>)>,
    delivery: String,
}

#[derive(Deserialize)]
pub struct OutboxQuery {
    kind: Option<String>,
    message: Option<String>,
}

fn row(m: &OutboxMessage) -> MessageRow {
    MessageRow {
        id: m.id.to_string(),
        created: show_time(&m.created_at),
        kind: m.kind.as_str().to_owned(),
        to: m.to_address.clone(),
        subject: m.subject.clone(),
        status: m.status.as_str().to_owned(),
        attempts: m.attempts,
        last_error: m.last_error.clone().unwrap_or_default(),
    }
}

#[get("/admin/outbox")]
pub async fn outbox_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let kind = match query.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            k.parse::<MessageKind>()
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let selected = match query.message.as_deref().filter(|m| !m.is_empty()) {
        Some(id) => Some(OutboxId::parse(id).map_err(|_| AppError::not_found("message"))?),
        None => None,
    };
    let (messages, detail) = state
        .db
        .run(move |c| {
            let messages = outbox::list(c, kind, 200)?;
            let detail = match selected {
                Some(id) => match outbox::find(c, &id)? {
                    Some(m) => Some((m, outbox::attempts(c, &id)?)),
                    None => None,
                },
                None => None,
            };
            Ok::<_, DbError>((messages, detail))
        })
        .await?;
    render(&OutboxPage {
        layout: Layout::for_user(&user, "Outbox", "outbox"),
        kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        kinds: MessageKind::ALL.iter().map(|k| k.as_str()).collect(),
        messages: messages.iter().map(row).collect(),
        selected: detail.map(|(m, attempts)| {
            (
                row(&m),
                attempts
                    .into_iter()
                    .map(|a| AttemptRow {
                        at: show_time(&a.at),
                        outcome: a.outcome,
                        code: a.smtp_code.map(|c| c.to_string()).unwrap_or_default(),
                        response: a.response,
                    })
                    .collect(),
            )
        }),
        delivery: state.mailer.describe(),
    })
}
