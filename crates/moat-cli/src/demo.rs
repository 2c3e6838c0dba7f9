//! `moat demo`: the real bot against a fake Discord, with nothing to set up.
//!
//! It starts `moat-fake-discord` on 127.0.0.1, connects the real bot (twilight gateway and
//! HTTP client, the engine, the executor) to it, and plays scenarios through the gateway:
//! built-in ones (normal chat, a flood, a scam takeover, a raid), or a capture given with
//! `--scenario`. What the bot decides and every call it makes are shown as they happen;
//! `--json` prints instead one object with what the fake Discord saw, for scoring.
//!
//! Captures are played in lockstep with the bot (each event leaves once the previous one
//! is handled) and in the capture's own time, so a 40-minute capture takes a second or two
//! and decides exactly as `moat replay` would.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use moat_core::{action::human_duration, Action, ActionKind, Config, Engine};
use moat_discord::{Bot, BotConfig, Clock, Feed};
use moat_fake_discord::{FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use moat_testkit::fixture;
use serde_json::{json, Value};

use crate::flags::DemoArgs;

/// After a capture, engine time moves on this far so a raid's quiet timer fires (unlock).
const AFTER_MS: u64 = 31 * 60_000;

pub fn run(a: DemoArgs) -> i32 {
    let DemoArgs { scenario: scenario_path, json: as_json, quiet, config: config_path, database, http, mastodon } = a;
    let config = match crate::config::load(config_path.as_deref()).map(|l| l.engine()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("moat demo: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("moat demo: cannot start the async runtime: {e}");
            return 1;
        }
    };
    // The demo records only when asked to (`--database`), into that store.
    let store = match database {
        None => None,
        Some(d) => match runtime.block_on(moat_store::Store::open(&moat_store::backend::normalize(&d))) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("moat demo: cannot open the store {d}: {e}");
                return 1;
            }
        },
    };
    if mastodon {
        return runtime.block_on(crate::demo_mastodon::run(config, as_json, quiet, store));
    }
    if let Some(addr) = http {
        return runtime.block_on(crate::dashboard::demo(addr, config, store));
    }
    match scenario_path {
        Some(path) => {
            let path = path.display().to_string();
            let text = match read_capture(&path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("moat demo: cannot read {path}: {e}");
                    return 2;
                }
            };
            let show = !as_json && !quiet;
            let result = runtime.block_on(play_one(&path, &text, config, Options::default(), show, store.clone()));
            match result {
                Ok(r) if as_json => {
                    println!("{}", r.json);
                    0
                }
                Ok(r) => {
                    print_summary(&[r]);
                    0
                }
                Err(e) => {
                    eprintln!("moat demo: {e}");
                    1
                }
            }
        }
        None => runtime.block_on(builtin(config, as_json, quiet, store)),
    }
}

/// A capture file read as `moat replay` reads it ([`crate::lines::Lines`]): a line that is
/// not UTF-8 or not a capture line is named with its number and skipped, never the whole
/// file refused; a byte-order mark on line 1 is dropped. The good lines, for the fake.
fn read_capture(path: &str) -> std::io::Result<String> {
    let mut lines = crate::lines::Lines::new(std::fs::File::open(path)?);
    let (mut text, mut n, mut bad) = (String::new(), 0u64, 0u64);
    let mut say = |message: String| {
        bad += 1;
        if bad <= 5 {
            eprintln!("moat demo: {path}: {message}; skipped");
        }
    };
    while let Some(next) = lines.next_line() {
        let buf = next?;
        n += 1;
        let Ok(line) = std::str::from_utf8(buf) else {
            say(format!("line {n}: not UTF-8 text"));
            continue;
        };
        let line = if n == 1 { line.trim_start_matches('\u{feff}') } else { line }.trim();
        if line.is_empty() {
            continue;
        }
        match moat_discord_wire::capture::parse_line(line) {
            Ok(_) | Err(moat_discord_wire::CaptureError::Unsupported(_)) => {
                text.push_str(line);
                text.push('\n');
            }
            Err(e) => say(format!("line {n}: {}", e.to_string().replace(" at line 1 column ", " at column "))),
        }
    }
    if bad > 5 {
        eprintln!("moat demo: {path}: ... and {} more bad lines not shown ({bad} in all)", bad - 5);
    }
    Ok(text)
}

/// What one scenario led to.
struct Outcome {
    name: String,
    events: u64,
    actions: u64,
    json: Value,
    seconds: f64,
}

