//! In-app notifications: a per-user inbox with an unread count.
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::access::Viewer;
use crate::entity::prelude::*;
use crate::error::Result;

/// What to tell people.
#[derive(Clone, Debug)]
pub struct Note<'a> {
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// Sends one notification to each user (duplicates removed).
pub async fn notify(db: &impl ConnectionTrait, users: &[i64], note: &Note<'_>) -> Result<()> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    if users.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = users.into_iter().map(|user_id| notification::ActiveModel {
        user_id: Set(user_id),
        kind: Set(note.kind.to_owned()),
        title: Set(note.title.clone()),
        body: Set(note.body.clone()),
        link: Set(note.link.clone()),
        read_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    });
    Notification::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn unread_count(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<u64> {
    let Some(user_id) = viewer.user_id else {
        return Ok(0);
    };
    Ok(Notification::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// A notification as its recipient sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where the notification leads, a path on our site.
    pub link: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl NotificationView {
    /// What a stored row shows (a function, not `From`, so the entity stays out of the public interface).
    fn from_row(n: notification::Model) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            read_at: n.read_at,
            created_at: n.created_at,
        }
    }
}

/// The viewer's latest notifications, newest first.
pub async fn latest(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    limit: u64,
) -> Result<Vec<NotificationView>> {
    let user_id = viewer.require_user()?;
    Ok(Notification::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(NotificationView::from_row)
        .collect())
}

/// Marks the viewer's notifications read: one (`Some(id)`) or all.
pub async fn mark_read(db: &impl ConnectionTrait, viewer: &Viewer, id: Option<i64>) -> Result<()> {
    let user_id = viewer.require_user()?;
    let mut update = Notification::update_many()
        .col_expr(
            notification::Column::ReadAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    update.exec(db).await?;
    Ok(())
}
