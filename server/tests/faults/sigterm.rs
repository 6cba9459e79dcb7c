//! Scenario 2, SIGTERM under steady load: six clients keep sending pages, searches, API reads and quality pushes,
//! each on a fresh connection so the moment a request was sent is known (connection established and the whole
//! request written). SIGTERM comes in the middle: every request sent before it is answered successfully,
//! requests after it may be refused, and the process exits 0 within `AGORA_SHUTDOWN_GRACE_SECONDS`.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mesh::testing::databases;

use crate::helpers::*;

const CLIENTS: usize = 6;
const GRACE_SECONDS: u64 = 10;
/// Requests answered before the signal.
const LOAD_BEFORE: usize = 150;

struct Outcome {
    sent: Sent,
    kind: &'static str,
}

async fn client(
    n: usize,
    port: u16,
    token: String,
    signalled: Arc<Mutex<Option<Instant>>>,
    outcomes: Arc<Mutex<Vec<Outcome>>>,
    done: Arc<AtomicBool>,
) {
    let auth = format!("Bearer {token}");
    let body =
        br#"{"result": "passed", "checks": [{"name": "row_count > 0", "result": "passed"}]}"#;
    for i in 0..5000usize {
        if done.load(Ordering::SeqCst) {
            return;
        }
        let (kind, sent) = match (n + i) % 4 {
            0 => (
                "home page",
                raw_request(port, "GET", "/", &[("accept", "text/html")], b"").await,
            ),
            1 => (
                "search page",
                raw_request(
                    port,
                    "GET",
                    "/products?q=orders&pii=yes",
                    &[("accept", "text/html")],
                    b"",
                )
                .await,
            ),
            2 => (
                "API list",
                raw_request(
                    port,
                    "GET",
                    "/api/v1/products?domain=sales",
                    &[("authorization", auth.as_str())],
                    b"",
                )
                .await,
            ),
            _ => (
                "quality push",
                raw_request(
                    port,
                    "POST",
                    "/api/v1/products/marketing/campaign-performance/quality-results",
                    &[
                        ("authorization", auth.as_str()),
                        ("content-type", "application/json"),
                    ],
                    body,
                )
                .await,
            ),
        };
        let refused_after_signal = sent.sent_at.is_none() && signalled.lock().unwrap().is_some();
        outcomes.lock().unwrap().push(Outcome { sent, kind });
        if refused_after_signal {
            return;
        }
    }
}

fn succeeded(s: &Sent) -> bool {
    s.status.is_some_and(|c| (200..400).contains(&c))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_load_answers_every_request_sent_before_it_and_exits_0_within_the_grace_period(
) {
    let _one = one_at_a_time().await;
    for db in databases().await {
        let label = db.label;
        prepare(&db);
        let token = cli_token(&db.url, OWNER, &[Scope::Read, Scope::Write, Scope::Results]);
        let grace = GRACE_SECONDS.to_string();
        let mut server = Server::start(&db.url, &[("AGORA_SHUTDOWN_GRACE_SECONDS", &grace)]).await;
        let signalled: Arc<Mutex<Option<Instant>>> = Arc::default();
        let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
        let done = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| {
                tokio::spawn(client(
                    n,
                    server.port,
                    token.clone(),
                    signalled.clone(),
                    outcomes.clone(),
                    done.clone(),
                ))
            })
            .collect();
        let loaded = until(
            "requests answered before the signal",
            Duration::from_secs(60),
            || async { outcomes.lock().unwrap().len() >= LOAD_BEFORE },
        )
        .await;
        let signal_at = {
            let mut at = signalled.lock().unwrap();
            let now = Instant::now();
            *at = Some(now);
            now
        };
        server.sigterm();
        let (code, _) = tokio::task::block_in_place(|| {
            server.wait_exit(Duration::from_secs(GRACE_SECONDS + 10))
        })
        .unwrap_or_else(|| {
            panic!(
                "{label}: still running {} s after SIGTERM",
                GRACE_SECONDS + 10
            )
        });
        let exited_after = signal_at.elapsed();
        done.store(true, Ordering::SeqCst);
        for c in clients {
            c.await.expect("client");
        }
        let outcomes = std::mem::take(&mut *outcomes.lock().unwrap());
        let before: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.sent.sent_at.is_some_and(|t| t < signal_at))
            .collect();
        let failed_before: Vec<String> = before
            .iter()
            .filter(|o| !succeeded(&o.sent))
            .map(|o| format!("{}: {:?} {:?}", o.kind, o.sent.status, o.sent.error))
            .collect();
        let after: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.sent.sent_at.is_none_or(|t| t >= signal_at))
            .collect();
        let after_answered = after.iter().filter(|o| succeeded(&o.sent)).count();
        println!(
            "{label}: SIGTERM after {loaded:?} of load by {CLIENTS} clients: {} requests sent before the \
             signal, {} answered successfully, {} failed; after it {} answered, {} refused or cut; exit {code} \
             {exited_after:?} after the signal (grace {GRACE_SECONDS} s)",
            before.len(),
            before.len() - failed_before.len(),
            failed_before.len(),
            after_answered,
            after.len() - after_answered,
        );
        assert!(
            failed_before.is_empty(),
            "{label}: requests sent before SIGTERM failed: {failed_before:?}\n{}",
            server.log_text()
        );
        assert_eq!(code, 0, "{label}:\n{}", server.log_text());
        assert!(
            exited_after <= Duration::from_secs(GRACE_SECONDS),
            "{label}: exit took {exited_after:?}"
        );
        assert!(
            !server.log_text().contains("grace period of"),
            "{label}: work was abandoned"
        );
        server.assert_no_panic(label);
    }
}
