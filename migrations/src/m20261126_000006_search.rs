//! Marketplace search: one denormalized document per product (what search matches and facets count), with a
//! full-text index: an FTS5 table on SQLite, a weighted `tsvector` with a GIN index on PostgreSQL. `search_meta`
//! holds a version that every index write bumps, so each server instance knows when its facet cache is stale.
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
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
                    .table(SearchDocuments::Table)
                    .col(big_integer(SearchDocuments::ProductId).primary_key())
                    .col(big_integer(SearchDocuments::DomainId))
                    .col(big_integer(SearchDocuments::TeamId))
                    .col(string(SearchDocuments::Kind))
                    .col(string(SearchDocuments::Status))
                    .col(string(SearchDocuments::Name))
                    .col(text(SearchDocuments::Summary))
                    .col(text(SearchDocuments::Tags))
                    .col(text(SearchDocuments::Columns))
                    .col(text(SearchDocuments::Body))
                    .col(boolean(SearchDocuments::HasPii))
                    .col(string(SearchDocuments::Compliance))
                    .col(string(SearchDocuments::SlaTier))
                    .col(integer(SearchDocuments::Subscribers))
                    .col(timestamp_with_time_zone_null(SearchDocuments::PublishedAt))
                    .col(timestamp_with_time_zone(SearchDocuments::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SearchDocuments::Table, SearchDocuments::ProductId)
                            .to(DataProducts::Table, DataProducts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SearchMeta::Table)
                    .col(integer(SearchMeta::Id).primary_key())
                    .col(big_integer(SearchMeta::Version).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO search_meta (id, version) VALUES (1, 0)")
            .await?;
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                // Porter stemming over unicode61 (diacritics folded); rowid = product id.
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_fts USING fts5(name, summary, tags, columns, body, \
                     tokenize = 'porter unicode61 remove_diacritics 2')",
                )
                .await?;
            }
            _ => {
                // Name weighs most, then summary and tags, then columns, then the docs.
                db.execute_unprepared(
                    "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (\
                     setweight(to_tsvector('english', name), 'A') || \
                     setweight(to_tsvector('english', summary || ' ' || tags), 'B') || \
                     setweight(to_tsvector('english', columns), 'C') || \
                     setweight(to_tsvector('english', body), 'D')) STORED",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX ix_search_documents_tsv ON search_documents USING GIN (tsv)",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS search_fts")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(SearchMeta::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SearchDocuments::Table).to_owned())
            .await
    }
}
