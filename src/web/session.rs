//! Browser sessions. The session lives in an encrypted, signed cookie and holds only the user
//! id, the user's session version, the time of sign-in, the session's own random id and the CSRF
//! token. Bumping a user's session version in the database ends all of their sessions at once
//! ("sign out everywhere"); signing out records the session's id as ended
//! (`repo::sessions`), so that a copy of the cookie stops working too. Between a right password
//! and the second factor, the session holds only a pending sign-in (`after_password`).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::app::access::Principal;
use crate::auth::tokens::random_token;
use crate::error::AppError;
use crate::model::ids::UserId;
use crate::model::user::User;
use crate::repo::{sessions, users};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "reclaim_session";
pub const USER_KEY: &str = "uid";
pub const VERSION_KEY: &str = "ver";
pub const AUTH_AT_KEY: &str = "auth_at";
pub const CSRF_KEY: &str = "csrf";
pub const SESSION_ID_KEY: &str = "sid";
pub const FLASH_KEY: &str = "flash";
/// Between a right password and the second factor: the pending sign-in's random id (see
/// `app::two_factor`), and where to go once signed in. Never a user id, so that nothing else
/// of reclaim is reachable.
pub const PENDING_KEY: &str = "pending_sign_in";
pub const PENDING_NEXT_KEY: &str = "pending_next";

pub use crate::app::sign_in::SESSION_MAX_AGE;

/// The CSRF token of this session, created on first use.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(CSRF_KEY) {
        return token;
    }
    let token = random_token();
    let _ = session.insert(CSRF_KEY, &token);
    token
}

/// Starts a signed-in session with fresh contents (no session fixation).
pub fn start(
    session: &Session,
    user_id: &UserId,
    session_version: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session.renew();
    session.clear();
    let insert = |key: &str, value: serde_json::Value| {
        session
            .insert(key, value)
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!("cannot write the session: {e}")))
    };
    insert(USER_KEY, serde_json::json!(user_id.as_str()))?;
    insert(VERSION_KEY, serde_json::json!(session_version))?;
    insert(AUTH_AT_KEY, serde_json::json!(now.timestamp()))?;
    insert(SESSION_ID_KEY, serde_json::json!(random_token()))?;
    insert(CSRF_KEY, serde_json::json!(random_token()))?;
    Ok(())
}

/// After the right password: starts the session, or keeps the pending sign-in in the session
/// and sends the browser to the code page (or to enrolment, when the firm requires it).
pub fn after_password(
    session: &Session,
    after: crate::app::two_factor::AfterPassword,
    next: &str,
) -> Result<actix_web::HttpResponse, AppError> {
    let (pending_id, page) = match after {
        crate::app::two_factor::AfterPassword::SignedIn(signed_in) => {
            start_signed_in(session, &signed_in)?;
            return Ok(crate::web::see_other(next));
        }
        crate::app::two_factor::AfterPassword::NeedsCode { pending_id } => {
            (pending_id, "/login/code")
        }
        crate::app::two_factor::AfterPassword::MustEnrol { pending_id } => {
            (pending_id, "/login/enrol")
        }
    };
    // A fresh session for the pending sign-in too (no session fixation).
    session.renew();
    session.clear();
    let insert = |key: &str, value: &str| {
        session
            .insert(key, value)
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!("cannot write the session: {e}")))
    };
    insert(PENDING_KEY, &pending_id)?;
    insert(PENDING_NEXT_KEY, next)?;
    insert(CSRF_KEY, &random_token())?;
    Ok(crate::web::see_other(page))
}

pub fn pending_id(session: &Session) -> Option<String> {
    session.get::<String>(PENDING_KEY).unwrap_or(None)
}

pub fn pending_next(session: &Session) -> String {
    crate::web::safe_next(
        session
            .get::<String>(PENDING_NEXT_KEY)
            .unwrap_or(None)
            .as_deref(),
    )
}

/// Starts the session that a completed sign-in gives.
pub fn start_signed_in(
    session: &Session,
    signed_in: &crate::app::sign_in::SignedIn,
) -> Result<(), AppError> {
    start(
        session,
        &signed_in.user_id,
        signed_in.session_version,
        signed_in.at,
    )
}

/// After the user's session version changed (password change): keep this session valid.
pub fn set_version(session: &Session, session_version: i32) {
    let _ = session.insert(VERSION_KEY, session_version);
}

/// A one-time message shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `info` or `error`: also the CSS class.
    pub kind: String,
    pub message: String,
}

pub fn flash(session: &Session, kind: &str, message: impl Into<String>) {
    let _ = session.insert(
        FLASH_KEY,
        Flash {
            kind: kind.to_owned(),
            message: message.into(),
        },
    );
}

/// The random id of this signed-in session, which signing out records as ended.
pub fn session_id(session: &Session) -> Option<String> {
    session.get(SESSION_ID_KEY).unwrap_or(None)
}

pub fn take_flash(session: &Session) -> Option<Flash> {
    session.remove_as::<Flash>(FLASH_KEY).and_then(Result::ok)
}

/// The signed-in user of a browser request. Extracting it fails with `Unauthorized` (a
/// redirect to the sign-in page) when there is no valid session.
#[derive(Clone)]
pub struct CurrentUser {
    pub principal: Principal,
    pub session: Session,
    pub session_version: i32,
}

impl Deref for CurrentUser {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.principal
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(cached) = req.extensions().get::<CurrentUser>() {
                return Ok(cached.clone());
            }
            let session = req.get_session();
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| {
                    AppError::Unexpected(anyhow::anyhow!("application state missing"))
                })?;
            let user = load(&session, &state).await?;
            let Some(user) = user else {
                return Err(AppError::Unauthorized);
            };
            let current = CurrentUser {
                principal: Principal::from(&user),
                session,
                session_version: user.session_version,
            };
            req.extensions_mut().insert(current.clone());
            Ok(current)
        })
    }
}

/// The user of a valid session; clears a session that is no longer valid.
async fn load(session: &Session, state: &AppState) -> Result<Option<User>, AppError> {
    let user_id: Option<String> = session.get(USER_KEY).unwrap_or(None);
    let version: Option<i32> = session.get(VERSION_KEY).unwrap_or(None);
    let auth_at: Option<i64> = session.get(AUTH_AT_KEY).unwrap_or(None);
    let session_id: Option<String> = session.get(SESSION_ID_KEY).unwrap_or(None);
    let (Some(user_id), Some(version), Some(auth_at), Some(session_id)) =
        (user_id, version, auth_at, session_id)
    else {
        return Ok(None);
    };
    let Ok(user_id) = UserId::parse(&user_id) else {
        session.purge();
        return Ok(None);
    };
    let now = state.clock.now();
    let signed_in_at = DateTime::from_timestamp(auth_at, 0).unwrap_or(DateTime::<Utc>::MIN_UTC);
    if now - signed_in_at > SESSION_MAX_AGE {
        session.purge();
        return Ok(None);
    }
    let (user, ended) = state
        .db
        .run(move |conn| {
            Ok::<_, crate::db::DbError>((
                users::find(conn, &user_id)?,
                sessions::has_ended(conn, &session_id)?,
            ))
        })
        .await?;
    match user {
        Some(user) if user.active && user.session_version == version && !ended => Ok(Some(user)),
        _ => {
            session.purge();
            Ok(None)
        }
    }
}

/// The user of the session, if someone is signed in (for pages that anyone may see).
pub async fn optional_user(req: &HttpRequest) -> Option<CurrentUser> {
    CurrentUser::extract(req).await.ok()
}
