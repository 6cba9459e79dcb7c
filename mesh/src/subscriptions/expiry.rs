//! The expiry job: subscriptions past their end date expire, and consumers are reminded before the end.
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::alerts::announce;
use super::view::view_of;
use crate::activity::notifications::{self, Note};
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::SubscriptionStatus as S;

/// What the expiry job did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpiryReport {
    pub expired: usize,
    pub reminded: usize,
}

/// Expires subscriptions whose end date has passed and reminds consumers `reminder_days` before the end.
/// Runs periodically on every instance; the conditional updates make concurrent runs harmless.
pub async fn run_expiry(
    db: &DatabaseConnection,
    today: NaiveDate,
    reminder_days: i64,
) -> Result<ExpiryReport> {
    let mut report = ExpiryReport::default();
    let due = Subscription::find()
        .filter(subscription::Column::Status.eq(S::Approved))
        .filter(subscription::Column::EndDate.lt(today))
        .all(db)
        .await?;
    for sub in due {
        let tx = begin_write(db).await?;
        let changed = Subscription::update_many()
            .col_expr(
                subscription::Column::Status,
                Expr::value(S::Expired.as_str()),
            )
            .col_expr(subscription::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(subscription::Column::Id.eq(sub.id))
            .filter(subscription::Column::Status.eq(S::Approved))
            .exec(&tx)
            .await?;
        if changed.rows_affected == 1 {
            let fresh = Subscription::find_by_id(sub.id)
                .one(&tx)
                .await?
                .ok_or_else(|| Error::not_found("subscription"))?;
            let v = view_of(&tx, fresh).await?;
            announce(
                &tx,
                &v,
                Some(S::Approved),
                None,
                "the end date has passed",
                "agora.subscription.expired",
            )
            .await?;
            report.expired += 1;
        }
        tx.commit().await?;
    }
    let horizon = today + Duration::days(reminder_days);
    let soon = Subscription::find()
        .filter(subscription::Column::Status.eq(S::Approved))
        .filter(subscription::Column::EndDate.lte(horizon))
        .filter(subscription::Column::EndDate.gte(today))
        .filter(subscription::Column::ReminderSentAt.is_null())
        .all(db)
        .await?;
    for sub in soon {
        let tx = begin_write(db).await?;
        let changed = Subscription::update_many()
            .col_expr(
                subscription::Column::ReminderSentAt,
                Expr::value(Utc::now()),
            )
            .filter(subscription::Column::Id.eq(sub.id))
            .filter(subscription::Column::ReminderSentAt.is_null())
            .exec(&tx)
            .await?;
        if changed.rows_affected == 1 {
            let v = view_of(&tx, sub).await?;
            let requester: Vec<i64> = v.sub.requester_id.into_iter().collect();
            notifications::notify(
                &tx,
                &requester,
                &Note {
                    kind: "expiring",
                    title: format!(
                        "Access to {} ({}) ends on {}",
                        v.product_name,
                        v.port_name,
                        v.sub.end_date.map(|d| d.to_string()).unwrap_or_default()
                    ),
                    body: "Ask for a renewal before then to keep access.".into(),
                    link: "/subscriptions".into(),
                },
            )
            .await?;
            report.reminded += 1;
        }
        tx.commit().await?;
    }
    Ok(report)
}
