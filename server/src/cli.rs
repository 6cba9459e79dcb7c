//! `agora import` and `agora export`: contracts in files, for GitOps and scripts; `agora token create`: an API
//! token for a user, for CI; `agora backup` and `agora restore`: the SQLite database to a file and back.
use std::path::{Path, PathBuf};

use mesh::access::Viewer;
use mesh::catalog::contracts::Outcome;
use mesh::DatabaseConnection;

fn contract_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Imports every YAML file of `path` (a file or a folder). Prints one line per file; a file with problems
/// changes nothing and its problems are listed with their lines. Fails if any file failed.
pub async fn import(
    db: &DatabaseConnection,
    path: &Path,
    product: Option<&str>,
) -> Result<(), String> {
    let files = contract_files(path)?;
    if files.is_empty() {
        return Err(format!("no .yaml files in {}", path.display()));
    }
    let viewer = Viewer::system();
    let mut failed = 0;
    for file in &files {
        let name = file.display();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                println!("{name}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        match mesh::catalog::contracts::import_into_named_product(db, &viewer, &text, product).await
        {
            Ok((target, imported)) => {
                let verb = match imported.outcome {
                    Outcome::Created => "created",
                    Outcome::Updated => "updated",
                    Outcome::Unchanged => "unchanged",
                };
                println!("{name}: {verb} contract {} of {target}", imported.odcs_id);
            }
            Err(mesh::Error::Invalid(problems)) => {
                failed += 1;
                println!("{name}: not imported");
                for p in problems {
                    println!("  {}: {}", p.field, p.message);
                }
            }
            Err(err) => {
                failed += 1;
                println!("{name}: not imported: {err}");
            }
        }
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} files could not be imported",
            files.len()
        ));
    }
    Ok(())
}

/// Prints (or writes) the ODCS contract, or the ODPS product document, of `domain/product`.
pub async fn export(
    db: &DatabaseConnection,
    product: &str,
    odps: bool,
    out: Option<&Path>,
) -> Result<(), String> {
    let (domain, slug) = product
        .split_once('/')
        .ok_or_else(|| "name the product as DOMAIN/PRODUCT".to_string())?;
    let viewer = Viewer::system();
    let text = if odps {
        mesh::standards::odps::yaml(db, &viewer, domain, slug)
            .await
            .map_err(|e| e.to_string())?
    } else {
        let visible = mesh::catalog::products::id_of(db, &viewer, domain, slug)
            .await
            .map_err(|e| e.to_string())?;
        mesh::catalog::contracts::export_yaml(db, visible, None)
            .await
            .map_err(|e| e.to_string())?
            .1
    };
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Creates an API token for the user with `email` (for scripts and CI: there is no session to create it in).
/// Returns the secret; it is shown once and stored hashed, like the tokens made at /settings/tokens.
pub async fn create_token(
    db: &DatabaseConnection,
    email: &str,
    scopes: &str,
    name: &str,
    days: i64,
) -> Result<String, String> {
    let user = mesh::access::identity::find_by_email(db, email)
        .await
        .map_err(|e| format!("{email}: {e}"))?;
    let viewer = mesh::access::viewer_for(db, &user)
        .await
        .map_err(|e| e.to_string())?;
    let new = mesh::access::tokens::NewToken {
        name: name.to_owned(),
        scopes: scopes
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        expires_in_days: days,
    };
    match mesh::access::tokens::create(db, &viewer, &new).await {
        Ok((secret, _)) => Ok(secret),
        Err(mesh::Error::Invalid(problems)) => Err(problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("; ")),
        Err(err) => Err(err.to_string()),
    }
}

/// SQLite files for `agora backup` and `agora restore`: one connection of their own, never creating a file.
mod sqlite {
    use std::path::Path;
    use std::time::Duration;

    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
    use sea_orm::sqlx::{self, ConnectOptions, Connection};

    pub async fn open(path: &Path, read_only: bool) -> Result<SqliteConnection, String> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .read_only(read_only)
            .busy_timeout(Duration::from_secs(10))
            // An integrity check of a large file takes seconds; that is not a slow query worth a warning.
            .disable_statement_logging();
        SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| format!("cannot open {}: {}", path.display(), explain(&e)))
    }

    /// The database's own words, without sqlx's wrapping.
    pub fn explain(err: &sqlx::Error) -> String {
        match err {
            sqlx::Error::Database(e) => e.message().to_owned(),
            other => other.to_string(),
        }
    }

    /// `PRAGMA integrity_check`: Ok, or the first problems SQLite found.
    pub async fn integrity_check(conn: &mut SqliteConnection, path: &Path) -> Result<(), String> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.code().as_deref() == Some("26") => {
                    format!("{} is not a SQLite database", path.display())
                }
                _ => format!("cannot check {}: {}", path.display(), explain(&e)),
            })?;
        if rows.len() == 1 && rows[0] == "ok" {
            return Ok(());
        }
        let first: Vec<_> = rows.iter().take(3).map(String::as_str).collect();
        Err(format!(
            "{} fails SQLite's integrity check: {}",
            path.display(),
            first.join("; ")
        ))
    }

    /// The migrations applied to the database, oldest first.
    pub async fn applied_migrations(
        conn: &mut SqliteConnection,
        path: &Path,
    ) -> Result<Vec<String>, String> {
        sqlx::query_scalar("SELECT version FROM seaql_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| {
                format!(
                    "{} is not an Agora database (no migrations table: {})",
                    path.display(),
                    explain(&e)
                )
            })
    }

    /// Writes a consistent copy of the open database to `to` (which must not exist): `VACUUM INTO` reads one
    /// snapshot, so writers may go on meanwhile; the copy is compacted and in rollback-journal mode.
    pub async fn vacuum_into(conn: &mut SqliteConnection, to: &Path) -> Result<(), String> {
        let name = to
            .to_str()
            .ok_or_else(|| format!("{} is not a UTF-8 path", to.display()))?;
        sqlx::query("VACUUM INTO ?")
            .bind(name)
            .execute(&mut *conn)
            .await
            .map_err(|e| format!("cannot write {}: {}", to.display(), explain(&e)))?;
        Ok(())
    }

    /// Whether another connection has the database open: taking it in exclusive locking mode fails at once if so
    /// (in WAL mode every open connection, even an idle one, holds a shared lock). The lock is held until the
    /// connection is closed.
    pub async fn lock_exclusively(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        sqlx::query("PRAGMA busy_timeout = 200")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA locking_mode = EXCLUSIVE")
            .execute(&mut *conn)
            .await?;
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut *conn).await?;
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&mut *conn)
            .await?;
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        Ok(())
    }

    pub fn is_busy(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(d)
            if d.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| c & 0xff == 5 || c & 0xff == 6))
    }
}

