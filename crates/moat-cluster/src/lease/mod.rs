//! Leases: which process owns which unit of work, in a KV bucket whose `max_age` is the lease.
//!
//! A unit is a group of shards ([`plan`]) or a partition of the cross-guild signals. Its
//! key holds the holder's name; the holder renews it with a compare-and-set on the revision
//! every third of the lease. NATS 2.9 has no per-key TTL, so the bucket's `max_age` does the
//! expiring, and an expiry sends no watch event: every member polls, and finds a dead
//! holder's units free at most one lease after its last renewal. A clean stop deletes its
//! keys, which *does* send an event, so the others take over at once. Members announce
//! themselves in a second bucket with the same `max_age`; each aims at its share ([`share`]:
//! an even split, the remainder to the first names in order, the same sum seen by all),
//! claiming free units below it and handing extras back above it, so starting or stopping a
//! process rebalances the units.
//!
//! When NATS is lost, a holder keeps its units while its last renewal is younger than the
//! lease minus a margin (nobody else can have them yet), then gives them up to "alerts
//! only" ([`Ownership::alerts_only`]): another process may own them now. When NATS comes
//! back it claims its share again.

pub mod plan;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use async_nats::jetstream::kv::{Operation, Store, Watch};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::error::nats_err;
use crate::time::now_ms;
use crate::{Cluster, ClusterError};

/// What a member owns right now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ownership {
    /// Units this member holds a valid lease on: protect them fully.
    pub held: BTreeSet<u32>,
    /// Units whose lease this member could not renew (NATS lost) and may belong to someone
    /// else now: keep watching them, alert, but take no action.
    pub alerts_only: BTreeSet<u32>,
}

/// Which set of units a keeper leases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseSpec {
    /// `"leases"` for shard groups, `"parts"` for signal partitions: the bucket's suffix.
    pub kind: &'static str,
    pub units: u32,
}

/// A lease's value: who holds it, since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseValue {
    pub member: String,
    pub since_ms: u64,
    pub renewed_ms: u64,
}

/// A member's announcement, renewed with its leases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberValue {
    pub member: String,
    pub started_ms: u64,
    pub renewed_ms: u64,
    pub kind: String,
    pub held: Vec<u32>,
}

pub(crate) fn unit_key(u: u32) -> String {
    format!("u{u}")
}

pub(crate) fn member_key(kind: &str, member: &str) -> String {
    format!("{kind}.{member}")
}

enum Stop {
    /// Hand everything over now.
    Clean(oneshot::Sender<()>),
}

/// Keeps this member's leases on one [`LeaseSpec`] in the background.
pub struct LeaseKeeper {
    stop: Option<oneshot::Sender<Stop>>,
    task: JoinHandle<()>,
    rx: watch::Receiver<Ownership>,
}

impl LeaseKeeper {
    /// Opens the buckets and starts claiming this member's share.
    pub async fn start(cluster: &Cluster, spec: LeaseSpec) -> Result<Self, ClusterError> {
        let ttl = cluster.settings.lease();
        let leases = cluster.bucket(spec.kind, ttl, 1).await?;
        let members = cluster.bucket("members", ttl, 1).await?;
        let (tx, rx) = watch::channel(Ownership::default());
        let (stop_tx, stop_rx) = oneshot::channel();
        let keeper = Keeper {
            leases,
            members,
            spec,
            member: cluster.member().to_string(),
            ttl,
            held: BTreeMap::new(),
            started_ms: now_ms(),
            last_ok: Instant::now(),
            tx,
            lost_logged: false,
        };
        let task = tokio::spawn(keeper.run(stop_rx));
        Ok(Self { stop: Some(stop_tx), task, rx })
    }

    /// What this member owns, updated as it changes.
    pub fn ownership(&self) -> watch::Receiver<Ownership> {
        self.rx.clone()
    }

    /// A clean stop: the leases are deleted, so the others take the units at once.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let (done_tx, done_rx) = oneshot::channel();
            if stop.send(Stop::Clean(done_tx)).is_ok() {
                let _ = tokio::time::timeout(Duration::from_secs(5), done_rx).await;
            }
        }
    }

    /// Stops renewing and releases nothing, as a killed process would (tests, failover drills).
    pub fn abort(self) {
        self.task.abort();
    }
}

struct Held {
    revision: u64,
    since_ms: u64,
}

