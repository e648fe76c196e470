//! Pagination of every list, the one place: how many rows a page holds (`limit`), where the next
//! page starts (`after`, an opaque cursor), and the URL of the next page.
//!
//! Lists are paged by key ("keyset" pagination): the cursor carries the sort key of the last row
//! shown, and the next page is `WHERE (key, id) > (cursor) ORDER BY key, id LIMIT limit + 1`, so
//! a page costs the same whatever its position, and rows written meanwhile neither repeat nor
//! vanish (the one extra row says whether there is a next page). The API tells the next page in
//! a `Link` header with the relation type `next` (RFC 8288 §3, §3.3,
//! <https://www.rfc-editor.org/rfc/rfc8288#section-3>), as GitHub's REST API does
//! (<https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api>: "the
//! `link` header will be omitted if the endpoint does not support pagination or if all results
//! fit on a single page"); the pages show the same URL as a "Next" link.
//!
//! The pages also go back: a "Previous" link carries `before`, the key of the first row shown,
//! and that page is read the other way (`WHERE (key, id) < (cursor) ORDER BY key DESC, id DESC
//! LIMIT limit + 1`) and turned round, at the same cost. The API keeps `after` and `rel="next"`.
//!
//! The cursor is base64url (RFC 4648 §5, without padding) of the key's parts, prefixed by the
//! list's name, so a cursor of one list, a truncated one or an edited one is refused with a
//! clear message instead of reaching the database.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Rows a page holds when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 100;
/// The most rows a page holds.
pub const MAX_LIMIT: i64 = 1_000;
/// Separates the parts of a key inside a cursor (a control character no key contains).
const SEP: char = '\u{1f}';

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    #[error(
        "`limit` must be a whole number from 1 to {MAX_LIMIT} (rows per page); '{0}' is not one. Leave it out for {DEFAULT_LIMIT}."
    )]
    Limit(String),
    #[error(
        "`after` is not a cursor this list gave: use the URL of the `Link: rel=\"next\"` header (or the page's Next link) as it is, or leave `after` out to start from the first page."
    )]
    Cursor,
    #[error(
        "`after` and `before` cannot be given together: follow one Next or Previous link as it is."
    )]
    Both,
}

/// A paged list: its name (in its cursors, so that one list's cursor is refused by another) and
/// how many parts its sort key has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyset {
    pub list: &'static str,
    pub parts: &'static [Part],
}

/// What a part of a key is, checked when a cursor is read (so that the database only ever
/// sees well-formed keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Text,
    /// A record's id (a UUID).
    Id,
    /// A timestamp, as [`time_part`] writes it.
    Time,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A whole number (a score).
    Number,
}

use Part::{Date, Id, Number, Text, Time};

/// The lists and their keys (the key ends with the row's id, which makes it unique).
/// Clients: `lower(name), id`.
pub const CLIENTS: Keyset = Keyset {
    list: "clients",
    parts: &[Text, Id],
};
/// Matters: `status, opened_at DESC, id DESC` (open first, newest first).
pub const MATTERS: Keyset = Keyset {
    list: "matters",
    parts: &[Text, Time, Id],
};
/// Running deadlines: `due date, matter reference, id`.
pub const DEADLINES: Keyset = Keyset {
    list: "deadlines",
    parts: &[Date, Text, Id],
};
/// Sender profiles: `active DESC, label, id` (those in use first).
pub const SENDERS: Keyset = Keyset {
    list: "senders",
    parts: &[Text, Text, Id],
};
/// Catch accounts: `provider, label, id`.
pub const CATCH_ACCOUNTS: Keyset = Keyset {
    list: "catch-accounts",
    parts: &[Text, Text, Id],
};
/// Calls to the catch services: `at DESC, id DESC` (newest first).
pub const CATCH_CALLS: Keyset = Keyset {
    list: "catch-calls",
    parts: &[Time, Id],
};

/// A name's registry answers (its timeline): `fetched_at DESC, id DESC` (newest first).
pub const SNAPSHOTS: Keyset = Keyset {
    list: "snapshots",
    parts: &[Time, Id],
};
/// The audit log: `at DESC, id DESC` (newest first).
pub const AUDIT: Keyset = Keyset {
    list: "audit",
    parts: &[Time, Id],
};
/// The accounts: `active DESC, name, id` (active ones first; `active` or `inactive`).
pub const USERS: Keyset = Keyset {
    list: "users",
    parts: &[Text, Text, Id],
};

/// A matter's names (the matter page): `unicode, id` (by name).
pub const MATTER_NAMES: Keyset = Keyset {
    list: "matter-names",
    parts: &[Text, Id],
};

