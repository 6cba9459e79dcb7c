//! `/healthz`: the process answers. `/readyz`: the database answers too (for load balancers).
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::state::AppState;

/// How long `/readyz` waits for the database: a lost database is reported well inside a load balancer's usual
/// 2 s health-check timeout, whatever the pool's acquire timeout.
pub const READY_TIMEOUT: Duration = Duration::from_secs(1);

pub async fn alive() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let outcome = tokio::time::timeout(READY_TIMEOUT, mesh::db::ping(&state.ctx.db)).await;
    match outcome {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok" })),
        ),
        failed => {
            match failed {
                Ok(Err(err)) => tracing::warn!(error = %err, "readiness check failed"),
                _ => tracing::warn!(
                    "readiness check failed: the database did not answer within {READY_TIMEOUT:?}"
                ),
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}
