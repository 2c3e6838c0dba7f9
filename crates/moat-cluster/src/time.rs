//! Wall-clock milliseconds: leases, budgets and signals are compared across processes, so
//! they use Unix time (the processes' clocks must agree to well under a lease; NTP does).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
