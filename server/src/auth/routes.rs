//! `/auth/...`: start a sign-in, finish it at the callback, demo sign-in, sign out. Plain forms and
//! redirects, so they work without JavaScript.
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use cookie::{Cookie, SameSite};
use serde::Deserialize;

use app::sign_in_problem::SignInProblem;

use mesh::access::login::{self, PendingLogin};

use super::session::read_cookie;
use crate::state::AppState;

/// Where the browser goes after signing in: a path on our own public origin, else `/` (no open redirect).
///
/// The value must be a path; it is resolved against `public_origin` the way a browser resolves a `Location`
/// and kept only when the result stays on that origin. Control characters and backslashes are refused
/// outright, also percent-encoded: browsers drop tabs and newlines before resolving (`/<TAB>/evil.example`
/// becomes `//evil.example`, another host) and read `\` as `/`. The answer is the resolved URL's own path,
/// query and fragment, so what is checked is what is sent. Every reader of `return_to` goes through here.
pub fn safe_return_to(public_origin: &str, return_to: Option<&str>) -> String {
    const HOME: &str = "/";
    let (Some(raw), Ok(base)) = (return_to, url::Url::parse(public_origin)) else {
        return HOME.to_owned();
    };
    let decoded = urlencoding::decode_binary(raw.as_bytes());
    let suspicious = |bytes: &[u8]| {
        bytes.starts_with(b"//") || bytes.iter().any(|b| b.is_ascii_control() || *b == b'\\')
    };
    if !raw.starts_with('/') || suspicious(raw.as_bytes()) || suspicious(&decoded) {
        return HOME.to_owned();
    }
    match base.join(raw) {
        Ok(target) if target.origin() == base.origin() => {
            let path = &target[url::Position::BeforePath..];
            if path.starts_with('/') && !path.starts_with("//") {
                path.to_owned()
            } else {
                HOME.to_owned()
            }
        }
        _ => HOME.to_owned(),
    }
}

/// What `/login` says when the provider answers the authorization request with an error (RFC 6749
/// 4.1.2.1, OpenID Connect Core 3.1.2.6). The provider's own `error_description` is only logged: it is text
/// from outside that would otherwise appear on our page as if we had written it.
fn provider_error_problem(code: &str) -> SignInProblem {
    match code {
        "access_denied" => SignInProblem::ProviderDenied,
        "login_required"
        | "interaction_required"
        | "consent_required"
        | "account_selection_required" => SignInProblem::ProviderNeedsInteraction,
        "temporarily_unavailable" | "server_error" => SignInProblem::ProviderUnreachable,
        "invalid_request"
        | "unauthorized_client"
        | "unsupported_response_type"
        | "invalid_scope"
        | "invalid_request_uri"
        | "invalid_request_object"
        | "request_not_supported"
        | "request_uri_not_supported"
        | "registration_not_supported" => SignInProblem::ProviderMisconfigured,
        _ => SignInProblem::ProviderFailed,
    }
}

/// Text from outside, shortened for the log (the `?` formatting there escapes control characters).
fn for_log(text: &str) -> String {
    text.chars().take(300).collect()
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

fn to_login_with_error(problem: SignInProblem) -> Response {
    see_other(&format!("/login?error={}", problem.code()))
}

fn login_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Secure-agora_login"
    } else {
        "agora_login"
    }
}

/// The short-lived cookie that binds a login in flight to this browser (against login CSRF).
fn login_cookie(secure: bool, state: &str, max_age_minutes: i64) -> HeaderValue {
    let cookie = Cookie::build((login_cookie_name(secure), state.to_owned()))
        .path("/auth")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::minutes(max_age_minutes))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie text is a valid header")
}

#[derive(Deserialize)]
pub struct StartForm {
    return_to: Option<String>,
}

