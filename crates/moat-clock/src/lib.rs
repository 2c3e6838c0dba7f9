//! Where time comes from, for the adapters, the fakes of the platforms and their tests.
//!
//! The engine never reads a clock (it is pure): whoever feeds it hands it "now". Live, that
//! is the wall clock. `moat demo` and the end-to-end tests play captures recorded long ago,
//! and must run twenty minutes of a wave, or Mastodon's five-minute rate-limit window, in a
//! few seconds; the bot and the fake platform must then agree on what time it is, so both
//! read one [`Clock`]:
//!
//! - [`Clock::Wall`]: the system clock;
//! - [`Clock::Shared`]: a value someone else moves (a player sets it to each event's time);
//!   it reads 0 until it is started, so an engine fed before then does not jump to today;
//! - [`Clock::Scaled`]: runs by itself at `speed` times wall speed from a start time, and can
//!   be pushed forward with [`Clock::advance`] (to jump over a window in a test).
//!
//! [`Clock::sleep_until`] waits for a time *on this clock*, so a rate-limit wait of five
//! minutes takes 300 ms at 1000×. This crate is not a scheduler or a timer wheel: sleepers on
//! a shared clock poll it every millisecond of wall time, which is plenty for tests and demos.
//!
//! [`civil`] turns unix milliseconds into dates and back, for everyone who reads or writes a
//! timestamp.

pub mod civil;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

/// A source of "now" in unix milliseconds. Cloning shares the same time.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    Wall,
    /// A clock someone else moves (unix ms; 0 until it is started).
    Shared(Arc<AtomicU64>),
    /// A clock that runs by itself at N× wall speed.
    Scaled(Arc<Scaled>),
}

/// The state of a [`Clock::Scaled`].
#[derive(Debug)]
pub struct Scaled {
    start_ms: u64,
    speed: f64,
    anchor: Instant,
    /// Milliseconds added by [`Clock::advance`].
    skipped: AtomicU64,
    /// Woken by [`Clock::advance`], so sleepers notice a jump at once.
    jumped: Notify,
}

impl Scaled {
    fn now_ms(&self) -> u64 {
        let ran = self.anchor.elapsed().as_nanos() as f64 * self.speed / 1e6;
        self.start_ms.saturating_add(self.skipped.load(Ordering::Acquire)).saturating_add(ran as u64)
    }
}

/// The system clock in unix milliseconds (0 if it is before 1970).
pub fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

impl Clock {
    /// A clock that reads `start_ms` now and runs `speed` times faster than the wall clock
    /// (a speed that is not a positive number counts as 1).
    pub fn scaled(start_ms: u64, speed: f64) -> Clock {
        let speed = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
        Clock::Scaled(Arc::new(Scaled {
            start_ms,
            speed,
            anchor: Instant::now(),
            skipped: AtomicU64::new(0),
            jumped: Notify::new(),
        }))
    }

    /// A clock that only moves when told ([`Clock::advance`], [`Clock::set_at_least`]).
    pub fn manual(start_ms: u64) -> Clock {
        Clock::Shared(Arc::new(AtomicU64::new(start_ms)))
    }

