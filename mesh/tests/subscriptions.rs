//! Subscriptions end to end in the mesh: requests, decisions, concurrency, expiry, notifications, webhooks,
//! lineage. On SQLite and PostgreSQL.
use chrono::{Duration, Utc};
use mesh::access::Viewer;
use mesh::activity::webhooks::TargetRules;
use mesh::entity::prelude::*;
use mesh::kinds::SubscriptionStatus as S;
use mesh::subscriptions::{self, NewRequest};
use mesh::testing::people::{ANA, DAN, ISABEL, LENA};
use mesh::testing::{databases, fingerprint, viewer};
use mesh::{catalog::listing as catalog, Error};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

async fn port(
    db: &DatabaseConnection,
    domain: &str,
    product: &str,
    port: &str,
) -> output_port::Model {
    let p = catalog::find_product(db, &Viewer::system(), domain, product)
        .await
        .unwrap();
    OutputPort::find()
        .filter(output_port::Column::ProductId.eq(p.id))
        .filter(output_port::Column::Slug.eq(port))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

fn ask(port_id: i64) -> NewRequest {
    NewRequest {
        port_id,
        consumer_team: "cx-insights".into(),
        consumer_product: String::new(),
        purpose: "Link complaints to campaigns that caused them".into(),
        accept_terms: true,
        end_date: String::new(),
    }
}

async fn unread(
    db: &DatabaseConnection,
    email: &str,
) -> Vec<mesh::activity::notifications::NotificationView> {
    let v = viewer(db, email).await;
    mesh::activity::notifications::latest(db, &v, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.read_at.is_none())
        .collect()
}

#[tokio::test]
async fn a_manual_request_waits_for_the_owner_who_approves_it() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let dan = viewer(db, DAN).await;
        let p = port(db, "marketing", "campaign-performance", "warehouse").await;
        // The warehouse port of Campaign Performance approves automatically; its API port is manual.
        let api = port(db, "marketing", "campaign-performance", "api").await;
        let v = subscriptions::request(db, &ana, &ask(api.id))
            .await
            .unwrap();
        assert_eq!(v.sub.status, S::Requested, "{}", t.label);
        assert!(
            unread(db, DAN)
                .await
                .iter()
                .any(|n| n.kind == "request_received"),
            "the owner is told"
        );
        let dup = subscriptions::request(db, &ana, &ask(api.id)).await;
        assert!(
            matches!(dup, Err(Error::Invalid(ref e)) if e[0].field == "port"),
            "{dup:?}"
        );
        let lena = viewer(db, LENA).await;
        assert!(
            matches!(
                subscriptions::decide(db, &lena, v.sub.id, true, "").await,
                Err(Error::Forbidden(_))
            ),
            "members do not decide"
        );
        let approved = subscriptions::decide(db, &dan, v.sub.id, true, "Welcome")
            .await
            .unwrap();
        assert_eq!(approved.sub.status, S::Approved);
        assert_eq!(approved.decided_by_name.as_deref(), Some("Daniel Okafor"));
        assert!(unread(db, ANA).await.iter().any(|n| n.kind == "approved"));
        let history = mesh::activity::audit::history(db, "subscription", v.sub.id)
            .await
            .unwrap();
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(actions, ["subscription.requested", "subscription.approved"]);

        let auto = subscriptions::request(db, &ana, &ask(p.id)).await.unwrap();
        assert_eq!(auto.sub.status, S::Approved, "auto port");
        assert_eq!(
            mesh::subscriptions::subscriber_count(db, p.product_id)
                .await
                .unwrap(),
            2
        );
    }
}

#[tokio::test]
async fn bad_requests_change_nothing() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let api = port(db, "marketing", "campaign-performance", "api").await;
        let before = fingerprint(db).await;
        let mut bad = ask(api.id);
        bad.purpose = "data".into();
        bad.accept_terms = false;
        bad.end_date = "2001-01-01".into();
        let Err(Error::Invalid(errors)) = subscriptions::request(db, &ana, &bad).await else {
            panic!()
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["purpose", "accept_terms", "end_date"],
            "{}",
            t.label
        );
        let mut other_team = ask(api.id);
        other_team.consumer_team = "sales-ops".into();
        assert!(matches!(
            subscriptions::request(db, &ana, &other_team).await,
            Err(Error::Forbidden(_))
        ));
        let mut wrong_product = ask(api.id);
        wrong_product.consumer_product = "sales/daily-revenue".into();
        let Err(Error::Invalid(errors)) = subscriptions::request(db, &ana, &wrong_product).await
        else {
            panic!()
        };
        assert_eq!(errors[0].field, "consumer_product");
        let draft = port(db, "finance", "budget-plan-2027", "warehouse").await;
        assert!(
            subscriptions::request(db, &ana, &ask(draft.id))
                .await
                .is_err(),
            "no subscriptions to drafts"
        );
        assert_eq!(before, fingerprint(db).await, "{}", t.label);
    }
}

