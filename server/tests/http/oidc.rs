//! A real OAuth2/OIDC server (npm oauth2-mock-server, end2end/oidc/server.mjs) started for a test.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct OidcServer {
    pub issuer: String,
    child: Child,
}

impl OidcServer {
    pub fn start() -> OidcServer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/server.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg("0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the OIDC test server (run `make tools` for node_modules)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("OIDC server prints its URL");
        let issuer = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("unexpected OIDC server output: {line}"))
            .to_owned();
        OidcServer { issuer, child }
    }

    /// Sets who signs in next (and optionally a forged issuer).
    pub async fn set(&self, control: serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/__control", self.issuer))
            .json(&control)
            .send()
            .await
            .expect("control the OIDC server");
        assert!(response.status().is_success());
    }

    /// The environment that makes Agora offer this server as provider `test` (OIDC) and `gh` (GitHub-style).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("AGORA_AUTH_PROVIDERS".into(), "test,gh".into()),
            ("AGORA_AUTH_TEST_ISSUER".into(), self.issuer.clone()),
            ("AGORA_AUTH_TEST_CLIENT_ID".into(), "agora-tests".into()),
            ("AGORA_AUTH_TEST_LABEL".into(), "Test SSO".into()),
            ("AGORA_AUTH_GH_KIND".into(), "github".into()),
            ("AGORA_AUTH_GH_CLIENT_ID".into(), "agora-gh".into()),
            ("AGORA_AUTH_GH_CLIENT_SECRET".into(), "gh-secret".into()),
            (
                "AGORA_AUTH_GH_AUTHORIZE_URL".into(),
                format!("{}/authorize", self.issuer),
            ),
            (
                "AGORA_AUTH_GH_TOKEN_URL".into(),
                format!("{}/token", self.issuer),
            ),
            ("AGORA_AUTH_GH_API_URL".into(), self.issuer.clone()),
        ]
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
