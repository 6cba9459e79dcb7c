//! What every handler can reach, and the part of it each middleware takes (`FromRef`): the middleware modules
//! define the state they need and never import this one.
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use app::ssr::AppContext;
use mesh::access::sessions::SessionPolicy;
use mesh::demo::seed::Persona;

use crate::auth::providers::Providers;
use crate::auth::session::{CookieSettings, PublicBrowse, Sessions};
use crate::ratelimit::Limiters;

/// What every handler can reach. Each layer that holds it clones it for every request, so it is one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub ctx: AppContext,
    pub auth: Arc<AuthRuntime>,
    pub limiters: Arc<Limiters>,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Sessions {
    fn from_ref(state: &AppState) -> Self {
        Sessions {
            db: state.ctx.db.clone(),
            cookie: state.auth.cookie.clone(),
            policy: state.auth.session_policy,
        }
    }
}

impl FromRef<AppState> for PublicBrowse {
    fn from_ref(state: &AppState) -> Self {
        PublicBrowse(state.auth.public_browse)
    }
}

impl FromRef<AppState> for Arc<Limiters> {
    fn from_ref(state: &AppState) -> Self {
        state.limiters.clone()
    }
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
