use sea_orm::entity::prelude::*;

use crate::kinds::{ApprovalMode, PortKind};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "output_ports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: PortKind,
    /// Where consumers find the data: a table name, topic, bucket path or URL.
    pub location: String,
    /// Server details (ODCS `servers` entry) as JSON.
    pub server: Option<Json>,
    pub approval_mode: ApprovalMode,
    pub created_at: DateTimeUtc,
    /// The data contract this port serves.
    pub contract_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
