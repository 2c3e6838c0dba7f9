//! The whole Mastodon path end to end, the real engine deciding: the fake plays a spam wave
//! (60 scripted accounts, local and remote, over 20 minutes) amid 20 real sign-ups, a long
//! thread and a remote bot, on a clock shared by the fake and moat (20 minutes pass in
//! seconds); moat-mastodon's server receives it (signed webhooks, the stream dropped and
//! caught up), the engine decides through `translate`, and the admin client acts. The fake's
//! record shows every wave account silenced, suspended or held, its networks behind
//! approval, the admins told once, nobody real touched, a bad signature refused and counted,
//! and no 429.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{Setup, T0};
use moat_core::time::MINUTE;
use moat_core::{Action, Engine};
use moat_fake_mastodon::{first_time, Pace, RateLimits, Signature};
use moat_mastodon::translate::{actions::requests, Translator};
use moat_mastodon::{ActionSender, Inbound};
use moat_testkit::fedi::{crowd, wave, world::FediWorld};
use tokio::sync::{mpsc, watch};

/// The engine as the live server runs it: each event translated and judged, each action
/// carried out through the admin client.
async fn moat(
    mut events: mpsc::Receiver<Inbound>,
    actions: ActionSender,
    stop: watch::Receiver<bool>,
) -> (usize, usize) {
    let mut engine = Engine::with_defaults();
    let mut tr = Translator::new("fake.example");
    let (mut sent, mut done, mut last) = (0usize, 0usize, 0u64);
    let mut out: Vec<Action> = Vec::new();
    loop {
        let item = match tokio::time::timeout(Duration::from_millis(300), events.recv()).await {
            Ok(Some(i)) => i,
            Ok(None) => break,
            Err(_) if *stop.borrow() && done >= sent => break,
            Err(_) => continue,
        };
        match item {
            Inbound::Event(e) => {
                last = last.max(e.at_ms.unwrap_or(last));
                tr.handle(&mut engine, &e, last, &mut out);
            }
            Inbound::Done(r) => {
                assert!(r.result.is_ok(), "{r:?}");
                done += 1;
            }
            _ => {}
        }
        for a in out.drain(..) {
            for m in requests(&a, &tr.ids, None) {
                actions.send(m).await.expect("queued");
                sent += 1;
            }
        }
    }
    (sent, done)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_contains_a_wave_through_the_fake_and_spares_the_crowd() {
    let mut w = FediWorld::new(11);
    let c = crowd::community(&mut w, T0, 10);
    crowd::chat(&mut w, &c, T0, 25 * MINUTE);
    crowd::thread_reply(&mut w, &c, T0 + MINUTE);
    crowd::remote_bot(&mut w, T0, 25 * MINUTE);
    let real = crowd::news_signups(&mut w, &c, T0, 20);
    let shape = wave::WaveShape {
        accounts: 60,
        over: 20 * MINUTE,
        mentions: (6, 12),
        remote_share: 0.3,
        posts_per_account: (1, 3),
    };
    let spam = wave::wave(&mut w, &c, T0 + 2 * MINUTE, &shape);
    let capture = w.capture();
    let (first, second): (Vec<&str>, Vec<&str>) =
        capture.lines().partition(|l| first_time(l).unwrap_or(0) < T0 + 10 * MINUTE);

    let mut setup = Setup::new(300.0);
    setup.opts.rate_limits = RateLimits { per_token: 300, unauthenticated: 300, window_ms: 300_000 };
    let rig = setup.start().await;
    assert!(rig.fake.wait_streams(1, Duration::from_secs(10)).await);
    let (stop_tx, stop_rx) = watch::channel(false);
    let (fake, handle) = (rig.fake, rig.handle);
    let worker = tokio::spawn(moat(rig.events, rig.actions, stop_rx));

    let p0 = fake.play(&first.join("\n"), Pace::Clock).await;
    // A delivery with a bad signature, then the stream drops for a while.
    assert_eq!(fake.send_webhook("account.created", "{\"event\":\"account.created\"}", Signature::Bad), 1);
    fake.faults().stream_down = true;
    assert_eq!(fake.drop_streams(), 1);
    let split = second.len() / 4;
    let p1 = fake.play(&second[..split].join("\n"), Pace::Clock).await;
    fake.faults().stream_down = false;
    assert!(fake.wait_streams(1, Duration::from_secs(10)).await, "the stream is back");
    let p2 = fake.play(&second[split..].join("\n"), Pace::Clock).await;
    assert_eq!(p0.bad_lines + p1.bad_lines + p2.bad_lines, 0);
    assert!(fake.wait_webhooks(Duration::from_secs(20)).await);
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop_tx.send(true).expect("moat listens");
    let (sent, done) =
        tokio::time::timeout(Duration::from_secs(90), worker).await.expect("moat ends").expect("no panic");
    assert_eq!(sent, done, "every action reported");

    let stats = handle.stats();
    assert!(stats.webhooks_bad_signature >= 1, "refused (and retried by the fake as Mastodon does): {stats:?}");
    let s = fake.summary();
    assert_eq!(s["rate_limited"], 0, "no 429: {s}");
    let acted: HashSet<String> = ["silence", "suspend", "reject"]
        .iter()
        .flat_map(|k| s["actions"][k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    for id in &spam {
        let id = id.to_string();
        let held = fake.world().account(&id).is_some_and(|a| !a.approved);
        assert!(acted.contains(&id) || held || fake.world().is_gone(&id), "spammer {id} contained");
    }
    for id in real.iter().chain(c.locals.iter()).chain(c.remotes.iter()) {
        assert!(!acted.contains(&id.to_string()), "{id} untouched");
    }
    let ips: Vec<String> =
        s["ip_blocks"].as_array().into_iter().flatten().filter_map(|b| b["ip"].as_str().map(str::to_string)).collect();
    assert!(!ips.is_empty() && ips.iter().all(|ip| ip.starts_with("198.51.")), "{ips:?}");
    let posted = s["statuses_posted"].as_array().cloned().unwrap_or_default();
    assert_eq!(posted.len(), 1, "the admins told once: {posted:?}");
    assert_eq!(posted[0]["mentions"], serde_json::json!(["admin"]));
    eprintln!("engine e2e: {sent} REST actions, fake summary calls {}", fake.calls().len());
}
