//! Read models of the marketplace: product cards, the product page, the API's product resource, domain tiles.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::access::Viewer;
use crate::catalog::markdown;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{ApprovalMode, PortKind, ProductKind, ProductStatus, TeamRole};

/// What a marketplace card shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductCard {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    pub version: String,
    pub domain_slug: String,
    pub domain_name: String,
    pub team_slug: String,
    pub team_name: String,
    pub tags: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub avatar_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PortView {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: PortKind,
    pub location: String,
    pub approval_mode: ApprovalMode,
}

impl PortView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(p: output_port::Model) -> Self {
        Self {
            id: p.id,
            slug: p.slug,
            name: p.name,
            description: p.description,
            kind: p.kind,
            location: p.location,
            approval_mode: p.approval_mode,
        }
    }
}

/// A link to another product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProductRef {
    pub domain_slug: String,
    pub slug: String,
    pub name: String,
}

/// Everything the product page header and overview show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductPage {
    pub card: ProductCard,
    pub owner_team_id: i64,
    /// Sanitized HTML of the Markdown docs.
    pub docs_html: String,
    pub owners: Vec<Person>,
    pub ports: Vec<PortView>,
    pub sunset_date: Option<NaiveDate>,
    pub replacement: Option<ProductRef>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DomainTile {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Products listed in the marketplace (published or deprecated).
    pub product_count: u64,
}

/// Narrowing of the product list.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub domain: Option<String>,
    /// Case-insensitive text matched against name, summary, domain, team and tags.
    pub text: Option<String>,
    pub include_retired: bool,
}

/// The statuses a viewer sees in a listing, and the condition that implements it (drafts of their own teams).
fn visibility(viewer: &Viewer, include_retired: bool) -> Condition {
    let mut statuses = vec![ProductStatus::Published, ProductStatus::Deprecated];
    if include_retired {
        statuses.push(ProductStatus::Retired);
    }
    let mut cond = Condition::any().add(data_product::Column::Status.is_in(statuses));
    if viewer.is_admin {
        cond = cond.add(data_product::Column::Status.eq(ProductStatus::Draft));
    } else if !viewer.team_ids.is_empty() {
        cond = cond.add(
            Condition::all()
                .add(data_product::Column::Status.eq(ProductStatus::Draft))
                .add(data_product::Column::OwnerTeamId.is_in(viewer.team_ids.clone())),
        );
    }
    cond
}

/// Products the viewer may see, by name.
pub async fn list_products(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &ListFilter,
) -> Result<Vec<ProductCard>> {
    let mut query = DataProduct::find()
        .filter(visibility(viewer, filter.include_retired))
        .order_by_asc(data_product::Column::Name);
    if let Some(slug) = &filter.domain {
        let Some(domain) = Domain::find()
            .filter(domain::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?
        else {
            return Ok(Vec::new());
        };
        query = query.filter(data_product::Column::DomainId.eq(domain.id));
    }
    let products = query.all(db).await?;
    let mut cards = cards(db, products).await?;
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let needle = text.to_lowercase();
        cards.retain(|c| {
            [&c.name, &c.summary, &c.domain_name, &c.team_name]
                .iter()
                .any(|s| s.to_lowercase().contains(&needle))
                || c.tags.iter().any(|t| t.contains(&needle))
        });
    }
    Ok(cards)
}

