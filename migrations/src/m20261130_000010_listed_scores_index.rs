//! An index over listed products' rollups by domain, carrying the score, blockers and product id, so the
//! governance dashboard (every domain's mean score) and a domain's page (its listed products) read only listed
//! rows in domain order instead of scanning every product's rollup. Partial (`WHERE listed`), so unlisted drafts
//! and retired products cost nothing; SQLite and PostgreSQL both use it for queries that say `listed`. `listed`
//! is a column too, only because SQLite counts an index as covering when it holds every column the query names.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_product_scores_listed_domain \
                 ON product_scores (domain_id, score, blockers, product_id, listed) WHERE listed",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_product_scores_listed_domain")
            .await?;
        Ok(())
    }
}
