//! Request hygiene: client mistakes are 4xx with a readable reason, signed-in changes must say where they come
//! from, and answers carry the headers that keep them from being framed, sniffed, downgraded or cached.
use mesh::access::Scope;
use mesh::testing::{fingerprint, TestDb};
use serde_json::json;

use crate::helpers::{apps, spawn_app, spawn_app_with, token, TestApp, ADMIN, OWNER};

/// A client that keeps cookies but, unlike a browser, sends neither `Origin` nor `Sec-Fetch-Site`.
async fn bare_client_as(app: &TestApp, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(app.url("/auth/demo"))
        .form(&[("email", email), ("return_to", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "demo sign-in as {email}");
    client
}

#[tokio::test]
async fn server_functions_answer_client_mistakes_with_4xx() {
    for app in apps().await {
        let owner = app.client_as(OWNER).await;
        let (status, body) = app.call(&owner, "revoke_token", &[]).await;
        assert_eq!(status, 400, "{}: a missing argument: {body}", app.label());
        assert!(
            body["BadRequest"]
                .as_str()
                .is_some_and(|m| m.contains("id")),
            "says which: {body}"
        );
        let (status, body) = app.call(&owner, "revoke_token", &[("id", "abc")]).await;
        assert_eq!(status, 400, "a mistyped argument: {body}");
        assert!(body["BadRequest"].is_string(), "{body}");

        let huge = "x".repeat(3 << 20);
        let (status, body) = app
            .call(&owner, "import_contract", &[("id", "1"), ("yaml", &huge)])
            .await;
        assert_eq!(
            status,
            413,
            "{}: a body over the limit: {body}",
            app.label()
        );
        assert_eq!(body, json!("TooLarge"));
    }
}

#[tokio::test]
async fn rest_bodies_over_the_limit_are_413_problems() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let secret = token(&app, OWNER, &[Scope::Write]).await;
    let huge = "x".repeat(3 << 20);
    let contract = app
        .client
        .put(app.url("/api/v1/products/marketing/campaign-performance/contract"))
        .bearer_auth(&secret)
        .header("content-type", "application/yaml")
        .body(huge.clone())
        .send()
        .await
        .unwrap();
    let json_body = app
        .client
        .patch(app.url("/api/v1/products/marketing/campaign-performance"))
        .bearer_auth(&secret)
        .json(&json!({ "description": huge }))
        .send()
        .await
        .unwrap();
    for response in [contract, json_body] {
        assert_eq!(response.status(), 413);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 413, "{problem}");
    }
}

#[tokio::test]
async fn signed_in_changes_must_say_they_come_from_our_pages() {
    for app in apps().await {
        let admin = bare_client_as(&app, ADMIN).await;
        let create = |slug: &'static str| {
            admin
                .post(app.url("/api/create_domain"))
                .header("accept", "application/json")
                .form(&[("slug", slug), ("name", "Made here")])
        };
        let before = fingerprint(&app.db.db).await;
        let bare = create("bare").send().await.unwrap();
        assert_eq!(
            bare.status(),
            403,
            "{}: neither Origin nor Sec-Fetch-Site",
            app.label()
        );
        assert_eq!(bare.headers()["content-type"], "application/problem+json");
        // A forged Host does not make a foreign origin our own.
        let forged = create("forged")
            .header("host", "evil.example")
            .header("origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(
            forged.status(),
            403,
            "Origin is checked against the public URL"
        );
        let null = create("null")
            .header("origin", "null")
            .send()
            .await
            .unwrap();
        assert_eq!(null.status(), 403);
        assert_eq!(before, fingerprint(&app.db.db).await, "nothing changed");

        let from_origin = create("from-origin")
            .header("origin", app.address.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            from_origin.status(),
            200,
            "{}",
            from_origin.text().await.unwrap()
        );
        let same_origin = create("same-origin")
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_eq!(
            same_origin.status(),
            200,
            "{}",
            same_origin.text().await.unwrap()
        );

        // Scripts with a token are no browser session and need neither header.
        let secret = token(&app, OWNER, &[Scope::Write]).await;
        let created = reqwest::Client::new()
            .post(app.url("/api/v1/products"))
            .bearer_auth(&secret)
            .json(&json!({
                "domain": "marketing", "ownerTeam": "marketing-analytics", "name": "Scripted",
                "slug": "scripted", "summary": "Made by a pipeline", "kind": "aggregate",
                "tags": [], "description": ""
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    }
}

#[tokio::test]
async fn pages_allow_forms_only_to_us_and_the_sign_in_providers() {
    let app = spawn_app_with(
        TestDb::sqlite().await,
        &[
            ("AGORA_AUTH_PROVIDERS", "sso"),
            (
                "AGORA_AUTH_SSO_ISSUER",
                "https://sso.example.com/realms/corp",
            ),
            ("AGORA_AUTH_SSO_CLIENT_ID", "agora"),
        ],
    )
    .await;
    let page = app.get("/login").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("form-action 'self' https://sso.example.com;"),
        "{csp}"
    );
    let api = app.get("/api/v1/governance").await;
    let csp = api.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("form-action 'none'"), "{csp}");
}

#[tokio::test]
async fn hsts_only_in_production() {
    let development = spawn_app(TestDb::sqlite().await).await;
    let response = development.get("/healthz").await;
    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_none());
    let production = spawn_app_with(
        TestDb::sqlite().await,
        &[
            ("AGORA_ENV", "production"),
            ("AGORA_PUBLIC_URL", "https://agora.example.com"),
        ],
    )
    .await;
    for path in ["/healthz", "/login", "/api/v1/products"] {
        let response = production.get(path).await;
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test]
async fn nothing_private_is_cached() {
    for app in apps().await {
        let cache = |response: &reqwest::Response| {
            response
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap().to_owned())
        };
        // Anonymous visitors get the public marketplace as before.
        let anonymous = app.get("/products").await;
        assert_eq!(anonymous.status(), 200);
        assert_eq!(cache(&anonymous), None, "{}", app.label());

        let owner = app.client_as(OWNER).await;
        for path in ["/products", "/inbox", "/settings/tokens"] {
            let page = owner.get(app.url(path)).send().await.unwrap();
            assert_eq!(cache(&page).as_deref(), Some("no-store"), "{path}");
        }
        let call = owner
            .post(app.url("/api/list_tokens"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(call.status(), 200);
        assert_eq!(cache(&call).as_deref(), Some("no-store"));

        let secret = token(&app, OWNER, &[Scope::Read]).await;
        let mine = app
            .client
            .get(app.url("/api/v1/subscriptions"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(mine.status(), 200);
        assert_eq!(cache(&mine).as_deref(), Some("no-store"));
    }
}
