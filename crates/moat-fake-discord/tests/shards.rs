//! Many guilds over many shards and processes: `GET /gateway/bot`, each shard gets only its
//! guilds' events, identifies are spaced per bucket and counted per day, Discord's close
//! codes for every broken rule, two sessions on one shard during a hand-over, a RESUME by
//! another process replaying what was missed, and the global REST limit shared by every
//! process, with each call attributed to its process.

mod support;

use std::time::Duration;

use moat_fake_discord::gateway::shard_of;
use moat_fake_discord::{FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use serde_json::json;
use support::{identify, raw_gateway, Guild, T0};
use twilight_gateway::queue::InMemoryQueue;
use twilight_gateway::{ConfigBuilder, Intents, Shard, ShardId};
use twilight_http::Client;
use twilight_model::gateway::event::Event;

fn gateway_opts(f: impl FnOnce(&mut Options)) -> Options {
    let mut o = Options::default();
    f(&mut o);
    o
}

#[tokio::test]
async fn gateway_bot_answers_shards_and_session_limits() {
    let fake = FakeDiscord::start(gateway_opts(|o| {
        o.gateway.shards = 4;
        o.gateway.max_concurrency = 2;
    }))
    .await
    .unwrap();
    let client = support::client(&fake);
    let info = client.gateway().authed().await.unwrap().model().await.unwrap();
    assert_eq!(info.url, fake.gateway_url());
    assert_eq!((info.shards, info.session_start_limit.max_concurrency), (4, 2));
    assert_eq!((info.session_start_limit.total, info.session_start_limit.remaining), (1000, 1000));
    let mut shard = support::shard(&fake, 0, 4);
    support::ready(&mut shard).await;
    let info = client.gateway().authed().await.unwrap().model().await.unwrap();
    assert_eq!(info.session_start_limit.remaining, 999, "an identify spends one session start");
    assert!(info.session_start_limit.reset_after > 0);
}

#[tokio::test]
async fn each_shard_gets_only_its_guilds() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let guilds: Vec<Guild> = (0..4).map(Guild::new).collect();
    let mut shards = [support::shard(&fake, 0, 2), support::shard(&fake, 1, 2)];
    for s in &mut shards {
        support::ready(s).await;
    }
    let author = support::sf(T0 - 400 * support::DAY, 7);
    let capture: Vec<String> =
        guilds.iter().flat_map(|g| [g.create(T0), g.say(T0 + 1, 1, author, &g.id.to_string())]).collect();
    fake.play(&capture.join("\n"), Pace::Fast).await;
    for (i, shard) in shards.iter_mut().enumerate() {
        let mine: Vec<u64> = guilds.iter().map(|g| g.id).filter(|&g| shard_of(g, 2) == i as u32).collect();
        assert_eq!(mine.len(), 2, "two guilds a shard");
        let mut got = Vec::new();
        while got.len() < mine.len() {
            if let Some(Event::MessageCreate(m)) = support::next(shard).await {
                got.push(m.content.parse::<u64>().unwrap());
            }
        }
        assert_eq!(got, mine);
    }
    let seqs: Vec<u64> = fake.sessions().iter().map(|s| s.seq).collect();
    assert_eq!(seqs, [5, 5], "READY, then two guilds and two messages each, nothing else");
}

/// A config for shard `id` of `total` with a twilight queue.
fn shard_with(fake: &FakeDiscord, id: u32, total: u32, queue: InMemoryQueue) -> Shard<InMemoryQueue> {
    support::shard_at(&fake.gateway_url(), id, total, queue)
}

#[tokio::test]
async fn identifies_too_fast_for_a_bucket_are_closed_with_4008() {
    let fake = FakeDiscord::start(gateway_opts(|o| o.gateway.identify_interval_ms = 60_000)).await.unwrap();
    let mut first = support::shard(&fake, 0, 2);
    support::ready(&mut first).await;
    let mut second = support::shard(&fake, 1, 2);
    assert_eq!(support::close_code(&mut second).await, Some(4008), "same bucket, no wait");

    let two_buckets = FakeDiscord::start(gateway_opts(|o| {
        o.gateway.identify_interval_ms = 60_000;
        o.gateway.max_concurrency = 2;
    }))
    .await
    .unwrap();
    let mut a = support::shard(&two_buckets, 0, 2);
    let mut b = support::shard(&two_buckets, 1, 2);
    support::ready(&mut a).await;
    support::ready(&mut b).await;
    assert!(two_buckets.gateway_closes().is_empty());
}

