//! A lost database: PostgreSQL behind a TCP proxy the test controls (so the shared server is never stopped). Cut
//! off, `/readyz`, pages and the API answer 503 at once (not a hang, not a 500); restored, everything works again
//! by itself within 5 s.
//!
//! SQLite is not in this scenario: its database is a file the process holds open, so moving, replacing or
//! `chmod`-ing it does not take it away from a running server (and root ignores permissions anyway). What SQLite
//! reports when a file cannot be opened or read is classified as "unavailable" by a unit test in `mesh::db`.
use std::time::{Duration, Instant};

use mesh::testing::TestDb;

use crate::common::db_proxy::{authority, Proxy};
use crate::helpers::{spawn_app_on, CONSUMER};

struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: String,
    took: Duration,
}

/// A GET that must be answered within 3 s (a load balancer's patience), whatever the answer; pages are asked for
/// as a browser does (`Accept: text/html`).
async fn get(client: &reqwest::Client, url: String) -> Answer {
    let started = Instant::now();
    let accept = if url.contains("/api/") {
        "application/json"
    } else {
        "text/html,application/xhtml+xml,*/*;q=0.8"
    };
    let response = client
        .get(&url)
        .header("accept", accept)
        .timeout(Duration::from_secs(3))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url} was not answered within 3 s: {e}"));
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (status, content_type, retry_after) = (
        response.status().as_u16(),
        header("content-type").unwrap_or_default(),
        header("retry-after"),
    );
    let body = response.text().await.unwrap_or_default();
    Answer {
        status,
        content_type,
        retry_after,
        body,
        took: started.elapsed(),
    }
}

const PAGE: &str = "/products/sales/customer-orders";
const API: &str = "/api/v1/products";

#[tokio::test]
async fn a_lost_database_answers_503_at_once_and_service_resumes_by_itself() {
    let Some(db) = TestDb::postgres().await else {
        println!("skipped: needs TEST_DATABASE_URL (PostgreSQL behind a proxy)");
        return;
    };
    let upstream = authority(&db.url);
    let proxy = Proxy::start(&upstream).await;
    let proxied = db.url.replacen(&upstream, &proxy.addr.to_string(), 1);
    let app = spawn_app_on(db, &proxied, &[]).await;
    let client = app.client.clone();
    let signed_in = app.client_as(CONSUMER).await;
    for path in ["/readyz", PAGE, API] {
        assert_eq!(get(&client, app.url(path)).await.status, 200, "{path}");
    }
    assert_eq!(get(&signed_in, app.url(PAGE)).await.status, 200);

    proxy.cut();
    let ready = get(&client, app.url("/readyz")).await;
    println!(
        "database cut: /readyz answered {} in {:?}",
        ready.status, ready.took
    );
    assert_eq!(ready.status, 503);

    let page = get(&client, app.url(PAGE)).await;
    println!(
        "database cut: {PAGE} answered {} in {:?}",
        page.status, page.took
    );
    assert_eq!(page.status, 503);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(
        page.body
            .contains("Agora is temporarily unavailable, try again in a moment"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("went wrong"), "{}", page.body);
    assert_eq!(page.retry_after.as_deref(), Some("5"));

    // A signed-in visitor's session cannot be looked up either: the same page, not a JSON error.
    let page = get(&signed_in, app.url(PAGE)).await;
    println!(
        "database cut: {PAGE} signed in answered {} in {:?}",
        page.status, page.took
    );
    assert_eq!(page.status, 503);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(
        page.body
            .contains("Agora is temporarily unavailable, try again in a moment"),
        "{}",
        page.body
    );
    assert_eq!(page.retry_after.as_deref(), Some("5"));

    let api = get(&client, app.url(API)).await;
    println!(
        "database cut: {API} answered {} in {:?}",
        api.status, api.took
    );
    assert_eq!(api.status, 503);
    assert_eq!(api.content_type, "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&api.body).expect("a problem document");
    assert_eq!(problem["status"], 503);
    assert_eq!(problem["title"], "Service Unavailable");
    assert_eq!(
        problem["detail"],
        "Agora is temporarily unavailable, try again in a moment"
    );
    assert_eq!(api.retry_after.as_deref(), Some("5"));

    proxy.restore().await;
    let restored = Instant::now();
    loop {
        let ready = get(&client, app.url("/readyz")).await.status;
        let page = get(&signed_in, app.url(PAGE)).await.status;
        let api = get(&client, app.url(API)).await.status;
        if (ready, page, api) == (200, 200, 200) {
            break;
        }
        assert!(
            restored.elapsed() < Duration::from_secs(5),
            "not recovered 5 s after the database came back: readyz {ready}, page {page}, api {api}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "database back: readyz, page and API answer 200 after {:?}",
        restored.elapsed()
    );
}
