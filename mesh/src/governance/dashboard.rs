//! What stewards and product owners read: scores per product and domain, the domain x policy matrix,
//! trends from daily snapshots.
use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::evaluate::Tally;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{Outcome, ProductStatus, Severity, TeamRole, WaiverStatus};

/// The score the governance group aims for (the line on the trend chart).
pub const TARGET: f64 = 90.0;

#[derive(Clone, Debug, PartialEq)]
pub struct DomainScore {
    pub domain_id: i64,
    pub slug: String,
    pub name: String,
    pub score: f64,
    /// Listed products (published or deprecated).
    pub products: usize,
    pub blockers: usize,
}

/// Listed products with their evaluations and the severity of each policy.
async fn listed(
    db: &impl ConnectionTrait,
) -> Result<(
    Vec<data_product::Model>,
    Vec<evaluation::Model>,
    HashMap<i64, policy::Model>,
)> {
    let products = DataProduct::find()
        .filter(
            data_product::Column::Status
                .is_in([ProductStatus::Published, ProductStatus::Deprecated]),
        )
        .all(db)
        .await?;
    let evaluations = Evaluation::find().all(db).await?;
    let policies: HashMap<i64, policy::Model> = Policy::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok((products, evaluations, policies))
}

fn tallies(
    products: &[data_product::Model],
    evaluations: &[evaluation::Model],
    policies: &HashMap<i64, policy::Model>,
) -> HashMap<i64, Tally> {
    let listed: std::collections::HashSet<i64> = products.iter().map(|p| p.id).collect();
    let mut out: HashMap<i64, Tally> = products.iter().map(|p| (p.id, Tally::default())).collect();
    for e in evaluations
        .iter()
        .filter(|e| listed.contains(&e.product_id))
    {
        if let Some(policy) = policies.get(&e.policy_id) {
            out.entry(e.product_id)
                .or_default()
                .add(e.outcome, policy.severity);
        }
    }
    out
}

