//! `/api/v1/products`: the same rules and errors as the pages, through the same mesh functions.
use axum::body::Bytes;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::dto::*;
use super::extract::{Body, Caller, Params, PathParams};
use super::paging::{self, Page, PageQuery, Paging};
use crate::problem::Problem;
use crate::state::AppState;

type ApiResult<T> = Result<T, Problem>;

fn yaml_response(yaml: String, filename: &str) -> Response {
    let mut response = (StatusCode::OK, yaml).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/yaml; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&attachment(filename)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `Content-Disposition: attachment` for a name taken from a document (an ODCS id may hold quotes, CR/LF,
/// `;` or any Unicode), per RFC 6266: an ASCII `filename` with everything unsafe replaced by `_`, and the exact
/// name as `filename*` (UTF-8, percent-encoded attr-chars of RFC 8187), so neither can end the header early.
fn attachment(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' | '_' | '+' | ' ' | '(' | ')' => c,
            _ => '_',
        })
        .collect();
    let mut encoded = String::with_capacity(filename.len() * 3);
    for b in filename.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => encoded.push(b as char),
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
                encoded.push(b as char)
            }
            _ => encoded.push_str(&format!("%{b:02X}")),
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// List the data products you may see, a page at a time (`Link` headers point at the other pages).
#[utoipa::path(get, path = "/api/v1/products", tag = "products", params(ListQuery, PageQuery),
    responses((status = 200, body = Page<ProductSummary>, headers(("link" = String, description = "RFC 8288 links to the first, previous, next and last pages")))))]
pub async fn list(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    uri: OriginalUri,
    Params(q): Params<ListQuery>,
    Params(p): Params<PageQuery>,
) -> ApiResult<Response> {
    let paging = Paging::from_query(&p)?;
    let filter = mesh::catalog::listing::ListFilter {
        domain: q.domain,
        text: q.q,
        include_retired: q.include_retired,
    };
    let cards = mesh::catalog::listing::list_products(&state.ctx.db, &viewer, &filter).await?;
    let items: Vec<ProductSummary> = cards.into_iter().map(Into::into).collect();
    Ok(paging::respond(&uri, paging, items))
}

/// Search the marketplace: full text ranked by relevance, facet counts, sorting and exact pagination, with the
/// same parameters (and the same visibility rules) as the `/products` page.
#[utoipa::path(get, path = "/api/v1/search", tag = "products", params(SearchQuery),
    responses((status = 200, body = SearchPage, headers(("link" = String, description = "RFC 8288 links to the first, previous, next and last pages")))))]
pub async fn search(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    uri: OriginalUri,
    RawQuery(query): RawQuery,
    Params(p): Params<PageQuery>,
) -> ApiResult<Response> {
    // The page's parser clamps what it cannot use; the API says what is out of bounds instead.
    let paging = Paging::check(p.page, p.per_page, mesh::search::PER_PAGE as u64)?;
    let request = mesh::search::SearchRequest::from_query(query.as_deref().unwrap_or_default());
    let results = state
        .ctx
        .search
        .search(&state.ctx.db, &viewer, &request)
        .await?;
    let page: SearchPage = results.into();
    let pages = page.pages as u64;
    Ok(paging::with_links(
        Json(page).into_response(),
        &uri,
        paging,
        pages,
    ))
}

async fn detail(
    state: &AppState,
    viewer: &mesh::access::Viewer,
    domain: &str,
    product: &str,
) -> ApiResult<ProductDetail> {
    let d = mesh::catalog::detail::product_detail(&state.ctx.db, viewer, domain, product).await?;
    Ok(ProductDetail {
        summary: d.card.into(),
        description: d.description,
        owners: d
            .owners
            .into_iter()
            .map(|p| Person {
                name: p.name,
                email: p.email,
            })
            .collect(),
        ports: d.ports.into_iter().map(Into::into).collect(),
        sunset_date: d.sunset_date,
        replacement: d
            .replacement
            .map(|r| format!("{}/{}", r.domain_slug, r.slug)),
        has_pii: d.has_pii,
        sla_availability: d.sla_availability,
        created_at: d.created_at,
        published_at: d.published_at,
    })
}

/// Create a draft data product for one of your teams.
#[utoipa::path(post, path = "/api/v1/products", tag = "products", request_body = NewProduct,
    security(("bearer" = [])),
    responses((status = 201, body = ProductDetail), (status = 422, description = "Field errors"), (status = 401), (status = 403)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Body(body): Body<NewProduct>,
) -> ApiResult<Response> {
    let new = mesh::catalog::products::NewProduct {
        domain: body.domain.clone(),
        owner_team: body.owner_team,
        name: body.name,
        slug: body.slug,
        summary: body.summary,
        description: body.description,
        kind: body.kind,
        tags: body.tags.join(","),
    };
    let product = mesh::catalog::products::create(&state.ctx.db, &viewer, &new).await?;
    let detail = detail(&state, &viewer, &body.domain, &product.slug).await?;
    let location = format!("/api/v1/products/{}/{}", body.domain, product.slug);
    let mut response = (StatusCode::CREATED, Json(detail)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// One data product with its owners and ports.
#[utoipa::path(get, path = "/api/v1/products/{domain}/{product}", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path)),
    responses((status = 200, body = ProductDetail), (status = 404)))]
