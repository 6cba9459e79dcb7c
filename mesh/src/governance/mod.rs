//! Federated governance: global and domain policies, automatic evaluation of every product, waivers,
//! compliance per domain over time, and the quality and SLA results pipelines push.
pub mod dashboard;
pub mod evaluate;
pub mod policies;
pub mod results;
pub mod rules;
pub mod score;
pub mod waivers;

pub use evaluate::{evaluate_product, evaluate_products, evaluate_scope};

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::entity::prelude::*;
use crate::error::Result;

/// The daily run: lapsed waivers revert, every product is evaluated (results that age, like "last quality
/// run within 7 days", change without any event), and today's snapshot is recorded.
///
/// Products are evaluated a few hundred at a time, each batch in a write transaction of its own: the batch's
/// rows are locked there (see [`evaluate_products`]), so a run on two instances at once, or one that meets a
/// pipeline's push, takes turns with it instead of colliding, and SQLite's write lock is never held for the
/// whole run.
pub async fn daily(db: &DatabaseConnection, today: NaiveDate) -> Result<usize> {
    crate::db::retry(|| async {
        let tx = crate::db::begin_write(db).await?;
        waivers::expire(&tx, today).await?;
        tx.commit().await?;
        Ok(())
    })
    .await?;
    let ids: Vec<i64> = DataProduct::find()
        .select_only()
        .column(crate::entity::data_product::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for batch in ids.chunks(DAILY_BATCH) {
        crate::db::retry(|| async {
            let tx = crate::db::begin_write(db).await?;
            evaluate_products(&tx, batch).await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
    }
    crate::db::retry(|| async {
        let tx = crate::db::begin_write(db).await?;
        crate::db::take_turn(&tx, crate::db::Turn::Snapshot).await?;
        evaluate::snapshot(&tx, today).await?;
        tx.commit().await?;
        Ok(())
    })
    .await?;
    Ok(ids.len())
}

/// How many products one transaction of the daily run evaluates.
const DAILY_BATCH: usize = 500;

/// Runs [`daily`] once a day: when the mesh has no snapshot for `today` yet. Several instances may race here;
/// the loser's run only repeats the same work (today's snapshot is replaced, not added to).
pub async fn daily_if_due(db: &DatabaseConnection, today: NaiveDate) -> Result<Option<usize>> {
    let done = ComplianceSnapshot::find()
        .filter(compliance_snapshot::Column::Day.eq(today))
        .filter(compliance_snapshot::Column::DomainId.is_null())
        .one(db)
        .await?
        .is_some();
    if done {
        return Ok(None);
    }
    // Not one transaction: on a large mesh it would hold SQLite's write lock for the whole run.
    Ok(Some(daily(db, today).await?))
}

/// A database evaluated before the compliance rollups existed gets them, once, by evaluating every product again.
/// Returns how many products were evaluated (0 when nothing was missing).
///
/// Like [`install_default_policies`], one transaction that instances starting together take turns on.
pub async fn backfill_rollups(conn: &DatabaseConnection) -> Result<usize> {
    let db = crate::db::begin_write(conn).await?;
    crate::db::take_turn(&db, crate::db::Turn::StartUpGovernance).await?;
    if ProductScore::find().count(&db).await? > 0 || Evaluation::find().count(&db).await? == 0 {
        return Ok(0);
    }
    let n = evaluate_scope(&db, None).await?;
    db.commit().await?;
    Ok(n)
}

/// A mesh without any policy (a new installation) gets the default global set, and its products are evaluated.
/// Returns how many policies were installed.
///
/// One transaction: instances that start together take turns, and the later ones find the policies there.
pub async fn install_default_policies(conn: &DatabaseConnection) -> Result<usize> {
    let db = crate::db::begin_write(conn).await?;
    crate::db::take_turn(&db, crate::db::Turn::StartUpGovernance).await?;
    if Policy::find().count(&db).await? > 0 {
        return Ok(0);
    }
    let installed = policies::seed_defaults(&db).await?;
    evaluate_scope(&db, None).await?;
    db.commit().await?;
    Ok(installed)
}
