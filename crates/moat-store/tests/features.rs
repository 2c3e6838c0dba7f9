//! Retention, settings history, strikes, undo, the write-behind recorder and the commands'
//! output, on both backends.

mod common;

use common::{flood, raid, run, Db, MIN, T0};
use moat_core::action::{Action, ActionKind, Detector};
use moat_core::id::{GuildId, IncidentId, UserId};
use moat_store::cli::Command;
use moat_store::ids::{now_ms, DAY_MS};
use moat_store::recorder::RecordError;
use moat_store::timers::TimerKind;
use moat_store::{record_replay, Recorder, RecorderOptions, Store, StoreError};

const G: GuildId = GuildId(424_242_424_242);
const H: GuildId = GuildId(535_353_535_353);

async fn evidence_is_purged_after_retention(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    store.record(&raid(G, 1, T0, 1..6)).await.unwrap();
    store.record(&[flood(H, 2, 9, T0, T0 + MIN)]).await.unwrap();
    store.guild(H).unwrap().set_evidence_retention(Some(1), T0).await.unwrap();
    assert!(store.guild(H).unwrap().set_evidence_retention(Some(0), T0).await.is_err());
    let now = now_ms();
    assert_eq!(store.purge_evidence(now, 30).await.unwrap(), 0, "nothing is old yet");
    assert_eq!(store.purge_evidence(now + 2 * DAY_MS, 30).await.unwrap(), 1, "H keeps one day");
    assert_eq!(store.guild(G).unwrap().evidence_count().await.unwrap(), 5);
    assert_eq!(store.purge_evidence(now + 29 * DAY_MS, 30).await.unwrap(), 0);
    let m = store.maintain(now + 31 * DAY_MS).await.unwrap();
    assert_eq!((m.evidence_purged, m.guilds_deleted.len()), (5, 0), "30 days by default");
    let g = store.guild(G).unwrap();
    assert_eq!(g.evidence_count().await.unwrap(), 0);
    // The timeline stays; only message contents go.
    let inc = g.incident(IncidentId(1)).await.unwrap();
    assert_eq!(inc.timeline.len(), 6);
    assert!(!inc.to_json().to_string().contains("FREE NITRO"));
    assert!(g.export_evidence(IncidentId(1), T0).await.unwrap()["messages"].as_array().unwrap().is_empty());
    store.close().await;
}
both!(evidence_is_purged_after_retention);

async fn settings_keep_their_history(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    let g = store.guild(G).unwrap();
    assert_eq!(g.effective_settings().await.unwrap(), moat_core::Settings::default());
    assert_eq!(g.set_settings("[raid]\nlockdown = false\n", "alice", "slash", T0).await.unwrap(), 1);
    assert_eq!(g.set_settings("[raid]\nlockdown = true\n", "bob", "file", T0 + MIN).await.unwrap(), 2);
    let e = g.set_settings("[raid]\nlockdwn = true\n", "eve", "slash", T0).await.unwrap_err().to_string();
    assert!(e.contains("lockdwn"), "the error names the bad key: {e}");
    let e = g.set_settings("[guilds.5.raid]\nlockdown = true\n", "eve", "slash", T0).await.unwrap_err().to_string();
    assert!(e.contains("guilds"), "{e}");
    assert!(g.effective_settings().await.unwrap().raid.lockdown);
    let h = g.settings_history(10).await.unwrap();
    assert_eq!(
        h.iter().map(|c| (c.version, c.changed_by.as_str(), c.source.as_str())).collect::<Vec<_>>(),
        [(2, "bob", "file"), (1, "alice", "slash")]
    );
    assert_eq!(h[0].previous.as_deref(), Some("[raid]\nlockdown = false\n"));
    assert_eq!(h[1].previous, None);
    store.close().await;
}
both!(settings_keep_their_history);

async fn strikes_decay(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    let g = store.guild(G).unwrap();
    let day = DAY_MS;
    assert_eq!(g.add_strike(UserId(7), T0, day).await.unwrap(), 1.0);
    assert_eq!(g.add_strike(UserId(7), T0, day).await.unwrap(), 2.0);
    assert_eq!(g.strikes(UserId(7), T0 + day / 2, day).await.unwrap(), 1.5);
    assert_eq!(g.add_strike(UserId(7), T0 + day / 2, day).await.unwrap(), 2.5);
    assert_eq!(g.strikes(UserId(7), T0 + 10 * day, day).await.unwrap(), 0.0);
    assert_eq!(g.add_strike(UserId(7), T0 + 10 * day, day).await.unwrap(), 1.0, "decay floors at zero");
    g.forgive(UserId(7)).await.unwrap();
    assert_eq!(g.strikes(UserId(7), T0, day).await.unwrap(), 0.0);
    store.close().await;
}
both!(strikes_decay);

