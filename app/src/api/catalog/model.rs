//! What the marketplace, search, home and mesh-map server functions send to the browser. Plain data that compiles for wasm too.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use vocabulary::{ApprovalMode, Compliance, PortKind, ProductKind, ProductStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

impl ProductCard {
    pub fn href(&self) -> String {
        format!("/products/{}/{}", self.domain_slug, self.slug)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub avatar_url: Option<String>,
}

impl Person {
    pub fn initials(&self) -> String {
        self.name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Port {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: PortKind,
    pub location: String,
    pub approval_mode: ApprovalMode,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductLink {
    pub domain_slug: String,
    pub slug: String,
    pub name: String,
}

impl ProductLink {
    pub fn href(&self) -> String {
        format!("/products/{}/{}", self.domain_slug, self.slug)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductPage {
    pub card: ProductCard,
    /// The viewer may edit this product (member of the owning team).
    pub may_edit: bool,
    /// Active subscribers.
    pub subscribers: u64,
    pub docs_html: String,
    pub owners: Vec<Person>,
    pub ports: Vec<Port>,
    pub sunset_date: Option<NaiveDate>,
    pub replacement: Option<ProductLink>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainTile {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub product_count: u64,
}

/// One search result: the card, its name and summary with matched words flagged, matched columns.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub card: ProductCard,
    /// The name and summary in segments, matched words flagged `true`.
    pub name: Vec<(String, bool)>,
    pub summary: Vec<(String, bool)>,
    pub columns: Vec<String>,
    pub subscribers: i32,
    pub compliance: Compliance,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Facet {
    pub key: String,
    pub title: String,
    pub values: Vec<FacetValue>,
    pub more: usize,
}

/// `/products`: one page of results, the facets with their counts, and what to try when nothing matched.
/// It never leaves the server: `components::search_results` renders it into a [`RenderedHtml`].
#[derive(Clone, Debug, PartialEq)]
pub struct SearchPage {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Vec<Facet>,
    pub did_you_mean: Option<String>,
    /// (facet key, title, results without that facet's selection)
    pub without_facet: Vec<(String, String, u64)>,
}

/// Markup a server function rendered, shown with `inner_html`: links and text only, no event handlers, so the
/// browser needs no code and no data to hydrate it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RenderedHtml(pub Arc<str>);

/// A [`RenderedHtml`] held by a resource. The first load of a page has the markup in the DOM already, so the
/// page's hydration data leaves it out instead of sending the same bytes twice: it hydrates as an empty string,
/// which leaves the server's DOM as it is (`inner_html` does not touch server-rendered children), and every
/// later load sets the markup it fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownHtml(pub Arc<str>);

impl From<RenderedHtml> for ShownHtml {
    fn from(html: RenderedHtml) -> Self {
        ShownHtml(html.0)
    }
}

impl Serialize for ShownHtml {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for ShownHtml {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(ShownHtml(Arc::from("")))
    }
}

/// `/mesh`: the layout computed on the server (see `mesh::catalog::map`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeshMap {
    pub width: i32,
    pub height: i32,
    pub node_w: i32,
    pub node_h: i32,
    pub groups: Vec<MapGroup>,
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    /// (slug, name) of every domain, for the filter chips.
    pub domains: Vec<(String, String)>,
}

/// A domain's box on the map, around its products.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapGroup {
    pub slug: String,
    pub name: String,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// A consumption link, from the source product's centre to the consumer's (both as `domain/product`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapEdge {
    pub from: String,
    pub to: String,
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapNode {
    pub href: String,
    pub name: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    pub x: i32,
    pub y: i32,
}

/// The home page's curated rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Home {
    pub domains: Vec<DomainTile>,
    pub most_subscribed: Vec<ProductCard>,
    pub recently_published: Vec<ProductCard>,
    pub recently_updated: Vec<ProductCard>,
    pub trusted: Vec<ProductCard>,
}

#[cfg(feature = "ssr")]
mod from_mesh {
    use super::*;
    use mesh::catalog::listing as c;

    impl From<c::ProductCard> for ProductCard {
        fn from(c: c::ProductCard) -> Self {
            Self {
                id: c.id,
                slug: c.slug,
                name: c.name,
                summary: c.summary,
                kind: c.kind,
                status: c.status,
                version: c.version,
                domain_slug: c.domain_slug,
                domain_name: c.domain_name,
                team_slug: c.team_slug,
                team_name: c.team_name,
                tags: c.tags,
                updated_at: c.updated_at,
            }
        }
    }

    impl From<mesh::search::SearchResults> for SearchPage {
        fn from(r: mesh::search::SearchResults) -> Self {
            Self {
                total: r.total,
                page: r.page,
                pages: r.pages(),
                hits: r
                    .hits
                    .into_iter()
                    .map(|h| SearchHit {
                        card: h.card.into(),
                        name: h.name,
                        summary: h.summary,
                        columns: h.columns,
                        subscribers: h.subscribers,
                        compliance: h.compliance,
                    })
                    .collect(),
                facets: r
                    .facets
                    .into_iter()
                    .map(|f| Facet {
                        key: f.key,
                        title: f.title,
                        more: f.more,
                        values: f
                            .values
                            .into_iter()
                            .map(|v| FacetValue {
                                value: v.value,
                                label: v.label,
                                count: v.count,
                                selected: v.selected,
                            })
                            .collect(),
                    })
                    .collect(),
                did_you_mean: r.suggestions.did_you_mean,
                without_facet: r.suggestions.without_facet,
            }
        }
    }

    impl From<c::Person> for Person {
        fn from(p: c::Person) -> Self {
            Self {
                name: p.name,
                email: p.email,
                avatar_url: p.avatar_url,
            }
        }
    }

    impl From<c::PortView> for Port {
        fn from(p: c::PortView) -> Self {
            Self {
                slug: p.slug,
                name: p.name,
                description: p.description,
                kind: p.kind,
                location: p.location,
                approval_mode: p.approval_mode,
            }
        }
    }

    impl From<c::ProductRef> for ProductLink {
        fn from(r: c::ProductRef) -> Self {
            Self {
                domain_slug: r.domain_slug,
                slug: r.slug,
                name: r.name,
            }
        }
    }

    impl From<c::ProductPage> for ProductPage {
        fn from(p: c::ProductPage) -> Self {
            Self {
                card: p.card.into(),
                may_edit: false,
                subscribers: 0,
                docs_html: p.docs_html,
                owners: p.owners.into_iter().map(Into::into).collect(),
                ports: p.ports.into_iter().map(Into::into).collect(),
                sunset_date: p.sunset_date,
                replacement: p.replacement.map(Into::into),
                created_at: p.created_at,
                published_at: p.published_at,
            }
        }
    }

    impl From<c::DomainTile> for DomainTile {
        fn from(d: c::DomainTile) -> Self {
            Self {
                slug: d.slug,
                name: d.name,
                description: d.description,
                product_count: d.product_count,
            }
        }
    }
}