/// A matter's procedures (their list, and the matter page's first ones): `created_at DESC, id
/// DESC` (newest first).
pub const MATTER_PROCEDURES: Keyset = Keyset {
    list: "matter-procedures",
    parts: &[Time, Id],
};

/// The names about to drop (the dashboard's section and its full list): `part` (`0`: free or
/// undated, by name; `1`: by predicted drop), the predicted drop (`-` in part 0), the name
/// (`unicode` in part 0, the A-label in part 1), id.
pub const DROPPING: Keyset = Keyset {
    list: "dropping",
    parts: &[Number, Text, Text, Id],
};

/// A client's lookalike findings: `score DESC, id` (most dangerous first).
pub const FINDINGS: Keyset = Keyset {
    list: "findings",
    parts: &[Number, Id],
};

/// Where a page starts and how many rows it holds, as read from `?limit=…&after=…` (or
/// `&before=…` on the pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    /// The sort key of the last row of the previous page, in parts (`None`: the first page).
    pub after: Option<Vec<String>>,
    /// The sort key of the first row of the page after this one (a "Previous" link): the rows
    /// just before it are shown.
    pub before: Option<Vec<String>>,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::first(DEFAULT_LIMIT)
    }
}

impl PageRequest {
    /// Reads `limit` and `after` for `keyset`'s list.
    pub fn parse(
        keyset: Keyset,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<PageRequest, PagingError> {
        let limit = match limit.map(str::trim) {
            None | Some("") => DEFAULT_LIMIT,
            Some(text) => match text.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => return Err(PagingError::Limit(text.chars().take(40).collect())),
            },
        };
        let after = match after.map(str::trim) {
            None | Some("") => None,
            Some(cursor) => Some(decode(keyset, cursor)?),
        };
        Ok(PageRequest {
            limit,
            after,
            before: None,
        })
    }

    /// Reads `limit`, `after` and `before` (the pages' "Previous" links) for `keyset`'s list.
    pub fn parse_both_ways(
        keyset: Keyset,
        limit: Option<&str>,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<PageRequest, PagingError> {
        let mut request = PageRequest::parse(keyset, limit, after)?;
        if let Some(cursor) = before.map(str::trim).filter(|c| !c.is_empty()) {
            if request.after.is_some() {
                return Err(PagingError::Both);
            }
            request.before = Some(decode(keyset, cursor)?);
        }
        Ok(request)
    }

    /// The first `limit` rows.
    pub fn first(limit: i64) -> PageRequest {
        PageRequest {
            limit,
            after: None,
            before: None,
        }
    }

    /// The key the page starts from (`after` or `before`), if any.
    pub fn cursor(&self) -> Option<&[String]> {
        self.before.as_deref().or(self.after.as_deref())
    }

    /// Whether the rows are read the other way (a "Previous" link): the query reverses its
    /// order and its comparison with the cursor, and [`Page::from_rows`] turns the rows round.
    pub fn backward(&self) -> bool {
        self.before.is_some()
    }

    /// How many rows to read: one more than shown, to know whether a next page exists.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

/// The cursor of a row of list `list` whose sort key is `key`.
pub fn encode(list: &str, key: &[String]) -> String {
    let mut text = String::from(list);
    for part in key {
        text.push(SEP);
        text.push_str(part);
    }
    URL_SAFE_NO_PAD.encode(text)
}

fn decode(Keyset { list, parts }: Keyset, cursor: &str) -> Result<Vec<String>, PagingError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| PagingError::Cursor)?;
    let text = String::from_utf8(bytes).map_err(|_| PagingError::Cursor)?;
    let mut split = text.split(SEP);
    if split.next() != Some(list) {
        return Err(PagingError::Cursor);
    }
    let key: Vec<String> = split.map(str::to_owned).collect();
    if key.len() != parts.len() {
        return Err(PagingError::Cursor);
    }
    for (value, part) in key.iter().zip(parts) {
        match part {
            Text => {}
            Id => {
                crate::model::ids::MatterId::parse(value).map_err(|_| PagingError::Cursor)?;
            }
            Time => {
                parse_time(value)?;
            }
            Date => {
                parse_date(value)?;
            }
            Number => {
                value.parse::<i64>().map_err(|_| PagingError::Cursor)?;
            }
        }
    }
    Ok(key)
}

/// A timestamp as a cursor part: to the nanosecond, so that rows of the same second stay apart.
pub fn time_part(at: &chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.9f").to_string()
}

