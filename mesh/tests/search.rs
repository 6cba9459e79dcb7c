//! Marketplace search on a real database (SQLite FTS5 and PostgreSQL tsvector): ranking, facets, pagination,
//! visibility, odd input, and that a change is found at once.
use mesh::access::Viewer;
use mesh::search::{SearchRequest, SearchResults, Searcher};
use mesh::testing::{databases, viewer};
use sea_orm::DatabaseConnection;

async fn search(db: &DatabaseConnection, s: &Searcher, v: &Viewer, query: &str) -> SearchResults {
    s.search(db, v, &SearchRequest::from_query(query))
        .await
        .unwrap()
}

fn slugs(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.card.slug.as_str()).collect()
}

fn counts(r: &SearchResults) -> Vec<(String, String, u64)> {
    r.facets
        .iter()
        .flat_map(|f| {
            f.values
                .iter()
                .map(|v| (f.key.clone(), v.value.clone(), v.count))
        })
        .collect()
}

#[tokio::test]
async fn the_name_ranks_first_and_popularity_breaks_ties() {
    let mut per_db = Vec::new();
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let s = Searcher::default();
        let anon = Viewer::anonymous();
        let r = search(db, &s, &anon, "q=orders").await;
        assert_eq!(
            slugs(&r).first(),
            Some(&"customer-orders"),
            "{}: {:?}",
            t.label,
            slugs(&r)
        );
        assert!(
            r.total >= 3,
            "{}: docs and columns mention orders too",
            t.label
        );
        let r = search(db, &s, &anon, "q=general+ledger").await;
        assert_eq!(slugs(&r).first(), Some(&"general-ledger"), "{}", t.label);
        // Prefixes match, for search as you type.
        let r = search(db, &s, &anon, "q=forec").await;
        assert!(
            slugs(&r).contains(&"sales-forecast"),
            "{}: {:?}",
            t.label,
            slugs(&r)
        );
        // Highlighting marks the matched words.
        let hit = &search(db, &s, &anon, "q=revenue").await.hits[0];
        assert!(
            hit.name
                .iter()
                .chain(&hit.summary)
                .any(|(text, hit)| *hit && text.to_lowercase().starts_with("revenue")),
            "{}: {hit:?}",
            t.label
        );
        // No text: the most subscribed first.
        let r = search(db, &s, &anon, "").await;
        let subs: Vec<i32> = r.hits.iter().map(|h| h.subscribers).collect();
        assert!(
            subs.windows(2).all(|w| w[0] >= w[1]),
            "{}: {subs:?}",
            t.label
        );
        // A column name finds its product and says which column matched.
        let r = search(db, &s, &anon, "q=order_id").await;
        assert!(
            r.hits
                .iter()
                .any(|h| h.columns.iter().any(|c| c.contains("order_id"))),
            "{}: {:?}",
            t.label,
            r.hits.iter().map(|h| &h.columns).collect::<Vec<_>>()
        );
        per_db.push((
            counts(&search(db, &s, &anon, "").await),
            counts(&search(db, &s, &anon, "q=customer&domain=sales").await),
            counts(&search(db, &s, &anon, "domain=finance&domain=sales&pii=yes").await),
            search(db, &s, &anon, "q=customer&domain=sales").await.total,
            slugs(&search(db, &s, &anon, "q=customer&per_page=100").await)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        ));
    }
    // The facet counts are the same whichever database holds the mesh.
    if let [a, b] = per_db.as_slice() {
        assert_eq!(
            a, b,
            "SQLite and PostgreSQL disagree (facet counts or ranking)"
        );
    }
}

