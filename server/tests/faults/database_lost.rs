//! Scenario 3, the database lost, with the real binary. PostgreSQL sits behind a TCP proxy the test cuts (every
//! connection closed, new ones refused) and restores: cut off, `/readyz` answers 503 within 2 s, a page 503 and
//! the API a 503 problem document, nothing panics; restored, all answer 200 again within 5 s.
//!
//! A running server cannot lose a SQLite database: the process holds the file open, so moving or `chmod`-ing it
//! changes nothing for it (and the tests run as root, whom permissions do not stop). What SQLite can lose is the
//! file at start-up: the server runs as `nobody` on a data directory `nobody` owns, is stopped, the file is made
//! unreadable (`chmod 000`) and the server started again. It must stop with a clear one-line message naming the
//! database and a non-zero exit, not panic.
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use mesh::testing::TestDb;

use crate::helpers::*;

const PAGE: &str = "/products/sales/customer-orders";
const API: &str = "/api/v1/products";

struct Got {
    status: u16,
    content_type: String,
    body: String,
    took: Duration,
}

async fn get(http: &reqwest::Client, url: String) -> Got {
    let started = Instant::now();
    let accept = if url.contains("/api/") {
        "application/json"
    } else {
        "text/html"
    };
    let response = http
        .get(&url)
        .header("accept", accept)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url} was not answered: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    Got {
        status,
        content_type,
        body,
        took: started.elapsed(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_postgresql_answers_503_at_once_and_the_binary_recovers_by_itself() {
    let Some(db) = TestDb::postgres().await else {
        println!("skipped: needs TEST_DATABASE_URL (PostgreSQL behind a proxy)");
        return;
    };
    let _one = one_at_a_time().await;
    prepare(&db);
    let proxy = Proxy::start(&authority(&db.url)).await;
    let server = Server::start(&proxy.in_front_of(&db.url), &[]).await;
    let http = client();
    for path in ["/readyz", PAGE, API] {
        assert_eq!(get(&http, server.url(path)).await.status, 200, "{path}");
    }

    proxy.cut();
    let cut = Instant::now();
    let ready = get(&http, server.url("/readyz")).await;
    let ready_after = cut.elapsed();
    let page = get(&http, server.url(PAGE)).await;
    let api = get(&http, server.url(API)).await;
    println!(
        "postgres: database cut: /readyz {} after {ready_after:?} ({:?} to answer), {PAGE} {} in {:?}, {API} {} \
         in {:?}",
        ready.status, ready.took, page.status, page.took, api.status, api.took
    );
    assert_eq!(ready.status, 503);
    assert!(
        ready_after <= Duration::from_secs(2),
        "/readyz took {ready_after:?}"
    );
    assert_eq!(page.status, 503);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(
        page.body.contains("Agora is temporarily unavailable"),
        "{}",
        page.body
    );
    assert_eq!(api.status, 503);
    assert_eq!(api.content_type, "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&api.body).expect("a problem document");
    assert_eq!(problem["status"], 503);

    proxy.restore().await;
    let restored = Instant::now();
    loop {
        let statuses = (
            get(&http, server.url("/readyz")).await.status,
            get(&http, server.url(PAGE)).await.status,
            get(&http, server.url(API)).await.status,
        );
        if statuses == (200, 200, 200) {
            break;
        }
        assert!(
            restored.elapsed() <= Duration::from_secs(5),
            "not recovered 5 s after the database came back: {statuses:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "postgres: database back: /readyz, page and API 200 after {:?}",
        restored.elapsed()
    );
    server.assert_no_panic("postgres");
}

/// The Unix user `nobody`.
const NOBODY: u32 = 65534;

/// A data directory owned by `nobody`, removed when dropped.
struct DataDir(std::path::PathBuf);

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sqlite_file_that_cannot_be_opened_stops_the_server_with_a_clear_message() {
    use std::os::unix::fs::MetadataExt;
    if std::fs::metadata("/proc/self").map_or(true, |m| m.uid() != 0) {
        println!("skipped: needs root (to run the server as nobody, whom a chmod 000 stops)");
        return;
    }
    let _one = one_at_a_time().await;
    let dir =
        DataDir(std::env::temp_dir().join(format!("agora-faults-nobody-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("data dir");
    std::os::unix::fs::chown(&dir.0, Some(NOBODY), Some(NOBODY)).expect("chown to nobody");
    let file = dir.0.join("agora.db");
    let url = format!("sqlite://{}", file.display());
    for args in [&["migrate"][..], &["seed"][..]] {
        let (code, out, err) = agora_command(&url, args, Some(NOBODY));
        assert_eq!(code, 0, "agora {args:?} as nobody:\n{out}\n{err}");
    }
    let mut server = Server::start_as(&url, &[], NOBODY)
        .await
        .unwrap_or_else(|(code, log)| panic!("agora as nobody exited with {code}:\n{log}"));
    let http = client();
    assert_eq!(get(&http, server.url("/readyz")).await.status, 200);
    assert_eq!(get(&http, server.url(PAGE)).await.status, 200);
    server.sigterm();
    let (code, _) =
        tokio::task::block_in_place(|| server.wait_exit(Duration::from_secs(30))).expect("stops");
    assert_eq!(code, 0);

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod 000");
    let started = Instant::now();
    let refused = Server::start_as(&url, &[], NOBODY).await;
    let (code, log) = match refused {
        Ok(_) => panic!("agora served a database file it cannot read"),
        Err(refusal) => refusal,
    };
    let message = log
        .lines()
        .rfind(|l| l.starts_with("agora:"))
        .unwrap_or_default()
        .to_owned();
    println!(
        "sqlite: restarted on an unreadable file (chmod 000, as nobody): exit {code} after {:?}: {message}",
        started.elapsed()
    );
    assert_ne!(code, 0);
    assert!(!log.contains("panicked"), "{log}");
    assert!(
        message.contains(&file.display().to_string()) && message.contains("cannot open"),
        "no clear message naming the database:\n{log}"
    );
}
