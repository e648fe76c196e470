//! Deadlines outside reclaim: the daily digest and overdue alerts (through the outbox), and each
//! person's calendar feed.

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::auth::tokens;
use crate::db::{DbConn, DbError};
use crate::ics;
use crate::mail::{self, Draft};
use crate::model::outbox::MessageKind;
use crate::model::procedure::DocketEntry;
use crate::model::user::User;
use crate::repo::outbox::{self, NewMessage};
use crate::repo::procedures::{self, DocketFilter};
use crate::repo::users;
use crate::state::AppState;

const FEED_PURPOSE: &str = "calendar-feed";

/// The URL of a person's deadline feed (`/calendar/{token}.ics`).
pub fn feed_url(state: &AppState, feed_key: &str) -> String {
    let token = tokens::sign(&state.keys.link_tokens, FEED_PURPOSE, feed_key.as_bytes());
    state
        .settings
        .public_url
        .join(&format!("/calendar/{token}.ics"))
}

/// The person a feed token opens: signed by this instance and carrying a current key.
pub fn feed_owner(
    conn: &mut DbConn,
    link_key: &[u8; 32],
    token: &str,
) -> Result<Option<User>, DbError> {
    let Some(payload) = tokens::verify(link_key, FEED_PURPOSE, token) else {
        return Ok(None);
    };
    let Ok(key) = String::from_utf8(payload) else {
        return Ok(None);
    };
    let user = users::find_by_calendar_feed_key(conn, &key)?;
    // Client accounts have no docket.
    Ok(user.filter(|u| u.role.is_staff()))
}

use crate::model::present::weekday as day;

fn describe(entry: &DocketEntry) -> String {
    let mut what = format!("{} — {}", entry.matter_reference, entry.deadline.label);
    if let Some(procedure) = &entry.procedure {
        what.push_str(&format!(" ({procedure}"));
        if !entry.domains.is_empty() {
            what.push_str(&format!(", {}", entry.domains.join(", ")));
        }
        what.push(')');
    }
    what
}

/// The link to open a deadline in reclaim.
fn link(public_url: &crate::config::PublicUrl, entry: &DocketEntry) -> String {
    match &entry.deadline.procedure_id {
        Some(p) => public_url.join(&format!("/procedures/{p}")),
        None => public_url.join(&format!("/matters/{}", entry.deadline.matter_id)),
    }
}

/// A person's calendar: their open deadlines, and those finished in the last 90 days (shown
/// as cancelled so calendars drop them).
pub fn feed(
    conn: &mut DbConn,
    public_url: &crate::config::PublicUrl,
    user: &User,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let filter = DocketFilter {
        include_closed: true,
        ..Default::default()
    };
    let since = now.date_naive() - Duration::days(90);
    let entries: Vec<ics::Entry> = procedures::mine(conn, &user.id, &filter)?
        .into_iter()
        .filter_map(|entry| {
            let date = entry.deadline.due_on()?;
            let open = entry.deadline.is_open();
            if !open && date < since {
                return None;
            }
            let d = &entry.deadline;
            let mut description = format!(
                "Matter {} — {} ({})",
                entry.matter_reference, entry.matter_title, entry.client_name
            );
            if let Some(p) = &entry.procedure {
                description.push_str(&format!("\n{p}"));
            }
            if !entry.domains.is_empty() {
                description.push_str(&format!("\nNames: {}", entry.domains.join(", ")));
            }
            description.push_str(&format!("\nRule: {}", d.rule_label()));
            if !d.basis.is_empty() {
                description.push_str(&format!("\nHow: {}", d.basis));
            }
            if d.official_on.is_some() && !d.is_manual() {
                description.push_str("\nDate from the provider's notice (official).");
            }
            if d.to_verify() {
                description.push_str("\nTo verify: the rule's source is not confirmed.");
            }
            Some(ics::Entry {
                uid: format!("{}@reclaim", d.id),
                date,
                summary: format!(
                    "{}{}",
                    if d.to_verify() { "[to verify] " } else { "" },
                    describe(&entry)
                ),
                description,
                url: Some(link(public_url, &entry)),
                closed: !open,
                alarm_days_before: Some(1),
            })
        })
        .collect();
    Ok(ics::calendar(
        &format!("reclaim deadlines — {}", user.name),
        &entries,
        now,
    ))
}

/// What a reminders run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReminderReport {
    pub digests: usize,
    pub overdue_alerts: usize,
}

