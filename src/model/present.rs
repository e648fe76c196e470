//! How reclaim writes dates, instants and drop windows for people, on pages, in reports, in
//! e-mails and on the command line. Each format is written once, here; money has its own
//! formatter in `model::money`.
//!
//! Stored instants are UTC (`NaiveDateTime` read from the database); pages turn them into the
//! reader's zone in the browser and keep the UTC text on hover.

use chrono::{NaiveDate, NaiveDateTime};

/// `6 Dec 2026`
pub const DAY: &str = "%-d %b %Y";
/// `Sun 6 Dec 2026`: due dates, where the weekday matters.
pub const WEEKDAY: &str = "%a %-d %b %Y";
/// `6 December 2026`: the date of a report or a letter.
pub const LONG_DAY: &str = "%-d %B %Y";
/// `Sunday 6 December 2026`: today's date at the top of the dashboard.
pub const FULL_DAY: &str = "%A %-d %B %Y";
/// `Sun 6 Dec`: a day within a year already named (a holiday list).
pub const WEEKDAY_IN_YEAR: &str = "%a %-d %b";
/// `2026-12-06`: what date fields, CSV files and the API read and write.
pub const ISO_DAY: &str = "%Y-%m-%d";
/// `2026-12-06 09:00 UTC`
pub const INSTANT: &str = "%Y-%m-%d %H:%M UTC";

pub fn day(d: NaiveDate) -> String {
    d.format(DAY).to_string()
}

pub fn weekday(d: NaiveDate) -> String {
    d.format(WEEKDAY).to_string()
}

pub fn long_day(d: NaiveDate) -> String {
    d.format(LONG_DAY).to_string()
}

pub fn full_day(d: NaiveDate) -> String {
    d.format(FULL_DAY).to_string()
}

pub fn weekday_in_year(d: NaiveDate) -> String {
    d.format(WEEKDAY_IN_YEAR).to_string()
}

pub fn iso_day(d: NaiveDate) -> String {
    d.format(ISO_DAY).to_string()
}

/// A date typed in a date field (`2026-12-06`), or `None`.
pub fn parse_iso_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), ISO_DAY).ok()
}

/// `2026-12-06T09:00:00+00:00`: a stored UTC instant as the API and `--json` output write it
/// (RFC 3339).
pub fn rfc3339(t: &NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

/// A stored UTC instant as people read it.
pub fn instant(t: &NaiveDateTime) -> String {
    t.format(INSTANT).to_string()
}

/// An instant that may not have happened: "never".
pub fn optional_instant(t: &Option<NaiveDateTime>) -> String {
    t.as_ref().map_or_else(|| "never".to_owned(), instant)
}

/// The predicted drop: one instant, "earliest – latest", or nothing without a prediction.
pub fn drop_window(earliest: Option<NaiveDateTime>, latest: Option<NaiveDateTime>) -> String {
    match (earliest, latest) {
        (Some(a), Some(b)) if a == b => instant(&a),
        (Some(a), Some(b)) => format!("{} – {}", instant(&a), instant(&b)),
        _ => String::new(),
    }
}

/// The predicted drop in days, for reports: `6 Dec 2026`, `6 Dec 2026 – 8 Dec 2026`, or `—`.
pub fn drop_days(earliest: Option<NaiveDateTime>, latest: Option<NaiveDateTime>) -> String {
    match (earliest, latest) {
        (Some(a), Some(b)) if a.date() == b.date() => day(a.date()),
        (Some(a), Some(b)) => format!("{} – {}", day(a.date()), day(b.date())),
        _ => "—".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn each_format_reads_as_intended() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(day(d), "6 Dec 2026");
        assert_eq!(weekday(d), "Sun 6 Dec 2026");
        assert_eq!(long_day(d), "6 December 2026");
        assert_eq!(iso_day(d), "2026-12-06");
        assert_eq!(full_day(d), "Sunday 6 December 2026");
        assert_eq!(weekday_in_year(d), "Sun 6 Dec");
        assert_eq!(parse_iso_day(" 2026-12-06 "), Some(d));
        assert_eq!(parse_iso_day("06/12/2026"), None);
        assert_eq!(instant(&at("2026-12-06 09:05")), "2026-12-06 09:05 UTC");
        assert_eq!(optional_instant(&None), "never");
    }

    #[test]
    fn drop_windows() {
        let (a, b) = (at("2026-12-06 09:00"), at("2026-12-08 09:00"));
        assert_eq!(drop_window(Some(a), Some(a)), "2026-12-06 09:00 UTC");
        assert_eq!(
            drop_window(Some(a), Some(b)),
            "2026-12-06 09:00 UTC – 2026-12-08 09:00 UTC"
        );
        assert_eq!(drop_window(None, Some(b)), "");
        assert_eq!(
            drop_days(Some(a), Some(at("2026-12-06 18:00"))),
            "6 Dec 2026"
        );
        assert_eq!(drop_days(Some(a), Some(b)), "6 Dec 2026 – 8 Dec 2026");
        assert_eq!(drop_days(None, None), "—");
    }
}
