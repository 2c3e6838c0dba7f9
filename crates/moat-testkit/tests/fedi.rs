//! The engine on generated Mastodon scenarios, through moat-mastodon's parser and
//! translation (the path `moat replay` and the live server take): every wave account
//! contained, its networks behind approval, its throwaway domains blocked and lifted, the
//! admins told once, and nobody of the real crowd, the long thread or the remote bot touched,
//! over several seeds.

use moat_core::time::MINUTE;
use moat_core::Engine;
use moat_mastodon::translate::{actions::json_lines, Translator};
use moat_testkit::fedi::{self, crowd, wave, world::FediWorld};
use moat_testkit::score::{score, Expectation};
use moat_testkit::Scenario;
use serde_json::Value;

const SEEDS: [u64; 5] = [1, 2, 3, 5, 8];

fn replay(capture: &str) -> Vec<Value> {
    let mut engine = Engine::with_defaults();
    let mut tr = Translator::new("small.example");
    let (mut out, mut last) = (Vec::new(), 0);
    for line in capture.lines() {
        let e = moat_mastodon::parse_capture_line(line).expect("generated lines parse").into_event();
        let ts = e.at_ms.unwrap_or(last);
        last = last.max(ts);
        tr.handle(&mut engine, &e, ts, &mut out);
    }
    engine.drain(&mut out);
    out.iter().flat_map(|a| json_lines(a, &tr.ids)).collect()
}

fn of<'a>(lines: &'a [Value], action: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["action"] == action).collect()
}

fn named(l: &Value) -> Vec<String> {
    let one = l["account_id"].as_str().map(str::to_string);
    let many = l["account_ids"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string));
    one.into_iter().chain(many).collect()
}

fn assert_perfect(sc: &Scenario, lines: &[Value], seed: u64) {
    let s = score(&Expectation::of(sc), lines);
    assert!(s.perfect(), "{} seed {seed}: {s:?}", sc.name);
    // Nobody good is even flagged.
    let good: Vec<String> = sc.good.iter().map(u64::to_string).collect();
    for l in lines {
        for u in named(l) {
            assert!(!good.contains(&u), "{} seed {seed}: a good account named in {l}", sc.name);
        }
    }
    assert!(lines.iter().all(|l| l["platform"] == "mastodon"));
}

#[test]
fn every_wave_is_contained_and_its_sign_ups_put_behind_approval() {
    for seed in SEEDS {
        for sc in [fedi::fedi_wave(seed), fedi::fedi_wave_in_crowd(seed)] {
            let lines = replay(&sc.capture);
            assert_perfect(&sc, &lines, seed);
            let blocks = of(&lines, "ip_block");
            assert!(!blocks.is_empty(), "seed {seed}: the wave's networks");
            for b in &blocks {
                let ip = b["ip"].as_str().unwrap();
                assert!(
                    ip.starts_with("198.51.") && ip.ends_with(".0/24"),
                    "seed {seed}: only the wave's networks: {ip}"
                );
                assert_eq!(b["severity"], "sign_up_requires_approval");
                assert!(b["expires_in"].as_u64().is_some_and(|e| e > 0));
            }
            let domains: Vec<&str> =
                of(&lines, "email_domain_block").iter().map(|b| b["domain"].as_str().unwrap()).collect();
            assert!(!domains.is_empty() && domains.iter().all(|d| d.ends_with(".example")), "{domains:?}");
            // Told once when it began, once more when it ended; no spammer named in either.
            let alerts: Vec<&Value> = of(&lines, "alert").into_iter().filter(|a| a["incident"].is_u64()).collect();
            assert_eq!(alerts.len(), 2, "seed {seed}: {alerts:?}");
            assert!(alerts.iter().all(|a| named(a).is_empty() && !a["reason"].as_str().unwrap().contains('@')));
            assert!(alerts[1]["reason"].as_str().unwrap().starts_with("wave over"));
            // One incident for the wave.
            let incidents: std::collections::BTreeSet<u64> =
                lines.iter().filter_map(|l| l["incident"].as_u64()).collect();
            assert_eq!(incidents.len(), 1, "seed {seed}");
        }
    }
}

#[test]
fn a_news_events_crowd_the_long_thread_and_the_remote_bot_are_untouched() {
    for seed in SEEDS {
        let sc = fedi::fedi_crowd(seed);
        let lines = replay(&sc.capture);
        assert_perfect(&sc, &lines, seed);
        for kind in ["silence", "suspend", "reject", "ip_block", "email_domain_block", "flag"] {
            assert!(of(&lines, kind).is_empty(), "seed {seed}: {kind}");
        }
        assert!(sc.good.len() >= 160, "the crowd, the regulars, the thread's author and the bot");
    }
}

#[test]
fn a_wave_with_three_mentions_a_post_is_caught_by_its_shared_image() {
    for seed in SEEDS {
        let (mut w, c) = fedi::everyday(seed);
        let shape = wave::WaveShape {
            accounts: 60,
            over: 20 * MINUTE,
            mentions: (3, 3),
            remote_share: 0.5,
            posts_per_account: (1, 1),
        };
        wave::wave(&mut w, &c, fedi::START + 15 * MINUTE, &shape);
        let sc = Scenario {
            name: "low-mentions",
            description: "",
            capture: w.capture(),
            bad: w.bad,
            bad_start: w.bad_start,
            good: w.good,
        };
        let lines = replay(&sc.capture);
        assert_perfect(&sc, &lines, seed);
        assert!(
            lines.iter().any(|l| l["detector"] == "campaign"),
            "seed {seed}: three strangers is no mass mention alone"
        );
    }
}

#[test]
fn one_eager_newcomer_is_not_a_wave() {
    let mut w = FediWorld::new(4);
    let c = crowd::community(&mut w, fedi::START, 10);
    let ids = crowd::news_signups(&mut w, &c, fedi::START, 1);
    let lines = replay(&w.capture());
    assert!(lines.iter().all(|l| !named(l).contains(&ids[0].to_string())), "{lines:?}");
}

#[test]
fn a_replay_gives_the_same_lines_every_time() {
    let sc = fedi::fedi_wave_in_crowd(13);
    assert_eq!(replay(&sc.capture), replay(&sc.capture));
}
