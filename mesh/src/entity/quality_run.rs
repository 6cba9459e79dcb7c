use sea_orm::entity::prelude::*;

/// Results of a quality test run pushed by a pipeline (our JSON or datacontract-cli's).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quality_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub port_id: Option<i64>,
    /// `agora` or `datacontract-cli`
    pub source: String,
    pub run_id: String,
    /// passed | warning | failed | error
    pub result: String,
    /// [{name, result, field?, details?}]
    pub checks: Json,
    pub passed: i32,
    pub failed: i32,
    pub observed_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
