//! Background work every instance runs: webhook deliveries (every 2 s) and housekeeping (every minute by default:
//! subscription expiry and reminders, the daily governance run (waivers lapse, every product re-evaluated,
//! today's compliance snapshot), expired sessions, idle rate-limit keys). Each step is safe to run on
//! several instances at once: rows are claimed or changed conditionally in the database.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use mesh::activity::webhooks::{Due, Failure, TargetRules};
use mesh::DatabaseConnection;
use tokio::task::JoinSet;

use crate::ratelimit::Limiters;

/// How the jobs behave (from the configuration).
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// Days before the end date when consumers are reminded (`AGORA_EXPIRY_REMINDER_DAYS`, default 14).
    pub reminder_days: i64,
    /// Seconds between housekeeping runs (`AGORA_JOB_INTERVAL_SECONDS`, default 60).
    pub interval_seconds: u64,
    /// Where webhooks may be delivered (`AGORA_WEBHOOK_ALLOW_PRIVATE`, https in production).
    pub webhook_rules: TargetRules,
}

/// Deliveries in flight at once (per instance). Each runs on its own task for at most [`DELIVERY_TIMEOUT`], so a
/// slow target holds one slot for that long while the others, and the next rounds, keep going.
pub const DELIVERY_CONCURRENCY: usize = 8;
/// Connecting and answering, per attempt.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the jobs. When `stop` turns true (shutdown), each finishes the round it is in and ends; shutdown waits
/// for the returned tasks. While the database is lost a round fails after the pool's acquire timeout, logs it
/// and waits for its next tick: nothing spins, nothing panics.
pub fn spawn(
    db: DatabaseConnection,
    limiters: Arc<Limiters>,
    settings: JobSettings,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let http = webhook_client(settings.webhook_rules);
    let rules = settings.webhook_rules;
    let deliveries_db = db.clone();
    let mut deliveries_stop = stop.clone();
    let deliveries = tokio::spawn(async move {
        let mut tick = ticker(Duration::from_secs(2));
        let mut in_flight = JoinSet::new();
        // After a claim that filled every free slot more may be due: claim again as soon as a slot frees, so a
        // backlog drains at the targets' pace instead of DELIVERY_CONCURRENCY per tick.
        let mut backlog = false;
        loop {
            tokio::select! {
                biased;
                _ = deliveries_stop.wait_for(|stopping| *stopping) => break,
                Some(_) = in_flight.join_next(), if backlog => {}
                _ = tick.tick() => {}
            }
            backlog = deliver_due(&deliveries_db, &http, rules, &mut in_flight).await;
        }
        // Shutdown: the attempts under way finish (each within its timeout) and are recorded.
        while in_flight.join_next().await.is_some() {}
    });
    let mut stop = stop;
    let housekeeping = tokio::spawn(async move {
        let mut tick = ticker(Duration::from_secs(settings.interval_seconds.max(1)));
        while next_round(&mut tick, &mut stop).await {
            housekeeping(&db, &limiters, &settings).await;
        }
    });
    vec![deliveries, housekeeping]
}

/// A round every `period`; rounds that overran (e.g. each waiting out a lost database) are not made up in a burst.
fn ticker(period: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

/// Waits for the next round; false once shutdown has begun (or nobody can signal it any more).
async fn next_round(
    tick: &mut tokio::time::Interval,
    stop: &mut tokio::sync::watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        biased;
        _ = stop.wait_for(|stopping| *stopping) => false,
        _ = tick.tick() => true,
    }
}

/// The client webhooks go out with: names resolve through [`CheckedResolver`] (so it connects only to addresses
/// `rules` allow, whatever the name resolves to by then), no redirects, no proxy from the environment (the
/// check would then apply to the proxy, not the target), and a timeout per attempt.
pub fn webhook_client(rules: TargetRules) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(CheckedResolver { rules }))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(DELIVERY_TIMEOUT)
        .timeout(DELIVERY_TIMEOUT)
        .user_agent("agora-webhooks")
        .build()
        .expect("a reqwest client with static settings builds")
}

/// Resolves a webhook's host and keeps only the addresses the rules allow; when none is left the connection is
/// refused with [`RefusedAddress`]. The connection then goes to a checked address, so a name cannot pass the
/// check with one answer and connect with another (DNS rebinding). IP literals never reach a resolver: they are
/// checked by [`TargetRules::check_url`] before sending.
struct CheckedResolver {
    rules: TargetRules,
}

