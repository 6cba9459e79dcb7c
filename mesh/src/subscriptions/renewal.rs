//! Renewal: a consumer asks to keep access past the end date ([`request_renewal`]); auto ports extend at once,
//! manual ones wait for the producing team ([`decide_renewal`]). Both are steps of the state machine, applied by
//! the same `transition` as every other change, so a renewal is as atomic as a decision.
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::commands::{consumer, producer};
use super::state::{transition, Action};
use super::view::SubscriptionView;
use crate::access::Viewer;
use crate::error::{Error, Result};

/// Asks to extend an active subscription to `until` (consumers). Auto ports extend at once.
pub async fn request_renewal(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    until: &str,
) -> Result<SubscriptionView> {
    let until = NaiveDate::parse_from_str(until.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid("until", "give a date like 2027-06-30"))?;
    transition(
        db,
        viewer,
        id,
        Action::Renew(until),
        "",
        consumer,
        "renew this subscription (members of the consuming team only)",
    )
    .await
}

/// Approves or declines a pending renewal (producing team owners).
pub async fn decide_renewal(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i64,
    approve: bool,
) -> Result<SubscriptionView> {
    let action = if approve {
        Action::GrantRenewal
    } else {
        Action::DeclineRenewal
    };
    transition(
        db,
        viewer,
        id,
        action,
        "",
        producer,
        "decide renewals for this product (owners of its team only)",
    )
    .await
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

    use crate::access::Viewer;
    use crate::activity::webhooks::TargetRules;
    use crate::entity::prelude::*;
    use crate::error::Error;
    use crate::kinds::SubscriptionStatus as S;
    use crate::subscriptions::{self, NewRequest};
    use crate::testing::people::{ANA, DAN};
    use crate::testing::{databases, fingerprint, viewer};

    async fn port_id(db: &DatabaseConnection, port: &str) -> i64 {
        let p = crate::catalog::listing::find_product(
            db,
            &Viewer::system(),
            "marketing",
            "campaign-performance",
        )
        .await
        .unwrap();
        OutputPort::find()
            .filter(output_port::Column::ProductId.eq(p.id))
            .filter(output_port::Column::Slug.eq(port))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    fn ask(port_id: i64, end_in_days: i64) -> NewRequest {
        NewRequest {
            port_id,
            consumer_team: "cx-insights".into(),
            consumer_product: String::new(),
            purpose: "Link complaints to campaigns that caused them".into(),
            accept_terms: true,
            end_date: (Utc::now() + Duration::days(end_in_days))
                .date_naive()
                .to_string(),
        }
    }

    /// What a step left behind: the subscription's audit entries, the event types queued, and each
    /// notification's recipient and kind, all since `after` (ids).
    #[derive(Debug, Default, PartialEq)]
    struct Trail {
        audit: Vec<(String, Option<String>, serde_json::Value)>,
        events: Vec<String>,
        notes: Vec<(i64, String, String)>,
    }

    async fn ids(db: &DatabaseConnection) -> (i64, i64, i64) {
        let a = AuditEvent::find()
            .order_by_desc(audit_event::Column::Id)
            .one(db)
            .await
            .unwrap()
            .map_or(0, |r| r.id);
        let d = WebhookDelivery::find()
            .order_by_desc(webhook_delivery::Column::Id)
            .one(db)
            .await
            .unwrap()
            .map_or(0, |r| r.id);
        let n = Notification::find()
            .order_by_desc(notification::Column::Id)
            .one(db)
            .await
            .unwrap()
            .map_or(0, |r| r.id);
        (a, d, n)
    }

    async fn trail(db: &DatabaseConnection, after: (i64, i64, i64)) -> Trail {
        let audit = AuditEvent::find()
            .filter(audit_event::Column::Id.gt(after.0))
            .filter(audit_event::Column::ObjectType.eq("subscription"))
            .order_by_asc(audit_event::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.action, a.note, serde_json::json!([a.before, a.after])))
            .collect();
        let events = WebhookDelivery::find()
            .filter(webhook_delivery::Column::Id.gt(after.1))
            .order_by_asc(webhook_delivery::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.event_type)
            .collect();
        let notes = Notification::find()
            .filter(notification::Column::Id.gt(after.2))
            .order_by_asc(notification::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|n| (n.user_id, n.kind, n.title))
            .collect();
        Trail {
            audit,
            events,
            notes,
        }
    }

    /// Pins who hears of each renewal step and what is recorded: a request for a manual port tells the
    /// producing team's owners only; a decline tells the requester only; a grant or an automatic extension is
    /// audited, published and told like the approval it prolongs. No renewal step re-evaluates the product.
    #[tokio::test]
    async fn each_renewal_step_tells_and_records_what_it_did() {
        for t in databases().await {
            let db = &t.db;
            crate::demo::seed::seed_demo(db).await.unwrap();
            let ana = viewer(db, ANA).await;
            let dan = viewer(db, DAN).await;
            let (ana_id, dan_id) = (ana.user_id.unwrap(), dan.user_id.unwrap());
            crate::activity::webhooks::create(
                db,
                &dan,
                &TargetRules::default(),
                "marketing-analytics",
                "https://provisioner.example/hooks",
                &["*".into()],
            )
            .await
            .unwrap();
            let v = subscriptions::request(db, &ana, &ask(port_id(db, "api").await, 30))
                .await
                .unwrap();
            subscriptions::decide(db, &dan, v.sub.id, true, "")
                .await
                .unwrap();
            let id = v.sub.id;
            let end = v.sub.end_date;
            let evaluations = fingerprint(db).await["Evaluation"].clone();
            let day = |n: i64| (Utc::now() + Duration::days(n)).date_naive();

            // Manual port: the owners are asked, nothing else happens.
            let before = ids(db).await;
            let asked = subscriptions::request_renewal(db, &ana, id, &day(200).to_string())
                .await
                .unwrap();
            assert_eq!(asked.sub.renewal_until, Some(day(200)), "{}", t.label);
            assert_eq!(asked.sub.end_date, end);
            let title = format!(
                "CX Insights asks to extend access to Campaign Performance until {}",
                day(200)
            );
            let got = trail(db, before).await;
            assert!(got.audit.is_empty() && got.events.is_empty(), "{got:?}");
            assert!(
                got.notes
                    .iter()
                    .any(|n| n == &(dan_id, "renewal_requested".into(), title.clone())),
                "{got:?}"
            );
            assert!(got.notes.iter().all(|n| n.1 == "renewal_requested"));

            // Declined: the requester is told, the end date stays.
            let before = ids(db).await;
            let declined = subscriptions::decide_renewal(db, &dan, id, false)
                .await
                .unwrap();
            assert_eq!(declined.sub.renewal_until, None);
            assert_eq!(declined.sub.end_date, end);
            assert_eq!(
                trail(db, before).await,
                Trail {
                    notes: vec![(
                        ana_id,
                        "renewal_declined".into(),
                        "The extension of your access to Campaign Performance was declined".into()
                    )],
                    ..Trail::default()
                }
            );
            assert!(matches!(
                subscriptions::decide_renewal(db, &dan, id, true).await,
                Err(Error::Conflict(m)) if m == "there is no pending renewal"
            ));

            // Granted: audited, published and told as an approval that runs longer.
            subscriptions::request_renewal(db, &ana, id, &day(300).to_string())
                .await
                .unwrap();
            let before = ids(db).await;
            let granted = subscriptions::decide_renewal(db, &dan, id, true)
                .await
                .unwrap();
            assert_eq!(granted.sub.end_date, Some(day(300)));
            assert_eq!(granted.sub.renewal_until, None);
            assert_eq!(granted.sub.reminder_sent_at, None);
            let note = format!("extended until {}", day(300));
            assert_eq!(
                trail(db, before).await,
                Trail {
                    audit: vec![(
                        "subscription.renewed".into(),
                        Some(note),
                        serde_json::json!([{"status": "approved"}, {"status": "approved", "endDate": day(300)}])
                    )],
                    events: vec!["agora.subscription.renewed".into()],
                    notes: vec![(
                        ana_id,
                        "approved".into(),
                        "Access to Campaign Performance (Metrics API) approved".into()
                    )],
                }
            );

            assert_eq!(fingerprint(db).await["Evaluation"], evaluations);

            // Refused: not later, not the consumer's, not active.
            assert!(matches!(
                subscriptions::request_renewal(db, &ana, id, &day(100).to_string()).await,
                Err(Error::Invalid(e)) if e[0].field == "until"
            ));
            assert!(matches!(
                subscriptions::request_renewal(db, &ana, id, "soon").await,
                Err(Error::Invalid(e)) if e[0].field == "until"
            ));
            assert!(matches!(
                subscriptions::request_renewal(db, &dan, id, &day(400).to_string()).await,
                Err(Error::Forbidden(_))
            ));
            assert!(matches!(
                subscriptions::decide_renewal(db, &ana, id, true).await,
                Err(Error::Forbidden(_))
            ));

            // Automatic port: extended at once, recorded like a grant.
            let auto = subscriptions::request(db, &ana, &ask(port_id(db, "warehouse").await, 30))
                .await
                .unwrap();
            assert_eq!(auto.sub.status, S::Approved);
            let evaluations_auto = fingerprint(db).await["Evaluation"].clone();
            let before = ids(db).await;
            let extended =
                subscriptions::request_renewal(db, &ana, auto.sub.id, &day(90).to_string())
                    .await
                    .unwrap();
            assert_eq!(extended.sub.end_date, Some(day(90)));
            assert_eq!(extended.sub.renewal_until, None);
            let got = trail(db, before).await;
            assert_eq!(
                got.audit,
                vec![(
                    "subscription.renewed".into(),
                    Some("renewed automatically".into()),
                    serde_json::json!([{"status": "approved"}, {"status": "approved", "endDate": day(90)}])
                )]
            );
            assert_eq!(got.events, vec!["agora.subscription.renewed".to_owned()]);
            assert_eq!(
                got.notes.iter().map(|n| n.0).collect::<Vec<_>>(),
                vec![ana_id]
            );
            assert_eq!(fingerprint(db).await["Evaluation"], evaluations_auto);

            let revoked = subscriptions::revoke(db, &dan, id, "Contract ended")
                .await
                .unwrap();
            assert_eq!(revoked.sub.status, S::Revoked);
            assert!(matches!(
                subscriptions::request_renewal(db, &ana, id, &day(400).to_string()).await,
                Err(Error::Conflict(m)) if m == "only an active subscription can be renewed"
            ));
            assert!(matches!(
                subscriptions::decide_renewal(db, &dan, id, true).await,
                Err(Error::Conflict(m)) if m == "there is no pending renewal"
            ));
        }
    }
}
