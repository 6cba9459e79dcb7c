//! Data contracts of a product: import (ODCS YAML, validated, idempotent), the parts derived from the stored
//! document, form edits that change the document, and export.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TryIntoModel,
};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
use crate::catalog::listing::VisibleProduct;
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};
use crate::kinds::ProductStatus;
use crate::standards::odcs::{self, model::value_text, Contract};

/// What an import did.
pub use crate::kinds::ImportOutcome as Outcome;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Imported {
    pub contract_id: i64,
    pub odcs_id: String,
    pub outcome: Outcome,
}

/// Loads a product for a change by the viewer: owning team (or admin) only, and never a retired product.
pub async fn product_for_change(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    product_id: i64,
) -> Result<data_product::Model> {
    let product = DataProduct::find_by_id(product_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("data product"))?;
    if !viewer.may_see_product(product.status, product.owner_team_id) {
        viewer.require(false, "see this data product")?;
    }
    viewer.require(
        viewer.may_edit_product(product.owner_team_id),
        "change this data product (only its team may)",
    )?;
    if product.status == ProductStatus::Retired {
        return Err(Error::Conflict(
            "retired data products are read-only".into(),
        ));
    }
    Ok(product)
}

/// Imports ODCS YAML into a product (creating or replacing the contract with the same `id`), optionally
/// serving it on `port`. Invalid documents change nothing and name line, path and rule.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn import(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    yaml: &str,
    port: Option<&str>,
) -> Result<Imported> {
    crate::db::retry(|| import_once(db, viewer, product_id, yaml, port)).await
}

async fn import_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    yaml: &str,
    port: Option<&str>,
) -> Result<Imported> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let doc = odcs::read(yaml).map_err(Error::from)?;
    let imported = save_document(&tx, &product, doc, port).await?;
    if imported.outcome != Outcome::Unchanged {
        audit::record(
            &tx,
            Entry {
                actor_id: viewer.user_id,
                action: "contract.imported",
                object_type: "data_product",
                object_id: Some(product.id),
                after: Some(json!({"contract": imported.odcs_id, "outcome": imported.outcome})),
                ..Default::default()
            },
        )
        .await?;
    }
    crate::governance::evaluate_product(&tx, product.id).await?;
    tx.commit().await?;
    Ok(imported)
}

/// Imports a contract into the product it names (`domain` and `dataProduct`, as slugs or names), or into
/// `product` (`domain/product`) when given. Used by `agora import` to keep contracts in git (GitOps).
pub async fn import_into_named_product(
    db: &DatabaseConnection,
    viewer: &Viewer,
    yaml: &str,
    product: Option<&str>,
) -> Result<(String, Imported)> {
    let (domain, slug) = match product {
        Some(p) => p
            .split_once('/')
            .map(|(d, s)| (d.to_owned(), s.to_owned()))
            .ok_or_else(|| Error::invalid("product", "write it as DOMAIN/PRODUCT"))?,
        None => {
            let doc = odcs::read(yaml).map_err(Error::from)?;
            let field = |key: &str| {
                doc.get(key)
                    .and_then(Value::as_str)
                    .map(crate::validate::slugify)
            };
            match (field("domain"), field("dataProduct")) {
                (Some(d), Some(p)) if !d.is_empty() && !p.is_empty() => (d, p),
                _ => {
                    return Err(Error::invalid(
                        "dataProduct",
                        "the contract does not say which data product it belongs to: set `domain` and \
                         `dataProduct`, or pass --product DOMAIN/PRODUCT",
                    ));
                }
            }
        }
    };
    let product = crate::catalog::listing::find_product(db, viewer, &domain, &slug).await?;
    let imported = import(db, viewer, product.id, yaml, None).await?;
    Ok((format!("{domain}/{slug}"), imported))
}

