//! Cross-guild signals: what one process sees of a user, shared so that any process can see
//! the Spy.pet pattern (one account joining many protected guilds, silent in all).
//!
//! Each process publishes its guilds' joins, leaves and messages to the stream
//! `{name}-signals`, on the subject `{name}.signals.{partition}.{user}`: ids, times and keyed
//! fingerprints only ([`crate::hash::keyed`] of normalised text and links under the cluster's
//! secret; no content, no names). The stream keeps them for the detector's window
//! (`max_age`) and not a minute more.
//!
//! Detection is partitioned by user: partitions are leased like shard groups, and the holder
//! of a partition replays it from the stream (the whole window, so a partition that moves
//! rebuilds its state) into moat-core's pure [`ScraperWatch`]. Its flags go to the stream
//! `{name}-flags` as `{name}.flags.{guild}`; every process reads them and passes on those
//! for the guilds whose shards it owns, once per guild and user. A flag says how many
//! protected servers, never which: no alert shows another guild.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::consumer::{push, DeliverPolicy};
use async_nats::jetstream::stream::Stream as JsStream;
use futures_util::StreamExt;
use moat_core::config::ScraperSettings;
use moat_core::detect::scraper::ScraperWatch;
use moat_core::id::{GuildId, UserId};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::error::nats_err;
use crate::hash::{keyed, partition_of};
use crate::lease::{LeaseKeeper, LeaseSpec, Ownership};
use crate::{Cluster, ClusterError};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Join,
    Leave,
    Message,
}

/// One signal: ids, a time, keyed fingerprints. Nothing else leaves the process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub kind: SignalKind,
    pub user: u64,
    pub guild: u64,
    pub at_ms: u64,
    /// Keyed hashes of the message's normalised text and of each link.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<u64>,
}

/// A flag for one guild.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuildFlag {
    pub guild: u64,
    pub user: u64,
    pub at_ms: u64,
    pub reason: String,
}

/// Publishes this process's signals.
#[derive(Clone)]
pub struct SignalPublisher {
    cluster: Cluster,
    secret: Arc<Vec<u8>>,
}

impl SignalPublisher {
    /// Opens the stream. `secret` keys the fingerprints (the same in every process).
    pub async fn open(cluster: &Cluster, secret: &[u8]) -> Result<Self, ClusterError> {
        if secret.len() < 16 {
            return Err(ClusterError::Settings(format!(
                "the cluster secret (${}) must be at least 16 bytes",
                cluster.settings.secret_env
            )));
        }
        open_streams(cluster).await?;
        Ok(Self { cluster: cluster.clone(), secret: Arc::new(secret.to_vec()) })
    }

    /// The keyed fingerprint of normalised text or a link.
    pub fn fingerprint(&self, normalised: &str) -> u64 {
        keyed(&self.secret, normalised.as_bytes())
    }

    /// Publishes one signal and waits for JetStream to have it.
    pub async fn publish(&self, signal: &Signal) -> Result<(), ClusterError> {
        let part = partition_of(signal.user, self.cluster.settings.partitions);
        let subject = self.cluster.subject(&format!("signals.{part}.{}", signal.user));
        let bytes = serde_json::to_vec(signal).unwrap_or_default();
        let ack = self.cluster.js.publish(subject, bytes.into()).await.map_err(nats_err("signal publish"))?;
        ack.await.map_err(nats_err("signal publish"))?;
        Ok(())
    }
}

async fn open_streams(cluster: &Cluster) -> Result<(JsStream, JsStream), ClusterError> {
    let window = Duration::from_secs(u64::from(cluster.settings.signal_window_hours) * 3600);
    Ok((cluster.stream("signals", window).await?, cluster.stream("flags", window).await?))
}

/// Runs this process's share of detection and hands it the flags for the guilds it owns.
pub struct SignalDetector {
    parts: LeaseKeeper,
    tasks: Vec<JoinHandle<()>>,
}

impl SignalDetector {
    /// Starts consuming. `owns(guild)` says whether this process protects that guild now
    /// (its shard is held); flags for it arrive on the returned channel.
    pub async fn start(
        cluster: &Cluster,
        settings: ScraperSettings,
        owns: impl Fn(u64) -> bool + Send + 'static,
    ) -> Result<(Self, mpsc::Receiver<GuildFlag>), ClusterError> {
        let (signals, flags) = open_streams(cluster).await?;
        let parts =
            LeaseKeeper::start(cluster, LeaseSpec { kind: "parts", units: cluster.settings.partitions }).await?;
        let detect = tokio::spawn(run_partitions(cluster.clone(), signals, settings, parts.ownership()));
        let (tx, rx) = mpsc::channel(1024);
        let deliver = tokio::spawn(deliver_flags(cluster.clone(), flags, owns, tx));
        Ok((Self { parts, tasks: vec![detect, deliver] }, rx))
    }

