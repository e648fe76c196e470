//! Two-factor sign-in: enrolling an authenticator app (TOTP, `auth::totp`), recovery codes, the
//! second step of signing in, turning it off, and the administrator's side (the firm's
//! requirement for staff, resetting a lost factor). The password step stays in `app::sign_in`;
//! its result goes through [`after_password`], which decides whether a session may start.
//! API tokens are not concerned: they are made by a signed-in user and checked on their own.

use chrono::Duration;
use serde::Deserialize;

use crate::app::access::{Caller, Principal};
use crate::app::sign_in::{SignedIn, Visitor};
use crate::auth::password;
use crate::auth::totp::{self, CodeError, Secret};
use crate::db::DbError;
use crate::error::AppError;
use crate::model::audit::Actor;
use crate::model::ids::UserId;
use crate::model::user::User;
use crate::repo::audit::{self, Change};
use crate::repo::two_factor::{self as repo, Pending, TwoFactorError};
use crate::repo::users;
use crate::state::AppState;

/// How long the code may wait after the password: then the user starts again.
pub const PENDING_MAX_AGE: Duration = Duration::minutes(5);
/// Wrong codes allowed per sign-in; the password step (throttled) must then be done again.
pub const MAX_WRONG_CODES: i32 = 5;
/// Wrong codes allowed per user and hour, over all sign-ins: someone who knows the password
/// could otherwise start sign-in after sign-in, 5 guesses each.
pub const MAX_WRONG_CODES_PER_HOUR: i32 = 20;
const WRONG_CODES_WINDOW: Duration = Duration::hours(1);
/// The name authenticator apps show above the code.
const ISSUER: &str = "reclaim";

/// What the right password leads to.
#[derive(Debug, Clone)]
pub enum AfterPassword {
    /// No second factor needed: start the session.
    SignedIn(SignedIn),
    /// The code (or a recovery code) is asked for next; the browser keeps `pending_id`.
    NeedsCode { pending_id: String },
    /// The firm requires a second factor of staff and this person has none: they enrol first.
    MustEnrol { pending_id: String },
}

/// Decides what follows a right password: a session at once, the code page, or enrolment.
pub async fn after_password(
    state: &AppState,
    signed_in: SignedIn,
) -> Result<AfterPassword, AppError> {
    let now = state.clock.now();
    let user_id = signed_in.user_id.clone();
    let (user, enrolment, required) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                users::find(c, &user_id)?,
                repo::find(c, &user_id)?,
                repo::staff_required(c)?,
            ))
        })
        .await?;
    let user = user.ok_or(AppError::Unauthorized)?;
    let must_enrol = if enrolment.as_ref().is_some_and(repo::Enrolment::is_on) {
        false
    } else if required && user.role.is_staff() {
        true
    } else {
        return Ok(AfterPassword::SignedIn(signed_in));
    };
    let pending_id = crate::auth::tokens::random_token();
    let pending = Pending {
        user_id: signed_in.user_id,
        session_version: signed_in.session_version,
        must_enrol,
        failures: 0,
        created_at: now,
    };
    {
        let pending_id = pending_id.clone();
        state
            .db
            .run(move |c| {
                // Expired ones go here rather than in a job: they are few and short-lived.
                repo::forget_pending_before(c, now - PENDING_MAX_AGE)?;
                repo::start_pending(c, &pending_id, &pending)
            })
            .await?;
    }
    Ok(if must_enrol {
        AfterPassword::MustEnrol { pending_id }
    } else {
        AfterPassword::NeedsCode { pending_id }
    })
}

const START_AGAIN: &str =
    "Your sign-in has expired or ended. Sign in again with your e-mail address and password.";

/// A pending sign-in that is still valid, with its user.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub pending: Pending,
    pub user: User,
}

