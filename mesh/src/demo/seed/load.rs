//! Loading a seed file into the database: people, domains, teams, data products with their ports, tags,
//! contracts and first versions, and subscriptions. Anything that exists already (by email or slug) is kept.
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::contracts::contract_document;
use super::file::SeedFile;
use super::governance::{seed_compliance_history, seed_governance_demo};
use super::SeedReport;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{ProductStatus, TeamRole};
use crate::validate;

pub(super) async fn load(db: &impl ConnectionTrait, file: &SeedFile) -> Result<SeedReport> {
    let now = Utc::now();
    let mut report = SeedReport::default();
    let users = users(db, file, now, &mut report).await?;
    let domains = domains(db, file, now, &mut report).await?;
    let teams = teams(db, file, now, &users, &domains, &mut report).await?;
    domain_owners(db, file, &domains, &teams).await?;
    let products = products(db, file, now, &domains, &teams, &mut report).await?;
    subscriptions(db, file, now, &users, &teams, &products, &mut report).await?;
    report.policies = crate::governance::policies::seed_defaults(db).await?;
    if report.products > 0 {
        seed_governance_demo(db, &domains, &products, &users).await?;
    }
    crate::governance::evaluate_scope(db, None).await?;
    seed_compliance_history(db).await?;
    Ok(report)
}

/// People, by email (the ids of those who were there already, too).
async fn users<'a>(
    db: &impl ConnectionTrait,
    file: &'a SeedFile,
    now: DateTime<Utc>,
    report: &mut SeedReport,
) -> Result<HashMap<&'a str, i64>> {
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
    Ok(users)
}

/// Domains by slug; a parent is listed before its subdomains.
async fn domains<'a>(
    db: &impl ConnectionTrait,
    file: &'a SeedFile,
    now: DateTime<Utc>,
    report: &mut SeedReport,
) -> Result<HashMap<&'a str, domain::Model>> {
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
    Ok(domains)
}

/// Teams by slug, with their owners and members (a new team only: an existing team's people are its own).
async fn teams<'a>(
    db: &impl ConnectionTrait,
    file: &'a SeedFile,
    now: DateTime<Utc>,
    users: &HashMap<&str, i64>,
    domains: &HashMap<&str, domain::Model>,
    report: &mut SeedReport,
) -> Result<HashMap<&'a str, i64>> {
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
    Ok(teams)
}

/// Domains get their owning team once the teams exist; an owner set since is kept.
async fn domain_owners(
    db: &impl ConnectionTrait,
    file: &SeedFile,
    domains: &HashMap<&str, domain::Model>,
    teams: &HashMap<&str, i64>,
) -> Result<()> {
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
    Ok(())
}

/// Data products by `domain/slug`, with ports, tags, contract and first version, then the replacements of
/// deprecated ones (which may be listed after them).
async fn products(
    db: &impl ConnectionTrait,
    file: &SeedFile,
    now: DateTime<Utc>,
    domains: &HashMap<&str, domain::Model>,
    teams: &HashMap<&str, i64>,
    report: &mut SeedReport,
) -> Result<HashMap<String, i64>> {
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
        crate::catalog::tags::set_tags(db, product.id, &p.tags).await?;
        if let Some(spec) = &p.contract {
            let doc = contract_document(&p.domain, p, spec)?;
            crate::catalog::contracts::save_document(db, &product, doc, None).await?;
            report.contracts += 1;
        }
        // Saving a contract marks the product updated now; the demo keeps its spread-out history.
        let product = {
            let fresh = DataProduct::find_by_id(product.id)
                .one(db)
                .await?
                .ok_or_else(|| Error::not_found("data product"))?;
            let mut active: data_product::ActiveModel = fresh.into();
            active.updated_at = Set(updated);
            active.update(db).await?
        };
        if p.status != ProductStatus::Draft {
            crate::catalog::versions::record_initial(db, &product, "Published in the demo mesh")
                .await?;
        }
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
    Ok(products)
}

/// Access agreements between teams (one per team and port).
async fn subscriptions(
    db: &impl ConnectionTrait,
    file: &SeedFile,
    now: DateTime<Utc>,
    users: &HashMap<&str, i64>,
    teams: &HashMap<&str, i64>,
    products: &HashMap<String, i64>,
    report: &mut SeedReport,
) -> Result<()> {
    for s in &file.subscriptions {
        let at = |what: &str| format!("subscriptions.{}.{what}", s.product);
        let product_id = *products
            .get(&s.product)
            .ok_or_else(|| Error::invalid(at("product"), "unknown product"))?;
        let port = OutputPort::find()
            .filter(output_port::Column::ProductId.eq(product_id))
            .filter(output_port::Column::Slug.eq(s.port.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| Error::invalid(at("port"), format!("no port `{}`", s.port)))?;
        let team_id = *teams
            .get(s.team.as_str())
            .ok_or_else(|| Error::invalid(at("team"), format!("unknown team `{}`", s.team)))?;
        let exists = Subscription::find()
            .filter(subscription::Column::PortId.eq(port.id))
            .filter(subscription::Column::ConsumerTeamId.eq(team_id))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let consumer_product_id = match &s.consumer_product {
            Some(p) => Some(
                *products
                    .get(p)
                    .ok_or_else(|| Error::invalid(at("for"), format!("unknown product `{p}`")))?,
            ),
            None => None,
        };
        let requester = *users.get(s.requester.as_str()).ok_or_else(|| {
            Error::invalid(at("requester"), format!("unknown user `{}`", s.requester))
        })?;
        let created = now - Duration::days(60);
        let approved = s.status == crate::kinds::SubscriptionStatus::Approved;
        subscription::ActiveModel {
            port_id: Set(port.id),
            product_id: Set(product_id),
            consumer_team_id: Set(team_id),
            consumer_product_id: Set(consumer_product_id),
            requester_id: Set(Some(requester)),
            purpose: Set(s.purpose.clone()),
            accepted_terms: Set(true),
            status: Set(s.status),
            end_date: Set(s
                .end_in_days
                .map(|d| (now + Duration::days(d)).date_naive())),
            renewal_until: Set(None),
            decided_by: Set(None),
            decided_at: Set(approved.then_some(created)),
            decision_note: Set(String::new()),
            reminder_sent_at: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        }
        .insert(db)
        .await?;
        report.subscriptions += 1;
    }
    Ok(())
}
