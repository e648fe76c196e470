//! The application layer: one module per capability, called by every edge (the pages, the
//! JSON API, the command line, the background jobs and the demo).
//!
//! A use case takes typed input and the [`access::Caller`], applies the one access rule of
//! [`access`], validates, calls the repository (and the registry, mail or PDF adapters) and
//! returns typed views. It knows nothing of HTTP: the edges extract the request, call one use
//! case and render its answer as HTML or JSON. Errors are [`crate::error::AppError`], whose
//! one mapping (`error.rs`) gives each feature error its status and, for forms, its field.

pub mod access;
pub mod account;
pub mod admin;
pub mod after_catch;
pub mod backorders;
pub mod catch;
pub mod catch_accounts;
pub mod clients;
pub mod dashboard;
pub mod docket;
pub mod dossier;
pub mod drop_watch;
pub mod lookalike_watch;
pub mod lookalikes;
pub mod matters;
pub mod monitoring;
pub mod outreach;
pub mod procedures;
pub mod reports;
pub mod senders;
pub mod sign_in;
pub mod two_factor;
pub mod users;
