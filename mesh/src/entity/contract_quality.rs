use sea_orm::entity::prelude::*;

/// A declared quality rule (ODCS `quality`), on a schema object or one of its properties.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_quality")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_id: i64,
    pub position: i32,
    pub object_name: String,
    pub property_name: Option<String>,
    /// text | library | sql | custom
    pub rule_type: String,
    pub name: Option<String>,
    pub description: String,
    pub metric: Option<String>,
    pub operator: Option<String>,
    pub threshold: Option<String>,
    pub dimension: Option<String>,
    pub severity: Option<String>,
    pub query: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
