//! The write-behind recorder: the detection path hands actions over and moves on.
//!
//! [`Recorder::record`] never waits: it puts the action on a bounded channel
//! (`try_send`) read by one task that batches what has queued up (up to `batch_max`) and
//! writes each batch in one transaction ([`Store::record`]). A full channel means the
//! database cannot keep up; the action is then refused, counted, reported on stderr and the
//! error returned, never silently dropped. A failed batch is retried with backoff (recording
//! is idempotent, so a retry after an ambiguous commit duplicates nothing), then reported and
//! counted; an action the store refuses as invalid is reported alone, its batch-mates are
//! still recorded. [`Recorder::flush`] waits until everything handed over so far is committed (a
//! "confirmed" point); [`Recorder::shutdown`] flushes and stops the task.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moat_core::Action;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::error::{Result, StoreError};
use crate::Store;

/// Sizes of the recorder.
#[derive(Debug, Clone, Copy)]
pub struct RecorderOptions {
    /// Actions that can wait for the database before `record` refuses more.
    pub capacity: usize,
    /// Most actions written in one transaction.
    pub batch_max: usize,
    /// Attempts per batch before it is reported lost, with backoff from 100 ms doubling to
    /// 5 s (the default 8 ride out about 11 s of database outage, e.g. a restart).
    pub attempts: u32,
}

impl Default for RecorderOptions {
    fn default() -> Self {
        Self { capacity: 65_536, batch_max: 512, attempts: 8 }
    }
}

/// Counters of what the recorder did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecorderStats {
    /// Actions committed to the database.
    pub written: u64,
    /// Actions refused because the channel was full.
    pub refused: u64,
    /// Actions lost because their batch failed every attempt.
    pub failed: u64,
    /// Transactions committed.
    pub batches: u64,
}

#[derive(Default)]
struct Counters {
    written: AtomicU64,
    refused: AtomicU64,
    failed: AtomicU64,
    batches: AtomicU64,
    /// When the oldest action of the batch being written was handed over (`None`: idle).
    writing_since: std::sync::Mutex<Option<std::time::Instant>>,
}

enum Msg {
    Action(Box<Action>, std::time::Instant),
    Flush(oneshot::Sender<()>),
}

/// Why an action was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// The channel is full: the database is behind by `capacity` actions.
    Full { capacity: usize },
    /// The recorder was shut down.
    Closed,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Full { capacity } => {
                write!(f, "recorder queue full ({capacity} actions waiting for the database); action not recorded")
            }
            RecordError::Closed => f.write_str("recorder is shut down; action not recorded"),
        }
    }
}

impl std::error::Error for RecordError {}

/// Handle to the write-behind task. Create it inside a tokio runtime.
pub struct Recorder {
    tx: mpsc::Sender<Msg>,
    counters: Arc<Counters>,
    capacity: usize,
    task: JoinHandle<()>,
}

