//! Read models of the product page tabs: schema, contract & SLA, quality and ports.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::access::Viewer;
use crate::catalog::listing::find_product;
use crate::entity::prelude::*;
use crate::error::Result;

#[derive(Clone, Debug, PartialEq)]
pub struct SchemaObjectView {
    pub contract: String,
    pub name: String,
    pub physical_name: Option<String>,
    pub physical_type: Option<String>,
    pub description: String,
    pub granularity: String,
    pub properties: Vec<PropertyView>,
}

/// One column of a schema object (an ODCS property; nested ones have dotted names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyView {
    pub name: String,
    pub business_name: Option<String>,
    pub logical_type: Option<String>,
    pub physical_type: Option<String>,
    pub description: String,
    pub required: bool,
    pub is_unique: bool,
    pub primary_key: bool,
    pub classification: Option<String>,
    pub pii: bool,
    pub critical: bool,
    /// Examples, comma-separated.
    pub examples: String,
}

impl PropertyView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(p: contract_property::Model) -> Self {
        Self {
            name: p.name,
            business_name: p.business_name,
            logical_type: p.logical_type,
            physical_type: p.physical_type,
            description: p.description,
            required: p.required,
            is_unique: p.is_unique,
            primary_key: p.primary_key,
            classification: p.classification,
            pii: p.pii,
            critical: p.critical,
            examples: p.examples,
        }
    }
}

/// Every schema object of every contract of the product, with its properties in order. `filter` keeps
/// properties whose name, business name or description contains it (case-insensitive).
pub async fn schema(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
    filter: Option<&str>,
) -> Result<Vec<SchemaObjectView>> {
    let product = find_product(db, viewer, domain, product).await?;
    let contracts = crate::catalog::contracts::of_product(db, product.id).await?;
    let ids: Vec<i64> = contracts.iter().map(|c| c.id).collect();
    let objects = ContractObject::find()
        .filter(contract_object::Column::ContractId.is_in(ids.clone()))
        .order_by_asc(contract_object::Column::ContractId)
        .order_by_asc(contract_object::Column::Position)
        .all(db)
        .await?;
    let properties = ContractProperty::find()
        .filter(contract_property::Column::ContractId.is_in(ids))
        .order_by_asc(contract_property::Column::Position)
        .all(db)
        .await?;
    let needle = filter
        .map(|f| f.trim().to_lowercase())
        .filter(|f| !f.is_empty());
    Ok(objects
        .into_iter()
        .map(|o| SchemaObjectView {
            contract: contracts
                .iter()
                .find(|c| c.id == o.contract_id)
                .map(|c| c.odcs_id.clone())
                .unwrap_or_default(),
            properties: properties
                .iter()
                .filter(|p| p.object_id == o.id)
                .filter(|p| {
                    needle.as_ref().is_none_or(|n| {
                        p.name.to_lowercase().contains(n)
                            || p.business_name
                                .as_deref()
                                .unwrap_or("")
                                .to_lowercase()
                                .contains(n)
                            || p.description.to_lowercase().contains(n)
                    })
                })
                .cloned()
                .map(PropertyView::from_row)
                .collect(),
            name: o.name,
            physical_name: o.physical_name,
            physical_type: o.physical_type,
            description: o.description,
            granularity: o.granularity,
        })
        .collect())
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContractView {
    pub odcs_id: String,
    pub name: String,
    pub version: String,
    pub status: String,
    pub api_version: String,
    pub purpose: String,
    pub usage: String,
    pub limitations: String,
    pub price: Option<String>,
    pub sla: Vec<SlaPropertyView>,
    pub support: Vec<SupportChannelView>,
    /// Output ports that serve this contract.
    pub ports: Vec<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// One SLA property of a contract as stored (see [`describe_sla`] for it in words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaPropertyView {
    pub property: String,
    pub value: String,
    pub unit: Option<String>,
    pub element: Option<String>,
    pub driver: Option<String>,
    pub description: String,
}

impl SlaPropertyView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(s: contract_sla::Model) -> Self {
        Self {
            property: s.property,
            value: s.value,
            unit: s.unit,
            element: s.element,
            driver: s.driver,
            description: s.description,
        }
    }
}

