//! Results pipelines push: quality runs (our JSON, or datacontract-cli's `test --publish` payload) and SLA
//! measurements. They feed the Quality tab, the SLA history and the policies.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::access::Viewer;
use crate::db::begin_write;
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};

/// Agora's own quality result format.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QualityRunInput {
    /// Output port slug (optional).
    pub port: Option<String>,
    pub run_id: Option<String>,
    /// passed | warning | failed | error
    pub result: RunResult,
    #[serde(default)]
    pub checks: Vec<CheckInput>,
    /// When the run happened (default: now).
    pub observed_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RunResult {
    Passed,
    Warning,
    Failed,
    Error,
}

impl RunResult {
    fn as_str(self) -> &'static str {
        match self {
            RunResult::Passed => "passed",
            RunResult::Warning => "warning",
            RunResult::Failed => "failed",
            RunResult::Error => "error",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckInput {
    pub name: String,
    pub result: RunResult,
    pub field: Option<String>,
    pub details: Option<String>,
}

/// Reads a JSON body into `T`, naming the field at fault (`checks[1].result: unknown variant ...`). Text
/// holding the NUL character (`\u0000`) is refused wherever it is, since PostgreSQL cannot store it.
pub fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    let field = |path: String| if path == "." { "body".into() } else { path };
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Error::invalid("body", format!("not valid JSON: {e}")))?;
    if let Some(path) = nul_at(&value, &mut String::new()) {
        return Err(Error::invalid(
            field(path),
            "text may not contain the NUL character (\\u0000)",
        ));
    }
    serde_path_to_error::deserialize(value)
        .map_err(|e| Error::invalid(field(e.path().to_string()), e.inner().to_string()))
}

