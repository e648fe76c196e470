//! Signing in (the password check, with the throttle of [`crate::auth::throttle`]), signing
//! out, and the first-run setup link that creates the first administrator.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::app::access::Caller;
use crate::auth::password;
use crate::auth::throttle::LockedBy;
use crate::db::write_tx;
use crate::error::{AppError, FieldErrors};
use crate::model::audit::Actor;
use crate::model::ids::UserId;
use crate::model::user::{EmailAddress, NewPassword, PersonName, Role, User};
use crate::repo::audit::{self, Change};
use crate::repo::sessions;
use crate::repo::sign_in_throttle::{self, Locked};
use crate::repo::tokens;
use crate::repo::users::{self, NewUser};
use crate::state::AppState;

/// Someone who is not signed in (yet), and where the request comes from.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub ip: String,
    pub request_id: String,
}

impl Visitor {
    /// The audit trail's actor: `label` says who the visitor claims to be.
    fn actor(&self, label: &str, at: DateTime<Utc>) -> Actor {
        Actor {
            user_id: None,
            label: label.to_owned(),
            ip: Some(self.ip.clone()),
            request_id: Some(self.request_id.clone()),
            at,
        }
    }
}

/// The sign-in form.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignInInput {
    #[schema(format = "email")]
    pub email: String,
    pub password: String,
}

/// A session to start: whose, at which session version, since when.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user_id: UserId,
    pub session_version: i32,
    pub at: DateTime<Utc>,
}

impl From<(&User, DateTime<Utc>)> for SignedIn {
    fn from((user, at): (&User, DateTime<Utc>)) -> Self {
        Self {
            user_id: user.id.clone(),
            session_version: user.session_version,
            at,
        }
    }
}

/// Checks an e-mail address and password. Refusals are `Invalid` (422: a malformed address, a
/// wrong address or password, without saying which), `TooManyRequests` (429: too many recent
/// failures for the account or from the address) or `Forbidden` (403: a deactivated account,
/// told only to someone who knows its password). Each attempt takes a guess from the throttle
/// before the password is checked; every failure goes to the audit log.
pub async fn sign_in(
    state: &AppState,
    visitor: &Visitor,
    input: SignInInput,
) -> Result<SignedIn, AppError> {
    let now = state.clock.now();
    let Ok(email) = EmailAddress::parse(&input.email) else {
        return Err(AppError::invalid(
            "email",
            "Enter the e-mail address of your account, such as name@firm.example.",
        ));
    };

    // The guess is taken before the password is checked, so that concurrent sign-ins cannot
    // check more guesses than the throttle allows.
    let policy = state.throttle;
    let taken = {
        let (email, ip) = (email.to_string(), visitor.ip.clone());
        state
            .db
            .run(move |c| sign_in_throttle::take_guess(c, &policy, &email, &ip, now))
            .await?
    };
    let guess = match taken {
        Ok(guess) => guess,
        Err(Locked { until, by }) => {
            tracing::warn!(email = %email, ip = %visitor.ip, by = by.as_str(), "sign-in refused: throttled");
            return Err(locked_out(until, by, now));
        }
    };

    let user = {
        let email = email.clone();
        state
            .db
            .run(move |c| users::find_by_email(c, &email))
            .await?
    };
    let checked = password::verify_in_background(
        input.password,
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    let password_ok = match checked {
        Ok(ok) => ok,
        Err(e) => {
            tracing::error!(error = %e, email = %email, "stored password hash unreadable");
            false
        }
    };
    // Until the password is checked, the actor is whoever typed this address.
    let mut actor = visitor.actor(email.as_str(), now);
    let user = match user {
        Some(user) if password_ok && user.active => user,
        Some(user) if password_ok => {
            let (actor, user_id) = (actor.clone(), user.id.clone());
            state
                .db
                .run(move |c| {
                    sign_in_throttle::record_failure(
                        c,
                        &actor,
                        Some(&user_id),
                        "account deactivated",
                    )
                })
                .await?;
            return Err(AppError::Forbidden(
                "This account is deactivated. Ask your firm's reclaim administrator to reactivate it."
                    .to_owned(),
            ));
        }
        found => {
            let (actor, user_id) = (actor.clone(), found.map(|u| u.id));
            state
                .db
                .run(move |c| {
                    sign_in_throttle::record_failure(
                        c,
                        &actor,
                        user_id.as_ref(),
                        "wrong e-mail or password",
                    )
                })
                .await?;
            return Err(AppError::invalid(
                "password",
                "The e-mail address or password is incorrect.",
            ));
        }
    };
    actor.user_id = Some(user.id.clone());
    {
        let (actor, user) = (actor.clone(), user.clone());
        state
            .db
            .run(move |c| {
                sign_in_throttle::settle_success(c, &policy, &guess)?;
                users::record_login(c, &actor, &user)
            })
            .await?;
    }
    Ok(SignedIn::from((&user, now)))
}

/// The refusal of a throttled sign-in: whose lock, and when to come back.
fn locked_out(until: DateTime<Utc>, by: LockedBy, now: DateTime<Utc>) -> AppError {
    let minutes = ((until - now).num_seconds() + 59) / 60;
    let (whose, who_lifts) = match by {
        LockedBy::Account => (
            "for this account",
            "or ask an administrator to lift the lock (Users, Sign-in locks) or to reset your password",
        ),
        LockedBy::Address => (
            "from your network address",
            "or ask an administrator to lift the lock (Users, Sign-in locks)",
        ),
    };
    AppError::TooManyRequests {
        message: format!(
            "Too many failed sign-in attempts {whose}. Try again in {minutes} minute{} (after {} UTC), {who_lifts}.",
            if minutes == 1 { "" } else { "s" },
            until.format("%H:%M")
        ),
        retry_after_secs: u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1),
    }
}

