//! One visibility rule for every list of products: another team's draft is never named, not in lineage, not
//! as a replacement, not in subscription lists; and links people follow are web or email addresses only.
//! On SQLite and PostgreSQL.
use mesh::access::Viewer;
use mesh::catalog::contracts::{self, TermsForm};
use mesh::entity::prelude::*;
use mesh::kinds::ProductStatus;
use mesh::testing::people::{ANA, DAN, MARCUS};
use mesh::testing::{databases, fingerprint, viewer};
use mesh::{catalog::listing as catalog, catalog::products, subscriptions, Error};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

/// Customer Orders (published, Sales Operations) feeds Churn Risk Scores, a draft of CX Insights, through an
/// approved subscription: the demo mesh has exactly the edge the review found.
async fn orders(db: &DatabaseConnection) -> data_product::Model {
    catalog::find_product(db, &Viewer::system(), "sales", "customer-orders")
        .await
        .unwrap()
}

async fn draft(db: &DatabaseConnection) -> data_product::Model {
    let p = catalog::find_product(
        db,
        &Viewer::system(),
        "customer-service",
        "churn-risk-scores",
    )
    .await
    .unwrap();
    assert_eq!(p.status, ProductStatus::Draft, "the demo's draft consumer");
    p
}

#[tokio::test]
async fn lineage_names_a_draft_only_to_its_own_team() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let orders = orders(db).await;
        let orders = orders.slug.as_str();
        let draft = draft(db).await;
        let downstream = |v: Viewer| async move {
            let visible = products::id_of(db, &v, "sales", orders).await.unwrap();
            let (_, down) = subscriptions::lineage(db, &v, visible).await.unwrap();
            down.into_iter().map(|l| l.slug).collect::<Vec<_>>()
        };
        for (who, v) in [
            ("anonymous", Viewer::anonymous()),
            ("another team", viewer(db, DAN).await),
            ("the producer", viewer(db, MARCUS).await),
        ] {
            let slugs = downstream(v).await;
            assert!(
                !slugs.contains(&draft.slug),
                "{}: {who} sees the draft: {slugs:?}",
                t.label
            );
            assert!(slugs.iter().any(|s| s == "daily-revenue"), "{slugs:?}");
        }
        for (who, v) in [
            ("its team", viewer(db, ANA).await),
            ("admin", Viewer::system()),
        ] {
            let slugs = downstream(v).await;
            assert!(
                slugs.contains(&draft.slug),
                "{}: {who} misses it: {slugs:?}",
                t.label
            );
        }
        // Upstream of the draft is its team's business: they see where it reads from.
        let ana = viewer(db, ANA).await;
        let visible = products::id_of(db, &ana, "customer-service", &draft.slug)
            .await
            .unwrap();
        let (up, _) = subscriptions::lineage(db, &ana, visible).await.unwrap();
        assert!(up.iter().any(|l| l.slug == "customer-orders"));
    }
}

#[tokio::test]
async fn subscription_lists_do_not_name_another_teams_draft() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let draft = draft(db).await;
        let (_, active) = subscriptions::producer_view(db, &viewer(db, MARCUS).await)
            .await
            .unwrap();
        let to_draft: Vec<_> = active
            .iter()
            .filter(|v| v.sub.consumer_product_id == Some(draft.id))
            .collect();
        assert_eq!(to_draft.len(), 1, "{}: the subscription is listed", t.label);
        assert_eq!(
            to_draft[0].consumer_product, None,
            "{}: but the draft is not named to the producer",
            t.label
        );
        assert_eq!(to_draft[0].consumer_team_slug, "cx-insights");
        // Acting on it answers with the same view: the producer's revocation does not name the draft either.
        let revoked = subscriptions::revoke(
            db,
            &viewer(db, MARCUS).await,
            to_draft[0].sub.id,
            "the contract changes",
        )
        .await
        .unwrap();
        assert_eq!(revoked.consumer_product, None, "{}", t.label);
        let mine = subscriptions::mine(db, &viewer(db, ANA).await)
            .await
            .unwrap();
        assert!(
            mine.iter()
                .any(|v| v.consumer_product.as_ref().map(|p| p.1.as_str()) == Some(&draft.name)),
            "{}: its own team still sees it",
            t.label
        );
    }
}

