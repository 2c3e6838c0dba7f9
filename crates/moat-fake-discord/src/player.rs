//! Plays a capture through the gateway: each line's `d` goes out verbatim as an op 0
//! dispatch, and the fake's state follows (a GUILD_CREATE creates the guild that later
//! REST calls act on).
//!
//! Captures span tens of minutes, so the player can keep their timing ([`Pace::Speed`] 1.0),
//! compress it, go as fast as the socket allows, or go in *lockstep* with the bot: each
//! event leaves only once the bot has handled the previous one. Lockstep is what makes a
//! played capture decide the same as `moat replay` while still crossing the real network
//! path. The player moves the fake's virtual clock to each event's `ts`, so Discord's own
//! checks (bulk delete's 14 days, timeouts' 28 days) hold in capture time.
//!
//! [`Play`] adds re-basing ([`crate::rebase`]): the capture's times moved to a start time
//! (now, for a bot on the wall clock) and its guild played as any number of copies with
//! their own ids, spread over the shards by their new guild ids.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize as _;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::rebase::{IdMap, Rebased};
use crate::{gateway, lock, Inner};

/// How fast to play.
#[derive(Debug, Clone)]
pub enum Pace {
    /// As fast as the socket takes it.
    Fast,
    /// Keep the capture's timing, sped up by this factor (1.0 = real time).
    Speed(f64),
    /// Send the next event once `handled` (the bot's count of dispatches handled) has caught
    /// up with what was sent, waiting at most `timeout` per event.
    Lockstep { handled: Arc<AtomicU64>, timeout: Duration },
}

/// How to play a capture: the pace, and whether to re-base it.
#[derive(Debug, Clone)]
pub struct Play {
    pub pace: Pace,
    /// Move the capture's time so its first event is at this unix ms (and rewrite its ids);
    /// `None` plays it as it is.
    pub rebase_to: Option<u64>,
    /// Play the capture's guild as this many guilds (copies with new ids); more than 1
    /// implies re-basing (to the capture's own start when `rebase_to` is `None`).
    pub guilds: u32,
}

impl Play {
    pub fn new(pace: Pace) -> Play {
        Play { pace, rebase_to: None, guilds: 1 }
    }
}

/// What a play went through.
#[derive(Debug, Clone, Default)]
pub struct PlayReport {
    pub events: u64,
    pub bad_lines: u64,
    pub first_ts: Option<u64>,
    pub last_ts: Option<u64>,
    /// Lockstep waits that timed out (the bot fell behind or stopped).
    pub stalls: u64,
    pub elapsed: Duration,
    /// The old → new ids, when the capture was re-based.
    pub id_map: Option<IdMap>,
}

#[derive(serde::Deserialize)]
struct Line<'a> {
    ts: u64,
    #[serde(borrow)]
    t: &'a str,
    #[serde(borrow)]
    d: &'a RawValue,
}

fn guild_of(t: &str, d: &Value) -> Option<u64> {
    let key = if t == "GUILD_CREATE" || t == "GUILD_UPDATE" { "id" } else { "guild_id" };
    d.get(key).and_then(Value::as_str).and_then(|s| s.parse().ok())
}

async fn wait_for(handled: &AtomicU64, target: u64, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    let mut spins = 0u32;
    while handled.load(Ordering::Acquire) < target {
        if Instant::now() >= deadline {
            return false;
        }
        if spins < 64 {
            spins += 1;
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
    true
}

/// Waits before the event at `ts`, as the pace says; counts a stalled lockstep wait.
async fn pace_until(pace: &Pace, started: Instant, first: u64, ts: u64, target: u64, r: &mut PlayReport) {
    match pace {
        Pace::Fast => {}
        Pace::Speed(f) => {
            let due = started + Duration::from_secs_f64(ts.saturating_sub(first) as f64 / 1000.0 / f.max(1e-6));
            tokio::time::sleep_until(due.into()).await;
        }
        Pace::Lockstep { handled, timeout } => {
            if !wait_for(handled, target, *timeout).await {
                r.stalls += 1;
            }
        }
    }
}

/// Sends one event: the clock moves to its time, the state follows, the shard gets it.
fn send(inner: &Inner, ts: u64, t: &str, raw: &str, d: &Value) {
    if inner.virtual_clock.load(Ordering::Acquire) {
        inner.clock.store(ts, Ordering::Release);
    }
    lock(&inner.world).apply(t, d);
    gateway::dispatch(inner, t, raw, guild_of(t, d));
}

pub(crate) async fn play_with(inner: &Arc<Inner>, capture: &str, play: Play) -> PlayReport {
    if play.rebase_to.is_none() && play.guilds <= 1 {
        return play_plain(inner, capture, play.pace).await;
    }
    let first = capture.lines().find_map(|l| serde_json::from_str::<Value>(l).ok()?.get("ts")?.as_u64()).unwrap_or(0);
    let keep = [inner.opts.bot_user_id, inner.opts.application_id];
    let rb = Rebased::new(capture, play.rebase_to.unwrap_or(first), play.guilds, &keep);
    let started = Instant::now();
    let mut r = PlayReport { bad_lines: rb.bad_lines, ..PlayReport::default() };
    let base = match &play.pace {
        Pace::Lockstep { handled, .. } => handled.load(Ordering::Acquire),
        _ => 0,
    };
    for i in 0..rb.len() {
        for k in 0..rb.map.copies {
            let Some((ts, t, d)) = rb.line(i, k) else { continue };
            let first = *r.first_ts.get_or_insert(ts);
            pace_until(&play.pace, started, first, ts, base + r.events, &mut r).await;
            send(inner, ts, t, &d.to_string(), &d);
            r.events += 1;
            r.last_ts = Some(ts);
        }
    }
    if let Pace::Lockstep { handled, timeout } = &play.pace {
        if !wait_for(handled, base + r.events, *timeout).await {
            r.stalls += 1;
        }
    }
    r.elapsed = started.elapsed();
    r.id_map = Some(rb.map);
    r
}

async fn play_plain(inner: &Arc<Inner>, capture: &str, pace: Pace) -> PlayReport {
    let started = Instant::now();
    let mut r = PlayReport::default();
    let base = match &pace {
        Pace::Lockstep { handled, .. } => handled.load(Ordering::Acquire),
        _ => 0,
    };
    for line in capture.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut de = serde_json::Deserializer::from_str(line);
        let Ok(l) = Line::deserialize(&mut de) else {
            r.bad_lines += 1;
            continue;
        };
        let Ok(d) = serde_json::from_str::<Value>(l.d.get()) else {
            r.bad_lines += 1;
            continue;
        };
        let first = *r.first_ts.get_or_insert(l.ts);
        pace_until(&pace, started, first, l.ts, base + r.events, &mut r).await;
        send(inner, l.ts, l.t, l.d.get(), &d);
        r.events += 1;
        r.last_ts = Some(l.ts);
    }
    if let Pace::Lockstep { handled, timeout } = &pace {
        if !wait_for(handled, base + r.events, *timeout).await {
            r.stalls += 1;
        }
    }
    r.elapsed = started.elapsed();
    r
}
