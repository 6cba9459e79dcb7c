//! Evaluating products against the policies in their scope, and daily compliance snapshots.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::rules::{Facts, Rule};
use super::score::{self, Tally};
use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::{Outcome, ProductStatus, SubscriptionStatus, TeamRole, WaiverStatus};

/// The domain and its ancestors (domain policies of a parent domain apply to its subdomains too).
fn ancestry(domains: &HashMap<i64, domain::Model>, id: i64) -> Vec<i64> {
    let mut out = vec![id];
    let mut current = domains.get(&id).and_then(|d| d.parent_id);
    while let Some(parent) = current {
        if out.contains(&parent) {
            break;
        }
        out.push(parent);
        current = domains.get(&parent).and_then(|d| d.parent_id);
    }
    out
}

/// Enabled policies that apply to a product of `domain_id`: every global one plus those of its domain chain.
pub fn in_scope<'a>(
    policies: &'a [policy::Model],
    domains: &HashMap<i64, domain::Model>,
    domain_id: i64,
) -> Vec<&'a policy::Model> {
    let chain = ancestry(domains, domain_id);
    policies
        .iter()
        .filter(|p| p.enabled && p.domain_id.is_none_or(|d| chain.contains(&d)))
        .collect()
}

async fn load_facts(
    db: &impl ConnectionTrait,
    products: Vec<data_product::Model>,
) -> Result<Vec<Facts>> {
    let now = Utc::now();
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let team_ids: Vec<i64> = products.iter().map(|p| p.owner_team_id).collect();
    let owners = Membership::find()
        .filter(membership::Column::TeamId.is_in(team_ids))
        .filter(membership::Column::Role.eq(TeamRole::Owner))
        .all(db)
        .await?;
    let ports = OutputPort::find()
        .filter(output_port::Column::ProductId.is_in(ids.clone()))
        .all(db)
        .await?;
    let contracts = DataContract::find()
        .filter(data_contract::Column::ProductId.is_in(ids.clone()))
        .all(db)
        .await?;
    let contract_ids: Vec<i64> = contracts.iter().map(|c| c.id).collect();
    let properties = ContractProperty::find()
        .filter(contract_property::Column::ContractId.is_in(contract_ids.clone()))
        .all(db)
        .await?;
    let sla = ContractSla::find()
        .filter(contract_sla::Column::ContractId.is_in(contract_ids.clone()))
        .all(db)
        .await?;
    let support = ContractSupport::find()
        .filter(contract_support::Column::ContractId.is_in(contract_ids.clone()))
        .all(db)
        .await?;
    let quality = ContractQuality::find()
        .filter(contract_quality::Column::ContractId.is_in(contract_ids))
        .all(db)
        .await?;
    let tag_rows: Vec<(product_tag::Model, Option<tag::Model>)> = ProductTag::find()
        .find_also_related(Tag)
        .filter(product_tag::Column::ProductId.is_in(ids.clone()))
        .all(db)
        .await?;
    let runs = QualityRun::find()
        .filter(quality_run::Column::ProductId.is_in(ids.clone()))
        .order_by_desc(quality_run::Column::ObservedAt)
        .all(db)
        .await?;
    let measurements = SlaMeasurement::find()
        .filter(sla_measurement::Column::ProductId.is_in(ids.clone()))
        .filter(sla_measurement::Column::ObservedAt.gte(now - Duration::days(90)))
        .all(db)
        .await?;
    let subs = Subscription::find()
        .filter(subscription::Column::ProductId.is_in(ids))
        .all(db)
        .await?;

    Ok(products
        .into_iter()
        .map(|p| {
            let product_contracts: Vec<data_contract::Model> = contracts
                .iter()
                .filter(|c| c.product_id == p.id)
                .cloned()
                .collect();
            let cids: Vec<i64> = product_contracts.iter().map(|c| c.id).collect();
            Facts {
                team_owners: owners
                    .iter()
                    .filter(|m| m.team_id == p.owner_team_id)
                    .count(),
                ports: ports
                    .iter()
                    .filter(|x| x.product_id == p.id)
                    .cloned()
                    .collect(),
                properties: properties
                    .iter()
                    .filter(|x| cids.contains(&x.contract_id))
                    .cloned()
                    .collect(),
                sla: sla
                    .iter()
                    .filter(|x| cids.contains(&x.contract_id))
                    .cloned()
                    .collect(),
                support_channels: support
                    .iter()
                    .filter(|x| cids.contains(&x.contract_id))
                    .count(),
                quality_rules: quality
                    .iter()
                    .filter(|x| cids.contains(&x.contract_id))
                    .count(),
                tags: tag_rows
                    .iter()
                    .filter(|(pt, _)| pt.product_id == p.id)
                    .filter_map(|(_, t)| t.as_ref().map(|t| t.name.clone()))
                    .collect(),
                last_quality_run: runs.iter().find(|r| r.product_id == p.id).cloned(),
                sla_measurements: measurements
                    .iter()
                    .filter(|m| m.product_id == p.id)
                    .map(|m| (m.observed_at, m.met))
                    .collect(),
                active_subscribers: subs
                    .iter()
                    .filter(|s| s.product_id == p.id && s.status == SubscriptionStatus::Approved)
                    .count() as u64,
                last_subscription_at: subs
                    .iter()
                    .filter(|s| s.product_id == p.id)
                    .map(|s| s.created_at)
                    .max(),
                contracts: product_contracts,
                now,
                product: p,
            }
        })
        .collect())
}

