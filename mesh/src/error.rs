//! The mesh layer's one error type. The web layer maps each variant to a status code and user-facing text once,
//! in `app::error` (`From<mesh::Error> for AppError`); the REST API's problem documents are built from that. A
//! `Db` error's text (the statement's complaint) only reaches the log, beside what failed.
use std::fmt;

use crate::db::errors::{duplicate_message, is_unique_violation, is_unreachable};

/// A problem with one field of some input, e.g. `slug: must be lowercase letters, digits and dashes`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0} not found")]
    NotFound(String),
    #[error("not signed in: {0}")]
    Unauthorized(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("invalid input: {}", join(.0))]
    Invalid(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Db(sea_orm::DbErr),
}

/// The one mapping of database errors: a unique index refusing a row means somebody else stored the same thing
/// first (two requests racing), a conflict the user can act on rather than our fault; all else stays `Db`.
/// Every database error the mesh meets passes here once, so here it is counted (see [`crate::metrics`]).
impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        crate::metrics::db_error(&err);
        if is_unique_violation(&err) {
            Error::Conflict(duplicate_message(&err))
        } else {
            Error::Db(err)
        }
    }
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound(what.into())
    }

    pub fn forbidden(what: impl Into<String>) -> Self {
        Error::Forbidden(what.into())
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, message)])
    }

    /// The database cannot be reached right now (see [`is_unreachable`]): the web layer answers 503
    /// with Retry-After instead of 500, since the same request may succeed in a moment.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Db(err) if is_unreachable(err))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
