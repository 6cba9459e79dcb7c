//! Server functions. Each one authorizes, calls `mesh`, and maps the result to a DTO from `model`.
pub mod catalog;
