//! RFC 9457 problem documents: every error of the HTTP API, and the middleware's refusals, answer with one.
use app::error::AppError;
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
    /// The error this answers, when it came from one: an internal or unavailable one is reported (logged) by
    /// [`report_incidents`] with the request's method and path, never sent.
    #[serde(skip)]
    pub incident: Option<AppError>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            incident: None,
        }
    }
}

/// The API's view of an error is the pages' view ([`AppError`]: status and words), written as a problem
/// document; the words for an API client come from [`AppError::detail`].
impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Problem {
            errors: error
                .fields()
                .iter()
                .map(|f| mesh::FieldError::new(&f.field, &f.message))
                .collect(),
            incident: Some(error.clone()),
            ..Problem::new(status, error.detail())
        }
    }
}

/// A mesh error goes through the one mapping, [`AppError`]'s `From<mesh::Error>`, so `?` in a handler answers
/// with the pages' status and words.
impl From<mesh::Error> for Problem {
    fn from(err: mesh::Error) -> Self {
        AppError::from(err).into()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let incident = self.incident.clone();
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(app::error::RETRY_AFTER_SECONDS),
            );
        }
        if let Some(incident) = incident {
            response.extensions_mut().insert(Incident(incident));
        }
        response
    }
}

/// The error a problem answer came from, handed to [`report_incidents`] in the response's extensions.
#[derive(Clone)]
struct Incident(AppError);

/// Reports the error behind a problem answer (a REST handler's, or a middleware's such as the token check), saying
/// which call failed: method and path. Only internal and unavailable errors are logged (see
/// [`app::error::report`]).
pub async fn report_incidents(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let call = format!("{} {}", request.method(), request.uri().path());
    let response = next.run(request).await;
    if let Some(Incident(error)) = response.extensions().get::<Incident>() {
        app::error::report(error, &call);
    }
    response
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

/// What a browser gets instead of JSON when a middleware could not reach the database before any page rendered
/// (e.g. the session lookup of a signed-in visitor): the same words as the pages' "temporarily unavailable" panel.
const UNAVAILABLE_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Temporarily unavailable</title>
<link rel="stylesheet" href="/pkg/agora.css"/>
</head>
<body class="bg-slate-50 text-slate-900">
<main class="mx-auto max-w-xl py-16 text-center" role="alert" data-testid="unavailable">
<p class="text-sm font-semibold text-amber-600">503</p>
<h1 class="mt-2 text-3xl font-bold tracking-tight">Temporarily unavailable</h1>
<p class="mt-4 text-slate-600">Agora is temporarily unavailable, try again in a moment.</p>
<a href="" class="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white">Try again</a>
</main>
</body>
</html>
"#;

/// Turns a 503 problem document answered to a browser's page request (GET or HEAD of a non-API path that accepts
/// HTML) into the "temporarily unavailable" page. API clients keep their problem document.
pub async fn unavailable_as_page(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let wants_page = matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) && !request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let response = next.run(request).await;
    let problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == "application/problem+json");
    if !(wants_page && problem && response.status() == StatusCode::SERVICE_UNAVAILABLE) {
        return response;
    }
    let mut page = (
        StatusCode::SERVICE_UNAVAILABLE,
        axum::response::Html(UNAVAILABLE_PAGE),
    )
        .into_response();
    page.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(app::error::RETRY_AFTER_SECONDS),
    );
    page
}
