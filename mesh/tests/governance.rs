//! Governance on a real database: scoping, triggers, waivers, results from pipelines. SQLite and PostgreSQL.
use chrono::{Duration, Utc};
use mesh::access::Viewer;
use mesh::entity::prelude::*;
use mesh::governance::{self, dashboard, policies::PolicyInput, results, waivers};
use mesh::kinds::{Outcome, WaiverStatus};
use mesh::testing::people::{ANA, DAN, SOFIA as STEWARD};
use mesh::testing::{databases, viewer};
use mesh::{catalog::listing as catalog, Error};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

async fn outcome(db: &DatabaseConnection, product: &str, key: &str) -> Option<Outcome> {
    let (d, p) = product.split_once('/').unwrap();
    let visible = mesh::catalog::products::id_of(db, &Viewer::system(), d, p)
        .await
        .unwrap();
    dashboard::product(db, visible)
        .await
        .unwrap()
        .checks
        .into_iter()
        .find(|c| c.key == key)
        .map(|c| c.outcome)
}

fn input(scope: &str, key: &str, rule: &str, params: &str) -> PolicyInput {
    PolicyInput {
        scope: scope.into(),
        key: key.into(),
        title: format!("{key} title"),
        rationale: "because".into(),
        rule: rule.into(),
        params: params.into(),
        severity: "major".into(),
        enabled: true,
    }
}

#[tokio::test]
async fn the_seeded_mesh_is_evaluated_and_scored() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let overview = dashboard::overview(db).await.unwrap();
        assert!(overview.products >= 30, "{}", t.label);
        assert!(
            overview.mesh_score > 30.0 && overview.mesh_score < 100.0,
            "{}: {}",
            t.label,
            overview.mesh_score
        );
        assert_eq!(overview.domains.len(), 7);
        assert_eq!(overview.trend.len(), 30, "30 days of snapshots");
        assert_eq!(overview.pending_waivers, 1);
        assert_eq!(
            outcome(db, "sales/customer-orders", "output-port").await,
            Some(Outcome::Pass)
        );
        assert_eq!(
            outcome(db, "customer-service/product-reviews", "sla").await,
            Some(Outcome::Fail)
        );
        let detail = dashboard::domain(db, "marketing", 1, 1000).await.unwrap();
        // Pages continue the same order.
        let second = dashboard::domain(db, "marketing", 2, 2).await.unwrap();
        assert_eq!(second.total, detail.products.len());
        assert_eq!(
            second.products.iter().map(|r| &r.slug).collect::<Vec<_>>(),
            detail.products[2..4]
                .iter()
                .map(|r| &r.slug)
                .collect::<Vec<_>>()
        );
        assert!(
            detail.products.windows(2).all(|w| w[0].score <= w[1].score),
            "failing first"
        );
        assert!(
            detail.products.iter().all(|r| !r.owners.is_empty()),
            "owners to contact"
        );
    }
}

