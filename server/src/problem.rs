//! RFC 9457 problem documents: every error of the HTTP API, and the middleware's refusals, answer with one.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Field errors for 422, e.g. `{"field": "slug", "message": "must be lowercase"}`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<mesh::FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

/// The API's view of a mesh error: the right status, a readable detail, internal errors logged and hidden.
impl From<mesh::Error> for Problem {
    fn from(err: mesh::Error) -> Self {
        match err {
            mesh::Error::NotFound(what) => {
                Problem::new(StatusCode::NOT_FOUND, format!("{what} not found"))
            }
            mesh::Error::Unauthorized(why) => Problem::new(StatusCode::UNAUTHORIZED, why),
            mesh::Error::Forbidden(what) => {
                Problem::new(StatusCode::FORBIDDEN, format!("you may not {what}"))
            }
            mesh::Error::Invalid(errors) => {
                let detail = errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                Problem {
                    errors,
                    ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
                }
            }
            mesh::Error::Conflict(what) => Problem::new(StatusCode::CONFLICT, what),
            other => {
                tracing::error!(error = %other, "request failed");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}

/// Turns the REST API's remaining plain-text refusals into problem documents: those axum answers before a handler
/// runs, e.g. a body over the size limit (413), an unsupported method (405). Headers such as `Allow` are kept.
pub async fn plain_refusals_as_problems(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let detail = match text.trim() {
        "" => status.canonical_reason().unwrap_or("Error").to_lowercase(),
        text => text.to_owned(),
    };
    let mut problem = Problem::new(status, detail).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().append(name.clone(), value.clone());
        }
    }
    problem
}
