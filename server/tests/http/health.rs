use crate::helpers::apps;

#[tokio::test]
async fn healthz_and_readyz_answer() {
    for app in apps().await {
        let alive = app.get("/healthz").await;
        assert_eq!(alive.status(), 200, "{}", app.label());
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 200, "{}", app.label());
        let body: serde_json::Value = ready.json().await.unwrap();
        assert_eq!(body["database"], "ok");
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    for app in apps().await {
        let response = app.get("/healthz").await;
        let id = response
            .headers()
            .get("x-request-id")
            .expect("x-request-id header")
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(id.len(), 36, "a UUID, got {id}");
        let echoed = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", "trace-me-42")
            .send()
            .await
            .unwrap();
        assert_eq!(echoed.headers()["x-request-id"], "trace-me-42");
    }
}
