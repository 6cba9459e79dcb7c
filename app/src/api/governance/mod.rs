//! Compliance dashboards, policies, waivers, and results on product pages.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

pub mod model;
pub use model::*;

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
fn head(h: mesh::governance::dashboard::PolicyHead) -> crate::api::governance::PolicyHead {
    crate::api::governance::PolicyHead {
        id: h.id,
        key: h.key,
        title: h.title,
        severity: h.severity,
        domain: h.domain,
    }
}

#[server(prefix = "/api", endpoint = "get_governance")]
pub async fn get_governance() -> Result<GovernanceOverview, AppError> {
    let ctx = crate::ssr::app_context()?;
    let o = mesh::governance::dashboard::overview(&ctx.db).await?;
    Ok(GovernanceOverview {
        mesh_score: o.mesh_score,
        target: o.target,
        products: o.products,
        blockers: o.blockers,
        domains: o
            .domains
            .into_iter()
            .map(|d| DomainComplianceRow {
                slug: d.score.slug,
                name: d.score.name,
                score: d.score.score,
                products: d.score.products,
                blockers: d.score.blockers,
                trend: d.trend,
                cells: d.cells,
            })
            .collect(),
        policies: o.policies.into_iter().map(head).collect(),
        trend: o.trend,
        pending_waivers: o.pending_waivers,
    })
}

#[server(prefix = "/api", endpoint = "get_domain_compliance")]
pub async fn get_domain_compliance(
    domain: String,
    page: usize,
) -> Result<DomainCompliance, AppError> {
    use mesh::governance::dashboard;
    let ctx = crate::ssr::app_context()?;
    let d = dashboard::domain(&ctx.db, &domain, page, dashboard::DOMAIN_PAGE).await?;
    Ok(DomainCompliance {
        slug: d.slug,
        name: d.name,
        score: d.score,
        total: d.total,
        page: d.page,
        per_page: d.per_page,
        policies: d.policies.into_iter().map(head).collect(),
        products: d
            .products
            .into_iter()
            .map(|r| ProductComplianceRow {
                href: format!("/products/{}/{}", r.domain, r.slug),
                name: r.name,
                team: r.team,
                owners: r.owners,
                score: r.score,
                blockers: r.blockers,
                cells: r
                    .cells
                    .into_iter()
                    .map(|c| c.map(|(o, reason)| ComplianceCell { outcome: o, reason }))
                    .collect(),
            })
            .collect(),
        trend: d.trend,
    })
}

#[server(prefix = "/api", endpoint = "get_product_compliance")]
pub async fn get_product_compliance(
    domain: String,
    product: String,
) -> Result<ProductCompliance, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let (visible, p) =
        mesh::catalog::listing::find_visible(&ctx.db, &viewer, &domain, &product).await?;
    let c = mesh::governance::dashboard::product(&ctx.db, visible).await?;
    Ok(ProductCompliance {
        product_id: p.id,
        score: c.score,
        may_request_waiver: viewer.may_edit_product(p.owner_team_id),
        checks: c
            .checks
            .into_iter()
            .map(|c| CheckRow {
                policy_id: c.policy_id,
                key: c.key,
                title: c.title,
                severity: c.severity,
                outcome: c.outcome,
                reason: c.reason,
                fix_hint: c.fix_hint,
                domain_policy: c.domain_policy,
            })
            .collect(),
    })
}

#[server(prefix = "/api", endpoint = "get_quality_results")]
pub async fn get_quality_results(
    domain: String,
    product: String,
) -> Result<QualityResults, AppError> {
    let ctx = crate::ssr::app_context()?;
    let p = mesh::catalog::listing::find_product(&ctx.db, &crate::ssr::viewer(), &domain, &product)
        .await?;
    let runs = mesh::governance::results::runs(&ctx.db, p.id, 5).await?;
    let sla = mesh::governance::results::sla_history(&ctx.db, p.id).await?;
    Ok(QualityResults {
        runs: runs
            .into_iter()
            .map(|r| QualityRunRow {
                checks: r
                    .checks
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| {
                        let text =
                            |k: &str| c[k].as_str().map(str::to_owned).filter(|s| !s.is_empty());
                        crate::api::governance::QualityCheckRow {
                            name: text("name").unwrap_or_default(),
                            result: text("result").unwrap_or_default(),
                            field: text("field"),
                            details: text("details"),
                        }
                    })
                    .collect(),
                source: r.source,
                result: r.result,
                passed: r.passed,
                failed: r.failed,
                observed_at: r.observed_at,
            })
            .collect(),
        sla_met_30: sla.met_30,
        sla_count_30: sla.count_30,
        sla_met_90: sla.met_90,
        sla_count_90: sla.count_90,
    })
}

