//! Who hears of a change: in-app notifications, CloudEvents queued for the teams' webhooks, and the audit entry
//! of a status change ([`announce`]); consumers told of a breaking change ([`announce_breaking_change`]).
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use super::view::SubscriptionView;
use crate::activity::audit::{self, Entry};
use crate::activity::notifications::{self, Note};
use crate::activity::webhooks;
use crate::entity::prelude::*;
use crate::error::Result;
use crate::kinds::{SubscriptionStatus as S, TeamRole};

fn event_data(v: &SubscriptionView) -> Value {
    json!({
        "subscriptionId": v.sub.id,
        "status": v.sub.status.as_str(),
        "product": {"domain": v.product_domain, "slug": v.product_slug, "name": v.product_name},
        "port": {"slug": v.port_slug, "name": v.port_name, "location": v.port_location},
        "consumer": {
            "team": v.consumer_team_slug,
            "product": v.consumer_product.as_ref().map(|p| p.0.clone()),
            "requester": v.requester_email,
        },
        "purpose": v.sub.purpose,
        "endDate": v.sub.end_date,
        "decisionNote": v.sub.decision_note,
    })
}

pub(super) async fn team_owners(db: &impl ConnectionTrait, team_id: i64) -> Result<Vec<i64>> {
    Ok(Membership::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .filter(membership::Column::Role.eq(TeamRole::Owner))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// Notifies, queues the webhook event and records the audit entry of a status change.
pub(super) async fn announce(
    db: &impl ConnectionTrait,
    v: &SubscriptionView,
    from: Option<S>,
    actor: Option<i64>,
    note: &str,
    event_type: &str,
) -> Result<()> {
    let what = format!("{} ({})", v.product_name, v.port_name);
    let producer_owners = team_owners(db, v.producing_team_id).await?;
    let consumer_owners = team_owners(db, v.sub.consumer_team_id).await?;
    let requester: Vec<i64> = v.sub.requester_id.into_iter().collect();
    let (recipients, kind, title, link): (Vec<i64>, &str, String, &str) = match v.sub.status {
        S::Requested => (
            producer_owners,
            "request_received",
            format!("{} asks for access to {what}", v.consumer_team_name),
            "/inbox",
        ),
        S::Approved => (
            requester,
            "approved",
            format!("Access to {what} approved"),
            "/subscriptions",
        ),
        S::Rejected => (
            requester,
            "rejected",
            format!("Access to {what} rejected"),
            "/subscriptions",
        ),
        S::Cancelled => (
            producer_owners,
            "cancelled",
            format!("{} cancelled its access to {what}", v.consumer_team_name),
            "/inbox",
        ),
        S::Revoked => (
            [requester, consumer_owners].concat(),
            "revoked",
            format!("Access to {what} revoked"),
            "/subscriptions",
        ),
        S::Expired => (
            requester,
            "expired",
            format!("Access to {what} expired"),
            "/subscriptions",
        ),
    };
    let body = if note.is_empty() {
        v.sub.purpose.clone()
    } else {
        note.to_owned()
    };
    notifications::notify(
        db,
        &recipients,
        &Note {
            kind,
            title,
            body,
            link: link.into(),
        },
    )
    .await?;
    let event = webhooks::cloud_event(
        event_type,
        &format!("subscriptions/{}", v.sub.id),
        event_data(v),
    );
    webhooks::enqueue(db, &[v.producing_team_id, v.sub.consumer_team_id], &event).await?;
    audit::record(
        db,
        Entry {
            actor_id: actor,
            action: event_type.trim_start_matches("agora."),
            object_type: "subscription",
            object_id: Some(v.sub.id),
            before: from.map(|f| json!({"status": f.as_str()})),
            after: Some(json!({"status": v.sub.status.as_str(), "endDate": v.sub.end_date})),
            note: (!note.is_empty()).then(|| note.to_owned()),
        },
    )
    .await?;
    Ok(())
}

/// Asks the producing team's owners to decide a renewal until `until`.
pub(super) async fn renewal_requested(
    db: &impl ConnectionTrait,
    v: &SubscriptionView,
    until: NaiveDate,
) -> Result<()> {
    let owners = team_owners(db, v.producing_team_id).await?;
    notifications::notify(
        db,
        &owners,
        &Note {
            kind: "renewal_requested",
            title: format!(
                "{} asks to extend access to {} until {until}",
                v.consumer_team_name, v.product_name
            ),
            body: v.sub.purpose.clone(),
            link: "/inbox".into(),
        },
    )
    .await
}

/// Tells the requester that the renewal was declined (access still ends on the old day).
pub(super) async fn renewal_declined(
    db: &impl ConnectionTrait,
    v: &SubscriptionView,
) -> Result<()> {
    let requester: Vec<i64> = v.sub.requester_id.into_iter().collect();
    notifications::notify(
        db,
        &requester,
        &Note {
            kind: "renewal_declined",
            title: format!(
                "The extension of your access to {} was declined",
                v.product_name
            ),
            body: String::new(),
            link: "/subscriptions".into(),
        },
    )
    .await
}

/// Tells the consumers of a product about a breaking change just published, with the changes.
pub async fn announce_breaking_change(
    db: &impl ConnectionTrait,
    product: &data_product::Model,
    version: &str,
    changes: &[crate::catalog::diff::Change],
) -> Result<()> {
    let subs = Subscription::find()
        .filter(subscription::Column::ProductId.eq(product.id))
        .filter(subscription::Column::Status.eq(S::Approved))
        .all(db)
        .await?;
    let mut users: Vec<i64> = subs.iter().filter_map(|s| s.requester_id).collect();
    let mut teams: Vec<i64> = subs.iter().map(|s| s.consumer_team_id).collect();
    teams.sort_unstable();
    teams.dedup();
    for t in &teams {
        users.extend(team_owners(db, *t).await?);
    }
    let domain = Domain::find_by_id(product.domain_id)
        .one(db)
        .await?
        .map(|d| d.slug)
        .unwrap_or_default();
    let breaking: Vec<String> = changes
        .iter()
        .filter(|c| c.level == crate::catalog::diff::Level::Breaking)
        .map(|c| format!("{}: {}", c.path, c.what))
        .collect();
    notifications::notify(
        db,
        &users,
        &Note {
            kind: "breaking_change",
            title: format!("Breaking change in {} v{version}", product.name),
            body: breaking.join("; "),
            link: format!("/products/{domain}/{}/versions", product.slug),
        },
    )
    .await?;
    let event = webhooks::cloud_event(
        "agora.product.published",
        &format!("products/{domain}/{}", product.slug),
        json!({"domain": domain, "product": product.slug, "version": version, "breaking": true, "changes": changes}),
    );
    teams.push(product.owner_team_id);
    webhooks::enqueue(db, &teams, &event).await?;
    Ok(())
}
