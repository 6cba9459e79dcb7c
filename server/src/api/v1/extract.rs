//! Extractors that answer with problem documents instead of axum's plain-text rejections.
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use mesh::access::{Scope, Viewer};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// Who is calling (anonymous when there is neither a session nor a token). Reads with an API token need its
/// `read` scope; writes check their own scope where they act.
pub struct Caller(pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let viewer = parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or_default();
        if parts.method.is_safe() && !viewer.has_scope(Scope::Read) {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "this API token lacks the `read` scope",
            ));
        }
        Ok(Caller(viewer))
    }
}

/// A JSON body; a malformed one (bad syntax or the wrong shape) is a 400 that names what is wrong, one without a
/// JSON content type a 415, one over the size limit a 413.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            // Every body of the API is an object: serde would also fill a struct from an array (`[]` approving
            // with the defaults), so anything else is refused before it is read.
            Ok(axum::Json(v)) if !v.is_object() => Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "the body must be a JSON object",
            )),
            Ok(axum::Json(v)) => serde_json::from_value(v).map(Body).map_err(|e| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!("the body does not fit: {e}"),
                )
            }),
            Err(rejection) => Err(Problem::new(
                match &rejection {
                    JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    JsonRejection::BytesRejection(_)
                        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
                    {
                        StatusCode::PAYLOAD_TOO_LARGE
                    }
                    _ => StatusCode::BAD_REQUEST,
                },
                rejection.body_text(),
            )),
        }
    }
}

/// Query parameters; bad ones are a 400.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Params(v)),
            Err(rejection) => Err(Problem::new(StatusCode::BAD_REQUEST, query_text(rejection))),
        }
    }
}

fn query_text(r: QueryRejection) -> String {
    r.body_text()
}

/// Path parameters; ones of the wrong type (`/subscriptions/abc/approve`) are a 400 problem.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PathParams(v)),
            Err(rejection) => Err(Problem::new(
                match &rejection {
                    PathRejection::FailedToDeserializePathParams(_) => StatusCode::BAD_REQUEST,
                    _ => rejection.status(),
                },
                rejection.body_text(),
            )),
        }
    }
}
