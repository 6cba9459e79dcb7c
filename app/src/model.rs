//! What server functions send to the browser. Plain data that compiles for wasm too.
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
pub use vocabulary::{
    ApprovalMode, Bump, ChangeLevel, Compliance, ImportOutcome, Outcome, PortKind, ProductKind,
    ProductStatus, Severity, SubscriptionStatus, TeamRole, TokenState, WaiverStatus,
};

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub business_name: Option<String>,
    pub logical_type: Option<String>,
    pub physical_type: Option<String>,
    pub description: String,
    pub required: bool,
    pub unique: bool,
    pub primary_key: bool,
    pub classification: Option<String>,
    pub pii: bool,
    pub critical: bool,
    pub examples: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchemaObject {
    pub contract: String,
    pub name: String,
    pub physical_name: Option<String>,
    pub physical_type: Option<String>,
    pub description: String,
    pub granularity: String,
    pub columns: Vec<Column>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaCard {
    pub property: String,
    pub title: String,
    pub value: String,
    pub element: Option<String>,
    pub driver: Option<String>,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportChannel {
    pub channel: String,
    pub url: Option<String>,
    pub tool: Option<String>,
    pub scope: Option<String>,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractCard {
    pub odcs_id: String,
    pub name: String,
    pub version: String,
    pub status: String,
    pub api_version: String,
    pub purpose: String,
    pub usage: String,
    pub limitations: String,
    pub price: Option<String>,
    pub sla: Vec<SlaCard>,
    pub support: Vec<SupportChannel>,
    pub ports: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityRule {
    pub object: String,
    pub property: Option<String>,
    pub rule_type: String,
    pub name: Option<String>,
    pub description: String,
    pub metric: Option<String>,
    pub operator: Option<String>,
    pub threshold: Option<String>,
    pub dimension: Option<String>,
    pub severity: Option<String>,
    pub query: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortRow {
    pub port: Port,
    pub contract: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub level: ChangeLevel,
    pub path: String,
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    pub version: String,
    pub summary: String,
    pub bump: String,
    pub breaking: bool,
    pub changes: Vec<ChangeRow>,
    pub published_by: Option<String>,
    pub published_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub current_version: String,
    pub last_published: Option<String>,
    pub suggested: String,
    pub bump: Option<Bump>,
    pub changes: Vec<ChangeRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlaRow {
    pub property: String,
    pub value: String,
    pub unit: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SupportRow {
    pub channel: String,
    pub url: String,
}

/// Everything the edit page needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditContext {
    pub id: i64,
    pub domain_slug: String,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub description: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    pub tags: String,
    pub ports: Vec<PortRow>,
    /// The first contract as v3.1.0 YAML (empty when the product has none).
    pub contract_yaml: String,
    pub purpose: String,
    pub usage: String,
    pub limitations: String,
    pub sla: Vec<SlaRow>,
    pub support: Vec<SupportRow>,
    pub proposal: Proposal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewProductOptions {
    /// (slug, name)
    pub domains: Vec<(String, String)>,
    /// The viewer's teams: (slug, name, domain slug)
    pub teams: Vec<(String, String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub odcs_id: String,
    pub outcome: ImportOutcome,
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

    impl From<mesh::catalog::views::PropertyView> for Column {
        fn from(p: mesh::catalog::views::PropertyView) -> Self {
            Self {
                name: p.name,
                business_name: p.business_name,
                logical_type: p.logical_type,
                physical_type: p.physical_type,
                description: p.description,
                required: p.required,
                unique: p.is_unique,
                primary_key: p.primary_key,
                classification: p.classification,
                pii: p.pii,
                critical: p.critical,
                examples: p.examples,
            }
        }
    }

    impl From<mesh::catalog::views::SchemaObjectView> for SchemaObject {
        fn from(o: mesh::catalog::views::SchemaObjectView) -> Self {
            Self {
                contract: o.contract,
                name: o.name,
                physical_name: o.physical_name,
                physical_type: o.physical_type,
                description: o.description,
                granularity: o.granularity,
                columns: o.properties.into_iter().map(Into::into).collect(),
            }
        }
    }

    impl From<mesh::catalog::views::ContractView> for ContractCard {
        fn from(c: mesh::catalog::views::ContractView) -> Self {
            Self {
                sla: c
                    .sla
                    .into_iter()
                    .map(|s| {
                        let (title, value) = mesh::catalog::views::describe_sla(
                            &s.property,
                            &s.value,
                            s.unit.as_deref(),
                        );
                        SlaCard {
                            property: s.property,
                            title,
                            value,
                            element: s.element,
                            driver: s.driver,
                            description: s.description,
                        }
                    })
                    .collect(),
                support: c
                    .support
                    .into_iter()
                    .map(|s| SupportChannel {
                        channel: s.channel,
                        url: s.url,
                        tool: s.tool,
                        scope: s.scope,
                        description: s.description,
                    })
                    .collect(),
                odcs_id: c.odcs_id,
                name: c.name,
                version: c.version,
                status: c.status,
                api_version: c.api_version,
                purpose: c.purpose,
                usage: c.usage,
                limitations: c.limitations,
                price: c.price,
                ports: c.ports,
                updated_at: c.updated_at,
            }
        }
    }

    impl From<mesh::catalog::views::QualityRuleView> for QualityRule {
        fn from(q: mesh::catalog::views::QualityRuleView) -> Self {
            Self {
                object: q.object_name,
                property: q.property_name,
                rule_type: q.rule_type,
                name: q.name,
                description: q.description,
                metric: q.metric,
                operator: q.operator,
                threshold: q.threshold,
                dimension: q.dimension,
                severity: q.severity,
                query: q.query,
            }
        }
    }

    impl From<mesh::catalog::views::PortRow> for PortRow {
        fn from(r: mesh::catalog::views::PortRow) -> Self {
            Self {
                port: r.port.into(),
                contract: r.contract,
            }
        }
    }

    impl From<mesh::catalog::diff::Change> for ChangeRow {
        fn from(c: mesh::catalog::diff::Change) -> Self {
            Self {
                level: c.level,
                path: c.path,
                what: c.what,
            }
        }
    }

    impl From<mesh::catalog::versions::VersionView> for VersionRow {
        fn from(v: mesh::catalog::versions::VersionView) -> Self {
            Self {
                version: v.version,
                summary: v.summary,
                bump: v.bump,
                breaking: v.breaking,
                changes: v.changes.into_iter().map(Into::into).collect(),
                published_by: v.published_by,
                published_at: v.published_at,
            }
        }
    }

    impl From<mesh::catalog::versions::Proposal> for Proposal {
        fn from(p: mesh::catalog::versions::Proposal) -> Self {
            Self {
                current_version: p.current_version,
                last_published: p.last_published,
                suggested: p.suggested,
                bump: p.bump,
                changes: p.changes.into_iter().map(Into::into).collect(),
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

/// The signed-in person, for the header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_steward: bool,
    pub owns_teams: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderButton {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonaCard {
    pub email: String,
    pub name: String,
    pub role: String,
    pub about: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginOptions {
    pub providers: Vec<ProviderButton>,
    pub personas: Vec<PersonaCard>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub expired: bool,
}

impl TokenRow {
    /// Whether the token still works: a revoked token reads as revoked even after its expiry.
    pub fn state(&self) -> TokenState {
        if self.revoked {
            TokenState::Revoked
        } else if self.expired {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }
}

/// A token just created: the secret is shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub name: String,
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminPerson {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_steward: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: TeamRole,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminTeam {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub domain_slug: String,
    pub members: Vec<AdminMember>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminDomain {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub parent_slug: Option<String>,
    pub owner_team_slug: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub is_admin: bool,
    pub domains: Vec<AdminDomain>,
    pub teams: Vec<AdminTeam>,
    pub people: Vec<AdminPerson>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub id: i64,
    pub status: SubscriptionStatus,
    pub product_href: String,
    pub product_name: String,
    pub port_name: String,
    pub port_location: String,
    pub approval_mode: ApprovalMode,
    pub consumer_team: String,
    /// (href, name) of the consuming product.
    pub consumer_product: Option<(String, String)>,
    pub requester: Option<String>,
    pub purpose: String,
    pub end_date: Option<NaiveDate>,
    pub renewal_until: Option<NaiveDate>,
    pub decision_note: String,
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscribeOptions {
    pub product_name: String,
    pub ports: Vec<PortChoice>,
    /// The viewer's teams: (slug, name)
    pub teams: Vec<(String, String)>,
    /// Products of the viewer's teams: (domain/slug, name)
    pub products: Vec<(String, String)>,
    pub usage: String,
    pub limitations: String,
}

/// An output port a consumer may ask for, as the request form lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortChoice {
    pub id: i64,
    pub name: String,
    pub kind: PortKind,
    pub approval_mode: ApprovalMode,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub notifications: Vec<NotificationRow>,
    pub pending: Vec<SubscriptionRow>,
    pub active: Vec<SubscriptionRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: i64,
    pub team: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub deliveries: Vec<DeliveryRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhooks {
    pub hooks: Vec<WebhookRow>,
    /// Teams the viewer owns: (slug, name)
    pub teams: Vec<(String, String)>,
    pub event_types: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub url: String,
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    pub upstream: Vec<(ProductLink, String)>,
    pub downstream: Vec<(ProductLink, String)>,
}

#[cfg(feature = "ssr")]
impl From<mesh::subscriptions::SubscriptionView> for SubscriptionRow {
    fn from(v: mesh::subscriptions::SubscriptionView) -> Self {
        Self {
            id: v.sub.id,
            status: v.sub.status,
            product_href: format!("/products/{}/{}", v.product_domain, v.product_slug),
            product_name: v.product_name,
            port_name: v.port_name,
            port_location: v.port_location,
            approval_mode: v.approval_mode,
            consumer_team: v.consumer_team_name,
            consumer_product: v
                .consumer_product
                .map(|(r, n)| (format!("/products/{r}"), n)),
            requester: v.requester_name,
            purpose: v.sub.purpose,
            end_date: v.sub.end_date,
            renewal_until: v.sub.renewal_until,
            decision_note: v.sub.decision_note,
            decided_by: v.decided_by_name,
            created_at: v.sub.created_at,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyHead {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub severity: Severity,
    pub domain: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainComplianceRow {
    pub slug: String,
    pub name: String,
    pub score: f64,
    pub products: usize,
    pub blockers: usize,
    pub trend: Vec<f64>,
    pub cells: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GovernanceOverview {
    pub mesh_score: f64,
    pub target: f64,
    pub products: usize,
    pub blockers: usize,
    pub domains: Vec<DomainComplianceRow>,
    pub policies: Vec<PolicyHead>,
    pub trend: Vec<(NaiveDate, f64)>,
    pub pending_waivers: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplianceCell {
    pub outcome: Outcome,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductComplianceRow {
    pub href: String,
    pub name: String,
    pub team: String,
    pub owners: Vec<(String, String)>,
    pub score: f64,
    pub blockers: usize,
    pub cells: Vec<Option<ComplianceCell>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainCompliance {
    pub slug: String,
    pub name: String,
    pub score: f64,
    /// Listed products in the domain; `products` holds one page of them.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub policies: Vec<PolicyHead>,
    pub products: Vec<ProductComplianceRow>,
    pub trend: Vec<(NaiveDate, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckRow {
    pub policy_id: i64,
    pub key: String,
    pub title: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub reason: String,
    pub fix_hint: String,
    pub domain_policy: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductCompliance {
    pub product_id: i64,
    pub score: f64,
    pub checks: Vec<CheckRow>,
    pub may_request_waiver: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub rationale: String,
    pub rule: String,
    pub params: String,
    pub severity: Severity,
    pub enabled: bool,
    /// (slug, name) of a domain policy.
    pub domain: Option<(String, String)>,
    pub may_edit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoliciesPage {
    pub policies: Vec<PolicyRow>,
    /// (rule type, title, default parameters as JSON)
    pub rules: Vec<(String, String, String)>,
    /// Scopes the viewer may add policies to: ("global", "Global") and/or (domain slug, name).
    pub scopes: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaiverRow {
    pub id: i64,
    pub product_href: String,
    pub product_name: String,
    pub policy: String,
    pub justification: String,
    pub expires_on: NaiveDate,
    pub status: WaiverStatus,
    pub requested_by: Option<String>,
    pub decision_note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityRunRow {
    pub source: String,
    pub result: String,
    pub passed: i32,
    pub failed: i32,
    pub observed_at: DateTime<Utc>,
    pub checks: Vec<QualityCheckRow>,
}

/// One check of a quality run, as the pipeline reported it (empty texts read as absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityCheckRow {
    pub name: String,
    /// The pipeline's own word (passed, failed, warning...): not a closed vocabulary.
    pub result: String,
    /// The column the check is about.
    pub field: Option<String>,
    pub details: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityResults {
    pub runs: Vec<QualityRunRow>,
    pub sla_met_30: Option<f64>,
    pub sla_count_30: usize,
    pub sla_met_90: Option<f64>,
    pub sla_count_90: usize,
}
