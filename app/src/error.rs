//! The web layer's error: what a page, a server function or a REST call can fail with, in words a user can act
//! on. This file is the one mapping: a `mesh::Error` becomes an [`AppError`] here (variant and words), each
//! error's HTTP status and `Retry-After` are decided here, and internal errors are logged here, by
//! [`report`], called where a request is answered: the server-function boundary ([`AppError`]'s `ser`),
//! a page's error panel, and the REST API's problem documents (`server/src/problem.rs` is built from this).
use std::fmt;
use std::sync::Arc;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Bytes, Encodes};
use serde::{Deserialize, Serialize};

/// One field's problem, shown next to that field in a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    /// Not signed in, or a bearer token that is unknown, revoked or expired: the reason is what the REST API
    /// answers (pages ask to sign in).
    #[error("please sign in first")]
    Unauthorized(String),
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
    Unavailable {
        #[serde(skip)]
        cause: Cause,
    },
    #[error("something went wrong on our side; it has been logged")]
    Internal {
        #[serde(skip)]
        cause: Cause,
    },
    #[error("could not reach the server: {0}")]
    Transport(String),
}

/// What went wrong inside, for the log line written where the request is answered (see [`report`]). Never
/// sent: serde skips it, so the browser gets the words alone. Not part of what the error means, so any two
/// causes compare equal (an `Internal` is an `Internal`).
#[derive(Clone, Debug, Default)]
pub struct Cause(Option<Arc<str>>);

impl Cause {
    pub fn new(cause: impl fmt::Display) -> Self {
        Self(Some(cause.to_string().into()))
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Cause {}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_deref().unwrap_or("(no detail)"))
    }
}

/// What a 503 tells clients in `Retry-After`: the database is usually back within seconds (a failover, a restart).
pub const RETRY_AFTER_SECONDS: &str = "5";

impl AppError {
    /// Our fault; `cause` goes to the log, never to the user.
    pub fn internal(cause: impl fmt::Display) -> Self {
        AppError::Internal {
            cause: Cause::new(cause),
        }
    }

    /// The database is out of reach; `cause` goes to the log.
    pub fn unavailable(cause: impl fmt::Display) -> Self {
        AppError::Unavailable {
            cause: Cause::new(cause),
        }
    }

