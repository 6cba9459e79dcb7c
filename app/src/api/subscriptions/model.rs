//! What subscriptions, the inbox, webhooks and lineage send to the browser. Plain data that compiles for wasm too.
use crate::api::catalog::ProductLink;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vocabulary::{ApprovalMode, PortKind, SubscriptionStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub id: i64,
    pub status: SubscriptionStatus,
    pub product_href: String,
    pub product_name: String,
    pub port_name: String,
    pub port_location: String,
    pub approval_mode: ApprovalMode,
    pub consumer_team: String,
    /// (href, name) of the consuming product.
    pub consumer_product: Option<(String, String)>,
    pub requester: Option<String>,
    pub purpose: String,
    pub end_date: Option<NaiveDate>,
    pub renewal_until: Option<NaiveDate>,
    pub decision_note: String,
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscribeOptions {
    pub product_name: String,
    pub ports: Vec<PortChoice>,
    /// The viewer's teams: (slug, name)
    pub teams: Vec<(String, String)>,
    /// Products of the viewer's teams: (domain/slug, name)
    pub products: Vec<(String, String)>,
    pub usage: String,
    pub limitations: String,
}

/// An output port a consumer may ask for, as the request form lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortChoice {
    pub id: i64,
    pub name: String,
    pub kind: PortKind,
    pub approval_mode: ApprovalMode,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub notifications: Vec<NotificationRow>,
    pub pending: Vec<SubscriptionRow>,
    pub active: Vec<SubscriptionRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: i64,
    pub team: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub deliveries: Vec<DeliveryRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhooks {
    pub hooks: Vec<WebhookRow>,
    /// Teams the viewer owns: (slug, name)
    pub teams: Vec<(String, String)>,
    pub event_types: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub url: String,
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    pub upstream: Vec<(ProductLink, String)>,
    pub downstream: Vec<(ProductLink, String)>,
}

#[cfg(feature = "ssr")]
impl From<mesh::subscriptions::SubscriptionView> for SubscriptionRow {
    fn from(v: mesh::subscriptions::SubscriptionView) -> Self {
        Self {
            id: v.sub.id,
            status: v.sub.status,
            product_href: format!("/products/{}/{}", v.product_domain, v.product_slug),
            product_name: v.product_name,
            port_name: v.port_name,
            port_location: v.port_location,
            approval_mode: v.approval_mode,
            consumer_team: v.consumer_team_name,
            consumer_product: v
                .consumer_product
                .map(|(r, n)| (format!("/products/{r}"), n)),
            requester: v.requester_name,
            purpose: v.sub.purpose,
            end_date: v.sub.end_date,
            renewal_until: v.sub.renewal_until,
            decision_note: v.sub.decision_note,
            decided_by: v.decided_by_name,
            created_at: v.sub.created_at,
        }
    }
}
