//! The Siar server: REST API, server-rendered pages, and background work.
//!
//! Calls point one way: `api`, `forms`, `ssr` → `services` → `db`. `app::App::build` is the
//! one way to start the server, used by `main` and by the integration tests alike.

pub mod api;
pub mod app;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod client_files;
pub mod config;
pub mod context;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod forms;
pub mod input_guard;
pub mod jobs;
pub mod page_guard;
pub mod policy;
pub mod security_headers;
pub mod services;
pub mod ssr;
pub mod storage;
pub mod telemetry;
pub mod token_vault;
