//! Team webhooks: CloudEvents 1.0 JSON, signed with HMAC-SHA256, queued in the database (an outbox written in
//! the same transaction as the change) and delivered with retries by the server's worker.
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{json, Value};
use sha2::Sha256;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::access::Viewer;
use crate::activity::audit::{self, Entry};
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

/// The header carrying the signature: `t=<unix seconds>,v1=<hex of HMAC-SHA256(secret, "<t>.<body>")>` (the
/// scheme of Stripe and Standard Webhooks). The timestamp is signed too, so a receiver can refuse replays.
pub const SIGNATURE_HEADER: &str = "x-agora-signature";

/// How far a signature's timestamp may be from the receiver's clock (either way) before it is refused as a replay.
pub const SIGNATURE_TOLERANCE_SECONDS: i64 = 300;

fn signature_mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Signs a payload at `timestamp` (unix seconds) as the receiver checks it.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = signature_mac(secret, timestamp, body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Checks a signature header as a receiver should: a `v1` matches (in constant time) and its `t` is within
/// [`SIGNATURE_TOLERANCE_SECONDS`] of `now` (unix seconds).
pub fn verify(secret: &str, body: &[u8], header: &str, now: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => signatures.extend(hex::decode(sig).ok()),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return false;
    };
    if (now - timestamp).abs() > SIGNATURE_TOLERANCE_SECONDS {
        return false;
    }
    signatures.iter().any(|sig| {
        signature_mac(secret, timestamp, body)
            .verify_slice(sig)
            .is_ok()
    })
}

/// At most this many webhooks per team.
pub const MAX_WEBHOOKS_PER_TEAM: u64 = 20;

/// Where webhooks may point, from the configuration. The default is the strict one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetRules {
    /// `AGORA_WEBHOOK_ALLOW_PRIVATE`: loopback, private, link-local and other internal addresses are allowed.
    pub allow_private: bool,
    /// Production: only `https://` targets.
    pub require_https: bool,
}

impl Default for TargetRules {
    fn default() -> Self {
        Self {
            allow_private: false,
            require_https: true,
        }
    }
}

/// Why an attempt did not get an HTTP answer. Only these fixed texts are stored and shown (never a client's
/// error text, which would describe the network behind Agora).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The target is, or resolves only to, an address Agora does not send to.
    #[error("refused: private address")]
    PrivateAddress,
    #[error("refused: https required")]
    HttpsRequired,
    #[error("refused: not an http(s) URL")]
    NotHttp,
    #[error("timed out")]
    TimedOut,
    #[error("could not connect")]
    CannotConnect,
    #[error("request failed")]
    RequestFailed,
}

impl Failure {
    const ALL: [Failure; 6] = [
        Failure::PrivateAddress,
        Failure::HttpsRequired,
        Failure::NotHttp,
        Failure::TimedOut,
        Failure::CannotConnect,
        Failure::RequestFailed,
    ];

    /// The failure a stored text names; anything else (e.g. written by an older version) is a failed request.
    pub fn from_stored(text: &str) -> Failure {
        Failure::ALL
            .into_iter()
            .find(|f| f.to_string() == text)
            .unwrap_or(Failure::RequestFailed)
    }
}

impl TargetRules {
    /// Checks a target when it is registered: [`TargetRules::check_url`], and loopback names, which need no
    /// lookup to know (a registration does not resolve names: their answer may change before the delivery).
    pub fn check_registration(&self, url: &str) -> std::result::Result<url::Url, Failure> {
        let url = self.check_url(url)?;
        if let Some(url::Host::Domain(name)) = url.host() {
            // RFC 6761: `localhost` and every name under it is the loopback interface.
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if (name == "localhost" || name.ends_with(".localhost")) && !self.allow_private {
                return Err(Failure::PrivateAddress);
            }
        }
        Ok(url)
    }

