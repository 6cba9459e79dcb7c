//! What the governance dashboards, policies, waivers and quality results send to the browser. Plain data that compiles for wasm too.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vocabulary::{Outcome, Severity, WaiverStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyHead {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub severity: Severity,
    pub domain: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainComplianceRow {
    pub slug: String,
    pub name: String,
    pub score: f64,
    pub products: usize,
    pub blockers: usize,
    pub trend: Vec<f64>,
    pub cells: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GovernanceOverview {
    pub mesh_score: f64,
    pub target: f64,
    pub products: usize,
    pub blockers: usize,
    pub domains: Vec<DomainComplianceRow>,
    pub policies: Vec<PolicyHead>,
    pub trend: Vec<(NaiveDate, f64)>,
    pub pending_waivers: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplianceCell {
    pub outcome: Outcome,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductComplianceRow {
    pub href: String,
    pub name: String,
    pub team: String,
    pub owners: Vec<(String, String)>,
    pub score: f64,
    pub blockers: usize,
    pub cells: Vec<Option<ComplianceCell>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainCompliance {
    pub slug: String,
    pub name: String,
    pub score: f64,
    /// Listed products in the domain; `products` holds one page of them.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub policies: Vec<PolicyHead>,
    pub products: Vec<ProductComplianceRow>,
    pub trend: Vec<(NaiveDate, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckRow {
    pub policy_id: i64,
    pub key: String,
    pub title: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub reason: String,
    pub fix_hint: String,
    pub domain_policy: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductCompliance {
    pub product_id: i64,
    pub score: f64,
    pub checks: Vec<CheckRow>,
    pub may_request_waiver: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub rationale: String,
    pub rule: String,
    pub params: String,
    pub severity: Severity,
    pub enabled: bool,
    /// (slug, name) of a domain policy.
    pub domain: Option<(String, String)>,
    pub may_edit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoliciesPage {
    pub policies: Vec<PolicyRow>,
    /// (rule type, title, default parameters as JSON)
    pub rules: Vec<(String, String, String)>,
    /// Scopes the viewer may add policies to: ("global", "Global") and/or (domain slug, name).
    pub scopes: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaiverRow {
    pub id: i64,
    pub product_href: String,
    pub product_name: String,
    pub policy: String,
    pub justification: String,
    pub expires_on: NaiveDate,
    pub status: WaiverStatus,
    pub requested_by: Option<String>,
    pub decision_note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityRunRow {
    pub source: String,
    pub result: String,
    pub passed: i32,
    pub failed: i32,
    pub observed_at: DateTime<Utc>,
    pub checks: Vec<QualityCheckRow>,
}

/// One check of a quality run, as the pipeline reported it (empty texts read as absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityCheckRow {
    pub name: String,
    /// The pipeline's own word (passed, failed, warning...): not a closed vocabulary.
    pub result: String,
    /// The column the check is about.
    pub field: Option<String>,
    pub details: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityResults {
    pub runs: Vec<QualityRunRow>,
    pub sla_met_30: Option<f64>,
    pub sla_count_30: usize,
    pub sla_met_90: Option<f64>,
    pub sla_count_90: usize,
}
