use sea_orm::entity::prelude::*;

/// An ODCS data contract of a product. `document` is the whole contract (as JSON), the source of truth;
/// the other columns and the contract_* tables are derived from it at every save.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "data_contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    /// The contract's own `id`.
    pub odcs_id: String,
    pub name: String,
    pub version: String,
    pub status: String,
    pub api_version: String,
    pub document: Json,
    pub content_hash: String,
    pub purpose: String,
    pub usage: String,
    pub limitations: String,
    pub price_amount: Option<f64>,
    pub price_currency: Option<String>,
    pub price_unit: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