/// The path (`checks[0].name`, `.` for the whole body) of the first key or string holding NUL.
fn nul_at(value: &Value, path: &mut String) -> Option<String> {
    match value {
        Value::String(s) if s.contains('\0') => Some(if path.is_empty() {
            ".".into()
        } else {
            path.clone()
        }),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = nul_at(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(key, child)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let found = if key.contains('\0') {
                Some(path.clone())
            } else {
                nul_at(child, path)
            };
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

/// When a result was observed: now if not said; refused before 1970 or more than a day ahead (a run dated
/// years ahead would count as the latest, and as recent, for years; PostgreSQL cannot store far dates).
fn observed(field: &str, at: Option<DateTime<Utc>>) -> Result<DateTime<Utc>> {
    let now = Utc::now();
    match at {
        None => Ok(now),
        Some(at) if at < DateTime::UNIX_EPOCH => Err(Error::invalid(
            field,
            format!("{at} is before 1970: give the time the run happened"),
        )),
        Some(at) if at > now + Duration::days(1) => Err(Error::invalid(
            field,
            format!("{at} is in the future: give the time the run happened"),
        )),
        Some(at) => Ok(at),
    }
}

async fn product_for_results(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    slug: &str,
) -> Result<data_product::Model> {
    let product = crate::catalog::listing::find_product(db, viewer, domain, slug).await?;
    viewer.require(
        viewer.may_push_results(product.owner_team_id),
        "push results for this product (its team, with a `results` token)",
    )?;
    Ok(product)
}

async fn port_id(
    db: &impl ConnectionTrait,
    product_id: i64,
    port: Option<&str>,
) -> Result<Option<i64>> {
    match port {
        None => Ok(None),
        Some(slug) => OutputPort::find()
            .filter(output_port::Column::ProductId.eq(product_id))
            .filter(output_port::Column::Slug.eq(slug))
            .one(db)
            .await?
            .map(|p| Some(p.id))
            .ok_or_else(|| {
                Error::invalid("port", format!("this product has no output port `{slug}`"))
            }),
    }
}

/// A stored quality run, as the pipeline that pushed it and the Quality tab see it.
#[derive(Clone, Debug, PartialEq)]
pub struct QualityRunView {
    pub id: i64,
    pub port_id: Option<i64>,
    /// `agora` or `datacontract-cli`
    pub source: String,
    pub run_id: String,
    /// passed | warning | failed | error
    pub result: String,
    /// `[{name, result, field?, details?}]`
    pub checks: Value,
    pub passed: i32,
    pub failed: i32,
    pub observed_at: DateTime<Utc>,
}

impl QualityRunView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(run: quality_run::Model) -> Self {
        Self {
            id: run.id,
            port_id: run.port_id,
            source: run.source,
            run_id: run.run_id,
            result: run.result,
            checks: run.checks,
            passed: run.passed,
            failed: run.failed,
            observed_at: run.observed_at,
        }
    }
}

/// A run to store.
struct NewRun<'a> {
    product_id: i64,
    port_id: Option<i64>,
    source: &'a str,
    run_id: String,
    result: &'a str,
    checks: Value,
    observed_at: DateTime<Utc>,
}

async fn store_run(db: &impl ConnectionTrait, run: NewRun<'_>) -> Result<quality_run::Model> {
    let NewRun {
        product_id,
        port_id,
        source,
        run_id,
        result,
        checks,
        observed_at,
    } = run;
    let list = checks.as_array().cloned().unwrap_or_default();
    let passed = list.iter().filter(|c| c["result"] == "passed").count() as i32;
    let failed = list
        .iter()
        .filter(|c| matches!(c["result"].as_str(), Some("failed") | Some("error")))
        .count() as i32;
    let row = quality_run::ActiveModel {
        product_id: Set(product_id),
        port_id: Set(port_id),
        source: Set(source.into()),
        run_id: Set(run_id),
        result: Set(result.into()),
        checks: Set(checks),
        passed: Set(passed),
        failed: Set(failed),
        observed_at: Set(observed_at),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::evaluate::evaluate_product(db, product_id).await?;
    Ok(row)
}

/// Stores a quality run in Agora's format for `domain/product` (again if the database aborted it to break a
/// deadlock with another writer).
pub async fn push_quality(
    db: &DatabaseConnection,
    viewer: &Viewer,
    domain: &str,
    slug: &str,
    input: QualityRunInput,
) -> Result<QualityRunView> {
    crate::db::retry(|| push_quality_once(db, viewer, domain, slug, input.clone()))
        .await
        .map(QualityRunView::from_row)
}

async fn push_quality_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    domain: &str,
    slug: &str,
    input: QualityRunInput,
) -> Result<quality_run::Model> {
    let observed_at = observed("observedAt", input.observed_at)?;
    let tx = begin_write(db).await?;
    let product = product_for_results(&tx, viewer, domain, slug).await?;
    let port = port_id(&tx, product.id, input.port.as_deref()).await?;
    let checks = Value::Array(
        input
            .checks
            .iter()
            .map(|c| json!({"name": c.name, "result": c.result.as_str(), "field": c.field, "details": c.details}))
            .collect(),
    );
    let run = store_run(
        &tx,
        NewRun {
            product_id: product.id,
            port_id: port,
            source: "agora",
            run_id: input
                .run_id
                .unwrap_or_else(crate::access::secrets::random_token),
            result: input.result.as_str(),
            checks,
            observed_at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

/// The run datacontract-cli publishes (`datacontract test --publish URL`); unknown keys are ignored because
/// versions differ. Only `checks[].type` is required by the tool; we need a result too.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataContractCliRun {
    pub run_id: Option<String>,
    pub data_contract_id: Option<String>,
    pub data_product_id: Option<String>,
    pub server: Option<String>,
    pub timestamp_end: Option<DateTime<Utc>>,
    pub timestamp_start: Option<DateTime<Utc>>,
    pub result: String,
    #[serde(default)]
    pub checks: Vec<DataContractCliCheck>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataContractCliCheck {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: Option<String>,
    pub key: Option<String>,
    pub result: Option<String>,
    pub model: Option<String>,
    pub field: Option<String>,
    pub reason: Option<String>,
}

/// Stores a datacontract-cli run. The product is found by `dataProductId` (`domain/product`, or a product
/// slug that is unique) or else by `dataContractId` (the ODCS id of one of its contracts).
pub async fn push_datacontract_cli(
    db: &DatabaseConnection,
    viewer: &Viewer,
    run: DataContractCliRun,
) -> Result<(String, QualityRunView)> {
    crate::db::retry(|| push_datacontract_cli_once(db, viewer, run.clone()))
        .await
        .map(|(product, run)| (product, QualityRunView::from_row(run)))
}

async fn push_datacontract_cli_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    run: DataContractCliRun,
) -> Result<(String, quality_run::Model)> {
    let allowed = ["passed", "warning", "failed", "error", "info"];
    if !allowed.contains(&run.result.as_str()) {
        return Err(Error::invalid(
            "result",
            format!("must be one of: {}", allowed.join(", ")),
        ));
    }
    let observed_at = match run.timestamp_end {
        Some(end) => observed("timestampEnd", Some(end))?,
        None => observed("timestampStart", run.timestamp_start)?,
    };
    let tx = begin_write(db).await?;
    let target: (String, String) = if let Some(id) =
        run.data_product_id.as_deref().filter(|s| !s.is_empty())
    {
        match id.split_once('/') {
            Some((d, p)) => (d.to_owned(), p.to_owned()),
            None => {
                let slug = crate::validate::slugify(id);
                let matches = DataProduct::find()
                    .filter(data_product::Column::Slug.eq(slug.as_str()))
                    .all(&tx)
                    .await?;
                match matches.as_slice() {
                    [one] => (
                        Domain::find_by_id(one.domain_id)
                            .one(&tx)
                            .await?
                            .map(|d| d.slug)
                            .unwrap_or_default(),
                        one.slug.clone(),
                    ),
                    [] => {
                        return Err(Error::invalid(
                            "dataProductId",
                            format!("no data product `{id}`"),
                        ));
                    }
                    _ => {
                        return Err(Error::invalid(
                            "dataProductId",
                            format!("`{id}` is ambiguous: write it as domain/product"),
                        ));
                    }
                }
            }
        }
    } else if let Some(id) = run.data_contract_id.as_deref().filter(|s| !s.is_empty()) {
        let contract = DataContract::find()
            .filter(data_contract::Column::OdcsId.eq(id))
            .one(&tx)
            .await?
            .ok_or_else(|| Error::invalid("dataContractId", format!("no data contract `{id}`")))?;
        let p = DataProduct::find_by_id(contract.product_id)
            .one(&tx)
            .await?
            .ok_or_else(|| Error::not_found("data product"))?;
        (
            Domain::find_by_id(p.domain_id)
                .one(&tx)
                .await?
                .map(|d| d.slug)
                .unwrap_or_default(),
            p.slug,
        )
    } else {
        return Err(Error::invalid(
            "dataContractId",
            "name the data contract (dataContractId) or the data product (dataProductId)",
        ));
    };
    let product = product_for_results(&tx, viewer, &target.0, &target.1).await?;
    let result = if run.result == "info" {
        "passed".to_owned()
    } else {
        run.result.clone()
    };
    let checks = Value::Array(
        run.checks
            .iter()
            .map(|c| {
                json!({
                    "name": c.name.clone().or_else(|| c.key.clone()).unwrap_or_else(|| c.kind.clone()),
                    "result": c.result.clone().unwrap_or_else(|| "unknown".into()),
                    "field": match (&c.model, &c.field) {
                        (Some(m), Some(f)) => Some(format!("{m}.{f}")),
                        (Some(m), None) => Some(m.clone()),
                        (None, f) => f.clone(),
                    },
                    "details": c.reason,
                })
            })
            .collect(),
    );
    let stored = store_run(
        &tx,
        NewRun {
            product_id: product.id,
            port_id: None,
            source: "datacontract-cli",
            run_id: run
                .run_id
                .unwrap_or_else(crate::access::secrets::random_token),
            result: &result,
            checks,
            observed_at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((format!("{}/{}", target.0, target.1), stored))
}

/// One SLA observation.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeasurementInput {
    pub port: Option<String>,
    /// availability (percent), freshness or latency (in `unit`, default minutes)
    pub property: String,
    pub value: f64,
    pub unit: Option<String>,
    /// Whether the SLA was met; computed from the contract's SLA when absent.
    pub met: Option<bool>,
    pub observed_at: Option<DateTime<Utc>>,
}

/// Stores SLA measurements (one or many) for `domain/product`.
pub async fn push_measurements(
    db: &DatabaseConnection,
    viewer: &Viewer,
    domain: &str,
    slug: &str,
    inputs: Vec<MeasurementInput>,
) -> Result<usize> {
    crate::db::retry(|| push_measurements_once(db, viewer, domain, slug, inputs.clone())).await
}

async fn push_measurements_once(
    db: &DatabaseConnection,
    viewer: &Viewer,
    domain: &str,
    slug: &str,
    inputs: Vec<MeasurementInput>,
) -> Result<usize> {
    let tx = begin_write(db).await?;
    let product = product_for_results(&tx, viewer, domain, slug).await?;
    let contract_ids: Vec<i64> = crate::catalog::contracts::of_product(&tx, product.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let declared = ContractSla::find()
        .filter(contract_sla::Column::ContractId.is_in(contract_ids))
        .all(&tx)
        .await?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, m) in inputs.iter().enumerate() {
        let observed_at = match observed(&format!("[{i}].observedAt"), m.observed_at) {
            Ok(at) => at,
            Err(Error::Invalid(e)) => {
                errors.extend(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        let property = m.property.trim().to_lowercase();
        if !["availability", "freshness", "latency"].contains(&property.as_str()) {
            errors.push(FieldError::new(
                format!("[{i}].property"),
                "must be availability, freshness or latency",
            ));
            continue;
        }
        let unit = m
            .unit
            .clone()
            .or_else(|| (property != "availability").then(|| "m".to_owned()));
        let met = match m.met {
            Some(met) => met,
            None => {
                // Freshness is judged against the declared latency (how late data may be).
                let against = if property == "freshness" {
                    "latency"
                } else {
                    property.as_str()
                };
                match declared
                    .iter()
                    .find(|s| s.property.eq_ignore_ascii_case(against))
                {
                    None => {
                        errors.push(FieldError::new(
                            format!("[{i}].met"),
                            format!(
                                "the contract declares no {against}; say whether the SLA was met"
                            ),
                        ));
                        continue;
                    }
                    Some(sla) => {
                        let target =
                            crate::catalog::diff::normalized(&sla.value, sla.unit.as_deref());
                        let observed =
                            crate::catalog::diff::normalized(&m.value.to_string(), unit.as_deref());
                        match (target, observed) {
                            (Some(t), Some(o)) if property == "availability" => o >= t,
                            (Some(t), Some(o)) => o <= t,
                            _ => {
                                errors.push(FieldError::new(format!("[{i}].unit"), "unknown unit"));
                                continue;
                            }
                        }
                    }
                }
            }
        };
        let port = match port_id(&tx, product.id, m.port.as_deref()).await {
            Ok(p) => p,
            Err(Error::Invalid(mut e)) => {
                e[0].field = format!("[{i}].port");
                errors.extend(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        rows.push(sla_measurement::ActiveModel {
            product_id: Set(product.id),
            port_id: Set(port),
            property: Set(property),
            value: Set(m.value),
            unit: Set(unit),
            met: Set(met),
            source: Set("agora".into()),
            observed_at: Set(observed_at),
            created_at: Set(Utc::now()),
            ..Default::default()
        });
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let n = rows.len();
    if !rows.is_empty() {
        SlaMeasurement::insert_many(rows)
            .exec_without_returning(&tx)
            .await?;
    }
    super::evaluate::evaluate_product(&tx, product.id).await?;
    tx.commit().await?;
    Ok(n)
}

/// The share of SLA measurements that met the SLA, over 30 and 90 days.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlaHistory {
    pub met_30: Option<f64>,
    pub count_30: usize,
    pub met_90: Option<f64>,
    pub count_90: usize,
    /// The ten newest measurements, newest first.
    pub latest: Vec<MeasurementView>,
}

/// One stored SLA measurement.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementView {
    pub port_id: Option<i64>,
    /// The contract's SLA property it measures (`availability`, `latency`, ...).
    pub property: String,
    pub value: f64,
    pub unit: Option<String>,
    pub met: bool,
    pub source: String,
    pub observed_at: DateTime<Utc>,
}

impl MeasurementView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(m: sla_measurement::Model) -> Self {
        Self {
            port_id: m.port_id,
            property: m.property,
            value: m.value,
            unit: m.unit,
            met: m.met,
            source: m.source,
            observed_at: m.observed_at,
        }
    }
}

pub async fn sla_history(db: &impl ConnectionTrait, product_id: i64) -> Result<SlaHistory> {
    let now = Utc::now();
    let rows = SlaMeasurement::find()
        .filter(sla_measurement::Column::ProductId.eq(product_id))
        .filter(sla_measurement::Column::ObservedAt.gte(now - Duration::days(90)))
        .order_by_desc(sla_measurement::Column::ObservedAt)
        .all(db)
        .await?;
    let share = |days: i64| {
        let window: Vec<&sla_measurement::Model> = rows
            .iter()
            .filter(|m| m.observed_at >= now - Duration::days(days))
            .collect();
        let met = window.iter().filter(|m| m.met).count();
        (
            (!window.is_empty()).then(|| met as f64 * 100.0 / window.len() as f64),
            window.len(),
        )
    };
    let (met_30, count_30) = share(30);
    let (met_90, count_90) = share(90);
    Ok(SlaHistory {
        met_30,
        count_30,
        met_90,
        count_90,
        latest: rows
            .into_iter()
            .take(10)
            .map(MeasurementView::from_row)
            .collect(),
    })
}

/// The latest quality runs of a product, newest first.
pub async fn runs(
    db: &impl ConnectionTrait,
    product_id: i64,
    limit: u64,
) -> Result<Vec<QualityRunView>> {
    Ok(QualityRun::find()
        .filter(quality_run::Column::ProductId.eq(product_id))
        .order_by_desc(quality_run::Column::ObservedAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(QualityRunView::from_row)
        .collect())
}
