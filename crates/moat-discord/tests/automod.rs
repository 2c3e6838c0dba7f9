//! moat keeps one AutoMod rule per guild against known scam links: created on first
//! sight of the guild, updated (never duplicated) by the next bot that connects.

mod common;

use std::time::Duration;

use moat_discord::{automod, Bot};
use moat_fake_discord::Options;
use moat_testkit::fixture as scenario;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scam_rule_is_created_once_and_then_updated() {
    let domains = "dlscord-gift.com\nsteamcommunlty.ru\nfree-nitro.xyz\n";
    let h =
        common::start_with(Options::default(), common::config(""), |c| c.automod_keywords = automod::keywords(domains))
            .await;
    let (ids, capture) = scenario::normal_chat();
    h.play(&capture).await;
    {
        let w = h.fake.world();
        let rules: Vec<_> = w.guilds[&ids.guild].automod_rules.values().cloned().collect();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0]["name"], automod::RULE_NAME);
        let keywords = rules[0]["trigger_metadata"]["keyword_filter"].as_array().unwrap().clone();
        assert_eq!(keywords.len(), 3);
        assert!(keywords.contains(&"*dlscord-gift.com*".into()));
        assert_eq!(rules[0]["actions"][1]["metadata"]["channel_id"], ids.channels[4].to_string(), "alerts to #mod-log");
        assert_eq!(rules[0]["exempt_roles"][0], ids.moderator_role.to_string(), "moderators are exempt");
    }
    // A second bot process (or a restart) finds the rule and updates it in place.
    let mut cfg = common::bot_config(&h.fake);
    cfg.automod_keywords = automod::keywords(domains);
    let second = Bot::start(cfg, moat_core::Engine::with_defaults()).unwrap();
    assert!(h.fake.wait_sessions(2, Duration::from_secs(10)).await);
    assert!(second.wait_idle(Duration::from_millis(400), Duration::from_secs(30)).await);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !h.fake.calls().iter().any(|c| c.method == "PATCH" && c.path.contains("/auto-moderation/rules/"))
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(h.fake.world().guilds[&ids.guild].automod_rules.len(), 1, "updated, not duplicated");
    let changes: Vec<_> =
        h.fake.calls().into_iter().filter(|c| c.method != "GET" && c.path.contains("/auto-moderation/")).collect();
    assert_eq!(changes.len(), 2, "one create, one update");
    for c in changes {
        assert!(
            c.reason.as_deref().is_some_and(|r| r.starts_with("moat: ")),
            "{} {}: no audit-log reason",
            c.method,
            c.path
        );
    }
    second.stop().await;
}
