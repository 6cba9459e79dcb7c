//! Sign-in through a real OIDC server, sessions, demo personas, request safety, API tokens, rate limits.
use mesh::entity::prelude::*;
use mesh::testing::{databases, fingerprint, TestDb};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use crate::helpers::{browser, spawn_app, spawn_app_with, TestApp, ADMIN, CONSUMER, STEWARD};
use crate::oidc::OidcServer;

pub(crate) async fn app_with_oidc(
    db: TestDb,
    oidc: &OidcServer,
    extra: &[(&str, &str)],
) -> TestApp {
    let env = oidc.env();
    let mut pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.extend_from_slice(extra);
    spawn_app_with(db, &pairs).await
}

pub(crate) fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub(crate) fn sets_session_cookie(response: &reqwest::Response) -> bool {
    response.headers().get_all("set-cookie").iter().any(|v| {
        let v = v.to_str().unwrap();
        v.starts_with("agora_session=") && !v.starts_with("agora_session=;")
    })
}

/// Starts a sign-in with `provider` and follows the provider's redirect; returns the callback URL.
async fn begin(app: &TestApp, client: &reqwest::Client, provider: &str) -> String {
    begin_with(app, client, provider, "/products").await
}

/// [`begin`] with the page to return to after signing in.
pub(crate) async fn begin_with(
    app: &TestApp,
    client: &reqwest::Client,
    provider: &str,
    return_to: &str,
) -> String {
    let start = client
        .post(app.url(&format!("/auth/{provider}/start")))
        .form(&[("return_to", return_to)])
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303, "{}", app.label());
    let authorize = location(&start);
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "PKCE S256: {authorize}"
    );
    assert!(authorize.contains("state="), "{authorize}");
    let redirect = client.get(&authorize).send().await.unwrap();
    assert_eq!(
        redirect.status(),
        302,
        "the provider answers with a redirect"
    );
    let callback = location(&redirect);
    assert!(
        callback.starts_with(&app.url(&format!("/auth/{provider}/callback"))),
        "{callback}"
    );
    callback
}

pub(crate) async fn whoami(app: &TestApp, client: &reqwest::Client) -> serde_json::Value {
    app.call(client, "whoami", &[]).await.1
}

async fn sessions(app: &TestApp) -> u64 {
    Session::find().count(&app.db.db).await.unwrap()
}

#[tokio::test]
async fn sign_in_through_oidc_creates_the_user_and_a_session_and_sign_out_ends_it() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(
            db,
            &oidc,
            &[("AGORA_ADMIN_EMAILS", "casey.jordan@example.com")],
        )
        .await;
        let client = browser();
        let callback = begin(&app, &client, "test").await;
        assert!(callback.contains("code=") && callback.contains("state="));
        let done = client.get(&callback).send().await.unwrap();
        assert_eq!(done.status(), 303, "{}", app.label());
        assert_eq!(location(&done), "/products");
        let cookie = done
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("agora_session="))
            .expect("session cookie");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let me = whoami(&app, &client).await;
        assert_eq!(me["name"], "Casey Jordan", "{}: {me}", app.label());
        assert_eq!(
            me["is_admin"], true,
            "AGORA_ADMIN_EMAILS makes the first admins"
        );
        let identities = Identity::find().all(&app.db.db).await.unwrap();
        assert!(identities
            .iter()
            .any(|i| i.provider == "test" && i.subject == "oidc-casey"));

        let out = client.post(app.url("/auth/logout")).send().await.unwrap();
        assert_eq!(out.status(), 303);
        assert_eq!(
            sessions(&app).await,
            0,
            "sign-out deletes the session server-side"
        );
        assert_eq!(whoami(&app, &client).await, serde_json::Value::Null);
    }
}

