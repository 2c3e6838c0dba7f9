//! Discord's rate limits, enforced with the real headers so twilight's own ratelimiter is
//! what gets tested.
//!
//! Every answer carries `X-RateLimit-Limit/-Remaining/-Reset/-Reset-After/-Bucket`; an
//! exhausted bucket or the global limit answers 429 with `retry_after` in the body,
//! `Retry-After` and `X-RateLimit-Scope` in the headers. A request that arrives after the
//! fake said "wait" (remaining 0, or a 429 whose `retry_after` has not run out) counts as a
//! *violation*: that is what a test of "never past the limits" asserts is zero. A 429
//! storm can be injected to see that the client backs off instead of looping.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The limits the fake enforces.
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// Requests per second across all routes (Discord: 50).
    pub global_per_sec: u32,
    /// Requests per bucket per window (one bucket per route and major id).
    pub bucket_limit: u32,
    pub bucket_window_ms: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self { global_per_sec: 50, bucket_limit: 10, bucket_window_ms: 1000 }
    }
}

#[derive(Debug)]
struct Bucket {
    count: u32,
    reset_at: Instant,
    blocked_until: Option<Instant>,
}

/// What the limiter says about one request.
#[derive(Debug)]
pub enum Verdict {
    /// Go ahead; send these headers with the answer.
    Pass(Vec<(&'static str, String)>),
    /// Answer 429.
    Limited { retry_after: Duration, global: bool, headers: Vec<(&'static str, String)> },
}

/// Buckets, the global window, and counters.
#[derive(Debug)]
pub struct Limiter {
    cfg: RateLimits,
    buckets: HashMap<String, Bucket>,
    global_start: Option<Instant>,
    global_count: u32,
    storm: u32,
    storm_retry: Duration,
    storm_scope: &'static str,
    /// 429s answered.
    pub served_429: u64,
    /// Requests sent where the client had been told to wait.
    pub violations: u64,
    /// 429s for the global limit.
    pub global_429: u64,
    /// The buckets of the violations, in order (for a failing test to show).
    pub violated: Vec<String>,
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

impl Limiter {
    pub fn new(cfg: RateLimits) -> Limiter {
        Limiter {
            cfg,
            buckets: HashMap::new(),
            global_start: None,
            global_count: 0,
            storm: 0,
            storm_retry: Duration::ZERO,
            storm_scope: "user",
            served_429: 0,
            violations: 0,
            global_429: 0,
            violated: Vec::new(),
        }
    }

    /// The next `n` requests get a 429 telling the client to wait `retry_after`.
    pub fn storm(&mut self, n: u32, retry_after: Duration) {
        self.storm = n;
        self.storm_retry = retry_after;
        self.storm_scope = "user";
    }

    /// Like [`Limiter::storm`], but the 429s say `X-RateLimit-Scope: shared` (a resource's own
    /// limit, which Discord does not count against the client).
    pub fn storm_shared(&mut self, n: u32, retry_after: Duration) {
        self.storm(n, retry_after);
        self.storm_scope = "shared";
    }

    fn headers(&self, hash: &str, remaining: u32, reset_after: Duration) -> Vec<(&'static str, String)> {
        let reset = (crate::wall_ms() as f64 + reset_after.as_secs_f64() * 1000.0) / 1000.0;
        vec![
            ("x-ratelimit-limit", self.cfg.bucket_limit.to_string()),
            ("x-ratelimit-remaining", remaining.to_string()),
            ("x-ratelimit-reset", format!("{reset:.3}")),
            ("x-ratelimit-reset-after", secs(reset_after)),
            ("x-ratelimit-bucket", hash.to_string()),
            // twilight reads the bucket headers only when a scope is given.
            ("x-ratelimit-scope", "user".to_string()),
        ]
    }

    fn limited(&mut self, hash: &str, wait: Duration, global: bool, scope: &str) -> Verdict {
        self.served_429 += 1;
        let mut headers = self.headers(hash, 0, wait);
        headers.push(("retry-after", wait.as_secs_f64().ceil().max(1.0).to_string()));
        headers.retain(|(k, _)| *k != "x-ratelimit-scope");
        headers.push(("x-ratelimit-scope", scope.to_string()));
        if global {
            headers.push(("x-ratelimit-global", "true".into()));
        }
        Verdict::Limited { retry_after: wait, global, headers }
    }

    /// Judges one request to bucket `key` (route and major id), whose shared hash is `hash`;
    /// `global` says whether it counts towards the global limit (interaction and
    /// webhook-token routes do not).
    pub fn check(&mut self, key: &str, hash: &str, now: Instant, global: bool) -> Verdict {
        let window = Duration::from_millis(self.cfg.bucket_window_ms.max(1));
        let limit = self.cfg.bucket_limit.max(1);
        let b = self.buckets.entry(key.to_string()).or_insert(Bucket {
            count: 0,
            reset_at: now + window,
            blocked_until: None,
        });
        if now >= b.reset_at {
            b.count = 0;
            b.reset_at = now + window;
        }
        if let Some(until) = b.blocked_until {
            if now < until {
                self.violations += 1;
                self.violated.push(format!("{key} (after a 429)"));
                let wait = until - now;
                return self.limited(hash, wait, false, "user");
            }
            b.blocked_until = None;
        }
        if self.storm > 0 {
            self.storm -= 1;
            let until = now + self.storm_retry;
            b.blocked_until = Some(until);
            b.reset_at = b.reset_at.max(until);
            let (wait, scope) = (self.storm_retry, self.storm_scope);
            return self.limited(hash, wait, false, scope);
        }
        if b.count >= limit {
            self.violations += 1;
            self.violated.push(format!("{key} (bucket empty)"));
            let wait = b.reset_at - now;
            b.blocked_until = Some(b.reset_at);
            return self.limited(hash, wait, false, "user");
        }
        // The global limit: fixed one-second windows, as twilight counts them.
        if !global {
            let b = self.buckets.get_mut(key).expect("inserted above");
            b.count += 1;
            let (remaining, reset_after) = (limit - b.count, b.reset_at - now);
            return Verdict::Pass(self.headers(hash, remaining, reset_after));
        }
        let gstart = match self.global_start {
            Some(s) if now < s + Duration::from_secs(1) => s,
            _ => {
                self.global_start = Some(now);
                self.global_count = 0;
                now
            }
        };
        if self.global_count >= self.cfg.global_per_sec {
            self.global_429 += 1;
            let wait = (gstart + Duration::from_secs(1)).saturating_duration_since(now);
            return self.limited(hash, wait, true, "global");
        }
        self.global_count += 1;
        let b = self.buckets.get_mut(key).expect("inserted above");
        b.count += 1;
        let (remaining, reset_after) = (limit - b.count, b.reset_at - now);
        Verdict::Pass(self.headers(hash, remaining, reset_after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_runs_out_and_a_second_try_is_a_violation() {
        let mut l = Limiter::new(RateLimits { global_per_sec: 50, bucket_limit: 2, bucket_window_ms: 1000 });
        let t = Instant::now();
        assert!(matches!(l.check("a", "h", t, true), Verdict::Pass(_)));
        assert!(matches!(l.check("a", "h", t, true), Verdict::Pass(_)));
        assert!(matches!(l.check("b", "h", t, true), Verdict::Pass(_)), "buckets are per key");
        assert!(matches!(l.check("a", "h", t, true), Verdict::Limited { global: false, .. }));
        assert_eq!((l.served_429, l.violations), (1, 1));
        assert!(matches!(l.check("a", "h", t + Duration::from_millis(1001), true), Verdict::Pass(_)));
    }

    #[test]
    fn storms_and_global() {
        let mut l = Limiter::new(RateLimits { global_per_sec: 3, bucket_limit: 100, bucket_window_ms: 1000 });
        let t = Instant::now();
        l.storm(1, Duration::from_millis(200));
        assert!(matches!(l.check("a", "h", t, true), Verdict::Limited { .. }));
        assert_eq!(l.violations, 0, "a storm 429 is not the client's fault");
        assert!(matches!(l.check("a", "h", t + Duration::from_millis(100), true), Verdict::Limited { .. }));
        assert_eq!(l.violations, 1, "retrying before retry_after is");
        for k in ["x", "y", "z"] {
            assert!(matches!(l.check(k, "h", t, true), Verdict::Pass(_)));
        }
        assert!(matches!(l.check("w", "h", t, true), Verdict::Limited { global: true, .. }));
    }
}
