//! Recording from synchronous callers (`moat replay --database`, `moat demo --database`).
//!
//! The CLI is synchronous; this builds a small single-threaded runtime, opens (and
//! migrates) the store, and records the actions in batches of [`REPLAY_BATCH`], each in
//! one transaction, so a large replay neither holds one huge transaction nor pays one
//! commit per action.

use moat_core::Action;

use crate::error::{Result, StoreError};
use crate::{RecordReport, Store};

/// Actions per transaction when recording a replay.
pub const REPLAY_BATCH: usize = 1000;

/// Builds the runtime the synchronous entry points use. Refuses to run inside a tokio
/// runtime (it would block it); async callers use [`Store`] directly.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(StoreError::Invalid(
            "called from inside a tokio runtime; use moat_store::Store (async) there".into(),
        ));
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StoreError::Invalid(format!("cannot start the runtime: {e}")))
}

/// Records `actions` into the database at `database` (a URL or a SQLite file path; see
/// [`crate::backend::normalize`]), migrating it first. Returns what was written. Running
/// the same replay again records nothing new (`duplicates` counts what was skipped).
pub fn record_replay(database: &str, actions: &[Action]) -> Result<RecordReport> {
    let url = crate::backend::normalize(database);
    runtime()?.block_on(async {
        let store = Store::open(&url).await?;
        let mut total = RecordReport::default();
        for chunk in actions.chunks(REPLAY_BATCH) {
            let r = store.record(chunk).await?;
            total.actions += r.actions;
            total.duplicates += r.duplicates;
            total.evidence += r.evidence;
            total.timers += r.timers;
        }
        store.close().await;
        Ok(total)
    })
}

/// Opens (creating and migrating if needed) the store at `database` and closes it again:
/// `moat replay --database` calls this before replaying, so an unreachable server or a
/// refused file fails at once instead of after the whole replay.
pub fn check_store(database: &str) -> Result<()> {
    let url = crate::backend::normalize(database);
    runtime()?.block_on(async {
        let store = Store::open(&url).await?;
        store.close().await;
        Ok(())
    })
}
