//! What the adapter hands its consumer ([`Inbound`]), and the one door every source goes
//! through to do it ([`Sink`]): a bounded channel, so a slow consumer makes the webhook
//! listener and the stream wait rather than drop anything, and one memory of statuses
//! already handed on, so a local post that comes both as its webhook and on the stream, or
//! again in a catch-up, is handed on once.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;

use crate::actions::ActionReport;
use crate::dedupe::Seen;
use crate::model::{Event, Source, StatusId};
use crate::parse::ParseError;
use crate::stats::{bump, Stats};

/// One thing for the consumer. (An event is ~0.6 KiB; they pass one at a time through a
/// bounded channel, so boxing it would only add an allocation.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// Something happened on the server.
    Event(Event),
    /// A verified webhook or a stream message that could not be read: reported, not dropped.
    Unreadable { source: Source, error: ParseError },
    /// An action finished (done, done already, or failed).
    Done(ActionReport),
    /// A catch-up stopped at its page limit: public statuses after `after`, up to where the
    /// stream resumed, may be missing from what was handed on.
    Gap { after: StatusId },
}

/// The consumer is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The door to the consumer.
#[derive(Clone)]
pub(crate) struct Sink {
    tx: mpsc::Sender<Inbound>,
    seen: Arc<Mutex<Seen>>,
    stats: Arc<Stats>,
}

impl Sink {
    pub fn new(tx: mpsc::Sender<Inbound>, remember: usize, stats: Arc<Stats>) -> Sink {
        Sink { tx, seen: Arc::new(Mutex::new(Seen::new(remember))), stats }
    }

    /// Hands on an event unless the same status was; returns whether it was new. Waits while
    /// the consumer is behind.
    pub async fn event(&self, e: Event) -> Result<bool, Closed> {
        let key = e.dedupe_key();
        if let Some(k) = &key {
            if !lock(&self.seen).insert(k) {
                bump(&self.stats.events_duplicate);
                return Ok(false);
            }
        }
        if self.tx.send(Inbound::Event(e)).await.is_err() {
            if let Some(k) = &key {
                lock(&self.seen).remove(k);
            }
            return Err(Closed);
        }
        bump(&self.stats.events_delivered);
        Ok(true)
    }

    /// Hands on anything else.
    pub async fn send(&self, i: Inbound) -> Result<(), Closed> {
        self.tx.send(i).await.map_err(|_| Closed)
    }
}
