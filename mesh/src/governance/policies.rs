//! Policies: stewards edit global ones; domain owners add their domain's. A domain policy adds to the global
//! ones and can never switch one off or replace it.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{json, Value};

use super::rules::Rule;
use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::Severity;
use crate::validate;

/// The policy editor's fields.
#[derive(Clone, Debug, Default)]
pub struct PolicyInput {
    /// `global` or a domain slug (only when creating).
    pub scope: String,
    pub key: String,
    pub title: String,
    pub rationale: String,
    pub rule: String,
    /// JSON object of the rule's parameters (empty means `{}`).
    pub params: String,
    pub severity: String,
    pub enabled: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyView {
    pub policy: policy::Model,
    pub domain: Option<(String, String)>,
    pub may_edit: bool,
}

pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Vec<PolicyView>> {
    let domains = Domain::find().all(db).await?;
    Ok(Policy::find()
        .order_by_asc(policy::Column::DomainId)
        .order_by_asc(policy::Column::Key)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PolicyView {
            domain: p.domain_id.and_then(|id| {
                domains
                    .iter()
                    .find(|d| d.id == id)
                    .map(|d| (d.slug.clone(), d.name.clone()))
            }),
            may_edit: viewer.may_edit_policy(p.domain_id),
            policy: p,
        })
        .collect())
}

fn check(input: &PolicyInput, errors: &mut Vec<FieldError>) -> (Option<Value>, Option<Severity>) {
    if input.title.trim().is_empty() {
        errors.push(FieldError::new("title", "required"));
    }
    let params: Option<Value> = if input.params.trim().is_empty() {
        Some(json!({}))
    } else {
        match serde_json::from_str::<Value>(&input.params) {
            Ok(v) if v.is_object() => Some(v),
            Ok(_) => {
                errors.push(FieldError::new(
                    "params",
                    "must be a JSON object, e.g. {\"min\": 300}",
                ));
                None
            }
            Err(e) => {
                errors.push(FieldError::new("params", format!("not valid JSON: {e}")));
                None
            }
        }
    };
    if let Some(p) = &params {
        if let Err(m) = Rule::parse(&input.rule, p) {
            errors.push(FieldError::new(
                if m.starts_with("unknown rule") {
                    "rule"
                } else {
                    "params"
                },
                m,
            ));
        }
    }
    let severity = input
        .severity
        .parse::<Severity>()
        .map_err(|m| errors.push(FieldError::new("severity", m)))
        .ok();
    (params, severity)
}

/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: &PolicyInput,
) -> Result<policy::Model> {
    crate::db::retry(|| create_once(db, viewer, input)).await
}