/// Every address of the target was one webhooks may not reach.
#[derive(Debug, thiserror::Error)]
#[error("refused: private address")]
struct RefusedAddress;

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let rules = self.rules;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.into_iter().filter(|a| rules.allows(a.ip())).collect();
            if allowed.is_empty() {
                return Err(Box::new(RefusedAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Claims as many due deliveries as `in_flight` has free slots (of [`DELIVERY_CONCURRENCY`]) and starts each on
/// its own task (signed, the outcome recorded) without waiting for it: a slow target holds only its slot, never
/// the others or the next round. The claim's 60 s lease outlasts an attempt, so no instance sends it twice at once.
/// True when every slot is taken after the claim, so more may be due (a backlog).
pub async fn deliver_due(
    db: &DatabaseConnection,
    http: &reqwest::Client,
    rules: TargetRules,
    in_flight: &mut JoinSet<()>,
) -> bool {
    while in_flight.try_join_next().is_some() {}
    let free = DELIVERY_CONCURRENCY.saturating_sub(in_flight.len());
    if free == 0 {
        crate::metrics::job_ran("webhooks", "skipped", Duration::ZERO);
        return true;
    }
    let started = Instant::now();
    let due = match mesh::activity::webhooks::claim_due(db, Utc::now(), free as u64).await {
        Ok(due) => due,
        Err(err) => {
            tracing::warn!(error = %err, "could not read webhook deliveries");
            crate::metrics::job_ran("webhooks", "failed", started.elapsed());
            return false;
        }
    };
    crate::metrics::job_ran("webhooks", "ok", started.elapsed());
    let full = due.len() == free;
    for d in due {
        in_flight.spawn(deliver(db.clone(), http.clone(), rules, d));
    }
    match mesh::activity::webhooks::pending(db).await {
        Ok(pending) => crate::metrics::webhook_queue_depth(pending),
        Err(err) => tracing::debug!(error = %err, "could not count pending webhook deliveries"),
    }
    full
}

async fn deliver(db: DatabaseConnection, http: reqwest::Client, rules: TargetRules, d: Due) {
    let outcome = match rules.check_url(&d.url) {
        Ok(url) => send(&http, url, &d).await,
        Err(refused) => Err(refused),
    };
    let (status, failure) = match outcome {
        Ok(code) => (Some(code), None),
        Err(failure) => (None, Some(failure)),
    };
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    crate::metrics::webhook_delivery(if delivered {
        "delivered"
    } else if d.attempts + 1 >= mesh::activity::webhooks::MAX_ATTEMPTS {
        "failed"
    } else {
        "retrying"
    });
    if !delivered {
        tracing::info!(
            delivery = d.delivery_id,
            attempt = d.attempts + 1,
            ?status,
            failure = failure.map(|f| f.to_string()),
            "webhook delivery failed"
        );
    }
    if let Err(err) =
        mesh::activity::webhooks::record_attempt(&db, d.delivery_id, status, failure, Utc::now())
            .await
    {
        tracing::warn!(error = %err, "could not record a webhook attempt");
    }
}

/// One attempt: the status code, or what went wrong in words fit for the webhooks page (the client's own error
/// text, which describes the network, goes to the log only).
async fn send(http: &reqwest::Client, url: url::Url, d: &Due) -> Result<u16, Failure> {
    let body = serde_json::to_vec(&d.payload).unwrap_or_default();
    let signature = mesh::activity::webhooks::sign(&d.secret, Utc::now().timestamp(), &body);
    let result = http
        .post(url)
        .header("content-type", "application/cloudevents+json")
        .header(mesh::activity::webhooks::SIGNATURE_HEADER, signature)
        .header("x-agora-delivery", d.delivery_id.to_string())
        .body(body)
        .send()
        .await;
    match result {
        Ok(response) => Ok(response.status().as_u16()),
        Err(err) => {
            tracing::debug!(delivery = d.delivery_id, error = %err, "webhook request failed");
            Err(failure_of(&err))
        }
    }
}

fn failure_of(err: &reqwest::Error) -> Failure {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if e.is::<RefusedAddress>() {
            return Failure::PrivateAddress;
        }
        cause = e.source();
    }
    if err.is_timeout() {
        Failure::TimedOut
    } else if err.is_connect() {
        Failure::CannotConnect
    } else {
        Failure::RequestFailed
    }
}

/// Runs one step of background work and counts it as a run of `job` (see [`crate::metrics::job_ran`]): failed
/// when it returned an error, skipped when `skipped` says its answer meant there was nothing to do.
async fn step<T, E>(
    job: &'static str,
    work: impl std::future::Future<Output = Result<T, E>>,
    skipped: impl Fn(&T) -> bool,
) -> Result<T, E> {
    let started = Instant::now();
    let result = work.await;
    let outcome = match &result {
        Ok(done) if skipped(done) => "skipped",
        Ok(_) => "ok",
        Err(_) => "failed",
    };
    crate::metrics::job_ran(job, outcome, started.elapsed());
    result
}

async fn housekeeping(db: &DatabaseConnection, limiters: &Limiters, settings: &JobSettings) {
    let started = Instant::now();
    let today = Utc::now().date_naive();
    let mut failed = false;
    let expiry = mesh::subscriptions::run_expiry(db, today, settings.reminder_days);
    match step("expiry", expiry, |_| false).await {
        Ok(report) if report.expired + report.reminded > 0 => {
            tracing::info!(
                expired = report.expired,
                reminded = report.reminded,
                "subscription expiry"
            )
        }
        Ok(_) => {}
        Err(err) => {
            failed = true;
            tracing::warn!(error = %err, "subscription expiry failed")
        }
    }
    let governance = mesh::governance::daily_if_due(db, today);
    match step("governance", governance, Option::is_none).await {
        Ok(Some(products)) => tracing::info!(products, "daily governance run"),
        Ok(None) => {}
        Err(err) => {
            failed = true;
            tracing::warn!(error = %err, "daily governance run failed")
        }
    }
    if let Err(err) = step(
        "sessions",
        mesh::access::sessions::purge_expired(db),
        |_| false,
    )
    .await
    {
        failed = true;
        tracing::warn!(error = %err, "purging expired sessions failed");
    }
    limiters.shrink();
    let outcome = if failed { "failed" } else { "ok" };
    crate::metrics::job_ran("housekeeping", outcome, started.elapsed());
}
