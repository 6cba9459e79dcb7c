//! The IDOR sweep: every mutating endpoint, called by someone who lacks the right, answers 403 (401 when
//! anonymous) and changes nothing. Every route has a row in `cases()` or an entry in `open()` that says why it
//! needs none; `every_route_has_a_row_in_the_sweep` fails for a new route without either. The routes are read from
//! where the server registers them: the server function registry, the OpenAPI document, the plain routes
//! (`agora::routes::PLAIN`: health, sign-in, metrics, the API's description) and the Leptos pages.
use std::collections::{BTreeMap, BTreeSet};

use mesh::access::Scope;
use mesh::entity::prelude::*;
use mesh::testing::fingerprint;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::helpers::{apps, browser, token, TestApp, ADMIN, CONSUMER, OWNER, STEWARD};

/// Ids of seeded objects that the cases refer to.
struct Ids {
    sales_ops: i64,
    cx_insights: i64,
    sales_domain: i64,
    marcus: i64,
    ana: i64,
    stewards_token: i64,
    campaign_performance: i64,
    /// CX Insights asks Marketing Analytics for Customer Segments (seeded, requested).
    pending_request: i64,
    /// CX Insights uses Logistics' Returns (seeded, approved).
    active_subscription: i64,
    /// A webhook of Marketing Analytics.
    marketing_webhook: i64,
    /// The API port of Campaign Performance.
    campaign_api_port: i64,
    /// A global policy (stewards only).
    global_policy: i64,
    /// A policy of the People domain (its owners and stewards).
    people_policy: i64,
    /// Marketing Analytics asks to waive a policy for Customer Segments (seeded, requested).
    pending_waiver: i64,
}

