//! The status machine of a subscription ([`next`]) and [`transition`], the one way a status changes: atomically,
//! audited, notified and published.
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::alerts::announce;
use super::view::{shown_to, view_of, SubscriptionView};
use crate::access::Viewer;
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::SubscriptionStatus as S;

/// What someone does to a subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Approve,
    Reject,
    Cancel,
    Revoke,
    Expire,
}

/// The state machine: requested -> approved | rejected | cancelled; approved -> cancelled | revoked | expired.
pub fn next(from: S, action: Action) -> std::result::Result<S, String> {
    use Action::*;
    match (from, action) {
        (S::Requested, Approve) => Ok(S::Approved),
        (S::Requested, Reject) => Ok(S::Rejected),
        (S::Requested, Cancel) => Ok(S::Cancelled),
        (S::Approved, Cancel) => Ok(S::Cancelled),
        (S::Approved, Revoke) => Ok(S::Revoked),
        (S::Approved, Expire) => Ok(S::Expired),
        (from, action) => Err(format!(
            "a subscription that is {} cannot be {}",
            from.label().to_lowercase(),
            match action {
                Approve => "approved",
                Reject => "rejected",
                Cancel => "cancelled",
                Revoke => "revoked",
                Expire => "expired",
            }
        )),
    }
}

pub(super) fn event_name(status: S) -> &'static str {
    match status {
        S::Requested => "agora.subscription.requested",
        S::Approved => "agora.subscription.approved",
        S::Rejected => "agora.subscription.rejected",
        S::Cancelled => "agora.subscription.cancelled",
        S::Revoked => "agora.subscription.revoked",
        S::Expired => "agora.subscription.expired",
    }
}

/// Applies an action atomically: the row changes only if it is still in the state this decision was made on.
pub(super) async fn transition(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    action: Action,
    note: &str,
    allowed: fn(&Viewer, &SubscriptionView) -> bool,
    verb: &str,
) -> Result<SubscriptionView> {
    let v =
        crate::db::retry(|| transition_once(db, viewer, id, action, note, allowed, verb)).await?;
    shown_to(db, viewer, v).await
}

async fn transition_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    action: Action,
    note: &str,
    allowed: fn(&Viewer, &SubscriptionView) -> bool,
    verb: &str,
) -> Result<SubscriptionView> {
    let tx = begin_write(db).await?;
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    viewer.require(allowed(viewer, &v), verb)?;
    let from = v.sub.status;
    let to = next(from, action).map_err(Error::Conflict)?;
    let now = Utc::now();
    let mut update = Subscription::update_many()
        .col_expr(subscription::Column::Status, Expr::value(to.as_str()))
        .col_expr(subscription::Column::UpdatedAt, Expr::value(now))
        .filter(subscription::Column::Id.eq(id))
        .filter(subscription::Column::Status.eq(from));
    if matches!(action, Action::Approve | Action::Reject | Action::Revoke) {
        update = update
            .col_expr(subscription::Column::DecidedBy, Expr::value(viewer.user_id))
            .col_expr(subscription::Column::DecidedAt, Expr::value(now))
            .col_expr(subscription::Column::DecisionNote, Expr::value(note.trim()));
    }
    let changed = update.exec(&tx).await?;
    if changed.rows_affected != 1 {
        let current = Subscription::find_by_id(id)
            .one(&tx)
            .await?
            .map(|s| s.status);
        return Err(Error::Conflict(match current {
            Some(s) => format!(
                "someone else acted first: this subscription is now {}",
                s.label().to_lowercase()
            ),
            None => "this subscription no longer exists".into(),
        }));
    }
    let sub = Subscription::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("subscription"))?;
    let v = view_of(&tx, sub).await?;
    announce(
        &tx,
        &v,
        Some(from),
        viewer.user_id,
        note.trim(),
        event_name(to),
    )
    .await?;
    crate::governance::evaluate_product(&tx, v.sub.product_id).await?;
    tx.commit().await?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_legal_transition() {
        assert_eq!(next(S::Requested, Action::Approve), Ok(S::Approved));
        assert_eq!(next(S::Requested, Action::Reject), Ok(S::Rejected));
        assert_eq!(next(S::Requested, Action::Cancel), Ok(S::Cancelled));
        assert_eq!(next(S::Approved, Action::Cancel), Ok(S::Cancelled));
        assert_eq!(next(S::Approved, Action::Revoke), Ok(S::Revoked));
        assert_eq!(next(S::Approved, Action::Expire), Ok(S::Expired));
    }

    #[test]
    fn every_illegal_transition_is_refused_with_words() {
        let actions = [
            Action::Approve,
            Action::Reject,
            Action::Cancel,
            Action::Revoke,
            Action::Expire,
        ];
        let legal = [
            (S::Requested, Action::Approve),
            (S::Requested, Action::Reject),
            (S::Requested, Action::Cancel),
            (S::Approved, Action::Cancel),
            (S::Approved, Action::Revoke),
            (S::Approved, Action::Expire),
        ];
        let mut illegal = 0;
        for from in S::ALL {
            for action in actions {
                if legal.contains(&(*from, action)) {
                    continue;
                }
                let err = next(*from, action).unwrap_err();
                assert!(err.starts_with("a subscription that is"), "{err}");
                illegal += 1;
            }
        }
        assert_eq!(illegal, 6 * 5 - 6);
        assert_eq!(
            next(S::Expired, Action::Approve).unwrap_err(),
            "a subscription that is expired cannot be approved"
        );
    }
}
