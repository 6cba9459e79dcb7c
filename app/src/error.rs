//! The web layer's error: what a page or a server function can fail with, in words a user can act on.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One field's problem, shown next to that field in a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("please sign in first")]
    Unauthorized,
    #[error("you may not {0}")]
    Forbidden(String),
    #[error("please correct the highlighted fields")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// The call itself is malformed (a missing or mistyped argument): a client's mistake, never a user's.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("this request is too large")]
    TooLarge,
    /// The database cannot be reached right now; the same request may work in a moment (503, Retry-After).
    #[error("Agora is temporarily unavailable, try again in a moment")]
    Unavailable,
    #[error("something went wrong on our side; it has been logged")]
    Internal,
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The message for one field, if the error names it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid(fields) => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server, these are the framework's refusals of a call (its arguments or body); in the browser,
        // failures to reach the server or to read its answer.
        #[cfg(feature = "ssr")]
        return crate::ssr::refused_call(value);
        #[cfg(not(feature = "ssr"))]
        AppError::Transport(value.to_string())
    }
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden(_) => 403,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::BadRequest(_) => 400,
            AppError::TooLarge => 413,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

/// What a 503 tells clients in `Retry-After`: the database is usually back within seconds (a failover, a restart).
pub const RETRY_AFTER_SECONDS: &str = "5";

/// Converting a mesh error also sets the response status (page or server-function call), so a refused
/// mutation answers 403, a missing product 404, a bad form 422.
#[cfg(feature = "ssr")]
impl From<mesh::Error> for AppError {
    fn from(err: mesh::Error) -> Self {
        let app = AppError::from_mesh(err);
        if let Ok(status) = http::StatusCode::from_u16(app.status()) {
            crate::ssr::set_status(status);
        }
        if app == AppError::Unavailable {
            if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                options.insert_header(
                    http::header::RETRY_AFTER,
                    http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
                );
            }
        }
        app
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    fn from_mesh(err: mesh::Error) -> Self {
        match err {
            mesh::Error::NotFound(what) => AppError::NotFound(what),
            mesh::Error::Unauthorized(_) => AppError::Unauthorized,
            mesh::Error::Forbidden(what) => AppError::Forbidden(what),
            mesh::Error::Invalid(fields) => AppError::Invalid(
                fields
                    .into_iter()
                    .map(|f| FieldError {
                        field: f.field,
                        message: f.message,
                    })
                    .collect(),
            ),
            mesh::Error::Conflict(what) => AppError::Conflict(what),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "request failed");
                AppError::Internal
            }
        }
    }
}
