//! Expanding shortened links, for the live bot (cargo feature `expand`).
//!
//! Scam links often go through short-lived URL shorteners. [`Expander::expand`] follows a link's
//! redirects and returns each hop, so the checker can judge the final target as well as the
//! shortener (give it the result as a [`crate::Expansion`] in [`crate::MessageFacts`]). It is
//! built to be pointed at hostile URLs:
//!
//! * **bounded**: at most [`ExpandConfig::max_hops`] redirects, one time budget for the whole
//!   chain, response headers capped, bodies never read;
//! * **never inward**: each hop's host is resolved and the connection is made only to public
//!   unicast addresses, checked on the resolved address at connect time (`guard`); private,
//!   loopback, link-local, multicast and the like are refused, and so are user info, other
//!   schemes and non-standard ports. [`ExpandConfig::allow_loopback`] lets a test reach a
//!   shortener it runs on 127.0.0.1, and nothing else;
//! * **polite**: a per-host token bucket (a burst, then one request per interval; over it the
//!   expansion fails at once instead of waiting), and a cache of finished expansions.
//!
//! Only `Location` redirects are followed (HTML or script redirects are not: the page is where
//! the expansion ends). The engine stays pure: it never calls this; the bot does, before it
//! hands the message to the engine, and keeps the result with the message so that replays decide
//! as live did.

mod guard;
pub mod location;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use guard::is_public;
use location::Target;

/// Limits of an [`Expander`].
#[derive(Debug, Clone)]
pub struct ExpandConfig {
    /// Redirects followed at most.
    pub max_hops: usize,
    /// Time for the whole chain of one expansion.
    pub timeout: Duration,
    /// Largest response header block accepted, in bytes.
    pub max_header_bytes: usize,
    /// Requests one host may get in a burst, and the interval at which the burst refills.
    pub per_host_burst: u32,
    pub per_host_interval: Duration,
    /// How long a finished expansion is remembered, and how many are.
    pub cache_ttl: Duration,
    pub cache_entries: usize,
    /// Tests only: also allow loopback addresses (and any port), for a local shortener.
    pub allow_loopback: bool,
}

impl Default for ExpandConfig {
    fn default() -> Self {
        ExpandConfig {
            max_hops: 5,
            timeout: Duration::from_secs(4),
            max_header_bytes: 16 * 1024,
            per_host_burst: 10,
            per_host_interval: Duration::from_secs(1),
            cache_ttl: Duration::from_secs(6 * 3600),
            cache_entries: 10_000,
            allow_loopback: false,
        }
    }
}

/// One request of an expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: String,
    /// The HTTP status it answered.
    pub status: u16,
}

/// A finished expansion: every hop, and where the chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub hops: Vec<Hop>,
    pub final_url: String,
}

impl Expanded {
    /// The fact to give the checker for the link that was expanded.
    pub fn expansion(&self, url: &str) -> crate::Expansion {
        crate::Expansion::new(url, self.final_url.clone())
    }
}

/// Why an expansion stopped without a final target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("not a plain http(s) link: {0}")]
    BadUrl(String),
    #[error("refused to connect to a non-public address ({0})")]
    NonPublic(IpAddr),
    #[error("refused port {0}: only 80, 443, 8080 and 8443 are followed")]
    Port(u16),
    #[error("more than {0} redirects")]
    TooManyHops(usize),
    #[error("too many requests to {0} just now")]
    RateLimited(String),
    #[error("redirect with an unusable Location: {0}")]
    BadRedirect(String),
    #[error("request failed: {0}")]
    Http(String),
}

