//! The store's futures are `Send`, so the bot can call it from `tokio::spawn`ed tasks on a
//! multi-threaded runtime. (Compiling is the test.)

use moat_core::id::{GuildId, IncidentId as I, UserId};
use moat_store::timers::TimerKind;
use moat_store::Store;

fn send<T: Send>(_: T) {}

#[allow(dead_code)]
fn store_futures_are_send(store: &'static Store) {
    send(Store::open("sqlite::memory:"));
    send(store.migrate());
    send(store.record(&[]));
    send(store.claim_due_timers(0, 1));
    send(store.active_lockdowns());
    send(store.purge_evidence(0, 30));
    send(store.maintain(0));
    send(store.locate_incident(I(1)));
    let g = store.guild(GuildId(1)).unwrap();
    send(g.incident(I(1)));
    send(g.incidents(10));
    send(g.export_evidence(I(1), 0));
    send(g.export_all(0));
    send(g.mark_undone(I(1), "x", 0));
    send(g.schedule(TimerKind::Unban, Some(UserId(1)), I(1), 0, 0));
    send(g.set_settings("", "x", "y", 0));
    send(g.add_strike(UserId(1), 0, 1));
    send(g.create_pool("p", 0));
    send(g.share_ban(UserId(1), "r", I(1), 0));
    send(g.delete_all_data());
}

#[test]
fn compiles() {}
