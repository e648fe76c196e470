//! Status reports for clients: what we are recovering and where each effort stands, as a PDF
//! the client can forward internally. `gather_*` reads everything a report says from the
//! database (through [`dossier`], in a fixed number of queries); [`layout`] lays it out (no
//! I/O); `generate_*` does both and keeps the result; [`send`] queues it to the client's people
//! and [`run_schedule`] sends the reports the clients' cadences say are due.
//!
//! The use cases at the end serve the matter page (generate, send now), the downloads of kept
//! reports and the API's `GET /matters/{id}/report.pdf`.

mod layout;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

pub use self::layout::{next_steps, render_client, render_matter};
use crate::app::access::{Caller, Principal, visible_matter, visible_report};
use crate::app::dossier::{self, Changes};
use crate::db::{DbConn, DbError, write_tx};
use crate::error::AppError;
use crate::model::audit::Actor;
use crate::model::client::{Client, ReportCadence};
use crate::model::ids::{ClientId, MatterId};
use crate::model::lookalike_finding::FindingState;
use crate::model::present;
use crate::model::report::{Report, ReportKind};
use crate::pdf::PdfError;
use crate::repo::matters::MatterScope;
use crate::repo::reports::{self, NewReport};
use crate::repo::{clients, senders};
use crate::state::AppState;

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
    Ok(senders::first_active(conn)?.map(|p| Firm {
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

/// The most dangerous open findings a client report lists.
const MAX_FINDINGS_IN_REPORT: i64 = 200;

/// Generates a client report (every open matter, the open lookalike findings) and keeps it.
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
    let findings = crate::repo::lookalikes::for_client(
        conn,
        id,
        &[FindingState::New, FindingState::Watching],
        None,
        MAX_FINDINGS_IN_REPORT,
    )?;
    let firm = firm(conn)?;
    let reference = reports::next_reference(conn, actor.at)?;
    let (pdf, pages) = render_client(
        &client,
        &data,
        &findings,
        firm.as_ref(),
        &reference,
        actor.at,
    )?;
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
    let profile = senders::first_active(conn)?.ok_or(SendReportError::NoSender)?;
    let from = crate::mail::parse_mailbox(&profile.from_header())?;
    let reply_to = match &profile.reply_to {
        Some(r) => Some(crate::mail::parse_mailbox(r)?),
        None => None,
    };
    let dkim = crate::mail::Dkim::of_sender(&profile);
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
/// has open matters. Returns (sent, skipped with a reason). Which clients are due is read in
/// two queries, whatever their number; each due client's report is then made and queued in its
/// own transaction.
pub fn run_schedule(
    conn: &mut DbConn,
    host: &str,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<String>), SendReportError> {
    let mut sent = 0;
    let mut problems = Vec::new();
    for (client, last) in reports::schedule_candidates(conn)? {
        if !schedule_due(client.report_cadence, last, now) {
            continue;
        }
        let actor = Actor::process("report schedule", now);
        let outcome = write_tx(conn, |conn| {
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
    cadence: ReportCadence,
    last: Option<NaiveDateTime>,
    now: DateTime<Utc>,
) -> bool {
    let every = match cadence {
        ReportCadence::None => return false,
        ReportCadence::Weekly => Duration::days(7),
        ReportCadence::Monthly => Duration::days(30),
    };
    last.is_none_or(|l| now.naive_utc() - l >= every - Duration::hours(1))
}

// ---- use cases ----

/// A report queued to the client's people.
#[derive(Debug, Clone)]
pub struct Sent {
    pub report: Report,
    /// The addresses it was queued to.
    pub to: Vec<String>,
}

/// Generates a matter's report now and keeps it, to download from the matter page (staff).
pub async fn generate(
    state: &AppState,
    caller: &Caller,
    matter_id: &str,
) -> Result<Report, AppError> {
    caller.require_staff()?;
    let matter = visible_matter(state, caller, matter_id).await?;
    let actor = caller.actor(state.clock.now());
    let (kept, _) = state
        .db
        .run(move |c| generate_matter(c, &actor, &matter.id, "download"))
        .await?;
    Ok(kept)
}

/// Generates a matter's report now and queues it to the client's people (staff): both or
/// neither.
pub async fn send_now(
    state: &AppState,
    caller: &Caller,
    matter_id: &str,
) -> Result<Sent, AppError> {
    caller.require_staff()?;
    let matter = visible_matter(state, caller, matter_id).await?;
    let actor = caller.actor(state.clock.now());
    let host = state.mailer.host().to_owned();
    let about = format!("{} {}", matter.reference, matter.title);
    let (report, to) = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let client =
                    clients::find(c, &matter.client_id)?.ok_or(ReportError::ClientNotFound)?;
                let (kept, pdf) = generate_matter(c, &actor, &matter.id, "sent now")?;
                let to = send(c, &kept, &pdf, &client, &about, &host, actor.at)?;
                Ok::<_, SendReportError>((kept, to))
            })
        })
        .await?;
    Ok(Sent { report, to })
}

/// A kept report, `R-2026-0001.pdf` or its id, if the user may see its client.
pub async fn download(
    state: &AppState,
    user: &Principal,
    file: &str,
) -> Result<(Report, Vec<u8>), AppError> {
    visible_report(state, user, file.trim_end_matches(".pdf")).await
}

/// What `GET /api/v1/matters/{id}/report.pdf` answers. Reading never keeps anything: staff get
/// a preview of the report as it would be made now; a client user gets the latest report the
/// firm kept on the matter (what was actually sent to them).
pub enum MatterPdf {
    Preview(Vec<u8>),
    Kept(Report, Vec<u8>),
}

/// The reference printed on a preview, which is kept nowhere and so has no number.
pub const PREVIEW: &str = "Preview (not kept)";

pub async fn matter_pdf(
    state: &AppState,
    user: &Principal,
    matter_id: &str,
) -> Result<MatterPdf, AppError> {
    let matter = visible_matter(state, user, matter_id).await?;
    let (staff, now) = (user.is_staff(), state.clock.now());
    state
        .db
        .run(move |c| {
            if staff {
                let data = gather_matter(c, &matter.id, now)?;
                let firm = firm(c)?;
                let (pdf, _) = render_matter(&data, firm.as_ref(), PREVIEW, now)?;
                return Ok(Ok(MatterPdf::Preview(pdf)));
            }
            let Some(latest) = reports::for_matter(c, &matter.id)?.into_iter().next() else {
                return Ok(Err(AppError::NotFound(
                    "No report on this matter has been sent yet. Your lawyer's firm sends one \
                     when there is news; ask them for one."
                        .to_owned(),
                )));
            };
            let bytes = reports::pdf(c, &latest.id)?.unwrap_or_default();
            Ok::<_, ReportError>(Ok(MatterPdf::Kept(latest, bytes)))
        })
        .await?
}

/// Generates the matter's report now and keeps it (staff): `POST /api/v1/matters/{id}/reports`.
pub async fn keep_matter_report(
    state: &AppState,
    caller: &Caller,
    matter_id: &str,
) -> Result<(Report, Vec<u8>), AppError> {
    caller.require_staff()?;
    let matter = visible_matter(state, caller, matter_id).await?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| generate_matter(c, &actor, &matter.id, "api"))
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
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
