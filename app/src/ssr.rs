//! Server-only glue: what the server hands to pages and server functions, and how they read it.
use std::sync::Arc;

use leptos::prelude::*;
use mesh::access::Viewer;
use mesh::DatabaseConnection;

use crate::error::AppError;

/// Shared by every request; provided by the server as Leptos context.
#[derive(Clone)]
pub struct AppContext {
    pub db: DatabaseConnection,
    pub site: Arc<SiteInfo>,
    /// The marketplace search's facet cache (shared by every request of this instance).
    pub search: mesh::search::Searcher,
    /// Rendered pages of search results (shared by every request of this instance).
    pub search_pages: RenderedSearches,
    /// Where team webhooks may point (`AGORA_WEBHOOK_ALLOW_PRIVATE`, https in production).
    pub webhook_rules: mesh::activity::webhooks::TargetRules,
}

/// Rendered pages of marketplace results by index version, audience (which drafts one may see) and query
/// string: everyone opening the same marketplace page, and paging back and forth, gets the markup without
/// matching, counting or rendering again until a product changes. Bounded by size; old versions age out.
#[derive(Clone)]
pub struct RenderedSearches {
    /// `None` when switched off (a capacity of 0).
    pages: Option<Arc<quick_cache::sync::Cache<String, Arc<str>, Bytes>>>,
}

#[derive(Clone)]
struct Bytes;

impl quick_cache::Weighter<String, Arc<str>> for Bytes {
    fn weight(&self, key: &String, page: &Arc<str>) -> u64 {
        (key.len() + page.len()) as u64
    }
}

impl RenderedSearches {
    /// Keeps at most `bytes` of markup; 0 keeps none (every request searches and renders).
    pub fn with_capacity(bytes: u64) -> Self {
        let pages = (bytes > 0).then(|| {
            Arc::new(quick_cache::sync::Cache::with_weighter(
                (bytes / 50_000).max(16) as usize,
                bytes,
                Bytes,
            ))
        });
        Self { pages }
    }

    pub fn key(version: i64, viewer: &Viewer, query: &str) -> String {
        format!("{version}|{}|{query}", mesh::search::audience(viewer))
    }

    /// The rendered page, if kept (counted as a `pages` cache hit or miss, see [`mesh::metrics`]).
    pub fn get(&self, key: &str) -> Option<Arc<str>> {
        let page = self.pages.as_ref()?.get(key);
        mesh::metrics::rendered_search_lookup(page.is_some());
        page
    }

    pub fn insert(&self, key: String, page: Arc<str>) {
        if let Some(pages) = &self.pages {
            pages.insert(key, page);
        }
    }
}

/// Settings the pages need to know about.
#[derive(Clone, Debug, Default)]
pub struct SiteInfo {
    /// Sign-in providers as (id, button label).
    pub providers: Vec<(String, String)>,
    /// Demo personas offered for "sign in as" (empty unless demo sign-in is on).
    pub personas: Vec<mesh::demo::seed::Persona>,
    /// Origins of the sign-in providers' authorization servers: the sign-in forms redirect there, so the pages'
    /// `form-action` names them next to `'self'`.
    pub sign_in_origins: Vec<String>,
}

pub fn app_context() -> Result<AppContext, AppError> {
    use_context::<AppContext>()
        .ok_or_else(|| AppError::internal("AppContext missing from Leptos context"))
}

/// Who is asking. The server's session middleware puts a `Viewer` into the request's extensions; without one
/// the request is anonymous.
pub fn viewer() -> Viewer {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .unwrap_or_default()
}

/// The Content-Security-Policy of a page: scripts only from us or with this response's nonce, wasm allowed; forms
/// only to us (and, for sign-in, on to the providers).
pub fn page_policy(nonce: &str, site: &SiteInfo) -> String {
    let reload = if std::env::var("LEPTOS_WATCH").is_ok() {
        " ws://127.0.0.1:* ws://localhost:*"
    } else {
        ""
    };
    let sign_in: String = site
        .sign_in_origins
        .iter()
        .map(|origin| format!(" {origin}"))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'{reload}; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'{sign_in}; \
         frame-ancestors 'none'"
    )
}

/// Sets [`page_policy`] on the response being rendered (the server's security middleware also sets it on any
/// page that comes out without one).
pub fn content_security_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let site = use_context::<AppContext>()
        .map(|ctx| ctx.site)
        .unwrap_or_default();
    let policy = page_policy(&nonce, &site);
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
