//! A typed view of the ODCS parts Agora stores and shows: schema objects and properties, SLA properties,
//! quality rules, support channels, terms and price. Read from a validated document; unknown fields are
//! ignored here and kept in the document itself.
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Contract {
    pub id: String,
    pub name: Option<String>,
    pub version: String,
    pub status: String,
    pub api_version: String,
    pub domain: Option<String>,
    pub data_product: Option<String>,
    pub description: Option<Description>,
    pub schema: Vec<SchemaObject>,
    pub sla_properties: Vec<Sla>,
    pub support: Option<Vec<Support>>,
    pub price: Option<Price>,
    pub servers: Vec<Server>,
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Description {
    pub purpose: Option<String>,
    pub usage: Option<String>,
    pub limitations: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct SchemaObject {
    pub name: String,
    pub physical_name: Option<String>,
    pub physical_type: Option<String>,
    pub logical_type: Option<String>,
    pub description: Option<String>,
    pub data_granularity_description: Option<String>,
    pub properties: Vec<Property>,
    pub quality: Vec<Quality>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Property {
    pub name: String,
    pub business_name: Option<String>,
    pub logical_type: Option<String>,
    pub physical_type: Option<String>,
    pub description: Option<String>,
    pub required: Option<bool>,
    pub unique: Option<bool>,
    pub primary_key: Option<bool>,
    pub classification: Option<String>,
    pub critical_data_element: Option<bool>,
    pub examples: Vec<Value>,
    pub tags: Vec<String>,
    pub custom_properties: Vec<CustomProperty>,
    pub quality: Vec<Quality>,
    /// Nested properties of an `object` (flattened with dotted names by [`Contract::columns`]).
    pub properties: Vec<Property>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomProperty {
    pub property: String,
    pub value: Value,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Quality {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub metric: Option<String>,
    /// ODCS v3.0 called the library metric `rule`.
    pub rule: Option<String>,
    pub dimension: Option<String>,
    pub severity: Option<String>,
    pub query: Option<String>,
    pub engine: Option<String>,
    pub unit: Option<String>,
    pub must_be: Option<Value>,
    pub must_not_be: Option<Value>,
    pub must_be_greater_than: Option<Value>,
    pub must_be_greater_or_equal_to: Option<Value>,
    pub must_be_less_than: Option<Value>,
    pub must_be_less_or_equal_to: Option<Value>,
    pub must_be_between: Option<Value>,
    pub must_not_be_between: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Sla {
    pub property: String,
    pub value: Value,
    pub value_ext: Option<Value>,
    pub unit: Option<String>,
    pub element: Option<String>,
    pub driver: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Support {
    pub channel: String,
    pub url: Option<String>,
    pub tool: Option<String>,
    pub scope: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Price {
    pub price_amount: Option<f64>,
    pub price_currency: Option<String>,
    pub price_unit: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Server {
    pub server: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub environment: Option<String>,
    pub host: Option<String>,
    pub format: Option<String>,
}

/// A property with its place in the schema: `object` and a dotted `name` for nested properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Column<'a> {
    pub object: &'a str,
    pub name: String,
    pub property: &'a Property,
}

impl Contract {
    /// Reads the typed view of a validated document.
    pub fn from_document(doc: &Value) -> Result<Contract, String> {
        serde_path_to_error::deserialize(doc).map_err(|e| match e.path().to_string() {
            path if path == "." => e.into_inner().to_string(),
            path => format!("{path}: {}", e.into_inner()),
        })
    }

    /// Every property of every schema object, nested ones flattened as `parent.child`.
    pub fn columns(&self) -> Vec<Column<'_>> {
        fn walk<'a>(
            object: &'a str,
            prefix: &str,
            props: &'a [Property],
            out: &mut Vec<Column<'a>>,
        ) {
            for p in props {
                let name = if prefix.is_empty() {
                    p.name.clone()
                } else {
                    format!("{prefix}.{}", p.name)
                };
                out.push(Column {
                    object,
                    name: name.clone(),
                    property: p,
                });
                walk(object, &name, &p.properties, out);
            }
        }
        let mut out = Vec::new();
        for o in &self.schema {
            walk(&o.name, "", &o.properties, &mut out);
        }
        out
    }

    pub fn support(&self) -> &[Support] {
        self.support.as_deref().unwrap_or_default()
    }
}

impl Property {
    /// Personal data: a `pii` custom property or tag, or a classification that says so.
    pub fn is_pii(&self) -> bool {
        let flagged = self.custom_properties.iter().any(|c| {
            c.property.eq_ignore_ascii_case("pii")
                && matches!(&c.value, Value::Bool(true))
                || matches!(&c.value, Value::String(s) if c.property.eq_ignore_ascii_case("pii") && s.eq_ignore_ascii_case("true"))
        });
        let tagged = self.tags.iter().any(|t| t.eq_ignore_ascii_case("pii"));
        let classified = self.classification.as_deref().is_some_and(|c| {
            let c = c.to_lowercase();
            c.contains("pii") || c.contains("personal")
        });
        flagged || tagged || classified
    }
}

impl Quality {
    /// `text`, `library`, `sql` or `custom` (ODCS defaults to library).
    pub fn rule_type(&self) -> String {
        self.kind.clone().unwrap_or_else(|| {
            if self.query.is_some() {
                "sql".into()
            } else if self.metric.is_some() || self.rule.is_some() {
                "library".into()
            } else {
                "text".into()
            }
        })
    }

    pub fn metric_name(&self) -> Option<String> {
        self.metric.clone().or_else(|| self.rule.clone())
    }

    /// The operator and threshold, e.g. (`mustBeLessOrEqualTo`, `5`).
    pub fn threshold(&self) -> Option<(&'static str, String)> {
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        [
            ("mustBe", &self.must_be),
            ("mustNotBe", &self.must_not_be),
            ("mustBeGreaterThan", &self.must_be_greater_than),
            ("mustBeGreaterOrEqualTo", &self.must_be_greater_or_equal_to),
            ("mustBeLessThan", &self.must_be_less_than),
            ("mustBeLessOrEqualTo", &self.must_be_less_or_equal_to),
            ("mustBeBetween", &self.must_be_between),
            ("mustNotBeBetween", &self.must_not_be_between),
        ]
        .into_iter()
        .find_map(|(op, v)| v.as_ref().map(|v| (op, text(v))))
    }
}

/// An SLA value as text (numbers without a trailing `.0`).
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