/// The pending sign-in `pending_id`, if it is not expired and its user was not changed since
/// (deactivated, signed out everywhere, password changed). `Gone` otherwise.
pub async fn waiting(state: &AppState, pending_id: &str) -> Result<Waiting, AppError> {
    let now = state.clock.now();
    let id = pending_id.to_owned();
    let found = state
        .db
        .run(move |c| {
            let Some(pending) = repo::find_pending(c, &id)? else {
                return Ok::<_, DbError>(None);
            };
            Ok(users::find(c, &pending.user_id)?.map(|user| (pending, user)))
        })
        .await?;
    match found {
        Some((pending, user))
            if now - pending.created_at <= PENDING_MAX_AGE
                && user.active
                && user.session_version == pending.session_version =>
        {
            Ok(Waiting { pending, user })
        }
        _ => Err(AppError::Gone(START_AGAIN.to_owned())),
    }
}

fn pending_actor(visitor: &Visitor, user: &User, at: chrono::DateTime<chrono::Utc>) -> Actor {
    Actor {
        user_id: Some(user.id.clone()),
        label: user.email.clone(),
        ip: Some(visitor.ip.clone()),
        request_id: Some(visitor.request_id.clone()),
        at,
    }
}

/// The second step: a code of the user's app, or one of their recovery codes. A right one ends
/// the pending sign-in and gives the session to start. A wrong one is audited and counted; the
/// fifth ends the pending sign-in (`Gone`: start again with the password).
pub async fn check_code(
    state: &AppState,
    visitor: &Visitor,
    pending_id: &str,
    typed: &str,
) -> Result<SignedIn, AppError> {
    let Waiting { pending, user } = waiting(state, pending_id).await?;
    if pending.must_enrol {
        return Err(AppError::Conflict(
            "Your firm requires two-factor sign-in: set up your authenticator app first."
                .to_owned(),
        ));
    }
    let now = state.clock.now();
    refuse_after_too_many_wrong_codes(state, &user.id).await?;
    let actor = pending_actor(visitor, &user, now);
    let refusal = match verify_second_factor(state, &user.id, typed).await? {
        Ok(method) => {
            let (id, actor) = (pending_id.to_owned(), actor.clone());
            state
                .db
                .run(move |c| {
                    repo::end_pending(c, &id)?;
                    audit::record(
                        c,
                        &actor,
                        Change {
                            action: "user.login_second_factor",
                            record_type: "user",
                            record_id: actor.user_id.as_ref().map(UserId::as_str),
                            summary: format!(
                                "{} confirmed their sign-in with {method}",
                                actor.label
                            ),
                            detail: serde_json::json!({ "method": method }),
                        },
                    )
                })
                .await?;
            return Ok(SignedIn {
                user_id: user.id,
                session_version: pending.session_version,
                at: now,
            });
        }
        Err(refusal) => refusal,
    };
    let failures = {
        let (id, user_id, reason) = (pending_id.to_owned(), user.id.clone(), refusal.reason());
        state
            .db
            .run(move |c| {
                repo::count_failure(
                    c,
                    &actor,
                    &id,
                    &user_id,
                    reason,
                    MAX_WRONG_CODES,
                    WRONG_CODES_WINDOW,
                )
            })
            .await?
    };
    tracing::warn!(email = %user.email, ip = %visitor.ip, failures, "second factor refused");
    if failures >= MAX_WRONG_CODES {
        return Err(AppError::Gone(format!(
            "{MAX_WRONG_CODES} wrong codes: this sign-in has ended. Sign in again with your password, and use a recovery code if your app's codes are refused."
        )));
    }
    let left = MAX_WRONG_CODES - failures;
    Err(AppError::invalid(
        "code",
        format!(
            "{} You can try {left} more time{}.",
            refusal.message(),
            if left == 1 { "" } else { "s" }
        ),
    ))
}

/// `TooManyRequests` once the user has had [`MAX_WRONG_CODES_PER_HOUR`] wrong codes within the
/// hour: no code is checked until the hour since the first one has passed.
async fn refuse_after_too_many_wrong_codes(
    state: &AppState,
    user_id: &UserId,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let id = user_id.clone();
    let Some(enrolment) = state.db.run(move |c| repo::find(c, &id)).await? else {
        return Ok(());
    };
    let Some(first) = enrolment.first_wrong_at else {
        return Ok(());
    };
    let until = first + WRONG_CODES_WINDOW;
    if enrolment.wrong_codes < MAX_WRONG_CODES_PER_HOUR || until <= now {
        return Ok(());
    }
    let minutes = ((until - now).num_seconds() + 59) / 60;
    Err(AppError::TooManyRequests {
        message: format!(
            "Too many wrong codes for this account. Try again in {minutes} minute{} (after {} UTC), or ask an administrator to reset your two-factor sign-in.",
            if minutes == 1 { "" } else { "s" },
            until.format("%H:%M")
        ),
        retry_after_secs: u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1),
    })
}

