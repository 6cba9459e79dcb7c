//! The status machine of a subscription ([`next`]) and [`transition`], the one way a subscription changes once it
//! exists (a decision, a cancellation, a revocation, a renewal): atomically, audited, notified and published.
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::alerts::{announce, renewal_declined, renewal_requested};
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
    /// The consumer asks to keep access until this day. Where no decision is needed (an auto port, or the
    /// producing team's own subscription) the end date moves at once; otherwise the producing team is asked.
    Renew(NaiveDate),
    /// The producing team grants the pending renewal: the end date moves to the day asked for.
    GrantRenewal,
    /// The producing team turns the pending renewal down: access still ends on the old day.
    DeclineRenewal,
}

/// The state machine: requested -> approved | rejected | cancelled; approved -> cancelled | revoked | expired.
/// A renewal keeps an approved subscription approved and moves its end date; nothing else can be renewed.
pub fn next(from: S, action: Action) -> std::result::Result<S, String> {
    use Action::*;
    match (from, action) {
        (S::Requested, Approve) => Ok(S::Approved),
        (S::Requested, Reject) => Ok(S::Rejected),
        (S::Requested, Cancel) => Ok(S::Cancelled),
        (S::Approved, Cancel) => Ok(S::Cancelled),
        (S::Approved, Revoke) => Ok(S::Revoked),
        (S::Approved, Expire) => Ok(S::Expired),
        (S::Approved, Renew(_) | GrantRenewal | DeclineRenewal) => Ok(S::Approved),
        (_, Renew(_)) => Err("only an active subscription can be renewed".into()),
        (_, GrantRenewal | DeclineRenewal) => Err("there is no pending renewal".into()),
        (from, action) => Err(format!(
            "a subscription that is {} cannot be {}",
            from.label().to_lowercase(),
            match action {
                Approve => "approved",
                Reject => "rejected",
                Cancel => "cancelled",
                Revoke => "revoked",
                Expire => "expired",
                Renew(_) | GrantRenewal | DeclineRenewal => "renewed",
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

/// Applies an action atomically: the row changes only if it is still in the state this decision was made on
/// (for a renewal decision, also still waiting for the same day), so of two people acting at once exactly one wins.
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

/// Who hears of a change, decided with the change itself.
enum Tell {
    /// Notified, published and audited ([`announce`]) with this note and event type.
    Announce(String, &'static str),
    /// The producing team's owners are asked to decide a renewal until this day; nothing is published yet.
    RenewalRequested(NaiveDate),
    /// Only the requester hears that the renewal was declined.
    RenewalDeclined,
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
    let no_reminder = Expr::value(Option::<chrono::DateTime<Utc>>::None);
    let renewed = "agora.subscription.renewed";
    let tell = match action {
        Action::Approve | Action::Reject | Action::Revoke => {
            update = update
                .col_expr(subscription::Column::DecidedBy, Expr::value(viewer.user_id))
                .col_expr(subscription::Column::DecidedAt, Expr::value(now))
                .col_expr(subscription::Column::DecisionNote, Expr::value(note.trim()));
            Tell::Announce(note.trim().to_owned(), event_name(to))
        }
        Action::Cancel | Action::Expire => Tell::Announce(note.trim().to_owned(), event_name(to)),
        Action::Renew(until) => {
            if v.sub.end_date.is_some_and(|e| until <= e) || until <= now.date_naive() {
                return Err(Error::invalid(
                    "until",
                    "the new end date must be later than the current one",
                ));
            }
            if v.needs_no_decision() {
                update = update
                    .col_expr(subscription::Column::EndDate, Expr::value(Some(until)))
                    .col_expr(subscription::Column::ReminderSentAt, no_reminder);
                Tell::Announce("renewed automatically".into(), renewed)
            } else {
                update =
                    update.col_expr(subscription::Column::RenewalUntil, Expr::value(Some(until)));
                Tell::RenewalRequested(until)
            }
        }
        Action::GrantRenewal | Action::DeclineRenewal => {
            let Some(until) = v.sub.renewal_until else {
                return Err(Error::Conflict("there is no pending renewal".into()));
            };
            update = update
                .col_expr(
                    subscription::Column::RenewalUntil,
                    Expr::value(Option::<NaiveDate>::None),
                )
                .col_expr(subscription::Column::ReminderSentAt, no_reminder)
                .filter(subscription::Column::RenewalUntil.eq(until));
            if action == Action::GrantRenewal {
                update = update.col_expr(subscription::Column::EndDate, Expr::value(Some(until)));
                Tell::Announce(format!("extended until {until}"), renewed)
            } else {
                Tell::RenewalDeclined
            }
        }
    };
    let changed = update.exec(&tx).await?;
    if changed.rows_affected != 1 {
        if matches!(action, Action::GrantRenewal | Action::DeclineRenewal) {
            return Err(Error::Conflict(
                "someone else decided this renewal first".into(),
            ));
        }
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
    match tell {
        Tell::Announce(note, event) => {
            announce(&tx, &v, Some(from), viewer.user_id, &note, event).await?
        }
        Tell::RenewalRequested(until) => renewal_requested(&tx, &v, until).await?,
        Tell::RenewalDeclined => renewal_declined(&tx, &v).await?,
    }
    // Only a status change can change how the product's policies evaluate; a new end date does not.
    if to != from {
        crate::governance::evaluate_product(&tx, v.sub.product_id).await?;
    }
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

    #[test]
    fn only_an_approved_subscription_is_renewed_and_stays_approved() {
        let day = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        for action in [
            Action::Renew(day),
            Action::GrantRenewal,
            Action::DeclineRenewal,
        ] {
            assert_eq!(next(S::Approved, action), Ok(S::Approved));
            for from in S::ALL.iter().filter(|s| **s != S::Approved) {
                assert!(next(*from, action).is_err(), "{from:?} {action:?}");
            }
        }
        assert_eq!(
            next(S::Revoked, Action::Renew(day)).unwrap_err(),
            "only an active subscription can be renewed"
        );
        assert_eq!(
            next(S::Requested, Action::GrantRenewal).unwrap_err(),
            "there is no pending renewal"
        );
    }
}
