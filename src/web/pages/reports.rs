//! Status reports on the matter and client pages: generate one, send one to the client now, and
//! download the kept ones (client users: their own only).

use actix_web::{HttpResponse, get, post, web};

use crate::app::access::{visible_matter, visible_report};
use crate::error::AppError;
use crate::repo::clients;
use crate::report::{self, ReportError, SendReportError};
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::pdf_response;
use crate::web::{actor, see_other};

pub fn report_error(e: ReportError) -> AppError {
    match e {
        ReportError::MatterNotFound => AppError::not_found("matter"),
        ReportError::ClientNotFound => AppError::not_found("client"),
        ReportError::Db(db) => db.into(),
        ReportError::Pdf(p) => AppError::Unexpected(anyhow::anyhow!("report PDF: {p}")),
    }
}

#[post("/matters/{id}/reports")]
pub async fn generate(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let mid = matter.id.clone();
    let (kept, _) = state
        .db
        .run(move |c| report::generate_matter(c, &actor, &mid, "download"))
        .await
        .map_err(report_error)?;
    session::flash(
        &user.session,
        "success",
        format!(
            "Report {} generated ({} pages); it is listed under Reports.",
            kept.reference, kept.pages
        ),
    );
    Ok(see_other(&format!("/matters/{}#reports", matter.id)))
}

#[post("/matters/{id}/reports/send")]
pub async fn send_now(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let actor = actor(&user, &meta, state.clock.now());
    let (mid, host, now) = (
        matter.id.clone(),
        state.mailer.host().to_owned(),
        state.clock.now(),
    );
    let about = format!("{} {}", matter.reference, matter.title);
    let outcome = state
        .db
        .run(move |c| {
            crate::db::write_tx(c, |c| {
                let client_id = actor_client(c, &mid)?;
                let client = clients::find(c, &client_id)?.ok_or(ReportError::ClientNotFound)?;
                let (kept, pdf) = report::generate_matter(c, &actor, &mid, "sent now")?;
                let to = report::send(c, &kept, &pdf, &client, &about, &host, now)?;
                Ok::<_, SendReportError>((kept, to))
            })
        })
        .await;
    match outcome {
        Ok((kept, to)) => {
            session::flash(
                &user.session,
                "success",
                format!("Report {} queued to {}.", kept.reference, to.join(", ")),
            );
            Ok(see_other(&format!("/matters/{}#reports", matter.id)))
        }
        Err(SendReportError::NoSender) => {
            Err(AppError::Conflict(SendReportError::NoSender.to_string()))
        }
        Err(SendReportError::Mail(m)) => Err(AppError::Invalid {
            field: None,
            message: format!(
                "The report could not be addressed: {m}. Check the client's contacts."
            ),
        }),
        Err(SendReportError::Report(r)) => Err(report_error(r)),
        Err(SendReportError::Db(db)) => Err(db.into()),
    }
}

fn actor_client(
    conn: &mut crate::db::DbConn,
    matter: &crate::model::ids::MatterId,
) -> Result<crate::model::ids::ClientId, ReportError> {
    crate::repo::matters::find(conn, matter)?
        .map(|m| m.client_id)
        .ok_or(ReportError::MatterNotFound)
}

#[get("/reports/{file}")]
pub async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    file: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = file.trim_end_matches(".pdf").to_owned();
    let (report, bytes) = visible_report(&state, &user, &id).await?;
    Ok(pdf_response(&report, bytes))
}
