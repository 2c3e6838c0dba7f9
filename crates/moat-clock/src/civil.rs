//! Civil dates (proleptic Gregorian, UTC) to and from days since 1970-01-01: the one copy
//! of this arithmetic in moat.
//!
//! Discord's and Mastodon's timestamps, the fakes' headers and the CLI's tables all need it,
//! and nothing more: no time zones, no calendars, so a date crate would bring much more than
//! is used. Each reader keeps its own front-end (how strict it is about the text is part of
//! what it emulates: twilight's parser, Rails' output), and they all end here.
//!
//! The algorithms are Howard Hinnant's (`days_from_civil`, `civil_from_days`), exact for
//! every date an `i64` of days can hold that matters to moat; the tests check them against a
//! day-by-day walk over several centuries.

/// Milliseconds in a day.
pub const DAY_MS: u64 = 86_400_000;

/// Whether `y` is a leap year.
pub const fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days in month `m` (1..=12) of year `y`.
pub const fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of year `y`, month `m` (1..=12), day `d` (1..=31).
pub const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month (1..=12) and day (1..=31) of day `z` since 1970-01-01.
pub const fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A moment in UTC, split for formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: u64,
    pub minute: u64,
    pub second: u64,
    pub milli: u64,
}

/// Unix milliseconds split into UTC date and time.
pub const fn utc(ms: u64) -> Utc {
    let (year, month, day) = civil_from_days((ms / DAY_MS) as i64);
    let in_day = ms % DAY_MS;
    Utc {
        year,
        month,
        day,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        milli: in_day % 1000,
    }
}

/// Unix milliseconds of a UTC date and time, or `None` before 1970.
pub fn unix_ms(y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64, ms: i64) -> Option<u64> {
    let secs = days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + s;
    u64::try_from(secs * 1000 + ms).ok()
}

fn digits(s: &str, r: std::ops::Range<usize>) -> Option<i64> {
    let t = s.get(r)?;
    if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// The offset suffix in minutes east of UTC: `Z`, empty, or `±HH:MM`.
fn offset_minutes(rest: &str) -> Option<i64> {
    match rest {
        "" | "Z" | "z" => Some(0),
        o if o.len() == 6 && o.as_bytes()[3] == b':' => {
            let sign = match o.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hh, mm) = (digits(o, 1..3)?, digits(o, 4..6)?);
            (hh < 24 && mm < 60).then_some(sign * (hh * 60 + mm))
        }
        _ => None,
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (ISO 8601 as Rails, Discord's REST and
/// most servers write it) into unix milliseconds: `None` for anything else, or a time before
/// 1970, never a panic.
pub fn parse_iso_ms(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (digits(s, 0..4)?, digits(s, 5..7)?, digits(s, 8..10)?);
    let (h, mi, se) = (digits(s, 11..13)?, digits(s, 14..16)?, digits(s, 17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut frac_ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let mut ms = 0i64;
        for (i, c) in frac.bytes().take(3).enumerate().take(n) {
            ms += i64::from(c - b'0') * [100, 10, 1][i];
        }
        frac_ms = ms;
        rest = &frac[n..];
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset_minutes(rest)? * 60;
    u64::try_from(secs.checked_mul(1000)?.checked_add(frac_ms)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_by_day_walk_agrees_both_ways() {
        // From 1600-01-01 to 2400-12-31, counting days by hand.
        let (mut y, mut m, mut d) = (1600, 1, 1);
        let mut z = days_from_civil(1600, 1, 1);
        while y <= 2400 {
            assert_eq!(days_from_civil(y, m, d), z, "{y}-{m}-{d}");
            assert_eq!(civil_from_days(z), (y, m, d), "day {z}");
            z += 1;
            d += 1;
            if d > days_in_month(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn known_moments() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        let t = utc(1_767_273_300_083);
        assert_eq!((t.year, t.month, t.day, t.hour, t.minute, t.second, t.milli), (2026, 1, 1, 13, 15, 0, 83));
        assert_eq!(unix_ms(2026, 1, 1, 13, 15, 0, 83), Some(1_767_273_300_083));
        assert_eq!(unix_ms(1969, 12, 31, 23, 59, 59, 0), None);
    }

    #[test]
    fn iso_forms() {
        let t = parse_iso_ms("2024-02-15T10:20:30.456Z").expect("valid");
        assert_eq!(t, 1_707_992_430_456);
        assert_eq!(parse_iso_ms("2024-02-15T10:20:30.456789Z"), Some(t), "microseconds");
        assert_eq!(parse_iso_ms("2024-02-15T11:20:30.456+01:00"), Some(t));
        assert_eq!(parse_iso_ms("2024-02-15T10:20:30Z"), Some(t - 456));
        assert_eq!(parse_iso_ms("2024-02-15T10:20:30.4Z"), Some(t - 56));
        assert_eq!(parse_iso_ms("2026-01-01T13:15:00.083+00:00"), Some(1_767_273_300_083));
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00.000Z"), Some(0));
    }

    #[test]
    fn iso_junk_is_none() {
        for s in [
            "",
            "2024",
            "yesterday",
            "2024-13-01T00:00:00Z",
            "2024-02-15T10:20:30.Z",
            "2024-02-15T10:20:30+1",
            "1969-12-31T23:59:59Z",
            "２０２４-02-15T10:20:30Z",
            "2024-02-15T10:20:30+99:00",
        ] {
            assert_eq!(parse_iso_ms(s), None, "{s}");
        }
    }
}
