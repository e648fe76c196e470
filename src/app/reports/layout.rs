//! A status report laid out as a PDF, from what [`super::gather_matter`] (or a client's
//! dossiers) says: the summary and next steps first, then the names, the procedures with their
//! deadlines, the registry changes and the messages to holders. No I/O.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::{Firm, MatterData, ReportError};
use crate::model::client::Client;
use crate::model::deadlines::State;
use crate::model::lifecycle::Phase;
use crate::model::lookalike_finding::LookalikeFinding;
use crate::model::monitoring::MonitoredDomain;
use crate::model::outreach::{LogEntry, OutreachStatus};
use crate::model::present;
use crate::model::present::weekday as date;
use crate::model::procedure::ProcedureStatus;
use crate::pdf::{Align, Column, Document, PageSetup};

fn day(t: &NaiveDateTime) -> String {
    present::day(t.date())
}

fn window(w: Option<&MonitoredDomain>) -> String {
    match w {
        Some(w) => present::drop_days(w.drop_earliest, w.drop_latest),
        None => "—".to_owned(),
    }
}

/// What comes next, in a lawyer's words, from the state of the matter.
pub fn next_steps(data: &MatterData, today: NaiveDate) -> Vec<String> {
    let mut steps = Vec::new();
    let mut upcoming: Vec<(NaiveDate, String)> = data
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
                .channels_of(&b.id)
                .iter()
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
        .filter(|p| p.procedure.status != ProcedureStatus::Closed)
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
fn at_a_glance(doc: &mut Document, data: &MatterData, today: NaiveDate) {
    doc.heading("Summary");
    doc.paragraph(&summary(data));
    doc.subheading("Next steps");
    for step in next_steps(data, today) {
        doc.paragraph(&format!("• {step}"));
    }
}

/// Lays out one matter's details into `doc`.
fn matter_sections(doc: &mut Document, data: &MatterData, today: NaiveDate) {
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
                    .channels_of(&b.id)
                    .iter()
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

    let pending: Vec<Vec<String>> = data
        .after_catch
        .iter()
        .filter(|i| i.is_pending())
        .map(|i| {
            vec![
                data.backorders
                    .iter()
                    .find(|b| b.id == i.backorder_id)
                    .map_or_else(String::new, |b| b.unicode.clone()),
                i.item.label().to_owned(),
                present::weekday(i.due_on),
            ]
        })
        .collect();
    if !pending.is_empty() {
        doc.heading("After the catch");
        doc.muted("Still to do on the names caught or won for you.");
        doc.table(
            &[
                Column {
                    title: "Domain".into(),
                    width: 3.0,
                    align: Align::Left,
                },
                Column {
                    title: "To do".into(),
                    width: 5.4,
                    align: Align::Left,
                },
                Column {
                    title: "Due".into(),
                    width: 2.0,
                    align: Align::Left,
                },
            ],
            &pending,
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

/// The open lookalike findings (new or watched): names registered to imitate the client's
/// marks, most dangerous first.
fn lookalikes(doc: &mut Document, findings: &[LookalikeFinding]) {
    doc.heading("Lookalike names");
    doc.paragraph(&format!(
        "{} registered name(s) imitating your marks, found by our watch of the zone files and the registries and awaiting a decision.",
        findings.len()
    ));
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            let name = if f.unicode == f.domain {
                f.domain.clone()
            } else {
                format!("{} ({})", f.unicode, f.domain)
            };
            vec![
                name,
                f.mark.clone(),
                f.why(),
                f.first_seen_at.format("%Y-%m-%d").to_string(),
                f.state.label().to_owned(),
            ]
        })
        .collect();
    doc.table(
        &[
            Column::new("Name", 2.6, Align::Left),
            Column::new("Mark", 1.2, Align::Left),
            Column::new("Why", 2.6, Align::Left),
            Column::new("First seen", 1.1, Align::Left),
            Column::new("State", 0.9, Align::Left),
        ],
        &rows,
    );
}

/// A client report: every open matter of the client, and the open lookalike findings.
pub fn render_client(
    client: &Client,
    matters: &[MatterData],
    findings: &[LookalikeFinding],
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
    if !findings.is_empty() {
        lookalikes(&mut doc, findings);
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