/// Stores a validated document for a product and re-derives its parts. No authorization here: callers
/// (import, seed, form edits) have done it.
pub async fn save_document(
    db: &impl ConnectionTrait,
    product: &data_product::Model,
    doc: Value,
    port: Option<&str>,
) -> Result<Imported> {
    let contract = Contract::from_document(&doc).map_err(|e| Error::invalid("contract", e))?;
    let hash = odcs::content_hash(&doc);
    let now = Utc::now();
    let existing = DataContract::find()
        .filter(data_contract::Column::ProductId.eq(product.id))
        .filter(data_contract::Column::OdcsId.eq(contract.id.as_str()))
        .one(db)
        .await?;
    let description = contract.description.clone().unwrap_or_default();
    let price = contract.price.clone().unwrap_or_default();
    let (row, outcome) = match existing {
        Some(row) if row.content_hash == hash => (row, Outcome::Unchanged),
        existing => {
            let outcome = if existing.is_some() {
                Outcome::Updated
            } else {
                Outcome::Created
            };
            let mut active = match existing {
                Some(row) => row.into(),
                None => data_contract::ActiveModel {
                    product_id: Set(product.id),
                    odcs_id: Set(contract.id.clone()),
                    created_at: Set(now),
                    ..Default::default()
                },
            };
            active.name = Set(contract.name.clone().unwrap_or_else(|| contract.id.clone()));
            active.version = Set(contract.version.clone());
            active.status = Set(contract.status.clone());
            active.api_version = Set(contract.api_version.clone());
            active.document = Set(doc.clone());
            active.content_hash = Set(hash);
            active.purpose = Set(description.purpose.clone().unwrap_or_default());
            active.usage = Set(description.usage.clone().unwrap_or_default());
            active.limitations = Set(description.limitations.clone().unwrap_or_default());
            active.price_amount = Set(price.price_amount);
            active.price_currency = Set(price.price_currency.clone());
            active.price_unit = Set(price.price_unit.clone());
            active.updated_at = Set(now);
            let row = active.save(db).await?.try_into_model()?;
            derive_parts(db, row.id, &contract).await?;
            (row, outcome)
        }
    };
    if let Some(slug) = port {
        let found = OutputPort::find()
            .filter(output_port::Column::ProductId.eq(product.id))
            .filter(output_port::Column::Slug.eq(slug))
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::invalid("port", format!("this product has no output port `{slug}`"))
            })?;
        if found.contract_id != Some(row.id) {
            let mut active: output_port::ActiveModel = found.into();
            active.contract_id = Set(Some(row.id));
            active.update(db).await?;
        }
    } else {
        // Ports that serve no contract yet serve this one.
        let unbound = OutputPort::find()
            .filter(output_port::Column::ProductId.eq(product.id))
            .filter(output_port::Column::ContractId.is_null())
            .all(db)
            .await?;
        for port in unbound {
            let mut active: output_port::ActiveModel = port.into();
            active.contract_id = Set(Some(row.id));
            active.update(db).await?;
        }
    }
    if outcome != Outcome::Unchanged {
        refresh_product(db, product.id).await?;
    }
    Ok(Imported {
        contract_id: row.id,
        odcs_id: row.odcs_id,
        outcome,
    })
}

