//! One REST budget for every process on the token: a shared limiter in KV.
//!
//! Discord's global limit (50 requests/s) is per token, so processes that each keep their
//! own limiter spend it several times over and earn 429s (and, repeated, a temporary ban of
//! the token). The budget is a GCRA ("generic cell rate") in one KV key: its value is the
//! *theoretical arrival time*, the moment the next call may go. A call reserves the slot
//! `max(tat, now)` and moves `tat` one interval on, with a compare-and-set (two round trips,
//! under a millisecond on a LAN), then sleeps until its slot. Slots are evenly spaced, so no
//! window of one second, however aligned, holds more than the limit; the interval carries a
//! 20% margin for delivery jitter.
//!
//! Priorities are how far ahead a call may book: a raid's bans and deletes
//! ([`Priority::Urgent`]) may book seconds ahead, alerts only while the queue is short,
//! housekeeping only when it is nearly idle. So when a raid fills the next seconds with bans,
//! alerts and housekeeping from *every* process wait behind them.
//!
//! Why a shared limiter rather than one egress process that all calls go through: no extra
//! hop for each call, and no process whose death stops every ban; NATS is already the thing
//! the cluster depends on. Per-route buckets stay with twilight's in-process limiter: a
//! route's bucket is keyed by its guild or channel, and a guild's calls all come from the one
//! process that owns its shard.

use std::time::Duration;

use async_nats::jetstream::kv::{CreateErrorKind, Store, UpdateErrorKind};
use serde::{Deserialize, Serialize};

use crate::error::nats_err;
use crate::{Cluster, ClusterError};

/// What a call is for, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Bans, kicks, timeouts and deletes of a raid or flood: books up to 5 s ahead.
    Urgent,
    /// Alerts to moderators and other punishments: only while less than the reserve is booked.
    Alert,
    /// Housekeeping (role fixes, audit reads): only when less than a tenth of a second is booked.
    Housekeeping,
}

/// The limiter's state, shared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetState {
    /// Theoretical arrival time, microseconds since the epoch.
    pub tat_us: u64,
    /// Calls granted in the second starting at `second_ms`, and in the one before.
    pub second_ms: u64,
    pub this_second: u32,
    pub last_second: u32,
}

/// A booked slot: send the call at `at_us`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub at_us: u64,
}

const KEY: &str = "gcra";

/// The shared REST budget.
#[derive(Clone, Debug)]
pub struct RestBudget {
    store: Store,
    interval_us: u64,
    /// How far ahead alerts may book: the time the reserve's calls take.
    alert_horizon_us: u64,
}

impl RestBudget {
    pub async fn open(cluster: &Cluster) -> Result<Self, ClusterError> {
        let s = cluster.settings();
        let store = cluster.bucket("rest", Duration::ZERO, 1).await?;
        // 20% under the limit, for the time between a grant and Discord receiving the call:
        // twilight's own limiter (kept, since it waits out a 429 where a client without it
        // would retry at once) may hold a booked call for its bucket and release several
        // together; 5% under measured 55-61 calls in one second across three processes.
        let interval_us = 1_000_000 * 100 / (u64::from(s.rest_per_sec) * 80);
        Ok(Self { store, interval_us, alert_horizon_us: interval_us * u64::from(s.rest_reserve) })
    }

    fn horizon_us(&self, p: Priority) -> u64 {
        match p {
            Priority::Urgent => 5_000_000,
            Priority::Alert => self.alert_horizon_us,
            Priority::Housekeeping => 100_000,
        }
    }

    /// Waits for a slot and returns when the call may go.
    pub async fn acquire(&self, p: Priority) -> Result<(), ClusterError> {
        let slot = loop {
            match self.reserve(p).await? {
                Ok(slot) => break slot,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        };
        let now = now_us();
        if slot.at_us > now {
            tokio::time::sleep(Duration::from_micros(slot.at_us - now)).await;
        }
        Ok(())
    }

    /// Books a slot, or says how long to wait before asking again (the queue is longer
    /// than this priority may book ahead).
    pub async fn reserve(&self, p: Priority) -> Result<Result<Slot, Duration>, ClusterError> {
        loop {
            let now = now_us();
            let entry = self.store.entry(KEY).await.map_err(nats_err("REST budget"))?;
            let state = entry.as_ref().and_then(|e| serde_json::from_slice::<BudgetState>(&e.value).ok());
            let mut state = state.unwrap_or_default();
            let at = state.tat_us.max(now);
            let ahead = at - now;
            if ahead > self.horizon_us(p) {
                return Ok(Err(Duration::from_micros((ahead - self.horizon_us(p)).max(self.interval_us))));
            }
            state.tat_us = at + self.interval_us;
            count(&mut state, at / 1000);
            let bytes: bytes::Bytes = serde_json::to_vec(&state).unwrap_or_default().into();
            let written = match &entry {
                Some(e) => self.store.update(KEY, bytes, e.revision).await.map(|_| ()).map_err(|e| e.kind()),
                None => self.store.create(KEY, bytes).await.map(|_| ()).map_err(|e| match e.kind() {
                    CreateErrorKind::AlreadyExists => UpdateErrorKind::WrongLastRevision,
                    _ => UpdateErrorKind::Other,
                }),
            };
            match written {
                Ok(()) => return Ok(Ok(Slot { at_us: at })),
                Err(UpdateErrorKind::WrongLastRevision) => continue,
                Err(kind) => return Err(ClusterError::Nats { what: "REST budget", reason: kind.to_string() }),
            }
        }
    }

    /// The shared state (for status): calls in the last full second, and how far ahead the
    /// queue is booked.
    pub async fn state(&self) -> Result<BudgetState, ClusterError> {
        let bytes = self.store.get(KEY).await.map_err(nats_err("REST budget"))?;
        Ok(bytes.and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default())
    }
}

/// Counts a call in its second (for status only).
fn count(state: &mut BudgetState, at_ms: u64) {
    let second = at_ms / 1000 * 1000;
    if second == state.second_ms {
        state.this_second += 1;
    } else {
        state.last_second = if second == state.second_ms + 1000 { state.this_second } else { 0 };
        state.second_ms = second;
        state.this_second = 1;
    }
}

pub(crate) fn now_us() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_counted() {
        let mut s = BudgetState::default();
        count(&mut s, 10_100);
        count(&mut s, 10_900);
        count(&mut s, 11_000);
        assert_eq!((s.second_ms, s.this_second, s.last_second), (11_000, 1, 2));
        count(&mut s, 15_000);
        assert_eq!(s.last_second, 0);
    }
}
