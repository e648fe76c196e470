//! Sign-in throttling: every password guess is taken from a counter before the password is
//! checked, one counter per account and one per network address, so that however many sign-ins
//! arrive at once, no more guesses are checked than the limit allows. Pure: the repository
//! (`repo::sign_in_throttle`) reads a counter, asks here, and writes the answer back in the same
//! transaction, holding the counter's row.
//!
//! OWASP Authentication Cheat Sheet, "Account Lockout" and "Login Throttling": lock after a
//! threshold of failed attempts, for a limited time that grows when the attempts go on
//! (exponential backoff), so that guessing is slow while a real user is not locked out for long.
//! OWASP Credential Stuffing Prevention Cheat Sheet: an address throttle must not lock out the
//! users who share it (a firm behind one proxy), hence the exemption of addresses an account has
//! already signed in from (`repo::sign_in_throttle::take_guess`).

use chrono::{DateTime, Duration, Utc};

/// How many guesses one counter allows, and for how long it then locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Guesses that may be checked before the counter locks (the last of them still is).
    pub guesses: i32,
    /// The first lock; each lock that follows without a quiet `forgive_after` doubles it.
    pub first_lock: Duration,
    /// The longest lock, whatever the number of locks before it.
    pub longest_lock: Duration,
    /// Failures older than this, with none since, no longer count.
    pub window: Duration,
    /// After this long without a failure, the backoff starts again from `first_lock`.
    pub forgive_after: Duration,
}

/// Which counter refused a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockedBy {
    Account,
    Address,
}

impl LockedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Address => "address",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "account" => Some(Self::Account),
            "address" => Some(Self::Address),
            _ => None,
        }
    }
}

/// The two limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Guesses on one account, from anywhere.
    pub account: Limit,
    /// Guesses from one network address, on accounts that never signed in from it.
    pub address: Limit,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            account: Limit {
                guesses: 5,
                first_lock: Duration::minutes(15),
                longest_lock: Duration::hours(1),
                window: Duration::minutes(15),
                forgive_after: Duration::hours(24),
            },
            address: Limit {
                guesses: 30,
                first_lock: Duration::minutes(15),
                longest_lock: Duration::hours(1),
                window: Duration::minutes(15),
                forgive_after: Duration::hours(24),
            },
        }
    }
}

impl ThrottlePolicy {
    pub fn limit(&self, by: LockedBy) -> &Limit {
        match by {
            LockedBy::Account => &self.account,
            LockedBy::Address => &self.address,
        }
    }

    /// How long the counters must be kept: a counter quiet for longer has nothing left to say.
    pub fn memory(&self) -> Duration {
        [
            self.account.forgive_after,
            self.address.forgive_after,
            self.account.longest_lock,
            self.address.longest_lock,
        ]
        .into_iter()
        .max()
        .unwrap_or_else(|| Duration::hours(24))
    }
}

/// One counter, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counter {
    /// Guesses taken since the counter was last reset or locked, the one being checked included.
    pub failures: i32,
    /// Locks in a row (the backoff's exponent).
    pub lockouts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
}

impl Limit {
    /// The lock that follows `lockouts` earlier locks.
    fn lock_after(&self, lockouts: i32) -> Duration {
        let doublings = u32::try_from(lockouts.clamp(0, 20)).unwrap_or(0);
        let lock = self
            .first_lock
            .checked_mul(1 << doublings)
            .unwrap_or(self.longest_lock);
        lock.min(self.longest_lock)
    }

    /// Takes one guess at `now`: the counter to store, or the end of the lock that refuses it.
    /// The guess counts as a failure until [`Limit::refund`] says the password was right.
    pub fn take_guess(
        &self,
        counter: &Counter,
        now: DateTime<Utc>,
    ) -> Result<Counter, DateTime<Utc>> {
        if let Some(until) = counter.locked_until.filter(|until| *until > now) {
            return Err(until);
        }
        let mut next = counter.clone();
        let quiet_for = counter.last_failure_at.map(|at| now - at);
        // A lock that has run out starts a new count; so does a quiet window.
        if counter.locked_until.is_some() || quiet_for.is_none_or(|q| q >= self.window) {
            next.failures = 0;
        }
        next.locked_until = None;
        if quiet_for.is_none_or(|q| q >= self.forgive_after) {
            next.lockouts = 0;
        }
        next.failures += 1;
        next.last_failure_at = Some(now);
        if self.guesses > 0 && next.failures >= self.guesses {
            next.locked_until = Some(now + self.lock_after(next.lockouts));
            next.lockouts += 1;
            next.failures = 0;
        }
        Ok(next)
    }

