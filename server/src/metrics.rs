//! Prometheus metrics: the process-wide recorder (`metrics-exporter-prometheus`, rendered by us and served by
//! axum), the HTTP middleware, and what the server itself counts (database pool, background jobs, webhook
//! deliveries, sign-ins, rate limits). `mesh::metrics` counts search, evaluations and database errors.
//!
//! `/metrics` is served on the main port to `Authorization: Bearer $AGORA_METRICS_TOKEN`, and without a token
//! on `AGORA_METRICS_ADDR`; with neither, nothing is recorded and `/metrics` answers 404.
//!
//! Every label value comes from a closed set (route templates, not paths; status codes; job names; problem
//! codes), so a client cannot grow the number of series.
use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mesh::DatabaseConnection;
use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Unit,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::DbBackend;

use crate::problem::Problem;
use crate::routes::PlainRoutes;

pub const HTTP_REQUESTS: &str = "agora_http_requests_total";
pub const HTTP_DURATION: &str = "agora_http_request_duration_seconds";
pub const HTTP_IN_FLIGHT: &str = "agora_http_requests_in_flight";
pub const DB_POOL_CONNECTIONS: &str = "agora_db_pool_connections";
pub const DB_POOL_MAX: &str = "agora_db_pool_max_connections";
pub const JOB_RUNS: &str = "agora_job_runs_total";
pub const JOB_DURATION: &str = "agora_job_duration_seconds";
pub const WEBHOOK_DELIVERIES: &str = "agora_webhook_deliveries_total";
pub const WEBHOOK_QUEUE_DEPTH: &str = "agora_webhook_queue_depth";
pub const SIGN_INS: &str = "agora_sign_ins_total";
pub const RATE_LIMIT_REJECTIONS: &str = "agora_rate_limit_rejections_total";

/// Background jobs, as the `job` label names them.
pub const JOBS: [&str; 5] = [
    "webhooks",
    "housekeeping",
    "expiry",
    "governance",
    "sessions",
];
/// Rate limiters, as the `limiter` label names them.
pub const LIMITERS: [&str; 3] = ["sign_in", "writes_and_tokens", "anonymous_reads"];

/// Request latencies: 5 ms to 10 s.
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Background work: 10 ms to 10 min (the daily governance run of a large mesh takes minutes).
const JOB_BUCKETS: [f64; 12] = [
    0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 180.0, 600.0,
];
/// How often histogram samples are folded into their buckets between scrapes (bounds their memory).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder, once per process (tests start many applications in one process, which
/// then share it: counters only grow, so compare them before and after, never with a fixed number).
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(JOB_DURATION.into()), &JOB_BUCKETS))
            .expect("bucket lists are not empty");
        let handle = match builder.install_recorder() {
            Ok(handle) => handle,
            Err(err) => {
                // Another recorder was installed first: ours would see nothing, but `/metrics` still answers.
                tracing::warn!(error = %err, "metrics: could not install the Prometheus recorder");
                PrometheusBuilder::new().build_recorder().handle()
            }
        };
        describe();
        mesh::metrics::describe();
        let upkeep = handle.clone();
        let started = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            });
        if let Err(err) = started {
            tracing::warn!(error = %err, "metrics: no upkeep thread; histograms are folded at scrape time only");
        }
        handle
    })
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        Unit::Count,
        "HTTP requests answered, by route template, method and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request (until the response head), by route template, method and status."
    );
    describe_gauge!(
        HTTP_IN_FLIGHT,
        Unit::Count,
        "HTTP requests being answered now."
    );
    describe_gauge!(
        DB_POOL_CONNECTIONS,
        Unit::Count,
        "Database pool connections by state (in_use, idle), read at scrape time."
    );
    describe_gauge!(
        DB_POOL_MAX,
        Unit::Count,
        "The most connections the database pool opens (AGORA_DB_MAX_CONNECTIONS)."
    );
    describe_counter!(
        JOB_RUNS,
        Unit::Count,
        "Background job runs by job (webhooks, housekeeping, expiry, governance, sessions) and outcome (ok, failed, skipped)."
    );
    describe_histogram!(
        JOB_DURATION,
        Unit::Seconds,
        "How long a background job run took (skipped runs are not measured)."
    );
    describe_counter!(
        WEBHOOK_DELIVERIES,
        Unit::Count,
        "Webhook delivery attempts by outcome (delivered, retrying, failed: gave up after the last attempt)."
    );
    describe_gauge!(
        WEBHOOK_QUEUE_DEPTH,
        Unit::Count,
        "Webhook deliveries waiting to be made (due now or retrying later), read by the delivery job."
    );
    describe_counter!(
        SIGN_INS,
        Unit::Count,
        "Sign-ins finished, by provider (a configured id, demo, or unknown) and outcome (success, or the problem code shown on /login)."
    );
    describe_counter!(
        RATE_LIMIT_REJECTIONS,
        Unit::Count,
        "Requests refused with 429, by limiter (sign_in, writes_and_tokens, anonymous_reads)."
    );
    for job in JOBS {
        for outcome in ["ok", "failed"] {
            counter!(JOB_RUNS, "job" => job, "outcome" => outcome).increment(0);
        }
    }
    for limiter in LIMITERS {
        counter!(RATE_LIMIT_REJECTIONS, "limiter" => limiter).increment(0);
    }
    gauge!(HTTP_IN_FLIGHT).increment(0.0);
}

