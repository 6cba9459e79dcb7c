//! Version 1 of the API.
pub mod docs;
pub mod dto;
pub mod extract;
pub mod governance;
pub mod products;
pub mod subscriptions;

use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Agora API",
        version = "1",
        description = "Data products, their ports, versions and ODCS data contracts. Authenticate with \
                       `Authorization: Bearer <token>` (tokens are created at /settings/tokens); reads of the \
                       public marketplace need none. Errors are RFC 9457 problem documents."
    ),
    paths(
        products::list,
        products::search,
        products::create,
        products::get_one,
        products::patch,
        products::publish,
        products::versions,
        products::proposal,
        products::deprecate,
        products::retire,
        products::ports,
        products::add_port,
        products::remove_port,
        products::get_contract,
        products::put_contract,
        products::odps,
        subscriptions::create,
        subscriptions::mine,
        subscriptions::incoming,
        subscriptions::approve,
        subscriptions::reject,
        subscriptions::cancel,
        subscriptions::revoke,
        subscriptions::renew,
        governance::push_quality,
        governance::push_measurements,
        governance::push_datacontract_cli,
        governance::overview,
        governance::product,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "products", description = "Data products, ports, versions and contracts"),
        (name = "subscriptions", description = "Access agreements: request, decide, cancel, revoke, renew"),
        (name = "governance", description = "Compliance, and the quality and SLA results pipelines push")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("agora token")
                    .build(),
            ),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/docs", get(docs::page))
        .route("/search", get(products::search))
        .route("/products", get(products::list).post(products::create))
        .route(
            "/products/{domain}/{product}",
            get(products::get_one).patch(products::patch),
        )
        .route(
            "/products/{domain}/{product}/publish",
            post(products::publish),
        )
        .route(
            "/products/{domain}/{product}/versions",
            get(products::versions),
        )
        .route(
            "/products/{domain}/{product}/proposal",
            get(products::proposal),
        )
        .route(
            "/products/{domain}/{product}/deprecate",
            post(products::deprecate),
        )
        .route(
            "/products/{domain}/{product}/retire",
            post(products::retire),
        )
        .route(
            "/products/{domain}/{product}/ports",
            get(products::ports).post(products::add_port),
        )
        .route(
            "/products/{domain}/{product}/ports/{port}",
            axum::routing::delete(products::remove_port),
        )
        .route(
            "/products/{domain}/{product}/contract",
            get(products::get_contract).put(products::put_contract),
        )
        .route("/products/{domain}/{product}/odps", get(products::odps))
        .route(
            "/products/{domain}/{product}/quality-results",
            post(governance::push_quality),
        )
        .route(
            "/products/{domain}/{product}/sla-measurements",
            post(governance::push_measurements),
        )
        .route(
            "/products/{domain}/{product}/compliance",
            get(governance::product),
        )
        .route(
            "/datacontract-cli/test-results",
            post(governance::push_datacontract_cli),
        )
        .route("/governance", get(governance::overview))
        .route(
            "/subscriptions",
            get(subscriptions::mine).post(subscriptions::create),
        )
        .route("/subscriptions/incoming", get(subscriptions::incoming))
        .route("/subscriptions/{id}/approve", post(subscriptions::approve))
        .route("/subscriptions/{id}/reject", post(subscriptions::reject))
        .route("/subscriptions/{id}/cancel", post(subscriptions::cancel))
        .route("/subscriptions/{id}/revoke", post(subscriptions::revoke))
        .route("/subscriptions/{id}/renew", post(subscriptions::renew))
}
