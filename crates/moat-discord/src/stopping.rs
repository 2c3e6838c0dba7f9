//! Stopping without losing anything, and starting again where the last stop left off.
//!
//! [`crate::Bot::shut_down`]: the shards close first (no new events), the engine task ends
//! and flushes the store's write-behind queue (every decided action recorded), the executor
//! sends what it was gathering (raid bans, alerts), then the calls in flight get a bounded
//! grace period. What the [ledger](crate::exec::ledger) still holds after it was never
//! answered: it is kept in the store (`moat_store::pending`) and the report says how much.
//!
//! At the next start, [`resend_pending`] takes what was kept and sends what is still due
//! (a timeout with what is left of its length; a delete, ban or kick decided within a day)
//! and drops the rest, saying which on stderr.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moat_core::Action;
use tokio::sync::mpsc::UnboundedSender;

use crate::exec::ledger::still_due;
use crate::exec::Job;
use crate::shared::Shared;

/// What a stop did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stopped {
    /// Calls owed when the shards closed (in flight or queued).
    pub owed_at_stop: usize,
    /// Of those, still unanswered when the grace ran out.
    pub unsent: usize,
    /// Of the unsent, kept in the store for the next start.
    pub kept: usize,
    /// Why the unsent could not be kept (no store, or the store failed).
    pub not_kept: Option<String>,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let done = self.owed_at_stop.saturating_sub(self.unsent);
        write!(f, "{done} of {} call(s) owed to Discord were sent during the grace period", self.owed_at_stop)?;
        if self.kept > 0 {
            write!(f, "; {} kept in the store for the next start", self.kept)?;
        }
        if let Some(why) = &self.not_kept {
            write!(f, "; {} could not be kept: {why}", self.unsent - self.kept)?;
        }
        write!(f, "; every decided action is recorded in the store")
    }
}

/// Waits for the ledger to empty, at most `grace`.
pub(crate) async fn drain(shared: &Shared, grace: Duration) {
    let deadline = Instant::now() + grace;
    while shared.ledger.open_count() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Keeps what the ledger still holds in `store`.
pub(crate) async fn keep(shared: &Shared, store: Option<&moat_store::Store>, owed_at_stop: usize) -> Stopped {
    let unsent = shared.ledger.unsent();
    let mut s = Stopped { owed_at_stop: owed_at_stop.max(unsent.len()), unsent: unsent.len(), ..Stopped::default() };
    if unsent.is_empty() {
        return s;
    }
    match store {
        None => s.not_kept = Some("no store (--database) to keep them in".into()),
        Some(store) => match store.keep_pending(&unsent, moat_clock::wall_ms()).await {
            Ok(n) => s.kept = n,
            Err(e) => s.not_kept = Some(e.to_string()),
        },
    }
    s
}

/// Sends what the last stop kept and is still due at `now`; says what it sent and dropped.
pub(crate) async fn resend_pending(
    store: &moat_store::Store,
    exec: &UnboundedSender<Job>,
    shared: &Arc<Shared>,
    now: u64,
) {
    let (kept, bad) = match store.take_pending().await {
        Ok(k) => k,
        Err(e) => {
            eprintln!("moat: could not read the calls kept at the last stop: {e}");
            return;
        }
    };
    if kept.is_empty() && bad == 0 {
        return;
    }
    let (mut due, mut dropped): (Vec<Action>, Vec<String>) = (Vec::new(), Vec::new());
    for k in kept {
        let what = describe(&k.action);
        match still_due(k.action, now) {
            Ok(a) => due.push(a),
            Err(why) => dropped.push(format!("{what}: {why}")),
        }
    }
    eprintln!(
        "moat: {} call(s) kept at the last stop: {} still due, sent now; {} no longer due, dropped{}",
        due.len() + dropped.len(),
        due.len(),
        dropped.len(),
        if bad > 0 { format!(" ({bad} unreadable row(s) dropped too)") } else { String::new() }
    );
    for d in dropped.iter().take(20) {
        eprintln!("moat:   dropped {d}");
    }
    if dropped.len() > 20 {
        eprintln!("moat:   ... and {} more dropped", dropped.len() - 20);
    }
    if !due.is_empty() {
        shared.begin();
        if exec.send(Job::Actions { actions: due, received: Instant::now() }).is_err() {
            shared.end();
        }
    }
}

/// `timeout of 123 in guild 9`, for the dropped list.
fn describe(a: &Action) -> String {
    let who = match (a.user_ids.as_slice(), a.message_id) {
        (_, Some(m)) => format!(" of message {m}"),
        ([u], None) => format!(" of {u}"),
        _ => String::new(),
    };
    format!("{}{who} in guild {}", a.kind.as_str(), a.guild_id)
}