#[server(prefix = "/api", endpoint = "get_policies")]
pub async fn get_policies() -> Result<PoliciesPage, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let views = mesh::governance::policies::list(&ctx.db, &viewer).await?;
    let mut scopes = Vec::new();
    if viewer.may_edit_policy(None) {
        scopes.push(("global".to_string(), "Global (every domain)".to_string()));
    }
    for v in mesh::access::admin::domains_editable_by(&ctx.db, &viewer).await? {
        scopes.push(v);
    }
    Ok(PoliciesPage {
        policies: views
            .into_iter()
            .map(|v| PolicyRow {
                id: v.policy.id,
                key: v.policy.key,
                title: v.policy.title,
                rationale: v.policy.rationale,
                rule: v.policy.rule,
                params: v.policy.params.to_string(),
                severity: v.policy.severity,
                enabled: v.policy.enabled,
                domain: v.domain,
                may_edit: v.may_edit,
            })
            .collect(),
        rules: mesh::governance::rules::catalog()
            .into_iter()
            .map(|r| {
                (
                    r.name.to_owned(),
                    r.title.to_owned(),
                    r.default_params.to_string(),
                )
            })
            .collect(),
        scopes,
    })
}

#[server(prefix = "/api", endpoint = "create_policy")]
pub async fn create_policy(
    scope: String,
    key: String,
    title: String,
    #[server(default)] rationale: String,
    rule: String,
    #[server(default)] params: String,
    severity: String,
    #[server(default)] enabled: Option<String>,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let input = mesh::governance::policies::PolicyInput {
        scope,
        key,
        title,
        rationale,
        rule,
        params,
        severity,
        enabled: enabled.is_some(),
    };
    mesh::governance::policies::create(&ctx.db, &crate::ssr::viewer(), &input).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "update_policy")]
pub async fn update_policy(
    id: i64,
    title: String,
    #[server(default)] rationale: String,
    rule: String,
    #[server(default)] params: String,
    severity: String,
    #[server(default)] enabled: Option<String>,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let input = mesh::governance::policies::PolicyInput {
        scope: String::new(),
        key: String::new(),
        title,
        rationale,
        rule,
        params,
        severity,
        enabled: enabled.is_some(),
    };
    mesh::governance::policies::update(&ctx.db, &crate::ssr::viewer(), id, &input).await?;
    Ok(())
}

/// The stewards' review queue (stewards and admins only).
#[server(prefix = "/api", endpoint = "get_waivers")]
pub async fn get_waivers() -> Result<Vec<WaiverRow>, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    viewer.require(
        viewer.may_steward(),
        "open the waiver review queue (stewards only)",
    )?;
    let list = mesh::governance::waivers::list(&ctx.db, &viewer).await?;
    Ok(list
        .into_iter()
        .map(|w| WaiverRow {
            id: w.waiver.id,
            product_href: format!("/products/{}/{}", w.product.0, w.product.1),
            product_name: w.product.2,
            policy: w.policy_title,
            justification: w.waiver.justification,
            expires_on: w.waiver.expires_on,
            status: w.waiver.status,
            requested_by: w.requested_by,
            decision_note: w.waiver.decision_note,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "decide_waiver")]
pub async fn decide_waiver(
    id: i64,
    decision: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::governance::waivers::decide(
        &ctx.db,
        &crate::ssr::viewer(),
        id,
        decision == "approve",
        &note,
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "request_waiver")]
pub async fn request_waiver(
    product_id: i64,
    policy_id: i64,
    justification: String,
    expires_on: String,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::governance::waivers::request(
        &ctx.db,
        &crate::ssr::viewer(),
        product_id,
        policy_id,
        &justification,
        &expires_on,
    )
    .await?;
    Ok(())
}
