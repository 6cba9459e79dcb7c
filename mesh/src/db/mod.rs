//! Opening the database (SQLite file or PostgreSQL), running migrations, and write transactions.

pub mod errors;
use std::path::{Path, PathBuf};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::db::errors::{is_transient, is_unreachable};
use crate::error::{Error, Result};

/// Where the database lives, parsed from `DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// Accepts `sqlite://PATH`, `sqlite:PATH` and `postgres://` / `postgresql://` URLs.
    pub fn parse(url: &str) -> Result<Self> {
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(Error::Config(
                    "DATABASE_URL must name a SQLite file, e.g. sqlite://./data/agora.db".into(),
                ));
            }
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_owned()));
        }
        let scheme = url.split(':').next().unwrap_or(url);
        Err(Error::Config(format!(
            "DATABASE_URL has an unsupported scheme `{scheme}`: use sqlite://PATH or postgres://USER@HOST/DB"
        )))
    }

    /// The URL with any password replaced, for logs and error messages.
    pub fn redacted(&self) -> String {
        match self {
            Location::Sqlite(path) => format!("sqlite://{}", path.display()),
            Location::Postgres(url) => redact_password(url),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Pool and timeout settings; the defaults suit one instance on a small machine.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long start-up waits for the database to answer (e.g. PostgreSQL still starting).
    pub connect_timeout: Duration,
    /// How long a request waits for a connection before it gives up with "unavailable"
    /// (`AGORA_DB_ACQUIRE_TIMEOUT_MS`): short, so a lost database is reported at once rather than after a hang.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            connect_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_millis(1500),
        }
    }
}

/// Opens the database. SQLite: creates the file and its folder if missing, WAL, busy_timeout 5 s, foreign keys on.
/// Failures come back as one clear sentence (`Error::Config`), never a panic.
pub async fn connect(url: &str, settings: &PoolSettings) -> Result<DatabaseConnection> {
    let location = Location::parse(url)?;
    let mut options = match &location {
        Location::Sqlite(path) => {
            ensure_parent_dir(path)?;
            let mut options = ConnectOptions::new(format!("sqlite://{}", path.display()));
            options.map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    .pragma("temp_store", "memory")
            });
            options
        }
        Location::Postgres(url) => ConnectOptions::new(url.clone()),
    };
    // Every connection is pinged when it leaves the pool (sqlx's default, kept explicit): one the database dropped
    // is replaced at once, so service resumes as soon as the database is back.
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .connect_timeout(settings.acquire_timeout)
        .acquire_timeout(settings.acquire_timeout)
        .test_before_acquire(true)
        .connect_lazy(true)
        .sqlx_logging(false);
    let cannot_open = |e: &sea_orm::DbErr| {
        Error::Config(format!(
            "cannot open {}: {}",
            location.redacted(),
            explain(e)
        ))
    };
    let db = sea_orm::Database::connect(options)
        .await
        .map_err(|e| cannot_open(&e))?;
    // Start-up is more patient than a request: it retries an unreachable database until `connect_timeout`.
    let deadline = tokio::time::Instant::now() + settings.connect_timeout;
    while let Err(e) = db.execute_unprepared("SELECT 1").await {
        let patient = matches!(location, Location::Postgres(_)) && is_unreachable(&e);
        if !patient || tokio::time::Instant::now() >= deadline {
            return Err(cannot_open(&e));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // SQLite opens files lazily; a write proves the path is usable now rather than at the first request.
    if let Location::Sqlite(path) = &location {
        db.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS agora_probe (x INTEGER); DROP TABLE agora_probe;",
        )
        .await
        .map_err(|e| {
            Error::Config(format!(
                "SQLite file {} is not writable: {}",
                path.display(),
                explain(&e)
            ))
        })?;
    }
    Ok(db)
}

fn ensure_parent_dir(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => std::fs::create_dir_all(dir)
            .map_err(|e| {
                Error::Config(format!(
                    "cannot create the database folder {}: {e}",
                    dir.display()
                ))
            }),
        _ => Ok(()),
    }
}

