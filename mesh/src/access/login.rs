//! Sign-ins in flight: between the redirect to the provider and its callback, the login's state, PKCE verifier and
//! nonce wait here, server-side, so the browser carries nothing but the state (bound to it by a cookie). A login
//! is used once and for [`TTL`] at most.
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::prelude::*;
use crate::error::Result;

/// How long a login may take between the redirect and the callback (also the life of the cookie that binds it).
pub const TTL: Duration = Duration::minutes(10);

/// A login started and not yet finished: what the callback needs to finish it with the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLogin {
    /// The OAuth `state`, random, the key the callback brings back.
    pub state: String,
    /// The configured provider the login went to.
    pub provider: String,
    pub pkce_verifier: String,
    /// The OpenID Connect nonce, for providers that sign an ID token.
    pub nonce: Option<String>,
    /// Where the browser goes afterwards (already checked to stay on our origin).
    pub return_to: String,
}

impl PendingLogin {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    pub(crate) fn from_row(row: login_state::Model) -> Self {
        Self {
            state: row.state,
            provider: row.provider,
            pkce_verifier: row.pkce_verifier,
            nonce: row.nonce,
            return_to: row.return_to,
        }
    }
}

/// Remembers a login until its callback. Logins older than [`TTL`] are purged first, so abandoned ones do not
/// pile up; a failed purge is only logged, it does not stop this sign-in.
pub async fn begin(db: &impl ConnectionTrait, login: &PendingLogin) -> Result<()> {
    let now = Utc::now();
    if let Err(err) = LoginState::delete_many()
        .filter(login_state::Column::CreatedAt.lt(now - TTL))
        .exec(db)
        .await
    {
        tracing::warn!(error = %err, "could not purge old login states");
    }
    login_state::ActiveModel {
        state: Set(login.state.clone()),
        provider: Set(login.provider.clone()),
        pkce_verifier: Set(login.pkce_verifier.clone()),
        nonce: Set(login.nonce.clone()),
        return_to: Set(login.return_to.clone()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Uses up the login `state` names for a callback from `provider`: `None` when there is none, it was used
/// already, it went to another provider or it is older than [`TTL`]. Single use: whoever deletes the row owns
/// the login, a replay (or a racing second callback) finds nothing to delete; a login that fails the checks is
/// used up all the same. Only the lookup's failure is an error: when the delete fails it is unknown whether
/// another callback took the login, so it is not honoured.
pub async fn take(
    db: &impl ConnectionTrait,
    state: &str,
    provider: &str,
) -> Result<Option<PendingLogin>> {
    let Some(stored) = LoginState::find_by_id(state.to_owned()).one(db).await? else {
        return Ok(None);
    };
    match LoginState::delete_by_id(state.to_owned()).exec(db).await {
        Ok(result) if result.rows_affected == 1 => {}
        Ok(_) => return Ok(None),
        Err(err) => {
            tracing::warn!(error = %err, "could not use up a login state");
            return Ok(None);
        }
    }
    if stored.provider != provider || Utc::now() - stored.created_at > TTL {
        return Ok(None);
    }
    Ok(Some(PendingLogin::from_row(stored)))
}