#[tokio::test]
async fn twilights_own_queue_keeps_discords_five_seconds() {
    let fake = FakeDiscord::start(Options::strict()).await.unwrap();
    let queue = InMemoryQueue::new(1, 1000, Duration::from_secs(86_400), 1000);
    let mut a = shard_with(&fake, 0, 2, queue.clone());
    let mut b = shard_with(&fake, 1, 2, queue);
    support::ready(&mut a).await;
    tokio::time::timeout(Duration::from_secs(20), support::ready(&mut b))
        .await
        .expect("the second identify waits its turn");
    assert!(fake.gateway_closes().is_empty(), "no 4008");
}

#[tokio::test]
async fn broken_rules_get_discords_close_codes() {
    let fake = FakeDiscord::start(gateway_opts(|o| {
        o.gateway.privileged_intents = 0;
        o.gateway.max_guilds_per_shard = 1;
        o.gateway.payloads_per_minute = 3;
    }))
    .await
    .unwrap();
    let g: Vec<Guild> = (0..4).map(Guild::new).collect();
    fake.play(&g.iter().map(|g| g.create(T0)).collect::<Vec<_>>().join("\n"), Pace::Fast).await;
    let url = format!("{}/?v=10&encoding=json", fake.gateway_url());
    let ok = |shard: serde_json::Value, intents: u64| identify(DEFAULT_TOKEN, shard, intents);
    let cases: Vec<(Vec<String>, u16, &str)> = vec![
        (vec![ok(json!([2, 2]), 1)], 4010, "invalid shard"),
        (vec![ok(json!([0, 1]), 1)], 4011, "four guilds on one shard, at most one allowed"),
        (vec![ok(json!([0, 8]), 1 << 15)], 4014, "MESSAGE_CONTENT not enabled"),
        (vec![ok(json!([0, 8]), 1 << 30)], 4013, "no such intent"),
        (vec![identify("wrong", json!([0, 8]), 1)], 4004, "bad token"),
        (vec!["not json".into()], 4002, "decode error"),
        (vec![json!({"op": 99, "d": null}).to_string()], 4001, "unknown opcode"),
        (vec![json!({"op": 8, "d": {"guild_id": "1"}}).to_string()], 4003, "not identified"),
        (vec![ok(json!([0, 8]), 1), ok(json!([0, 8]), 1)], 4005, "identified twice"),
        (vec![json!({"op": 1, "d": null}).to_string(); 4], 4008, "more payloads than allowed"),
    ];
    for (payloads, code, why) in cases {
        assert_eq!(raw_gateway(&url, &payloads).await, Some(code), "{why}");
    }
    let old = format!("{}/?v=9&encoding=json", fake.gateway_url());
    assert_eq!(raw_gateway(&old, &[]).await, Some(4012), "API version 9");
}

#[tokio::test]
async fn a_silent_session_times_out_with_4009() {
    let fake = FakeDiscord::start(Options { heartbeat_interval_ms: 200, ..Options::default() }).await.unwrap();
    let url = format!("{}/?v=10&encoding=json", fake.gateway_url());
    assert_eq!(raw_gateway(&url, &[identify(DEFAULT_TOKEN, json!([0, 1]), 1)]).await, Some(4009));
}

#[tokio::test]
async fn the_daily_session_starts_run_out_and_the_token_is_reset() {
    let fake = FakeDiscord::start(gateway_opts(|o| o.gateway.daily_identifies = 1)).await.unwrap();
    let mut first = support::shard(&fake, 0, 1);
    support::ready(&mut first).await;
    let mut second = support::shard(&fake, 0, 1);
    assert_eq!(support::close_code(&mut second).await, Some(4004));
    assert_eq!(support::close_code(&mut first).await, Some(4004), "every session ends");
    assert!(fake.token_was_reset());
    let client = Client::builder().token(DEFAULT_TOKEN.into()).proxy(fake.rest_proxy(), true).build();
    let e = client.current_user().await.unwrap_err();
    assert_eq!(support::api_error(&e).map(|e| e.0), Some(401), "the old token is dead for REST too");
}

