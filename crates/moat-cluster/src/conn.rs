//! The connection every part of the cluster shares, and the buckets and streams it opens.
//!
//! Names are all prefixed by the cluster's `name`, so two clusters (or two tests) can share
//! one NATS server. Buckets that only matter while processes run (leases, members, identify
//! slots, the REST budget) are kept in memory; sessions, ban pools and signals on file, so a
//! restart of NATS keeps what resuming and detection need.

use std::time::Duration;

use async_nats::jetstream::{self, kv, stream::StorageType};

use crate::error::nats_err;
use crate::{ClusterError, ClusterSettings};

/// One process's handle on the cluster: cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    pub(crate) client: async_nats::Client,
    pub(crate) js: jetstream::Context,
    pub(crate) settings: ClusterSettings,
    url: String,
    member: String,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("url", &self.url).field("member", &self.member).finish()
    }
}

impl Cluster {
    /// Connects to `url` as `member` (a name unique in the cluster; a random one if `None`).
    ///
    /// Fails at once, naming the URL, when NATS is not there: an operator who asked for a
    /// cluster must not get a lone process by surprise. Once connected, a lost connection is
    /// retried forever in the background and logged.
    pub async fn connect(url: &str, settings: &ClusterSettings, member: Option<String>) -> Result<Self, ClusterError> {
        settings.validate()?;
        let member =
            member.unwrap_or_else(|| format!("m{}-{}", std::process::id(), crate::time::now_ms() % 1_000_000_007));
        let unreachable =
            |e: &dyn std::fmt::Display| ClusterError::Unreachable { url: url.into(), reason: e.to_string() };
        let log_url = url.to_string();
        let client = async_nats::ConnectOptions::new()
            .name(&member)
            .connection_timeout(Duration::from_secs(3))
            .request_timeout(Some(Duration::from_secs(3)))
            .event_callback(move |event| {
                let url = log_url.clone();
                async move {
                    match event {
                        async_nats::Event::Connected => tracing::info!(%url, "cluster: connected to NATS"),
                        async_nats::Event::Disconnected => {
                            tracing::warn!(%url, "cluster: lost NATS; protecting while leases last, retrying")
                        }
                        other => tracing::debug!(%url, "cluster: NATS {other}"),
                    }
                }
            })
            .connect(url)
            .await
            .map_err(|e| unreachable(&e))?;
        let js = jetstream::new(client.clone());
        // async-nats's own account query expects fields newer servers send; the raw request
        // works on every JetStream server (2.9 included).
        let setup = |reason: String| ClusterError::Setup { url: url.into(), what: "JetStream".into(), reason };
        let info = client.request("$JS.API.INFO", bytes::Bytes::new()).await.map_err(|e| setup(e.to_string()))?;
        let info: serde_json::Value = serde_json::from_slice(&info.payload).map_err(|e| setup(e.to_string()))?;
        if let Some(err) = info.get("error") {
            return Err(setup(err.to_string()));
        }
        Ok(Self { client, js, settings: settings.clone(), url: url.into(), member })
    }

    /// This process's name in the cluster.
    pub fn member(&self) -> &str {
        &self.member
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn settings(&self) -> &ClusterSettings {
        &self.settings
    }

    /// A subject under the cluster's prefix.
    pub(crate) fn subject(&self, tail: &str) -> String {
        format!("{}.{tail}", self.settings.name)
    }

    /// Opens (creating if missing) the bucket `{name}-{suffix}`.
    pub(crate) async fn bucket(
        &self,
        suffix: &str,
        max_age: Duration,
        history: i64,
    ) -> Result<kv::Store, ClusterError> {
        let bucket = format!("{}-{suffix}", self.settings.name);
        if let Ok(store) = self.js.get_key_value(&bucket).await {
            return Ok(store);
        }
        let memory = matches!(suffix, "leases" | "parts" | "members" | "identify" | "rest");
        // The KV bucket's stream, as `create_key_value` would make it; that call first asks
        // for account fields NATS 2.9 does not send, so the stream is made directly.
        let config = jetstream::stream::Config {
            name: format!("KV_{bucket}"),
            subjects: vec![format!("$KV.{bucket}.>")],
            max_messages_per_subject: history.max(1),
            max_age,
            storage: if memory { StorageType::Memory } else { StorageType::File },
            allow_rollup: true,
            deny_delete: true,
            allow_direct: true,
            discard: jetstream::stream::DiscardPolicy::New,
            num_replicas: 1,
            ..Default::default()
        };
        let setup = |reason: String| ClusterError::Setup { url: self.url.clone(), what: bucket.clone(), reason };
        // An error here may be another process creating it in between: the open decides.
        let created = self.js.create_stream(config).await.err().map(|e| e.to_string());
        self.js.get_key_value(&bucket).await.map_err(|e| setup(created.unwrap_or_else(|| e.to_string())))
    }

    /// Opens (creating if missing) the stream `{name}-{suffix}` on `{name}.{suffix}.>`.
    pub(crate) async fn stream(
        &self,
        suffix: &str,
        max_age: Duration,
    ) -> Result<jetstream::stream::Stream, ClusterError> {
        let name = format!("{}-{suffix}", self.settings.name);
        let config = jetstream::stream::Config {
            name: name.clone(),
            subjects: vec![self.subject(&format!("{suffix}.>"))],
            max_age,
            storage: StorageType::File,
            ..Default::default()
        };
        self.js.get_or_create_stream(config).await.map_err(|e| ClusterError::Setup {
            url: self.url.clone(),
            what: name,
            reason: e.to_string(),
        })
    }

    /// Deletes every bucket and stream of this cluster's name (tests, and `moat cluster reset`).
    pub async fn remove_all(&self) -> Result<(), ClusterError> {
        for suffix in ["leases", "parts", "members", "sessions", "identify", "day", "rest", "pools"] {
            let _ = self.js.delete_key_value(format!("{}-{suffix}", self.settings.name)).await;
        }
        let _ = self.js.delete_stream(format!("{}-signals", self.settings.name)).await;
        self.client.flush().await.map_err(nats_err("flush"))
    }
}
