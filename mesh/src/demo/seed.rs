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

const DEMO: &str = include_str!("../../seed/demo.yaml");

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

/// What a seed run created (zero everywhere on a re-run).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub users: usize,
    pub domains: usize,
    pub teams: usize,
    pub products: usize,
    pub ports: usize,
    pub contracts: usize,
    pub subscriptions: usize,
    pub policies: usize,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} users, {} domains, {} teams, {} data products, {} output ports, {} data contracts, {} subscriptions, {} policies created",
            self.users,
            self.domains,
            self.teams,
            self.products,
            self.ports,
            self.contracts,
            self.subscriptions,
            self.policies
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
    report.policies = crate::governance::policies::seed_defaults(db).await?;
    if report.products > 0 {
        seed_governance_demo(db, &domains, &products, &users).await?;
    }
    crate::governance::evaluate_scope(db, None).await?;
    seed_compliance_history(db).await?;
    Ok(report)
}

/// Demo governance activity: two domain policies, quality runs and SLA measurements pipelines would have
/// pushed, and a waiver waiting for a steward.
async fn seed_governance_demo(
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
async fn seed_compliance_history(db: &impl ConnectionTrait) -> Result<()> {
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

fn physical_type(logical: &str) -> &'static str {
    match logical {
        "integer" => "bigint",
        "number" => "decimal(18,4)",
        "date" => "date",
        "timestamp" => "timestamp",
        "boolean" => "boolean",
        _ => "varchar",
    }
}

/// Expands a seeded contract into a full ODCS v3.1.0 document.
pub fn contract_document(
    domain: &str,
    product: &SeedProduct,
    spec: &SeedContract,
) -> Result<serde_json::Value> {
    use serde_json::{json, Map, Value};
    let at = |what: &str| format!("products.{domain}/{}.contract.{what}", product.slug);
    let mut properties = Vec::new();
    for line in &spec.columns {
        let (head, description) = match line.split_once('"') {
            Some((head, rest)) => (head, Some(rest.trim_end_matches('"').to_owned())),
            None => (line.as_str(), None),
        };
        let mut words = head.split_whitespace();
        let (Some(name), Some(logical)) = (words.next(), words.next()) else {
            return Err(Error::invalid(
                at("columns"),
                format!("`{line}` needs a name and a type"),
            ));
        };
        let mut p = Map::new();
        p.insert("name".into(), json!(name));
        p.insert("logicalType".into(), json!(logical));
        p.insert("physicalType".into(), json!(physical_type(logical)));
        if let Some(d) = description {
            p.insert("description".into(), json!(d));
        }
        for flag in words {
            match flag {
                "pk" => {
                    p.insert("primaryKey".into(), json!(true));
                    p.insert("required".into(), json!(true));
                }
                "required" => {
                    p.insert("required".into(), json!(true));
                }
                "unique" => {
                    p.insert("unique".into(), json!(true));
                }
                "cde" => {
                    p.insert("criticalDataElement".into(), json!(true));
                }
                "pii" => {
                    p.insert(
                        "customProperties".into(),
                        json!([{"property": "pii", "value": true}]),
                    );
                }
                other => match other.strip_prefix("class=") {
                    Some(level) => {
                        p.insert("classification".into(), json!(level));
                    }
                    None => {
                        return Err(Error::invalid(
                            at("columns"),
                            format!("unknown flag `{other}` in `{line}`"),
                        ));
                    }
                },
            }
        }
        if !p.contains_key("classification") {
            p.insert(
                "classification".into(),
                json!(if p.contains_key("customProperties") {
                    "confidential"
                } else {
                    "internal"
                }),
            );
        }
        properties.push(Value::Object(p));
    }
    let mut object_quality = Vec::new();
    for rule in &spec.quality {
        let mut rule = rule.as_object().cloned().unwrap_or_default();
        match rule
            .remove("column")
            .and_then(|c| c.as_str().map(str::to_owned))
        {
            Some(column) => {
                let target = properties
                    .iter_mut()
                    .find(|p| p["name"] == json!(column))
                    .ok_or_else(|| {
                        Error::invalid(at("quality"), format!("no column `{column}`"))
                    })?;
                let list = target
                    .as_object_mut()
                    .expect("a property is an object")
                    .entry("quality")
                    .or_insert_with(|| json!([]));
                list.as_array_mut()
                    .expect("quality is a list")
                    .push(Value::Object(rule));
            }
            None => object_quality.push(Value::Object(rule)),
        }
    }
    let status = match product.status {
        ProductStatus::Draft => "draft",
        ProductStatus::Published => "active",
        ProductStatus::Deprecated => "deprecated",
        ProductStatus::Retired => "retired",
    };
    let mut object = json!({
        "name": spec.table,
        "physicalName": spec.table,
        "physicalType": "table",
        "logicalType": "object",
        "description": product.summary.trim(),
        "properties": properties,
    });
    if !object_quality.is_empty() {
        object["quality"] = Value::Array(object_quality);
    }
    let mut doc = json!({
        "apiVersion": crate::standards::odcs::EXPORT_API_VERSION,
        "kind": "DataContract",
        "id": format!("{domain}-{}", product.slug),
        "name": product.name,
        "version": product.version,
        "status": status,
        "domain": domain,
        "dataProduct": product.slug,
        "description": { "purpose": product.summary.trim() },
        "schema": [object],
    });
    if let Some(u) = &spec.usage {
        doc["description"]["usage"] = json!(u);
    }
    if let Some(l) = &spec.limitations {
        doc["description"]["limitations"] = json!(l);
    }
    if !spec.sla.is_empty() {
        doc["slaProperties"] = Value::Array(spec.sla.clone());
    }
    if let Some(support) = &spec.support {
        doc["support"] = json!([support]);
    }
    if let Some(price) = &spec.price {
        doc["price"] = price.clone();
    }
    crate::standards::odcs::validate_v310(&doc).map_err(|problems| {
        Error::invalid(
            at("schema"),
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(doc)
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

    #[test]
    fn seeded_contracts_expand_to_valid_odcs() {
        let demo = demo().unwrap();
        let mut count = 0;
        for p in &demo.products {
            if let Some(spec) = &p.contract {
                let doc = contract_document(&p.domain, p, spec)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.slug));
                assert_eq!(doc["dataProduct"], p.slug.as_str());
                count += 1;
            }
        }
        assert!(count >= 15, "{count} seeded contracts");
    }
}