#[tokio::test]
async fn two_sessions_share_a_shard_during_a_hand_over() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let mut old = support::shard(&fake, 0, 1);
    let mut new = support::shard(&fake, 0, 1);
    support::ready(&mut old).await;
    support::ready(&mut new).await;
    fake.play(&support::chat(&Guild::new(0), 1), Pace::Fast).await;
    for s in [&mut old, &mut new] {
        loop {
            if let Some(Event::MessageCreate(m)) = support::next(s).await {
                assert_eq!(m.content, "message 0");
                break;
            }
        }
    }
    assert_eq!(fake.sessions().len(), 2);
}

#[tokio::test]
async fn another_process_resumes_a_session_and_gets_what_was_missed() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let g = Guild::new(0);
    let lines: Vec<String> = support::chat(&g, 6).lines().map(str::to_string).collect();
    let mut p1 = support::shard_at(
        &format!("{}/p1", fake.gateway_url()),
        0,
        1,
        InMemoryQueue::new(0, 1000, Duration::ZERO, 1000),
    );
    support::ready(&mut p1).await;
    fake.play(&lines[..4].join("\n"), Pace::Fast).await;
    let mut n = 0;
    while n < 3 {
        if let Some(Event::MessageCreate(_)) = support::next(&mut p1).await {
            n += 1;
        }
    }
    let session = p1.session().cloned().expect("a session");
    assert_eq!(fake.sessions()[0].process.as_deref(), Some("p1"));
    drop(p1); // killed: no close frame, the session stays resumable
    fake.play(&lines[4..].join("\n"), Pace::Fast).await;

    let config = ConfigBuilder::new(DEFAULT_TOKEN.to_string(), Intents::GUILDS | Intents::GUILD_MESSAGES)
        .proxy_url(format!("{}/p2", fake.gateway_url()))
        .resume_url(format!("{}/p2", fake.gateway_url()))
        .session(session)
        .queue(InMemoryQueue::new(0, 1000, Duration::ZERO, 1000))
        .build();
    let mut p2 = Shard::with_config(ShardId::ONE, config);
    let mut missed = Vec::new();
    loop {
        match support::next(&mut p2).await.expect("open") {
            Event::MessageCreate(m) => missed.push(m.content.clone()),
            Event::Resumed => break,
            Event::Ready(_) => panic!("identified instead of resuming"),
            _ => {}
        }
    }
    assert_eq!(missed, ["message 3", "message 4", "message 5"]);
    assert_eq!(fake.gateway_counts(), (1, 1));
    let s = &fake.sessions()[0];
    assert_eq!((s.process.as_deref(), s.resumes), (Some("p2"), 1));
}

fn process_client(fake: &FakeDiscord, name: &str) -> Client {
    let mut headers = hyper::header::HeaderMap::new();
    headers.insert("x-moat-process", name.parse().unwrap());
    Client::builder().token(DEFAULT_TOKEN.into()).proxy(fake.rest_proxy(), true).default_headers(headers).build()
}

#[tokio::test]
async fn the_global_limit_is_shared_by_every_process_and_calls_name_their_process() {
    let mut opts = Options::default();
    opts.rate_limits.global_per_sec = 3;
    opts.rate_limits.bucket_limit = 100;
    let fake = FakeDiscord::start(opts).await.unwrap();
    let auth = format!("Bot {DEFAULT_TOKEN}");
    let mut global = None;
    for i in 0..8 {
        let who = if i % 2 == 0 { "p1" } else { "p2" };
        let r = support::http(
            &fake.rest_proxy(),
            "GET",
            "/api/v10/users/@me",
            &[("authorization", &auth), ("x-moat-process", who)],
            "",
        )
        .await;
        if r.status == 429 {
            global = Some(r);
            break;
        }
    }
    let r = global.expect("a 429 once both processes together passed 3 a second");
    assert_eq!((r.header("x-ratelimit-global"), r.header("x-ratelimit-scope")), (Some("true"), Some("global")));
    assert_eq!(r.json()["global"], true);

    let (a, b) = (process_client(&fake, "p1"), process_client(&fake, "p2"));
    let (x, y) = tokio::join!(a.current_user(), b.current_user());
    assert!(x.is_ok() && y.is_ok(), "twilight waits the global limit out");
    let summary = fake.summary();
    let p = &summary["processes"];
    assert!(p["p1"]["rest_calls"].as_u64().unwrap() >= 2 && p["p2"]["rest_calls"].as_u64().unwrap() >= 2, "{p}");
    assert_eq!(p["p1"]["calls_by_route"].as_object().unwrap().keys().collect::<Vec<_>>(), ["GET /users/@me"]);
}
