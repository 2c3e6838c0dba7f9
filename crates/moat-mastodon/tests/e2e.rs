//! End to end: the fake plays a small spam wave on a fast clock (the fake's 5-minute
//! rate-limit window passes in 1.5 s), moat-mastodon's server receives it, a test consumer
//! (standing in for the engine) sends back silence, suspend, reject, IP-block and
//! direct-message actions, and the fake's record shows every webhook and every post handed
//! on exactly once (across a dropped stream), every action applied, no 429 and the rate
//! limit honoured.

mod common;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use common::{Setup, T0};
use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_fake_mastodon::{first_time, Pace, RateLimits};
use moat_mastodon::model::{Event, EventKind};
use moat_mastodon::parse::parse_webhook;
use moat_mastodon::webhook::delivery_key;
use moat_mastodon::{AccountId, ActionSender, Inbound, IpSeverity, MastodonAction};
use tokio::sync::{mpsc, watch};

const MIN: u64 = 60_000;
const BLURHASH: &str = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";

/// The wave, in three parts by time (before, during and after the stream's outage), and
/// who is who.
struct Wave {
    parts: [String; 3],
    spam_local: Vec<String>,
    spam_remote: Vec<String>,
    real: Vec<String>,
    bot: String,
    statuses: Vec<String>,
}

/// One thing in the wave, at its time. The builder gives ids from times in the order it is
/// called, so it is called in time order, as a server would make them.
enum Op {
    Signup { name: String, display: String, email: String, ip: String, spam: bool },
    Post { author: Who, text: String, spam: bool },
}

#[derive(Clone, Copy)]
enum Who {
    Real(usize),
    Spam(usize),
    Remote(usize),
    Bot,
}

fn wave() -> Wave {
    let mut ops: Vec<(u64, Op)> = Vec::new();
    let at_names: String = (0..6).map(|i| format!(" @person{i}")).collect();
    for i in 0..6u64 {
        let (name, display) = (format!("person{i}"), format!("Person {i}"));
        let (email, ip) = (format!("p{i}@gmail.com"), format!("203.0.113.{i}"));
        ops.push((T0 + i * 90_000, Op::Signup { name, display, email, ip, spam: false }));
        ops.push((
            T0 + i * 90_000 + 20_000,
            Op::Post { author: Who::Real(i as usize), text: "hello, new here! I knit.".into(), spam: false },
        ));
    }
    for k in 0..12u64 {
        ops.push((T0 + k * 50_000 + 5_000, Op::Post { author: Who::Bot, text: format!("headline {k}"), spam: false }));
    }
    for i in 0..24u64 {
        let at = T0 + 30_000 + i * 20_000;
        let name = format!("x{:09}", i * 7_919);
        let (email, ip) = (format!("{name}@throwaway.example"), format!("198.51.100.{}", 10 + i));
        ops.push((at, Op::Signup { display: name.clone(), name, email, ip, spam: true }));
        for p in 0..2u64 {
            let text = format!("join discord.gg/wave{p} now{at_names}");
            ops.push((at + 2_000 + p * 40_000, Op::Post { author: Who::Spam(i as usize), text, spam: true }));
        }
    }
    for i in 0..4u64 {
        for p in 0..2u64 {
            let text = format!("free stuff discord.gg/wave{at_names}");
            ops.push((
                T0 + 100_000 + i * 70_000 + p * 15_000,
                Op::Post { author: Who::Remote(i as usize), text, spam: true },
            ));
        }
    }
    ops.sort_by_key(|(t, _)| *t);

    let mut b = CaptureBuilder::new("fake.example");
    let bot = b.remote(T0 - 400 * 86_400_000, "newsbot", "news.example");
    let spam_remote: Vec<String> =
        (0..4).map(|i| b.remote(T0 - 86_400_000, &format!("rz{i:08}"), "spam.example")).collect();
    let (mut real, mut spam_local, mut statuses) = (Vec::new(), Vec::new(), Vec::new());
    for (at, op) in ops {
        match op {
            Op::Signup { name, display, email, ip, spam } => {
                let id = b.signup_named(at, &name, &display, &email, &ip);
                if spam {
                    spam_local.push(id)
                } else {
                    real.push(id)
                }
            }
            Op::Post { author, text, spam } => {
                let author = match author {
                    Who::Real(i) => real[i].clone(),
                    Who::Spam(i) => spam_local[i].clone(),
                    Who::Remote(i) => spam_remote[i].clone(),
                    Who::Bot => bot.clone(),
                };
                let mentions: Vec<&str> = if spam { real.iter().map(String::as_str).collect() } else { Vec::new() };
                let image = spam.then_some((BLURHASH, None));
                statuses.extend(b.post(
                    at,
                    &author,
                    &Post { text: &text, mentions: &mentions, image, ..Post::default() },
                ));
            }
        }
    }
    let mut parts = [Vec::new(), Vec::new(), Vec::new()];
    for l in b.finish().lines() {
        let t = first_time(l).unwrap_or(0);
        let part = if t < T0 + 4 * MIN {
            0
        } else if t < T0 + 6 * MIN {
            1
        } else {
            2
        };
        parts[part].push(l.to_string());
    }
    Wave { parts: parts.map(|p| p.join("\n")), spam_local, spam_remote, real, bot, statuses }
}