#[tokio::test]
async fn when_two_act_at_once_exactly_one_wins() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let dan = viewer(db, DAN).await;
        let api = port(db, "marketing", "campaign-performance", "api").await;
        // Approve against cancel, many times over, each on its own request.
        for round in 0..5 {
            let mut req = ask(api.id);
            req.purpose = format!("Round {round}: complaints per campaign");
            let v = subscriptions::request(db, &ana, &req).await.unwrap();
            let (a, b) = tokio::join!(
                subscriptions::decide(db, &dan, v.sub.id, true, ""),
                subscriptions::cancel(db, &ana, v.sub.id),
            );
            let final_status = Subscription::find_by_id(v.sub.id)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .status;
            match (&a, &b) {
                (Ok(_), Ok(_)) => {
                    assert_eq!(final_status, S::Cancelled, "approve then cancel both legal")
                }
                (Ok(_), Err(Error::Conflict(m))) | (Err(Error::Conflict(m)), Ok(_)) => {
                    assert!(
                        m.contains("someone else acted first") || m.contains("cannot be"),
                        "{m}"
                    )
                }
                other => panic!("{}: unexpected outcome {other:?}", t.label),
            }
            assert_ne!(final_status, S::Requested);
            if final_status == S::Approved {
                subscriptions::cancel(db, &ana, v.sub.id).await.unwrap();
            } else if final_status == S::Cancelled {
                // fine
            }
        }
        // Double approve: exactly one succeeds.
        let mut req = ask(api.id);
        req.purpose = "Double approval race".into();
        let v = subscriptions::request(db, &ana, &req).await.unwrap();
        let (a, b) = tokio::join!(
            subscriptions::decide(db, &dan, v.sub.id, true, ""),
            subscriptions::decide(db, &dan, v.sub.id, true, ""),
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{}: {a:?} / {b:?}",
            t.label
        );
        let loser = if a.is_err() { a } else { b };
        assert!(matches!(loser, Err(Error::Conflict(_))));
        let approvals = mesh::activity::audit::history(db, "subscription", v.sub.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| h.action == "subscription.approved")
            .count();
        assert_eq!(approvals, 1, "one transition recorded");
    }
}

#[tokio::test]
async fn the_expiry_job_reminds_then_expires() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let p = port(db, "marketing", "campaign-performance", "warehouse").await;
        let mut req = ask(p.id);
        req.end_date = (Utc::now() + Duration::days(20)).date_naive().to_string();
        let v = subscriptions::request(db, &ana, &req).await.unwrap();
        let today = Utc::now().date_naive();
        let report = subscriptions::run_expiry(db, today + Duration::days(7), 14)
            .await
            .unwrap();
        assert!(report.reminded >= 1, "{}: {report:?}", t.label);
        assert!(unread(db, ANA).await.iter().any(|n| n.kind == "expiring"));
        let again = subscriptions::run_expiry(db, today + Duration::days(7), 14)
            .await
            .unwrap();
        assert_eq!(again.reminded, 0, "one reminder only");
        let report = subscriptions::run_expiry(db, today + Duration::days(21), 14)
            .await
            .unwrap();
        assert!(report.expired >= 1);
        let now = Subscription::find_by_id(v.sub.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(now.status, S::Expired);
        assert!(unread(db, ANA).await.iter().any(|n| n.kind == "expired"));
    }
}

#[tokio::test]
async fn renewals_revocation_and_breaking_change_alerts() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let dan = viewer(db, DAN).await;
        let api = port(db, "marketing", "campaign-performance", "api").await;
        let mut req = ask(api.id);
        req.end_date = (Utc::now() + Duration::days(30)).date_naive().to_string();
        let v = subscriptions::request(db, &ana, &req).await.unwrap();
        subscriptions::decide(db, &dan, v.sub.id, true, "")
            .await
            .unwrap();
        let until = (Utc::now() + Duration::days(200)).date_naive().to_string();
        let pending = subscriptions::request_renewal(db, &ana, v.sub.id, &until)
            .await
            .unwrap();
        assert_eq!(
            pending.sub.renewal_until.map(|d| d.to_string()),
            Some(until.clone())
        );
        let renewed = subscriptions::decide_renewal(db, &dan, v.sub.id, true)
            .await
            .unwrap();
        assert_eq!(renewed.sub.end_date.map(|d| d.to_string()), Some(until));
        assert!(renewed.sub.renewal_until.is_none());

        // A breaking change reaches the subscribers.
        let product = catalog::find_product(db, &dan, "marketing", "campaign-performance")
            .await
            .unwrap();
        mesh::catalog::products::remove_port(db, &dan, product.id, "warehouse")
            .await
            .unwrap();
        mesh::catalog::versions::publish(db, &dan, product.id, "3.0.0", "Warehouse port retired")
            .await
            .unwrap();
        let alerts: Vec<_> = unread(db, ANA)
            .await
            .into_iter()
            .filter(|n| n.kind == "breaking_change")
            .collect();
        assert_eq!(alerts.len(), 1, "{}", t.label);
        assert!(
            alerts[0]
                .body
                .contains("port warehouse: output port removed"),
            "{}",
            alerts[0].body
        );

        assert!(
            matches!(
                subscriptions::revoke(db, &dan, v.sub.id, "").await,
                Err(Error::Invalid(_))
            ),
            "a reason is needed"
        );
        let revoked = subscriptions::revoke(db, &dan, v.sub.id, "Contract ended")
            .await
            .unwrap();
        assert_eq!(revoked.sub.status, S::Revoked);
        let isabel = unread(db, ISABEL).await;
        assert!(
            isabel.iter().any(|n| n.kind == "revoked"),
            "the consumer team's owners hear of it"
        );
    }
}

