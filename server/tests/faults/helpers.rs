//! What every fault scenario needs: a fresh database prepared by the real binary (`agora migrate`, `agora seed`),
//! `agora serve` on a free port (its log kept), API tokens from `agora token create`, SIGKILL / SIGTERM and
//! restarts, a webhook receiver, a TCP proxy in front of PostgreSQL, raw HTTP requests whose moment of sending
//! is known, and percentiles. Every child process is killed when its guard is dropped.
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use mesh::entity::prelude::*;
use mesh::testing::TestDb;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub use crate::common::db_proxy::{authority, Proxy};
pub use crate::common::people::{ADMIN, CONSUMER, OWNER, SALES_OWNER};
pub use mesh::access::Scope;

pub const BIN: &str = env!("CARGO_BIN_EXE_agora");

/// The scenarios load the machine (2 cores) and print figures: one at a time, so no scenario's figures or
/// bounds are disturbed by another running beside it.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().await
}

/// Environment every server and command of the suite gets: one client address sends all the traffic, so the
/// per-IP and per-token limits are raised (they are tested elsewhere), and local webhook receivers are allowed.
const BASE_ENV: &[(&str, &str)] = &[
    ("AGORA_LOG_FORMAT", "pretty"),
    ("NO_COLOR", "1"),
    ("RUST_LOG", "info"),
    ("AGORA_RATE_LIMIT_PER_MINUTE", "1000000"),
    ("AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE", "100000"),
    ("AGORA_ANON_RATE_LIMIT_PER_SECOND", "0"),
    ("AGORA_WEBHOOK_ALLOW_PRIVATE", "true"),
];

