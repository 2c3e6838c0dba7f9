//! A restart forgets nothing: the bot records into the store as it acts, is killed in the
//! middle of a raid, and a new bot on the same database keeps the lockdown (and lifts it
//! once, when due, restoring the guild's own settings) and remembers a flooder's strikes.
//! And `/moat setting` changes a threshold, which changes what moat decides.
//!
//! SQLite in a temp file; the restart also runs on PostgreSQL at 127.0.0.1:5432 (database
//! `test`, trust auth) in a schema of its own; without it the test prints `SKIPPED:` (and
//! fails under `CI=true`), as `moat_testkit::services` decides for every such test.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use moat_core::{ActionKind, Engine};
use moat_discord::{Bot, Feed};
use moat_fake_discord::{FakeDiscord, Options, Pace};
use moat_store::Store;
use moat_testkit::fixture::{self as scenario, moat_command, Capture, T0};
use serde_json::json;
use sqlx::Connection;

const DAY: u64 = 86_400_000;
const MODERATE_MEMBERS: u64 = 1 << 40;
static SEQ: AtomicU32 = AtomicU32::new(0);

fn unique(tag: &str) -> String {
    format!("moat_test_{tag}_{}_{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed))
}

fn sqlite_url(tag: &str) -> (String, std::path::PathBuf) {
    let file = std::env::temp_dir().join(format!("{}.db", unique(tag)));
    (format!("sqlite://{}?mode=rwc", file.display()), file)
}

/// A fresh schema on the test PostgreSQL, or `None` (skipped) on a machine without it.
async fn postgres_url(tag: &str) -> Option<(String, String)> {
    let base = moat_testkit::services::require_postgres(tag)?;
    let mut conn = sqlx::postgres::PgConnection::connect(&base).await.expect("PostgreSQL accepts the test login");
    let schema = unique(tag).to_lowercase();
    sqlx::raw_sql(&format!("CREATE SCHEMA {schema}")).execute(&mut conn).await.expect("schema created");
    let _ = conn.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    Some((format!("{base}{sep}options=-c%20search_path%3D{schema}"), schema))
}

async fn drop_schema(schema: &str) {
    let base = moat_testkit::services::Service::Postgres.url();
    if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(&base).await {
        let _ = sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut conn).await;
    }
}

async fn start_bot(fake: &FakeDiscord, store: &Store) -> Bot {
    let mut cfg = common::bot_config(fake);
    cfg.store = Some(store.clone());
    cfg.timer_every_ms = 100;
    Bot::start(cfg, Engine::new(common::config(""), Box::new(moat_core::links::NoLinks))).expect("bot starts")
}

