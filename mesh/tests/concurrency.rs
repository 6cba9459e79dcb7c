//! Writers racing on one thing: every rule holds and nobody gets a database error. SQLite has one writer at a
//! time, so these pass there by construction; on PostgreSQL (TEST_DATABASE_URL) the writers really overlap.
use std::collections::BTreeMap;

use mesh::access::{Scope, Viewer};
use mesh::catalog::products::{self, NewProduct};
use mesh::entity::prelude::*;
use mesh::governance::{evaluate, results};
use mesh::kinds::SubscriptionStatus as S;
use mesh::subscriptions::{self, NewRequest};
use mesh::testing::people::{ANA, DAN, MARCUS};
use mesh::testing::{databases, viewer};
use mesh::{catalog::listing as catalog, Error};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use tokio::task::JoinSet;

/// Runs `n` copies of `task` at once and returns their outcomes in the order of their numbers.
async fn at_once<T, F, Fut>(n: usize, task: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let mut set = JoinSet::new();
    for i in 0..n {
        let fut = task(i);
        set.spawn(async move { (i, fut.await) });
    }
    let mut out: Vec<(usize, T)> = set.join_all().await;
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, t)| t).collect()
}

/// A refusal the user can act on (409 or 422 at the edge), not a fault of ours (500).
fn is_refusal(err: &Error) -> bool {
    matches!(err, Error::Conflict(_) | Error::Invalid(_))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_results_for_one_product_all_land_and_leave_one_evaluation_per_policy() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let mut pipeline = viewer(db, MARCUS).await;
        pipeline.scopes = Some([Scope::Results].into_iter().collect());
        let product = catalog::find_product(db, &pipeline, "sales", "customer-orders")
            .await
            .unwrap();
        let runs_before = QualityRun::find()
            .filter(quality_run::Column::ProductId.eq(product.id))
            .count(db)
            .await
            .unwrap();

        // 4 pipelines push 5 runs each, and a fifth pushes SLA measurements: every write re-evaluates the product.
        let outcomes = at_once(5, |i| {
            let (db, pipeline) = (db.clone(), pipeline.clone());
            async move {
                let mut failures = Vec::new();
                for n in 0..5 {
                    let outcome = if i < 4 {
                        let body = format!(
                            r#"{{"result": "{}", "runId": "run-{i}-{n}"}}"#,
                            if n % 2 == 0 { "passed" } else { "failed" }
                        );
                        let run = results::parse(body.as_bytes()).unwrap();
                        results::push_quality(&db, &pipeline, "sales", "customer-orders", run)
                            .await
                            .map(|_| ())
                    } else {
                        let m =
                            results::parse(br#"[{"property": "availability", "value": 99.95}]"#)
                                .unwrap();
                        results::push_measurements(&db, &pipeline, "sales", "customer-orders", m)
                            .await
                            .map(|_| ())
                    };
                    if let Err(e) = outcome {
                        failures.push(e.to_string());
                    }
                }
                failures
            }
        })
        .await;
        assert!(
            outcomes.iter().all(Vec::is_empty),
            "{}: {outcomes:?}",
            t.label
        );

        let runs_after = QualityRun::find()
            .filter(quality_run::Column::ProductId.eq(product.id))
            .count(db)
            .await
            .unwrap();
        assert_eq!(runs_after, runs_before + 20, "{}", t.label);
        // One evaluation per policy in the product's scope, none missing and none twice.
        let mut per_policy: BTreeMap<i64, usize> = BTreeMap::new();
        for e in Evaluation::find()
            .filter(evaluation::Column::ProductId.eq(product.id))
            .all(db)
            .await
            .unwrap()
        {
            *per_policy.entry(e.policy_id).or_default() += 1;
        }
        let policies = Policy::find().all(db).await.unwrap();
        let domains = Domain::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let mut in_scope: Vec<i64> = evaluate::in_scope(&policies, &domains, product.domain_id)
            .into_iter()
            .map(|p| p.id)
            .collect();
        in_scope.sort_unstable();
        assert_eq!(
            per_policy.keys().copied().collect::<Vec<_>>(),
            in_scope,
            "{}",
            t.label
        );
        assert!(
            per_policy.values().all(|n| *n == 1),
            "{}: {per_policy:?}",
            t.label
        );
        // The domain's matrix cells count the evaluations the last writer committed.
        let tallies = |db: DatabaseConnection| async move {
            DomainPolicyTally::find()
                .filter(domain_policy_tally::Column::DomainId.eq(product.domain_id))
                .order_by_asc(domain_policy_tally::Column::PolicyId)
                .all(&db)
                .await
                .unwrap()
        };
        let stored = tallies(db.clone()).await;
        evaluate::tally_domains(db, &[product.domain_id])
            .await
            .unwrap();
        assert_eq!(stored, tallies(db.clone()).await, "{}", t.label);
    }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_identical_access_requests_at_once_give_one_open_request_and_one_refusal() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let product = catalog::find_product(db, &ana, "marketing", "campaign-performance")
            .await
            .unwrap();
        let api = OutputPort::find()
            .filter(output_port::Column::ProductId.eq(product.id))
            .filter(output_port::Column::Slug.eq("api"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        // Several rounds, since one round may not overlap; each ends by withdrawing the request.
        for round in 0..8 {
            let outcomes = at_once(2, |_| {
                let (db, ana) = (db.clone(), ana.clone());
                async move { subscriptions::request(&db, &ana, &ask(api.id)).await }
            })
            .await;
            let won: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
            let refused: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
            assert_eq!(won.len(), 1, "{} round {round}: {outcomes:?}", t.label);
            let Some(Error::Invalid(errors)) = refused.first() else {
                panic!("{} round {round}: {refused:?}", t.label);
            };
            assert_eq!(errors[0].field, "port", "{}: {errors:?}", t.label);
            assert!(
                errors[0].message.contains("already has an open request"),
                "{}: {errors:?}",
                t.label
            );
            let open = Subscription::find()
                .filter(subscription::Column::PortId.eq(api.id))
                .filter(subscription::Column::ConsumerTeamId.eq(won[0].sub.consumer_team_id))
                .filter(subscription::Column::Status.is_in([S::Requested, S::Approved]))
                .count(db)
                .await
                .unwrap();
            assert_eq!(open, 1, "{} round {round}", t.label);
            subscriptions::cancel(db, &ana, won[0].sub.id)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn the_database_refuses_a_second_open_subscription_for_a_team_and_port() {
    use sea_orm::{ActiveModelTrait, Set};
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let open = Subscription::find()
            .filter(subscription::Column::Status.eq(S::Approved))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        // Bypassing the count check, as a racing writer would: the partial unique index still says no.
        let mut copy: subscription::ActiveModel = open.clone().into();
        copy.id = sea_orm::ActiveValue::NotSet;
        copy.status = Set(S::Requested);
        let err = Error::from(copy.clone().insert(db).await.unwrap_err());
        assert!(matches!(err, Error::Conflict(_)), "{}: {err:?}", t.label);
        assert!(
            err.to_string()
                .contains("open request or access for this port"),
            "{}: {err}",
            t.label
        );
        // A closed subscription for the same team and port is history, not a rule broken.
        copy.status = Set(S::Cancelled);
        copy.insert(db).await.unwrap();
    }
}

fn new_product(name: &str, tags: &str) -> NewProduct {
    NewProduct {
        domain: "marketing".into(),
        owner_team: "marketing-analytics".into(),
        name: name.into(),
        slug: String::new(),
        summary: "Weekly reach and frequency per campaign.".into(),
        description: "# Reach\n\nHow many people saw a campaign.".into(),
        kind: "aggregate".into(),
        tags: tags.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn products_created_at_once_with_the_same_new_tag_both_get_it() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        for round in 0..5 {
            let tag = format!("brand-new-{round}");
            let outcomes = at_once(2, |i| {
                let (db, dan, tag) = (db.clone(), dan.clone(), tag.clone());
                async move {
                    let new = new_product(&format!("Tagged {round} {i}"), &format!("{tag}, reach"));
                    products::create(&db, &dan, &new).await
                }
            })
            .await;
            for outcome in &outcomes {
                let product = outcome
                    .as_ref()
                    .unwrap_or_else(|e| panic!("{}: {e}", t.label));
                assert!(
                    mesh::catalog::tags::of_product(db, product.id)
                        .await
                        .unwrap()
                        .contains(&tag),
                    "{}",
                    t.label
                );
            }
            let tags = Tag::find()
                .filter(tag::Column::Name.eq(tag.as_str()))
                .count(db)
                .await
                .unwrap();
            assert_eq!(tags, 1, "{}", t.label);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_new_slug_created_twice_at_once_gives_one_product_and_one_refusal() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        for round in 0..5 {
            let outcomes = at_once(2, |_| {
                let (db, dan) = (db.clone(), dan.clone());
                async move {
                    products::create(&db, &dan, &new_product(&format!("Twin {round}"), "")).await
                }
            })
            .await;
            let won = outcomes.iter().filter(|o| o.is_ok()).count();
            let refused: Vec<&Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
            assert_eq!(won, 1, "{} round {round}: {outcomes:?}", t.label);
            assert!(
                refused.iter().all(|e| is_refusal(e)),
                "{}: {refused:?}",
                t.label
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_new_team_created_twice_at_once_gives_one_team_and_one_refusal() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let admin = Viewer::system();
        for round in 0..5 {
            let outcomes = at_once(2, |_| {
                let (db, admin) = (db.clone(), admin.clone());
                async move {
                    let new = mesh::access::admin::NewTeam {
                        slug: format!("twins-{round}"),
                        name: format!("Twins {round}"),
                        domain: "marketing".into(),
                        description: String::new(),
                    };
                    mesh::access::admin::create_team(&db, &admin, &new).await
                }
            })
            .await;
            let won = outcomes.iter().filter(|o| o.is_ok()).count();
            let refused: Vec<&Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
            assert_eq!(won, 1, "{} round {round}: {outcomes:?}", t.label);
            assert!(
                refused.iter().all(|e| is_refusal(e)),
                "{}: {refused:?}",
                t.label
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transaction_aborted_to_break_a_deadlock_runs_again() {
    use sea_orm::ConnectionTrait;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    for t in databases().await {
        let db = &t.db;
        db.execute_unprepared(
            "CREATE TABLE duel (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); \
             INSERT INTO duel (id, n) VALUES (1, 0), (2, 0)",
        )
        .await
        .unwrap();
        let attempts = Arc::new(AtomicU32::new(0));
        let both_hold_one = Arc::new(tokio::sync::Barrier::new(2));
        // Two writers take the same two rows in opposite order; on PostgreSQL the first attempts deadlock
        // (SQLite lets one writer in at a time, so there they never meet).
        let outcomes = at_once(2, |i| {
            let (db, attempts, barrier) = (db.clone(), attempts.clone(), both_hold_one.clone());
            let (first, second) = if i == 0 { (1, 2) } else { (2, 1) };
            let meet = t.label == "postgres";
            async move {
                let mut first_attempt = true;
                mesh::db::retry(|| {
                    let (db, attempts, barrier) = (db.clone(), attempts.clone(), barrier.clone());
                    let meet = meet && std::mem::replace(&mut first_attempt, false);
                    async move {
                        attempts.fetch_add(1, Ordering::SeqCst);
                        let tx = mesh::db::begin_write(&db).await?;
                        let bump = |id: i32| format!("UPDATE duel SET n = n + 1 WHERE id = {id}");
                        tx.execute_unprepared(&bump(first)).await?;
                        if meet {
                            barrier.wait().await;
                        }
                        tx.execute_unprepared(&bump(second)).await?;
                        tx.commit().await?;
                        Ok(())
                    }
                })
                .await
            }
        })
        .await;
        assert!(
            outcomes.iter().all(Result::is_ok),
            "{}: {outcomes:?}",
            t.label
        );
        let expected_attempts = if t.label == "postgres" { 3 } else { 2 };
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            expected_attempts,
            "{}",
            t.label
        );
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT n FROM duel ORDER BY id",
            ))
            .await
            .unwrap();
        let n: Vec<i32> = rows
            .iter()
            .map(|r| r.try_get_by_index(0).unwrap())
            .collect();
        assert_eq!(n, [2, 2], "{}", t.label);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_policies_with_one_new_key_in_one_scope_at_once_give_one_policy() {
    use mesh::governance::policies::{self, PolicyInput};
    use mesh::testing::people::SOFIA as STEWARD;
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let steward = viewer(db, STEWARD).await;
        for round in 0..5 {
            let outcomes = at_once(2, |_| {
                let (db, steward) = (db.clone(), steward.clone());
                async move {
                    let input = PolicyInput {
                        scope: if round % 2 == 0 {
                            "global"
                        } else {
                            "marketing"
                        }
                        .into(),
                        key: format!("twin-{round}"),
                        title: "Twin".into(),
                        rationale: "because".into(),
                        rule: "has_output_port".into(),
                        params: "{}".into(),
                        severity: "major".into(),
                        enabled: true,
                    };
                    policies::create(&db, &steward, &input).await
                }
            })
            .await;
            let won = outcomes.iter().filter(|o| o.is_ok()).count();
            let refused: Vec<&Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
            assert_eq!(won, 1, "{} round {round}: {outcomes:?}", t.label);
            assert!(
                refused.iter().all(|e| is_refusal(e)),
                "{}: {refused:?}",
                t.label
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_waiver_requested_twice_at_once_waits_once() {
    use mesh::governance::waivers;
    use mesh::kinds::WaiverStatus;
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let product = catalog::find_product(db, &dan, "marketing", "campaign-performance")
            .await
            .unwrap();
        let waiting: Vec<i64> = Waiver::find()
            .filter(waiver::Column::ProductId.eq(product.id))
            .filter(waiver::Column::Status.eq(WaiverStatus::Requested))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|w| w.policy_id)
            .collect();
        let policies: Vec<i64> = Policy::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .filter(|id| !waiting.contains(id))
            .take(4)
            .collect();
        let until = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
        for policy_id in policies {
            let outcomes = at_once(2, |_| {
                let (db, dan, until) = (db.clone(), dan.clone(), until.clone());
                async move {
                    waivers::request(
                        &db,
                        &dan,
                        product.id,
                        policy_id,
                        "The upstream feed is being replaced this quarter",
                        &until,
                    )
                    .await
                }
            })
            .await;
            let won = outcomes.iter().filter(|o| o.is_ok()).count();
            let refused: Vec<&Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
            assert_eq!(won, 1, "{} policy {policy_id}: {outcomes:?}", t.label);
            assert!(
                refused.iter().all(|e| is_refusal(e)),
                "{}: {refused:?}",
                t.label
            );
        }
    }
}

#[tokio::test]
async fn an_upgrade_closes_the_duplicates_an_earlier_race_left_and_keeps_one() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let ours = names
            .iter()
            .position(|n| n == "m20261201_000012_race_guards")
            .unwrap();
        Migrator::down(db, Some((names.len() - ours) as u32))
            .await
            .unwrap();
        // What two racing requests could store before the indexes: an approved subscription and a request for
        // the same team and port; two waiting waivers; two global policies with one key.
        let approved = Subscription::find()
            .filter(subscription::Column::Status.eq(S::Approved))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let mut copy: subscription::ActiveModel = approved.clone().into();
        copy.id = sea_orm::ActiveValue::NotSet;
        copy.status = Set(S::Requested);
        let duplicate_request = copy.insert(db).await.unwrap();
        let waiting = Waiver::find()
            .filter(waiver::Column::Status.eq("requested"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let mut copy: waiver::ActiveModel = waiting.clone().into();
        copy.id = sea_orm::ActiveValue::NotSet;
        let duplicate_waiver = copy.insert(db).await.unwrap();
        let global = Policy::find()
            .filter(policy::Column::DomainId.is_null())
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let mut copy: policy::ActiveModel = global.clone().into();
        copy.id = sea_orm::ActiveValue::NotSet;
        let duplicate_policy = copy.insert(db).await.unwrap();

        Migrator::up(db, None).await.unwrap();
        let status = |id| async move {
            Subscription::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .status
        };
        assert_eq!(status(approved.id).await, S::Approved, "{}", t.label);
        assert_eq!(
            status(duplicate_request.id).await,
            S::Cancelled,
            "{}",
            t.label
        );
        let waiver_status = |id| async move {
            Waiver::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .status
        };
        assert_eq!(
            waiver_status(waiting.id).await.as_str(),
            "requested",
            "{}",
            t.label
        );
        assert_eq!(
            waiver_status(duplicate_waiver.id).await.as_str(),
            "denied",
            "{}",
            t.label
        );
        let key = |id| async move { Policy::find_by_id(id).one(db).await.unwrap().unwrap().key };
        assert_eq!(key(global.id).await, global.key, "{}", t.label);
        assert_eq!(
            key(duplicate_policy.id).await,
            format!("{}-{}", global.key, duplicate_policy.id),
            "{}",
            t.label
        );
        // And the rules hold from now on.
        let again = db
            .execute_unprepared(&format!(
                "UPDATE subscriptions SET status = 'requested' WHERE id = {}",
                duplicate_request.id
            ))
            .await
            .unwrap_err();
        assert!(
            mesh::db::errors::is_unique_violation(&again),
            "{}: {again}",
            t.label
        );
    }
}

#[tokio::test]
async fn two_daily_runs_at_once_both_finish_and_leave_one_evaluation_per_policy() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let today = chrono::Utc::now().date_naive();
        // Two instances start the daily run at the same moment.
        let runs = at_once(2, |_| {
            let db = db.clone();
            async move { mesh::governance::daily(&db, today).await }
        })
        .await;
        for run in runs {
            assert!(run.is_ok(), "{}: {:?}", t.label, run.err());
        }
        let evaluations = Evaluation::find().all(db).await.unwrap();
        let mut seen = std::collections::HashSet::new();
        for e in &evaluations {
            assert!(
                seen.insert((e.product_id, e.policy_id)),
                "{}: two evaluations of one product and policy",
                t.label
            );
        }
        assert!(!evaluations.is_empty(), "{}", t.label);
    }
}
