//! The demo seed and the marketplace read models, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.
use mesh::access::Viewer;
use mesh::catalog::listing::{self, ListFilter};
use mesh::entity::prelude::*;
use mesh::kinds::ProductStatus;
use mesh::testing::databases;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test]
async fn seeding_twice_creates_everything_once() {
    for t in databases().await {
        let first = mesh::demo::seed::seed_demo(&t.db).await.unwrap();
        assert!(first.products >= 40, "{}: {first}", t.label);
        assert!(
            first.domains >= 6 && first.teams >= 12,
            "{}: {first}",
            t.label
        );
        let counts = (
            DataProduct::find().count(&t.db).await.unwrap(),
            OutputPort::find().count(&t.db).await.unwrap(),
            Tag::find().count(&t.db).await.unwrap(),
        );
        let second = mesh::demo::seed::seed_demo(&t.db).await.unwrap();
        assert_eq!(
            second,
            mesh::demo::seed::SeedReport::default(),
            "{}",
            t.label
        );
        let again = (
            DataProduct::find().count(&t.db).await.unwrap(),
            OutputPort::find().count(&t.db).await.unwrap(),
            Tag::find().count(&t.db).await.unwrap(),
        );
        assert_eq!(counts, again, "{}", t.label);
    }
}

#[tokio::test]
async fn the_marketplace_lists_published_and_deprecated_products_only() {
    for t in databases().await {
        mesh::demo::seed::seed_demo(&t.db).await.unwrap();
        let cards = listing::list_products(&t.db, &Viewer::anonymous(), &ListFilter::default())
            .await
            .unwrap();
        assert!(cards.len() >= 30, "{}: {}", t.label, cards.len());
        assert!(
            cards.iter().all(|c| c.status.listed_by_default()),
            "{}",
            t.label
        );
        let orders = cards
            .iter()
            .find(|c| c.slug == "customer-orders")
            .expect("customer orders listed");
        assert_eq!(orders.domain_name, "Sales");
        assert_eq!(orders.team_name, "Sales Operations");
        assert_eq!(orders.tags, ["core", "orders", "pii", "revenue"]);
        let names: Vec<_> = cards.iter().map(|c| c.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{}: sorted by name", t.label);

        let with_retired = listing::list_products(
            &t.db,
            &Viewer::anonymous(),
            &ListFilter {
                include_retired: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(with_retired
            .iter()
            .any(|c| c.status == ProductStatus::Retired));

        let finance = listing::list_products(
            &t.db,
            &Viewer::anonymous(),
            &ListFilter {
                domain: Some("finance".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(!finance.is_empty());
        assert!(finance.iter().all(|c| c.domain_slug == "finance"));
    }
}

#[tokio::test]
async fn drafts_are_visible_to_their_team_only() {
    for t in databases().await {
        mesh::demo::seed::seed_demo(&t.db).await.unwrap();
        let draft = DataProduct::find()
            .all(&t.db)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.status == ProductStatus::Draft)
            .unwrap();
        let domain = Domain::find_by_id(draft.domain_id)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        let outsider =
            listing::product_page(&t.db, &Viewer::anonymous(), &domain.slug, &draft.slug).await;
        assert!(
            matches!(outsider, Err(mesh::Error::NotFound(_))),
            "{}",
            t.label
        );
        let member = Viewer {
            user_id: Some(1),
            team_ids: vec![draft.owner_team_id],
            ..Default::default()
        };
        let page = listing::product_page(&t.db, &member, &domain.slug, &draft.slug)
            .await
            .unwrap();
        assert_eq!(page.card.status, ProductStatus::Draft);
        let listed = listing::list_products(&t.db, &member, &ListFilter::default())
            .await
            .unwrap();
        assert!(listed.iter().any(|c| c.id == draft.id), "{}", t.label);
    }
}

#[tokio::test]
async fn the_product_page_has_docs_owners_ports_and_replacement() {
    for t in databases().await {
        mesh::demo::seed::seed_demo(&t.db).await.unwrap();
        let page = listing::product_page(&t.db, &Viewer::anonymous(), "sales", "customer-orders")
            .await
            .unwrap();
        assert!(page.docs_html.contains("<h1>Customer Orders</h1>"));
        assert!(page.docs_html.contains("<table>"));
        assert_eq!(page.owners.len(), 1);
        assert_eq!(page.owners[0].name, "Marcus Bell");
        assert_eq!(page.ports.len(), 3);

        let legacy = listing::product_page(
            &t.db,
            &Viewer::anonymous(),
            "marketing",
            "legacy-campaign-report",
        )
        .await
        .unwrap();
        assert_eq!(legacy.card.status, ProductStatus::Deprecated);
        assert!(legacy.sunset_date.is_some());
        assert_eq!(
            legacy.replacement.map(|r| r.slug),
            Some("campaign-performance".into())
        );

        let missing = listing::product_page(&t.db, &Viewer::anonymous(), "sales", "nope").await;
        assert!(matches!(missing, Err(mesh::Error::NotFound(_))));

        let tiles = listing::domain_tiles(&t.db).await.unwrap();
        let sales = tiles.iter().find(|d| d.slug == "sales").unwrap();
        assert_eq!(sales.product_count, 6, "{}", t.label);
    }
}
