//! Configuration from the environment. Every value has a default, so `make run` needs none.
use std::net::SocketAddr;

/// Development allows demo sign-in and plain-http cookies on localhost; production refuses both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://PATH` (default `sqlite://./data/agora.db`) or `postgres://...`.
    pub database_url: String,
    /// `AGORA_ADDR` (or `LEPTOS_SITE_ADDR`): where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `AGORA_ENV`: `development` (default) or `production`.
    pub environment: Environment,
    /// `AGORA_LOG_FORMAT`: `pretty` (default) or `json`.
    pub log_format: LogFormat,
    /// `AGORA_DB_MAX_CONNECTIONS`: pool size (default 16).
    pub db_max_connections: u32,
    /// `AGORA_DB_ACQUIRE_TIMEOUT_MS`: how long a request waits for a database connection before it answers 503
    /// (default 1500).
    pub db_acquire_timeout_ms: u64,
    /// `AGORA_SHUTDOWN_GRACE_SECONDS`: after SIGTERM, how long requests in flight and background work may take
    /// to finish before the process exits anyway (default 20).
    pub shutdown_grace_seconds: u64,
    /// `LEPTOS_SITE_ROOT`: folder with the built site (`pkg/agora.js`, `.wasm`, `.css`); default `target/site`.
    pub site_root: String,
    /// Sign-in, sessions and request safety.
    pub auth: AuthConfig,
    /// `AGORA_EXPIRY_REMINDER_DAYS`: remind consumers this many days before a subscription ends (default 14).
    pub reminder_days: i64,
    /// `AGORA_JOB_INTERVAL_SECONDS`: how often expiry, reminders and clean-up run (default 60).
    pub job_interval_seconds: u64,
    /// `AGORA_SEARCH_REFRESH_MS`: how long a change made by another instance may take to show in search
    /// (default 1000; changes made through this instance show at once).
    pub search_refresh_ms: u64,
    /// `AGORA_SEARCH_CACHE_MB`: memory for rendered pages of search results (default 16; 0 renders every one).
    pub search_cache_mb: u64,
    /// `AGORA_RATE_LIMIT_PER_MINUTE` (mutations per session, token or IP; default 300),
    /// `AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE` (sign-in attempts per IP; default 30),
    /// `AGORA_ANON_RATE_LIMIT_PER_SECOND` and `AGORA_ANON_RATE_LIMIT_BURST` (anonymous reads per IP; default 20
    /// a second with bursts of 60; 0 switches the limit off) and `AGORA_TRUSTED_PROXIES`.
    pub rate_limits: RateLimits,
    /// `AGORA_WEBHOOK_ALLOW_PRIVATE`: webhooks may reach loopback, private and link-local addresses (default
    /// false; the test suite's local receivers need it).
    pub webhook_allow_private: bool,
    /// `AGORA_METRICS_TOKEN` and `AGORA_METRICS_ADDR`: where Prometheus may scrape `/metrics`.
    pub metrics: MetricsConfig,
}

/// Where `/metrics` (Prometheus text format) is served. Neither set: nowhere (`/metrics` on the main port is 404).
#[derive(Clone, Debug, Default)]
pub struct MetricsConfig {
    /// `AGORA_METRICS_TOKEN`: `/metrics` on the main port, for `Authorization: Bearer <token>` only (at least
    /// 16 visible ASCII characters).
    pub token: Option<String>,
    /// `AGORA_METRICS_ADDR`: a listener of its own serving `/metrics` without a token, e.g. `127.0.0.1:9464`
    /// (keep it off the public network). Port 0 picks a free port.
    pub addr: Option<SocketAddr>,
}

impl MetricsConfig {
    /// Whether metrics are served anywhere (and so recorded at all).
    pub fn enabled(&self) -> bool {
        self.token.is_some() || self.addr.is_some()
    }
}

impl Config {
    /// Where webhooks may point: public addresses only unless allowed, https only in production.
    pub fn webhook_rules(&self) -> mesh::activity::webhooks::TargetRules {
        mesh::activity::webhooks::TargetRules {
            allow_private: self.webhook_allow_private,
            require_https: self.environment == Environment::Production,
        }
    }
}

