//! The marketplace: search, the home page, a product's page and the mesh map.

pub mod model;
pub use model::*;

use leptos::prelude::*;

use crate::error::AppError;

/// One page of marketplace search results for a query string (`q=orders&domain=sales&sort=name&page=2`),
/// rendered: facets, result cards, pager, or what to try when nothing matched.
#[server(prefix = "/api", endpoint = "search")]
pub async fn search_products(query: String) -> Result<RenderedHtml, AppError> {
    use crate::ssr::RenderedSearches;
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let version = ctx.search.version(&ctx.db).await?;
    if let Some(html) = ctx
        .search_pages
        .get(&RenderedSearches::key(version, &viewer, &query))
    {
        return Ok(RenderedHtml(html));
    }
    let request = mesh::search::SearchRequest::from_query(&query);
    let results = ctx.search.search(&ctx.db, &viewer, &request).await?;
    let key = RenderedSearches::key(results.version, &viewer, &query);
    let html: std::sync::Arc<str> =
        crate::components::search_results::results_html(results.into(), &query).into();
    ctx.search_pages.insert(key, html.clone());
    Ok(RenderedHtml(html))
}

/// The home page: domain tiles and curated rows.
#[server(prefix = "/api", endpoint = "home")]
pub async fn get_home() -> Result<Home, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let domains = mesh::catalog::listing::domain_tiles(&ctx.db).await?;
    let c = ctx.search.curated(&ctx.db, &viewer, 6).await?;
    let cards = |v: Vec<mesh::catalog::listing::ProductCard>| {
        v.into_iter().map(ProductCard::from).collect()
    };
    Ok(Home {
        domains: domains.into_iter().map(DomainTile::from).collect(),
        most_subscribed: cards(c.most_subscribed),
        recently_published: cards(c.recently_published),
        recently_updated: cards(c.recently_updated),
        trusted: cards(c.trusted),
    })
}

/// One product page.
#[server(prefix = "/api", endpoint = "product_page")]
pub async fn get_product_page(domain: String, product: String) -> Result<ProductPage, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let page = mesh::catalog::listing::product_page(&ctx.db, &viewer, &domain, &product).await?;
    let may_edit = viewer.may_edit_product(page.owner_team_id)
        && page.card.status != mesh::kinds::ProductStatus::Retired;
    let subscribers = mesh::subscriptions::subscriber_count(&ctx.db, page.card.id).await?;
    let mut dto: ProductPage = page.into();
    dto.may_edit = may_edit;
    dto.subscribers = subscribers;
    Ok(dto)
}

/// The mesh map, optionally around one domain.
#[server(prefix = "/api", endpoint = "mesh_map")]
pub async fn get_mesh_map(
    domain: Option<String>,
) -> Result<crate::api::catalog::MeshMap, AppError> {
    let ctx = crate::ssr::app_context()?;
    let m =
        mesh::catalog::map::mesh_map(&ctx.db, domain.as_deref().filter(|d| !d.is_empty())).await?;
    Ok(MeshMap {
        width: m.width,
        height: m.height,
        node_w: mesh::catalog::map::NODE_W,
        node_h: mesh::catalog::map::NODE_H,
        groups: m
            .groups
            .into_iter()
            .map(|g| MapGroup {
                slug: g.slug,
                name: g.name,
                x: g.x,
                y: g.y,
                w: g.w,
                h: g.h,
            })
            .collect(),
        nodes: m
            .nodes
            .into_iter()
            .map(|n| MapNode {
                href: format!("/products/{}/{}", n.domain, n.slug),
                name: n.name,
                kind: n.kind,
                status: n.status,
                x: n.x,
                y: n.y,
            })
            .collect(),
        edges: m
            .edges
            .into_iter()
            .map(|e| MapEdge {
                from: e.from,
                to: e.to,
                x1: e.x1,
                y1: e.y1,
                x2: e.x2,
                y2: e.y2,
            })
            .collect(),
        domains: m.domains,
    })
}