async fn until(what: &str, mut f: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn timeouts_of(feed: &mut tokio::sync::mpsc::UnboundedReceiver<Feed>, user: u64) -> Vec<u64> {
    let mut d = Vec::new();
    while let Ok(f) = feed.try_recv() {
        if let Feed::Action(a) = f {
            if a.kind == ActionKind::Timeout && a.user_ids.contains(&moat_core::id::UserId(user)) {
                d.push(a.duration_ms.unwrap_or(0));
            }
        }
    }
    d
}

async fn restart_keeps_everything(url: &str) {
    let store = Store::open(url).await.expect("store opens");
    let fake = FakeDiscord::start(Options::default()).await.expect("fake starts");

    // A flood, then a raid of 30 fresh accounts, in one guild.
    let mut c = Capture::standard(T0);
    c.chatter(T0, 60, 6);
    let spammer = c.account(T0, 90 * DAY);
    for i in 0..8 {
        c.say(T0 + 10_000 + i * 300, spammer, "loud", T0 - 20 * DAY, 0, "BUY GOLD CHEAP BUY GOLD CHEAP", &[]);
    }
    for i in 0..30u64 {
        let at = T0 + 30_000 + i * 2_000;
        let u = c.account(at, 2 * 3_600_000 + i * 60_000);
        c.join(at, u, &format!("free_nitro_{i:03}"), false);
        if i % 3 == 0 {
            c.say(at + 1_000, u, &format!("free_nitro_{i:03}"), at, 1, "JOIN NOW discord.gg/raidparty", &[]);
        }
    }
    let guild = c.ids.guild;
    let capture = c.finish();

    let bot = start_bot(&fake, &store).await;
    let mut feed = bot.subscribe();
    assert!(fake.wait_sessions(1, Duration::from_secs(10)).await, "the bot identifies");
    let r = fake.play(&capture, Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) }).await;
    assert_eq!(r.stalls, 0);
    assert!(bot.wait_idle(Duration::from_millis(300), Duration::from_secs(30)).await);
    assert_eq!(timeouts_of(&mut feed, spammer), vec![600_000], "the first flood: the ladder's first rung");
    assert_eq!(fake.world().guilds[&guild].verification_level, 3, "locked down");

    // What the store confirmed before the crash.
    let g = store.guild(moat_core::id::GuildId(guild)).unwrap();
    until("the lockdown and the flooder's strikes are stored", async || {
        !store.active_lockdowns().await.unwrap().is_empty()
            && !g.strike_rows().await.unwrap().is_empty()
            && g.lockdown_state().await.unwrap().is_some()
    })
    .await;
    bot.abort();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let incidents = g.incidents(100).await.unwrap();
    assert!(incidents.iter().any(|i| i.kind == "raid" && i.closed_at.is_none() && i.members >= 20), "{incidents:?}");
    assert!(incidents.iter().any(|i| i.detector == moat_core::Detector::Pressure), "{incidents:?}");
    assert!(g.evidence_count().await.unwrap() >= 8, "the flood's and the raiders' messages are kept");
    let lockdown = store.active_lockdowns().await.unwrap()[0].clone();

    // A new bot on the same database.
    let calls_before = fake.calls().len();
    let bot = start_bot(&fake, &store).await;
    let mut feed = bot.subscribe();
    until("the new bot is ready", async || {
        fake.calls().len() > calls_before || bot.handled().load(Ordering::Acquire) > 0
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.world().guilds[&guild].verification_level, 3, "still locked down after the restart");
    assert!(store.active_lockdowns().await.unwrap().iter().any(|l| l.guild_id == moat_core::id::GuildId(guild)));

    let restores = || {
        fake.calls()
            .iter()
            .filter(|c| {
                c.method == "PATCH" && c.path == format!("/guilds/{guild}") && c.body.contains("verification_level")
            })
            .count()
    };
    let patched = restores();

    // The flooder again, after their first timeout: the ladder's second rung.
    let mut again = Capture::standard(T0);
    for i in 0..8 {
        again.say(T0 + 20 * 60_000 + i * 300, spammer, "loud", T0 - 20 * DAY, 0, "BUY GOLD CHEAP BUY GOLD CHEAP", &[]);
    }
    let again: String =
        again.finish().lines().filter(|l| !l.contains("\"GUILD_CREATE\"")).map(|l| format!("{l}\n")).collect();
    let r = fake.play(&again, Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) }).await;
    assert_eq!(r.stalls, 0);
    assert!(bot.wait_idle(Duration::from_millis(300), Duration::from_secs(30)).await);
    assert_eq!(timeouts_of(&mut feed, spammer), vec![3_600_000], "strikes survived the restart: one hour this time");

    // The lockdown's end comes (it may have come during the second flood, which is later
    // than a raid's quiet time): lifted once, with the guild's own settings back.
    let clock = fake.clock();
    if clock.load(Ordering::Acquire) <= lockdown.until {
        clock.store(lockdown.until + 1_000, Ordering::Release);
    }
    until("the lockdown is lifted", async || fake.world().guilds[&guild].verification_level == 1).await;
    assert!(bot.wait_idle(Duration::from_millis(300), Duration::from_secs(30)).await);
    clock.store(lockdown.until + 3_600_000, Ordering::Release);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(restores(), patched + 1, "the lockdown's end fired once");
    assert!(store.active_lockdowns().await.unwrap().is_empty(), "the raid's incident is closed");
    bot.stop().await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_raid_forgets_nothing_sqlite() {
    let (url, file) = sqlite_url("restart");
    restart_keeps_everything(&url).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_raid_forgets_nothing_postgres() {
    let Some((url, schema)) = postgres_url("restart").await else { return };
    restart_keeps_everything(&url).await;
    drop_schema(&schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setting_changed_from_discord_changes_decisions() {
    let (url, file) = sqlite_url("setting");
    let store = Store::open(&url).await.unwrap();
    let fake = FakeDiscord::start(Options::default()).await.expect("fake starts");
    let bot = start_bot(&fake, &store).await;
    let mut feed = bot.subscribe();
    assert!(fake.wait_sessions(1, Duration::from_secs(10)).await);
    let (ids, capture) = scenario::flood();
    let fake = &fake;
    let reply = |id: u64| async move {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some((_, body)) = fake.world().interaction_replies.iter().find(|(i, _)| *i == id) {
                assert_eq!(body["data"]["flags"], 64, "only the moderator sees it");
                return body["data"]["content"].as_str().unwrap_or("").to_string();
            }
            assert!(Instant::now() < deadline, "no answer to {id}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let set = |id: u64, key: &str, value: &str| {
        let opts = json!([{"type": 1, "name": "setting", "options": [
            {"type": 3, "name": "section", "value": "pressure"}, {"type": 3, "name": "key", "value": key}, {"type": 3, "name": "value", "value": value}]}]);
        fake.dispatch(
            "INTERACTION_CREATE",
            &moat_command(&ids, id, ids.moderator, MODERATE_MEMBERS, opts),
            Some(ids.guild),
        );
    };
    set(1, "limit", "-5");
    let bad = reply(1).await;
    assert!(bad.starts_with("Not changed") && bad.contains("pressure.limit"), "{bad}");
    set(2, "limit", "1000");
    assert!(reply(2).await.starts_with("Changed"));

    let r = fake.play(&capture, Pace::Lockstep { handled: bot.handled(), timeout: Duration::from_secs(10) }).await;
    assert_eq!(r.stalls, 0);
    assert!(bot.wait_idle(Duration::from_millis(300), Duration::from_secs(30)).await);
    let mut timeouts = 0;
    while let Ok(f) = feed.try_recv() {
        if let Feed::Action(a) = f {
            timeouts += usize::from(a.kind == ActionKind::Timeout && a.detector == moat_core::Detector::Pressure);
        }
    }
    assert_eq!(timeouts, 0, "with a pressure limit of 1000 the flood is not punished (the default times it out)");

    let g = store.guild(moat_core::id::GuildId(ids.guild)).unwrap();
    until("the change is stored", async || !g.settings_history(10).await.unwrap().is_empty()).await;
    let h = g.settings_history(10).await.unwrap();
    assert_eq!(h.len(), 1, "the refused value was not stored");
    assert!(h[0].toml.contains("limit = 1000") && h[0].changed_by.contains(&ids.moderator.to_string()), "{h:?}");
    bot.stop().await;

    // A restarted bot runs with the changed setting.
    let bot = start_bot(fake, &store).await;
    until("the new bot is ready", async || bot.handled().load(Ordering::Acquire) > 0).await;
    let opts =
        json!([{"type": 1, "name": "setting", "options": [{"type": 3, "name": "section", "value": "pressure"}]}]);
    fake.dispatch("INTERACTION_CREATE", &moat_command(&ids, 3, ids.moderator, MODERATE_MEMBERS, opts), Some(ids.guild));
    let shown = reply(3).await;
    assert!(shown.contains("limit: 1000.0"), "{shown}");
    bot.stop().await;
    store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}
