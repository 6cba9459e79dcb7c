//! Whether a user's email was verified by the provider that created the user. Only a verified email links a
//! sign-in to an existing user, matches `AGORA_ADMIN_EMAILS` or finds a person to add to a team; a user made from
//! an unverified identity holds a placeholder address under `.invalid` instead (see mesh::access::identity).
//!
//! Users that signed in before this rule may have been created from an unverified email (the hole this closes),
//! and nothing recorded whether it was. So every user with a sign-in identity starts unverified: it keeps its
//! address until a verified sign-in of its own identity proves it again, but it matches no admin email, is found
//! by no team owner, and a verified newcomer with that address takes it over into a fresh user. Seeded users
//! (no identity) stay verified.
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
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE users SET email_verified = false \
                 WHERE id IN (SELECT user_id FROM identities)",
            )
            .await?;
        Ok(())
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
