//! Talking to a Mastodon server's REST API: [`transport`] sends requests, [`ratelimit`]
//! keeps to the server's rate limit, and [`Api`] puts them together: one request at a time
//! per token, each waiting (on the adapter's clock) until the limit allows it, a 429 waited
//! out and sent again, a 5xx or a lost connection retried a bounded number of times with
//! backoff. Admin actions ([`crate::actions`]), the stream's catch-up ([`crate::stream`]) and
//! the instance lookup all go through one [`Api`], so they share one budget.

pub mod ratelimit;
pub mod transport;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use hyper::Method;
use moat_clock::Clock;
use tokio::sync::Mutex;

pub use ratelimit::RateLimit;
pub use transport::{Answer, Transport, TransportError};

use crate::secret::Secret;
use crate::stats::{add, bump, Stats};

/// How hard [`Api`] tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after a 5xx or a lost connection (then the request fails).
    pub server_errors: u32,
    /// Retries after a 429 (each after waiting for the reset).
    pub rate_limited: u32,
    /// The first wait after a 5xx, doubled each time (clock ms).
    pub backoff_ms: u64,
    /// One request's wall-time limit.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { server_errors: 3, rate_limited: 5, backoff_ms: 1_000, timeout: Duration::from_secs(30) }
    }
}

/// How urgent a request is: low ones leave part of the window to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Normal,
    /// Leaves [`Api::RESERVE`] requests of each window unspent.
    Low,
}

/// Why a request failed for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("still {status} after {attempts} attempts")]
    GaveUp { status: u16, attempts: u32 },
}

/// The REST API of one server, with one token.
pub struct Api {
    transport: Transport,
    limit: Mutex<RateLimit>,
    clock: Clock,
    policy: RetryPolicy,
    stats: Arc<Stats>,
}

impl Api {
    /// Requests of each window that [`Urgency::Low`] leaves to the rest.
    pub const RESERVE: u32 = 10;

    pub fn new(
        base: &str,
        token: &Secret,
        clock: Clock,
        policy: RetryPolicy,
        stats: Arc<Stats>,
    ) -> Result<Api, ApiError> {
        let transport = Transport::new(base, token, policy.timeout)?;
        Ok(Api { transport, limit: Mutex::new(RateLimit::default()), clock, policy, stats })
    }

    pub fn base(&self) -> &str {
        self.transport.base()
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// What the server last said of the rate limit.
    pub async fn rate_limit(&self) -> RateLimit {
        self.limit.lock().await.clone()
    }

    async fn wait(&self, until: u64, counter: &AtomicU64) {
        let now = self.clock.now_ms();
        bump(counter);
        add(&self.stats.rate_limit_wait_ms, until.saturating_sub(now));
        self.clock.sleep_until(until).await;
    }

    /// Waits until the rate limit would let a request of this urgency go (spends nothing).
    pub async fn ready(&self, urgency: Urgency) {
        let reserve = if urgency == Urgency::Low { Self::RESERVE } else { 0 };
        loop {
            let until = {
                let mut limit = self.limit.lock().await;
                let now = self.clock.now_ms();
                limit.roll(now);
                limit.wait_until(now, reserve)
            };
            match until {
                None => return,
                Some(t) => self.wait(t, &self.stats.rate_limit_waits).await,
            }
        }
    }

    /// Sends a request, keeping to the rate limit and retrying as [`RetryPolicy`] says.
    /// Any answer other than 429 and 5xx is returned as it is (4xx included).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        form: Option<&str>,
        extra: &[(&'static str, String)],
        urgency: Urgency,
    ) -> Result<Answer, ApiError> {
        let reserve = if urgency == Urgency::Low { Self::RESERVE } else { 0 };
        let mut limit = self.limit.lock().await;
        let (mut server_errors, mut throttled) = (0u32, 0u32);
        loop {
            limit.roll(self.clock.now_ms());
            if let Some(until) = limit.wait_until(self.clock.now_ms(), reserve) {
                self.wait(until, &self.stats.rate_limit_waits).await;
                continue;
            }
            limit.spend();
            bump(&self.stats.rest_requests);
            let result = self.transport.send(&method, path, form, extra).await;
            let now = self.clock.now_ms();
            let failure = match result {
                Ok(a) => {
                    limit.observe(a.status, &a.headers, now);
                    match a.status {
                        429 => {
                            bump(&self.stats.rest_429);
                            throttled += 1;
                            if throttled > self.policy.rate_limited {
                                return Err(ApiError::GaveUp { status: 429, attempts: server_errors + throttled });
                            }
                            bump(&self.stats.rest_retries);
                            continue;
                        }
                        s if s >= 500 => ApiError::GaveUp { status: s, attempts: server_errors + throttled + 1 },
                        _ => return Ok(a),
                    }
                }
                Err(e @ (TransportError::NoTls | TransportError::Request(_))) => return Err(e.into()),
                Err(e) => ApiError::Transport(e),
            };
            bump(&self.stats.rest_server_errors);
            if server_errors >= self.policy.server_errors {
                return Err(failure);
            }
            let backoff = self.policy.backoff_ms.saturating_mul(1 << server_errors.min(16));
            server_errors += 1;
            bump(&self.stats.rest_retries);
            tracing::warn!(path, error = %failure, backoff_ms = backoff, "mastodon: request failed, retrying");
            self.clock.sleep(backoff).await;
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str, urgency: Urgency) -> Result<Answer, ApiError> {
        self.call(Method::GET, path, None, &[], urgency).await
    }
}
