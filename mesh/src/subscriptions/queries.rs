//! The lists pages show: a consumer's own subscriptions ([`mine`]), a producer's inbox and subscribers
//! ([`producer_view`]), and counts.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::view::{hide_unseen_consumers, view_of, SubscriptionView};
use crate::access::Viewer;
use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::SubscriptionStatus as S;

/// The viewer's teams' subscriptions, newest first.
pub async fn mine(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Vec<SubscriptionView>> {
    viewer.require_user()?;
    let subs = Subscription::find()
        .filter(subscription::Column::ConsumerTeamId.is_in(viewer.team_ids.clone()))
        .order_by_desc(subscription::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for s in subs {
        out.push(view_of(db, s).await?);
    }
    hide_unseen_consumers(db, viewer, &mut out).await?;
    Ok(out)
}

/// For producers: requests and renewals waiting for the viewer (owners of producing teams; admins see all),
/// and active subscribers of the viewer's teams' products.
pub async fn producer_view(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<(Vec<SubscriptionView>, Vec<SubscriptionView>)> {
    viewer.require_user()?;
    let mut products = DataProduct::find();
    if !viewer.is_admin {
        products =
            products.filter(data_product::Column::OwnerTeamId.is_in(viewer.team_ids.clone()));
    }
    let product_ids: Vec<i64> = products.all(db).await?.into_iter().map(|p| p.id).collect();
    let subs = Subscription::find()
        .filter(subscription::Column::ProductId.is_in(product_ids))
        .filter(subscription::Column::Status.is_in([S::Requested, S::Approved]))
        .order_by_asc(subscription::Column::Id)
        .all(db)
        .await?;
    let (mut pending, mut active) = (Vec::new(), Vec::new());
    for s in subs {
        let v = view_of(db, s).await?;
        if (v.sub.status == S::Requested || v.sub.renewal_until.is_some())
            && viewer.may_decide_for_team(v.producing_team_id)
        {
            pending.push(v.clone());
        }
        if v.sub.status == S::Approved {
            active.push(v);
        }
    }
    hide_unseen_consumers(db, viewer, &mut pending).await?;
    hide_unseen_consumers(db, viewer, &mut active).await?;
    Ok((pending, active))
}

/// Active subscribers of a product.
pub async fn subscriber_count(db: &impl ConnectionTrait, product_id: i64) -> Result<u64> {
    Ok(Subscription::find()
        .filter(subscription::Column::ProductId.eq(product_id))
        .filter(subscription::Column::Status.eq(S::Approved))
        .count(db)
        .await?)
}
