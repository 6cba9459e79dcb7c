//! Federated governance: policies (global or per domain), evaluations, waivers, daily compliance snapshots,
//! and the quality runs and SLA measurements pipelines push.
use sea_orm_migration::{prelude::*, schema::*};

use crate::idents::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_product<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(DataProducts::Table, DataProducts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Policies::Table)
                    .col(big_pk_auto(Policies::Id))
                    .col(big_integer_null(Policies::DomainId))
                    .col(string(Policies::Key))
                    .col(string(Policies::Title))
                    .col(text(Policies::Rationale).default(""))
                    .col(string(Policies::Rule))
                    .col(json(Policies::Params))
                    .col(string(Policies::Severity))
                    .col(boolean(Policies::Enabled).default(true))
                    .col(big_integer_null(Policies::CreatedBy))
                    .col(timestamp_with_time_zone(Policies::CreatedAt))
                    .col(timestamp_with_time_zone(Policies::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Policies::Table, Policies::DomainId)
                            .to(Domains::Table, Domains::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Policies::Table, Policies::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_policies_domain")
                    .table(Policies::Table)
                    .col(Policies::DomainId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Evaluations::Table)
                    .col(big_pk_auto(Evaluations::Id))
                    .col(big_integer(Evaluations::ProductId))
                    .col(big_integer(Evaluations::PolicyId))
                    .col(string(Evaluations::Outcome))
                    .col(text(Evaluations::Reason).default(""))
                    .col(text(Evaluations::FixHint).default(""))
                    .col(timestamp_with_time_zone(Evaluations::EvaluatedAt))
                    .foreign_key(&mut to_product(Evaluations::Table, Evaluations::ProductId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Evaluations::Table, Evaluations::PolicyId)
                            .to(Policies::Table, Policies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("ux_evaluations_product_policy")
                            .col(Evaluations::ProductId)
                            .col(Evaluations::PolicyId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_evaluations_policy")
                    .table(Evaluations::Table)
                    .col(Evaluations::PolicyId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Waivers::Table)
                    .col(big_pk_auto(Waivers::Id))
                    .col(big_integer(Waivers::ProductId))
                    .col(big_integer(Waivers::PolicyId))
                    .col(text(Waivers::Justification))
                    .col(date(Waivers::ExpiresOn))
                    .col(string(Waivers::Status))
                    .col(big_integer_null(Waivers::RequestedBy))
                    .col(big_integer_null(Waivers::DecidedBy))
                    .col(timestamp_with_time_zone_null(Waivers::DecidedAt))
                    .col(text(Waivers::DecisionNote).default(""))
                    .col(timestamp_with_time_zone(Waivers::CreatedAt))
                    .foreign_key(&mut to_product(Waivers::Table, Waivers::ProductId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Waivers::Table, Waivers::PolicyId)
                            .to(Policies::Table, Policies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ComplianceSnapshots::Table)
                    .col(big_pk_auto(ComplianceSnapshots::Id))
                    .col(big_integer_null(ComplianceSnapshots::DomainId))
                    .col(date(ComplianceSnapshots::Day))
                    .col(double(ComplianceSnapshots::Score))
                    .col(integer(ComplianceSnapshots::Products))
                    .col(integer(ComplianceSnapshots::Blockers))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ComplianceSnapshots::Table, ComplianceSnapshots::DomainId)
                            .to(Domains::Table, Domains::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_snapshots_domain_day")
                    .table(ComplianceSnapshots::Table)
                    .col(ComplianceSnapshots::DomainId)
                    .col(ComplianceSnapshots::Day)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(QualityRuns::Table)
                    .col(big_pk_auto(QualityRuns::Id))
                    .col(big_integer(QualityRuns::ProductId))
                    .col(big_integer_null(QualityRuns::PortId))
                    .col(string(QualityRuns::Source))
                    .col(string(QualityRuns::RunId))
                    .col(string(QualityRuns::Result))
                    .col(json(QualityRuns::Checks))
                    .col(integer(QualityRuns::Passed))
                    .col(integer(QualityRuns::Failed))
                    .col(timestamp_with_time_zone(QualityRuns::ObservedAt))
                    .col(timestamp_with_time_zone(QualityRuns::CreatedAt))
                    .foreign_key(&mut to_product(QualityRuns::Table, QualityRuns::ProductId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_quality_runs_product")
                    .table(QualityRuns::Table)
                    .col(QualityRuns::ProductId)
                    .col(QualityRuns::ObservedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SlaMeasurements::Table)
                    .col(big_pk_auto(SlaMeasurements::Id))
                    .col(big_integer(SlaMeasurements::ProductId))
                    .col(big_integer_null(SlaMeasurements::PortId))
                    .col(string(SlaMeasurements::Property))
                    .col(double(SlaMeasurements::Value))
                    .col(string_null(SlaMeasurements::Unit))
                    .col(boolean(SlaMeasurements::Met))
                    .col(string(SlaMeasurements::Source))
                    .col(timestamp_with_time_zone(SlaMeasurements::ObservedAt))
                    .col(timestamp_with_time_zone(SlaMeasurements::CreatedAt))
                    .foreign_key(&mut to_product(
                        SlaMeasurements::Table,
                        SlaMeasurements::ProductId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sla_measurements_product")
                    .table(SlaMeasurements::Table)
                    .col(SlaMeasurements::ProductId)
                    .col(SlaMeasurements::ObservedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    /// Drops the governance tables, dependants first.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(
            manager,
            &[
                "sla_measurements",
                "quality_runs",
                "compliance_snapshots",
                "waivers",
                "evaluations",
                "policies",
            ],
        )
        .await
    }
}