#[tokio::test]
async fn a_github_style_provider_signs_in_with_the_verified_email() {
    let oidc = OidcServer::start();
    oidc.set(
        serde_json::json!({"sub": "octo-dev", "email": "octo.dev@example.com", "name": "Octo Dev"}),
    )
    .await;
    let app = app_with_oidc(TestDb::sqlite().await, &oidc, &[]).await;
    let client = browser();
    let callback = begin(&app, &client, "gh").await;
    let done = client.get(&callback).send().await.unwrap();
    assert_eq!(location(&done), "/products");
    assert_eq!(whoami(&app, &client).await["email"], "octo.dev@example.com");
}

#[tokio::test]
async fn a_callback_with_a_wrong_state_is_rejected_without_a_session() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(db, &oidc, &[]).await;
        let client = browser();
        let callback = begin(&app, &client, "test").await;
        let url = reqwest::Url::parse(&callback).unwrap();
        let code = url
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .to_string();
        let forged = app.url(&format!("/auth/test/callback?code={code}&state=forged"));
        let response = client.get(&forged).send().await.unwrap();
        assert_eq!(response.status(), 303);
        assert!(
            location(&response).starts_with("/login?error="),
            "{}",
            location(&response)
        );
        assert!(!sets_session_cookie(&response));
        assert_eq!(sessions(&app).await, 0, "{}", app.label());
    }
}

#[tokio::test]
async fn a_callback_from_another_browser_or_with_a_wrong_pkce_verifier_is_rejected() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(db, &oidc, &[]).await;
        // Another browser: it has the callback URL but not the cookie that binds the login.
        let victim = browser();
        let callback = begin(&app, &victim, "test").await;
        let response = browser().get(&callback).send().await.unwrap();
        assert!(location(&response).starts_with("/login?error="));
        assert!(!sets_session_cookie(&response));

        // The stored verifier does not match the challenge: the provider refuses the code exchange.
        let client = browser();
        let callback = begin(&app, &client, "test").await;
        for row in LoginState::find().all(&app.db.db).await.unwrap() {
            let mut active: login_state::ActiveModel = row.into();
            active.pkce_verifier = Set("x".repeat(43));
            active.update(&app.db.db).await.unwrap();
        }
        let response = client.get(&callback).send().await.unwrap();
        assert!(
            location(&response).starts_with("/login?error="),
            "{}",
            location(&response)
        );
        assert!(!sets_session_cookie(&response));
        assert_eq!(sessions(&app).await, 0, "{}", app.label());
    }
}

#[tokio::test]
async fn an_id_token_from_a_foreign_issuer_is_rejected() {
    let oidc = OidcServer::start();
    oidc.set(serde_json::json!({"iss": "https://evil.example"}))
        .await;
    for db in databases().await {
        let app = app_with_oidc(db, &oidc, &[]).await;
        let client = browser();
        let callback = begin(&app, &client, "test").await;
        let response = client.get(&callback).send().await.unwrap();
        let to = location(&response);
        assert!(to.starts_with("/login?error="), "{to}");
        assert!(!sets_session_cookie(&response));
        assert_eq!(sessions(&app).await, 0, "{}", app.label());
        assert_eq!(
            User::find().count(&app.db.db).await.unwrap(),
            16,
            "no user created"
        );
    }
}

#[tokio::test]
async fn a_replayed_callback_is_rejected() {
    let oidc = OidcServer::start();
    for db in databases().await {
        let app = app_with_oidc(db, &oidc, &[]).await;
        let client = browser();
        let callback = begin(&app, &client, "test").await;
        let state_cookie = format!(
            "agora_login={}",
            reqwest::Url::parse(&callback)
                .unwrap()
                .query_pairs()
                .find(|(k, _)| k == "state")
                .unwrap()
                .1
        );
        let first = client.get(&callback).send().await.unwrap();
        assert_eq!(location(&first), "/products");
        assert_eq!(sessions(&app).await, 1);
        // The same code and state again, with the login cookie an attacker would have copied.
        let replay = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(&callback)
            .header("cookie", state_cookie)
            .send()
            .await
            .unwrap();
        assert!(
            location(&replay).starts_with("/login?error="),
            "{}",
            location(&replay)
        );
        assert!(!sets_session_cookie(&replay));
        assert_eq!(
            sessions(&app).await,
            1,
            "{}: no second session",
            app.label()
        );
    }
}

