//! Request safety: state changes must come from our own pages, and every response carries security headers.
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;
use crate::state::AppState;

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a state-changing request that a browser says comes from another site: `Sec-Fetch-Site` other than
/// same-origin/none, or an `Origin` that is neither our public URL nor this request's own host. Requests with
/// neither header (curl, pipelines with a token) pass; SameSite=Lax cookies are not sent cross-site anyway.
pub async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return forbidden(&format!(
                "cross-site request refused (Sec-Fetch-Site: {site})"
            ));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let own = [
            state.auth.public_origin.clone(),
            format!("http://{host}"),
            format!("https://{host}"),
        ];
        if !own.iter().any(|o| o == origin) {
            return forbidden(&format!("request from another origin refused ({origin})"));
        }
    }
    next.run(request).await
}

fn forbidden(detail: &str) -> Response {
    tracing::warn!("{detail}");
    Problem::new(StatusCode::FORBIDDEN, detail).into_response()
}

/// Headers for every response. Pages get a CSP with a per-request nonce from the Leptos shell; anything
/// else that has none gets a locked-down one.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    // The page's script nonce is minted here, so the policy naming it can be set below whatever the renderer did
    // with its response options (seen lost now and then under load in the browser tests).
    let nonce = leptos::nonce::Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "referrer-policy",
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let page = html
            .then(|| HeaderValue::from_str(&app::ssr::page_policy(&nonce)).ok())
            .flatten();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            page.unwrap_or(HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'",
            )),
        );
    }
    response
}

/// Gives the page renderer the nonce [`security_headers`] minted for this request (a fresh one outside it).
pub fn provide_page_nonce() {
    let minted = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned());
    match minted {
        Some(nonce) => leptos::prelude::provide_context(nonce),
        None => leptos::nonce::provide_nonce(),
    }
}

/// The origin of a URL (`scheme://host[:port]`).
pub fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => url.trim_end_matches('/').to_owned(),
    }
}