/// POST `/auth/{provider}/start`: remembers state, PKCE verifier and nonce server-side, then redirects.
pub async fn start(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    Form(form): Form<StartForm>,
) -> Response {
    let auth = &state.auth;
    let Some(provider) = auth.providers.get(&provider_id) else {
        return to_login_with_error(SignInProblem::UnknownProvider);
    };
    let authorization = match auth.providers.authorize(provider).await {
        Ok(a) => a,
        Err(err) => {
            tracing::warn!(provider = %provider_id, error = %err, "sign-in could not start");
            return to_login_with_error(err.problem());
        }
    };
    let pending = PendingLogin {
        state: authorization.state.clone(),
        provider: provider.id.clone(),
        pkce_verifier: authorization.pkce_verifier.clone(),
        nonce: authorization.nonce.clone(),
        return_to: safe_return_to(&auth.public_origin, form.return_to.as_deref()),
    };
    if let Err(err) = login::begin(&state.ctx.db, &pending).await {
        tracing::error!(error = %err, "could not store the login state");
        return to_login_with_error(SignInProblem::Unavailable);
    }
    let mut response = see_other(&authorization.url);
    response.headers_mut().append(
        header::SET_COOKIE,
        login_cookie(
            auth.cookie.secure,
            &authorization.state,
            login::TTL.num_minutes(),
        ),
    );
    response
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// GET `/auth/{provider}/callback`: checks state (and that this browser started the login), uses the stored
/// login once, exchanges the code with the PKCE verifier, verifies the identity, starts a session.
pub async fn callback(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Response {
    let auth = &state.auth;
    let db = &state.ctx.db;
    let clear_login = login_cookie(auth.cookie.secure, "", 0);
    // The provider as counted: a configured one, never whatever the URL says.
    let counted_as = match auth.providers.get(&provider_id) {
        Some(provider) => provider.id.as_str(),
        None => "unknown",
    };
    let fail = |problem: SignInProblem| {
        crate::metrics::sign_in(counted_as, problem.code());
        let mut response = to_login_with_error(problem);
        response
            .headers_mut()
            .append(header::SET_COOKIE, clear_login.clone());
        response
    };
    if let Some(error) = query.error {
        tracing::warn!(
            provider = %provider_id,
            error = ?for_log(&error),
            description = ?query.error_description.as_deref().map(for_log),
            "the provider answered the sign-in with an error"
        );
        return fail(provider_error_problem(&error));
    }
    let (Some(code), Some(returned_state)) = (query.code, query.state) else {
        return fail(SignInProblem::NoCode);
    };
    let bound = read_cookie(&headers, login_cookie_name(auth.cookie.secure));
    if bound.as_deref() != Some(returned_state.as_str()) {
        tracing::warn!(provider = %provider_id, "sign-in callback with a state this browser did not start");
        return fail(SignInProblem::OtherBrowser);
    }
    // Single use: a replay, another provider's callback or a late one finds nothing.
    let stored = match login::take(db, &returned_state, &provider_id).await {
        Ok(Some(s)) => s,
        Ok(None) => return fail(SignInProblem::Expired),
        Err(err) => {
            tracing::error!(error = %err, "login state lookup failed");
            return fail(SignInProblem::Unavailable);
        }
    };
    let Some(provider) = auth.providers.get(&provider_id) else {
        return fail(SignInProblem::UnknownProvider);
    };
    let identity = match auth
        .providers
        .complete(
            provider,
            &code,
            &stored.pkce_verifier,
            stored.nonce.as_deref(),
        )
        .await
    {
        Ok(identity) => identity,
        Err(err) => {
            tracing::warn!(provider = %provider_id, error = ?for_log(&err.to_string()), "sign-in rejected");
            return fail(err.problem());
        }
    };
    let user = match mesh::access::identity::sign_in(db, &identity, &auth.admin_emails).await {
        Ok(user) => user,
        Err(mesh::Error::Invalid(errors)) => {
            tracing::warn!(provider = %provider_id, errors = ?errors, "sign-in refused");
            return fail(SignInProblem::NoEmail);
        }
        Err(mesh::Error::Conflict(why)) => {
            tracing::warn!(provider = %provider_id, why = %why, "sign-in raced another");
            return fail(SignInProblem::Conflict);
        }
        Err(err) => {
            tracing::error!(error = %err, "sign-in failed");
            return fail(SignInProblem::Unavailable);
        }
    };
    let return_to = safe_return_to(&auth.public_origin, Some(&stored.return_to));
    let mut response = start_session(&state, counted_as, user.id, &headers, &return_to).await;
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_login);
    response
}

/// Starts the session a sign-in through `provider` (or `demo`) earned, and counts how the sign-in ended.
async fn start_session(
    state: &AppState,
    provider: &str,
    user_id: i64,
    headers: &HeaderMap,
    return_to: &str,
) -> Response {
    let auth = &state.auth;
    // A new session id at every sign-in; an old session in this browser ends.
    if let Some(old) = read_cookie(headers, auth.cookie.name) {
        let _ = mesh::access::sessions::destroy(&state.ctx.db, &old).await;
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match mesh::access::sessions::create(&state.ctx.db, user_id, agent, &auth.session_policy).await
    {
        Ok(token) => {
            crate::metrics::sign_in(provider, "success");
            let mut response = see_other(return_to);
            response
                .headers_mut()
                .append(header::SET_COOKIE, auth.cookie.issue(&token));
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "could not create a session");
            crate::metrics::sign_in(provider, SignInProblem::Unavailable.code());
            to_login_with_error(SignInProblem::Unavailable)
        }
    }
}

#[derive(Deserialize)]
pub struct DemoForm {
    email: String,
    return_to: Option<String>,
}

/// POST `/auth/demo`: development only, and only as one of the seeded personas.
pub async fn demo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<DemoForm>,
) -> Response {
    let auth = &state.auth;
    if !auth.demo_login {
        return StatusCode::NOT_FOUND.into_response();
    }
    let fail = |problem: SignInProblem| {
        crate::metrics::sign_in("demo", problem.code());
        to_login_with_error(problem)
    };
    if !auth.personas.iter().any(|p| p.email == form.email) {
        return fail(SignInProblem::NotAPersona);
    }
    let user = match mesh::access::identity::find_by_email(&state.ctx.db, &form.email).await {
        Ok(user) => user,
        Err(_) => return fail(SignInProblem::PersonasNotSeeded),
    };
    let user = match mesh::access::identity::touch_login(&state.ctx.db, user).await {
        Ok(user) => user,
        Err(err) => {
            tracing::error!(error = %err, "demo sign-in failed");
            return fail(SignInProblem::Unavailable);
        }
    };
    start_session(
        &state,
        "demo",
        user.id,
        &headers,
        &safe_return_to(&auth.public_origin, form.return_to.as_deref()),
    )
    .await
}