    /// Gives back a guess taken at `taken_at` whose password was right: it no longer counts,
    /// and if it was the guess that locked the counter, the lock is lifted.
    pub fn refund(&self, counter: &Counter, taken_at: DateTime<Utc>) -> Counter {
        let mut next = counter.clone();
        let locked_by_it = counter.lockouts > 0
            && counter.failures == 0
            && counter.locked_until == Some(taken_at + self.lock_after(counter.lockouts - 1));
        if locked_by_it {
            next.lockouts -= 1;
            next.locked_until = None;
            next.failures = self.guesses - 1;
        } else {
            next.failures = (next.failures - 1).max(0);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    /// Takes guesses at the given minutes; returns the counter and, per guess, whether it was
    /// taken or the end of the lock that refused it.
    fn guesses(limit: &Limit, minutes: &[i64]) -> (Counter, Vec<Result<(), DateTime<Utc>>>) {
        let mut counter = Counter::default();
        let mut answers = Vec::new();
        for m in minutes {
            match limit.take_guess(&counter, t(*m)) {
                Ok(next) => {
                    counter = next;
                    answers.push(Ok(()));
                }
                Err(until) => answers.push(Err(until)),
            }
        }
        (counter, answers)
    }

    #[test]
    fn an_account_allows_five_guesses_then_locks_with_backoff() {
        let account = ThrottlePolicy::default().account;
        // (guess times in minutes, expected answer of the last guess); OWASP "Account Lockout".
        type Case<'a> = (&'a [i64], Result<(), DateTime<Utc>>);
        let cases: Vec<Case> = vec![
            (&[0], Ok(())),
            (&[0, 0, 0, 0], Ok(())),
            // the fifth guess is still checked; it sets the lock
            (&[0, 0, 0, 0, 0], Ok(())),
            (&[0, 0, 0, 0, 0, 1], Err(t(15))),
            (&[0, 0, 0, 0, 0, 14], Err(t(15))),
            // the lock has run out: a new count of five
            (&[0, 0, 0, 0, 0, 15], Ok(())),
            // a second lock in a row lasts twice as long
            (&[0, 0, 0, 0, 0, 15, 15, 15, 15, 15, 16], Err(t(45))),
            // a third: four times, capped at one hour
            (
                &[0, 0, 0, 0, 0, 15, 15, 15, 15, 15, 45, 45, 45, 45, 45, 46],
                Err(t(105)),
            ),
            // four failures, then a quiet window: they no longer count
            (&[0, 0, 0, 0, 15, 15, 15, 15], Ok(())),
            // failures spread over the window still add up
            (&[0, 3, 6, 9, 12, 14], Err(t(27))),
        ];
        for (i, (minutes, expected)) in cases.into_iter().enumerate() {
            let (_, answers) = guesses(&account, minutes);
            assert_eq!(
                answers.last().copied().unwrap(),
                expected,
                "case {i}: {minutes:?}"
            );
        }
    }

    #[test]
    fn after_a_day_without_failures_the_backoff_starts_again() {
        let account = ThrottlePolicy::default().account;
        let mut minutes: Vec<i64> = vec![0; 5];
        minutes.extend([15; 5]);
        let later = 15 + 24 * 60;
        minutes.extend([later; 5]);
        minutes.push(later + 1);
        let (_, answers) = guesses(&account, &minutes);
        assert_eq!(answers.last().copied().unwrap(), Err(t(later + 15)));
    }

    #[test]
    fn a_right_password_gives_its_guess_back() {
        let address = ThrottlePolicy::default().address;
        // 29 failures, then a right password that took the 30th guess and locked the address:
        // the refund lifts the lock it caused.
        let (counter, _) = guesses(&address, &[0; 30]);
        assert_eq!(counter.locked_until, Some(t(15)));
        let refunded = address.refund(&counter, t(0));
        assert_eq!(refunded.locked_until, None);
        assert_eq!(refunded.failures, 29);
        assert_eq!(refunded.lockouts, 0);
        assert!(address.take_guess(&refunded, t(1)).is_ok());

        // A refund without a lock removes one failure.
        let (counter, _) = guesses(&address, &[0; 3]);
        assert_eq!(address.refund(&counter, t(0)).failures, 2);
        assert_eq!(address.refund(&Counter::default(), t(0)).failures, 0);
    }

    #[test]
    fn a_lock_is_never_longer_than_the_longest() {
        let account = ThrottlePolicy::default().account;
        for lockouts in [0, 1, 2, 3, 10, 40, i32::MAX] {
            assert!(
                account.lock_after(lockouts) <= account.longest_lock,
                "{lockouts}"
            );
            assert!(
                account.lock_after(lockouts) >= account.first_lock,
                "{lockouts}"
            );
        }
    }
}
