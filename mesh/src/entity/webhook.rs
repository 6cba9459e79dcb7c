use sea_orm::entity::prelude::*;

/// A team's webhook: CloudEvents of the listed types, signed with the secret (HMAC-SHA256).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub url: String,
    pub secret: String,
    /// Space-separated event types, e.g. `agora.subscription.approved agora.subscription.revoked`.
    pub event_types: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
