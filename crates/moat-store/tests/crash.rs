//! Crashes and restarts, with real processes: a writer killed in the middle of a raid, then
//! a restart that must find everything confirmed, the lockdown still in force with its
//! expiry, and due timers that fire exactly once; and two processes claiming the same
//! timers, each timer going to exactly one of them.
//!
//! The child processes are this test binary run again on one `#[ignore]`d test, with the
//! database URL in `MOAT_CHILD_DB`; without it those tests do nothing.

mod common;

use moat_core::id::{ChannelId, GuildId, IncidentId, MessageId, UserId};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{flood, raid, Db, MIN, T0};
use moat_core::action::{Action, ActionKind, Detector};
use moat_store::timers::TimerKind;
use moat_store::{Recorder, RecorderOptions, Store};

const GUILD: GuildId = GuildId(1_000_000_000_000_001);
const RAID: IncidentId = IncidentId(4_242_001);
const FLOOD: IncidentId = IncidentId(4_242_002);
const LATE: IncidentId = IncidentId(4_242_003);
const RAIDERS: u64 = 25;

/// A child process killed when dropped, so a failing test leaves no writer behind.
struct Kid(Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_child(test: &str, url: &str) -> (Kid, mpsc::Receiver<String>) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args([test, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("MOAT_CHILD_DB", url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting the child process");
    let out = child.stdout.take().expect("child stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (Kid(child), rx)
}

/// Lines of the child until one containing `until` (returned last), or panics after 60 s.
fn read_until(rx: &mpsc::Receiver<String>, until: &str) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(l) => {
                // The harness may print `test NAME ... ` before the child's first line.
                let done = l.contains(until);
                lines.push(l);
                if done {
                    return lines;
                }
            }
            Err(e) => panic!("child never printed `{until}` ({e}); it printed: {lines:?}"),
        }
    }
}

/// Child: records a raid and a flood through the recorder, flushes (confirmed), says so,
/// then keeps recording until it is killed.
#[tokio::test]
#[ignore = "child process of crash_mid_raid"]
async fn child_raid_writer() {
    let Ok(url) = std::env::var("MOAT_CHILD_DB") else { return };
    let store = Store::open(&url).await.expect("child opens the store");
    let recorder =
        Recorder::spawn(store.clone(), RecorderOptions { batch_max: 7, ..Default::default() }).expect("recorder");
    for a in raid(GUILD, RAID, T0, 1..RAIDERS + 1) {
        recorder.record(a).expect("queue has room");
    }
    // A flood whose timeout ended just before T0: due as soon as the bot comes back.
    recorder.record(flood(GUILD, FLOOD, 777, T0 - 5 * MIN, T0 - 1000)).expect("queue has room");
    recorder.flush().await.expect("flush");
    println!("CONFIRMED");
    let mut n = 0u64;
    loop {
        n += 1;
        let a = Action::new(T0 + n, GUILD, ActionKind::DeleteMessage, Detector::Containment, "still posting".into())
            .user(UserId(5000 + n % 50))
            .message(ChannelId(555), MessageId(100_000 + n))
            .incident(LATE)
            .evidence(moat_core::Evidence {
                messages: vec![common::message(100_000 + n, 555, 5000, T0 + n, "more spam")],
                facts: vec![],
            });
        let _ = recorder.record(a);
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn crash_mid_raid(db: &Db) {
    let (mut child, rx) = spawn_child("child_raid_writer", &db.url);
    read_until(&rx, "CONFIRMED");
    std::thread::sleep(Duration::from_millis(150)); // let it be mid-write
    child.0.kill().expect("killing the child");
    let _ = child.0.wait();

    // Restart.
    let store = Store::open(&db.url).await.expect("reopen after the crash");
    let g = store.guild(GUILD).unwrap();
    let inc = g.incident(RAID).await.expect("the raid survived the crash");
    assert_eq!(inc.summary.action_count, 1 + RAIDERS, "every confirmed action of the raid is kept");
    assert_eq!(inc.timeline.len() as u64, 1 + RAIDERS);
    assert_eq!(inc.members.len() as u64, RAIDERS);
    assert_eq!(inc.summary.status(), "open", "the raid is still locked down");
    let report = g.export_evidence(RAID, T0).await.unwrap();
    let messages = report["messages"].as_array().unwrap();
    assert_eq!(messages.len() as u64, RAIDERS, "every confirmed piece of evidence is kept");
    assert_eq!(messages[0]["content"], "FREE NITRO from raider 1");
    assert_eq!(messages[0]["attachment_urls"][0], "https://cdn.discordapp.com/attachments/555/9001/proof.png");
    assert_eq!(messages[0]["reason"], "raid member");
    assert_eq!(messages[0]["link"], format!("https://discord.com/channels/{GUILD}/555/9001"));
    assert_eq!(messages[0]["author_id"], "1");
    assert_eq!(g.incident(FLOOD).await.unwrap().summary.action_count, 1);

    // Whatever was in flight is there whole or not at all.
    if let Ok(late) = g.incident(LATE).await {
        assert_eq!(late.summary.action_count as usize, late.timeline.len());
        assert_eq!(
            g.export_evidence(LATE, T0).await.unwrap()["messages"].as_array().unwrap().len(),
            late.timeline.len()
        );
    }

    // The lockdown resumes, with its expiry.
    let lockdowns = store.active_lockdowns().await.unwrap();
    assert_eq!(lockdowns.len(), 1, "{lockdowns:?}");
    assert_eq!((lockdowns[0].guild_id, lockdowns[0].incident, lockdowns[0].until), (GUILD, RAID, T0 + 10 * MIN));
    assert_eq!(g.lockdown().await.unwrap().map(|l| l.until), Some(T0 + 10 * MIN));

    // Due timers fire once, late; a second connection (another bot process) gets none.
    let other = Store::open(&db.url).await.expect("a second connection");
    assert_eq!(
        other.guild(GUILD).unwrap().incident(RAID).await.unwrap(),
        inc,
        "the second connection sees the same state"
    );
    let fired = store.claim_due_timers(T0 + 1000, 100).await.unwrap();
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(
        (fired[0].kind, fired[0].user_id, fired[0].incident),
        (TimerKind::LiftTimeout, Some(UserId(777)), FLOOD)
    );
    assert!(other.claim_due_timers(T0 + 1000, 100).await.unwrap().is_empty(), "never twice");
    assert!(store.claim_due_timers(T0 + 1000, 100).await.unwrap().is_empty(), "never twice");

    // The lockdown ends at its expiry, once.
    let ends = other.claim_due_timers(T0 + 11 * MIN, 100).await.unwrap();
    assert_eq!(ends.iter().map(|t| t.kind).collect::<Vec<_>>(), [TimerKind::EndLockdown]);
    assert!(store.claim_due_timers(T0 + 11 * MIN, 100).await.unwrap().is_empty());
    // The bot unlocks and records it; the incident closes.
    store
        .record(&[Action::new(T0 + 11 * MIN, GUILD, ActionKind::Unlock, Detector::Raid, "quiet for 10 min".into())
            .incident(RAID)])
        .await
        .unwrap();
    assert_eq!(g.lockdown().await.unwrap(), None);
    assert_eq!(g.incident(RAID).await.unwrap().summary.status(), "closed");
    // The raiders' timeouts end after an hour, each once.
    let lifts = store.claim_due_timers(T0 + 61 * MIN, 1000).await.unwrap();
    assert_eq!(lifts.len() as u64, RAIDERS);
    assert!(other.claim_due_timers(T0 + 61 * MIN, 1000).await.unwrap().is_empty());
    other.close().await;
    store.close().await;
}
both!(crash_mid_raid);

/// Child: claims due timers in small batches until none are left, printing their ids.
#[tokio::test]
#[ignore = "child process of two_processes_claim_each_timer_once"]
async fn child_timer_claimer() {
    let Ok(url) = std::env::var("MOAT_CHILD_DB") else { return };
    let store = Store::open(&url).await.expect("child opens the store");
    let mut empty = 0;
    while empty < 3 {
        let got = store.claim_due_timers(T0, 3).await.expect("claiming");
        if got.is_empty() {
            empty += 1;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        for t in got {
            println!("CLAIMED {}", t.id);
        }
    }
    println!("DONE");
}

async fn two_processes_claim_each_timer_once(db: &Db) {
    const N: u64 = 90;
    let store = Store::open(&db.url).await.unwrap();
    let g = store.guild(GUILD).unwrap();
    for user in 1..=N {
        g.schedule(TimerKind::Unban, Some(UserId(user)), IncidentId(1), T0 - user, T0 - 10 * MIN).await.unwrap();
    }
    let children: Vec<_> = (0..2).map(|_| spawn_child("child_timer_claimer", &db.url)).collect();
    let mut seen = HashSet::new();
    let mut per_child = Vec::new();
    for (mut child, rx) in children {
        let lines = read_until(&rx, "DONE");
        let ids: Vec<i64> =
            lines.iter().filter_map(|l| l.find("CLAIMED ").map(|i| &l[i + 8..])).map(|s| s.parse().unwrap()).collect();
        per_child.push(ids.len());
        for id in ids {
            assert!(seen.insert(id), "timer {id} was claimed twice");
        }
        assert!(child.0.wait().unwrap().success());
    }
    assert_eq!(seen.len() as u64, N, "every timer claimed once (per process: {per_child:?})");
    assert!(g.pending_timers().await.unwrap().is_empty());
    store.close().await;
}
both!(two_processes_claim_each_timer_once);
