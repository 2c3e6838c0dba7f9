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
    /// A clock someone else moves (0 means "not started": the wall clock is used).
    Shared(Arc<AtomicU64>),
}

impl Clock {
    pub fn now_ms(&self) -> u64 {
        match self {
            Clock::Wall => wall_ms(),
            Clock::Shared(t) => match t.load(Ordering::Acquire) {
                0 => wall_ms(),
                v => v,
            },
        }
    }
}

/// The system clock in unix milliseconds (0 if it is before 1970).
pub fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
