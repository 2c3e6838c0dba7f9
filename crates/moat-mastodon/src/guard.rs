//! The live decision loop of one guarded server: what [`crate::Server`] receives goes
//! through [`crate::translate`] into the engine, and the engine's actions go back out
//! through the admin client's queue. `moat run`, `moat demo --mastodon` and the end-to-end
//! tests all run this one loop, so they take one decision path.
//!
//! Time: the engine is told each event's own time (`created_at`), never the reader's, so a
//! replayed capture and a live server decide alike. Between events the engine's clock moves
//! on by the wall time since the last event ([`Guard::tick`]), so a wave's end (lifting its
//! mail domain blocks) still comes when the server is quiet.
//!
//! The loop hands every engine action, with the admin calls it became, to the caller's hook
//! (`moat run` records it in the store and logs it), and every finished call back as an
//! [`crate::ActionReport`]: nothing is done or refused without the caller seeing it.

use std::time::Instant;

use moat_core::{Action, Engine};
use tokio::sync::{mpsc, watch};

use crate::actions::queue::ActionSender;
use crate::inbound::Inbound;
use crate::translate::{actions::requests, Translator};
use crate::{ActionReport, MastodonAction};

/// What the loop tells its caller.
#[derive(Debug)]
pub enum GuardFeed<'a> {
    /// The engine decided `action`; `calls` are the admin API calls queued for it.
    Action { action: &'a Action, calls: &'a [MastodonAction], translator: &'a Translator },
    /// An admin call finished.
    Done(&'a ActionReport),
    /// Something could not be read, or a catch-up stopped short (already counted in the
    /// server's stats).
    Problem(String),
}

/// Counts at the end of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuardTotals {
    pub events: u64,
    pub actions: u64,
    pub calls_sent: u64,
    pub calls_done: u64,
    pub calls_failed: u64,
}

/// One server's engine, translator and action queue.
pub struct Guard {
    pub engine: Engine,
    pub translator: Translator,
    /// The dashboard's incident address, put in the admins' message (none: the CLI command).
    pub incident_url: Option<String>,
    last_ms: u64,
    last_at: Option<Instant>,
    out: Vec<Action>,
    pub totals: GuardTotals,
}

impl Guard {
    /// A guard for the server at `server` (its URL names its guild in the engine).
    pub fn new(server: &str, engine: Engine) -> Guard {
        Guard {
            engine,
            translator: Translator::new(server),
            incident_url: None,
            last_ms: 0,
            last_at: None,
            out: Vec::new(),
            totals: GuardTotals::default(),
        }
    }

    /// Handles one inbound item; the actions it leads to are queued on `sender`.
    pub async fn handle(
        &mut self,
        item: Inbound,
        sender: &ActionSender,
        hook: &mut (dyn for<'a> FnMut(GuardFeed<'a>) + Send),
    ) {
        match item {
            Inbound::Event(e) => {
                self.totals.events += 1;
                self.last_ms = self.last_ms.max(e.at_ms.unwrap_or(self.last_ms));
                self.last_at = Some(Instant::now());
                self.translator.handle(&mut self.engine, &e, self.last_ms, &mut self.out);
            }
            Inbound::Done(r) => {
                self.totals.calls_done += 1;
                if r.result.is_err() {
                    self.totals.calls_failed += 1;
                }
                hook(GuardFeed::Done(&r));
            }
            Inbound::Unreadable { source, error } => {
                hook(GuardFeed::Problem(format!("unreadable {source:?}: {error}")))
            }
            Inbound::Gap { after } => hook(GuardFeed::Problem(format!(
                "catch-up stopped at its page limit after status {}: some public posts may be missing",
                after.as_str()
            ))),
        }
        self.flush(sender, hook).await;
    }

    /// Moves the engine's clock on by the wall time since the last event (timers, the end
    /// of a wave) and queues what that leads to.
    pub async fn tick(&mut self, sender: &ActionSender, hook: &mut (dyn for<'a> FnMut(GuardFeed<'a>) + Send)) {
        let Some(at) = self.last_at else { return };
        let now = self.last_ms.saturating_add(at.elapsed().as_millis() as u64);
        self.engine.advance(now, &mut self.out);
        self.flush(sender, hook).await;
    }

    async fn flush(&mut self, sender: &ActionSender, hook: &mut (dyn for<'a> FnMut(GuardFeed<'a>) + Send)) {
        for a in std::mem::take(&mut self.out) {
            self.totals.actions += 1;
            let calls = requests(&a, &self.translator.ids, self.incident_url.as_deref());
            hook(GuardFeed::Action { action: &a, calls: &calls, translator: &self.translator });
            for c in calls {
                if sender.send(c).await.is_ok() {
                    self.totals.calls_sent += 1;
                }
            }
        }
    }

    /// Runs until `stop` turns true (then waits, up to `drain`, for the calls in flight to
    /// report) or the server's events end.
    pub async fn run(
        mut self,
        mut events: mpsc::Receiver<Inbound>,
        sender: ActionSender,
        mut stop: watch::Receiver<bool>,
        drain: std::time::Duration,
        mut hook: Box<dyn for<'a> FnMut(GuardFeed<'a>) + Send>,
    ) -> GuardTotals {
        let tick = std::time::Duration::from_secs(1);
        loop {
            tokio::select! {
                item = events.recv() => match item {
                    Some(i) => self.handle(i, &sender, &mut *hook).await,
                    None => return self.totals,
                },
                _ = stop.changed() => break,
                _ = tokio::time::sleep(tick) => self.tick(&sender, &mut *hook).await,
            }
            if *stop.borrow() {
                break;
            }
        }
        let deadline = tokio::time::Instant::now() + drain;
        while self.totals.calls_done < self.totals.calls_sent {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Some(i @ Inbound::Done(_))) => self.handle(i, &sender, &mut *hook).await,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        self.totals
    }
}
