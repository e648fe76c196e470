//! Integration tests: the real application on port 0, over HTTP, on SQLite or (with
//! `TEST_DATABASE_URL`) PostgreSQL. One test binary, as in zero2prod.

mod access;
mod after_catch;
mod api;
mod audit;
mod auth;
mod authorization;
mod backorders;
mod browser;
mod catch_services;
mod catch_third;
mod cli;
mod crash;
mod dashboard;
mod demo;
mod drop_watch;
mod forms;
mod health;
mod helpers;
mod lookalikes;
mod matters;
mod migrations;
mod monitoring;
mod openapi;
mod outreach;
mod procedures;
mod queries;
mod registry_servers;
mod reports;
mod security;
mod setup;
mod smtp_sink;
mod synthetic_zone;
mod twofactor;
mod users;
