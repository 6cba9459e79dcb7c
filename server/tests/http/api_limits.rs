//! The API's bounds: pages of every list with totals and `Link` headers, `per_page` limits, anonymous reads limited
//! per client IP (forwarding headers only from trusted proxies), naming patterns capped, and an OpenAPI document
//! that lists what the server answers.
use mesh::access::Scope;
use mesh::testing::TestDb;
use serde_json::Value;

use crate::helpers::{apps, spawn_app_with, token, TestApp, OWNER, STEWARD};

async fn get_json(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

fn links(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .get("link")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
        .split(", ")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (target, rel) = l.split_once("; rel=").unwrap();
            (
                rel.trim_matches('"').to_owned(),
                target.trim_matches(['<', '>']).to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn product_lists_come_in_pages_with_totals_and_links() {
    for app in apps().await {
        let (status, headers, all) = get_json(&app, "/api/v1/products?per_page=100").await;
        assert_eq!(status, 200, "{}: {all}", app.label());
        let total = all["total"].as_u64().unwrap();
        assert!(total > 3, "the demo mesh lists more than 3 products");
        assert_eq!(
            all["results"].as_array().unwrap().len() as u64,
            total.min(100)
        );
        assert_eq!(all["page"], 1);
        assert_eq!(all["perPage"], 100);
        assert_eq!(
            links(&headers),
            [
                (
                    "first".to_owned(),
                    "/api/v1/products?page=1&per_page=100".to_owned()
                ),
                (
                    "last".to_owned(),
                    "/api/v1/products?page=1&per_page=100".to_owned()
                ),
            ]
        );

        let (status, headers, page) = get_json(
            &app,
            "/api/v1/products?include_retired=false&per_page=2&page=2",
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            page["total"].as_u64(),
            Some(total),
            "the total counts every page"
        );
        assert_eq!(page["pages"].as_u64(), Some(total.div_ceil(2)));
        let slugs: Vec<&Value> = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| &p["slug"])
            .collect();
        assert_eq!(
            slugs,
            [&all["results"][2]["slug"], &all["results"][3]["slug"]]
        );
        let rel: Vec<(String, String)> = links(&headers);
        let target = |r: &str| rel.iter().find(|(k, _)| k == r).map(|(_, t)| t.clone());
        assert_eq!(
            target("prev").as_deref(),
            Some("/api/v1/products?include_retired=false&page=1&per_page=2")
        );
        assert_eq!(
            target("next").as_deref(),
            Some("/api/v1/products?include_retired=false&page=3&per_page=2")
        );
        assert_eq!(
            target("last"),
            Some(format!(
                "/api/v1/products?include_retired=false&page={}&per_page=2",
                total.div_ceil(2)
            ))
        );
        // Following `next` to the end visits every product once.
        let mut seen = Vec::new();
        let mut next = Some("/api/v1/products?per_page=3".to_owned());
        while let Some(path) = next {
            let (status, headers, page) = get_json(&app, &path).await;
            assert_eq!(status, 200, "{path}");
            seen.extend(
                page["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["slug"].clone()),
            );
            next = links(&headers)
                .into_iter()
                .find(|(r, _)| r == "next")
                .map(|(_, t)| t);
        }
        assert_eq!(seen.len() as u64, total);

        let (status, _, versions) = get_json(
            &app,
            "/api/v1/products/sales/customer-orders/versions?per_page=1",
        )
        .await;
        assert_eq!(status, 200, "{versions}");
        assert_eq!(versions["results"].as_array().unwrap().len(), 1);
        assert!(versions["total"].as_u64().unwrap() >= 1);
        let (status, _, ports) =
            get_json(&app, "/api/v1/products/sales/customer-orders/ports").await;
        assert_eq!(status, 200, "{ports}");
        assert_eq!(ports["perPage"], 50, "50 a page unless asked");
    }
}

#[tokio::test]
async fn page_sizes_outside_1_to_100_are_refused_with_a_problem() {
    for app in apps().await {
        for path in [
            "/api/v1/products?per_page=-1",
            "/api/v1/products?per_page=0",
            "/api/v1/products?per_page=1000",
            "/api/v1/products?page=0",
            "/api/v1/products?page=-3",
            "/api/v1/products?page=two",
            "/api/v1/search?per_page=-1",
            "/api/v1/search?per_page=101",
            "/api/v1/search?page=0",
            "/api/v1/products/sales/customer-orders/versions?per_page=0",
            "/api/v1/products/sales/customer-orders/ports?per_page=500",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 400, "{}: {path}", app.label());
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{path}"
            );
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["status"], 400, "{path}");
        }
        let (status, headers, search) = get_json(&app, "/api/v1/search?q=orders&per_page=1").await;
        assert_eq!(status, 200, "{search}");
        assert_eq!(search["perPage"], 1);
        assert!(links(&headers)
            .iter()
            .any(|(r, t)| r == "first" && t == "/api/v1/search?q=orders&page=1&per_page=1"));
    }
}