struct Case {
    /// Server function (POST /api/{name} with a form), or `METHOD /api/v1/...` (REST, JSON or YAML body).
    endpoint: &'static str,
    /// Someone signed in who may not do this.
    as_user: &'static str,
    form: fn(&Ids) -> Vec<(&'static str, String)>,
}

/// A REST case's body: JSON from the form pairs (strings), the raw `json` value, or the raw `yaml` value.
fn rest_body(form: &[(&str, String)]) -> (Option<serde_json::Value>, Option<String>) {
    if let Some((_, json)) = form.iter().find(|(k, _)| *k == "json") {
        return (
            Some(serde_json::from_str(json).expect("a case's JSON")),
            None,
        );
    }
    if let Some((_, yaml)) = form.iter().find(|(k, _)| *k == "yaml") {
        return (None, Some(yaml.clone()));
    }
    if form.is_empty() {
        return (None, None);
    }
    let map: serde_json::Map<String, serde_json::Value> = form
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
        .collect();
    (Some(serde_json::Value::Object(map)), None)
}

const CONTRACT: &str =
    "apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\nschema: []\n";

fn policy_form(scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("scope", scope.into()),
        ("key", "rogue-policy".into()),
        ("title", "Rogue policy".into()),
        ("rule", "docs_min_length".into()),
        ("params", "{}".into()),
        ("severity", "blocker".into()),
        ("enabled", "on".into()),
    ]
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            endpoint: "create_domain",
            as_user: OWNER,
            form: |_| vec![("slug", "rogue".into()), ("name", "Rogue".into())],
        },
        Case {
            endpoint: "create_team",
            as_user: STEWARD,
            form: |_| {
                vec![
                    ("slug", "rogue".into()),
                    ("name", "Rogue".into()),
                    ("domain", "sales".into()),
                ]
            },
        },
        Case {
            endpoint: "set_domain_owner",
            as_user: OWNER,
            form: |ids| {
                vec![
                    ("domain_id", ids.sales_domain.to_string()),
                    ("team_id", ids.cx_insights.to_string()),
                ]
            },
        },
        Case {
            // Dan owns Marketing Analytics, not Sales Operations.
            endpoint: "put_member",
            as_user: OWNER,
            form: |ids| {
                vec![
                    ("team_id", ids.sales_ops.to_string()),
                    ("email", OWNER.into()),
                    ("role", "owner".into()),
                ]
            },
        },
        Case {
            // Ana is a member of CX Insights, not an owner.
            endpoint: "put_member",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("team_id", ids.cx_insights.to_string()),
                    ("email", CONSUMER.into()),
                    ("role", "owner".into()),
                ]
            },
        },
        Case {
            endpoint: "remove_member",
            as_user: OWNER,
            form: |ids| {
                vec![
                    ("team_id", ids.sales_ops.to_string()),
                    ("user_id", ids.marcus.to_string()),
                ]
            },
        },
        Case {
            endpoint: "set_roles",
            as_user: STEWARD,
            form: |ids| vec![("user_id", ids.ana.to_string()), ("is_admin", "on".into())],
        },
        Case {
            endpoint: "revoke_token",
            as_user: CONSUMER,
            form: |ids| vec![("id", ids.stewards_token.to_string())],
        },
        // Data products: only members of the owning team (Marketing Analytics) may change Campaign Performance.
        Case {
            endpoint: "create_product",
            as_user: CONSUMER,
            form: |_| {
                vec![
                    ("domain", "marketing".into()),
                    ("owner_team", "marketing-analytics".into()),
                    ("name", "Rogue".into()),
                    ("summary", "x".into()),
                    ("kind", "aggregate".into()),
                ]
            },
        },
        Case {
            endpoint: "update_product",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.campaign_performance.to_string()),
                    ("name", "Mine".into()),
                    ("summary", "x".into()),
                    ("kind", "aggregate".into()),
                ]
            },
        },
        Case {
            endpoint: "add_port",
            as_user: STEWARD,
            form: |ids| {
                vec![
                    ("id", ids.campaign_performance.to_string()),
                    ("slug", "rogue".into()),
                    ("name", "Rogue".into()),
                    ("kind", "table".into()),
                    ("location", "X".into()),
                    ("approval_mode", "auto".into()),
                ]
            },
        },
        Case {
            endpoint: "remove_port",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.campaign_performance.to_string()),
                    ("slug", "warehouse".into()),
                ]
            },
        },
        Case {
            endpoint: "import_contract",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.campaign_performance.to_string()),
                    ("yaml", CONTRACT.into()),
                ]
            },
        },
        Case {
            endpoint: "edit_contract_terms",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.campaign_performance.to_string()),
                    ("usage", "anything".into()),
                ]
            },
        },
        Case {
            endpoint: "publish_product",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.campaign_performance.to_string()),
                    ("version", "9.0.0".into()),
                    ("summary", "x".into()),
                ]
            },
        },
        Case {
            endpoint: "deprecate_product",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.campaign_performance.to_string()),
                    ("sunset_date", "2099-01-01".into()),
                ]
            },
        },
        Case {
            endpoint: "retire_product",
            as_user: STEWARD,
            form: |ids| vec![("id", ids.campaign_performance.to_string())],
        },
        // Subscriptions: producers decide and revoke, consumers cancel and renew, each for their own team.
        Case {
            endpoint: "request_access",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("port_id", ids.campaign_api_port.to_string()),
                    ("consumer_team", "sales-ops".into()),
                    ("purpose", "Not my team at all".into()),
                    ("accept_terms", "on".into()),
                ]
            },
        },
        Case {
            endpoint: "decide_request",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.pending_request.to_string()),
                    ("decision", "approve".into()),
                ]
            },
        },
        Case {
            endpoint: "decide_request",
            as_user: STEWARD,
            form: |ids| {
                vec![
                    ("id", ids.pending_request.to_string()),
                    ("decision", "approve".into()),
                ]
            },
        },
        Case {
            endpoint: "cancel_subscription",
            as_user: OWNER,
            form: |ids| vec![("id", ids.pending_request.to_string())],
        },
        Case {
            endpoint: "revoke_subscription",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.active_subscription.to_string()),
                    ("reason", "x".into()),
                ]
            },
        },
        Case {
            endpoint: "renew_subscription",
            as_user: OWNER,
            form: |ids| {
                vec![
                    ("id", ids.active_subscription.to_string()),
                    ("until", "2099-01-01".into()),
                ]
            },
        },
        Case {
            endpoint: "decide_renewal",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("id", ids.active_subscription.to_string()),
                    ("decision", "approve".into()),
                ]
            },
        },
        Case {
            endpoint: "create_webhook",
            as_user: CONSUMER,
            form: |_| {
                vec![
                    ("team", "marketing-analytics".into()),
                    ("url", "https://evil.example".into()),
                    ("event_types", "*".into()),
                ]
            },
        },
        Case {
            endpoint: "delete_webhook",
            as_user: STEWARD,
            form: |ids| vec![("id", ids.marketing_webhook.to_string())],
        },
        Case {
            endpoint: "POST /api/v1/subscriptions/{pending}/approve",
            as_user: CONSUMER,
            form: |_| vec![("note", "mine".into())],
        },
        Case {
            endpoint: "POST /api/v1/subscriptions/{active}/revoke",
            as_user: CONSUMER,
            form: |_| vec![("note", "x".into())],
        },
        Case {
            endpoint: "POST /api/v1/subscriptions/{pending}/cancel",
            as_user: OWNER,
            form: |_| vec![],
        },
        Case {
            endpoint: "PATCH /api/v1/products/marketing/campaign-performance",
            as_user: CONSUMER,
            form: |_| vec![("name", "Mine".into())],
        },
        Case {
            endpoint: "POST /api/v1/products/marketing/campaign-performance/publish",
            as_user: CONSUMER,
            form: |_| vec![("version", "9.0.0".into()), ("summary", "x".into())],
        },
        Case {
            endpoint: "POST /api/v1/products/marketing/campaign-performance/ports",
            as_user: CONSUMER,
            form: |_| {
                vec![
                    ("slug", "rogue".into()),
                    ("name", "Rogue".into()),
                    ("kind", "table".into()),
                    ("location", "X".into()),
                ]
            },
        },
        Case {
            endpoint: "DELETE /api/v1/products/marketing/campaign-performance/ports/warehouse",
            as_user: CONSUMER,
            form: |_| vec![],
        },
        Case {
            endpoint: "PUT /api/v1/products/marketing/campaign-performance/contract",
            as_user: CONSUMER,
            form: |_| vec![("yaml", CONTRACT.into())],
        },
        Case {
            endpoint: "POST /api/v1/products/marketing/campaign-performance/deprecate",
            as_user: STEWARD,
            form: |_| vec![("sunsetDate", "2099-01-01".into())],
        },
        Case {
            endpoint: "POST /api/v1/products/marketing/campaign-performance/retire",
            as_user: CONSUMER,
            form: |_| vec![],
        },
        Case {
            endpoint: "create_policy",
            as_user: OWNER,
            form: |_| policy_form("global"),
        },
        Case {
            // Ana's team owns no domain.
            endpoint: "create_policy",
            as_user: CONSUMER,
            form: |_| policy_form("marketing"),
        },
        Case {
            // Domain owners add to global policies; they cannot change them.
            endpoint: "update_policy",
            as_user: OWNER,
            form: |ids| {
                let mut f = policy_form("");
                f.push(("id", ids.global_policy.to_string()));
                f
            },
        },
        Case {
            endpoint: "update_policy",
            as_user: CONSUMER,
            form: |ids| {
                let mut f = policy_form("");
                f.push(("id", ids.people_policy.to_string()));
                f
            },
        },
        Case {
            // Only stewards decide waivers, not the team that asked.
            endpoint: "decide_waiver",
            as_user: OWNER,
            form: |ids| {
                vec![
                    ("id", ids.pending_waiver.to_string()),
                    ("decision", "approve".into()),
                ]
            },
        },
        Case {
            endpoint: "request_waiver",
            as_user: CONSUMER,
            form: |ids| {
                vec![
                    ("product_id", ids.campaign_performance.to_string()),
                    ("policy_id", ids.global_policy.to_string()),
                    ("justification", "We cannot meet this policy yet".into()),
                    ("expires_on", "2099-01-01".into()),
                ]
            },
        },
        Case {
            endpoint: "POST /api/v1/products/marketing/campaign-performance/quality-results",
            as_user: CONSUMER,
            form: |_| vec![("result", "passed".into())],
        },
        Case {
            // Stewards watch results; the producing team's pipelines push them.
            endpoint: "POST /api/v1/products/marketing/campaign-performance/sla-measurements",
            as_user: STEWARD,
            form: |_| {
                vec![(
                    "json",
                    r#"[{"property": "availability", "value": 99.9}]"#.into(),
                )]
            },
        },
        Case {
            endpoint: "POST /api/v1/datacontract-cli/test-results",
            as_user: CONSUMER,
            form: |_| {
                vec![
                    ("result", "passed".into()),
                    ("dataProductId", "marketing/campaign-performance".into()),
                ]
            },
        },
        Case {
            // Ana asks for a team she is not in.
            endpoint: "POST /api/v1/subscriptions",
            as_user: CONSUMER,
            form: |_| {
                vec![(
                    "json",
                    r#"{"product": "marketing/campaign-performance", "port": "api", "consumerTeam": "sales-ops",
                        "purpose": "Not my team at all", "acceptTerms": true}"#
                        .into(),
                )]
            },
        },
        Case {
            // The requesting team cannot decide its own request.
            endpoint: "POST /api/v1/subscriptions/{pending}/reject",
            as_user: CONSUMER,
            form: |_| vec![("note", "x".into())],
        },
        Case {
            // Only the consuming team asks to extend.
            endpoint: "POST /api/v1/subscriptions/{active}/renew",
            as_user: OWNER,
            form: |_| vec![("until", "2099-01-01".into())],
        },
        Case {
            endpoint: "POST /api/v1/products",
            as_user: CONSUMER,
            form: |_| {
                vec![
                    ("domain", "marketing".into()),
                    ("ownerTeam", "marketing-analytics".into()),
                    ("name", "Rogue".into()),
                    ("summary", "x".into()),
                    ("kind", "aggregate".into()),
                ]
            },
        },
    ]
}

