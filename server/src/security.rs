//! Request safety: state changes must come from our own pages, and every response carries security headers.
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use app::ssr::SiteInfo;

use crate::auth::session;
use crate::config::{ProviderConfig, ProviderKind};
use crate::problem::Problem;
use crate::state::AppState;

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a state-changing request that may come from another site:
/// - `Sec-Fetch-Site` other than same-origin/none, or an `Origin` other than our public origin (never the request's
///   own `Host`, which the client chooses);
/// - a request that the session cookie would authenticate but that carries neither header: every browser sends at
///   least one of them on an unsafe method, so such a request is either no browser's or a browser's whose headers
///   were stripped, and a cookie must not vouch for it.
///
/// Requests with an API token are not a browser's session and are not asked for either header (SameSite=Lax
/// cookies are not sent cross-site anyway; this is the second line).
pub async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(site) = site {
        if !matches!(site, "same-origin" | "none") {
            return forbidden(&format!(
                "cross-site request refused (Sec-Fetch-Site: {site})"
            ));
        }
    }
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("?"));
    if let Some(origin) = origin {
        if !own_origins(&state.auth.public_origin).any(|own| own == origin) {
            return forbidden(&format!("request from another origin refused ({origin})"));
        }
    }
    let cookie_session = session::read_cookie(headers, state.auth.cookie.name).is_some()
        && session::bearer_token(headers).is_none();
    if cookie_session && site.is_none() && origin.is_none() {
        return forbidden(
            "a signed-in change needs an Origin or Sec-Fetch-Site header (browsers send them); \
             scripts use the REST API with a token",
        );
    }
    next.run(request).await
}

/// The origins that are us: the public origin; when that is a loopback or unspecified address (development without
/// `AGORA_PUBLIC_URL`), also the loopback names on the same scheme and port, as browsers on this machine use them.
fn own_origins(public_origin: &str) -> impl Iterator<Item = String> + '_ {
    let local = url::Url::parse(public_origin).ok().and_then(|u| {
        let host = u.host_str()?.to_owned();
        let loopback = matches!(
            host.as_str(),
            "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]" | "[::]"
        );
        loopback.then(|| (u.scheme().to_owned(), u.port_or_known_default()))
    });
    let aliases = local.into_iter().flat_map(|(scheme, port)| {
        ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(move |host| match port {
                Some(port) => format!("{scheme}://{host}:{port}"),
                None => format!("{scheme}://{host}"),
            })
    });
    std::iter::once(public_origin.to_owned()).chain(aliases)
}

fn forbidden(detail: &str) -> Response {
    tracing::warn!("{detail}");
    Problem::new(StatusCode::FORBIDDEN, detail).into_response()
}

/// What [`security_headers`] adds beyond the fixed headers.
#[derive(Clone)]
pub struct HeaderPolicy {
    /// `Strict-Transport-Security` (production only: there Agora is served over https alone).
    pub hsts: bool,
    /// Where the pages' forms may lead (the CSP's `form-action`).
    pub site: Arc<SiteInfo>,
}

/// Headers for every response. Pages get a CSP with a per-request nonce from the Leptos shell; anything
/// else that has none gets a locked-down one. In production, HSTS for a year, subdomains included.
pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
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
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let page = html
            .then(|| HeaderValue::from_str(&app::ssr::page_policy(&nonce, &policy.site)).ok())
            .flatten();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            page.unwrap_or(HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'; form-action 'none'",
            )),
        );
    }
    response
}

/// The origins a sign-in form leads to: `POST /auth/{provider}/start` answers with a redirect to the provider's
/// authorization endpoint, and browsers hold that redirect to the page's `form-action`.
pub fn sign_in_origins(providers: &[ProviderConfig]) -> Vec<String> {
    let mut origins: Vec<String> = providers
        .iter()
        .map(|p| match &p.kind {
            ProviderKind::Oidc { issuer } => origin_of(issuer),
            ProviderKind::GitHub { authorize_url, .. } => origin_of(authorize_url),
        })
        .collect();
    origins.sort();
    origins.dedup();
    origins
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
