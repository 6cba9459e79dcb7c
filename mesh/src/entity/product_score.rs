use sea_orm::entity::prelude::*;

/// A product's compliance tally over its latest evaluations (see `governance::score::Tally`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "product_scores")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i64,
    /// The product's domain when it was evaluated.
    pub domain_id: i64,
    /// Whether the product was listed (published or deprecated) when it was evaluated.
    pub listed: bool,
    pub passed: i32,
    pub applicable: i32,
    pub blockers: i32,
    /// 0..=100
    pub score: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
