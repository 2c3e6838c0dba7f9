//! The cluster's figures against a real NATS (`cargo run --release -p moat-cluster --example
//! cluster_bench [NATS_URL]`): signals published per second by one member, a budget slot's
//! cost, failover time after a member stops renewing (lease 3 s), and cross-guild flag latency.

use std::time::{Duration, Instant};

use moat_cluster::budget::{Priority, RestBudget};
use moat_cluster::lease::{LeaseKeeper, LeaseSpec};
use moat_cluster::signals::{Signal, SignalDetector, SignalKind, SignalPublisher};
use moat_cluster::{Cluster, ClusterSettings};

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let s = ClusterSettings { name: format!("bench{}", std::process::id()), lease_secs: 3, ..Default::default() };
    let m = |n: &str| Cluster::connect(&url, &s, Some(n.into()));
    let (a, b, c) = (m("a").await.expect("NATS"), m("b").await.unwrap(), m("c").await.unwrap());

    // Signals: one member publishing joins, each acknowledged by JetStream, 16 in flight.
    let publisher = SignalPublisher::open(&a, b"bench-secret-sixteen-bytes").await.unwrap();
    let n = 20_000u64;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for lane in 0..16u64 {
        let p = publisher.clone();
        tasks.push(tokio::spawn(async move {
            for i in (lane..n).step_by(16) {
                let sig =
                    Signal { kind: SignalKind::Join, user: 1_000 + i, guild: 7, at_ms: now_ms(), fingerprints: vec![] };
                p.publish(&sig).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    println!(
        "signals: {:.0} events/s published by one member (acknowledged, 16 in flight)",
        n as f64 / start.elapsed().as_secs_f64()
    );

    // The REST budget: the cost of booking a slot (one member, uncontended).
    let budget = RestBudget::open(&a).await.unwrap();
    let start = Instant::now();
    for _ in 0..200 {
        budget.reserve(Priority::Urgent).await.unwrap().unwrap();
    }
    println!("rest budget: {:.2} ms to book a slot", start.elapsed().as_secs_f64() * 1000.0 / 200.0);

    // Failover: three members share 16 groups; one stops renewing.
    let spec = LeaseSpec { kind: "leases", units: 16 };
    let (ka, kb, kc) = (
        LeaseKeeper::start(&a, spec).await.unwrap(),
        LeaseKeeper::start(&b, spec).await.unwrap(),
        LeaseKeeper::start(&c, spec).await.unwrap(),
    );
    let held = |ks: &[&LeaseKeeper]| ks.iter().map(|k| k.ownership().borrow().held.len()).sum::<usize>();
    while held(&[&ka, &kb, &kc]) != 16 || [&ka, &kb, &kc].iter().any(|k| k.ownership().borrow().held.len() < 5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed = Instant::now();
    kc.abort();
    while held(&[&ka, &kb]) != 16 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "failover: {:.2} s from a member stopping to all 16 groups held again (lease 3 s)",
        killed.elapsed().as_secs_f64()
    );
    let stopped = Instant::now();
    kb.stop().await;
    while held(&[&ka]) != 16 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!("clean hand-over: {:.0} ms", stopped.elapsed().as_secs_f64() * 1000.0);

    // Cross-guild flag latency: the third silent join to the flag in its guild.
    let (detector, mut flags) = SignalDetector::start(&b, Default::default(), |_| true).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut lat = Vec::new();
    for u in 0..20u64 {
        let user = 5_000_000 + u;
        for g in 1..=2u64 {
            publisher
                .publish(&Signal { kind: SignalKind::Join, user, guild: g, at_ms: now_ms(), fingerprints: vec![] })
                .await
                .unwrap();
        }
        let sent = Instant::now();
        publisher
            .publish(&Signal { kind: SignalKind::Join, user, guild: 3, at_ms: now_ms(), fingerprints: vec![] })
            .await
            .unwrap();
        let mut got = 0;
        while got < 3 {
            let f = flags.recv().await.unwrap();
            if f.user == user {
                got += 1;
            }
        }
        lat.push(sent.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "cross-guild flag: p50 {:.1} ms, max {:.1} ms from the third join to its flags",
        lat[lat.len() / 2],
        lat[lat.len() - 1]
    );
    detector.stop().await;
    ka.stop().await;
    a.remove_all().await.unwrap();
}
