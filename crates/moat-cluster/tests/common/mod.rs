//! What the cluster's tests share: a NATS or a clear skip, and a fresh cluster name per test.
//!
//! The service check is `moat_testkit::services`: without NATS a test prints `SKIPPED:`
//! with how to start it and passes, except under `CI=true`, where a missing service fails
//! the run. `MOAT_TEST_NATS` points the tests at another NATS.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::time::Duration;

use moat_cluster::lease::Ownership;
use moat_cluster::{Cluster, ClusterSettings};

/// The NATS URL, or `None` after printing why the test is skipped.
pub fn nats_or_skip(test: &str) -> Option<String> {
    moat_testkit::services::require_nats(test)
}

/// Settings for a cluster of its own (a unique name) with a short lease.
pub fn settings(lease_secs: u32) -> ClusterSettings {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros();
    ClusterSettings { name: format!("t{}x{n}x{t}", std::process::id()), lease_secs, ..Default::default() }
}

pub async fn member(url: &str, s: &ClusterSettings, name: &str) -> Cluster {
    Cluster::connect(url, s, Some(name.into())).await.expect("connect")
}

/// Waits (up to `limit`) until `cond` holds over the members' ownerships.
pub async fn until(
    limit: Duration,
    rx: &[tokio::sync::watch::Receiver<Ownership>],
    cond: impl Fn(&[Ownership]) -> bool,
) -> Vec<Ownership> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let now: Vec<Ownership> = rx.iter().map(|r| r.borrow().clone()).collect();
        if cond(&now) || tokio::time::Instant::now() >= deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// True when the ownerships are disjoint and together cover `0..units`.
pub fn partition(o: &[Ownership], units: u32) -> bool {
    let mut all = BTreeSet::new();
    let total: usize = o.iter().map(|x| x.held.len()).sum();
    for x in o {
        all.extend(&x.held);
    }
    total == units as usize && all == (0..units).collect()
}

/// A TCP proxy in front of NATS that a test can cut (every connection dropped, new ones
/// refused) and restore: NATS lost and back, without touching the real server.
pub struct Proxy {
    pub addr: std::net::SocketAddr,
    up: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Proxy {
    pub async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, _) = tokio::sync::watch::channel(true);
        let up = std::sync::Arc::new(tx);
        let target = target.to_string();
        let shared = up.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !*shared.borrow() {
                    continue; // dropped: refused while cut
                }
                let mut down = shared.subscribe();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = down.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { addr, up }
    }

    pub fn url(&self) -> String {
        format!("nats://{}", self.addr)
    }

    pub fn cut(&self) {
        self.up.send_replace(false);
    }

    pub fn restore(&self) {
        self.up.send_replace(true);
    }
}
