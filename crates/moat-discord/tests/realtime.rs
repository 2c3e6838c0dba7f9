//! A raid in real time (issue 11): 300 accounts joining over 60 s, every third posting two
//! seconds after it joined, played event by event on the fake's clock. Each event's calls
//! are answered before the clock moves to the next event, as on a Discord that answers
//! quickly, so the times the fake records are the times a real raid would see, however
//! fast the test runs. `cargo test -p moat-discord --test realtime -- --nocapture` prints
//! what the raid cost.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use moat_fake_discord::{Call, Options, Pace};
use moat_testkit::fixture as scenario;
use serde_json::Value;

/// Plays `capture` one event at a time, waiting for each event's calls.
async fn play_in_real_time(h: &common::Harness, capture: &str) {
    for line in capture.lines().filter(|l| !l.trim().is_empty()) {
        let pace = Pace::Lockstep { handled: h.bot.handled(), timeout: Duration::from_secs(10) };
        assert_eq!(h.fake.play(line, pace).await.stalls, 0, "the bot kept up");
        assert!(h.bot.wait_sent(Duration::from_secs(30)).await, "the event's calls are answered");
    }
    h.settle().await;
}

/// The raiders (who joined) and when each first posted, on the capture's clock.
fn raiders(capture: &str) -> (Vec<u64>, HashMap<u64, u64>) {
    let (mut joined, mut first) = (Vec::new(), HashMap::new());
    for l in capture.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()) {
        let ts = l["ts"].as_u64().unwrap_or(0);
        match l["t"].as_str() {
            Some("GUILD_MEMBER_ADD") => {
                joined.extend(l["d"]["user"]["id"].as_str().and_then(|s| s.parse::<u64>().ok()))
            }
            Some("MESSAGE_CREATE") => {
                if let Some(u) = l["d"]["author"]["id"].as_str().and_then(|s| s.parse::<u64>().ok()) {
                    first.entry(u).or_insert(ts);
                }
            }
            _ => {}
        }
    }
    first.retain(|u, _| joined.contains(u));
    (joined, first)
}

/// When each member was first banned or timed out, by the fake's recorded call times.
fn contained_at(calls: &[Call]) -> HashMap<u64, u64> {
    let mut at: HashMap<u64, u64> = HashMap::new();
    let mut note = |u: Option<u64>, t: u64| {
        if let Some(u) = u {
            let e = at.entry(u).or_insert(t);
            *e = (*e).min(t);
        }
    };
    for c in calls.iter().filter(|c| (200..300).contains(&c.status)) {
        let last = c.path.rsplit('/').next().and_then(|s| s.parse::<u64>().ok());
        if c.path.ends_with("/bulk-ban") {
            for u in c.json()["user_ids"].as_array().into_iter().flatten() {
                note(u.as_str().and_then(|s| s.parse().ok()), c.at_ms);
            }
        } else {
            let ban = c.method == "PUT" && c.path.contains("/bans/");
            let timeout = c.method == "PATCH"
                && c.path.contains("/members/")
                && c.json()["communication_disabled_until"].is_string();
            if ban || timeout {
                note(last, c.at_ms);
            }
        }
    }
    at
}

fn by_route(calls: &[Call]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for c in calls {
        let route: Vec<&str> = c
            .path
            .split('/')
            .map(|s| if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() { "ID" } else { s })
            .collect();
        *m.entry(format!("{} {}", c.method, route.join("/"))).or_default() += 1;
    }
    m
}

async fn raid(action: &str) -> (common::Harness, Vec<u64>, HashMap<u64, u64>, HashMap<u64, u64>) {
    let config = common::config(&format!("[raid]\naction = \"{action}\"\n"));
    // A raid that pauses for 5 s is over as far as batching goes (the test's own waits are
    // far shorter than that).
    let h = common::start_with(Options::default(), config, |c| c.ban_batch_ms = 5_000).await;
    let (_, capture) = scenario::raid(300);
    let (joined, first) = raiders(&capture);
    assert_eq!((joined.len(), first.len()), (300, 100));
    play_in_real_time(&h, &capture).await;
    let calls = h.fake.calls();
    eprintln!("raid.action = {action}: {} REST calls: {:#?}", calls.len(), by_route(&calls));
    let at = contained_at(&calls);
    (h, joined, first, at)
}

fn every_poster_within_a_second(first: &HashMap<u64, u64>, at: &HashMap<u64, u64>) {
    let mut late: Vec<(u64, i64)> = first
        .iter()
        .map(|(u, &t)| (*u, at.get(u).map_or(i64::MAX, |&c| c as i64 - t as i64)))
        .filter(|(_, d)| *d > 1_000)
        .collect();
    late.sort_by_key(|(_, d)| -*d);
    assert!(
        late.is_empty(),
        "{} posting raiders contained later than 1 s after posting (ms): {:?}",
        late.len(),
        &late[..late.len().min(10)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_time_raid_with_ban_costs_a_handful_of_bulk_bans_and_posters_are_banned_at_once() {
    let (h, joined, first, at) = raid("ban").await;
    let calls = h.fake.calls();
    let w = h.fake.world();
    let bans = &w.guilds.values().next().expect("the guild").bans;
    assert!(joined.iter().all(|u| bans.contains_key(u)), "every raider is banned");
    let bulk: Vec<&Call> = calls.iter().filter(|c| c.path.ends_with("/bulk-ban")).collect();
    assert!(bulk.len() <= 10, "{} bulk-ban calls", bulk.len());
    every_poster_within_a_second(&first, &at);
    // Each batch's audit-log reason says what the batch is.
    for (i, c) in bulk.iter().enumerate().skip(1) {
        let n = c.json()["user_ids"].as_array().map_or(0, Vec::len);
        let reason = c.reason.as_deref().unwrap_or("");
        assert!(reason.contains(&format!("{n} accounts")), "batch {i}: {n} members, reason {reason:?}");
    }
    assert_eq!(h.fake.invalid_requests().total, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_time_raid_with_contain_times_every_raider_out_and_posters_within_a_second() {
    let (h, joined, first, at) = raid("contain").await;
    assert!(joined.iter().all(|u| at.contains_key(u)), "every raider is contained");
    every_poster_within_a_second(&first, &at);
    assert_eq!(h.fake.invalid_requests().total, 0);
}