/// Why a typed second factor was refused.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    Code(CodeError),
    RecoveryCode,
}

impl Refusal {
    fn reason(self) -> &'static str {
        match self {
            Refusal::Code(CodeError::Reused) => "second-factor code used again",
            Refusal::Code(_) => "wrong second-factor code",
            Refusal::RecoveryCode => "wrong or used recovery code",
        }
    }

    fn message(self) -> String {
        match self {
            Refusal::Code(e) => e.to_string(),
            Refusal::RecoveryCode => {
                "This recovery code is not right or was already used; each works once.".to_owned()
            }
        }
    }
}

/// Checks a code of the user's app (recording its step, so it works once) or a recovery code
/// (marking it used). `Ok(Ok(method))` names what was used.
async fn verify_second_factor(
    state: &AppState,
    user_id: &UserId,
    typed: &str,
) -> Result<Result<&'static str, Refusal>, AppError> {
    let now = state.clock.now();
    let key = state.keys.two_factor;
    if totp::looks_like_recovery_code(typed) {
        let (hash, id) = (totp::recovery_code_hash(&key, typed), user_id.clone());
        let used = state
            .db
            .run(move |c| repo::use_recovery_code(c, &id, &hash, now))
            .await?;
        return Ok(if used {
            Ok("a recovery code")
        } else {
            Err(Refusal::RecoveryCode)
        });
    }
    let enrolment = {
        let id = user_id.clone();
        state.db.run(move |c| repo::find(c, &id)).await?
    };
    let Some(enrolment) = enrolment.filter(repo::Enrolment::is_on) else {
        return Ok(Err(Refusal::Code(CodeError::Wrong)));
    };
    let secret = open_secret(state, user_id, &enrolment.secret_sealed)?;
    let step = match totp::verify(&secret, typed, now.timestamp(), enrolment.last_step) {
        Ok(step) => step,
        Err(e) => return Ok(Err(Refusal::Code(e))),
    };
    let id = user_id.clone();
    let fresh = state
        .db
        .run(move |c| repo::accept_step(c, &id, step))
        .await?;
    Ok(if fresh {
        Ok("their authenticator app")
    } else {
        Err(Refusal::Code(CodeError::Reused))
    })
}

fn open_secret(state: &AppState, user_id: &UserId, sealed: &str) -> Result<Secret, AppError> {
    totp::open(&state.keys.two_factor, user_id.as_str(), sealed)
        .map_err(|e| AppError::Unexpected(e.into()))
}

/// The two-factor part of the account page.
#[derive(Debug, Clone)]
pub struct Status {
    pub on: bool,
    /// Enrolment started and not confirmed: what to scan.
    pub enrolling: Option<ToScan>,
    pub recovery_codes_left: i64,
    /// The firm requires it of this person (staff, with the setting on).
    pub required: bool,
}

/// What an authenticator app is given at enrolment: the QR code, and the secret as text.
#[derive(Debug, Clone)]
pub struct ToScan {
    pub qr_svg: String,
    pub secret: String,
    pub uri: String,
}

fn to_scan(secret: &Secret, email: &str) -> ToScan {
    let uri = secret.otpauth_uri(ISSUER, email);
    ToScan {
        qr_svg: totp::qr_svg(&uri),
        secret: secret.base32_grouped(),
        uri,
    }
}

