//! The demo mesh: people, domains, teams and data products from `seed/demo.yaml`. Idempotent: anything that
//! already exists (by email or slug) is left as it is, so re-running adds nothing and overwrites no edit.
//!
//! The parts: [`file`] (the YAML model of the seed and reading it), [`load`] (people, domains, teams, products and
//! subscriptions), [`contracts`] (a seeded contract's short form expanded to ODCS) and [`governance`] (policies,
//! pipeline results, waivers and compliance history). Callers use the names re-exported here.
pub mod contracts;
pub mod file;
pub mod governance;
pub mod load;

pub use contracts::contract_document;
pub use file::{
    demo, parse, Persona, SeedContract, SeedDomain, SeedFile, SeedPort, SeedProduct,
    SeedSubscription, SeedTeam, SeedUser,
};

use sea_orm::DatabaseConnection;

use crate::db::begin_write;
use crate::error::Result;

/// What a seed run created (zero everywhere on a re-run).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub users: usize,
    pub domains: usize,
    pub teams: usize,
    pub products: usize,
    pub ports: usize,
    pub contracts: usize,
    pub subscriptions: usize,
    pub policies: usize,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} users, {} domains, {} teams, {} data products, {} output ports, {} data contracts, {} subscriptions, {} policies created",
            self.users,
            self.domains,
            self.teams,
            self.products,
            self.ports,
            self.contracts,
            self.subscriptions,
            self.policies
        )
    }
}

/// Loads the demo mesh in one transaction.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport> {
    seed(db, &demo()?).await
}

pub async fn seed(db: &DatabaseConnection, file: &SeedFile) -> Result<SeedReport> {
    let tx = begin_write(db).await?;
    let report = load::load(&tx, file).await?;
    tx.commit().await?;
    Ok(report)
}