#[tokio::test]
async fn demo_sign_in_offers_only_the_seeded_personas() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let steward = app.client_as(STEWARD).await;
    let me = whoami(&app, &steward).await;
    assert_eq!(me["name"], "Sofia Lind");
    assert_eq!(me["is_steward"], true);
    let response = browser()
        .post(app.url("/auth/demo"))
        .form(&[("email", "lena.fischer@northwind.example")])
        .send()
        .await
        .unwrap();
    assert!(
        location(&response).starts_with("/login?error="),
        "not a persona"
    );
    let (_, login_page) = app.get_text("/login").await;
    assert!(login_page.contains("Demo sign-in") && login_page.contains("Data steward"));
}

#[tokio::test]
async fn demo_sign_in_is_off_when_real_providers_exist() {
    let oidc = OidcServer::start();
    let app = app_with_oidc(TestDb::sqlite().await, &oidc, &[]).await;
    let response = browser()
        .post(app.url("/auth/demo"))
        .form(&[("email", STEWARD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let (_, login_page) = app.get_text("/login").await;
    assert!(login_page.contains("Continue with Test SSO"));
    assert!(!login_page.contains("Demo sign-in"));
}

#[tokio::test]
async fn requests_from_another_site_are_refused() {
    for app in crate::helpers::apps().await {
        let admin = app.client_as(ADMIN).await;
        let before = fingerprint(&app.db.db).await;
        let foreign = admin
            .post(app.url("/api/create_domain"))
            .header("origin", "https://evil.example")
            .form(&[("slug", "evil"), ("name", "Evil")])
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), 403, "{}", app.label());
        let cross = admin
            .post(app.url("/api/create_domain"))
            .header("sec-fetch-site", "cross-site")
            .form(&[("slug", "evil"), ("name", "Evil")])
            .send()
            .await
            .unwrap();
        assert_eq!(cross.status(), 403);
        assert_eq!(before, fingerprint(&app.db.db).await, "nothing changed");
        let own = admin
            .post(app.url("/api/create_domain"))
            .header("origin", app.address.clone())
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .form(&[("slug", "product"), ("name", "Product")])
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200, "{}", own.text().await.unwrap());
    }
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_nonce_csp() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let response = app.get("/products").await;
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
    let other = app.get("/products").await;
    assert_ne!(
        other.headers()["content-security-policy"],
        headers["content-security-policy"],
        "a new nonce per response"
    );
}

