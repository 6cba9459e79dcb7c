//! Subscribing, deciding, the inbox, notifications and team webhooks.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

pub mod model;
pub use model::*;

use leptos::prelude::*;

use crate::error::AppError;

/// The subscribe form's choices, read by mesh (signed-in viewers; the viewer's own teams only).
#[server(prefix = "/api", endpoint = "get_subscribe_options")]
pub async fn get_subscribe_options(
    domain: String,
    product: String,
) -> Result<SubscribeOptions, AppError> {
    let ctx = crate::ssr::app_context()?;
    let o =
        mesh::subscriptions::subscribe_options(&ctx.db, &crate::ssr::viewer(), &domain, &product)
            .await?;
    Ok(SubscribeOptions {
        product_name: o.product_name,
        ports: o
            .ports
            .into_iter()
            .map(|p| crate::api::subscriptions::PortChoice {
                id: p.id,
                name: p.name,
                kind: p.kind,
                approval_mode: p.approval_mode,
            })
            .collect(),
        teams: o.teams.into_iter().map(|t| (t.slug, t.name)).collect(),
        products: o.products.into_iter().map(|p| (p.path, p.name)).collect(),
        usage: o.usage,
        limitations: o.limitations,
    })
}

/// Requests access; goes to the consumer's subscriptions.
#[server(prefix = "/api", endpoint = "request_access")]
pub async fn request_access(
    port_id: i64,
    consumer_team: String,
    #[server(default)] consumer_product: String,
    purpose: String,
    #[server(default)] accept_terms: Option<String>,
    #[server(default)] end_date: String,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let new = mesh::subscriptions::NewRequest {
        port_id,
        consumer_team,
        consumer_product,
        purpose,
        accept_terms: accept_terms.is_some(),
        end_date,
    };
    mesh::subscriptions::request(&ctx.db, &crate::ssr::viewer(), &new).await?;
    leptos_axum::redirect("/subscriptions");
    Ok(())
}

#[server(prefix = "/api", endpoint = "get_my_subscriptions")]
pub async fn get_my_subscriptions() -> Result<Vec<SubscriptionRow>, AppError> {
    let ctx = crate::ssr::app_context()?;
    let rows = mesh::subscriptions::mine(&ctx.db, &crate::ssr::viewer()).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[server(prefix = "/api", endpoint = "cancel_subscription")]
pub async fn cancel_subscription(id: i64) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::subscriptions::cancel(&ctx.db, &crate::ssr::viewer(), id).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "renew_subscription")]
pub async fn renew_subscription(id: i64, until: String) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::subscriptions::request_renewal(&ctx.db, &crate::ssr::viewer(), id, &until).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "get_inbox")]
pub async fn get_inbox() -> Result<Inbox, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let notes = mesh::activity::notifications::latest(&ctx.db, &viewer, 50).await?;
    let (pending, active) = mesh::subscriptions::producer_view(&ctx.db, &viewer).await?;
    Ok(Inbox {
        notifications: notes
            .into_iter()
            .map(|n| NotificationRow {
                id: n.id,
                kind: n.kind,
                title: n.title,
                body: n.body,
                link: n.link,
                read: n.read_at.is_some(),
                created_at: n.created_at,
            })
            .collect(),
        pending: pending.into_iter().map(Into::into).collect(),
        active: active.into_iter().map(Into::into).collect(),
    })
}

/// `decision` is `approve` or `reject`.
#[server(prefix = "/api", endpoint = "decide_request")]
pub async fn decide_request(
    id: i64,
    decision: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    match decision.as_str() {
        "approve" => mesh::subscriptions::decide(&ctx.db, &viewer, id, true, &note).await?,
        "reject" => mesh::subscriptions::decide(&ctx.db, &viewer, id, false, &note).await?,
        _ => return Err(mesh::Error::invalid("decision", "approve or reject").into()),
    };
    Ok(())
}

#[server(prefix = "/api", endpoint = "decide_renewal")]
pub async fn decide_renewal(id: i64, decision: String) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::subscriptions::decide_renewal(&ctx.db, &crate::ssr::viewer(), id, decision == "approve")
        .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "revoke_subscription")]
pub async fn revoke_subscription(
    id: i64,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::subscriptions::revoke(&ctx.db, &crate::ssr::viewer(), id, &reason).await?;
    Ok(())
}

/// Marks one notification read, or all of them without `id`.
#[server(prefix = "/api", endpoint = "mark_read")]
pub async fn mark_read(#[server(default)] id: Option<i64>) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::activity::notifications::mark_read(&ctx.db, &crate::ssr::viewer(), id).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "get_unread_count")]
pub async fn get_unread_count() -> Result<u64, AppError> {
    let ctx = crate::ssr::app_context()?;
    Ok(mesh::activity::notifications::unread_count(&ctx.db, &crate::ssr::viewer()).await?)
}

#[server(prefix = "/api", endpoint = "get_lineage")]
pub async fn get_lineage(domain: String, product: String) -> Result<Lineage, AppError> {
    use crate::api::catalog::ProductLink;
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let id = mesh::catalog::products::id_of(&ctx.db, &viewer, &domain, &product).await?;
    let (up, down) = mesh::subscriptions::lineage(&ctx.db, &viewer, id).await?;
    let map = |l: mesh::subscriptions::LineageLink| {
        (
            ProductLink {
                domain_slug: l.domain,
                slug: l.slug,
                name: l.name,
            },
            l.port,
        )
    };
    Ok(Lineage {
        upstream: up.into_iter().map(map).collect(),
        downstream: down.into_iter().map(map).collect(),
    })
}

#[server(prefix = "/api", endpoint = "get_webhooks")]
pub async fn get_webhooks() -> Result<Webhooks, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let hooks = mesh::activity::webhooks::list(&ctx.db, &viewer).await?;
    let (_, teams) = mesh::catalog::products::creation_options(&ctx.db, &viewer).await?;
    Ok(Webhooks {
        hooks: hooks
            .into_iter()
            .map(|h| WebhookRow {
                id: h.id,
                team: h.team_name,
                url: h.url,
                event_types: h.event_types,
                deliveries: h
                    .deliveries
                    .into_iter()
                    .map(|d| DeliveryRow {
                        event_type: d.event_type,
                        status: d.status,
                        attempts: d.attempts,
                        last_status_code: d.last_status_code,
                        last_error: d.last_error,
                        created_at: d.created_at,
                    })
                    .collect(),
            })
            .collect(),
        teams: teams
            .into_iter()
            .filter(|_| true)
            .map(|(slug, name, _)| (slug, name))
            .collect(),
        event_types: mesh::activity::webhooks::EVENT_TYPES
            .iter()
            .map(|s| s.to_string())
            .collect(),
    })
}

/// `event_types` is space-separated.
#[server(prefix = "/api", endpoint = "create_webhook")]
pub async fn create_webhook(
    team: String,
    url: String,
    event_types: String,
) -> Result<CreatedWebhook, AppError> {
    let ctx = crate::ssr::app_context()?;
    let types: Vec<String> = event_types.split_whitespace().map(str::to_owned).collect();
    let hook = mesh::activity::webhooks::create(
        &ctx.db,
        &crate::ssr::viewer(),
        &ctx.webhook_rules,
        &team,
        &url,
        &types,
    )
    .await?;
    Ok(CreatedWebhook {
        url: hook.url,
        secret: hook.secret,
    })
}

#[server(prefix = "/api", endpoint = "delete_webhook")]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    mesh::activity::webhooks::delete(&ctx.db, &crate::ssr::viewer(), id).await?;
    Ok(())
}
