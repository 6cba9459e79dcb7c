//! The products API, the product page tabs, and `agora import` / `agora export`.
use mesh::access::Scope;
use mesh::testing::TestDb;
use serde_json::{json, Value};

use crate::helpers::{apps, spawn_app, token, TestApp, ADMIN, CONSUMER, OWNER};

fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    secret: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(secret)
}

const CONTRACT: &str = "apiVersion: v3.1.0\nkind: DataContract\nid: marketing-reach\nversion: 1.0.0\nstatus: active\nschema:\n  - name: reach\n    properties:\n      - name: campaign_id\n        logicalType: string\n      - name: reach\n        logicalType: integer\n";

#[tokio::test]
async fn the_api_lists_creates_imports_publishes_and_exports() {
    for app in apps().await {
        let page: Value = reqwest::get(app.url("/api/v1/products?per_page=100"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = page["results"].as_array().unwrap();
        assert!(
            list.iter().any(|p| p["slug"] == "customer-orders"),
            "{}",
            app.label()
        );
        assert!(list.iter().all(|p| p["status"] != "draft"));

        let owner = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
        let created = api(&app, reqwest::Method::POST, "/products", &owner)
            .json(&json!({"domain": "marketing", "ownerTeam": "marketing-analytics", "name": "Campaign Reach",
                          "summary": "Reach per campaign", "kind": "aggregate", "tags": ["campaigns"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "{}", app.label());
        assert_eq!(
            created.headers()["location"],
            "/api/v1/products/marketing/campaign-reach"
        );
        let detail: Value = created.json().await.unwrap();
        assert_eq!(detail["status"], "draft");

        let port = api(
            &app,
            reqwest::Method::POST,
            "/products/marketing/campaign-reach/ports",
            &owner,
        )
        .json(
            &json!({"slug": "warehouse", "name": "Table", "kind": "table", "location": "DB.REACH"}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(port.status(), 201);

        let put = |body: &'static str| {
            api(
                &app,
                reqwest::Method::PUT,
                "/products/marketing/campaign-reach/contract",
                &owner,
            )
            .header("content-type", "application/yaml")
            .body(body)
            .send()
        };
        let first: Value = put(CONTRACT).await.unwrap().json().await.unwrap();
        assert_eq!(
            first,
            json!({"id": "marketing-reach", "outcome": "created"})
        );
        let again: Value = put(CONTRACT).await.unwrap().json().await.unwrap();
        assert_eq!(again["outcome"], "unchanged");
        let bad = put("apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: a\n        logicalType: text\n")
            .await
            .unwrap();
        assert_eq!(bad.status(), 422);
        assert_eq!(bad.headers()["content-type"], "application/problem+json");
        let problem: Value = bad.json().await.unwrap();
        assert_eq!(
            problem["errors"][0]["field"],
            "schema[0].properties[0].logicalType"
        );
        assert!(problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 10: must be one of"));

        let published = api(
            &app,
            reqwest::Method::POST,
            "/products/marketing/campaign-reach/publish",
            &owner,
        )
        .json(&json!({"version": "1.0.0", "summary": "First release"}))
        .send()
        .await
        .unwrap();
        assert_eq!(published.status(), 200);
        // Drop a column: breaking, so 1.1.0 is refused.
        put("apiVersion: v3.1.0\nkind: DataContract\nid: marketing-reach\nversion: 1.1.0\nstatus: active\nschema:\n  - name: reach\n    properties:\n      - name: campaign_id\n        logicalType: string\n").await.unwrap();
        let proposal: Value = api(
            &app,
            reqwest::Method::GET,
            "/products/marketing/campaign-reach/proposal",
            &owner,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(proposal["suggested"], "2.0.0", "{proposal}");
        let refused = api(
            &app,
            reqwest::Method::POST,
            "/products/marketing/campaign-reach/publish",
            &owner,
        )
        .json(&json!({"version": "1.1.0", "summary": "Dropped reach"}))
        .send()
        .await
        .unwrap();
        assert_eq!(refused.status(), 422);

        let yaml = reqwest::get(app.url("/api/v1/products/marketing/campaign-reach/contract"))
            .await
            .unwrap();
        assert_eq!(
            yaml.headers()["content-type"],
            "application/yaml; charset=utf-8"
        );
        let text = yaml.text().await.unwrap();
        assert!(
            text.contains("apiVersion: v3.1.0") && text.contains("id: marketing-reach"),
            "{text}"
        );
        let odps = reqwest::get(app.url("/api/v1/products/marketing/campaign-reach/odps"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            odps.contains("kind: DataProduct") && odps.contains("contractId: marketing-reach"),
            "{odps}"
        );
        let versions: Value =
            reqwest::get(app.url("/api/v1/products/marketing/campaign-reach/versions"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(versions["results"][0]["version"], "1.0.0");
    }
}

#[tokio::test]
async fn api_errors_are_problem_documents() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let owner = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
    let reader = token(&app, OWNER, &[Scope::Read]).await;
    let consumer = token(&app, CONSUMER, &[Scope::Read, Scope::Write]).await;
    let missing = api(&app, reqwest::Method::POST, "/products", &owner)
        .json(&json!({"domain": "marketing"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.status(),
        400,
        "a body of the wrong shape is a bad request"
    );
    let problem: Value = missing.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("missing field"),
        "{problem}"
    );
    let invalid = api(&app, reqwest::Method::POST, "/products", &owner)
        .json(&json!({"domain": "marketing", "ownerTeam": "marketing-analytics", "name": "X", "slug": "Bad Slug", "summary": "s", "kind": "lake"}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    let problem: Value = invalid.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["slug", "kind"]);
    let forbidden = api(
        &app,
        reqwest::Method::PATCH,
        "/products/marketing/campaign-performance",
        &consumer,
    )
    .json(&json!({"name": "Mine now"}))
    .send()
    .await
    .unwrap();
    assert_eq!(forbidden.status(), 403);
    let read_only = api(
        &app,
        reqwest::Method::PATCH,
        "/products/marketing/campaign-performance",
        &reader,
    )
    .json(&json!({"name": "Mine now"}))
    .send()
    .await
    .unwrap();
    assert_eq!(read_only.status(), 403);
    let unknown = reqwest::get(app.url("/api/v1/products/marketing/nope"))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.headers()["content-type"],
        "application/problem+json"
    );
    let anonymous = reqwest::Client::new()
        .patch(app.url("/api/v1/products/marketing/campaign-performance"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn the_openapi_document_and_its_readable_page() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/products/{domain}/{product}/contract"]["put"].is_object());
    let (status, html) = app.get_text("/api/v1/docs").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Agora API") && html.contains("/api/v1/products/{domain}/{product}/publish")
    );
}

#[tokio::test]
async fn the_product_tabs_show_schema_sla_quality_ports_and_versions() {
    for app in apps().await {
        let base = "/products/sales/customer-orders";
        let (status, schema) = app.get_text(&format!("{base}/schema")).await;
        assert_eq!(status, 200, "{}", app.label());
        assert!(
            schema.contains("data-column=\"order_id\"")
                && schema.contains("data-column=\"customer_email\"")
        );
        let (_, filtered) = app.get_text(&format!("{base}/schema?q=email")).await;
        assert!(
            filtered.contains("data-column=\"customer_email\"")
                && !filtered.contains("data-column=\"order_id\"")
        );
        let (_, contract) = app.get_text(&format!("{base}/contract")).await;
        assert!(
            contract.contains("99.9 %")
                && contract.contains("every 15 minutes")
                && contract.contains("10 years"),
            "SLA cards"
        );
        assert!(contract.contains("#sales-ops"));
        let (_, quality) = app.get_text(&format!("{base}/quality")).await;
        assert!(quality.contains("duplicateValues mustBe 0"));
        let (_, ports) = app.get_text(&format!("{base}/ports")).await;
        assert!(
            ports.contains("data-port=\"events\"")
                && ports.contains("Data contract: sales-customer-orders")
        );
        let (_, versions) = app.get_text(&format!("{base}/versions")).await;
        assert!(versions.contains("v4.2.0"));
        let (status, _) = app.get_text(&format!("{base}/edit")).await;
        assert_eq!(status, 401, "editing needs sign-in");
        let outsider = app.client_as(CONSUMER).await;
        let (status, _) = app.get_text_as(&outsider, &format!("{base}/edit")).await;
        assert_eq!(status, 403);
        let owner = app.client_as(OWNER).await;
        let (status, html) = app
            .get_text_as(&owner, "/products/marketing/campaign-performance/edit")
            .await;
        assert_eq!(status, 200);
        assert!(
            html.contains("data-testid=\"publish\"")
                && html.contains("id: marketing-campaign-performance")
        );
    }
}

#[tokio::test]
async fn scripts_and_handlers_in_docs_never_reach_the_page() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let dan = app.client_as(OWNER).await;
    let id = mesh::catalog::products::id_of(
        &app.db.db,
        &mesh::access::Viewer::anonymous(),
        "marketing",
        "campaign-performance",
    )
    .await
    .unwrap()
    .id()
    .to_string();
    let docs = "# Hi\n\n<img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n\n[click](javascript:alert(3))";
    let (status, body) = app
        .call(
            &dan,
            "update_product",
            &[
                ("id", &id),
                ("name", "Campaign Performance"),
                ("summary", "s"),
                ("kind", "aggregate"),
                ("description", docs),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, html) = app
        .get_text("/products/marketing/campaign-performance")
        .await;
    assert!(html.contains("<h1>Hi</h1>"));
    assert!(
        !html.contains("onerror")
            && !html.contains("<script>alert")
            && !html.contains("javascript:alert"),
        "sanitized"
    );
}

#[tokio::test]
async fn agora_import_of_a_folder_is_idempotent_and_names_the_line_at_fault() {
    let db = TestDb::sqlite().await;
    mesh::demo::seed::seed_demo(&db.db).await.unwrap();
    let dir = std::env::temp_dir().join(format!("agora-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("reach.yaml"),
        "apiVersion: v3.1.0\nkind: DataContract\nid: cp-extra\nversion: 1.0.0\nstatus: active\ndomain: marketing\ndataProduct: Campaign Performance\nschema: []\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_agora"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let dir_arg = dir.to_str().unwrap();
    let (code, out) = run(&["import", dir_arg]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("created contract cp-extra of marketing/campaign-performance"),
        "{out}"
    );
    let (code, out) = run(&["import", dir_arg]);
    assert_eq!(code, Some(0));
    assert!(out.contains("unchanged contract cp-extra"), "{out}");
    std::fs::write(dir.join("zz-bad.yaml"), "apiVersion: v3.1.0\nkind: DataContract\nid: bad\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: a\n        logicalType: text\n").unwrap();
    let (code, out) = run(&[
        "import",
        dir_arg,
        "--product",
        "marketing/campaign-performance",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("schema[0].properties[0].logicalType: line 10: must be one of"),
        "{out}"
    );
    let (code, yaml) = run(&["export", "sales/customer-orders"]);
    assert_eq!(code, Some(0));
    assert!(
        yaml.starts_with("apiVersion: v3.1.0") || yaml.contains("\napiVersion: v3.1.0"),
        "{yaml}"
    );
    let (_, odps) = run(&["export", "sales/customer-orders", "--odps"]);
    assert!(odps.contains("kind: DataProduct"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = ADMIN;
}

#[tokio::test]
async fn the_search_api_ranks_filters_counts_and_hides_drafts() {
    for app in apps().await {
        let get = |path: &str| {
            let url = app.url(path);
            async move {
                let r = reqwest::get(url).await.unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap())
            }
        };
        let (status, page) = get("/api/v1/search?q=orders&per_page=5").await;
        assert_eq!(status, 200, "{}", app.label());
        assert_eq!(page["results"][0]["slug"], "customer-orders", "{page}");
        assert!(page["total"].as_u64().unwrap() >= 3);
        assert_eq!(page["perPage"], 5);
        assert!(page["results"].as_array().unwrap().len() <= 5);

        // Two values of one facet are OR, and the counts say what choosing a value would give.
        let (_, sales) = get("/api/v1/search?domain=sales&per_page=100").await;
        let (_, both) = get("/api/v1/search?domain=sales&domain=finance&per_page=100").await;
        let facet = |page: &Value, key: &str, value: &str| -> u64 {
            page["facets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["key"] == key)
                .and_then(|f| {
                    f["values"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|v| v["value"] == value)
                })
                .map_or(0, |v| v["count"].as_u64().unwrap())
        };
        assert_eq!(
            sales["total"].as_u64(),
            Some(facet(&both, "domain", "sales"))
        );
        assert_eq!(
            both["total"].as_u64().unwrap(),
            facet(&both, "domain", "sales") + facet(&both, "domain", "finance")
        );
        assert!(sales["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["domain"] == "sales"));

        // Drafts only for those who may see them: anonymous callers never, an admin's token does.
        let (_, anon) = get("/api/v1/search?q=budget").await;
        assert!(
            !anon["results"].to_string().contains("budget-plan-2027"),
            "{anon}"
        );
        let admin = token(&app, ADMIN, &[Scope::Read]).await;
        let own: Value = api(&app, reqwest::Method::GET, "/search?q=budget", &admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            own["results"].to_string().contains("budget-plan-2027"),
            "{own}"
        );

        // Odd input answers normally, with nothing found and a spelling to try.
        let long = "x".repeat(10_000);
        for query in [
            "q=%22unbalanced".to_owned(),
            "q=NEAR(a+b)+OR+*".to_owned(),
            format!("q={long}"),
            "domain=no-such-domain&sort=zzz".to_owned(),
        ] {
            let (status, page) = get(&format!("/api/v1/search?{query}")).await;
            assert_eq!(status, 200, "{}: {query}", app.label());
            assert!(page["total"].is_u64());
        }
        // Pages out of bounds are refused, not clamped (the OpenAPI document says 1 to 100).
        let (status, problem) = get("/api/v1/search?page=abc&per_page=-1").await;
        assert_eq!(status, 400, "{problem}");
        let (_, typo) = get("/api/v1/search?q=revnue").await;
        assert_eq!(typo["total"], 0);
        assert_eq!(typo["didYouMean"], "revenue", "{typo}");
    }
}
