//! Building the application: database, migrations, router, listener. `Application::build` binds first, so
//! tests can ask for port 0 and read the port back (zero2prod's pattern).
use std::future::Future;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, Response};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{
    generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes,
};
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use app::ssr::{AppContext, SiteInfo};
use app::{shell, App};
use mesh::access::sessions::SessionPolicy;
use mesh::db::PoolSettings;

use crate::auth::providers::Providers;
use crate::auth::session::CookieSettings;
use crate::auth::{routes as auth_routes, session};
use crate::config::Config;
use crate::ratelimit::{self, Limiters};
use crate::routes::{self, health, PlainRoutes};
use crate::security;
use crate::state::{AppState, AuthRuntime, Shared};

/// A start-up failure, in one sentence for the operator.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);

impl From<mesh::Error> for StartupError {
    fn from(err: mesh::Error) -> Self {
        match err {
            mesh::Error::Config(msg) => StartupError(msg),
            other => StartupError(other.to_string()),
        }
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    addr: SocketAddr,
    db: mesh::DatabaseConnection,
    /// Background jobs, and the switch that tells them to finish their round and end.
    jobs: Vec<tokio::task::JoinHandle<()>>,
    stop_jobs: tokio::sync::watch::Sender<bool>,
    /// `AGORA_SHUTDOWN_GRACE_SECONDS`: how long shutdown waits for requests in flight and background work.
    grace: std::time::Duration,
    /// `AGORA_METRICS_ADDR`: the listener of its own for `/metrics`, and where it is bound.
    metrics_listener: Option<(TcpListener, SocketAddr)>,
}

/// The app's page routes, generated once per process. Generating them raises a process-wide flag
/// (`leptos_server`'s `SuppressResourceLoad`) under which a resource that first polls, on any thread, waits forever
/// (leptos-rs/leptos#4773): an `Application` built while another of the same process serves (the tests build
/// dozens) would leave one of the other's pages unanswered. Generated once, before any app of the process serves,
/// that window never overlaps a render. Public for the authorization sweep, which checks every page is GET only.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Opens the database and brings its schema up to date.
pub async fn open_database(config: &Config) -> Result<mesh::DatabaseConnection, StartupError> {
    let settings = PoolSettings {
        max_connections: config.db_max_connections,
        acquire_timeout: std::time::Duration::from_millis(config.db_acquire_timeout_ms),
        ..Default::default()
    };
    let db = mesh::db::connect(&config.database_url, &settings).await?;
    mesh::db::migrate(&db)
        .await
        .map_err(|e| StartupError(format!("migrating the database failed: {e}")))?;
    // Products that have no search document yet (e.g. imported before search existed) become findable.
    let indexed = mesh::search::reindex_missing(&db)
        .await
        .map_err(|e| StartupError(format!("indexing products for search failed: {e}")))?;
    if indexed > 0 {
        tracing::info!(products = indexed, "indexed products for search");
    }
    let installed = mesh::governance::install_default_policies(&db)
        .await
        .map_err(|e| StartupError(format!("installing the default policies failed: {e}")))?;
    if installed > 0 {
        tracing::info!(
            policies = installed,
            "installed the default governance policies"
        );
    }
    let scored = mesh::governance::backfill_rollups(&db)
        .await
        .map_err(|e| StartupError(format!("computing compliance rollups failed: {e}")))?;
    if scored > 0 {
        tracing::info!(products = scored, "computed compliance rollups");
    }
    Ok(db)
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let db = open_database(&config).await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| StartupError(format!("cannot listen on {}: {e}", config.addr)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartupError(format!("cannot read the bound address: {e}")))?;
        let metrics_listener = match config.metrics.addr {
            Some(at) => {
                let listener = TcpListener::bind(at)
                    .await
                    .map_err(|e| StartupError(format!("cannot listen for metrics on {at}: {e}")))?;
                let bound = listener.local_addr().map_err(|e| {
                    StartupError(format!("cannot read the bound metrics address: {e}"))
                })?;
                Some((listener, bound))
            }
            None => None,
        };
        if config.metrics.enabled() {
            crate::metrics::install();
        }
        let public_url = config
            .auth
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let personas = if config.auth.demo_login {
            mesh::demo::seed::demo()
                .map(|d| d.personas)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let auth = Arc::new(AuthRuntime {
            providers: Providers::new(config.auth.providers.clone(), &public_url),
            cookie: CookieSettings::for_url(&public_url),
            session_policy: SessionPolicy {
                idle: chrono::Duration::minutes(config.auth.session_idle_minutes),
                absolute: chrono::Duration::days(config.auth.session_max_days),
            },
            admin_emails: config.auth.admin_emails.clone(),
            demo_login: config.auth.demo_login,
            personas: personas.clone(),
            public_origin: security::origin_of(&public_url),
            public_browse: config.auth.public_browse,
        });
        let site = SiteInfo {
            providers: config
                .auth
                .providers
                .iter()
                .map(|p| (p.id.clone(), p.label.clone()))
                .collect(),
            personas,
            sign_in_origins: security::sign_in_origins(&config.auth.providers),
        };
        let limiters = Limiters::new(&config.rate_limits);
        let ctx = AppContext {
            db,
            site: Arc::new(site),
            search: mesh::search::Searcher::default()
                .refreshing_every(std::time::Duration::from_millis(config.search_refresh_ms)),
            search_pages: app::ssr::RenderedSearches::with_capacity(
                config.search_cache_mb.saturating_mul(1 << 20),
            ),
            webhook_rules: config.webhook_rules(),
        };
        let router = router(&config, addr, ctx.clone(), auth, limiters.clone());
        let (stop_jobs, jobs_stop) = tokio::sync::watch::channel(false);
        let jobs = crate::jobs::spawn(
            ctx.db.clone(),
            limiters,
            crate::jobs::JobSettings {
                reminder_days: config.reminder_days,
                interval_seconds: config.job_interval_seconds,
                webhook_rules: config.webhook_rules(),
            },
            jobs_stop,
        );
        Ok(Self {
            listener,
            router,
            addr,
            db: ctx.db.clone(),
            jobs,
            stop_jobs,
            grace: std::time::Duration::from_secs(config.shutdown_grace_seconds),
            metrics_listener,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where `/metrics` is served without a token (`AGORA_METRICS_ADDR`), if anywhere.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref().map(|(_, at)| *at)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_with_shutdown(shutdown_signal()).await
    }

    /// Serves until `signal`, then stops accepting, lets the requests in flight and the background jobs' current
    /// round finish, and returns; after the grace period it returns anyway, abandoning what is still running.
    pub async fn run_with_shutdown(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Responses go out as soon as they are written: without TCP_NODELAY the last part of a response can
        // wait for the client's delayed ACK (40 ms on Linux).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!("cannot set TCP_NODELAY on a connection: {err}");
            }
        });
        let stop_jobs = self.stop_jobs;
        let mut stopping = stop_jobs.subscribe();
        // The metrics listener stops with the main one.
        let metrics = self.metrics_listener.map(|(listener, _)| {
            let mut stop = stop_jobs.subscribe();
            let router = crate::metrics::listener_router(self.db.clone());
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|stop| *stop).await;
                    })
                    .await
            })
        });
        let signal = async move {
            signal.await;
            let _ = stop_jobs.send(true);
        };
        let serve = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal);
        let (jobs, db) = (self.jobs, self.db);
        let drain = async move {
            let served = serve.await;
            if let Some(metrics) = metrics {
                match metrics.await {
                    Ok(Err(err)) => tracing::warn!("the metrics listener failed: {err}"),
                    Err(err) => tracing::error!("the metrics listener ended abnormally: {err}"),
                    Ok(Ok(())) => {}
                }
            }
            for job in jobs {
                if let Err(err) = job.await {
                    tracing::error!("a background job ended abnormally: {err}");
                }
            }
            // Nothing uses the pool any more: close its connections cleanly rather than dropping them.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), db.close()).await;
            served
        };
        let grace = self.grace;
        let deadline = async move {
            let _ = stopping.wait_for(|stop| *stop).await;
            tokio::time::sleep(grace).await;
        };
        let result = tokio::select! {
            served = drain => served,
            () = deadline => {
                tracing::warn!(
                    "shutdown grace period of {} s is over: abandoning the requests and background work still running",
                    grace.as_secs()
                );
                Ok(())
            }
        };
        result
    }
}

