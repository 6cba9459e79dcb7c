//! Plain axum routes beside the Leptos pages, and the one list of them ([`PLAIN`]).
pub mod health;

use axum::handler::Handler;
use axum::routing::MethodFilter;
use axum::Router;

/// The method of a [`Plain`] route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    pub fn method(self) -> http::Method {
        match self {
            Verb::Get => http::Method::GET,
            Verb::Post => http::Method::POST,
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// A route outside the server functions (their registry lists those) and the REST API's operations (its OpenAPI
/// document lists those): health, sign-in and out, metrics, the API's own description. The router registers each
/// through [`PlainRoutes`], so what it answers is what [`PLAIN`] says; the authorization sweep
/// (`server/tests/http/authorization.rs`) reads [`PLAIN`] too, so a new one needs a row there. Besides these the
/// router has the Leptos pages (GET only, their data from server functions) and the static files (the fallback).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plain {
    pub verb: Verb,
    pub path: &'static str,
}

impl Plain {
    const fn get(path: &'static str) -> Plain {
        Plain {
            verb: Verb::Get,
            path,
        }
    }

    const fn post(path: &'static str) -> Plain {
        Plain {
            verb: Verb::Post,
            path,
        }
    }
}

/// Where the REST API is nested.
pub const API_V1: &str = "/api/v1";

pub const HEALTHZ: Plain = Plain::get("/healthz");
pub const READYZ: Plain = Plain::get("/readyz");
pub const DEMO_SIGN_IN: Plain = Plain::post("/auth/demo");
pub const SIGN_OUT: Plain = Plain::post("/auth/logout");
pub const PROVIDER_START: Plain = Plain::post("/auth/{provider}/start");
pub const PROVIDER_CALLBACK: Plain = Plain::get("/auth/{provider}/callback");
pub const METRICS: Plain = Plain::get("/metrics");
pub const OPENAPI_DOCUMENT: Plain = Plain::get("/api/v1/openapi.json");
pub const API_DOCS: Plain = Plain::get("/api/v1/docs");

/// Every plain route.
pub const PLAIN: [Plain; 9] = [
    HEALTHZ,
    READYZ,
    DEMO_SIGN_IN,
    SIGN_OUT,
    PROVIDER_START,
    PROVIDER_CALLBACK,
    METRICS,
    OPENAPI_DOCUMENT,
    API_DOCS,
];

/// Registers a [`Plain`] route: its path, for its method only.
pub trait PlainRoutes<S> {
    fn plain<H: Handler<T, S>, T: 'static>(self, route: Plain, handler: H) -> Self;

    /// For a router nested at `prefix` (which the route's path starts with).
    fn plain_in<H: Handler<T, S>, T: 'static>(self, prefix: &str, route: Plain, handler: H)
        -> Self;
}

impl<S: Clone + Send + Sync + 'static> PlainRoutes<S> for Router<S> {
    fn plain<H: Handler<T, S>, T: 'static>(self, route: Plain, handler: H) -> Self {
        self.route(route.path, axum::routing::on(route.verb.filter(), handler))
    }

    fn plain_in<H: Handler<T, S>, T: 'static>(
        self,
        prefix: &str,
        route: Plain,
        handler: H,
    ) -> Self {
        let path = route
            .path
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{} is not under {prefix}", route.path));
        self.route(path, axum::routing::on(route.verb.filter(), handler))
    }
}
