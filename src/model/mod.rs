//! Pure domain types and rules: no I/O. Values are parsed once at the edge (forms, API, CLI)
//! into these types, and the rest of the code relies on them being valid.

pub mod after_catch;
pub mod answer_store;
pub mod audit;
pub mod backorder;
pub mod calendar;
pub mod catch_account;
pub mod catch_order;
pub mod catch_registrars;
pub mod changes;
pub mod client;
pub mod compliance;
pub mod csv;
pub mod deadlines;
pub mod digest;
pub mod domain_name;
pub mod drop_watch;
pub mod ids;
pub mod lifecycle;
pub mod matter;
pub mod money;
pub mod monitoring;
pub mod outbox;
pub mod outreach;
pub mod present;
pub mod procedure;
pub mod registrar_directory;
pub mod registry_record;
pub mod report;
pub mod sender;
pub mod tld_policy;
pub mod types;
pub mod user;
pub mod whois_parse;