/// Follows redirects of untrusted links, safely; share it (`&self` everywhere).
pub struct Expander {
    config: ExpandConfig,
    agent: ureq::Agent,
    cache: Mutex<HashMap<String, (Instant, Expanded)>>,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Expander {
    pub fn new(config: ExpandConfig) -> Self {
        let agent_config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .max_response_header_size(config.max_header_bytes)
            .timeout_global(Some(config.timeout))
            .user_agent("moat-link-expander")
            // Every hop opens its own connection: no stale pooled socket, no reuse across hosts.
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .build();
        let agent = ureq::Agent::with_parts(
            agent_config,
            ureq::unversioned::transport::DefaultConnector::new(),
            guard::GuardedResolver::new(config.allow_loopback),
        );
        Expander { config, agent, cache: Mutex::new(HashMap::new()), buckets: Mutex::new(HashMap::new()) }
    }

    /// Follows `url` (`https://…`, or a bare `bit.ly/abc` as a message carries it) to its end.
    pub fn expand(&self, url: &str) -> Result<Expanded, ExpandError> {
        let url = url.trim();
        let start = if url.contains("://") { url.to_string() } else { format!("https://{url}") };
        let mut target = Target::parse(&start).ok_or_else(|| ExpandError::BadUrl(url.to_string()))?;
        let key = target.url();
        if let Some(hit) = self.cached(&key) {
            return Ok(hit);
        }
        let deadline = Instant::now() + self.config.timeout;
        let mut hops = Vec::new();
        loop {
            self.check_target(&target)?;
            let status = self.request(&target, deadline)?;
            hops.push(Hop { url: target.url(), status: status.0 });
            let Some(location) = status.1 else { break };
            if hops.len() > self.config.max_hops {
                return Err(ExpandError::TooManyHops(self.config.max_hops));
            }
            target = location::resolve(&target, &location).ok_or(ExpandError::BadRedirect(location))?;
        }
        let done = Expanded { final_url: target.url(), hops };
        self.remember(key, &done);
        Ok(done)
    }

    fn check_target(&self, t: &Target) -> Result<(), ExpandError> {
        let port = t.effective_port();
        if !self.config.allow_loopback && ![80, 443, 8080, 8443].contains(&port) {
            return Err(ExpandError::Port(port));
        }
        // IP literals are refused before any connection; names are checked when resolved.
        if let Ok(ip) = t.host.trim_matches(['[', ']']).parse::<IpAddr>() {
            if !(is_public(ip) || (self.config.allow_loopback && ip.is_loopback())) {
                return Err(ExpandError::NonPublic(ip));
            }
        }
        self.take_token(&t.host)
    }

    /// One GET; returns the status and, for a redirect, its `Location`. The body is not read.
    fn request(&self, t: &Target, deadline: Instant) -> Result<(u16, Option<String>), ExpandError> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ExpandError::Http("timed out".into()));
        }
        guard::take_refused();
        let response = self.agent.get(&t.url()).config().timeout_global(Some(left)).build().call();
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                return Err(match guard::take_refused() {
                    Some(ip) => ExpandError::NonPublic(ip),
                    None => ExpandError::Http(e.to_string()),
                })
            }
        };
        let status = response.status().as_u16();
        let location = (300..400)
            .contains(&status)
            .then(|| response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string))
            .flatten();
        Ok((status, location))
    }

    fn take_token(&self, host: &str) -> Result<(), ExpandError> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let burst = self.config.per_host_burst.max(1) as f64;
        let per_sec = 1.0 / self.config.per_host_interval.as_secs_f64().max(1e-3);
        if buckets.len() > 10_000 {
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * per_sec < burst);
        }
        let (tokens, at) = buckets.entry(host.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_sec).min(burst);
        *at = now;
        if *tokens < 1.0 {
            return Err(ExpandError::RateLimited(host.to_string()));
        }
        *tokens -= 1.0;
        Ok(())
    }

    fn cached(&self, key: &str) -> Option<Expanded> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(key).filter(|(at, _)| at.elapsed() < self.config.cache_ttl).map(|(_, e)| e.clone())
    }

    fn remember(&self, key: String, done: &Expanded) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= self.config.cache_entries {
            let ttl = self.config.cache_ttl;
            cache.retain(|_, (at, _)| at.elapsed() < ttl);
            // Still full: forget the oldest tenth.
            if cache.len() >= self.config.cache_entries {
                let mut ages: Vec<Instant> = cache.values().map(|(at, _)| *at).collect();
                ages.sort();
                if let Some(&cut) = ages.get(ages.len() / 10) {
                    cache.retain(|_, (at, _)| *at > cut);
                }
            }
        }
        cache.insert(key, (Instant::now(), done.clone()));
    }
}
