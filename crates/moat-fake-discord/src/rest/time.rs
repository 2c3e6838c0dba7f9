//! ISO 8601 times as Discord writes them (`2026-01-01T13:00:00.000+00:00`): the fake only
//! needs UTC, and only to check "at most 24 h / 28 days ahead"; the date arithmetic and the
//! parser are `moat_clock::civil`'s.

use moat_clock::civil::utc;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM]` to unix ms; `None` if it is not that.
pub use moat_clock::civil::parse_iso_ms as ms_from_iso;

/// Formats unix ms as `YYYY-MM-DDTHH:MM:SS.fff+00:00`.
pub fn iso_from_ms(ms: u64) -> String {
    let t = utc(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+00:00",
        t.year, t.month, t.day, t.hour, t.minute, t.second, t.milli
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = 1_767_273_300_083;
        assert_eq!(iso_from_ms(t), "2026-01-01T13:15:00.083+00:00");
        assert_eq!(ms_from_iso(&iso_from_ms(t)), Some(t));
        assert_eq!(ms_from_iso("2026-01-01T13:15:00Z"), Some(1_767_273_300_000));
        assert_eq!(ms_from_iso("2026-01-01T14:15:00+01:00"), Some(1_767_273_300_000));
        assert_eq!(ms_from_iso("yesterday"), None);
        assert_eq!(ms_from_iso("2026-13-01T00:00:00Z"), None);
    }
}
