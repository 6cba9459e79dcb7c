//! Webhooks over HTTP against real local receivers: internal targets are refused (checked when connecting, so a
//! name that resolves to 127.0.0.1 is refused too) and nothing reaches them; with AGORA_WEBHOOK_ALLOW_PRIVATE they
//! are delivered, signed `t=...,v1=...`; a slow target does not hold up another; a team has at most 20 webhooks.
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use mesh::entity::prelude::*;
use mesh::testing::databases;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde_json::json;
use tokio::sync::Semaphore;

use crate::helpers::{spawn_app, spawn_app_with, TestApp, OWNER};

type Hits = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A receiver on `ip` (a free port) that records every request and answers 200; with a `gate` it answers only
/// once the test adds a permit. `None` when the address cannot be bound (e.g. no IPv6 on this machine).
async fn receiver(ip: &str, gate: Option<Arc<Semaphore>>) -> Option<(u16, Hits)> {
    let hits: Hits = Arc::default();
    let store = hits.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let (store, gate) = (store.clone(), gate.clone());
        async move {
            store.lock().unwrap().push((headers, body));
            if let Some(gate) = gate {
                let _ = gate.acquire().await;
            }
            StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind(format!("{ip}:0"))
        .await
        .ok()?;
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Some((port, hits))
}

/// Waits (up to 30 s, a guard against hanging, not a measurement) until `done` holds.
async fn until<F: std::future::Future<Output = bool>>(what: &str, done: impl Fn() -> F) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn team_id(app: &TestApp, slug: &str) -> i64 {
    Team::find()
        .filter(team::Column::Slug.eq(slug))
        .one(&app.db.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Queues one event for the team's webhooks, all in one transaction (so one round of the worker claims them all).
async fn queue_event(app: &TestApp, team: i64) {
    let txn = app.db.db.begin().await.unwrap();
    let event = mesh::activity::webhooks::cloud_event(
        "agora.subscription.approved",
        "subscriptions/1",
        json!({"subscriptionId": 1}),
    );
    mesh::activity::webhooks::enqueue(&txn, &[team], &event)
        .await
        .unwrap();
    txn.commit().await.unwrap();
}

async fn deliveries(app: &TestApp, hook: i64) -> Vec<webhook_delivery::Model> {
    WebhookDelivery::find()
        .filter(webhook_delivery::Column::WebhookId.eq(hook))
        .all(&app.db.db)
        .await
        .unwrap()
}

async fn create_hook(
    app: &TestApp,
    client: &reqwest::Client,
    url: &str,
) -> (u16, serde_json::Value) {
    app.call(
        client,
        "create_webhook",
        &[
            ("team", "marketing-analytics"),
            ("url", url),
            ("event_types", "*"),
        ],
    )
    .await
}

#[tokio::test]
async fn internal_targets_are_refused_and_never_reached() {
    for db in databases().await {
        let app = spawn_app_with(db, &[("AGORA_WEBHOOK_ALLOW_PRIVATE", "false")]).await;
        let label = app.label();
        let (port, hits) = receiver("127.0.0.1", None).await.unwrap();
        let v6 = receiver("[::1]", None).await;
        let v6_port = v6.as_ref().map_or(9, |(p, _)| *p);
        let targets = [
            format!("http://127.0.0.1:{port}/hook"),
            // A name that resolves to 127.0.0.1: only the check made when connecting can refuse it.
            format!("http://localhost:{port}/hook"),
            format!("http://[::ffff:127.0.0.1]:{port}/hook"),
            format!("http://2130706433:{port}/hook"),
            format!("http://[::1]:{v6_port}/hook"),
            "http://169.254.169.254/latest/meta-data/".to_owned(),
        ];

        // Registering any of them is a field error.
        let dan = app.client_as(OWNER).await;
        for url in &targets {
            let (status, body) = create_hook(&app, &dan, url).await;
            assert_eq!(status, 422, "{label}: registering {url}: {body}");
            assert!(
                body.to_string().contains("loopback, private or link-local"),
                "{label}: {body}"
            );
        }

        // Rows that got in anyway (registered while AGORA_WEBHOOK_ALLOW_PRIVATE was on, or before this rule) are
        // refused when delivering.
        let team = team_id(&app, "marketing-analytics").await;
        let mut hooks = Vec::new();
        for url in &targets {
            let row = webhook::ActiveModel {
                team_id: Set(team),
                url: Set(url.clone()),
                secret: Set("s3cret".into()),
                event_types: Set("*".into()),
                active: Set(true),
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&app.db.db)
            .await
            .unwrap();
            hooks.push(row.id);
        }
        queue_event(&app, team).await;
        for (hook, url) in hooks.iter().zip(&targets) {
            until(&format!("{label}: an attempt to {url}"), || async {
                deliveries(&app, *hook)
                    .await
                    .iter()
                    .all(|d| d.attempts >= 1)
            })
            .await;
            let d = &deliveries(&app, *hook).await[0];
            assert_eq!(
                (
                    d.last_status_code,
                    d.last_error.as_deref(),
                    d.status.as_str()
                ),
                (None, Some("refused: private address"), "pending"),
                "{label}: {url}"
            );
        }
        assert!(
            hits.lock().unwrap().is_empty(),
            "{label}: nothing reached 127.0.0.1"
        );
        if let Some((_, v6_hits)) = v6 {
            assert!(
                v6_hits.lock().unwrap().is_empty(),
                "{label}: nothing reached [::1]"
            );
        }

        // The webhooks page says so, in those words only.
        let (_, listed) = app.call(&dan, "get_webhooks", &[]).await;
        let errors: Vec<&str> = listed["hooks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["deliveries"][0]["last_error"].as_str().unwrap())
            .collect();
        assert_eq!(
            errors,
            vec!["refused: private address"; targets.len()],
            "{label}"
        );
        let (_, page) = app.get_text_as(&dan, "/settings/webhooks").await;
        assert!(page.contains("refused: private address"), "{label}");
        assert!(
            !page.contains("error sending request"),
            "{label}: no client error text"
        );
    }
}

#[tokio::test]
async fn with_private_targets_allowed_deliveries_arrive_signed_with_a_timestamp() {
    for db in databases().await {
        let app = spawn_app(db).await; // the test helpers set AGORA_WEBHOOK_ALLOW_PRIVATE=true
        let label = app.label();
        let (port, hits) = receiver("127.0.0.1", None).await.unwrap();
        let dan = app.client_as(OWNER).await;
        let mut secrets = Vec::new();
        for url in [
            format!("http://127.0.0.1:{port}/by-address"),
            format!("http://localhost:{port}/by-name"),
        ] {
            let (status, body) = create_hook(&app, &dan, &url).await;
            assert_eq!(status, 200, "{label}: {body}");
            secrets.push(body["secret"].as_str().unwrap().to_owned());
        }
        queue_event(&app, team_id(&app, "marketing-analytics").await).await;
        until(&format!("{label}: both deliveries"), || async {
            hits.lock().unwrap().len() == 2
        })
        .await;

        let now = chrono::Utc::now().timestamp();
        for (headers, body) in hits.lock().unwrap().iter() {
            let header = headers[mesh::activity::webhooks::SIGNATURE_HEADER]
                .to_str()
                .unwrap();
            let (t, v1) = header
                .strip_prefix("t=")
                .and_then(|rest| rest.split_once(",v1="))
                .unwrap_or_else(|| panic!("{label}: `t=<unix>,v1=<hex>`, got {header}"));
            let t: i64 = t.parse().unwrap();
            assert!((now - t).abs() < 60, "{label}: signed just now");
            assert_eq!(v1.len(), 64, "{label}: hex of HMAC-SHA256");
            assert!(
                secrets
                    .iter()
                    .any(|s| mesh::activity::webhooks::verify(s, body, header, now)),
                "{label}: the signature verifies with the webhook's secret"
            );
            let replayed = header.replacen(&format!("t={t}"), &format!("t={}", t + 1), 1);
            assert!(
                !secrets
                    .iter()
                    .any(|s| mesh::activity::webhooks::verify(s, body, &replayed, now)),
                "{label}: the timestamp is part of what is signed"
            );
            assert!(
                !secrets.iter().any(|s| mesh::activity::webhooks::verify(
                    s,
                    body,
                    header,
                    now + mesh::activity::webhooks::SIGNATURE_TOLERANCE_SECONDS + 60
                )),
                "{label}: an old signature is a replay"
            );
        }
        until(&format!("{label}: both recorded as delivered"), || async {
            let (_, listed) = app.call(&dan, "get_webhooks", &[]).await;
            listed["hooks"].as_array().unwrap().iter().all(|h| {
                h["deliveries"][0]["status"] == "delivered"
                    && h["deliveries"][0]["last_status_code"] == 200
            })
        })
        .await;
    }
}

#[tokio::test]
async fn a_slow_target_does_not_hold_up_another() {
    for db in databases().await {
        let app = spawn_app(db).await;
        let label = app.label();
        let gate = Arc::new(Semaphore::new(0));
        let (slow_port, slow_hits) = receiver("127.0.0.1", Some(gate.clone())).await.unwrap();
        let (fast_port, fast_hits) = receiver("127.0.0.1", None).await.unwrap();
        let dan = app.client_as(OWNER).await;
        // The slow one first, so a worker sending one after the other would wait for it.
        let mut ids = Vec::new();
        for url in [
            format!("http://127.0.0.1:{slow_port}/slow"),
            format!("http://127.0.0.1:{fast_port}/fast"),
        ] {
            let (status, body) = create_hook(&app, &dan, &url).await;
            assert_eq!(status, 200, "{label}: {body}");
            let hook = Webhook::find()
                .filter(webhook::Column::Url.eq(url))
                .one(&app.db.db)
                .await
                .unwrap()
                .unwrap();
            ids.push(hook.id);
        }
        let (slow, fast) = (ids[0], ids[1]);
        queue_event(&app, team_id(&app, "marketing-analytics").await).await;

        until(
            &format!("{label}: the slow target is being sent to"),
            || async { !slow_hits.lock().unwrap().is_empty() },
        )
        .await;
        until(
            &format!("{label}: the fast target got its delivery"),
            || async { deliveries(&app, fast).await[0].status == "delivered" },
        )
        .await;
        assert_eq!(fast_hits.lock().unwrap().len(), 1, "{label}");
        let waiting = &deliveries(&app, slow).await[0];
        assert_eq!(
            (waiting.attempts, waiting.status.as_str()),
            (0, "pending"),
            "{label}: the fast one was delivered while the slow one's attempt was still under way"
        );

        gate.add_permits(100);
        until(
            &format!("{label}: the slow target answered too"),
            || async { deliveries(&app, slow).await[0].status == "delivered" },
        )
        .await;
    }
}

#[tokio::test]
async fn a_team_has_at_most_twenty_webhooks() {
    for db in databases().await {
        let app = spawn_app(db).await;
        let label = app.label();
        let dan = app.client_as(OWNER).await;
        for i in 0..mesh::activity::webhooks::MAX_WEBHOOKS_PER_TEAM {
            let (status, body) =
                create_hook(&app, &dan, &format!("https://hooks.example/{i}")).await;
            assert_eq!(status, 200, "{label}: webhook {i}: {body}");
        }
        let (status, body) = create_hook(&app, &dan, "https://hooks.example/one-more").await;
        assert_eq!(status, 409, "{label}: {body}");
        assert!(
            body.to_string().contains("already has 20 webhooks"),
            "{label}: {body}"
        );
        let first = Webhook::find().one(&app.db.db).await.unwrap().unwrap();
        let (status, _) = app
            .call(&dan, "delete_webhook", &[("id", &first.id.to_string())])
            .await;
        assert_eq!(status, 200, "{label}");
        let (status, body) = create_hook(&app, &dan, "https://hooks.example/one-more").await;
        assert_eq!(status, 200, "{label}: room again after a delete: {body}");
    }
}
