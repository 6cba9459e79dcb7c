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
