//! Discord ids are snowflakes: their top 42 bits are milliseconds since Discord's epoch, so
//! every user id says when the account was created. Account age is one of the strongest
//! signals of a raid and costs nothing to read.

use crate::action::Millis;

/// 2015-01-01T00:00:00Z, the first second of Discord.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// When the object with this id was created, in unix milliseconds.
pub const fn created_at(id: u64) -> Millis {
    (id >> 22) + DISCORD_EPOCH_MS
}

/// How old the object with this id was at `now` (0 if the id claims to be from the future).
pub const fn age_at(id: u64, now: Millis) -> Millis {
    now.saturating_sub(created_at(id))
}

pub const MINUTE: Millis = 60_000;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_creation_time_from_id() {
        // Discord's documentation example: 175928847299117063 was created 2016-04-30 11:18:25.796 UTC.
        assert_eq!(created_at(175_928_847_299_117_063), 1_462_015_105_796);
        assert_eq!(age_at(175_928_847_299_117_063, 1_462_015_105_796 + DAY), DAY);
        assert_eq!(age_at(175_928_847_299_117_063, 0), 0);
    }
}
