//! Plays a capture ([`crate::capture`]): webhook lines are delivered signed to the configured
//! URL, streaming lines go to the connected streams (and stay in the public timeline), and
//! the server's state follows, so moat's admin calls on those accounts act as on a real
//! server.
//!
//! [`Pace::Clock`] keeps the capture's timing on the fake's clock: each line waits until the
//! clock reaches its time (shifted by how far the clock was past the first line when the play
//! began, so a capture from last year plays in real time on the wall clock, and exactly on
//! its own times on a test clock started at [`crate::capture::first_time`]). With a fast
//! clock, twenty minutes of wave take seconds. [`Pace::Fast`] goes as fast as it can; a shared
//! clock is then moved to each line's time.

use std::sync::Arc;

use moat_clock::Clock;

use crate::capture::{parse_line, Line};
use crate::events::{self, Kind, Outcome};
use crate::Inner;

/// How fast to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// As fast as possible.
    Fast,
    /// Each line at its time on the fake's clock.
    Clock,
}

/// What a play went through.
#[derive(Debug, Clone, Default)]
pub struct PlayReport {
    /// Lines played.
    pub lines: u64,
    /// Lines that were not capture lines, with their (1-based) number and why (the first 20).
    pub bad_lines: u64,
    pub errors: Vec<(usize, String)>,
    /// Webhook deliveries queued and stream messages sent.
    pub webhooks: u64,
    pub streamed: u64,
    /// Posts dropped because their author could not post any more.
    pub suppressed: u64,
    /// Sign-ups refused, and held for approval, by blocks.
    pub refused: u64,
    pub held: u64,
    pub first_ms: Option<u64>,
    pub last_ms: Option<u64>,
}

impl PlayReport {
    fn add(&mut self, o: Outcome) {
        self.webhooks += u64::from(o.webhooks);
        self.streamed += o.streamed as u64;
        self.suppressed += u64::from(o.suppressed);
        self.refused += u64::from(o.refused);
        self.held += u64::from(o.held);
    }
}

fn apply(inner: &Inner, line: &Line, raw: &str, now_ms: u64) -> Outcome {
    match line {
        Line::Webhook { value, .. } => events::on_webhook(inner, raw, value, now_ms),
        Line::Stream { event, payload, status: Some(s), .. } => {
            let kind = if event == "status.update" { Kind::Updated } else { Kind::Created };
            events::on_status(inner, kind, s, None, Some(payload), now_ms)
        }
        Line::Stream { event, payload, .. } if event == "delete" => events::on_delete(inner, payload),
        Line::Stream { streams, event, payload, .. } => {
            Outcome { streamed: crate::stream::broadcast_to(inner, streams, event, payload), ..Outcome::default() }
        }
    }
}

pub(crate) async fn play(inner: &Arc<Inner>, capture: &str, pace: Pace) -> PlayReport {
    let mut r = PlayReport::default();
    let mut prev: Option<u64> = None;
    let mut shift: Option<u64> = None;
    for (i, raw) in capture.lines().enumerate() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let line = match parse_line(raw) {
            Ok(l) => l,
            Err(e) => {
                r.bad_lines += 1;
                if r.errors.len() < 20 {
                    r.errors.push((i + 1, e.to_string()));
                }
                continue;
            }
        };
        let at = line.at_ms().or(prev);
        if let Some(at) = at {
            r.first_ms.get_or_insert(at);
            match pace {
                Pace::Fast => {
                    inner.clock.set_at_least(at);
                }
                Pace::Clock => {
                    let shift = *shift.get_or_insert_with(|| inner.clock.now_ms().saturating_sub(at));
                    inner.clock.sleep_until(at.saturating_add(shift)).await;
                }
            }
            r.last_ms = Some(at);
            prev = Some(at);
        }
        let now = inner.clock.now_ms();
        let outcome = apply(inner, &line, raw, now);
        if outcome.invalid {
            r.bad_lines += 1;
            if r.errors.len() < 20 {
                r.errors.push((i + 1, "a status without an id or an author with an id and a username".into()));
            }
            continue;
        }
        r.add(outcome);
        r.lines += 1;
        if matches!(pace, Pace::Fast) || matches!(inner.clock, Clock::Shared(_)) {
            tokio::task::yield_now().await;
        }
    }
    r
}