async fn ids(app: &TestApp) -> Ids {
    let db = &app.db.db;
    let team = |slug: &'static str| async move {
        Team::find()
            .filter(team::Column::Slug.eq(slug))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let user = |email: &'static str| async move {
        User::find()
            .filter(user::Column::Email.eq(email))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let steward = app.client_as(STEWARD).await;
    app.call(
        &steward,
        "create_token",
        &[
            ("name", "stewards"),
            ("scope_read", "on"),
            ("expires_in_days", "5"),
        ],
    )
    .await;
    Ids {
        sales_ops: team("sales-ops").await,
        cx_insights: team("cx-insights").await,
        sales_domain: Domain::find()
            .filter(domain::Column::Slug.eq("sales"))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id,
        marcus: user("marcus.bell@northwind.example").await,
        ana: user(CONSUMER).await,
        stewards_token: ApiToken::find().one(db).await.unwrap().unwrap().id,
        campaign_performance: DataProduct::find()
            .filter(data_product::Column::Slug.eq("campaign-performance"))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id,
        pending_request: Subscription::find()
            .filter(subscription::Column::Status.eq(mesh::kinds::SubscriptionStatus::Requested))
            .filter(subscription::Column::ConsumerTeamId.eq(team("cx-insights").await))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id,
        active_subscription: Subscription::find()
            .filter(subscription::Column::Status.eq(mesh::kinds::SubscriptionStatus::Approved))
            .filter(subscription::Column::ConsumerTeamId.eq(team("cx-insights").await))
            .filter(subscription::Column::ConsumerProductId.is_null())
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id,
        campaign_api_port: OutputPort::find()
            .filter(output_port::Column::Slug.eq("api"))
            .filter(
                output_port::Column::ProductId.eq(DataProduct::find()
                    .filter(data_product::Column::Slug.eq("campaign-performance"))
                    .one(db)
                    .await
                    .unwrap()
                    .unwrap()
                    .id),
            )
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id,
        global_policy: Policy::find()
            .filter(policy::Column::DomainId.is_null())
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id,
        people_policy: Policy::find()
            .filter(
                policy::Column::DomainId.eq(Domain::find()
                    .filter(domain::Column::Slug.eq("people"))
                    .one(db)
                    .await
                    .unwrap()
                    .unwrap()
                    .id),
            )
            .one(db)
            .await
            .unwrap()
            .expect("a seeded People policy")
            .id,
        pending_waiver: Waiver::find()
            .filter(waiver::Column::Status.eq(mesh::kinds::WaiverStatus::Requested))
            .one(db)
            .await
            .unwrap()
            .expect("a seeded waiver request")
            .id,
        marketing_webhook: {
            let dan = app.client_as(OWNER).await;
            app.call(
                &dan,
                "create_webhook",
                &[
                    ("team", "marketing-analytics"),
                    ("url", "https://hooks.example/x"),
                    ("event_types", "*"),
                ],
            )
            .await;
            Webhook::find().one(db).await.unwrap().unwrap().id
        },
    }
}

