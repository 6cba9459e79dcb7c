use sea_orm::entity::prelude::*;

/// What marketplace search matches and counts, one row per product, rebuilt by `search::reindex` whenever the
/// product, its contract, tags, subscriptions or evaluations change. Kinds and statuses as stored elsewhere.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "search_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i64,
    pub domain_id: i64,
    pub team_id: i64,
    pub kind: String,
    pub status: String,
    pub name: String,
    pub summary: String,
    /// Tag names, space-separated.
    pub tags: String,
    /// Column names, business names and descriptions of the contracts' properties.
    pub columns: String,
    /// The Markdown docs, the domain and team names, the ports.
    pub body: String,
    pub has_pii: bool,
    /// passing | failing | unknown
    pub compliance: String,
    /// 99.9 | 99 | lower | none (availability SLA)
    pub sla_tier: String,
    pub subscribers: i32,
    pub published_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
