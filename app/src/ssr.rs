//! Server-only glue: what the server hands to pages and server functions, and how they read it.
use leptos::prelude::*;
use mesh::access::Viewer;
use mesh::DatabaseConnection;

use crate::error::AppError;

/// Shared by every request; provided by the server as Leptos context.
#[derive(Clone)]
pub struct AppContext {
    pub db: DatabaseConnection,
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

/// Marks the response of the current page as 404 (used when a server function says not found).
pub fn set_status(status: http::StatusCode) {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(status);
    }
}
