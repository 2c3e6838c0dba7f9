//! Mastodon's times: ISO 8601 in UTC as Rails writes them (`2024-02-15T10:00:00.123Z`; the
//! rate-limit reset has microseconds, a public account's `created_at` only the day), read
//! into unix milliseconds. Offsets (`+01:00`) are accepted; anything else is `None`, never a
//! panic. The parser is moat's one copy of it, in `moat_clock::civil` (tested there).

pub use moat_clock::civil::parse_iso_ms;
