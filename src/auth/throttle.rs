//! Login throttling: after repeated failed sign-ins, an account (or an address hammering many
//! accounts) must wait. Pure: the caller supplies the recorded failures.
//!
//! OWASP Authentication Cheat Sheet, "Account Lockout": lock after a threshold of failed
//! attempts within an observation window, for a limited duration, so that guessing is slow while
//! a real user is not locked out for long.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failed attempts on one account, since its last successful sign-in, within the window.
    pub account_failures: usize,
    /// Failed attempts from one network address, on any accounts, within the window.
    pub address_failures: usize,
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            account_failures: 5,
            address_failures: 30,
            window: Duration::minutes(15),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockedBy {
    Account,
    Address,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Locked { until: DateTime<Utc>, by: LockedBy },
}

impl ThrottlePolicy {
    /// `account` and `address` are the times of failed attempts, in any order; those outside
    /// the window are ignored.
    pub fn decide(
        &self,
        account: &[DateTime<Utc>],
        address: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Decision {
        let lock = |failures: &[DateTime<Utc>], limit: usize| -> Option<DateTime<Utc>> {
            let mut recent: Vec<DateTime<Utc>> = failures
                .iter()
                .copied()
                .filter(|t| *t > now - self.window && *t <= now)
                .collect();
            if limit == 0 || recent.len() < limit {
                return None;
            }
            recent.sort();
            // Allowed again once enough failures have aged out that fewer than `limit` remain.
            Some(recent[recent.len() - limit] + self.window)
        };
        match (
            lock(account, self.account_failures),
            lock(address, self.address_failures),
        ) {
            (Some(a), Some(b)) if b > a => Decision::Locked {
                until: b,
                by: LockedBy::Address,
            },
            (Some(a), _) => Decision::Locked {
                until: a,
                by: LockedBy::Account,
            },
            (None, Some(b)) => Decision::Locked {
                until: b,
                by: LockedBy::Address,
            },
            (None, None) => Decision::Allowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn decisions() {
        let p = ThrottlePolicy::default();
        let four: Vec<_> = (0..4).map(t).collect();
        let five: Vec<_> = (0..5).map(t).collect();
        let thirty: Vec<_> = (0..30).map(|i| t(i / 3)).collect();
        // (account failures, address failures, now, expected)
        type Case<'a> = (
            &'a [DateTime<Utc>],
            &'a [DateTime<Utc>],
            DateTime<Utc>,
            Decision,
        );
        let cases: Vec<Case> = vec![
            (&[], &[], t(0), Decision::Allowed),
            (&four, &four, t(5), Decision::Allowed),
            // fifth failure locks until the first one is 15 minutes old
            (
                &five,
                &five,
                t(5),
                Decision::Locked {
                    until: t(15),
                    by: LockedBy::Account,
                },
            ),
            (
                &five,
                &five,
                t(14),
                Decision::Locked {
                    until: t(15),
                    by: LockedBy::Account,
                },
            ),
            // the first failure has left the window: four remain
            (&five, &five, t(15), Decision::Allowed),
            (
                &[],
                &thirty,
                t(10),
                Decision::Locked {
                    until: t(15),
                    by: LockedBy::Address,
                },
            ),
            // failures recorded in the future (clock skew between instances) do not count
            (&five, &[], t(-1), Decision::Allowed),
        ];
        for (i, (account, address, now, expected)) in cases.into_iter().enumerate() {
            assert_eq!(p.decide(account, address, now), expected, "case {i}");
        }
    }
}
