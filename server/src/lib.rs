//! Agora's server: configuration, start-up, routes. `main.rs` is only the command line.
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod credential;
pub mod jobs;
pub mod metrics;
pub mod problem;
pub mod ratelimit;
pub mod routes;
pub mod security;
pub mod startup;
pub mod state;
pub mod telemetry;
