//! Proving who is calling: password hashing, the secret keys, API and link tokens, login
//! throttling, two-factor codes (TOTP). What a caller may do is decided in `app::access`; the web
//! edge's session and bearer-token extractors are in `web::session` and `web::api::auth`.

pub mod keys;
pub mod password;
pub mod sealed;
pub mod throttle;
pub mod tokens;
pub mod totp;
