//! Bad configuration gets one clear line and a non-zero exit, never a panic.
use std::process::Command;

fn agora(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_agora"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("AGORA_LOG_FORMAT", "pretty");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("agora runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_clear_line(stderr: &str, expected: &str) {
    let lines: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("agora: "))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains(expected), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unknown_database_scheme() {
    let (code, err) = agora(
        &["migrate"],
        &[("DATABASE_URL", "mysql://root@localhost/agora")],
    );
    assert_eq!(code, 1);
    assert_one_clear_line(&err, "unsupported scheme `mysql`");
}

#[test]
fn an_unreachable_postgres() {
    let (code, err) = agora(
        &["migrate"],
        &[("DATABASE_URL", "postgres://agora@127.0.0.1:1/agora")],
    );
    assert_eq!(code, 1);
    assert_one_clear_line(&err, "cannot open postgres://agora@127.0.0.1:1/agora");
}

#[test]
fn an_unwritable_sqlite_path() {
    let (code, err) = agora(
        &["migrate"],
        &[("DATABASE_URL", "sqlite:///proc/agora/agora.db")],
    );
    assert_eq!(code, 1);
    assert_one_clear_line(&err, "cannot create the database folder /proc/agora");
}

#[test]
fn a_port_already_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let db = std::env::temp_dir().join(format!("agora-port-{}.db", std::process::id()));
    let url = format!("sqlite://{}", db.display());
    let (code, err) = agora(&["serve"], &[("DATABASE_URL", &url), ("AGORA_ADDR", &addr)]);
    let _ = std::fs::remove_file(&db);
    assert_eq!(code, 1);
    assert_one_clear_line(&err, &format!("cannot listen on {addr}"));
}

#[test]
fn migrate_and_seed_work_on_a_fresh_file() {
    let dir = std::env::temp_dir().join(format!("agora-cli-{}", std::process::id()));
    let url = format!("sqlite://{}/nested/agora.db", dir.display());
    let (code, err) = agora(&["seed"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = agora(&["seed"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty() || !err.contains("agora: "), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
