//! The short form of a seeded contract expanded to a full ODCS v3.1.0 document, checked against the schema.
use super::file::{SeedContract, SeedProduct};
use crate::error::{Error, Result};
use crate::kinds::ProductStatus;

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
    use super::super::file::demo;
    use super::*;

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
