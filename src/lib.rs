//! reclaim: case management for law firms that recover domain names for their clients.
//!
//! Pure business rules live in [`model`] (no I/O); the use cases in [`app`]; [`repo`] reads and writes records through
//! [`db`]; [`web`] serves pages and the JSON API; [`startup`] wires it together for the binary
//! ([`cli`]) and the tests.

pub mod app;
pub mod auth;
pub mod catch;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod evidence;
pub mod ics;
pub mod jobs;
pub mod lookalike;
pub mod mail;
pub mod model;
pub mod pdf;
pub mod registry;
pub mod repo;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;

pub use startup::Application;
pub use state::AppState;
