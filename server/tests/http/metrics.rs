//! `/metrics`: Prometheus text for the bearer of the metrics token on the main port, or for anyone on the
//! metrics listener; nowhere when neither is configured. Scraped before and after some traffic, the series move.
//!
//! The recorder is process-wide and other tests run beside these, so every check compares a series before and
//! after (it grew by at least what this test did), never with a fixed number.
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mesh::access::Scope;
use mesh::entity::prelude::*;
use mesh::testing::databases;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use crate::helpers::{browser, spawn_app, spawn_app_with, token, TestApp, CONSUMER, OWNER};

const TOKEN: &str = "scrape-me-0123456789abcdef";

/// One scrape: each series (name and labels) and its value.
struct Scrape(Vec<(String, BTreeMap<String, String>, f64)>);

impl Scrape {
    fn parse(text: &str) -> Scrape {
        let mut series = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (key, value) = line.rsplit_once(' ').expect("`series value`");
            let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
            let (name, labels) = match key.split_once('{') {
                None => (key.to_owned(), BTreeMap::new()),
                Some((name, rest)) => {
                    let inner = rest.strip_suffix('}').expect("labels end with }");
                    let labels = inner
                        .split("\",")
                        .filter(|pair| !pair.is_empty())
                        .map(|pair| {
                            let (k, v) = pair.split_once("=\"").expect("label=\"value\"");
                            (k.to_owned(), v.trim_end_matches('"').to_owned())
                        })
                        .collect();
                    (name.to_owned(), labels)
                }
            };
            series.push((name, labels, value));
        }
        Scrape(series)
    }

    /// The sum over the series of `name` that carry all of `labels` (0 when there is none).
    fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .iter()
            .filter(|(n, l, _)| {
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, _, v)| v)
            .sum()
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _, _)| n == name)
    }
}

async fn scrape_with(client: &reqwest::Client, url: &str, token: Option<&str>) -> Scrape {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("scrape");
    assert_eq!(response.status(), 200, "scraping {url}");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    Scrape::parse(&response.text().await.unwrap())
}

async fn scrape(app: &TestApp) -> Scrape {
    scrape_with(&app.client, &app.url("/metrics"), Some(TOKEN)).await
}

/// Asserts that `name{labels}` grew by at least `by` between two scrapes.
fn grew(before: &Scrape, after: &Scrape, name: &str, labels: &[(&str, &str)], by: f64, db: &str) {
    let (was, is) = (before.sum(name, labels), after.sum(name, labels));
    assert!(
        is >= was + by,
        "{db}: {name}{labels:?} went from {was} to {is}, expected at least +{by}"
    );
}