#[tokio::test]
async fn subscription_events_are_queued_for_team_webhooks() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let isabel = viewer(db, ISABEL).await;
        let hook = mesh::activity::webhooks::create(
            db,
            &dan,
            &TargetRules::default(),
            "marketing-analytics",
            "https://provisioner.example/hooks",
            &[
                "agora.subscription.approved".into(),
                "agora.subscription.revoked".into(),
            ],
        )
        .await
        .unwrap();
        assert!(matches!(
            mesh::activity::webhooks::create(
                db,
                &isabel,
                &TargetRules::default(),
                "marketing-analytics",
                "https://x.example",
                &["*".into()]
            )
            .await,
            Err(Error::Forbidden(_))
        ));
        let api = port(db, "marketing", "campaign-performance", "api").await;
        let ana = viewer(db, ANA).await;
        let v = subscriptions::request(db, &ana, &ask(api.id))
            .await
            .unwrap();
        subscriptions::decide(db, &dan, v.sub.id, true, "ok")
            .await
            .unwrap();
        let queued = WebhookDelivery::find()
            .filter(webhook_delivery::Column::WebhookId.eq(hook.id))
            .all(db)
            .await
            .unwrap();
        assert_eq!(
            queued.len(),
            1,
            "{}: only the approved event was asked for",
            t.label
        );
        let event = &queued[0].payload;
        assert_eq!(event["type"], "agora.subscription.approved");
        assert_eq!(
            event["data"]["port"]["location"],
            "https://data.northwind.example/marketing/campaign-performance/v2"
        );
        assert_eq!(event["data"]["consumer"]["team"], "cx-insights");

        // Claimed once, retried with backoff, then delivered.
        let now = Utc::now();
        let due = mesh::activity::webhooks::claim_due(db, now, 10)
            .await
            .unwrap();
        assert_eq!(due.len(), 1);
        assert!(
            mesh::activity::webhooks::claim_due(db, now, 10)
                .await
                .unwrap()
                .is_empty(),
            "leased"
        );
        mesh::activity::webhooks::record_attempt(db, due[0].delivery_id, Some(503), None, now)
            .await
            .unwrap();
        assert!(
            mesh::activity::webhooks::claim_due(db, now, 10)
                .await
                .unwrap()
                .is_empty(),
            "backing off"
        );
        let later = now + Duration::minutes(1);
        let due = mesh::activity::webhooks::claim_due(db, later, 10)
            .await
            .unwrap();
        assert_eq!(due.len(), 1);
        mesh::activity::webhooks::record_attempt(db, due[0].delivery_id, Some(204), None, later)
            .await
            .unwrap();
        let done = WebhookDelivery::find_by_id(due[0].delivery_id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (done.status.as_str(), done.attempts, done.last_status_code),
            ("delivered", 2, Some(204))
        );
    }
}

#[tokio::test]
async fn approved_subscriptions_from_products_are_lineage() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let (visible, attribution) =
            catalog::find_visible(db, &Viewer::system(), "marketing", "marketing-attribution")
                .await
                .unwrap();
        let (up, down) = subscriptions::lineage(db, &Viewer::system(), visible)
            .await
            .unwrap();
        let names: Vec<&str> = up.iter().map(|l| l.slug.as_str()).collect();
        assert!(
            names.contains(&"customer-orders") && names.contains(&"web-sessions"),
            "{}: {names:?}",
            t.label
        );
        assert!(down.is_empty());
        let (orders, _) = catalog::find_visible(db, &Viewer::system(), "sales", "customer-orders")
            .await
            .unwrap();
        let (_, down) = subscriptions::lineage(db, &Viewer::system(), orders)
            .await
            .unwrap();
        assert!(down.iter().any(|l| l.slug == "daily-revenue"));
        // A revoked edge is no longer lineage.
        let sub = Subscription::find()
            .filter(subscription::Column::ConsumerProductId.eq(attribution.id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let mut active: subscription::ActiveModel = sub.into();
        active.status = Set(S::Revoked);
        active.update(db).await.unwrap();
        let (up, _) = subscriptions::lineage(db, &Viewer::system(), visible)
            .await
            .unwrap();
        assert_eq!(up.len(), 1);
    }
}
