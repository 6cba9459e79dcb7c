//! The configured sign-in providers: any OpenID Connect issuer (by discovery) and GitHub (OAuth2 + user API).
//! Authorization code flow with PKCE (S256) and `state`; for OIDC also `nonce` and ID-token verification
//! (signature, issuer, audience, expiry). The HTTP client never follows redirects (RFC 9700).
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::sign_in_problem::SignInProblem;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;
use tokio::sync::RwLock;

use crate::config::{ProviderConfig, ProviderKind};
use mesh::access::identity::ExternalIdentity;

/// Where to send the browser, and what to remember until the callback.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the sign-in provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the sign-in provider refused the login: {0}")]
    Refused(String),
    #[error("the identity token did not verify: {0}")]
    Invalid(String),
}

impl SignInError {
    /// What `/login` shows: our words only. The details (which may carry the provider's own
    /// `error_description`) go to the log.
    pub fn problem(&self) -> SignInProblem {
        match self {
            SignInError::Unreachable(_) => SignInProblem::ProviderUnreachable,
            SignInError::Refused(_) => SignInProblem::ProviderRefused,
            SignInError::Invalid(_) => SignInProblem::ProviderAnswerInvalid,
        }
    }
}

pub struct Providers {
    configs: Vec<ProviderConfig>,
    redirect_base: String,
    http: reqwest::Client,
    /// Discovery documents, fetched on first use and kept for an hour.
    metadata: RwLock<HashMap<String, (Instant, CoreProviderMetadata)>>,
}

const METADATA_TTL: Duration = Duration::from_secs(3600);

