//! Plays a February-2024-like wave through the fake with nobody acting on it, to see what a
//! client is up against and how fast the fake delivers: 300 script sign-ups over 20 minutes,
//! each posting ten-mention spam, beside 100 real sign-ups, on a 100× clock, to a webhook
//! receiver that only counts. `cargo run --release -p moat-fake-mastodon --example wave`

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use moat_clock::Clock;
use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_fake_mastodon::{first_time, FakeMastodon, Options, Pace, Webhook};

const T0: u64 = 1_707_991_200_000;

fn wave() -> String {
    let mut b = CaptureBuilder::new("fake.example");
    let real: Vec<String> = (0..100)
        .map(|i| b.signup(T0 + i * 12_000, &format!("person{i}"), &format!("p{i}@mail.example"), "192.0.2.1"))
        .collect();
    for i in 0..300u64 {
        let at = T0 + i * 4_000;
        let name = format!("x{:09}", i * 7_919 % 1_000_000_007);
        let id = b.signup(at, &name, &format!("{name}@throwaway.example"), &format!("198.51.100.{}", i % 250));
        let mentions: Vec<&str> = (0..10).map(|k| real[((i + k) % 100) as usize].as_str()).collect();
        let at_names: String = (0..10).map(|k| format!(" @person{}", (i + k) % 100)).collect();
        for p in 0..3 {
            let text = format!("join discord.gg/spam{p} now{at_names}");
            b.post(
                at + 1_000 + p * 20_000,
                &id,
                &Post {
                    text: &text,
                    mentions: &mentions,
                    image: Some(("LEHV6nWB2yk8pyo0adR*.7kCMdnj", None)),
                    ..Post::default()
                },
            );
        }
    }
    // Sign-ups and posts interleave by time: order the lines as a server would send them.
    let mut lines: Vec<(u64, String)> =
        b.finish().lines().map(|l| (first_time(l).unwrap_or(0), l.to_string())).collect();
    lines.sort_by_key(|(t, _)| *t);
    lines.into_iter().map(|(_, l)| l).collect::<Vec<_>>().join("\n")
}

async fn counting_receiver(count: Arc<AtomicU64>) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            let count = count.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |_req| {
                    count.fetch_add(1, Ordering::Relaxed);
                    async { Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::new()))) }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tcp), svc).await;
            });
        }
    });
    url
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let capture = wave();
    let count = Arc::new(AtomicU64::new(0));
    let url = counting_receiver(count.clone()).await;
    let opts = Options {
        clock: Clock::scaled(T0, 100.0),
        webhook: Some(Webhook { url, secret: "a-secret-of-some-length".into(), events: Vec::new() }),
        ..Options::default()
    };
    let fake = FakeMastodon::start(opts).await.expect("starts");
    let started = Instant::now();
    let r = fake.play(&capture, Pace::Clock).await;
    fake.wait_webhooks(Duration::from_secs(60)).await;
    let wall = started.elapsed();
    println!(
        "{} lines over {} capture minutes in {:.1} s wall (100× clock): {} webhooks delivered, {} bad lines",
        r.lines,
        (r.last_ms.unwrap_or(0) - r.first_ms.unwrap_or(0)) / 60_000,
        wall.as_secs_f64(),
        count.load(Ordering::Relaxed),
        r.bad_lines
    );
    let fast = FakeMastodon::start(Options {
        clock: Clock::manual(T0),
        webhook: fake.options().webhook.clone(),
        ..Options::default()
    })
    .await
    .expect("starts");
    let before = count.load(Ordering::Relaxed);
    let started = Instant::now();
    let r = fast.play(&capture, Pace::Fast).await;
    fast.wait_webhooks(Duration::from_secs(60)).await;
    let secs = started.elapsed().as_secs_f64();
    let delivered = count.load(Ordering::Relaxed) - before;
    println!(
        "as fast as possible: {} lines, {delivered} signed webhooks delivered in {secs:.2} s ({:.0}/s)",
        r.lines,
        delivered as f64 / secs
    );
}
