//! `agora backup` and `agora restore` on the real binary, as an operator runs them: a backup taken while
//! `agora serve` writes is a sound copy holding every write acknowledged before it began (and no gaps); a restore,
//! once the server is stopped, brings that state back and the server starts on it; bad backups are refused and
//! change nothing. PostgreSQL is backed up with its own tools, and both commands say how.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::helpers::OWNER;
use crate::shutdown::{exit_code, serve, sigterm};

/// A folder of its own in the temp folder, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("agora-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}", self.path("agora.db").display())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `agora ARGS` on `database_url`: exit code, standard output, standard error.
fn agora(args: &[&str], database_url: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("AGORA_LOG_FORMAT", "pretty")
        .env("NO_COLOR", "1")
        .output()
        .expect("agora runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

/// A demo mesh and a pipeline token that may push quality results.
fn seeded(database_url: &str) -> String {
    let (code, _, err) = agora(&["seed"], database_url);
    assert_eq!(code, 0, "{err}");
    let (code, token, err) = agora(
        &[
            "token", "create", "--user", OWNER, "--scopes", "results", "--days", "1",
        ],
        database_url,
    );
    assert_eq!(code, 0, "{err}");
    token.trim().to_owned()
}

/// Pushes a quality run named `name` (its one check has the same name); the status code.
async fn push(client: &reqwest::Client, port: u16, token: &str, name: &str) -> u16 {
    let body = serde_json::json!({
        "result": "passed",
        "runId": name,
        "checks": [{"name": name, "result": "passed"}],
    });
    client
        .post(format!(
            "http://127.0.0.1:{port}/api/v1/products/marketing/campaign-performance/quality-results"
        ))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("push")
        .status()
        .as_u16()
}

async fn open(path: &Path) -> DatabaseConnection {
    sea_orm::Database::connect(format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap_or_else(|e| panic!("{path:?} opens: {e}"))
}

async fn texts(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("text"))
        .collect()
}

/// The quality runs a database holds, by name.
async fn runs(path: &Path) -> Vec<String> {
    let db = open(path).await;
    let out = texts(&db, "SELECT run_id FROM quality_runs ORDER BY id").await;
    db.close().await.ok();
    out
}

#[tokio::test]
async fn a_backup_taken_while_the_server_writes_is_sound_and_holds_every_acknowledged_write() {
    let dir = Scratch::new("backup");
    let url = dir.database_url();
    let token = seeded(&url);
    let (child, port, log) = serve(&url, "5");

    // A pipeline pushes runs w-1, w-2, ... one after another, as fast as the server takes them (at most 250: the
    // server's default limit is 300 changes a minute per token).
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop, token) = (acknowledged.clone(), stop.clone(), token.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 1..=250 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                assert_eq!(push(&client, port, &token, &format!("w-{i}")).await, 201);
                acknowledged.store(i, Ordering::SeqCst);
            }
        })
    };
    let waiting = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < 20 && waiting.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Backups one after another while the pushes go on; each is one moment of the database.
    let mut backups = Vec::new();
    for round in 1..=5 {
        let file = dir.path(&format!("backup-{round}.db"));
        let before = acknowledged.load(Ordering::SeqCst);
        let started = Instant::now();
        let (code, out, err) = {
            let (file, url) = (file.clone(), url.clone());
            tokio::task::spawn_blocking(move || agora(&["backup", path_arg(&file)], &url))
                .await
                .unwrap()
        };
        let took = started.elapsed();
        let by_its_end = acknowledged.load(Ordering::SeqCst);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("integrity ok"), "{out}");

        // The copy opens, is sound, and holds w-1 .. w-n without a gap, n at least what was acknowledged before.
        let copy = open(&file).await;
        assert_eq!(texts(&copy, "PRAGMA integrity_check").await, ["ok"]);
        copy.close().await.ok();
        let copied = runs(&file).await;
        let held: Vec<usize> = copied
            .iter()
            .filter_map(|r| r.strip_prefix("w-")?.parse().ok())
            .collect();
        let n = held.len();
        assert_eq!(held, (1..=n).collect::<Vec<_>>(), "backup {round} has gaps");
        assert!(
            n >= before,
            "{before} writes were acknowledged before backup {round} began; it holds {n}"
        );
        let bytes = std::fs::metadata(&file).unwrap().len();
        println!(
            "backup {round} of a database being written: {bytes} bytes in {:.0} ms (the command: {:?}); \
             it holds w-1..w-{n}; {before} were acknowledged before it began, {by_its_end} by its end",
            took.as_secs_f64() * 1000.0,
            out.trim()
        );
        backups.push((file, copied));
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("every push was acknowledged");
    let (file, copied) = backups.swap_remove(0);

    // An existing backup is kept unless --force.
    let (code, _, err) = agora(&["backup", path_arg(&file)], &url);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already exists; pass --force"), "{err}");
    assert_eq!(
        runs(&file).await,
        copied,
        "the refused backup changed the file"
    );
    let (code, out, err) = agora(&["backup", "--force", path_arg(&file)], &url);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("integrity ok"), "{out}");
    let total = acknowledged.load(Ordering::SeqCst);
    assert_eq!(
        runs(&file)
            .await
            .iter()
            .filter(|r| r.starts_with("w-"))
            .count(),
        total
    );
    assert!(
        std::fs::read_dir(&dir.0).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".partial")),
        "a partial file was left behind"
    );

    sigterm(&child);
    let mut child = child;
    assert_eq!(exit_code(&mut child, Duration::from_secs(20), &log), 0);
}

