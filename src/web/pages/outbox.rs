//! The outbox for administrators and the firm's IT: every e-mail reclaim sends (alerts,
//! reminders, outreach, reports), its delivery attempts and the mail server's answers.

use actix_web::{HttpResponse, get, web};

use crate::app;
use crate::app::admin::OutboxQuery;
use crate::error::AppError;
use crate::model::outbox::{Attempt, MessageKind, OutboxMessage};
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
    pub possible_duplicate: bool,
}

impl From<&OutboxMessage> for MessageRow {
    fn from(m: &OutboxMessage) -> Self {
        Self {
            id: m.id.to_string(),
            created: show_time(&m.created_at),
            kind: m.kind.as_str().to_owned(),
            to: m.to_address.clone(),
            subject: m.subject.clone(),
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            last_error: m.last_error.clone().unwrap_or_default(),
            possible_duplicate: false,
        }
    }
}

pub struct AttemptRow {
    pub at: String,
    pub outcome: String,
    pub code: String,
    pub response: String,
}

impl From<Attempt> for AttemptRow {
    fn from(a: Attempt) -> Self {
        Self {
            at: show_time(&a.at),
            outcome: a.outcome,
            code: a.smtp_code.map(|c| c.to_string()).unwrap_or_default(),
            response: a.response,
        }
    }
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

#[get("/admin/outbox")]
pub async fn outbox_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let outbox = app::admin::outbox(&state, &user, query.into_inner()).await?;
    render(&OutboxPage {
        layout: Layout::for_user(&user, "Outbox", "outbox"),
        kind: outbox
            .kind
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        kinds: MessageKind::ALL.iter().map(|k| k.as_str()).collect(),
        messages: outbox
            .messages
            .iter()
            .map(|m| MessageRow {
                possible_duplicate: outbox.possible_duplicates.contains(&m.id),
                ..MessageRow::from(m)
            })
            .collect(),
        selected: outbox.selected.map(|(m, attempts)| {
            (
                MessageRow::from(&m),
                attempts.into_iter().map(AttemptRow::from).collect(),
            )
        }),
        delivery: outbox.delivery,
    })
}
