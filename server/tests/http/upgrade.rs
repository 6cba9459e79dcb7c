//! Upgrades. A database that an older release wrote (migrations/tests/fixtures/RELEASE-ENGINE.sql, made by
//! scripts/make-upgrade-fixture.sh from that release's own code) migrates to this schema with nothing lost, the
//! app serves it, and going down to the old schema again gives back exactly what the old release had. Every
//! migration goes down and up again. Both engines.
use std::collections::BTreeMap;
use std::path::PathBuf;

use mesh::testing::{empty_databases, TestDb};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::helpers::{spawn_app_on, OWNER};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../migrations/tests/fixtures")
}

/// The releases there are fixtures of; each is upgraded on its own.
fn releases() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(fixture_dir())
        .expect("migrations/tests/fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix("-sqlite.sql").map(str::to_owned))
        .collect();
    out.sort();
    assert!(
        !out.is_empty(),
        "no upgrade fixtures in {:?}",
        fixture_dir()
    );
    out
}

async fn texts(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("a text column"))
        .collect()
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            texts(
                db,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*' \
                 AND name NOT GLOB 'search_fts_*' ORDER BY name",
            )
            .await
        }
        _ => {
            texts(
                db,
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
            )
            .await
        }
    }
}

async fn columns(db: &DatabaseConnection, table: &str) -> Vec<String> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            texts(
                db,
                &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            )
            .await
        }
        _ => {
            texts(
                db,
                &format!(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
                ),
            )
            .await
        }
    }
}

/// Rows of `table` and a digest of their values in `columns` (independent of row order).
async fn rows(db: &DatabaseConnection, table: &str, columns: &[String]) -> (i64, String) {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            let row = columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            format!(
                "SELECT count(*), coalesce(group_concat(r, char(10)), '') \
                 FROM (SELECT {row} AS r FROM \"{table}\" ORDER BY r)"
            )
        }
        _ => {
            let list = columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "SELECT count(*)::bigint, coalesce(string_agg(r, E'\\n' ORDER BY r), '') \
                 FROM (SELECT ROW({list})::text AS r FROM \"{table}\") x"
            )
        }
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"))
        .expect("one row");
    let count: i64 = row.try_get_by_index(0).expect("count");
    let all: String = row.try_get_by_index(1).expect("rows");
    (count, mesh::access::secrets::hash(&all))
}

/// Every table's rows (count and digest over the columns it has now), except the migrations' own table.
async fn contents(db: &DatabaseConnection) -> BTreeMap<String, (Vec<String>, i64, String)> {
    let mut out = BTreeMap::new();
    for table in tables(db).await {
        if table == "seaql_migrations" {
            continue;
        }
        let cols = columns(db, &table).await;
        let (count, digest) = rows(db, &table, &cols).await;
        out.insert(table, (cols, count, digest));
    }
    out
}

/// The schema as the database describes it, one line per table, column, index and constraint.
async fn schema(db: &DatabaseConnection) -> Vec<String> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            texts(
                db,
                "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master \
                 WHERE name NOT GLOB 'sqlite_*' ORDER BY type, name",
            )
            .await
        }
        _ => {
            let mut lines = texts(
                db,
                "SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable \
                 || ' default=' || coalesce(column_default, '') || ' generated=' || coalesce(generation_expression, '') \
                 FROM information_schema.columns WHERE table_schema = 'public' \
                 ORDER BY table_name, ordinal_position",
            )
            .await;
            lines.extend(
                texts(
                    db,
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
                )
                .await,
            );
            lines.extend(
                texts(
                    db,
                    "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) \
                     FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1",
                )
                .await,
            );
            lines
        }
    }
}

async fn applied(db: &DatabaseConnection) -> Vec<String> {
    texts(db, "SELECT version FROM seaql_migrations ORDER BY version").await
}

/// Loads the fixture through a connection of its own: pg_dump's script changes session settings
/// (`search_path`), and the SQLite one switches foreign keys off for the load.
async fn load(db: &TestDb, release: &str) {
    let path = fixture_dir().join(format!("{release}-{}.sql", db.label));
    let script = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut options = ConnectOptions::new(db.url.clone());
    options.max_connections(1).sqlx_logging(false);
    let loader = sea_orm::Database::connect(options).await.expect("connect");
    loader
        .execute_unprepared(&script)
        .await
        .unwrap_or_else(|e| panic!("{}: loading {path:?}: {e}", db.label));
    loader.close().await.ok();
}