/// Rebuilds the queryable parts of a contract from its typed view.
async fn derive_parts(
    db: &impl ConnectionTrait,
    contract_id: i64,
    contract: &Contract,
) -> Result<()> {
    ContractObject::delete_many()
        .filter(contract_object::Column::ContractId.eq(contract_id))
        .exec(db)
        .await?;
    ContractSla::delete_many()
        .filter(contract_sla::Column::ContractId.eq(contract_id))
        .exec(db)
        .await?;
    ContractQuality::delete_many()
        .filter(contract_quality::Column::ContractId.eq(contract_id))
        .exec(db)
        .await?;
    ContractSupport::delete_many()
        .filter(contract_support::Column::ContractId.eq(contract_id))
        .exec(db)
        .await?;
    ContractProperty::delete_many()
        .filter(contract_property::Column::ContractId.eq(contract_id))
        .exec(db)
        .await?;

    let columns = contract.columns();
    let mut quality_position = 0;
    for (position, object) in contract.schema.iter().enumerate() {
        let object_row = contract_object::ActiveModel {
            contract_id: Set(contract_id),
            position: Set(position as i32),
            name: Set(object.name.clone()),
            physical_name: Set(object.physical_name.clone()),
            physical_type: Set(object.physical_type.clone()),
            logical_type: Set(object.logical_type.clone()),
            description: Set(object.description.clone().unwrap_or_default()),
            granularity: Set(object
                .data_granularity_description
                .clone()
                .unwrap_or_default()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let rows: Vec<contract_property::ActiveModel> = columns
            .iter()
            .filter(|c| c.object == object.name)
            .enumerate()
            .map(|(i, c)| {
                let p = c.property;
                contract_property::ActiveModel {
                    contract_id: Set(contract_id),
                    object_id: Set(object_row.id),
                    position: Set(i as i32),
                    name: Set(c.name.clone()),
                    business_name: Set(p.business_name.clone()),
                    logical_type: Set(p.logical_type.clone()),
                    physical_type: Set(p.physical_type.clone()),
                    description: Set(p.description.clone().unwrap_or_default()),
                    required: Set(p.required.unwrap_or(false)),
                    is_unique: Set(p.unique.unwrap_or(false)),
                    primary_key: Set(p.primary_key.unwrap_or(false)),
                    classification: Set(p.classification.clone()),
                    pii: Set(p.is_pii()),
                    critical: Set(p.critical_data_element.unwrap_or(false)),
                    examples: Set(p
                        .examples
                        .iter()
                        .map(value_text)
                        .collect::<Vec<_>>()
                        .join(", ")),
                    ..Default::default()
                }
            })
            .collect();
        for chunk in rows.chunks(200) {
            ContractProperty::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        let mut rules: Vec<(Option<String>, crate::standards::odcs::model::Quality)> =
            object.quality.iter().map(|q| (None, q.clone())).collect();
        for c in columns.iter().filter(|c| c.object == object.name) {
            for q in &c.property.quality {
                rules.push((Some(c.name.clone()), q.clone()));
            }
        }
        for (property, rule) in rules {
            let (operator, threshold) = rule
                .threshold()
                .map(|(op, t)| (Some(op.to_owned()), Some(t)))
                .unwrap_or((None, None));
            contract_quality::ActiveModel {
                contract_id: Set(contract_id),
                position: Set(quality_position),
                object_name: Set(object.name.clone()),
                property_name: Set(property),
                rule_type: Set(rule.rule_type()),
                name: Set(rule.name.clone()),
                description: Set(rule.description.clone().unwrap_or_default()),
                metric: Set(rule.metric_name()),
                operator: Set(operator),
                threshold: Set(threshold),
                dimension: Set(rule.dimension.clone()),
                severity: Set(rule.severity.clone()),
                query: Set(rule.query.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
            quality_position += 1;
        }
    }
    for (position, sla) in contract.sla_properties.iter().enumerate() {
        contract_sla::ActiveModel {
            contract_id: Set(contract_id),
            position: Set(position as i32),
            property: Set(sla.property.clone()),
            value: Set(value_text(&sla.value)),
            value_ext: Set(sla.value_ext.as_ref().map(value_text)),
            unit: Set(sla.unit.clone()),
            element: Set(sla.element.clone()),
            driver: Set(sla.driver.clone()),
            description: Set(sla.description.clone().unwrap_or_default()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (position, s) in contract.support().iter().enumerate() {
        contract_support::ActiveModel {
            contract_id: Set(contract_id),
            position: Set(position as i32),
            channel: Set(s.channel.clone()),
            url: Set(s.url.clone()),
            tool: Set(s.tool.clone()),
            scope: Set(s.scope.clone()),
            description: Set(s.description.clone().unwrap_or_default()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Availability in percent from an SLA value such as `99.9`, `"99.9%"` or `0.999`.
pub fn availability_percent(value: &str) -> Option<f64> {
    let n: f64 = value.trim().trim_end_matches('%').trim().parse().ok()?;
    Some(if n <= 1.0 { n * 100.0 } else { n })
}

/// Recomputes what the product shows about its contracts (PII, availability) and marks it updated.
async fn refresh_product(db: &impl ConnectionTrait, product_id: i64) -> Result<()> {
    let contract_ids: Vec<i64> = DataContract::find()
        .filter(data_contract::Column::ProductId.eq(product_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let has_pii = !ContractProperty::find()
        .filter(contract_property::Column::ContractId.is_in(contract_ids.clone()))
        .filter(contract_property::Column::Pii.eq(true))
        .all(db)
        .await?
        .is_empty();
    let availability = ContractSla::find()
        .filter(contract_sla::Column::ContractId.is_in(contract_ids))
        .filter(contract_sla::Column::Property.eq("availability"))
        .all(db)
        .await?
        .iter()
        .filter_map(|s| availability_percent(&s.value))
        .reduce(f64::min);
    let product = DataProduct::find_by_id(product_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("data product"))?;
    let mut active: data_product::ActiveModel = product.into();
    active.has_pii = Set(has_pii);
    active.sla_availability = Set(availability);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// The contracts of a product, oldest first.
pub async fn of_product(
    db: &impl ConnectionTrait,
    product_id: i64,
) -> Result<Vec<data_contract::Model>> {
    Ok(DataContract::find()
        .filter(data_contract::Column::ProductId.eq(product_id))
        .order_by_asc(data_contract::Column::Id)
        .all(db)
        .await?)
}

/// One contract of a product the caller found visible, by its ODCS id (the first one when `odcs_id` is `None`).
pub async fn find(
    db: &impl ConnectionTrait,
    product: VisibleProduct,
    odcs_id: Option<&str>,
) -> Result<data_contract::Model> {
    let mut query = DataContract::find().filter(data_contract::Column::ProductId.eq(product.id()));
    if let Some(id) = odcs_id {
        query = query.filter(data_contract::Column::OdcsId.eq(id));
    }
    query
        .order_by_asc(data_contract::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("data contract"))
}

/// A new, minimal contract for a product that has none: id `<domain>-<product>`, empty schema.
pub fn skeleton(domain_slug: &str, product: &data_product::Model) -> Value {
    json!({
        "apiVersion": odcs::EXPORT_API_VERSION,
        "kind": "DataContract",
        "id": format!("{domain_slug}-{}", product.slug),
        "name": product.name,
        "version": product.version,
        "status": "draft",
        "domain": domain_slug,
        "dataProduct": product.slug,
        "schema": [],
    })
}

/// The terms, SLA and support channels as edited in the contract form.
#[derive(Clone, Debug, Default)]
pub struct TermsForm {
    pub purpose: String,
    pub usage: String,
    pub limitations: String,
    /// (property, value, unit) rows; empty properties are dropped.
    pub sla: Vec<(String, String, String)>,
    /// (channel, url) rows; empty channels are dropped.
    pub support: Vec<(String, String)>,
}

/// Applies the contract form to a product's contract (creating a skeleton if it has none). Fields the form
/// does not show are kept; an SLA row keeps its other keys (element, driver...) when its property stays.
/// Runs again if PostgreSQL aborts it to break a deadlock with another writer ([`crate::db::retry`]).
pub async fn edit_terms(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    form: &TermsForm,
) -> Result<Imported> {
    crate::db::retry(|| edit_terms_once(db, viewer, product_id, form)).await
}

async fn edit_terms_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    product_id: i64,
    form: &TermsForm,
) -> Result<Imported> {
    let tx = begin_write(db).await?;
    let product = product_for_change(&tx, viewer, product_id).await?;
    let domain = Domain::find_by_id(product.domain_id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::not_found("domain"))?;
    // `product_for_change` checked more than visibility: the viewer's team owns it.
    let mut doc = match find(&tx, VisibleProduct::checked(product.id), None).await {
        Ok(c) => c.document,
        Err(Error::NotFound(_)) => skeleton(&domain.slug, &product),
        Err(e) => return Err(e),
    };
    let mut errors = Vec::new();
    let map = doc
        .as_object_mut()
        .ok_or_else(|| Error::invalid("contract", "not a mapping"))?;
    let mut description = map
        .get("description")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, value) in [
        ("purpose", &form.purpose),
        ("usage", &form.usage),
        ("limitations", &form.limitations),
    ] {
        if value.trim().is_empty() {
            description.remove(key);
        } else {
            description.insert(key.into(), Value::String(value.trim().to_owned()));
        }
    }
    if description.is_empty() {
        map.remove("description");
    } else {
        map.insert("description".into(), Value::Object(description));
    }
    let old_sla: Vec<Value> = map
        .get("slaProperties")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut sla = Vec::new();
    for (i, (property, value, unit)) in form.sla.iter().enumerate() {
        let property = property.trim();
        if property.is_empty() {
            continue;
        }
        if value.trim().is_empty() {
            errors.push(FieldError::new(
                format!("sla[{i}].value"),
                format!("give a value for `{property}`"),
            ));
            continue;
        }
        let mut entry: Map<String, Value> = old_sla
            .iter()
            .filter_map(Value::as_object)
            .find(|o| o.get("property").and_then(Value::as_str) == Some(property))
            .cloned()
            .unwrap_or_default();
        entry.insert("property".into(), Value::String(property.to_owned()));
        let value = value.trim();
        entry.insert(
            "value".into(),
            value
                .parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                .map(|n| {
                    if value.contains('.') {
                        n
                    } else {
                        value.parse::<i64>().map(Value::from).unwrap_or(n)
                    }
                })
                .unwrap_or_else(|| Value::String(value.to_owned())),
        );
        if unit.trim().is_empty() {
            entry.remove("unit");
        } else {
            entry.insert("unit".into(), Value::String(unit.trim().to_owned()));
        }
        sla.push(Value::Object(entry));
    }
    if sla.is_empty() {
        map.remove("slaProperties");
    } else {
        map.insert("slaProperties".into(), Value::Array(sla));
    }
    let support: Vec<Value> = form
        .support
        .iter()
        .filter(|(c, _)| !c.trim().is_empty())
        .map(|(channel, url)| {
            let mut o = Map::new();
            o.insert("channel".into(), Value::String(channel.trim().to_owned()));
            if !url.trim().is_empty() {
                o.insert("url".into(), Value::String(url.trim().to_owned()));
            }
            Value::Object(o)
        })
        .collect();
    if support.is_empty() {
        map.remove("support");
    } else {
        map.insert("support".into(), Value::Array(support));
    }
    errors.extend(
        odcs::link_problems_dotted(&doc)
            .into_iter()
            .map(|p| FieldError::new(p.path, p.message)),
    );
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    odcs::validate_v310(&doc).map_err(Error::from)?;
    let imported = save_document(&tx, &product, doc, None).await?;
    if imported.outcome != Outcome::Unchanged {
        audit::record(
            &tx,
            Entry {
                actor_id: viewer.user_id,
                action: "contract.edited",
                object_type: "data_product",
                object_id: Some(product.id),
                after: Some(json!({"contract": imported.odcs_id})),
                ..Default::default()
            },
        )
        .await?;
    }
    crate::governance::evaluate_product(&tx, product.id).await?;
    tx.commit().await?;
    Ok(imported)
}

/// The contract as v3.1.0 YAML, for anyone who may see the product.
pub async fn export_yaml(
    db: &impl ConnectionTrait,
    product: VisibleProduct,
    odcs_id: Option<&str>,
) -> Result<(String, String)> {
    let contract = find(db, product, odcs_id).await?;
    Ok((contract.odcs_id.clone(), odcs::to_yaml(&contract.document)))
}

#[cfg(test)]
mod tests {
    use super::availability_percent;

    #[test]
    fn availability_in_any_notation() {
        assert_eq!(availability_percent("99.9"), Some(99.9));
        assert_eq!(availability_percent("99.5%"), Some(99.5));
        assert_eq!(
            availability_percent("0.999").map(|v| (v * 10.0).round()),
            Some(999.0)
        );
        assert_eq!(availability_percent("high"), None);
    }
}
