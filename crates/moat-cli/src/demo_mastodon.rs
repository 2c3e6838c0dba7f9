//! `moat demo --mastodon`: a spam wave on a fake Mastodon, guarded by the real adapter.
//!
//! The fake Mastodon starts on 127.0.0.1 on a clock running 300 times wall speed; moat's
//! webhook listener, streaming client and admin client (moat-mastodon, the same code `moat
//! run` uses) connect to it, and the live loop ([`Guard`]) judges each event with the engine.
//! The fake then plays a wave of 300 accounts over 20 minutes, each posting ten-mention spam
//! with one image, while a hundred real people sign up after a news event and introduce
//! themselves, a popular account replies in a long thread and a remote bot posts. What moat
//! decides and every admin call it makes are shown as they happen; the summary says how many
//! wave accounts were contained, how many real people were touched (none, we hope), the REST
//! calls used and how soon after the first spam post the first one was contained.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moat_clock::Clock;
use moat_core::{Config, Engine};
use moat_fake_mastodon::{FakeMastodon, Options, Pace, RateLimits, Webhook, DEFAULT_TOKEN};
use moat_mastodon::guard::{Guard, GuardFeed};
use moat_mastodon::translate::record::for_store;
use moat_mastodon::webhook::ListenerSettings;
use moat_mastodon::{Secret, Server, ServerSettings};
use serde_json::{json, Value};
use tokio::sync::watch;

const SECRET: &str = "the-demo-webhook-secret";
/// How fast the fake's clock runs: 20 minutes of wave in 4 seconds.
const SPEED: f64 = 300.0;

/// Runs the scenario; returns the exit code.
pub async fn run(config: Config, as_json: bool, quiet: bool, store: Option<moat_store::Store>) -> i32 {
    match play(config, !as_json && !quiet, store).await {
        Ok(j) if as_json => {
            println!("{j}");
            0
        }
        Ok(j) => {
            print_summary(&j);
            0
        }
        Err(e) => {
            eprintln!("moat demo --mastodon: {e}");
            1
        }
    }
}

/// Shows the loop's feed, folding long runs of one kind of action.
struct Shown {
    started: Instant,
    show: bool,
    count: BTreeMap<String, usize>,
    /// Event time of the first action that contains an account.
    first_contain_ts: Option<u64>,
}

impl Shown {
    fn line(&mut self, key: &str, text: impl FnOnce() -> String) {
        let n = self.count.entry(key.to_string()).or_default();
        *n += 1;
        if self.show && *n <= 4 {
            println!("  [{:6.3}s] {}", self.started.elapsed().as_secs_f64(), text());
        }
    }
}

