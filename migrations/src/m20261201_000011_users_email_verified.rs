//! Whether a user's email was verified by the provider that created the user. Only a verified email links a
//! sign-in to an existing user, matches `AGORA_ADMIN_EMAILS` or finds a person to add to a team; a user made from
//! an unverified identity holds a placeholder address under `.invalid` instead (see mesh::identity). Users that
//! exist already were created by seeding or under the earlier rule that linked only verified emails, so they
//! start as verified.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Users {
    Table,
    EmailVerified,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::EmailVerified).default(true))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::EmailVerified)
                    .to_owned(),
            )
            .await
    }
}
