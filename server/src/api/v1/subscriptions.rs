//! `/api/v1/subscriptions`: request, decide, list, cancel, revoke, renew; the same rules as the inbox.
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Body, Caller, Params, PathParams};
use super::paging::{self, Page, PageQuery, Paging};
use crate::problem::Problem;
use crate::state::AppState;

type ApiResult<T> = Result<T, Problem>;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: i64,
    /// requested | approved | rejected | cancelled | revoked | expired
    pub status: String,
    /// `domain/product`
    pub product: String,
    pub port: String,
    pub location: String,
    pub consumer_team: String,
    /// `domain/product` of the consuming product.
    pub consumer_product: Option<String>,
    pub requester: Option<String>,
    pub purpose: String,
    pub end_date: Option<NaiveDate>,
    pub renewal_until: Option<NaiveDate>,
    pub decision_note: String,
    pub created_at: DateTime<Utc>,
}

impl From<mesh::subscriptions::SubscriptionView> for Subscription {
    fn from(v: mesh::subscriptions::SubscriptionView) -> Self {
        Self {
            id: v.sub.id,
            status: v.sub.status.as_str().into(),
            product: format!("{}/{}", v.product_domain, v.product_slug),
            port: v.port_slug,
            location: v.port_location,
            consumer_team: v.consumer_team_slug,
            consumer_product: v.consumer_product.map(|p| p.0),
            requester: v.requester_email,
            purpose: v.sub.purpose,
            end_date: v.sub.end_date,
            renewal_until: v.sub.renewal_until,
            decision_note: v.sub.decision_note,
            created_at: v.sub.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewSubscription {
    /// `domain/product`
    pub product: String,
    /// Output port slug.
    pub port: String,
    pub consumer_team: String,
    #[serde(default)]
    pub consumer_product: String,
    pub purpose: String,
    pub accept_terms: bool,
    /// YYYY-MM-DD
    #[serde(default)]
    pub end_date: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Note {
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Renewal {
    /// YYYY-MM-DD
    pub until: String,
}

/// Request access to an output port for one of your teams.
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "subscriptions", request_body = NewSubscription,
    security(("bearer" = [])), responses((status = 201, body = Subscription), (status = 422), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Body(body): Body<NewSubscription>,
) -> ApiResult<(StatusCode, Json<Subscription>)> {
    let (domain, product) = body.product.split_once('/').ok_or_else(|| {
        Problem::from(mesh::Error::invalid(
            "product",
            "write it as domain/product",
        ))
    })?;
    let port_id =
        mesh::catalog::products::port_id(&state.ctx.db, &viewer, domain, product, &body.port)
            .await?;
    let new = mesh::subscriptions::NewRequest {
        port_id,
        consumer_team: body.consumer_team,
        consumer_product: body.consumer_product,
        purpose: body.purpose,
        accept_terms: body.accept_terms,
        end_date: body.end_date,
    };
    let v = mesh::subscriptions::request(&state.ctx.db, &viewer, &new).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Your teams' subscriptions, a page at a time.
#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "subscriptions", params(PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Page<Subscription>, headers(("link" = String, description = "RFC 8288 links to the other pages")))))]
pub async fn mine(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    uri: OriginalUri,
    Params(p): Params<PageQuery>,
) -> ApiResult<Response> {
    let paging = Paging::from_query(&p)?;
    let rows = mesh::subscriptions::mine(&state.ctx.db, &viewer).await?;
    let items: Vec<Subscription> = rows.into_iter().map(Into::into).collect();
    Ok(paging::respond(&uri, paging, items))
}

/// Requests waiting for you (status `requested`, first), then the active subscribers of your teams' products,
/// a page at a time.
#[utoipa::path(get, path = "/api/v1/subscriptions/incoming", tag = "subscriptions", params(PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Page<Subscription>, headers(("link" = String, description = "RFC 8288 links to the other pages")))))]
pub async fn incoming(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    uri: OriginalUri,
    Params(p): Params<PageQuery>,
) -> ApiResult<Response> {
    let paging = Paging::from_query(&p)?;
    let (pending, active) = mesh::subscriptions::producer_view(&state.ctx.db, &viewer).await?;
    let items: Vec<Subscription> = pending.into_iter().chain(active).map(Into::into).collect();
    Ok(paging::respond(&uri, paging, items))
}

/// Approve a request (owners of the producing team).
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/approve", tag = "subscriptions", request_body = Note,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Subscription), (status = 409, description = "Someone acted first")))]
pub async fn approve(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams(id): PathParams<i64>,
    Body(body): Body<Note>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(
        mesh::subscriptions::decide(&state.ctx.db, &viewer, id, true, &body.note)
            .await?
            .into(),
    ))
}

/// Reject a request, with a note to the requester.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/reject", tag = "subscriptions", request_body = Note,
    params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = Subscription)))]
pub async fn reject(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams(id): PathParams<i64>,
    Body(body): Body<Note>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(
        mesh::subscriptions::decide(&state.ctx.db, &viewer, id, false, &body.note)
            .await?
            .into(),
    ))
}

/// Withdraw a request or end access (members of the consuming team).
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/cancel", tag = "subscriptions",
    params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = Subscription)))]
pub async fn cancel(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(
        mesh::subscriptions::cancel(&state.ctx.db, &viewer, id)
            .await?
            .into(),
    ))
}

/// Revoke access, with a reason (owners of the producing team).
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/revoke", tag = "subscriptions", request_body = Note,
    params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = Subscription)))]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams(id): PathParams<i64>,
    Body(body): Body<Note>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(
        mesh::subscriptions::revoke(&state.ctx.db, &viewer, id, &body.note)
            .await?
            .into(),
    ))
}

/// Ask to extend an active subscription.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/renew", tag = "subscriptions", request_body = Renewal,
    params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = Subscription)))]
pub async fn renew(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    PathParams(id): PathParams<i64>,
    Body(body): Body<Renewal>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(
        mesh::subscriptions::request_renewal(&state.ctx.db, &viewer, id, &body.until)
            .await?
            .into(),
    ))
}
