//! The gateway side: one task per shard, each passing every frame it receives, as the raw
//! text Discord sent, to the engine task with the shard id, the sequence number and the
//! moment it arrived.
//!
//! Shards follow Discord's scheme (`--shards A..B --total-shards N`, guild to shard by
//! `(guild_id >> 22) % N`), so several processes can split one bot. twilight handles
//! heartbeats, RESUME after a dropped connection, op 7 and op 9; moat reads the frames'
//! text itself, so the engine gets its events through the same translation as a replay
//! (`moat-discord-wire`), and only the few dispatches the bot needs for itself are parsed
//! with twilight (see [`crate::bot`]).
//!
//! The queue to the engine task is bounded ([`crate::BotConfig::event_queue`]): when the
//! engine falls behind, a shard waits before reading its next frame, so the frames wait in
//! the connection (back-pressure) rather than in memory, and none is dropped.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use tokio::sync::{mpsc::Sender, watch};
use twilight_gateway::queue::InMemoryQueue;
use twilight_gateway::{CloseFrame, ConfigBuilder, Intents, Message, Shard, ShardId};

use crate::config::BotConfig;

/// What moat asks Discord for: guilds, members, messages and their content, moderation
/// (bans) and AutoMod executions.
pub fn intents() -> Intents {
    Intents::GUILDS
        | Intents::GUILD_MEMBERS
        | Intents::GUILD_MESSAGES
        | Intents::MESSAGE_CONTENT
        | Intents::GUILD_MODERATION
        | Intents::AUTO_MODERATION_EXECUTION
}

/// One frame off a shard.
pub struct Incoming {
    pub shard: u32,
    /// The shard's sequence number after this frame (a dispatch's `s`).
    pub seq: u64,
    pub at: Instant,
    /// The frame's text, as Discord sent it (`{"op", "s", "t", "d"}`).
    pub frame: String,
}

/// The shards of this process, configured for Discord or a local fake.
pub fn shards(cfg: &BotConfig) -> Vec<Shard<InMemoryQueue>> {
    let total = cfg.total_shards.max(1);
    let queue =
        if cfg.fast_identify { InMemoryQueue::new(0, 1000, Duration::ZERO, 1000) } else { InMemoryQueue::default() };
    cfg.shards
        .clone()
        .filter(|&i| i < total)
        .map(|i| {
            let mut b = ConfigBuilder::new(cfg.token.clone(), intents()).queue(queue.clone());
            if let Some(url) = &cfg.gateway_url {
                b = b.proxy_url(url.clone());
            }
            Shard::with_config(ShardId::new(i, total), b.build())
        })
        .collect()
}

/// Reads one shard until it ends or `stop` says so. Each heartbeat's round trip (twilight
/// measures it) goes to the metrics, when a dashboard serves them.
pub async fn run_shard(
    mut shard: Shard<InMemoryQueue>,
    tx: Sender<Incoming>,
    mut stop: watch::Receiver<bool>,
    shared: std::sync::Arc<crate::Shared>,
) {
    let id = shard.id().number();
    let mut acked = None;
    loop {
        if shard.latency().received() != acked {
            acked = shard.latency().received();
            if let (Some(m), Some(rtt)) = (shared.metrics(), shard.latency().recent().first()) {
                m.gateway_latency(id, rtt.as_secs_f64());
            }
        }
        tokio::select! {
            item = shard.next() => match item {
                None => break,
                Some(Ok(Message::Text(frame))) => {
                    // twilight has already taken what it needs (sequence, session, hello,
                    // heartbeats); the engine task keeps the dispatches.
                    let seq = shard.session().map_or(0, |s| s.sequence());
                    // Waits while the engine's queue is full: the frame is held, never dropped.
                    if tx.send(Incoming { shard: id, seq, at: Instant::now(), frame }).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) => {}
                // twilight's errors never contain the token.
                Some(Err(e)) => {
                    let text: String = e.to_string().chars().take(300).collect();
                    tracing::warn!(shard = id, "{text}");
                }
            },
            _ = stop.changed() => {
                shard.close(CloseFrame::NORMAL);
                break;
            }
        }
    }
}