#[tokio::test]
async fn metrics_on_the_main_port_answer_only_the_metrics_token_and_move_with_traffic() {
    for db in databases().await {
        let label = db.label;
        let app = spawn_app_with(
            db,
            &[
                ("AGORA_METRICS_TOKEN", TOKEN),
                ("AGORA_DB_MAX_CONNECTIONS", "7"),
                ("AGORA_JOB_INTERVAL_SECONDS", "1"),
                // Two anonymous reads a second with no burst beyond that: the third one at once is refused.
                ("AGORA_ANON_RATE_LIMIT_PER_SECOND", "1"),
                ("AGORA_ANON_RATE_LIMIT_BURST", "2"),
            ],
        )
        .await;

        // No token, a wrong one, or another scheme: 401 with a problem body, and nothing about the server.
        for authorization in [
            None,
            Some("Bearer not-the-metrics-token"),
            Some("Basic eDp5"),
        ] {
            let mut request = app.client.get(app.url("/metrics"));
            if let Some(value) = authorization {
                request = request.header("authorization", value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "{label}: {authorization:?}");
            assert_eq!(
                response.headers()["www-authenticate"],
                "Bearer realm=\"metrics\""
            );
            let body = response.text().await.unwrap();
            assert!(!body.contains("agora_"), "{label}: {body}");
        }

        let before = scrape(&app).await;
        assert!(
            before.sum("agora_http_requests_in_flight", &[]) >= 1.0,
            "{label}: the scrape itself is in flight"
        );
        assert_eq!(
            before.sum("agora_db_pool_max_connections", &[]),
            7.0,
            "{label}: the pool's size as configured"
        );
        assert!(
            before.sum("agora_db_pool_connections", &[("state", "idle")])
                + before.sum("agora_db_pool_connections", &[("state", "in_use")])
                >= 1.0,
            "{label}: the pool holds a connection"
        );

        // Sign-ins: one that works, one as somebody who is not a persona.
        let ana = app.client_as(CONSUMER).await;
        let refused = browser()
            .post(app.url("/auth/demo"))
            .form(&[("email", "nobody@example.com")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 303);
        // Pages: a search twice (the second from the rendered-page cache) and a page that does not exist.
        for _ in 0..2 {
            let (status, _) = app.get_text_as(&ana, "/products?q=orders").await;
            assert_eq!(status, 200, "{label}");
        }
        let (status, _) = app.get_text_as(&ana, "/no-such-page").await;
        assert_eq!(status, 404, "{label}");
        // The API: a pipeline pushes quality results, which re-evaluates the product.
        let pipeline = token(&app, OWNER, &[Scope::Results]).await;
        let pushed = reqwest::Client::new()
            .post(app.url("/api/v1/products/marketing/campaign-performance/quality-results"))
            .bearer_auth(&pipeline)
            .header("content-type", "application/json")
            .body(r#"{"result": "passed"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(pushed.status(), 201, "{label}");
        // Anonymous reads over the limit.
        let mut limited = 0;
        for _ in 0..4 {
            let response = app.get("/api/v1/products").await;
            limited += u32::from(response.status() == 429);
        }
        assert!(limited >= 1, "{label}: 4 anonymous reads at once, limit 2");

        let after = scrape(&app).await;
        let page = [("route", "/products"), ("method", "GET"), ("status", "200")];
        grew(
            &before,
            &after,
            "agora_http_requests_total",
            &page,
            2.0,
            label,
        );
        grew(
            &before,
            &after,
            "agora_http_request_duration_seconds_count",
            &page,
            2.0,
            label,
        );
        assert!(
            after.sum(
                "agora_http_request_duration_seconds_bucket",
                &[("route", "/products"), ("le", "+Inf")]
            ) >= 2.0,
            "{label}: latency has buckets"
        );
        let unmatched = [("route", "unmatched"), ("status", "404")];
        grew(
            &before,
            &after,
            "agora_http_requests_total",
            &unmatched,
            1.0,
            label,
        );
        let push = [
            (
                "route",
                "/api/v1/products/{domain}/{product}/quality-results",
            ),
            ("method", "POST"),
            ("status", "201"),
        ];
        grew(
            &before,
            &after,
            "agora_http_requests_total",
            &push,
            1.0,
            label,
        );
        let limited_api = [("route", "/api/v1/products"), ("status", "429")];
        grew(
            &before,
            &after,
            "agora_http_requests_total",
            &limited_api,
            1.0,
            label,
        );
        let server_fn = [("route", "/api/create_token"), ("method", "POST")];
        grew(
            &before,
            &after,
            "agora_http_requests_total",
            &server_fn,
            1.0,
            label,
        );

        let demo = [("provider", "demo")];
        grew(
            &before,
            &after,
            "agora_sign_ins_total",
            &[demo[0], ("outcome", "success")],
            2.0,
            label,
        );
        grew(
            &before,
            &after,
            "agora_sign_ins_total",
            &[demo[0], ("outcome", "not-a-persona")],
            1.0,
            label,
        );
        grew(
            &before,
            &after,
            "agora_search_queries_total",
            &[],
            2.0,
            label,
        );
        let pages_hit = [("cache", "pages"), ("outcome", "hit")];
        grew(
            &before,
            &after,
            "agora_search_cache_requests_total",
            &pages_hit,
            1.0,
            label,
        );
        let limiter = [("limiter", "anonymous_reads")];
        grew(
            &before,
            &after,
            "agora_rate_limit_rejections_total",
            &limiter,
            1.0,
            label,
        );
        grew(
            &before,
            &after,
            "agora_governance_evaluated_products_total",
            &[],
            1.0,
            label,
        );
        grew(
            &before,
            &after,
            "agora_governance_evaluations_total",
            &[],
            1.0,
            label,
        );
        grew(
            &before,
            &after,
            "agora_governance_evaluation_duration_seconds_count",
            &[],
            1.0,
            label,
        );
        grew(
            &before,
            &after,
            "agora_search_index_refreshes_total",
            &[],
            1.0,
            label,
        );
        for name in [
            "agora_db_errors_total",
            "agora_db_pool_acquire_timeouts_total",
            "agora_webhook_queue_depth",
        ] {
            assert!(after.has(name), "{label}: {name} is exported");
        }

        // A webhook of the team to a local receiver, and an event for it: the delivery job sends it.
        let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = format!("http://{}/hook", receiver.local_addr().unwrap());
        let answers = axum::Router::new().fallback(|| async { "ok" });
        tokio::spawn(async move { axum::serve(receiver, answers).await });
        let team = Team::find()
            .filter(team::Column::Slug.eq("marketing-analytics"))
            .one(&app.db.db)
            .await
            .unwrap()
            .expect("the demo team");
        webhook::ActiveModel {
            team_id: Set(team.id),
            url: Set(target),
            secret: Set("s3cret".into()),
            event_types: Set("*".into()),
            active: Set(true),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db.db)
        .await
        .unwrap();
        let event = mesh::activity::webhooks::cloud_event(
            "agora.subscription.approved",
            "subscriptions/1",
            serde_json::json!({"subscriptionId": 1}),
        );
        mesh::activity::webhooks::enqueue(&app.db.db, &[team.id], &event)
            .await
            .unwrap();

        // Housekeeping runs every second here and deliveries every 2 s: within a few seconds housekeeping has run
        // again (and been timed) and the delivery has been made. The deadline guards against a hang.
        let deadline = Instant::now() + Duration::from_secs(15);
        let housekeeping = [("job", "housekeeping"), ("outcome", "ok")];
        let delivered = [("outcome", "delivered")];
        let done = |latest: &Scrape| {
            latest.sum("agora_job_runs_total", &housekeeping)
                > after.sum("agora_job_runs_total", &housekeeping)
                && latest.sum("agora_webhook_deliveries_total", &delivered)
                    > after.sum("agora_webhook_deliveries_total", &delivered)
        };
        let mut latest = scrape(&app).await;
        while !done(&latest) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
            latest = scrape(&app).await;
        }
        grew(
            &after,
            &latest,
            "agora_job_runs_total",
            &housekeeping,
            1.0,
            label,
        );
        grew(
            &after,
            &latest,
            "agora_webhook_deliveries_total",
            &delivered,
            1.0,
            label,
        );
        assert!(
            latest.sum(
                "agora_job_duration_seconds_count",
                &[("job", "housekeeping")]
            ) >= 1.0,
            "{label}"
        );
        for job in ["expiry", "governance", "sessions", "webhooks"] {
            assert!(
                latest.sum("agora_job_runs_total", &[("job", job)]) >= 1.0,
                "{label}: {job} has run"
            );
        }
        // Every series carries help text.
        let text = app
            .client
            .get(app.url("/metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for name in [
            "agora_http_requests_total",
            "agora_sign_ins_total",
            "agora_job_runs_total",
        ] {
            assert!(
                text.contains(&format!("# HELP {name} ")),
                "{label}: help for {name}"
            );
        }
    }
}

#[tokio::test]
async fn without_a_metrics_token_the_main_port_has_no_metrics() {
    for db in databases().await {
        let label = db.label;
        let app = spawn_app(db).await;
        for token in [None, Some(TOKEN)] {
            let mut request = app.client.get(app.url("/metrics"));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 404, "{label}: {token:?}");
            let body = response.text().await.unwrap();
            assert!(!body.contains("agora_"), "{label}: {body}");
        }
        assert!(app.metrics_address.is_none());
    }
}

#[tokio::test]
async fn the_metrics_listener_serves_metrics_without_a_token_and_stops_with_the_app() {
    for db in databases().await {
        let label = db.label;
        // The pool gauges are process-wide and set by each scrape from its app's pool: the same size as the
        // other test's keeps its check of the size true whichever scrapes last.
        let app = spawn_app_with(
            db,
            &[
                ("AGORA_METRICS_ADDR", "127.0.0.1:0"),
                ("AGORA_DB_MAX_CONNECTIONS", "7"),
            ],
        )
        .await;
        let metrics = app.metrics_address.clone().expect("a metrics listener");
        assert_ne!(metrics, app.address);
        // Only the listener has them: the main port needs a token nobody configured.
        let main = app.client.get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(main.status(), 404, "{label}");
        let other = app
            .client
            .get(format!("{metrics}/products"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            other.status(),
            404,
            "{label}: the listener serves /metrics only"
        );

        let before = scrape_with(&app.client, &format!("{metrics}/metrics"), None).await;
        let (status, body) = app.get_text("/api/v1/products").await;
        assert_eq!(status, 200, "{label}: {body}");
        let _: Value = serde_json::from_str(&body).unwrap();
        let after = scrape_with(&app.client, &format!("{metrics}/metrics"), None).await;
        let api = [
            ("route", "/api/v1/products"),
            ("method", "GET"),
            ("status", "200"),
        ];
        grew(
            &before,
            &after,
            "agora_http_requests_total",
            &api,
            1.0,
            label,
        );

        // Stopping the app closes the metrics listener too.
        let client = app.client.clone();
        drop(app);
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut open = true;
        while open && Instant::now() < deadline {
            open = client
                .get(format!("{metrics}/metrics"))
                .send()
                .await
                .is_ok();
            if open {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        assert!(
            !open,
            "{label}: the metrics listener still answers after shutdown"
        );
    }
}
