//! Subscriptions over HTTP: the pages, the API, and webhooks delivered to a real receiver and verified.
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use mesh::access::Scope;
use mesh::testing::TestDb;
use serde_json::{json, Value};

use crate::helpers::{apps, spawn_app, token, CONSUMER, OWNER};

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A webhook receiver on a free port that keeps what it gets; answers 503 the first time, 200 after.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let store = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let store = store.clone();
            async move {
                let mut all = store.lock().unwrap();
                all.push((headers, body));
                if all.len() == 1 {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

#[tokio::test]
async fn an_approval_reaches_the_team_webhook_signed_and_retried() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let (url, received) = receiver().await;
    let dan = app.client_as(OWNER).await;
    let (status, hook) = app
        .call(
            &dan,
            "create_webhook",
            &[
                ("team", "marketing-analytics"),
                ("url", &url),
                ("event_types", "agora.subscription.approved"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_owned();

    let ana = token(&app, CONSUMER, &[Scope::Read, Scope::Write]).await;
    let created: Value = reqwest::Client::new()
        .post(app.url("/api/v1/subscriptions"))
        .bearer_auth(&ana)
        .json(&json!({"product": "marketing/campaign-performance", "port": "api", "consumerTeam": "cx-insights",
                      "purpose": "Complaints per campaign for the monthly review", "acceptTerms": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["status"], "requested", "{created}");
    let id = created["id"].as_i64().unwrap();
    let dan_token = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
    let approved = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/subscriptions/{id}/approve")))
        .bearer_auth(&dan_token)
        .json(&json!({"note": "Go ahead"}))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    let again = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/subscriptions/{id}/approve")))
        .bearer_auth(&dan_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "a second approval is a conflict");

    // The worker sends it (first attempt answered 503) and retries later; force the retry to be due now.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while received.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    {
        use mesh::entity::prelude::*;
        use sea_orm::{ConnectionTrait, EntityTrait};
        let _ = WebhookDelivery::find().all(&app.db.db).await.unwrap();
        app.db
            .db
            .execute_unprepared("UPDATE webhook_deliveries SET next_attempt_at = created_at WHERE status = 'pending'")
            .await
            .unwrap();
    }
    while received.lock().unwrap().len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "one failed attempt, one retry");
    let (headers, body) = &got[1];
    assert_eq!(headers["content-type"], "application/cloudevents+json");
    let signature = headers[mesh::activity::webhooks::SIGNATURE_HEADER]
        .to_str()
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        mesh::activity::webhooks::verify(&secret, body, signature, now),
        "signature verifies with the team's secret"
    );
    assert!(!mesh::activity::webhooks::verify(
        "wrong", body, signature, now
    ));
    let event: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(event["specversion"], "1.0");
    assert_eq!(event["type"], "agora.subscription.approved");
    assert_eq!(event["data"]["consumer"]["team"], "cx-insights");
    assert_eq!(event["data"]["port"]["slug"], "api");
    assert_eq!(got[0].1, got[1].1, "the retry sends the same event");

    // The delivery log shows it.
    let (_, hooks) = app.call(&dan, "get_webhooks", &[]).await;
    let deliveries = hooks["hooks"][0]["deliveries"].as_array().unwrap();
    assert_eq!(deliveries[0]["status"], "delivered");
    assert_eq!(deliveries[0]["attempts"], 2);
    assert_eq!(deliveries[0]["last_status_code"], 200);
}

#[tokio::test]
async fn the_inbox_subscriptions_and_subscribe_pages() {
    for app in apps().await {
        let dan = app.client_as(OWNER).await;
        let (_, inbox) = app.get_text_as(&dan, "/inbox").await;
        assert!(
            inbox.contains("Prioritise tickets of at-risk customers"),
            "{}: the seeded request waits for Dan",
            app.label()
        );
        let ana = app.client_as(CONSUMER).await;
        let (_, mine) = app.get_text_as(&ana, "/subscriptions").await;
        assert!(
            mine.contains("Returns") && mine.contains("data-status=\"approved\""),
            "{}",
            app.label()
        );
        assert!(mine.contains("data-status=\"requested\""));
        let (status, html) = app
            .get_text_as(&ana, "/products/sales/customer-orders/subscribe")
            .await;
        assert_eq!(status, 200);
        assert!(html.contains("Request access to Customer Orders") && html.contains("CX Insights"));
        let (_, page) = app.get_text("/products/sales/customer-orders/ports").await;
        assert!(page.contains("Daily Revenue"), "downstream lineage");
        let (_, page) = app
            .get_text("/products/marketing/marketing-attribution/ports")
            .await;
        assert!(
            page.contains("Customer Orders") && page.contains("Web Sessions"),
            "upstream lineage"
        );
    }
}
