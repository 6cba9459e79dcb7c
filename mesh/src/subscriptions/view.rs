//! [`SubscriptionView`]: one subscription with the names around it, and what of it a viewer may see.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::access::Viewer;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::ApprovalMode;

/// Everything about one subscription that pages, notifications and events show.
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionView {
    pub sub: subscription::Model,
    pub product_domain: String,
    pub product_slug: String,
    pub product_name: String,
    pub producing_team_id: i64,
    pub port_slug: String,
    pub port_name: String,
    pub port_location: String,
    pub approval_mode: ApprovalMode,
    pub consumer_team_slug: String,
    pub consumer_team_name: String,
    /// `domain/slug` and name of the consuming product.
    pub consumer_product: Option<(String, String)>,
    pub requester_name: Option<String>,
    pub requester_email: Option<String>,
    pub decided_by_name: Option<String>,
}

impl SubscriptionView {
    /// Whether the producing team need not decide: its port approves automatically, or the subscription is
    /// the team's own. The same rule admits a request at once and extends a renewal at once.
    pub(super) fn needs_no_decision(&self) -> bool {
        self.approval_mode == ApprovalMode::Auto
            || self.sub.consumer_team_id == self.producing_team_id
    }
}

pub(super) async fn view_of(
    db: &impl ConnectionTrait,
    sub: subscription::Model,
) -> Result<SubscriptionView> {
    let port = OutputPort::find_by_id(sub.port_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("output port"))?;
    let product = DataProduct::find_by_id(sub.product_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("data product"))?;
    let domain = Domain::find_by_id(product.domain_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("domain"))?;
    let team = Team::find_by_id(sub.consumer_team_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("team"))?;
    let consumer_product = match sub.consumer_product_id {
        Some(id) => match DataProduct::find_by_id(id).one(db).await? {
            Some(p) => {
                let d = Domain::find_by_id(p.domain_id)
                    .one(db)
                    .await?
                    .map(|d| d.slug)
                    .unwrap_or_default();
                Some((format!("{d}/{}", p.slug), p.name))
            }
            None => None,
        },
        None => None,
    };
    let name_of = |id: Option<i64>| async move {
        match id {
            Some(id) => User::find_by_id(id)
                .one(db)
                .await
                .map(|u| u.map(|u| (u.name, u.email))),
            None => Ok(None),
        }
    };
    let requester = name_of(sub.requester_id).await?;
    let decider = name_of(sub.decided_by).await?;
    Ok(SubscriptionView {
        product_domain: domain.slug,
        product_slug: product.slug,
        product_name: product.name,
        producing_team_id: product.owner_team_id,
        port_slug: port.slug,
        port_name: port.name,
        port_location: port.location,
        approval_mode: port.approval_mode,
        consumer_team_slug: team.slug,
        consumer_team_name: team.name,
        consumer_product,
        requester_name: requester.as_ref().map(|r| r.0.clone()),
        requester_email: requester.map(|r| r.1),
        decided_by_name: decider.map(|d| d.0),
        sub,
    })
}

/// One subscription as the viewer who just acted on it may see it (see [`hide_unseen_consumers`]).
pub(super) async fn shown_to(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    mut v: SubscriptionView,
) -> Result<SubscriptionView> {
    hide_unseen_consumers(db, viewer, std::slice::from_mut(&mut v)).await?;
    Ok(v)
}

/// Lists name the consuming product only where the viewer may see it: a producer is not shown another
/// team's draft (the same rule as lineage and the marketplace).
pub(super) async fn hide_unseen_consumers(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    views: &mut [SubscriptionView],
) -> Result<()> {
    let ids: Vec<i64> = views
        .iter()
        .filter_map(|v| v.sub.consumer_product_id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let visible: std::collections::HashSet<i64> = DataProduct::find()
        .filter(data_product::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| viewer.may_see_product(p.status, p.owner_team_id))
        .map(|p| p.id)
        .collect();
    for v in views {
        if v.sub
            .consumer_product_id
            .is_some_and(|id| !visible.contains(&id))
        {
            v.consumer_product = None;
        }
    }
    Ok(())
}
