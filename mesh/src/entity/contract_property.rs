use sea_orm::entity::prelude::*;

/// A column (ODCS schema property); nested properties have dotted names.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_properties")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_id: i64,
    pub object_id: i64,
    pub position: i32,
    pub name: String,
    pub business_name: Option<String>,
    pub logical_type: Option<String>,
    pub physical_type: Option<String>,
    pub description: String,
    pub required: bool,
    pub is_unique: bool,
    pub primary_key: bool,
    pub classification: Option<String>,
    pub pii: bool,
    pub critical: bool,
    /// Examples, comma-separated.
    pub examples: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
