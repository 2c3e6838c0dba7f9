//! Mastodon's rate limit as the client sees it: every API answer carries
//! `X-RateLimit-Limit`, `-Remaining` and `-Reset` (300 requests per 5 minutes per token by
//! default, in fixed windows); a 429 says to wait for the reset. This keeps the last word of
//! the server and says how long to wait before the next request, so moat never sends one
//! it was told not to. Times are on the adapter's clock, which a test shares with the fake.

use crate::model::time::parse_iso_ms;

/// How long to wait after a 429 that names no reset (Mastodon always does; proxies may not).
pub const DEFAULT_429_WAIT_MS: u64 = 60_000;

/// What the server last said of the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    /// When the window resets (unix ms).
    pub reset_ms: Option<u64>,
    /// Set by a 429: no request before this.
    pub blocked_until_ms: Option<u64>,
}

fn header_u32(h: &hyper::HeaderMap, name: &str) -> Option<u32> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

impl RateLimit {
    /// Takes in an answer's status and headers, received at `now_ms`.
    pub fn observe(&mut self, status: u16, headers: &hyper::HeaderMap, now_ms: u64) {
        let reset = headers.get("x-ratelimit-reset").and_then(|v| v.to_str().ok()).and_then(parse_iso_ms);
        if let Some(l) = header_u32(headers, "x-ratelimit-limit") {
            self.limit = Some(l);
        }
        self.remaining = header_u32(headers, "x-ratelimit-remaining").or(self.remaining);
        if reset.is_some() {
            self.reset_ms = reset;
        }
        if status == 429 {
            let retry_after = header_u32(headers, "retry-after").map(|s| now_ms + u64::from(s) * 1000);
            let until = reset.or(retry_after).filter(|&t| t > now_ms).unwrap_or(now_ms + DEFAULT_429_WAIT_MS);
            self.blocked_until_ms = Some(until);
            self.remaining = Some(0);
        }
    }

    /// When the next request may go (`None`: now). `reserve` keeps that many requests of the
    /// window for more urgent work (housekeeping passes a few; containment passes 0).
    pub fn wait_until(&self, now_ms: u64, reserve: u32) -> Option<u64> {
        if let Some(t) = self.blocked_until_ms.filter(|&t| t > now_ms) {
            return Some(t);
        }
        let reset = self.reset_ms.filter(|&t| t > now_ms)?;
        match self.remaining {
            Some(r) if r <= reserve => Some(reset),
            _ => None,
        }
    }

    /// Forgets a window that has reset (the next answer tells the new one).
    pub fn roll(&mut self, now_ms: u64) {
        if self.reset_ms.is_some_and(|t| t <= now_ms) {
            self.remaining = None;
            self.reset_ms = None;
        }
        if self.blocked_until_ms.is_some_and(|t| t <= now_ms) {
            self.blocked_until_ms = None;
        }
    }

    /// Counts a request about to be sent (the answer will correct it).
    pub fn spend(&mut self) {
        if let Some(r) = self.remaining.as_mut() {
            *r = r.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(remaining: u32, reset: &str) -> hyper::HeaderMap {
        let mut h = hyper::HeaderMap::new();
        h.insert("x-ratelimit-limit", "300".parse().expect("header"));
        h.insert("x-ratelimit-remaining", remaining.to_string().parse().expect("header"));
        h.insert("x-ratelimit-reset", reset.parse().expect("header"));
        h
    }

    const RESET: &str = "2024-02-15T10:05:00.000000Z";
    const RESET_MS: u64 = 1_707_991_500_000;
    const NOW: u64 = RESET_MS - 100_000;

    #[test]
    fn waits_when_nothing_is_left_until_the_reset() {
        let mut r = RateLimit::default();
        r.observe(200, &headers(2, RESET), NOW);
        assert_eq!(r.wait_until(NOW, 0), None);
        assert_eq!(r.wait_until(NOW, 2), Some(RESET_MS), "housekeeping leaves the last two");
        r.spend();
        r.spend();
        assert_eq!(r.wait_until(NOW, 0), Some(RESET_MS));
        assert_eq!(r.wait_until(RESET_MS, 0), None, "a new window");
        r.roll(RESET_MS);
        assert_eq!(r.remaining, None);
    }

    #[test]
    fn a_429_blocks_until_its_reset_or_a_default() {
        let mut r = RateLimit::default();
        r.observe(429, &headers(0, RESET), NOW);
        assert_eq!(r.wait_until(NOW, 0), Some(RESET_MS));
        let mut bare = RateLimit::default();
        bare.observe(429, &hyper::HeaderMap::new(), NOW);
        assert_eq!(bare.wait_until(NOW, 0), Some(NOW + DEFAULT_429_WAIT_MS));
        let mut stale = RateLimit::default();
        stale.observe(429, &headers(0, "2000-01-01T00:00:00Z"), NOW);
        assert_eq!(stale.wait_until(NOW, 0), Some(NOW + DEFAULT_429_WAIT_MS), "a reset in the past is no wait");
    }
}