fn sync_dir(dir: &Path) {
    // Makes a rename durable; not every file system lets a directory be opened, and the rename stands anyway.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A name beside `path` for the file being written, so that `path` only ever holds a complete file.
fn partial_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "agora.db".into());
    folder_of(path).join(format!(".{name}.partial-{}", std::process::id()))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The SQLite file of `DATABASE_URL`, or what to do instead on PostgreSQL.
fn sqlite_file(
    database_url: &str,
    on_postgres: impl FnOnce(&str) -> String,
) -> Result<PathBuf, String> {
    match mesh::db::Location::parse(database_url).map_err(|e| e.to_string())? {
        mesh::db::Location::Sqlite(path) => Ok(path),
        location @ mesh::db::Location::Postgres(_) => Err(on_postgres(&location.redacted())),
    }
}

/// `agora backup FILE`: a consistent copy of the SQLite database, taken while Agora runs and writes. The copy is
/// written beside FILE under a temporary name, checked with `PRAGMA integrity_check`, and only then given its
/// name, so FILE never holds half a backup. An existing FILE is kept unless `force`. Returns what was written.
pub async fn backup(database_url: &str, file: &Path, force: bool) -> Result<String, String> {
    let source = sqlite_file(database_url, |url| {
        format!(
            "`agora backup` copies SQLite databases; back up PostgreSQL with pg_dump (Agora may keep running): \
             pg_dump --format=custom --file={} '{url}'",
            file.display()
        )
    })?;
    if !source.is_file() {
        return Err(format!("there is no database at {}", source.display()));
    }
    if same_file(&source, file) {
        return Err(format!("{} is the database itself", file.display()));
    }
    if file.is_dir() {
        return Err(format!(
            "{} is a folder; name the backup file",
            file.display()
        ));
    }
    if file.exists() && !force {
        return Err(format!(
            "{} already exists; pass --force to replace it",
            file.display()
        ));
    }
    let folder = folder_of(file);
    if !folder.is_dir() {
        return Err(format!("there is no folder {}", folder.display()));
    }
    let started = std::time::Instant::now();
    let partial = partial_name(file);
    let _ = std::fs::remove_file(&partial);
    let written = async {
        let mut conn = sqlite::open(&source, false).await?;
        sqlite::vacuum_into(&mut conn, &partial).await?;
        let _ = sea_orm::sqlx::Connection::close(conn).await;
        let mut copy = sqlite::open(&partial, true).await?;
        sqlite::integrity_check(&mut copy, &partial).await?;
        let schema = sqlite::applied_migrations(&mut copy, &partial)
            .await?
            .pop()
            .unwrap_or_default();
        let _ = sea_orm::sqlx::Connection::close(copy).await;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
        let named = if force {
            std::fs::rename(&partial, file)
        } else {
            // A link cannot replace a file that appeared meanwhile; the partial name goes away after it.
            std::fs::hard_link(&partial, file).and_then(|()| std::fs::remove_file(&partial))
        };
        named.map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        sync_dir(&folder);
        Ok::<_, String>(schema)
    }
    .await;
    let schema = written.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or_default();
    Ok(format!(
        "backed up {} to {}: {} ({bytes} bytes), integrity ok, schema at {schema}, in {:.2} s",
        source.display(),
        file.display(),
        megabytes(bytes),
        started.elapsed().as_secs_f64()
    ))
}

