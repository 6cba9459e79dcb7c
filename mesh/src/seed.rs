//! The demo mesh: people, domains, teams and data products from `seed/demo.yaml`. Idempotent: anything that
//! already exists (by email or slug) is left as it is, so re-running adds nothing and overwrites no edit.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde::Deserialize;

use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{ApprovalMode, PortKind, ProductKind, ProductStatus, TeamRole};
use crate::validate;

const DEMO: &str = include_str!("../seed/demo.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    #[serde(default)]
    pub personas: Vec<Persona>,
    pub users: Vec<SeedUser>,
    pub domains: Vec<SeedDomain>,
    pub teams: Vec<SeedTeam>,
    pub products: Vec<SeedProduct>,
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

/// What a seed run created (zero everywhere on a re-run).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub users: usize,
    pub domains: usize,
    pub teams: usize,
    pub products: usize,
    pub ports: usize,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} users, {} domains, {} teams, {} data products, {} output ports created",
            self.users, self.domains, self.teams, self.products, self.ports
        )
    }
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

/// Loads the demo mesh in one transaction.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport> {
    seed(db, &demo()?).await
}

pub async fn seed(db: &DatabaseConnection, file: &SeedFile) -> Result<SeedReport> {
    let tx = begin_write(db).await?;
    let report = load(&tx, file).await?;
    tx.commit().await?;
    Ok(report)
}

