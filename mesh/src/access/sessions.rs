//! Server-side sessions: the cookie holds a random token, the database its hash, the user and two expiries.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::access::identity::Account;
use crate::access::secrets;
use crate::access::{viewer_for, Viewer};
use crate::entity::prelude::*;
use crate::error::Result;

/// How long a session lives: `idle` since the last request, `absolute` since sign-in.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::hours(8),
            absolute: Duration::days(7),
        }
    }
}

/// Starts a session for `user_id` and returns the token for the cookie (a new id at every sign-in).
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: i64,
    user_agent: Option<String>,
    policy: &SessionPolicy,
) -> Result<String> {
    let token = secrets::random_token();
    let now = Utc::now();
    session::ActiveModel {
        id: Set(secrets::hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + policy.absolute),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(200).collect())),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The signed-in user and their viewer for a cookie token, or `None` when the session is unknown or expired
/// (an expired session is deleted). Touches `last_seen_at` at most once a minute.
pub async fn resolve(
    db: &impl ConnectionTrait,
    token: &str,
    policy: &SessionPolicy,
) -> Result<Option<(Account, Viewer)>> {
    let Some(session) = Session::find_by_id(secrets::hash(token)).one(db).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if expired(&session, policy, now) {
        Session::delete_by_id(session.id).exec(db).await?;
        return Ok(None);
    }
    let Some(user) = User::find_by_id(session.user_id).one(db).await? else {
        return Ok(None);
    };
    let user = Account::from_row(user);
    if now - session.last_seen_at > Duration::minutes(1) {
        let mut active: session::ActiveModel = session.into();
        active.last_seen_at = Set(now);
        active.update(db).await?;
    }
    let viewer = viewer_for(db, &user).await?;
    Ok(Some((user, viewer)))
}

fn expired(session: &session::Model, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    now >= session.expires_at || now - session.last_seen_at >= policy.idle
}

/// Signs out: the session is gone server-side, whatever the browser keeps.
pub async fn destroy(db: &impl ConnectionTrait, token: &str) -> Result<()> {
    Session::delete_by_id(secrets::hash(token)).exec(db).await?;
    Ok(())
}

/// Removes sessions past their absolute expiry (run by a periodic job).
pub async fn purge_expired(db: &impl ConnectionTrait) -> Result<u64> {
    let result = Session::delete_many()
        .filter(session::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
