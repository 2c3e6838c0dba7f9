//! The shared REST budget against a real NATS: three processes together stay under the
//! token's limit in every one-second window, and a raid's bans go before alerts.

mod common;

use common::*;
use moat_cluster::budget::{Priority, RestBudget};

fn now_us() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_never_pass_fifty_a_second() {
    let Some(url) = nats_or_skip("rest budget") else { return };
    let s = settings(3);
    let mut tasks = Vec::new();
    for name in ["a", "b", "c"] {
        let budget = RestBudget::open(&member(&url, &s, name).await).await.unwrap();
        for _ in 0..40 {
            let b = budget.clone();
            tasks.push(tokio::spawn(async move {
                b.acquire(Priority::Urgent).await.unwrap();
                now_us()
            }));
        }
    }
    let mut sent = Vec::new();
    for t in tasks {
        sent.push(t.await.unwrap());
    }
    sent.sort();
    // In every window of one second (starting at any call), at most 50 calls.
    let worst = (0..sent.len()).map(|i| sent[i..].iter().take_while(|&&t| t < sent[i] + 1_000_000).count()).max();
    assert!(worst.unwrap() <= 50, "worst second: {worst:?}");
    assert_eq!(sent.len(), 120);
    member(&url, &s, "x").await.remove_all().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bans_booked_by_one_process_go_before_another_process_alerts() {
    let Some(url) = nats_or_skip("rest priorities") else { return };
    let s = settings(3);
    let a = RestBudget::open(&member(&url, &s, "a").await).await.unwrap();
    let b = RestBudget::open(&member(&url, &s, "b").await).await.unwrap();
    let mut last_ban = 0;
    for _ in 0..40 {
        last_ban = a.reserve(Priority::Urgent).await.unwrap().expect("bans book ahead").at_us;
    }
    // Housekeeping may not book behind a queue of bans at all.
    assert!(b.reserve(Priority::Housekeeping).await.unwrap().is_err());
    b.acquire(Priority::Alert).await.unwrap();
    assert!(now_us() >= last_ban, "the alert waited for the bans");
    let state = b.state().await.unwrap();
    assert!(state.this_second + state.last_second >= 40, "{state:?}");
    member(&url, &s, "x").await.remove_all().await.unwrap();
}