#[tokio::test]
async fn api_tokens_work_until_they_expire_or_are_revoked() {
    for app in crate::helpers::apps().await {
        let owner = app.client_as(CONSUMER).await;
        let (status, created) = app
            .call(
                &owner,
                "create_token",
                &[
                    ("name", "ci"),
                    ("scope_read", "on"),
                    ("expires_in_days", "30"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{created}");
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("agora_"));
        let stored = ApiToken::find().all(&app.db.db).await.unwrap();
        assert!(
            stored.iter().all(|t| t.token_hash != secret),
            "only a hash is stored"
        );

        let bearer = |secret: String| {
            let app = &app;
            async move {
                reqwest::Client::new()
                    .get(app.url("/api/v1/subscriptions"))
                    .bearer_auth(secret)
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            bearer(secret.clone()).await.status(),
            200,
            "{}",
            app.label()
        );
        let used = ApiToken::find().one(&app.db.db).await.unwrap().unwrap();
        assert!(used.last_used_at.is_some(), "last use is recorded");

        // A read-only token cannot change anything.
        let write = reqwest::Client::new()
            .post(app.url("/api/create_token"))
            .header("accept", "application/json")
            .bearer_auth(&secret)
            .form(&[
                ("name", "x"),
                ("scope_read", "on"),
                ("expires_in_days", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(write.status(), 403);

        // A token for pipelines (results only) cannot read through the API, a read token can.
        let (_, results_only) = app
            .call(
                &owner,
                "create_token",
                &[
                    ("name", "pipeline"),
                    ("scope_results", "on"),
                    ("expires_in_days", "1"),
                ],
            )
            .await;
        let read_with = |secret: String| {
            let url = app.url("/api/v1/products");
            async move {
                reqwest::Client::new()
                    .get(url)
                    .bearer_auth(secret)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(
            read_with(results_only["secret"].as_str().unwrap().to_owned()).await,
            403,
            "{}",
            app.label()
        );
        assert_eq!(read_with(secret.clone()).await, 200);

        // Expired.
        let mut active: api_token::ActiveModel = used.clone().into();
        active.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
        active.update(&app.db.db).await.unwrap();
        let expired = bearer(secret.clone()).await;
        assert_eq!(expired.status(), 401);
        assert_eq!(
            expired.headers()["content-type"],
            "application/problem+json"
        );
        let mut active: api_token::ActiveModel = used.clone().into();
        active.expires_at = Set(chrono::Utc::now() + chrono::Duration::days(1));
        active.update(&app.db.db).await.unwrap();
        assert_eq!(bearer(secret.clone()).await.status(), 200);

        // Revoked, by its owner only.
        let other = app.client_as(STEWARD).await;
        let id = used.id.to_string();
        let (status, _) = app.call(&other, "revoke_token", &[("id", &id)]).await;
        assert_eq!(status, 403, "someone else's token");
        let (status, _) = app.call(&owner, "revoke_token", &[("id", &id)]).await;
        assert_eq!(status, 200);
        assert_eq!(bearer(secret.clone()).await.status(), 401);
        assert_eq!(bearer("agora_nonsense".into()).await.status(), 401);
    }
}

#[tokio::test]
async fn too_many_mutations_get_429_with_retry_after() {
    let app = spawn_app_with(
        TestDb::sqlite().await,
        &[
            ("AGORA_RATE_LIMIT_PER_MINUTE", "3"),
            ("AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE", "5"),
        ],
    )
    .await;
    let client = app.client_as(CONSUMER).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let (status, _) = app
            .call(
                &client,
                "create_token",
                &[
                    ("name", "t"),
                    ("scope_read", "on"),
                    ("expires_in_days", "1"),
                ],
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert_eq!(statuses[4], 429, "{statuses:?}");
    let response = client
        .post(app.url("/api/create_token"))
        .form(&[
            ("name", "t"),
            ("scope_read", "on"),
            ("expires_in_days", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Sign-in attempts are limited per IP.
    let mut last = 0;
    for _ in 0..8 {
        last = browser()
            .post(app.url("/auth/demo"))
            .form(&[("email", CONSUMER)])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn closed_browsing_sends_anonymous_visitors_to_sign_in() {
    let app = spawn_app_with(TestDb::sqlite().await, &[("AGORA_PUBLIC_BROWSE", "false")]).await;
    let response = app.get("/products?domain=sales").await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        location(&response),
        "/login?return_to=%2Fproducts%3Fdomain%3Dsales"
    );
    assert_eq!(app.get("/login").await.status(), 200);
    // The login page's own data: its sign-in buttons, for someone not signed in yet.
    let anonymous = crate::helpers::browser();
    let (status, options) = app.call(&anonymous, "login_options", &[]).await;
    assert_eq!(status, 200, "{options}");
    let (status, _) = app.call(&anonymous, "list_tokens", &[]).await;
    assert_eq!(status, 401);
    let client = app.client_as(CONSUMER).await;
    let ok = client.get(app.url("/products")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
}