#[tokio::test]
async fn a_restored_backup_is_what_the_server_serves_after_a_restart_and_later_changes_are_gone() {
    let dir = Scratch::new("restore");
    let url = dir.database_url();
    let token = seeded(&url);
    let client = reqwest::Client::new();
    let (mut child, port, log) = serve(&url, "5");
    assert_eq!(push(&client, port, &token, "before-the-backup").await, 201);
    let file = dir.path("backup.db");
    let (code, _, err) = agora(&["backup", path_arg(&file)], &url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(push(&client, port, &token, "after-the-backup").await, 201);

    // Not while the server has the database open.
    let (code, _, err) = agora(&["restore", path_arg(&file)], &url);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("is in use: stop every `agora` process"),
        "{err}"
    );
    sigterm(&child);
    assert_eq!(exit_code(&mut child, Duration::from_secs(20), &log), 0);
    let database = dir.path("agora.db");
    assert!(runs(&database)
        .await
        .contains(&"after-the-backup".to_owned()));

    // Files that are not a sound backup of this release or an older one are refused and change nothing.
    let garbage = dir.path("notes.db");
    std::fs::write(
        &garbage,
        "these are not the rows you are looking for\n".repeat(200),
    )
    .unwrap();
    let (code, _, err) = agora(&["restore", path_arg(&garbage)], &url);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not a SQLite database"), "{err}");
    let future = dir.path("future.db");
    std::fs::copy(&file, &future).unwrap();
    {
        let db = sea_orm::Database::connect(format!("sqlite://{}", future.display()))
            .await
            .unwrap();
        db.execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000099_hoverboards', 0)",
        )
        .await
        .unwrap();
        db.close().await.ok();
    }
    let (code, _, err) = agora(&["restore", path_arg(&future)], &url);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("written by a newer Agora") && err.contains("m20991231_000099_hoverboards"),
        "{err}"
    );
    assert!(runs(&database)
        .await
        .contains(&"after-the-backup".to_owned()));

    let (code, out, err) = agora(&["restore", path_arg(&file)], &url);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("integrity ok"), "{out}");
    assert!(out.contains("before-restore-"), "{out}");
    println!("{}", out.trim());
    let (mut child, port, log) = serve(&url, "5");
    let page = client
        .get(format!(
            "http://127.0.0.1:{port}/products/marketing/campaign-performance/quality"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("before-the-backup"), "{page}");
    assert!(
        !page.contains("after-the-backup"),
        "a change after the backup survived the restore"
    );
    // It is a working database again, not a read-only copy.
    assert_eq!(push(&client, port, &token, "after-the-restore").await, 201);
    sigterm(&child);
    assert_eq!(exit_code(&mut child, Duration::from_secs(20), &log), 0);
}

#[test]
fn on_postgresql_backup_and_restore_name_pg_dump_and_pg_restore() {
    let url = "postgres://agora@127.0.0.1:1/agora";
    let (code, _, err) = agora(&["backup", "agora.dump"], url);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "pg_dump --format=custom --file=agora.dump 'postgres://agora@127.0.0.1:1/agora'"
        ),
        "{err}"
    );
    let (code, _, err) = agora(&["restore", "agora.dump"], url);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "pg_restore --clean --if-exists --no-owner --dbname='postgres://agora@127.0.0.1:1/agora' agora.dump"
        ),
        "{err}"
    );
}
