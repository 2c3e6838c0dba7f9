//! Engine time: unix milliseconds, always taken from events, never from a clock.

/// Unix time in milliseconds. All engine time is event time, never the wall clock.
pub type Millis = u64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// How old something created at `created` is at `now` (0 if it claims to be from the future).
pub const fn age_at(created: Millis, now: Millis) -> Millis {
    now.saturating_sub(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_never_go_negative() {
        assert_eq!(age_at(1_000, 1_000 + DAY), DAY);
        assert_eq!(age_at(5_000, 0), 0);
    }
}
