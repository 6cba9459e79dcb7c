//! The core of the model: people, domains, teams, data products, output ports, tags.
use sea_orm_migration::{prelude::*, schema::*};

use crate::idents::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sqlite = manager.get_database_backend() == sea_orm::DbBackend::Sqlite;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_uniq(Users::Email))
                    .col(string(Users::Name))
                    .col(string_null(Users::AvatarUrl))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(boolean(Users::IsSteward).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Identities::Table)
                    .col(big_pk_auto(Identities::Id))
                    .col(big_integer(Identities::UserId))
                    .col(string(Identities::Provider))
                    .col(string(Identities::Subject))
                    .col(timestamp_with_time_zone(Identities::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_identities_user",
                        (Identities::Table, Identities::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .index(
                        Index::create()
                            .name("ux_identities_provider_subject")
                            .col(Identities::Provider)
                            .col(Identities::Subject)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        // domains.owner_team_id and teams.domain_id point at each other. SQLite checks foreign keys when rows
        // are written, so both can be declared in CREATE TABLE; PostgreSQL needs the second one added later.
        let mut domains = Table::create();
        domains
            .table(Domains::Table)
            .col(big_pk_auto(Domains::Id))
            .col(string_uniq(Domains::Slug))
            .col(string(Domains::Name))
            .col(text(Domains::Description).default(""))
            .col(big_integer_null(Domains::ParentId))
            .col(big_integer_null(Domains::OwnerTeamId))
            .col(timestamp_with_time_zone(Domains::CreatedAt))
            .foreign_key(&mut fk(
                "fk_domains_parent",
                (Domains::Table, Domains::ParentId),
                (Domains::Table, Domains::Id),
                ForeignKeyAction::SetNull,
            ));
        if sqlite {
            domains.foreign_key(&mut fk(
                "fk_domains_owner_team",
                (Domains::Table, Domains::OwnerTeamId),
                (Teams::Table, Teams::Id),
                ForeignKeyAction::SetNull,
            ));
        }
        manager.create_table(domains.to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(Teams::Table)
                    .col(big_pk_auto(Teams::Id))
                    .col(string_uniq(Teams::Slug))
                    .col(string(Teams::Name))
                    .col(text(Teams::Description).default(""))
                    .col(big_integer(Teams::DomainId))
                    .col(timestamp_with_time_zone(Teams::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_teams_domain",
                        (Teams::Table, Teams::DomainId),
                        (Domains::Table, Domains::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        if !sqlite {
            manager
                .create_foreign_key(fk(
                    "fk_domains_owner_team",
                    (Domains::Table, Domains::OwnerTeamId),
                    (Teams::Table, Teams::Id),
                    ForeignKeyAction::SetNull,
                ))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(big_pk_auto(Memberships::Id))
                    .col(big_integer(Memberships::TeamId))
                    .col(big_integer(Memberships::UserId))
                    .col(string(Memberships::Role))
                    .col(timestamp_with_time_zone(Memberships::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_memberships_team",
                        (Memberships::Table, Memberships::TeamId),
                        (Teams::Table, Teams::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_memberships_user",
                        (Memberships::Table, Memberships::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .index(
                        Index::create()
                            .name("ux_memberships_team_user")
                            .col(Memberships::TeamId)
                            .col(Memberships::UserId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_memberships_user")
                    .table(Memberships::Table)
                    .col(Memberships::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DataProducts::Table)
                    .col(big_pk_auto(DataProducts::Id))
                    .col(big_integer(DataProducts::DomainId))
                    .col(string(DataProducts::Slug))
                    .col(string(DataProducts::Name))
                    .col(text(DataProducts::Summary).default(""))
                    .col(text(DataProducts::Description).default(""))
                    .col(string(DataProducts::Kind))
                    .col(string(DataProducts::Status))
                    .col(string(DataProducts::Version))
                    .col(big_integer(DataProducts::OwnerTeamId))
                    .col(date_null(DataProducts::SunsetDate))
                    .col(big_integer_null(DataProducts::ReplacementId))
                    .col(timestamp_with_time_zone(DataProducts::CreatedAt))
                    .col(timestamp_with_time_zone(DataProducts::UpdatedAt))
                    .col(timestamp_with_time_zone_null(DataProducts::PublishedAt))
                    .foreign_key(&mut fk(
                        "fk_products_domain",
                        (DataProducts::Table, DataProducts::DomainId),
                        (Domains::Table, Domains::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_products_owner_team",
                        (DataProducts::Table, DataProducts::OwnerTeamId),
                        (Teams::Table, Teams::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_products_replacement",
                        (DataProducts::Table, DataProducts::ReplacementId),
                        (DataProducts::Table, DataProducts::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .index(
                        Index::create()
                            .name("ux_products_domain_slug")
                            .col(DataProducts::DomainId)
                            .col(DataProducts::Slug)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_products_status", DataProducts::Status),
            ("ix_products_owner_team", DataProducts::OwnerTeamId),
            ("ix_products_updated_at", DataProducts::UpdatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(DataProducts::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OutputPorts::Table)
                    .col(big_pk_auto(OutputPorts::Id))
                    .col(big_integer(OutputPorts::ProductId))
                    .col(string(OutputPorts::Slug))
                    .col(string(OutputPorts::Name))
                    .col(text(OutputPorts::Description).default(""))
                    .col(string(OutputPorts::Kind))
                    .col(text(OutputPorts::Location).default(""))
                    .col(json_null(OutputPorts::Server))
                    .col(string(OutputPorts::ApprovalMode))
                    .col(timestamp_with_time_zone(OutputPorts::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_ports_product",
                        (OutputPorts::Table, OutputPorts::ProductId),
                        (DataProducts::Table, DataProducts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .index(
                        Index::create()
                            .name("ux_ports_product_slug")
                            .col(OutputPorts::ProductId)
                            .col(OutputPorts::Slug)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(big_pk_auto(Tags::Id))
                    .col(string_uniq(Tags::Name))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductTags::Table)
                    .col(big_integer(ProductTags::ProductId))
                    .col(big_integer(ProductTags::TagId))
                    .primary_key(
                        Index::create()
                            .col(ProductTags::ProductId)
                            .col(ProductTags::TagId),
                    )
                    .foreign_key(&mut fk(
                        "fk_product_tags_product",
                        (ProductTags::Table, ProductTags::ProductId),
                        (DataProducts::Table, DataProducts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_product_tags_tag",
                        (ProductTags::Table, ProductTags::TagId),
                        (Tags::Table, Tags::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_product_tags_tag")
                    .table(ProductTags::Table)
                    .col(ProductTags::TagId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    /// Drops the core tables, dependants first.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(
            manager,
            &[
                "product_tags",
                "tags",
                "output_ports",
                "data_products",
                "memberships",
                "teams",
                "domains",
                "identities",
                "users",
            ],
        )
        .await
    }
}