async fn builtin(config: Config, as_json: bool, quiet: bool, store: Option<moat_store::Store>) -> i32 {
    let show = !as_json && !quiet;
    if show {
        println!("moat demo: a fake Discord on 127.0.0.1, the real bot (twilight gateway + HTTP), four scenarios.\n");
    }
    let mut limits = Options::default();
    limits.rate_limits.bucket_limit = 25;
    let runs: [(&str, String); 4] = [
        ("normal chat", fixture::normal_chat().1),
        ("flood", fixture::flood().1),
        ("scam takeover", fixture::scam_takeover().1),
        ("raid of 120 accounts", fixture::raid(120).1),
    ];
    let mut outcomes = Vec::new();
    for (name, capture) in runs {
        match play_one(name, &capture, config.clone(), limits.clone(), show, store.clone()).await {
            Ok(o) => outcomes.push(o),
            Err(e) => {
                eprintln!("moat demo: {name}: {e}");
                return 1;
            }
        }
    }
    if as_json {
        let all: serde_json::Map<String, Value> = outcomes.iter().map(|o| (o.name.clone(), o.json.clone())).collect();
        println!("{}", Value::Object(all));
    } else {
        print_summary(&outcomes);
    }
    0
}

fn print_summary(outcomes: &[Outcome]) {
    println!("\nsummary");
    println!(
        "{:<24} {:>7} {:>8} {:>6} {:>5} {:>8} {:>5} {:>8} {:>7} {:>6} {:>10}",
        "scenario", "events", "actions", "calls", "429s", "timeouts", "bans", "deleted", "alerts", "secs", "first act."
    );
    for o in outcomes {
        let j = &o.json;
        let n = |k: &str| j[k].as_array().map_or(0, Vec::len);
        let latency = j["first_action_latency_ms"].as_f64().map_or("-".to_string(), |v| format!("{v:.1} ms"));
        println!(
            "{:<24} {:>7} {:>8} {:>6} {:>5} {:>8} {:>5} {:>8} {:>7} {:>6.1} {:>10}",
            o.name,
            o.events,
            o.actions,
            j["rest_calls"].as_u64().unwrap_or(0),
            j["rate_limited"].as_u64().unwrap_or(0),
            n("timeouts"),
            n("bans"),
            n("deleted_messages"),
            n("alerts"),
            o.seconds,
            latency
        );
    }
}