    /// May a connection go to `ip`?
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || !is_internal(ip)
    }

    /// Checks a target before anything is sent: the scheme, and the host when it is an IP literal (a literal is
    /// never resolved, so this is its only check). Names are checked address by address when the connection is
    /// made (see the server's webhook client), so a name that resolves elsewhere later cannot slip through.
    pub fn check_url(&self, url: &str) -> std::result::Result<url::Url, Failure> {
        let url = url::Url::parse(url.trim()).map_err(|_| Failure::NotHttp)?;
        match url.scheme() {
            "https" => {}
            "http" if !self.require_https => {}
            "http" => return Err(Failure::HttpsRequired),
            _ => return Err(Failure::NotHttp),
        }
        let internal = match url.host() {
            None => return Err(Failure::NotHttp),
            Some(url::Host::Ipv4(ip)) => is_internal(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => is_internal(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => false,
        };
        if internal && !self.allow_private {
            return Err(Failure::PrivateAddress);
        }
        Ok(url)
    }
}

/// Addresses a webhook must not reach: this host, private networks, link-local (cloud metadata), CGNAT,
/// multicast, broadcast, reserved and unspecified, also when written as IPv4-mapped, IPv4-compatible, NAT64 or
/// 6to4 IPv6.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0 // "this network", 0.0.0.0
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254) // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 168)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 224 // multicast 224/4, reserved 240/4, broadcast
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| {
        is_internal_v4(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        ))
    };
    if ip.is_unspecified() || ip.is_loopback() {
        return true;
    }
    match s {
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0, 0, 0, 0, 0, 0, hi, lo] => embedded(hi, lo),
        // NAT64 64:ff9b::a.b.c.d
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => embedded(hi, lo),
        // 6to4 2002:aabb:ccdd::/48
        [0x2002, hi, lo, ..] => embedded(hi, lo),
        _ => {
            (s[0] & 0xfe00) == 0xfc00 // unique-local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (s[0] & 0xff00) == 0xff00 // multicast ff00::/8
        }
    }
}

