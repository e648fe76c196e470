//! The drop watch's rules, pure: when to ask the registry again about a name that may drop soon
//! (its pace), and how many queries a registry server may receive from all of reclaim's
//! instances together (its budget). `docs/registries.md` §8 explains both with their sources.
//!
//! Outside the predicted drop window nothing here applies: the monitor keeps its normal pace
//! (`lifecycle::next_check`).

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday,
};
use serde::{Deserialize, Serialize};

use super::lifecycle::Phase;

/// Default budget per registry server, all instances together: 2 queries a second, 60 a
/// minute. SIDN refuses more than one query a second from a client ("only 1 request per second
/// allowed", corpus `sidn/throttled/`), Verisign and PIR publish no figure and throttle "if too
/// many queries are received from a single IP address" (`docs/registries.md` §3.3, §8.2): a
/// short burst of 2 at the drop instant and an average of one a second stays within the one
/// figure a registry publishes.
pub const DEFAULT_PER_SECOND: u32 = 2;
pub const DEFAULT_PER_MINUTE: u32 = 60;

/// Inside the predicted drop window, away from a known deletion instant: once a minute.
pub const WINDOW_INTERVAL: Duration = Duration::seconds(60);
/// Around a known deletion instant: once a second, the most any one name is asked.
pub const BURST_INTERVAL: Duration = Duration::seconds(1);
/// The burst starts this long before the known deletion instant (clocks differ).
pub const BURST_LEAD: Duration = Duration::minutes(2);
/// The watch starts this long before the earliest predicted drop...
pub const WATCH_LEAD: Duration = Duration::hours(1);
/// ...and goes on this long after the latest (a late batch, a prediction off by hours).
pub const WATCH_TAIL: Duration = Duration::hours(6);
/// A predicted window this short is itself the deletion instant (`.nl`: a one-hour random
/// release from the published quarantine end, `docs/registries.md` §1.3).
pub const SHORT_WINDOW: Duration = Duration::hours(1);
/// After a 429, the allowance grows back by one query a second per minute without another.
pub const RECOVERY_STEP: Duration = Duration::minutes(1);

/// The time zone a registry's deletion hour is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletionZone {
    Utc,
    /// US Eastern time: UTC−5, UTC−4 under daylight saving time.
    UsEastern,
}

/// The registry's daily deletion batch, where the TLD policy knows one (`data/tld_policy.toml`,
/// `daily_deletion`): starts at `at` (HH:MM) local time in `zone` and lasts `minutes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyDeletion {
    pub at: String,
    pub zone: DeletionZone,
    pub minutes: u32,
}

impl DailyDeletion {
    /// `at` read as a time of day, or why not.
    pub fn time_of_day(&self) -> Result<NaiveTime, String> {
        NaiveTime::parse_from_str(&self.at, "%H:%M")
            .map_err(|_| format!("daily_deletion.at '{}' is not HH:MM", self.at))
    }

    /// The batch's start on `day` (a calendar day in the registry's zone), in UTC.
    pub fn instant_on(&self, day: NaiveDate) -> Option<DateTime<Utc>> {
        let local = day.and_time(self.time_of_day().ok()?);
        let offset = match self.zone {
            DeletionZone::Utc => Duration::zero(),
            DeletionZone::UsEastern => us_eastern_offset(local.and_utc() + Duration::hours(5)),
        };
        Some(Utc.from_utc_datetime(&(local - offset)))
    }
}

/// UTC offset of US Eastern time at `at`: daylight saving time from the second Sunday of March,
/// 2:00 local (07:00 UTC), to the first Sunday of November, 2:00 local (06:00 UTC)
/// (15 U.S.C. §260a, as amended by the Energy Policy Act of 2005 §110).
pub fn us_eastern_offset(at: DateTime<Utc>) -> Duration {
    let year = at.year();
    let nth_sunday = |month: u32, n: u32| {
        NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n as u8)
    };
    let (Some(start), Some(end)) = (nth_sunday(3, 2), nth_sunday(11, 1)) else {
        return Duration::hours(-5);
    };
    let start = start.and_hms_opt(7, 0, 0).map(|t| t.and_utc());
    let end = end.and_hms_opt(6, 0, 0).map(|t| t.and_utc());
    match (start, end) {
        (Some(start), Some(end)) if at >= start && at < end => Duration::hours(-4),
        _ => Duration::hours(-5),
    }
}

