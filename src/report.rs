//! Status reports for clients: what we are recovering and where each effort stands, as a PDF
//! the client can forward internally. `gather_*` reads everything a report says from the
//! database; `render_*` lays it out (no I/O); `generate_*` does both and keeps the result.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use crate::app::dossier::{self, Changes};
use crate::db::{DbConn, DbError};
use crate::model::audit::Actor;
use crate::model::client::Client;
use crate::model::deadlines::State;
use crate::model::ids::{ClientId, MatterId};
use crate::model::lifecycle::Phase;
use crate::model::matter::MatterStatus;
use crate::model::monitoring::MonitoredDomain;
use crate::model::outreach::{LogEntry, OutreachStatus};
use crate::model::present;
use crate::model::procedure::ProcedureStatus;
use crate::model::report::{Report, ReportKind};
use crate::pdf::{Align, Column, Document, PageSetup, PdfError};
use crate::repo::matters::MatterScope;
use crate::repo::reports::{self, NewReport};
use crate::repo::{clients, matters, senders};

/// Who the report comes from (the firm's first sender profile in use).
#[derive(Debug, Clone, Default)]
pub struct Firm {
    pub legal_name: String,
    pub postal_address: String,
    pub phone: String,
    pub email: String,
}

pub use crate::app::dossier::{Dossier as MatterData, ProcedureFile as ProcedureData};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("No such matter.")]
    MatterNotFound,
    #[error("No such client.")]
    ClientNotFound,
    #[error("the PDF could not be made: {0}")]
    Pdf(#[from] PdfError),
    #[error(transparent)]
    Db(#[from] DbError),
}

pub fn firm(conn: &mut DbConn) -> Result<Option<Firm>, DbError> {
    Ok(senders::list(conn)?
        .into_iter()
        .find(|p| p.active)
        .map(|p| Firm {
            legal_name: p.legal_name,
            postal_address: p.postal_address,
            phone: p.phone,
            email: p.reply_to.unwrap_or(p.from_email),
        }))
}

/// What a report on one matter says, read now.
pub fn gather_matter(
    conn: &mut DbConn,
    id: &MatterId,
    now: DateTime<Utc>,
) -> Result<MatterData, ReportError> {
    dossier::load(
        conn,
        &MatterScope::One(id.clone()),
        Changes::SinceLastReport(now),
    )?
    .pop()
    .ok_or(ReportError::MatterNotFound)
}

fn day(t: &NaiveDateTime) -> String {
    present::day(t.date())
}

use crate::model::present::weekday as date;

fn window(w: Option<&MonitoredDomain>) -> String {
    match w.map(|w| (w.drop_earliest, w.drop_latest)) {
        Some((Some(a), Some(b))) if a.date() == b.date() => day(&a),
        Some((Some(a), Some(b))) => format!("{} – {}", day(&a), day(&b)),
        _ => "—".to_owned(),
    }
}

/// What comes next, in a lawyer's words, from the state of the matter.
pub fn next_steps(data: &MatterData, today: chrono::NaiveDate) -> Vec<String> {
    let mut steps = Vec::new();
    let mut upcoming: Vec<(chrono::NaiveDate, String)> = data
        .procedures
        .iter()
        .flat_map(|p| {
            p.deadlines
                .iter()
                .filter(|d| d.is_open())
                .filter_map(move |d| {
                    d.due_on().map(|due| {
                        (
                            due,
                            format!("{}: {} by {}.", p.procedure.title(), d.label, date(due)),
                        )
                    })
                })
        })
        .chain(data.tasks().filter(|d| d.is_open()).filter_map(|d| {
            d.due_on()
                .map(|due| (due, format!("{} by {}.", d.label, date(due))))
        }))
        .collect();
    upcoming.sort();
    for (due, text) in upcoming.iter().take(3) {
        if *due < today {
            steps.push(format!("Overdue — {text}"));
        } else {
            steps.push(text.clone());
        }
    }
    for b in &data.backorders {
        // A name claimed in a running dispute is recovered through it, not by catching it.
        let disputed = data.procedures.iter().find(|p| {
            p.procedure.status != ProcedureStatus::Closed
                && p.domains.iter().any(|d| d.domain == b.domain)
        });
        if let Some(p) = disputed {
            steps.push(format!(
                "{} is claimed through the {}; we watch the registry meanwhile.",
                b.unicode,
                p.procedure.title()
            ));
            continue;
        }
        let w = data.watch(&b.domain);
        // A registration that is still running drops only if the holder does not renew.
        let still_held = w.is_some_and(|w| w.phase == Phase::Active);
        if let Some(w) = w.filter(|w| w.drop_earliest.is_some() && !still_held) {
            let placed: Vec<String> = data
                .channels
                .iter()
                .filter(|c| c.backorder_id == b.id)
                .map(|c| c.display_name())
                .collect();
            steps.push(if placed.is_empty() {
                format!(
                    "{} is expected to drop {}: it is not yet placed with a catch service.",
                    b.unicode,
                    window(Some(w))
                )
            } else {
                format!(
                    "{} is expected to drop {}; catch attempts are placed with {}.",
                    b.unicode,
                    window(Some(w)),
                    placed.join(", ")
                )
            });
        }
    }
    for e in data
        .outreach
        .iter()
        .filter(|e| e.outreach.status == OutreachStatus::Queued && e.outreach.answered_at.is_none())
    {
        steps.push(format!(
            "Awaiting the holder's answer about {} (written {}).",
            e.domain,
            day(&e.outreach.updated_at)
        ));
    }
    if steps.is_empty() {
        steps.push(
            "No action is due; we keep watching the registry and will report any change."
                .to_owned(),
        );
    }
    steps
}

/// The one-paragraph summary at the top of a matter.
fn summary(data: &MatterData) -> String {
    let n = data.backorders.len();
    let mut by_status: Vec<(String, usize)> = Vec::new();
    for b in &data.backorders {
        let label = b.status.label().to_lowercase();
        match by_status.iter_mut().find(|(l, _)| *l == label) {
            Some((_, c)) => *c += 1,
            None => by_status.push((label, 1)),
        }
    }
    let statuses = by_status
        .iter()
        .map(|(l, c)| format!("{c} {l}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = if n == 0 {
        "No domain name is attached to this matter yet.".to_owned()
    } else {
        format!(
            "We are recovering {n} domain name{} ({statuses}).",
            if n == 1 { "" } else { "s" }
        )
    };
    let running: Vec<String> = data
        .procedures
        .iter()
        .filter(|p| p.procedure.status != crate::model::procedure::ProcedureStatus::Closed)
        .map(|p| p.procedure.title())
        .collect();
    if !running.is_empty() {
        text.push_str(&format!(
            " Dispute procedure{} running: {}.",
            if running.len() == 1 { "" } else { "s" },
            running.join("; ")
        ));
    }
    let sent = data
        .outreach
        .iter()
        .filter(|e| e.outreach.status == OutreachStatus::Queued)
        .count();
    if sent > 0 {
        text.push_str(&format!(
            " {sent} message{} sent to holders.",
            if sent == 1 { "" } else { "s" }
        ));
    }
    text
}

/// The summary and what comes next: the first thing a client reads.
fn at_a_glance(doc: &mut Document, data: &MatterData, today: chrono::NaiveDate) {
    doc.heading("Summary");
    doc.paragraph(&summary(data));
    doc.subheading("Next steps");
    for step in next_steps(data, today) {
        doc.paragraph(&format!("• {step}"));
    }
}

/// Lays out one matter's details into `doc`.
fn matter_sections(doc: &mut Document, data: &MatterData, today: chrono::NaiveDate) {
    doc.heading("Names to recover");
    if data.backorders.is_empty() {
        doc.muted("None yet.");
    } else {
        let rows: Vec<Vec<String>> = data
            .backorders
            .iter()
            .map(|b| {
                let w = data.watch(&b.domain);
                let placed: Vec<String> = data
                    .channels
                    .iter()
                    .filter(|c| c.backorder_id == b.id)
                    .map(|c| format!("{} ({})", c.display_name(), c.status.label().to_lowercase()))
                    .collect();
                vec![
                    b.unicode.clone(),
                    b.status.label().to_owned(),
                    w.filter(|w| w.last_checked_at.is_some()).map_or_else(
                        || "not checked yet".to_owned(),
                        |w| w.phase.label().to_owned(),
                    ),
                    window(w),
                    if placed.is_empty() {
                        "—".to_owned()
                    } else {
                        placed.join(", ")
                    },
                ]
            })
            .collect();
        doc.table(
            &[
                Column {
                    title: "Domain".into(),
                    width: 3.0,
                    align: Align::Left,
                },
                Column {
                    title: "Status".into(),
                    width: 1.6,
                    align: Align::Left,
                },
                Column {
                    title: "At the registry".into(),
                    width: 2.0,
                    align: Align::Left,
                },
                Column {
                    title: "Predicted drop".into(),
                    width: 2.2,
                    align: Align::Left,
                },
                Column {
                    title: "Catch attempts".into(),
                    width: 2.6,
                    align: Align::Left,
                },
            ],
            &rows,
        );
    }

    if !data.procedures.is_empty() {
        doc.heading("Dispute procedures");
        for p in &data.procedures {
            doc.subheading(&p.procedure.title());
            let names = p
                .domains
                .iter()
                .map(|d| d.unicode.clone())
                .collect::<Vec<_>>()
                .join(", ");
            let mut facts: Vec<(&str, String)> = vec![
                ("Names", names),
                ("Status", p.procedure.status.label().to_owned()),
            ];
            if let Some(o) = p.procedure.outcome {
                facts.push(("Outcome", o.label().to_owned()));
            }
            let facts_ref: Vec<(&str, &str)> =
                facts.iter().map(|(k, v)| (*k, v.as_str())).collect();
            doc.facts(&facts_ref);
            if !p.events.is_empty() {
                let rows: Vec<Vec<String>> = p
                    .events
                    .iter()
                    .map(|e| vec![date(e.occurred_on), e.kind.label().to_owned()])
                    .collect();
                doc.table(
                    &[
                        Column {
                            title: "Date".into(),
                            width: 1.0,
                            align: Align::Left,
                        },
                        Column {
                            title: "What happened".into(),
                            width: 3.0,
                            align: Align::Left,
                        },
                    ],
                    &rows,
                );
            }
            let upcoming: Vec<Vec<String>> = p
                .deadlines
                .iter()
                .filter(|d| d.is_open() && d.state == State::Pending)
                .filter_map(|d| {
                    d.due_on().map(|due| {
                        vec![
                            date(due),
                            d.label.clone(),
                            d.rule_label().to_owned(),
                            if due < today {
                                "overdue".to_owned()
                            } else if d.official_on.is_some() && !d.is_manual() {
                                "official date".to_owned()
                            } else {
                                "computed".to_owned()
                            },
                        ]
                    })
                })
                .collect();
            if upcoming.is_empty() {
                doc.muted("No deadline running.");
            } else {
                doc.table(
                    &[
                        Column {
                            title: "Due".into(),
                            width: 1.3,
                            align: Align::Left,
                        },
                        Column {
                            title: "Deadline".into(),
                            width: 3.0,
                            align: Align::Left,
                        },
                        Column {
                            title: "Rule".into(),
                            width: 1.3,
                            align: Align::Left,
                        },
                        Column {
                            title: "Date".into(),
                            width: 1.1,
                            align: Align::Left,
                        },
                    ],
                    &upcoming,
                );
            }
        }
    }

    doc.heading(&match data.since {
        Some(since) => format!("Registry changes since {}", day(&since)),
        None => "Registry changes since the matter opened".to_owned(),
    });
    if data.changes.is_empty() {
        doc.muted("No change.");
    } else {
        let rows: Vec<Vec<String>> = data
            .changes
            .iter()
            .map(|c| {
                let name = data
                    .backorders
                    .iter()
                    .find(|b| b.domain == c.domain)
                    .map_or_else(|| c.domain.clone(), |b| b.unicode.clone());
                vec![day(&c.detected_at), name, c.summary.clone()]
            })
            .collect();
        doc.table(
            &[
                Column {
                    title: "When".into(),
                    width: 1.2,
                    align: Align::Left,
                },
                Column {
                    title: "Name".into(),
                    width: 2.0,
                    align: Align::Left,
                },
                Column {
                    title: "What changed".into(),
                    width: 4.0,
                    align: Align::Left,
                },
            ],
            &rows,
        );
    }

    let sent: Vec<&LogEntry> = data
        .outreach
        .iter()
        .filter(|e| e.outreach.status == OutreachStatus::Queued)
        .collect();
    if !sent.is_empty() {
        doc.heading("Messages to holders");
        let rows: Vec<Vec<String>> = sent
            .iter()
            .map(|e| {
                vec![
                    day(&e.outreach.updated_at),
                    e.domain.clone(),
                    e.outreach.subject.clone(),
                    match (&e.outreach.answered_at, e.outreach.answer_note.is_empty()) {
                        (Some(at), true) => format!("answered {}", day(at)),
                        (Some(at), false) => {
                            format!("answered {}: {}", day(at), e.outreach.answer_note)
                        }
                        (None, _) => "no answer yet".to_owned(),
                    },
                ]
            })
            .collect();
        doc.table(
            &[
                Column {
                    title: "Sent".into(),
                    width: 1.1,
                    align: Align::Left,
                },
                Column {
                    title: "Name".into(),
                    width: 1.8,
                    align: Align::Left,
                },
                Column {
                    title: "Subject".into(),
                    width: 2.8,
                    align: Align::Left,
                },
                Column {
                    title: "Answer".into(),
                    width: 2.6,
                    align: Align::Left,
                },
            ],
            &rows,
        );
    }
}

fn cover(doc: &mut Document, heading: &str, facts: &[(&str, String)], firm: Option<&Firm>) {
    doc.title(heading);
    let rows: Vec<(&str, &str)> = facts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    doc.facts(&rows);
    if let Some(f) = firm {
        doc.spacer(4.0);
        doc.subheading("From");
        doc.paragraph(&format!(
            "{}\n{}\nTel. {} · {}",
            f.legal_name, f.postal_address, f.phone, f.email
        ));
    }
    doc.spacer(4.0);
    doc.muted("This report is confidential and prepared for the client named above. Predicted drop dates come from the registries' published rules and the answers we record; a registry or the current holder can change them.");
}

/// A matter report, laid out; returns the PDF and its page count.
pub fn render_matter(
    data: &MatterData,
    firm: Option<&Firm>,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<u8>, usize), ReportError> {
    let mut doc = Document::new(PageSetup {
        title: format!(
            "Status report — {} {}",
            data.matter.reference, data.matter.title
        ),
        reference: reference.to_owned(),
        date: present::long_day(now.date_naive()),
        footer: firm.map_or_else(String::new, |f| f.legal_name.clone()),
    });
    cover(
        &mut doc,
        "Status report",
        &[
            ("Client", data.client.name.clone()),
            (
                "Matter",
                format!("{} — {}", data.matter.reference, data.matter.title),
            ),
            ("Responsible lawyer", data.lawyer.clone()),
            ("Report", reference.to_owned()),
            ("Date", present::long_day(now.date_naive())),
        ],
        firm,
    );
    at_a_glance(&mut doc, data, now.date_naive());
    doc.page_break();
    matter_sections(&mut doc, data, now.date_naive());
    let pages = doc.page_count_so_far();
    Ok((doc.finish()?, pages))
}

/// A client report: every open matter of the client.
pub fn render_client(
    client: &Client,
    matters: &[MatterData],
    firm: Option<&Firm>,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<u8>, usize), ReportError> {
    let mut doc = Document::new(PageSetup {
        title: format!("Status report — {}", client.name),
        reference: reference.to_owned(),
        date: present::long_day(now.date_naive()),
        footer: firm.map_or_else(String::new, |f| f.legal_name.clone()),
    });
    cover(
        &mut doc,
        "Status report",
        &[
            ("Client", client.name.clone()),
            ("Open matters", matters.len().to_string()),
            ("Report", reference.to_owned()),
            ("Date", present::long_day(now.date_naive())),
        ],
        firm,
    );
    if !matters.is_empty() {
        doc.spacer(4.0);
        let rows: Vec<Vec<String>> = matters
            .iter()
            .map(|m| {
                vec![
                    m.matter.reference.clone(),
                    m.matter.title.clone(),
                    m.backorders.len().to_string(),
                    m.procedures.len().to_string(),
                ]
            })
            .collect();
        doc.table(
            &[
                Column {
                    title: "Matter".into(),
                    width: 1.3,
                    align: Align::Left,
                },
                Column {
                    title: "About".into(),
                    width: 4.0,
                    align: Align::Left,
                },
                Column {
                    title: "Names".into(),
                    width: 0.8,
                    align: Align::Right,
                },
                Column {
                    title: "Procedures".into(),
                    width: 1.0,
                    align: Align::Right,
                },
            ],
            &rows,
        );
    }
    for m in matters {
        doc.page_break();
        doc.title(&format!("{} — {}", m.matter.reference, m.matter.title));
        at_a_glance(&mut doc, m, now.date_naive());
        matter_sections(&mut doc, m, now.date_naive());
    }
    let pages = doc.page_count_so_far();
    Ok((doc.finish()?, pages))
}

/// Generates a matter report and keeps it.
pub fn generate_matter(
    conn: &mut DbConn,
    actor: &Actor,
    id: &MatterId,
    made_for: &str,
) -> Result<(Report, Vec<u8>), ReportError> {
    let data = gather_matter(conn, id, actor.at)?;
    let firm = firm(conn)?;
    let reference = reports::next_reference(conn, actor.at)?;
    let (pdf, pages) = render_matter(&data, firm.as_ref(), &reference, actor.at)?;
    let report = reports::keep(
        conn,
        actor,
        &NewReport {
            reference: &reference,
            kind: ReportKind::Matter,
            client_id: &data.client.id,
            matter_id: Some(id),
            made_for,
            pdf: &pdf,
            pages,
        },
    )?;
    Ok((report, pdf))
}

/// Generates a client report (every open matter) and keeps it.
pub fn generate_client(
    conn: &mut DbConn,
    actor: &Actor,
    id: &ClientId,
    made_for: &str,
) -> Result<(Report, Vec<u8>), ReportError> {
    let client = clients::find(conn, id)?.ok_or(ReportError::ClientNotFound)?;
    let data = dossier::load(
        conn,
        &MatterScope::OpenOfClient(id.clone()),
        Changes::SinceLastReport(actor.at),
    )?;
    let firm = firm(conn)?;
    let reference = reports::next_reference(conn, actor.at)?;
    let (pdf, pages) = render_client(&client, &data, firm.as_ref(), &reference, actor.at)?;
    let report = reports::keep(
        conn,
        actor,
        &NewReport {
            reference: &reference,
            kind: ReportKind::Client,
            client_id: id,
            matter_id: None,
            made_for,
            pdf: &pdf,
            pages,
        },
    )?;
    Ok((report, pdf))
}

/// Where a report goes: the client's contacts who receive reports, else the client's address.
pub fn recipients(conn: &mut DbConn, client: &Client) -> Result<Vec<(String, String)>, DbError> {
    let contacts: Vec<(String, String)> = clients::contacts(conn, &client.id)?
        .into_iter()
        .filter(|c| c.receives_reports)
        .map(|c| (c.name, c.email))
        .collect();
    Ok(if contacts.is_empty() {
        vec![(client.name.clone(), client.email.clone())]
    } else {
        contacts
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SendReportError {
    #[error(
        "No sender profile is in use: an administrator must set up the firm's identity (Senders) before reports can be e-mailed."
    )]
    NoSender,
    #[error("{0}")]
    Mail(#[from] crate::mail::MailError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Queues the report, attached, to each recipient through the outbox (one message each, so no
/// one sees the others' addresses). Relationship mail to a client, not a solicitation, but it
/// carries the firm's identity all the same. Returns the recipients.
pub fn send(
    conn: &mut DbConn,
    report: &Report,
    pdf: &[u8],
    client: &Client,
    about: &str,
    host: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, SendReportError> {
    let profile = senders::list(conn)?
        .into_iter()
        .find(|p| p.active)
        .ok_or(SendReportError::NoSender)?;
    let from = crate::mail::parse_mailbox(&profile.from_header())?;
    let reply_to = match &profile.reply_to {
        Some(r) => Some(crate::mail::parse_mailbox(r)?),
        None => None,
    };
    let dkim = match (&profile.dkim_selector, &profile.dkim_private_key) {
        (Some(selector), Some(key)) => Some(crate::mail::Dkim {
            selector,
            domain: profile.domain(),
            private_key: key,
        }),
        _ => None,
    };
    let subject = format!("Status report {} — {}", report.reference, about);
    let mut sent = Vec::new();
    let mut first = None;
    for (i, (name, address)) in recipients(conn, client)?.into_iter().enumerate() {
        let greeting = name
            .split_whitespace()
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("Sir or Madam")
            .to_owned();
        let text = format!(
            "Dear {greeting},\n\nPlease find attached our status report {} on {}, dated {}.\n\n\
             It covers the names we are recovering for you, their state at the registries, any dispute \
             procedure with its deadlines, and the next steps. Reply to this message with any question.\n\n\
             Kind regards,\n\n-- \n{}\n{}\nTel. {}\n",
            report.reference,
            about,
            present::long_day(now.date_naive()),
            profile.legal_name,
            profile.postal_address,
            profile.phone,
        );
        let message_id = format!("<report-{}-{i}@{host}>", report.id);
        let raw = crate::mail::build(&crate::mail::Draft {
            from: &from,
            reply_to: reply_to.as_ref(),
            to: &address,
            subject: &subject,
            text: &text,
            html: None,
            message_id: &message_id,
            date: now,
            headers: vec![("X-Reclaim-Kind", "report".to_owned())],
            attachments: vec![crate::mail::AttachmentFile {
                filename: report.file_name(),
                content_type: "application/pdf".to_owned(),
                bytes: pdf.to_vec(),
            }],
            dkim,
        })?;
        let queued = crate::repo::outbox::enqueue(
            conn,
            &crate::repo::outbox::NewMessage {
                kind: crate::model::outbox::MessageKind::Report,
                dedupe_key: Some(format!("report:{}:{}", report.id, address.to_lowercase())),
                message_id,
                to_address: address.clone(),
                subject: subject.clone(),
                raw,
                matter_id: report.matter_id.clone(),
                backorder_id: None,
            },
            now,
        )?;
        if let Some(id) = queued {
            first.get_or_insert(id);
            sent.push(address);
        }
    }
    if let Some(outbox) = first {
        reports::mark_sent(conn, &report.id, &sent, &outbox, now)?;
    }
    Ok(sent)
}

/// The scheduled run: a client report to every client whose cadence says one is due and who
/// has open matters. Returns (sent, skipped with a reason).
pub fn run_schedule(
    conn: &mut DbConn,
    host: &str,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<String>), SendReportError> {
    let mut sent = 0;
    let mut problems = Vec::new();
    for client in clients::list(conn)? {
        if !schedule_due(
            client.report_cadence,
            reports::last_scheduled(conn, &client.id)?,
            now,
        ) {
            continue;
        }
        let open = matters::list(
            conn,
            &matters::MatterFilter {
                client_id: Some(client.id.clone()),
                status: Some(MatterStatus::Open),
                search: None,
            },
        )?;
        if open.is_empty() {
            continue;
        }
        let actor = Actor::process("report schedule", now);
        let outcome = crate::db::write_tx(conn, |conn| {
            let (report, pdf) = generate_client(conn, &actor, &client.id, "schedule")?;
            send(conn, &report, &pdf, &client, &client.name, host, now)
        });
        match outcome {
            Ok(_) => sent += 1,
            Err(SendReportError::NoSender) => {
                problems.push(SendReportError::NoSender.to_string());
                break;
            }
            Err(e) => problems.push(format!("{}: {e}", client.name)),
        }
    }
    Ok((sent, problems))
}

/// Whether a client's scheduled report is due: weekly after 7 days, monthly after 30.
pub fn schedule_due(
    cadence: crate::model::client::ReportCadence,
    last: Option<NaiveDateTime>,
    now: DateTime<Utc>,
) -> bool {
    use crate::model::client::ReportCadence;
    let every = match cadence {
        ReportCadence::None => return false,
        ReportCadence::Weekly => Duration::days(7),
        ReportCadence::Monthly => Duration::days(30),
    };
    last.is_none_or(|l| now.naive_utc() - l >= every - Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::client::ReportCadence;
    use chrono::TimeZone;

    #[test]
    fn schedules_fall_due_after_their_period() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap();
        let ago = |days: i64| Some((now - Duration::days(days)).naive_utc());
        let cases = [
            (ReportCadence::None, None, false),
            (ReportCadence::Weekly, None, true),
            (ReportCadence::Weekly, ago(6), false),
            (ReportCadence::Weekly, ago(7), true),
            (ReportCadence::Monthly, ago(29), false),
            (ReportCadence::Monthly, ago(30), true),
        ];
        for (cadence, last, due) in cases {
            assert_eq!(
                schedule_due(cadence, last, now),
                due,
                "{cadence:?} {last:?}"
            );
        }
    }
}
