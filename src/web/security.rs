//! Browser-facing protections: security headers on every response, and a synchronizer CSRF
//! token on every state-changing request that a browser session can make.

use actix_session::SessionExt;
use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::auth::tokens::constant_time_eq;
use crate::config::Settings;
use crate::error::AppError;
use crate::web::session::{CSRF_KEY, USER_KEY};

/// The form field and header that carry the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The largest form body the CSRF check reads for a signed-in user (CSV imports stay well below).
const MAX_FORM_BYTES: usize = 8 * 1024 * 1024;
/// The largest form body of someone not signed in (sign-in, setup, password link, unsubscribe):
/// those forms are a few hundred bytes, and nobody unauthenticated may make the server hold more.
const VISITOR_FORM_BYTES: usize = 16 * 1024;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Headers added to every response that does not set them itself.
pub fn security_headers(settings: &Settings) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ))
        .add((
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        // Pages show confidential client matters: never keep them in shared caches.
        .add((header::CACHE_CONTROL, "no-store"));
    if settings.public_url.is_https() {
        headers = headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"));
    }
    headers
}

/// Requests that need no CSRF token: the JSON API authenticates with bearer tokens and ignores
/// cookies, and RFC 8058 one-click unsubscribe is posted by mail providers, authenticated by its
/// own signed token.
fn exempt(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/u/")
}

fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn refuse(req: ServiceRequest, message: &str) -> ServiceResponse<BoxBody> {
    req.error_response(AppError::Csrf(message.to_owned()))
}

const SESSION_EXPIRED: &str = "Your session has expired, so this form could not be checked. Reload the page and send it again.";

const CROSS_SITE: &str = "This form was sent from another web site and was refused. Open reclaim directly and try again.";

pub async fn csrf_guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !changes_state(req.method()) || req.path().starts_with("/api/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    // Decided before reading a byte of the body: how much a body may be, from who is asking.
    let session = req.get_session();
    let limit = match session.get::<String>(USER_KEY) {
        Ok(Some(_)) => MAX_FORM_BYTES,
        _ => VISITOR_FORM_BYTES,
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Ok(too_large(req, limit));
    }
    if exempt(req.path()) {
        // Authenticated by its own signed token; its body is still read within the limit.
        let body = match read_body(&mut req, limit).await {
            Ok(body) => body,
            Err(e) => return Ok(req.error_response(e)),
        };
        req.set_payload(body.into());
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    if req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
    {
        return Ok(refuse(req, CROSS_SITE));
    }
    if let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        && !origin_allowed(&req, origin)
    {
        return Ok(refuse(req, CROSS_SITE));
    }
    let expected: Option<String> = session.get(CSRF_KEY).unwrap_or(None);
    if expected.is_none() {
        // No session, so no token to compare with: refused without reading the body.
        return Ok(refuse(req, SESSION_EXPIRED));
    }
    let given = match req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    {
        Some(token) => Some(token),
        None => {
            let body = match read_body(&mut req, limit).await {
                Ok(body) => body,
                Err(e) => return Ok(req.error_response(e)),
            };
            let token = token_in_body(&req, &body);
            req.set_payload(body.into());
            token
        }
    };
    match (expected, given) {
        (Some(expected), Some(given))
            if constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
        {
            next.call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body)
        }
        (None, _) => Ok(refuse(req, SESSION_EXPIRED)),
        (Some(_), None) => Ok(refuse(
            req,
            "This form is missing its security token. Reload the page and send it again.",
        )),
        (Some(_), Some(_)) => Ok(refuse(
            req,
            "This form's security token does not match your session (it may come from an older page). Reload the page and send it again.",
        )),
    }
}

fn origin_allowed(req: &ServiceRequest, origin: &str) -> bool {
    let settings = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|s| s.settings.clone());
    if settings.is_some_and(|s| s.public_url.origin() == origin) {
        return true;
    }
    let info = req.connection_info();
    origin == format!("{}://{}", info.scheme(), info.host())
}

async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<Bytes, AppError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(too_large_message(limit)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn too_large_message(limit: usize) -> String {
    let size = if limit >= 1024 * 1024 {
        format!("{} MB", limit / 1024 / 1024)
    } else {
        format!("{} KB", limit / 1024)
    };
    format!(
        "The form is larger than {size}, which is more than this page accepts. Send a smaller one."
    )
}

fn too_large(req: ServiceRequest, limit: usize) -> ServiceResponse<BoxBody> {
    req.error_response(AppError::PayloadTooLarge(too_large_message(limit)))
}

/// The token in an urlencoded or multipart form body.
fn token_in_body(req: &ServiceRequest, body: &[u8]) -> Option<String> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v)
    } else if content_type.starts_with("multipart/form-data") {
        let text = String::from_utf8_lossy(body);
        let marker = format!("name=\"{CSRF_FIELD}\"");
        let after = &text[text.find(&marker)? + marker.len()..];
        let value_start = after.find("\r\n\r\n")? + 4;
        let value = &after[value_start..];
        Some(value[..value.find("\r\n")?].trim().to_owned())
    } else {
        None
    }
}
