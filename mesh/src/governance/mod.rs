//! Federated governance: global and domain policies, automatic evaluation of every product, waivers,
//! compliance per domain over time, and the quality and SLA results pipelines push.
pub mod dashboard;
pub mod evaluate;
pub mod policies;
pub mod results;
pub mod rules;
pub mod waivers;

pub use evaluate::{evaluate_product, evaluate_products, evaluate_scope};

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::error::Result;

/// The daily run: lapsed waivers revert, every product is evaluated (results that age, like "last quality
/// run within 7 days", change without any event), and today's snapshot is recorded.
pub async fn daily(db: &impl ConnectionTrait, today: NaiveDate) -> Result<usize> {
    waivers::expire(db, today).await?;
    let n = evaluate_scope(db, None).await?;
    evaluate::snapshot(db, today).await?;
    Ok(n)
}
