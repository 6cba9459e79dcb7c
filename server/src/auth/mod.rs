//! Sign-in through OAuth2/OIDC providers (and demo personas in development), server-side sessions, and the
//! middleware that turns a session cookie or an API token into a `mesh::access::Viewer`.
pub mod providers;
pub mod routes;
pub mod session;