/// One support channel of a contract as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportChannelView {
    pub channel: String,
    pub url: Option<String>,
    pub tool: Option<String>,
    pub scope: Option<String>,
    pub description: String,
}

impl SupportChannelView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(s: contract_support::Model) -> Self {
        Self {
            channel: s.channel,
            url: s.url,
            tool: s.tool,
            scope: s.scope,
            description: s.description,
        }
    }
}

pub async fn contracts(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<Vec<ContractView>> {
    let product = find_product(db, viewer, domain, product).await?;
    let contracts = crate::catalog::contracts::of_product(db, product.id).await?;
    let ids: Vec<i64> = contracts.iter().map(|c| c.id).collect();
    let sla = ContractSla::find()
        .filter(contract_sla::Column::ContractId.is_in(ids.clone()))
        .order_by_asc(contract_sla::Column::Position)
        .all(db)
        .await?;
    let support = ContractSupport::find()
        .filter(contract_support::Column::ContractId.is_in(ids))
        .order_by_asc(contract_support::Column::Position)
        .all(db)
        .await?;
    let ports = OutputPort::find()
        .filter(output_port::Column::ProductId.eq(product.id))
        .all(db)
        .await?;
    Ok(contracts
        .into_iter()
        .map(|c| ContractView {
            price: c.price_amount.map(|amount| {
                let currency = c.price_currency.clone().unwrap_or_default();
                let unit = c
                    .price_unit
                    .clone()
                    .map(|u| format!(" per {u}"))
                    .unwrap_or_default();
                if amount == 0.0 {
                    format!("free{unit}")
                } else {
                    format!("{amount} {currency}{unit}")
                }
            }),
            sla: sla
                .iter()
                .filter(|s| s.contract_id == c.id)
                .cloned()
                .map(SlaPropertyView::from_row)
                .collect(),
            support: support
                .iter()
                .filter(|s| s.contract_id == c.id)
                .cloned()
                .map(SupportChannelView::from_row)
                .collect(),
            ports: ports
                .iter()
                .filter(|p| p.contract_id == Some(c.id))
                .map(|p| p.name.clone())
                .collect(),
            odcs_id: c.odcs_id,
            name: c.name,
            version: c.version,
            status: c.status,
            api_version: c.api_version,
            purpose: c.purpose,
            usage: c.usage,
            limitations: c.limitations,
            updated_at: c.updated_at,
        })
        .collect())
}

/// A quality rule a contract declares (ODCS `quality`), on an object or one of its properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QualityRuleView {
    pub object_name: String,
    pub property_name: Option<String>,
    pub rule_type: String,
    pub name: Option<String>,
    pub description: String,
    pub metric: Option<String>,
    pub operator: Option<String>,
    pub threshold: Option<String>,
    pub dimension: Option<String>,
    pub severity: Option<String>,
    pub query: Option<String>,
}

impl QualityRuleView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(q: contract_quality::Model) -> Self {
        Self {
            object_name: q.object_name,
            property_name: q.property_name,
            rule_type: q.rule_type,
            name: q.name,
            description: q.description,
            metric: q.metric,
            operator: q.operator,
            threshold: q.threshold,
            dimension: q.dimension,
            severity: q.severity,
            query: q.query,
        }
    }
}

