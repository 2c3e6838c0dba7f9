//! What `moat cluster status` prints: the members, the units each holds with the lease's
//! age, and the REST budget in use. Read from the buckets, so any process (or the CLI on its
//! own) sees the same picture.

use std::fmt;

use futures_util::StreamExt;

use crate::budget::{BudgetState, RestBudget};
use crate::error::nats_err;
use crate::lease::{unit_key, LeaseValue, MemberValue};
use crate::time::now_ms;
use crate::{Cluster, ClusterError};

/// One unit's lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    pub kind: String,
    pub unit: u32,
    pub member: String,
    /// Since the holder took it.
    pub held_ms: u64,
    /// Since its last renewal.
    pub renewed_ago_ms: u64,
}

/// The cluster as the buckets say.
#[derive(Debug, Clone, Default)]
pub struct ClusterStatus {
    pub members: Vec<MemberValue>,
    pub leases: Vec<LeaseRow>,
    pub budget: BudgetState,
    pub rest_per_sec: u32,
}

/// Reads the status; `units` is how many units of each kind to look at.
pub async fn read(cluster: &Cluster, shard_groups: u32) -> Result<ClusterStatus, ClusterError> {
    let ttl = cluster.settings.lease();
    let members = cluster.bucket("members", ttl, 1).await?;
    let mut out = ClusterStatus { rest_per_sec: cluster.settings.rest_per_sec, ..Default::default() };
    let mut keys = members.keys().await.map_err(nats_err("member list"))?;
    while let Some(key) = keys.next().await {
        let key = key.map_err(nats_err("member list"))?;
        if let Some(v) = members.get(&key).await.map_err(nats_err("member read"))? {
            if let Ok(m) = serde_json::from_slice::<MemberValue>(&v) {
                out.members.push(m);
            }
        }
    }
    out.members.sort_by(|a, b| (&a.kind, &a.member).cmp(&(&b.kind, &b.member)));
    let now = now_ms();
    for (kind, units) in [("leases", shard_groups), ("parts", cluster.settings.partitions)] {
        let store = cluster.bucket(kind, ttl, 1).await?;
        for u in 0..units {
            let Some(v) = store.get(unit_key(u)).await.map_err(nats_err("lease read"))? else { continue };
            let Ok(l) = serde_json::from_slice::<LeaseValue>(&v) else { continue };
            out.leases.push(LeaseRow {
                kind: kind.into(),
                unit: u,
                member: l.member,
                held_ms: now.saturating_sub(l.since_ms),
                renewed_ago_ms: now.saturating_sub(l.renewed_ms),
            });
        }
    }
    out.budget = RestBudget::open(cluster).await?.state().await?;
    Ok(out)
}

impl fmt::Display for ClusterStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shards = self.members.iter().filter(|m| m.kind == "leases").count();
        writeln!(f, "members: {shards}")?;
        for m in self.members.iter().filter(|m| m.kind == "leases") {
            let parts: Vec<u32> = self
                .members
                .iter()
                .filter(|p| p.kind == "parts" && p.member == m.member)
                .flat_map(|p| p.held.clone())
                .collect();
            writeln!(f, "  {}: shard groups {:?}, signal partitions {:?}", m.member, m.held, parts)?;
        }
        writeln!(f, "leases:")?;
        for l in &self.leases {
            let what = if l.kind == "leases" { "shard group" } else { "partition" };
            writeln!(
                f,
                "  {what} {}: {} for {:.1} s, renewed {:.1} s ago",
                l.unit,
                l.member,
                l.held_ms as f64 / 1000.0,
                l.renewed_ago_ms as f64 / 1000.0
            )?;
        }
        let booked_ms = self.budget.tat_us.saturating_sub(crate::budget::now_us()) / 1000;
        writeln!(
            f,
            "REST budget: {} calls in the last second, {} in this one, of {}/s; booked {booked_ms} ms ahead",
            self.budget.last_second, self.budget.this_second, self.rest_per_sec
        )
    }
}
