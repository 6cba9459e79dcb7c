//! The data-mesh rules of Agora, shared by the web pages, the REST API and the CLI.
//! No web types here: functions take a database connection and a [`access::Viewer`] and return read models or
//! a [`error::Error`].
//!
//! The folders are the parts of the mesh: [`access`] (who is asking and what they may do), [`catalog`] (data
//! products, their versions, contracts and the read models pages show), [`standards`] (ODCS and ODPS),
//! [`subscriptions`] (access agreements), [`governance`] (policies, evaluation, scores), [`search`] (the
//! marketplace index), [`activity`] (audit, notifications, webhooks) and [`demo`] (seed and generated meshes);
//! [`db`] and `entity` hold the storage beneath them. The entities are crate-private: other crates get read
//! models, so a table can change without the web layer noticing (tests reach them through feature `testing`).

pub mod access;
pub mod activity;
pub mod catalog;
pub mod db;
pub mod demo;
/// The sea-orm entities: storage, not an interface. The web crates and the CLI work with the read models the
/// mesh functions return; tests (feature `testing`) may still reach rows directly to set up and inspect.
#[cfg(feature = "testing")]
pub mod entity;
#[cfg(not(feature = "testing"))]
pub(crate) mod entity;
pub mod error;
pub mod governance;
pub mod kinds;
pub mod metrics;
pub mod search;
pub mod standards;
pub mod subscriptions;
pub mod validate;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, FieldError, Result};
pub use sea_orm::DatabaseConnection;