pub async fn get_one(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
) -> ApiResult<Json<ProductDetail>> {
    Ok(Json(detail(&state, &viewer, &domain, &product).await?))
}

/// Change name, summary, type, tags or documentation (absent fields are kept).
#[utoipa::path(patch, path = "/api/v1/products/{domain}/{product}", tag = "products", request_body = ProductPatch,
    params(("domain" = String, Path), ("product" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProductDetail), (status = 422), (status = 403), (status = 409)))]
pub async fn patch(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    Body(body): Body<ProductPatch>,
) -> ApiResult<Json<ProductDetail>> {
    let db = &state.ctx.db;
    let current = mesh::catalog::listing::find_product(db, &viewer, &domain, &product).await?;
    let tags = match body.tags {
        Some(t) => t.join(","),
        None => mesh::catalog::tags::of_product(db, current.id)
            .await?
            .join(","),
    };
    let edit = mesh::catalog::products::ProductEdit {
        name: body.name.unwrap_or(current.name),
        summary: body.summary.unwrap_or(current.summary),
        description: body.description.unwrap_or(current.description),
        kind: body
            .kind
            .unwrap_or_else(|| current.kind.as_str().to_owned()),
        tags,
    };
    mesh::catalog::products::update(db, &viewer, current.id, &edit).await?;
    Ok(Json(detail(&state, &viewer, &domain, &product).await?))
}

/// Publish the current state as a new version. A breaking change needs a major version.
#[utoipa::path(post, path = "/api/v1/products/{domain}/{product}/publish", tag = "products", request_body = Publish,
    params(("domain" = String, Path), ("product" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Version), (status = 422, description = "Version too small for the changes")))]
pub async fn publish(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    Body(body): Body<Publish>,
) -> ApiResult<Json<Version>> {
    let db = &state.ctx.db;
    let visible = mesh::catalog::products::id_of(db, &viewer, &domain, &product).await?;
    mesh::catalog::versions::publish(db, &viewer, visible.id(), &body.version, &body.summary)
        .await?;
    let latest = mesh::catalog::versions::history(db, visible)
        .await?
        .into_iter()
        .next();
    latest.map(|v| Json(v.into())).ok_or_else(|| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the version was not recorded",
        )
    })
}

/// Version history, newest first, with the machine diff of each.
#[utoipa::path(get, path = "/api/v1/products/{domain}/{product}/versions", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path), PageQuery),
    responses((status = 200, body = Page<Version>, headers(("link" = String, description = "RFC 8288 links to the other pages"))), (status = 404)))]
pub async fn versions(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    uri: OriginalUri,
    PathParams((domain, product)): PathParams<(String, String)>,
    Params(p): Params<PageQuery>,
) -> ApiResult<Response> {
    let paging = Paging::from_query(&p)?;
    let db = &state.ctx.db;
    let visible = mesh::catalog::products::id_of(db, &viewer, &domain, &product).await?;
    let items: Vec<Version> = mesh::catalog::versions::history(db, visible)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(paging::respond(&uri, paging, items))
}

/// What publishing now would record, and the version it proposes.
#[utoipa::path(get, path = "/api/v1/products/{domain}/{product}/proposal", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path)), responses((status = 200, body = Proposal)))]
pub async fn proposal(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
) -> ApiResult<Json<Proposal>> {
    let db = &state.ctx.db;
    let p = mesh::catalog::listing::find_product(db, &viewer, &domain, &product).await?;
    let proposal = mesh::catalog::versions::propose(db, &p).await?;
    Ok(Json(Proposal {
        current_version: proposal.current_version,
        last_published: proposal.last_published,
        bump: proposal.bump.map(|b| b.as_str().into()),
        suggested: proposal.suggested,
        changes: proposal.changes.into_iter().map(Into::into).collect(),
    }))
}

/// Deprecate a published product with a sunset date and optional replacement.
#[utoipa::path(post, path = "/api/v1/products/{domain}/{product}/deprecate", tag = "products", request_body = Deprecate,
    params(("domain" = String, Path), ("product" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 422), (status = 409)))]
