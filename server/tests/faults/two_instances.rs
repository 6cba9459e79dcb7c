//! Scenario 4, two instances on one PostgreSQL database (PostgreSQL only: SQLite is one process's file). Both
//! serve and both run the background jobs. A session made on one works on the other, and signing out on one ends
//! it on both; a product change through one shows in the other's search once `AGORA_SEARCH_REFRESH_MS` has
//! passed; the same request approved through both at once changes once (one 200, one 409); every webhook event
//! is delivered exactly once although both deliver; the expiry job, running on both every second, expires each
//! subscription once.
use std::time::{Duration, Instant};

use chrono::Utc;
use mesh::entity::prelude::*;
use mesh::testing::TestDb;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::*;

const REFRESH_MS: u64 = 300;
const JOB_INTERVAL_SECONDS: u64 = 1;
const RACES: usize = 6;

/// The cookie (`name=value`) demo sign-in on `server` sets.
async fn sign_in(server: &Server, email: &str) -> String {
    let response = client()
        .post(server.url("/auth/demo"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", email), ("return_to", "/")])
        .send()
        .await
        .expect("demo sign-in");
    assert_eq!(response.status(), 303);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn page_as(server: &Server, cookie: &str, path: &str) -> (u16, String) {
    let response = client()
        .get(server.url(path))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgresql_share_sessions_search_decisions_deliveries_and_expiry() {
    let Some(db) = TestDb::postgres().await else {
        println!("skipped: needs TEST_DATABASE_URL (two instances share one PostgreSQL database)");
        return;
    };
    let _one = one_at_a_time().await;
    prepare(&db);
    let receiver = Receiver::start().await;
    let sales_hook = register_webhook(
        &db,
        SALES_OWNER,
        "sales-ops",
        &receiver.url("/hook/sales-ops"),
    )
    .await;
    let marketing_hook = register_webhook(
        &db,
        OWNER,
        "marketing-analytics",
        &receiver.url("/hook/marketing-analytics"),
    )
    .await;
    let consumer = cli_token(&db.url, CONSUMER, &[Scope::Read, Scope::Write]);
    let sales_owner = cli_token(&db.url, SALES_OWNER, &[Scope::Read, Scope::Write]);
    let owner = cli_token(&db.url, OWNER, &[Scope::Read, Scope::Write]);
    let admin = cli_token(&db.url, ADMIN, &[Scope::Read, Scope::Write]);
    let refresh = REFRESH_MS.to_string();
    let interval = JOB_INTERVAL_SECONDS.to_string();
    let env = [
        ("AGORA_SEARCH_REFRESH_MS", refresh.as_str()),
        ("AGORA_JOB_INTERVAL_SECONDS", interval.as_str()),
    ];
    let a = Server::start(&db.url, &env).await;
    let b = Server::start(&db.url, &env).await;

    // Sessions live in the database: made on A, used on B, ended on B, gone on A.
    let cookie = sign_in(&a, CONSUMER).await;
    let (status, body) = page_as(&b, &cookie, "/subscriptions").await;
    assert_eq!(status, 200, "a session made on A, on B");
    assert!(
        body.contains("Ana Ortega"),
        "B does not know the session of A"
    );
    let out = client()
        .post(b.url("/auth/logout"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status(), 303);
    let (_, body) = page_as(&a, &cookie, "/subscriptions").await;
    assert!(
        !body.contains("Ana Ortega"),
        "signed out on B, still signed in on A"
    );
    println!("postgres: a session made on A works on B; signed out on B, it is gone on A");

    // A change through A shows in B's search once the refresh interval has passed.
    let word = format!("zephyrine{}", std::process::id());
    let (status, _) = Api::new(&a, &owner)
        .patch(
            "/products/marketing/campaign-performance",
            &json!({"summary": format!("Spend, reach and conversions per campaign ({word}).")}),
        )
        .await
        .expect("PATCH");
    assert_eq!(status, 200);
    let changed = Instant::now();
    let search_b = Api::new(&b, &consumer);
    let mut first_seen = None;
    let mut searches = 0;
    loop {
        let started = changed.elapsed();
        let (status, found) = search_b
            .get(&format!("/search?q={word}"))
            .await
            .expect("search");
        searches += 1;
        assert_eq!(status, 200);
        let hit = found["total"].as_u64().unwrap_or(0) > 0;
        if hit && first_seen.is_none() {
            first_seen = Some(changed.elapsed());
        }
        if started >= Duration::from_millis(REFRESH_MS) {
            assert!(
                hit,
                "B's search started {started:?} after the change, past AGORA_SEARCH_REFRESH_MS, misses it"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "postgres: a change through A first found by B's search after {:?} ({searches} searches; \
         AGORA_SEARCH_REFRESH_MS={REFRESH_MS})",
        first_seen.expect("found")
    );

    // The same request approved through both instances at once: one transition.
    let ask = Api::new(&a, &consumer);
    let (decide_a, decide_b) = (Api::new(&a, &sales_owner), Api::new(&b, &sales_owner));
    let mut answers = Vec::new();
    let mut raced = Vec::new();
    for round in 0..RACES {
        let (status, sub) = ask
            .post(
                "/subscriptions",
                &json!({"product": "sales/customer-orders", "port": "api", "consumerTeam": "cx-insights",
                        "purpose": format!("Race {round}: approved through two instances at once."), "acceptTerms": true}),
            )
            .await
            .expect("request");
        assert_eq!(status, 201, "{sub}");
        let id = sub["id"].as_i64().unwrap();
        let path = format!("/subscriptions/{id}/approve");
        let no_note = json!({});
        let (x, y) = tokio::join!(
            decide_a.post(&path, &no_note),
            decide_b.post(&path, &no_note)
        );
        let mut pair = [x.expect("A answers").0, y.expect("B answers").0];
        pair.sort();
        answers.push(pair);
        raced.push(id);
        let approvals = audit_count(&db, "subscription.approved", "subscription", id).await;
        assert_eq!(approvals, 1, "subscription {id} approved {approvals} times");
        let (status, _) = Api::new(&b, &consumer)
            .post(&format!("/subscriptions/{id}/cancel"), &json!({}))
            .await
            .expect("cancel");
        assert_eq!(status, 200);
    }
    println!("postgres: {RACES} requests approved through A and B at once answered {answers:?}; one approval each");
    for pair in &answers {
        assert!(
            pair[0] == 200 && (pair[1] == 409 || pair[1] == 422),
            "{answers:?}"
        );
    }

    // Expiry on both instances every second: each subscription expires once.
    let tomorrow = (Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let mut expiring = Vec::new();
    for team in [
        "growth-engineering",
        "sales-ops",
        "revenue-analytics",
        "treasury",
        "talent-systems",
        "support-tooling",
    ] {
        let (status, sub) = Api::new(&a, &admin)
            .post(
                "/subscriptions",
                &json!({"product": "marketing/campaign-performance", "port": "warehouse", "consumerTeam": team,
                        "purpose": "Ends soon: expired by the job of one instance only.", "acceptTerms": true,
                        "endDate": tomorrow}),
            )
            .await
            .expect("request");
        assert_eq!(status, 201, "{team}: {sub}");
        assert_eq!(sub["status"], "approved", "{sub}");
        expiring.push(sub["id"].as_i64().unwrap());
    }
    // The end date passes (the API only takes future dates).
    Subscription::update_many()
        .col_expr(
            subscription::Column::EndDate,
            Expr::value(Utc::now().date_naive() - chrono::Duration::days(1)),
        )
        .filter(subscription::Column::Id.is_in(expiring.clone()))
        .exec(&db.db)
        .await
        .expect("end dates passed");
    let ended = Instant::now();
    until(
        "every subscription expired",
        Duration::from_secs(30),
        || async {
            Subscription::find()
                .filter(subscription::Column::Id.is_in(expiring.clone()))
                .all(&db.db)
                .await
                .unwrap()
                .iter()
                .all(|s| s.status == mesh::kinds::SubscriptionStatus::Expired)
        },
    )
    .await;
    let expired_after = ended.elapsed();
    // Both instances get two more rounds to expire anything a second time (absence cannot be polled for).
    tokio::time::sleep(Duration::from_secs(2 * JOB_INTERVAL_SECONDS) + Duration::from_millis(500))
        .await;
    let mut expiries = Vec::new();
    for id in &expiring {
        expiries.push(audit_count(&db, "subscription.expired", "subscription", *id).await);
    }
    println!(
        "postgres: {} subscriptions past their end date expired within {expired_after:?} by two instances' jobs; \
         expiry audit events per subscription {expiries:?}",
        expiring.len()
    );
    assert!(expiries.iter().all(|n| *n == 1), "{expiries:?}");

    // Every webhook event once, although both instances deliver.
    let started = Instant::now();
    until(
        "every webhook event delivered",
        Duration::from_secs(60),
        || async {
            let mut rows = deliveries(&db, sales_hook).await;
            rows.extend(deliveries(&db, marketing_hook).await);
            rows.iter().all(|d| d.status == "delivered")
        },
    )
    .await;
    let mut rows = deliveries(&db, sales_hook).await;
    rows.extend(deliveries(&db, marketing_hook).await);
    let counts = receiver.counts();
    let path_of = |hook: i64| {
        if hook == sales_hook {
            "/hook/sales-ops"
        } else {
            "/hook/marketing-analytics"
        }
        .to_owned()
    };
    let missing = rows
        .iter()
        .filter(|d| !counts.contains_key(&(path_of(d.webhook_id), d.event_id.clone())))
        .count();
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    let expired_events = rows
        .iter()
        .filter(|d| d.webhook_id == marketing_hook && d.event_type == "agora.subscription.expired")
        .count();
    println!(
        "postgres: {} webhook events ({expired_events} expiries) delivered by two instances within {:?}: \
         {} arrivals, {missing} missing, {duplicates} duplicates by event id",
        rows.len(),
        started.elapsed(),
        receiver.hits().len()
    );
    assert_eq!(missing, 0);
    assert_eq!(duplicates, 0, "{counts:?}");
    assert_eq!(receiver.hits().len(), rows.len());
    assert_eq!(
        expired_events,
        expiring.len(),
        "one expiry event per subscription for the producing team"
    );
    a.assert_no_panic("postgres A");
    b.assert_no_panic("postgres B");
}