/// The `limit` most recently updated products the viewer sees in the marketplace.
pub async fn recently_updated(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    limit: u64,
) -> Result<Vec<ProductCard>> {
    let products = DataProduct::find()
        .filter(visibility(viewer, false))
        .order_by_desc(data_product::Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    cards(db, products).await
}

/// Turns product rows into cards, loading domains, teams and tags in three queries.
pub async fn cards(
    db: &impl ConnectionTrait,
    products: Vec<data_product::Model>,
) -> Result<Vec<ProductCard>> {
    let domain_ids: HashSet<i64> = products.iter().map(|p| p.domain_id).collect();
    let team_ids: HashSet<i64> = products.iter().map(|p| p.owner_team_id).collect();
    let domains: HashMap<i64, domain::Model> = Domain::find()
        .filter(domain::Column::Id.is_in(domain_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let teams: HashMap<i64, team::Model> = Team::find()
        .filter(team::Column::Id.is_in(team_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut tags = tags_of(db, products.iter().map(|p| p.id).collect()).await?;
    products
        .into_iter()
        .map(|p| {
            let domain = domains
                .get(&p.domain_id)
                .ok_or_else(|| Error::not_found("domain"))?;
            let team = teams
                .get(&p.owner_team_id)
                .ok_or_else(|| Error::not_found("team"))?;
            Ok(ProductCard {
                id: p.id,
                tags: tags.remove(&p.id).unwrap_or_default(),
                slug: p.slug,
                name: p.name,
                summary: p.summary,
                kind: p.kind,
                status: p.status,
                version: p.version,
                domain_slug: domain.slug.clone(),
                domain_name: domain.name.clone(),
                team_slug: team.slug.clone(),
                team_name: team.name.clone(),
                updated_at: p.updated_at,
            })
        })
        .collect()
}

/// Tag names per product, sorted.
async fn tags_of(
    db: &impl ConnectionTrait,
    product_ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<String>>> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in product_ids.chunks(500) {
        let rows: Vec<(i64, String)> = ProductTag::find()
            .select_only()
            .column(product_tag::Column::ProductId)
            .column(tag::Column::Name)
            .inner_join(Tag)
            .filter(product_tag::Column::ProductId.is_in(chunk.to_vec()))
            .order_by_asc(tag::Column::Name)
            .into_tuple()
            .all(db)
            .await?;
        for (id, name) in rows {
            out.entry(id).or_default().push(name);
        }
    }
    Ok(out)
}

/// A product the viewer was found allowed to see. Only mesh makes one, after the visibility check
/// ([`find_visible`], [`crate::catalog::products::id_of`]), so the reads by id that take no viewer (version
/// history, contracts, compliance checks, lineage) cannot be handed an id nobody checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VisibleProduct(i64);

impl VisibleProduct {
    /// For mesh code that has just checked (or, like a job acting for the system, needs no check).
    pub(crate) fn checked(id: i64) -> Self {
        Self(id)
    }

    pub fn id(self) -> i64 {
        self.0
    }
}

/// Like [`find_product`], with the proof of the check for the reads that take a [`VisibleProduct`].
pub async fn find_visible(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain_slug: &str,
    product_slug: &str,
) -> Result<(VisibleProduct, data_product::Model)> {
    let product = find_product(db, viewer, domain_slug, product_slug).await?;
    Ok((VisibleProduct::checked(product.id), product))
}

/// Finds a product by its domain and product slugs, as the viewer may see it.
pub async fn find_product(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain_slug: &str,
    product_slug: &str,
) -> Result<data_product::Model> {
    let not_found = || Error::not_found(format!("data product {domain_slug}/{product_slug}"));
    let domain = Domain::find()
        .filter(domain::Column::Slug.eq(domain_slug))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let product = DataProduct::find()
        .filter(data_product::Column::DomainId.eq(domain.id))
        .filter(data_product::Column::Slug.eq(product_slug))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    // A draft the viewer may not see does not exist for them (no hint that the slug is taken).
    if !viewer.may_see_product(product.status, product.owner_team_id) {
        return Err(not_found());
    }
    Ok(product)
}

/// The product page: header facts, rendered docs, owners and ports.
pub async fn product_page(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain_slug: &str,
    product_slug: &str,
) -> Result<ProductPage> {
    let product = find_product(db, viewer, domain_slug, product_slug).await?;
    let docs_html = markdown::render(&product.description);
    let (sunset_date, replacement_id, created_at, published_at) = (
        product.sunset_date,
        product.replacement_id,
        product.created_at,
        product.published_at,
    );
    let owner_team_id = product.owner_team_id;
    let product_id = product.id;
    let card = cards(db, vec![product])
        .await?
        .pop()
        .ok_or_else(|| Error::not_found("data product"))?;

    let owners = team_people(db, owner_team_id, Some(TeamRole::Owner)).await?;
    let ports = port_views(db, product_id).await?;
    let replacement = match replacement_id {
        Some(id) => product_ref(db, viewer, id).await?,
        None => None,
    };
    Ok(ProductPage {
        card,
        owner_team_id,
        docs_html,
        owners,
        ports,
        sunset_date,
        replacement,
        created_at,
        published_at,
    })
}

/// The ports of a product already found visible, by name.
pub(crate) async fn port_views(
    db: &impl ConnectionTrait,
    product_id: i64,
) -> Result<Vec<PortView>> {
    Ok(OutputPort::find()
        .filter(output_port::Column::ProductId.eq(product_id))
        .order_by_asc(output_port::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PortView {
            id: p.id,
            slug: p.slug,
            name: p.name,
            description: p.description,
            kind: p.kind,
            location: p.location,
            approval_mode: p.approval_mode,
        })
        .collect())
}

/// A link to another product, if the viewer may see it (a draft of another team is not named).
pub(crate) async fn product_ref(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<ProductRef>> {
    let Some(product) = DataProduct::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| viewer.may_see_product(p.status, p.owner_team_id))
    else {
        return Ok(None);
    };
    let domain = Domain::find_by_id(product.domain_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("domain"))?;
    Ok(Some(ProductRef {
        domain_slug: domain.slug,
        slug: product.slug,
        name: product.name,
    }))
}

/// Members of a team (optionally only one role), by name.
pub async fn team_people(
    db: &impl ConnectionTrait,
    team_id: i64,
    role: Option<TeamRole>,
) -> Result<Vec<Person>> {
    let mut memberships = Membership::find().filter(membership::Column::TeamId.eq(team_id));
    if let Some(role) = role {
        memberships = memberships.filter(membership::Column::Role.eq(role));
    }
    let user_ids: Vec<i64> = memberships
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(User::find()
        .filter(user::Column::Id.is_in(user_ids))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|u| Person {
            name: u.name,
            email: u.email,
            avatar_url: u.avatar_url,
        })
        .collect())
}

/// Every domain with the number of products listed in it, by name.
pub async fn domain_tiles(db: &impl ConnectionTrait) -> Result<Vec<DomainTile>> {
    let counts: Vec<(i64, i64)> = DataProduct::find()
        .select_only()
        .column(data_product::Column::DomainId)
        .column_as(data_product::Column::Id.count(), "n")
        .filter(
            data_product::Column::Status
                .is_in([ProductStatus::Published, ProductStatus::Deprecated]),
        )
        .group_by(data_product::Column::DomainId)
        .into_tuple()
        .all(db)
        .await?;
    let counts: BTreeMap<i64, i64> = counts.into_iter().collect();
    Ok(Domain::find()
        .order_by_asc(domain::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|d| DomainTile {
            product_count: counts.get(&d.id).copied().unwrap_or(0).max(0) as u64,
            slug: d.slug,
            name: d.name,
            description: d.description,
        })
        .collect())
}

/// Products owned by the given teams (by slug), as (`domain/slug`, name), for "consuming product" choices.
pub async fn products_of_teams(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_slugs: &[String],
) -> Result<Vec<(String, String)>> {
    let teams = Team::find()
        .filter(team::Column::Slug.is_in(team_slugs.to_vec()))
        .all(db)
        .await?;
    let products = DataProduct::find()
        .filter(
            data_product::Column::OwnerTeamId.is_in(teams.iter().map(|t| t.id).collect::<Vec<_>>()),
        )
        .filter(data_product::Column::Status.ne(ProductStatus::Retired))
        .order_by_asc(data_product::Column::Name)
        .all(db)
        .await?;
    let domains: HashMap<i64, String> = Domain::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.slug))
        .collect();
    Ok(products
        .into_iter()
        .filter(|p| viewer.may_see_product(p.status, p.owner_team_id))
        .map(|p| {
            (
                format!(
                    "{}/{}",
                    domains.get(&p.domain_id).cloned().unwrap_or_default(),
                    p.slug
                ),
                p.name,
            )
        })
        .collect())
}