async fn create_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    input: &PolicyInput,
) -> Result<policy::Model> {
    viewer.require_user()?;
    let tx = begin_write(db).await?;
    let domain_id = match input.scope.trim() {
        "" | "global" => None,
        slug => Some(
            Domain::find()
                .filter(domain::Column::Slug.eq(slug))
                .one(&tx)
                .await?
                .ok_or_else(|| Error::invalid("scope", format!("no domain `{slug}`")))?
                .id,
        ),
    };
    viewer.require(
        viewer.may_edit_policy(domain_id),
        if domain_id.is_none() {
            "edit global policies (stewards only)"
        } else {
            "add policies to this domain (its owners and stewards only)"
        },
    )?;
    let mut errors = Vec::new();
    if let Err(m) = validate::slug(&input.key) {
        errors.push(FieldError::new("key", m));
    } else {
        let same_key = Policy::find()
            .filter(policy::Column::Key.eq(input.key.as_str()))
            .all(&tx)
            .await?;
        if same_key.iter().any(|p| p.domain_id.is_none()) {
            errors.push(FieldError::new(
                "key",
                "a global policy uses this key; domain policies add to global ones and cannot replace them",
            ));
        } else if same_key.iter().any(|p| p.domain_id == domain_id) {
            errors.push(FieldError::new(
                "key",
                "this key is already used in this scope",
            ));
        }
    }
    let (params, severity) = check(input, &mut errors);
    let (Some(params), Some(severity), true) = (params, severity, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let now = Utc::now();
    let row = policy::ActiveModel {
        domain_id: Set(domain_id),
        key: Set(input.key.trim().to_owned()),
        title: Set(input.title.trim().to_owned()),
        rationale: Set(input.rationale.trim().to_owned()),
        rule: Set(input.rule.clone()),
        params: Set(params),
        severity: Set(severity),
        enabled: Set(input.enabled),
        created_by: Set(viewer.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(&tx, Entry {
        actor_id: viewer.user_id,
        action: "policy.created",
        object_type: "policy",
        object_id: Some(row.id),
        after: Some(json!({"key": row.key, "rule": row.rule, "severity": row.severity.as_str(), "domain_id": domain_id})),
        ..Default::default()
    })
    .await?;
    super::evaluate::evaluate_scope(&tx, domain_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Changes a policy's title, rationale, rule, parameters, severity or enabled flag (its scope stays).
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    input: &PolicyInput,
) -> Result<policy::Model> {
    crate::db::retry(|| update_once(db, viewer, id, input)).await
}

async fn update_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    input: &PolicyInput,
) -> Result<policy::Model> {
    viewer.require_user()?;
    let tx = begin_write(db).await?;
    let existing = Policy::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("policy"))?;
    viewer.require(
        viewer.may_edit_policy(existing.domain_id),
        if existing.domain_id.is_none() {
            "change global policies (stewards only)"
        } else {
            "change this domain's policies"
        },
    )?;
    let mut errors = Vec::new();
    let (params, severity) = check(input, &mut errors);
    let (Some(params), Some(severity), true) = (params, severity, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let before = json!({"rule": existing.rule, "params": existing.params, "severity": existing.severity.as_str(), "enabled": existing.enabled});
    let domain_id = existing.domain_id;
    let mut active: policy::ActiveModel = existing.into();
    active.title = Set(input.title.trim().to_owned());
    active.rationale = Set(input.rationale.trim().to_owned());
    active.rule = Set(input.rule.clone());
    active.params = Set(params.clone());
    active.severity = Set(severity);
    active.enabled = Set(input.enabled);
    active.updated_at = Set(Utc::now());
    let row = active.update(&tx).await?;
    audit::record(&tx, Entry {
        actor_id: viewer.user_id,
        action: "policy.updated",
        object_type: "policy",
        object_id: Some(id),
        before: Some(before),
        after: Some(json!({"rule": row.rule, "params": params, "severity": severity.as_str(), "enabled": row.enabled})),
        ..Default::default()
    })
    .await?;
    super::evaluate::evaluate_scope(&tx, domain_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// The default global policy set (idempotent by key; existing policies are left as they are).
pub async fn seed_defaults(db: &impl ConnectionTrait) -> Result<usize> {
    let defaults: [(&str, &str, &str, &str, Value, Severity); 12] = [
        (
            "owner",
            "The owning team has an owner",
            "Every product needs someone accountable.",
            "owner_team_has_owner",
            json!({}),
            Severity::Blocker,
        ),
        (
            "output-port",
            "At least one output port",
            "A product nobody can reach is not a product.",
            "has_output_port",
            json!({}),
            Severity::Blocker,
        ),
        (
            "valid-contract",
            "Ports serve a valid ODCS contract",
            "Consumers rely on a machine-readable contract.",
            "ports_have_valid_contract",
            json!({}),
            Severity::Blocker,
        ),
        (
            "documentation",
            "Documentation of 300 characters or more",
            "Consumers must understand grain, freshness and caveats.",
            "docs_min_length",
            json!({"min": 300}),
            Severity::Major,
        ),
        (
            "sla",
            "SLA: availability, latency or frequency, and retention",
            "Consumers plan on service levels.",
            "sla_declared",
            json!({}),
            Severity::Major,
        ),
        (
            "support",
            "A support channel",
            "Questions need somewhere to go.",
            "support_channel",
            json!({}),
            Severity::Major,
        ),
        (
            "terms-of-use",
            "Terms of use",
            "Access is granted for a purpose within stated terms.",
            "terms_of_use",
            json!({}),
            Severity::Major,
        ),
        (
            "columns-described",
            "Every column is described",
            "Undocumented columns get misread.",
            "properties_described",
            json!({}),
            Severity::Minor,
        ),
        (
            "classification",
            "Columns classified, personal data flagged",
            "GDPR: we must know where personal data is.",
            "properties_classified",
            json!({}),
            Severity::Blocker,
        ),
        (
            "quality-rules",
            "At least one quality rule",
            "Quality that is not checked is not known.",
            "has_quality_rule",
            json!({}),
            Severity::Minor,
        ),
        (
            "deprecation",
            "Deprecations name a sunset date and a replacement",
            "Consumers need time and a way out.",
            "deprecation_complete",
            json!({}),
            Severity::Major,
        ),
        (
            "used",
            "Used by someone within 6 months",
            "Unused products cost money; retire them.",
            "product_used",
            json!({"months": 6}),
            Severity::Minor,
        ),
    ];
    let mut created = 0;
    let now = Utc::now();
    for (key, title, rationale, rule, params, severity) in defaults {
        let exists = Policy::find()
            .filter(policy::Column::Key.eq(key))
            .filter(policy::Column::DomainId.is_null())
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        policy::ActiveModel {
            domain_id: Set(None),
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
        created += 1;
    }
    Ok(created)
}