/// What the watch knows of one name.
#[derive(Debug, Clone, Copy)]
pub struct Watched<'a> {
    pub phase: Phase,
    pub drop_earliest: Option<DateTime<Utc>>,
    pub drop_latest: Option<DateTime<Utc>>,
    pub deletion: Option<&'a DailyDeletion>,
}

/// Whether the drop watch follows the name now: deleted at the registry (redemption, pending
/// delete, quarantine) and within its predicted drop window, widened by [`WATCH_LEAD`] before
/// and [`WATCH_TAIL`] after. Outside, the normal pace applies.
pub fn in_watch(w: &Watched<'_>, now: DateTime<Utc>) -> bool {
    match (w.drop_earliest, w.drop_latest) {
        (Some(earliest), Some(latest)) if w.phase.is_deleted() => {
            now >= earliest - WATCH_LEAD && now <= latest + WATCH_TAIL
        }
        _ => false,
    }
}

/// The bursts around `now`: each starts [`BURST_LEAD`] before a deletion instant (the anchor
/// of its grid) and ends when the batch does.
fn bursts(w: &Watched<'_>, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut spans = Vec::new();
    if let (Some(earliest), Some(latest)) = (w.drop_earliest, w.drop_latest)
        && latest - earliest <= SHORT_WINDOW
    {
        // On whole seconds, so that the grid puts at most one query in any calendar second.
        spans.push((second_of(earliest), latest));
    }
    if let Some(deletion) = w.deletion {
        let today = now.date_naive();
        for day in [today.pred_opt(), Some(today), today.succ_opt()]
            .into_iter()
            .flatten()
        {
            if let Some(start) = deletion.instant_on(day) {
                spans.push((
                    start,
                    start + Duration::minutes(i64::from(deletion.minutes)),
                ));
            }
        }
    }
    spans
}

/// When to ask the registry next about a name the watch follows, or `None` when it does not
/// (the normal pace applies). Inside a burst, on a one-second grid anchored at the deletion
/// instant: a name released at the instant is asked right after it, and never twice in one
/// calendar second (the next grid point is in a later second than `now`). Elsewhere in the
/// window once a minute, but never past the start of the next burst.
pub fn next_query(w: &Watched<'_>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !in_watch(w, now) {
        return None;
    }
    let spans = bursts(w, now);
    if let Some((anchor, _)) = spans
        .iter()
        .find(|(start, end)| now >= *start - BURST_LEAD && now < *end)
    {
        // The next grid point strictly after now: anchor + k seconds.
        let step = BURST_INTERVAL.num_milliseconds();
        let since = (now - *anchor).num_milliseconds();
        let k = since.div_euclid(step) + 1;
        return Some(*anchor + Duration::milliseconds(k * step));
    }
    let mut next = now + WINDOW_INTERVAL;
    for (start, _) in spans {
        let burst_begins = start - BURST_LEAD;
        if burst_begins > now && burst_begins < next {
            next = burst_begins;
        }
    }
    Some(next)
}

/// How long before the end of its second a token may still be used: the registry counts the
/// query when it arrives, so a query sent at the very end of the second its token was taken in
/// could land in the next one, on top of that second's own.
pub const SEND_MARGIN: Duration = Duration::milliseconds(50);

/// The last instant a token taken at `taken` may be used to send a query: before the end of
/// its calendar second, less [`SEND_MARGIN`]. A query not sent by then waits for a new token.
pub fn send_by(taken: DateTime<Utc>) -> DateTime<Utc> {
    second_of(taken) + Duration::seconds(1) - SEND_MARGIN
}

/// The configured budget of one registry server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetRule {
    pub per_second: u32,
    pub per_minute: u32,
}

/// The stored state of one server's budget: fixed one-second and one-minute windows (aligned on
/// whole seconds and minutes), how many queries each has taken, the allowance a 429 lowered
/// and since when, and a pause the server asked for (Retry-After).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub second_start: DateTime<Utc>,
    pub second_used: u32,
    pub minute_start: DateTime<Utc>,
    pub minute_used: u32,
    /// Queries a second allowed when last lowered (the rule's when never lowered).
    pub allowance: u32,
    pub lowered_at: Option<DateTime<Utc>>,
    pub paused_until: Option<DateTime<Utc>>,
}