#[tokio::test]
async fn a_replacement_is_a_listed_product_the_editor_may_see() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let product = catalog::find_product(db, &dan, "marketing", "marketing-attribution")
            .await
            .unwrap();
        let refusal = |replacement: &'static str| {
            let dan = dan.clone();
            async move {
                match products::deprecate(db, &dan, product.id, "2099-12-31", replacement).await {
                    Err(Error::Invalid(errors)) => {
                        assert_eq!(errors.len(), 1, "{errors:?}");
                        assert_eq!(errors[0].field, "replacement");
                        // Name taken out: the answer must not tell a hidden product from a missing one.
                        errors[0].message.replace(replacement, "…")
                    }
                    other => panic!("{replacement} accepted: {other:?}"),
                }
            }
        };
        let before = fingerprint(db).await;
        let missing = refusal("customer-service/no-such-product").await;
        assert_eq!(missing, "no data product `…`");
        // Another team's draft, and a retired product: refused exactly like a product that does not exist.
        assert_eq!(refusal("customer-service/churn-risk-scores").await, missing);
        assert_eq!(refusal("sales/orders-v3").await, missing);
        assert_eq!(
            before,
            fingerprint(db).await,
            "{}: nothing changed",
            t.label
        );
        // Even an admin cannot point people to a draft: replacements are listed products.
        let Err(Error::Invalid(_)) = products::deprecate(
            db,
            &Viewer::system(),
            product.id,
            "2099-12-31",
            "customer-service/churn-risk-scores",
        )
        .await
        else {
            panic!("{}: an admin named a draft as replacement", t.label)
        };
        products::deprecate(db, &dan, product.id, "2099-12-31", "sales/customer-orders")
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_stored_draft_replacement_is_not_named_on_the_product_page() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let draft = draft(db).await;
        // As a deprecation accepted before the rule left it.
        let product =
            catalog::find_product(db, &Viewer::system(), "marketing", "marketing-attribution")
                .await
                .unwrap();
        let mut active: data_product::ActiveModel = product.into();
        active.status = Set(ProductStatus::Deprecated);
        active.replacement_id = Set(Some(draft.id));
        active.update(db).await.unwrap();
        let page = |v: Viewer| async move {
            catalog::product_page(db, &v, "marketing", "marketing-attribution")
                .await
                .unwrap()
                .replacement
                .map(|r| r.slug)
        };
        assert_eq!(page(Viewer::anonymous()).await, None, "{}", t.label);
        assert_eq!(page(viewer(db, DAN).await).await, None, "{}", t.label);
        assert_eq!(
            page(viewer(db, ANA).await).await.as_deref(),
            Some("churn-risk-scores")
        );
    }
}

const WITH_SCRIPT_SUPPORT: &str = "apiVersion: v3.1.0
kind: DataContract
id: marketing-attribution-xss
name: Attribution
version: 1.0.0
status: active
support:
  - channel: '#attribution'
    url: https://northwind.slack.com/archives/C01MKTG
  - channel: help
    url: javascript:alert(13)
schema: []
";

#[tokio::test]
async fn support_links_must_be_web_or_email_addresses() {
    for t in databases().await {
        let db = &t.db;
        mesh::demo::seed::seed_demo(db).await.unwrap();
        let dan = viewer(db, DAN).await;
        let product = catalog::find_product(db, &dan, "marketing", "marketing-attribution")
            .await
            .unwrap();
        let before = fingerprint(db).await;
        let Err(Error::Invalid(errors)) =
            contracts::import(db, &dan, product.id, WITH_SCRIPT_SUPPORT, None).await
        else {
            panic!("{}: a javascript: support link was imported", t.label)
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "support[1].url");
        assert!(
            errors[0].message.starts_with("line 11: ")
                && errors[0].message.contains("javascript:alert(13)"),
            "{}",
            errors[0].message
        );
        let form = |url: &str| TermsForm {
            purpose: "Attribute revenue to campaigns".into(),
            support: vec![
                (
                    "#attribution".into(),
                    "mailto:attribution@northwind.example".into(),
                ),
                ("help".into(), url.into()),
            ],
            ..Default::default()
        };
        for bad in [
            "javascript:alert(13)",
            " JavaScript:alert(13)",
            "data:text/html,x",
        ] {
            let Err(Error::Invalid(errors)) =
                contracts::edit_terms(db, &dan, product.id, &form(bad)).await
            else {
                panic!("{}: the form stored {bad}", t.label)
            };
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["support[1].url"], "{bad}");
        }
        assert_eq!(before, fingerprint(db).await, "{}: nothing stored", t.label);
        contracts::edit_terms(
            db,
            &dan,
            product.id,
            &form("https://wiki.northwind.example/help"),
        )
        .await
        .unwrap();
        let fine =
            WITH_SCRIPT_SUPPORT.replace("javascript:alert(13)", "mailto:help@northwind.example");
        contracts::import(db, &dan, product.id, &fine, None)
            .await
            .unwrap();
    }
}