#[derive(Clone, Debug)]
pub struct RateLimits {
    pub mutations_per_minute: u32,
    pub sign_ins_per_minute: u32,
    /// Anonymous GETs per client IP and second (0: no limit), and the burst allowed above it.
    pub anonymous_reads_per_second: u32,
    pub anonymous_read_burst: u32,
    /// `AGORA_TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges of reverse proxies. Only a request from
    /// one of them has its client address taken from `Forwarded` / `X-Forwarded-For`; every other request is
    /// keyed by its socket peer (default: none, so forwarding headers are ignored).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// An OAuth2/OIDC provider offered on `/login`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderConfig {
    /// Short name used in URLs (`/auth/{id}/callback`) and identities.
    pub id: String,
    /// Button text, e.g. "Keycloak".
    pub label: String,
    pub kind: ProviderKind,
    pub client_id: String,
    pub client_secret: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderKind {
    /// Any OpenID Connect issuer, found by discovery (`{issuer}/.well-known/openid-configuration`).
    Oidc { issuer: String },
    /// GitHub's OAuth2 and user API (URLs overridable for GitHub Enterprise).
    GitHub {
        authorize_url: String,
        token_url: String,
        api_url: String,
    },
}

#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// `AGORA_PUBLIC_URL`: the origin browsers use, e.g. `https://agora.example.com`. Default: `http://` + the
    /// bound address. Redirect URIs and the Origin check derive from it.
    pub public_url: Option<String>,
    /// `AGORA_AUTH_PROVIDERS`: comma-separated provider ids, each configured by `AGORA_AUTH_<ID>_*`.
    pub providers: Vec<ProviderConfig>,
    /// `AGORA_ADMIN_EMAILS`: comma-separated emails that become admins when they sign in.
    pub admin_emails: Vec<String>,
    /// `AGORA_DEMO_LOGIN`: "sign in as" the seeded personas. Default: on in development without providers.
    pub demo_login: bool,
    /// `AGORA_PUBLIC_BROWSE`: anonymous visitors may browse the marketplace (default true).
    pub public_browse: bool,
    /// `AGORA_SESSION_IDLE_MINUTES` (default 480) and `AGORA_SESSION_MAX_DAYS` (default 7).
    pub session_idle_minutes: i64,
    pub session_max_days: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    /// Builds the configuration from any key lookup (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let addr_text = get("AGORA_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text.parse().map_err(|_| {
            ConfigError(format!(
                "AGORA_ADDR `{addr_text}` is not an address like 127.0.0.1:3000"
            ))
        })?;
        let environment = match get("AGORA_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError(format!(
                    "AGORA_ENV `{other}` must be development or production"
                )));
            }
        };
        let log_format = match get("AGORA_LOG_FORMAT").as_deref() {
            None | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError(format!(
                    "AGORA_LOG_FORMAT `{other}` must be pretty or json"
                )));
            }
        };
        let db_max_connections = number(&get, "AGORA_DB_MAX_CONNECTIONS", 16u32)?;
        let auth = auth_config(&get, environment)?;
        let rate_limits = RateLimits {
            mutations_per_minute: number(&get, "AGORA_RATE_LIMIT_PER_MINUTE", 300)?,
            sign_ins_per_minute: number(&get, "AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE", 30)?,
            anonymous_reads_per_second: number_or_zero(
                &get,
                "AGORA_ANON_RATE_LIMIT_PER_SECOND",
                20,
            )?,
            anonymous_read_burst: number(&get, "AGORA_ANON_RATE_LIMIT_BURST", 60)?,
            trusted_proxies: trusted_proxies(&get)?,
        };
        Ok(Config {
            database_url: get("DATABASE_URL").unwrap_or_else(|| "sqlite://./data/agora.db".into()),
            addr,
            environment,
            log_format,
            db_max_connections,
            db_acquire_timeout_ms: number(&get, "AGORA_DB_ACQUIRE_TIMEOUT_MS", 1500)?,
            shutdown_grace_seconds: number(&get, "AGORA_SHUTDOWN_GRACE_SECONDS", 20)?,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            auth,
            rate_limits,
            reminder_days: number(&get, "AGORA_EXPIRY_REMINDER_DAYS", 14)?,
            job_interval_seconds: number(&get, "AGORA_JOB_INTERVAL_SECONDS", 60)?,
            search_refresh_ms: number(&get, "AGORA_SEARCH_REFRESH_MS", 1000)?,
            search_cache_mb: number_or_zero(&get, "AGORA_SEARCH_CACHE_MB", 16)?,
            webhook_allow_private: flag(&get, "AGORA_WEBHOOK_ALLOW_PRIVATE")?.unwrap_or(false),
            metrics: metrics_config(&get)?,
        })
    }
}