/// Declared quality rules of the product's contracts.
pub async fn quality_rules(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<Vec<QualityRuleView>> {
    let product = find_product(db, viewer, domain, product).await?;
    let ids: Vec<i64> = crate::catalog::contracts::of_product(db, product.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    Ok(ContractQuality::find()
        .filter(contract_quality::Column::ContractId.is_in(ids))
        .order_by_asc(contract_quality::Column::ContractId)
        .order_by_asc(contract_quality::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(QualityRuleView::from_row)
        .collect())
}

#[derive(Clone, Debug, PartialEq)]
pub struct PortRow {
    pub port: crate::catalog::listing::PortView,
    pub contract: Option<String>,
}

pub async fn ports(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<Vec<PortRow>> {
    let product = find_product(db, viewer, domain, product).await?;
    port_rows(db, product.id).await
}

/// The ports of a product already found visible, by name, with the contract each serves.
pub(crate) async fn port_rows(db: &impl ConnectionTrait, product_id: i64) -> Result<Vec<PortRow>> {
    let contracts = crate::catalog::contracts::of_product(db, product_id).await?;
    Ok(OutputPort::find()
        .filter(output_port::Column::ProductId.eq(product_id))
        .order_by_asc(output_port::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PortRow {
            contract: p.contract_id.and_then(|id| {
                contracts
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.odcs_id.clone())
            }),
            port: crate::catalog::listing::PortView::from_row(p),
        })
        .collect())
}

/// An SLA property in words: ("Frequency", "daily"), ("Latency", "1 hour"), ("Availability", "99.9 %").
pub fn describe_sla(property: &str, value: &str, unit: Option<&str>) -> (String, String) {
    let title = {
        let spaced: String = property
            .chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    vec![' ', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            })
            .collect();
        let mut chars = spaced.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
            None => String::new(),
        }
    };
    let unit_word = |n: f64, u: &str| -> Option<String> {
        let (one, many) = match u.trim().to_lowercase().as_str() {
            "s" | "sec" | "second" | "seconds" => ("second", "seconds"),
            "m" | "min" | "minute" | "minutes" => ("minute", "minutes"),
            "h" | "hr" | "hour" | "hours" => ("hour", "hours"),
            "d" | "day" | "days" => ("day", "days"),
            "w" | "week" | "weeks" => ("week", "weeks"),
            "mo" | "month" | "months" => ("month", "months"),
            "y" | "yr" | "year" | "years" => ("year", "years"),
            _ => return None,
        };
        Some(if n == 1.0 {
            one.to_owned()
        } else {
            many.to_owned()
        })
    };
    let number: Option<f64> = value.trim().parse().ok();
    let text = match (property.to_lowercase().as_str(), number, unit) {
        ("availability", Some(n), _) => format!("{} %", trim_number(n)),
        ("frequency", Some(1.0), Some(u)) => match u.trim().to_lowercase().as_str() {
            "d" | "day" | "days" => "daily".into(),
            "h" | "hr" | "hour" | "hours" => "hourly".into(),
            "w" | "week" | "weeks" => "weekly".into(),
            "mo" | "month" | "months" => "monthly".into(),
            "y" | "yr" | "year" | "years" => "yearly".into(),
            other => format!("every {other}"),
        },
        ("frequency", Some(n), Some(u)) => match unit_word(n, u) {
            Some(w) => format!("every {} {w}", trim_number(n)),
            None => format!("every {} {u}", trim_number(n)),
        },
        (_, Some(n), Some(u)) => match unit_word(n, u) {
            Some(w) => format!("{} {w}", trim_number(n)),
            None if u.eq_ignore_ascii_case("percent") => format!("{} %", trim_number(n)),
            None => format!("{} {u}", trim_number(n)),
        },
        _ => match unit {
            Some(u) => format!("{value} {u}"),
            None => value.to_owned(),
        },
    };
    (title, text)
}

fn trim_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::describe_sla;

    #[test]
    fn slas_read_like_sentences() {
        assert_eq!(
            describe_sla("availability", "99.9", Some("percent")),
            ("Availability".into(), "99.9 %".into())
        );
        assert_eq!(describe_sla("latency", "1", Some("h")).1, "1 hour");
        assert_eq!(describe_sla("frequency", "1", Some("d")).1, "daily");
        assert_eq!(
            describe_sla("frequency", "15", Some("m")).1,
            "every 15 minutes"
        );
        assert_eq!(describe_sla("retention", "2", Some("y")).1, "2 years");
        assert_eq!(
            describe_sla("timeToRepair", "4", Some("h")),
            ("Time to repair".into(), "4 hours".into())
        );
        assert_eq!(
            describe_sla("timeOfAvailability", "09:00-08:00", None).1,
            "09:00-08:00"
        );
    }
}