fn second_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

fn minute_of(t: DateTime<Utc>) -> DateTime<Utc> {
    second_of(t).with_second(0).unwrap_or(t)
}

impl Budget {
    /// A server never asked yet.
    pub fn fresh(rule: BudgetRule, now: DateTime<Utc>) -> Self {
        Self {
            second_start: second_of(now),
            second_used: 0,
            minute_start: minute_of(now),
            minute_used: 0,
            allowance: rule.per_second.max(1),
            lowered_at: None,
            paused_until: None,
        }
    }

    /// Queries a second and a minute allowed at `now`: the rule's, or the lowered allowance
    /// grown back by one a second per [`RECOVERY_STEP`] since it was lowered (the minute's
    /// in proportion).
    pub fn limits(&self, rule: BudgetRule, now: DateTime<Utc>) -> (u32, u32) {
        let per_second = rule.per_second.max(1);
        let per_minute = rule.per_minute.max(1);
        let Some(lowered) = self.lowered_at else {
            return (per_second, per_minute);
        };
        let steps = ((now - lowered).num_seconds() / RECOVERY_STEP.num_seconds()).max(0);
        let current = u64::from(self.allowance.max(1))
            .saturating_add(u64::try_from(steps).unwrap_or(0))
            .min(u64::from(per_second));
        let minute = (u64::from(per_minute) * current / u64::from(per_second)).max(1);
        (
            u32::try_from(current).unwrap_or(per_second),
            u32::try_from(minute).unwrap_or(per_minute),
        )
    }

    /// Takes up to `wanted` queries at `now`: the budget after, and how many were granted
    /// (none while paused or when both windows are spent). Never more than the limits in any
    /// one-second or one-minute window.
    pub fn take(&self, rule: BudgetRule, now: DateTime<Utc>, wanted: u32) -> (Budget, u32) {
        let mut next = self.clone();
        if self.paused_until.is_some_and(|until| now < until) {
            return (next, 0);
        }
        if second_of(now) != next.second_start {
            next.second_start = second_of(now);
            next.second_used = 0;
        }
        if minute_of(now) != next.minute_start {
            next.minute_start = minute_of(now);
            next.minute_used = 0;
        }
        let (per_second, per_minute) = self.limits(rule, now);
        let granted = wanted
            .min(per_second.saturating_sub(next.second_used))
            .min(per_minute.saturating_sub(next.minute_used));
        next.second_used += granted;
        next.minute_used += granted;
        (next, granted)
    }

    /// When a query may be granted again after a refusal at `now`: the end of the pause, the
    /// next second, or the next minute when the minute is spent.
    pub fn next_grant(&self, rule: BudgetRule, now: DateTime<Utc>) -> DateTime<Utc> {
        if let Some(until) = self.paused_until.filter(|until| now < *until) {
            return until;
        }
        let (_, per_minute) = self.limits(rule, now);
        if minute_of(now) == self.minute_start && self.minute_used >= per_minute {
            return self.minute_start + Duration::minutes(1);
        }
        second_of(now) + Duration::seconds(1)
    }