pub async fn deprecate(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    Body(body): Body<Deprecate>,
) -> ApiResult<StatusCode> {
    let db = &state.ctx.db;
    let id = mesh::catalog::products::id_of(db, &viewer, &domain, &product)
        .await?
        .id();
    mesh::catalog::products::deprecate(db, &viewer, id, &body.sunset_date, &body.replacement)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Retire a product: read-only and hidden from the marketplace.
#[utoipa::path(post, path = "/api/v1/products/{domain}/{product}/retire", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 409)))]
pub async fn retire(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    let db = &state.ctx.db;
    let id = mesh::catalog::products::id_of(db, &viewer, &domain, &product)
        .await?
        .id();
    mesh::catalog::products::retire(db, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Output ports.
#[utoipa::path(get, path = "/api/v1/products/{domain}/{product}/ports", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path), PageQuery),
    responses((status = 200, body = Page<Port>, headers(("link" = String, description = "RFC 8288 links to the other pages"))), (status = 404)))]
pub async fn ports(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    uri: OriginalUri,
    PathParams((domain, product)): PathParams<(String, String)>,
    Params(p): Params<PageQuery>,
) -> ApiResult<Response> {
    let paging = Paging::from_query(&p)?;
    let rows = mesh::catalog::views::ports(&state.ctx.db, &viewer, &domain, &product).await?;
    let items: Vec<Port> = rows.into_iter().map(Into::into).collect();
    Ok(paging::respond(&uri, paging, items))
}

/// Add an output port.
#[utoipa::path(post, path = "/api/v1/products/{domain}/{product}/ports", tag = "products", request_body = NewPort,
    params(("domain" = String, Path), ("product" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = Vec<Port>), (status = 422)))]
pub async fn add_port(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    Body(body): Body<NewPort>,
) -> ApiResult<(StatusCode, Json<Vec<Port>>)> {
    let db = &state.ctx.db;
    let id = mesh::catalog::products::id_of(db, &viewer, &domain, &product)
        .await?
        .id();
    let new = mesh::catalog::products::NewPort {
        slug: body.slug,
        name: body.name,
        kind: body.kind,
        location: body.location,
        approval_mode: body.approval_mode,
        description: body.description,
    };
    mesh::catalog::products::add_port(db, &viewer, id, &new).await?;
    let rows = mesh::catalog::views::ports(db, &viewer, &domain, &product).await?;
    Ok((
        StatusCode::CREATED,
        Json(rows.into_iter().map(Into::into).collect()),
    ))
}

/// Remove an output port (a breaking change at the next publication).
#[utoipa::path(delete, path = "/api/v1/products/{domain}/{product}/ports/{port}", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path), ("port" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404)))]
pub async fn remove_port(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product, port)): PathParams<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let db = &state.ctx.db;
    let id = mesh::catalog::products::id_of(db, &viewer, &domain, &product)
        .await?
        .id();
    mesh::catalog::products::remove_port(db, &viewer, id, &port).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The data contract as ODCS v3.1.0 YAML (or JSON with `format=json`).
#[utoipa::path(get, path = "/api/v1/products/{domain}/{product}/contract", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path), ContractQuery),
    responses((status = 200, description = "ODCS v3.1.0 document", content_type = "application/yaml"), (status = 404)))]
pub async fn get_contract(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    Params(q): Params<ContractQuery>,
) -> ApiResult<Response> {
    let db = &state.ctx.db;
    let visible = mesh::catalog::products::id_of(db, &viewer, &domain, &product).await?;
    let contract = mesh::catalog::contracts::find(db, visible, q.id.as_deref()).await?;
    if q.format.as_deref() == Some("json") {
        return Ok(Json(mesh::standards::odcs::for_export(&contract.document)).into_response());
    }
    Ok(yaml_response(
        mesh::standards::odcs::to_yaml(&contract.document),
        &format!("{}.odcs.yaml", contract.odcs_id),
    ))
}

/// Import (create or replace) a contract from ODCS v3.0.x/v3.1.x YAML or JSON. Unchanged content changes nothing.
#[utoipa::path(put, path = "/api/v1/products/{domain}/{product}/contract", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path), ImportQuery),
    request_body(content = String, content_type = "application/yaml", description = "ODCS document"),
    security(("bearer" = [])),
    responses((status = 200, body = Imported), (status = 422, description = "Problems with line, path and rule")))]
pub async fn put_contract(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
    Params(q): Params<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Imported>> {
    let _ = headers;
    let text = std::str::from_utf8(&body)
        .map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "the contract must be UTF-8 text"))?;
    let db = &state.ctx.db;
    let id = mesh::catalog::products::id_of(db, &viewer, &domain, &product)
        .await?
        .id();
    let imported =
        mesh::catalog::contracts::import(db, &viewer, id, text, q.port.as_deref()).await?;
    Ok(Json(Imported {
        id: imported.odcs_id,
        outcome: imported.outcome.as_str().into(),
    }))
}

/// The product with its ports as an Open Data Product Standard (ODPS v1.0.0) YAML document.
#[utoipa::path(get, path = "/api/v1/products/{domain}/{product}/odps", tag = "products",
    params(("domain" = String, Path), ("product" = String, Path)),
    responses((status = 200, description = "ODPS v1.0.0 document", content_type = "application/yaml")))]
pub async fn odps(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams((domain, product)): PathParams<(String, String)>,
) -> ApiResult<Response> {
    let yaml = mesh::standards::odps::yaml(&state.ctx.db, &viewer, &domain, &product).await?;
    Ok(yaml_response(yaml, &format!("{product}.odps.yaml")))
}
