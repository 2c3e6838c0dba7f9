//! Where the engine's time comes from.
//!
//! Live, the engine runs on the wall clock. `moat demo` plays captures recorded months ago
//! and faster than real time, so account ages and rate windows must be judged in the
//! capture's time: the fake Discord's player moves a shared virtual clock and the bot reads
//! it. Either way the engine itself never reads a clock (it is pure), the bot hands it one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now" in unix milliseconds.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    Wall,
    /// A clock someone else moves; it reads 0 until it is started, so an engine fed
    /// before then does not jump to today and then refuse to go back to the capture's time.
    Shared(Arc<AtomicU64>),
}

impl Clock {
    pub fn now_ms(&self) -> u64 {
        match self {
            Clock::Wall => wall_ms(),
            Clock::Shared(t) => t.load(Ordering::Acquire),
        }
    }
}

/// The system clock in unix milliseconds (0 if it is before 1970).
pub fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
