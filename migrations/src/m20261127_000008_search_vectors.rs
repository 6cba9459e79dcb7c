//! PostgreSQL: the full-text vectors move from `search_documents` (wide rows: docs and columns text) to a narrow
//! table of their own, so a match visits a few hundred heap pages instead of one per matching product. Ranking is
//! done by Agora itself now, so the vector needs no weights. SQLite (FTS5) is unchanged.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for sql in [
            "CREATE TABLE search_vectors (\
               product_id BIGINT PRIMARY KEY REFERENCES data_products (id) ON DELETE CASCADE, \
               tsv tsvector NOT NULL)",
            "INSERT INTO search_vectors (product_id, tsv) SELECT product_id, to_tsvector('english', \
               name || ' ' || summary || ' ' || tags || ' ' || columns || ' ' || body) FROM search_documents",
            "CREATE INDEX ix_search_vectors_tsv ON search_vectors USING GIN (tsv)",
            "DROP INDEX ix_search_documents_tsv",
            "ALTER TABLE search_documents DROP COLUMN tsv",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for sql in [
            "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (\
               setweight(to_tsvector('english', name), 'A') || \
               setweight(to_tsvector('english', summary || ' ' || tags), 'B') || \
               setweight(to_tsvector('english', columns), 'C') || \
               setweight(to_tsvector('english', body), 'D')) STORED",
            "CREATE INDEX ix_search_documents_tsv ON search_documents USING GIN (tsv)",
            "DROP TABLE search_vectors",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
