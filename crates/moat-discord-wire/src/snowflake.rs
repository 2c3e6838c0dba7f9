//! Discord's ids are snowflakes: their top 42 bits are milliseconds since Discord's epoch,
//! so every user id says when the account was created. The engine never reads an id's bits
//! (its ids belong to no platform); this adapter turns a snowflake's time into the explicit
//! `account_created` fields of the engine's events.
//!
//! [`Snowflake`] reads an id the way twilight-model does: a string of digits or an integer,
//! never 0.

use std::fmt;

use moat_core::Millis;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// 2015-01-01T00:00:00Z, the first second of Discord.
pub const DISCORD_EPOCH_MS: Millis = 1_420_070_400_000;

/// When the object with this id was created, in unix milliseconds.
pub const fn created_at(id: u64) -> Millis {
    (id >> 22) + DISCORD_EPOCH_MS
}

/// A snowflake made at `at` (unix ms) with `low` in its low 22 bits (worker, process and
/// counter, which moat never reads).
pub const fn at(at: Millis, low: u64) -> u64 {
    (at.saturating_sub(DISCORD_EPOCH_MS) << 22) | (low & 0x3F_FFFF)
}

/// A Discord id as it arrives in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snowflake(pub u64);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SnowflakeVisitor)
    }
}

struct SnowflakeVisitor;

/// A string of ASCII digits as a `u64`, accepting what `str::parse` (and so twilight)
/// accepts, a leading `+` included, and refusing overflow; the commonest parse in a capture.
fn digits(v: &str) -> Option<u64> {
    let b = v.as_bytes();
    let b = b.strip_prefix(b"+").unwrap_or(b);
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    let mut n: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(n)
}

impl Visitor<'_> for SnowflakeVisitor {
    type Value = Snowflake;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Discord id: a non-zero integer or a string of one")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Snowflake, E> {
        if v == 0 {
            return Err(E::invalid_value(de::Unexpected::Unsigned(v), &self));
        }
        Ok(Snowflake(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Snowflake, E> {
        let v = u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))?;
        self.visit_u64(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Snowflake, E> {
        let n = digits(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))?;
        self.visit_u64(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_creation_time_from_id() {
        // Discord's documentation example: 175928847299117063 was created 2016-04-30 11:18:25.796 UTC.
        assert_eq!(created_at(175_928_847_299_117_063), 1_462_015_105_796);
        assert_eq!(created_at(at(1_462_015_105_796, 7)), 1_462_015_105_796);
    }

    #[test]
    fn ids_are_strings_or_numbers_and_never_zero() {
        let read = |s: &str| serde_json::from_str::<Snowflake>(s).ok();
        assert_eq!(read("\"175928847299117063\""), Some(Snowflake(175_928_847_299_117_063)));
        assert_eq!(read("42"), Some(Snowflake(42)));
        assert_eq!(read("\"0\""), None);
        assert_eq!(read("0"), None);
        assert_eq!(read("-1"), None);
        assert_eq!(read("\"x\""), None);
        assert_eq!(read("\"18446744073709551615\""), Some(Snowflake(u64::MAX)));
        assert_eq!(read("\"18446744073709551616\""), None, "too large");
        assert_eq!(read("\"+5\""), Some(Snowflake(5)), "as str::parse (and twilight) reads it");
        assert_eq!(read("\"+\""), None);
        assert_eq!(read("\"\""), None);
        assert_eq!(read("null"), None);
    }
}
