//! `/api/v1/sender-profiles`: the firm's identity on outgoing mail. Keys are never returned.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app;
use crate::app::senders::SenderProfileInput;
use crate::error::AppError;
use crate::model::ids::SenderProfileId;
use crate::model::paging;
use crate::model::sender::SenderProfile;
use crate::state::AppState;
use crate::web::api::auth::ApiUser;
use crate::web::api::openapi::{BadRequest, Forbidden, Invalid, Unauthorized};
use crate::web::caller;
use crate::web::paging::{PageQuery, json_page};
use crate::web::request::RequestMeta;

/// A new sender profile.
#[derive(Serialize, ToSchema)]
#[schema(as = NewSenderProfile)]
pub struct CreatedSenderJson {
    id: SenderProfileId,
    /// The From header its messages carry.
    from: String,
    /// reclaim signs its messages with DKIM.
    dkim: bool,
}

/// A sender profile (without its key).
#[derive(Serialize, ToSchema)]
#[schema(as = SenderProfile)]
pub struct SenderProfileJson {
    id: SenderProfileId,
    label: String,
    legal_name: String,
    /// Physical postal address, shown in every message.
    postal_address: String,
    phone: String,
    #[schema(format = "email")]
    from_email: String,
    reply_to: Option<String>,
    /// reclaim signs its messages with DKIM.
    dkim: bool,
    /// Offered when writing to a holder.
    active: bool,
}

impl From<&SenderProfile> for SenderProfileJson {
    fn from(p: &SenderProfile) -> Self {
        Self {
            id: p.id.clone(),
            label: p.label.clone(),
            legal_name: p.legal_name.clone(),
            postal_address: p.postal_address.clone(),
            phone: p.phone.clone(),
            from_email: p.from_email.clone(),
            reply_to: p.reply_to.clone(),
            dkim: p.has_dkim(),
            active: p.active,
        }
    }
}

/// The firm's identity for outgoing mail (admin).
#[utoipa::path(post, path = "/sender-profiles", operation_id = "createSenderProfile",
    request_body = SenderProfileInput,
    responses((status = 201, description = "Created", body = CreatedSenderJson),
        BadRequest, Unauthorized, Forbidden, Invalid))]
#[post("/sender-profiles")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<SenderProfileInput>,
) -> Result<HttpResponse, AppError> {
    let profile = app::senders::create(&state, &caller(&user, &meta), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(CreatedSenderJson {
        id: profile.id.clone(),
        from: profile.from_header(),
        dkim: profile.has_dkim(),
    }))
}

/// Sender profiles (staff); keys are never returned.
#[utoipa::path(get, path = "/sender-profiles", operation_id = "listSenderProfiles", params(PageQuery),
    responses((status = 200, description = "Profiles, those in use first", body = Vec<SenderProfileJson>),
        BadRequest, Unauthorized, Forbidden))]
#[get("/sender-profiles")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let all = app::senders::list(&state, &user, page.request(paging::SENDERS)?).await?;
    Ok(json_page(&req, all, |row| SenderProfileJson::from(row)))
}
