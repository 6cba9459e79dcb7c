//! Scenario 1, `kill -9` under writes: four clients create products, add ports, publish, request and approve
//! access and push quality results through the REST API; the server is SIGKILLed mid-stream and started again on
//! the same database. Every write it acknowledged (2xx) is there, whole (an approved subscription has its audit
//! events and its webhook events queued in the same transaction), SQLite's file passes `PRAGMA
//! integrity_check`, and every queued webhook event reaches the receiver after the restart, once per event id.
//!
//! Deliveries are at least once: one the killed process had sent but not yet recorded is sent again after its
//! 60 s claim lapses (receivers dedupe by the CloudEvent `id`, which stays the same). The kill is timed for a
//! moment when no delivery is claimed, so that normally does not happen; when it does, such a resend is counted
//! apart (its only recorded attempt is the one after the restart) and every other duplicate fails the test.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use mesh::entity::prelude::*;
use mesh::testing::databases;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::helpers::*;

const CLIENTS: usize = 4;
/// Acknowledged writes after which the server is killed (the clients keep writing until it dies).
const WRITES_BEFORE_KILL: usize = 100;

#[derive(Clone, Debug)]
enum Ack {
    Product(String),
    Port(String),
    Published(String),
    Requested(i64),
    Approved(i64),
    Quality(i64),
}

#[derive(Default)]
struct Log {
    acks: Mutex<Vec<Ack>>,
    /// Answers that were not 2xx (none is expected: every write is valid).
    refused: Mutex<Vec<String>>,
    count: AtomicUsize,
}

impl Log {
    fn ack(&self, ack: Ack) {
        self.acks.lock().unwrap().push(ack);
        self.count.fetch_add(1, Ordering::SeqCst);
    }
}

/// One client's writes, in rounds, until the server stops answering (or `stop`): each round creates a product
/// with a manual port, publishes it, requests access to it for CX Insights, approves that and pushes a quality
/// run. Each step needs the previous one, so the round ends at the first failure.
async fn writer(client: usize, producer: Api, consumer: Api, log: Arc<Log>, stop: Arc<AtomicBool>) {
    let ok = |r: &Result<Answer, reqwest::Error>, what: &str| -> Option<serde_json::Value> {
        match r {
            Ok((s, body)) if (200..300).contains(s) => Some(body.clone()),
            Ok((s, body)) => {
                log.refused
                    .lock()
                    .unwrap()
                    .push(format!("{what}: {s} {body}"));
                None
            }
            Err(_) => None, // the server is gone
        }
    };
    for round in 0..200 {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let slug = format!("fault-{client}-{round}");
        let path = format!("/products/marketing/{slug}");
        let created = producer
            .post(
                "/products",
                &json!({"domain": "marketing", "ownerTeam": "marketing-analytics", "name": format!("Fault {client} {round}"),
                        "slug": slug, "summary": "Written by the kill -9 scenario of the fault suite.",
                        "kind": "source-aligned", "tags": ["faults"]}),
            )
            .await;
        if ok(&created, "create product").is_none() {
            return;
        }
        log.ack(Ack::Product(slug.clone()));
        let port = producer
            .post(
                &format!("{path}/ports"),
                &json!({"slug": "warehouse", "name": "Warehouse table", "kind": "table",
                        "location": format!("FAULTS.{client}_{round}"), "approvalMode": "manual"}),
            )
            .await;
        if ok(&port, "add port").is_none() {
            return;
        }
        log.ack(Ack::Port(slug.clone()));
        let published = producer
            .post(
                &format!("{path}/publish"),
                &json!({"version": "1.0.0", "summary": "First release, made by the fault suite."}),
            )
            .await;
        if ok(&published, "publish").is_none() {
            return;
        }
        log.ack(Ack::Published(slug.clone()));
        let requested = consumer
            .post(
                "/subscriptions",
                &json!({"product": format!("marketing/{slug}"), "port": "warehouse", "consumerTeam": "cx-insights",
                        "purpose": "Checking that acknowledged writes survive a crash.", "acceptTerms": true}),
            )
            .await;
        let Some(sub) = ok(&requested, "request access") else {
            return;
        };
        let id = sub["id"].as_i64().expect("a subscription id");
        log.ack(Ack::Requested(id));
        let approved = producer
            .post(&format!("/subscriptions/{id}/approve"), &json!({}))
            .await;
        if ok(&approved, "approve").is_none() {
            return;
        }
        log.ack(Ack::Approved(id));
        let run = producer
            .post(
                &format!("{path}/quality-results"),
                &json!({"result": "passed", "runId": format!("{slug}-nightly"), "port": "warehouse",
                        "checks": [{"name": "row_count > 0", "result": "passed"}]}),
            )
            .await;
        let Some(run) = ok(&run, "push quality") else {
            return;
        };
        log.ack(Ack::Quality(run["id"].as_i64().expect("a run id")));
    }
}

