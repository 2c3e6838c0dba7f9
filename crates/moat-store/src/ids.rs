//! Conversions between moat's ids and times and what SQL stores (`i64`): the store's edge.
//!
//! The store's API takes and returns the engine's typed ids (`GuildId`, `UserId`,
//! `IncidentId`, ...), action kinds and detectors; only here do they become SQL integers
//! and text. Both backends store 64-bit *signed* integers. Discord snowflakes and moat's incident ids
//! fit (snowflakes use 63 bits, incident ids 53), so the conversion is checked rather than
//! bit-cast: an id that does not fit is refused with its value named, instead of being
//! stored as a negative number that would sort and compare wrongly.

use moat_core::{ActionKind, Detector};

use crate::error::{Result, StoreError};

/// An id (any of the engine's id types) or a time as SQL stores it.
pub(crate) fn sql(v: impl Into<u64>, what: &str) -> Result<i64> {
    let v: u64 = v.into();
    i64::try_from(v).map_err(|_| StoreError::Invalid(format!("{what} {v} is too large to store (max {})", i64::MAX)))
}

/// A stored integer back as a `u64`; negative values only come from a damaged database.
pub(crate) fn un(v: i64, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is negative ({v})")))
}

/// A stored integer back as one of the engine's id types.
pub(crate) fn id<T: From<u64>>(v: i64, what: &str) -> Result<T> {
    un(v, what).map(T::from)
}

/// A stored action kind back as the engine's.
pub(crate) fn action_kind(name: &str) -> Result<ActionKind> {
    ActionKind::parse(name).ok_or_else(|| StoreError::Corrupt(format!("unknown action kind `{name}`")))
}

/// A stored detector back as the engine's.
pub(crate) fn detector(name: &str) -> Result<Detector> {
    Detector::parse(name).ok_or_else(|| StoreError::Corrupt(format!("unknown detector `{name}`")))
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
        assert_eq!(un(sql(1_234_567_890_123_456_789u64, "user").unwrap(), "user").unwrap(), 1_234_567_890_123_456_789);
        let e = sql(u64::MAX, "guild").unwrap_err().to_string();
        assert!(e.contains("guild 18446744073709551615"), "{e}");
        assert!(un(-1, "ts").is_err());
        let g: moat_core::id::GuildId = id(7, "guild").unwrap();
        assert_eq!(g, moat_core::id::GuildId(7));
        assert_eq!(sql(g, "guild").unwrap(), 7);
    }

    #[test]
    fn kinds_and_detectors_come_back_typed_or_are_named_corrupt() {
        assert_eq!(action_kind("ban").unwrap(), ActionKind::Ban);
        assert_eq!(detector("raid").unwrap(), Detector::Raid);
        assert!(matches!(action_kind("yeet"), Err(StoreError::Corrupt(_))));
    }
}
