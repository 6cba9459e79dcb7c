//! What the API sends and accepts, with their OpenAPI schemas.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductSummary {
    pub domain: String,
    pub slug: String,
    pub name: String,
    pub summary: String,
    /// source-aligned | aggregate | consumer-aligned
    pub kind: String,
    /// draft | published | deprecated | retired
    pub status: String,
    pub version: String,
    pub owner_team: String,
    pub tags: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<mesh::catalog::listing::ProductCard> for ProductSummary {
    fn from(c: mesh::catalog::listing::ProductCard) -> Self {
        Self {
            domain: c.domain_slug,
            slug: c.slug,
            name: c.name,
            summary: c.summary,
            kind: c.kind.as_str().into(),
            status: c.status.as_str().into(),
            version: c.version,
            owner_team: c.team_slug,
            tags: c.tags,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Port {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// table | view | topic | file | api
    pub kind: String,
    pub location: String,
    /// manual | auto
    pub approval_mode: String,
    /// The ODCS id of the contract served on this port.
    pub contract: Option<String>,
}

impl From<mesh::catalog::views::PortRow> for Port {
    fn from(r: mesh::catalog::views::PortRow) -> Self {
        Self {
            slug: r.port.slug,
            name: r.port.name,
            description: r.port.description,
            kind: r.port.kind.as_str().into(),
            location: r.port.location,
            approval_mode: r.port.approval_mode.as_str().into(),
            contract: r.contract,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductDetail {
    #[serde(flatten)]
    pub summary: ProductSummary,
    /// Markdown documentation.
    pub description: String,
    pub owners: Vec<Person>,
    pub ports: Vec<Port>,
    pub sunset_date: Option<NaiveDate>,
    /// `domain/product` of the replacement of a deprecated product.
    pub replacement: Option<String>,
    pub has_pii: bool,
    pub sla_availability: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewProduct {
    pub domain: String,
    pub owner_team: String,
    pub name: String,
    /// Derived from the name when absent.
    #[serde(default)]
    pub slug: String,
    pub summary: String,
    /// source-aligned | aggregate | consumer-aligned
    pub kind: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Markdown documentation.
    #[serde(default)]
    pub description: String,
}

/// Fields to change; absent fields keep their value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub summary: Option<String>,
    pub kind: Option<String>,
    pub tags: Option<Vec<String>>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewPort {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    #[serde(default = "manual")]
    pub approval_mode: String,
    #[serde(default)]
    pub description: String,
}

fn manual() -> String {
    "manual".into()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Publish {
    pub version: String,
    /// What changed, for subscribers.
    pub summary: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deprecate {
    /// YYYY-MM-DD, in the future.
    pub sunset_date: String,
    /// `domain/product`
    #[serde(default)]
    pub replacement: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// breaking | minor | patch
    pub level: String,
    pub path: String,
    pub what: String,
}

impl From<mesh::catalog::diff::Change> for Change {
    fn from(c: mesh::catalog::diff::Change) -> Self {
        Self {
            level: c.level.as_str().into(),
            path: c.path,
            what: c.what,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub version: String,
    pub summary: String,
    /// initial | major | minor | patch
    pub bump: String,
    pub breaking: bool,
    pub changes: Vec<Change>,
    pub published_by: Option<String>,
    pub published_at: DateTime<Utc>,
}

impl From<mesh::catalog::versions::VersionView> for Version {
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

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    pub current_version: String,
    pub last_published: Option<String>,
    /// major | minor | patch (absent before the first publication)
    pub bump: Option<String>,
    pub suggested: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Imported {
    /// The contract's ODCS id.
    pub id: String,
    /// created | updated | unchanged
    pub outcome: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only products of this domain (slug).
    pub domain: Option<String>,
    /// Text in name, summary, domain, team or tags.
    pub q: Option<String>,
    /// Include retired products.
    #[serde(default)]
    pub include_retired: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractQuery {
    /// ODCS id of the contract (the first one when absent).
    pub id: Option<String>,
    /// yaml (default) or json
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Serve the contract on this output port.
    pub port: Option<String>,
}

/// Marketplace search parameters, as on the `/products` page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query string; the handler reads it raw so facets can repeat
pub struct SearchQuery {
    /// Free text over name, summary, docs, tags, columns, owner team and domain.
    pub q: Option<String>,
    /// Facet filters; repeat a key for OR within it (`domain=sales&domain=hr`), different keys AND.
    pub domain: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    pub team: Option<String>,
    /// yes | no
    pub pii: Option<String>,
    /// passing | failing | unknown
    pub compliance: Option<String>,
    /// 99.9 | 99 | lower | none
    pub sla: Option<String>,
    /// relevance (default) | name | newest | subscribed
    pub sort: Option<String>,
    /// 1-based page.
    pub page: Option<usize>,
    /// Results per page, 1 to 100 (default 24).
    pub per_page: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    #[serde(flatten)]
    pub product: ProductSummary,
    pub subscribers: i32,
    /// passing | failing | unknown
    pub compliance: String,
    /// Columns whose name or description matched the text.
    pub matched_columns: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchFacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchFacet {
    pub key: String,
    pub title: String,
    pub values: Vec<SearchFacetValue>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    /// Exact number of matching products.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub pages: usize,
    pub results: Vec<SearchHit>,
    pub facets: Vec<SearchFacet>,
    /// A close spelling when nothing matched.
    pub did_you_mean: Option<String>,
}

impl From<mesh::search::SearchResults> for SearchPage {
    fn from(r: mesh::search::SearchResults) -> Self {
        Self {
            total: r.total,
            page: r.page,
            per_page: r.per_page,
            pages: r.pages(),
            did_you_mean: r.suggestions.did_you_mean,
            results: r
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    product: h.card.into(),
                    subscribers: h.subscribers,
                    compliance: h.compliance.as_str().into(),
                    matched_columns: h.columns,
                })
                .collect(),
            facets: r
                .facets
                .into_iter()
                .map(|f| SearchFacet {
                    key: f.key,
                    title: f.title,
                    values: f
                        .values
                        .into_iter()
                        .map(|v| SearchFacetValue {
                            value: v.value,
                            label: v.label,
                            count: v.count,
                            selected: v.selected,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// An RFC 9457 problem document: every error of the API answers with one (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in words.
    pub detail: String,
    /// Field errors (with 422).
    #[serde(default)]
    pub errors: Option<Vec<FieldErrorDoc>>,
}

/// One field error of a 422 problem.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct FieldErrorDoc {
    pub field: String,
    pub message: String,
}
