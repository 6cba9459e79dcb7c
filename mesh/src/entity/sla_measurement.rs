use sea_orm::entity::prelude::*;

/// One observation of an SLA property (freshness, availability...) and whether it met the SLA.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_measurements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub port_id: Option<i64>,
    pub property: String,
    pub value: f64,
    pub unit: Option<String>,
    pub met: bool,
    pub source: String,
    pub observed_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
