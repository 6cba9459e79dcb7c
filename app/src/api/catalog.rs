use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{DomainTile, Marketplace, ProductCard, ProductPage};

/// Products for the marketplace, optionally in one domain and narrowed by a text.
#[server(prefix = "/api", endpoint = "marketplace")]
pub async fn get_marketplace(
    domain: Option<String>,
    q: Option<String>,
) -> Result<Marketplace, AppError> {
    use mesh::catalog::{self, ListFilter};
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let filter = ListFilter {
        domain: domain.filter(|d| !d.is_empty()),
        text: q.filter(|q| !q.trim().is_empty()),
        ..Default::default()
    };
    let products = catalog::list_products(&ctx.db, &viewer, &filter).await?;
    let domains = catalog::domain_tiles(&ctx.db).await?;
    Ok(Marketplace {
        products: products.into_iter().map(ProductCard::from).collect(),
        domains: domains.into_iter().map(DomainTile::from).collect(),
    })
}

/// The home page: domain tiles and the most recently updated products.
#[server(prefix = "/api", endpoint = "home")]
pub async fn get_home() -> Result<(Vec<DomainTile>, Vec<ProductCard>), AppError> {
    use mesh::catalog;
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let domains = catalog::domain_tiles(&ctx.db).await?;
    let recent = catalog::recently_updated(&ctx.db, &viewer, 6).await?;
    Ok((
        domains.into_iter().map(DomainTile::from).collect(),
        recent.into_iter().map(ProductCard::from).collect(),
    ))
}

/// One product page.
#[server(prefix = "/api", endpoint = "product_page")]
pub async fn get_product_page(domain: String, product: String) -> Result<ProductPage, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let page = mesh::catalog::product_page(&ctx.db, &viewer, &domain, &product).await?;
    let may_edit = viewer.may_edit_product(page.owner_team_id)
        && page.card.status != mesh::kinds::ProductStatus::Retired;
    let subscribers = mesh::subscriptions::subscriber_count(&ctx.db, page.card.id).await?;
    let mut dto: ProductPage = page.into();
    dto.may_edit = may_edit;
    dto.subscribers = subscribers;
    Ok(dto)
}