/// Plays one capture through a fresh fake Discord and bot.
async fn play_one(
    name: &str,
    capture: &str,
    config: Config,
    opts: Options,
    show: bool,
    store: Option<moat_store::Store>,
) -> Result<Outcome, String> {
    let started = Instant::now();
    let fake = FakeDiscord::start(opts).await.map_err(|e| format!("cannot start the fake Discord: {e}"))?;
    let cfg = BotConfig {
        ban_batch_ms: 300,
        alert_edit_ms: 250,
        automod_keywords: moat_discord::automod::keywords(moat_links::checker::data::SCAM_DOMAINS),
        link_judge: Some(std::sync::Arc::from(crate::judge::default_judge())),
        store,
        ..BotConfig::loopback(DEFAULT_TOKEN, fake.gateway_url(), fake.rest_proxy(), Clock::Shared(fake.clock()))
    };
    let bot = Bot::start(cfg, Engine::new(config, crate::judge::default_judge()))?;
    let mut feed = bot.subscribe();
    if !fake.wait_sessions(1, Duration::from_secs(10)).await {
        return Err("the bot did not connect to the fake gateway".into());
    }
    if show {
        println!("▶ {name}");
    }
    let printer = tokio::spawn(async move {
        let mut p = Printer::default();
        while let Some(f) = feed.recv().await {
            if show {
                p.show(&f, started);
            }
        }
        p
    });
    let report = fake.play(capture, Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) }).await;
    bot.wait_idle(Duration::from_millis(300), Duration::from_secs(120)).await;
    // Let capture time run on so the engine's timers fire (a raid ends, the lockdown lifts).
    let clock = fake.clock();
    let end = clock.load(Ordering::Acquire);
    if end > 0 {
        clock.store(end + AFTER_MS, Ordering::Release);
        tokio::time::sleep(Duration::from_millis(450)).await;
        bot.wait_idle(Duration::from_millis(300), Duration::from_secs(60)).await;
    }
    let mut json = fake.summary();
    json["first_action_latency_ms"] =
        first_action_latency(&fake, &bot).map_or(Value::Null, |d| json!((d.as_secs_f64() * 1e6).round() / 1e3));
    json["events"] = report.events.into();
    json["bad_lines"] = report.bad_lines.into();
    let actions = bot.shared.actions.load(Ordering::Relaxed);
    bot.stop().await;
    drop(fake);
    let printer = printer.await.unwrap_or_default();
    if show {
        printer.finish();
        if actions == 0 {
            println!("  nothing to do: moat left everyone alone");
        }
        println!();
    }
    if report.bad_lines > 0 {
        eprintln!("moat demo: {name}: {} line(s) could not be read and were skipped", report.bad_lines);
    }
    Ok(Outcome {
        name: name.to_string(),
        events: report.events,
        actions,
        json,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// From the first hostile event leaving the fake gateway to the first REST call it caused.
fn first_action_latency(fake: &FakeDiscord, bot: &Bot) -> Option<Duration> {
    let first = (*bot.shared.first_action.lock().ok()?)?;
    let sent = fake.sent_at(first.shard, first.seq)?;
    let call = fake.calls().into_iter().find(|c| {
        let alert = c.path.ends_with("/messages") || (c.method == "PATCH" && c.path.contains("/messages/"));
        let setup = c.path.contains("/auto-moderation/")
            || c.path.starts_with("/applications/")
            || c.path.starts_with("/interactions/");
        c.method != "GET" && !alert && !setup && c.at >= sent
    })?;
    call.at.checked_duration_since(sent)
}

/// Shows the feed readably, folding long runs of the same action.
#[derive(Default)]
struct Printer {
    shown: std::collections::HashMap<(ActionKind, String), usize>,
    folded: std::collections::BTreeMap<String, usize>,
}

/// Actions of one kind and detector shown one by one before the rest are counted.
const SHOW_EACH: usize = 4;

impl Printer {
    fn show(&mut self, f: &Feed, started: Instant) {
        let t = started.elapsed().as_secs_f64();
        match f {
            Feed::Ready { shard } => println!("  [{t:6.3}s] gateway: shard {shard} connected (READY)"),
            Feed::Action(a) => {
                let key = (a.kind, a.detector.to_string());
                let n = self.shown.entry(key).or_default();
                *n += 1;
                if *n <= SHOW_EACH {
                    println!("  [{t:6.3}s] moat decides: {}", describe(a));
                } else {
                    *self.folded.entry(format!("{} ({})", a.kind, a.detector)).or_default() += 1;
                }
            }
            Feed::Call { what, status } => {
                let s = match status {
                    Ok(s) => s.to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                if !what.starts_with("time out") && !what.starts_with("delete a message")
                    || status.as_ref().map_or(true, |s| *s >= 300)
                {
                    println!("  [{t:6.3}s] discord: {what} → {s}");
                }
            }
            Feed::Alert { text, edit } => {
                let verb = if *edit { "alert updated" } else { "alert posted" };
                println!("  [{t:6.3}s] {verb} in the moderators' channel:");
                for line in text.lines() {
                    println!("      │ {}", line.replace("**", ""));
                }
            }
            Feed::Problem(p) => println!("  [{t:6.3}s] problem: {p}"),
        }
    }

    fn finish(&self) {
        for (what, n) in &self.folded {
            println!("  … and {n} more {what}");
        }
    }
}

fn describe(a: &Action) -> String {
    let who = match a.user_ids.as_slice() {
        [] => String::new(),
        [one] => format!(" user {one}"),
        many => format!(" {} users", many.len()),
    };
    let dur = a.duration_ms.map(|d| format!(" for {}", human_duration(d))).unwrap_or_default();
    format!("{}{who}{dur} ({}: {})", a.kind, a.detector, a.reason.chars().take(110).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_played_capture_reports_what_discord_saw() {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let o = rt
            .block_on(play_one("flood", &fixture::flood().1, Config::default(), Options::default(), false, None))
            .unwrap();
        let j = &o.json;
        for key in ["bans", "kicks", "timeouts", "deleted_messages", "alerts"] {
            assert!(j[key].is_array(), "{key} in {j}");
        }
        assert!(j["roles_added"].is_object());
        assert!(j["timeouts"].as_array().unwrap().len() >= 2, "{j}");
        assert!(j["rest_calls"].as_u64().unwrap() > 0);
        assert!(j["rate_limited"].is_u64() && j["peak_requests_per_second"].is_u64());
        assert!(j["first_action_latency_ms"].is_number(), "{j}");
    }
}
