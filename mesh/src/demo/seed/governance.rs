//! Demo governance: domain policies, the quality runs and SLA measurements pipelines would have pushed, a waiver
//! waiting for a steward, and a month of compliance history for the trend charts.
use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::prelude::*;
use crate::error::Result;

/// Demo governance activity: two domain policies, quality runs and SLA measurements pipelines would have
/// pushed, and a waiver waiting for a steward.
pub(super) async fn seed_governance_demo(
    db: &impl ConnectionTrait,
    domains: &HashMap<&str, domain::Model>,
    products: &HashMap<String, i64>,
    users: &HashMap<&str, i64>,
) -> Result<()> {
    use crate::kinds::{Severity, WaiverStatus};
    let now = Utc::now();
    let domain_policies = [
        (
            "people",
            "people-sensitivity-tag",
            "HR products carry a pii or restricted tag",
            "Works-council agreement: HR data is always tagged by sensitivity.",
            "required_tags",
            serde_json::json!({"tags": ["pii", "restricted", "hr"], "all": false}),
            Severity::Major,
        ),
        (
            "finance",
            "finance-column-names",
            "Finance columns are snake_case",
            "The finance warehouse naming standard.",
            "naming_convention",
            serde_json::json!({"column": "^[a-z][a-z0-9_]*$"}),
            Severity::Minor,
        ),
    ];
    for (domain, key, title, rationale, rule, params, severity) in domain_policies {
        let Some(d) = domains.get(domain) else {
            continue;
        };
        policy::ActiveModel {
            domain_id: Set(Some(d.id)),
            key: Set(key.into()),
            title: Set(title.into()),
            rationale: Set(rationale.into()),
            rule: Set(rule.into()),
            params: Set(params),
            severity: Set(severity),
            enabled: Set(true),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    // Products whose pipelines report: (product, last run result, SLA met in tenths of the days).
    let reporting = [
        ("sales/customer-orders", "passed", 10),
        ("sales/daily-revenue", "passed", 10),
        ("marketing/campaign-performance", "passed", 9),
        ("marketing/web-sessions", "passed", 10),
        ("finance/fx-rates", "passed", 10),
        ("finance/general-ledger", "passed", 10),
        ("payments/payment-transactions", "passed", 9),
        ("logistics/inventory-levels", "failed", 8),
        ("logistics/returns", "passed", 10),
        ("customer-service/customer-satisfaction", "warning", 10),
    ];
    for (key, result, met_tenths) in reporting {
        let Some(product_id) = products.get(key) else {
            continue;
        };
        for days_ago in [8i64, 1] {
            let failing = result != "passed" && days_ago == 1;
            quality_run::ActiveModel {
                product_id: Set(*product_id),
                port_id: Set(None),
                source: Set(if days_ago == 1 { "datacontract-cli" } else { "agora" }.into()),
                run_id: Set(format!("demo-{key}-{days_ago}")),
                result: Set(if failing { result } else { "passed" }.into()),
                checks: Set(serde_json::json!([
                    {"name": "primary key is unique", "result": "passed", "field": null, "details": null},
                    {"name": "no missing values in key columns", "result": if failing { result } else { "passed" }, "field": null,
                     "details": if failing { "23 rows with a missing key" } else { "" }},
                ])),
                passed: Set(if failing { 1 } else { 2 }),
                failed: Set(if failing && result == "failed" { 1 } else { 0 }),
                observed_at: Set(now - Duration::days(days_ago)),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        let rows: Vec<sla_measurement::ActiveModel> = (0..30)
            .map(|day| sla_measurement::ActiveModel {
                product_id: Set(*product_id),
                port_id: Set(None),
                property: Set("freshness".into()),
                value: Set(if day % 10 < met_tenths { 30.0 } else { 600.0 }),
                unit: Set(Some("m".into())),
                met: Set(day % 10 < met_tenths),
                source: Set("agora".into()),
                observed_at: Set(now - Duration::days(day) - Duration::hours(2)),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        SlaMeasurement::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    // Customer Segments has no support channel yet; its owner asked for time.
    if let (Some(product_id), Some(dan)) = (
        products.get("marketing/customer-segments"),
        users.get("dan.okafor@northwind.example"),
    ) {
        if let Some(policy) = Policy::find()
            .filter(policy::Column::Key.eq("support"))
            .one(db)
            .await?
        {
            waiver::ActiveModel {
                product_id: Set(*product_id),
                policy_id: Set(policy.id),
                justification: Set("The CRM data channel opens in January with the new CRM team; until then ask the owners directly.".into()),
                expires_on: Set((now + Duration::days(60)).date_naive()),
                status: Set(WaiverStatus::Requested),
                requested_by: Set(Some(*dan)),
                decided_by: Set(None),
                decided_at: Set(None),
                decision_note: Set(String::new()),
                created_at: Set(now - Duration::days(2)),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Today's compliance snapshot, and for a new demo 29 days of history leading up to it (an improving trend,
/// so the charts have something to show from the first `make run`).
pub(super) async fn seed_compliance_history(db: &impl ConnectionTrait) -> Result<()> {
    let today = Utc::now().date_naive();
    let had_history = ComplianceSnapshot::find().one(db).await?.is_some();
    crate::governance::evaluate::snapshot(db, today).await?;
    if had_history {
        return Ok(());
    }
    let current = ComplianceSnapshot::find()
        .filter(compliance_snapshot::Column::Day.eq(today))
        .all(db)
        .await?;
    let mut rows = Vec::new();
    for s in &current {
        let seed = s.domain_id.unwrap_or(0) as f64;
        for days_ago in 1..30i64 {
            let drift = 14.0 * days_ago as f64 / 29.0;
            let wiggle = ((days_ago as f64 * 1.7 + seed).sin()) * 1.5;
            rows.push(compliance_snapshot::ActiveModel {
                domain_id: Set(s.domain_id),
                day: Set(today - Duration::days(days_ago)),
                score: Set((s.score - drift + wiggle).clamp(0.0, 100.0)),
                products: Set(s.products),
                blockers: Set(s.blockers + (days_ago / 10) as i32),
                ..Default::default()
            });
        }
    }
    for chunk in rows.chunks(300) {
        ComplianceSnapshot::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
