//! End to end: captures through the fake gateway, decisions by the real engine, REST calls
//! through the real twilight client, outcomes read from the fake's state.

mod common;

use std::time::Duration;

use moat_fake_discord::Options;
use moat_testkit::fixture as scenario;
use moat_testkit::payload::perms;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_300_account_raid_is_banned_in_a_handful_of_calls_and_unlocked_after() {
    let h = common::start(Options::default(), common::config("[raid]\naction = \"ban\"\n")).await;
    let (ids, capture) = scenario::raid(300);
    h.play(&capture).await;
    {
        let w = h.fake.world();
        let g = &w.guilds[&ids.guild];
        assert_eq!(g.bans.len(), 300, "every raider is banned");
        assert!(g.verification_level >= 3, "verification raised during the raid");
        assert!(g.invites_disabled_until.is_some() && g.dms_disabled_until.is_some(), "invites and DMs paused");
    }
    let calls = h.fake.calls();
    let bulk = calls.iter().filter(|c| c.path.ends_with("/bulk-ban")).count();
    let single = calls.iter().filter(|c| c.path.contains("/bans/")).count();
    // The raid's bans go in a handful of bulk calls; a raider who posts while its ban is
    // being gathered is banned at once, alone (a third of these raiders post).
    assert!(bulk <= 10 && single <= 100, "{bulk} bulk-ban and {single} single ban calls");
    assert!(calls
        .iter()
        .filter(|c| c.path.ends_with("/bulk-ban"))
        .all(|c| c.json()["user_ids"].as_array().map_or(0, Vec::len) <= 200));
    let alerts = h.alerts();
    assert_eq!(alerts.len(), 1, "one alert for one raid: {alerts:#?}");
    assert!(alerts[0].contains("banned 300 members"), "{}", alerts[0]);

    // The raid goes quiet: the lockdown is lifted and the old settings come back.
    h.advance(30 * 60_000).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while h.fake.world().guilds[&ids.guild].verification_level != 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.settle().await;
    let w = h.fake.world();
    let g = &w.guilds[&ids.guild];
    assert_eq!(g.verification_level, 1, "verification level restored");
    assert_eq!((g.invites_disabled_until.clone(), g.dms_disabled_until.clone()), (None, None), "invites and DMs back");
    let l = h.fake.limiter();
    assert_eq!(l.violations, 0, "{:?}", l.violated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_ends_in_a_timeout_with_the_spam_deleted() {
    let h = common::start(Options::default(), common::config("")).await;
    let (ids, capture) = scenario::flood();
    h.play(&capture).await;
    let w = h.fake.world();
    assert!(w.timed_out.len() >= 2, "the flooder and the wall poster are timed out: {:?}", w.timed_out);
    for u in &w.timed_out {
        assert!(w.is_timed_out(ids.guild, *u));
    }
    assert!(w.deleted.len() >= 4, "the flood is deleted: {:?}", w.deleted);
    drop(w);
    let bulk = h.fake.calls().iter().filter(|c| c.path.ends_with("/bulk-delete")).count();
    assert!(bulk >= 1, "deletes go in bulk where they can");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scam_takeover_is_deleted_kept_as_evidence_and_contained() {
    let file = std::env::temp_dir().join(format!("moat-e2e-evidence-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let path = file.clone();
    let h = common::start_with(Options::default(), common::config(""), move |c| c.evidence_path = Some(path)).await;
    let (ids, capture) = scenario::scam_takeover();
    h.play(&capture).await;
    let w = h.fake.world();
    assert_eq!(w.timed_out.len(), 1, "the taken-over account is contained");
    let victim = w.timed_out[0];
    let theirs: Vec<u64> = w.messages.values().filter(|m| m.author_id == victim).map(|m| m.id).collect();
    assert!(theirs.len() >= 3);
    assert!(theirs.iter().all(|m| w.deleted.contains(m)), "every scam post is gone");
    assert!(w.is_timed_out(ids.guild, victim));
    drop(w);
    let evidence: Vec<serde_json::Value> = std::fs::read_to_string(&file)
        .expect("the evidence file is written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON action a line"))
        .collect();
    let _ = std::fs::remove_file(&file);
    assert!(evidence.iter().any(|e| e.to_string().contains("dlscord-gift.com")), "the scam text is kept as evidence");
    let deletions: Vec<_> = evidence.iter().filter(|e| e["action"] == "delete_message").collect();
    assert!(deletions.len() >= 3);
    for d in deletions {
        let m = &d["evidence"]["messages"][0];
        assert_eq!(m["message_id"], d["message_id"], "each deletion keeps the message it deletes: {d}");
        assert!(m["content"].as_str().is_some_and(|c| c.contains("nitro")), "{d}");
    }
    // Deletion came first: the first moderation call is a delete.
    let first = h.action_calls().into_iter().next().expect("calls were made");
    assert!(
        first.method == "DELETE" || first.path.ends_with("/bulk-delete"),
        "first call: {} {}",
        first.method,
        first.path
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normal_chat_is_left_alone() {
    let h = common::start(Options::default(), common::config("")).await;
    let (_, capture) = scenario::normal_chat();
    h.play(&capture).await;
    assert!(h.action_calls().is_empty(), "{:?}", h.action_calls());
    assert!(h.alerts().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disconnect_in_the_middle_of_a_raid_loses_no_events() {
    let h = common::start(Options::default(), common::config("[raid]\naction = \"ban\"\n")).await;
    let (ids, capture) = scenario::raid(120);
    let lines: Vec<&str> = capture.lines().collect();
    let half = lines.len() / 2;
    h.fake.play(&lines[..half].join("\n"), moat_fake_discord::Pace::Fast).await;
    h.fake.drop_connections();
    // Sent while moat is away: the session keeps them for its RESUME.
    h.fake.play(&lines[half..].join("\n"), moat_fake_discord::Pace::Fast).await;
    let handled = h.bot.handled();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while handled.load(std::sync::atomic::Ordering::Acquire) < lines.len() as u64
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(handled.load(std::sync::atomic::Ordering::Acquire), lines.len() as u64, "every event arrived once");
    h.settle().await;
    let (identifies, resumes) = h.fake.gateway_counts();
    assert_eq!(identifies, 1);
    assert!(resumes >= 1);
    assert_eq!(h.fake.world().guilds[&ids.guild].bans.len(), 120, "every raider is banned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_never_pushes_moat_past_the_limits() {
    let mut opts = Options::default();
    opts.rate_limits.bucket_limit = 20;
    let h = common::start(opts, common::config("")).await;
    h.fake.limiter().storm(25, Duration::from_millis(200));
    // A raid contained by timeouts: one PATCH per member, all in the guild's bucket.
    let (ids, capture) = scenario::raid(60);
    h.play(&capture).await;
    let l = h.fake.limiter();
    assert!(l.served_429 >= 25);
    assert_eq!(l.violations, 0, "no call came before Discord said it could: {:?}", l.violated);
    assert_eq!(l.global_429, 0, "the global limit was never hit");
    drop(l);
    let w = h.fake.world();
    let g = &w.guilds[&ids.guild];
    let contained = g.members.values().filter(|m| m.timeout_until.is_some()).count();
    assert_eq!(contained, 60, "every raider is timed out in the end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_not_looped_on() {
    let h = common::start(Options::default(), common::config("")).await;
    h.fake.faults().fail_next = 2;
    let (_, capture) = scenario::flood();
    h.play(&capture).await;
    assert!(h.fake.world().timed_out.len() >= 2, "the calls went through after the 500s");
    h.fake.faults().fail_path = Some("/members/".into());
    let (_, capture) = scenario::scam_takeover();
    h.play(&capture).await;
    let mut tries: std::collections::HashMap<String, usize> = Default::default();
    for c in h.fake.calls().iter().filter(|c| c.status == 500 && c.path.contains("/members/")) {
        *tries.entry(format!("{} {}", c.method, c.path)).or_default() += 1;
    }
    assert!(!tries.is_empty());
    assert!(tries.values().all(|&n| n <= 3), "a failing call is tried three times at most: {tries:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_permissions_produce_a_plain_alert() {
    let h = common::start(Options::default(), common::config("")).await;
    // moat's role has only Manage Messages and sits below Members.
    let mut c = scenario::Capture::new(scenario::T0, perms::MEMBER | perms::MANAGE_MESSAGES, 1);
    c.chatter(scenario::T0, 10, 3);
    let ids = c.ids;
    h.play(&c.finish()).await;
    let alerts = h.alerts();
    let text = alerts.join("\n");
    assert!(text.contains("missing the \"Ban Members\" permission, so it cannot ban raiders"), "{text}");
    assert!(text.contains("missing the \"Timeout Members\" permission"), "{text}");
    assert!(text.contains("moat's role (moat) is below Members"), "{text}");
    let w = h.fake.world();
    let modlog = ids.channels[4];
    assert!(w.alerts().iter().all(|m| m.channel_id == modlog), "alerts go to #mod-log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_split_the_guilds() {
    let fake = moat_fake_discord::FakeDiscord::start(Options::default()).await.unwrap();
    let mut cfg = common::bot_config(&fake);
    cfg.shards = 0..2;
    cfg.total_shards = 2;
    let bot = moat_discord::Bot::start(cfg, moat_core::Engine::with_defaults()).unwrap();
    assert!(fake.wait_sessions(2, Duration::from_secs(10)).await, "both shards identify");
    let (ids, capture) = scenario::flood();
    let shard = moat_fake_discord::gateway::shard_of(ids.guild, 2);
    let report = fake
        .play(&capture, moat_fake_discord::Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) })
        .await;
    assert_eq!(report.stalls, 0, "every event reached the shard that holds the guild (shard {shard})");
    assert!(bot.wait_idle(Duration::from_millis(400), Duration::from_secs(30)).await);
    assert_eq!(
        bot.handled().load(std::sync::atomic::Ordering::Acquire),
        report.events,
        "each event went to one shard only"
    );
    assert!(fake.world().timed_out.len() >= 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unlock_restores_what_the_server_really_had() {
    let h = common::start(Options::default(), common::config("")).await;
    let (ids, capture) = scenario::raid(40);
    let (first, rest) = capture.split_once('\n').unwrap();
    h.play(first).await;
    // The moderators had already changed things moat could not know from the capture.
    let paused = "2026-01-01T20:00:00.000+00:00".to_string();
    {
        let mut w = h.fake.world();
        let g = w.guilds.get_mut(&ids.guild).unwrap();
        g.verification_level = 2;
        g.invites_disabled_until = Some(paused.clone());
    }
    h.play(rest).await;
    assert_eq!(h.fake.world().guilds[&ids.guild].verification_level, 3, "raised during the raid");
    h.advance(30 * 60_000).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while h.fake.world().guilds[&ids.guild].verification_level != 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.settle().await;
    let w = h.fake.world();
    let g = &w.guilds[&ids.guild];
    assert_eq!(g.verification_level, 2, "back to the moderators' level, not moat's idea of it");
    assert_eq!(g.invites_disabled_until, Some(paused), "their own invite pause is kept");
    assert_eq!(g.dms_disabled_until, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_event_queue_holds_the_gateway_back_and_drops_nothing() {
    // Room for one frame: the shard waits on the engine after every frame it reads.
    let h = common::start_with(Options::default(), common::config("[raid]\naction = \"ban\"\n"), |c| {
        c.event_queue = 1;
    })
    .await;
    let (ids, capture) = scenario::raid(80);
    let lines = capture.lines().count() as u64;
    h.fake.play(&capture, moat_fake_discord::Pace::Fast).await;
    let handled = h.bot.handled();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while handled.load(std::sync::atomic::Ordering::Acquire) < lines && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(handled.load(std::sync::atomic::Ordering::Acquire), lines, "every event reached the engine once");
    h.settle().await;
    assert_eq!(h.fake.world().guilds[&ids.guild].bans.len(), 80, "every raider is banned");
}
