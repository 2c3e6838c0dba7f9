//! One identify queue for every process: twilight's [`Queue`] over NATS.
//!
//! Discord allows one IDENTIFY per 5 s through each key `shard_id % max_concurrency`, and
//! 1,000 a day across the token. twilight's `InMemoryQueue` enforces that inside one process;
//! several processes each with their own would break both. Here a grant for key `k` is the
//! creation of key `k` in a bucket whose `max_age` is the 5 s window: `create` fails while
//! the last grant is younger than the window, so waiting shards poll until it has expired
//! (NATS 2.9 sends no event on expiry). The day's remaining count lives in a second bucket,
//! decremented with compare-and-set and seeded from `GET /gateway/bot`'s
//! `session_start_limit`; at zero, identifies wait for the reset.

use std::time::Duration;

use async_nats::jetstream::kv::{CreateErrorKind, Store, UpdateErrorKind};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use twilight_gateway_queue::Queue;

use crate::error::nats_err;
use crate::time::now_ms;
use crate::{Cluster, ClusterError};

/// `session_start_limit` from `GET /gateway/bot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartLimit {
    pub total: u32,
    pub remaining: u32,
    pub reset_after_ms: u64,
    pub max_concurrency: u32,
}

/// The day's count, shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub total: u32,
    pub remaining: u32,
    pub reset_at_ms: u64,
}

/// What each grant keeps its key closed beyond Discord's window.
const GRANT_MARGIN: Duration = Duration::from_secs(1);
/// How often a waiting shard looks again.
const POLL: Duration = Duration::from_millis(200);
const DAY_KEY: &str = "day";

/// The shared identify queue (clone it into each shard's config).
#[derive(Clone, Debug)]
pub struct NatsQueue {
    slots: Store,
    day: Store,
    limit: StartLimit,
    member: String,
}

impl NatsQueue {
    /// The queue with Discord's 5 s window.
    pub async fn open(cluster: &Cluster, limit: StartLimit) -> Result<Self, ClusterError> {
        Self::with_window(cluster, limit, twilight_gateway_queue::IDENTIFY_DELAY).await
    }

    /// The queue with another window (tests; a fake Discord with a shorter one).
    pub async fn with_window(cluster: &Cluster, limit: StartLimit, window: Duration) -> Result<Self, ClusterError> {
        // Over the window by a second: Discord measures the spacing when each IDENTIFY
        // arrives, and a shard granted its slot may send later than the next one (a slow
        // connect on a loaded machine), which would shorten the gap it sees. A fresh-clone
        // CI run earned a 4008 with a 100 ms margin.
        let slots = cluster.bucket("identify", window + GRANT_MARGIN, 1).await?;
        let day = cluster.bucket("day", Duration::ZERO, 1).await?;
        let limit = StartLimit { max_concurrency: limit.max_concurrency.max(1), ..limit };
        Ok(Self { slots, day, limit, member: cluster.member().into() })
    }

    /// Waits for shard `shard`'s turn: a unit of the day's budget, then its key's slot.
    pub async fn wait_turn(&self, shard: u32) {
        let mut logged = false;
        loop {
            match self.try_take_day().await {
                Ok(None) => break,
                Ok(Some(wait)) => {
                    if !logged {
                        tracing::warn!(
                            shard,
                            wait_s = wait.as_secs(),
                            "cluster: daily identify limit reached; waiting"
                        );
                        logged = true;
                    }
                    tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
                }
                Err(e) => {
                    tracing::warn!(shard, error = %e, "cluster: identify queue unavailable; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        let key = format!("k{}", shard % self.limit.max_concurrency);
        loop {
            match self.slots.create(&key, self.member.clone().into()).await {
                Ok(_) => return,
                Err(e) if e.kind() == CreateErrorKind::AlreadyExists => {}
                Err(e) => tracing::warn!(shard, error = %e, "cluster: identify slot unavailable; retrying"),
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Takes one identify from the day's count: `None` when taken, or how long to wait.
    async fn try_take_day(&self) -> Result<Option<Duration>, ClusterError> {
        loop {
            let now = now_ms();
            let entry = self.day.entry(DAY_KEY).await.map_err(nats_err("identify count"))?;
            let current = entry.as_ref().and_then(|e| serde_json::from_slice::<DayCount>(&e.value).ok());
            let mut count = match current {
                Some(c) if now < c.reset_at_ms => c,
                Some(c) => DayCount { total: c.total, remaining: c.total, reset_at_ms: now + 86_400_000 },
                None => DayCount {
                    total: self.limit.total,
                    remaining: self.limit.remaining,
                    reset_at_ms: now + self.limit.reset_after_ms,
                },
            };
            if count.remaining == 0 {
                return Ok(Some(Duration::from_millis(count.reset_at_ms.saturating_sub(now).max(1))));
            }
            count.remaining -= 1;
            let bytes: bytes::Bytes = serde_json::to_vec(&count).unwrap_or_default().into();
            let written = match &entry {
                Some(e) => self.day.update(DAY_KEY, bytes, e.revision).await.map(|_| ()).map_err(|e| e.kind()),
                None => self.day.create(DAY_KEY, bytes).await.map(|_| ()).map_err(|e| match e.kind() {
                    CreateErrorKind::AlreadyExists => UpdateErrorKind::WrongLastRevision,
                    _ => UpdateErrorKind::Other,
                }),
            };
            match written {
                Ok(()) => return Ok(None),
                // Another process took one in between: read again.
                Err(UpdateErrorKind::WrongLastRevision) => continue,
                Err(kind) => return Err(ClusterError::Nats { what: "identify count", reason: kind.to_string() }),
            }
        }
    }

    /// The day's count as the cluster sees it (for status).
    pub async fn day_count(&self) -> Result<Option<DayCount>, ClusterError> {
        let bytes = self.day.get(DAY_KEY).await.map_err(nats_err("identify count"))?;
        Ok(bytes.and_then(|b| serde_json::from_slice(&b).ok()))
    }
}

impl Queue for NatsQueue {
    fn enqueue(&self, shard: u32) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        let queue = self.clone();
        tokio::spawn(async move {
            queue.wait_turn(shard).await;
            // The shard may have given up waiting; it re-enqueues then.
            let _ = tx.send(());
        });
        rx
    }
}
