//! Reading and writing records. Functions are synchronous and take a connection; request
//! handlers call them through `DbPool::run`. A function that changes something writes its audit
//! event in the same transaction, so the audit log cannot miss a change.

pub mod after_catch;
pub mod audit;
pub mod backorders;
pub mod bootstrap;
pub mod catch_accounts;
pub mod catch_orders;
pub mod clients;
pub mod drop_watch;
pub mod jobs;
pub mod keyset;
pub mod lookalikes;
pub mod matters;
pub mod monitoring;
pub mod outbox;
pub mod outreach;
pub mod procedures;
pub mod registrant_handles;
pub mod reports;
pub mod senders;
pub mod sessions;
pub mod sign_in_throttle;
pub mod suppressions;
pub mod tokens;
pub mod two_factor;
pub mod users;
