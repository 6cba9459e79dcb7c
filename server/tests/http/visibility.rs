//! What a visitor may see of other teams' work, over HTTP: drafts in lineage (server function and Ports tab)
//! and as replacements, support links with dangerous schemes, and download names from ODCS ids.
use mesh::access::Scope;
use mesh::entity::prelude::*;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{apps, token, TestApp, CONSUMER, OWNER};

/// Churn Risk Scores is a draft of CX Insights (Ana's team) that consumes Customer Orders.
const DRAFT_NAME: &str = "Churn Risk Scores";
const DRAFT_SLUG: &str = "churn-risk-scores";

async fn lineage(app: &TestApp, client: &reqwest::Client) -> String {
    let (status, body) = app
        .call(
            client,
            "get_lineage",
            &[("domain", "sales"), ("product", "customer-orders")],
        )
        .await;
    assert_eq!(status, 200, "{}: {body}", app.label());
    assert!(
        body.to_string().contains("daily-revenue"),
        "published consumers are lineage: {body}"
    );
    body.to_string()
}

#[tokio::test]
async fn lineage_shows_a_draft_to_its_own_team_only() {
    for app in apps().await {
        let anonymous = reqwest::Client::new();
        let other_team = app.client_as(OWNER).await;
        let own_team = app.client_as(CONSUMER).await;
        for (who, client) in [("anonymous", &anonymous), ("another team", &other_team)] {
            let body = lineage(&app, client).await;
            assert!(
                !body.contains(DRAFT_SLUG) && !body.contains(DRAFT_NAME),
                "{}: get_lineage shows {who} the draft: {body}",
                app.label()
            );
            let (status, html) = app
                .get_text_as(client, "/products/sales/customer-orders/ports")
                .await;
            assert_eq!(status, 200);
            assert!(html.contains("Daily Revenue"), "{}", app.label());
            assert!(
                !html.contains(DRAFT_NAME) && !html.contains(DRAFT_SLUG),
                "{}: the Ports tab shows {who} the draft",
                app.label()
            );
        }
        assert!(lineage(&app, &own_team).await.contains(DRAFT_SLUG));
        let (_, html) = app
            .get_text_as(&own_team, "/products/sales/customer-orders/ports")
            .await;
        assert!(
            html.contains(DRAFT_NAME),
            "{}: its team sees it",
            app.label()
        );
    }
}

#[tokio::test]
async fn a_replacement_that_is_hidden_or_retired_reads_like_a_missing_product() {
    for app in apps().await {
        let owner = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
        let deprecate = |replacement: &'static str| {
            let owner = owner.clone();
            let url = app.url("/api/v1/products/marketing/marketing-attribution/deprecate");
            async move {
                let response = reqwest::Client::new()
                    .post(url)
                    .bearer_auth(owner)
                    .json(&json!({"sunsetDate": "2099-12-31", "replacement": replacement}))
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                (status, body)
            }
        };
        let message = |body: &Value, name: &str| {
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .replace(name, "…")
        };
        let (status, missing) = deprecate("customer-service/no-such-product").await;
        assert_eq!(status, 422, "{}: {missing}", app.label());
        assert_eq!(missing["errors"][0]["field"], "replacement");
        let expected = message(&missing, "customer-service/no-such-product");
        for hidden in [
            "customer-service/churn-risk-scores", // another team's draft
            "sales/orders-v3",                    // retired
        ] {
            let (status, body) = deprecate(hidden).await;
            assert_eq!(status, 422, "{}: {hidden} accepted: {body}", app.label());
            assert_eq!(body["errors"][0]["field"], "replacement");
            assert_eq!(message(&body, hidden), expected, "{hidden}: {body}");
        }
        let (status, body) = deprecate("sales/customer-orders").await;
        assert_eq!(status, 204, "{}: {body}", app.label());
    }
}