#[tokio::test]
async fn facets_count_what_choosing_them_would_give() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let s = Searcher::default();
        let anon = Viewer::anonymous();
        let all = search(db, &s, &anon, "per_page=100").await;
        let domain = all.facets.iter().find(|f| f.key == "domain").unwrap();
        let sum: u64 = domain.values.iter().map(|v| v.count).sum();
        assert_eq!(
            sum as usize, all.total,
            "{}: every listed product is in one domain",
            t.label
        );
        for v in &domain.values {
            let r = search(db, &s, &anon, &format!("domain={}", v.value)).await;
            assert_eq!(r.total as u64, v.count, "{}: {}", t.label, v.value);
        }
        // Two values of one facet are alternatives; two facets narrow each other.
        let sales = search(db, &s, &anon, "domain=sales").await.total;
        let finance = search(db, &s, &anon, "domain=finance").await.total;
        let both = search(db, &s, &anon, "domain=sales&domain=finance").await;
        assert_eq!(both.total, sales + finance);
        let pii = both.facets.iter().find(|f| f.key == "pii").unwrap();
        let yes = pii
            .values
            .iter()
            .find(|v| v.value == "yes")
            .map_or(0, |v| v.count);
        let narrowed = search(db, &s, &anon, "domain=sales&domain=finance&pii=yes").await;
        assert_eq!(narrowed.total as u64, yes, "{}", t.label);
        assert!(narrowed
            .hits
            .iter()
            .all(|h| ["sales", "finance"].contains(&h.card.domain_slug.as_str())));
        // The domain counts under pii=yes still show the other domains (a facet ignores its own choice).
        let domains = narrowed.facets.iter().find(|f| f.key == "domain").unwrap();
        assert!(domains.values.len() > 2, "{}", t.label);
        // Every facet the issue names is there.
        let keys: Vec<&str> = all.facets.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "domain",
                "kind",
                "status",
                "tag",
                "team",
                "pii",
                "compliance",
                "sla"
            ]
        );
    }
}

#[tokio::test]
async fn pages_are_exact_at_the_edges() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let s = Searcher::default();
        let anon = Viewer::anonymous();
        let total = search(db, &s, &anon, "").await.total;
        let per = 7;
        let mut seen = Vec::new();
        let pages = total.div_ceil(per);
        for page in 1..=pages {
            let r = search(
                db,
                &s,
                &anon,
                &format!("per_page={per}&page={page}&sort=name"),
            )
            .await;
            assert_eq!(r.total, total);
            assert_eq!(
                r.hits.len(),
                if page < pages {
                    per
                } else {
                    total - per * (pages - 1)
                },
                "{} page {page}",
                t.label
            );
            seen.extend(r.hits.iter().map(|h| h.card.id));
        }
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), total, "{}: every product once", t.label);
        let beyond = search(db, &s, &anon, &format!("per_page={per}&page={}", pages + 1)).await;
        assert!(beyond.hits.is_empty());
        assert_eq!(beyond.total, total);
        let r = search(db, &s, &anon, "page=0&per_page=0").await;
        assert_eq!((r.page, r.per_page, r.hits.len()), (1, 1, 1));
    }
}

#[tokio::test]
async fn odd_input_answers_normally() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let s = Searcher::default();
        let anon = Viewer::anonymous();
        let long = format!("q={}", "revenue%20".repeat(1_000));
        for query in [
            "q=%22unbalanced",
            "q=orders%20AND%20(revenue%20OR",
            "q=NEAR(orders%20revenue)%20-x%20*%20%5E",
            "q=%27%3B%20DROP%20TABLE%20data_products%3B--",
            "q=%E2%9C%93%F0%9F%98%80",
            long.as_str(),
            "domain=no-such-domain",
            "tag=%00",
            "sort=sideways&page=abc&per_page=-4",
            "q=",
        ] {
            let r = s.search(db, &anon, &SearchRequest::from_query(query)).await;
            assert!(r.is_ok(), "{}: {query} gave {r:?}", t.label);
        }
        // An unknown facet value matches nothing and is offered for removal.
        let r = search(db, &s, &anon, "q=orders&domain=no-such-domain").await;
        assert_eq!(r.total, 0);
        assert!(
            r.suggestions
                .without_facet
                .iter()
                .any(|(k, _, n)| k == "domain" && *n > 0),
            "{:?}",
            r.suggestions
        );
        // A close spelling is suggested.
        let r = search(db, &s, &anon, "q=revnue").await;
        assert_eq!(r.total, 0, "{}", t.label);
        assert_eq!(
            r.suggestions.did_you_mean.as_deref(),
            Some("revenue"),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn drafts_show_to_their_team_and_retired_only_when_asked() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let s = Searcher::default();
        let anon = Viewer::anonymous();
        let omar = viewer(db, "omar.haddad@northwind.example").await;
        assert!(!slugs(&search(db, &s, &anon, "q=budget").await).contains(&"budget-plan-2027"));
        assert!(
            slugs(&search(db, &s, &omar, "q=budget").await).contains(&"budget-plan-2027"),
            "{}",
            t.label
        );
        let listed = search(db, &s, &anon, "per_page=100").await;
        assert!(listed
            .hits
            .iter()
            .all(|h| h.card.status != mesh::kinds::ProductStatus::Retired));
        let retired = search(db, &s, &anon, "status=retired").await;
        assert!(
            retired.total >= 1
                && retired
                    .hits
                    .iter()
                    .all(|h| h.card.status == mesh::kinds::ProductStatus::Retired),
            "{}",
            t.label
        );
        let status = listed.facets.iter().find(|f| f.key == "status").unwrap();
        assert!(
            status
                .values
                .iter()
                .any(|v| v.value == "retired" && v.count >= 1),
            "retired can be asked for"
        );
    }
}

