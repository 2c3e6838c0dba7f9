//! The shared identify queue against a real NATS: three processes' shards take turns per
//! `max_concurrency` key, and the day's limit holds across them.

mod common;

use std::time::Duration;

use common::*;
use moat_cluster::identify::{NatsQueue, StartLimit};
use tokio::time::Instant;
use twilight_gateway_queue::Queue;

const WINDOW: Duration = Duration::from_millis(1000);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_of_three_processes_take_turns_per_key() {
    let Some(url) = nats_or_skip("identify turns") else { return };
    let s = settings(3);
    let limit = StartLimit { total: 1000, remaining: 1000, reset_after_ms: 86_400_000, max_concurrency: 2 };
    let mut queues = Vec::new();
    for name in ["a", "b", "c"] {
        let c = member(&url, &s, name).await;
        queues.push(NatsQueue::with_window(&c, limit, WINDOW).await.unwrap());
    }
    let start = Instant::now();
    // Six shards, two of each process; keys 0 and 1 get three identifies each.
    let waits: Vec<_> = (0..6u32)
        .map(|shard| {
            let rx = queues[shard as usize % 3].enqueue(shard);
            tokio::spawn(async move {
                rx.await.expect("granted");
                (shard, start.elapsed())
            })
        })
        .collect();
    let mut granted = Vec::new();
    for w in waits {
        granted.push(w.await.unwrap());
    }
    for key in 0..2 {
        let mut times: Vec<Duration> = granted.iter().filter(|(s, _)| s % 2 == key).map(|(_, t)| *t).collect();
        times.sort();
        assert_eq!(times.len(), 3);
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= WINDOW - Duration::from_millis(50), "key {key}: {times:?}");
        }
    }
    // The two keys run side by side: the first grant of each comes before any key's second.
    let firsts: Vec<Duration> =
        (0..2).map(|k| granted.iter().filter(|(s, _)| s % 2 == k).map(|g| g.1).min().unwrap()).collect();
    assert!(firsts.iter().all(|t| *t < WINDOW), "both keys start at once: {granted:?}");
    let day = queues[0].day_count().await.unwrap().unwrap();
    assert_eq!(day.remaining, 994);
    let c = member(&url, &s, "cleanup").await;
    c.remove_all().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_limit_holds_across_processes() {
    let Some(url) = nats_or_skip("identify daily limit") else { return };
    let s = settings(3);
    let limit = StartLimit { total: 1000, remaining: 2, reset_after_ms: 3_600_000, max_concurrency: 16 };
    let a = member(&url, &s, "a").await;
    let b = member(&url, &s, "b").await;
    let qa = NatsQueue::with_window(&a, limit, WINDOW).await.unwrap();
    let qb = NatsQueue::with_window(&b, limit, WINDOW).await.unwrap();
    qa.enqueue(0).await.unwrap();
    qb.enqueue(1).await.unwrap();
    let third = qa.enqueue(2);
    // Not granted while the day's count is spent (the reset is an hour away).
    assert!(tokio::time::timeout(WINDOW * 3, third).await.is_err(), "a third identify waits for the reset");
    assert_eq!(qb.day_count().await.unwrap().unwrap().remaining, 0);
    a.remove_all().await.unwrap();
}