#[tokio::test]
async fn support_links_are_web_or_email_addresses_and_others_render_as_text() {
    for app in apps().await {
        let owner_client = app.client_as(OWNER).await;
        let owner = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
        // Import: refused with line and path, like any other import error.
        let yaml = "apiVersion: v3.1.0\nkind: DataContract\nid: attribution-help\nversion: 1.0.0\nstatus: active\nsupport:\n  - channel: help\n    url: javascript:alert(13)\nschema: []\n";
        let response = reqwest::Client::new()
            .put(app.url("/api/v1/products/marketing/campaign-performance/contract"))
            .bearer_auth(&owner)
            .header("content-type", "application/yaml")
            .body(yaml)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{}", app.label());
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "support[0].url", "{problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("line 8: "),
            "{problem}"
        );
        // The contract form: a field error.
        let product = DataProduct::find()
            .filter(data_product::Column::Slug.eq("campaign-performance"))
            .one(&app.db.db)
            .await
            .unwrap()
            .unwrap();
        let id = product.id.to_string();
        let (status, body) = app
            .call(
                &owner_client,
                "edit_contract_terms",
                &[
                    ("id", id.as_str()),
                    ("purpose", "Weekly reviews"),
                    ("support[0][channel]", "help"),
                    ("support[0][url]", "javascript:alert(13)"),
                ],
            )
            .await;
        assert!(
            (400..500).contains(&status) && body.to_string().contains("support[0].url"),
            "{}: {status} {body}",
            app.label()
        );

        // One stored before these rules: shown as text, never as a link.
        let (_, before) = app
            .get_text("/products/marketing/campaign-performance/contract")
            .await;
        assert!(
            before.contains("data-support="),
            "{}: seeded support",
            app.label()
        );
        let contract = DataContract::find()
            .filter(data_contract::Column::ProductId.eq(product.id))
            .one(&app.db.db)
            .await
            .unwrap()
            .unwrap();
        let row = ContractSupport::find()
            .filter(contract_support::Column::ContractId.eq(contract.id))
            .one(&app.db.db)
            .await
            .unwrap()
            .unwrap();
        let mut active: contract_support::ActiveModel = row.into();
        active.url = Set(Some("javascript:alert(13)".into()));
        active.update(&app.db.db).await.unwrap();
        let (status, html) = app
            .get_text("/products/marketing/campaign-performance/contract")
            .await;
        assert_eq!(status, 200);
        assert!(
            !html.contains("href=\"javascript:"),
            "{}: rendered as a link",
            app.label()
        );
        assert!(
            html.contains("<span>#marketing-analytics</span> <code data-unsafe-link=\"\"")
                && html.contains("text-slate-500\">javascript:alert(13)</code>"),
            "{}: shown as text",
            app.label()
        );
    }
}

#[tokio::test]
async fn download_names_from_odcs_ids_cannot_break_the_header() {
    for app in apps().await {
        let owner = token(&app, OWNER, &[Scope::Read, Scope::Write]).await;
        let yaml = "apiVersion: v3.1.0\nkind: DataContract\nid: \"q\\\"x\\r\\nSet-Cookie: a=b;ü\"\nversion: 1.0.0\nstatus: active\nschema: []\n";
        let response = reqwest::Client::new()
            .put(app.url("/api/v1/products/marketing/marketing-attribution/contract"))
            .bearer_auth(&owner)
            .header("content-type", "application/yaml")
            .body(yaml)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{}: {}",
            app.label(),
            response.text().await.unwrap()
        );
        let id = "q\"x\r\nSet-Cookie: a=b;ü";
        let response = reqwest::Client::new()
            .get(app.url("/api/v1/products/marketing/marketing-attribution/contract"))
            .query(&[("id", id)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", app.label());
        assert!(response.headers().get("set-cookie").is_none());
        let disposition = response.headers()["content-disposition"].as_bytes();
        assert_eq!(
            std::str::from_utf8(disposition).unwrap(),
            "attachment; filename=\"q_x__Set-Cookie_ a_b__.odcs.yaml\"; \
             filename*=UTF-8''q%22x%0D%0ASet-Cookie%3A%20a%3Db%3B%C3%BC.odcs.yaml",
            "{}",
            app.label()
        );
    }
}