#[tokio::test]
async fn a_change_is_found_at_once() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let s = Searcher::default();
        let anon = Viewer::anonymous();
        assert_eq!(search(db, &s, &anon, "q=zeppelin").await.total, 0);
        // Rename a product (through the mesh, as the pages do): the cache reloads and finds it.
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let p = mesh::entity::prelude::DataProduct::find()
            .filter(mesh::entity::data_product::Column::Slug.eq("web-sessions"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let before = search(db, &s, &anon, "q=web+sessions").await;
        assert_ne!(before.hits[0].card.version, "9.9.9", "{}", t.label);
        let mut active: mesh::entity::data_product::ActiveModel = p.clone().into();
        active.summary = Set("Every zeppelin ride on the web store.".into());
        active.version = Set("9.9.9".into());
        active.update(db).await.unwrap();
        mesh::governance::evaluate_product(db, p.id).await.unwrap();
        let r = search(db, &s, &anon, "q=zeppelin").await;
        assert_eq!(slugs(&r), ["web-sessions"], "{}", t.label);
        // The result card (built from the cache, not the database) shows the product as it is now.
        let card = &r.hits[0].card;
        assert_eq!(
            card.summary, "Every zeppelin ride on the web store.",
            "{}",
            t.label
        );
        assert_eq!(card.version, "9.9.9", "{}", t.label);
        assert_eq!(
            card.domain_slug,
            domain_slug_of(db, p.domain_id).await,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_change_by_another_instance_shows_within_the_refresh_interval() {
    use sea_orm::ConnectionTrait;
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let refresh = std::time::Duration::from_millis(200);
        let s = Searcher::default().refreshing_every(refresh);
        let before = s.version(db).await.unwrap();
        // Another instance reindexed: only the shared version moved, this process was not told.
        db.execute_unprepared("UPDATE search_meta SET version = version + 1 WHERE id = 1")
            .await
            .unwrap();
        tokio::time::sleep(refresh + std::time::Duration::from_millis(50)).await;
        assert_eq!(s.version(db).await.unwrap(), before + 1, "{}", t.label);
    }
}

#[tokio::test]
async fn text_search_survives_undoing_and_redoing_the_stripped_vectors_migration() {
    use migration::{Migrator, MigratorTrait};
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let s = Searcher::default().refreshing_every(std::time::Duration::ZERO);
        let anon = Viewer::anonymous();
        let found = |r: SearchResults| slugs(&r).join(" ");
        let before = found(search(db, &s, &anon, "q=orders").await);
        assert!(!before.is_empty(), "{}", t.label);
        // Undo `m20261130_000009_stripped_search_vectors`, the ninth, and every migration after it.
        let from_ninth = Migrator::migrations().len() as u32 - 8;
        Migrator::down(db, Some(from_ninth)).await.unwrap();
        assert_eq!(
            found(search(db, &s, &anon, "q=orders").await),
            before,
            "{}",
            t.label
        );
        Migrator::up(db, None).await.unwrap();
        assert_eq!(
            found(search(db, &s, &anon, "q=orders").await),
            before,
            "{}",
            t.label
        );
    }
}

async fn domain_slug_of(db: &DatabaseConnection, domain_id: i64) -> String {
    use sea_orm::EntityTrait;
    mesh::entity::prelude::Domain::find_by_id(domain_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .slug
}
