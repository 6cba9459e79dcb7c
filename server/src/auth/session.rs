//! Session cookies and the middleware that finds out who is asking.
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use mesh::access::sessions::SessionPolicy;
use mesh::DatabaseConnection;

use crate::credential::Credential;
use crate::problem::Problem;

/// The cookie that carries the session token.
#[derive(Clone, Debug)]
pub struct CookieSettings {
    /// `__Host-agora_session` over https, `agora_session` on plain-http localhost in development.
    pub name: &'static str,
    pub secure: bool,
}

impl CookieSettings {
    pub fn for_url(public_url: &str) -> Self {
        if public_url.starts_with("https://") {
            Self {
                name: "__Host-agora_session",
                secure: true,
            }
        } else {
            Self {
                name: "agora_session",
                secure: false,
            }
        }
    }

    /// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Path=/, Secure over https.
    pub fn issue(&self, token: &str) -> HeaderValue {
        let cookie = Cookie::build((self.name, token.to_owned()))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .build();
        HeaderValue::from_str(&cookie.to_string()).expect("cookie text is a valid header")
    }

    /// `Set-Cookie` that removes the session cookie.
    pub fn clear(&self) -> HeaderValue {
        let cookie = Cookie::build((self.name, ""))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::ZERO)
            .build();
        HeaderValue::from_str(&cookie.to_string()).expect("cookie text is a valid header")
    }
}

/// What [`resolve_viewer`] reads, taken from the application state (`FromRef`, see `state.rs`): the database the
/// sessions live in, the cookie that carries them and how long they last.
#[derive(Clone)]
pub struct Sessions {
    pub db: DatabaseConnection,
    pub cookie: CookieSettings,
    pub policy: SessionPolicy,
}

/// Whether anonymous visitors may browse the marketplace (`AGORA_PUBLIC_BROWSE`), for
/// [`require_sign_in_to_browse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicBrowse(pub bool);

/// Reads one cookie from the request headers.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| Cookie::parse(pair.trim().to_owned()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The API token a request carries: `Authorization: Bearer agora_…`, or `x-api-key: agora_…` (datacontract-cli
/// sends its key this way when publishing test results).
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
        .or_else(|| {
            headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .map(|t| t.trim().to_owned())
        })
}

/// API tokens are for machines and speak only the REST API. The pages and their server functions (`/api/{fn}`)
/// are the UI's internals: they act for a signed-in session and check no token scopes, so a token gets nowhere
/// there (not even with its own scopes).
fn accepts_tokens(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

/// Answers that must not be kept by browsers or proxies: everything an authenticated request gets back, except
/// the static files every visitor gets alike.
fn is_shared_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg"
}

/// Puts a `Viewer` (and the `Credential`) into the request's extensions: from an API token (REST API only, see
/// [`accepts_tokens`]) or the session cookie. A bad token is refused with 401, a token anywhere else with 403; an
/// unknown or expired session is treated as anonymous and its cookie cleared. Authenticated answers carry
/// `Cache-Control: no-store`.
pub async fn resolve_viewer(
    State(sessions): State<Sessions>,
    mut request: Request,
    next: Next,
) -> Response {
    let db = &sessions.db;
    let private = !is_shared_asset(request.uri().path());
    if let Some(token) = bearer_token(request.headers()) {
        if !accepts_tokens(request.uri().path()) {
            return Problem::new(
                StatusCode::FORBIDDEN,
                "API tokens work only on the REST API under /api/v1; the pages and their server functions \
                 need a signed-in session",
            )
            .into_response();
        }
        return match mesh::access::tokens::authenticate(db, &token).await {
            Ok(viewer) => {
                request
                    .extensions_mut()
                    .insert(Credential::Token(mesh::access::secrets::hash(&token)));
                request.extensions_mut().insert(viewer);
                no_store(next.run(request).await)
            }
            Err(err) => {
                let mut response = Problem::from(err).into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"agora\""),
                );
                response
            }
        };
    }
    let mut clear_cookie = false;
    let mut signed_in = false;
    if let Some(token) = read_cookie(request.headers(), sessions.cookie.name) {
        match mesh::access::sessions::resolve(db, &token, &sessions.policy).await {
            Ok(Some((_user, viewer))) => {
                request
                    .extensions_mut()
                    .insert(Credential::Session(mesh::access::secrets::hash(&token)));
                request.extensions_mut().insert(viewer);
                signed_in = true;
            }
            Ok(None) => clear_cookie = true,
            Err(err) => {
                tracing::error!(error = %err, "session lookup failed");
                return Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "sessions are unavailable right now; try again shortly",
                )
                .into_response();
            }
        }
    }
    let mut response = next.run(request).await;
    if clear_cookie {
        response
            .headers_mut()
            .append(header::SET_COOKIE, sessions.cookie.clear());
    }
    if signed_in && private {
        response = no_store(response);
    }
    response
}

