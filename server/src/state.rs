//! What every handler can reach.
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos_axum::AxumRouteListing;

use app::ssr::AppContext;
use mesh::seed::Persona;
use mesh::sessions::SessionPolicy;

use crate::auth::providers::Providers;
use crate::auth::session::CookieSettings;
use crate::ratelimit::Limiters;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub routes: Vec<AxumRouteListing>,
    pub ctx: AppContext,
    pub auth: Arc<AuthRuntime>,
    pub limiters: Arc<Limiters>,
}

/// Sign-in settings resolved at start-up.
pub struct AuthRuntime {
    pub providers: Arc<Providers>,
    pub cookie: CookieSettings,
    pub session_policy: SessionPolicy,
    pub admin_emails: Vec<String>,
    pub demo_login: bool,
    pub personas: Vec<Persona>,
    /// `scheme://host[:port]` of the public URL, for the Origin check.
    pub public_origin: String,
    /// Anonymous visitors may browse the marketplace.
    pub public_browse: bool,
}
