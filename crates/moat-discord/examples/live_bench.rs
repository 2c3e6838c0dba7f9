//! Benchmarks of the live path (fake gateway → twilight shard → engine → executor → REST):
//! sustained gateway events per second, and event-to-action latency (p50, p99).
//!
//! `cargo run --release -p moat-discord --example live_bench -- [EVENTS]`
//!
//! Throughput: EVENTS ordinary chat messages sent as fast as the socket takes them, timed
//! until the engine has handled the last one. Latency: a flood every few hundred
//! messages, played in lockstep; for each action batch, the time from the shard handing
//! over the event to the first REST call of its actions being issued, and (from the fake's
//! side) from the dispatch leaving the gateway to that call arriving.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use moat_core::{Config, Engine};
use moat_discord::{Bot, BotConfig, Clock};
use moat_fake_discord::{FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use moat_testkit::fixture as scenario;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn start(fake: &FakeDiscord) -> Bot {
    let cfg = BotConfig::loopback(DEFAULT_TOKEN, fake.gateway_url(), fake.rest_proxy(), Clock::Shared(fake.clock()));
    let bot = Bot::start(cfg, Engine::new(Config::default(), Box::new(moat_core::links::NoLinks))).expect("bot starts");
    assert!(fake.wait_sessions(1, Duration::from_secs(10)).await);
    bot
}

/// `n` chat messages from 200 established members over a long stretch of time.
fn chat(n: usize) -> String {
    let mut c = scenario::Capture::standard(scenario::T0);
    let day = 86_400_000;
    for i in 0..n {
        let u = scenario::snowflake(scenario::T0 - 500 * day, 1000 + (i % 200) as u64);
        let at = scenario::T0 + i as u64 * 997;
        c.say(
            at,
            u,
            "regular",
            scenario::T0 - 300 * day,
            i % 4,
            &format!("just chatting, message number {i} about the game"),
            &[],
        );
    }
    c.finish()
}

/// Chat with a flood by a different member every 400 messages.
fn chat_with_floods(n: usize) -> String {
    let mut c = scenario::Capture::standard(scenario::T0);
    let day = 86_400_000;
    for i in 0..n {
        let at = scenario::T0 + i as u64 * 1500;
        if i % 400 == 399 {
            let u = scenario::snowflake(scenario::T0 - 30 * day, 50_000 + i as u64);
            for k in 0..6 {
                c.say(
                    at + k * 150,
                    u,
                    "loud",
                    scenario::T0 - 10 * day,
                    0,
                    "BUY CHEAP GOLD NOW BUY CHEAP GOLD NOW",
                    &[],
                );
            }
        } else {
            let u = scenario::snowflake(scenario::T0 - 500 * day, 1000 + (i % 200) as u64);
            c.say(at, u, "regular", scenario::T0 - 300 * day, i % 4, &format!("message {i}"), &[]);
        }
    }
    c.finish()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(50_000);

    // Throughput.
    let mut opts = Options::default();
    opts.rate_limits.bucket_limit = 1000;
    let fake = FakeDiscord::start(opts.clone()).await.expect("fake starts");
    let bot = start(&fake).await;
    let capture = chat(events);
    let handled = bot.handled();
    let base = handled.load(Ordering::Acquire);
    let t = Instant::now();
    let report = fake.play(&capture, Pace::Fast).await;
    let sent = t.elapsed();
    while handled.load(Ordering::Acquire) < base + report.events && t.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let all = t.elapsed();
    let got = handled.load(Ordering::Acquire) - base;
    println!(
        "gateway throughput: {got} of {} events handled in {:.2} s = {:.0} events/s (sending took {:.2} s)",
        report.events,
        all.as_secs_f64(),
        got as f64 / all.as_secs_f64(),
        sent.as_secs_f64()
    );
    bot.stop().await;
    drop(fake);

    // Latency.
    let fake = FakeDiscord::start(opts).await.expect("fake starts");
    let bot = start(&fake).await;
    let capture = chat_with_floods(8_000);
    fake.play(&capture, Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) }).await;
    bot.wait_idle(Duration::from_millis(300), Duration::from_secs(60)).await;
    let mut lat = bot.latencies();
    lat.sort();
    println!(
        "event-to-action latency (shard hands over the event → first REST call issued), {} batches: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        lat.len(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    if let Some(first) = *bot.shared.first_action.lock().unwrap_or_else(|e| e.into_inner()) {
        if let (Some(sent), Some(call)) = (
            fake.sent_at(first.shard, first.seq),
            fake.calls().into_iter().find(|c| {
                let setup = c.path.contains("/auto-moderation/") || c.path.starts_with("/applications/");
                c.method != "GET" && !c.path.ends_with("/messages") && !setup
            }),
        ) {
            println!(
                "first action on the wire (dispatch leaves the fake → REST call arrives): {:.3} ms",
                call.at.saturating_duration_since(sent).as_secs_f64() * 1e3
            );
        }
    }
    let s = fake.summary();
    println!(
        "REST calls {}, 429s {}, peak requests/s {}",
        s["rest_calls"], s["rate_limited"], s["peak_requests_per_second"]
    );
    bot.stop().await;
}
