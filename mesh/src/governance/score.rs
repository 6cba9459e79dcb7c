//! How compliance is scored, in one place: a product from its evaluations ([`Tally`]), a domain as the mean of
//! its listed products ([`domain_scores`]), the mesh as the mean of all listed products ([`mesh_score`]).
//! Evaluation stores these figures; the dashboard and the daily snapshot read them.
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement};

use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::{Outcome, Severity};

/// The mean of `count` scores adding up to `sum`, 0..=100; with nothing to score, 100.
pub fn mean(sum: f64, count: usize) -> f64 {
    if count == 0 {
        100.0
    } else {
        sum / count as f64
    }
}

/// A product's compliance over its evaluations: the share of applicable policies it passes (or has waived).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub applicable: usize,
    pub passed: usize,
    pub blockers: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome, severity: Severity) {
        match outcome {
            Outcome::Pass | Outcome::Waived => {
                self.applicable += 1;
                self.passed += 1;
            }
            Outcome::Fail => {
                self.applicable += 1;
                if severity == Severity::Blocker {
                    self.blockers += 1;
                }
            }
            Outcome::NotApplicable => {}
        }
    }

    /// 0..=100; a product with nothing applicable scores 100.
    pub fn score(&self) -> f64 {
        mean(self.passed as f64 * 100.0, self.applicable)
    }
}

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

/// Per domain with listed products: (listed products, sum of their scores, failing blockers), from the
/// per-product rollups.
async fn listed_scores(db: &impl ConnectionTrait) -> Result<HashMap<i64, (usize, f64, usize)>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT domain_id, COUNT(*), SUM(score), SUM(blockers) FROM product_scores \
             WHERE listed GROUP BY domain_id",
        ))
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        out.insert(
            row.try_get_by_index::<i64>(0)?,
            (
                row.try_get_by_index::<i64>(1)? as usize,
                row.try_get_by_index::<f64>(2)?,
                row.try_get_by_index::<i64>(3)? as usize,
            ),
        );
    }
    Ok(out)
}

/// Per domain: the mean score of its listed products, and its failing blockers.
pub async fn domain_scores(db: &impl ConnectionTrait) -> Result<Vec<DomainScore>> {
    let scores = listed_scores(db).await?;
    let domains = Domain::find()
        .order_by_asc(domain::Column::Name)
        .all(db)
        .await?;
    Ok(domains
        .into_iter()
        .map(|d| {
            let (products, sum, blockers) = scores.get(&d.id).copied().unwrap_or((0, 0.0, 0));
            DomainScore {
                domain_id: d.id,
                score: mean(sum, products),
                products,
                blockers,
                slug: d.slug,
                name: d.name,
            }
        })
        .collect())
}

/// The whole mesh's compliance, from its domains'.
#[derive(Clone, Debug, PartialEq)]
pub struct MeshScore {
    /// The mean score of all listed products (each domain's mean weighted by its listed products).
    pub score: f64,
    pub products: usize,
    pub blockers: usize,
}

pub fn mesh_score(domains: &[DomainScore]) -> MeshScore {
    let products = domains.iter().map(|d| d.products).sum();
    MeshScore {
        score: mean(
            domains
                .iter()
                .map(|d| d.score * d.products as f64)
                .sum::<f64>(),
            products,
        ),
        products,
        blockers: domains.iter().map(|d| d.blockers).sum(),
    }
}
