//! Each shard's Discord session, kept in KV so that whoever takes the shard over resumes it.
//!
//! A RESUME replays every dispatch the gateway holds since `sequence`, so a taker that
//! resumes loses nothing (duplicates are dropped downstream by shard and sequence) and
//! spends none of the 1,000 identifies a day. The holder saves after READY and then every
//! so often; a session older than Discord keeps it is worthless, so the bucket forgets
//! entries after an hour.

use std::time::Duration;

use async_nats::jetstream::kv::Store;
use serde::{Deserialize, Serialize};

use crate::error::nats_err;
use crate::time::now_ms;
use crate::{Cluster, ClusterError};

/// What a RESUME needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub session_id: String,
    pub sequence: u64,
    pub resume_url: String,
    /// Who saved it, when.
    pub member: String,
    pub saved_ms: u64,
}

/// The sessions bucket.
#[derive(Clone)]
pub struct Sessions {
    store: Store,
    member: String,
}

impl Sessions {
    pub async fn open(cluster: &Cluster) -> Result<Self, ClusterError> {
        let store = cluster.bucket("sessions", Duration::from_secs(3600), 1).await?;
        Ok(Self { store, member: cluster.member().into() })
    }

    /// Saves shard `shard`'s session.
    pub async fn save(
        &self,
        shard: u32,
        session_id: &str,
        sequence: u64,
        resume_url: &str,
    ) -> Result<(), ClusterError> {
        let info = SessionInfo {
            session_id: session_id.into(),
            sequence,
            resume_url: resume_url.into(),
            member: self.member.clone(),
            saved_ms: now_ms(),
        };
        let bytes = serde_json::to_vec(&info).unwrap_or_default();
        self.store.put(format!("s{shard}"), bytes.into()).await.map_err(nats_err("session save"))?;
        Ok(())
    }

    /// The last saved session of `shard`, if any (an unreadable one counts as none).
    pub async fn load(&self, shard: u32) -> Result<Option<SessionInfo>, ClusterError> {
        let bytes = self.store.get(format!("s{shard}")).await.map_err(nats_err("session load"))?;
        Ok(bytes.and_then(|b| serde_json::from_slice(&b).ok()))
    }

    /// Forgets `shard`'s session (it was invalidated: the taker must identify).
    pub async fn forget(&self, shard: u32) -> Result<(), ClusterError> {
        self.store.delete(format!("s{shard}")).await.map_err(nats_err("session forget"))
    }
}
