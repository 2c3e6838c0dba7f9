//! Ban pools across processes: a ban added to a pool in one process reaches the pool's
//! guilds on every process, through a KV bucket's watch.
//!
//! Which guilds belong to which pool (opt-in per guild) is the store's business, as it
//! already models it; this bucket only carries the bans: key `{pool}.{user}`, value who
//! banned, why, when. Each process watches the bucket and applies a new ban in the pool's
//! guilds it owns. Watching from the last value of every key also tells a process that
//! starts (or takes shards over) what it missed.

use async_nats::jetstream::kv::{Operation, Store};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::error::nats_err;
use crate::time::now_ms;
use crate::{Cluster, ClusterError};

/// One ban in a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolBan {
    pub pool: String,
    pub user: u64,
    /// The guild whose moderators (or engine) banned first.
    pub by_guild: u64,
    pub reason: String,
    pub at_ms: u64,
}

/// The shared bucket of pool bans.
#[derive(Clone)]
pub struct BanPools {
    store: Store,
}

impl BanPools {
    pub async fn open(cluster: &Cluster) -> Result<Self, ClusterError> {
        Ok(Self { store: cluster.bucket("pools", std::time::Duration::ZERO, 1).await? })
    }

    /// Adds `user` to `pool`, for every process to apply.
    pub async fn add(&self, pool: &str, user: u64, by_guild: u64, reason: &str) -> Result<(), ClusterError> {
        let ban = PoolBan { pool: pool.into(), user, by_guild, reason: reason.into(), at_ms: now_ms() };
        let bytes = serde_json::to_vec(&ban).unwrap_or_default();
        self.store.put(key(pool, user)?, bytes.into()).await.map_err(nats_err("pool ban"))?;
        Ok(())
    }

    /// Lifts `user`'s ban in `pool` (an appeal).
    pub async fn remove(&self, pool: &str, user: u64) -> Result<(), ClusterError> {
        self.store.delete(key(pool, user)?).await.map_err(nats_err("pool unban"))
    }

    /// Every ban in the bucket (the last value of each key), then each new one as it comes.
    pub async fn watch(&self) -> Result<mpsc::Receiver<PoolBan>, ClusterError> {
        let mut w = self.store.watch_all_from_revision(1).await.map_err(nats_err("pool watch"))?;
        let (tx, rx) = mpsc::channel(1024);
        tokio::spawn(async move {
            while let Some(Ok(entry)) = w.next().await {
                if entry.operation != Operation::Put {
                    continue;
                }
                let Ok(ban) = serde_json::from_slice::<PoolBan>(&entry.value) else { continue };
                if tx.send(ban).await.is_err() {
                    return;
                }
            }
        });
        Ok(rx)
    }
}

fn key(pool: &str, user: u64) -> Result<String, ClusterError> {
    if pool.is_empty() || !pool.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(ClusterError::Settings(format!("pool name `{pool}`: letters, digits, `-` and `_` only")));
    }
    Ok(format!("{pool}.{user}"))
}
