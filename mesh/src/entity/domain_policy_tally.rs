use sea_orm::entity::prelude::*;

/// Per domain and policy: how many listed products pass (or are waived), out of those it applies to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_policy_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub policy_id: i64,
    pub passing: i32,
    pub applicable: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
