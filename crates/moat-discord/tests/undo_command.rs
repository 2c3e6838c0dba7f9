//! `moat incidents undo ID` through the running bot: the command queues the request in the
//! store, the bot (against the fake Discord) claims it and undoes the raid through its own
//! executor, timeouts lifted and the lockdown ended, with the operator's name in the audit
//! log and in the store; the command prints what was done. Without a bot the request stays
//! queued and the command says so.

mod common;

use std::time::Duration;

use moat_core::id::{GuildId, IncidentId};
use moat_fake_discord::Options;
use moat_store::cli::{execute, Command};
use moat_testkit::fixture as scenario;

fn sqlite_url() -> String {
    let file = std::env::temp_dir().join(format!("moat-undo-cmd-{}-{}.db", std::process::id(), rand_tag()));
    format!("sqlite://{}?mode=rwc", file.display())
}

fn rand_tag() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

/// Runs a store command on a thread of its own (it has its own runtime), as the CLI would.
async fn run_command(command: Command, url: String) -> (i32, String, String) {
    let t = std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = execute(&command, Some(&url), &mut out, &mut err);
        (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    });
    while !t.is_finished() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    t.join().unwrap()
}

async fn raid_incident(store: &moat_store::Store, guild: u64) -> IncidentId {
    let scope = store.guild(GuildId(guild)).unwrap();
    let incidents = scope.incidents(100).await.unwrap();
    incidents.iter().find(|i| i.kind == "raid").expect("a raid incident").incident
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undo_from_the_command_line_is_carried_out_by_the_running_bot() {
    let url = sqlite_url();
    let store = moat_store::Store::open(&url).await.unwrap();
    let s = store.clone();
    let h = common::start_with(Options::default(), common::config(""), move |c| {
        c.store = Some(s);
        c.timer_every_ms = 100;
    })
    .await;
    let (ids, raid) = scenario::raid(20);
    h.play(&raid).await;
    assert_eq!(h.fake.world().timed_out.len(), 20, "the raid is contained");
    assert!(h.fake.world().guilds[&ids.guild].verification_level >= 3, "and locked down");
    // Let the recorder write the incident.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let incident = raid_incident(&store, ids.guild).await;

    let cmd = Command::IncidentsUndo { id: incident, guild: None, by: "tester (command line)".into(), wait_secs: 30 };
    let (code, out, err) = run_command(cmd, url.clone()).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("undone by the running bot") && out.contains("tester (command line)"), "{out}");
    h.settle().await;
    {
        let w = h.fake.world();
        let g = &w.guilds[&ids.guild];
        let still: Vec<u64> = g.members.values().filter(|m| m.timeout_until.is_some()).map(|m| m.user_id).collect();
        assert!(still.is_empty(), "every timeout lifted: {still:?}");
        assert_eq!(g.verification_level, 1, "the lockdown ended, settings restored");
    }
    let lifted = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "PATCH" && c.path.contains("/members/"))
        .filter(|c| c.reason.as_deref().is_some_and(|r| r.contains("undone by tester (command line)")));
    assert_eq!(lifted.count(), 20, "each lift names who undid it in the audit log");
    let summary = store.guild(GuildId(ids.guild)).unwrap().incident(incident).await.unwrap().summary;
    assert_eq!(summary.undone_by.as_deref(), Some("tester (command line)"));

    // Again: refused, it was undone already.
    let cmd = Command::IncidentsUndo { id: incident, guild: None, by: "tester (command line)".into(), wait_secs: 5 };
    let (code, _, err) = run_command(cmd, url.clone()).await;
    assert_eq!(code, 1);
    assert!(err.contains("already undone"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_running_bot_the_request_waits_and_the_command_says_so() {
    let url = sqlite_url();
    let store = moat_store::Store::open(&url).await.unwrap();
    let s = store.clone();
    let h = common::start_with(Options::default(), common::config(""), move |c| c.store = Some(s)).await;
    let (ids, raid) = scenario::raid(10);
    h.play(&raid).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let common::Harness { fake, bot } = h;
    bot.stop().await;
    let incident = raid_incident(&store, ids.guild).await;
    let cmd = Command::IncidentsUndo { id: incident, guild: None, by: "tester".into(), wait_secs: 1 };
    let (code, _, err) = run_command(cmd, url.clone()).await;
    assert_eq!(code, 1);
    assert!(err.contains("no running moat took the request") && err.contains("stays queued"), "{err}");
    drop(fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_moat_undo_takes_the_same_path() {
    let url = sqlite_url();
    let store = moat_store::Store::open(&url).await.unwrap();
    let s = store.clone();
    let h = common::start_with(Options::default(), common::config(""), move |c| {
        c.store = Some(s);
        c.timer_every_ms = 100;
    })
    .await;
    let (ids, raid) = scenario::raid(12);
    h.play(&raid).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let incident = raid_incident(&store, ids.guild).await;
    let options = serde_json::json!([{"type": 1, "name": "undo", "options": [
        {"type": 3, "name": "incident", "value": incident.get().to_string()}]}]);
    let d = moat_testkit::fixture::moat_command(&ids, 77, ids.moderator, 1 << 40, options);
    h.fake.dispatch("INTERACTION_CREATE", &d, Some(ids.guild));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let undone = store.guild(GuildId(ids.guild)).unwrap().incident(incident).await.unwrap().summary.undone_by;
        let lifted = h.fake.world().guilds[&ids.guild].members.values().all(|m| m.timeout_until.is_none());
        if let (Some(by), true) = (&undone, lifted) {
            assert!(by.contains("/moat undo"), "{by}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the /moat undo was not carried out");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answer = h.fake.interaction(77).and_then(|r| r.original.clone()).unwrap_or_default();
    assert!(answer.contains("Undoing incident"), "{answer}");
}
