//! One decision path: a capture played through `moat replay` and through the live bot (the
//! real twilight gateway and HTTP client against the fake Discord, in lockstep, on the
//! capture's clock) gives exactly the same actions with exactly the same evidence, and the
//! bot's evidence file holds them all. Nothing is normalised: the clocks agree.

use std::process::Command;
use std::time::Duration;

use moat_core::action::json;
use moat_core::{Config, Engine};
use moat_discord::{Bot, BotConfig, Clock, Feed};
use moat_fake_discord::{FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use serde_json::Value;

fn replay(capture: &str) -> Vec<Value> {
    let dir = std::env::temp_dir().join(format!("moat-parity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("capture.jsonl");
    std::fs::write(&path, capture).unwrap();
    // The live bot's timers fire when its clock moves on; a capture's end alone moves
    // nothing, so the replay does not drain either.
    let out = Command::new(env!("CARGO_BIN_EXE_moat")).arg("replay").arg(&path).arg("--no-drain").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

async fn live(capture: &str, evidence: &std::path::Path) -> Vec<Value> {
    let fake = FakeDiscord::start(Options::default()).await.expect("the fake starts");
    let cfg = BotConfig {
        evidence_path: Some(evidence.to_path_buf()),
        ..BotConfig::loopback(DEFAULT_TOKEN, fake.gateway_url(), fake.rest_proxy(), Clock::Shared(fake.clock()))
    };
    let judge = Box::new(moat_links::LinkChecker::bundled());
    let bot = Bot::start(cfg, Engine::new(Config::default(), judge)).expect("the bot starts");
    let mut feed = bot.subscribe();
    assert!(fake.wait_sessions(1, Duration::from_secs(10)).await, "the bot identifies");
    let report = fake.play(capture, Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) }).await;
    assert_eq!(report.stalls, 0, "the bot kept up");
    assert!(bot.wait_idle(Duration::from_millis(300), Duration::from_secs(60)).await);
    bot.stop().await;
    let mut actions = Vec::new();
    while let Ok(f) = feed.try_recv() {
        if let Feed::Action(a) = f {
            actions.push(json::to_value(&a));
        }
    }
    actions
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_and_the_live_bot_decide_the_same_with_the_same_evidence() {
    // A slow raid: joins, a campaign whose deletions reach back minutes, containment of
    // members who never posted, amid ordinary chat.
    let capture = moat_testkit::scenarios::slow_raid(7).capture;
    let replayed = replay(&capture);
    let file = std::env::temp_dir().join(format!("moat-parity-evidence-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let lived = live(&capture, &file).await;

    assert!(replayed.len() > 20, "the capture makes moat act: {}", replayed.len());
    let deletes = replayed.iter().filter(|a| a["action"] == "delete_message").count();
    assert!(deletes > 5);
    assert!(
        replayed
            .iter()
            .filter(|a| a["action"] == "delete_message")
            .all(|a| a["evidence"]["messages"][0]["message_id"] == a["message_id"]),
        "every deletion carries the message it deletes"
    );
    assert_eq!(lived.len(), replayed.len());
    for (i, (l, r)) in lived.iter().zip(&replayed).enumerate() {
        assert_eq!(l, r, "action {i} differs");
    }

    let kept: Vec<Value> = std::fs::read_to_string(&file)
        .expect("the evidence file is written")
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("kept_at").expect("each entry says when it was kept");
            v
        })
        .collect();
    let _ = std::fs::remove_file(&file);
    assert_eq!(kept, replayed, "the evidence file keeps every action with its evidence, as decided");
}
