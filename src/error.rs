//! The one error type at the web edge. Modules have their own error enums; they become an
//! `AppError` here, which picks the HTTP status and the words the user sees. The response body
//! is finished by `web::request::request_context`, which knows whether the caller wants an
//! HTML page or JSON and adds the request id. Internal causes are logged, never shown.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;
use crate::repo::tokens::SetupLinkError;
use crate::repo::users::UserError;

#[derive(thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    /// A state-changing request without a valid anti-forgery token.
    #[error("{0}")]
    Csrf(String),
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error(
        "Send an API token in the Authorization header as `Bearer <token>`. Create one on your account page or with `reclaim token create`."
    )]
    ApiUnauthorized,
    /// Input that does not satisfy a rule; `field` names the form field or JSON member.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// Several fields of one form or body are wrong.
    #[error("{}", .0.first().map_or("The request is not valid.", |(_, m)| m))]
    Fields(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    /// Another client of the firm seeks the same thing; the caller must confirm.
    #[error("{message}")]
    ConflictOfInterest {
        message: String,
        conflicts: Vec<crate::model::backorder::Conflict>,
    },
    #[error("{0}")]
    BadRequest(String),
    /// A body larger than the request may send (refused before it is read).
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Unavailable(String),
    /// A registry (or another server reclaim asks) failed.
    #[error("{0}")]
    Upstream(String),
    #[error(
        "Something went wrong on our side. It has been logged; please try again, and quote the request id if you contact support."
    )]
    Unexpected(#[source] anyhow::Error),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// The same error about another form field (forms name their fields differently).
    pub fn with_field(self, field: &str) -> Self {
        match self {
            AppError::Invalid { message, .. } => AppError::Invalid {
                field: Some(field.to_owned()),
                message,
            },
            other => other,
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("No such {what}, or you do not have access to it."))
    }

    /// A stable, machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Forbidden(_) => "forbidden",
            AppError::Csrf(_) => "csrf_failed",
            AppError::Unauthorized | AppError::ApiUnauthorized => "unauthorized",
            AppError::Invalid { .. } | AppError::Fields(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::ConflictOfInterest { .. } => "conflict_of_interest",
            AppError::BadRequest(_) => "bad_request",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::Gone(_) => "gone",
            AppError::Unavailable(_) => "unavailable",
            AppError::Upstream(_) => "registry_error",
            AppError::Unexpected(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => field.as_deref(),
            AppError::Fields(fields) => fields.first().map(|(f, _)| f),
            _ => None,
        }
    }

    /// A short title for the error page.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Not found",
            AppError::Forbidden(_) => "Not allowed",
            AppError::Csrf(_) => "Form expired",
            AppError::Unauthorized | AppError::ApiUnauthorized => "Sign-in required",
            AppError::Invalid { .. } | AppError::Fields(_) | AppError::BadRequest(_) => {
                "Please check the input"
            }
            AppError::PayloadTooLarge(_) => "Too large",
            AppError::Conflict(_) => "Conflict",
            AppError::ConflictOfInterest { .. } => "Conflict of interest",
            AppError::TooManyRequests { .. } => "Too many attempts",
            AppError::Gone(_) => "Link no longer valid",
            AppError::Unavailable(_) => "Temporarily unavailable",
            AppError::Upstream(_) => "The registry did not answer properly",
            AppError::Unexpected(_) => "Something went wrong",
        }
    }
}

