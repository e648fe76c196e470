//! iCalendar (RFC 5545) feeds of deadlines, so they show in Outlook, Google Calendar or Apple
//! Calendar. Written by hand: a feed is a few all-day events, and the format rules that matter
//! (CRLF, escaping, folding at 75 octets) fit in this file.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// One all-day entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Stable across fetches, so calendars update the entry instead of adding one (§3.8.4.7).
    pub uid: String,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
    pub url: Option<String>,
    /// Whether the entry is finished (done, met or no longer applies): shown as cancelled.
    pub closed: bool,
    /// A reminder this many days before, or none.
    pub alarm_days_before: Option<u32>,
}

/// RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped in TEXT.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF and a space, never inside a
/// UTF-8 character.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A whole calendar, named `name`, stamped `now`.
pub fn calendar(name: &str, entries: &[Entry], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//reclaim//deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    // Calendar clients poll at their own pace; this asks for at least hourly.
    push_line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    push_line(&mut out, "X-PUBLISHED-TTL:PT1H");
    for entry in entries {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape(&entry.uid)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        // §3.6.1: an all-day event ends (exclusive) on the next day.
        push_line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", date(entry.date)),
        );
        push_line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", date(entry.date + Duration::days(1))),
        );
        push_line(&mut out, &format!("SUMMARY:{}", escape(&entry.summary)));
        if !entry.description.is_empty() {
            push_line(
                &mut out,
                &format!("DESCRIPTION:{}", escape(&entry.description)),
            );
        }
        if let Some(url) = &entry.url {
            push_line(&mut out, &format!("URL:{url}"));
        }
        push_line(&mut out, "TRANSP:TRANSPARENT");
        push_line(
            &mut out,
            if entry.closed {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
        );
        if let (Some(days), false) = (entry.alarm_days_before, entry.closed) {
            push_line(&mut out, "BEGIN:VALARM");
            push_line(&mut out, "ACTION:DISPLAY");
            push_line(&mut out, &format!("DESCRIPTION:{}", escape(&entry.summary)));
            push_line(&mut out, &format!("TRIGGER:-P{days}D"));
            push_line(&mut out, "END:VALARM");
        }
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(summary: &str) -> Entry {
        Entry {
            uid: "d1@reclaim".into(),
            date: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            summary: summary.into(),
            description: "line one\nline two; a, b".into(),
            url: Some("https://reclaim.example/procedures/1".into()),
            closed: false,
            alarm_days_before: Some(1),
        }
    }

    #[test]
    fn text_is_escaped_and_lines_end_in_crlf() {
        // RFC 5545 §3.3.11 (TEXT escaping) and §3.1 (CRLF)
        let ics = calendar(
            "Deadlines, Jane",
            &[entry("UDRP.R5a; response")],
            Utc::now(),
        );
        assert!(ics.contains("X-WR-CALNAME:Deadlines\\, Jane\r\n"));
        assert!(ics.contains("SUMMARY:UDRP.R5a\\; response\r\n"));
        assert!(ics.contains("DESCRIPTION:line one\\nline two\\; a\\, b\r\n"));
        assert!(
            ics.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"),
            "§3.6.1: DTEND is the next day, across the year end"
        );
        assert!(!ics.replace("\r\n", "").contains('\n'), "no bare LF");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        // RFC 5545 §3.1
        let summary = "Réponse due — ".repeat(12);
        let ics = calendar("x", &[entry(&summary)], Utc::now());
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{summary}")));
    }

    #[test]
    fn finished_entries_are_cancelled_without_alarm() {
        let mut done = entry("done");
        done.closed = true;
        let ics = calendar("x", &[done], Utc::now());
        assert!(ics.contains("STATUS:CANCELLED"));
        assert!(!ics.contains("VALARM"));
    }
}
