//! Two-factor sign-in records: each user's sealed TOTP secret and last accepted step, their
//! recovery codes (hashed), the sign-ins waiting for a code, and the firm's setting that requires
//! a second factor of staff. Every change a person makes is audited in the same transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{firm_settings, pending_sign_ins, recovery_codes, two_factor, users};
use crate::db::types::{from_db, to_db};
use crate::db::{DbConn, DbError, write_tx};
use crate::model::audit::Actor;
use crate::model::digest::sha256_hex;
use crate::model::ids::UserId;
use crate::model::user::Role;
use crate::repo::audit::{self, Change};

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error("Two-factor sign-in is already on for this account; turn it off first to enrol again.")]
    AlreadyOn,
    #[error("Start the enrolment again: scan the new QR code, then enter the code it shows.")]
    NotEnrolling,
    #[error("Two-factor sign-in is not on for this account.")]
    NotOn,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for TwoFactorError {
    fn from(e: diesel::result::Error) -> Self {
        TwoFactorError::Db(e.into())
    }
}

/// A user's second factor, confirmed or still being enrolled.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret_sealed: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_step: Option<i64>,
    /// Wrong codes since `first_wrong_at`, over all of the user's sign-ins.
    pub wrong_codes: i32,
    pub first_wrong_at: Option<DateTime<Utc>>,
}

