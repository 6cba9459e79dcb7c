//! What sign-in, the account menu and API tokens send to the browser. Plain data that compiles for wasm too.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocabulary::TokenState;

/// The signed-in person, for the header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_steward: bool,
    pub owns_teams: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderButton {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonaCard {
    pub email: String,
    pub name: String,
    pub role: String,
    pub about: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginOptions {
    pub providers: Vec<ProviderButton>,
    pub personas: Vec<PersonaCard>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub expired: bool,
}

impl TokenRow {
    /// Whether the token still works: a revoked token reads as revoked even after its expiry.
    pub fn state(&self) -> TokenState {
        if self.revoked {
            TokenState::Revoked
        } else if self.expired {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }
}

/// A token just created: the secret is shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub name: String,
    pub secret: String,
}