/// The shortest `AGORA_METRICS_TOKEN` accepted.
const MIN_METRICS_TOKEN: usize = 16;

fn metrics_config(get: &impl Fn(&str) -> Option<String>) -> Result<MetricsConfig, ConfigError> {
    let token = get("AGORA_METRICS_TOKEN");
    if let Some(token) = &token {
        if token.len() < MIN_METRICS_TOKEN || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError(format!(
                "AGORA_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} visible ASCII characters without spaces"
            )));
        }
    }
    let addr = match get("AGORA_METRICS_ADDR") {
        None => None,
        Some(text) => Some(text.trim().parse().map_err(|_| {
            ConfigError(format!(
                "AGORA_METRICS_ADDR `{text}` is not an address like 127.0.0.1:9464"
            ))
        })?),
    };
    Ok(MetricsConfig { token, addr })
}

/// A positive number, or `default` when unset.
fn number<T: std::str::FromStr + PartialOrd + Default + Copy>(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: T,
) -> Result<T, ConfigError> {
    parsed(
        get,
        key,
        default,
        |n| *n > T::default(),
        "a positive number",
    )
}

/// A number of 0 or more (0 switches something off), or `default` when unset.
fn number_or_zero<T: std::str::FromStr + PartialOrd + Default + Copy>(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: T,
) -> Result<T, ConfigError> {
    parsed(
        get,
        key,
        default,
        |n| *n >= T::default(),
        "0 or a positive number",
    )
}

fn parsed<T: std::str::FromStr + Copy>(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: T,
    valid: impl Fn(&T) -> bool,
    what: &str,
) -> Result<T, ConfigError> {
    match get(key) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<T>()
            .ok()
            .filter(valid)
            .ok_or_else(|| ConfigError(format!("{key} `{v}` must be {what}"))),
    }
}

fn flag(get: &impl Fn(&str) -> Option<String>, key: &str) -> Result<Option<bool>, ConfigError> {
    match get(key).as_deref().map(str::trim) {
        None => Ok(None),
        Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
        Some("0" | "false" | "no" | "off") => Ok(Some(false)),
        Some(other) => Err(ConfigError(format!(
            "{key} `{other}` must be true or false"
        ))),
    }
}

fn list(get: &impl Fn(&str) -> Option<String>, key: &str) -> Vec<String> {
    get(key)
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// `AGORA_TRUSTED_PROXIES`: addresses (`10.0.0.5`) or ranges (`10.0.0.0/8`).
fn trusted_proxies(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    list(get, "AGORA_TRUSTED_PROXIES")
        .into_iter()
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    ConfigError(format!(
                        "AGORA_TRUSTED_PROXIES: `{p}` is not an IP address or CIDR range"
                    ))
                })
        })
        .collect()
}

