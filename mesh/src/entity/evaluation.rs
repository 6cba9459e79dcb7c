use sea_orm::entity::prelude::*;

use crate::kinds::Outcome;

/// The latest result of one product against one policy.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub policy_id: i64,
    pub outcome: Outcome,
    pub reason: String,
    pub fix_hint: String,
    pub evaluated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
