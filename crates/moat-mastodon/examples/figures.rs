//! The Mastodon path's figures, for the README:
//!
//! 1. webhook verify + parse per second, in process (HMAC check and parse of real bodies);
//! 2. the webhook listener over loopback HTTP: signed sign-up and status webhooks posted by 8
//!    keep-alive clients, verified, de-duplicated, parsed and handed to a consumer, per second;
//! 3. stream catch-up: a gap of 2,000 posts read back from the public timeline of the fake
//!    Mastodon (pages of 40) and handed on once each.
//!
//! `cargo run --release -p moat-mastodon --example figures`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use moat_clock::Clock;
use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_fake_mastodon::{FakeMastodon, Options, Pace, RateLimits, DEFAULT_TOKEN};
use moat_mastodon::webhook::{accept, sign, ListenerSettings};
use moat_mastodon::{EventKind, Inbound, Secret, Server, ServerSettings, Source};

const T0: u64 = 1_707_991_200_000;
const SECRET: &str = "a-webhook-secret-of-some-length";

fn bodies(n: usize) -> Vec<String> {
    let mut b = CaptureBuilder::new("fake.example");
    let real = b.signup(T0, "person", "p@mail.example", "203.0.113.1");
    for i in 0..n {
        let at = T0 + 1_000 + i as u64 * 10;
        let id = b.signup(at, &format!("x{i:09}"), &format!("x{i}@throwaway.example"), "198.51.100.7");
        let text = format!("join discord.gg/spam now @person {i}");
        b.post(
            at + 5,
            &id,
            &Post {
                text: &text,
                mentions: &[&real],
                image: Some(("LEHV6nWB2yk8pyo0adR*.7kCMdnj", None)),
                ..Post::default()
            },
        );
    }
    b.finish().lines().skip(1).map(str::to_string).collect()
}

fn in_process() {
    let secret = Secret::new(SECRET);
    let lines = bodies(1_000);
    let signed: Vec<(String, String)> = lines.iter().map(|l| (sign(&secret, l.as_bytes()), l.clone())).collect();
    let bytes: usize = lines.iter().map(String::len).sum::<usize>() / lines.len();
    let rounds = 50;
    let started = Instant::now();
    let mut ok = 0u64;
    for _ in 0..rounds {
        for (sig, body) in &signed {
            ok += u64::from(accept(&secret, Some(sig.as_bytes()), body.as_bytes()).is_ok());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "webhook verify+parse in process: {:.0}/s ({:.1} µs each, mean body {bytes} B, sign-ups and ten-mention statuses), {ok} accepted",
        ok as f64 / secs,
        secs * 1e6 / ok as f64
    );
}

async fn fake(rate: u32) -> FakeMastodon {
    let opts = Options {
        clock: Clock::scaled(T0, 1000.0),
        rate_limits: RateLimits { per_token: rate, unauthenticated: 300, window_ms: 300_000 },
        ..Options::default()
    };
    FakeMastodon::start(opts).await.expect("the fake starts")
}

async fn over_http() {
    let fake = fake(300).await;
    let mut settings = ServerSettings::new(&fake.base_url(), Secret::new(DEFAULT_TOKEN));
    settings.streaming = false;
    settings.webhook = Some(ListenerSettings::new(([127, 0, 0, 1], 0).into(), Secret::new(SECRET)));
    let (mut events, _actions, handle) = Server::start(settings, fake.clock().clone()).await.expect("starts");
    let url = format!("http://{}/hook", handle.webhook_addr().expect("listening"));
    let secret = Secret::new(SECRET);
    let lines = bodies(10_000);
    let n = lines.len() as u64;
    let jobs: Arc<Vec<(String, String)>> =
        Arc::new(lines.into_iter().map(|l| (sign(&secret, l.as_bytes()), l)).collect());
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    for _ in 0..8 {
        let (client, jobs, next, url) = (client.clone(), jobs.clone(), next.clone(), url.clone());
        tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some((sig, body)) = jobs.get(i) else { return };
                let req = hyper::Request::post(url.as_str())
                    .header("content-type", "application/json")
                    .header("x-hub-signature", sig.as_str())
                    .body(Full::new(Bytes::from(body.clone())))
                    .expect("request");
                let _ = client.request(req).await;
            }
        });
    }
    let mut got = 0u64;
    while got < n {
        match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
            Ok(Some(Inbound::Event(_))) => got += 1,
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "webhook listener over loopback HTTP (8 clients): {got} of {n} signed webhooks verified, parsed and handed on in {secs:.2} s = {:.0}/s",
        got as f64 / secs
    );
}

async fn catch_up(rate: u32, posts: usize) {
    let fake = fake(rate).await;
    let settings = ServerSettings::new(&fake.base_url(), Secret::new(DEFAULT_TOKEN));
    let (mut events, _actions, handle) = Server::start(settings, fake.clock().clone()).await.expect("starts");
    fake.wait_streams(1, Duration::from_secs(10)).await;
    let mut b = CaptureBuilder::new("fake.example");
    let bot = b.remote(T0 - 86_400_000, "newsbot", "news.example");
    b.post_streamed(T0 + 1_000, &bot, &Post { text: "before the gap", ..Post::default() });
    for i in 0..posts {
        b.post_streamed(T0 + 2_000 + i as u64 * 100, &bot, &Post { text: &format!("headline {i}"), ..Post::default() });
    }
    let text = b.finish();
    let mut lines = text.lines();
    fake.play(lines.next().unwrap_or(""), Pace::Fast).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), events.recv()).await;
    fake.faults().stream_down = true;
    fake.drop_streams();
    fake.play(&lines.collect::<Vec<_>>().join("\n"), Pace::Fast).await;
    let before = handle.stats();
    let started = Instant::now();
    fake.faults().stream_down = false;
    let mut got = 0usize;
    while got < posts {
        match tokio::time::timeout(Duration::from_secs(20), events.recv()).await {
            Ok(Some(Inbound::Event(e)))
                if e.source == Source::CatchUp && matches!(e.kind, EventKind::StatusCreated(_)) =>
            {
                got += 1
            }
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let s = handle.stats();
    println!(
        "stream catch-up ({rate} requests/5 min): {got} of {posts} gap posts handed on once in {:.0} ms wall ({:.0} posts/s, reconnect backoff included), {} timeline pages, {} rate-limit waits",
        secs * 1000.0,
        got as f64 / secs,
        s.catchup_pages - before.catchup_pages,
        s.rate_limit_waits - before.rate_limit_waits,
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    in_process();
    over_http().await;
    catch_up(300, 2_000).await;
}
