use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    /// The provider verified `email`. A user made from an unverified identity holds a placeholder
    /// address under `.invalid` and `false` here; only verified emails are matched (linking, admins, teams).
    pub email_verified: bool,
    pub name: String,
    pub avatar_url: Option<String>,
    pub is_admin: bool,
    pub is_steward: bool,
    pub created_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
