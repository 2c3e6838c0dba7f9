//! The gateway's session rules, as pure checks: which close code an IDENTIFY earns, the
//! identify buckets (`shard_id % max_concurrency`, one identify per interval each), the
//! daily session-start limit, and the per-connection payload rate.
//!
//! Close codes are Discord's: 4001 unknown opcode, 4002 decode error, 4003 not
//! authenticated, 4004 authentication failed, 4005 already authenticated, 4008 rate limited,
//! 4009 session timed out, 4010 invalid shard, 4011 sharding required, 4012 invalid API
//! version, 4013 invalid intents, 4014 disallowed intents.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::options::GatewayRules;

pub const UNKNOWN_OPCODE: u16 = 4001;
pub const DECODE_ERROR: u16 = 4002;
pub const NOT_AUTHENTICATED: u16 = 4003;
pub const AUTHENTICATION_FAILED: u16 = 4004;
pub const ALREADY_AUTHENTICATED: u16 = 4005;
pub const RATE_LIMITED: u16 = 4008;
pub const SESSION_TIMED_OUT: u16 = 4009;
pub const INVALID_SHARD: u16 = 4010;
pub const SHARDING_REQUIRED: u16 = 4011;
pub const INVALID_API_VERSION: u16 = 4012;
pub const INVALID_INTENTS: u16 = 4013;
pub const DISALLOWED_INTENTS: u16 = 4014;

/// Every intent Discord defines (bits 0–16, 20, 21, 24, 25).
pub const KNOWN_INTENTS: u64 = 0x1_ffff | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25);

const DAY: Duration = Duration::from_secs(86_400);

/// Identify bookkeeping across every connection of the fake (one token).
#[derive(Debug, Default)]
pub struct Identifies {
    /// Identify times in the current day (for `session_start_limit`).
    day: VecDeque<Instant>,
    /// The last identify per bucket.
    last: HashMap<u32, Instant>,
}

/// What an IDENTIFY asked for.
pub struct IdentifyAsk {
    pub shard: Option<[u32; 2]>,
    pub intents: u64,
    pub guilds_on_shard: usize,
}

impl Identifies {
    fn expire(&mut self, now: Instant) {
        while self.day.front().is_some_and(|&t| now.duration_since(t) >= DAY) {
            self.day.pop_front();
        }
    }

    /// Identifies left today, and ms until the oldest of today's leaves the window.
    pub fn remaining(&mut self, rules: &GatewayRules, now: Instant) -> (u32, u64) {
        self.expire(now);
        let left = rules.daily_identifies.saturating_sub(self.day.len() as u32);
        let reset = self.day.front().map_or(0, |&t| (DAY - now.duration_since(t)).as_millis() as u64);
        (left, reset)
    }

    /// Whether today's limit is spent (the next identify resets the token).
    pub fn exhausted(&mut self, rules: &GatewayRules, now: Instant) -> bool {
        self.remaining(rules, now).0 == 0
    }

    /// Judges an IDENTIFY: `Err(close code)` or `Ok(shard)`, counting it when accepted.
    pub fn judge(&mut self, rules: &GatewayRules, ask: &IdentifyAsk, now: Instant) -> Result<[u32; 2], u16> {
        let shard = match ask.shard {
            None => [0, 1],
            Some([id, total]) if total > 0 && id < total => [id, total],
            Some(_) => return Err(INVALID_SHARD),
        };
        if ask.intents & !KNOWN_INTENTS != 0 {
            return Err(INVALID_INTENTS);
        }
        let privileged = ask.intents & crate::options::PRIVILEGED_INTENTS;
        if privileged & !rules.privileged_intents != 0 {
            return Err(DISALLOWED_INTENTS);
        }
        if ask.guilds_on_shard > rules.max_guilds_per_shard {
            return Err(SHARDING_REQUIRED);
        }
        let bucket = shard[0] % rules.max_concurrency.max(1);
        if rules.identify_interval_ms > 0 {
            let interval = Duration::from_millis(rules.identify_interval_ms);
            if self.last.get(&bucket).is_some_and(|&t| now.duration_since(t) < interval) {
                return Err(RATE_LIMITED);
            }
        }
        self.last.insert(bucket, now);
        self.day.push_back(now);
        Ok(shard)
    }
}

/// A connection's payloads in the last minute.
#[derive(Debug, Default)]
pub struct PayloadRate(VecDeque<Instant>);

impl PayloadRate {
    /// Notes one payload; `true` when the connection went over `per_minute`.
    pub fn over(&mut self, per_minute: u32, now: Instant) -> bool {
        if per_minute == 0 {
            return false;
        }
        while self.0.front().is_some_and(|&t| now.duration_since(t) >= Duration::from_secs(60)) {
            self.0.pop_front();
        }
        self.0.push_back(now);
        self.0.len() > per_minute as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(shard: Option<[u32; 2]>, intents: u64) -> IdentifyAsk {
        IdentifyAsk { shard, intents, guilds_on_shard: 1 }
    }

    #[test]
    fn buckets_are_spaced() {
        let rules = GatewayRules { max_concurrency: 2, identify_interval_ms: 5_000, ..Default::default() };
        let mut ids = Identifies::default();
        let t = Instant::now();
        assert_eq!(ids.judge(&rules, &ask(Some([0, 4]), 1), t), Ok([0, 4]));
        assert_eq!(ids.judge(&rules, &ask(Some([1, 4]), 1), t), Ok([1, 4]), "another bucket");
        assert_eq!(ids.judge(&rules, &ask(Some([2, 4]), 1), t), Err(RATE_LIMITED), "bucket 0 again");
        assert_eq!(ids.judge(&rules, &ask(Some([2, 4]), 1), t + Duration::from_secs(5)), Ok([2, 4]));
        assert_eq!(ids.remaining(&rules, t).0, 997);
    }

    #[test]
    fn bad_shards_and_intents() {
        let rules = GatewayRules { privileged_intents: 0, ..Default::default() };
        let mut ids = Identifies::default();
        let t = Instant::now();
        assert_eq!(ids.judge(&rules, &ask(Some([2, 2]), 1), t), Err(INVALID_SHARD));
        assert_eq!(ids.judge(&rules, &ask(Some([0, 0]), 1), t), Err(INVALID_SHARD));
        assert_eq!(ids.judge(&rules, &ask(None, 1 << 30), t), Err(INVALID_INTENTS));
        assert_eq!(ids.judge(&rules, &ask(None, 1 << 15), t), Err(DISALLOWED_INTENTS));
        let big = IdentifyAsk { shard: None, intents: 1, guilds_on_shard: 2_501 };
        assert_eq!(ids.judge(&rules, &big, t), Err(SHARDING_REQUIRED));
    }

    #[test]
    fn payloads_per_minute() {
        let mut r = PayloadRate::default();
        let t = Instant::now();
        assert!(!(0..3).any(|_| r.over(3, t)));
        assert!(r.over(3, t));
        assert!(!r.over(3, t + Duration::from_secs(61)));
    }
}