#[tokio::test]
async fn domain_policies_add_to_global_ones_and_only_in_their_domain() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let steward = viewer(db, STEWARD).await;
        // A domain owner cannot edit global policies, nor another domain's, nor reuse a global key.
        assert!(matches!(
            governance::policies::create(db, &dan, &input("global", "x", "has_output_port", ""))
                .await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            governance::policies::create(db, &dan, &input("sales", "x", "has_output_port", ""))
                .await,
            Err(Error::Forbidden(_))
        ));
        let Err(Error::Invalid(e)) = governance::policies::create(
            db,
            &dan,
            &input("marketing", "support", "has_output_port", ""),
        )
        .await
        else {
            panic!()
        };
        assert!(e[0].message.contains("cannot replace"), "{}", e[0].message);
        let Err(Error::Invalid(e)) = governance::policies::create(
            db,
            &dan,
            &input("marketing", "mkt-tags", "required_tags", "{\"tags\": []}"),
        )
        .await
        else {
            panic!()
        };
        assert_eq!(e[0].field, "params");
        // A marketing policy: evaluated at once, for marketing products only.
        governance::policies::create(
            db,
            &dan,
            &input(
                "marketing",
                "mkt-campaign-tag",
                "required_tags",
                "{\"tags\": [\"campaigns\"]}",
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            outcome(db, "marketing/campaign-performance", "mkt-campaign-tag").await,
            Some(Outcome::Pass),
            "{}",
            t.label
        );
        assert_eq!(
            outcome(db, "marketing/web-sessions", "mkt-campaign-tag").await,
            Some(Outcome::Fail)
        );
        assert_eq!(
            outcome(db, "sales/customer-orders", "mkt-campaign-tag").await,
            None,
            "not in scope"
        );
        // A finance policy also applies to the payments subdomain.
        assert!(
            outcome(db, "payments/payment-transactions", "finance-column-names")
                .await
                .is_some()
        );
        // Stewards edit global policies; a policy change re-evaluates at once.
        let support = Policy::find()
            .filter(policy::Column::Key.eq("documentation"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let mut edit = input("", "documentation", "docs_min_length", "{\"min\": 5000}");
        edit.severity = "minor".into();
        governance::policies::update(db, &steward, support.id, &edit)
            .await
            .unwrap();
        assert_eq!(
            outcome(db, "sales/customer-orders", "documentation").await,
            Some(Outcome::Fail),
            "{}",
            t.label
        );
        assert!(matches!(
            governance::policies::update(db, &dan, support.id, &edit).await,
            Err(Error::Forbidden(_))
        ));
    }
}

#[tokio::test]
async fn changes_to_products_trigger_evaluation() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let product = catalog::find_product(db, &dan, "marketing", "customer-segments")
            .await
            .unwrap();
        assert_eq!(
            outcome(db, "marketing/customer-segments", "support").await,
            Some(Outcome::Fail),
            "{}",
            t.label
        );
        let form = mesh::catalog::contracts::TermsForm {
            purpose: "Segments".into(),
            usage: "CRM campaigns".into(),
            limitations: String::new(),
            sla: vec![
                ("frequency".into(), "1".into(), "d".into()),
                ("retention".into(), "2".into(), "y".into()),
            ],
            support: vec![(
                "#crm-data".into(),
                "https://northwind.slack.com/archives/C9".into(),
            )],
        };
        mesh::catalog::contracts::edit_terms(db, &dan, product.id, &form)
            .await
            .unwrap();
        assert_eq!(
            outcome(db, "marketing/customer-segments", "support").await,
            Some(Outcome::Pass),
            "{}",
            t.label
        );
        assert_eq!(
            outcome(db, "marketing/customer-segments", "sla").await,
            Some(Outcome::Pass)
        );
        mesh::catalog::products::remove_port(db, &dan, product.id, "warehouse")
            .await
            .unwrap();
        assert_eq!(
            outcome(db, "marketing/customer-segments", "output-port").await,
            Some(Outcome::Fail)
        );
    }
}

#[tokio::test]
async fn a_waiver_turns_a_failure_into_waived_until_it_expires() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let steward = viewer(db, STEWARD).await;
        let dan = viewer(db, DAN).await;
        let pending = Waiver::find()
            .filter(waiver::Column::Status.eq(WaiverStatus::Requested))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            matches!(
                waivers::decide(db, &dan, pending.id, true, "").await,
                Err(Error::Forbidden(_))
            ),
            "stewards decide"
        );
        waivers::decide(db, &steward, pending.id, true, "Fine until January")
            .await
            .unwrap();
        assert_eq!(
            outcome(db, "marketing/customer-segments", "support").await,
            Some(Outcome::Waived),
            "{}",
            t.label
        );
        assert!(matches!(
            waivers::decide(db, &steward, pending.id, false, "").await,
            Err(Error::Conflict(_))
        ));
        // The waiver lapses: the daily run brings the real result back.
        let mut lapsed: waiver::ActiveModel = Waiver::find_by_id(pending.id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .into();
        lapsed.expires_on = Set(Utc::now().date_naive() - Duration::days(1));
        lapsed.update(db).await.unwrap();
        governance::daily(db, Utc::now().date_naive())
            .await
            .unwrap();
        assert_eq!(
            outcome(db, "marketing/customer-segments", "support").await,
            Some(Outcome::Fail),
            "{}",
            t.label
        );
        // Asking for a waiver: the product's team only, with a reason and a near date.
        let product = catalog::find_product(db, &dan, "marketing", "customer-segments")
            .await
            .unwrap();
        let ana = viewer(db, ANA).await;
        assert!(matches!(
            waivers::request(
                db,
                &ana,
                product.id,
                pending.policy_id,
                "Because we say so",
                "2099-01-01"
            )
            .await,
            Err(Error::Forbidden(_))
        ));
        let Err(Error::Invalid(e)) = waivers::request(
            db,
            &dan,
            product.id,
            pending.policy_id,
            "soon",
            "2099-01-01",
        )
        .await
        else {
            panic!()
        };
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["justification", "expires_on"]);
    }
}

