//! `fake-discord`: the fake Discord as a program, to point a real `moat run` at.
//!
//! `fake-discord [CAPTURE.jsonl] [--speed X] [--token T]` listens on 127.0.0.1 (free
//! ports, printed on start), waits for a bot to connect, plays the capture (at X times its
//! own pace; as fast as possible with `--speed 0`), then prints what it saw as JSON and
//! keeps serving until Ctrl-C.

use std::time::Duration;

use moat_fake_discord::{FakeDiscord, Options, Pace};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut capture = None;
    let mut speed = 1.0f64;
    let mut opts = Options::default();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--speed" => {
                speed = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(1.0);
                i += 1;
            }
            "--token" => {
                if let Some(t) = args.get(i + 1) {
                    opts.token = t.clone();
                }
                i += 1;
            }
            "-h" | "--help" => {
                eprintln!("usage: fake-discord [CAPTURE.jsonl] [--speed X] [--token T]");
                return;
            }
            other => capture = Some(other.to_string()),
        }
        i += 1;
    }
    let text = match capture.as_deref().map(std::fs::read_to_string) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            eprintln!("fake-discord: cannot read the capture: {e}");
            std::process::exit(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fake-discord: {e}");
            std::process::exit(1);
        }
    };
    rt.block_on(async move {
        let fake = match FakeDiscord::start(opts).await {
            Ok(f) => f,
            Err(e) => {
                eprintln!("fake-discord: cannot listen: {e}");
                std::process::exit(1);
            }
        };
        // A bot started by hand runs on the wall clock; so does this Discord.
        fake.use_wall_clock();
        println!("gateway: {}", fake.gateway_url());
        println!("rest:    {}", fake.rest_proxy());
        println!(
            "try:     DISCORD_TOKEN={} moat run --gateway-url {} --rest-proxy {}",
            fake.options().token,
            fake.gateway_url(),
            fake.rest_proxy()
        );
        if let Some(text) = text {
            while !fake.wait_sessions(1, Duration::from_secs(3600)).await {}
            let pace = if speed > 0.0 { Pace::Speed(speed) } else { Pace::Fast };
            let r = fake.play(&text, pace).await;
            eprintln!("fake-discord: played {} events ({} bad lines)", r.events, r.bad_lines);
            tokio::time::sleep(Duration::from_secs(2)).await;
            println!("{}", fake.summary());
        }
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
}
