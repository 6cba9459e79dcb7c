//! SIGTERM on the real binary: it stops accepting, finishes the request in flight, and exits 0; a request that
//! never finishes holds it no longer than `AGORA_SHUTDOWN_GRACE_SECONDS`.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mesh::testing::databases;

/// `agora serve` on `database_url` and a free port; returns the process, its port and its log (still filling).
pub(crate) fn serve(database_url: &str, grace_seconds: &str) -> (Child, u16, Arc<Mutex<String>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("AGORA_ADDR", "127.0.0.1:0")
        .env("AGORA_LOG_FORMAT", "pretty")
        .env("AGORA_SHUTDOWN_GRACE_SECONDS", grace_seconds)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("agora starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let log = Arc::new(Mutex::new(String::new()));
    let port = loop {
        let line = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("agora exited before serving:\n{}", log.lock().unwrap()));
        log.lock().unwrap().push_str(&format!("{line}\n"));
        if let Some((_, rest)) = line.split_once("serving on http://127.0.0.1:") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            break digits.parse::<u16>().expect("a port");
        }
    };
    // Keep reading, so the server never blocks on a full pipe, and keep the lines for the assertions.
    let more = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            more.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    (child, port, log)
}

pub(crate) fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits for the process to end; panics if it is still running after `patience`.
pub(crate) fn exit_code(child: &mut Child, patience: Duration, log: &Mutex<String>) -> i32 {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status.code().unwrap_or(-1);
        }
        if started.elapsed() > patience {
            child.kill().ok();
            panic!(
                "agora was still running {patience:?} after SIGTERM:\n{}",
                log.lock().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A sign-in form whose headers are sent now and whose body is sent by [`InFlight::finish`].
struct InFlight {
    stream: TcpStream,
    rest: &'static [u8],
}

const FORM: &[u8] = b"email=ana.ortega%40northwind.example&return_to=%2F";

impl InFlight {
    fn start(port: u16) -> InFlight {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = format!(
            "POST /auth/demo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            FORM.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&FORM[..6]).unwrap();
        stream.flush().unwrap();
        InFlight {
            stream,
            rest: &FORM[6..],
        }
    }

    /// Sends the rest of the body and returns the response's status line.
    fn finish(mut self) -> String {
        self.stream.write_all(self.rest).unwrap();
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        // The server closes the connection after this response, as it is shutting down.
        while let Ok(n) = self.stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            response.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&response);
        text.lines().next().unwrap_or_default().to_owned()
    }
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    for db in databases().await {
        mesh::demo::seed::seed_demo(&db.db).await.expect("seed");
        let (mut child, port, log) = serve(&db.url, "20");
        let request = InFlight::start(port);
        // The server has the request's head and waits for its body.
        std::thread::sleep(Duration::from_millis(300));

        sigterm(&child);
        let signalled = Instant::now();
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "{}: a new connection was accepted after SIGTERM",
            db.label
        );

        let status_line = request.finish();
        assert_eq!(status_line, "HTTP/1.1 303 See Other", "{}", db.label);
        let code = exit_code(&mut child, Duration::from_secs(20), &log);
        println!(
            "{}: SIGTERM during a request: it answered {status_line:?}, exit {code} {:?} after the signal",
            db.label,
            signalled.elapsed()
        );
        assert_eq!(code, 0, "{}:\n{}", db.label, log.lock().unwrap());
        assert!(
            !log.lock().unwrap().contains("panicked"),
            "{}",
            log.lock().unwrap()
        );
    }
}

#[tokio::test]
async fn a_request_that_never_finishes_holds_shutdown_only_for_the_grace_period() {
    for db in databases().await {
        let (mut child, port, log) = serve(&db.url, "1");
        let stuck = InFlight::start(port);
        std::thread::sleep(Duration::from_millis(300));

        sigterm(&child);
        let signalled = Instant::now();
        // Without a grace period the server would wait for this body forever.
        let code = exit_code(&mut child, Duration::from_secs(15), &log);
        println!(
            "{}: SIGTERM with a stuck request and a 1 s grace period: exit {code} {:?} after the signal",
            db.label,
            signalled.elapsed()
        );
        assert_eq!(code, 0, "{}:\n{}", db.label, log.lock().unwrap());
        assert!(
            log.lock().unwrap().contains("grace period of 1 s is over"),
            "{}",
            log.lock().unwrap()
        );
        drop(stuck);
    }
}
