//! Team webhooks: CloudEvents 1.0 JSON, signed with HMAC-SHA256, queued in the database (an outbox written in
//! the same transaction as the change) and delivered with retries by the server's worker.
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::access::Viewer;
use crate::audit::{self, Entry};
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};

/// Event types a webhook can ask for.
pub const EVENT_TYPES: &[&str] = &[
    "agora.subscription.requested",
    "agora.subscription.approved",
    "agora.subscription.rejected",
    "agora.subscription.cancelled",
    "agora.subscription.revoked",
    "agora.subscription.expired",
    "agora.subscription.renewed",
    "agora.product.published",
];

/// The header carrying the signature: `sha256=<hex of HMAC-SHA256(secret, body)>`.
pub const SIGNATURE_HEADER: &str = "x-agora-signature";

/// Signs a payload as the receiver checks it.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a signature in constant time.
pub fn verify(secret: &str, body: &[u8], signature: &str) -> bool {
    let Some(hex_sig) = signature.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(bytes) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

/// A CloudEvent 1.0 (structured JSON).
pub fn cloud_event(event_type: &str, subject: &str, data: Value) -> Value {
    json!({
        "specversion": "1.0",
        "id": crate::secrets::random_token(),
        "source": "/agora",
        "type": event_type,
        "subject": subject,
        "time": Utc::now().to_rfc3339(),
        "datacontenttype": "application/json",
        "data": data,
    })
}

/// Queues an event for every active webhook of `teams` that asked for its type.
pub async fn enqueue(db: &impl ConnectionTrait, teams: &[i64], event: &Value) -> Result<usize> {
    let event_type = event["type"].as_str().unwrap_or_default().to_owned();
    let hooks = Webhook::find()
        .filter(webhook::Column::TeamId.is_in(teams.to_vec()))
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await?;
    let now = Utc::now();
    let mut queued = 0;
    for hook in hooks {
        if !hook
            .event_types
            .split_whitespace()
            .any(|t| t == event_type || t == "*")
        {
            continue;
        }
        webhook_delivery::ActiveModel {
            webhook_id: Set(hook.id),
            event_id: Set(event["id"].as_str().unwrap_or_default().to_owned()),
            event_type: Set(event_type.clone()),
            payload: Set(event.clone()),
            status: Set("pending".into()),
            attempts: Set(0),
            last_status_code: Set(None),
            last_error: Set(None),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// A delivery to attempt now, with where to send it and the secret to sign it with.
#[derive(Clone, Debug)]
pub struct Due {
    pub delivery_id: i64,
    pub url: String,
    pub secret: String,
    pub payload: Value,
    pub attempts: i32,
}

/// Claims up to `limit` due deliveries for 60 s (so two instances never send the same one at once).
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Due>> {
    let candidates = WebhookDelivery::find()
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for d in candidates {
        if d.lease_until.is_some_and(|l| l > now) {
            continue;
        }
        let claimed = WebhookDelivery::update_many()
            .col_expr(
                webhook_delivery::Column::LeaseUntil,
                sea_orm::sea_query::Expr::value(now + Duration::seconds(60)),
            )
            .filter(webhook_delivery::Column::Id.eq(d.id))
            .filter(webhook_delivery::Column::Status.eq("pending"))
            .filter(
                sea_orm::Condition::any()
                    .add(webhook_delivery::Column::LeaseUntil.is_null())
                    .add(webhook_delivery::Column::LeaseUntil.lte(now)),
            )
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let Some(hook) = Webhook::find_by_id(d.webhook_id).one(db).await? else {
            continue;
        };
        out.push(Due {
            delivery_id: d.id,
            url: hook.url,
            secret: hook.secret,
            payload: d.payload,
            attempts: d.attempts,
        });
    }
    Ok(out)
}

/// Retries wait 30 s, 2 min, 8 min... (x4 each time); after this many attempts a delivery has failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// Records the outcome of an attempt: delivered on 2xx, otherwise retried later or failed.
pub async fn record_attempt(
    db: &impl ConnectionTrait,
    delivery_id: i64,
    status_code: Option<u16>,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(d) = WebhookDelivery::find_by_id(delivery_id).one(db).await? else {
        return Ok(());
    };
    let attempts = d.attempts + 1;
    let ok = status_code.is_some_and(|c| (200..300).contains(&c));
    let mut active: webhook_delivery::ActiveModel = d.into();
    active.attempts = Set(attempts);
    active.last_status_code = Set(status_code.map(i32::from));
    active.last_error = Set(error);
    active.lease_until = Set(None);
    if ok {
        active.status = Set("delivered".into());
        active.delivered_at = Set(Some(now));
    } else if attempts >= MAX_ATTEMPTS {
        active.status = Set("failed".into());
    } else {
        let wait = 30 * 4_i64.pow((attempts - 1) as u32);
        active.next_attempt_at = Set(now + Duration::seconds(wait.min(6 * 3600)));
    }
    active.update(db).await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct WebhookView {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub active: bool,
    pub deliveries: Vec<webhook_delivery::Model>,
}

/// The webhooks of the teams the viewer owns (all for admins), with their last 20 deliveries.
pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Vec<WebhookView>> {
    viewer.require_user()?;
    let mut query = Webhook::find().order_by_asc(webhook::Column::Id);
    if !viewer.is_admin {
        query = query.filter(webhook::Column::TeamId.is_in(viewer.owned_team_ids.clone()));
    }
    let hooks = query.all(db).await?;
    let teams = Team::find().all(db).await?;
    let mut out = Vec::new();
    for h in hooks {
        let deliveries = WebhookDelivery::find()
            .filter(webhook_delivery::Column::WebhookId.eq(h.id))
            .order_by_desc(webhook_delivery::Column::Id)
            .limit(20)
            .all(db)
            .await?;
        out.push(WebhookView {
            team_name: teams
                .iter()
                .find(|t| t.id == h.team_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            id: h.id,
            team_id: h.team_id,
            url: h.url,
            event_types: h
                .event_types
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            active: h.active,
            deliveries,
        });
    }
    Ok(out)
}

/// Adds a webhook to a team the viewer owns. Returns the row (with the secret, shown once).
pub async fn create(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    team_slug: &str,
    url: &str,
    event_types: &[String],
) -> Result<webhook::Model> {
    viewer.require_user()?;
    let team = Team::find()
        .filter(team::Column::Slug.eq(team_slug))
        .one(db)
        .await?
        .ok_or_else(|| Error::invalid("team", format!("no team `{team_slug}`")))?;
    viewer.require(
        viewer.may_decide_for_team(team.id),
        "manage this team's webhooks (owners only)",
    )?;
    let mut errors = Vec::new();
    match url::Url::parse(url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        _ => errors.push(FieldError::new("url", "give an http:// or https:// URL")),
    }
    let types: Vec<&String> = event_types.iter().filter(|t| !t.is_empty()).collect();
    if types.is_empty() {
        errors.push(FieldError::new(
            "event_types",
            "choose at least one event type",
        ));
    }
    for t in &types {
        if !EVENT_TYPES.contains(&t.as_str()) && t.as_str() != "*" {
            errors.push(FieldError::new(
                "event_types",
                format!("unknown event type `{t}`"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let row = webhook::ActiveModel {
        team_id: Set(team.id),
        url: Set(url.trim().to_owned()),
        secret: Set(crate::secrets::random_token()),
        event_types: Set(types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" ")),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        Entry {
            actor_id: viewer.user_id,
            action: "webhook.created",
            object_type: "team",
            object_id: Some(team.id),
            after: Some(json!({"url": row.url, "events": row.event_types})),
            ..Default::default()
        },
    )
    .await?;
    Ok(row)
}

pub async fn delete(db: &impl ConnectionTrait, viewer: &Viewer, webhook_id: i64) -> Result<()> {
    viewer.require_user()?;
    let hook = Webhook::find_by_id(webhook_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("webhook"))?;
    viewer.require(
        viewer.may_decide_for_team(hook.team_id),
        "manage this team's webhooks (owners only)",
    )?;
    Webhook::delete_by_id(hook.id).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let sig = sign("s3cret", b"{\"a\":1}");
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64);
        assert!(verify("s3cret", b"{\"a\":1}", &sig));
        assert!(!verify("s3cret", b"{\"a\":2}", &sig));
        assert!(!verify("other", b"{\"a\":1}", &sig));
        assert!(!verify("s3cret", b"{\"a\":1}", "sha256=zz"));
    }

    #[test]
    fn events_are_cloudevents() {
        let e = cloud_event(
            "agora.subscription.approved",
            "subscriptions/1",
            json!({"x": 1}),
        );
        assert_eq!(e["specversion"], "1.0");
        assert_eq!(e["type"], "agora.subscription.approved");
        assert!(e["id"].as_str().unwrap().len() > 20);
    }
}
