//! Version 1 of the API.
pub mod docs;
pub mod dto;
pub mod extract;
pub mod governance;
pub mod paging;
pub mod products;
pub mod subscriptions;

use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{PlainRoutes, API_DOCS, API_V1, OPENAPI_DOCUMENT};
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
    components(schemas(dto::ProblemDoc, dto::FieldErrorDoc)),
    modifiers(&BearerAuth, &ProblemResponses),
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

/// Documents every error an operation can answer, each as a problem document: the ones any request can meet
/// (400 for a malformed query, path or body; 401 for an invalid, expired or missing credential; 403 for a
/// token without the scope or a viewer without the right; 429 over a rate limit), 404 where the path or a
/// written body names something, and for writes 409, 422, 413 and 415 (JSON bodies). Statuses an operation declares itself keep
/// their description and get the problem schema.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let named = path.contains('{');
            let ops = [
                (false, item.get.as_mut()),
                (true, item.post.as_mut()),
                (true, item.put.as_mut()),
                (true, item.patch.as_mut()),
                (true, item.delete.as_mut()),
            ];
            for (writes, op) in ops {
                let Some(op) = op else { continue };
                let json_body = op
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.content.keys().any(|c| c.contains("json")));
                let has_body = op.request_body.is_some();
                let mut codes: Vec<(&str, &str)> = vec![
                    (
                        "400",
                        "A malformed query, path or body; the detail names what is wrong",
                    ),
                    (
                        "401",
                        "Sign-in needed, or the token is invalid, expired or revoked",
                    ),
                    ("403", "The token lacks the scope, or you may not do this"),
                    (
                        "429",
                        "Too many requests; `Retry-After` says when to try again",
                    ),
                ];
                if named || writes {
                    codes.push((
                        "404",
                        "Something the request names (product, port, team, subscription) is not found or not visible to you",
                    ));
                }
                if writes {
                    codes.push(("409", "The state does not allow this (someone acted first)"));
                    codes.push(("422", "Field errors: the input breaks a rule"));
                }
                if has_body {
                    codes.push(("413", "The body is too large"));
                }
                if json_body {
                    codes.push(("415", "The body is not sent as application/json"));
                }
                let responses = &mut op.responses.responses;
                for (code, description) in codes {
                    responses
                        .entry(code.to_owned())
                        .or_insert_with(|| problem(description).into());
                }
                for (code, response) in responses.iter_mut() {
                    if code.as_str() < "400" {
                        continue;
                    }
                    if let utoipa::openapi::RefOr::T(r) = response {
                        let description = if r.description.is_empty() {
                            axum::http::StatusCode::from_bytes(code.as_bytes())
                                .ok()
                                .and_then(|s| s.canonical_reason())
                                .unwrap_or("Error")
                                .to_owned()
                        } else {
                            r.description.clone()
                        };
                        *response = problem(&description).into();
                    }
                }
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .plain_in(API_V1, OPENAPI_DOCUMENT, || async {
            Json(ApiDoc::openapi())
        })
        .plain_in(API_V1, API_DOCS, docs::page)
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