pub async fn status(state: &AppState, user: &Principal) -> Result<Status, AppError> {
    let id = user.id.clone();
    let (enrolment, left, required) = state
        .db
        .run(move |c| {
            Ok::<_, DbError>((
                repo::find(c, &id)?,
                repo::recovery_codes_left(c, &id)?,
                repo::staff_required(c)?,
            ))
        })
        .await?;
    let on = enrolment.as_ref().is_some_and(repo::Enrolment::is_on);
    // An enrolment whose secret no longer opens (the instance's key changed) is shown as not
    // started, so that the account page still works and the user starts again.
    let enrolling = enrolment
        .filter(|e| !e.is_on())
        .and_then(|e| totp::open(&state.keys.two_factor, user.id.as_str(), &e.secret_sealed).ok())
        .map(|secret| to_scan(&secret, &user.email));
    Ok(Status {
        on,
        enrolling,
        recovery_codes_left: left,
        required: required && user.is_staff(),
    })
}

/// Starts enrolling (or starts again with a new secret): the secret is kept sealed and shown
/// until the user confirms it with a code.
pub async fn start_enrolment(
    state: &AppState,
    user_id: &UserId,
    email: &str,
) -> Result<ToScan, AppError> {
    let secret = Secret::generate();
    let sealed = totp::seal(&state.keys.two_factor, user_id.as_str(), &secret);
    let (id, now) = (user_id.clone(), state.clock.now());
    state
        .db
        .run(move |c| repo::start_enrolment(c, &id, &sealed, now))
        .await?;
    Ok(to_scan(&secret, email))
}

/// The enrolment in progress, started if there is none (for the enrolment page).
pub async fn enrolment_in_progress(
    state: &AppState,
    user_id: &UserId,
    email: &str,
) -> Result<ToScan, AppError> {
    let id = user_id.clone();
    match state.db.run(move |c| repo::find(c, &id)).await? {
        Some(e) if e.is_on() => Err(TwoFactorError::AlreadyOn.into()),
        Some(e) => match totp::open(&state.keys.two_factor, user_id.as_str(), &e.secret_sealed) {
            Ok(secret) => Ok(to_scan(&secret, email)),
            // Sealed under an older key: a new secret to scan.
            Err(_) => start_enrolment(state, user_id, email).await,
        },
        None => start_enrolment(state, user_id, email).await,
    }
}

/// The code that confirms an enrolment.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CodeInput {
    #[serde(default)]
    pub code: String,
}

/// Confirms the enrolment with a code of the app: two-factor sign-in is on from now. Returns
/// the recovery codes, shown this once.
pub async fn confirm_enrolment(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    input: &CodeInput,
) -> Result<Vec<String>, AppError> {
    let id = user_id.clone();
    let enrolment = state.db.run(move |c| repo::find(c, &id)).await?;
    let enrolment = match enrolment {
        Some(e) if e.is_on() => return Err(TwoFactorError::AlreadyOn.into()),
        Some(e) => e,
        None => return Err(TwoFactorError::NotEnrolling.into()),
    };
    let secret = open_secret(state, user_id, &enrolment.secret_sealed)?;
    let step = totp::verify(&secret, &input.code, actor.at.timestamp(), None)
        .map_err(|e| AppError::invalid("code", e.to_string()))?;
    let codes = totp::new_recovery_codes();
    let hashes = hashes(state, &codes);
    let id = user_id.clone();
    state
        .db
        .run(move |c| repo::confirm(c, &actor, &id, step, &hashes))
        .await?;
    Ok(codes)
}

/// Enrolment during a sign-in that the firm requires it for: a right code turns two-factor
/// sign-in on and completes the sign-in. Returns the session to start and the recovery codes,
/// shown this once.
pub async fn enrol_and_sign_in(
    state: &AppState,
    visitor: &Visitor,
    pending_id: &str,
    input: &CodeInput,
) -> Result<(SignedIn, Vec<String>), AppError> {
    let Waiting { pending, user } = waiting(state, pending_id).await?;
    if !pending.must_enrol {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already set up: enter the code of your app.".to_owned(),
        ));
    }
    let now = state.clock.now();
    let codes =
        confirm_enrolment(state, pending_actor(visitor, &user, now), &user.id, input).await?;
    let id = pending_id.to_owned();
    state.db.run(move |c| repo::end_pending(c, &id)).await?;
    Ok((
        SignedIn {
            user_id: user.id,
            session_version: pending.session_version,
            at: now,
        },
        codes,
    ))
}

