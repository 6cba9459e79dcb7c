//! The YAML model of `seed/demo.yaml` and reading it: each struct is one list of the file, and unknown fields are
//! refused so a typo in the seed fails loudly instead of seeding less.
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::kinds::{ApprovalMode, PortKind, ProductKind, ProductStatus};

const DEMO: &str = include_str!("../../../seed/demo.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    #[serde(default)]
    pub personas: Vec<Persona>,
    pub users: Vec<SeedUser>,
    pub domains: Vec<SeedDomain>,
    pub teams: Vec<SeedTeam>,
    pub products: Vec<SeedProduct>,
    #[serde(default)]
    pub subscriptions: Vec<SeedSubscription>,
}

/// A seeded access agreement (approved unless `status` says `requested`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSubscription {
    /// `domain/product`
    pub product: String,
    pub port: String,
    pub team: String,
    /// The consuming product, `domain/product`.
    #[serde(rename = "for")]
    pub consumer_product: Option<String>,
    pub requester: String,
    pub purpose: String,
    #[serde(default = "approved")]
    pub status: crate::kinds::SubscriptionStatus,
    /// The agreement ends this many days from now.
    pub end_in_days: Option<i64>,
}

fn approved() -> crate::kinds::SubscriptionStatus {
    crate::kinds::SubscriptionStatus::Approved
}

/// A seeded person offered for demo sign-in, with the role they play.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub email: String,
    pub role: String,
    pub about: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    pub email: String,
    pub name: String,
    #[serde(default)]
    pub admin: bool,
    #[serde(default)]
    pub steward: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedDomain {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent: Option<String>,
    pub owner_team: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedTeam {
    pub slug: String,
    pub name: String,
    pub domain: String,
    pub description: String,
    #[serde(default)]
    pub owners: Vec<String>,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProduct {
    pub domain: String,
    pub slug: String,
    pub name: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    pub version: String,
    pub owner: String,
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub docs: String,
    #[serde(default)]
    pub ports: Vec<SeedPort>,
    pub sunset: Option<NaiveDate>,
    /// `domain/slug` of the product that replaces a deprecated one.
    pub replacement: Option<String>,
    /// How long ago the product was created, in days (spreads the demo over time).
    #[serde(default)]
    pub age_days: i64,
    /// A compact data contract, expanded to an ODCS v3.1.0 document by [`contract_document`].
    pub contract: Option<SeedContract>,
}

/// The short form of a seeded contract: one table, columns as `name type [flags] "description"`
/// (flags: pk, required, unique, pii, cde, class=LEVEL), and ODCS SLA / quality entries as they are
/// (a quality entry with `column` belongs to that column).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedContract {
    pub table: String,
    pub usage: Option<String>,
    pub limitations: Option<String>,
    pub support: Option<serde_json::Value>,
    pub price: Option<serde_json::Value>,
    pub columns: Vec<String>,
    #[serde(default)]
    pub sla: Vec<serde_json::Value>,
    #[serde(default)]
    pub quality: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPort {
    pub slug: String,
    pub name: String,
    pub kind: PortKind,
    pub location: String,
    #[serde(default = "manual")]
    pub approval: ApprovalMode,
    #[serde(default)]
    pub description: String,
}

fn manual() -> ApprovalMode {
    ApprovalMode::Manual
}

/// The bundled demo mesh.
pub fn demo() -> Result<SeedFile> {
    parse(DEMO)
}

pub fn parse(yaml: &str) -> Result<SeedFile> {
    serde_yaml_ng::from_str(yaml).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {}, column {}", l.line(), l.column()))
            .unwrap_or_else(|| "seed".into());
        Error::invalid(at, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_mesh_is_big_and_varied_enough() {
        let demo = demo().expect("demo.yaml parses");
        assert!(demo.domains.len() >= 6, "{} domains", demo.domains.len());
        assert!(demo.teams.len() >= 12, "{} teams", demo.teams.len());
        assert!(
            demo.products.len() >= 40,
            "{} products",
            demo.products.len()
        );
        for status in ProductStatus::ALL {
            assert!(
                demo.products.iter().any(|p| p.status == *status),
                "no {status} product"
            );
        }
        for p in &demo.products {
            assert!(
                !p.ports.is_empty() || p.status == ProductStatus::Draft,
                "{} has no port",
                p.slug
            );
            assert!(p.docs.len() > 200, "{} has thin docs", p.slug);
            if p.status == ProductStatus::Deprecated {
                assert!(
                    p.sunset.is_some() && p.replacement.is_some(),
                    "{} lacks sunset/replacement",
                    p.slug
                );
            }
        }
    }

    #[test]
    fn a_broken_seed_names_the_line() {
        let err = parse("users:\n  - email: a@b\n    nme: x\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }
}
