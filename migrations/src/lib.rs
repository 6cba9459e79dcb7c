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

/// Drops these tables if they exist, in this order (dependants first). PostgreSQL also drops the foreign keys
/// that other tables hold on them (`domains` and `teams` point at each other).
async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    let cascade = match manager.get_database_backend() {
        sea_orm::DbBackend::Postgres => " CASCADE",
        _ => "",
    };
    for table in tables {
        manager
            .get_connection()
            .execute_unprepared(&format!("DROP TABLE IF EXISTS {table}{cascade}"))
            .await?;
    }
    Ok(())
}

/// Drops a column SQLite cannot drop in place (it holds a foreign key): the table is rebuilt from its stored
/// definition without `definition` (the column as it was added), rows copied, and its indexes made again.
async fn sqlite_drop_column(
    manager: &SchemaManager<'_>,
    table: &str,
    column: &str,
    definition: &str,
) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let texts = |sql: String| async move {
        let rows = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<Vec<String>, DbErr>>()
    };
    let create = texts(format!(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
    ))
    .await?
    .pop()
    .ok_or_else(|| DbErr::Migration(format!("no table {table}")))?;
    let added = format!(", {definition}");
    if !create.contains(&added) {
        return Err(DbErr::Migration(format!(
            "{table}.{column} is not as it was added: {create}"
        )));
    }
    let scratch = format!("{table}_rebuilt");
    let create = create.replacen(&added, "", 1).replacen(
        &format!("CREATE TABLE \"{table}\""),
        &format!("CREATE TABLE \"{scratch}\""),
        1,
    );
    let indexes = texts(format!(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL"
    ))
    .await?;
    let columns = texts(format!(
        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
    ))
    .await?
    .into_iter()
    .filter(|c| c != column)
    .map(|c| format!("\"{c}\""))
    .collect::<Vec<_>>()
    .join(", ");
    db.execute_unprepared(&create).await?;
    db.execute_unprepared(&format!(
        "INSERT INTO \"{scratch}\" ({columns}) SELECT {columns} FROM \"{table}\""
    ))
    .await?;
    db.execute_unprepared(&format!("DROP TABLE \"{table}\""))
        .await?;
    db.execute_unprepared(&format!("ALTER TABLE \"{scratch}\" RENAME TO \"{table}\""))
        .await?;
    for index in indexes {
        db.execute_unprepared(&index).await?;
    }
    Ok(())
}

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
