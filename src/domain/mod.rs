//! Pure domain types and rules: no I/O. Values are parsed once at the edge (forms, API, CLI)
//! into these types, and the rest of the code relies on them being valid.

pub mod client;
pub mod user;