/// The text a scrape gets: the pool's gauges read now, then everything recorded.
pub fn render(db: &DatabaseConnection) -> String {
    record_pool(db);
    let handle = install();
    handle.run_upkeep();
    handle.render()
}

fn record_pool(db: &DatabaseConnection) {
    let (size, idle, max) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => return,
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
    gauge!(DB_POOL_CONNECTIONS, "state" => "in_use").set(f64::from(size - idle));
    gauge!(DB_POOL_CONNECTIONS, "state" => "idle").set(f64::from(idle));
    gauge!(DB_POOL_MAX).set(f64::from(max));
}

fn exposition(body: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// What `/metrics` on the main port needs: the pool to read, and the token's hash to compare with (None: no
/// token is configured, so there are no metrics on this port).
#[derive(Clone)]
pub struct Scrape {
    db: DatabaseConnection,
    token_hash: Option<String>,
}

impl Scrape {
    pub fn new(db: DatabaseConnection, token: Option<&str>) -> Self {
        Self {
            db,
            token_hash: token.map(mesh::access::secrets::hash),
        }
    }
}

/// Whether the headers carry `Authorization: Bearer <token>` for the token hashed as `token_hash`. The hashes are
/// compared in constant time, so neither the answer's timing nor the token's length tells anything.
fn admits(token_hash: &str, headers: &HeaderMap) -> bool {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(presented) = presented else {
        return false;
    };
    let given = mesh::access::secrets::hash(presented);
    given.len() == token_hash.len()
        && given
            .bytes()
            .zip(token_hash.bytes())
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

/// GET `/metrics` on the main port: for the bearer of `AGORA_METRICS_TOKEN` only; 404 whatever the request
/// carries when no token is configured.
pub async fn scrape_with_token(State(scrape): State<Scrape>, headers: HeaderMap) -> Response {
    let Some(token_hash) = &scrape.token_hash else {
        return Problem::new(StatusCode::NOT_FOUND, "metrics are not served on this port")
            .into_response();
    };
    if !admits(token_hash, &headers) {
        let mut refused = Problem::new(
            StatusCode::UNAUTHORIZED,
            "metrics need Authorization: Bearer with the metrics token",
        )
        .into_response();
        refused.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return refused;
    }
    exposition(render(&scrape.db))
}

/// GET `/metrics` on `AGORA_METRICS_ADDR`: whoever reaches that listener may read.
pub async fn scrape_open(State(db): State<DatabaseConnection>) -> Response {
    exposition(render(&db))
}

/// The listener of its own on `AGORA_METRICS_ADDR`: `/metrics` and nothing else.
pub fn listener_router(db: DatabaseConnection) -> axum::Router {
    axum::Router::new()
        .plain(crate::routes::METRICS, scrape_open)
        .with_state(db)
}

/// Counts the request in flight for as long as it is being answered, also when the client goes away first.
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        gauge!(HTTP_IN_FLIGHT).increment(1.0);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        gauge!(HTTP_IN_FLIGHT).decrement(1.0);
    }
}

