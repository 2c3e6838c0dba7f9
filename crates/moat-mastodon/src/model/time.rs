//! Mastodon's times: ISO 8601 in UTC as Rails writes them (`2024-02-15T10:00:00.123Z`; the
//! rate-limit reset has microseconds, a public account's `created_at` only the day), read
//! into unix milliseconds. Offsets (`+01:00`) are accepted; anything else is `None`, never a
//! panic. Not a date library: moat needs no calendar beyond turning these into numbers.

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` into unix milliseconds (`None` for
/// anything else, or a time before 1970).
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
    fn mastodon_forms() {
        let t = parse_iso_ms("2024-02-15T10:20:30.456Z").expect("valid");
        assert_eq!(t, 1_707_992_430_456);
        assert_eq!(parse_iso_ms("2024-02-15T10:20:30.456789Z"), Some(t), "microseconds");
        assert_eq!(parse_iso_ms("2024-02-15T11:20:30.456+01:00"), Some(t));
        assert_eq!(parse_iso_ms("2024-02-15T10:20:30Z"), Some(t - 456));
        assert_eq!(parse_iso_ms("2024-02-15T10:20:30.4Z"), Some(t - 56));
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00.000Z"), Some(0));
    }

    #[test]
    fn junk_is_none() {
        for s in [
            "",
            "2024",
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
