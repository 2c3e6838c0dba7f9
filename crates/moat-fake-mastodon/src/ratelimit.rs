//! Mastodon's API rate limits (rack-attack), on the fake's clock.
//!
//! Every `/api` answer carries `X-RateLimit-Limit`, `-Remaining` and `-Reset` (an ISO time
//! with microseconds). Windows are fixed and aligned to the epoch as rack-attack's are: with
//! the default 300 requests per 5 minutes per token, the window ends at the next multiple of
//! 5 minutes, and the 301st request in it gets `429 {"error":"Too many requests"}`. Requests
//! without a valid token are counted per client address instead. Throttled requests still
//! count, as in rack-attack.
//!
//! A request that arrives while the client had been told to wait (its last answer said
//! `Remaining: 0`, or a 429 whose reset has not come) is a *violation*: a test of "never past
//! the limits" asserts there are none. A 429 storm can be injected to see that a client backs
//! off until the reset it was given.

use std::collections::HashMap;

use crate::time::iso_us;

/// The limits the fake enforces.
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// Requests per window per token (Mastodon: 300).
    pub per_token: u32,
    /// Requests per window per address without a token (Mastodon: 300).
    pub unauthenticated: u32,
    /// The window (Mastodon: 5 minutes).
    pub window_ms: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self { per_token: 300, unauthenticated: 300, window_ms: 300_000 }
    }
}

/// What the limiter says about one request.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The `X-RateLimit-*` headers for the answer.
    pub headers: Vec<(&'static str, String)>,
    /// Answer 429.
    pub limited: bool,
}

/// Windows, storms and counters.
#[derive(Debug)]
pub struct Limiter {
    cfg: RateLimits,
    windows: HashMap<String, (u64, u32)>,
    told_wait: HashMap<String, u64>,
    storm: u32,
    storm_wait_ms: u64,
    /// 429s answered (storms included).
    pub served_429: u64,
    /// Requests sent while the client had been told to wait.
    pub violations: u64,
}

fn headers(limit: u32, remaining: u32, reset_ms: u64) -> Vec<(&'static str, String)> {
    vec![
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", iso_us(reset_ms)),
    ]
}

impl Limiter {
    pub fn new(cfg: RateLimits) -> Limiter {
        Limiter {
            cfg,
            windows: HashMap::new(),
            told_wait: HashMap::new(),
            storm: 0,
            storm_wait_ms: 0,
            served_429: 0,
            violations: 0,
        }
    }

    /// The next `n` API requests get a 429 telling the client to wait `wait_ms` (on the clock).
    pub fn storm(&mut self, n: u32, wait_ms: u64) {
        self.storm = n;
        self.storm_wait_ms = wait_ms;
    }

    /// Judges one request from `key` (a token id, or an address when `authenticated` is false).
    pub fn check(&mut self, key: &str, authenticated: bool, now_ms: u64) -> Verdict {
        let limit = if authenticated { self.cfg.per_token } else { self.cfg.unauthenticated }.max(1);
        let window = self.cfg.window_ms.max(1);
        if self.told_wait.get(key).is_some_and(|&until| now_ms < until) {
            self.violations += 1;
        }
        let index = now_ms / window;
        let reset_ms = (index + 1).saturating_mul(window);
        let w = self.windows.entry(key.to_string()).or_insert((index, 0));
        if w.0 != index {
            *w = (index, 0);
        }
        w.1 = w.1.saturating_add(1);
        let count = w.1;
        if self.storm > 0 {
            self.storm -= 1;
            self.served_429 += 1;
            let until = now_ms.saturating_add(self.storm_wait_ms);
            self.told_wait.insert(key.to_string(), until);
            return Verdict { headers: headers(limit, 0, until), limited: true };
        }
        if count > limit {
            self.served_429 += 1;
            self.told_wait.insert(key.to_string(), reset_ms);
            return Verdict { headers: headers(limit, 0, reset_ms), limited: true };
        }
        let remaining = limit - count;
        if remaining == 0 {
            self.told_wait.insert(key.to_string(), reset_ms);
        } else {
            self.told_wait.remove(key);
        }
        Verdict { headers: headers(limit, remaining, reset_ms), limited: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remaining(v: &Verdict) -> &str {
        v.headers.iter().find(|(k, _)| *k == "x-ratelimit-remaining").map(|(_, v)| v.as_str()).unwrap_or("")
    }

    #[test]
    fn fixed_windows_aligned_to_the_epoch() {
        let mut l = Limiter::new(RateLimits { per_token: 2, unauthenticated: 1, window_ms: 300_000 });
        let t = 600_000 + 299_000;
        assert_eq!(remaining(&l.check("1", true, t)), "1");
        assert_eq!(remaining(&l.check("1", true, t)), "0");
        let v = l.check("1", true, t + 500);
        assert!(v.limited);
        assert_eq!(v.headers[2].1, "1970-01-01T00:15:00.000000Z");
        assert_eq!(l.violations, 1, "told remaining 0, sent anyway");
        assert!(!l.check("1", true, 900_000).limited, "a new window at the reset");
        assert!(!l.check("ip", false, t).limited);
        assert!(l.check("ip", false, t).limited, "unauthenticated has its own limit");
    }

    #[test]
    fn storms_are_not_the_clients_fault_until_it_retries_early() {
        let mut l = Limiter::new(RateLimits::default());
        l.storm(1, 10_000);
        assert!(l.check("1", true, 0).limited);
        assert_eq!(l.violations, 0);
        assert!(!l.check("1", true, 5_000).limited);
        assert_eq!(l.violations, 1, "came back before the reset it was given");
        assert_eq!(l.served_429, 1);
    }
}
