//! ISO 8601 times as Mastodon writes them, without a date crate: the fake only needs UTC.
//!
//! Rails renders times with milliseconds (`2024-02-15T10:00:00.123Z`); the rate-limit reset
//! header uses microseconds (`…:00.000000Z`, Ruby's `iso8601(6)`); the public account entity
//! gives only the day its account was created (`…T00:00:00.000Z`).

const DAY_MS: u64 = 86_400_000;

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn parts(ms: u64) -> (i64, i64, i64, u64, u64, u64, u64) {
    let days = (ms / DAY_MS) as i64;
    let (y, mo, d) = civil_from_days(days);
    let in_day = ms % DAY_MS;
    (y, mo, d, in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000)
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

/// Parses `YYYY-MM-DDTHH:MM:SS[.f…][Z|+HH:MM|-HH:MM]` to unix ms; `None` if it is not that
/// (or is before 1970).
pub fn parse_iso(s: &str) -> Option<u64> {
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
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d, h, mi, se) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut frac_ms = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let digits: String = frac[..n].chars().chain("000".chars()).take(3).collect();
        frac_ms = digits.parse().ok()?;
        rest = &frac[n..];
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && o.as_bytes()[3] == b':' => {
            let hh: i64 = o.get(1..3)?.parse().ok()?;
            let mm: i64 = o.get(4..6)?.parse().ok()?;
            if o.starts_with('-') {
                -(hh * 60 + mm)
            } else {
                hh * 60 + mm
            }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
    u64::try_from(secs.checked_mul(1000)?.checked_add(frac_ms)?).ok()
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
