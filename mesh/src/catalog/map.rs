//! The mesh as a picture: domains as groups, listed products as nodes, consumption (an approved subscription
//! made for a consuming product) as edges from the source to the consumer. The layout is computed here, so the
//! page can draw it as SVG on the server.
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::{ProductKind, ProductStatus, SubscriptionStatus};

pub const NODE_W: i32 = 168;
pub const NODE_H: i32 = 34;
const GAP: i32 = 12;
const PAD: i32 = 14;
const HEADER: i32 = 30;
const NODE_COLUMNS: usize = 2;
const GROUP_COLUMNS: usize = 3;
const GROUP_GAP: i32 = 28;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapGroup {
    pub slug: String,
    pub name: String,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapNode {
    pub domain: String,
    pub slug: String,
    pub name: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    pub x: i32,
    pub y: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapEdge {
    /// `domain/product` of the source and of the consumer.
    pub from: String,
    pub to: String,
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeshMap {
    pub width: i32,
    pub height: i32,
    pub groups: Vec<MapGroup>,
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    /// (slug, name) of every domain, for the filter.
    pub domains: Vec<(String, String)>,
}

/// The listed products (published and deprecated) and how they feed each other. With `domain`, that domain's
/// products and the products they exchange data with.
pub async fn mesh_map(db: &impl ConnectionTrait, domain: Option<&str>) -> Result<MeshMap> {
    let domains: BTreeMap<i64, domain::Model> = Domain::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let products: HashMap<i64, data_product::Model> = DataProduct::find()
        .filter(
            data_product::Column::Status
                .is_in([ProductStatus::Published, ProductStatus::Deprecated]),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut links: Vec<(i64, i64)> = Subscription::find()
        .filter(subscription::Column::Status.eq(SubscriptionStatus::Approved))
        .filter(subscription::Column::ConsumerProductId.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.product_id, s.consumer_product_id?)))
        .filter(|(a, b)| a != b && products.contains_key(a) && products.contains_key(b))
        .collect();
    links.sort_unstable();
    links.dedup();

    let focus: Option<i64> =
        domain.and_then(|slug| domains.values().find(|d| d.slug == slug).map(|d| d.id));
    let shown: HashSet<i64> = match (domain, focus) {
        (None, _) => products.keys().copied().collect(),
        (Some(_), None) => HashSet::new(),
        (Some(_), Some(d)) => {
            let own: HashSet<i64> = products
                .values()
                .filter(|p| p.domain_id == d)
                .map(|p| p.id)
                .collect();
            let mut shown = own.clone();
            for (a, b) in &links {
                if own.contains(a) || own.contains(b) {
                    shown.insert(*a);
                    shown.insert(*b);
                }
            }
            shown
        }
    };
    Ok(layout(&domains, &products, &links, &shown))
}

fn layout(
    domains: &BTreeMap<i64, domain::Model>,
    products: &HashMap<i64, data_product::Model>,
    links: &[(i64, i64)],
    shown: &HashSet<i64>,
) -> MeshMap {
    let mut by_domain: BTreeMap<(String, i64), Vec<&data_product::Model>> = BTreeMap::new();
    for p in products.values().filter(|p| shown.contains(&p.id)) {
        if let Some(d) = domains.get(&p.domain_id) {
            by_domain.entry((d.name.clone(), d.id)).or_default().push(p);
        }
    }
    let mut groups = Vec::new();
    let mut nodes = Vec::new();
    let mut centre: HashMap<i64, (i32, i32)> = HashMap::new();
    let group_w = PAD * 2 + NODE_COLUMNS as i32 * NODE_W + (NODE_COLUMNS as i32 - 1) * GAP;
    let (mut x, mut y, mut row_h, mut width) = (0, 0, 0, 0);
    for (i, ((_, domain_id), mut members)) in by_domain.into_iter().enumerate() {
        let domain = &domains[&domain_id];
        // Source-aligned first, then aggregates, then consumer-aligned: data flows down the group.
        members.sort_by_key(|p| (kind_rank(p.kind), p.name.clone()));
        let rows = members.len().div_ceil(NODE_COLUMNS) as i32;
        let h = HEADER + PAD + rows * NODE_H + (rows - 1).max(0) * GAP;
        if i > 0 && i % GROUP_COLUMNS == 0 {
            x = 0;
            y += row_h + GROUP_GAP;
            row_h = 0;
        }
        for (j, p) in members.iter().enumerate() {
            let nx = x + PAD + (j % NODE_COLUMNS) as i32 * (NODE_W + GAP);
            let ny = y + HEADER + (j / NODE_COLUMNS) as i32 * (NODE_H + GAP);
            centre.insert(p.id, (nx + NODE_W / 2, ny + NODE_H / 2));
            nodes.push(MapNode {
                domain: domain.slug.clone(),
                slug: p.slug.clone(),
                name: p.name.clone(),
                kind: p.kind,
                status: p.status,
                x: nx,
                y: ny,
            });
        }
        groups.push(MapGroup {
            slug: domain.slug.clone(),
            name: domain.name.clone(),
            x,
            y,
            w: group_w,
            h,
        });
        row_h = row_h.max(h);
        width = width.max(x + group_w);
        x += group_w + GROUP_GAP;
    }
    let key = |id: i64| {
        let p = &products[&id];
        let d = domains
            .get(&p.domain_id)
            .map(|d| d.slug.as_str())
            .unwrap_or_default();
        format!("{d}/{}", p.slug)
    };
    let edges = links
        .iter()
        .filter_map(|(from, to)| {
            let (x1, y1) = *centre.get(from)?;
            let (x2, y2) = *centre.get(to)?;
            Some(MapEdge {
                from: key(*from),
                to: key(*to),
                x1,
                y1,
                x2,
                y2,
            })
        })
        .collect();
    MeshMap {
        width: width.max(NODE_W),
        height: if groups.is_empty() { NODE_H } else { y + row_h },
        groups,
        nodes,
        edges,
        domains: domains
            .values()
            .map(|d| (d.slug.clone(), d.name.clone()))
            .collect(),
    }
}

fn kind_rank(kind: ProductKind) -> u8 {
    match kind {
        ProductKind::SourceAligned => 0,
        ProductKind::Aggregate => 1,
        ProductKind::ConsumerAligned => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_sit_inside_their_groups_without_overlapping() {
        let now = chrono::Utc::now();
        let domains: BTreeMap<i64, domain::Model> = (1..=4)
            .map(|i| {
                (
                    i,
                    domain::Model {
                        id: i,
                        slug: format!("d{i}"),
                        name: format!("Domain {i}"),
                        description: String::new(),
                        parent_id: None,
                        owner_team_id: None,
                        created_at: now,
                    },
                )
            })
            .collect();
        let products: HashMap<i64, data_product::Model> = (1..=13)
            .map(|i| {
                (
                    i,
                    data_product::Model {
                        id: i,
                        domain_id: i % 4 + 1,
                        slug: format!("p{i}"),
                        name: format!("Product {i}"),
                        summary: String::new(),
                        description: String::new(),
                        kind: ProductKind::Aggregate,
                        status: ProductStatus::Published,
                        version: "1.0.0".into(),
                        owner_team_id: 1,
                        sunset_date: None,
                        replacement_id: None,
                        created_at: now,
                        updated_at: now,
                        published_at: Some(now),
                        has_pii: false,
                        sla_availability: None,
                    },
                )
            })
            .collect();
        let shown = products.keys().copied().collect();
        let map = layout(&domains, &products, &[(1, 2), (3, 2), (5, 99)], &shown);
        assert_eq!(map.nodes.len(), 13);
        assert_eq!(map.groups.len(), 4);
        assert_eq!(map.edges.len(), 2, "links to unknown products are dropped");
        for n in &map.nodes {
            let g = map.groups.iter().find(|g| g.slug == n.domain).unwrap();
            assert!(
                n.x >= g.x && n.x + NODE_W <= g.x + g.w && n.y >= g.y && n.y + NODE_H <= g.y + g.h,
                "{n:?} in {g:?}"
            );
            assert!(n.x + NODE_W <= map.width && n.y + NODE_H <= map.height);
            for m in &map.nodes {
                let apart = n.x + NODE_W <= m.x
                    || m.x + NODE_W <= n.x
                    || n.y + NODE_H <= m.y
                    || m.y + NODE_H <= n.y;
                assert!(n.slug == m.slug || apart, "{n:?} overlaps {m:?}");
            }
        }
        for a in &map.groups {
            for b in &map.groups {
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(a.slug == b.slug || apart);
            }
        }
    }
}