fn hashes(state: &AppState, codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .map(|code| totp::recovery_code_hash(&state.keys.two_factor, code))
        .collect()
}

/// New recovery codes for the caller; the old ones stop working.
pub async fn new_recovery_codes(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<String>, AppError> {
    let codes = totp::new_recovery_codes();
    let hashes = hashes(state, &codes);
    let (actor, id) = (caller.actor(state.clock.now()), caller.id.clone());
    state
        .db
        .run(move |c| repo::replace_recovery_codes(c, &actor, &id, &hashes))
        .await?;
    Ok(codes)
}

/// Turning two-factor sign-in off: proved with the current password or a current code.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TurnOffInput {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub code: String,
}

/// Turns the caller's second factor off, given their password or a code. Staff cannot while
/// the firm requires it.
pub async fn turn_off(
    state: &AppState,
    caller: &Caller,
    input: TurnOffInput,
) -> Result<(), AppError> {
    let (id, me) = (caller.id.clone(), caller.id.clone());
    let (required, user) = state
        .db
        .run(move |c| Ok::<_, DbError>((repo::staff_required(c)?, users::find(c, &id)?)))
        .await?;
    let user = user.ok_or(AppError::Unauthorized)?;
    if required && user.role.is_staff() {
        return Err(AppError::Forbidden(
            "Your firm requires two-factor sign-in for staff, so it cannot be turned off. If you lost your phone, ask an administrator to reset it.".to_owned(),
        ));
    }
    let proved = if !input.current_password.is_empty() {
        password::verify_in_background(input.current_password, Some(user.password_hash)).await?
    } else if !input.code.trim().is_empty() {
        verify_second_factor(state, &me, &input.code).await?.is_ok()
    } else {
        false
    };
    if !proved {
        return Err(AppError::invalid(
            "off_current_password",
            "Enter your current password, or a code of your authenticator app, to turn two-factor sign-in off.",
        ));
    }
    let actor = caller.actor(state.clock.now());
    state
        .db
        .run(move |c| {
            repo::remove(
                c,
                &actor,
                &me,
                "user.two_factor_off",
                "turned two-factor sign-in off",
            )
        })
        .await?;
    Ok(())
}

/// Whether the account `id` has two-factor sign-in on (for its administration page).
pub async fn is_on(state: &AppState, admin: &Principal, id: &UserId) -> Result<bool, AppError> {
    admin.require_admin()?;
    let id = id.clone();
    Ok(state
        .db
        .run(move |c| repo::find(c, &id))
        .await?
        .is_some_and(|e| e.is_on()))
}

/// An administrator removes someone's second factor (a lost phone); they sign in with their
/// password and, if the firm requires it, enrol again.
pub async fn reset(state: &AppState, caller: &Caller, id: &str) -> Result<User, AppError> {
    caller.require_admin()?;
    let id = UserId::parse(id).map_err(|_| AppError::not_found("user"))?;
    let target = {
        let id = id.clone();
        state.db.run(move |c| users::find(c, &id)).await?
    }
    .ok_or_else(|| AppError::not_found("user"))?;
    let actor = caller.actor(state.clock.now());
    state
        .db
        .run(move |c| {
            repo::remove(
                c,
                &actor,
                &id,
                "user.two_factor_reset",
                "reset their two-factor sign-in (they enrol again)",
            )
        })
        .await?;
    Ok(target)
}

/// Whether the firm requires two-factor sign-in of staff.
pub async fn staff_required(state: &AppState, user: &Principal) -> Result<bool, AppError> {
    user.require_admin()?;
    Ok(state.db.run(repo::staff_required).await?)
}

/// Requires (or stops requiring) two-factor sign-in of staff; audited. Returns how many people
/// were signed out to enrol at their next sign-in.
pub async fn set_staff_required(
    state: &AppState,
    caller: &Caller,
    required: bool,
) -> Result<usize, AppError> {
    caller.require_admin()?;
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| repo::set_staff_required(c, &actor, required))
        .await?)
}
