//! The audit log: who did what to which object, with the state before and after.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::Value;

use crate::entity::prelude::*;
use crate::error::Result;

/// One entry to record.
#[derive(Clone, Debug, Default)]
pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub note: Option<String>,
}

pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<()> {
    audit_event::ActiveModel {
        actor_id: Set(entry.actor_id),
        action: Set(entry.action.to_owned()),
        object_type: Set(entry.object_type.to_owned()),
        object_id: Set(entry.object_id),
        before: Set(entry.before),
        after: Set(entry.after),
        note: Set(entry.note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The history of one object, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    object_type: &str,
    object_id: i64,
) -> Result<Vec<audit_event::Model>> {
    Ok(AuditEvent::find()
        .filter(audit_event::Column::ObjectType.eq(object_type))
        .filter(audit_event::Column::ObjectId.eq(object_id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?)
}
