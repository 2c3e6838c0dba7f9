//! `/moat` end to end: registered at start, gated by permission, answered ephemerally, and
//! acting through the same REST path as the engine's own decisions.

mod common;

use std::time::Duration;

use moat_fake_discord::interactions::AnswerKind;
use moat_fake_discord::Options;
use moat_testkit::fixture::{self as scenario, moat_command};
use serde_json::{json, Value};

const MODERATE_MEMBERS: u64 = 1 << 40;

/// The answer a moderator sees to interaction `id`: the first response, or, for a command
/// that acts, the deferred response's final edit. Every answer is ephemeral and in time.
async fn reply(h: &common::Harness, id: u64) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(rec) = h.fake.interaction(id) {
            let done = match rec.acknowledgement().map(|a| &a.kind) {
                Some(AnswerKind::Callback(4)) => true,
                Some(AnswerKind::Callback(5)) => rec.answers.iter().any(|a| a.kind == AnswerKind::EditOriginal),
                _ => false,
            };
            if done {
                assert!(rec.refused().is_empty(), "Discord refused: {:?}", rec.refused());
                assert!(rec.ephemeral(), "answers are ephemeral");
                return rec.original.clone().unwrap_or_default();
            }
        }
        assert!(std::time::Instant::now() < deadline, "no answer to interaction {id}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_use_moat_and_others_cannot() {
    let h = common::start(Options::default(), common::config("")).await;
    let (ids, capture) = scenario::raid(30);
    h.play(&capture).await;
    assert!(h.fake.world().global_commands.iter().any(|c| c["name"] == "moat"), "/moat is registered");

    let run = |id: u64, perms: u64, options: Value| {
        let d = moat_command(&ids, id, ids.moderator, perms, options);
        h.fake.dispatch("INTERACTION_CREATE", &d, Some(ids.guild));
    };
    run(1, 0, json!([{"type": 1, "name": "status", "options": []}]));
    assert!(reply(&h, 1).await.contains("you need the Timeout Members permission"));

    run(2, MODERATE_MEMBERS, json!([{"type": 1, "name": "status", "options": []}]));
    let status = reply(&h, 2).await;
    assert!(status.contains("raid is in progress"), "{status}");

    run(
        3,
        MODERATE_MEMBERS,
        json!([{"type": 2, "name": "raid", "options": [{"type": 1, "name": "list", "options": []}]}]),
    );
    assert!(reply(&h, 3).await.starts_with("30 raiders"));

    run(
        4,
        MODERATE_MEMBERS,
        json!([{"type": 2, "name": "raid", "options": [{"type": 1, "name": "ban", "options": []}]}]),
    );
    assert!(reply(&h, 4).await.contains("Banned 30 raiders"));
    assert_eq!(h.fake.world().guilds[&ids.guild].bans.len(), 30);

    run(
        5,
        MODERATE_MEMBERS,
        json!([{"type": 2, "name": "raid", "options": [{"type": 1, "name": "end", "options": []}]}]),
    );
    assert!(reply(&h, 5).await.contains("Lockdown lifted"));
    assert_eq!(h.fake.world().guilds[&ids.guild].verification_level, 1, "settings restored");

    let someone = scenario::snowflake(scenario::T0 - 500 * 86_400_000, 500);
    run(
        6,
        MODERATE_MEMBERS,
        json!([{"type": 1, "name": "silence", "options": [
        {"type": 6, "name": "user", "value": someone.to_string()}, {"type": 4, "name": "minutes", "value": 15}]}]),
    );
    assert!(reply(&h, 6).await.contains("timed out for 15 min"));
    assert!(h.fake.world().is_timed_out(ids.guild, someone));

    run(
        7,
        MODERATE_MEMBERS,
        json!([{"type": 1, "name": "setting", "options": [{"type": 3, "name": "section", "value": "raid"}]}]),
    );
    assert!(reply(&h, 7).await.contains("quiet_secs"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automod_executions_count_as_strikes() {
    let h = common::start(Options::default(), common::config("")).await;
    let (ids, capture) = scenario::normal_chat();
    h.play(&capture).await;
    let user = scenario::snowflake(scenario::T0 - 500 * 86_400_000, 501);
    let mut lines = String::new();
    // Strikes decay a little between hits, so the third lands just under the engine's
    // threshold of 3; a fourth crosses it.
    for i in 0..4u64 {
        let d = json!({
            "guild_id": ids.guild.to_string(), "action": {"type": 1, "metadata": {}}, "rule_id": "77",
            "rule_trigger_type": 1, "user_id": user.to_string(), "channel_id": ids.channels[0].to_string(),
            "content": "free nitro dlscord-gift.com", "matched_keyword": "*dlscord-gift.com*", "matched_content": "dlscord-gift.com",
        });
        lines += &json!({"ts": scenario::T0 + 100_000 + i * 1000, "t": "AUTO_MODERATION_ACTION_EXECUTION", "d": d})
            .to_string();
        lines.push('\n');
    }
    h.play(&lines).await;
    let d = moat_command(
        &ids,
        9,
        ids.moderator,
        MODERATE_MEMBERS,
        json!([{"type": 1, "name": "user", "options": [{"type": 6, "name": "user", "value": user.to_string()}]}]),
    );
    h.fake.dispatch("INTERACTION_CREATE", &d, Some(ids.guild));
    let text = reply(&h, 9).await;
    assert!(text.contains("strikes") && !text.contains("holds nothing"), "{text}");
    h.settle().await;
    let alerts = h.alerts().join("\n");
    assert!(alerts.contains("AutoMod"), "repeated AutoMod hits make an incident: {alerts}");
}
