//! Dry run against the fake Discord: the engine decides as usual, moat makes no moderation
//! call at all, and the moderators' alerts say what it would have done, after one notice
//! that the server is in dry run. Both ways in: `--dry-run` (every guild) and a guild's own
//! `live.dry_run` setting.

mod common;

use moat_fake_discord::Options;
use moat_testkit::fixture as scenario;

/// Plays a raid of 30 and a flood, then checks that nothing but alerts reached Discord.
async fn plays_dry(h: &common::Harness) {
    let (ids, raid) = scenario::raid(30);
    h.play(&raid).await;
    let (_, flood) = scenario::flood();
    h.play(&flood).await;
    let calls = h.action_calls();
    let moderation: Vec<String> = calls
        .iter()
        .filter(|c| {
            c.path.contains("/members/")
                || c.path.contains("/bans")
                || c.path.contains("/bulk-ban")
                || c.path.contains("/bulk-delete")
                || (c.method == "DELETE" && c.path.contains("/messages/"))
                || (c.method == "PATCH" && c.path == format!("/guilds/{}", ids.guild))
                || c.path.contains("/incident-actions")
        })
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert!(moderation.is_empty(), "a dry run calls nothing but alerts: {moderation:#?}");
    let w = h.fake.world();
    assert!(w.timed_out.is_empty() && w.banned.is_empty() && w.deleted.is_empty(), "nothing done on Discord");
    assert_eq!(w.guilds[&ids.guild].verification_level, 1, "no lockdown");
    drop(w);
    let alerts = h.alerts();
    let notices = alerts.iter().filter(|a| a.contains("moat is in dry run in this server")).count();
    assert_eq!(notices, 1, "the alert channel is told once: {alerts:#?}");
    let raid = alerts.iter().find(|a| a.contains("dry run: raid")).unwrap_or_else(|| panic!("{alerts:#?}"));
    assert!(raid.contains("What moat would have done (dry run, nothing was done):"), "{raid}");
    assert!(raid.contains("timed out 30 members"), "the raid is decided as usual: {raid}");
    assert!(raid.contains("locked the server down"), "{raid}");
    assert!(!raid.contains("To undo"), "nothing to undo: {raid}");
    assert!(alerts.iter().any(|a| a.contains("dry run: spam flood") && a.contains("deleted")), "{alerts:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_for_every_guild_only_alerts() {
    let h = common::start_with(Options::default(), common::config(""), |c| c.dry_run = true).await;
    plays_dry(&h).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guilds_own_dry_run_setting_only_alerts_there() {
    let (ids, _) = scenario::raid(1);
    let config = common::config(&format!("[guilds.\"{}\".live]\ndry_run = true\n", ids.guild));
    let h = common::start(Options::default(), config).await;
    plays_dry(&h).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_dry_run_the_same_raid_is_contained() {
    let h = common::start(Options::default(), common::config("")).await;
    let (_, raid) = scenario::raid(30);
    h.play(&raid).await;
    assert_eq!(h.fake.world().timed_out.len(), 30, "the test's raid is one moat acts on");
    assert!(!h.alerts().iter().any(|a| a.contains("dry run")));
}