async fn play(config: Config, show: bool, store: Option<moat_store::Store>) -> Result<Value, String> {
    let started = Instant::now();
    let sc = moat_testkit::fedi::fedi_wave_in_crowd(1);
    let t0 = moat_fake_mastodon::first_time(sc.capture.lines().next().unwrap_or("")).unwrap_or(0);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut opts = Options { clock: Clock::scaled(t0, SPEED), ..Options::default() };
    opts.rate_limits = RateLimits { per_token: 300, unauthenticated: 300, window_ms: 300_000 };
    opts.webhook =
        Some(Webhook { url: format!("http://{addr}/mastodon/webhook"), secret: SECRET.into(), events: Vec::new() });
    let clock = opts.clock.clone();
    let fake = FakeMastodon::start(opts).await.map_err(|e| format!("cannot start the fake Mastodon: {e}"))?;
    let base = fake.base_url();
    let mut settings = ServerSettings::new(&base, Secret::new(DEFAULT_TOKEN));
    settings.webhook = Some(ListenerSettings::new(addr, Secret::new(SECRET)));
    settings.admin_accounts = vec!["admin".into()];
    let (events, actions, handle) =
        Server::start_on(settings, clock.clone(), Some(listener)).await.map_err(|e| e.to_string())?;
    if show {
        println!("moat demo --mastodon: a fake Mastodon on {base} (its clock 300× wall speed), the real adapter");
        println!("(signed webhooks, the streaming API, the admin API), one scenario.\n");
        println!("▶ a wave of {} accounts amid {} real people", sc.bad.len(), sc.good.len());
    }
    if !fake.wait_streams(1, Duration::from_secs(20)).await {
        return Err("moat did not connect to the fake's streaming API".into());
    }
    let shown = Arc::new(Mutex::new(Shown { started, show, count: BTreeMap::new(), first_contain_ts: None }));
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let recording = store.is_some();
    let hook = {
        let (shown, recorded, base) = (shown.clone(), recorded.clone(), base.clone());
        Box::new(move |f: GuardFeed<'_>| {
            let mut s = shown.lock().unwrap_or_else(|e| e.into_inner());
            match f {
                GuardFeed::Action { action, calls, translator } => {
                    if recording {
                        recorded.lock().unwrap_or_else(|e| e.into_inner()).push(for_store(
                            action,
                            &translator.ids,
                            &base,
                        ));
                    }
                    let who: Vec<&str> = calls.iter().filter_map(|c| c.account_id().map(|a| a.as_str())).collect();
                    if !who.is_empty() && s.first_contain_ts.is_none() {
                        s.first_contain_ts = Some(action.ts);
                    }
                    let verb = moat_store::mastodon::verb(action.kind);
                    s.line(&format!("{verb} ({})", action.detector), || {
                        let who = if who.is_empty() { String::new() } else { format!(" {}", who.join(", ")) };
                        let reason: String = action.reason.chars().take(110).collect();
                        format!("moat decides: {verb}{who} ({}: {reason})", action.detector)
                    });
                }
                GuardFeed::Done(r) => {
                    let outcome = match &r.result {
                        Ok(a) if a.already => format!("{} (done already)", a.status),
                        Ok(a) => a.status.to_string(),
                        Err(e) => format!("failed: {e}"),
                    };
                    let name = r.request.action.name();
                    s.line(&format!("call {name}"), || format!("mastodon: {name} → {outcome}"));
                }
                GuardFeed::Problem(p) => s.line("problem", || format!("problem: {p}")),
            }
        })
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let guard = Guard::new(&base, Engine::new(config, crate::judge::default_judge()));
    let task = tokio::spawn(guard.run(events, actions, stop_rx, Duration::from_secs(30), hook));
    let played = fake.play(&sc.capture, Pace::Clock).await;
    fake.wait_webhooks(Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let _ = stop_tx.send(true);
    let totals = task.await.map_err(|e| format!("the guard stopped: {e}"))?;
    if show {
        let s = shown.lock().unwrap_or_else(|e| e.into_inner());
        for (what, n) in s.count.iter().filter(|(_, n)| **n > 4) {
            println!("  … and {} more {what}", n - 4);
        }
    }
    if let Some(store) = &store {
        let kept = std::mem::take(&mut *recorded.lock().unwrap_or_else(|e| e.into_inner()));
        store.record(&kept).await.map_err(|e| format!("cannot record into the store: {e}"))?;
    }
    let mut j = fake.summary();
    let contained: HashSet<String> = ["silence", "suspend", "reject"]
        .iter()
        .flat_map(|k| j["actions"][k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let world = fake.world();
    let held = |id: &String| world.account(id).is_some_and(|a| !a.approved) || world.is_gone(id);
    let bad: Vec<String> = sc.bad.keys().map(u64::to_string).collect();
    let caught = bad.iter().filter(|id| contained.contains(*id) || held(id)).count();
    let hurt: Vec<String> = sc.good.iter().map(u64::to_string).filter(|id| contained.contains(id)).collect();
    drop(world);
    let first_spam = sc.bad_start.values().min().copied();
    let first_contain = fake.calls().iter().filter(|c| c.is_action() && c.status < 300).map(|c| c.at_ms).min();
    j["scenario"] = "mastodon wave".into();
    j["events"] = totals.events.into();
    j["engine_actions"] = totals.actions.into();
    j["wave_accounts"] = bad.len().into();
    j["contained"] = caught.into();
    j["real_people"] = sc.good.len().into();
    j["real_people_touched"] = json!(hurt);
    j["rest_calls"] = fake.calls().len().into();
    j["webhooks_refused"] = handle.stats().webhooks_bad_signature.into();
    j["bad_lines"] = played.bad_lines.into();
    j["containment_delay_ms"] = match (first_spam, first_contain) {
        (Some(a), Some(b)) => b.saturating_sub(a).into(),
        _ => Value::Null,
    };
    // The engine's own delay, in event time: from the first spam post to the first decision
    // that contains an account (the delay above adds the wall time of the calls, ×300).
    let first_decision = shown.lock().unwrap_or_else(|e| e.into_inner()).first_contain_ts;
    j["decision_delay_ms"] = match (first_spam, first_decision) {
        (Some(a), Some(b)) => b.saturating_sub(a).into(),
        _ => Value::Null,
    };
    j["seconds"] = json!((started.elapsed().as_secs_f64() * 10.0).round() / 10.0);
    Ok(j)
}

fn print_summary(j: &Value) {
    let n = |k: &str| j[k].as_array().map_or(0, Vec::len);
    let delay = j["containment_delay_ms"].as_u64().map_or("-".into(), |d| format!("{:.1} s", d as f64 / 1000.0));
    println!("\nsummary");
    println!(
        "{:<16} {:>7} {:>8} {:>9} {:>8} {:>6} {:>5} {:>9} {:>9} {:>6} {:>14}",
        "scenario",
        "events",
        "actions",
        "contained",
        "touched",
        "calls",
        "429s",
        "silenced",
        "IP blocks",
        "secs",
        "first contain."
    );
    println!(
        "{:<16} {:>7} {:>8} {:>9} {:>8} {:>6} {:>5} {:>9} {:>9} {:>6} {:>14}",
        "mastodon wave",
        j["events"].as_u64().unwrap_or(0),
        j["engine_actions"].as_u64().unwrap_or(0),
        format!("{}/{}", j["contained"].as_u64().unwrap_or(0), j["wave_accounts"].as_u64().unwrap_or(0)),
        format!("{}/{}", n("real_people_touched"), j["real_people"].as_u64().unwrap_or(0)),
        j["rest_calls"].as_u64().unwrap_or(0),
        j["rate_limited"].as_u64().unwrap_or(0),
        n("silenced") + n("suspended"),
        n("ip_blocks"),
        j["seconds"].as_f64().unwrap_or(0.0),
        delay
    );
    let decided = j["decision_delay_ms"].as_u64().map_or("-".into(), |d| format!("{:.1} s", d as f64 / 1000.0));
    println!(
        "(first contain.: from the first spam post to the first account contained, on the server's clock, which runs\n \
         300x wall speed, so 1 ms of wall time shows as 0.3 s; the engine decided {decided} after the first spam post)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mastodon_demo_contains_the_wave_and_spares_the_crowd() {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let j = rt.block_on(play(Config::default(), false, None)).expect("the demo runs");
        assert_eq!(j["contained"], j["wave_accounts"], "{j}");
        assert_eq!(j["wave_accounts"], 300);
        assert_eq!(j["real_people_touched"], json!([]), "{j}");
        assert!(!j["ip_blocks"].as_array().unwrap().is_empty());
        assert_eq!(j["rate_limited"], 0);
        assert!(j["containment_delay_ms"].is_u64() && j["decision_delay_ms"].is_u64(), "{j}");
    }
}