impl std::fmt::Display for ReminderReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} digest(s) and {} overdue alert(s) queued",
            self.digests, self.overdue_alerts
        )
    }
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// Queues, through the outbox, an alert for every deadline that became overdue (once per
/// deadline and date) and, from the configured hour, one digest per person per day of what is
/// due within the configured days.
pub async fn send_reminders(state: &AppState) -> Result<ReminderReport, DbError> {
    let now = state.clock.now();
    let (mailer, public_url) = (state.mailer.clone(), state.settings.public_url.clone());
    let (days, hour) = (state.settings.reminder_days, state.settings.reminder_hour);
    state
        .db
        .run(move |conn| {
            let mut report = ReminderReport::default();
            let today = now.date_naive();
            // Some(true): queued now; Some(false): queued before; None: the message could not be built.
            let queue = |conn: &mut DbConn, key: String, to: &str, subject: &str, text: &str, matter: Option<crate::model::ids::MatterId>| -> Result<Option<bool>, DbError> {
                let message_id = mailer.new_message_id();
                let raw = match mail::build(&Draft {
                    from: &mailer.from,
                    reply_to: None,
                    to,
                    subject,
                    text,
                    html: None,
                    message_id: &message_id,
                    date: now,
                    headers: vec![("X-Reclaim-Kind", "deadline-reminder".to_owned())],
                    attachments: Vec::new(),
                    dkim: None,
                }) {
                    Ok(raw) => raw,
                    Err(e) => {
                        tracing::error!(to, error = %e, "reminder not built");
                        return Ok(None);
                    }
                };
                let new = NewMessage {
                    kind: MessageKind::Reminder,
                    dedupe_key: Some(key),
                    message_id,
                    to_address: to.to_owned(),
                    subject: subject.to_owned(),
                    raw,
                    matter_id: matter,
                    backorder_id: None,
                };
                Ok(Some(outbox::enqueue(conn, &new, now)?.is_some()))
            };

            for entry in procedures::overdue_unalerted(conn, today)? {
                let Some(due) = entry.deadline.due_on() else { continue };
                // Marked alerted only once every alert is in the outbox: a message that could
                // not be built is tried again at the next run.
                let mut all_queued = true;
                for (user_id, name, email) in procedures::responsible_people(conn, &entry.deadline)? {
                    let subject = format!(
                        "OVERDUE: {} — {} was due {}",
                        entry.matter_reference,
                        entry.deadline.label,
                        day(due)
                    );
                    let text = format!(
                        "Hello {},\n\nThis deadline passed without being marked done:\n\n  {}\n  Due: {}{}\n  Rule: {}\n  {}\n\nOpen it: {}\n\n\
                         Mark it done once handled, or enter the official date if the provider set another.\n\n-- \nreclaim deadlines\n",
                        first_name(&name),
                        describe(&entry),
                        day(due),
                        if entry.deadline.official_on.is_some() && !entry.deadline.is_manual() { " (official date)" } else { "" },
                        entry.deadline.rule_label(),
                        entry.deadline.basis,
                        link(&public_url, &entry),
                    );
                    let key = format!("overdue:{}:{}:{}", entry.deadline.id, due, user_id);
                    match queue(conn, key, &email, &subject, &text, Some(entry.deadline.matter_id.clone()))? {
                        Some(true) => report.overdue_alerts += 1,
                        Some(false) => {}
                        None => all_queued = false,
                    }
                }
                if all_queued {
                    procedures::mark_overdue_alerted(conn, &entry.deadline.id, now)?;
                }
            }

            if now.hour() >= hour {
                let horizon = today + Duration::days(i64::from(days));
                for (user_id, name, _) in crate::repo::matters::firm_people(conn)? {
                    let Some(user) = users::find(conn, &user_id)? else { continue };
                    let filter = DocketFilter { due_by: Some(horizon), ..Default::default() };
                    let entries = procedures::mine(conn, &user_id, &filter)?;
                    if entries.is_empty() {
                        continue;
                    }
                    let overdue = entries.iter().filter(|e| e.deadline.due_on().is_some_and(|d| d < today)).count();
                    let mut lines = String::new();
                    let mut section = "";
                    for entry in &entries {
                        let Some(due) = entry.deadline.due_on() else { continue };
                        let heading = if due < today {
                            "Overdue"
                        } else if due == today {
                            "Due today"
                        } else if due <= today + Duration::days(7) {
                            "This week"
                        } else {
                            "Later"
                        };
                        if heading != section {
                            lines.push_str(&format!("\n{heading}\n"));
                            section = heading;
                        }
                        lines.push_str(&format!(
                            "  {}  {}{}\n      {}\n",
                            day(due),
                            if entry.deadline.to_verify() { "[to verify] " } else { "" },
                            describe(entry),
                            link(&public_url, entry)
                        ));
                    }
                    let subject = if overdue > 0 {
                        format!("Deadlines: {} in the next {days} days, {overdue} overdue", entries.len() - overdue)
                    } else {
                        format!("Deadlines: {} in the next {days} days", entries.len())
                    };
                    let text = format!(
                        "Hello {},\n\nYour deadlines up to {}:\n{lines}\nThe dashboard: {}\n\n-- \nreclaim deadlines (sent daily; the days ahead are set by RECLAIM_REMINDER_DAYS)\n",
                        first_name(&name),
                        day(horizon),
                        public_url.join("/deadlines"),
                    );
                    let key = format!("digest:{user_id}:{today}");
                    if queue(conn, key, &user.email, &subject, &text, None)? == Some(true) {
                        report.digests += 1;
                    }
                }
            }
            Ok(report)
        })
        .await
}
