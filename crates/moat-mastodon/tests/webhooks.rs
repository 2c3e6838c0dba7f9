//! The webhook listener against the fake's real deliveries: signed bodies arrive once each,
//! bad and missing signatures are refused and counted and never reach the consumer, repeats
//! are recognised, big bodies are refused, and a slow consumer makes deliveries wait rather
//! than lose any.

mod common;

use std::time::Duration;

use common::{events, Setup, SECRET, T0};
use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_fake_mastodon::{Pace, Signature};
use moat_mastodon::{EventKind, Inbound, Source};

fn signups(n: u64) -> String {
    let mut b = CaptureBuilder::new("fake.example");
    for i in 0..n {
        b.signup(T0 + i * 1000, &format!("user{i}"), &format!("u{i}@mail.example"), "192.0.2.9");
    }
    b.finish()
}

fn created(items: &[Inbound]) -> Vec<String> {
    events(items)
        .into_iter()
        .filter_map(|e| match &e.kind {
            EventKind::AccountCreated(a) => Some(a.username.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_webhooks_arrive_once_and_forged_ones_never() {
    let mut rig = Setup::new(1000.0).start().await;
    for (i, line) in signups(5).lines().enumerate() {
        {
            let mut f = rig.fake.faults();
            match i {
                0 => f.bad_signature_next = 1,
                1 => f.unsigned_next = 1,
                2 => f.duplicate_next = 1,
                _ => {}
            }
        }
        assert_eq!(rig.fake.play(line, Pace::Fast).await.lines, 1);
    }
    assert!(rig.fake.wait_webhooks(Duration::from_secs(10)).await);
    let got = rig.drain(Duration::from_millis(300)).await;
    // The first two deliveries were forged, and so was each of their retries: they never
    // arrive. The third was delivered twice.
    let mut names = created(&got);
    names.sort();
    assert_eq!(names, vec!["user2", "user3", "user4"], "each genuine one once");
    assert!(events(&got).iter().all(|e| e.source == Source::Webhook));
    let s = rig.handle.stats();
    let attempts = 2 * (1 + u64::from(rig.fake.options().webhook_retries));
    assert_eq!(s.webhooks_bad_signature, attempts, "one wrong, one missing, each retried");
    assert_eq!(s.webhooks_duplicate, 1, "the doubled delivery");
    assert_eq!(s.webhooks_accepted, 3);
    let summary = rig.fake.summary();
    assert_eq!(summary["webhooks"]["refused_by_receiver"], attempts, "{summary}");
    assert_eq!(summary["webhooks"]["pending"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_body_is_refused_even_when_well_formed() {
    let mut rig = Setup::new(1000.0).start().await;
    let body = signups(1);
    let line = body.lines().next().expect("a line");
    rig.fake.send_webhook("account.created", line, Signature::Bad);
    rig.fake.send_webhook("account.created", line, Signature::Missing);
    rig.fake.send_webhook("account.created", "{\"event\":", Signature::Good);
    assert!(rig.fake.wait_webhooks(Duration::from_secs(10)).await);
    let got = rig.drain(Duration::from_millis(300)).await;
    assert!(created(&got).is_empty(), "no forged sign-up reached the consumer: {got:?}");
    assert!(
        got.iter().any(|i| matches!(i, Inbound::Unreadable { source: Source::Webhook, .. })),
        "a signed but unreadable body is reported"
    );
    let s = rig.handle.stats();
    assert!(s.webhooks_bad_signature >= 2, "{s:?}");
    assert_eq!(s.webhooks_bad_body, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_makes_deliveries_wait_not_vanish() {
    let mut rig = Setup::new(1000.0).settings(|s| s.events_capacity = 1).start().await;
    let play = rig.fake.play(&signups(12), Pace::Fast).await;
    assert_eq!(play.webhooks, 12);
    // Nobody reads for a while: the channel holds one, the listener holds the next delivery.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(rig.fake.webhooks_pending() > 0, "deliveries wait for the consumer");
    let got = rig.collect_until(Duration::from_secs(20), |g| created(g).len() >= 12).await;
    assert_eq!(created(&got).len(), 12);
    assert!(rig.fake.wait_webhooks(Duration::from_secs(10)).await);
    assert!(rig.drain(Duration::from_millis(200)).await.is_empty(), "and nothing twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_other_methods_are_refused() {
    let rig = Setup::new(1000.0)
        .settings(|s| {
            if let Some(w) = s.webhook.as_mut() {
                w.max_body = 2_000;
            }
        })
        .start()
        .await;
    let mut b = CaptureBuilder::new("fake.example");
    let id = b.signup(T0, "carol", "c@mail.example", "192.0.2.5");
    let long = "x".repeat(5_000);
    b.post(T0 + 1000, &id, &Post { text: &long, ..Post::default() });
    rig.fake.play(&b.finish(), Pace::Fast).await;
    assert!(rig.fake.wait_webhooks(Duration::from_secs(10)).await);
    let s = rig.handle.stats();
    assert_eq!((s.webhooks_accepted, s.webhooks_too_large), (1, 1), "{s:?}");
    let addr = rig.handle.webhook_addr().expect("listening");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tcp.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.expect("write");
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    let _ = SECRET;
}
