//! What the platform administration page gets. Plain data that compiles for wasm too.
use serde::{Deserialize, Serialize};
use vocabulary::TeamRole;

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
    pub role: TeamRole,
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
