//! A wave recorded in the store and undone through the admin API: the fake plays a wave, the
//! live loop ([`Guard`]) contains it and each action is recorded as `moat run` records it;
//! the store then holds one incident for the wave naming the accounts as Mastodon does, with
//! the statuses kept as evidence; `undo_incident` unsilences and unsuspends every account and
//! lifts the blocks on the fake, marks the incident undone, and refuses a second undo.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Setup, T0};
use moat_core::time::MINUTE;
use moat_core::{Action, Engine};
use moat_fake_mastodon::{Pace, RateLimits, DEFAULT_TOKEN};
use moat_mastodon::guard::{Guard, GuardFeed};
use moat_mastodon::translate::record::for_store;
use moat_mastodon::undo::{undo_incident, UndoError};
use moat_mastodon::{Secret, ServerSettings};
use moat_store::Store;
use moat_testkit::fedi::{crowd, wave, world::FediWorld};
use tokio::sync::watch;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_wave_is_undone_through_the_admin_api() {
    let mut w = FediWorld::new(5);
    let c = crowd::community(&mut w, T0, 8);
    crowd::chat(&mut w, &c, T0, 15 * MINUTE);
    let shape = wave::WaveShape {
        accounts: 30,
        over: 10 * MINUTE,
        mentions: (6, 12),
        remote_share: 0.0,
        posts_per_account: (1, 2),
    };
    let spam = wave::wave(&mut w, &c, T0 + MINUTE, &shape);
    let capture = w.capture();

    let mut setup = Setup::new(300.0);
    setup.opts.rate_limits = RateLimits { per_token: 300, unauthenticated: 300, window_ms: 300_000 };
    let rig = setup.start().await;
    assert!(rig.fake.wait_streams(1, Duration::from_secs(10)).await);
    let base = rig.fake.base_url();
    let recorded: Arc<Mutex<Vec<Action>>> = Arc::default();
    let sink = recorded.clone();
    let url = base.clone();
    let hook = Box::new(move |f: GuardFeed<'_>| {
        if let GuardFeed::Action { action, translator, .. } = f {
            sink.lock().unwrap().push(for_store(action, &translator.ids, &url));
        }
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let guard = Guard::new(&base, Engine::with_defaults());
    let task = tokio::spawn(guard.run(rig.events, rig.actions, stop_rx, Duration::from_secs(30), hook));
    rig.fake.play(&capture, Pace::Clock).await;
    assert!(rig.fake.wait_webhooks(Duration::from_secs(20)).await);
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop_tx.send(true).unwrap();
    let totals = tokio::time::timeout(Duration::from_secs(60), task).await.expect("ends").expect("no panic");
    assert_eq!(totals.calls_failed, 0, "{totals:?}");

    let s = rig.fake.summary();
    let limited = |s: &serde_json::Value| -> Vec<String> {
        ["silenced", "suspended"]
            .iter()
            .flat_map(|k| s[k].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    assert!(!limited(&s).is_empty() && !s["ip_blocks"].as_array().unwrap().is_empty(), "the wave was acted on: {s}");

    let dir = std::env::temp_dir().join(format!("moat-mastodon-undo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("undo.db");
    let _ = std::fs::remove_file(&db);
    let store = Store::open(&format!("sqlite://{}", db.display())).await.expect("the store opens");
    let actions = recorded.lock().unwrap().clone();
    store.record(&actions).await.expect("recorded");
    let guild = moat_mastodon::translate::guild_of(&base);
    let scope = store.guild(guild).unwrap();
    let incidents = scope.incidents(10).await.unwrap();
    let with_members: Vec<_> = incidents.iter().filter(|i| i.members > 0).collect();
    assert_eq!(with_members.len(), 1, "one incident for the wave: {incidents:?}");
    let wave_incident = with_members[0];
    let full = scope.incident(wave_incident.incident).await.unwrap();
    let m = full.mastodon.clone().expect("a Mastodon incident");
    assert_eq!(m.server, base);
    let spam_ids: Vec<String> = spam.iter().map(u64::to_string).collect();
    let named: Vec<String> = full.members.iter().map(|&u| m.account(u)).collect();
    assert!(named.iter().all(|a| spam_ids.contains(a)), "the incident names the wave's accounts: {named:?}");
    assert!(limited(&s).iter().all(|a| named.contains(a)), "every account limited is in the one incident");
    assert!(!m.undo.unsilence.is_empty() || !m.undo.unsuspend.is_empty());
    assert!(!m.undo.ip_blocks.is_empty(), "{:?}", m.undo);
    let evidence = scope.export_evidence(wave_incident.incident, T0).await.unwrap();
    assert_eq!(evidence["platform"], "mastodon");
    let kept = evidence["messages"].as_array().unwrap();
    assert!(!kept.is_empty() && kept.iter().all(|e| e["status_id"].is_string()), "the statuses are kept");

    let settings = ServerSettings::new(&base, Secret::new(DEFAULT_TOKEN));
    let report = undo_incident(
        &store,
        guild,
        wave_incident.incident,
        std::slice::from_ref(&settings),
        "admin",
        rig.clock.clone(),
    )
    .await
    .expect("undone");
    assert!(report.failed().is_empty(), "{}", report.describe());
    let after = rig.fake.summary();
    let still: Vec<String> = limited(&after).into_iter().filter(|a| named.contains(a)).collect();
    assert!(still.is_empty(), "every account of the incident is free again: {still:?}");
    assert!(after["ip_blocks"].as_array().unwrap().is_empty(), "the wave's IP blocks are lifted: {after}");
    assert!(scope.incident(wave_incident.incident).await.unwrap().summary.undone_at.is_some());
    let again = undo_incident(&store, guild, wave_incident.incident, &[settings], "admin", rig.clock.clone()).await;
    assert!(matches!(again, Err(UndoError::AlreadyUndone(_))), "{again:?}");
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
