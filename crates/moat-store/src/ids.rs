//! Conversions between moat's ids and times (`u64`) and what SQL stores (`i64`).
//!
//! Both backends store 64-bit *signed* integers. Discord snowflakes and moat's incident ids
//! fit (snowflakes use 63 bits, incident ids 53), so the conversion is checked rather than
//! bit-cast: an id that does not fit is refused with its value named, instead of being
//! stored as a negative number that would sort and compare wrongly.

use crate::error::{Result, StoreError};

/// A `u64` id or time as SQL stores it.
pub(crate) fn sql(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::Invalid(format!("{what} {v} is too large to store (max {})", i64::MAX)))
}

/// A stored integer back as a `u64`; negative values only come from a damaged database.
pub(crate) fn un(v: i64, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is negative ({v})")))
}

/// The wall clock in Unix milliseconds (for `recorded_at` and retention, never for the
/// engine's event time).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Milliseconds in a day.
pub const DAY_MS: u64 = 86_400_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_big_ones_are_refused() {
        assert_eq!(un(sql(1_234_567_890_123_456_789, "user").unwrap(), "user").unwrap(), 1_234_567_890_123_456_789);
        let e = sql(u64::MAX, "guild").unwrap_err().to_string();
        assert!(e.contains("guild 18446744073709551615"), "{e}");
        assert!(un(-1, "ts").is_err());
    }
}
