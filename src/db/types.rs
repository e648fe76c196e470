//! Timestamps as the database stores them: UTC without a zone, truncated to microseconds.
//! (Ids and enum words are declared in `model::types`.)

use chrono::{DateTime, NaiveDateTime, Utc};

/// Database timestamps are UTC without a zone; these convert at the edge.
pub fn to_db(instant: DateTime<Utc>) -> NaiveDateTime {
    crate::clock::truncate_to_micros(instant).naive_utc()
}

pub fn from_db(stored: NaiveDateTime) -> DateTime<Utc> {
    stored.and_utc()
}