struct Keeper {
    leases: Store,
    members: Store,
    spec: LeaseSpec,
    member: String,
    ttl: Duration,
    held: BTreeMap<u32, Held>,
    started_ms: u64,
    last_ok: Instant,
    tx: watch::Sender<Ownership>,
    lost_logged: bool,
}

impl Keeper {
    async fn run(mut self, mut stop: oneshot::Receiver<Stop>) {
        let mut every = tokio::time::interval(self.ttl / 3);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut events: Option<Watch> = None;
        loop {
            tokio::select! {
                _ = every.tick() => {}
                Some(entry) = next_event(&mut events) => {
                    // Only hand-overs (deletes) are worth an early look; renewals are not.
                    if !matches!(entry.operation, Operation::Delete | Operation::Purge) {
                        continue;
                    }
                }
                Ok(Stop::Clean(done)) = &mut stop => {
                    self.hand_over().await;
                    let _ = done.send(());
                    return;
                }
            }
            if events.is_none() {
                events = self.leases.watch_all().await.ok();
            }
            match self.tick().await {
                Ok(()) => {
                    self.last_ok = Instant::now();
                    if self.lost_logged {
                        tracing::info!(kind = self.spec.kind, "cluster: NATS is back; leases renewed");
                        self.lost_logged = false;
                    }
                }
                Err(e) => {
                    events = None;
                    self.on_failure(&e);
                }
            }
            self.publish();
        }
    }

    /// One round: announce, renew, then move towards the fair share.
    async fn tick(&mut self) -> Result<(), ClusterError> {
        self.renew().await?;
        self.announce().await?;
        let live = self.live_members().await?;
        let target = share(self.spec.units, &live, &self.member);
        // A newcomer waits one round before claiming, so processes started together see
        // each other first and split the units without moving them.
        let newcomer = now_ms().saturating_sub(self.started_ms) < (self.ttl / 3).as_millis() as u64;
        if self.held.len() > target {
            self.release_extra(target).await?;
        } else if self.held.len() < target && !newcomer {
            self.claim_free(target).await?;
        }
        Ok(())
    }

    async fn renew(&mut self) -> Result<(), ClusterError> {
        let units: Vec<u32> = self.held.keys().copied().collect();
        for u in units {
            let since_ms = self.held[&u].since_ms;
            let value = self.value(since_ms);
            match self.leases.update(unit_key(u), value, self.held[&u].revision).await {
                Ok(revision) => {
                    self.held.insert(u, Held { revision, since_ms });
                }
                Err(e) if e.kind() == async_nats::jetstream::kv::UpdateErrorKind::WrongLastRevision => {
                    tracing::warn!(kind = self.spec.kind, unit = u, "cluster: lease lost to another member");
                    self.held.remove(&u);
                }
                Err(e) => return Err(nats_err("lease renewal")(e)),
            }
        }
        Ok(())
    }

    async fn announce(&self) -> Result<(), ClusterError> {
        let value = MemberValue {
            member: self.member.clone(),
            started_ms: self.started_ms,
            renewed_ms: now_ms(),
            kind: self.spec.kind.into(),
            held: self.held.keys().copied().collect(),
        };
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        self.members
            .put(member_key(self.spec.kind, &self.member), bytes.into())
            .await
            .map_err(nats_err("member announcement"))?;
        Ok(())
    }

    /// The live members' names (their announcements have not expired).
    async fn live_members(&self) -> Result<Vec<String>, ClusterError> {
        let prefix = format!("{}.", self.spec.kind);
        let mut keys = self.members.keys().await.map_err(nats_err("member list"))?;
        let mut names = Vec::new();
        while let Some(key) = keys.next().await {
            if let Some(name) = key.map_err(nats_err("member list"))?.strip_prefix(&prefix) {
                names.push(name.to_string());
            }
        }
        Ok(names)
    }

    /// Hands back the highest-numbered units above the share.
    async fn release_extra(&mut self, target: usize) -> Result<(), ClusterError> {
        while self.held.len() > target {
            let Some((&u, held)) = self.held.iter().next_back() else { break };
            let revision = held.revision;
            self.held.remove(&u);
            self.leases
                .delete_expect_revision(unit_key(u), Some(revision))
                .await
                .map_err(nats_err("lease hand-over"))?;
            tracing::info!(kind = self.spec.kind, unit = u, "cluster: handed a unit over (rebalance)");
        }
        Ok(())
    }

