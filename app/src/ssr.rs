//! Server-only glue: what the server hands to pages and server functions, and how they read it.
use leptos::prelude::*;
use mesh::access::Viewer;
use mesh::DatabaseConnection;

use crate::error::AppError;

/// Shared by every request; provided by the server as Leptos context.
#[derive(Clone)]
pub struct AppContext {
    pub db: DatabaseConnection,
    pub site: std::sync::Arc<SiteInfo>,
    /// The marketplace search's facet cache (shared by every request of this instance).
    pub search: mesh::search::Searcher,
}

/// Settings the pages need to know about.
#[derive(Clone, Debug, Default)]
pub struct SiteInfo {
    /// Sign-in providers as (id, button label).
    pub providers: Vec<(String, String)>,
    /// Demo personas offered for "sign in as" (empty unless demo sign-in is on).
    pub personas: Vec<mesh::seed::Persona>,
}

pub fn app_context() -> Result<AppContext, AppError> {
    use_context::<AppContext>().ok_or_else(|| {
        tracing::error!("AppContext missing from Leptos context");
        AppError::Internal
    })
}

/// Who is asking. The server's session middleware puts a `Viewer` into the request's extensions; without one
/// the request is anonymous.
pub fn viewer() -> Viewer {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .unwrap_or_default()
}

/// Sets the HTTP status of the current response (a page render or a server function call).
pub fn set_status(status: http::StatusCode) {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(status);
    }
}

/// The Content-Security-Policy of a page: scripts only from us or with this response's nonce, wasm allowed.
pub fn page_policy(nonce: &str) -> String {
    let reload = if std::env::var("LEPTOS_WATCH").is_ok() {
        " ws://127.0.0.1:* ws://localhost:*"
    } else {
        ""
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'{reload}; \
         font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    )
}

/// Sets [`page_policy`] on the response being rendered (the server's security middleware also sets it on any
/// page that comes out without one).
pub fn content_security_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = page_policy(&nonce);
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
