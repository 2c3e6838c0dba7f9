//! ISO 8601 times as Mastodon writes them; the date arithmetic is `moat_clock::civil`'s.
//!
//! Rails renders times with milliseconds (`2024-02-15T10:00:00.123Z`); the rate-limit reset
//! header uses microseconds (`…:00.000000Z`, Ruby's `iso8601(6)`); the public account entity
//! gives only the day its account was created (`…T00:00:00.000Z`).

use moat_clock::civil::{utc, DAY_MS};

/// Parses `YYYY-MM-DDTHH:MM:SS[.f…][Z|+HH:MM|-HH:MM]` to unix ms; `None` if it is not that
/// (or is before 1970).
pub use moat_clock::civil::parse_iso_ms as parse_iso;

fn parts(ms: u64) -> (i64, i64, i64, u64, u64, u64, u64) {
    let t = utc(ms);
    (t.year, t.month, t.day, t.hour, t.minute, t.second, t.milli)
}

/// `2024-02-15T10:00:00.123Z`.
pub fn iso_ms(ms: u64) -> String {
    let (y, mo, d, h, mi, s, f) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f:03}Z")
}

/// `2024-02-15T10:00:00.123000Z` (the `X-RateLimit-Reset` form).
pub fn iso_us(ms: u64) -> String {
    let (y, mo, d, h, mi, s, f) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f:03}000Z")
}

/// The midnight (UTC) that starts the day of `ms`, as the public account entity gives it.
pub fn iso_day(ms: u64) -> String {
    iso_ms(ms - ms % DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_forms() {
        let t = parse_iso("2024-02-15T10:20:30.456Z").expect("valid");
        assert_eq!(iso_ms(t), "2024-02-15T10:20:30.456Z");
        assert_eq!(iso_us(t), "2024-02-15T10:20:30.456000Z");
        assert_eq!(iso_day(t), "2024-02-15T00:00:00.000Z");
        assert_eq!(parse_iso("2024-02-15T11:20:30.456+01:00"), Some(t));
        assert_eq!(parse_iso("2024-02-15T10:20:30Z"), Some(t - 456));
        assert_eq!(parse_iso("2024-02-15T10:20:30.456789Z"), Some(t));
    }

    #[test]
    fn junk_is_none() {
        for s in [
            "",
            "2024",
            "2024-13-01T00:00:00Z",
            "2024-02-15T10:20:30.Z",
            "2024-02-15T10:20:30+1",
            "１２３４-02-15T10:20:30Z",
        ] {
            assert_eq!(parse_iso(s), None, "{s}");
        }
    }
}
