use std::collections::HashMap;

use agora::config::Config;
use agora::startup::Application;
use mesh::testing::{databases, TestDb};
use tokio::sync::oneshot;

pub use crate::common::people::{browser, token, ADMIN, CONSUMER, OWNER, STEWARD};
use crate::common::people::{signed_in, Site, REQUEST_TIMEOUT};

pub struct TestApp {
    pub address: String,
    /// `http://127.0.0.1:PORT` of the metrics listener, when `AGORA_METRICS_ADDR` is set.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    pub db: TestDb,
    _stop: oneshot::Sender<()>,
}

impl Site for TestApp {
    fn url(&self, path: &str) -> String {
        TestApp::url(self, path)
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        self.get_text_as(&self.client, path).await
    }

    /// A GET with another client (e.g. one signed in by [`TestApp::client_as`]): status and body.
    pub async fn get_text_as(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub fn label(&self) -> &'static str {
        self.db.label
    }

    /// A [`browser`] signed in as a demo persona or seeded user.
    pub async fn client_as(&self, email: &str) -> reqwest::Client {
        signed_in(self, email).await
    }

    /// Calls a server function with a form body, as a script would (JSON answer, no redirect).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        name: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let response = client
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("server function call");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        (status, value)
    }
}

/// Starts the app on a free port over `db`, with the demo mesh loaded.
pub async fn spawn_app(db: TestDb) -> TestApp {
    spawn_app_with(db, &[]).await
}

pub async fn spawn_app_with(db: TestDb, env: &[(&str, &str)]) -> TestApp {
    let url = db.url.clone();
    spawn_app_on(db, &url, env).await
}

/// Starts the app on `database_url`, which reaches `db` some other way (e.g. through a proxy the test controls).
pub async fn spawn_app_on(db: TestDb, database_url: &str, env: &[(&str, &str)]) -> TestApp {
    let mut vars: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    vars.insert("DATABASE_URL".into(), database_url.to_owned());
    vars.entry("AGORA_ADDR".into())
        .or_insert_with(|| "127.0.0.1:0".into());
    // Tests sign in many times from one address; the rate-limit test sets its own limits.
    vars.entry("AGORA_SIGNIN_RATE_LIMIT_PER_MINUTE".into())
        .or_insert_with(|| "100000".into());
    vars.entry("AGORA_RATE_LIMIT_PER_MINUTE".into())
        .or_insert_with(|| "100000".into());
    // Tests' webhook receivers listen on 127.0.0.1; the SSRF tests set it to false.
    vars.entry("AGORA_WEBHOOK_ALLOW_PRIVATE".into())
        .or_insert_with(|| "true".into());
    // Anonymous reads are limited per IP by default; tests that do not test the limit switch it off.
    vars.entry("AGORA_ANON_RATE_LIMIT_PER_SECOND".into())
        .or_insert_with(|| "0".into());
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
    mesh::demo::seed::seed_demo(&db.db).await.expect("seed");
    // The app's first housekeeping round starts with it and would expire, remind and run the daily governance
    // on the seed while a test takes its snapshots; done here first, that round finds nothing to change.
    let today = chrono::Utc::now().date_naive();
    mesh::subscriptions::run_expiry(&db.db, today, config.reminder_days)
        .await
        .expect("expiry of the seed");
    mesh::governance::daily_if_due(&db.db, today)
        .await
        .expect("daily governance run of the seed");
    let app = Application::build(config).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app.metrics_addr().map(|a| format!("http://{a}"));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_with_shutdown(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("client");
    TestApp {
        address,
        metrics_address,
        client,
        db,
        _stop: stop,
    }
}

/// One app per database the tests run on.
pub async fn apps() -> Vec<TestApp> {
    let mut out = Vec::new();
    for db in databases().await {
        out.push(spawn_app(db).await);
    }
    out
}
