//! What the bot's tasks share: counters, the live feed `moat demo` prints, the evidence
//! file, and the measurements the benchmarks read.
//!
//! Evidence has one home: the store (when one is set) records every action with the
//! evidence the engine attached, and the evidence file (when set) gets a copy of each
//! before anything is deleted. The bot keeps no copy of its own in memory.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use moat_core::Action;
use tokio::sync::mpsc::UnboundedSender;

/// Something worth showing as it happens.
#[derive(Debug, Clone)]
pub enum Feed {
    /// The shard(s) identified.
    Ready { shard: u32 },
    /// The engine decided something.
    Action(Action),
    /// A REST call finished: what it was for, and its status (or the error).
    Call { what: String, status: Result<u16, String> },
    /// An alert was posted (`edit: false`) or updated (`edit: true`).
    Alert { text: String, edit: bool },
    /// Something moat cannot do, in plain words.
    Problem(String),
}

/// The first action-producing event, for "first action latency".
#[derive(Debug, Clone, Copy)]
pub struct FirstAction {
    pub shard: u32,
    pub seq: u64,
    pub received: Instant,
}

/// Counters and logs shared by the gateway, engine and executor tasks.
#[derive(Default)]
pub struct Shared {
    /// Dispatches handled by the engine (what a lockstep player waits for).
    pub handled: Arc<AtomicU64>,
    pub actions: AtomicU64,
    pub calls_ok: AtomicU64,
    pub calls_failed: AtomicU64,
    /// Work queued or running in the executor (0 = idle).
    pub outstanding: AtomicU64,
    /// Guilds with raid bans gathering to be sent together.
    pub held_bans: AtomicU64,
    /// Alerts waiting to be posted or edited.
    pub alerts_dirty: AtomicU64,
    /// Guilds moat holds locked down now (the executor's count).
    pub lockdowns: AtomicU64,
    pub first_action: Mutex<Option<FirstAction>>,
    /// Event received → first REST call of its actions sent.
    pub latencies: Mutex<Vec<Duration>>,
    pub evidence_file: Mutex<Option<std::fs::File>>,
    /// Dispatches the engine does not use (counted, not judged).
    pub unused_events: AtomicU64,
    /// Dispatches that could not be read (reported once each kind, counted).
    pub bad_events: AtomicU64,
    pub problems: Mutex<Vec<String>>,
    pub feed: Mutex<Option<UnboundedSender<Feed>>>,
    /// moat's own cap on requests per second, under Discord's global 50.
    pub pace: Pace,
    /// The engine's configuration as the executor must see it (each guild's own silence
    /// role); the engine task publishes it at start and on every change.
    pub config: Mutex<Arc<moat_core::Config>>,
    /// The guilds moat is in, with their names (for the dashboard).
    pub guild_names: Mutex<std::collections::BTreeMap<moat_core::id::GuildId, String>>,
    /// Where each event's guild and kind go, when the dashboard listens.
    pub events_tap: Mutex<Option<UnboundedSender<(moat_core::id::GuildId, &'static str)>>>,
    /// In a cluster: which guilds this process holds the lease of (see [`crate::cluster`]).
    pub gate: std::sync::OnceLock<Arc<crate::cluster::Gate>>,
    /// In a cluster: the REST budget every process shares.
    pub budget: std::sync::OnceLock<moat_cluster::budget::RestBudget>,
    /// The calls owed to Discord until answered (what a stop keeps for the next start).
    pub ledger: crate::exec::ledger::Ledger,
    /// `moat run --dry-run`: every guild only alerts (see [`crate::dry`]).
    pub dry_run: std::sync::atomic::AtomicBool,
    /// Each guild's state as the dashboard shows it (raid or not, who is under pressure),
    /// published by the engine task about once a second while a dashboard is attached.
    pub snapshots: Mutex<std::collections::HashMap<moat_core::id::GuildId, moat_http::GuildSnapshot>>,
    /// The operator's metrics, when a dashboard serves them: REST calls are counted where
    /// they are made, the rest by [`crate::live`].
    pub metrics: Mutex<Option<Arc<moat_http::Metrics>>>,
}

/// Requests per rolling second moat allows itself: below Discord's global 50, which is
/// counted in fixed windows that a burst can straddle.
pub const REQUESTS_PER_SECOND: usize = 45;

/// A rolling one-second window of request times.
#[derive(Default)]
pub struct Pace(Mutex<std::collections::VecDeque<Instant>>);

impl Pace {
    /// Waits until one more request fits in the rolling second, and counts it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut w = lock(&self.0);
                let now = Instant::now();
                while w.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1)) {
                    w.pop_front();
                }
                if w.len() < REQUESTS_PER_SECOND {
                    w.push_back(now);
                    return;
                }
                w.front()
                    .map_or(Duration::from_millis(1), |t| Duration::from_secs(1).saturating_sub(now.duration_since(*t)))
            };
            tokio::time::sleep(wait + Duration::from_millis(1)).await;
        }
    }
}

/// Latency samples kept at most.
pub const LATENCY_SAMPLES: usize = 100_000;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// Whether `guild`'s shard lease ran out while NATS was gone: alert there, act no more.
    pub fn alerts_only(&self, guild: moat_core::id::GuildId) -> bool {
        self.gate.get().is_some_and(|g| g.alerts_only(guild.0))
    }

    pub(crate) fn emit(&self, f: Feed) {
        if let Some(tx) = lock(&self.feed).as_ref() {
            let _ = tx.send(f);
        }
    }

    /// Appends an action, with its evidence, to the evidence file when one is set, before
    /// anything is deleted.
    pub(crate) fn keep_evidence(&self, a: &Action) {
        let mut file = lock(&self.evidence_file);
        let Some(f) = file.as_mut() else { return };
        let mut v = moat_core::action::json::to_value(a);
        if let Some(o) = v.as_object_mut() {
            o.insert("kept_at".into(), moat_clock::wall_ms().into());
        }
        let _ = writeln!(f, "{v}");
    }

    pub(crate) fn tap_event(&self, guild: moat_core::id::GuildId, kind: &'static str) {
        if let Some(tx) = lock(&self.events_tap).as_ref() {
            let _ = tx.send((guild, kind));
        }
    }

    /// One REST attempt's outcome for the metrics (`status` 0: no answer).
    pub(crate) fn rest_metric(&self, what: &str, status: u16, took: Duration) {
        if let Some(m) = lock(&self.metrics).as_ref() {
            m.rest_done(what, status, took.as_secs_f64());
        }
    }

    pub(crate) fn metrics(&self) -> Option<Arc<moat_http::Metrics>> {
        lock(&self.metrics).clone()
    }

    pub(crate) fn begin(&self) {
        self.outstanding.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn end(&self) {
        self.outstanding.fetch_sub(1, Ordering::AcqRel);
    }

    /// Records a problem once, and tells the feed.
    pub(crate) fn problem(&self, text: String) -> bool {
        let mut p = lock(&self.problems);
        if p.contains(&text) {
            return false;
        }
        p.push(text.clone());
        drop(p);
        self.emit(Feed::Problem(text));
        true
    }
}
