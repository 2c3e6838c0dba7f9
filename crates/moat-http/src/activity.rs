//! What the overview's chart and "recent flags" show: per guild, events and actions per
//! minute over the last hours, and the last flags, kept in memory from the live feed.
//!
//! Only counts and the flags' actions are kept (a flag carries its own evidence, bounded by
//! the engine); no message text is kept here that the store does not already hold.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use moat_core::id::GuildId;
use moat_core::{Action, ActionKind};
use tokio::sync::broadcast;

use crate::metrics::Metrics;
use crate::source::{Live, LiveKind};

/// Minutes of history the chart can show.
pub const MINUTES: usize = 6 * 60;
/// Flags kept per guild.
pub const FLAGS: usize = 20;

#[derive(Default)]
pub struct GuildActivity {
    /// (minute since the epoch, events, actions), oldest first.
    pub minutes: VecDeque<(u64, u32, u32)>,
    pub flags: VecDeque<Arc<Action>>,
}

/// Every guild's activity.
#[derive(Clone, Default)]
pub struct Activity {
    inner: Arc<Mutex<HashMap<GuildId, GuildActivity>>>,
}

impl Activity {
    /// Counts one live item.
    pub fn note(&self, live: &Live) {
        let mut all = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let g = all.entry(live.guild).or_default();
        let minute = live.ts / 60_000;
        let (ev, ac) = match &live.kind {
            LiveKind::Event(_) => (1, 0),
            LiveKind::Action(a) => {
                if a.kind == ActionKind::Flag {
                    g.flags.push_front(a.clone());
                    g.flags.truncate(FLAGS);
                }
                (0, 1)
            }
            _ => return,
        };
        match g.minutes.iter_mut().rev().find(|m| m.0 == minute) {
            Some(m) => {
                m.1 += ev;
                m.2 += ac;
            }
            None => {
                let at = g.minutes.iter().rposition(|m| m.0 < minute).map_or(0, |i| i + 1);
                g.minutes.insert(at, (minute, ev, ac));
                while g.minutes.front().is_some_and(|m| m.0 + MINUTES as u64 <= minute) {
                    g.minutes.pop_front();
                }
            }
        }
    }

    /// Events and actions per minute for the `minutes` minutes up to `now` (oldest first).
    pub fn series(&self, guild: GuildId, now: u64, minutes: usize) -> Vec<(u64, u32, u32)> {
        let all = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let end = now / 60_000;
        let start = end + 1 - minutes as u64;
        let known = all.get(&guild).map(|g| &g.minutes);
        (start..=end).map(|m| known.and_then(|k| k.iter().find(|x| x.0 == m)).map_or((m, 0, 0), |x| *x)).collect()
    }

    pub fn flags(&self, guild: GuildId) -> Vec<Arc<Action>> {
        let all = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        all.get(&guild).map(|g| g.flags.iter().cloned().collect()).unwrap_or_default()
    }

    /// Follows the live feed for as long as it lasts, counting into the metrics too.
    pub fn follow(&self, mut rx: broadcast::Receiver<Live>, metrics: Arc<Metrics>) {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(live) => {
                        match &live.kind {
                            LiveKind::Event(t) => metrics.event(t),
                            LiveKind::Action(a) => metrics.action(a.kind, a.detector),
                            _ => {}
                        }
                        me.note(&live);
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!("the dashboard fell {n} live items behind; its chart undercounts them");
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(ts: u64, kind: LiveKind) -> Live {
        Live { guild: GuildId(1), ts, kind }
    }

    #[test]
    fn minutes_are_counted_and_old_ones_dropped() {
        let a = Activity::default();
        let act = Arc::new(Action::new(61_000, GuildId(1), ActionKind::Flag, moat_core::Detector::Scam, "x".into()));
        a.note(&live(60_000, LiveKind::Event("message")));
        a.note(&live(61_000, LiveKind::Event("message")));
        a.note(&live(61_000, LiveKind::Action(act)));
        a.note(&live(0, LiveKind::Event("join")));
        let s = a.series(GuildId(1), 179_000, 3);
        assert_eq!(s, vec![(0, 1, 0), (1, 2, 1), (2, 0, 0)]);
        assert_eq!(a.flags(GuildId(1)).len(), 1);
        a.note(&live((MINUTES as u64 + 5) * 60_000, LiveKind::Event("message")));
        assert_eq!(a.series(GuildId(1), 179_000, 3), vec![(0, 0, 0), (1, 0, 0), (2, 0, 0)]);
        assert!(a.series(GuildId(2), 0, 1) == vec![(0, 0, 0)]);
    }
}
