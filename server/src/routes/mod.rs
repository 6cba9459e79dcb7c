//! Plain axum routes beside the Leptos pages.
pub mod health;
