//! How a request proved who it is. The session middleware finds it out and puts it into the request's extensions;
//! the rate limiter reads it from there to choose the bucket. Both import it from here, so neither imports the other.

/// How a request proved who it is: the hash of its session token or API token (used as a rate-limit key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    Session(String),
    Token(String),
}
