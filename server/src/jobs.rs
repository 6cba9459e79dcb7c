//! Background work every instance runs: webhook deliveries (every 2 s) and housekeeping (every minute by default:
//! subscription expiry and reminders, the daily governance run (waivers lapse, every product re-evaluated,
//! today's compliance snapshot), expired sessions, idle rate-limit keys). Each step is safe to run on
//! several instances at once: rows are claimed or changed conditionally in the database.
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use mesh::DatabaseConnection;

use crate::ratelimit::Limiters;

/// How the jobs behave (from the configuration).
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// Days before the end date when consumers are reminded (`AGORA_EXPIRY_REMINDER_DAYS`, default 14).
    pub reminder_days: i64,
    /// Seconds between housekeeping runs (`AGORA_JOB_INTERVAL_SECONDS`, default 60).
    pub interval_seconds: u64,
}

pub fn spawn(db: DatabaseConnection, limiters: Arc<Limiters>, settings: JobSettings) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .user_agent("agora-webhooks")
        .build()
        .expect("a reqwest client with static settings builds");
    let deliveries_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            deliver_due(&deliveries_db, &http).await;
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(settings.interval_seconds.max(1)));
        loop {
            tick.tick().await;
            housekeeping(&db, &limiters, &settings).await;
        }
    });
}

/// Sends the webhook deliveries that are due, signed, and records each outcome.
pub async fn deliver_due(db: &DatabaseConnection, http: &reqwest::Client) {
    let due = match mesh::webhooks::claim_due(db, Utc::now(), 20).await {
        Ok(due) => due,
        Err(err) => {
            tracing::warn!(error = %err, "could not read webhook deliveries");
            return;
        }
    };
    for d in due {
        let body = serde_json::to_vec(&d.payload).unwrap_or_default();
        let signature = mesh::webhooks::sign(&d.secret, &body);
        let result = http
            .post(&d.url)
            .header("content-type", "application/cloudevents+json")
            .header(mesh::webhooks::SIGNATURE_HEADER, signature)
            .header("x-agora-delivery", d.delivery_id.to_string())
            .body(body)
            .send()
            .await;
        let (status, error) = match result {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(err) => (None, Some(err.to_string())),
        };
        if status.is_none_or(|s| !(200..300).contains(&s)) {
            tracing::info!(
                delivery = d.delivery_id,
                attempt = d.attempts + 1,
                ?status,
                ?error,
                "webhook delivery failed"
            );
        }
        if let Err(err) =
            mesh::webhooks::record_attempt(db, d.delivery_id, status, error, Utc::now()).await
        {
            tracing::warn!(error = %err, "could not record a webhook attempt");
        }
    }
}

async fn housekeeping(db: &DatabaseConnection, limiters: &Limiters, settings: &JobSettings) {
    match mesh::subscriptions::run_expiry(db, Utc::now().date_naive(), settings.reminder_days).await
    {
        Ok(report) if report.expired + report.reminded > 0 => {
            tracing::info!(
                expired = report.expired,
                reminded = report.reminded,
                "subscription expiry"
            )
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "subscription expiry failed"),
    }
    match mesh::governance::daily_if_due(db, Utc::now().date_naive()).await {
        Ok(Some(products)) => tracing::info!(products, "daily governance run"),
        Ok(None) => {}
        Err(err) => tracing::warn!(error = %err, "daily governance run failed"),
    }
    if let Err(err) = mesh::sessions::purge_expired(db).await {
        tracing::warn!(error = %err, "purging expired sessions failed");
    }
    limiters.shrink();
}
