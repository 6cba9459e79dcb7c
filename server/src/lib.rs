//! Agora's server: configuration, start-up, routes. `main.rs` is only the command line.
pub mod config;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
