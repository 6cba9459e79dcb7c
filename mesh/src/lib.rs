//! The data-mesh rules of Agora, shared by the web pages, the REST API and the CLI.
//! No web types here: functions take a database connection and a [`access::Viewer`] and return read models or
//! a [`error::Error`].

pub mod access;
pub mod admin;
pub mod audit;
pub mod catalog;
pub mod contracts;
pub mod db;
pub mod db_errors;
pub mod diff;
pub mod entity;
pub mod error;
pub mod generate;
pub mod governance;
pub mod identity;
pub mod kinds;
pub mod map;
pub mod markdown;
pub mod metrics;
pub mod notifications;
pub mod odcs;
pub mod odps;
pub mod product_views;
pub mod products;
pub mod search;
pub mod secrets;
pub mod seed;
pub mod sessions;
pub mod subscriptions;
pub mod tags;
pub mod tokens;
pub mod validate;
pub mod versions;
pub mod webhooks;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, FieldError, Result};
pub use sea_orm::DatabaseConnection;
