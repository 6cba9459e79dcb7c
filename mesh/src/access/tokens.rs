//! Personal API tokens: named, scoped, expiring, revocable; the secret is shown once and stored hashed.
use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::access::identity::Account;
use crate::access::secrets;
use crate::access::{viewer_for, Scope, Viewer};
use crate::entity::prelude::*;
use crate::error::{Error, FieldError, Result};

/// Every token starts with this, so leaked ones are easy to find in logs and repositories.
pub const PREFIX: &str = "agora_";

/// What the user asks for when creating a token.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<String>,
    pub expires_in_days: i64,
}

/// A token as its owner sees it: never the secret, nor its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    /// Space-separated scope names.
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(t: api_token::Model) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scopes: t.scopes,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Creates a token for the viewer. Returns the secret (shown once) and the token.
pub async fn create(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    new: &NewToken,
) -> Result<(String, TokenView)> {
    let user_id = viewer.require_user()?;
    if viewer.scopes.is_some() {
        return Err(Error::forbidden(
            "create tokens with a token; sign in instead",
        ));
    }
    let mut errors = Vec::new();
    let name = new.name.trim();
    if name.is_empty() || name.len() > 80 {
        errors.push(FieldError::new(
            "name",
            "give the token a name of 1 to 80 characters",
        ));
    }
    let mut scopes = BTreeSet::new();
    for s in &new.scopes {
        match Scope::parse(s) {
            Some(scope) => {
                scopes.insert(scope);
            }
            None => errors.push(FieldError::new(
                "scopes",
                format!("unknown scope `{s}` (read, write, results)"),
            )),
        }
    }
    if scopes.is_empty() && errors.iter().all(|e| e.field != "scopes") {
        errors.push(FieldError::new("scopes", "choose at least one scope"));
    }
    if !(1..=366).contains(&new.expires_in_days) {
        errors.push(FieldError::new(
            "expires_in_days",
            "must be between 1 and 366 days",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let secret = format!("{PREFIX}{}", secrets::random_token());
    let now = Utc::now();
    let row = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        prefix: Set(secret.chars().take(PREFIX.len() + 6).collect()),
        token_hash: Set(secrets::hash(&secret)),
        scopes: Set(scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(new.expires_in_days)),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((secret, TokenView::from_row(row)))
}

/// The viewer's tokens, newest first.
pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Vec<TokenView>> {
    let user_id = viewer.require_user()?;
    Ok(ApiToken::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(TokenView::from_row)
        .collect())
}

/// Revokes one of the viewer's own tokens (admins may revoke anyone's).
pub async fn revoke(db: &impl ConnectionTrait, viewer: &Viewer, token_id: i64) -> Result<()> {
    let user_id = viewer.require_user()?;
    let token = ApiToken::find_by_id(token_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("token"))?;
    if token.user_id != user_id && !viewer.is_admin {
        return Err(Error::forbidden("revoke someone else's token"));
    }
    if token.revoked_at.is_none() {
        let mut active: api_token::ActiveModel = token.into();
        active.revoked_at = Set(Some(Utc::now()));
        active.update(db).await?;
    }
    Ok(())
}

/// The viewer a bearer token stands for. Unknown, expired and revoked tokens are `Unauthorized`.
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<Viewer> {
    let unauthorized = |why: &str| Error::Unauthorized(why.to_owned());
    let token = ApiToken::find()
        .filter(api_token::Column::TokenHash.eq(secrets::hash(secret)))
        .one(db)
        .await?
        .ok_or_else(|| unauthorized("unknown token"))?;
    let now = Utc::now();
    if token.revoked_at.is_some() {
        return Err(unauthorized("this token was revoked"));
    }
    if token.expires_at <= now {
        return Err(unauthorized("this token has expired"));
    }
    let user = User::find_by_id(token.user_id)
        .one(db)
        .await?
        .ok_or_else(|| unauthorized("unknown token"))?;
    let scopes = token
        .scopes
        .split_whitespace()
        .filter_map(Scope::parse)
        .collect();
    if token
        .last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
    {
        let mut active: api_token::ActiveModel = token.into();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    let mut viewer = viewer_for(db, &Account::from_row(user)).await?;
    viewer.scopes = Some(scopes);
    Ok(viewer)
}
