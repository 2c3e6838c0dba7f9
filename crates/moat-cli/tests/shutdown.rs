//! Shutdown loses nothing: a `moat run` child process, guarding a guild of the fake Discord,
//! is sent SIGTERM in the middle of a raid. It exits 0 and says what it did; every action
//! it decided is either done on the fake or kept in the store; the next start sends those
//! kept, and nothing is left over.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use moat_fake_discord::{FakeDiscord, Options, Pace, Play, DEFAULT_TOKEN};

fn spawn_run(fake: &FakeDiscord, db: &str, log: &Path) -> Child {
    let file = std::fs::File::create(log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["run", "--shards", "0", "--total-shards", "1", "--shutdown-grace", "1", "--database", db])
        .args(["--gateway-url", &fake.gateway_url(), "--rest-proxy", &fake.rest_proxy()])
        .env("DISCORD_TOKEN", DEFAULT_TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::from(file))
        .spawn()
        .expect("moat starts")
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success();
    assert!(ok, "kill -TERM works");
}

async fn wait_exit(child: &mut Child, log: &Path) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code().unwrap_or(-1);
        }
        assert!(Instant::now() < deadline, "moat did not stop: {}", std::fs::read_to_string(log).unwrap_or_default());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every timeout the store says moat decided: (user).
async fn decided_timeouts(store: &moat_store::Store, guild: u64) -> BTreeSet<u64> {
    let scope = store.guild(moat_core::id::GuildId(guild)).unwrap();
    let mut out = BTreeSet::new();
    for s in scope.incidents(1000).await.unwrap() {
        for e in scope.incident(s.incident).await.unwrap().timeline {
            if e.kind == moat_core::ActionKind::Timeout {
                let users = e.action.get("user_ids").and_then(|u| u.as_array()).cloned().unwrap_or_default();
                out.extend(users.iter().chain(e.action.get("user_id")).filter_map(|u| u.as_str()?.parse::<u64>().ok()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_raid_keeps_every_unsent_call_and_the_next_start_sends_them() {
    let dir = std::env::temp_dir().join(format!("moat-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.join("moat.db").display());
    let log: PathBuf = dir.join("first.log");
    // Each call takes 100 ms, and timeouts go one at a time per guild: a raid of 60 takes
    // seconds to contain, so a stop lands in the middle of it.
    let fake = FakeDiscord::start(Options { rest_latency_ms: 100, ..Options::default() }).await.unwrap();
    let mut first = spawn_run(&fake, &db, &log);
    assert!(fake.wait_sessions(1, Duration::from_secs(60)).await, "moat identifies");

    let (_, capture) = moat_testkit::fixture::raid(60);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let play = Play { rebase_to: Some(now), ..Play::new(Pace::Speed(20.0)) };
    fake.play_with(&capture, play).await;
    wait_for("a few timeouts", Duration::from_secs(60), || fake.world().timed_out.len() >= 5).await;
    sigterm(&first);
    let code = wait_exit(&mut first, &log).await;
    let said = std::fs::read_to_string(&log).unwrap();
    assert_eq!(code, 0, "a clean stop exits 0: {said}");
    assert!(said.contains("SIGTERM: no new events"), "{said}");
    assert!(said.contains("moat: stopped:") && said.contains("kept in the store for the next start"), "{said}");

    let guild = *fake.world().guilds.keys().next().expect("the guild");
    let store = moat_store::Store::open(&db).await.unwrap();
    let decided = decided_timeouts(&store, guild).await;
    let done: BTreeSet<u64> = fake.world().timed_out.iter().copied().collect();
    let kept: BTreeSet<u64> = store
        .pending_actions()
        .await
        .unwrap()
        .iter()
        .filter(|a| a.kind == moat_core::ActionKind::Timeout)
        .flat_map(|a| a.user_ids.iter().map(|u| u.get()))
        .collect();
    assert!(decided.len() >= 20, "the raid was decided: {} timeouts", decided.len());
    assert!(!kept.is_empty(), "the stop came mid-raid: some timeouts were not sent yet");
    let lost: Vec<&u64> = decided.iter().filter(|u| !done.contains(u) && !kept.contains(u)).collect();
    assert!(lost.is_empty(), "decided, neither done nor kept: {lost:?}");
    drop(store);

    // The next start sends what was kept (still due: the raid's 6 h containment).
    let log2 = dir.join("second.log");
    let mut second = spawn_run(&fake, &db, &log2);
    wait_for("the kept timeouts sent", Duration::from_secs(90), || {
        let done: BTreeSet<u64> = fake.world().timed_out.iter().copied().collect();
        decided.iter().all(|u| done.contains(u))
    })
    .await;
    let said2 = std::fs::read_to_string(&log2).unwrap();
    eprintln!("first run:\n{said}\nsecond run:\n{said2}");
    assert!(said2.contains("still due, sent now"), "{said2}");
    sigterm(&second);
    assert_eq!(wait_exit(&mut second, &log2).await, 0);
    let store = moat_store::Store::open(&db).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 0, "nothing left over");
    let _ = std::fs::remove_dir_all(&dir);
}