/// Runs `agora ARGS` on `database_url` to completion; returns its exit code, stdout and stderr.
pub fn agora_command(
    database_url: &str,
    args: &[&str],
    user: Option<u32>,
) -> (i32, String, String) {
    let mut command = Command::new(BIN);
    command.args(args).env("DATABASE_URL", database_url);
    for (k, v) in BASE_ENV {
        command.env(k, v);
    }
    if let Some(uid) = user {
        use std::os::unix::process::CommandExt;
        command.uid(uid).gid(uid);
    }
    let out = command.output().expect("agora runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `agora ARGS`, which must succeed; returns its standard output.
pub fn agora(database_url: &str, args: &[&str]) -> String {
    let (code, out, err) = agora_command(database_url, args, None);
    assert_eq!(code, 0, "agora {args:?} failed:\n{out}\n{err}");
    out
}

/// Brings the schema up to date and loads the demo mesh, with the binary (as an operator would).
pub fn prepare(db: &TestDb) {
    agora(&db.url, &["migrate"]);
    agora(&db.url, &["seed"]);
}

/// The secret of a new API token of `email` with `scopes`, made by `agora token create` as an operator would,
/// before any server runs (over HTTP, once one serves, it is [`crate::common::people::token`]).
pub fn cli_token(database_url: &str, email: &str, scopes: &[Scope]) -> String {
    let scopes = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let out = agora(
        database_url,
        &[
            "token",
            "create",
            "--user",
            email,
            "--scopes",
            &scopes,
            "--name",
            "fault suite",
        ],
    );
    let secret = out.trim().to_owned();
    assert!(secret.starts_with("agora_"), "not a token: {secret}");
    secret
}

/// A running `agora serve`. Dropping it kills the process.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub log: Arc<Mutex<String>>,
    pub database_url: String,
    env: Vec<(String, String)>,
    user: Option<u32>,
}

impl Server {
    /// `agora serve` on `database_url` and a free port, with `env` on top of the suite's; returns once it logs
    /// the address it serves on.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::launch(database_url.to_owned(), env, None)
            .await
            .unwrap_or_else(|(code, log)| panic!("agora exited with {code} before serving:\n{log}"))
    }

    /// Like [`Server::start`], as the Unix user `uid`; `Err((exit code, log))` if it stops before serving.
    pub async fn start_as(
        database_url: &str,
        env: &[(&str, &str)],
        uid: u32,
    ) -> Result<Server, (i32, String)> {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::launch(database_url.to_owned(), env, Some(uid)).await
    }

    async fn launch(
        database_url: String,
        env: Vec<(String, String)>,
        user: Option<u32>,
    ) -> Result<Server, (i32, String)> {
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .env("DATABASE_URL", &database_url)
            .env("AGORA_ADDR", "127.0.0.1:0");
        for (k, v) in BASE_ENV {
            command.env(k, v);
        }
        for (k, v) in &env {
            command.env(k, v);
        }
        if let Some(uid) = user {
            use std::os::unix::process::CommandExt;
            command.uid(uid).gid(uid);
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("agora starts");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let filling = log.clone();
        // Reads the log on a thread of its own for the process's whole life (so it never blocks on a full pipe);
        // the port is handed over as soon as the server says where it listens.
        let (port_tx, port_rx) = tokio::sync::oneshot::channel::<Option<u16>>();
        std::thread::spawn(move || {
            let mut port_tx = Some(port_tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                filling.lock().unwrap().push_str(&format!("{line}\n"));
                if let Some((_, rest)) = line.split_once("serving on http://127.0.0.1:") {
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    if let Some(tx) = port_tx.take() {
                        let _ = tx.send(digits.parse().ok());
                    }
                }
            }
            if let Some(tx) = port_tx.take() {
                let _ = tx.send(None);
            }
        });
        let port = tokio::time::timeout(Duration::from_secs(60), port_rx)
            .await
            .ok()
            .and_then(Result::ok)
            .flatten();
        let Some(port) = port else {
            let code = wait_for_exit(&mut child, Duration::from_secs(10)).unwrap_or_else(|| {
                let _ = child.kill();
                let _ = child.wait();
                -1
            });
            // The reader thread may still be appending the last lines.
            std::thread::sleep(Duration::from_millis(50));
            let text = log.lock().unwrap().clone();
            return Err((code, text));
        };
        Ok(Server {
            child: Some(child),
            port,
            log,
            database_url,
            env,
            user,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    pub fn sigkill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    /// SIGTERM: asks the process to stop gracefully.
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits up to `patience` for the process to end: its exit code and how long it took, or `None`.
    pub fn wait_exit(&mut self, patience: Duration) -> Option<(i32, Duration)> {
        let started = Instant::now();
        let child = self.child.as_mut()?;
        let code = wait_for_exit(child, patience)?;
        self.child = None;
        Some((code, started.elapsed()))
    }

    /// Starts the same server again (same database and settings, a new port).
    pub async fn restart(&mut self) {
        let again = Self::launch(self.database_url.clone(), self.env.clone(), self.user)
            .await
            .unwrap_or_else(|(code, log)| panic!("agora exited with {code} on restart:\n{log}"));
        self.sigkill();
        // Keep the old log too: the panic check covers both lives.
        let old = std::mem::take(&mut *self.log.lock().unwrap());
        again.log.lock().unwrap().insert_str(0, &old);
        *self = again;
    }

    /// The resident memory of the process (VmRSS), in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("/proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Fails if the process panicked at any point of its life.
    pub fn assert_no_panic(&self, label: &str) {
        let log = self.log_text();
        assert!(!log.contains("panicked"), "{label}: agora panicked:\n{log}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for_exit(child: &mut Child, patience: Duration) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status.code().unwrap_or(-1));
        }
        if started.elapsed() > patience {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Polls `done` every 20 ms until it holds; panics after `limit` (a guard against hanging, not a measurement).
pub async fn until<F: std::future::Future<Output = bool>>(
    what: &str,
    limit: Duration,
    done: impl Fn() -> F,
) -> Duration {
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < limit,
            "still not so after {limit:?}: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

/// A client of the REST API with a token.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

/// An answer: status and JSON body (`Value::Null` when there is none).
pub type Answer = (u16, Value);

impl Api {
    pub fn new(server: &Server, token: &str) -> Api {
        Api {
            http: client(),
            base: server.url(""),
            token: token.to_owned(),
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Answer, reqwest::Error> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Result<Answer, reqwest::Error> {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> Result<Answer, reqwest::Error> {
        self.send(reqwest::Method::GET, path, None).await
    }
}

/// A plain client: no cookies, no redirects, a 30 s limit per request (a guard, not a measurement).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Registers a webhook of `team` (as its owner `owner_email`) for every event type, straight in the database
/// before the servers start (the webhooks page does the same through `mesh::activity::webhooks::create`).
pub async fn register_webhook(db: &TestDb, owner_email: &str, team: &str, url: &str) -> i64 {
    let user = mesh::access::identity::find_by_email(&db.db, owner_email)
        .await
        .expect("owner");
    let viewer = mesh::access::viewer_for(&db.db, &user)
        .await
        .expect("viewer");
    let rules = mesh::activity::webhooks::TargetRules {
        allow_private: true,
        require_https: false,
    };
    mesh::activity::webhooks::create(&db.db, &viewer, &rules, team, url, &["*".to_owned()])
        .await
        .expect("webhook registered")
        .id
}

/// One request a webhook receiver got.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The path it was sent to (one per registered webhook).
    pub path: String,
    pub event_id: String,
    pub at: Instant,
}

/// A webhook receiver on 127.0.0.1 that records every delivery and answers 200.
pub struct Receiver {
    pub port: u16,
    pub hits: Arc<Mutex<Vec<Hit>>>,
    task: JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let store = hits.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, _headers: HeaderMap, body: Bytes| {
                let store = store.clone();
                async move {
                    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    store.lock().unwrap().push(Hit {
                        path: uri.path().to_owned(),
                        event_id: event["id"].as_str().unwrap_or_default().to_owned(),
                        at: Instant::now(),
                    });
                    StatusCode::OK
                }
            },
        );
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver port");
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver serves");
        });
        Receiver { port, hits, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// How many times each (webhook path, event id) arrived.
    pub fn counts(&self) -> HashMap<(String, String), usize> {
        let mut counts = HashMap::new();
        for hit in self.hits() {
            *counts.entry((hit.path, hit.event_id)).or_default() += 1;
        }
        counts
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The deliveries Agora queued for webhook `hook`.
pub async fn deliveries(db: &TestDb, hook: i64) -> Vec<webhook_delivery::Model> {
    WebhookDelivery::find()
        .filter(webhook_delivery::Column::WebhookId.eq(hook))
        .all(&db.db)
        .await
        .expect("deliveries")
}

/// Audit events of `action` (e.g. `subscription.approved`) on subscription `id`.
pub async fn audit_count(db: &TestDb, action: &str, object_type: &str, id: i64) -> usize {
    AuditEvent::find()
        .filter(audit_event::Column::Action.eq(action))
        .filter(audit_event::Column::ObjectType.eq(object_type))
        .filter(audit_event::Column::ObjectId.eq(id))
        .all(&db.db)
        .await
        .expect("audit events")
        .len()
}

/// What became of one raw HTTP request.
#[derive(Clone, Debug)]
pub struct Sent {
    /// When the whole request had been written to an established connection; `None` if connecting or writing
    /// failed (so it was never sent).
    pub sent_at: Option<Instant>,
    /// The response's status, or `None` if none came.
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// One request on a fresh connection (`Connection: close`), so the moment it was sent is known exactly: connect,
/// write it all, note the time, read the answer to its end.
pub async fn raw_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Sent {
    let mut stream = match TcpStream::connect(("127.0.0.1", port)).await {
        Ok(s) => s,
        Err(e) => {
            return Sent {
                sent_at: None,
                status: None,
                error: Some(format!("connect: {e}")),
            };
        }
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    if let Err(e) = stream.write_all(&request).await {
        return Sent {
            sent_at: None,
            status: None,
            error: Some(format!("write: {e}")),
        };
    }
    let sent_at = Instant::now();
    let mut response = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut response)).await;
    let error = match read {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(format!("read: {e}")),
        Err(_) => Some("no answer within 30 s".to_owned()),
    };
    let text = String::from_utf8_lossy(&response);
    let status = text
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok());
    Sent {
        sent_at: Some(sent_at),
        status,
        error: if status.is_some() {
            None
        } else {
            error.or(Some("empty answer".into()))
        },
    }
}

/// The `p`-th percentile (0-100) of `samples`, nearest rank.
pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A number from the environment, or `default`.
pub fn env_number(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// `PRAGMA integrity_check` of a SQLite database (`ok` when whole).
pub async fn sqlite_integrity(db: &TestDb) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .db
        .query_one_raw(Statement::from_string(
            db.db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .expect("integrity_check runs")
        .expect("a row");
    row.try_get_by_index::<String>(0).expect("text")
}
