use sea_orm::entity::prelude::*;

use crate::kinds::SubscriptionStatus;

/// An access agreement: a consumer team's use of an output port, for a purpose, possibly until an end date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub port_id: i64,
    /// The producing product (denormalised from the port for queries).
    pub product_id: i64,
    pub consumer_team_id: i64,
    /// The consuming data product: makes the subscription a lineage edge.
    pub consumer_product_id: Option<i64>,
    pub requester_id: Option<i64>,
    pub purpose: String,
    pub accepted_terms: bool,
    pub status: SubscriptionStatus,
    pub end_date: Option<Date>,
    /// A renewal asked for: the new end date, waiting for the producer.
    pub renewal_until: Option<Date>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: String,
    pub reminder_sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