impl Enrolment {
    pub fn is_on(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

pub fn find(conn: &mut DbConn, user: &UserId) -> Result<Option<Enrolment>, DbError> {
    type Row = (
        String,
        Option<NaiveDateTime>,
        Option<i64>,
        i32,
        Option<NaiveDateTime>,
    );
    let row: Option<Row> = two_factor::table
        .find(user.as_str())
        .select((
            two_factor::secret_sealed,
            two_factor::confirmed_at,
            two_factor::last_step,
            two_factor::wrong_codes,
            two_factor::first_wrong_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(secret_sealed, confirmed_at, last_step, wrong_codes, first_wrong_at)| Enrolment {
            secret_sealed,
            confirmed_at: confirmed_at.map(from_db),
            last_step,
            wrong_codes,
            first_wrong_at: first_wrong_at.map(from_db),
        },
    ))
}

/// Starts (or restarts) an enrolment with a new sealed secret; refused once the factor is on.
pub fn start_enrolment(
    conn: &mut DbConn,
    user: &UserId,
    secret_sealed: &str,
    at: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    write_tx(conn, |conn| {
        if find(conn, user)?.is_some_and(|e| e.is_on()) {
            return Err(TwoFactorError::AlreadyOn);
        }
        diesel::delete(two_factor::table.find(user.as_str())).execute(conn)?;
        diesel::insert_into(two_factor::table)
            .values((
                two_factor::user_id.eq(user.as_str()),
                two_factor::secret_sealed.eq(secret_sealed),
                two_factor::created_at.eq(to_db(at)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Turns the factor on after a right code of `step`, with fresh recovery codes.
pub fn confirm(
    conn: &mut DbConn,
    actor: &Actor,
    user: &UserId,
    step: i64,
    recovery_hashes: &[String],
) -> Result<(), TwoFactorError> {
    write_tx(conn, |conn| {
        let updated = diesel::update(
            two_factor::table
                .find(user.as_str())
                .filter(two_factor::confirmed_at.is_null()),
        )
        .set((
            two_factor::confirmed_at.eq(Some(to_db(actor.at))),
            two_factor::last_step.eq(Some(step)),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(TwoFactorError::NotEnrolling);
        }
        put_recovery_codes(conn, user, recovery_hashes, actor.at)?;
        record(
            conn,
            actor,
            user,
            "user.two_factor_on",
            "turned two-factor sign-in on",
        )?;
        Ok(())
    })
}

/// Records `step` as used, unless it (or a later one) already was: one statement, so that two
/// sign-ins racing with the same code cannot both pass.
pub fn accept_step(conn: &mut DbConn, user: &UserId, step: i64) -> Result<bool, DbError> {
    let updated = diesel::update(
        two_factor::table
            .find(user.as_str())
            .filter(two_factor::confirmed_at.is_not_null())
            .filter(
                two_factor::last_step
                    .is_null()
                    .or(two_factor::last_step.lt(step)),
            ),
    )
    .set((
        two_factor::last_step.eq(Some(step)),
        two_factor::wrong_codes.eq(0),
        two_factor::first_wrong_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

fn put_recovery_codes(
    conn: &mut DbConn,
    user: &UserId,
    hashes: &[String],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user.as_str())))
        .execute(conn)?;
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user.as_str()),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(to_db(at)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the recovery codes of a user whose factor is on; the old ones stop working.
pub fn replace_recovery_codes(
    conn: &mut DbConn,
    actor: &Actor,
    user: &UserId,
    hashes: &[String],
) -> Result<(), TwoFactorError> {
    write_tx(conn, |conn| {
        if !find(conn, user)?.is_some_and(|e| e.is_on()) {
            return Err(TwoFactorError::NotOn);
        }
        put_recovery_codes(conn, user, hashes, actor.at)?;
        record(
            conn,
            actor,
            user,
            "user.recovery_codes_replaced",
            "made new recovery codes",
        )?;
        Ok(())
    })
}

/// Uses a recovery code: true if it was one of the user's, unused (now used).
pub fn use_recovery_code(
    conn: &mut DbConn,
    user: &UserId,
    hash: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user.as_str()))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(to_db(at))))
    .execute(conn)?;
    if updated == 1 {
        diesel::update(two_factor::table.find(user.as_str()))
            .set((
                two_factor::wrong_codes.eq(0),
                two_factor::first_wrong_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    Ok(updated == 1)
}

/// How many recovery codes the user has left.
pub fn recovery_codes_left(conn: &mut DbConn, user: &UserId) -> Result<i64, DbError> {
    Ok(recovery_codes::table
        .filter(recovery_codes::user_id.eq(user.as_str()))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Removes the user's second factor and recovery codes: by the user (`user.two_factor_off`) or,
/// for a lost phone, by an administrator (`user.two_factor_reset`).
pub fn remove(
    conn: &mut DbConn,
    actor: &Actor,
    user: &UserId,
    action: &'static str,
    what: &str,
) -> Result<(), TwoFactorError> {
    write_tx(conn, |conn| {
        let removed = diesel::delete(two_factor::table.find(user.as_str())).execute(conn)?;
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user.as_str())))
            .execute(conn)?;
        if removed == 0 {
            return Err(TwoFactorError::NotOn);
        }
        record(conn, actor, user, action, what)?;
        Ok(())
    })
}

fn record(
    conn: &mut DbConn,
    actor: &Actor,
    user: &UserId,
    action: &'static str,
    what: &str,
) -> Result<(), DbError> {
    let email: String = users::table
        .find(user.as_str())
        .select(users::email)
        .first(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action,
            record_type: "user",
            record_id: Some(user.as_str()),
            summary: format!("{}: {what}", email),
            detail: json!({}),
        },
    )
}

/// Whether the firm requires a second factor of its staff.
pub fn staff_required(conn: &mut DbConn) -> Result<bool, DbError> {
    Ok(firm_settings::table
        .find(1)
        .select(firm_settings::staff_two_factor_required)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Sets whether the firm requires a second factor of its staff. Turning it on ends the sessions
/// of the active staff who have none (but the administrator's own), so that they enrol at their
/// next sign-in rather than in up to 12 hours. Returns how many people were signed out.
pub fn set_staff_required(
    conn: &mut DbConn,
    actor: &Actor,
    required: bool,
) -> Result<usize, DbError> {
    write_tx(conn, |conn| {
        let before = staff_required(conn)?;
        diesel::update(firm_settings::table.find(1))
            .set((
                firm_settings::staff_two_factor_required.eq(required),
                firm_settings::updated_at.eq(to_db(actor.at)),
            ))
            .execute(conn)?;
        let signed_out = if required && !before {
            sign_out_staff_without_factor(conn, actor)?
        } else {
            0
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "firm.two_factor_requirement",
                record_type: "firm",
                record_id: None,
                summary: if required {
                    format!(
                        "Required two-factor sign-in for staff; signed out {signed_out} without it"
                    )
                } else {
                    "Stopped requiring two-factor sign-in for staff".to_owned()
                },
                detail: json!({ "before": before, "after": required, "signed_out": signed_out }),
            },
        )?;
        Ok(signed_out)
    })
}

fn sign_out_staff_without_factor(conn: &mut DbConn, actor: &Actor) -> Result<usize, DbError> {
    let with_factor: Vec<String> = two_factor::table
        .filter(two_factor::confirmed_at.is_not_null())
        .select(two_factor::user_id)
        .load(conn)?;
    let staff: Vec<String> = users::table
        .filter(users::role.ne(Role::Client))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?;
    let me = actor.user_id.as_ref().map(UserId::as_str);
    let without: Vec<String> = staff
        .into_iter()
        .filter(|id| !with_factor.contains(id) && Some(id.as_str()) != me)
        .collect();
    Ok(
        diesel::update(users::table.filter(users::id.eq_any(&without)))
            .set(users::session_version.eq(users::session_version + 1))
            .execute(conn)?,
    )
}

/// A sign-in whose password was right, waiting for the second factor (or for enrolment).
#[derive(Debug, Clone)]
pub struct Pending {
    pub user_id: UserId,
    pub session_version: i32,
    pub must_enrol: bool,
    pub failures: i32,
    pub created_at: DateTime<Utc>,
}

pub fn start_pending(conn: &mut DbConn, id: &str, pending: &Pending) -> Result<(), DbError> {
    diesel::insert_into(pending_sign_ins::table)
        .values((
            pending_sign_ins::id.eq(sha256_hex(id.as_bytes())),
            pending_sign_ins::user_id.eq(pending.user_id.as_str()),
            pending_sign_ins::session_version.eq(pending.session_version),
            pending_sign_ins::must_enrol.eq(pending.must_enrol),
            pending_sign_ins::failures.eq(pending.failures),
            pending_sign_ins::created_at.eq(to_db(pending.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_pending(conn: &mut DbConn, id: &str) -> Result<Option<Pending>, DbError> {
    let row: Option<(String, i32, bool, i32, NaiveDateTime)> = pending_sign_ins::table
        .find(sha256_hex(id.as_bytes()))
        .select((
            pending_sign_ins::user_id,
            pending_sign_ins::session_version,
            pending_sign_ins::must_enrol,
            pending_sign_ins::failures,
            pending_sign_ins::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some((user_id, session_version, must_enrol, failures, created_at)) = row else {
        return Ok(None);
    };
    let Ok(user_id) = UserId::parse(&user_id) else {
        return Ok(None);
    };
    Ok(Some(Pending {
        user_id,
        session_version,
        must_enrol,
        failures,
        created_at: from_db(created_at),
    }))
}

/// Counts a wrong code against a pending sign-in (at `max` failures it ends) and against the
/// user (within `window` of their first wrong code), and audits it. Returns the pending
/// sign-in's failures so far.
pub fn count_failure(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    user: &UserId,
    reason: &str,
    max: i32,
    window: chrono::Duration,
) -> Result<i32, DbError> {
    write_tx(conn, |conn| {
        if let Some(enrolment) = find(conn, user)? {
            let (wrong, since) = match enrolment.first_wrong_at {
                Some(first) if actor.at - first < window => (enrolment.wrong_codes + 1, first),
                _ => (1, actor.at),
            };
            diesel::update(two_factor::table.find(user.as_str()))
                .set((
                    two_factor::wrong_codes.eq(wrong),
                    two_factor::first_wrong_at.eq(Some(to_db(since))),
                ))
                .execute(conn)?;
        }
        let key = sha256_hex(id.as_bytes());
        diesel::update(pending_sign_ins::table.find(&key))
            .set(pending_sign_ins::failures.eq(pending_sign_ins::failures + 1))
            .execute(conn)?;
        let failures: i32 = pending_sign_ins::table
            .find(&key)
            .select(pending_sign_ins::failures)
            .first::<i32>(conn)
            .optional()?
            .unwrap_or(max);
        if failures >= max {
            diesel::delete(pending_sign_ins::table.find(&key)).execute(conn)?;
        }
        // Audited as every failed sign-in is; the password throttle is not involved.
        crate::repo::sign_in_throttle::record_failure(conn, actor, Some(user), reason)?;
        Ok(failures)
    })
}

pub fn end_pending(conn: &mut DbConn, id: &str) -> Result<(), DbError> {
    diesel::delete(pending_sign_ins::table.find(sha256_hex(id.as_bytes()))).execute(conn)?;
    Ok(())
}

/// Forgets pending sign-ins started before `before`: they have expired.
pub fn forget_pending_before(conn: &mut DbConn, before: DateTime<Utc>) -> Result<usize, DbError> {
    Ok(diesel::delete(
        pending_sign_ins::table.filter(pending_sign_ins::created_at.lt(to_db(before))),
    )
    .execute(conn)?)
}
