use sea_orm::entity::prelude::*;

use crate::kinds::Severity;

/// A rule every product in scope should meet: global (`domain_id` none) or for one domain.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub domain_id: Option<i64>,
    pub key: String,
    pub title: String,
    pub rationale: String,
    /// A rule type of `governance::rules`.
    pub rule: String,
    pub params: Json,
    pub severity: Severity,
    pub enabled: bool,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