/// Per domain: the mean score of its listed products, and its failing blockers.
pub async fn domain_scores(db: &impl ConnectionTrait) -> Result<Vec<DomainScore>> {
    let (products, evaluations, policies) = listed(db).await?;
    let tallies = tallies(&products, &evaluations, &policies);
    let domains = Domain::find()
        .order_by_asc(domain::Column::Name)
        .all(db)
        .await?;
    Ok(domains
        .into_iter()
        .map(|d| {
            let mine: Vec<&Tally> = products
                .iter()
                .filter(|p| p.domain_id == d.id)
                .filter_map(|p| tallies.get(&p.id))
                .collect();
            DomainScore {
                domain_id: d.id,
                score: if mine.is_empty() {
                    100.0
                } else {
                    mine.iter().map(|t| t.score()).sum::<f64>() / mine.len() as f64
                },
                products: mine.len(),
                blockers: mine.iter().map(|t| t.blockers).sum(),
                slug: d.slug,
                name: d.name,
            }
        })
        .collect())
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyHead {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub severity: Severity,
    /// The domain slug of a domain policy.
    pub domain: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DomainRow {
    pub score: DomainScore,
    /// Scores of the last 30 daily snapshots, oldest first.
    pub trend: Vec<f64>,
    /// Per policy of `Overview::policies`: the share of applicable products passing, or none.
    pub cells: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    pub mesh_score: f64,
    pub target: f64,
    pub products: usize,
    pub blockers: usize,
    pub domains: Vec<DomainRow>,
    pub policies: Vec<PolicyHead>,
    /// Mesh-wide daily scores (day, score), oldest first.
    pub trend: Vec<(NaiveDate, f64)>,
    pub pending_waivers: usize,
}

fn heads(
    policies: &HashMap<i64, policy::Model>,
    domains: &HashMap<i64, String>,
) -> Vec<PolicyHead> {
    let mut list: Vec<PolicyHead> = policies
        .values()
        .filter(|p| p.enabled)
        .map(|p| PolicyHead {
            id: p.id,
            key: p.key.clone(),
            title: p.title.clone(),
            severity: p.severity,
            domain: p.domain_id.and_then(|d| domains.get(&d).cloned()),
        })
        .collect();
    let rank = |s: Severity| match s {
        Severity::Blocker => 0,
        Severity::Major => 1,
        Severity::Minor => 2,
    };
    list.sort_by(|a, b| {
        (a.domain.is_some(), rank(a.severity), &a.key).cmp(&(
            b.domain.is_some(),
            rank(b.severity),
            &b.key,
        ))
    });
    list
}

pub async fn overview(db: &impl ConnectionTrait) -> Result<Overview> {
    let (products, evaluations, policies) = listed(db).await?;
    let tallies = tallies(&products, &evaluations, &policies);
    let mut scores = domain_scores(db).await?;
    // Worst first: where a steward's attention goes.
    scores.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.name.cmp(&b.name)));
    let domain_slugs: HashMap<i64, String> = scores
        .iter()
        .map(|d| (d.domain_id, d.slug.clone()))
        .collect();
    let heads = heads(&policies, &domain_slugs);
    let since = Utc::now().date_naive() - Duration::days(30);
    let snapshots = ComplianceSnapshot::find()
        .filter(compliance_snapshot::Column::Day.gte(since))
        .order_by_asc(compliance_snapshot::Column::Day)
        .all(db)
        .await?;
    let product_domain: HashMap<i64, i64> = products.iter().map(|p| (p.id, p.domain_id)).collect();
    // (domain, policy) -> (passing, applicable)
    let mut cell: HashMap<(i64, i64), (usize, usize)> = HashMap::new();
    for e in &evaluations {
        let Some(domain) = product_domain.get(&e.product_id) else {
            continue;
        };
        let entry = cell.entry((*domain, e.policy_id)).or_default();
        match e.outcome {
            Outcome::Pass | Outcome::Waived => {
                entry.0 += 1;
                entry.1 += 1;
            }
            Outcome::Fail => entry.1 += 1,
            Outcome::NotApplicable => {}
        }
    }
    let total_products = products.len();
    let mesh_score = if total_products == 0 {
        100.0
    } else {
        tallies.values().map(Tally::score).sum::<f64>() / total_products as f64
    };
    let pending_waivers = Waiver::find()
        .filter(waiver::Column::Status.eq(WaiverStatus::Requested))
        .all(db)
        .await?
        .len();
    Ok(Overview {
        mesh_score,
        target: TARGET,
        products: total_products,
        blockers: tallies.values().map(|t| t.blockers).sum(),
        domains: scores
            .into_iter()
            .map(|d| DomainRow {
                trend: snapshots
                    .iter()
                    .filter(|s| s.domain_id == Some(d.domain_id))
                    .map(|s| s.score)
                    .collect(),
                cells: heads
                    .iter()
                    .map(|h| {
                        cell.get(&(d.domain_id, h.id))
                            .filter(|(_, n)| *n > 0)
                            .map(|(ok, n)| *ok as f64 * 100.0 / *n as f64)
                    })
                    .collect(),
                score: d,
            })
            .collect(),
        trend: snapshots
            .iter()
            .filter(|s| s.domain_id.is_none())
            .map(|s| (s.day, s.score))
            .collect(),
        policies: heads,
        pending_waivers,
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub policy_id: i64,
    pub key: String,
    pub title: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub reason: String,
    pub fix_hint: String,
    pub domain_policy: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProductCompliance {
    pub score: f64,
    pub checks: Vec<Check>,
}

/// A product's checks, failing first (blockers before majors before minors).
pub async fn product(db: &impl ConnectionTrait, product_id: i64) -> Result<ProductCompliance> {
    let evaluations = Evaluation::find()
        .filter(evaluation::Column::ProductId.eq(product_id))
        .all(db)
        .await?;
    let policies: HashMap<i64, policy::Model> = Policy::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut tally = Tally::default();
    let mut checks: Vec<Check> = evaluations
        .into_iter()
        .filter_map(|e| {
            let p = policies.get(&e.policy_id)?;
            tally.add(e.outcome, p.severity);
            Some(Check {
                policy_id: p.id,
                key: p.key.clone(),
                title: p.title.clone(),
                severity: p.severity,
                outcome: e.outcome,
                reason: e.reason,
                fix_hint: e.fix_hint,
                domain_policy: p.domain_id.is_some(),
            })
        })
        .collect();
    let order = |c: &Check| {
        let o = match c.outcome {
            Outcome::Fail => 0,
            Outcome::Waived => 1,
            Outcome::Pass => 2,
            Outcome::NotApplicable => 3,
        };
        let s = match c.severity {
            Severity::Blocker => 0,
            Severity::Major => 1,
            Severity::Minor => 2,
        };
        (o, s)
    };
    checks.sort_by(|a, b| order(a).cmp(&order(b)).then(a.key.cmp(&b.key)));
    Ok(ProductCompliance {
        score: tally.score(),
        checks,
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProductRow {
    pub domain: String,
    pub slug: String,
    pub name: String,
    pub team: String,
    /// (name, email) of the owning team's owners.
    pub owners: Vec<(String, String)>,
    pub score: f64,
    pub blockers: usize,
    /// Per policy of `DomainDetail::policies`: (outcome, reason), or none when not evaluated.
    pub cells: Vec<Option<(Outcome, String)>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DomainDetail {
    pub slug: String,
    pub name: String,
    pub score: f64,
    pub policies: Vec<PolicyHead>,
    pub products: Vec<ProductRow>,
    pub trend: Vec<(NaiveDate, f64)>,
}

/// Products of a domain x the policies that apply there, failing products first.
pub async fn domain(db: &impl ConnectionTrait, slug: &str) -> Result<DomainDetail> {
    let d = Domain::find()
        .filter(domain::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(format!("domain {slug}")))?;
    let products = DataProduct::find()
        .filter(data_product::Column::DomainId.eq(d.id))
        .filter(
            data_product::Column::Status
                .is_in([ProductStatus::Published, ProductStatus::Deprecated]),
        )
        .order_by_asc(data_product::Column::Name)
        .all(db)
        .await?;
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let evaluations = Evaluation::find()
        .filter(evaluation::Column::ProductId.is_in(ids))
        .all(db)
        .await?;
    let policies: HashMap<i64, policy::Model> = Policy::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let domain_slugs: HashMap<i64, String> = Domain::find()
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.id, x.slug))
        .collect();
    let evaluated: std::collections::HashSet<i64> =
        evaluations.iter().map(|e| e.policy_id).collect();
    let heads: Vec<PolicyHead> = heads(&policies, &domain_slugs)
        .into_iter()
        .filter(|h| evaluated.contains(&h.id))
        .collect();
    let team_ids: Vec<i64> = products.iter().map(|p| p.owner_team_id).collect();
    let teams: HashMap<i64, String> = Team::find()
        .filter(team::Column::Id.is_in(team_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let owners = Membership::find()
        .filter(membership::Column::TeamId.is_in(team_ids))
        .filter(membership::Column::Role.eq(TeamRole::Owner))
        .all(db)
        .await?;
    let users: HashMap<i64, (String, String)> = User::find()
        .filter(user::Column::Id.is_in(owners.iter().map(|m| m.user_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, (u.name, u.email)))
        .collect();
    let mut by_product: BTreeMap<i64, Vec<&evaluation::Model>> = BTreeMap::new();
    for e in &evaluations {
        by_product.entry(e.product_id).or_default().push(e);
    }
    let mut rows: Vec<ProductRow> = products
        .iter()
        .map(|p| {
            let mine = by_product.get(&p.id).cloned().unwrap_or_default();
            let mut tally = Tally::default();
            for e in &mine {
                if let Some(policy) = policies.get(&e.policy_id) {
                    tally.add(e.outcome, policy.severity);
                }
            }
            ProductRow {
                domain: d.slug.clone(),
                slug: p.slug.clone(),
                name: p.name.clone(),
                team: teams.get(&p.owner_team_id).cloned().unwrap_or_default(),
                owners: owners
                    .iter()
                    .filter(|m| m.team_id == p.owner_team_id)
                    .filter_map(|m| users.get(&m.user_id).cloned())
                    .collect(),
                score: tally.score(),
                blockers: tally.blockers,
                cells: heads
                    .iter()
                    .map(|h| {
                        mine.iter()
                            .find(|e| e.policy_id == h.id)
                            .map(|e| (e.outcome, e.reason.clone()))
                    })
                    .collect(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then(b.blockers.cmp(&a.blockers))
            .then(a.name.cmp(&b.name))
    });
    let score = if rows.is_empty() {
        100.0
    } else {
        rows.iter().map(|r| r.score).sum::<f64>() / rows.len() as f64
    };
    let trend = ComplianceSnapshot::find()
        .filter(compliance_snapshot::Column::DomainId.eq(d.id))
        .filter(compliance_snapshot::Column::Day.gte(Utc::now().date_naive() - Duration::days(30)))
        .order_by_asc(compliance_snapshot::Column::Day)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.day, s.score))
        .collect();
    Ok(DomainDetail {
        slug: d.slug,
        name: d.name,
        score,
        policies: heads,
        products: rows,
        trend,
    })
}

/// Products passing every applicable policy (the marketplace's "trusted" row).
pub async fn fully_compliant(db: &impl ConnectionTrait) -> Result<Vec<i64>> {
    let (products, evaluations, policies) = listed(db).await?;
    let tallies = tallies(&products, &evaluations, &policies);
    let mut ids: Vec<i64> = tallies
        .iter()
        .filter(|(_, t)| t.applicable > 0 && t.passed == t.applicable)
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    Ok(ids)
}
