//! Rate limits per client: sign-in attempts per IP; mutations and API-token use per session, token or IP;
//! anonymous reads per IP. Over the limit: 429 with `Retry-After`. Limits are per instance (in memory).
//!
//! The client IP is the socket peer, unless the peer is one of `AGORA_TRUSTED_PROXIES`: then it is the nearest
//! address in `X-Forwarded-For` that is not itself a trusted proxy. Forwarding headers from anyone else are
//! ignored, so a client cannot choose its own bucket. Only `X-Forwarded-For` is read: it is the header every
//! common proxy (nginx, HAProxy, Envoy, cloud load balancers) appends to, while most pass a client's own
//! `Forwarded` header through untouched, so reading that one would let a client pick its address.
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;

use crate::config::RateLimits;
use crate::credential::Credential;
use crate::problem::Problem;

pub struct Limiters {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    use_: DefaultKeyedRateLimiter<String>,
    /// Anonymous reads per IP; None when switched off.
    reads: Option<DefaultKeyedRateLimiter<IpAddr>>,
    trusted_proxies: Vec<IpNet>,
}

/// The client address a request was attributed to (set by [`limit`] for the handlers after it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl Limiters {
    pub fn new(limits: &RateLimits) -> Arc<Self> {
        let nonzero = |n: u32| NonZeroU32::new(n.max(1)).expect("at least one");
        let per_minute = |n: u32| Quota::per_minute(nonzero(n));
        let reads = (limits.anonymous_reads_per_second > 0).then(|| {
            RateLimiter::keyed(
                Quota::per_second(nonzero(limits.anonymous_reads_per_second))
                    .allow_burst(nonzero(limits.anonymous_read_burst)),
            )
        });
        Arc::new(Self {
            sign_in: RateLimiter::keyed(per_minute(limits.sign_ins_per_minute)),
            use_: RateLimiter::keyed(per_minute(limits.mutations_per_minute)),
            reads,
            trusted_proxies: limits.trusted_proxies.clone(),
        })
    }

    /// Drops idle keys (called periodically).
    pub fn shrink(&self) {
        self.sign_in.retain_recent();
        self.use_.retain_recent();
        if let Some(reads) = &self.reads {
            reads.retain_recent();
        }
    }
}

fn trusted(proxies: &[IpNet], ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    proxies.iter().any(|net| net.contains(&ip))
}

/// One entry of `X-Forwarded-For` (`192.0.2.60`, `[2001:db8::1]:4711`, `192.0.2.60:80`); None for `unknown`,
/// obfuscated identifiers and garbage.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse::<SocketAddr>().ok().map(|a| a.ip())
}

/// The hops `X-Forwarded-For` reports, client first. A hop that cannot be read is None.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect()
}

/// The client's address: the socket peer, or behind trusted proxies the nearest forwarded hop that is not one.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> IpAddr {
    if !trusted(proxies, peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_chain(headers).into_iter().rev() {
        match hop {
            Some(ip) => {
                client = ip;
                if !trusted(proxies, ip) {
                    break;
                }
            }
            // What lies left of an unreadable hop was written by nobody we trust.
            None => break,
        }
    }
    client
}

fn peer_of(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// Reads that cost nothing worth limiting: the built site's files and the health probes.
fn exempt(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/healthz" || path == "/readyz"
}

fn too_many(wait_secs: u64) -> Response {
    let mut response = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many requests; try again in {wait_secs} s"),
    )
    .into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&wait_secs.to_string()).expect("digits"),
    );
    response
}

/// Seconds to wait when a limiter refused (None when it allowed the request).
fn refused(
    result: Result<(), governor::NotUntil<<DefaultClock as Clock>::Instant>>,
) -> Option<u64> {
    result.err().map(|not_until| {
        not_until
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            + 1
    })
}

/// Counts the request against its limiter (see the module notes), keyed by the [`Credential`] an earlier layer put
/// into the request's extensions, else by the client's IP.
pub async fn limit(
    State(limiters): State<Arc<Limiters>>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = client_ip(
        peer_of(&request),
        request.headers(),
        &limiters.trusted_proxies,
    );
    request.extensions_mut().insert(ClientIp(ip));
    let path = request.uri().path();
    let mutating = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let credential = request.extensions().get::<Credential>();
    let checked = if path.starts_with("/auth/") && (mutating || path.ends_with("/callback")) {
        refused(limiters.sign_in.check_key(&ip)).map(|wait| (wait, "sign_in"))
    } else {
        let key = match credential {
            Some(Credential::Token(hash)) => Some(format!("token:{hash}")),
            Some(Credential::Session(hash)) if mutating => Some(format!("session:{hash}")),
            None if mutating => Some(format!("ip:{ip}")),
            _ => None,
        };
        match (key, &limiters.reads) {
            (Some(key), _) => {
                refused(limiters.use_.check_key(&key)).map(|wait| (wait, "writes_and_tokens"))
            }
            (None, Some(reads))
                if credential.is_none()
                    && *request.method() != Method::OPTIONS
                    && !exempt(path) =>
            {
                refused(reads.check_key(&ip)).map(|wait| (wait, "anonymous_reads"))
            }
            _ => None,
        }
    };
    match checked {
        None => next.run(request).await,
        Some((wait, limiter)) => {
            crate::metrics::rate_limited(limiter);
            too_many(wait)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.2")]);
        assert_eq!(
            client_ip(ip("198.51.100.1"), &xff, &proxies),
            ip("198.51.100.1")
        );
        assert_eq!(client_ip(ip("10.0.0.1"), &xff, &proxies), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("10.0.0.1"), &xff, &[]), ip("10.0.0.1"));
        // A client that forges the header cannot get past the hop the proxy appended.
        let forged = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9")]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forged, &proxies),
            ip("203.0.113.9")
        );
        // `Forwarded` is not read: proxies pass a client's own one through, so it would pick the bucket.
        let chosen = headers(&[
            ("forwarded", "for=192.0.2.43"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &chosen, &proxies),
            ip("203.0.113.9")
        );
        let garbage = headers(&[("x-forwarded-for", "nonsense")]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &garbage, &proxies),
            ip("10.0.0.1")
        );
        let mapped = ip("::ffff:10.0.0.1");
        assert_eq!(client_ip(mapped, &xff, &proxies), ip("203.0.113.9"));
    }
}
