//! What server functions send to the browser. Plain data that compiles for wasm too.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub kind: String,
    pub kind_label: String,
    pub status: String,
    pub status_label: String,
    pub version: String,
    pub domain_slug: String,
    pub domain_name: String,
    pub team_slug: String,
    pub team_name: String,
    pub tags: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

impl ProductCard {
    pub fn href(&self) -> String {
        format!("/products/{}/{}", self.domain_slug, self.slug)
    }

    /// Whether a quick-filter text matches this card (name, summary, domain, team or a tag).
    pub fn matches(&self, needle: &str) -> bool {
        let needle = needle.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        [
            &self.name,
            &self.summary,
            &self.domain_name,
            &self.team_name,
        ]
        .iter()
        .any(|s| s.to_lowercase().contains(&needle))
            || self.tags.iter().any(|t| t.contains(&needle))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub avatar_url: Option<String>,
}

impl Person {
    pub fn initials(&self) -> String {
        self.name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Port {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub kind_label: String,
    pub location: String,
    pub approval_mode: String,
    pub approval_label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductLink {
    pub domain_slug: String,
    pub slug: String,
    pub name: String,
}

impl ProductLink {
    pub fn href(&self) -> String {
        format!("/products/{}/{}", self.domain_slug, self.slug)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductPage {
    pub card: ProductCard,
    pub docs_html: String,
    pub owners: Vec<Person>,
    pub ports: Vec<Port>,
    pub sunset_date: Option<NaiveDate>,
    pub replacement: Option<ProductLink>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DomainTile {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub product_count: u64,
}

/// The marketplace page: cards plus the domains to filter by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Marketplace {
    pub products: Vec<ProductCard>,
    pub domains: Vec<DomainTile>,
}

#[cfg(feature = "ssr")]
mod from_mesh {
    use super::*;
    use mesh::catalog as c;

    impl From<c::ProductCard> for ProductCard {
        fn from(c: c::ProductCard) -> Self {
            Self {
                id: c.id,
                slug: c.slug,
                name: c.name,
                summary: c.summary,
                kind: c.kind.as_str().into(),
                kind_label: c.kind.label().into(),
                status: c.status.as_str().into(),
                status_label: c.status.label().into(),
                version: c.version,
                domain_slug: c.domain_slug,
                domain_name: c.domain_name,
                team_slug: c.team_slug,
                team_name: c.team_name,
                tags: c.tags,
                updated_at: c.updated_at,
            }
        }
    }

    impl From<c::Person> for Person {
        fn from(p: c::Person) -> Self {
            Self {
                name: p.name,
                email: p.email,
                avatar_url: p.avatar_url,
            }
        }
    }

    impl From<c::PortView> for Port {
        fn from(p: c::PortView) -> Self {
            Self {
                slug: p.slug,
                name: p.name,
                description: p.description,
                kind: p.kind.as_str().into(),
                kind_label: p.kind.label().into(),
                location: p.location,
                approval_mode: p.approval_mode.as_str().into(),
                approval_label: p.approval_mode.label().into(),
            }
        }
    }

    impl From<c::ProductRef> for ProductLink {
        fn from(r: c::ProductRef) -> Self {
            Self {
                domain_slug: r.domain_slug,
                slug: r.slug,
                name: r.name,
            }
        }
    }

    impl From<c::ProductPage> for ProductPage {
        fn from(p: c::ProductPage) -> Self {
            Self {
                card: p.card.into(),
                docs_html: p.docs_html,
                owners: p.owners.into_iter().map(Into::into).collect(),
                ports: p.ports.into_iter().map(Into::into).collect(),
                sunset_date: p.sunset_date,
                replacement: p.replacement.map(Into::into),
                created_at: p.created_at,
                published_at: p.published_at,
            }
        }
    }

    impl From<c::DomainTile> for DomainTile {
        fn from(d: c::DomainTile) -> Self {
            Self {
                slug: d.slug,
                name: d.name,
                description: d.description,
                product_count: d.product_count,
            }
        }
    }
}

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

/// A token just created: the secret is shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub name: String,
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminPerson {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_steward: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminTeam {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub domain_slug: String,
    pub members: Vec<AdminMember>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminDomain {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub parent_slug: Option<String>,
    pub owner_team_slug: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub is_admin: bool,
    pub domains: Vec<AdminDomain>,
    pub teams: Vec<AdminTeam>,
    pub people: Vec<AdminPerson>,
}
