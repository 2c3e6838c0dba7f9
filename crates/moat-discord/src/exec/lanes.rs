//! Lanes: one call in flight per route and major id, in the order queued.
//!
//! twilight's ratelimiter only knows a bucket after Discord's first answer on it; calls
//! fired in parallel at an unknown bucket all go out at once and earn 429s (which Discord
//! counts against the bot). One worker per lane sends the next call only after the last
//! one's answer, so every call after the first respects the bucket's headers. The
//! [`Barrier`] lets member actions wait for the same batch's deletes: spam goes first.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::Notify;

use crate::shared::Shared;

/// One queued call.
pub type Work = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The lanes, created on first use.
#[derive(Default)]
pub struct Lanes {
    lanes: HashMap<String, UnboundedSender<Work>>,
}

impl Lanes {
    /// Queues `work` on `lane`; the lane's worker ends `outstanding` when it has run.
    pub fn push(&mut self, shared: &Arc<Shared>, lane: String, work: Work) {
        let tx = self.lanes.entry(lane).or_insert_with(|| {
            let (tx, mut rx) = unbounded_channel::<Work>();
            let shared = shared.clone();
            tokio::spawn(async move {
                while let Some(w) = rx.recv().await {
                    w.await;
                    shared.end();
                }
            });
            tx
        });
        if let Err(e) = tx.send(work) {
            // The worker is gone (runtime shutting down): run it here instead.
            let shared = shared.clone();
            tokio::spawn(async move {
                e.0.await;
                shared.end();
            });
        }
    }
}

/// Waits for a batch's deletes (at most [`Barrier::MAX_WAIT`]).
#[derive(Clone)]
pub struct Barrier(Arc<(AtomicUsize, Notify)>);

impl Barrier {
    /// Member actions never wait longer than this for deletes.
    pub const MAX_WAIT: Duration = Duration::from_secs(2);

    pub fn new(calls: usize) -> Barrier {
        Barrier(Arc::new((AtomicUsize::new(calls), Notify::new())))
    }

    /// One delete call finished (well or not).
    pub fn arrive(&self) {
        if self.0 .0.fetch_sub(1, Ordering::AcqRel) <= 1 {
            self.0 .1.notify_waiters();
        }
    }

    pub async fn wait(&self) {
        let _ = tokio::time::timeout(Self::MAX_WAIT, async {
            loop {
                let notified = self.0 .1.notified();
                if self.0 .0.load(Ordering::Acquire) == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await;
    }
}
