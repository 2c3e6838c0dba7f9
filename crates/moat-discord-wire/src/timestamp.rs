//! Discord's ISO 8601 timestamps (`2026-01-01T13:00:00.000000+00:00`) to unix milliseconds,
//! exactly as twilight-model reads them.
//!
//! twilight parses RFC 3339 and then keeps the date and time *as written*, dropping the
//! offset (Discord always sends `+00:00`), and refuses anything shorter than
//! `2021-01-01T01:01:01+00:00`; moat's conversion of its microseconds to milliseconds
//! truncates, and gives 0 before 1970. This module does the same; the date arithmetic is
//! `moat_clock::civil`'s.

use std::fmt;

use moat_clock::civil::{days_from_civil, days_in_month};
use moat_core::Millis;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// The shortest timestamp twilight accepts.
const MIN_LEN: usize = "2021-01-01T01:01:01+00:00".len();

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |n, &c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
}

/// Microseconds since the epoch of the date and time written (the offset checked, then
/// ignored, as twilight does), or `None` if it is not such a timestamp.
pub fn parse_micros(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < MIN_LEN {
        return None;
    }
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && matches!(b[10], b'T' | b't') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi, sec) = (digits(&b[11..13])?, digits(&b[14..16])?, digits(&b[17..19])?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut micros = 0i64;
    if b[i] == b'.' {
        let start = i + 1;
        let end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        if end == start || end - start > 9 {
            return None;
        }
        for k in 0..6 {
            micros = micros * 10 + b.get(start + k).filter(|_| start + k < end).map_or(0, |c| i64::from(c - b'0'));
        }
        i = end;
    }
    match &b[i..] {
        [b'Z' | b'z'] => {}
        [b'+' | b'-', oh @ .., b':', _, _] if oh.len() == 2 => {
            let (oh, om) = (digits(&b[i + 1..i + 3])?, digits(&b[i + 4..i + 6])?);
            if oh > 23 || om > 59 {
                return None;
            }
        }
        _ => return None,
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec;
    Some(secs * 1_000_000 + micros)
}

/// Unix milliseconds of a timestamp, as moat has always read twilight's (`None` if it does
/// not parse).
pub fn parse_millis(s: &str) -> Option<Millis> {
    parse_micros(s).map(|us| u64::try_from(us / 1000).unwrap_or(0))
}

/// A timestamp field read straight into unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub Millis);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an ISO 8601 timestamp like 2026-01-01T13:00:00.000000+00:00")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        parse_millis(v).map(Timestamp).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_discords_timestamps() {
        assert_eq!(parse_millis("2026-01-01T13:00:00.114+00:00"), Some(1_767_272_400_114));
        assert_eq!(parse_millis("2026-01-01T13:00:00.114999+00:00"), Some(1_767_272_400_114));
        assert_eq!(parse_millis("2021-08-10T11:16:37.020000+00:00"), Some(1_628_594_197_020));
        assert_eq!(parse_millis("2000-02-29T00:00:00+00:00"), Some(951_782_400_000));
        assert_eq!(parse_millis("1970-01-01T00:00:00.000+00:00"), Some(0));
        assert_eq!(parse_millis("1969-12-31T23:59:59.000+00:00"), Some(0), "before 1970 is 0");
        assert_eq!(parse_millis("9999-12-31T23:59:59.000+00:00"), Some(253_402_300_799_000));
    }

    #[test]
    fn the_offset_is_checked_then_ignored_as_twilight_does() {
        assert_eq!(parse_millis("2026-01-01T13:00:00.000+02:00"), parse_millis("2026-01-01T13:00:00.000+00:00"));
        assert_eq!(parse_millis("2026-01-01T13:00:00.000000Z"), Some(1_767_272_400_000));
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for bad in [
            "2026-01-01T13:00:00Z",
            "2026-13-01T13:00:00.000+00:00",
            "2026-02-30T13:00:00.000+00:00",
            "2026-01-01 13:00:00.000+00:00",
            "2026-01-01T24:00:00.000+00:00",
            "2026-01-01T13:00:00.+00:00",
            "2026-01-01T13:00:00.000+24:00",
            "2026-01-01T13:00:00.000+0000",
            "x026-01-01T13:00:00.000+00:00",
            "2026-01-01T13:00:00.0000000000+00:00",
        ] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }
}
