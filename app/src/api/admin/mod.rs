//! Platform administration: domains, teams, members, roles.

pub mod model;
pub use model::*;

use leptos::prelude::*;

use crate::error::AppError;

#[server(prefix = "/api", endpoint = "admin_overview")]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let o = mesh::access::admin::overview(&ctx.db, &viewer).await?;
    Ok(AdminOverview {
        is_admin: viewer.is_admin,
        domains: o
            .domains
            .into_iter()
            .map(|d| AdminDomain {
                id: d.id,
                slug: d.slug,
                name: d.name,
                parent_slug: d.parent_slug,
                owner_team_slug: d.owner_team_slug,
            })
            .collect(),
        teams: o
            .teams
            .into_iter()
            .map(|t| AdminTeam {
                id: t.id,
                slug: t.slug,
                name: t.name,
                domain_slug: t.domain_slug,
                members: t
                    .members
                    .into_iter()
                    .map(|m| AdminMember {
                        user_id: m.user_id,
                        name: m.name,
                        email: m.email,
                        role: m.role,
                    })
                    .collect(),
            })
            .collect(),
        people: o
            .people
            .into_iter()
            .map(|p| AdminPerson {
                id: p.id,
                name: p.name,
                email: p.email,
                is_admin: p.is_admin,
                is_steward: p.is_steward,
            })
            .collect(),
    })
}

#[server(prefix = "/api", endpoint = "create_domain")]
pub async fn create_domain(
    slug: String,
    name: String,
    #[server(default)] description: String,
    #[server(default)] parent: String,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let new = mesh::access::admin::NewDomain {
        slug,
        name,
        description,
        parent: Some(parent).filter(|p| !p.is_empty()),
    };
    mesh::access::admin::create_domain(&ctx.db, &viewer, &new).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "create_team")]
pub async fn create_team(
    slug: String,
    name: String,
    domain: String,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let new = mesh::access::admin::NewTeam {
        slug,
        name,
        domain,
        description,
    };
    mesh::access::admin::create_team(&ctx.db, &viewer, &new).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "set_domain_owner")]
pub async fn set_domain_owner(domain_id: i64, team_id: i64) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    mesh::access::admin::set_domain_owner(&ctx.db, &viewer, domain_id, team_id).await?;
    Ok(())
}

/// Adds a member (or changes their role): `role` is `owner` or `member`.
#[server(prefix = "/api", endpoint = "put_member")]
pub async fn put_member(team_id: i64, email: String, role: String) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let role = role
        .parse()
        .map_err(|m: String| mesh::Error::invalid("role", m))?;
    mesh::access::admin::put_member(&ctx.db, &viewer, team_id, &email, role).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(team_id: i64, user_id: i64) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    mesh::access::admin::remove_member(&ctx.db, &viewer, team_id, user_id).await?;
    Ok(())
}

/// Sets the admin and steward flags (checkboxes: present means on).
#[server(prefix = "/api", endpoint = "set_roles")]
pub async fn set_roles(
    user_id: i64,
    #[server(default)] is_admin: Option<String>,
    #[server(default)] is_steward: Option<String>,
) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    mesh::access::admin::set_flags(
        &ctx.db,
        &viewer,
        user_id,
        is_admin.is_some(),
        is_steward.is_some(),
    )
    .await?;
    Ok(())
}