/// The innermost message of a database error, without sea-orm's wrapping.
fn explain(err: &sea_orm::DbErr) -> String {
    let text = err.to_string();
    text.rsplit(": ").next().unwrap_or(&text).to_owned()
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so two
/// writers queue on busy_timeout instead of failing when a read transaction tries to upgrade.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction> {
    let options = TransactionOptions {
        sqlite_transaction_mode: (db.get_database_backend() == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    Ok(db.begin_with_options(options).await?)
}

/// How many times [`retry`] runs a write transaction in all.
const ATTEMPTS: u32 = 3;

/// Runs one whole write transaction (`attempt` begins it with [`begin_write`], writes and commits) again when
/// PostgreSQL aborted it to let a concurrent one through: a deadlock (40P01) or a serialisation failure (40001).
/// At most [`ATTEMPTS`] runs, each after a short random pause that grows with every attempt, so the transactions
/// that collided do not collide again in step. Every other outcome, and the last attempt's, is returned as it is.
/// An aborted attempt left nothing behind: its transaction rolled back when it was dropped.
pub async fn retry<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut n = 1;
    loop {
        match attempt().await {
            Err(Error::Db(err)) if n < ATTEMPTS && is_transient(&err) => {
                let pause = Duration::from_millis(rand::random_range(5..=25) * u64::from(n));
                tracing::info!(attempt = n, error = %err, "write transaction aborted by the database; running it again");
                tokio::time::sleep(pause).await;
                n += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Locks these rows of `table` (ids in ascending order, so two lockers cannot deadlock on them) until the
/// transaction ends: writers that re-derive rows of the same aggregate take turns instead of deadlocking or
/// colliding on unique keys. `FOR NO KEY UPDATE` is the lock an UPDATE of the row takes, so a transaction that
/// already changed the row holds it, and inserts elsewhere that reference the row are not held up. SQLite needs
/// nothing: [`begin_write`] holds its one write lock.
pub async fn lock_rows(db: &impl ConnectionTrait, table: &str, ids: &[i64]) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(1000) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        db.execute_unprepared(&format!(
            "SELECT id FROM {table} WHERE id IN ({list}) ORDER BY id FOR NO KEY UPDATE"
        ))
        .await?;
    }
    Ok(())
}

/// Things without a row of their own that writers take turns on (PostgreSQL advisory locks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// The governance matrix cells of one domain.
    DomainTally(i64),
    /// Writing a day's compliance snapshot (delete the day's rows, insert them anew).
    Snapshot,
    /// Installing the default policies and computing missing rollups at start-up: one instance does it, the
    /// others then find it done.
    StartUpGovernance,
}

/// Waits for the turn and holds it until the transaction ends (`pg_advisory_xact_lock`). Turns taken together
/// should be taken in one order (e.g. ascending domain ids). SQLite needs nothing: [`begin_write`] holds its one
/// write lock.
pub async fn take_turn(db: &impl ConnectionTrait, turn: Turn) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    // Two 32-bit keys: the kind and the id. Ids beyond 32 bits share a turn with another id: harmless waiting.
    let (kind, id) = match turn {
        Turn::DomainTally(id) => (1, id as i32),
        Turn::Snapshot => (2, 0),
        Turn::StartUpGovernance => (3, 0),
    };
    db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({kind}, {id})"))
        .await?;
    Ok(())
}

/// Answers when the database does (used by `/readyz`).
pub async fn ping(db: &DatabaseConnection) -> Result<()> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_supported_urls() {
        assert_eq!(
            Location::parse("sqlite://./data/agora.db").unwrap(),
            Location::Sqlite("./data/agora.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:agora.db?mode=rwc").unwrap(),
            Location::Sqlite("agora.db".into())
        );
        assert!(matches!(
            Location::parse("postgres://u:p@localhost/agora").unwrap(),
            Location::Postgres(_)
        ));
    }

    #[test]
    fn rejects_unknown_schemes_in_one_sentence() {
        let err = Location::parse("mysql://root@localhost/agora").unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration: DATABASE_URL has an unsupported scheme `mysql`: use sqlite://PATH or postgres://USER@HOST/DB"
        );
    }

    #[test]
    fn hides_passwords() {
        let loc = Location::parse("postgres://agora:secret@db:5432/agora").unwrap();
        assert_eq!(loc.redacted(), "postgres://agora:***@db:5432/agora");
    }

    #[tokio::test]
    async fn an_unwritable_sqlite_path_is_a_clear_error() {
        let err = connect("sqlite:///proc/agora/agora.db", &PoolSettings::default())
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("configuration: cannot create the database folder /proc/agora"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_database_that_cannot_be_opened_is_unreachable_but_a_bad_query_is_not() {
        let dir = std::env::temp_dir().join(format!("agora_not_a_file_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = sea_orm::Database::connect(format!("sqlite://{}", dir.display()))
            .await
            .unwrap_err();
        std::fs::remove_dir(&dir).ok();
        assert!(is_unreachable(&err), "{err:?}");

        let mut nobody_listens = ConnectOptions::new("postgres://agora@127.0.0.1:1/agora");
        nobody_listens.acquire_timeout(Duration::from_millis(300));
        let err = sea_orm::Database::connect(nobody_listens)
            .await
            .unwrap_err();
        assert!(is_unreachable(&err), "{err:?}");

        let path = std::env::temp_dir().join(format!("agora_ok_{}.db", std::process::id()));
        let db = connect(
            &format!("sqlite://{}", path.display()),
            &PoolSettings::default(),
        )
        .await
        .unwrap();
        let err = db.execute_unprepared("SELEC 1").await.unwrap_err();
        assert!(!is_unreachable(&err), "{err:?}");
        let err = Error::from(err);
        assert!(!err.is_unavailable(), "{err}");
        db.close().await.ok();
        std::fs::remove_file(&path).ok();
    }

    #[tokio::test]
    async fn an_unreachable_postgres_is_a_clear_error() {
        let settings = PoolSettings {
            connect_timeout: Duration::from_secs(2),
            ..Default::default()
        };
        let err = connect("postgres://agora:pw@127.0.0.1:1/agora", &settings)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("configuration: cannot open postgres://agora:***@127.0.0.1:1/agora"),
            "{text}"
        );
        assert!(!text.contains("pw@"), "{text}");
    }
}
