//! Renewal: a consumer asks to keep access past the end date ([`request_renewal`]); auto ports extend at once,
//! manual ones wait for the producing team ([`decide_renewal`]).
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::alerts::{announce, team_owners};
use super::commands::{consumer, producer};
use super::view::{shown_to, view_of, SubscriptionView};
use crate::access::Viewer;
use crate::activity::notifications::{self, Note};
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{ApprovalMode, SubscriptionStatus as S};

/// Asks to extend an active subscription to `until` (consumers). Auto ports extend at once.
pub async fn request_renewal(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    until: &str,
) -> Result<SubscriptionView> {
    let v = request_renewal_within(db, viewer, id, until).await?;
    shown_to(db, viewer, v).await
}

async fn request_renewal_within(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    until: &str,
) -> Result<SubscriptionView> {
    let tx = begin_write(db).await?;
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    viewer.require(
        consumer(viewer, &v),
        "renew this subscription (members of the consuming team only)",
    )?;
    if v.sub.status != S::Approved {
        return Err(Error::Conflict(
            "only an active subscription can be renewed".into(),
        ));
    }
    let until = NaiveDate::parse_from_str(until.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid("until", "give a date like 2027-06-30"))?;
    if v.sub.end_date.is_some_and(|e| until <= e) || until <= Utc::now().date_naive() {
        return Err(Error::invalid(
            "until",
            "the new end date must be later than the current one",
        ));
    }
    let auto =
        v.approval_mode == ApprovalMode::Auto || v.sub.consumer_team_id == v.producing_team_id;
    let mut active: subscription::ActiveModel = v.sub.clone().into();
    if auto {
        active.end_date = Set(Some(until));
        active.reminder_sent_at = Set(None);
    } else {
        active.renewal_until = Set(Some(until));
    }
    active.updated_at = Set(Utc::now());
    let sub = active.update(&tx).await?;
    let v = view_of(&tx, sub).await?;
    if auto {
        announce(
            &tx,
            &v,
            Some(S::Approved),
            viewer.user_id,
            "renewed automatically",
            "agora.subscription.renewed",
        )
        .await?;
    } else {
        let owners = team_owners(&tx, v.producing_team_id).await?;
        notifications::notify(
            &tx,
            &owners,
            &Note {
                kind: "renewal_requested",
                title: format!(
                    "{} asks to extend access to {} until {until}",
                    v.consumer_team_name, v.product_name
                ),
                body: v.sub.purpose.clone(),
                link: "/inbox".into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(v)
}

/// Approves or declines a pending renewal (producing team owners).
pub async fn decide_renewal(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
) -> Result<SubscriptionView> {
    let v = decide_renewal_within(db, viewer, id, approve).await?;
    shown_to(db, viewer, v).await
}

async fn decide_renewal_within(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
) -> Result<SubscriptionView> {
    let tx = begin_write(db).await?;
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    viewer.require(
        producer(viewer, &v),
        "decide renewals for this product (owners of its team only)",
    )?;
    let Some(until) = v.sub.renewal_until.filter(|_| v.sub.status == S::Approved) else {
        return Err(Error::Conflict("there is no pending renewal".into()));
    };
    let changed = Subscription::update_many()
        .col_expr(
            subscription::Column::RenewalUntil,
            Expr::value(Option::<NaiveDate>::None),
        )
        .col_expr(
            subscription::Column::EndDate,
            Expr::value(if approve { Some(until) } else { v.sub.end_date }),
        )
        .col_expr(
            subscription::Column::ReminderSentAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(subscription::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(subscription::Column::Id.eq(id))
        .filter(subscription::Column::RenewalUntil.eq(until))
        .filter(subscription::Column::Status.eq(S::Approved))
        .exec(&tx)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Error::Conflict(
            "someone else decided this renewal first".into(),
        ));
    }
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    if approve {
        announce(
            &tx,
            &v,
            Some(S::Approved),
            viewer.user_id,
            &format!("extended until {until}"),
            "agora.subscription.renewed",
        )
        .await?;
    } else {
        let requester: Vec<i64> = v.sub.requester_id.into_iter().collect();
        notifications::notify(
            &tx,
            &requester,
            &Note {
                kind: "renewal_declined",
                title: format!(
                    "The extension of your access to {} was declined",
                    v.product_name
                ),
                body: String::new(),
                link: "/subscriptions".into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(v)
}
