//! The read models pages and the API share: what the edit page needs, what the subscribe form offers and the
//! API's product resource. Each is one mesh function that decides who sees what, so a page and the API cannot
//! disagree. On SQLite and PostgreSQL.
use mesh::access::Viewer;
use mesh::catalog::{detail, edit_context, listing, views};
// DAN owns Campaign Performance; ANA's team owns the draft Churn Risk Scores.
use mesh::testing::people::{ANA, DAN};
use mesh::testing::{databases, viewer};
use mesh::{subscriptions, Error};

#[tokio::test]
async fn the_edit_context_is_for_the_owning_team_only() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let e = edit_context::edit_context(db, &dan, "marketing", "campaign-performance")
            .await
            .unwrap();
        assert_eq!(
            (e.domain_slug.as_str(), e.slug.as_str()),
            ("marketing", "campaign-performance"),
            "{}",
            t.label
        );
        assert_eq!(e.tags, ["attribution", "campaigns", "daily", "kpi"]);
        assert!(e
            .contract_yaml
            .contains("id: marketing-campaign-performance"));
        assert_eq!(
            e.usage, "Weekly performance reviews, media budget accruals.",
            "the terms come from the contract document"
        );
        let ports = views::ports(db, &dan, "marketing", "campaign-performance")
            .await
            .unwrap();
        assert_eq!(e.ports, ports, "the same ports as the ports tab");
        assert_eq!(e.proposal.current_version, "2.3.0");

        let refused = |r: Result<edit_context::EditContext, Error>| r.unwrap_err();
        assert!(
            matches!(
                refused(
                    edit_context::edit_context(
                        db,
                        &viewer(db, ANA).await,
                        "marketing",
                        "campaign-performance"
                    )
                    .await
                ),
                Error::Forbidden(_)
            ),
            "a member of another team may see the product but not edit it ({})",
            t.label
        );
        assert!(matches!(
            refused(
                edit_context::edit_context(
                    db,
                    &Viewer::anonymous(),
                    "marketing",
                    "campaign-performance"
                )
                .await
            ),
            Error::Unauthorized(_)
        ));
        assert!(
            matches!(
                refused(
                    edit_context::edit_context(db, &dan, "customer-service", "churn-risk-scores")
                        .await
                ),
                Error::NotFound(_)
            ),
            "another team's draft does not exist for them"
        );
        let ana = edit_context::edit_context(
            db,
            &viewer(db, ANA).await,
            "customer-service",
            "churn-risk-scores",
        )
        .await
        .unwrap();
        assert_eq!(ana.status, mesh::kinds::ProductStatus::Draft);
    }
}

#[tokio::test]
async fn subscribe_options_offer_only_the_viewers_own_teams_and_products() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let ana = viewer(db, ANA).await;
        let o = subscriptions::subscribe_options(db, &ana, "marketing", "campaign-performance")
            .await
            .unwrap();
        assert_eq!(o.product_name, "Campaign Performance", "{}", t.label);
        let teams: Vec<(&str, &str)> = o
            .teams
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str()))
            .collect();
        assert_eq!(teams, [("cx-insights", "CX Insights")]);
        assert!(
            o.products
                .iter()
                .any(|p| p.path == "customer-service/churn-risk-scores"),
            "her team's draft may consume: {:?}",
            o.products
        );
        let page = listing::product_page(db, &ana, "marketing", "campaign-performance")
            .await
            .unwrap();
        assert_eq!(o.ports, page.ports, "every port of the product page");
        assert_eq!(
            o.usage,
            "Weekly performance reviews, media budget accruals."
        );
        assert!(!o.limitations.is_empty());

        let dan = viewer(db, DAN).await;
        let o = subscriptions::subscribe_options(db, &dan, "customer-service", "support-tickets")
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        assert!(o.teams.iter().all(|t| t.slug != "cx-insights"));
        assert!(
            o.products
                .iter()
                .all(|p| !p.path.ends_with("/churn-risk-scores")),
            "another team's draft is never offered"
        );
        assert!(matches!(
            subscriptions::subscribe_options(
                db,
                &Viewer::anonymous(),
                "marketing",
                "campaign-performance"
            )
            .await
            .unwrap_err(),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            subscriptions::subscribe_options(db, &dan, "customer-service", "churn-risk-scores")
                .await
                .unwrap_err(),
            Error::NotFound(_)
        ));
    }
}

#[tokio::test]
async fn the_product_resource_holds_the_markdown_source_and_each_ports_contract() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let anyone = Viewer::anonymous();
        let d = detail::product_detail(db, &anyone, "marketing", "campaign-performance")
            .await
            .unwrap();
        let found = listing::find_product(db, &anyone, "marketing", "campaign-performance")
            .await
            .unwrap();
        assert_eq!(d.description, found.description, "{}", t.label);
        assert_eq!(
            (d.has_pii, d.sla_availability),
            (found.has_pii, found.sla_availability)
        );
        assert_eq!(d.card.slug, "campaign-performance");
        assert!(d.owners.iter().any(|p| p.email == DAN));
        assert_eq!(
            d.ports,
            views::ports(db, &anyone, "marketing", "campaign-performance")
                .await
                .unwrap()
        );
        assert!(d.ports.iter().any(|p| p.contract.is_some()));
        assert!(matches!(
            detail::product_detail(db, &anyone, "customer-service", "churn-risk-scores")
                .await
                .unwrap_err(),
            Error::NotFound(_)
        ));
        let own = detail::product_detail(
            db,
            &viewer(db, ANA).await,
            "customer-service",
            "churn-risk-scores",
        )
        .await
        .unwrap();
        assert_eq!(own.card.status, mesh::kinds::ProductStatus::Draft);
    }
}
