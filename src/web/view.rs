//! What several pages show the same way: table rows and choices built from the app's views.
//! Pages import these; no page imports another page.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::NaiveDate;

use crate::model::calendar::calendar_info;
use crate::model::deadlines::Urgency;
use crate::model::matter::{MatterStatus, MatterSummary};
use crate::model::outreach::{LogEntry, OutreachStatus};
use crate::model::present;
use crate::model::procedure::{Deadline, DocketEntry};
use crate::model::report::Report;
use crate::model::tld_policy::TldPolicy;
use crate::web::show_time;

/// A choice in a select or a checkbox list.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct MatterRow {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub client: String,
    pub lawyer: String,
    pub open: bool,
    pub backorders: i64,
    pub opened: String,
}
impl From<MatterSummary> for MatterRow {
    fn from(s: MatterSummary) -> Self {
        Self {
            id: s.matter.id.to_string(),
            reference: s.matter.reference,
            title: s.matter.title,
            client: s.client_name,
            lawyer: s.lawyer_name,
            open: s.matter.status == MatterStatus::Open,
            backorders: s.backorders,
            opened: show_time(&s.matter.opened_at),
        }
    }
}

/// A kept report as the matter and client pages list it.
pub struct ReportRow {
    pub id: String,
    pub reference: String,
    pub at: String,
    pub pages: i32,
    pub size: String,
    pub made_for: String,
    pub sent_to: String,
    pub kind: String,
}

pub fn rows(list: &[Report]) -> Vec<ReportRow> {
    list.iter()
        .map(|r| ReportRow {
            id: r.id.to_string(),
            reference: r.reference.clone(),
            at: show_time(&r.generated_at),
            pages: r.pages,
            size: format!("{:.0} KB", f64::from(r.size_bytes) / 1024.0),
            made_for: r.made_for.clone(),
            sent_to: r.sent_to.clone(),
            kind: r.kind.as_str().to_owned(),
        })
        .collect()
}

pub fn pdf_response(report: &Report, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/pdf"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", report.file_name()),
        ))
        .insert_header(("X-Report-Reference", report.reference.clone()))
        .insert_header(("X-Report-Sha256", report.sha256.clone()))
        .body(bytes)
}

/// The outreach log rows of a backorder or matter page.
pub struct LogRow {
    pub id: String,
    pub at: String,
    pub domain: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub answered: bool,
}

/// The messages to holders as the matter and backorder pages list them. A client user sees only
/// those sent: drafts are the firm's work in progress.
pub fn log_rows(entries: &[LogEntry], staff: bool) -> Vec<LogRow> {
    entries
        .iter()
        .filter(|e| staff || e.outreach.status == OutreachStatus::Queued)
        .map(|e| LogRow {
            id: e.outreach.id.to_string(),
            at: show_time(&e.outreach.updated_at),
            domain: e.domain.clone(),
            to: e.outreach.to_address.clone(),
            subject: e.outreach.subject.clone(),
            status: match (e.outreach.status, e.delivery) {
                (OutreachStatus::Queued, Some(d)) => d.as_str().to_owned(),
                (s, _) => s.as_str().to_owned(),
            },
            answered: e.outreach.answered_at.is_some(),
        })
        .collect()
}

pub struct DocketRow {
    pub id: String,
    pub due_on: String,
    pub label: String,
    pub rule: String,
    pub to_verify: bool,
    pub official: bool,
    pub matter_id: String,
    pub matter_reference: String,
    pub client: String,
    pub procedure: String,
    pub link: String,
    pub domains: String,
    pub assignee: String,
    pub status: String,
    pub open: bool,
}

/// A docket entry as the docket tables show it, with its due day (none for a deadline whose
/// day cannot be computed yet).
pub fn docket_row(e: &DocketEntry) -> Option<(NaiveDate, DocketRow)> {
    let d = &e.deadline;
    let due = d.due_on()?;
    let row = DocketRow {
        id: d.id.to_string(),
        due_on: present::weekday(due),
        label: d.label.clone(),
        rule: d.rule_label().to_owned(),
        to_verify: d.to_verify(),
        official: d.official_on.is_some() && !d.is_manual(),
        matter_id: d.matter_id.to_string(),
        matter_reference: e.matter_reference.clone(),
        client: e.client_name.clone(),
        procedure: e.procedure.clone().unwrap_or_default(),
        link: match &d.procedure_id {
            Some(p) => format!("/procedures/{p}"),
            None => format!("/matters/{}", d.matter_id),
        },
        domains: e.domains.join(", "),
        assignee: e
            .assignee_name
            .clone()
            .unwrap_or_else(|| "everyone on the matter".to_owned()),
        status: d.status().to_owned(),
        open: d.is_open(),
    };
    Some((due, row))
}

/// Upcoming deadlines of a matter, for the matter page.
pub fn upcoming(
    deadlines: &[Deadline],
    today: NaiveDate,
) -> Vec<(String, String, String, String, String)> {
    deadlines
        .iter()
        .filter(|d| d.is_open())
        .filter_map(|d| {
            let due = d.due_on()?;
            Some((
                present::weekday(due),
                d.label.clone(),
                d.rule_label().to_owned(),
                Urgency::of(due, today).as_str().to_owned(),
                match &d.procedure_id {
                    Some(p) => format!("/procedures/{p}"),
                    None => String::new(),
                },
            ))
        })
        .collect()
}

/// "US-FED — United States, federal holidays (Forum)".
pub fn calendar_label(id: &str) -> String {
    match calendar_info(id) {
        Some(info) => format!("{} — {}", info.id, info.name),
        None => id.to_owned(),
    }
}

/// What the "add a deadline by hand" form (on the matter and procedure pages) shows.
#[derive(Default)]
pub struct ManualValues {
    pub label: String,
    pub due_on: String,
    pub assigned_to: String,
    pub note: String,
    /// Sent back with errors: the form is shown open.
    pub sent_back: bool,
}

/// What the TLD's rules say, in words.
pub struct PolicyView {
    pub tld: String,
    pub registry: String,
    pub class: String,
    pub lifecycle: Vec<String>,
    pub backorder_note: String,
    pub instead: String,
    pub procedures: String,
    pub note: String,
    pub to_verify: Vec<String>,
    pub sources: Vec<String>,
}
impl From<&TldPolicy> for PolicyView {
    fn from(p: &TldPolicy) -> Self {
        let days = |label: &str, d: Option<u32>| {
            d.filter(|d| *d > 0).map(|d| format!("{label}: {d} days"))
        };
        Self {
            tld: p.tld.clone(),
            registry: p.registry.clone(),
            class: p.class.label().to_owned(),
            lifecycle: [
                days(
                    "Grace after expiry (registrar may delete until)",
                    p.auto_renew_grace_days,
                ),
                days("Grace after expiry (still renewable)", p.expiry_grace_days),
                days(
                    "Redemption (only the holder can restore)",
                    p.redemption_days,
                ),
                days("Pending delete (no restore)", p.pending_delete_days),
                days(
                    "Quarantine (only the holder can reactivate)",
                    p.quarantine_days,
                ),
            ]
            .into_iter()
            .flatten()
            .collect(),
            backorder_note: p.backorder_note.clone(),
            instead: p.backorder_instead.clone().unwrap_or_default(),
            procedures: if p.procedures.is_empty() {
                "none that reclaim runs".to_owned()
            } else {
                p.procedures
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            note: p.note.clone().unwrap_or_default(),
            to_verify: p.unconfirmed.clone(),
            sources: p.sources.clone(),
        }
    }
}
