//! What stewards and product owners read: scores per product and domain, the domain x policy matrix,
//! trends from daily snapshots.
use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Statement,
};

use super::score::{self, DomainScore, Tally};
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{Outcome, Severity, TeamRole, WaiverStatus};

/// The score the governance group aims for (the line on the trend chart).
pub const TARGET: f64 = 90.0;

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

/// Every policy, by id.
async fn policies_by_id(db: &impl ConnectionTrait) -> Result<HashMap<i64, policy::Model>> {
    Ok(Policy::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

pub async fn overview(db: &impl ConnectionTrait) -> Result<Overview> {
    let policies = policies_by_id(db).await?;
    let mut scores = score::domain_scores(db).await?;
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
    // (domain, policy) -> (passing, applicable)
    let cell: HashMap<(i64, i64), (i32, i32)> = DomainPolicyTally::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| ((t.domain_id, t.policy_id), (t.passing, t.applicable)))
        .collect();
    let mesh = score::mesh_score(&scores);
    let pending_waivers = Waiver::find()
        .filter(waiver::Column::Status.eq(WaiverStatus::Requested))
        .count(db)
        .await? as usize;
    Ok(Overview {
        mesh_score: mesh.score,
        target: TARGET,
        products: mesh.products,
        blockers: mesh.blockers,
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
                            .map(|(ok, n)| f64::from(*ok) * 100.0 / f64::from(*n))
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

/// A product's checks, failing first (blockers before majors before minors); of a product the caller found
/// visible, since the checks name what the product lacks.
pub async fn product(
    db: &impl ConnectionTrait,
    product: crate::catalog::listing::VisibleProduct,
) -> Result<ProductCompliance> {
    let evaluations = Evaluation::find()
        .filter(evaluation::Column::ProductId.eq(product.id()))
        .all(db)
        .await?;
    let policies = policies_by_id(db).await?;
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
    /// The mean score of all the domain's listed products.
    pub score: f64,
    pub policies: Vec<PolicyHead>,
    /// One page of the domain's listed products, failing first.
    pub products: Vec<ProductRow>,
    /// All the domain's listed products.
    pub total: usize,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    pub trend: Vec<(NaiveDate, f64)>,
}

/// Rows per page of a domain's products unless asked otherwise.
pub const DOMAIN_PAGE: usize = 50;

/// Products of a domain x the policies that apply there, failing products first, a page at a time.
pub async fn domain(
    db: &impl ConnectionTrait,
    slug: &str,
    page: usize,
    per_page: usize,
) -> Result<DomainDetail> {
    let d = Domain::find()
        .filter(domain::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(format!("domain {slug}")))?;
    // Every listed product's rollup, to order them and score the domain; then the page in full.
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT p.id, p.name, s.score, CAST(s.blockers AS BIGINT) \
                 FROM product_scores s JOIN data_products p ON p.id = s.product_id \
                 WHERE s.domain_id = {} AND s.listed",
                d.id
            ),
        ))
        .await?;
    let mut ranked = Vec::with_capacity(rows.len());
    for row in rows {
        ranked.push((
            row.try_get_by_index::<i64>(0)?,
            row.try_get_by_index::<String>(1)?,
            row.try_get_by_index::<f64>(2)?,
            row.try_get_by_index::<i64>(3)?,
        ));
    }
    ranked.sort_by(|a, b| a.2.total_cmp(&b.2).then(b.3.cmp(&a.3)).then(a.1.cmp(&b.1)));
    let total = ranked.len();
    let score = score::mean(ranked.iter().map(|r| r.2).sum(), total);
    let per_page = per_page.max(1);
    let page = page.max(1);
    let ids: Vec<i64> = ranked
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|r| r.0)
        .collect();
    let products = DataProduct::find()
        .filter(data_product::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let evaluations = Evaluation::find()
        .filter(evaluation::Column::ProductId.is_in(ids))
        .all(db)
        .await?;
    let policies = policies_by_id(db).await?;
    let domain_slugs: HashMap<i64, String> = Domain::find()
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.id, x.slug))
        .collect();
    // The policies evaluated for this domain's listed products (not only this page's).
    let evaluated: std::collections::HashSet<i64> = DomainPolicyTally::find()
        .filter(domain_policy_tally::Column::DomainId.eq(d.id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.policy_id)
        .collect();
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
        total,
        page,
        per_page,
        trend,
    })
}

/// Products passing every applicable policy (the marketplace's "trusted" row).
pub async fn fully_compliant(db: &impl ConnectionTrait) -> Result<Vec<i64>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT product_id FROM product_scores \
             WHERE listed AND applicable > 0 AND passed = applicable ORDER BY product_id",
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get_by_index::<i64>(0).map_err(Into::into))
        .collect()
}