async fn load(db: &impl ConnectionTrait, file: &SeedFile) -> Result<SeedReport> {
    let now = Utc::now();
    let mut report = SeedReport::default();

    let mut users = HashMap::new();
    for u in &file.users {
        let existing = User::find()
            .filter(user::Column::Email.eq(u.email.as_str()))
            .one(db)
            .await?;
        let model = match existing {
            Some(m) => m,
            None => {
                report.users += 1;
                user::ActiveModel {
                    email: Set(u.email.clone()),
                    name: Set(u.name.clone()),
                    avatar_url: Set(None),
                    is_admin: Set(u.admin),
                    is_steward: Set(u.steward),
                    created_at: Set(now),
                    last_login_at: Set(None),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        users.insert(u.email.as_str(), model.id);
    }

    let mut domains: HashMap<&str, domain::Model> = HashMap::new();
    for d in &file.domains {
        validate::slug(&d.slug).map_err(|m| Error::invalid(format!("domains.{}", d.slug), m))?;
        let existing = Domain::find()
            .filter(domain::Column::Slug.eq(d.slug.as_str()))
            .one(db)
            .await?;
        let model = match existing {
            Some(m) => m,
            None => {
                report.domains += 1;
                let parent_id = match &d.parent {
                    Some(p) => Some(
                        domains
                            .get(p.as_str())
                            .map(|d: &domain::Model| d.id)
                            .ok_or_else(|| {
                                Error::invalid(
                                    format!("domains.{}.parent", d.slug),
                                    format!("unknown domain `{p}` (list parents first)"),
                                )
                            })?,
                    ),
                    None => None,
                };
                domain::ActiveModel {
                    slug: Set(d.slug.clone()),
                    name: Set(d.name.clone()),
                    description: Set(d.description.trim().to_owned()),
                    parent_id: Set(parent_id),
                    owner_team_id: Set(None),
                    created_at: Set(now - Duration::days(400)),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        domains.insert(d.slug.as_str(), model);
    }

    let mut teams = HashMap::new();
    for t in &file.teams {
        let domain = domains.get(t.domain.as_str()).ok_or_else(|| {
            Error::invalid(
                format!("teams.{}.domain", t.slug),
                format!("unknown domain `{}`", t.domain),
            )
        })?;
        let existing = Team::find()
            .filter(team::Column::Slug.eq(t.slug.as_str()))
            .one(db)
            .await?;
        let model = match existing {
            Some(m) => m,
            None => {
                report.teams += 1;
                let team = team::ActiveModel {
                    slug: Set(t.slug.clone()),
                    name: Set(t.name.clone()),
                    description: Set(t.description.trim().to_owned()),
                    domain_id: Set(domain.id),
                    created_at: Set(now - Duration::days(380)),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                let people = t
                    .owners
                    .iter()
                    .map(|e| (e, TeamRole::Owner))
                    .chain(t.members.iter().map(|e| (e, TeamRole::Member)));
                for (email, role) in people {
                    let user_id = *users.get(email.as_str()).ok_or_else(|| {
                        Error::invalid(
                            format!("teams.{}", t.slug),
                            format!("unknown user `{email}`"),
                        )
                    })?;
                    membership::ActiveModel {
                        team_id: Set(team.id),
                        user_id: Set(user_id),
                        role: Set(role),
                        created_at: Set(now - Duration::days(370)),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?;
                }
                team
            }
        };
        teams.insert(t.slug.as_str(), model.id);
    }

    for d in &file.domains {
        if let Some(owner) = &d.owner_team {
            let team_id = *teams.get(owner.as_str()).ok_or_else(|| {
                Error::invalid(
                    format!("domains.{}.owner_team", d.slug),
                    format!("unknown team `{owner}`"),
                )
            })?;
            let domain = &domains[d.slug.as_str()];
            if domain.owner_team_id.is_none() {
                let mut active: domain::ActiveModel = domain.clone().into();
                active.owner_team_id = Set(Some(team_id));
                active.update(db).await?;
            }
        }
    }

    let mut products: HashMap<String, i64> = HashMap::new();
    let mut replacements = Vec::new();
    for p in &file.products {
        let at = |field: &str| format!("products.{}/{}.{field}", p.domain, p.slug);
        validate::slug(&p.slug).map_err(|m| Error::invalid(at("slug"), m))?;
        validate::semver(&p.version).map_err(|m| Error::invalid(at("version"), m))?;
        let domain = domains.get(p.domain.as_str()).ok_or_else(|| {
            Error::invalid(at("domain"), format!("unknown domain `{}`", p.domain))
        })?;
        let owner = *teams
            .get(p.owner.as_str())
            .ok_or_else(|| Error::invalid(at("owner"), format!("unknown team `{}`", p.owner)))?;
        let existing = DataProduct::find()
            .filter(data_product::Column::DomainId.eq(domain.id))
            .filter(data_product::Column::Slug.eq(p.slug.as_str()))
            .one(db)
            .await?;
        let key = format!("{}/{}", p.domain, p.slug);
        if let Some(existing) = existing {
            products.insert(key, existing.id);
            continue;
        }
        report.products += 1;
        let created = now - Duration::days(p.age_days.max(1));
        let updated = created + Duration::days(p.age_days / 3);
        let product = data_product::ActiveModel {
            domain_id: Set(domain.id),
            slug: Set(p.slug.clone()),
            name: Set(p.name.clone()),
            summary: Set(p.summary.trim().to_owned()),
            description: Set(p.docs.clone()),
            kind: Set(p.kind),
            status: Set(p.status),
            version: Set(p.version.clone()),
            owner_team_id: Set(owner),
            sunset_date: Set(p.sunset),
            replacement_id: Set(None),
            created_at: Set(created),
            updated_at: Set(updated),
            published_at: Set((p.status != ProductStatus::Draft).then_some(updated)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for port in &p.ports {
            validate::slug(&port.slug).map_err(|m| Error::invalid(at("ports.slug"), m))?;
            report.ports += 1;
            output_port::ActiveModel {
                product_id: Set(product.id),
                slug: Set(port.slug.clone()),
                name: Set(port.name.clone()),
                description: Set(port.description.trim().to_owned()),
                kind: Set(port.kind),
                location: Set(port.location.clone()),
                server: Set(None),
                approval_mode: Set(port.approval),
                created_at: Set(created),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        crate::tags::set_tags(db, product.id, &p.tags).await?;
        if let Some(r) = &p.replacement {
            replacements.push((product.clone(), r.clone()));
        }
        products.insert(key, product.id);
    }
    for (product, target) in replacements {
        let id = *products.get(&target).ok_or_else(|| {
            Error::invalid(
                format!("products.{}.replacement", product.slug),
                format!("unknown product `{target}`"),
            )
        })?;
        let mut active: data_product::ActiveModel = product.into();
        active.replacement_id = Set(Some(id));
        active.update(db).await?;
    }
    Ok(report)
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