async fn incidents_undo_in_one_step(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    let mut actions = raid(G, 5, T0, 1..4);
    actions.push(
        Action::new(T0 + 500, G, ActionKind::Ban, Detector::Raid, "confirmed".into())
            .users([UserId(1), UserId(2)])
            .incident(IncidentId(5)),
    );
    actions.push(
        Action::new(T0 + 600, G, ActionKind::DeleteMessage, Detector::Raid, "raid spam".into())
            .user(UserId(3))
            .message(moat_core::id::ChannelId(1), moat_core::id::MessageId(2))
            .incident(IncidentId(5)),
    );
    store.record(&actions).await.unwrap();
    let g = store.guild(G).unwrap();
    let inc = g.incident(IncidentId(5)).await.unwrap();
    assert_eq!(inc.summary.kind, "raid");
    let plan = inc.undo.describe();
    assert_eq!(
        plan,
        "end the lockdown; unban 2 members; lift the timeout of 3 members; 1 deleted message cannot be restored (what was kept of them is in the evidence export)"
    );
    assert_eq!(g.pending_timers().await.unwrap().len(), 4, "3 timeouts and the lockdown");
    let done = g.mark_undone(IncidentId(5), "alice", T0 + MIN).await.unwrap();
    assert_eq!(done.describe(), plan);
    assert!(g.pending_timers().await.unwrap().is_empty(), "undoing cancels the incident's timers");
    assert_eq!(g.lockdown().await.unwrap(), None);
    let s = g.incident(IncidentId(5)).await.unwrap().summary;
    assert_eq!((s.status(), s.undone_by.as_deref()), ("undone", Some("alice")));
    assert!(matches!(g.mark_undone(IncidentId(5), "bob", T0).await, Err(StoreError::Invalid(_))), "not twice");
    store.close().await;
}
both!(incidents_undo_in_one_step);

async fn recorder_writes_behind_and_reports_a_full_queue(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    let rec =
        Recorder::spawn(store.clone(), RecorderOptions { capacity: 8, batch_max: 4, attempts: 2 }).expect("recorder");
    // The test's runtime is single-threaded: the task cannot drain until we yield, so the
    // ninth action finds the queue full.
    let mut refused = 0;
    for i in 0..10u64 {
        match rec.record(flood(G, 100 + i, i + 1, T0, T0 + MIN)) {
            Ok(()) => {}
            Err(RecordError::Full { capacity: 8 }) => refused += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(refused, 2);
    rec.flush().await.unwrap();
    assert_eq!(rec.stats().written, 8);
    assert_eq!(store.guild(G).unwrap().incidents(100).await.unwrap().len(), 8);
    // More, then a clean shutdown writes them too.
    for i in 0..5u64 {
        rec.record(flood(G, 200 + i, i + 1, T0, T0 + MIN)).unwrap();
    }
    let stats = rec.shutdown().await;
    assert_eq!((stats.written, stats.refused, stats.failed), (13, 2, 0));
    assert!(stats.batches >= 4, "{stats:?}");
    assert_eq!(store.guild(G).unwrap().incidents(100).await.unwrap().len(), 13);

    // One bad action (an id SQL cannot hold) is reported alone; its batch-mates are kept.
    let rec = Recorder::spawn(store.clone(), RecorderOptions::default()).expect("recorder");
    rec.record(flood(H, 1, 1, T0, T0 + MIN)).unwrap();
    rec.record(
        Action::new(T0, H, ActionKind::Kick, Detector::Scam, "x".into()).user(UserId(u64::MAX)).incident(IncidentId(2)),
    )
    .unwrap();
    rec.record(flood(H, 3, 3, T0, T0 + MIN)).unwrap();
    let stats = rec.shutdown().await;
    assert_eq!((stats.written, stats.failed), (2, 1));
    assert_eq!(store.guild(H).unwrap().incidents(100).await.unwrap().len(), 2);
    store.close().await;
}
both!(recorder_writes_behind_and_reports_a_full_queue);

async fn bad_input_is_refused_not_panicked(db: &Db) {
    let store = Store::open(&db.url).await.unwrap();
    let e = store.guild(GuildId(u64::MAX)).unwrap_err().to_string();
    assert!(e.contains("guild id 18446744073709551615"), "{e}");
    let bad = Action::new(T0, G, ActionKind::Timeout, Detector::Pressure, "x".into())
        .user(UserId(u64::MAX))
        .incident(IncidentId(9));
    let e = store.record(&[flood(G, 8, 1, T0, T0 + MIN), bad]).await.unwrap_err().to_string();
    assert!(e.contains("user id"), "{e}");
    assert!(store.guild(G).unwrap().incidents(10).await.unwrap().is_empty(), "the batch is all or nothing");
    let g = store.guild(G).unwrap();
    assert!(g.create_pool("  ", T0).await.is_err());
    assert!(matches!(g.incident(IncidentId(12345)).await, Err(StoreError::NotFound(_))));
    store.close().await;
    assert!(Store::open("mysql://x").await.unwrap_err().to_string().contains("neither"));
}
both!(bad_input_is_refused_not_panicked);

async fn commands_migrate_list_show_export(db: &Db) {
    let d = db.url.as_str();
    let (code, out, err) = run(Command::DbMigrate, d);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("migrated: applied version(s) 1"), "{out}");
    let (_, out, _) = run(Command::DbMigrate, d);
    assert!(out.contains("up to date (schema version 4)"), "{out}");

    // `moat replay --database` goes through record_replay, off any runtime.
    let url = db.url.clone();
    let (first, again) = std::thread::spawn(move || {
        let mut actions = raid(G, 77, T0, 1..3);
        actions.push(flood(G, 78, 9, T0 + MIN, T0 + 2 * MIN));
        (record_replay(&url, &actions), record_replay(&url, &actions))
    })
    .join()
    .unwrap();
    let (first, again) = (first.unwrap(), again.unwrap());
    assert_eq!((first.actions, first.duplicates, first.evidence, first.timers), (4, 0, 3, 4));
    assert_eq!((again.actions, again.duplicates, again.evidence), (0, 4, 0), "replaying again records nothing twice");

    let (code, out, _) = run(Command::IncidentsList { guild: None, json: false, limit: 50 }, d);
    assert_eq!(code, 0);
    assert!(out.starts_with("INCIDENT"), "{out}");
    assert!(out.contains("raid") && out.contains("flood") && out.contains("open"), "{out}");
    let (code, out, _) = run(Command::IncidentsShow { id: IncidentId(77), guild: None, json: false }, d);
    assert_eq!(code, 0);
    assert!(out.contains("incident 77 in guild 424242424242: raid"), "{out}");
    assert!(out.contains("undo: end the lockdown; lift the timeout of 2 members"), "{out}");
    let (code, out, _) = run(Command::IncidentsShow { id: IncidentId(77), guild: None, json: true }, d);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["timeline"].as_array().unwrap().len(), 3);
    assert_eq!(v["member_ids"], serde_json::json!(["1", "2"]));
    let (code, out, _) = run(Command::EvidenceExport { incident: IncidentId(78), guild: None }, d);
    assert_eq!(code, 0);
    assert!(out.contains("spam spam spam"));

    // Missing things exit 1 (usage errors are clap's, in the `moat` binary).
    let (code, _, err) = run(Command::IncidentsShow { id: IncidentId(4), guild: None, json: false }, d);
    assert_eq!(code, 1);
    assert!(err.contains("not found: incident 4"));
    let (code, _, err) = run(Command::IncidentsList { guild: None, json: false, limit: 50 }, "mysql://nope");
    assert_eq!(code, 1);
    assert!(err.contains("neither"), "{err}");
    let _ = TimerKind::Unban;
}
both!(commands_migrate_list_show_export);

