//! Data contracts (ODCS documents kept whole, plus their parsed parts for queries) and product versions.
use sea_orm_migration::{prelude::*, schema::*};

use crate::idents::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `output_ports.contract_id` on SQLite, as added (and so as it reads in the table's stored definition).
const CONTRACT_ID_SQLITE: &str =
    "contract_id INTEGER NULL REFERENCES data_contracts (id) ON DELETE SET NULL";

fn belongs_to_contract<T: IntoIden + 'static>(table: T, column: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(DataContracts::Table, DataContracts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataContracts::Table)
                    .col(big_pk_auto(DataContracts::Id))
                    .col(big_integer(DataContracts::ProductId))
                    .col(string(DataContracts::OdcsId))
                    .col(string(DataContracts::Name))
                    .col(string(DataContracts::Version))
                    .col(string(DataContracts::Status))
                    .col(string(DataContracts::ApiVersion))
                    .col(json(DataContracts::Document))
                    .col(string(DataContracts::ContentHash))
                    .col(text(DataContracts::Purpose).default(""))
                    .col(text(DataContracts::Usage).default(""))
                    .col(text(DataContracts::Limitations).default(""))
                    .col(double_null(DataContracts::PriceAmount))
                    .col(string_null(DataContracts::PriceCurrency))
                    .col(string_null(DataContracts::PriceUnit))
                    .col(timestamp_with_time_zone(DataContracts::CreatedAt))
                    .col(timestamp_with_time_zone(DataContracts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_contracts_product")
                            .from(DataContracts::Table, DataContracts::ProductId)
                            .to(DataProducts::Table, DataProducts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("ux_contracts_product_odcs_id")
                            .col(DataContracts::ProductId)
                            .col(DataContracts::OdcsId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContractObjects::Table)
                    .col(big_pk_auto(ContractObjects::Id))
                    .col(big_integer(ContractObjects::ContractId))
                    .col(integer(ContractObjects::Position))
                    .col(string(ContractObjects::Name))
                    .col(string_null(ContractObjects::PhysicalName))
                    .col(string_null(ContractObjects::PhysicalType))
                    .col(string_null(ContractObjects::LogicalType))
                    .col(text(ContractObjects::Description).default(""))
                    .col(text(ContractObjects::Granularity).default(""))
                    .foreign_key(&mut belongs_to_contract(
                        ContractObjects::Table,
                        ContractObjects::ContractId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContractProperties::Table)
                    .col(big_pk_auto(ContractProperties::Id))
                    .col(big_integer(ContractProperties::ContractId))
                    .col(big_integer(ContractProperties::ObjectId))
                    .col(integer(ContractProperties::Position))
                    .col(string(ContractProperties::Name))
                    .col(string_null(ContractProperties::BusinessName))
                    .col(string_null(ContractProperties::LogicalType))
                    .col(string_null(ContractProperties::PhysicalType))
                    .col(text(ContractProperties::Description).default(""))
                    .col(boolean(ContractProperties::Required).default(false))
                    .col(boolean(ContractProperties::IsUnique).default(false))
                    .col(boolean(ContractProperties::PrimaryKey).default(false))
                    .col(string_null(ContractProperties::Classification))
                    .col(boolean(ContractProperties::Pii).default(false))
                    .col(boolean(ContractProperties::Critical).default(false))
                    .col(text(ContractProperties::Examples).default(""))
                    .foreign_key(&mut belongs_to_contract(
                        ContractProperties::Table,
                        ContractProperties::ContractId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContractProperties::Table, ContractProperties::ObjectId)
                            .to(ContractObjects::Table, ContractObjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_contract_properties_contract")
                    .table(ContractProperties::Table)
                    .col(ContractProperties::ContractId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContractSla::Table)
                    .col(big_pk_auto(ContractSla::Id))
                    .col(big_integer(ContractSla::ContractId))
                    .col(integer(ContractSla::Position))
                    .col(string(ContractSla::Property))
                    .col(string(ContractSla::Value))
                    .col(string_null(ContractSla::ValueExt))
                    .col(string_null(ContractSla::Unit))
                    .col(string_null(ContractSla::Element))
                    .col(string_null(ContractSla::Driver))
                    .col(text(ContractSla::Description).default(""))
                    .foreign_key(&mut belongs_to_contract(
                        ContractSla::Table,
                        ContractSla::ContractId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContractQuality::Table)
                    .col(big_pk_auto(ContractQuality::Id))
                    .col(big_integer(ContractQuality::ContractId))
                    .col(integer(ContractQuality::Position))
                    .col(string(ContractQuality::ObjectName))
                    .col(string_null(ContractQuality::PropertyName))
                    .col(string(ContractQuality::RuleType))
                    .col(string_null(ContractQuality::Name))
                    .col(text(ContractQuality::Description).default(""))
                    .col(string_null(ContractQuality::Metric))
                    .col(string_null(ContractQuality::Operator))
                    .col(string_null(ContractQuality::Threshold))
                    .col(string_null(ContractQuality::Dimension))
                    .col(string_null(ContractQuality::Severity))
                    .col(text_null(ContractQuality::Query))
                    .foreign_key(&mut belongs_to_contract(
                        ContractQuality::Table,
                        ContractQuality::ContractId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContractSupport::Table)
                    .col(big_pk_auto(ContractSupport::Id))
                    .col(big_integer(ContractSupport::ContractId))
                    .col(integer(ContractSupport::Position))
                    .col(string(ContractSupport::Channel))
                    .col(string_null(ContractSupport::Url))
                    .col(string_null(ContractSupport::Tool))
                    .col(string_null(ContractSupport::Scope))
                    .col(text(ContractSupport::Description).default(""))
                    .foreign_key(&mut belongs_to_contract(
                        ContractSupport::Table,
                        ContractSupport::ContractId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductVersions::Table)
                    .col(big_pk_auto(ProductVersions::Id))
                    .col(big_integer(ProductVersions::ProductId))
                    .col(string(ProductVersions::Version))
                    .col(text(ProductVersions::ChangeSummary).default(""))
                    .col(string(ProductVersions::Bump))
                    .col(boolean(ProductVersions::Breaking).default(false))
                    .col(json(ProductVersions::Changes))
                    .col(json(ProductVersions::Snapshot))
                    .col(big_integer_null(ProductVersions::PublishedBy))
                    .col(timestamp_with_time_zone(ProductVersions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductVersions::Table, ProductVersions::ProductId)
                            .to(DataProducts::Table, DataProducts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductVersions::Table, ProductVersions::PublishedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_product_versions_product")
                    .table(ProductVersions::Table)
                    .col(ProductVersions::ProductId)
                    .to_owned(),
            )
            .await?;

        // Which contract an output port serves. SQLite can add a column with a REFERENCES clause in place.
        let sqlite = manager.get_database_backend() == sea_orm::DbBackend::Sqlite;
        let sql = if sqlite {
            &format!("ALTER TABLE output_ports ADD COLUMN {CONTRACT_ID_SQLITE}")
        } else {
            "ALTER TABLE output_ports ADD COLUMN contract_id BIGINT NULL REFERENCES data_contracts (id) ON DELETE SET NULL"
        };
        manager.get_connection().execute_unprepared(sql).await?;

        // Derived from the contracts, kept on the product for fast facets and policies.
        manager
            .alter_table(
                Table::alter()
                    .table(DataProducts::Table)
                    .add_column(boolean(DataProducts::HasPii).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DataProducts::Table)
                    .add_column(double_null(DataProducts::SlaAvailability))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    /// Drops the contract tables and the columns this migration added to ports and products.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DbBackend::Sqlite {
            crate::sqlite_drop_column(manager, "output_ports", "contract_id", CONTRACT_ID_SQLITE)
                .await?;
        } else {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE output_ports DROP COLUMN contract_id")
                .await?;
        }
        for column in [DataProducts::SlaAvailability, DataProducts::HasPii] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DataProducts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        crate::drop_tables(
            manager,
            &[
                "product_versions",
                "contract_support",
                "contract_quality",
                "contract_sla",
                "contract_properties",
                "contract_objects",
                "data_contracts",
            ],
        )
        .await
    }
}