fn auth_config(
    get: &impl Fn(&str) -> Option<String>,
    environment: Environment,
) -> Result<AuthConfig, ConfigError> {
    let public_url = get("AGORA_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned());
    if let Some(url) = &public_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "AGORA_PUBLIC_URL `{url}` must start with https:// (or http:// in development)"
            )));
        }
    }
    let mut providers = Vec::new();
    for id in list(get, "AGORA_AUTH_PROVIDERS") {
        let id = id.to_lowercase();
        if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ConfigError(format!(
                "AGORA_AUTH_PROVIDERS: `{id}` must be letters, digits and dashes"
            )));
        }
        let var = |suffix: &str| {
            format!(
                "AGORA_AUTH_{}_{suffix}",
                id.to_uppercase().replace('-', "_")
            )
        };
        let required = |suffix: &str| {
            get(&var(suffix)).ok_or_else(|| {
                ConfigError(format!("{} is required for provider `{id}`", var(suffix)))
            })
        };
        let kind_name = get(&var("KIND"))
            .unwrap_or_else(|| if id == "github" { "github" } else { "oidc" }.to_owned());
        let kind = match kind_name.as_str() {
            "oidc" => ProviderKind::Oidc {
                issuer: required("ISSUER")?.trim_end_matches('/').to_owned(),
            },
            "github" => ProviderKind::GitHub {
                authorize_url: get(&var("AUTHORIZE_URL"))
                    .unwrap_or_else(|| "https://github.com/login/oauth/authorize".into()),
                token_url: get(&var("TOKEN_URL"))
                    .unwrap_or_else(|| "https://github.com/login/oauth/access_token".into()),
                api_url: get(&var("API_URL"))
                    .unwrap_or_else(|| "https://api.github.com".into())
                    .trim_end_matches('/')
                    .to_owned(),
            },
            other => {
                return Err(ConfigError(format!(
                    "{} `{other}` must be oidc or github",
                    var("KIND")
                )));
            }
        };
        providers.push(ProviderConfig {
            label: get(&var("LABEL")).unwrap_or_else(|| match &kind {
                ProviderKind::GitHub { .. } => "GitHub".to_owned(),
                ProviderKind::Oidc { .. } => id.clone(),
            }),
            client_id: required("CLIENT_ID")?,
            client_secret: get(&var("CLIENT_SECRET")),
            kind,
            id,
        });
    }
    let demo_login = flag(get, "AGORA_DEMO_LOGIN")?
        .unwrap_or(environment == Environment::Development && providers.is_empty());
    if demo_login && environment == Environment::Production {
        return Err(ConfigError(
            "AGORA_DEMO_LOGIN is on in production: anyone could sign in as anyone; turn it off"
                .into(),
        ));
    }
    if environment == Environment::Production {
        match &public_url {
            Some(url) if url.starts_with("https://") => {}
            _ => {
                return Err(ConfigError(
                    "AGORA_PUBLIC_URL must be set to an https:// URL in production (session cookies are Secure)"
                        .into(),
                ))
            }
        }
    }
    Ok(AuthConfig {
        public_url,
        providers,
        admin_emails: list(get, "AGORA_ADMIN_EMAILS"),
        demo_login,
        public_browse: flag(get, "AGORA_PUBLIC_BROWSE")?.unwrap_or(true),
        session_idle_minutes: number(get, "AGORA_SESSION_IDLE_MINUTES", 480)?,
        session_max_days: number(get, "AGORA_SESSION_MAX_DAYS", 7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_environment() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://./data/agora.db");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.environment, Environment::Development);
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert_eq!(c.db_acquire_timeout_ms, 1500);
        assert_eq!(c.shutdown_grace_seconds, 20);
    }

    #[test]
    fn bad_values_are_named() {
        let err = config(&[("AGORA_ADDR", "localhost")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_ADDR `localhost` is not an address like 127.0.0.1:3000"
        );
        let err = config(&[("AGORA_LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_LOG_FORMAT `xml` must be pretty or json"
        );
    }

    #[test]
    fn counts_that_switch_something_off_take_zero() {
        assert_eq!(config(&[]).unwrap().search_cache_mb, 16);
        let c = config(&[("AGORA_SEARCH_CACHE_MB", " 0 ")]).unwrap();
        assert_eq!(c.search_cache_mb, 0);
        let err = config(&[("AGORA_SEARCH_CACHE_MB", "-1")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_SEARCH_CACHE_MB `-1` must be 0 or a positive number"
        );
        let err = config(&[("AGORA_SEARCH_REFRESH_MS", "0")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_SEARCH_REFRESH_MS `0` must be a positive number"
        );
    }

    #[test]
    fn providers_come_from_the_environment() {
        let c = config(&[
            ("AGORA_AUTH_PROVIDERS", "corp, github"),
            (
                "AGORA_AUTH_CORP_ISSUER",
                "https://sso.example.com/realms/main/",
            ),
            ("AGORA_AUTH_CORP_CLIENT_ID", "agora"),
            ("AGORA_AUTH_CORP_LABEL", "Company SSO"),
            ("AGORA_AUTH_GITHUB_CLIENT_ID", "gh"),
            ("AGORA_AUTH_GITHUB_CLIENT_SECRET", "s3cret"),
        ])
        .unwrap();
        assert_eq!(c.auth.providers.len(), 2);
        assert_eq!(
            c.auth.providers[0].kind,
            ProviderKind::Oidc {
                issuer: "https://sso.example.com/realms/main".into()
            }
        );
        assert_eq!(c.auth.providers[0].label, "Company SSO");
        assert!(matches!(
            c.auth.providers[1].kind,
            ProviderKind::GitHub { .. }
        ));
        assert!(
            !c.auth.demo_login,
            "no demo sign-in once real providers exist"
        );
        let err = config(&[("AGORA_AUTH_PROVIDERS", "corp")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_AUTH_CORP_ISSUER is required for provider `corp`"
        );
    }

    #[test]
    fn production_refuses_demo_sign_in_and_plain_http() {
        assert!(
            config(&[]).unwrap().auth.demo_login,
            "demo sign-in by default in development"
        );
        let err = config(&[
            ("AGORA_ENV", "production"),
            ("AGORA_DEMO_LOGIN", "true"),
            ("AGORA_PUBLIC_URL", "https://agora.example.com"),
        ])
        .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("AGORA_DEMO_LOGIN is on in production"));
        let err = config(&[
            ("AGORA_ENV", "production"),
            ("AGORA_PUBLIC_URL", "http://agora"),
        ])
        .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("AGORA_PUBLIC_URL must be set to an https:// URL"));
        let ok = config(&[
            ("AGORA_ENV", "production"),
            ("AGORA_PUBLIC_URL", "https://agora.example.com"),
        ])
        .unwrap();
        assert!(!ok.auth.demo_login);
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        assert!(config(&[]).unwrap().rate_limits.trusted_proxies.is_empty());
        let c = config(&[("AGORA_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7,::1")]).unwrap();
        let proxies = c.rate_limits.trusted_proxies;
        assert_eq!(proxies.len(), 3);
        assert!(proxies[0].contains(&"10.1.2.3".parse::<std::net::IpAddr>().unwrap()));
        assert!(proxies[1].contains(&"192.168.1.7".parse::<std::net::IpAddr>().unwrap()));
        let err = config(&[("AGORA_TRUSTED_PROXIES", "proxy.local")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_TRUSTED_PROXIES: `proxy.local` is not an IP address or CIDR range"
        );
    }

    #[test]
    fn webhooks_reach_public_https_targets_unless_configured() {
        let dev = config(&[]).unwrap().webhook_rules();
        assert!(!dev.allow_private && !dev.require_https);
        let prod = config(&[
            ("AGORA_ENV", "production"),
            ("AGORA_PUBLIC_URL", "https://agora.example.com"),
        ])
        .unwrap()
        .webhook_rules();
        assert!(!prod.allow_private && prod.require_https);
        let lab = config(&[("AGORA_WEBHOOK_ALLOW_PRIVATE", "true")]).unwrap();
        assert!(lab.webhook_rules().allow_private);
    }

    #[test]
    fn metrics_are_served_only_where_configured() {
        assert!(!config(&[]).unwrap().metrics.enabled());
        let c = config(&[
            ("AGORA_METRICS_TOKEN", "scrape-me-0123456789"),
            ("AGORA_METRICS_ADDR", "127.0.0.1:9464"),
        ])
        .unwrap();
        assert_eq!(c.metrics.token.as_deref(), Some("scrape-me-0123456789"));
        assert_eq!(c.metrics.addr.unwrap().port(), 9464);
        let err = config(&[("AGORA_METRICS_TOKEN", "short")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_METRICS_TOKEN must be at least 16 visible ASCII characters without spaces"
        );
        let err = config(&[("AGORA_METRICS_ADDR", "localhost")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AGORA_METRICS_ADDR `localhost` is not an address like 127.0.0.1:9464"
        );
    }

    #[test]
    fn agora_addr_wins_over_leptos_site_addr() {
        let c = config(&[
            ("LEPTOS_SITE_ADDR", "0.0.0.0:8080"),
            ("AGORA_ADDR", "127.0.0.1:9000"),
        ])
        .unwrap();
        assert_eq!(c.addr.port(), 9000);
    }
}
