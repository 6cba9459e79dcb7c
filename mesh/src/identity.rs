//! People: signing in through an external provider creates or finds the user behind an identity.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::prelude::*;
use crate::error::{Error, Result};

/// What a provider told us about the person who signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// The configured provider name, e.g. `keycloak` or `github`.
    pub provider: String,
    /// The provider's stable id for the person (OIDC `sub`, GitHub user id).
    pub subject: String,
    pub email: Option<String>,
    /// Only a verified email may link an existing Agora user to a new identity.
    pub email_verified: bool,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
}

/// Finds the user behind an identity, linking or creating one on first sign-in. Emails listed in
/// `admin_emails` become administrators. Name and avatar follow the provider.
pub async fn sign_in(
    db: &impl ConnectionTrait,
    ext: &ExternalIdentity,
    admin_emails: &[String],
) -> Result<user::Model> {
    let now = Utc::now();
    let linked = Identity::find()
        .filter(identity::Column::Provider.eq(ext.provider.as_str()))
        .filter(identity::Column::Subject.eq(ext.subject.as_str()))
        .one(db)
        .await?;
    let user = match linked {
        Some(link) => User::find_by_id(link.user_id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("user"))?,
        None => {
            let email = ext
                .email
                .as_deref()
                .map(|e| e.trim().to_lowercase())
                .filter(|e| e.contains('@'))
                .ok_or_else(|| {
                    Error::invalid(
                        "email",
                        "the sign-in provider did not share an email address; allow the email scope",
                    )
                })?;
            let existing = User::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(db)
                .await?;
            let user = match existing {
                Some(user) if ext.email_verified => user,
                Some(_) => {
                    return Err(Error::Conflict(format!(
                        "{email} already has an Agora account; the provider must verify the email to link it"
                    )))
                }
                None => {
                    user::ActiveModel {
                        name: Set(ext.name.clone().unwrap_or_else(|| email.clone())),
                        email: Set(email),
                        avatar_url: Set(ext.avatar_url.clone()),
                        is_admin: Set(false),
                        is_steward: Set(false),
                        created_at: Set(now),
                        last_login_at: Set(None),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?
                }
            };
            identity::ActiveModel {
                user_id: Set(user.id),
                provider: Set(ext.provider.clone()),
                subject: Set(ext.subject.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            user
        }
    };
    let make_admin = admin_emails
        .iter()
        .any(|a| a.trim().eq_ignore_ascii_case(&user.email));
    let mut active: user::ActiveModel = user.into();
    if let Some(name) = ext.name.clone().filter(|n| !n.trim().is_empty()) {
        active.name = Set(name);
    }
    if ext.avatar_url.is_some() {
        active.avatar_url = Set(ext.avatar_url.clone());
    }
    if make_admin {
        active.is_admin = Set(true);
    }
    active.last_login_at = Set(Some(now));
    Ok(active.update(db).await?)
}

/// A user by email (demo sign-in, CLI).
pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<user::Model> {
    User::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(format!("user {email}")))
}

/// Records a sign-in that did not go through a provider (demo personas).
pub async fn touch_login(db: &impl ConnectionTrait, user: user::Model) -> Result<user::Model> {
    let mut active: user::ActiveModel = user.into();
    active.last_login_at = Set(Some(Utc::now()));
    Ok(active.update(db).await?)
}
