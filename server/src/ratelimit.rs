//! Rate limits per client: sign-in attempts per IP; mutations and API-token use per session, token or IP.
//! Over the limit: 429 with `Retry-After`. Limits are per instance (in memory).
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::session::Credential;
use crate::config::RateLimits;
use crate::problem::Problem;
use crate::state::AppState;

pub struct Limiters {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    use_: DefaultKeyedRateLimiter<String>,
}

impl Limiters {
    pub fn new(limits: &RateLimits) -> Arc<Self> {
        let per_minute =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"));
        Arc::new(Self {
            sign_in: RateLimiter::keyed(per_minute(limits.sign_ins_per_minute)),
            use_: RateLimiter::keyed(per_minute(limits.mutations_per_minute)),
        })
    }

    /// Drops idle keys (called periodically).
    pub fn shrink(&self) {
        self.sign_in.retain_recent();
        self.use_.retain_recent();
    }
}

fn client_ip(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
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

pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limiters = &state.limiters;
    let ip = client_ip(&request);
    let path = request.uri().path();
    let mutating = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if path.starts_with("/auth/") && (mutating || path.ends_with("/callback")) {
        if let Err(not_until) = limiters.sign_in.check_key(&ip) {
            let wait = not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                + 1;
            return too_many(wait);
        }
    } else {
        let key = match request.extensions().get::<Credential>() {
            Some(Credential::Token(hash)) => Some(format!("token:{hash}")),
            Some(Credential::Session(hash)) if mutating => Some(format!("session:{hash}")),
            None if mutating => Some(format!("ip:{ip}")),
            _ => None,
        };
        if let Some(key) = key {
            if let Err(not_until) = limiters.use_.check_key(&key) {
                let wait = not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    + 1;
                return too_many(wait);
            }
        }
    }
    next.run(request).await
}
