use sea_orm::entity::prelude::*;

/// A published state of a product: the version, what changed (machine diff) and the snapshot compared next time.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "product_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub version: String,
    pub change_summary: String,
    /// initial | major | minor | patch
    pub bump: String,
    pub breaking: bool,
    /// The classified changes (`diff::Change` as JSON).
    pub changes: Json,
    /// The product's contract-relevant state at publication (`diff::Snapshot` as JSON).
    pub snapshot: Json,
    pub published_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
