//! The streaming client against the fake's WebSocket: posts arrive once each, a local post
//! that comes both as its webhook and on the stream is handed on once, and a stream dropped
//! while posts keep coming is reopened and caught up from the public timeline without losing
//! or repeating a post, on a streaming host found through `/api/v2/instance`.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{events, Setup, T0};
use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_fake_mastodon::{Options, Pace};
use moat_mastodon::{EventKind, Inbound, Source};

/// Status ids handed on, with how often and from where.
fn statuses(items: &[Inbound]) -> HashMap<String, Vec<Source>> {
    let mut m: HashMap<String, Vec<Source>> = HashMap::new();
    for e in events(items) {
        if let EventKind::StatusCreated(s) = &e.kind {
            m.entry(s.id.to_string()).or_default().push(e.source);
        }
    }
    m
}

struct Posts {
    b: CaptureBuilder,
    local: String,
    remote: String,
    n: usize,
}

impl Posts {
    fn new() -> (Posts, String) {
        let mut b = CaptureBuilder::new("fake.example");
        let local = b.signup(T0, "carol", "carol@mail.example", "192.0.2.5");
        let remote = b.remote(T0 - 1_000_000_000, "newsbot", "far.example");
        let first = b.finish();
        (Posts { b, local, remote, n: 0 }, first)
    }

    /// `n` more posts, alternating remote (stream only) and local (webhook and stream);
    /// returns the new lines and their ids.
    fn batch(&mut self, n: usize) -> (String, Vec<String>) {
        let before = self.b.finish().lines().count();
        let mut ids = Vec::new();
        for _ in 0..n {
            let i = self.n;
            self.n += 1;
            let author = if i.is_multiple_of(2) { self.remote.clone() } else { self.local.clone() };
            let text = format!("post number {i}");
            let at = T0 + 10_000 + i as u64 * 1000;
            ids.extend(self.b.post(at, &author, &Post { text: &text, ..Post::default() }));
        }
        (self.b.finish().lines().skip(before).collect::<Vec<_>>().join("\n"), ids)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_stream_is_caught_up_without_losing_or_repeating_a_post() {
    let mut setup = Setup::new(1000.0);
    setup.opts = Options { separate_streaming_port: true, ..setup.opts };
    let mut rig = setup.start().await;
    let (mut posts, signup) = Posts::new();
    rig.fake.play(&signup, Pace::Fast).await;
    assert!(rig.fake.wait_streams(1, Duration::from_secs(10)).await, "moat found the streaming port and connected");

    let (live1, ids1) = posts.batch(10);
    rig.fake.play(&live1, Pace::Fast).await;
    let got1 = rig.collect_until(Duration::from_secs(10), |g| statuses(g).len() >= ids1.len()).await;

    // The stream goes down; posts keep coming (they reach only the public timeline).
    rig.fake.faults().stream_down = true;
    assert_eq!(rig.fake.drop_streams(), 1);
    let (gap, ids2) = posts.batch(95);
    rig.fake.play(&gap, Pace::Fast).await;
    rig.fake.faults().stream_down = false;
    assert!(rig.fake.wait_streams(1, Duration::from_secs(10)).await, "reconnected");
    let (live3, ids3) = posts.batch(6);
    rig.fake.play(&live3, Pace::Fast).await;
    let all = ids1.len() + ids2.len() + ids3.len();
    let mut got = got1;
    got.extend(rig.collect_until(Duration::from_secs(20), |g| statuses(g).len() + ids1.len() >= all).await);
    assert!(rig.fake.wait_webhooks(Duration::from_secs(10)).await);
    got.extend(rig.drain(Duration::from_millis(300)).await);

    let seen = statuses(&got);
    for id in ids1.iter().chain(&ids2).chain(&ids3) {
        assert_eq!(seen.get(id).map(Vec::len), Some(1), "post {id} handed on exactly once: {:?}", seen.get(id));
    }
    assert_eq!(seen.len(), all, "nothing else");
    let remote_gap: Vec<&String> = ids2.iter().step_by(2).collect();
    assert!(
        remote_gap.iter().all(|id| seen[*id] == [Source::CatchUp]),
        "remote posts of the gap came from the catch-up"
    );
    let s = rig.handle.stats();
    assert!(s.stream_connects >= 2 && s.stream_drops >= 1, "{s:?}");
    assert!(s.catchup_pages >= 3, "95 posts in pages of 40: {s:?}");
    assert!(s.events_duplicate > 0, "local posts came both ways and were recognised: {s:?}");
    let summary = rig.fake.summary();
    assert_eq!(summary["rate_limited"], 0, "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_edits_and_unknown_events_are_handed_on() {
    let mut rig = Setup::new(1000.0).start().await;
    let (mut posts, signup) = Posts::new();
    rig.fake.play(&signup, Pace::Fast).await;
    assert!(rig.fake.wait_streams(1, Duration::from_secs(10)).await);
    let (line, ids) = posts.batch(1);
    rig.fake.play(&line, Pace::Fast).await;
    posts.b.delete(&ids[0]);
    posts.b.raw(r#"{"stream":["public"],"event":"announcement","payload":"{\"id\":\"1\"}"}"#);
    let text = posts.b.finish();
    let tail: Vec<&str> = text.lines().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
    rig.fake.play(&tail.join("\n"), Pace::Fast).await;
    let got = rig
        .collect_until(Duration::from_secs(10), |g| {
            events(g).iter().any(|e| matches!(e.kind, EventKind::StatusDeleted(_)))
        })
        .await;
    let kinds: Vec<&EventKind> = events(&got).into_iter().map(|e| &e.kind).collect();
    assert!(kinds.iter().any(|k| matches!(k, EventKind::StatusCreated(s) if s.id.as_str() == ids[0])));
    assert!(kinds.iter().any(|k| matches!(k, EventKind::StatusDeleted(id) if id.as_str() == ids[0])));
    let rest = rig.drain(Duration::from_millis(300)).await;
    let all: Vec<&Inbound> = got.iter().chain(&rest).collect();
    assert!(all.iter().any(|i| matches!(i, Inbound::Event(e) if matches!(&e.kind, EventKind::Unknown { event, .. } if event == "announcement"))), "{all:?}");
}