/// A cursor part written by [`time_part`].
pub fn parse_time(part: &str) -> Result<chrono::NaiveDateTime, PagingError> {
    chrono::NaiveDateTime::parse_from_str(part, "%Y-%m-%dT%H:%M:%S%.9f")
        .map_err(|_| PagingError::Cursor)
}

/// A date as a cursor part (ISO 8601).
pub fn parse_date(part: &str) -> Result<chrono::NaiveDate, PagingError> {
    chrono::NaiveDate::parse_from_str(part, "%Y-%m-%d").map_err(|_| PagingError::Cursor)
}

/// One page of a list: its rows, and the cursors of the next and previous pages when there are
/// some.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// The `after` of the next page.
    pub next: Option<String>,
    /// The `before` of the previous page.
    pub prev: Option<String>,
}

impl<T> Page<T> {
    /// A list with nothing in it.
    pub fn empty() -> Page<T> {
        Page {
            rows: Vec::new(),
            next: None,
            prev: None,
        }
    }

    /// The page from the rows read with [`PageRequest::fetch`]: the extra row, if read, is not
    /// shown but says there is one more page that way. Read forward, the next page starts after
    /// the last row shown, and a page reached by `after` has a previous page before its first
    /// row. Read backward (`before`, in reverse order), the rows are turned round: the next page
    /// is the one the reader came from, and a previous page exists when the extra row was read.
    pub fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        keyset: Keyset,
        key: impl Fn(&T) -> Vec<String>,
    ) -> Page<T> {
        let shown = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let more = rows.len() > shown;
        rows.truncate(shown);
        if request.backward() {
            rows.reverse();
        }
        let cursor = |row: Option<&T>| row.map(|r| encode(keyset.list, &key(r)));
        let (next, prev) = if request.backward() {
            (
                cursor(rows.last()),
                more.then(|| cursor(rows.first())).flatten(),
            )
        } else {
            (
                more.then(|| cursor(rows.last())).flatten(),
                request
                    .after
                    .is_some()
                    .then(|| cursor(rows.first()))
                    .flatten(),
            )
        };
        Page { rows, next, prev }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            next: self.next,
            prev: self.prev,
        }
    }
}

/// The URL of the page starting at `cursor`: `path` with the query's other parameters kept
/// (filters, `limit`) and `after` replaced. Without a cursor: the first page.
pub fn page_url(path: &str, query: &[(String, String)], cursor: Option<&str>) -> String {
    paged_url(path, query, cursor.map(|c| ("after", c)))
}

/// The URL of the page ending before `cursor` (a "Previous" link), the other parameters kept.
pub fn previous_page_url(path: &str, query: &[(String, String)], cursor: &str) -> String {
    paged_url(path, query, Some(("before", cursor)))
}