/// A CloudEvent 1.0 (structured JSON).
pub fn cloud_event(event_type: &str, subject: &str, data: Value) -> Value {
    json!({
        "specversion": "1.0",
        "id": crate::access::secrets::random_token(),
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

/// Deliveries still to be made, due now or waiting for a retry (the outbox's depth).
pub async fn pending(db: &impl ConnectionTrait) -> Result<u64> {
    Ok(WebhookDelivery::find()
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .count(db)
        .await?)
}

/// Retries wait 30 s, 2 min, 8 min... (x4 each time); after this many attempts a delivery has failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// Records the outcome of an attempt: delivered on 2xx, otherwise retried later or failed.
pub async fn record_attempt(
    db: &impl ConnectionTrait,
    delivery_id: i64,
    status_code: Option<u16>,
    failure: Option<Failure>,
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
    active.last_error = Set(failure.map(|f| f.to_string()));
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

/// The webhooks of the teams the viewer owns (all for admins), with their last 20 deliveries. A delivery's
/// `last_error` is one of the [`Failure`] texts.
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
            .await?
            .into_iter()
            .map(|mut d| {
                d.last_error = d.last_error.map(|e| Failure::from_stored(&e).to_string());
                d
            })
            .collect();
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

/// A webhook just added: where it points and the secret its deliveries are signed with, shown this once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedWebhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

/// Adds a webhook to a team the viewer owns, pointing where `rules` allow (at most [`MAX_WEBHOOKS_PER_TEAM`] per
/// team). Returns it with the secret, shown once.
pub async fn create(
    conn: &DatabaseConnection,
    viewer: &Viewer,
    rules: &TargetRules,
    team_slug: &str,
    url: &str,
    event_types: &[String],
) -> Result<CreatedWebhook> {
    viewer.require_user()?;
    let team = Team::find()
        .filter(team::Column::Slug.eq(team_slug))
        .one(conn)
        .await?
        .ok_or_else(|| Error::invalid("team", format!("no team `{team_slug}`")))?;
    viewer.require(
        viewer.may_decide_for_team(team.id),
        "manage this team's webhooks (owners only)",
    )?;
    // Count and insert under the team's row lock, so two registrations at once cannot both pass the cap.
    let txn = crate::db::begin_write(conn).await?;
    let db = &txn;
    crate::db::lock_rows(db, "teams", &[team.id]).await?;
    let existing = Webhook::find()
        .filter(webhook::Column::TeamId.eq(team.id))
        .count(db)
        .await?;
    if existing >= MAX_WEBHOOKS_PER_TEAM {
        return Err(Error::Conflict(format!(
            "{} already has {MAX_WEBHOOKS_PER_TEAM} webhooks, the most a team may have: delete one first",
            team.name
        )));
    }
    let mut errors = Vec::new();
    match rules.check_registration(url) {
        Ok(_) => {}
        Err(Failure::HttpsRequired) => errors.push(FieldError::new("url", "give an https:// URL")),
        Err(Failure::PrivateAddress) => errors.push(FieldError::new(
            "url",
            "must not point to a loopback, private or link-local address",
        )),
        Err(_) => errors.push(FieldError::new("url", "give an http:// or https:// URL")),
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
        secret: Set(crate::access::secrets::random_token()),
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
    txn.commit().await?;
    Ok(CreatedWebhook {
        id: row.id,
        url: row.url,
        secret: row.secret,
    })
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
        let t = 1_764_000_000;
        let sig = sign("s3cret", t, b"{\"a\":1}");
        assert!(sig.starts_with("t=1764000000,v1=") && sig.len() == 16 + 64);
        assert!(verify("s3cret", b"{\"a\":1}", &sig, t));
        assert!(!verify("s3cret", b"{\"a\":2}", &sig, t));
        assert!(!verify("other", b"{\"a\":1}", &sig, t));
        assert!(!verify("s3cret", b"{\"a\":1}", "t=1764000000,v1=zz", t));
        assert!(
            !verify(
                "s3cret",
                b"{\"a\":1}",
                &sig.replace("t=1764000000", "t=1764000001"),
                t
            ),
            "the timestamp is signed"
        );
        let v1 = sig.split_once(",v1=").unwrap().1;
        assert!(
            !verify("s3cret", b"{\"a\":1}", &format!("v1={v1}"), t),
            "no timestamp, no trust"
        );
        assert!(
            verify("s3cret", b"{\"a\":1}", &format!("t={t},v1=00,v1={v1}"), t),
            "any v1 may match (key rotation)"
        );
    }

    #[test]
    fn signatures_match_the_readme_recipe() {
        // The value the README's Python and openssl recipes compute for this secret, time and body.
        assert_eq!(
            sign("s3cret", 1_764_000_000, b"{\"a\":1}"),
            "t=1764000000,v1=ece4ac47663d3ad88bb0892d55cacbb8177c0af8203f4a4e2e1e25c47ec628d5"
        );
    }

    #[test]
    fn old_or_future_signatures_are_replays() {
        let t = 1_764_000_000;
        let sig = sign("s3cret", t, b"{}");
        assert!(verify(
            "s3cret",
            b"{}",
            &sig,
            t + SIGNATURE_TOLERANCE_SECONDS
        ));
        assert!(!verify(
            "s3cret",
            b"{}",
            &sig,
            t + SIGNATURE_TOLERANCE_SECONDS + 1
        ));
        assert!(!verify(
            "s3cret",
            b"{}",
            &sig,
            t - SIGNATURE_TOLERANCE_SECONDS - 1
        ));
    }

    #[test]
    fn internal_addresses_are_recognised_in_every_spelling() {
        for ip in [
            "0.0.0.0",
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.0.170",
            "198.18.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "fe80::1",
            "febf::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip} is internal");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.0.1",
            "192.169.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::",
            "2001:db8::1",
        ] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn literal_and_loopback_targets_are_refused_before_sending() {
        let strict = TargetRules::default();
        for url in [
            "https://127.0.0.1/",
            "https://[::1]:8080/x",
            "https://[::ffff:127.0.0.1]/",
            "https://169.254.169.254/latest/meta-data/",
            "https://2130706433/",
            "https://0x7f.1/",
            "https://0/",
            "https://[fe80::1]/",
            "https://10.0.0.5/",
        ] {
            assert_eq!(strict.check_url(url), Err(Failure::PrivateAddress), "{url}");
        }
        assert!(strict.check_url("https://hooks.example/x").is_ok());
        for url in [
            "https://localhost:3000/",
            "https://LOCALHOST./",
            "https://agora.localhost/",
            "https://127.0.0.1/",
        ] {
            assert_eq!(
                strict.check_registration(url),
                Err(Failure::PrivateAddress),
                "{url}"
            );
        }
        assert!(
            strict.check_url("https://localhost/").is_ok(),
            "names are checked when connecting"
        );
        assert_eq!(
            strict.check_url("http://hooks.example/x"),
            Err(Failure::HttpsRequired)
        );
        assert_eq!(
            strict.check_url("ftp://hooks.example/x"),
            Err(Failure::NotHttp)
        );
        assert_eq!(strict.check_url("not a url"), Err(Failure::NotHttp));
        let dev = TargetRules {
            allow_private: false,
            require_https: false,
        };
        assert!(dev.check_url("http://hooks.example/x").is_ok());
        assert_eq!(
            dev.check_url("http://127.0.0.1:9/"),
            Err(Failure::PrivateAddress)
        );
        let lab = TargetRules {
            allow_private: true,
            require_https: false,
        };
        assert!(lab.check_url("http://127.0.0.1:9/").is_ok());
        assert!(lab.allows("127.0.0.1".parse().unwrap()));
        assert!(!dev.allows("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn only_fixed_failure_texts_are_shown() {
        assert_eq!(
            Failure::from_stored("refused: private address"),
            Failure::PrivateAddress
        );
        assert_eq!(
            Failure::from_stored(
                "error sending request for url (http://10.0.0.7:5432/): connection refused"
            ),
            Failure::RequestFailed
        );
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
