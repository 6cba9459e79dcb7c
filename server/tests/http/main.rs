//! Server integration tests: the real app on port 0 with a fresh database, spoken to over HTTP.
//! Each test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
mod api_limits;
mod auth;
mod authorization;
mod backup;
mod cli;
#[path = "../common/mod.rs"]
mod common;
mod governance;
mod health;
mod helpers;
mod metrics;
mod oidc;
mod outage;
mod pages;
mod products;
mod security;
mod shutdown;
mod sign_in;
mod subscriptions;
mod upgrade;
mod visibility;
mod webhooks;
