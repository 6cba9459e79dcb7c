//! Extractors that answer with problem documents instead of axum's plain-text rejections.
use axum::extract::rejection::{JsonRejection, QueryRejection};
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

/// A JSON body; a malformed one is a 400 that names what is wrong.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rejection) => Err(Problem::new(
                match rejection {
                    JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
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
