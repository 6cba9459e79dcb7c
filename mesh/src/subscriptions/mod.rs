//! Subscriptions (access agreements): request with a purpose, approve or auto-approve, reject, cancel,
//! revoke, expire, renew. Every transition is atomic (exactly one of two people acting at once wins), audited,
//! notified in-app and published as a CloudEvent to the teams' webhooks.
//!
//! The parts: [`state`] (the status machine and `transition`, the one way a status changes),
//! [`commands`] (request, decide, cancel, revoke), [`renewal`] (asking for and granting a later end date),
//! [`expiry`] (the periodic job that expires and reminds), [`alerts`] (notifications, webhook events and audit
//! entries), [`view`] (one subscription with its names, as a viewer may see it), [`queries`] (the lists pages
//! show), [`options`] (which teams and consuming products a viewer may subscribe with) and [`lineage`]
//! (product-to-product edges). Callers use the names re-exported here.
pub mod alerts;
pub mod commands;
pub mod expiry;
pub mod lineage;
pub mod options;
pub mod queries;
pub mod renewal;
pub mod state;
pub mod view;

pub use alerts::announce_breaking_change;
pub use commands::{cancel, decide, request, revoke, NewRequest};
pub use expiry::{run_expiry, ExpiryReport};
pub use lineage::{lineage, LineageLink};
pub use options::{subscribe_options, SubscribeOptions};
pub use queries::{mine, producer_view, subscriber_count};
pub use renewal::{decide_renewal, request_renewal};
pub use state::{next, Action};
pub use view::SubscriptionView;