/// What is wrong with a form or a JSON body, by field: a page shows each message next to its
/// field, the API answers with the first (and lists them all).
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl std::fmt::Display) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.to_string());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// The same errors under `prefix` + field: for a page with several forms, whose fields
    /// are told apart by a prefix.
    pub fn prefixed(&self, prefix: &str) -> FieldErrors {
        FieldErrors(
            self.0
                .iter()
                .map(|(f, m)| (format!("{prefix}{f}"), m.clone()))
                .collect(),
        )
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems as an error (`{"error": {"code": "invalid", "field", "message", …}}`).
    pub fn into_error(self) -> AppError {
        if self.0.is_empty() {
            AppError::BadRequest("The request is not valid.".to_owned())
        } else {
            AppError::Fields(self)
        }
    }

    /// `Ok(())` when nothing is wrong, else the problems as an error.
    pub fn check(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The first problem: what a single-message answer shows.
    pub fn first(&self) -> Option<(&str, &str)> {
        self.0.iter().next().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// Takes the field errors of an `AppError::Invalid` or `AppError::Fields`; other errors
    /// pass through.
    pub fn absorb(&mut self, error: AppError) -> Result<(), AppError> {
        match error {
            AppError::Invalid {
                field: Some(field),
                message,
            } => {
                self.add(&field, message);
                Ok(())
            }
            AppError::Fields(fields) => {
                for (field, message) in fields.0 {
                    self.add(&field, message);
                }
                Ok(())
            }
            other => Err(other),
        }
    }
}

/// Logs carry the whole chain of causes (zero2prod's `error_chain_fmt`).
impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{self}")?;
        let mut current = std::error::Error::source(self);
        while let Some(cause) = current {
            writeln!(f, "Caused by:\n\t{cause}")?;
            current = cause.source();
        }
        Ok(())
    }
}

impl AppError {
    /// The JSON error body: `{"error": {"code", "message", "field"?, "request_id"?, …}}`.
    pub fn to_json(&self, request_id: Option<&str>) -> serde_json::Value {
        let mut error = serde_json::json!({ "code": self.code(), "message": self.to_string() });
        if let Some(field) = self.field() {
            error["field"] = field.into();
        }
        if let Some(id) = request_id {
            error["request_id"] = id.into();
        }
        if let AppError::ConflictOfInterest { conflicts, .. } = self {
            error["conflicts"] = serde_json::to_value(conflicts).unwrap_or_default();
        }
        if let AppError::Fields(fields) = self {
            error["fields"] = fields
                .iter()
                .map(|(field, message)| serde_json::json!({ "field": field, "message": message }))
                .collect();
        }
        serde_json::json!({ "error": error })
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) | AppError::Csrf(_) => StatusCode::FORBIDDEN,
            AppError::Unauthorized | AppError::ApiUnauthorized => StatusCode::UNAUTHORIZED,
            AppError::Invalid { .. } | AppError::Fields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::ConflictOfInterest { .. } => StatusCode::CONFLICT,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            response.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        if matches!(self, AppError::ApiUnauthorized) {
            response.insert_header(("WWW-Authenticate", "Bearer realm=\"reclaim\""));
        }
        response.json(self.to_json(None))
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound("The record was not found.".to_owned()),
            DbError::Conflict(message) => AppError::Conflict(message),
            DbError::Busy => {
                AppError::Unavailable("The database is busy; try again in a moment.".to_owned())
            }
            DbError::Pool(_) => AppError::Unavailable(
                "The database cannot be reached right now; try again shortly.".to_owned(),
            ),
            other => AppError::Unexpected(other.into()),
        }
    }
}

impl From<UserError> for AppError {
    fn from(e: UserError) -> Self {
        match e {
            UserError::EmailTaken(_) => AppError::invalid("email", e.to_string()),
            UserError::ClientRequired | UserError::ClientNotAllowed | UserError::UnknownClient => {
                AppError::invalid("client_id", e.to_string())
            }
            UserError::LastAdmin => AppError::Conflict(e.to_string()),
            UserError::AlreadySetUp => AppError::Gone(e.to_string()),
            UserError::Db(db) => db.into(),
        }
    }
}

impl From<SetupLinkError> for AppError {
    fn from(e: SetupLinkError) -> Self {
        match e {
            SetupLinkError::Invalid => AppError::NotFound(e.to_string()),
            SetupLinkError::Used | SetupLinkError::Expired | SetupLinkError::AlreadySetUp => {
                AppError::Gone(e.to_string())
            }
            SetupLinkError::User(user) => user.into(),
            SetupLinkError::Db(db) => db.into(),
        }
    }
}

impl From<crate::auth::password::PasswordError> for AppError {
    fn from(e: crate::auth::password::PasswordError) -> Self {
        AppError::Unexpected(e.into())
    }
}

