use sea_orm::entity::prelude::*;

use crate::kinds::{ProductKind, ProductStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "data_products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub domain_id: i64,
    pub slug: String,
    pub name: String,
    pub summary: String,
    /// Markdown documentation, rendered and sanitized on the product page.
    pub description: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    /// Semantic version of the latest published state.
    pub version: String,
    pub owner_team_id: i64,
    pub sunset_date: Option<Date>,
    pub replacement_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    /// Some contract property is personal data (derived from the contracts).
    pub has_pii: bool,
    /// The availability SLA in percent, if a contract declares one (derived).
    pub sla_availability: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
