//! HTTP: server-rendered pages for people, a JSON API under `/api/v1` for systems.

pub mod api;
pub mod assets;
pub mod health;
pub mod pages;
pub mod paging;
pub mod request;
pub mod security;
pub mod session;
pub mod view;

use actix_session::Session;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::access::{Caller, Principal};
use crate::error::AppError;
use crate::web::session::{CurrentUser, Flash, csrf_token, take_flash};

/// Routes, in one place.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(1024 * 1024)
            .error_handler(|err, _| {
                AppError::BadRequest(format!(
                    "The request body is not valid JSON for this endpoint: {err}"
                ))
                .into()
            }),
    )
    .app_data(
        web::FormConfig::default()
            .limit(8 * 1024 * 1024)
            .error_handler(|err, _| {
                AppError::BadRequest(format!("The form could not be read: {err}")).into()
            }),
    )
    .app_data(web::QueryConfig::default().error_handler(|err, _| {
        AppError::BadRequest(format!("The address has an invalid query: {err}")).into()
    }))
    .app_data(web::PathConfig::default().error_handler(|_, _| {
        AppError::NotFound("There is no page at this address.".to_owned()).into()
    }))
    .service(health::healthz)
    .service(assets::stylesheet)
    .service(assets::script)
    .configure(api::configure)
    .configure(pages::configure)
    .default_service(web::to(|| async {
        Err::<HttpResponse, _>(AppError::NotFound(
            "There is no page at this address. Check the link, or go back to the dashboard."
                .to_owned(),
        ))
    }));
}

/// What every page's frame needs: title, who is signed in, the CSRF token for its forms, the
/// highlighted navigation entry and a one-time message.
pub struct Layout {
    pub title: String,
    pub user: Option<Principal>,
    pub csrf: String,
    pub nav: &'static str,
    pub flash: Option<Flash>,
    pub version: &'static str,
}

impl Layout {
    pub fn for_user(user: &CurrentUser, title: impl Into<String>, nav: &'static str) -> Self {
        Self {
            title: title.into(),
            user: Some(user.principal.clone()),
            csrf: csrf_token(&user.session),
            nav,
            flash: take_flash(&user.session),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// A page for someone who is not signed in (sign-in, setup).
    pub fn anonymous(session: &Session, title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            user: None,
            csrf: csrf_token(session),
            nav: "",
            flash: take_flash(session),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// A page with no forms and no session (error pages).
    pub fn bare(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            user: None,
            csrf: String::new(),
            nav: "",
            flash: None,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

pub fn render(page: &impl Template) -> Result<HttpResponse, AppError> {
    render_status(StatusCode::OK, page)
}

/// A page with another status, e.g. 422 for a form sent back with errors.
pub fn render_status(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("template failed: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Redirect after a form was handled (POST/redirect/GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Who asks, for a use case: the signed-in user (page or API) and where the request came from.
pub fn caller(user: &Principal, meta: &request::RequestMeta) -> Caller {
    Caller::new(
        user.clone(),
        Some(meta.ip.clone()),
        Some(meta.request_id.clone()),
    )
}

pub use crate::model::present::{instant as show_time, optional_instant as show_optional_time};

/// A local link to go to after sign-in; anything else (another site, `//host`) becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        let cases = [
            (Some("/clients/1"), "/clients/1"),
            (Some("/admin/audit?page=2"), "/admin/audit?page=2"),
            (Some("//evil.example/"), "/"),
            (Some("/\\evil.example"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("/x\r\nSet-Cookie: a=b"), "/"),
            (Some(""), "/"),
            (None, "/"),
        ];
        for (input, expected) in cases {
            assert_eq!(safe_next(input), expected, "{input:?}");
        }
    }
}
