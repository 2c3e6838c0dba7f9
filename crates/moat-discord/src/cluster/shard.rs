//! One shard of a cluster member: identify through the shared queue or resume the session
//! kept in KV, pass frames on as [`crate::gateway::run_shard`] does, keep the session saved,
//! and share joins, leaves and messages as cross-guild signals.
//!
//! The session is saved a little behind what was received (the sequence as of the previous
//! save tick): a frame still queued for the engine when the process is killed is then
//! replayed to the taker rather than lost. The price is that the taker may see up to one
//! tick of frames twice; a clean stop saves the exact sequence, since the engine finishes
//! what it was handed before the process ends.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use moat_cluster::signals::{Signal, SignalKind, SignalPublisher};
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use twilight_gateway::{CloseFrame, ConfigBuilder, Message, Session, Shard, ShardId};

use super::Ctx;
use crate::gateway::{intents, Incoming};

/// How long a shard waits for its last holder's final save before reading its session.
const HANDOVER_GRACE: Duration = Duration::from_millis(1000);
/// How often a shard's session is saved.
const SAVE_EVERY: Duration = Duration::from_millis(500);
/// Signals waiting to be published, per shard, at most (a full queue counts what it drops).
const SIGNAL_QUEUE: usize = 4096;

/// Runs shard `id` until `stop`, then saves its session and closes it resumably.
pub(crate) async fn run(ctx: Arc<Ctx>, id: u32, mut stop: watch::Receiver<bool>) {
    let link = &ctx.link;
    // A group handed over on a rebalance is released before its last holder has saved its
    // sessions' final sequence; a moment's wait lets that save land (a RESUME from an older
    // one is still right, only longer).
    tokio::select! {
        _ = tokio::time::sleep(HANDOVER_GRACE) => {}
        _ = stop.changed() => return,
    }
    let saved = link.sessions.load(id).await.unwrap_or_else(|e| {
        eprintln!("moat: shard {id}: cannot read its saved session ({e}); identifying");
        None
    });
    let mut b = ConfigBuilder::new(ctx.cfg.token.clone(), intents()).queue(link.queue.clone());
    if let Some(url) = &ctx.cfg.gateway_url {
        b = b.proxy_url(url.clone());
    }
    if let Some(s) = &saved {
        eprintln!("moat: shard {id}: resuming the session {} saved at sequence {}", s.member, s.sequence);
        b = b.session(Session::new(s.sequence, s.session_id.clone())).resume_url(s.resume_url.clone());
    }
    if saved.is_some() {
        tokio::spawn(take_over(ctx.clone(), id));
    }
    let mut shard = Shard::with_config(ShardId::new(id, link.plan.shards), b.build());
    let signals = link.signals.clone().map(|p| publisher(p, id));
    let mut tick = tokio::time::interval(SAVE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // (saved, seen at the last tick): each tick saves what was seen one tick before.
    let mut seqs = (saved.as_ref().map_or(0, |s| s.sequence), 0u64);
    loop {
        tokio::select! {
            item = shard.next() => match item {
                None => break,
                Some(Ok(Message::Text(frame))) => {
                    let seq = shard.session().map_or(0, |s| s.sequence());
                    if let (Some(tx), Some(sig)) = (&signals, signal_of(&frame, &ctx)) {
                        if tx.try_send(sig).is_err() {
                            ctx.dropped_signal();
                        }
                    }
                    if ctx.events.send(Incoming { shard: id, seq, at: Instant::now(), frame }).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    // Without NATS past the lease, another process may have resumed this
                    // session: do not fight it for the connection.
                    if ctx.shared.gate.get().is_some_and(|g| g.alerts_only_shard(id)) {
                        eprintln!("moat: shard {id}: closed while its lease lapsed without NATS; leaving it to the cluster");
                        break;
                    }
                }
                Some(Err(e)) => {
                    let text: String = e.to_string().chars().take(300).collect();
                    eprintln!("moat: shard {id}: {text}");
                }
            },
            _ = tick.tick() => {
                let now = shard.session().map_or(0, |s| s.sequence());
                let due = seqs.1;
                seqs.1 = now;
                if due > seqs.0 && save(&ctx, snapshot(&shard), id, due).await {
                    seqs.0 = due;
                }
            }
            _ = stop.changed() => {
                let now = shard.session().map_or(0, |s| s.sequence());
                if now > 0 {
                    save(&ctx, snapshot(&shard), id, now).await;
                }
                shard.close(CloseFrame::RESUME);
                // Let the close frame go out (the session stays resumable for the taker).
                let _ = tokio::time::timeout(Duration::from_secs(1), async {
                    while let Some(m) = shard.next().await {
                        if matches!(m, Ok(Message::Close(_))) {
                            break;
                        }
                    }
                })
                .await;
                break;
            }
        }
    }
}

/// A resumed shard's guilds, told to the engine as the GUILD_CREATEs a RESUME does not send.
async fn take_over(ctx: Arc<Ctx>, id: u32) {
    let frames = super::rehydrate::guild_creates(&ctx, id).await;
    eprintln!("moat: shard {id}: took over {} guild(s); read their roles and channels", frames.len());
    for frame in frames {
        if ctx.events.send(Incoming { shard: id, seq: 0, at: Instant::now(), frame }).await.is_err() {
            return;
        }
    }
}

/// The shard's session id, resume URL and sequence, if it has a session.
fn snapshot(shard: &Shard<moat_cluster::identify::NatsQueue>) -> Option<(String, String, u64)> {
    let (session, url) = (shard.session()?, shard.resume_url()?);
    Some((session.id().to_string(), url.to_string(), session.sequence()))
}

/// Saves the shard's session at `seq` (at most its own sequence); whether it was saved.
async fn save(ctx: &Ctx, snap: Option<(String, String, u64)>, id: u32, seq: u64) -> bool {
    let Some((session, url, at)) = snap else { return false };
    match ctx.link.sessions.save(id, &session, seq.min(at), &url).await {
        Ok(()) => true,
        Err(e) => {
            eprintln!("moat: shard {id}: cannot save its session ({e})");
            false
        }
    }
}

/// A task publishing one shard's signals in order; returns its queue.
fn publisher(p: SignalPublisher, id: u32) -> mpsc::Sender<Signal> {
    let (tx, mut rx) = mpsc::channel::<Signal>(SIGNAL_QUEUE);
    tokio::spawn(async move {
        let mut failing = false;
        while let Some(sig) = rx.recv().await {
            match p.publish(&sig).await {
                Ok(()) => failing = false,
                Err(e) if !failing => {
                    eprintln!("moat: shard {id}: cannot share a cross-guild signal ({e}); retrying with the next");
                    failing = true;
                }
                Err(_) => {}
            }
        }
    });
    tx
}

/// The cross-guild signal a frame carries: ids, a time, keyed fingerprints; nothing else.
fn signal_of(frame: &str, ctx: &Ctx) -> Option<Signal> {
    if !(frame.contains("GUILD_MEMBER_") || frame.contains("MESSAGE_CREATE")) {
        return None;
    }
    let v: Value = serde_json::from_str(frame).ok()?;
    let t = v.get("t")?.as_str()?;
    let d = v.get("d")?;
    let id = |v: &Value| v.as_str().and_then(|s| s.parse::<u64>().ok());
    let guild = id(d.get("guild_id")?)?;
    let at_ms = ctx.cfg.clock.now_ms();
    let (kind, who, fingerprints) = match t {
        "GUILD_MEMBER_ADD" => (SignalKind::Join, d.get("user")?, Vec::new()),
        "GUILD_MEMBER_REMOVE" => (SignalKind::Leave, d.get("user")?, Vec::new()),
        "MESSAGE_CREATE" if d.get("webhook_id").is_none_or(Value::is_null) => {
            let text = d.get("content").and_then(Value::as_str).unwrap_or("");
            let fp = ctx.link.signals.as_ref().map(|p| p.fingerprint(&moat_core::detect::lure::normalise(text)));
            (SignalKind::Message, d.get("author")?, fp.into_iter().collect())
        }
        _ => return None,
    };
    if who.get("bot").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    Some(Signal { kind, user: id(who.get("id")?)?, guild, at_ms, fingerprints })
}