    /// The message for one field, if the error names it.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields()
            .iter()
            .find(|f| f.field == name)
            .map(|f| f.message.clone())
    }

    /// The fields at fault (empty unless `Invalid`).
    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(fields) => fields,
            _ => &[],
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::BadRequest(_) => 400,
            AppError::TooLarge => 413,
            AppError::Unavailable { .. } => 503,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }

    /// The `Retry-After` (seconds) this error answers with: only "unavailable" is worth retrying as it stands.
    pub fn retry_after(&self) -> Option<&'static str> {
        matches!(self, AppError::Unavailable { .. }).then_some(RETRY_AFTER_SECONDS)
    }

    /// The text a REST client reads (a problem document's `detail`): the page's words, except that a form's
    /// "correct the highlighted fields" lists the fields (an API client has no highlights) and a refused
    /// credential says why.
    pub fn detail(&self) -> String {
        match self {
            AppError::Invalid(fields) => fields
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            AppError::Unauthorized(why) => why.clone(),
            other => other.to_string(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server, these are the framework's refusals of a call (its arguments or body); in the browser,
        // failures to reach the server or to read its answer.
        #[cfg(feature = "ssr")]
        return refused_call(value);
        #[cfg(not(feature = "ssr"))]
        AppError::Transport(value.to_string())
    }

    /// The server-function boundary: the framework serializes a server function's error exactly when it
    /// becomes that call's HTTP answer (never while a page renders, where a failed call is just a value), so
    /// here the answer gets the error's status and the failure is reported, with the call's path.
    fn ser(&self) -> Bytes {
        #[cfg(feature = "ssr")]
        answer_call(self);
        <JsonEncoding as Encodes<AppError>>::encode(self)
            .unwrap_or_else(|_| Bytes::from_static(br#"{"Internal":{}}"#))
    }
}

/// The one mapping of mesh errors to what users read. Pure: where the error ends up (a server function's
/// answer, a page, a REST problem) sets the status and logs.
#[cfg(feature = "ssr")]
impl From<mesh::Error> for AppError {
    fn from(err: mesh::Error) -> Self {
        match err {
            mesh::Error::NotFound(what) => AppError::NotFound(what),
            mesh::Error::Unauthorized(why) => AppError::Unauthorized(why),
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
            other if other.is_unavailable() => AppError::unavailable(other),
            other => AppError::internal(other),
        }
    }
}

/// A server function call the framework could not run: bad arguments or an unreadable body are the caller's
/// mistake (400, or 413 over the body limit) and say what is wrong; anything else is ours (500, logged at the
/// boundary).
#[cfg(feature = "ssr")]
fn refused_call(err: ServerFnErrorErr) -> AppError {
    use ServerFnErrorErr as E;
    match err {
        E::Args(why) | E::Deserialization(why) if why.contains("length limit exceeded") => {
            AppError::TooLarge
        }
        E::Args(why) => AppError::BadRequest(format!("the arguments could not be read: {why}")),
        E::MissingArg(name) => AppError::BadRequest(format!("missing argument `{name}`")),
        E::Deserialization(why) => {
            AppError::BadRequest(format!("the body could not be read: {why}"))
        }
        other => AppError::internal(format_args!("server function: {other}")),
    }
}

/// Logs a failure that is ours (internal) or the database's (unavailable), saying what failed (`failed`: a
/// server function's path, a page's path, a REST call's method and path). The user's and client's mistakes
/// are answers, not incidents, and are not logged. The one place requests' errors are logged.
#[cfg(feature = "ssr")]
pub fn report(error: &AppError, failed: &str) {
    match error {
        AppError::Unavailable { cause } => {
            tracing::warn!(failed, error = %cause, "database unavailable")
        }
        AppError::Internal { cause } => tracing::error!(failed, error = %cause, "request failed"),
        _ => {}
    }
}

/// The path of the request being answered (a page or a server function call).
#[cfg(feature = "ssr")]
fn request_path() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|parts| parts.uri.path().to_owned())
        .unwrap_or_else(|| "(unknown request)".into())
}

/// Gives the current response `error`'s status and `Retry-After`. Returns whether the status was unset
/// before, i.e. this is the first time this response is given an error.
#[cfg(feature = "ssr")]
fn set_response_status(error: &AppError) -> bool {
    let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return false;
    };
    let first = options
        .0
        .read()
        .map(|parts| parts.status.is_none())
        .unwrap_or(false);
    if let Ok(status) = http::StatusCode::from_u16(error.status()) {
        options.set_status(status);
    }
    if let Some(seconds) = error.retry_after() {
        options.insert_header(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static(seconds),
        );
    }
    first
}

/// A server function answers with its error: its status, and the failure reported once (a plain form post
/// serializes the error a second time, into the redirect's URL).
#[cfg(feature = "ssr")]
fn answer_call(error: &AppError) {
    if set_response_status(error) {
        report(error, &format!("server function {}", request_path()));
    }
}

/// The page being rendered failed to load what it is about (its main resource): the page answers with that
/// error's status, and the failure is reported with the page's path. Called by the component that shows a
/// page-level error; a secondary load that fails (and the page does without) leaves the status alone.
#[cfg(feature = "ssr")]
pub fn answer_page(error: &AppError) {
    if set_response_status(error) {
        report(error, &format!("page {}", request_path()));
    }
}

/// A secondary load the page can do without (a side panel, a count): its failure neither shows nor changes
/// the page's status, but one that is ours is still reported (on the server).
pub fn optional<T>(loaded: Result<T, AppError>) -> Option<T> {
    #[cfg(feature = "ssr")]
    if let Err(error) = &loaded {
        report(error, &format!("part of page {}", request_path()));
    }
    loaded.ok()
}
