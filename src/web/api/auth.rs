//! Authentication of `/api/v1` calls by bearer token. The API never looks at cookies, which is
//! why it needs no CSRF token.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use crate::app::access::Principal;
use crate::auth::tokens::API_TOKEN_PREFIX;
use crate::error::AppError;
use crate::repo::tokens;
use crate::state::AppState;

/// The user an API call acts for.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Principal);

impl Deref for ApiUser {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.0
    }
}

/// The token in `Authorization: Bearer <token>`, if it has the shape of one of ours.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer")
        && token.starts_with(API_TOKEN_PREFIX)
        && token.len() <= 128)
        .then(|| token.to_owned())
}

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token.ok_or(AppError::ApiUnauthorized)?;
            let state = state.ok_or_else(|| {
                AppError::Unexpected(anyhow::anyhow!("application state missing"))
            })?;
            let now = state.clock.now();
            let user = state
                .db
                .run(move |conn| tokens::authenticate_api_token(conn, &token, now))
                .await?
                .ok_or(AppError::ApiUnauthorized)?;
            Ok(ApiUser(Principal::from(&user)))
        })
    }
}