async fn product(db: &mesh::testing::TestDb, slug: &str) -> Option<data_product::Model> {
    DataProduct::find()
        .filter(data_product::Column::Slug.eq(slug))
        .one(&db.db)
        .await
        .expect("products")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9_whole_and_their_webhook_events_arrive_once() {
    let _one = one_at_a_time().await;
    for db in databases().await {
        let label = db.label;
        prepare(&db);
        let receiver = Receiver::start().await;
        let hook =
            register_webhook(&db, OWNER, "marketing-analytics", &receiver.url("/hook")).await;
        let producer_token =
            cli_token(&db.url, OWNER, &[Scope::Read, Scope::Write, Scope::Results]);
        let consumer_token = cli_token(&db.url, CONSUMER, &[Scope::Read, Scope::Write]);
        let mut server = Server::start(&db.url, &[]).await;

        let log = Arc::new(Log::default());
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..CLIENTS)
            .map(|c| {
                tokio::spawn(writer(
                    c,
                    Api::new(&server, &producer_token),
                    Api::new(&server, &consumer_token),
                    log.clone(),
                    stop.clone(),
                ))
            })
            .collect();
        let started = Instant::now();
        until("writes acknowledged", Duration::from_secs(120), || async {
            log.count.load(Ordering::SeqCst) >= WRITES_BEFORE_KILL
        })
        .await;
        // Kill between two delivery rounds (no delivery claimed), writes still streaming in.
        let idle = Instant::now();
        loop {
            let claimed = WebhookDelivery::find()
                .filter(webhook_delivery::Column::Status.eq("pending"))
                .filter(webhook_delivery::Column::LeaseUntil.gt(Utc::now()))
                .count(&db.db)
                .await
                .expect("deliveries");
            if claimed == 0 || idle.elapsed() > Duration::from_secs(5) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let acked_at_kill = log.count.load(Ordering::SeqCst);
        server.sigkill();
        let killed_at = Instant::now();
        stop.store(true, Ordering::SeqCst);
        for w in writers {
            w.await.expect("writer");
        }
        let acks = log.acks.lock().unwrap().clone();
        let refused = log.refused.lock().unwrap().clone();
        assert!(
            refused.is_empty(),
            "{label}: writes refused before the kill: {refused:?}"
        );
        let hits_before_kill = receiver.hits().len();

        if label == "sqlite" {
            let integrity = sqlite_integrity(&db).await;
            println!("{label}: PRAGMA integrity_check after kill -9: {integrity}");
            assert_eq!(integrity, "ok", "{label}");
        }

        server.restart().await;
        let restarted_at = Instant::now();

        // Every acknowledged write is there.
        let mut missing = Vec::new();
        for ack in &acks {
            let present = match ack {
                Ack::Product(slug) => product(&db, slug).await.is_some(),
                Ack::Port(slug) => match product(&db, slug).await {
                    Some(p) => {
                        OutputPort::find()
                            .filter(output_port::Column::ProductId.eq(p.id))
                            .count(&db.db)
                            .await
                            .unwrap()
                            == 1
                    }
                    None => false,
                },
                Ack::Published(slug) => product(&db, slug)
                    .await
                    .is_some_and(|p| p.status == mesh::kinds::ProductStatus::Published),
                Ack::Requested(id) => Subscription::find_by_id(*id)
                    .one(&db.db)
                    .await
                    .unwrap()
                    .is_some(),
                Ack::Approved(id) => Subscription::find_by_id(*id)
                    .one(&db.db)
                    .await
                    .unwrap()
                    .is_some_and(|s| s.status == mesh::kinds::SubscriptionStatus::Approved),
                Ack::Quality(id) => QualityRun::find_by_id(*id)
                    .one(&db.db)
                    .await
                    .unwrap()
                    .is_some(),
            };
            if !present {
                missing.push(ack.clone());
            }
        }
        // The API serves them too, from the restarted process.
        let api = Api::new(&server, &producer_token);
        for ack in &acks {
            if let Ack::Product(slug) = ack {
                let (status, _) = api
                    .get(&format!("/products/marketing/{slug}"))
                    .await
                    .expect("GET");
                assert_eq!(status, 200, "{label}: {slug} after the restart");
            }
        }

        // Nothing half-written: each subscription of the scenario has one audit event and one queued webhook
        // event per transition it made.
        let subs = Subscription::find().all(&db.db).await.unwrap();
        let fault_products: HashMap<i64, String> = DataProduct::find()
            .filter(data_product::Column::Slug.starts_with("fault-"))
            .all(&db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.slug))
            .collect();
        let queued = deliveries(&db, hook).await;
        let mut half_written = Vec::new();
        let mut subscriptions = 0;
        for sub in subs
            .iter()
            .filter(|s| fault_products.contains_key(&s.product_id))
        {
            subscriptions += 1;
            let mut transitions = vec!["requested"];
            if sub.status == mesh::kinds::SubscriptionStatus::Approved {
                transitions.push("approved");
            }
            for t in transitions {
                let audits =
                    audit_count(&db, &format!("subscription.{t}"), "subscription", sub.id).await;
                let events = queued
                    .iter()
                    .filter(|d| {
                        d.event_type == format!("agora.subscription.{t}")
                            && d.payload["subject"] == format!("subscriptions/{}", sub.id)
                    })
                    .count();
                if (audits, events) != (1, 1) {
                    half_written.push(format!(
                        "subscription {} {t}: {audits} audit events, {events} webhook events",
                        sub.id
                    ));
                }
            }
        }

        // Every queued event arrives after the restart (the 60 s claim of one in flight at the kill may have
        // to lapse first).
        let events = queued.len();
        until(
            "every webhook event delivered",
            Duration::from_secs(120),
            || async {
                let rows = deliveries(&db, hook).await;
                let seen = receiver.counts();
                rows.iter().all(|d| {
                    d.status == "delivered"
                        && seen.contains_key(&("/hook".to_owned(), d.event_id.clone()))
                })
            },
        )
        .await;
        let delivered_after = restarted_at.elapsed();
        let rows = deliveries(&db, hook).await;
        let hits = receiver.hits();
        let mut resent_unrecorded = 0;
        let mut duplicates = 0;
        for row in &rows {
            let of_event: Vec<&Hit> = hits.iter().filter(|h| h.event_id == row.event_id).collect();
            if of_event.len() > 1 {
                let first_before_kill = of_event[0].at < killed_at;
                if of_event.len() == 2 && first_before_kill && row.attempts == 1 {
                    resent_unrecorded += 1;
                } else {
                    duplicates += of_event.len() - 1;
                }
            }
        }
        let unknown = hits
            .iter()
            .filter(|h| !rows.iter().any(|r| r.event_id == h.event_id))
            .count();

        println!(
            "{label}: kill -9 after {:?} of writes by {CLIENTS} clients: {acked_at_kill} writes acknowledged when \
             the kill was decided, {} in all; present after restart {}/{}, half-written {}; {subscriptions} \
             subscriptions; webhook events queued {events}, delivered before the kill {hits_before_kill}, all \
             delivered {delivered_after:?} after the restart; duplicates by event id {duplicates} (resent because \
             the killed process had not recorded the send: {resent_unrecorded}); {} events the database never had",
            killed_at - started,
            acks.len(),
            acks.len() - missing.len(),
            acks.len(),
            half_written.len(),
            unknown,
        );
        assert!(
            missing.is_empty(),
            "{label}: acknowledged writes lost: {missing:?}"
        );
        assert!(
            half_written.is_empty(),
            "{label}: half-written: {half_written:?}"
        );
        assert_eq!(duplicates, 0, "{label}: webhook events delivered twice");
        assert_eq!(
            unknown, 0,
            "{label}: events delivered that the database does not have"
        );
        server.assert_no_panic(label);
    }
}