fn paged_url(path: &str, query: &[(String, String)], cursor: Option<(&str, &str)>) -> String {
    let mut kept: Vec<(&str, &str)> = query
        .iter()
        .filter(|(k, _)| k != "after" && k != "before")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Some(cursor) = cursor {
        kept.push(cursor);
    }
    match serde_urlencoded::to_string(&kept) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

/// The `Link` header value for the next page (RFC 8288 §3: `<URI-Reference>; rel="next"`).
pub fn next_link(url: &str) -> String {
    format!("<{url}>; rel=\"next\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        // (given, expected); the contract in README "Pagination": default 100, 1..=1000.
        let cases: &[(Option<&str>, Option<i64>)] = &[
            (None, Some(100)),
            (Some(""), Some(100)),
            (Some("1"), Some(1)),
            (Some("1000"), Some(1000)),
            (Some(" 25 "), Some(25)),
            (Some("0"), None),
            (Some("-3"), None),
            (Some("1001"), None),
            (Some("ten"), None),
            (Some("2.5"), None),
            (Some("99999999999999999999999"), None),
        ];
        for (given, expected) in cases {
            let got = PageRequest::parse(CLIENTS, *given, None)
                .ok()
                .map(|p| p.limit);
            assert_eq!(got, *expected, "limit {given:?}");
        }
        let cursor = encode(
            "clients",
            &["acme".into(), "01a23a98-4314-72a0-879e-5577149025d0".into()],
        );
        let back = PageRequest::parse_both_ways(CLIENTS, None, None, Some(&cursor)).unwrap();
        assert!(back.backward() && back.cursor().is_some());
        assert_eq!(
            PageRequest::parse_both_ways(CLIENTS, None, Some(&cursor), Some(&cursor)),
            Err(PagingError::Both)
        );
        assert_eq!(
            PageRequest::parse_both_ways(MATTERS, None, None, Some(&cursor)),
            Err(PagingError::Cursor)
        );
        let err = PageRequest::parse(CLIENTS, Some("0"), None).unwrap_err();
        assert!(err.to_string().starts_with("`limit`"), "{err}");
    }

    #[test]
    fn cursors_round_trip_and_refuse_tampering() {
        let key = vec![
            "open".to_owned(),
            "2026-12-01T10:00:00.000000000".to_owned(),
            "01a23a98-4314-72a0-879e-5577149025d0".to_owned(),
        ];
        let cursor = encode("matters", &key);
        assert_eq!(
            PageRequest::parse(MATTERS, None, Some(&cursor))
                .unwrap()
                .after,
            Some(key.clone())
        );
        // RFC 4648 §5 alphabet only: safe in a URL without escaping.
        assert!(
            cursor
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        let other_list = encode("clients", &key);
        let bad: &[&str] = &[
            "not base64!",
            "AAAA",
            &cursor[..cursor.len() - 3],
            &other_list,
            &encode("matters", &key[..2]),
            &encode(
                "matters",
                &["open".into(), "yesterday".into(), key[2].clone()],
            ),
            &encode("matters", &[key[0].clone(), key[1].clone(), "x".into()]),
        ];
        for b in bad {
            assert_eq!(
                PageRequest::parse(MATTERS, None, Some(b)),
                Err(PagingError::Cursor),
                "{b}"
            );
        }
        // A findings cursor: a score (a whole number) then an id.
        let finding = vec!["95".to_owned(), key[2].clone()];
        let good = encode("findings", &finding);
        assert_eq!(
            PageRequest::parse(FINDINGS, None, Some(&good))
                .unwrap()
                .after,
            Some(finding)
        );
        let bad_score = encode("findings", &["high".into(), key[2].clone()]);
        assert_eq!(
            PageRequest::parse(FINDINGS, None, Some(&bad_score)),
            Err(PagingError::Cursor)
        );
    }

    #[test]
    fn pages_and_links() {
        let req = PageRequest::first(2);
        let page = Page::from_rows(vec![1, 2, 3], &req, SENDERS, |n| vec![n.to_string()]);
        assert_eq!(page.rows, vec![1, 2]);
        assert_eq!(page.next, Some(encode("senders", &["2".to_owned()])));
        let last = Page::from_rows(vec![1, 2], &req, SENDERS, |n| vec![n.to_string()]);
        assert_eq!(last.next, None);

        // Reached by `after`: a previous page ends before the first row shown.
        let after = PageRequest {
            after: Some(vec!["0".to_owned()]),
            ..PageRequest::first(2)
        };
        let page = Page::from_rows(vec![1, 2], &after, SENDERS, |n| vec![n.to_string()]);
        assert_eq!(page.prev, Some(encode("senders", &["1".to_owned()])));
        assert_eq!(page.next, None);
        // Read backward (`before` = 5): rows 4, 3, 2 read newest-to-oldest, 2 shown (3, 4) in
        // the list's order; the extra row says a previous page exists; the next page starts
        // after 4.
        let before = PageRequest {
            before: Some(vec!["5".to_owned()]),
            ..PageRequest::first(2)
        };
        let page = Page::from_rows(vec![4, 3, 2], &before, SENDERS, |n| vec![n.to_string()]);
        assert_eq!(page.rows, vec![3, 4]);
        assert_eq!(page.prev, Some(encode("senders", &["3".to_owned()])));
        assert_eq!(page.next, Some(encode("senders", &["4".to_owned()])));
        let start = Page::from_rows(vec![2, 1], &before, SENDERS, |n| vec![n.to_string()]);
        assert_eq!(
            (start.rows, start.prev),
            (vec![1, 2], None),
            "the first page"
        );

        let q = vec![
            ("q".to_owned(), "acme shop".to_owned()),
            ("after".to_owned(), "OLD".to_owned()),
            ("limit".to_owned(), "2".to_owned()),
        ];
        assert_eq!(
            page_url("/api/v1/matters", &q, Some("NEW")),
            "/api/v1/matters?q=acme+shop&limit=2&after=NEW"
        );
        assert_eq!(page_url("/matters", &[], None), "/matters");
        assert_eq!(
            previous_page_url("/matters", &q, "NEW"),
            "/matters?q=acme+shop&limit=2&before=NEW"
        );
        // RFC 8288 §3.5's example form: `<…>; rel="next"`.
        assert_eq!(next_link("/x?after=A"), "</x?after=A>; rel=\"next\"");
    }
}
