use sea_orm::entity::prelude::*;

/// A domain's (or, without a domain, the mesh's) compliance on one day.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "compliance_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub domain_id: Option<i64>,
    pub day: Date,
    /// 0..=100
    pub score: f64,
    pub products: i32,
    pub blockers: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