impl From<crate::repo::procedures::ProcedureError> for AppError {
    fn from(e: crate::repo::procedures::ProcedureError) -> Self {
        use crate::repo::procedures::ProcedureError as E;
        let e = match e {
            E::Db(db) => return db.into(),
            other => other,
        };
        let field = match &e {
            E::MatterNotFound => return AppError::not_found("matter"),
            E::NotFound => return AppError::not_found("procedure"),
            E::EventNotFound => return AppError::not_found("event"),
            E::DeadlineNotFound => return AppError::not_found("deadline"),
            E::ClosureNotFound => return AppError::not_found("closure day"),
            E::MatterClosed(_) | E::ProcedureClosed => return AppError::Conflict(e.to_string()),
            E::NoDomains
            | E::DuplicateDomain { .. }
            | E::NotForTld { .. }
            | E::UnsupportedTld(_)
            | E::Ineligible { .. } => Some("domains"),
            E::BadCountry(_) => Some("registrar_country"),
            E::BadDate(_) => Some("date"),
            E::BadCalendar(_) | E::DuplicateClosure(_) => Some("calendar"),
            E::BadAssignee => Some("assigned_to"),
            E::NoLabel => Some("label"),
            _ => None,
        };
        AppError::Invalid {
            field: field.map(str::to_owned),
            message: e.to_string(),
        }
    }
}

// ---- matters, backorders, registry monitoring ----

impl From<crate::repo::matters::MatterError> for AppError {
    fn from(e: crate::repo::matters::MatterError) -> Self {
        use crate::repo::matters::MatterError as E;
        match e {
            e @ E::UnknownClient => AppError::invalid("client_id", e.to_string()),
            e @ E::NotALawyer => AppError::invalid("responsible_lawyer_id", e.to_string()),
            e @ E::BadTeamMember => AppError::invalid("team", e.to_string()),
            E::Db(db) => db.into(),
        }
    }
}

impl From<crate::repo::backorders::BackorderError> for AppError {
    fn from(e: crate::repo::backorders::BackorderError) -> Self {
        use crate::repo::backorders::BackorderError as E;
        match e {
            E::Duplicate(_) => AppError::invalid("domain", e.to_string()),
            E::MatterClosed(_) => AppError::Conflict(e.to_string()),
            E::ConflictNeedsConfirmation { ref conflicts, .. } => AppError::ConflictOfInterest {
                conflicts: conflicts.clone(),
                message: e.to_string(),
            },
            E::Transition(t) => AppError::invalid("status", t.to_string()),
            E::MatterNotFound => AppError::not_found("matter"),
            E::NotFound => AppError::not_found("backorder"),
            E::Db(db) => db.into(),
        }
    }
}

/// An import refused as a whole: the page lists the lines and the conflicts itself
/// (`app::matters::import`); an edge without that list gets the first reason.
impl From<crate::repo::backorders::ImportError> for AppError {
    fn from(e: crate::repo::backorders::ImportError) -> Self {
        use crate::repo::backorders::ImportError as E;
        match e {
            E::Lines(ref problems) => AppError::invalid(
                "text",
                match problems.first() {
                    Some(p) => format!("{e} Line {}: {}", p.line, p.message),
                    None => e.to_string(),
                },
            ),
            E::Conflicts(ref found) => AppError::ConflictOfInterest {
                message: e.to_string(),
                conflicts: found.iter().flat_map(|(_, c)| c.iter().cloned()).collect(),
            },
            E::Backorder(b) => b.into(),
        }
    }
}

impl From<crate::app::monitoring::CheckError> for AppError {
    fn from(e: crate::app::monitoring::CheckError) -> Self {
        use crate::app::monitoring::CheckError;
        use crate::registry::LookupError;
        match e {
            CheckError::Unsupported(u) => AppError::invalid("domain", u.to_string()),
            CheckError::Lookup(
                ref lookup @ (LookupError::RateLimited { .. } | LookupError::Deferred { .. }),
            ) => AppError::TooManyRequests {
                message: format!("{e}. The check will be tried again later; nothing was lost."),
                retry_after_secs: lookup.retry_after().map_or(60, |d| d.as_secs().max(1)),
            },
            CheckError::Lookup(_) => AppError::Upstream(format!(
                "{e}. The error is recorded and the check will be retried."
            )),
            CheckError::Db(db) => db.into(),
        }
    }
}

