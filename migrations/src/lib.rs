//! Agora's schema as sea-orm migrations. Every migration runs on SQLite and PostgreSQL; backend-specific
//! pieces (full-text indexes, deferred foreign keys) branch on `manager.get_database_backend()`.

pub use sea_orm_migration::prelude::*;

mod idents;
mod m20261125_000001_core;
mod m20261125_000002_identity;
mod m20261125_000003_contracts;
mod m20261125_000004_subscriptions;
mod m20261125_000005_governance;
mod m20261126_000006_search;
mod m20261127_000007_compliance_rollups;
mod m20261127_000008_search_vectors;
mod m20261130_000009_stripped_search_vectors;
mod m20261130_000010_listed_scores_index;
mod m20261201_000011_users_email_verified;
mod m20261201_000012_race_guards;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_core::Migration),
            Box::new(m20261125_000002_identity::Migration),
            Box::new(m20261125_000003_contracts::Migration),
            Box::new(m20261125_000004_subscriptions::Migration),
            Box::new(m20261125_000005_governance::Migration),
            Box::new(m20261126_000006_search::Migration),
            Box::new(m20261127_000007_compliance_rollups::Migration),
            Box::new(m20261127_000008_search_vectors::Migration),
            Box::new(m20261130_000009_stripped_search_vectors::Migration),
            Box::new(m20261130_000010_listed_scores_index::Migration),
            Box::new(m20261201_000011_users_email_verified::Migration),
            Box::new(m20261201_000012_race_guards::Migration),
        ]
    }
}