/// The test's stand-in for the engine: contains the wave's accounts, blocks its network
/// once, tells the admins once.
async fn consumer(
    mut events: mpsc::Receiver<Inbound>,
    actions: ActionSender,
    stop: watch::Receiver<bool>,
) -> (Vec<Inbound>, usize) {
    let mut got = Vec::new();
    let mut acted: HashSet<AccountId> = HashSet::new();
    let (mut sent, mut blocked) = (0usize, false);
    loop {
        let item = match tokio::time::timeout(Duration::from_millis(300), events.recv()).await {
            Ok(Some(i)) => i,
            Ok(None) => break,
            Err(_) if *stop.borrow() && got.iter().filter(|i| matches!(i, Inbound::Done(_))).count() >= sent => break,
            Err(_) => continue,
        };
        let mut todo = Vec::new();
        if let Inbound::Event(Event { kind: EventKind::AccountCreated(a), .. }) = &item {
            if a.ip.as_deref().is_some_and(|ip| ip.starts_with("198.51.100.")) && acted.insert(a.id.clone()) {
                let reason = format!("wave: sign-up from 198.51.100.0/24, name = display name ({})", a.username);
                todo.push(if a.pending() {
                    MastodonAction::Reject { account_id: a.id.clone(), reason }
                } else if acted.len().is_multiple_of(2) {
                    MastodonAction::Suspend { account_id: a.id.clone(), reason }
                } else {
                    MastodonAction::Silence { account_id: a.id.clone(), reason }
                });
                if !blocked {
                    blocked = true;
                    todo.push(MastodonAction::IpBlock {
                        ip: "198.51.100.0/24".into(),
                        severity: IpSeverity::SignUpRequiresApproval,
                        expires_in_s: Some(1200),
                        reason: "moat: wave of script sign-ups".into(),
                    });
                    todo.push(MastodonAction::DirectMessage {
                        text: format!("moat: a spam wave started (first: @{}); sign-ups from its network need approval for 20 min.", a.username),
                    });
                }
            }
        }
        if let Inbound::Event(Event { kind: EventKind::StatusCreated(s), .. }) = &item {
            let spam = !s.mentions.is_empty() && s.text.contains("discord.gg/");
            if !s.account.is_local() && spam && acted.insert(s.account.id.clone()) {
                todo.push(MastodonAction::Suspend {
                    account_id: s.account.id.clone(),
                    reason: "mention spam with an invite from a day-old remote account".into(),
                });
            }
        }
        for a in todo {
            actions.send(a).await.expect("queued");
            sent += 1;
        }
        got.push(item);
    }
    (got, sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wave_is_received_once_each_and_contained_within_the_rate_limit() {
    let w = wave();
    let mut setup = Setup::new(200.0);
    setup.opts.rate_limits = RateLimits { per_token: 20, unauthenticated: 300, window_ms: 300_000 };
    let rig = setup.start().await;
    assert!(rig.fake.wait_streams(1, Duration::from_secs(10)).await);
    let (stop_tx, stop_rx) = watch::channel(false);
    let fake = rig.fake;
    let handle = rig.handle;
    let worker = tokio::spawn(consumer(rig.events, rig.actions, stop_rx));

    let p0 = fake.play(&w.parts[0], Pace::Clock).await;
    fake.faults().stream_down = true;
    assert_eq!(fake.drop_streams(), 1);
    let p1 = fake.play(&w.parts[1], Pace::Clock).await;
    fake.faults().stream_down = false;
    assert!(fake.wait_streams(1, Duration::from_secs(10)).await, "the stream is back");
    let p2 = fake.play(&w.parts[2], Pace::Clock).await;
    assert_eq!(p0.bad_lines + p1.bad_lines + p2.bad_lines, 0);
    assert!(fake.wait_webhooks(Duration::from_secs(20)).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop_tx.send(true).expect("the consumer listens");
    let (got, sent) =
        tokio::time::timeout(Duration::from_secs(60), worker).await.expect("the consumer ends").expect("no panic");
    assert!(fake.wait_webhooks(Duration::from_secs(20)).await);

    let rig_stats = handle.stats();
    // Every webhook delivered is handed on once (account events by their delivery key).
    let mut delivered: HashSet<(String, String, String)> = HashSet::new();
    for d in fake.deliveries().iter().filter(|d| d.ok()) {
        let hook = parse_webhook(d.body.as_bytes()).expect("the fake's bodies parse");
        if hook.event.starts_with("account.") {
            delivered.insert(delivery_key(&hook));
        }
    }
    let mut account_events: HashMap<(String, String, u64), usize> = HashMap::new();
    let mut status_events: HashMap<String, usize> = HashMap::new();
    for i in &got {
        let Inbound::Event(e) = i else { continue };
        match &e.kind {
            EventKind::AccountCreated(a) => {
                *account_events
                    .entry(("account.created".into(), a.id.to_string(), e.at_ms.unwrap_or(0)))
                    .or_default() += 1
            }
            EventKind::AccountUpdated(a) => {
                *account_events
                    .entry(("account.updated".into(), a.id.to_string(), e.at_ms.unwrap_or(0)))
                    .or_default() += 1
            }
            EventKind::AccountApproved(a) => {
                *account_events
                    .entry(("account.approved".into(), a.id.to_string(), e.at_ms.unwrap_or(0)))
                    .or_default() += 1
            }
            EventKind::StatusCreated(s) => *status_events.entry(s.id.to_string()).or_default() += 1,
            _ => {}
        }
    }
    assert_eq!(account_events.len(), delivered.len(), "one event per delivered account webhook");
    assert!(account_events.values().all(|&n| n == 1), "{account_events:?}");
    // Every post that happened (not suppressed because its author was contained) once.
    let suppressed: HashSet<String> = fake.world().log.suppressed_posts.iter().cloned().collect();
    let happened: Vec<&String> = w.statuses.iter().filter(|s| !suppressed.contains(*s)).collect();
    assert!(happened.len() > 6 + 12, "the real posts, the bot's and some spam happened: {}", happened.len());
    for id in &happened {
        assert_eq!(status_events.get(*id), Some(&1), "post {id} once ({rig_stats:?})");
    }
    assert!(!suppressed.is_empty(), "containment stopped later posts");

    // Every action applied, within the rate limit.
    let reports: Vec<_> = got.iter().filter_map(|i| if let Inbound::Done(r) = i { Some(r) } else { None }).collect();
    assert_eq!(reports.len(), sent);
    assert!(
        reports.iter().all(|r| r.result.is_ok()),
        "{:?}",
        reports.iter().filter(|r| r.result.is_err()).collect::<Vec<_>>()
    );
    let s = fake.summary();
    assert_eq!(s["rate_limited"], 0, "no 429: {s}");
    assert_eq!(s["rate_limit_violations"], 0, "never sent while told to wait");
    let acted: HashSet<String> = ["silence", "suspend", "reject"]
        .iter()
        .flat_map(|k| s["actions"][k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    for id in w.spam_local.iter().chain(&w.spam_remote) {
        let held_and_silent = fake.world().account(id).is_some_and(|a| !a.approved);
        assert!(acted.contains(id) || held_and_silent || fake.world().is_gone(id), "spammer {id} contained");
    }
    for id in w.real.iter().chain([&w.bot]) {
        assert!(!acted.contains(id), "{id} untouched");
    }
    assert_eq!(s["ip_blocks"][0]["ip"], "198.51.100.0/24");
    assert!(!s["signups"]["held_for_approval"].as_array().is_none_or(Vec::is_empty), "later wave sign-ups held: {s}");
    assert_eq!(s["statuses_posted"].as_array().map(Vec::len), Some(1), "the admins told once");
    assert_eq!(s["statuses_posted"][0]["mentions"], serde_json::json!(["admin"]));
    let calls = fake.calls();
    let mut per_window: HashMap<u64, usize> = HashMap::new();
    for c in calls.iter().filter(|c| c.path.starts_with("/api/") && !c.path.starts_with("/api/v1/streaming")) {
        *per_window.entry(c.at_ms / 300_000).or_default() += 1;
    }
    assert!(per_window.values().all(|&n| n <= 20), "{per_window:?}");
}
