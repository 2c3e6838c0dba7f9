//! Discord's invalid-request limit: a client whose calls earn too many 401, 403 and 429
//! answers (429s with `X-RateLimit-Scope: shared` excepted) within 10 minutes is banned by
//! Cloudflare for a while, and every call it makes is refused, whatever it is.
//!
//! A bot that keeps sending calls it was told will fail (a timeout without Timeout Members,
//! retries into a 429) walks towards this ban; the count is what a test holds near zero.
//! Times are on the fake's clock.

use std::collections::VecDeque;

use crate::options::InvalidRequestRules;

/// The counter and the ban.
#[derive(Debug)]
pub struct InvalidRequests {
    rules: InvalidRequestRules,
    window: VecDeque<u64>,
    /// Invalid answers since the start.
    pub total: u64,
    /// When the current ban ends (unix ms on the fake's clock), if one is running.
    pub banned_until: Option<u64>,
    /// Bans so far.
    pub bans: u32,
    /// Calls refused because of a ban.
    pub refused: u64,
}

/// What [`crate::FakeDiscord::invalid_requests`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidCount {
    /// Invalid answers within the last window.
    pub in_window: usize,
    pub total: u64,
    pub banned_until: Option<u64>,
    pub bans: u32,
    pub refused: u64,
}

/// Whether an answer counts towards the limit.
pub fn counts(status: u16, scope: Option<&str>) -> bool {
    match status {
        401 | 403 => true,
        429 => scope != Some("shared"),
        _ => false,
    }
}

impl InvalidRequests {
    pub fn new(rules: InvalidRequestRules) -> InvalidRequests {
        InvalidRequests { rules, window: VecDeque::new(), total: 0, banned_until: None, bans: 0, refused: 0 }
    }

    fn expire(&mut self, now: u64) {
        let window = self.rules.window_ms;
        while self.window.front().is_some_and(|&t| now.saturating_sub(t) >= window) {
            self.window.pop_front();
        }
    }

    /// Whether a call arriving at `now` is refused (and counts it if so).
    pub fn refuse(&mut self, now: u64) -> bool {
        match self.banned_until {
            Some(until) if now < until => {
                self.refused += 1;
                true
            }
            Some(_) => {
                self.banned_until = None;
                false
            }
            None => false,
        }
    }

    /// Notes an answer; starts a ban when the window reaches the limit.
    pub fn note(&mut self, status: u16, scope: Option<&str>, now: u64) {
        if !counts(status, scope) {
            return;
        }
        self.total += 1;
        self.expire(now);
        self.window.push_back(now);
        if self.rules.limit > 0 && self.window.len() >= self.rules.limit as usize && self.banned_until.is_none() {
            self.banned_until = Some(now + self.rules.ban_ms);
            self.bans += 1;
            self.window.clear();
        }
    }

    pub fn count(&mut self, now: u64) -> InvalidCount {
        self.expire(now);
        InvalidCount {
            in_window: self.window.len(),
            total: self.total,
            banned_until: self.banned_until.filter(|&u| u > now),
            bans: self.bans,
            refused: self.refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(limit: u32) -> InvalidRequestRules {
        InvalidRequestRules { limit, window_ms: 1_000, ban_ms: 5_000, ..Default::default() }
    }

    #[test]
    fn the_limit_bans_and_the_ban_ends() {
        let mut r = InvalidRequests::new(rules(3));
        r.note(403, None, 0);
        r.note(429, Some("shared"), 1);
        r.note(200, None, 2);
        r.note(401, None, 3);
        assert!(!r.refuse(4));
        r.note(429, Some("user"), 5);
        assert_eq!(r.count(5).banned_until, Some(5_005));
        assert!(r.refuse(5_004));
        assert!(!r.refuse(5_005));
        assert_eq!((r.total, r.bans, r.refused), (3, 1, 1));
    }

    #[test]
    fn old_answers_leave_the_window() {
        let mut r = InvalidRequests::new(rules(3));
        r.note(403, None, 0);
        r.note(403, None, 500);
        r.note(403, None, 1_000);
        assert_eq!(r.count(1_000).in_window, 2, "the first fell out");
        assert_eq!(r.bans, 0);
        assert_eq!(r.count(2_000).in_window, 0);
    }
}
