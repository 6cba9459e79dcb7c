//! Who am I, how can I sign in, and my API tokens.

pub mod model;
pub use model::*;

use leptos::prelude::*;

use crate::error::AppError;

#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    let viewer = crate::ssr::viewer();
    Ok(viewer.user_id.map(|_| Me {
        name: viewer.name.clone(),
        email: viewer.email.clone(),
        is_admin: viewer.is_admin,
        is_steward: viewer.is_steward,
        owns_teams: !viewer.owned_team_ids.is_empty(),
    }))
}

#[server(prefix = "/api", endpoint = "login_options")]
pub async fn get_login_options() -> Result<LoginOptions, AppError> {
    let ctx = crate::ssr::app_context()?;
    let mut personas = Vec::new();
    for p in &ctx.site.personas {
        let name = mesh::access::identity::find_by_email(&ctx.db, &p.email)
            .await
            .map(|u| u.name)
            .unwrap_or_else(|_| p.email.clone());
        personas.push(PersonaCard {
            email: p.email.clone(),
            name,
            role: p.role.clone(),
            about: p.about.clone(),
        });
    }
    Ok(LoginOptions {
        providers: ctx
            .site
            .providers
            .iter()
            .map(|(id, label)| ProviderButton {
                id: id.clone(),
                label: label.clone(),
            })
            .collect(),
        personas,
    })
}

#[server(prefix = "/api", endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let now = chrono::Utc::now();
    Ok(mesh::access::tokens::list(&ctx.db, &viewer)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scopes: t.scopes,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked_at.is_some(),
            expired: t.expires_at <= now,
        })
        .collect())
}

/// Creates a token; each scope is a checkbox (present means granted).
#[server(prefix = "/api", endpoint = "create_token")]
pub async fn create_token(
    name: String,
    #[server(default)] scope_read: Option<String>,
    #[server(default)] scope_write: Option<String>,
    #[server(default)] scope_results: Option<String>,
    expires_in_days: i64,
) -> Result<CreatedToken, AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    let scopes = [
        (scope_read, "read"),
        (scope_write, "write"),
        (scope_results, "results"),
    ]
    .into_iter()
    .filter(|(on, _)| on.is_some())
    .map(|(_, s)| s.to_owned())
    .collect();
    let new = mesh::access::tokens::NewToken {
        name,
        scopes,
        expires_in_days,
    };
    let (secret, row) = mesh::access::tokens::create(&ctx.db, &viewer, &new).await?;
    Ok(CreatedToken {
        name: row.name,
        secret,
    })
}

#[server(prefix = "/api", endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let ctx = crate::ssr::app_context()?;
    let viewer = crate::ssr::viewer();
    mesh::access::tokens::revoke(&ctx.db, &viewer, id).await?;
    Ok(())
}