/// Marks an answer as not to be stored by the browser or any cache on the way.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// With `AGORA_PUBLIC_BROWSE=false`, anonymous visitors are sent to `/login` (pages) or get 401 (API).
pub async fn require_sign_in_to_browse(
    State(PublicBrowse(public_browse)): State<PublicBrowse>,
    request: Request,
    next: Next,
) -> Response {
    if public_browse || request.extensions().get::<mesh::access::Viewer>().is_some() {
        return next.run(request).await;
    }
    let path = request.uri().path();
    if open_to_anonymous(path) {
        return next.run(request).await;
    }
    if path.starts_with("/api/") {
        return Problem::new(StatusCode::UNAUTHORIZED, "sign in first").into_response();
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let location = format!("/login?return_to={}", urlencoding::encode(&target));
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/login")),
        )],
    )
        .into_response()
}

/// What the login page needs before anyone has signed in: itself, the sign-in routes, its assets, the health
/// checks, and the server functions it calls. Routes with a constant are named by it (server functions by their
/// types), so a renamed endpoint cannot fall out; the rest are prefixes: the login page (a Leptos route), every
/// sign-in route under `/auth/` (demo, provider start and callback, sign-out) and the static files.
fn open_to_anonymous(path: &str) -> bool {
    use app::api::account::{GetLoginOptions, Whoami};
    use leptos::server_fn::ServerFn;

    use crate::routes::{HEALTHZ, READYZ};
    const PREFIXES: [&str; 6] = [
        "/login",
        "/auth/",
        "/pkg/",
        HEALTHZ.path,
        READYZ.path,
        "/favicon.svg",
    ];
    PREFIXES.iter().any(|p| path.starts_with(p))
        || [GetLoginOptions::PATH, Whoami::PATH].contains(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_host_prefixed_and_secure_over_https() {
        let https = CookieSettings::for_url("https://agora.example.com");
        let text = https.issue("abc").to_str().unwrap().to_owned();
        assert!(text.starts_with("__Host-agora_session=abc"), "{text}");
        for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(text.contains(attr), "{attr} missing in {text}");
        }
        let local = CookieSettings::for_url("http://127.0.0.1:3000");
        let text = local.issue("abc").to_str().unwrap().to_owned();
        assert!(
            text.starts_with("agora_session=abc") && !text.contains("Secure"),
            "{text}"
        );
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax"));
    }

    #[test]
    fn the_login_page_and_its_server_functions_are_open_to_anonymous_visitors() {
        use app::api::account::{GetLoginOptions, ListTokens, Whoami};
        use leptos::server_fn::ServerFn;

        use crate::routes::{API_V1, DEMO_SIGN_IN, READYZ};
        for path in [
            "/login",
            DEMO_SIGN_IN.path,
            GetLoginOptions::PATH,
            Whoami::PATH,
            READYZ.path,
        ] {
            assert!(open_to_anonymous(path), "{path} should be open");
        }
        let api_products = format!("{API_V1}/products");
        for path in ["/", "/products", ListTokens::PATH, &api_products] {
            assert!(!open_to_anonymous(path), "{path} should need a sign-in");
        }
    }

    #[test]
    fn reads_one_cookie_among_many() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; agora_session=tok; b=2"),
        );
        assert_eq!(
            read_cookie(&headers, "agora_session").as_deref(),
            Some("tok")
        );
        assert_eq!(read_cookie(&headers, "missing"), None);
    }
}
