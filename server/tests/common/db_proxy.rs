//! A TCP proxy in front of PostgreSQL that a test controls, so the shared server is never stopped: shared by the
//! http suite's outage test and the fault suite.
use std::net::SocketAddr;
use std::sync::Mutex;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A TCP proxy to the database. [`Proxy::cut`] closes every connection and the port itself (new connections are
/// refused); [`Proxy::restore`] listens on the same port again.
pub struct Proxy {
    pub addr: SocketAddr,
    upstream: String,
    accepting: Mutex<Option<JoinHandle<()>>>,
    /// Bumped by every cut; each piped connection ends when it changes.
    cuts: watch::Sender<u64>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy port");
        let proxy = Proxy {
            addr: listener.local_addr().expect("proxy address"),
            upstream: upstream.to_owned(),
            accepting: Mutex::new(None),
            cuts: watch::channel(0).0,
        };
        proxy.accept(listener);
        proxy
    }

    fn accept(&self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let cuts = self.cuts.subscribe();
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let mut cut = cuts.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        *self.accepting.lock().unwrap() = Some(task);
    }

    pub fn cut(&self) {
        if let Some(task) = self.accepting.lock().unwrap().take() {
            task.abort();
        }
        self.cuts.send_modify(|n| *n += 1);
    }

    pub async fn restore(&self) {
        let listener = TcpListener::bind(self.addr)
            .await
            .expect("the proxy's port again");
        self.accept(listener);
    }

    /// `url` (a PostgreSQL URL) with its host and port replaced by the proxy's.
    pub fn in_front_of(&self, url: &str) -> String {
        url.replacen(&self.upstream, &self.addr.to_string(), 1)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}

/// `host:port` of a PostgreSQL URL.
pub fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}