/// POST `/auth/logout`: deletes the session server-side and clears the cookie.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = read_cookie(&headers, state.auth.cookie.name) {
        if let Err(err) = mesh::access::sessions::destroy(&state.ctx.db, &token).await {
            tracing::error!(error = %err, "could not delete the session");
        }
    }
    let mut response = see_other("/");
    response
        .headers_mut()
        .append(header::SET_COOKIE, state.auth.cookie.clear());
    response
}

#[cfg(test)]
mod tests {
    use super::{provider_error_problem, safe_return_to};
    use app::sign_in_problem::SignInProblem;

    const ORIGIN: &str = "https://agora.example.com";

    #[test]
    fn only_paths_on_the_public_origin_are_followed() {
        for (good, kept) in [
            ("/products?q=x", "/products?q=x"),
            ("/products/orders#ports", "/products/orders#ports"),
            ("/a/../b", "/b"),
            ("/", "/"),
        ] {
            assert_eq!(safe_return_to(ORIGIN, Some(good)), kept, "{good}");
        }
        for bad in [
            "https://evil.example",
            "https://agora.example.com/products",
            "//evil.example",
            "/\\evil",
            "/\\/evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{7f}/evil.example",
            "/\u{0}/x",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%5C/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/.//evil.example",
            "javascript:alert(1)",
            "products",
            "",
        ] {
            assert_eq!(safe_return_to(ORIGIN, Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_return_to(ORIGIN, None), "/");
    }

    #[test]
    fn provider_errors_are_told_in_our_words() {
        assert_eq!(
            provider_error_problem("access_denied"),
            SignInProblem::ProviderDenied
        );
        assert_eq!(
            provider_error_problem("<script>call +1 555</script>"),
            provider_error_problem("something_new"),
            "unknown codes get the generic message"
        );
    }
}
