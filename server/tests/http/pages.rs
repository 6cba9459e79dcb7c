use mesh::access::Viewer;

use crate::helpers::{apps, ADMIN};

#[tokio::test]
async fn the_marketplace_lists_seeded_products_as_cards() {
    for app in apps().await {
        let (status, html) = app.get_text("/products").await;
        assert_eq!(status, 200, "{}", app.label());
        assert!(
            html.contains("data-product=\"customer-orders\""),
            "{}",
            app.label()
        );
        assert!(html.contains("Campaign Performance"));
        assert!(html.contains("Sales Operations"), "owner team on the card");
        // Drafts and retired products are not listed.
        assert!(!html.contains("data-product=\"budget-plan-2027\""));
        assert!(!html.contains("data-product=\"orders-v3\""));
        // The page hydrates: the wasm loader and the stylesheet are referenced.
        assert!(html.contains("/pkg/agora.js"), "hydration script");
        assert!(html.contains("/pkg/agora.css"), "stylesheet");
        // The results are sent once, as markup: the hydration data does not repeat them.
        let data = html
            .find("__RESOLVED_RESOURCES[")
            .map(|at| &html[at..])
            .expect("hydration data");
        assert!(!data.contains("Campaign Performance"), "{}", app.label());
    }
}

#[tokio::test]
async fn domain_and_text_filters_narrow_the_listing() {
    for app in apps().await {
        let (_, finance) = app.get_text("/products?domain=finance").await;
        assert!(finance.contains("data-product=\"general-ledger\""));
        assert!(!finance.contains("data-product=\"customer-orders\""));
        let (_, churn) = app.get_text("/products?q=forecast").await;
        assert!(churn.contains("data-product=\"sales-forecast\""));
        assert!(!churn.contains("data-product=\"general-ledger\""));
    }
}

#[tokio::test]
async fn marketplace_results_follow_every_change_and_keep_drafts_with_their_team() {
    for app in apps().await {
        let url = "/products?q=budget";
        // The same page for two audiences: anonymous visitors never see a draft, an admin sees them all.
        let (_, anonymous) = app.get_text(url).await;
        assert!(
            !anonymous.contains("data-product=\"budget-plan-2027\""),
            "{}",
            app.label()
        );
        let admin = app.client_as(ADMIN).await;
        let (_, as_admin) = app.get_text_as(&admin, url).await;
        assert!(
            as_admin.contains("data-product=\"budget-plan-2027\""),
            "{}: an admin finds the draft",
            app.label()
        );
        let (_, again) = app.get_text(url).await;
        assert!(!again.contains("data-product=\"budget-plan-2027\""));

        // A change made without the pages (as `agora import` does, here in this process) shows on the next
        // load of the same page.
        let (_, before) = app.get_text("/products?q=campaign").await;
        assert!(before.contains("data-product=\"campaign-performance\""));
        let product = mesh::catalog::listing::find_product(
            &app.db.db,
            &Viewer::system(),
            "marketing",
            "campaign-performance",
        )
        .await
        .unwrap();
        let edit = mesh::catalog::products::ProductEdit {
            name: product.name.clone(),
            summary: "Reach, spend and conversions of every campaign, refreshed hourly.".into(),
            description: product.description.clone(),
            kind: product.kind.as_str().into(),
            tags: mesh::catalog::tags::of_product(&app.db.db, product.id)
                .await
                .unwrap()
                .join(","),
        };
        mesh::catalog::products::update(&app.db.db, &Viewer::system(), product.id, &edit)
            .await
            .unwrap();
        let (_, after) = app.get_text("/products?q=campaign").await;
        assert!(
            after.contains("Reach, spend and conversions of every"),
            "{}: the edited summary is shown",
            app.label()
        );
    }
}

#[tokio::test]
async fn a_product_page_shows_its_facts_and_rendered_docs() {
    for app in apps().await {
        let (status, html) = app.get_text("/products/sales/customer-orders").await;
        assert_eq!(status, 200, "{}", app.label());
        assert!(
            html.contains("<title>Customer Orders · Agora</title>"),
            "title"
        );
        assert!(
            html.contains("<h1>Customer Orders</h1>"),
            "docs rendered from Markdown"
        );
        assert!(html.contains("<code>orders</code>"));
        assert!(html.contains("Marcus Bell"), "owner listed");
        assert!(
            html.contains("kafka://events.prod/sales.order-events.v4"),
            "port location"
        );
    }
}

#[tokio::test]
async fn a_deprecated_product_names_its_sunset_and_replacement() {
    for app in apps().await {
        let (_, html) = app
            .get_text("/products/marketing/legacy-campaign-report")
            .await;
        assert!(html.contains("Sunset on 31 March 2027"), "{}", app.label());
        assert!(html.contains("href=\"/products/marketing/campaign-performance\""));
    }
}