impl Providers {
    pub fn new(configs: Vec<ProviderConfig>, public_url: &str) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent("agora")
            .build()
            .expect("a reqwest client with static settings builds");
        Arc::new(Self {
            configs,
            redirect_base: public_url.trim_end_matches('/').to_owned(),
            http,
            metadata: RwLock::new(HashMap::new()),
        })
    }

    pub fn list(&self) -> &[ProviderConfig] {
        &self.configs
    }

    pub fn get(&self, id: &str) -> Option<&ProviderConfig> {
        self.configs.iter().find(|p| p.id == id)
    }

    /// The exact redirect URI registered at the provider.
    pub fn redirect_uri(&self, id: &str) -> String {
        format!("{}/auth/{id}/callback", self.redirect_base)
    }

    async fn metadata(&self, id: &str, issuer: &str) -> Result<CoreProviderMetadata, SignInError> {
        if let Some((at, meta)) = self.metadata.read().await.get(id) {
            if at.elapsed() < METADATA_TTL {
                return Ok(meta.clone());
            }
        }
        let issuer_url = IssuerUrl::new(issuer.to_owned())
            .map_err(|e| SignInError::Unreachable(e.to_string()))?;
        let meta = CoreProviderMetadata::discover_async(issuer_url, &self.http)
            .await
            .map_err(|e| SignInError::Unreachable(format!("discovery at {issuer} failed: {e}")))?;
        self.metadata
            .write()
            .await
            .insert(id.to_owned(), (Instant::now(), meta.clone()));
        Ok(meta)
    }

    async fn oidc_client(
        &self,
        provider: &ProviderConfig,
        issuer: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SignInError,
    > {
        let meta = self.metadata(&provider.id, issuer).await?;
        let redirect = RedirectUrl::new(self.redirect_uri(&provider.id))
            .map_err(|e| SignInError::Invalid(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            meta,
            ClientId::new(provider.client_id.clone()),
            provider.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Builds the provider's authorization URL with a fresh state, PKCE challenge and (OIDC) nonce.
    pub async fn authorize(&self, provider: &ProviderConfig) -> Result<Authorization, SignInError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        match &provider.kind {
            ProviderKind::Oidc { issuer } => {
                let client = self.oidc_client(provider, issuer).await?;
                let (url, state, nonce) = client
                    .authorize_url(
                        CoreAuthenticationFlow::AuthorizationCode,
                        CsrfToken::new_random,
                        Nonce::new_random,
                    )
                    .add_scope(Scope::new("email".into()))
                    .add_scope(Scope::new("profile".into()))
                    .set_pkce_challenge(challenge)
                    .url();
                Ok(Authorization {
                    url: url.to_string(),
                    state: state.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    nonce: Some(nonce.secret().clone()),
                })
            }
            ProviderKind::GitHub { authorize_url, .. } => {
                let state = CsrfToken::new_random();
                let mut url = url::Url::parse(authorize_url)
                    .map_err(|e| SignInError::Invalid(format!("authorize URL: {e}")))?;
                url.query_pairs_mut()
                    .append_pair("response_type", "code")
                    .append_pair("client_id", &provider.client_id)
                    .append_pair("redirect_uri", &self.redirect_uri(&provider.id))
                    .append_pair("scope", "read:user user:email")
                    .append_pair("state", state.secret())
                    .append_pair("code_challenge", challenge.as_str())
                    .append_pair("code_challenge_method", "S256");
                Ok(Authorization {
                    url: url.to_string(),
                    state: state.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    nonce: None,
                })
            }
        }
    }

    /// Exchanges the code (with the PKCE verifier) and returns who signed in.
    pub async fn complete(
        &self,
        provider: &ProviderConfig,
        code: &str,
        pkce_verifier: &str,
        nonce: Option<&str>,
    ) -> Result<ExternalIdentity, SignInError> {
        match &provider.kind {
            ProviderKind::Oidc { issuer } => {
                let client = self.oidc_client(provider, issuer).await?;
                let response = client
                    .exchange_code(AuthorizationCode::new(code.to_owned()))
                    .map_err(|e| SignInError::Refused(e.to_string()))?
                    .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
                    .request_async(&self.http)
                    .await
                    .map_err(|e| SignInError::Refused(describe_token_error(&e)))?;
                let id_token = response
                    .id_token()
                    .ok_or_else(|| SignInError::Invalid("the provider sent no ID token".into()))?;
                let nonce = Nonce::new(
                    nonce
                        .ok_or_else(|| SignInError::Invalid("no nonce was stored".into()))?
                        .to_owned(),
                );
                let claims = id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(|e| SignInError::Invalid(e.to_string()))?;
                Ok(ExternalIdentity {
                    provider: provider.id.clone(),
                    subject: claims.subject().to_string(),
                    email: claims.email().map(|e| e.to_string()),
                    email_verified: claims.email_verified().unwrap_or(false),
                    name: claims
                        .name()
                        .and_then(|n| n.get(None))
                        .map(|n| n.to_string()),
                    avatar_url: claims
                        .picture()
                        .and_then(|p| p.get(None))
                        .map(|p| p.to_string()),
                })
            }
            ProviderKind::GitHub {
                token_url, api_url, ..
            } => {
                self.github(provider, token_url, api_url, code, pkce_verifier)
                    .await
            }
        }
    }

    async fn github(
        &self,
        provider: &ProviderConfig,
        token_url: &str,
        api_url: &str,
        code: &str,
        pkce_verifier: &str,
    ) -> Result<ExternalIdentity, SignInError> {
        #[derive(Deserialize)]
        struct Token {
            access_token: Option<String>,
            error: Option<String>,
            error_description: Option<String>,
        }
        #[derive(Deserialize)]
        struct GitHubUser {
            id: i64,
            login: String,
            name: Option<String>,
            email: Option<String>,
            avatar_url: Option<String>,
        }
        #[derive(Deserialize)]
        struct GitHubEmail {
            email: String,
            primary: bool,
            verified: bool,
        }
        let redirect_uri = self.redirect_uri(&provider.id);
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_id", provider.client_id.as_str()),
            ("code_verifier", pkce_verifier),
        ];
        if let Some(secret) = &provider.client_secret {
            form.push(("client_secret", secret.as_str()));
        }
        let unreachable = |e: reqwest::Error| SignInError::Unreachable(e.to_string());
        let token: Token = self
            .http
            .post(token_url)
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await
            .map_err(unreachable)?
            .json()
            .await
            .map_err(|e| SignInError::Refused(e.to_string()))?;
        let access = token.access_token.ok_or_else(|| {
            SignInError::Refused(
                token
                    .error_description
                    .or(token.error)
                    .unwrap_or_else(|| "no access token".into()),
            )
        })?;
        let get = |path: &str| {
            self.http
                .get(format!("{api_url}{path}"))
                .bearer_auth(&access)
                .header("accept", "application/vnd.github+json")
        };
        let user: GitHubUser = get("/user")
            .send()
            .await
            .map_err(unreachable)?
            .error_for_status()
            .map_err(|e| SignInError::Refused(e.to_string()))?
            .json()
            .await
            .map_err(|e| SignInError::Refused(e.to_string()))?;
        // The profile email is public and unverified; the verified primary email comes from /user/emails.
        let emails: Vec<GitHubEmail> = match get("/user/emails").send().await {
            Ok(r) if r.status().is_success() => r.json().await.unwrap_or_default(),
            _ => Vec::new(),
        };
        let verified = emails.iter().find(|e| e.primary && e.verified);
        Ok(ExternalIdentity {
            provider: provider.id.clone(),
            subject: user.id.to_string(),
            email: verified.map(|e| e.email.clone()).or(user.email),
            email_verified: verified.is_some(),
            name: user.name.or(Some(user.login)),
            avatar_url: user.avatar_url,
        })
    }
}

fn describe_token_error<E: std::error::Error>(err: &E) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