    /// Claims free units (no key: expired or handed over) up to the share.
    async fn claim_free(&mut self, target: usize) -> Result<(), ClusterError> {
        let n = self.spec.units;
        let start = crate::hash::spread(self.member.as_bytes(), n);
        for i in 0..n {
            if self.held.len() >= target {
                break;
            }
            let u = (start + i) % n;
            if self.held.contains_key(&u) || !self.is_free(u).await? {
                continue;
            }
            let since_ms = now_ms();
            match self.leases.create(unit_key(u), self.value(since_ms)).await {
                Ok(revision) => {
                    tracing::info!(kind = self.spec.kind, unit = u, "cluster: took a unit");
                    self.held.insert(u, Held { revision, since_ms });
                }
                Err(e) if e.kind() == async_nats::jetstream::kv::CreateErrorKind::AlreadyExists => {}
                Err(e) => return Err(nats_err("lease claim")(e)),
            }
        }
        Ok(())
    }

    async fn is_free(&self, u: u32) -> Result<bool, ClusterError> {
        let entry = self.leases.entry(unit_key(u)).await.map_err(nats_err("lease read"))?;
        Ok(entry.is_none_or(|e| matches!(e.operation, Operation::Delete | Operation::Purge)))
    }

    fn value(&self, since_ms: u64) -> bytes::Bytes {
        let v = LeaseValue { member: self.member.clone(), since_ms, renewed_ms: now_ms() };
        serde_json::to_vec(&v).unwrap_or_default().into()
    }

    /// NATS failed this round: keep the units while nobody else can have them.
    fn on_failure(&mut self, e: &ClusterError) {
        if !self.lost_logged {
            tracing::warn!(kind = self.spec.kind, error = %e, "cluster: cannot renew leases");
            self.lost_logged = true;
        }
        if !self.held.is_empty() && self.last_ok.elapsed() >= self.ttl - self.ttl / 4 {
            let units: Vec<u32> = std::mem::take(&mut self.held).into_keys().collect();
            tracing::warn!(
                kind = self.spec.kind,
                units = ?units,
                "cluster: leases about to expire without NATS; alerts only on these until it returns"
            );
            self.tx.send_modify(|o| o.alerts_only.extend(units));
        }
    }

    fn publish(&self) {
        let held: BTreeSet<u32> = self.held.keys().copied().collect();
        self.tx.send_if_modified(|o| {
            let alerts_only: BTreeSet<u32> =
                if self.lost_logged { o.alerts_only.difference(&held).copied().collect() } else { BTreeSet::new() };
            let changed = o.held != held || o.alerts_only != alerts_only;
            o.held = held.clone();
            o.alerts_only = alerts_only;
            changed
        });
    }

    async fn hand_over(&mut self) {
        let _ = self.members.delete(member_key(self.spec.kind, &self.member)).await;
        for (u, held) in std::mem::take(&mut self.held) {
            let _ = self.leases.delete_expect_revision(unit_key(u), Some(held.revision)).await;
        }
        self.tx.send_modify(|o| *o = Ownership::default());
        tracing::info!(kind = self.spec.kind, "cluster: handed every unit over (clean stop)");
    }
}

/// How many of `units` `me` should hold among the `live` members: an even split, the
/// remainder going to the first names in order. Every member computes the same split, so
/// the shares add up to `units` and nobody hands a unit back and forth.
pub fn share(units: u32, live: &[String], me: &str) -> usize {
    let mut names: Vec<&str> = live.iter().map(String::as_str).collect();
    if !names.contains(&me) {
        names.push(me);
    }
    names.sort_unstable();
    names.dedup();
    let n = names.len() as u32;
    let rank = names.iter().position(|m| *m == me).unwrap_or(0) as u32;
    (units / n + u32::from(rank < units % n)) as usize
}

/// The next lease event, or never when there is no watch.
async fn next_event(events: &mut Option<Watch>) -> Option<async_nats::jetstream::kv::Entry> {
    match events {
        Some(w) => match w.next().await {
            Some(Ok(e)) => Some(e),
            _ => {
                *events = None;
                None
            }
        },
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_add_up_and_differ_by_one_at_most() {
        let live: Vec<String> = ["b", "a", "c"].iter().map(|s| s.to_string()).collect();
        let shares: Vec<usize> = ["a", "b", "c"].iter().map(|m| share(4, &live, m)).collect();
        assert_eq!(shares, vec![2, 1, 1]);
        assert_eq!(share(16, &live, "c"), 5);
        assert_eq!(share(4, &[], "z"), 4, "alone, a member takes everything");
        assert_eq!(share(2, &live, "c"), 0);
    }
}