#[tokio::test]
async fn unknown_pages_and_products_are_404() {
    for app in apps().await {
        let (status, html) = app.get_text("/products/sales/no-such-product").await;
        assert_eq!(status, 404, "{}", app.label());
        assert!(html.contains("Not found"));
        let (status, _) = app.get_text("/no/such/page").await;
        assert_eq!(status, 404);
        // A draft is not visible to anonymous visitors, and does not reveal that it exists.
        let (status, _) = app.get_text("/products/finance/budget-plan-2027").await;
        assert_eq!(status, 404);
    }
}

/// A page's status is its main resource's: a side part that fails to load (here the quality tab's pipeline
/// results, their table gone) is left out, and the page still answers 200 with what it is about, the declared
/// rules. (When a failed server function set the response status, this page answered 500.)
#[tokio::test]
async fn a_failing_side_part_leaves_the_page_status_alone() {
    use sea_orm::ConnectionTrait;
    for app in apps().await {
        let path = "/products/sales/customer-orders/quality";
        let (status, html) = app.get_text(path).await;
        assert_eq!(status, 200, "{}", app.label());
        assert!(
            html.contains("data-rule"),
            "{}: declared rules shown",
            app.label()
        );
        app.db
            .db
            .execute_unprepared("ALTER TABLE quality_runs RENAME TO quality_runs_gone")
            .await
            .expect("rename");
        let (status, html) = app.get_text(path).await;
        assert_eq!(status, 200, "{}", app.label());
        assert!(
            html.contains("data-rule"),
            "{}: declared rules still shown",
            app.label()
        );
        assert!(!html.contains("went wrong"), "{}", app.label());
    }
}

#[tokio::test]
async fn html_is_compressed_when_the_client_accepts_it() {
    for app in apps().await {
        let response = app
            .client
            .get(app.url("/products"))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], "gzip");
    }
}

#[tokio::test]
async fn the_home_page_shows_domains_and_recent_products() {
    for app in apps().await {
        let (status, html) = app.get_text("/").await;
        assert_eq!(status, 200);
        for domain in [
            "marketing",
            "sales",
            "finance",
            "people",
            "logistics",
            "customer-service",
        ] {
            assert!(
                html.contains(&format!("data-domain=\"{domain}\"")),
                "{domain}"
            );
        }
        assert!(html.contains("Recently updated"));
    }
}

#[tokio::test]
async fn the_mesh_map_is_drawn_on_the_server() {
    for app in apps().await {
        let (status, html) = app.get_text("/mesh").await;
        assert_eq!(status, 200, "{}", app.label());
        assert!(html.contains(r#"data-testid="mesh-map""#));
        assert!(
            html.contains(r#"data-node="/products/sales/customer-orders""#),
            "{}",
            app.label()
        );
        assert!(
            html.contains("data-edge="),
            "{}: consumption links are drawn",
            app.label()
        );
        assert!(
            !html.contains("budget-plan-2027"),
            "drafts are not on the map"
        );
        let (status, html) = app.get_text("/mesh?domain=finance").await;
        assert_eq!(status, 200);
        assert!(html.contains(r#"data-node="/products/finance/general-ledger""#));
        assert!(html.contains(r#"data-group="finance""#));
        let (status, _) = app.get_text("/mesh?domain=no-such-domain").await;
        assert_eq!(status, 200, "an unknown domain shows an empty map");
    }
}

#[tokio::test]
async fn search_pages_answer_every_query() {
    for app in apps().await {
        for path in [
            "/products?q=%22unbalanced",
            "/products?q=orders&domain=sales&domain=nope&page=999",
            "/products?sort=newest&status=retired",
            "/products?q=revnue",
            "/products?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&tag=%22%3E%3Cimg%20src%3Dx%3E",
        ] {
            let (status, html) = app.get_text(path).await;
            assert_eq!(status, 200, "{}: {path}", app.label());
            assert!(html.contains(r#"data-testid="result-count""#), "{path}");
        }
        // Words and facet values from the URL come back escaped, in text and in links.
        let (_, html) = app
            .get_text(
                "/products?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&tag=%22%3E%3Cimg%20src%3Dx%3E",
            )
            .await;
        assert!(!html.contains("<script>alert"), "{}", app.label());
        assert!(!html.contains("<img src=x>"), "{}", app.label());
        assert!(html.contains("&lt;script&gt;alert(1)"), "{}", app.label());
        let (_, html) = app.get_text("/products?q=revnue").await;
        assert!(html.contains("Did you mean"), "{}", app.label());
        let (_, html) = app.get_text("/products?q=ledger").await;
        assert!(html.contains("<mark"), "matched words are marked");
    }
}
