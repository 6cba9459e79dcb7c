//! Compliance rollups, so dashboards read narrow rows instead of every evaluation (a mesh of 100k products and 12
//! policies holds 1.2M): each product's tally (with its domain and whether it is listed, as of its evaluation;
//! every change of a product re-evaluates it), and per domain x policy the products passing and applicable. Both
//! are written by `mesh::governance::evaluate_products` next to the evaluations they summarize.
use sea_orm_migration::{prelude::*, schema::*};

use crate::idents::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProductScores::Table)
                    .col(big_integer(ProductScores::ProductId).primary_key())
                    .col(big_integer(ProductScores::DomainId))
                    .col(boolean(ProductScores::Listed))
                    .col(integer(ProductScores::Passed))
                    .col(integer(ProductScores::Applicable))
                    .col(integer(ProductScores::Blockers))
                    .col(double(ProductScores::Score))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductScores::Table, ProductScores::ProductId)
                            .to(DataProducts::Table, DataProducts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DomainPolicyTallies::Table)
                    .col(big_integer(DomainPolicyTallies::DomainId))
                    .col(big_integer(DomainPolicyTallies::PolicyId))
                    .col(integer(DomainPolicyTallies::Passing))
                    .col(integer(DomainPolicyTallies::Applicable))
                    .primary_key(
                        Index::create()
                            .col(DomainPolicyTallies::DomainId)
                            .col(DomainPolicyTallies::PolicyId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DomainPolicyTallies::Table, DomainPolicyTallies::DomainId)
                            .to(Domains::Table, Domains::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DomainPolicyTallies::Table, DomainPolicyTallies::PolicyId)
                            .to(Policies::Table, Policies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Per-domain product lists (dashboards, the domain page) read products by domain and status.
        manager
            .create_index(
                Index::create()
                    .name("ix_products_domain_status")
                    .table(DataProducts::Table)
                    .col(DataProducts::DomainId)
                    .col(DataProducts::Status)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_products_domain_status")
                    .table(DataProducts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(DomainPolicyTallies::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ProductScores::Table).to_owned())
            .await
    }
}