#[tokio::test]
async fn pipelines_push_quality_runs_and_sla_measurements() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let mut pipeline = viewer(db, "marcus.bell@northwind.example").await;
        pipeline.scopes = Some([mesh::access::Scope::Results].into_iter().collect());
        let run: results::QualityRunInput =
            results::parse(br#"{"result": "failed", "checks": [{"name": "order_id unique", "result": "failed", "field": "orders.order_id"}]}"#).unwrap();
        results::push_quality(db, &pipeline, "sales", "customer-orders", run)
            .await
            .unwrap();
        let runs = results::runs(
            db,
            catalog::find_product(db, &pipeline, "sales", "customer-orders")
                .await
                .unwrap()
                .id,
            5,
        )
        .await
        .unwrap();
        assert_eq!((runs[0].result.as_str(), runs[0].failed), ("failed", 1));
        // A quality policy now fails for this product (evaluation on push).
        governance::policies::create(
            db,
            &viewer(db, STEWARD).await,
            &input(
                "global",
                "quality-fresh",
                "quality_recent_pass",
                "{\"days\": 7}",
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            outcome(db, "sales/customer-orders", "quality-fresh").await,
            Some(Outcome::Fail),
            "{}",
            t.label
        );

        let err = results::parse::<results::QualityRunInput>(
            br#"{"result": "passed", "checks": [{"name": "x", "result": "green"}]}"#,
        )
        .unwrap_err();
        let Error::Invalid(e) = err else { panic!() };
        assert_eq!(e[0].field, "checks[0].result", "{e:?}");

        // SLA measurements: judged against the contract when `met` is absent (latency 15 min).
        let measurements: Vec<results::MeasurementInput> = results::parse(
            br#"[{"property": "freshness", "value": 10}, {"property": "freshness", "value": 45}]"#,
        )
        .unwrap();
        results::push_measurements(db, &pipeline, "sales", "customer-orders", measurements)
            .await
            .unwrap();
        let id = catalog::find_product(db, &pipeline, "sales", "customer-orders")
            .await
            .unwrap()
            .id;
        let history = results::sla_history(db, id).await.unwrap();
        assert!(history.count_30 >= 2);
        let bad: Vec<results::MeasurementInput> =
            results::parse(br#"[{"property": "colour", "value": 1}]"#).unwrap();
        let Err(Error::Invalid(e)) =
            results::push_measurements(db, &pipeline, "sales", "customer-orders", bad).await
        else {
            panic!()
        };
        assert_eq!(e[0].field, "[0].property");

        // Without the results scope, or from another team: refused.
        let other = viewer(db, ANA).await;
        let run: results::QualityRunInput = results::parse(br#"{"result": "passed"}"#).unwrap();
        assert!(matches!(
            results::push_quality(db, &other, "sales", "customer-orders", run.clone()).await,
            Err(Error::Forbidden(_))
        ));

        // datacontract-cli's payload, found by its contract id.
        let cli: results::DataContractCliRun = results::parse(
            br#"{"runId": "r1", "dataContractId": "sales-customer-orders", "result": "passed", "dryRun": false,
                 "timestampEnd": "2026-11-25T02:31:50.876125Z",
                 "checks": [{"type": "field_unique", "name": "order_id unique", "model": "orders", "field": "order_id", "result": "passed"}],
                 "logs": []}"#,
        )
        .unwrap();
        let (target, stored) = results::push_datacontract_cli(db, &pipeline, cli)
            .await
            .unwrap();
        assert_eq!(target, "sales/customer-orders");
        assert_eq!(stored.source, "datacontract-cli");
        assert_eq!(stored.checks[0]["field"], "orders.order_id");
    }
}

#[tokio::test]
async fn the_daily_run_happens_once_a_day() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let snapshots = || async {
            ComplianceSnapshot::find()
                .filter(mesh::entity::compliance_snapshot::Column::DomainId.is_null())
                .all(db)
                .await
                .unwrap()
                .len()
        };
        let before = snapshots().await;
        let tomorrow = Utc::now().date_naive() + Duration::days(1);
        let ran = governance::daily_if_due(db, tomorrow).await.unwrap();
        assert!(ran.is_some_and(|n| n >= 30), "{}: {ran:?}", t.label);
        assert_eq!(snapshots().await, before + 1, "{}", t.label);
        assert_eq!(
            governance::daily_if_due(db, tomorrow).await.unwrap(),
            None,
            "{}",
            t.label
        );
        assert_eq!(snapshots().await, before + 1);
    }
}

