//! The API's product resource: a product with its Markdown source, owners, ports and their contracts.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;

use crate::access::Viewer;
use crate::catalog::listing::{self, Person, ProductCard, ProductRef};
use crate::catalog::views::{port_rows, PortRow};
use crate::error::{Error, Result};
use crate::kinds::TeamRole;

/// A product as the API's product resource holds it: the page's facts, with the Markdown source instead of
/// rendered HTML, each port with the contract it serves, and the flags derived from the contracts.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductDetail {
    pub card: ProductCard,
    /// Markdown source of the docs.
    pub description: String,
    pub owners: Vec<Person>,
    pub ports: Vec<PortRow>,
    pub sunset_date: Option<NaiveDate>,
    pub replacement: Option<ProductRef>,
    pub has_pii: bool,
    pub sla_availability: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// The product resource of `domain/product` as the viewer may see it (not found otherwise).
pub async fn product_detail(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain_slug: &str,
    product_slug: &str,
) -> Result<ProductDetail> {
    let product = listing::find_product(db, viewer, domain_slug, product_slug).await?;
    let ports = port_rows(db, product.id).await?;
    let owners = listing::team_people(db, product.owner_team_id, Some(TeamRole::Owner)).await?;
    let replacement = match product.replacement_id {
        Some(id) => listing::product_ref(db, viewer, id).await?,
        None => None,
    };
    let card = listing::cards(db, vec![product.clone()])
        .await?
        .pop()
        .ok_or_else(|| Error::not_found("data product"))?;
    Ok(ProductDetail {
        card,
        description: product.description,
        owners,
        ports,
        sunset_date: product.sunset_date,
        replacement,
        has_pii: product.has_pii,
        sla_availability: product.sla_availability,
        created_at: product.created_at,
        published_at: product.published_at,
    })
}