#[tokio::test]
async fn a_database_of_the_previous_release_migrates_with_nothing_lost_and_goes_back_down_intact() {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    for release in releases() {
        for db in empty_databases().await {
            let label = format!("{} from {release}", db.label);
            load(&db, &release).await;
            let old_schema = schema(&db.db).await;
            let old_migrations = applied(&db.db).await;
            let before = contents(&db.db).await;
            assert!(
                before.values().map(|(_, n, _)| n).sum::<i64>() > 1000,
                "{label}: the fixture holds too little to prove anything: {before:?}"
            );
            assert!(
                old_migrations.len() < known.len(),
                "{label}: the fixture is already at this schema"
            );

            Migrator::up(&db.db, None)
                .await
                .unwrap_or_else(|e| panic!("{label}: upgrade: {e}"));
            assert_eq!(applied(&db.db).await, known, "{label}");
            // Every table of the old schema is still there with every row, its old columns unchanged.
            let mut checked = 0;
            for (table, (cols, count, digest)) in &before {
                let now = rows(&db.db, table, cols).await;
                assert_eq!(
                    &now,
                    &(*count, digest.clone()),
                    "{label}: table {table} changed"
                );
                checked += count;
            }
            println!(
                "{label}: {} tables, {checked} rows unchanged by {} migrations",
                before.len(),
                known.len() - old_migrations.len()
            );
            // New columns have their defaults: whoever signed in must prove their email again.
            let unverified = texts(
                &db.db,
                "SELECT email FROM users WHERE NOT email_verified ORDER BY email",
            )
            .await;
            let signed_in = texts(
                &db.db,
                "SELECT email FROM users WHERE id IN (SELECT user_id FROM identities) ORDER BY email",
            )
            .await;
            assert_eq!(unverified, signed_in, "{label}");
            assert_eq!(
                unverified,
                ["ana.ortega@northwind.example", "sam.newcomer@example.org"],
                "{label}"
            );
            assert!(
                mesh::access::identity::find_by_email(&db.db, "ana.ortega@northwind.example")
                    .await
                    .is_err(),
                "{label}: an email nobody re-verified still finds its user"
            );
            mesh::access::identity::find_by_email(&db.db, OWNER)
                .await
                .unwrap_or_else(|e| panic!("{label}: a seeded user lost its email: {e}"));

            // Back down to the old release's schema: the same schema and the same rows as it wrote them.
            let ours = (known.len() - old_migrations.len()) as u32;
            Migrator::down(&db.db, Some(ours))
                .await
                .unwrap_or_else(|e| panic!("{label}: down to {release}: {e}"));
            assert_eq!(
                schema(&db.db).await,
                old_schema,
                "{label}: schema after going down"
            );
            assert_eq!(applied(&db.db).await, old_migrations, "{label}");
            assert_eq!(
                contents(&db.db).await,
                before,
                "{label}: rows after going down"
            );

            // And up again, then the app serves it: products, contracts, subscriptions, governance.
            Migrator::up(&db.db, None).await.expect("up again");
            let url = db.url.clone();
            let app = spawn_app_on(db, &url, &[]).await;
            let (status, page) = app
                .get_text("/products/marketing/campaign-performance")
                .await;
            assert_eq!(status, 200, "{label}");
            assert!(page.contains("Campaign Performance"), "{label}");
            let (status, contract) = app
                .get_text("/api/v1/products/marketing/campaign-performance/contract")
                .await;
            assert_eq!(status, 200, "{label}: {contract}");
            assert!(contract.contains("apiVersion"), "{label}: {contract}");
            let owner = app.client_as(OWNER).await;
            let (status, inbox) = app.get_text_as(&owner, "/inbox").await;
            assert_eq!(status, 200, "{label}");
            assert!(
                inbox.contains("Prioritise tickets of at-risk customers"),
                "{label}: a subscription request of the old release is missing"
            );
            let (status, governance) = app.get_text("/api/v1/governance").await;
            assert_eq!(status, 200, "{label}: {governance}");
        }
    }
}

#[tokio::test]
async fn every_migration_goes_down_and_up_again_to_the_same_schema() {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    for db in empty_databases().await {
        Migrator::up(&db.db, None).await.expect("up");
        let first = schema(&db.db).await;
        // One step at a time, so a failure names its migration.
        for name in names.iter().rev() {
            Migrator::down(&db.db, Some(1))
                .await
                .unwrap_or_else(|e| panic!("{}: down {name}: {e}", db.label));
        }
        assert!(applied(&db.db).await.is_empty(), "{}", db.label);
        assert_eq!(
            tables(&db.db).await,
            ["seaql_migrations"],
            "{}: tables left after every migration went down",
            db.label
        );
        Migrator::up(&db.db, None).await.expect("up again");
        assert_eq!(
            schema(&db.db).await,
            first,
            "{}: schema after down and up",
            db.label
        );
        println!(
            "{}: {} migrations down and up, {} schema lines equal",
            db.label,
            names.len(),
            first.len()
        );
    }
}