    /// A clean stop: partitions are handed over at once.
    pub async fn stop(self) {
        for t in &self.tasks {
            t.abort();
        }
        self.parts.stop().await;
    }

    /// Stops without handing over (as a killed process would).
    pub fn abort(self) {
        for t in &self.tasks {
            t.abort();
        }
        self.parts.abort();
    }
}

/// Keeps one replaying task per held partition.
async fn run_partitions(cluster: Cluster, stream: JsStream, s: ScraperSettings, mut own: watch::Receiver<Ownership>) {
    let mut running: Vec<(u32, JoinHandle<()>)> = Vec::new();
    loop {
        let held: BTreeSet<u32> = own.borrow_and_update().held.clone();
        running.retain(|(p, task)| {
            let keep = held.contains(p) && !task.is_finished();
            if !keep {
                task.abort();
            }
            keep
        });
        for p in held {
            if !running.iter().any(|(q, _)| *q == p) {
                running.push((p, tokio::spawn(detect_partition(cluster.clone(), stream.clone(), s.clone(), p))));
            }
        }
        // Also look again now and then, to restart a partition whose consumer ended.
        let _ = tokio::time::timeout(Duration::from_secs(2), own.changed()).await;
    }
}

/// Replays partition `p` over the window and keeps following it.
async fn detect_partition(cluster: Cluster, stream: JsStream, s: ScraperSettings, p: u32) {
    let config = push::OrderedConfig {
        deliver_subject: cluster.client.new_inbox(),
        filter_subject: cluster.subject(&format!("signals.{p}.>")),
        deliver_policy: DeliverPolicy::All,
        ..Default::default()
    };
    let mut messages = match stream.create_consumer(config).await {
        Ok(c) => match c.messages().await {
            Ok(m) => m,
            Err(e) => return tracing::warn!(partition = p, error = %e, "cluster: cannot follow signals"),
        },
        Err(e) => return tracing::warn!(partition = p, error = %e, "cluster: cannot follow signals"),
    };
    let mut watch = ScraperWatch::default();
    let mut seen = 0u64;
    while let Some(Ok(msg)) = messages.next().await {
        let Ok(sig) = serde_json::from_slice::<Signal>(&msg.payload) else {
            tracing::warn!(partition = p, "cluster: unreadable signal skipped");
            continue;
        };
        let (user, guild) = (UserId(sig.user), GuildId(sig.guild));
        let flagged = match sig.kind {
            SignalKind::Join => watch.on_join(&s, sig.at_ms, user, guild),
            SignalKind::Message => {
                watch.on_message(user);
                None
            }
            SignalKind::Leave => None,
        };
        if let Some(f) = flagged {
            for g in f.guilds {
                let flag = GuildFlag { guild: g.0, user: sig.user, at_ms: sig.at_ms, reason: f.reason.clone() };
                let subject = cluster.subject(&format!("flags.{}", g.0));
                let bytes = serde_json::to_vec(&flag).unwrap_or_default();
                if let Ok(ack) = cluster.js.publish(subject, bytes.into()).await {
                    let _ = ack.await;
                }
            }
        }
        seen += 1;
        if seen.is_multiple_of(4096) {
            watch.sweep(&s, sig.at_ms);
        }
    }
}

/// Passes on the flags of the guilds this process owns, once per guild and user.
async fn deliver_flags(cluster: Cluster, stream: JsStream, owns: impl Fn(u64) -> bool, tx: mpsc::Sender<GuildFlag>) {
    let told: Mutex<HashSet<(u64, u64)>> = Mutex::new(HashSet::new());
    // Flags from before this process started were told by whoever owned the guild then.
    let since = crate::time::now_ms().saturating_sub(60_000);
    loop {
        let config = push::OrderedConfig {
            deliver_subject: cluster.client.new_inbox(),
            filter_subject: cluster.subject("flags.>"),
            deliver_policy: DeliverPolicy::All,
            ..Default::default()
        };
        if let Ok(mut messages) = match stream.create_consumer(config).await {
            Ok(c) => c.messages().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        } {
            while let Some(Ok(msg)) = messages.next().await {
                let Ok(flag) = serde_json::from_slice::<GuildFlag>(&msg.payload) else { continue };
                if flag.at_ms < since || !owns(flag.guild) {
                    continue;
                }
                let first = told.lock().map(|mut t| t.insert((flag.guild, flag.user))).unwrap_or(false);
                if first && tx.send(flag).await.is_err() {
                    return;
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
