//! Lineage from subscriptions: an approved subscription made for a consuming product is an edge between two
//! products.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::access::Viewer;
use crate::catalog::listing::VisibleProduct;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::SubscriptionStatus as S;

/// A product linked by an approved subscription from a consuming product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageLink {
    pub domain: String,
    pub slug: String,
    pub name: String,
    pub port: String,
}

/// Upstream (the products this one consumes) and downstream (the products consuming this one), as the viewer
/// may see them: another team's draft at either end of an edge is left out, so lineage never names it. The
/// product itself must have been found visible ([`VisibleProduct`]): its edges say it exists.
pub async fn lineage(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    product: VisibleProduct,
) -> Result<(Vec<LineageLink>, Vec<LineageLink>)> {
    let product_id = product.id();
    let upstream_subs = Subscription::find()
        .filter(subscription::Column::ConsumerProductId.eq(product_id))
        .filter(subscription::Column::Status.eq(S::Approved))
        .all(db)
        .await?;
    let downstream_subs = Subscription::find()
        .filter(subscription::Column::ProductId.eq(product_id))
        .filter(subscription::Column::ConsumerProductId.is_not_null())
        .filter(subscription::Column::Status.eq(S::Approved))
        .all(db)
        .await?;
    let link = |product_id: i64, port_id: i64| async move {
        let Some(p) = DataProduct::find_by_id(product_id).one(db).await? else {
            return Ok(None);
        };
        if !viewer.may_see_product(p.status, p.owner_team_id) {
            return Ok(None);
        }
        let d = Domain::find_by_id(p.domain_id)
            .one(db)
            .await?
            .map(|d| d.slug)
            .unwrap_or_default();
        let port = OutputPort::find_by_id(port_id)
            .one(db)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        Ok::<_, Error>(Some(LineageLink {
            domain: d,
            slug: p.slug,
            name: p.name,
            port,
        }))
    };
    let mut up = Vec::new();
    for s in upstream_subs {
        up.extend(link(s.product_id, s.port_id).await?);
    }
    let mut down = Vec::new();
    for s in downstream_subs {
        if let Some(consumer) = s.consumer_product_id {
            down.extend(link(consumer, s.port_id).await?);
        }
    }
    Ok((up, down))
}