async fn send(
    app: &TestApp,
    ids: &Ids,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, String)],
    pairs: &[(&str, &str)],
) -> (u16, String) {
    match endpoint.split_once(' ') {
        None => {
            let (status, body) = app.call(client, endpoint, pairs).await;
            (status, body.to_string())
        }
        Some((method, path)) => {
            let method: reqwest::Method = method.parse().unwrap();
            let path = path
                .replace("{pending}", &ids.pending_request.to_string())
                .replace("{active}", &ids.active_subscription.to_string());
            let mut request = client.request(method, app.url(&path));
            match rest_body(form) {
                (Some(json), _) => request = request.json(&json),
                (_, Some(yaml)) => {
                    request = request
                        .header("content-type", "application/yaml")
                        .body(yaml)
                }
                _ => {}
            }
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            )
        }
    }
}

#[tokio::test]
async fn every_mutation_refuses_those_without_the_right_and_changes_nothing() {
    for app in apps().await {
        let ids = ids(&app).await;
        let anonymous = browser();
        for case in cases() {
            let form: Vec<(&str, String)> = (case.form)(&ids);
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let client = app.client_as(case.as_user).await;
            let before = fingerprint(&app.db.db).await;
            let (status, body) = send(&app, &ids, &client, case.endpoint, &form, &pairs).await;
            assert_eq!(
                status,
                403,
                "{}: {} as {} answered {status}: {body}",
                app.label(),
                case.endpoint,
                case.as_user
            );
            let (status, _) = send(&app, &ids, &anonymous, case.endpoint, &form, &pairs).await;
            assert_eq!(
                status,
                401,
                "{}: {} anonymously",
                app.label(),
                case.endpoint
            );
            assert_eq!(
                before,
                fingerprint(&app.db.db).await,
                "{}: {} as {} changed the database",
                app.label(),
                case.endpoint,
                case.as_user
            );
        }
    }
}

