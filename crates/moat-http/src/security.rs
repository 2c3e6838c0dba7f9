//! What every answer carries, and what every form and login is held to.
//!
//! - Headers on every answer: a strict Content-Security-Policy (only this origin's script
//!   and styles, no inline script, no framing), `nosniff`, no referrer (an OAuth2 code in a
//!   URL never leaks), and `no-store` so a shared computer's back button shows nothing.
//! - CSRF: every form carries the session's token; a POST without the right one, or from
//!   another origin, is refused before it does anything.
//! - A per-address limit on starting logins, so the login route cannot be used to hammer
//!   Discord in moat's name.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to every answer.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut HeaderMap, k: header::HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::CACHE_CONTROL, "no-store");
    set(h, header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(h, header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    resp
}

/// Whether a POST came from this dashboard: the right CSRF token, and no foreign `Origin`.
pub fn same_origin_post(headers: &HeaderMap, base: &str, token_sent: &str, token_expected: &str) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        if origin != "null" && origin.trim_end_matches('/') != base {
            return false;
        }
    }
    !token_expected.is_empty() && constant_eq(token_sent.as_bytes(), token_expected.as_bytes())
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// At most `per_minute` hits per address in any rolling minute.
pub struct RateLimit {
    per_minute: usize,
    hits: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimit {
    pub fn new(per_minute: u32) -> RateLimit {
        RateLimit { per_minute: per_minute as usize, hits: Mutex::new(HashMap::new()) }
    }

    /// Counts a hit; false when the address is over its limit.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() > 10_000 {
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < Duration::from_secs(60)));
        }
        let q = hits.entry(ip).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60)) {
            q.pop_front();
        }
        if q.len() >= self.per_minute {
            return false;
        }
        q.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_limit_counts_per_address_and_forgets_after_a_minute() {
        let l = RateLimit::new(2);
        let t = Instant::now();
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(l.allow(a, t) && l.allow(a, t));
        assert!(!l.allow(a, t));
        assert!(l.allow(b, t));
        assert!(l.allow(a, t + Duration::from_secs(61)));
    }

    #[test]
    fn a_post_needs_the_token_and_this_origin() {
        let mut h = HeaderMap::new();
        assert!(same_origin_post(&h, "http://127.0.0.1:1", "tok", "tok"));
        assert!(!same_origin_post(&h, "http://127.0.0.1:1", "tok", "other"));
        assert!(!same_origin_post(&h, "http://127.0.0.1:1", "", ""));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin_post(&h, "http://127.0.0.1:1", "tok", "tok"));
    }
}
