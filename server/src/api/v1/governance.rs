//! Results pipelines push (quality runs, SLA measurements, datacontract-cli test results) and the compliance
//! read models as JSON. Pushing needs a token with the `results` scope of a member of the owning team.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use mesh::governance::results::{self, DataContractCliRun, MeasurementInput, QualityRunInput};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{Caller, PathParams};
use crate::problem::Problem;
use crate::state::AppState;

type ApiResult<T> = Result<T, Problem>;

/// A body that does not have the expected shape is a 400 naming the field at fault; well-formed input that
/// the mesh refuses (an unknown port, say) stays a 422.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    results::parse(body).map_err(|e| Problem {
        status: StatusCode::BAD_REQUEST.as_u16(),
        title: "Bad Request",
        ..Problem::from(e)
    })
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredRun {
    pub id: i64,
    /// `domain/product`
    pub product: String,
    pub run_id: String,
    pub result: String,
    pub passed: i32,
    pub failed: i32,
    pub observed_at: DateTime<Utc>,
}

fn stored(product: String, run: results::QualityRunView) -> StoredRun {
    StoredRun {
        id: run.id,
        product,
        run_id: run.run_id,
        result: run.result,
        passed: run.passed,
        failed: run.failed,
        observed_at: run.observed_at,
    }
}

/// Record a quality run: `{"result": "passed|warning|failed|error", "checks": [{"name", "result", "field",
/// "details"}], "port", "runId", "observedAt"}`. The product is re-evaluated against its policies.
#[utoipa::path(post, path = "/api/v1/products/{domain}/{product}/quality-results", tag = "governance",
    request_body(content = Object, description = "A quality run in Agora's format"),
    params(("domain" = String, Path), ("product" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = StoredRun), (status = 400, description = "Malformed body; names the field"),
        (status = 403), (status = 422)))]
pub async fn push_quality(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<StoredRun>)> {
    let input: QualityRunInput = parse(&body)?;
    let run = results::push_quality(&state.ctx.db, &viewer, &domain, &product, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(stored(format!("{domain}/{product}"), run)),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stored {
    pub stored: usize,
}

/// Record SLA measurements, one object or an array: `{"property": "availability|freshness|latency", "value",
/// "unit", "met", "port", "observedAt"}`. `met` is computed from the contract's SLA when absent.
#[utoipa::path(post, path = "/api/v1/products/{domain}/{product}/sla-measurements", tag = "governance",
    request_body(content = Object, description = "One measurement or an array of them"),
    params(("domain" = String, Path), ("product" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = Stored), (status = 400), (status = 403), (status = 422)))]
pub async fn push_measurements(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Stored>)> {
    let many = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let inputs: Vec<MeasurementInput> = if many {
        parse(&body)?
    } else {
        vec![parse(&body)?]
    };
    let stored =
        results::push_measurements(&state.ctx.db, &viewer, &domain, &product, inputs).await?;
    Ok((StatusCode::CREATED, Json(Stored { stored })))
}

/// The endpoint for `datacontract test --publish <agora>/api/v1/datacontract-cli/test-results`. The product
/// is found by `dataProductId` (`domain/product`) or `dataContractId`. Answers 200 (the tool treats anything
/// else as a failure) with a `location-html` header pointing at the product's Quality tab.
#[utoipa::path(post, path = "/api/v1/datacontract-cli/test-results", tag = "governance",
    request_body(content = Object, description = "datacontract-cli's test run"), security(("bearer" = [])),
    responses((status = 200, body = StoredRun), (status = 400), (status = 403), (status = 422)))]
pub async fn push_datacontract_cli(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let run: DataContractCliRun = parse(&body)?;
    let (product, run) = results::push_datacontract_cli(&state.ctx.db, &viewer, run).await?;
    let page = format!("{}/products/{product}/quality", state.auth.public_origin);
    let mut response = Json(stored(product, run)).into_response();
    if let Ok(v) = HeaderValue::from_str(&page) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static("location-html"), v);
    }
    Ok(response)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DomainScore {
    pub slug: String,
    pub name: String,
    /// 0 to 100: the share of applicable policies passed or waived, averaged over the listed products.
    pub score: f64,
    pub products: usize,
    pub blockers: usize,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Compliance {
    pub score: f64,
    pub target: f64,
    pub products: usize,
    pub blockers: usize,
    pub domains: Vec<DomainScore>,
    /// The mesh score of each of the last 30 days (oldest first).
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    pub day: NaiveDate,
    pub score: f64,
}

/// Compliance of the mesh and of each domain (worst first).
#[utoipa::path(get, path = "/api/v1/governance", tag = "governance", responses((status = 200, body = Compliance)))]
pub async fn overview(State(state): State<AppState>) -> ApiResult<Json<Compliance>> {
    let o = mesh::governance::dashboard::overview(&state.ctx.db).await?;
    Ok(Json(Compliance {
        score: o.mesh_score,
        target: o.target,
        products: o.products,
        blockers: o.blockers,
        domains: o
            .domains
            .into_iter()
            .map(|d| DomainScore {
                slug: d.score.slug,
                name: d.score.name,
                score: d.score.score,
                products: d.score.products,
                blockers: d.score.blockers,
            })
            .collect(),
        trend: o
            .trend
            .into_iter()
            .map(|(day, score)| TrendPoint { day, score })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub policy: String,
    pub title: String,
    /// blocker | major | minor
    pub severity: String,
    /// pass | fail | waived | not_applicable
    pub outcome: String,
    pub reason: String,
    pub fix_hint: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductChecks {
    pub score: f64,
    pub checks: Vec<Check>,
}

/// A product's policy checks, failing first, with the reason and how to fix each.
#[utoipa::path(get, path = "/api/v1/products/{domain}/{product}/compliance", tag = "governance",
    params(("domain" = String, Path), ("product" = String, Path)), responses((status = 200, body = ProductChecks), (status = 404)))]
pub async fn product(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
) -> ApiResult<Json<ProductChecks>> {
    let visible = mesh::catalog::products::id_of(&state.ctx.db, &viewer, &domain, &product).await?;
    let c = mesh::governance::dashboard::product(&state.ctx.db, visible).await?;
    Ok(Json(ProductChecks {
        score: c.score,
        checks: c
            .checks
            .into_iter()
            .map(|k| Check {
                policy: k.key,
                title: k.title,
                severity: k.severity.as_str().into(),
                outcome: k.outcome.as_str().into(),
                reason: k.reason,
                fix_hint: k.fix_hint,
            })
            .collect(),
    }))
}
