//! People: signing in through an external provider creates or finds the user behind an identity.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, Unchanged,
};

use crate::access::secrets;
use crate::entity::prelude::*;
use crate::error::{Error, Result};

/// A user as the rest of Agora sees one: who signed in, and the flags that make them admin or steward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub email: String,
    /// The provider verified `email`; when not, `email` is a placeholder under `.invalid`.
    pub email_verified: bool,
    pub name: String,
    pub avatar_url: Option<String>,
    pub is_admin: bool,
    pub is_steward: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl Account {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(u: user::Model) -> Self {
        Self {
            id: u.id,
            email: u.email,
            email_verified: u.email_verified,
            name: u.name,
            avatar_url: u.avatar_url,
            is_admin: u.is_admin,
            is_steward: u.is_steward,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

/// What a provider told us about the person who signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// The configured provider name, e.g. `keycloak` or `github`.
    pub provider: String,
    /// The provider's stable id for the person (OIDC `sub`, GitHub user id).
    pub subject: String,
    pub email: Option<String>,
    /// Whether the provider verified `email`. An unverified email is a claim anyone can make: it never gives
    /// a user that email, never links to the user holding it and never matches an admin email.
    pub email_verified: bool,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
}

/// Where the placeholder addresses of users made from unverified identities live. `.invalid` (RFC 2606) is
/// nobody's mailbox, so no provider can ever verify one of them.
const PLACEHOLDER_DOMAIN: &str = "unverified.agora.invalid";

impl ExternalIdentity {
    /// The email this identity proves: shared, well-formed and verified by the provider.
    fn verified_email(&self) -> Option<String> {
        if !self.email_verified {
            return None;
        }
        self.email
            .as_deref()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| e.contains('@') && !e.ends_with(".invalid"))
    }

    /// The address a user made from this identity holds while no verified email is known: unique per
    /// identity, never equal to a real address, so nothing that matches emails can find it by accident.
    fn placeholder_email(&self) -> String {
        let digest = secrets::hash(&format!("{}\n{}", self.provider, self.subject));
        format!("unverified-{}@{PLACEHOLDER_DOMAIN}", &digest[..20])
    }
}

/// Finds the user behind an identity, linking or creating one on first sign-in. Name and avatar follow the
/// provider.
///
/// Emails are claims of the provider, so only a verified one counts: it links a new identity to the user who
/// holds that email (verified) or creates a user holding it. An identity without a verified email gets a user
/// of its own with a placeholder address, which later learns the email when this identity signs in with it
/// verified and nobody holds it yet. A verified email in `admin_emails` makes its user an administrator.
///
/// One write transaction: a user is never left without the identity that made it.
pub async fn sign_in(
    conn: &DatabaseConnection,
    ext: &ExternalIdentity,
    admin_emails: &[String],
) -> Result<Account> {
    let tx = crate::db::begin_write(conn).await?;
    let user = sign_in_within(&tx, ext, admin_emails).await?;
    tx.commit().await?;
    Ok(Account::from_row(user))
}

async fn sign_in_within(
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
    let verified_email = ext.verified_email();
    let mut claim = None;
    let user = match linked {
        Some(link) => {
            let user = User::find_by_id(link.user_id)
                .one(db)
                .await?
                .ok_or_else(|| Error::not_found("user"))?;
            if let Some(email) = verified_email.filter(|_| !user.email_verified) {
                if User::find()
                    .filter(user::Column::Email.eq(email.as_str()))
                    .filter(user::Column::Id.ne(user.id))
                    .filter(user::Column::EmailVerified.eq(true))
                    .one(db)
                    .await?
                    .is_none()
                {
                    claim = Some(email);
                }
            }
            user
        }
        None => {
            if !ext.email.as_deref().is_some_and(|e| e.contains('@')) {
                return Err(Error::invalid(
                    "email",
                    "the sign-in provider did not share an email address; allow the email scope",
                ));
            }
            let existing = match &verified_email {
                Some(email) => {
                    User::find()
                        .filter(user::Column::Email.eq(email.as_str()))
                        .filter(user::Column::EmailVerified.eq(true))
                        .one(db)
                        .await?
                }
                None => None,
            };
            let user = match existing {
                Some(user) => user,
                None => {
                    if let Some(email) = &verified_email {
                        release_unverified_claim(db, email).await?;
                    }
                    let email_verified = verified_email.is_some();
                    let name = ext
                        .name
                        .clone()
                        .filter(|n| !n.trim().is_empty())
                        .or_else(|| verified_email.clone())
                        .unwrap_or_else(|| "Unverified account".to_owned());
                    user::ActiveModel {
                        name: Set(name),
                        email: Set(verified_email.unwrap_or_else(|| ext.placeholder_email())),
                        email_verified: Set(email_verified),
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
    let email_verified = user.email_verified || claim.is_some();
    let email = claim.clone().unwrap_or_else(|| user.email.clone());
    let make_admin = email_verified
        && admin_emails
            .iter()
            .any(|a| a.trim().eq_ignore_ascii_case(&email));
    let mut active: user::ActiveModel = user.into();
    if let Some(email) = claim {
        active.email = Set(email);
        active.email_verified = Set(true);
    }
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

/// A verified person arrives with an address that an unverified user still holds (one created before
/// unverified emails stopped counting): that user gives the address up for a placeholder of its own, so the
/// verified person gets a fresh user and never shares the other one.
async fn release_unverified_claim(db: &impl ConnectionTrait, email: &str) -> Result<()> {
    let holders = User::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::EmailVerified.eq(false))
        .all(db)
        .await?;
    for holder in holders {
        let placeholder = format!("unverified-user-{}@{PLACEHOLDER_DOMAIN}", holder.id);
        let mut active: user::ActiveModel = holder.into();
        active.email = Set(placeholder);
        active.update(db).await?;
    }
    Ok(())
}

/// A user by verified email (sign-in linking, demo sign-in, CLI).
pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Account> {
    User::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .filter(user::Column::EmailVerified.eq(true))
        .one(db)
        .await?
        .map(Account::from_row)
        .ok_or_else(|| Error::not_found(format!("user {email}")))
}

/// Records a sign-in that did not go through a provider (demo personas).
pub async fn touch_login(db: &impl ConnectionTrait, user: Account) -> Result<Account> {
    let active = user::ActiveModel {
        id: Unchanged(user.id),
        last_login_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    Ok(Account::from_row(active.update(db).await?))
}