    /// After the server answered 429 at `now`: the allowance halves (at least one a second) and,
    /// if it said how long to wait (Retry-After), nothing is asked before then. The 429s of
    /// one second answer queries sent under one allowance: they halve it once.
    pub fn lowered(
        &self,
        rule: BudgetRule,
        now: DateTime<Utc>,
        retry_after: Option<Duration>,
    ) -> Budget {
        let (current, _) = self.limits(rule, now);
        let mut next = self.clone();
        if self.lowered_at.map(second_of) != Some(second_of(now)) {
            next.allowance = (current / 2).max(1);
            next.lowered_at = Some(now);
        }
        if let Some(wait) = retry_after.filter(|w| *w > Duration::zero()) {
            let until = now + wait;
            next.paused_until = Some(next.paused_until.map_or(until, |p| p.max(until)));
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn verisign() -> DailyDeletion {
        // data/tld_policy.toml (.com, .net): 14:00 US Eastern, 30 minutes (docs/registries.md §8.1).
        DailyDeletion {
            at: "14:00".into(),
            zone: DeletionZone::UsEastern,
            minutes: 30,
        }
    }

    #[test]
    fn us_eastern_time_follows_daylight_saving_time() {
        // 15 U.S.C. §260a: second Sunday of March to first Sunday of November, 2:00 local.
        let cases = [
            ("2026-03-08T06:59:59Z", -5), // 1:59 EST on the second Sunday of March 2026
            ("2026-03-08T07:00:00Z", -4), // 3:00 EDT
            ("2026-07-01T12:00:00Z", -4),
            ("2026-11-01T05:59:59Z", -4), // 1:59 EDT on the first Sunday of November 2026
            ("2026-11-01T06:00:00Z", -5), // 1:00 EST again
            ("2026-12-02T19:00:00Z", -5),
        ];
        for (at, hours) in cases {
            assert_eq!(us_eastern_offset(t(at)), Duration::hours(hours), "{at}");
        }
    }

    #[test]
    fn the_daily_deletion_instant_in_utc() {
        let d = verisign();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 14:00 EST = 19:00 UTC in winter; 14:00 EDT = 18:00 UTC in summer.
        assert_eq!(
            d.instant_on(day("2026-12-02")),
            Some(t("2026-12-02T19:00:00Z"))
        );
        assert_eq!(
            d.instant_on(day("2026-06-15")),
            Some(t("2026-06-15T18:00:00Z"))
        );
        let utc = DailyDeletion {
            at: "09:30".into(),
            zone: DeletionZone::Utc,
            minutes: 10,
        };
        assert_eq!(
            utc.instant_on(day("2026-06-15")),
            Some(t("2026-06-15T09:30:00Z"))
        );
        let broken = DailyDeletion {
            at: "25:00".into(),
            zone: DeletionZone::Utc,
            minutes: 1,
        };
        assert!(broken.time_of_day().is_err());
        assert_eq!(broken.instant_on(day("2026-06-15")), None);
    }

    #[test]
    fn the_pace_steps_up_only_inside_the_drop_window() {
        let com = verisign();
        // A .com name first seen in pending delete between 1 and 2 December: drop predicted
        // between 6 and 7 December (docs/registries.md §1.2: purged 5 days after).
        let pending = Watched {
            phase: Phase::PendingDelete,
            drop_earliest: Some(t("2026-12-06T10:00:00Z")),
            drop_latest: Some(t("2026-12-07T10:00:00Z")),
            deletion: Some(&com),
        };
        let cases: &[(&str, Watched, &str, Option<&str>)] = &[
            // Days before the window: the normal pace (lifecycle::next_check).
            ("before the window", pending, "2026-12-04T12:00:00Z", None),
            (
                "an hour before: the watch begins",
                pending,
                "2026-12-06T09:00:00Z",
                Some("2026-12-06T09:01:00Z"),
            ),
            (
                "inside the window: once a minute",
                pending,
                "2026-12-06T12:00:30Z",
                Some("2026-12-06T12:01:30Z"),
            ),
            // 19:00 UTC is 14:00 EST: the burst begins two minutes before, not a minute late.
            (
                "the minute step stops at the burst",
                pending,
                "2026-12-06T18:57:30Z",
                Some("2026-12-06T18:58:00Z"),
            ),
            (
                "burst: on the second grid of 19:00",
                pending,
                "2026-12-06T18:58:00.300Z",
                Some("2026-12-06T18:58:01Z"),
            ),
            (
                "burst: right after the instant",
                pending,
                "2026-12-06T18:59:59.900Z",
                Some("2026-12-06T19:00:00Z"),
            ),
            (
                "burst: at most once a second",
                pending,
                "2026-12-06T19:00:00Z",
                Some("2026-12-06T19:00:01Z"),
            ),
            (
                "burst: until the batch's 30 minutes end",
                pending,
                "2026-12-06T19:29:59Z",
                Some("2026-12-06T19:30:00Z"),
            ),
            (
                "after the batch: once a minute",
                pending,
                "2026-12-06T19:30:00Z",
                Some("2026-12-06T19:31:00Z"),
            ),
            (
                "six hours after the latest: still watched",
                pending,
                "2026-12-07T15:59:00Z",
                Some("2026-12-07T16:00:00Z"),
            ),
            (
                "past the tail: the normal pace",
                pending,
                "2026-12-07T16:00:01Z",
                None,
            ),
            (
                "registered names are never watched",
                Watched {
                    phase: Phase::Active,
                    ..pending
                },
                "2026-12-06T19:00:00Z",
                None,
            ),
            (
                "free names neither",
                Watched {
                    phase: Phase::Available,
                    ..pending
                },
                "2026-12-06T19:00:00Z",
                None,
            ),
            (
                "no window, no watch",
                Watched {
                    drop_earliest: None,
                    drop_latest: None,
                    ..pending
                },
                "2026-12-06T19:00:00Z",
                None,
            ),
            // .fr: redemption ends with the drop (no pending delete, docs/registries.md §1.1),
            // no known hour: once a minute for the last hours of redemption.
            (
                "last hours of redemption (.fr)",
                Watched {
                    phase: Phase::Redemption,
                    deletion: None,
                    ..pending
                },
                "2026-12-06T19:00:00Z",
                Some("2026-12-06T19:01:00Z"),
            ),
            // .nl: the published quarantine end starts a one-hour random release (§1.3): the
            // whole window is a burst anchored at its start.
            (
                "short window (.nl): burst",
                Watched {
                    phase: Phase::Quarantine,
                    drop_earliest: Some(t("2026-12-06T10:00:00Z")),
                    drop_latest: Some(t("2026-12-06T11:00:00Z")),
                    deletion: None,
                },
                "2026-12-06T10:20:00.500Z",
                Some("2026-12-06T10:20:01Z"),
            ),
            (
                "short window: burst from two minutes before",
                Watched {
                    phase: Phase::Quarantine,
                    drop_earliest: Some(t("2026-12-06T10:00:00Z")),
                    drop_latest: Some(t("2026-12-06T11:00:00Z")),
                    deletion: None,
                },
                "2026-12-06T09:57:00Z",
                Some("2026-12-06T09:58:00Z"),
            ),
        ];
        for (why, watched, now, expected) in cases {
            assert_eq!(next_query(watched, t(now)), expected.map(t), "{why}");
        }
    }

    #[test]
    fn a_name_is_never_asked_more_than_once_a_second() {
        let com = verisign();
        let w = Watched {
            phase: Phase::PendingDelete,
            drop_earliest: Some(t("2026-12-06T10:00:00Z")),
            drop_latest: Some(t("2026-12-07T10:00:00Z")),
            deletion: Some(&com),
        };
        let mut now = t("2026-12-06T18:00:00.250Z");
        while now < t("2026-12-06T20:00:00Z") {
            let next = next_query(&w, now).unwrap();
            assert!(
                next - now >= Duration::milliseconds(1) && next > now,
                "{now}"
            );
            // Queries at successive grid points are a second apart.
            assert!(second_of(next) > second_of(now), "{now} then {next}");
            let after = next_query(&w, next).unwrap();
            assert!(after - next >= BURST_INTERVAL, "{next} then {after}");
            // A late query (here 950 ms) still leaves its second to the next one.
            let late = next + Duration::milliseconds(950);
            if let Some(then) = next_query(&w, late) {
                assert!(second_of(then) > second_of(late), "{late} then {then}");
            }
            now = next;
        }
    }

    fn rule(per_second: u32, per_minute: u32) -> BudgetRule {
        BudgetRule {
            per_second,
            per_minute,
        }
    }

    #[test]
    fn the_budget_grants_no_more_than_its_windows() {
        let r = rule(2, 5);
        let start = t("2026-12-06T19:00:00.100Z");
        let b = Budget::fresh(r, start);
        // (instant, wanted, granted): 2 a second, 5 a minute.
        let steps = [
            ("2026-12-06T19:00:00.100Z", 3, 2),
            ("2026-12-06T19:00:00.900Z", 1, 0),
            ("2026-12-06T19:00:01.000Z", 5, 2),
            ("2026-12-06T19:00:02.500Z", 5, 1),
            ("2026-12-06T19:00:03.000Z", 5, 0),
            ("2026-12-06T19:00:59.999Z", 1, 0),
            ("2026-12-06T19:01:00.000Z", 9, 2),
        ];
        let mut budget = b;
        for (at, wanted, granted) in steps {
            let (next, got) = budget.take(r, t(at), wanted);
            assert_eq!(got, granted, "{at}");
            budget = next;
        }
        // After a refusal for the minute, the next grant is at the next minute.
        let (spent, _) = Budget::fresh(r, start).take(r, start, 2);
        let (spent, _) = spent.take(r, t("2026-12-06T19:00:01Z"), 2);
        let (spent, _) = spent.take(r, t("2026-12-06T19:00:02Z"), 2);
        assert_eq!(spent.minute_used, 5);
        assert_eq!(
            spent.next_grant(r, t("2026-12-06T19:00:03Z")),
            t("2026-12-06T19:01:00Z")
        );
        let (fresh, _) = Budget::fresh(r, start).take(r, start, 2);
        assert_eq!(fresh.next_grant(r, start), t("2026-12-06T19:00:01Z"));
    }

    #[test]
    fn a_token_is_used_within_the_second_it_was_taken_in() {
        // The registry counts by arrival: a token taken at .100 is good until .950.
        assert_eq!(
            send_by(t("2026-12-06T19:00:00.100Z")),
            t("2026-12-06T19:00:00.950Z")
        );
        assert_eq!(
            send_by(t("2026-12-06T19:00:00Z")),
            t("2026-12-06T19:00:00.950Z")
        );
        assert_eq!(
            send_by(t("2026-12-06T19:00:00.999Z")),
            t("2026-12-06T19:00:00.950Z")
        );
    }

    #[test]
    fn a_429_halves_the_allowance_which_recovers_slowly() {
        let r = rule(8, 480);
        let at = t("2026-12-06T19:00:00Z");
        let b = Budget::fresh(r, at);
        let once = b.lowered(r, at, None);
        assert_eq!(once.limits(r, at), (4, 240));
        // Eight 429s in the same second answer eight queries of one allowance: halved once.
        let same_second = (0..7).fold(once.clone(), |b, _| {
            b.lowered(r, at + Duration::milliseconds(500), None)
        });
        assert_eq!(same_second.limits(r, at), (4, 240));
        let second = at + Duration::seconds(1);
        let twice = once.lowered(r, second, None);
        assert_eq!(twice.limits(r, second), (2, 120));
        let floor = (2..6).fold(twice.clone(), |b, s| {
            b.lowered(r, at + Duration::seconds(s), None)
        });
        assert_eq!(
            floor.limits(r, at + Duration::seconds(5)).0,
            1,
            "never below one a second"
        );
        let at = second;
        // One more query a second per minute without a 429, up to the rule.
        assert_eq!(twice.limits(r, at + Duration::seconds(59)).0, 2);
        assert_eq!(twice.limits(r, at + Duration::minutes(1)).0, 3);
        assert_eq!(twice.limits(r, at + Duration::minutes(60)).0, 8);
        // Granted after lowering: the lowered figure.
        let (_, got) = twice.take(r, at + Duration::seconds(1), 10);
        assert_eq!(got, 2);
    }

    #[test]
    fn a_retry_after_pauses_the_server_for_everyone() {
        let r = rule(4, 100);
        let at = t("2026-12-06T19:00:00Z");
        let paused = Budget::fresh(r, at).lowered(r, at, Some(Duration::seconds(30)));
        assert_eq!(paused.take(r, at + Duration::seconds(29), 1).1, 0);
        assert_eq!(
            paused.next_grant(r, at + Duration::seconds(10)),
            at + Duration::seconds(30)
        );
        assert_eq!(
            paused.take(r, at + Duration::seconds(30), 5).1,
            2,
            "halved after the pause"
        );
        // A shorter Retry-After never shortens a longer pause.
        let still = paused.lowered(r, at + Duration::seconds(1), Some(Duration::seconds(2)));
        assert_eq!(still.paused_until, Some(at + Duration::seconds(30)));
    }
}
