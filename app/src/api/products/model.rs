//! What the product page tabs, the editor and the importer send to the browser. Plain data that compiles for wasm too.
use crate::api::catalog::Port;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocabulary::{Bump, ChangeLevel, ImportOutcome, ProductKind, ProductStatus};

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
}
