//! Export of a product with its ports as an Open Data Product Standard (Bitol ODPS v1.0.0) document.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Map, Value};

use crate::access::Viewer;
use crate::catalog::listing::find_product;
use crate::entity::prelude::*;
use crate::error::{Error, Result};
use crate::kinds::{ProductStatus, TeamRole};

fn status(s: ProductStatus) -> &'static str {
    match s {
        ProductStatus::Draft => "draft",
        ProductStatus::Published => "active",
        ProductStatus::Deprecated => "deprecated",
        ProductStatus::Retired => "retired",
    }
}

/// The ODPS document of a product (empty optional parts are left out, as the schema wants no nulls).
pub async fn document(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<Value> {
    let p = find_product(db, viewer, domain, product).await?;
    let team = Team::find_by_id(p.owner_team_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("team"))?;
    let contracts = crate::catalog::contracts::of_product(db, p.id).await?;
    let ports = OutputPort::find()
        .filter(output_port::Column::ProductId.eq(p.id))
        .order_by_asc(output_port::Column::Slug)
        .all(db)
        .await?;
    let memberships = Membership::find()
        .filter(membership::Column::TeamId.eq(team.id))
        .all(db)
        .await?;
    let users = User::find()
        .filter(user::Column::Id.is_in(memberships.iter().map(|m| m.user_id).collect::<Vec<_>>()))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?;
    let tags = crate::catalog::tags::of_product(db, p.id).await?;

    let mut description = Map::new();
    description.insert("purpose".into(), json!(p.summary));
    if let Some(c) = contracts.first() {
        if !c.usage.is_empty() {
            description.insert("usage".into(), json!(c.usage));
        }
        if !c.limitations.is_empty() {
            description.insert("limitations".into(), json!(c.limitations));
        }
    }
    let output_ports: Vec<Value> = ports
        .iter()
        .map(|port| {
            let mut o = Map::new();
            o.insert("name".into(), json!(port.slug));
            o.insert("version".into(), json!(p.version));
            o.insert("type".into(), json!(port.kind.as_str()));
            let text = if port.description.is_empty() {
                format!("{} at {}", port.name, port.location)
            } else {
                format!("{}: {} ({})", port.name, port.description, port.location)
            };
            o.insert("description".into(), json!(text));
            if let Some(c) = port
                .contract_id
                .and_then(|id| contracts.iter().find(|c| c.id == id))
            {
                o.insert("contractId".into(), json!(c.odcs_id));
            }
            Value::Object(o)
        })
        .collect();
    let members: Vec<Value> = users
        .iter()
        .map(|u| {
            let role = memberships
                .iter()
                .find(|m| m.user_id == u.id)
                .map(|m| {
                    if m.role == TeamRole::Owner {
                        "owner"
                    } else {
                        "member"
                    }
                })
                .unwrap_or("member");
            json!({"username": u.email, "name": u.name, "role": role})
        })
        .collect();
    let support: Vec<Value> = match contracts.first() {
        Some(c) => ContractSupport::find()
            .filter(contract_support::Column::ContractId.eq(c.id))
            .order_by_asc(contract_support::Column::Position)
            .all(db)
            .await?
            .into_iter()
            .filter_map(|s| s.url.map(|url| json!({"channel": s.channel, "url": url})))
            .collect(),
        None => Vec::new(),
    };
    let mut doc = Map::new();
    doc.insert("apiVersion".into(), json!("v1.0.0"));
    doc.insert("kind".into(), json!("DataProduct"));
    doc.insert("id".into(), json!(format!("{domain}-{}", p.slug)));
    doc.insert("name".into(), json!(p.name));
    doc.insert("version".into(), json!(p.version));
    doc.insert("status".into(), json!(status(p.status)));
    doc.insert("domain".into(), json!(domain));
    doc.insert("description".into(), Value::Object(description));
    if !tags.is_empty() {
        doc.insert("tags".into(), json!(tags));
    }
    if !output_ports.is_empty() {
        doc.insert("outputPorts".into(), Value::Array(output_ports));
    }
    if !support.is_empty() {
        doc.insert("support".into(), Value::Array(support));
    }
    doc.insert(
        "team".into(),
        json!({"name": team.name, "members": members}),
    );
    doc.insert(
        "productCreatedTs".into(),
        json!(p.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
    Ok(Value::Object(doc))
}

pub async fn yaml(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<String> {
    Ok(serde_yaml_ng::to_string(&document(db, viewer, domain, product).await?).unwrap_or_default())
}