    /// Now, in unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        match self {
            Clock::Wall => wall_ms(),
            Clock::Shared(t) => t.load(Ordering::Acquire),
            Clock::Scaled(s) => s.now_ms(),
        }
    }

    /// How many clock milliseconds pass per wall millisecond (1 for the wall clock; a shared
    /// clock has no speed of its own and reports 1).
    pub fn speed(&self) -> f64 {
        match self {
            Clock::Scaled(s) => s.speed,
            _ => 1.0,
        }
    }

    /// Moves the clock forward by `ms`. The wall clock cannot be moved: returns false there.
    pub fn advance(&self, ms: u64) -> bool {
        match self {
            Clock::Wall => false,
            Clock::Shared(t) => {
                t.fetch_add(ms, Ordering::AcqRel);
                true
            }
            Clock::Scaled(s) => {
                s.skipped.fetch_add(ms, Ordering::AcqRel);
                s.jumped.notify_waiters();
                true
            }
        }
    }

    /// Sets a shared clock to `ms` unless it already reads later (it never goes back).
    /// Returns false for the clocks that run by themselves.
    pub fn set_at_least(&self, ms: u64) -> bool {
        match self {
            Clock::Shared(t) => {
                t.fetch_max(ms, Ordering::AcqRel);
                true
            }
            _ => false,
        }
    }

    /// The wall time it takes this clock to cover `ms` (None for a shared clock, which
    /// moves only when someone moves it).
    pub fn wall_duration(&self, ms: u64) -> Option<Duration> {
        match self {
            Clock::Wall => Some(Duration::from_millis(ms)),
            Clock::Shared(_) => None,
            // A tiny speed makes the wait longer than a Duration can hold: wait "forever".
            Clock::Scaled(s) => {
                Some(Duration::try_from_secs_f64(ms as f64 / 1000.0 / s.speed).unwrap_or(Duration::MAX))
            }
        }
    }

    /// Waits until this clock reads at least `at_ms`.
    pub async fn sleep_until(&self, at_ms: u64) {
        loop {
            // Registered before reading the time, so a jump in between is not missed.
            let jumped = match self {
                Clock::Scaled(s) => Some(s.jumped.notified()),
                _ => None,
            };
            let now = self.now_ms();
            if now >= at_ms {
                return;
            }
            let wall = match self {
                Clock::Shared(_) => Duration::from_millis(1),
                _ => self.wall_duration(at_ms - now).unwrap_or(Duration::from_millis(1)),
            };
            match jumped {
                Some(jumped) => {
                    tokio::select! {
                        _ = tokio::time::sleep(wall) => {}
                        _ = jumped => {}
                    }
                }
                None => tokio::time::sleep(wall).await,
            }
        }
    }

    /// Waits for `ms` milliseconds of this clock.
    pub async fn sleep(&self, ms: u64) {
        let at = self.now_ms().saturating_add(ms);
        self.sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_never_back() {
        let c = Clock::manual(1_000);
        assert_eq!(c.now_ms(), 1_000);
        assert!(c.advance(500));
        assert_eq!(c.now_ms(), 1_500);
        assert!(c.set_at_least(1_200));
        assert_eq!(c.now_ms(), 1_500, "set_at_least never goes back");
        assert!(c.set_at_least(2_000));
        assert_eq!(c.clone().now_ms(), 2_000, "clones share the time");
        assert!(!Clock::Wall.advance(1));
    }

    #[test]
    fn a_scaled_clock_starts_where_told_and_jumps() {
        let c = Clock::scaled(5_000_000, 1.0);
        let t = c.now_ms();
        assert!((5_000_000..5_060_000).contains(&t));
        c.advance(300_000);
        assert!(c.now_ms() >= 5_300_000);
        assert_eq!(Clock::scaled(0, f64::NAN).speed(), 1.0);
        assert_eq!(Clock::scaled(0, -3.0).speed(), 1.0);
        assert_eq!(Clock::scaled(0, 1000.0).wall_duration(300_000), Some(Duration::from_millis(300)));
        assert_eq!(Clock::scaled(0, 1e-300).wall_duration(u64::MAX), Some(Duration::MAX));
    }

    #[tokio::test]
    async fn sleeping_on_a_fast_clock_reaches_the_time() {
        let c = Clock::scaled(0, 10_000.0);
        c.sleep(60_000).await;
        assert!(c.now_ms() >= 60_000);
    }

    #[tokio::test]
    async fn a_sleeper_wakes_when_the_clock_is_pushed() {
        for c in [Clock::manual(0), Clock::scaled(0, 1.0)] {
            let waiter = tokio::spawn({
                let c = c.clone();
                async move { c.sleep_until(3_600_000).await }
            });
            tokio::task::yield_now().await;
            c.advance(3_600_000);
            tokio::time::timeout(Duration::from_secs(30), waiter).await.expect("woken").expect("no panic");
        }
    }
}