/// Re-evaluates the given products against every policy in their scope and stores the results (retired
/// products have no evaluations). An approved, unexpired waiver turns a failure into `waived`.
///
/// Replacing a product's evaluations, score and search document is one writer's job at a time: the products'
/// rows stay locked until the transaction ends (all of them first, in id order), so two transactions that
/// evaluate the same product take turns instead of deadlocking or colliding on `ux_evaluations_product_policy`;
/// the second one sees the first one's committed facts.
pub async fn evaluate_products(db: &impl ConnectionTrait, product_ids: &[i64]) -> Result<()> {
    if product_ids.is_empty() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut product_ids = product_ids.to_vec();
    product_ids.sort_unstable();
    product_ids.dedup();
    let product_ids = &product_ids[..];
    crate::db::lock_rows(db, "data_products", product_ids).await?;
    let policies = Policy::find().all(db).await?;
    let domains: HashMap<i64, domain::Model> = Domain::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let today = Utc::now().date_naive();
    let parsed: HashMap<i64, Option<Rule>> = policies
        .iter()
        .map(|p| (p.id, Rule::parse(&p.rule, &p.params).ok()))
        .collect();
    let mut touched_domains = std::collections::BTreeSet::new();
    for chunk in product_ids.chunks(400) {
        Evaluation::delete_many()
            .filter(evaluation::Column::ProductId.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
        ProductScore::delete_many()
            .filter(product_score::Column::ProductId.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
        touched_domains.extend(
            DataProduct::find()
                .select_only()
                .column(data_product::Column::DomainId)
                .filter(data_product::Column::Id.is_in(chunk.to_vec()))
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
        let products = DataProduct::find()
            .filter(data_product::Column::Id.is_in(chunk.to_vec()))
            .filter(data_product::Column::Status.ne(ProductStatus::Retired))
            .all(db)
            .await?;
        let waivers = Waiver::find()
            .filter(waiver::Column::ProductId.is_in(chunk.to_vec()))
            .filter(waiver::Column::Status.eq(WaiverStatus::Approved))
            .filter(waiver::Column::ExpiresOn.gte(today))
            .all(db)
            .await?;
        let now = Utc::now();
        let mut rows = Vec::new();
        let mut scores = Vec::new();
        for facts in load_facts(db, products).await? {
            let mut tally = Tally::default();
            for policy in in_scope(&policies, &domains, facts.product.domain_id) {
                let Some(Some(rule)) = parsed.get(&policy.id) else {
                    continue;
                };
                let mut verdict = rule.evaluate(&facts);
                if verdict.outcome == Outcome::Fail {
                    if let Some(w) = waivers
                        .iter()
                        .find(|w| w.product_id == facts.product.id && w.policy_id == policy.id)
                    {
                        verdict.outcome = Outcome::Waived;
                        verdict.reason =
                            format!("{} (waived until {})", verdict.reason, w.expires_on);
                    }
                }
                tally.add(verdict.outcome, policy.severity);
                crate::metrics::evaluated(verdict.outcome);
                rows.push(evaluation::ActiveModel {
                    product_id: Set(facts.product.id),
                    policy_id: Set(policy.id),
                    outcome: Set(verdict.outcome),
                    reason: Set(verdict.reason),
                    fix_hint: Set(verdict.fix),
                    evaluated_at: Set(now),
                    ..Default::default()
                });
            }
            scores.push(product_score::ActiveModel {
                product_id: Set(facts.product.id),
                domain_id: Set(facts.product.domain_id),
                listed: Set(facts.product.status.listed_by_default()),
                passed: Set(tally.passed as i32),
                applicable: Set(tally.applicable as i32),
                blockers: Set(tally.blockers as i32),
                score: Set(tally.score()),
            });
        }
        for batch in rows.chunks(300) {
            Evaluation::insert_many(batch.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        for batch in scores.chunks(500) {
            ProductScore::insert_many(batch.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        // Search documents carry the compliance (and everything else that may just have changed).
        crate::search::reindex(db, chunk).await?;
    }
    tally_domains(db, &touched_domains.into_iter().collect::<Vec<_>>()).await?;
    crate::metrics::evaluated_products(product_ids.len(), started.elapsed());
    Ok(())
}

/// Recounts, per policy, the listed products of these domains that pass it (or are waived) and those it applies
/// to: the cells of the governance matrix. One writer per domain at a time (in ascending domain order), so the
/// count of a later one includes the evaluations of an earlier one.
pub async fn tally_domains(db: &impl ConnectionTrait, domain_ids: &[i64]) -> Result<()> {
    let mut domain_ids = domain_ids.to_vec();
    domain_ids.sort_unstable();
    domain_ids.dedup();
    for id in &domain_ids {
        crate::db::take_turn(db, crate::db::Turn::DomainTally(*id)).await?;
    }
    for chunk in domain_ids.chunks(200) {
        DomainPolicyTally::delete_many()
            .filter(domain_policy_tally::Column::DomainId.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
        let ids = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT p.domain_id, e.policy_id, \
               SUM(CASE WHEN e.outcome IN ('pass', 'waived') THEN 1 ELSE 0 END), \
               SUM(CASE WHEN e.outcome IN ('pass', 'waived', 'fail') THEN 1 ELSE 0 END) \
             FROM evaluations e JOIN data_products p ON p.id = e.product_id \
             WHERE p.domain_id IN ({ids}) AND p.status IN ('published', 'deprecated') \
             GROUP BY p.domain_id, e.policy_id"
        );
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await?;
        let mut tallies = Vec::with_capacity(rows.len());
        for row in rows {
            tallies.push(domain_policy_tally::ActiveModel {
                domain_id: Set(row.try_get_by_index::<i64>(0)?),
                policy_id: Set(row.try_get_by_index::<i64>(1)?),
                passing: Set(row.try_get_by_index::<i64>(2)? as i32),
                applicable: Set(row.try_get_by_index::<i64>(3)? as i32),
            });
        }
        for batch in tallies.chunks(500) {
            DomainPolicyTally::insert_many(batch.to_vec())
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(())
}

pub async fn evaluate_product(db: &impl ConnectionTrait, product_id: i64) -> Result<()> {
    evaluate_products(db, &[product_id]).await
}

/// Every product in a domain and its subdomains (all products for `None`).
pub async fn evaluate_scope(db: &impl ConnectionTrait, domain_id: Option<i64>) -> Result<usize> {
    let mut query = DataProduct::find();
    if let Some(d) = domain_id {
        let domains: HashMap<i64, domain::Model> = Domain::find()
            .all(db)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let within: Vec<i64> = domains
            .keys()
            .copied()
            .filter(|id| ancestry(&domains, *id).contains(&d))
            .collect();
        query = query.filter(data_product::Column::DomainId.is_in(within));
    }
    let ids: Vec<i64> = query.all(db).await?.into_iter().map(|p| p.id).collect();
    evaluate_products(db, &ids).await?;
    Ok(ids.len())
}

/// Records today's compliance per domain and for the whole mesh (replacing today's if run again).
pub async fn snapshot(db: &impl ConnectionTrait, day: NaiveDate) -> Result<()> {
    let scores = score::domain_scores(db).await?;
    ComplianceSnapshot::delete_many()
        .filter(compliance_snapshot::Column::Day.eq(day))
        .exec(db)
        .await?;
    let mut rows: Vec<compliance_snapshot::ActiveModel> = scores
        .iter()
        .map(|d| compliance_snapshot::ActiveModel {
            domain_id: Set(Some(d.domain_id)),
            day: Set(day),
            score: Set(d.score),
            products: Set(d.products as i32),
            blockers: Set(d.blockers as i32),
            ..Default::default()
        })
        .collect();
    let mesh = score::mesh_score(&scores);
    rows.push(compliance_snapshot::ActiveModel {
        domain_id: Set(None),
        day: Set(day),
        score: Set(mesh.score),
        products: Set(mesh.products as i32),
        blockers: Set(mesh.blockers as i32),
        ..Default::default()
    });
    ComplianceSnapshot::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
