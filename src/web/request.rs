//! The outermost middleware: gives every request an id, logs one line per request, and turns
//! errors into the page or JSON body the caller expects, with the request id in both.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use tracing::Instrument;

use crate::error::AppError;
use crate::web::Layout;

/// Identifies one request in the logs and on error pages.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    fn new() -> Self {
        Self(crate::model::digest::hex(
            &crate::auth::tokens::random_bytes::<8>(),
        ))
    }
}

/// Where a request came from, for the audit log and throttling.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub request_id: String,
    /// The peer address of the connection. Behind a reverse proxy this is the proxy.
    pub ip: String,
}

impl FromRequest for RequestMeta {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Self::of(req)))
    }
}

impl RequestMeta {
    pub fn of(req: &HttpRequest) -> Self {
        Self {
            request_id: req
                .extensions()
                .get::<RequestId>()
                .map_or_else(|| "-".to_owned(), |id| id.0.clone()),
            ip: req
                .peer_addr()
                .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string()),
        }
    }
}

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = RequestId::new();
    req.extensions_mut().insert(id.clone());
    let method = req.method().clone();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", id = %id.0);
    let started = Instant::now();

    // Inner middleware answers errors as responses (`ServiceRequest::error_response`); an
    // `Err` here comes from actix itself, which turns it into a response further out. No clone
    // of the request may be held across this call: routing needs it unshared.
    let mut res = match next.call(req).instrument(span.clone()).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => {
            span.in_scope(
                || tracing::error!(%method, %path, error = %err, "request failed in middleware"),
            );
            return Err(err);
        }
    };
    if res.response().error().is_some() {
        res = span.in_scope(|| finish_error(res, &id));
    }
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
    let status = res.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        tracing::info!(%method, %path, status, elapsed_ms = format!("{elapsed_ms:.1}"), "request");
    });
    Ok(res)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    heading: String,
    message: String,
    request_id: String,
}

/// Replaces the body of an error response with the page or JSON the caller expects.
fn finish_error(res: ServiceResponse<BoxBody>, id: &RequestId) -> ServiceResponse<BoxBody> {
    let Some(err) = res.response().error() else {
        return res;
    };
    let status = res.status();
    let app_error = err.as_error::<AppError>();
    let (code, title, message) = match app_error {
        Some(e) => (e.code(), e.title().to_owned(), e.to_string()),
        None => describe_framework_error(status, &err.to_string()),
    };
    let json = match app_error {
        Some(e) => e.to_json(Some(&id.0)),
        None => {
            serde_json::json!({ "error": { "code": code, "message": message, "request_id": id.0 } })
        }
    };
    if status.is_server_error() {
        match app_error {
            Some(app_error) => tracing::error!(error = ?app_error, "request failed"),
            None => tracing::error!(error = ?err, "request failed"),
        }
    } else {
        tracing::debug!(error = %err, "request refused");
    }

    let redirect_to_login = matches!(app_error, Some(AppError::Unauthorized));
    let (req, old) = res.into_parts();
    let wants_json = req.path().starts_with("/api/") || prefers_json(&req);
    let mut new = if wants_json {
        HttpResponse::build(status).json(json)
    } else if redirect_to_login {
        let target = req
            .uri()
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_owned();
        let query = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/login?{query}")))
            .finish()
    } else {
        let page = ErrorPage {
            layout: Layout::bare(title.clone()),
            status: status.as_u16(),
            heading: title,
            message,
            request_id: id.0.clone(),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("Error {}. Request id {}.", status.as_u16(), id.0));
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body)
    };
    // Keep what the original response said beyond its body (Retry-After, WWW-Authenticate…).
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && !new.headers().contains_key(name)
        {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, new)
}

fn prefers_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

/// Words for errors raised by actix itself (no route, wrong method, unreadable body).
fn describe_framework_error(status: StatusCode, detail: &str) -> (&'static str, String, String) {
    match status {
        StatusCode::NOT_FOUND => (
            "not_found",
            "Not found".to_owned(),
            "There is no page at this address. Check the link, or go back to the dashboard.".to_owned(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Not allowed".to_owned(),
            "This address does not accept that kind of request.".to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            "Too large".to_owned(),
            "What was sent is too large.".to_owned(),
        ),
        s if s.is_client_error() => (
            "bad_request",
            "Please check the input".to_owned(),
            format!("The request could not be read: {detail}"),
        ),
        _ => (
            "internal",
            "Something went wrong".to_owned(),
            "Something went wrong on our side. It has been logged; please try again, and quote the request id if you contact support.".to_owned(),
        ),
    }
}