/// Several processes' worth of stores opening one fresh database at once all migrate it
/// without error, and it ends at the latest version once.
async fn concurrent_first_opens_migrate_once(db: &Db) {
    let opens = (0..4).map(|_| {
        let url = db.url.clone();
        async move { Store::open(&url).await }
    });
    let stores: Vec<Store> = futures_join_all(opens).await;
    let (code, out, _) = run(Command::DbMigrate, &db.url);
    assert_eq!(code, 0);
    assert!(out.contains("up to date"), "{out}");
    for s in stores {
        s.close().await;
    }
}
both!(concurrent_first_opens_migrate_once);

async fn futures_join_all<F: std::future::Future<Output = moat_store::Result<Store>> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<Store> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task").expect("open"));
    }
    out
}

#[tokio::test]
async fn memory_databases_work() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    store.record(&[flood(G, 1, 1, T0, T0 + MIN)]).await.unwrap();
    assert_eq!(store.guild(G).unwrap().incidents(10).await.unwrap().len(), 1);
}

#[test]
fn recorder_outside_a_runtime_is_an_error_not_a_panic() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = rt.block_on(Store::open("sqlite::memory:")).unwrap();
    let e = Recorder::spawn(store.clone(), RecorderOptions::default()).err().expect("no runtime here");
    assert!(e.to_string().contains("needs a tokio runtime"), "{e}");
    // From a plain thread, with the task on a runtime.
    let rec = Recorder::spawn_on(rt.handle(), store.clone(), RecorderOptions::default());
    std::thread::spawn({
        let action = flood(G, 1, 1, T0, T0 + MIN);
        move || rec.record(action).map(|_| rec)
    })
    .join()
    .unwrap()
    .map(|rec| rt.block_on(rec.shutdown()))
    .unwrap();
    assert_eq!(rt.block_on(store.guild(G).unwrap().incidents(10)).unwrap().len(), 1);
}
