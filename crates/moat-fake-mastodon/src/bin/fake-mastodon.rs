//! `fake-mastodon`: the fake Mastodon as a program, to point a real `moat run` (or any
//! Mastodon client) at.
//!
//! It listens on 127.0.0.1 (a free port, printed on start), optionally plays a capture once
//! the given number of streaming clients are connected, prints what it saw as JSON, and keeps
//! serving until it is stopped (or exits with `--exit`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use moat_clock::Clock;
use moat_fake_mastodon::{first_time, FakeMastodon, Options, Pace, TokenSpec, Webhook, DEFAULT_SCOPES};

/// A fake Mastodon server on loopback: admin API, signed admin webhooks, streaming, OAuth.
#[derive(Debug, Parser)]
#[command(name = "fake-mastodon", version, about)]
struct Args {
    /// A capture to play: one JSON object a line, each a webhook body or a streaming message.
    capture: Option<PathBuf>,
    /// How fast the fake's clock runs while playing (times wall speed); 0 plays as fast as possible.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Keep the wall clock (the capture is then paced from its first line) instead of starting
    /// the clock at the capture's first time.
    #[arg(long)]
    wall_clock: bool,
    /// The admin token to accept (default: the fake's well-known test token).
    #[arg(long)]
    token: Option<String>,
    /// Where to deliver admin webhooks (e.g. moat's listener, http://127.0.0.1:8090/mastodon).
    #[arg(long)]
    webhook_url: Option<String>,
    /// The environment variable holding the webhook secret.
    #[arg(long, default_value = "FAKE_MASTODON_WEBHOOK_SECRET")]
    webhook_secret_env: String,
    /// The server's domain.
    #[arg(long, default_value = moat_fake_mastodon::DEFAULT_DOMAIN)]
    domain: String,
    /// Requests per 5 minutes per token.
    #[arg(long, default_value_t = 300)]
    rate_limit: u32,
    /// Wait for this many streaming connections before playing.
    #[arg(long, default_value_t = 0)]
    wait_streams: usize,
    /// How long (wall ms) to wait after the play before printing the summary.
    #[arg(long, default_value_t = 2000)]
    settle_ms: u64,
    /// Exit after printing the summary instead of serving on.
    #[arg(long)]
    exit: bool,
}

fn fail(msg: &str) -> ! {
    eprintln!("fake-mastodon: {msg}");
    std::process::exit(2);
}

fn options(args: &Args, capture: Option<&str>) -> Options {
    let mut opts = Options { domain: args.domain.clone(), ..Options::default() };
    opts.rate_limits.per_token = args.rate_limit.max(1);
    if let Some(t) = &args.token {
        opts.tokens = vec![TokenSpec { token: t.clone(), scopes: DEFAULT_SCOPES.into(), user: Some("admin".into()) }];
    }
    if let Some(url) = &args.webhook_url {
        let secret = std::env::var(&args.webhook_secret_env)
            .unwrap_or_else(|_| fail(&format!("--webhook-url needs the secret in ${}", args.webhook_secret_env)));
        opts.webhook = Some(Webhook { url: url.clone(), secret, events: Vec::new() });
    }
    let start = capture.and_then(first_time);
    opts.clock = match (start, args.wall_clock) {
        (Some(t), false) if args.speed > 0.0 => Clock::scaled(t, args.speed),
        (Some(t), false) => Clock::manual(t),
        (None, _) | (_, true) if args.speed > 0.0 && args.speed != 1.0 => {
            Clock::scaled(moat_clock::wall_ms(), args.speed)
        }
        _ => Clock::Wall,
    };
    opts
}

fn main() {
    let args = Args::parse();
    let capture = args
        .capture
        .as_ref()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", p.display()))));
    let opts = options(&args, capture.as_deref());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&e.to_string()));
    rt.block_on(async move {
        let fake = FakeMastodon::start(opts).await.unwrap_or_else(|e| fail(&format!("cannot listen: {e}")));
        println!("api:       {}", fake.base_url());
        println!("streaming: {}", fake.streaming_url());
        if args.token.is_none() {
            println!("token:     {} (scopes: {DEFAULT_SCOPES})", moat_fake_mastodon::DEFAULT_TOKEN);
        }
        if let Some(text) = capture {
            if args.wait_streams > 0 {
                while !fake.wait_streams(args.wait_streams, Duration::from_secs(3600)).await {}
            }
            let pace = if args.speed > 0.0 { Pace::Clock } else { Pace::Fast };
            let r = fake.play(&text, pace).await;
            eprintln!(
                "fake-mastodon: played {} lines ({} bad, {} webhooks, {} stream messages, {} posts suppressed)",
                r.lines, r.bad_lines, r.webhooks, r.streamed, r.suppressed
            );
            for (line, why) in &r.errors {
                eprintln!("fake-mastodon: line {line}: {why}");
            }
            fake.wait_webhooks(Duration::from_secs(30)).await;
            // Give the client a moment to act on the last events before the summary.
            tokio::time::sleep(Duration::from_millis(args.settle_ms)).await;
            println!("{}", fake.summary());
        }
        if !args.exit {
            loop {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        }
    });
}
