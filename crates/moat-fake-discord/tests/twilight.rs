//! The real twilight shard and HTTP client against the fake: READY and dispatches arrive,
//! a dropped connection resumes without losing events, op 7 / op 9 are survived, and a 429
//! storm is waited out rather than hammered.

use std::time::Duration;

use moat_fake_discord::{FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use moat_testkit::fixture as scenario;
use twilight_gateway::{queue::InMemoryQueue, ConfigBuilder, EventTypeFlags, Intents, Shard, ShardId, StreamExt as _};
use twilight_http::Client;
use twilight_model::gateway::event::Event;

fn shard(fake: &FakeDiscord) -> Shard<InMemoryQueue> {
    let config = ConfigBuilder::new(DEFAULT_TOKEN.to_string(), Intents::GUILDS | Intents::GUILD_MESSAGES)
        .proxy_url(fake.gateway_url())
        .queue(InMemoryQueue::new(0, 1000, Duration::ZERO, 1000))
        .build();
    Shard::with_config(ShardId::ONE, config)
}

fn http(fake: &FakeDiscord) -> Client {
    Client::builder()
        .token(DEFAULT_TOKEN.to_string())
        .proxy(fake.rest_proxy(), true)
        .timeout(Duration::from_secs(10))
        .build()
}

/// The next event of one of these kinds, within 5 s.
async fn next(shard: &mut Shard<InMemoryQueue>) -> Event {
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(5), shard.next_event(EventTypeFlags::all()))
            .await
            .expect("an event within 5 s")
            .expect("the shard is open");
        match ev {
            Ok(
                Event::GatewayHello(_) | Event::GatewayHeartbeatAck | Event::GatewayHeartbeat | Event::GatewayClose(_),
            ) => {}
            Ok(ev) => return ev,
            Err(_) => {}
        }
    }
}

async fn messages(shard: &mut Shard<InMemoryQueue>, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < n {
        if let Event::MessageCreate(m) = next(shard).await {
            out.push(m.content.clone());
        }
    }
    out
}

fn chat(n: usize) -> String {
    let mut c = scenario::Capture::standard(scenario::T0);
    for i in 0..n {
        c.say(
            scenario::T0 + i as u64 * 10,
            1_000_000 + i as u64,
            "u",
            scenario::T0 - 1000,
            0,
            &format!("message {i}"),
            &[],
        );
    }
    c.finish()
}

#[tokio::test]
async fn ready_then_dispatches() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let mut shard = shard(&fake);
    let Event::Ready(r) = next(&mut shard).await else { panic!("READY first") };
    assert_eq!(r.user.id.get(), fake.options().bot_user_id);
    assert!(fake.wait_sessions(1, Duration::from_secs(5)).await);
    let report = fake.play(&chat(5), Pace::Fast).await;
    assert_eq!(report.events, 6);
    assert!(matches!(next(&mut shard).await, Event::GuildCreate(_)));
    assert_eq!(messages(&mut shard, 5).await, (0..5).map(|i| format!("message {i}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_dropped_connection_resumes_without_losing_events() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let mut shard = shard(&fake);
    assert!(matches!(next(&mut shard).await, Event::Ready(_)));
    let lines: Vec<&str> = Box::leak(chat(10).into_boxed_str()).lines().collect();
    fake.play(&lines[..6].join("\n"), Pace::Fast).await;
    assert_eq!(messages(&mut shard, 5).await.len(), 5);
    fake.drop_connections();
    // Sent while the shard is away: kept for its RESUME.
    fake.play(&lines[6..].join("\n"), Pace::Fast).await;
    let rest = messages(&mut shard, 5).await;
    assert_eq!(rest, (5..10).map(|i| format!("message {i}")).collect::<Vec<_>>());
    assert_eq!(fake.gateway_counts(), (1, 1), "one IDENTIFY, one RESUME");
}

#[tokio::test]
async fn reconnect_and_invalid_session_are_survived() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let mut shard = shard(&fake);
    assert!(matches!(next(&mut shard).await, Event::Ready(_)));
    fake.request_reconnect();
    loop {
        if matches!(next(&mut shard).await, Event::Resumed) {
            break;
        }
    }
    fake.invalidate_sessions(false);
    loop {
        if matches!(next(&mut shard).await, Event::Ready(_)) {
            break;
        }
    }
    let (identifies, resumes) = fake.gateway_counts();
    assert_eq!((identifies, resumes), (2, 1));
    fake.play(&chat(2), Pace::Fast).await;
    assert_eq!(messages(&mut shard, 2).await.len(), 2);
}

#[tokio::test]
async fn http_reads_and_writes_state() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let (ids, capture) = scenario::normal_chat();
    fake.play(&capture, Pace::Fast).await;
    let client = http(&fake);
    let guild = twilight_model::id::Id::new(ids.guild);
    let user = twilight_model::id::Id::new(ids.moderator);
    let until = twilight_model::util::Timestamp::from_secs((scenario::T0 / 1000 + 600) as i64).unwrap();
    // The moderator ranks below moat (an administrator at the top), so this works.
    let r = client.update_guild_member(guild, user).communication_disabled_until(Some(until)).await;
    assert!(r.is_ok(), "{r:?}");
    assert!(fake.world().is_timed_out(ids.guild, ids.moderator));
    let call = fake.calls().into_iter().last().unwrap();
    assert!(call.is("PATCH", &format!("/guilds/{}/members/{}", ids.guild, ids.moderator)));
    let bad = client.bulk_guild_ban(guild, &[]).await;
    assert!(bad.is_err(), "twilight refuses an empty bulk ban before sending it");
}

#[tokio::test]
async fn a_429_storm_is_waited_out_not_hammered() {
    let fake = FakeDiscord::start(Options::default()).await.unwrap();
    let client = http(&fake);
    fake.limiter().storm(3, Duration::from_millis(150));
    let started = std::time::Instant::now();
    let me = client.current_user().await;
    assert!(me.is_ok(), "{me:?}");
    let l = fake.limiter();
    assert_eq!(l.served_429, 3);
    assert_eq!(l.violations, 0, "no retry before retry_after ran out");
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn bucket_limits_are_respected_by_twilight() {
    let mut opts = Options::default();
    opts.rate_limits.bucket_limit = 3;
    opts.rate_limits.bucket_window_ms = 300;
    let fake = FakeDiscord::start(opts).await.unwrap();
    let client = std::sync::Arc::new(http(&fake));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move { c.current_user().await.is_ok() }));
    }
    for t in tasks {
        assert!(t.await.unwrap());
    }
    assert_eq!(fake.limiter().violations, 0);
    assert_eq!(fake.calls().iter().filter(|c| c.status == 200).count(), 10);
}

#[test]
fn the_test_kits_fixtures_name_the_bot_the_fake_answers_as() {
    assert_eq!(moat_testkit::fixture::BOT_ID, moat_fake_discord::DEFAULT_BOT_ID);
}
