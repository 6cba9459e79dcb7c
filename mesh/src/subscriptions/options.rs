//! What the subscribe form offers: the product's ports, the teams the viewer may subscribe for, the products of
//! those teams that may consume it (which makes the subscription a lineage edge), and the terms to accept.
//! One read for the page, the API and any other client, so each offers the same choices the request accepts.
use sea_orm::ConnectionTrait;

use crate::access::Viewer;
use crate::catalog::listing::{find_product, PortView};
use crate::error::Result;

/// A team the viewer may request access for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamChoice {
    pub slug: String,
    pub name: String,
}

/// A product of one of those teams that may be named as the consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerChoice {
    /// `domain/product`, the form value [`crate::subscriptions::NewRequest::consumer_product`] takes.
    pub path: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SubscribeOptions {
    pub product_name: String,
    /// The ports to subscribe to, by name.
    pub ports: Vec<PortView>,
    /// The viewer's teams (every team for an admin), by name.
    pub teams: Vec<TeamChoice>,
    /// Products of those teams that are not retired and that the viewer may see, by name.
    pub products: Vec<ConsumerChoice>,
    /// Usage terms of the product's first contract (empty without one).
    pub usage: String,
    pub limitations: String,
}

/// The subscribe form for `domain/product`: signed-in viewers only; a product they may not see is not found.
pub async fn subscribe_options(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<SubscribeOptions> {
    viewer.require_user()?;
    let product = find_product(db, viewer, domain, product).await?;
    let ports = crate::catalog::listing::port_views(db, product.id).await?;
    let first_contract = crate::catalog::contracts::of_product(db, product.id)
        .await?
        .into_iter()
        .next();
    let (_, teams) = crate::catalog::products::creation_options(db, viewer).await?;
    let team_slugs: Vec<String> = teams.iter().map(|t| t.0.clone()).collect();
    let products = crate::catalog::listing::products_of_teams(db, viewer, &team_slugs).await?;
    let (usage, limitations) = first_contract
        .map(|c| (c.usage, c.limitations))
        .unwrap_or_default();
    Ok(SubscribeOptions {
        product_name: product.name,
        ports,
        teams: teams
            .into_iter()
            .map(|(slug, name, _)| TeamChoice { slug, name })
            .collect(),
        products: products
            .into_iter()
            .map(|(path, name)| ConsumerChoice { path, name })
            .collect(),
        usage,
        limitations,
    })
}