fn leptos_options(config: &Config, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("agora")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

fn router(
    config: &Config,
    addr: SocketAddr,
    ctx: AppContext,
    auth: Arc<AuthRuntime>,
    limiters: Arc<Limiters>,
) -> Router {
    let leptos_options = leptos_options(config, addr);
    let routes = route_list();
    let state = AppState::new(Shared {
        leptos_options: leptos_options.clone(),
        ctx: ctx.clone(),
        auth,
        limiters,
    });
    let ctx_site = ctx.site.clone();
    let metrics_db = ctx.db.clone();
    let page_ctx = ctx.clone();
    let fallback_ctx = ctx;
    let app = Router::new()
        .plain(routes::HEALTHZ, health::alive)
        .plain(routes::READYZ, health::ready)
        .nest(
            routes::API_V1,
            crate::api::v1::router().layer(axum::middleware::from_fn(
                crate::problem::plain_refusals_as_problems,
            )),
        )
        .plain(routes::DEMO_SIGN_IN, auth_routes::demo)
        .plain(routes::SIGN_OUT, auth_routes::logout)
        .plain(routes::PROVIDER_START, auth_routes::start)
        .plain(routes::PROVIDER_CALLBACK, auth_routes::callback)
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(page_ctx.clone());
                crate::security::provide_page_nonce();
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || {
                provide_context(fallback_ctx.clone());
                crate::security::provide_page_nonce();
            },
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::require_sign_in_to_browse,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::resolve_viewer,
        ))
        .layer(axum::middleware::from_fn(crate::problem::report_incidents))
        .layer(axum::middleware::from_fn(
            crate::problem::unavailable_as_page,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::reject_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security::HeaderPolicy {
                hsts: config.environment == crate::config::Environment::Production,
                site: ctx_site,
            },
            security::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let request_id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id = %request_id,
                )
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    // `/metrics` for the metrics token (404 without one): outside the session, rate-limit and sign-in layers
    // (its bearer token is not an API token), inside the request metrics.
    let scrape = crate::metrics::Scrape::new(metrics_db, config.metrics.token.as_deref());
    let app = app.plain(
        routes::METRICS,
        get(crate::metrics::scrape_with_token).with_state(scrape),
    );
    let app = if config.metrics.enabled() {
        app.layer(axum::middleware::from_fn(crate::metrics::track))
    } else {
        app
    };
    app.with_state(state)
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> Response<Body> {
    let ctx = state.ctx.clone();
    handle_server_fns_with_context(move || provide_context(ctx.clone()), request)
        .await
        .into_response()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!(
        "shutting down: no new connections; finishing requests in flight and background work"
    );
}
