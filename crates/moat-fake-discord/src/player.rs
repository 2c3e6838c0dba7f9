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

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize as _;
use serde_json::value::RawValue;
use serde_json::Value;

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

pub(crate) async fn play(inner: &Arc<Inner>, capture: &str, pace: Pace) -> PlayReport {
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
        match &pace {
            Pace::Fast => {}
            Pace::Speed(f) => {
                let due = started + Duration::from_secs_f64(l.ts.saturating_sub(first) as f64 / 1000.0 / f.max(1e-6));
                tokio::time::sleep_until(due.into()).await;
            }
            Pace::Lockstep { handled, timeout } => {
                if !wait_for(handled, base + r.events, *timeout).await {
                    r.stalls += 1;
                }
            }
        }
        if inner.virtual_clock.load(Ordering::Acquire) {
            inner.clock.store(l.ts, Ordering::Release);
        }
        lock(&inner.world).apply(l.t, &d);
        gateway::dispatch(inner, l.t, l.d.get(), guild_of(l.t, &d));
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