impl Recorder {
    /// Starts the task writing into `store` on the current tokio runtime; an error (not a
    /// panic) when called outside one.
    pub fn spawn(store: Store, options: RecorderOptions) -> Result<Recorder> {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| {
            StoreError::Invalid(
                "Recorder::spawn needs a tokio runtime; call it inside one or use Recorder::spawn_on".into(),
            )
        })?;
        Ok(Recorder::spawn_on(&handle, store, options))
    }

    /// Starts the task on `runtime`. [`Recorder::record`] can then be called from any
    /// thread, async or not.
    pub fn spawn_on(runtime: &tokio::runtime::Handle, store: Store, options: RecorderOptions) -> Recorder {
        let capacity = options.capacity.max(1);
        let (tx, rx) = mpsc::channel(capacity);
        let counters = Arc::new(Counters::default());
        let task = runtime.spawn(run(store, rx, options, counters.clone()));
        Recorder { tx, counters, capacity, task }
    }

    /// Hands an action over without waiting. On a full queue the action is refused,
    /// counted and reported (on stderr for the first and every 1000th refusal).
    pub fn record(&self, action: Action) -> Result<(), RecordError> {
        match self.tx.try_send(Msg::Action(Box::new(action), std::time::Instant::now())) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                let n = self.counters.refused.fetch_add(1, Ordering::Relaxed) + 1;
                if n == 1 || n.is_multiple_of(1000) {
                    tracing::warn!(
                        "recorder queue full ({} waiting); {n} action(s) not recorded so far",
                        self.capacity
                    );
                }
                Err(RecordError::Full { capacity: self.capacity })
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(RecordError::Closed),
        }
    }

    /// Waits until every action handed over before this call is committed (or reported
    /// failed: check [`Recorder::stats`]).
    pub async fn flush(&self) -> Result<()> {
        let (done, wait) = oneshot::channel();
        self.tx.send(Msg::Flush(done)).await.map_err(|_| StoreError::Invalid("recorder is shut down".into()))?;
        wait.await.map_err(|_| StoreError::Invalid("recorder task stopped before flushing".into()))
    }

    pub fn stats(&self) -> RecorderStats {
        stats_of(&self.counters)
    }

    /// How far the database trails: how long the oldest action not yet written has waited
    /// (zero when nothing waits). The `moat_store_write_lag_seconds` an operator watches.
    pub fn write_lag(&self) -> Duration {
        let since = *self.counters.writing_since.lock().unwrap_or_else(|e| e.into_inner());
        since.map_or(Duration::ZERO, |t| t.elapsed())
    }

    /// Flushes everything handed over, stops the task and returns the final counters.
    pub async fn shutdown(self) -> RecorderStats {
        let Recorder { tx, counters, task, .. } = self;
        // Closing the channel lets the task drain what is queued, then end.
        drop(tx);
        if let Err(e) = task.await {
            tracing::error!("recorder task ended abnormally: {e}");
        }
        stats_of(&counters)
    }
}

fn stats_of(c: &Counters) -> RecorderStats {
    RecorderStats {
        written: c.written.load(Ordering::Relaxed),
        refused: c.refused.load(Ordering::Relaxed),
        failed: c.failed.load(Ordering::Relaxed),
        batches: c.batches.load(Ordering::Relaxed),
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Msg>, options: RecorderOptions, counters: Arc<Counters>) {
    let batch_max = options.batch_max.max(1);
    let mut batch: Vec<Action> = Vec::with_capacity(batch_max);
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        let mut oldest = None;
        while let Some(msg) = next.take() {
            match msg {
                Msg::Action(a, at) => {
                    oldest.get_or_insert(at);
                    batch.push(*a)
                }
                Msg::Flush(done) => waiting.push(done),
            }
            if batch.len() >= batch_max {
                break;
            }
            next = rx.try_recv().ok();
        }
        if !batch.is_empty() {
            *counters.writing_since.lock().unwrap_or_else(|e| e.into_inner()) = oldest;
            write(&store, &batch, options.attempts, &counters).await;
            *counters.writing_since.lock().unwrap_or_else(|e| e.into_inner()) = None;
            batch.clear();
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

async fn write(store: &Store, batch: &[Action], attempts: u32, counters: &Counters) {
    let attempts = attempts.max(1);
    let mut delay = Duration::from_millis(100);
    for attempt in 1..=attempts {
        match store.record(batch).await {
            Ok(_) => {
                counters.written.fetch_add(batch.len() as u64, Ordering::Relaxed);
                counters.batches.fetch_add(1, Ordering::Relaxed);
                return;
            }
            // Bad input fails the same way every time: record the others one by one, so one
            // bad action does not take its batch with it.
            Err(StoreError::Invalid(_)) if batch.len() > 1 => {
                for one in batch.chunks(1) {
                    Box::pin(write(store, one, attempts, counters)).await;
                }
                return;
            }
            Err(e @ StoreError::Invalid(_)) => {
                counters.failed.fetch_add(1, Ordering::Relaxed);
                tracing::error!("action NOT recorded: {e}");
                return;
            }
            Err(e) if attempt < attempts => {
                tracing::warn!(
                    "recording {} action(s) failed (attempt {attempt} of {attempts}), retrying in {delay:?}: {e}",
                    batch.len()
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => {
                counters.failed.fetch_add(batch.len() as u64, Ordering::Relaxed);
                tracing::error!("{} action(s) NOT recorded after {attempts} attempts: {e}", batch.len());
            }
        }
    }
}