#[tokio::test]
async fn anonymous_reads_are_limited_per_client_ip() {
    let app = spawn_app_with(
        TestDb::sqlite().await,
        &[
            ("AGORA_ANON_RATE_LIMIT_PER_SECOND", "1"),
            ("AGORA_ANON_RATE_LIMIT_BURST", "3"),
        ],
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(app.get("/api/v1/products").await.status().as_u16());
    }
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert_eq!(statuses[5], 429, "{statuses:?}");
    let response = app.get("/products").await;
    assert_eq!(response.status(), 429, "pages are anonymous reads too");
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 429);
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "probes are not limited"
    );
    // A signed-in reader has a bucket of its own.
    let signed_in = app.client_as(STEWARD).await;
    let response = signed_in
        .get(app.url("/api/v1/products"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn forwarded_for(app: &TestApp, client: &str) -> u16 {
    app.client
        .get(app.url("/api/v1/products"))
        .header("x-forwarded-for", client)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let limits = [
        ("AGORA_ANON_RATE_LIMIT_PER_SECOND", "1"),
        ("AGORA_ANON_RATE_LIMIT_BURST", "2"),
    ];
    // Untrusted peer: a client cannot pick a fresh bucket by sending a new X-Forwarded-For each time.
    let app = spawn_app_with(TestDb::sqlite().await, &limits).await;
    let statuses = [
        forwarded_for(&app, "203.0.113.1").await,
        forwarded_for(&app, "203.0.113.2").await,
        forwarded_for(&app, "203.0.113.3").await,
    ];
    assert_eq!(
        statuses,
        [200, 200, 429],
        "X-Forwarded-For from an untrusted peer is ignored"
    );

    // Behind a trusted proxy (the tests' 127.0.0.1), each real client has its own bucket.
    let mut env = limits.to_vec();
    env.push(("AGORA_TRUSTED_PROXIES", "127.0.0.0/8"));
    let app = spawn_app_with(TestDb::sqlite().await, &env).await;
    let first = [
        forwarded_for(&app, "203.0.113.1").await,
        forwarded_for(&app, "203.0.113.1").await,
        forwarded_for(&app, "203.0.113.1").await,
    ];
    assert_eq!(first, [200, 200, 429]);
    assert_eq!(
        forwarded_for(&app, "203.0.113.2").await,
        200,
        "another client behind the proxy"
    );
    assert_eq!(
        forwarded_for(&app, "203.0.113.1, 198.51.100.7").await,
        200,
        "the hop the proxy appended counts, not what the client wrote before it"
    );
}

#[tokio::test]
async fn sign_ins_behind_a_trusted_proxy_are_limited_per_real_client() {
    let app = spawn_app_with(
        TestDb::sqlite().await,
        &[
            ("AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE", "2"),
            ("AGORA_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    let sign_in = |client: &'static str| {
        let url = app.url("/auth/demo");
        async move {
            crate::helpers::browser()
                .post(url)
                .header("x-forwarded-for", client)
                .form(&[("email", STEWARD), ("return_to", "/")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(sign_in("203.0.113.1").await, 303);
    assert_eq!(sign_in("203.0.113.1").await, 303);
    assert_eq!(sign_in("203.0.113.1").await, 429);
    assert_eq!(
        sign_in("203.0.113.2").await,
        303,
        "another user behind the same proxy is not locked out"
    );
}

#[tokio::test]
async fn naming_patterns_are_capped_when_the_policy_is_saved() {
    for app in apps().await {
        let sofia = app.client_as(STEWARD).await;
        let before = mesh::testing::fingerprint(&app.db.db).await;
        let long = format!("{{\"product\": \"^{}$\"}}", "a".repeat(300));
        for params in [long.as_str(), r#"{"column": "\\w{1000}{1000}"}"#] {
            let (status, body) = app
                .call(
                    &sofia,
                    "create_policy",
                    &[
                        ("scope", "global"),
                        ("key", "names"),
                        ("title", "Names"),
                        ("rule", "naming_convention"),
                        ("params", params),
                        ("severity", "minor"),
                    ],
                )
                .await;
            assert_eq!(status, 422, "{}: {body}", app.label());
            assert!(body.to_string().contains("params"), "{body}");
        }
        assert_eq!(before, mesh::testing::fingerprint(&app.db.db).await);
    }
}

#[tokio::test]
async fn the_openapi_document_lists_the_errors_and_pages() {
    for app in apps().await {
        let (status, _, doc) = get_json(&app, "/api/v1/openapi.json").await;
        assert_eq!(status, 200);
        let list = &doc["paths"]["/api/v1/products"]["get"];
        for code in ["200", "400", "401", "403", "429"] {
            assert!(
                list["responses"][code].is_object(),
                "GET /products documents {code}"
            );
        }
        assert_eq!(
            list["responses"]["400"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
        let per_page = list["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "per_page")
            .expect("per_page is documented");
        assert_eq!(per_page["schema"]["minimum"], 1);
        assert_eq!(per_page["schema"]["maximum"], 100);
        let approve = &doc["paths"]["/api/v1/subscriptions/{id}/approve"]["post"];
        for code in ["400", "404", "409", "415", "422", "429"] {
            assert!(
                approve["responses"][code].is_object(),
                "approve documents {code}"
            );
        }
        let trend = &doc["components"]["schemas"]["Compliance"]["properties"]["trend"];
        assert_eq!(
            trend["items"]["$ref"], "#/components/schemas/TrendPoint",
            "{trend}"
        );
        let (_, _, governance) = get_json(&app, "/api/v1/governance").await;
        let point = &governance["trend"][0];
        assert!(
            point["day"].is_string() && point["score"].is_number(),
            "{governance}"
        );
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_400_problem() {
    for app in apps().await {
        let token = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
        for body in [
            "[]",
            "\"approve\"",
            "{\"note\": 5}",
            "{\"nope\": true}",
            "{",
        ] {
            let response = app
                .client
                .post(app.url("/api/v1/subscriptions/1/approve"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let problem: Value = response.json().await.unwrap();
            assert_eq!(status, 400, "{}: {body}: {problem}", app.label());
            assert_eq!(problem["status"], 400);
        }
        let response = app
            .client
            .post(app.url("/api/v1/subscriptions/abc/approve"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "an id that is not a number");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let response = app
            .client
            .post(app.url("/api/v1/subscriptions/1/approve"))
            .bearer_auth(&token)
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415, "a body without a JSON content type");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
}