#[tokio::test]
async fn team_owners_manage_their_own_team() {
    for app in apps().await {
        let dan = app.client_as(OWNER).await;
        let marketing = Team::find()
            .filter(team::Column::Slug.eq("marketing-analytics"))
            .one(&app.db.db)
            .await
            .unwrap()
            .unwrap();
        let team_id = marketing.id.to_string();
        let (status, body) = app
            .call(
                &dan,
                "put_member",
                &[
                    ("team_id", &team_id),
                    ("email", CONSUMER),
                    ("role", "member"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{}: {body}", app.label());
        // The last owner cannot leave.
        let dan_id = User::find()
            .filter(user::Column::Email.eq(OWNER))
            .one(&app.db.db)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let (status, body) = app
            .call(
                &dan,
                "remove_member",
                &[("team_id", &team_id), ("user_id", &dan_id)],
            )
            .await;
        assert_eq!(status, 409, "{body}");
        let history = mesh::activity::audit::history(&app.db.db, "team", marketing.id)
            .await
            .unwrap();
        assert_eq!(history.last().unwrap().action, "team.member_set");
    }
}

/// Server functions (`/api/{fn}`) are the pages' internals and act only for a signed-in session: an API token, here
/// an admin's that carries only the `results` scope, reads and changes nothing through any of them. The list comes
/// from the server function registry, so a new server function is covered without a new row; the forms are the
/// sweep's (they would work for the admin's session, see the end) so a token that got through would show.
#[tokio::test]
async fn no_server_function_acts_for_an_api_token() {
    for app in apps().await {
        let ids = ids(&app).await;
        let db = &app.db.db;
        let admin = app.client_as(ADMIN).await;
        let secret = token(&app, ADMIN, &[Scope::Results]).await;
        let admin_id = User::find()
            .filter(user::Column::Email.eq(ADMIN))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let unread = notification::ActiveModel {
            user_id: Set(admin_id),
            kind: Set("approved".into()),
            title: Set("Unread".into()),
            body: Set(String::new()),
            link: Set("/".into()),
            read_at: Set(None),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();

        let mut forms: BTreeMap<String, Vec<(&str, String)>> = BTreeMap::new();
        for case in cases() {
            if !case.endpoint.contains(' ') {
                forms
                    .entry(format!("/api/{}", case.endpoint))
                    .or_insert_with(|| (case.form)(&ids));
            }
        }
        forms.insert(
            "/api/create_token".into(),
            vec![
                ("name", "minted".into()),
                ("scope_write", "on".into()),
                ("expires_in_days", "30".into()),
            ],
        );
        forms.insert("/api/mark_read".into(), vec![]);
        // Reads take a product (and ignore what they do not ask for).
        let reads = vec![
            ("domain", "marketing".to_owned()),
            ("product", "campaign-performance".to_owned()),
            ("query", String::new()),
            ("page", "1".to_owned()),
        ];

        let mut functions: Vec<(&str, http::Method)> =
            leptos::server_fn::axum::server_fn_paths().collect();
        functions.sort_by_key(|(path, _)| *path);
        for known in [
            "/api/get_inbox",
            "/api/list_tokens",
            "/api/get_webhooks",
            "/api/admin_overview",
            "/api/get_my_subscriptions",
            "/api/mark_read",
            "/api/revoke_token",
            "/api/whoami",
        ] {
            assert!(
                functions.iter().any(|(path, _)| *path == known),
                "{known} is registered: {functions:?}"
            );
        }
        for (path, method) in &functions {
            let form = forms.get(*path).unwrap_or(&reads);
            let before = fingerprint(db).await;
            for header in ["authorization", "x-api-key"] {
                let value = match header {
                    "authorization" => format!("Bearer {secret}"),
                    _ => secret.clone(),
                };
                let mut request = reqwest::Client::new()
                    .request(method.clone(), app.url(path))
                    .header("accept", "application/json")
                    .header(header, value);
                request = if *method == http::Method::GET {
                    request.query(form)
                } else {
                    request.form(form)
                };
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                assert!(
                    status == 401 || status == 403,
                    "{}: {method} {path} with a results-only token ({header}) answered {status}: {body}",
                    app.label()
                );
            }
            assert_eq!(
                before,
                fingerprint(db).await,
                "{}: {path} with a results-only token changed the database",
                app.label()
            );
        }

        // The token did nothing: the steward's token still works, the notification is unread; the same forms work
        // for the admin's session.
        let stewards = ApiToken::find_by_id(ids.stewards_token)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(stewards.revoked_at.is_none());
        let still = Notification::find_by_id(unread.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(still.read_at.is_none());
        let revoke = forms["/api/revoke_token"]
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>();
        let (status, body) = app.call(&admin, "revoke_token", &revoke).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call(&admin, "mark_read", &[]).await;
        assert_eq!(status, 200, "{body}");
        let read = Notification::find_by_id(unread.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(read.read_at.is_some());
        let stewards = ApiToken::find_by_id(ids.stewards_token)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(stewards.revoked_at.is_some());
    }
}

/// A route: a server function's registered path, or an OpenAPI operation's path template, with its method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Route {
    method: String,
    path: String,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Why a route needs no row in `cases()`. Each kind says where it is checked.
#[derive(Debug)]
enum Open {
    /// Changes nothing and shows what anyone may see: listed products, or what the viewer's own rights filter
    /// (another team's draft stays with its team).
    Read(&'static str),
    /// Reads or changes only the caller's own things: there is nothing of anyone else's to refuse. No API token
    /// gets anything from a server function (`no_server_function_acts_for_an_api_token`).
    Own(&'static str),
    /// Reads one product by domain and slug; another team's draft reads as missing
    /// (`every_read_of_one_product_hides_another_teams_draft` calls each one).
    Product(&'static str),
    /// Changes nothing and refuses those without the role (`role_reads_refuse_those_without_the_role` calls
    /// each one).
    Role(&'static str),
    /// Starts, completes or ends a sign-in: it acts on the caller's own browser session, and no API token is
    /// taken outside `/api/v1` (checked in `auth.rs`, `sign_in.rs` and `oidc.rs`).
    SignIn(&'static str),
    /// Answers a secret of its own (not a session, not an API token) and is missing without it
    /// (`secret_routes_are_missing_without_their_secret` calls each one).
    Secret(&'static str),
}

impl Open {
    fn reason(&self) -> &'static str {
        match self {
            Open::Read(r)
            | Open::Own(r)
            | Open::Product(r)
            | Open::Role(r)
            | Open::SignIn(r)
            | Open::Secret(r) => r,
        }
    }
}

/// The routes with no row in `cases()` and why: server functions by name, the others as `METHOD /path` with the
/// path template they are registered with. A new route needs a row or an entry here
/// (`every_route_has_a_row_in_the_sweep`).
fn open() -> Vec<(&'static str, Open)> {
    use Open::{Own, Product, Read, Role, Secret, SignIn};
    vec![
        ("GET /healthz", Read("liveness: says nothing of the mesh")),
        (
            "GET /readyz",
            Read("readiness: whether the database answers"),
        ),
        (
            "GET /api/v1/openapi.json",
            Read("the API's OpenAPI document"),
        ),
        ("GET /api/v1/docs", Read("the API's reference page")),
        (
            "POST /auth/demo",
            SignIn("demo sign-in as a seeded person, when enabled"),
        ),
        ("POST /auth/logout", SignIn("ends the caller's session")),
        (
            "POST /auth/{provider}/start",
            SignIn("sends the browser to its provider"),
        ),
        (
            "GET /auth/{provider}/callback",
            SignIn("the provider's answer, bound to the browser that started"),
        ),
        (
            "GET /metrics",
            Secret("the metrics token's (AGORA_METRICS_TOKEN)"),
        ),
        ("search", Read("the marketplace search: public browse")),
        (
            "home",
            Read("the home page: domain tiles and rows of listed products"),
        ),
        (
            "mesh_map",
            Read("the mesh map: listed products and approved subscriptions"),
        ),
        (
            "login_options",
            Read("the sign-in page: providers and demo personas"),
        ),
        (
            "get_governance",
            Read("compliance per domain over listed products, like the governance page"),
        ),
        (
            "get_domain_compliance",
            Read("one domain's compliance over its listed products"),
        ),
        (
            "get_policies",
            Read("the policies in force, each with whether the viewer may edit it"),
        ),
        ("whoami", Own("the signed-in user's name and roles")),
        ("list_tokens", Own("the caller's API tokens")),
        (
            "create_token",
            Own("mints a token for the caller, never with a token"),
        ),
        (
            "mark_read",
            Own("marks the caller's notifications read; another's id matches nothing"),
        ),
        (
            "get_inbox",
            Own("the caller's notifications and the requests to their teams"),
        ),
        ("get_unread_count", Own("the caller's unread notifications")),
        (
            "get_my_subscriptions",
            Own("the subscriptions of the caller's teams"),
        ),
        (
            "get_webhooks",
            Own("the webhooks of the teams the caller owns (all for admins)"),
        ),
        (
            "get_new_product_options",
            Own("the domains and teams the caller may create products for"),
        ),
        ("product_page", Product("the product page")),
        ("get_product_schema", Product("the Schema tab")),
        ("get_product_contracts", Product("the Contract tab")),
        ("get_product_quality", Product("the Quality tab's rules")),
        (
            "get_quality_results",
            Product("the Quality tab's pushed results"),
        ),
        ("get_product_ports", Product("the Ports tab")),
        ("get_product_versions", Product("the Versions tab")),
        ("get_product_compliance", Product("the Compliance tab")),
        ("get_lineage", Product("upstream and downstream products")),
        ("get_subscribe_options", Product("the subscribe form")),
        (
            "get_edit_context",
            Product("the edit page, for the owning team only"),
        ),
        (
            "admin_overview",
            Role("the administration pages: admins and team owners"),
        ),
        (
            "get_waivers",
            Role("the waiver review queue: stewards and admins"),
        ),
        (
            "GET /api/v1/search",
            Read("the marketplace search: public browse"),
        ),
        (
            "GET /api/v1/products",
            Read("the product list: listed products, drafts to their team"),
        ),
        (
            "GET /api/v1/governance",
            Read("compliance per domain over listed products"),
        ),
        (
            "GET /api/v1/subscriptions",
            Own("the subscriptions of the caller's teams"),
        ),
        (
            "GET /api/v1/subscriptions/incoming",
            Own("the requests to and subscribers of the caller's teams' products"),
        ),
        (
            "GET /api/v1/products/{domain}/{product}",
            Product("one product with owners and ports"),
        ),
        (
            "GET /api/v1/products/{domain}/{product}/versions",
            Product("the version history"),
        ),
        (
            "GET /api/v1/products/{domain}/{product}/proposal",
            Product("what publishing now would record"),
        ),
        (
            "GET /api/v1/products/{domain}/{product}/ports",
            Product("the output ports"),
        ),
        (
            "GET /api/v1/products/{domain}/{product}/contract",
            Product("the ODCS contract"),
        ),
        (
            "GET /api/v1/products/{domain}/{product}/odps",
            Product("the ODPS document"),
        ),
        (
            "GET /api/v1/products/{domain}/{product}/compliance",
            Product("the compliance checks"),
        ),
    ]
}

/// The route an endpoint of `cases()` or `open()` names: the server function registered at `/api/{name}`, or the
/// OpenAPI operation of that method whose template fits the path (literal segments equal, a `{parameter}` takes
/// any), the most literal first as axum routes; `None` when none does.
fn route_of(endpoint: &str, routes: &BTreeSet<Route>) -> Option<Route> {
    let Some((method, path)) = endpoint.split_once(' ') else {
        let path = format!("/api/{endpoint}");
        return routes.iter().find(|r| r.path == path).cloned();
    };
    let segments: Vec<&str> = path.split('/').collect();
    routes
        .iter()
        .filter(|r| r.method == method)
        .filter_map(|r| {
            let template: Vec<&str> = r.path.split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') && t.ends_with('}') {
                    continue;
                }
                if t != s {
                    return None;
                }
                literal += 1;
            }
            Some((literal, r))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, r)| r.clone())
}

/// Every route the server answers for, but the pages: the registered server functions, the operations of the
/// OpenAPI document it serves and the plain routes the router is built from.
async fn routes(app: &TestApp) -> BTreeSet<Route> {
    let mut routes: BTreeSet<Route> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| Route {
            method: method.to_string(),
            path: path.to_owned(),
        })
        .collect();
    let doc: serde_json::Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .expect("the OpenAPI document");
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            if [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&method.as_str())
            {
                routes.insert(Route {
                    method: method.to_uppercase(),
                    path: path.clone(),
                });
            }
        }
    }
    for plain in agora::routes::PLAIN {
        routes.insert(Route {
            method: plain.verb.method().to_string(),
            path: plain.path.to_owned(),
        });
    }
    routes
}

/// The sweep covers every route by construction: each registered server function, each operation of the OpenAPI
/// document and each plain route has a row in `cases()` or an entry in `open()` that says why it needs none (not
/// both), and every row and entry names a route that exists. The pages need none as long as they only answer GET:
/// what they show comes from the server functions above.
#[tokio::test]
async fn every_route_has_a_row_in_the_sweep() {
    for app in apps().await {
        let routes = routes(&app).await;
        let mut problems = Vec::new();
        let mut rows = BTreeSet::new();
        for case in cases() {
            match route_of(case.endpoint, &routes) {
                Some(route) => {
                    rows.insert(route);
                }
                None => problems.push(format!(
                    "cases() has a row for `{}`, which is no route",
                    case.endpoint
                )),
            }
        }
        let mut open_routes = BTreeSet::new();
        for (endpoint, why) in open() {
            if why.reason().trim().is_empty() {
                problems.push(format!("open() gives no reason for `{endpoint}`"));
            }
            match route_of(endpoint, &routes) {
                Some(route) if rows.contains(&route) => problems.push(format!(
                    "{route} has a row in cases() and an entry in open() ({}): keep one",
                    why.reason()
                )),
                Some(route) => {
                    if !open_routes.insert(route.clone()) {
                        problems.push(format!("{route} is in open() twice"));
                    }
                }
                None => problems.push(format!("open() names `{endpoint}`, which is no route")),
            }
        }
        for page in agora::startup::route_list() {
            let methods: Vec<String> = page.methods().map(|m| format!("{m:?}")).collect();
            if methods != ["Get"] {
                problems.push(format!(
                    "the page {} answers {methods:?}: a page that takes more than GET needs a row",
                    page.path()
                ));
            }
        }
        for route in &routes {
            if !rows.contains(route) && !open_routes.contains(route) {
                problems.push(format!(
                    "{route} has no row: add one to cases() (someone signed in who may not, with a body), \
                     or an entry to open() that says why it needs none"
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "{}: the authorization sweep does not cover every route ({} routes):\n{}",
            app.label(),
            routes.len(),
            problems.join("\n")
        );
    }
}

/// Calls a read of `open()`: a server function with a form, or `GET /api/v1/...` with `{domain}` and `{product}`
/// filled in.
async fn read(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    domain: &str,
    product: &str,
) -> (u16, String) {
    match endpoint.split_once(' ') {
        None => {
            let (status, body) = app
                .call(
                    client,
                    endpoint,
                    &[("domain", domain), ("product", product)],
                )
                .await;
            (status, body.to_string())
        }
        Some((method, path)) => {
            let path = path
                .replace("{domain}", domain)
                .replace("{product}", product);
            let response = client
                .request(method.parse().unwrap(), app.url(&path))
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            )
        }
    }
}

/// Churn Risk Scores is a draft of CX Insights (Ana's team): every read of one product (`Open::Product`) shows
/// it to Ana and answers Dan (Marketing Analytics) and anonymous visitors as if it did not exist.
#[tokio::test]
async fn every_read_of_one_product_hides_another_teams_draft() {
    for app in apps().await {
        let ana = app.client_as(CONSUMER).await;
        let dan = app.client_as(OWNER).await;
        let anonymous = browser();
        let draft = DataProduct::find()
            .filter(data_product::Column::Slug.eq("churn-risk-scores"))
            .one(&app.db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(draft.status, mesh::kinds::ProductStatus::Draft);
        // A contract, so that the contract reads have something to show its team.
        let (status, body) = app
            .call(
                &ana,
                "import_contract",
                &[("id", &draft.id.to_string()), ("yaml", CONTRACT)],
            )
            .await;
        assert_eq!(status, 200, "{}: {body}", app.label());
        let reads: Vec<(&str, Open)> = open()
            .into_iter()
            .filter(|(_, why)| matches!(why, Open::Product(_)))
            .collect();
        for (endpoint, why) in reads {
            let what = why.reason();
            let (status, body) = read(&app, &ana, endpoint, "customer-service", &draft.slug).await;
            assert_eq!(
                status,
                200,
                "{}: {endpoint} ({what}) for its team: {body}",
                app.label()
            );
            for (who, client) in [("Dan", &dan), ("anonymous", &anonymous)] {
                let (status, body) =
                    read(&app, client, endpoint, "customer-service", &draft.slug).await;
                assert!(
                    status == 404 || (who == "anonymous" && status == 401),
                    "{}: {endpoint} ({what}) for {who} answered {status}: {body}",
                    app.label()
                );
                assert!(
                    !body.contains(&draft.name),
                    "{}: {endpoint} ({what}) names the draft to {who}: {body}",
                    app.label()
                );
            }
        }
    }
}

/// The reads for a role (`Open::Role`) refuse Ana (a member of CX Insights, owning no team, neither admin nor
/// steward) and answer the admin.
#[tokio::test]
async fn role_reads_refuse_those_without_the_role() {
    for app in apps().await {
        let ana = app.client_as(CONSUMER).await;
        let admin = app.client_as(ADMIN).await;
        let reads: Vec<(&str, Open)> = open()
            .into_iter()
            .filter(|(_, why)| matches!(why, Open::Role(_)))
            .collect();
        for (endpoint, why) in reads {
            let what = why.reason();
            let (status, body) = read(&app, &ana, endpoint, "", "").await;
            assert_eq!(
                status,
                403,
                "{}: {endpoint} ({what}) for Ana: {body}",
                app.label()
            );
            let (status, body) = read(&app, &admin, endpoint, "", "").await;
            assert_eq!(
                status,
                200,
                "{}: {endpoint} ({what}) for the admin: {body}",
                app.label()
            );
        }
    }
}

/// The routes of a secret of their own (`Open::Secret`) are missing for everyone else: anonymous visitors, the
/// admin's session and the admin's API token alike.
#[tokio::test]
async fn secret_routes_are_missing_without_their_secret() {
    for app in apps().await {
        let admin = app.client_as(ADMIN).await;
        let secret = token(&app, ADMIN, &Scope::ALL).await;
        let routes: Vec<(&str, Open)> = open()
            .into_iter()
            .filter(|(_, why)| matches!(why, Open::Secret(_)))
            .collect();
        assert!(!routes.is_empty());
        for (endpoint, why) in routes {
            let (method, path) = endpoint.split_once(' ').expect("METHOD /path");
            let method: reqwest::Method = method.parse().unwrap();
            for (who, request) in [
                (
                    "anonymous",
                    browser().request(method.clone(), app.url(path)),
                ),
                ("the admin", admin.request(method.clone(), app.url(path))),
                (
                    "the admin's API token",
                    reqwest::Client::new()
                        .request(method.clone(), app.url(path))
                        .bearer_auth(&secret),
                ),
            ] {
                let status = request.send().await.unwrap().status();
                assert_eq!(
                    status,
                    404,
                    "{}: {endpoint} ({}) for {who}",
                    app.label(),
                    why.reason()
                );
            }
        }
    }
}
