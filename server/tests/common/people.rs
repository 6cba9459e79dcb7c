//! The people of the demo mesh by the part they play in the server's tests, and what a person does over HTTP
//! before a test starts: sign in ([`signed_in`]) and mint an API token ([`token`]).
use mesh::access::Scope;

pub use mesh::testing::people::{
    ANA as CONSUMER, DAN as OWNER, MARCUS as SALES_OWNER, PRIYA as ADMIN, SOFIA as STEWARD,
};

/// No request of these tests takes more than a second or two; one that gets no answer fails the test that sent it
/// (with its name) instead of holding the whole suite until CI gives up.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A server under test, by the address of its paths.
pub trait Site {
    /// `http://127.0.0.1:PORT{path}`.
    fn url(&self, path: &str) -> String;
}

/// A client that keeps cookies, does not follow redirects and says what a browser on our own pages says
/// (`Sec-Fetch-Site: same-origin`; signed-in changes without it or an `Origin` are refused).
pub fn browser() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "sec-fetch-site",
        reqwest::header::HeaderValue::from_static("same-origin"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("client")
}

/// A [`browser`] signed in as `email` (a demo persona or any seeded user) through demo sign-in.
pub async fn signed_in(site: &impl Site, email: &str) -> reqwest::Client {
    let client = browser();
    let response = client
        .post(site.url("/auth/demo"))
        .form(&[("email", email), ("return_to", "/")])
        .send()
        .await
        .expect("demo sign-in");
    assert_eq!(response.status(), 303, "demo sign-in as {email}");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/", "demo sign-in as {email} failed: {location}");
    client
}

/// The secret of a new API token of `email` with `scopes`, valid for a week, made as a person makes one: signed
/// in, through the `create_token` server function of the tokens page.
pub async fn token(site: &impl Site, email: &str, scopes: &[Scope]) -> String {
    let session = signed_in(site, email).await;
    let fields: Vec<String> = scopes
        .iter()
        .map(|s| format!("scope_{}", s.as_str()))
        .collect();
    let mut form = vec![("name", "test token"), ("expires_in_days", "7")];
    form.extend(fields.iter().map(|f| (f.as_str(), "on")));
    let response = session
        .post(site.url("/api/create_token"))
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .expect("create_token");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    assert_eq!(status, 200, "a token for {email} with {scopes:?}: {body}");
    body["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("no secret in {body}"))
        .to_owned()
}