/// The dashboard reads rollups; the domain page reads the evaluations themselves. They must agree.
async fn rollups_agree(db: &DatabaseConnection, label: &str) {
    let overview = dashboard::overview(db).await.unwrap();
    let mut listed = 0;
    for row in &overview.domains {
        let detail = dashboard::domain(db, &row.score.slug, 1, 100_000)
            .await
            .unwrap();
        listed += detail.products.len();
        assert_eq!(
            detail.products.len(),
            row.score.products,
            "{label}: {}",
            row.score.slug
        );
        assert_eq!(detail.total, row.score.products);
        // Row scores come from the evaluations themselves, the dashboard's from the rollups.
        let from_rows = if detail.products.is_empty() {
            100.0
        } else {
            detail.products.iter().map(|p| p.score).sum::<f64>() / detail.products.len() as f64
        };
        assert!(
            (from_rows - row.score.score).abs() < 1e-9
                && (detail.score - row.score.score).abs() < 1e-9,
            "{label}: {} scores {from_rows} from its evaluations, {} on the dashboard",
            row.score.slug,
            row.score.score
        );
        assert_eq!(
            detail.products.iter().map(|p| p.blockers).sum::<usize>(),
            row.score.blockers,
            "{label}: {}",
            row.score.slug
        );
        for (head, cell) in overview.policies.iter().zip(&row.cells) {
            let (mut ok, mut applicable) = (0, 0);
            if let Some(j) = detail.policies.iter().position(|h| h.id == head.id) {
                for p in &detail.products {
                    match p.cells[j].as_ref().map(|c| c.0) {
                        Some(Outcome::Pass | Outcome::Waived) => {
                            ok += 1;
                            applicable += 1
                        }
                        Some(Outcome::Fail) => applicable += 1,
                        _ => {}
                    }
                }
            }
            let expected = (applicable > 0).then(|| ok as f64 * 100.0 / applicable as f64);
            assert_eq!(
                *cell, expected,
                "{label}: {} x {}",
                row.score.slug, head.key
            );
        }
    }
    assert_eq!(listed, overview.products, "{label}");
}

#[tokio::test]
async fn the_dashboard_rollups_follow_every_change() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        rollups_agree(db, t.label).await;
        let before = dashboard::overview(db).await.unwrap();
        // A new global policy re-evaluates every product.
        let steward = viewer(db, STEWARD).await;
        governance::policies::create(
            db,
            &steward,
            &input(
                "global",
                "tagged-core",
                "required_tags",
                "{\"tags\": [\"core\"]}",
            ),
        )
        .await
        .unwrap();
        rollups_agree(db, t.label).await;
        let after = dashboard::overview(db).await.unwrap();
        assert!(after.mesh_score < before.mesh_score, "{}", t.label);
        // A retired product leaves the listed set and its domain's counts.
        let orders = catalog::find_product(db, &Viewer::system(), "sales", "customer-orders")
            .await
            .unwrap();
        mesh::catalog::products::retire(db, &Viewer::system(), orders.id)
            .await
            .unwrap();
        rollups_agree(db, t.label).await;
        let retired = dashboard::overview(db).await.unwrap();
        assert_eq!(retired.products, after.products - 1, "{}", t.label);
        assert!(!dashboard::fully_compliant(db)
            .await
            .unwrap()
            .contains(&orders.id));
    }
}
