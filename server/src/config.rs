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
    /// `LEPTOS_SITE_ROOT`: folder with the built site (`pkg/agora.js`, `.wasm`, `.css`); default `target/site`.
    pub site_root: String,
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
                )))
            }
        };
        let log_format = match get("AGORA_LOG_FORMAT").as_deref() {
            None | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError(format!(
                    "AGORA_LOG_FORMAT `{other}` must be pretty or json"
                )))
            }
        };
        let db_max_connections = match get("AGORA_DB_MAX_CONNECTIONS") {
            None => 16,
            Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                ConfigError(format!(
                    "AGORA_DB_MAX_CONNECTIONS `{v}` must be a positive number"
                ))
            })?,
        };
        Ok(Config {
            database_url: get("DATABASE_URL").unwrap_or_else(|| "sqlite://./data/agora.db".into()),
            addr,
            environment,
            log_format,
            db_max_connections,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
        })
    }
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
    fn agora_addr_wins_over_leptos_site_addr() {
        let c = config(&[
            ("LEPTOS_SITE_ADDR", "0.0.0.0:8080"),
            ("AGORA_ADDR", "127.0.0.1:9000"),
        ])
        .unwrap();
        assert_eq!(c.addr.port(), 9000);
    }
}