/// `agora restore FILE`: replaces the SQLite database with a backup, then migrates it. FILE must be a sound
/// SQLite database (integrity check) written by this release or an older one; the database must not be in use
/// (every `agora` process stopped). The database it replaces is kept beside it as `NAME.before-restore-TIME`.
pub async fn restore(config: &crate::config::Config, file: &Path) -> Result<String, String> {
    use migration::{Migrator, MigratorTrait};

    let target = sqlite_file(&config.database_url, |url| {
        format!(
            "`agora restore` restores SQLite databases; restore PostgreSQL with pg_restore, every Agora instance \
             stopped, then run `agora migrate`: pg_restore --clean --if-exists --no-owner --dbname='{url}' {}",
            file.display()
        )
    })?;
    if !file.is_file() {
        return Err(format!("there is no backup at {}", file.display()));
    }
    if same_file(&target, file) {
        return Err(format!("{} is the database itself", file.display()));
    }
    // 1. The backup is sound and this binary knows every migration it has.
    let mut backup = sqlite::open(file, true).await?;
    sqlite::integrity_check(&mut backup, file).await?;
    let applied = sqlite::applied_migrations(&mut backup, file).await?;
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let unknown: Vec<&str> = applied
        .iter()
        .filter(|v| !known.contains(v))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "{} was written by a newer Agora (its schema has {}, which this agora does not know); restore it \
             with that release or a later one",
            file.display(),
            unknown.join(", ")
        ));
    }
    // 2. Nobody has the database open; the lock is held until the copy is ready.
    let folder = folder_of(&target);
    std::fs::create_dir_all(&folder).map_err(|e| {
        format!(
            "cannot create the database folder {}: {e}",
            folder.display()
        )
    })?;
    let current = if target.exists() {
        let mut conn = sqlite::open(&target, false).await?;
        if let Err(e) = sqlite::lock_exclusively(&mut conn).await {
            return Err(if sqlite::is_busy(&e) {
                format!(
                    "{} is in use: stop every `agora` process using it (`agora serve`, jobs), then restore",
                    target.display()
                )
            } else {
                format!("cannot open {}: {}", target.display(), sqlite::explain(&e))
            });
        }
        Some(conn)
    } else {
        None
    };
    // 3. The copy, beside the database under a temporary name.
    let partial = partial_name(&target);
    let _ = std::fs::remove_file(&partial);
    let copied = async {
        sqlite::vacuum_into(&mut backup, &partial).await?;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", partial.display()))
    }
    .await;
    let _ = sea_orm::sqlx::Connection::close(backup).await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    // 4. Into place. Closing the last connection folds the write-ahead log into the database; any -wal or -shm
    //    left (e.g. by a crash) belongs to the old database and would corrupt the new one, so it goes.
    let had_database = current.is_some();
    if let Some(conn) = current {
        let _ = sea_orm::sqlx::Connection::close(conn).await;
    }
    let placed = (|| {
        let mut kept = None;
        if had_database {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            let aside = PathBuf::from(format!("{}.before-restore-{stamp}", target.display()));
            std::fs::hard_link(&target, &aside).map_err(|e| {
                format!(
                    "cannot keep the current database as {}: {e}",
                    aside.display()
                )
            })?;
            kept = Some(aside);
        }
        for suffix in ["-wal", "-shm"] {
            let stale = PathBuf::from(format!("{}{suffix}", target.display()));
            match std::fs::remove_file(&stale) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove {}: {e}", stale.display())),
            }
        }
        std::fs::rename(&partial, &target)
            .map_err(|e| format!("cannot move the copy to {}: {e}", target.display()))?;
        sync_dir(&folder);
        Ok(kept)
    })();
    let kept = placed.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    // 5. Up to this release's schema.
    crate::startup::open_database(config)
        .await
        .map_err(|e| format!("restored, but {e}"))?
        .close()
        .await
        .ok();
    let bytes = std::fs::metadata(&target)
        .map(|m| m.len())
        .unwrap_or_default();
    let mut report = format!(
        "restored {} to {}: {}, integrity ok, schema {} -> {}",
        file.display(),
        target.display(),
        megabytes(bytes),
        applied.last().map(String::as_str).unwrap_or("empty"),
        known.last().map(String::as_str).unwrap_or_default(),
    );
    if let Some(aside) = kept {
        report.push_str(&format!(
            "; the database it replaced is kept as {} (delete it when you are satisfied)",
            aside.display()
        ));
    }
    Ok(report)
}