// ---- outreach ----

impl From<crate::repo::outreach::OutreachError> for AppError {
    fn from(e: crate::repo::outreach::OutreachError) -> Self {
        use crate::repo::outreach::OutreachError as E;
        match e {
            E::BackorderNotFound => AppError::not_found("backorder"),
            E::NotFound => AppError::not_found("outreach message"),
            E::MatterClosed(_) | E::NotEditable | E::NotSent => AppError::Conflict(e.to_string()),
            E::NoSender => AppError::invalid("sender_profile_id", e.to_string()),
            E::Db(db) => db.into(),
        }
    }
}

impl From<crate::app::outreach::SendError> for AppError {
    fn from(e: crate::app::outreach::SendError) -> Self {
        use crate::app::outreach::SendError as E;
        match e {
            // The first failing check names the field; the message lists them all.
            E::Blocked(ref checks) => AppError::Invalid {
                field: Some(checks.first().map_or("checks", |c| c.id).to_owned()),
                message: e.to_string(),
            },
            E::Outreach(o) => o.into(),
            E::Mail(m) => AppError::invalid("to", m.to_string()),
            E::Db(db) => db.into(),
        }
    }
}

impl From<crate::repo::senders::SenderError> for AppError {
    fn from(e: crate::repo::senders::SenderError) -> Self {
        use crate::repo::senders::SenderError as E;
        match e {
            E::NotFound => AppError::not_found("sender profile"),
            E::Db(db) => db.into(),
        }
    }
}

// ---- status reports, dashboard, users and accounts ----

impl From<crate::app::reports::ReportError> for AppError {
    fn from(e: crate::app::reports::ReportError) -> Self {
        use crate::app::reports::ReportError as E;
        match e {
            E::MatterNotFound => AppError::not_found("matter"),
            E::ClientNotFound => AppError::not_found("client"),
            E::Db(db) => db.into(),
            E::Pdf(p) => AppError::Unexpected(anyhow::anyhow!("report PDF: {p}")),
        }
    }
}

impl From<crate::app::reports::SendReportError> for AppError {
    fn from(e: crate::app::reports::SendReportError) -> Self {
        use crate::app::reports::SendReportError as E;
        match e {
            E::NoSender => AppError::Conflict(e.to_string()),
            E::Mail(m) => AppError::Invalid {
                field: None,
                message: format!(
                    "The report could not be addressed: {m}. Check the client's contacts."
                ),
            },
            E::Report(r) => r.into(),
            E::Db(db) => db.into(),
        }
    }
}

impl From<crate::repo::two_factor::TwoFactorError> for AppError {
    fn from(e: crate::repo::two_factor::TwoFactorError) -> Self {
        use crate::repo::two_factor::TwoFactorError;
        match e {
            TwoFactorError::AlreadyOn | TwoFactorError::NotOn => AppError::Conflict(e.to_string()),
            TwoFactorError::NotEnrolling => AppError::invalid("code", e.to_string()),
            TwoFactorError::Db(db) => db.into(),
        }
    }
}

impl From<crate::repo::after_catch::ChecklistError> for AppError {
    fn from(e: crate::repo::after_catch::ChecklistError) -> Self {
        use crate::repo::after_catch::ChecklistError as E;
        match e {
            E::NoChecklist(_) => AppError::NotFound(e.to_string()),
            E::NotFound => AppError::not_found("backorder"),
            E::Tick(_) => AppError::Conflict(e.to_string()),
            E::Db(db) => db.into(),
        }
    }
}

impl From<crate::model::paging::PagingError> for AppError {
    fn from(e: crate::model::paging::PagingError) -> Self {
        // A bad `limit` or `after` is a bad URL, not a rule of the records: 400.
        AppError::BadRequest(e.to_string())
    }
}