/// Forgets the throttle's counters that have nothing left to say and the addresses an account
/// has not signed in from for 90 days (the audit log keeps the failures). The `prune` job runs
/// this once a day.
pub async fn forget_old_attempts(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let before = now - state.throttle.memory();
    let known_before = now - KNOWN_ADDRESS_KEPT;
    Ok(state
        .db
        .run(move |c| sign_in_throttle::prune(c, before, known_before))
        .await?)
}

/// How long an address an account signed in from stays exempt from the address throttle.
pub const KNOWN_ADDRESS_KEPT: Duration = Duration::days(90);

/// A sign-in lasts a working day at most; then the user signs in again.
pub const SESSION_MAX_AGE: Duration = Duration::hours(12);

/// Forgets the sessions ended longer ago than a session lasts: their cookies have expired.
pub async fn forget_ended_sessions(state: &AppState) -> Result<usize, AppError> {
    let before = state.clock.now() - SESSION_MAX_AGE;
    Ok(state
        .db
        .run(move |c| sessions::forget_before(c, before))
        .await?)
}

/// Records that the caller signed out and that their session `session_id` has ended, so that
/// no copy of its cookie works any more (the edge also clears the cookie).
pub async fn sign_out(
    state: &AppState,
    caller: &Caller,
    session_id: Option<String>,
) -> Result<(), AppError> {
    let actor = caller.actor(state.clock.now());
    let user = caller.id.clone();
    Ok(state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if let Some(session_id) = &session_id {
                    sessions::end(c, session_id, &user, actor.at)?;
                }
                audit::record(
                    c,
                    &actor,
                    Change {
                        action: "user.logout",
                        record_type: "user",
                        record_id: actor.user_id.as_ref().map(UserId::as_str),
                        summary: format!("{} signed out", actor.label),
                        detail: json!({}),
                    },
                )
            })
        })
        .await?)
}

/// The first administrator, as typed on the setup page.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SetupInput {
    pub name: String,
    #[schema(format = "email")]
    pub email: String,
    pub password: String,
    pub password_confirm: String,
}

/// Checks a setup link without using it: `NotFound` for a link that is not one of ours, `Gone`
/// for one used, expired, or when reclaim is already set up.
pub async fn check_setup_link(state: &AppState, token: &str) -> Result<(), AppError> {
    let (key, now, token) = (state.keys.link_tokens, state.clock.now(), token.to_owned());
    state
        .db
        .run(move |c| tokens::check_setup_token(c, &key, &token, now))
        .await?;
    Ok(())
}

/// Uses a setup link: creates the first administrator, who is then signed in.
pub async fn set_up(
    state: &AppState,
    visitor: &Visitor,
    token: &str,
    input: SetupInput,
) -> Result<(User, SignedIn), AppError> {
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&input.name)
        .map_err(|e| errors.add("name", e))
        .ok();
    let email = EmailAddress::parse(&input.email)
        .map_err(|e| errors.add("email", e))
        .ok();
    let password = email.as_ref().and_then(|email| {
        NewPassword::parse_confirmed(&input.password, &input.password_confirm, email)
            .map_err(|e| errors.add("password", e))
            .ok()
    });
    errors.check()?;
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(AppError::invalid("name", "The form could not be read."));
    };
    let password_hash = password::hash_in_background(password).await?;
    let admin = NewUser {
        email,
        name,
        role: Role::Admin,
        client_id: None,
        password_hash,
    };
    let (key, now, token) = (state.keys.link_tokens, state.clock.now(), token.to_owned());
    let actor = visitor.actor("setup link", now);
    let user = state
        .db
        .run(move |c| tokens::redeem_setup_token(c, &key, &token, &actor, &admin))
        .await?;
    let signed_in = SignedIn::from((&user, now));
    Ok((user, signed_in))
}
