//! Governance over HTTP: results pipelines push and their validation, the dashboards, policies and waivers.
use mesh::access::Scope;
use serde_json::{json, Value};

use crate::helpers::{apps, token, TestApp, CONSUMER, OWNER, STEWARD};

const CAMPAIGNS: &str = "/api/v1/products/marketing/campaign-performance";

async fn post(app: &TestApp, token: &str, path: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn check(app: &TestApp, product: &str, policy: &str) -> Value {
    let all: Value = app
        .get(&format!("/api/v1/products/{product}/compliance"))
        .await
        .json()
        .await
        .unwrap();
    all["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["policy"] == policy)
        .cloned()
        .unwrap_or_else(|| panic!("no check {policy} in {all}"))
}

#[tokio::test]
async fn pipeline_results_show_on_the_quality_tab_and_re_evaluate_the_product() {
    for app in apps().await {
        // A steward makes fresh passing quality results a blocker for everyone.
        let sofia = app.client_as(STEWARD).await;
        let (status, body) = app
            .call(
                &sofia,
                "create_policy",
                &[
                    ("scope", "global"),
                    ("key", "quality-fresh"),
                    ("title", "Quality checked this week"),
                    ("rule", "quality_recent_pass"),
                    ("params", r#"{"days": 7}"#),
                    ("severity", "blocker"),
                    ("enabled", "on"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{}: {body}", app.label());

        let pipeline = token(&app, OWNER, &[Scope::Results]).await;
        let run = r#"{"result": "failed", "runId": "r-42", "checks": [
            {"name": "row_count > 0", "result": "passed"},
            {"name": "email is not null", "result": "failed", "field": "campaigns.email", "details": "12 null values"}]}"#;
        let (status, body) = post(
            &app,
            &pipeline,
            &format!("{CAMPAIGNS}/quality-results"),
            run,
        )
        .await;
        assert_eq!(status, 201, "{}: {body}", app.label());
        assert_eq!(body["result"], "failed");
        assert_eq!(
            (body["passed"].as_i64(), body["failed"].as_i64()),
            (Some(1), Some(1))
        );
        let c = check(&app, "marketing/campaign-performance", "quality-fresh").await;
        assert_eq!(c["outcome"], "fail", "{}: {c}", app.label());

        let (status, html) = app
            .get_text("/products/marketing/campaign-performance/quality")
            .await;
        assert_eq!(status, 200);
        assert!(
            html.contains("email is not null") && html.contains("12 null values"),
            "{}",
            app.label()
        );
        assert!(html.contains("SLA met, last 30 days"));

        let (status, _) = post(
            &app,
            &pipeline,
            &format!("{CAMPAIGNS}/quality-results"),
            r#"{"result": "passed"}"#,
        )
        .await;
        assert_eq!(status, 201);
        let c = check(&app, "marketing/campaign-performance", "quality-fresh").await;
        assert_eq!(c["outcome"], "pass", "{}: {c}", app.label());

        // SLA measurements: one object or an array.
        let (status, body) = post(
            &app,
            &pipeline,
            &format!("{CAMPAIGNS}/sla-measurements"),
            r#"[{"property": "availability", "value": 99.95}, {"property": "freshness", "value": 30, "unit": "m"}]"#,
        )
        .await;
        assert_eq!(
            (status, body["stored"].as_i64()),
            (201, Some(2)),
            "{}: {body}",
            app.label()
        );
        let (status, body) = post(
            &app,
            &pipeline,
            &format!("{CAMPAIGNS}/sla-measurements"),
            r#"{"property": "availability", "value": 97.0, "met": false}"#,
        )
        .await;
        assert_eq!((status, body["stored"].as_i64()), (201, Some(1)), "{body}");
    }
}

#[tokio::test]
async fn malformed_results_are_refused_naming_the_field_and_change_nothing() {
    for app in apps().await {
        let pipeline = token(&app, OWNER, &[Scope::Results]).await;
        let read_only = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
        // Tokens record when they were last used; everything else must stay as it was.
        let fingerprint = || async {
            let mut all = mesh::testing::fingerprint(&app.db.db).await;
            all.remove("ApiToken");
            all
        };
        let before = fingerprint().await;
        let bad = [
            ("quality-results", r#"{"result": "maybe"}"#, "result", 400),
            (
                "quality-results",
                r#"{"result": "passed", "checks": [{"name": "a", "result": "passed"}, {"name": "b"}]}"#,
                "checks[1]",
                400,
            ),
            (
                "quality-results",
                r#"{"result": "passed", "colour": "red"}"#,
                "colour",
                400,
            ),
            ("quality-results", "not json", "body", 400),
            (
                "quality-results",
                r#"{"result": "passed", "port": "no-such-port"}"#,
                "port",
                422,
            ),
            (
                "sla-measurements",
                r#"[{"property": "availability", "value": 99.9}, {"property": "uptime", "value": 1}]"#,
                "[1].property",
                422,
            ),
            (
                "sla-measurements",
                r#"{"property": "availability", "value": "high"}"#,
                "value",
                400,
            ),
        ];
        for (path, body, field, expected) in bad {
            let (status, problem) =
                post(&app, &pipeline, &format!("{CAMPAIGNS}/{path}"), body).await;
            assert_eq!(
                status,
                expected,
                "{}: {body} answered {problem}",
                app.label()
            );
            let fields: Vec<&str> = problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert!(
                fields.iter().any(|f| f.starts_with(field)),
                "{body}: expected field {field} in {problem}"
            );
        }
        // Without the results scope, a member's token may not push.
        let (status, _) = post(
            &app,
            &read_only,
            &format!("{CAMPAIGNS}/quality-results"),
            r#"{"result": "passed"}"#,
        )
        .await;
        assert_eq!(status, 403);
        assert_eq!(before, fingerprint().await, "{}", app.label());
    }
}

#[tokio::test]
async fn datacontract_cli_publishes_its_test_run_with_an_api_key() {
    for app in apps().await {
        let key = token(&app, OWNER, &[Scope::Results]).await;
        // What `datacontract test --publish` sends (abridged; unknown keys are ignored).
        let run = json!({
            "runId": "6b3a", "id": "6b3a", "datacontractCliVersion": "0.10.30",
            "dataContractId": "urn:x", "dataProductId": "marketing/campaign-performance",
            "timestampStart": "2026-11-24T06:00:00.000000Z", "timestampEnd": "2026-11-24T06:00:05.123456Z",
            "result": "failed", "server": "production",
            "checks": [
                {"type": "field_is_present", "name": "Check that field spend is present", "model": "campaigns", "field": "spend", "result": "passed"},
                {"type": "field_required", "name": "Check that field campaign_id has no missing values", "model": "campaigns", "field": "campaign_id", "result": "failed", "reason": "3 rows with nulls"}
            ],
            "logs": [{"level": "INFO", "message": "done", "timestamp": "2026-11-24T06:00:05Z"}]
        });
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/datacontract-cli/test-results"))
            .header("x-api-key", &key)
            .json(&run)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", app.label());
        let page = response.headers()["location-html"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            page.ends_with("/products/marketing/campaign-performance/quality"),
            "{page}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            (body["result"].as_str(), body["failed"].as_i64()),
            (Some("failed"), Some(1))
        );
        let (_, html) = app
            .get_text("/products/marketing/campaign-performance/quality")
            .await;
        assert!(
            html.contains("3 rows with nulls") && html.contains("campaigns.campaign_id"),
            "{}",
            app.label()
        );

        let anonymous = reqwest::Client::new()
            .post(app.url("/api/v1/datacontract-cli/test-results"))
            .json(&run)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
    }
}

#[tokio::test]
async fn stewards_watch_compliance_and_decide_waivers() {
    for app in apps().await {
        let overview: Value = app.get("/api/v1/governance").await.json().await.unwrap();
        let domains = overview["domains"].as_array().unwrap();
        assert!(domains.len() >= 5, "{overview}");
        let scores: Vec<f64> = domains
            .iter()
            .map(|d| d["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] <= w[1]),
            "worst domain first: {scores:?}"
        );
        assert!(scores.iter().all(|s| (0.0..=100.0).contains(s)));
        assert!(
            overview["trend"].as_array().unwrap().len() >= 2,
            "the seeded history"
        );

        let sofia = app.client_as(STEWARD).await;
        let page = |path: &'static str, client: reqwest::Client| {
            let url = app.url(path);
            async move {
                let r = client.get(url).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, html) = page("/governance", sofia.clone()).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Marketing") && html.contains("Mesh compliance"),
            "{}",
            app.label()
        );
        let (status, html) = page("/governance/domains/marketing", sofia.clone()).await;
        assert_eq!(status, 200);
        assert!(html.contains("Customer Segments"));
        let (status, _) = page("/governance/domains/no-such-domain", sofia.clone()).await;
        assert_eq!(status, 404);

        // The review queue is the stewards'.
        let ana = app.client_as(CONSUMER).await;
        let (status, _) = page("/governance/waivers", ana).await;
        assert_eq!(status, 403, "{}", app.label());
        let (status, html) = page("/governance/waivers", sofia.clone()).await;
        assert_eq!(status, 200);
        assert!(html.contains("Customer Segments"));

        let before = check(&app, "marketing/customer-segments", "support").await;
        assert_eq!(before["outcome"], "fail", "{}: {before}", app.label());
        let id = {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            mesh::entity::prelude::Waiver::find()
                .filter(
                    mesh::entity::waiver::Column::Status.eq(mesh::kinds::WaiverStatus::Requested),
                )
                .one(&app.db.db)
                .await
                .unwrap()
                .expect("the seeded waiver request")
                .id
        };
        let (status, body) = app
            .call(
                &sofia,
                "decide_waiver",
                &[
                    ("id", &id.to_string()),
                    ("decision", "approve"),
                    ("note", "Until the support desk moves"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let after = check(&app, "marketing/customer-segments", "support").await;
        assert_eq!(after["outcome"], "waived", "{}: {after}", app.label());
        // Deciding twice is a conflict, not a second decision.
        let (status, _) = app
            .call(
                &sofia,
                "decide_waiver",
                &[("id", &id.to_string()), ("decision", "deny")],
            )
            .await;
        assert_eq!(status, 409);
    }
}

#[tokio::test]
async fn a_policy_with_bad_parameters_is_refused_with_field_errors() {
    for app in apps().await {
        let sofia = app.client_as(STEWARD).await;
        let before = mesh::testing::fingerprint(&app.db.db).await;
        for (rule, params, field) in [
            ("docs_min_length", "{\"min\": \"long\"}", "params"),
            ("no_such_rule", "{}", "rule"),
            ("docs_min_length", "{not json", "params"),
        ] {
            let (status, body) = app
                .call(
                    &sofia,
                    "create_policy",
                    &[
                        ("scope", "global"),
                        ("key", "docs-long"),
                        ("title", "Long docs"),
                        ("rule", rule),
                        ("params", params),
                        ("severity", "major"),
                    ],
                )
                .await;
            assert_eq!(status, 422, "{rule} {params}: {body}");
            assert!(body.to_string().contains(field), "{rule} {params}: {body}");
        }
        let (status, _) = app
            .call(
                &sofia,
                "create_policy",
                &[
                    ("scope", "global"),
                    ("key", "owner"),
                    ("title", "Dup"),
                    ("rule", "docs_min_length"),
                    ("params", "{}"),
                    ("severity", "major"),
                ],
            )
            .await;
        assert!(status == 409 || status == 422, "a duplicate key: {status}");
        assert_eq!(before, mesh::testing::fingerprint(&app.db.db).await);
    }
}