/// The server functions' paths (`/api/search`...): a closed set, so each is its own route label.
fn server_fn_paths() -> &'static HashSet<&'static str> {
    static PATHS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    PATHS.get_or_init(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect()
    })
}

/// The `route` label: the matched route template (`/api/v1/products/{domain}/{product}`), a server function's
/// own path, or None when no route matched (the site's files and 404s).
fn route_of(request: &Request) -> Option<String> {
    let matched = request.extensions().get::<MatchedPath>()?.as_str();
    if matched.contains("{*__private__") {
        // A nested router's catch-all: no route of ours matched.
        return None;
    }
    if matched == "/api/{*fn_name}" {
        let path = request.uri().path();
        return Some(match server_fn_paths().get(path) {
            Some(known) => (*known).to_owned(),
            None => matched.to_owned(),
        });
    }
    Some(matched.to_owned())
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware (the outermost layer): requests by route, method and status, their latency, and those in flight.
pub async fn track(request: Request, next: Next) -> Response {
    let route = route_of(&request);
    let method = method_label(request.method());
    let in_flight = InFlight::enter();
    let started = Instant::now();
    let response = next.run(request).await;
    let took = started.elapsed();
    drop(in_flight);
    let status = response.status();
    let route = route.unwrap_or_else(|| {
        if status == StatusCode::NOT_FOUND {
            "unmatched".to_owned()
        } else {
            // Served by the fallback: the built site's files and public assets.
            "static".to_owned()
        }
    });
    let labels = [
        ("route", route),
        ("method", method.to_owned()),
        ("status", status.as_u16().to_string()),
    ];
    counter!(HTTP_REQUESTS, &labels).increment(1);
    histogram!(HTTP_DURATION, &labels).record(took.as_secs_f64());
    response
}

/// A background job's run: `outcome` is `ok`, `failed`, or `skipped` (nothing was due; not timed).
pub fn job_ran(job: &'static str, outcome: &'static str, took: Duration) {
    counter!(JOB_RUNS, "job" => job, "outcome" => outcome).increment(1);
    if outcome != "skipped" {
        histogram!(JOB_DURATION, "job" => job).record(took.as_secs_f64());
    }
}

/// A webhook delivery attempt: `delivered`, `retrying` or `failed` (its last attempt).
pub fn webhook_delivery(outcome: &'static str) {
    counter!(WEBHOOK_DELIVERIES, "outcome" => outcome).increment(1);
}

pub fn webhook_queue_depth(pending: u64) {
    gauge!(WEBHOOK_QUEUE_DEPTH).set(pending as f64);
}

/// A sign-in finished: `outcome` is `success` or a `SignInProblem` code.
pub fn sign_in(provider: &str, outcome: &'static str) {
    counter!(SIGN_INS, "provider" => provider.to_owned(), "outcome" => outcome).increment(1);
}

/// A request refused by one of [`LIMITERS`].
pub fn rate_limited(limiter: &'static str) {
    counter!(RATE_LIMIT_REJECTIONS, "limiter" => limiter).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_metrics_token_is_admitted() {
        let hash = mesh::access::secrets::hash("scrape-me-0123456789");
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            headers
        };
        assert!(admits(&hash, &with("Bearer scrape-me-0123456789")));
        assert!(admits(&hash, &with("bearer scrape-me-0123456789")));
        assert!(!admits(&hash, &with("Bearer scrape-me-012345678")));
        assert!(!admits(&hash, &with("Basic scrape-me-0123456789")));
        assert!(!admits(&hash, &with("scrape-me-0123456789")));
        assert!(!admits(&hash, &HeaderMap::new()));
    }
}
