//! Integration tests: the real application on port 0, over HTTP, on SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL. One test binary, as in zero2prod.

mod auth;
mod helpers;
mod security;
mod setup;
mod users;
