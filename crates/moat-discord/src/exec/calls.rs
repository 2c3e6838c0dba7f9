//! One REST call, done the way a guard must: bounded in time, retried on 5xx and network
//! errors with backoff (three tries, never a loop), and reported either way.
//!
//! Rate limits are twilight's job (its ratelimiter reads the bucket headers and waits out
//! 429s); the per-attempt timeout is what stops a call that Discord keeps refusing from
//! holding the executor forever.

use std::future::IntoFuture;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::Value;
use twilight_http::error::ErrorType;
use twilight_http::request::{Method, RequestBuilder};
use twilight_http::response::Response;
use twilight_http::Client;

use crate::shared::{Feed, Shared};

/// Tries per call (the first and two retries).
const TRIES: u32 = 3;
/// Longest one attempt may take, including waits for rate limits.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum CallError {
    /// Discord answered with this status (after retries for 5xx).
    Status(u16, String),
    /// No answer (network, timeout, or a request twilight refused to build).
    Other(String),
}

impl CallError {
    pub fn status(&self) -> Option<u16> {
        match self {
            CallError::Status(s, _) => Some(*s),
            CallError::Other(_) => None,
        }
    }
}

/// Runs `make()` until it succeeds, fails for good, or has been tried [`TRIES`] times.
/// Returns the response body.
pub async fn send<T, F, Fut>(shared: &Shared, what: &str, make: F) -> Result<Vec<u8>, CallError>
where
    F: FnMut() -> Fut,
    Fut: IntoFuture<Output = Result<Response<T>, twilight_http::Error>>,
{
    send_as(shared, what, Pacing::Paced, make).await
}

/// Whether a call counts towards moat's own requests-per-second cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    Paced,
    /// Interaction answers: Discord exempts them from the global limit, and they must not
    /// wait behind a raid's calls (the first answer is due within 3 s).
    Unpaced,
}

/// [`send`], paced or not.
pub async fn send_as<T, F, Fut>(shared: &Shared, what: &str, pacing: Pacing, mut make: F) -> Result<Vec<u8>, CallError>
where
    F: FnMut() -> Fut,
    Fut: IntoFuture<Output = Result<Response<T>, twilight_http::Error>>,
{
    let mut last = CallError::Other("not tried".into());
    for attempt in 0..TRIES {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
        }
        if pacing == Pacing::Paced {
            shared.pace.acquire().await;
            // In a cluster, every process's calls share the token's budget, by priority.
            // Without NATS the local pace above still holds.
            if let Some(b) = shared.budget.get() {
                let _ = b.acquire(crate::cluster::priority_of(what)).await;
            }
        }
        let started = std::time::Instant::now();
        let result = tokio::time::timeout(ATTEMPT_TIMEOUT, make().into_future()).await;
        let answered = match &result {
            Ok(Ok(resp)) => resp.status().get(),
            Ok(Err(e)) => match e.kind() {
                ErrorType::Response { status, .. } => status.get(),
                _ => 0,
            },
            Err(_) => 0,
        };
        shared.rest_metric(what, answered, started.elapsed());
        match result {
            Ok(Ok(resp)) => {
                let status = resp.status().get();
                let pause = exhausted_for(&resp);
                let body = resp.bytes().await.unwrap_or_default();
                shared.calls_ok.fetch_add(1, Ordering::Relaxed);
                shared.emit(Feed::Call { what: what.to_string(), status: Ok(status) });
                // The bucket is empty: this lane's next call must wait for its reset. twilight
                // cannot do it for us, since it learns buckets per path and every member or
                // message id is a new path to it.
                if let Some(d) = pause {
                    tokio::time::sleep(d).await;
                }
                return Ok(body);
            }
            Ok(Err(e)) => {
                let retry = match e.kind() {
                    ErrorType::Response { status, body, .. } => {
                        let s = status.get();
                        last = CallError::Status(s, String::from_utf8_lossy(body).chars().take(200).collect());
                        s >= 500
                    }
                    ErrorType::RequestTimedOut | ErrorType::RequestError | ErrorType::RequestCanceled => {
                        last = CallError::Other(e.to_string());
                        true
                    }
                    _ => {
                        last = CallError::Other(e.to_string());
                        false
                    }
                };
                if !retry {
                    break;
                }
            }
            Err(_) => {
                last = CallError::Other("no answer within 30 s".into());
            }
        }
    }
    shared.calls_failed.fetch_add(1, Ordering::Relaxed);
    let status = match &last {
        CallError::Status(s, _) => Ok(*s),
        CallError::Other(e) => Err(e.clone()),
    };
    shared.emit(Feed::Call { what: what.to_string(), status });
    Err(last)
}

/// How long to wait when the answer says the bucket is empty (`X-RateLimit-Remaining: 0`).
fn exhausted_for<T>(resp: &Response<T>) -> Option<Duration> {
    let mut remaining = None;
    let mut reset_after = None;
    for (name, value) in resp.headers() {
        let v = std::str::from_utf8(value).ok();
        match name {
            "x-ratelimit-remaining" => remaining = v.and_then(|v| v.parse::<u64>().ok()),
            "x-ratelimit-reset-after" => reset_after = v.and_then(|v| v.parse::<f64>().ok()),
            _ => {}
        }
    }
    match (remaining, reset_after) {
        (Some(0), Some(s)) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s.min(60.0))),
        _ => None,
    }
}

/// A request twilight has no builder for (incident actions), or that moat wants raw.
pub async fn raw(
    client: &Client,
    shared: &Shared,
    what: &str,
    method: Method,
    path: String,
    body: Option<&Value>,
) -> Result<Vec<u8>, CallError> {
    raw_as(client, shared, what, Raw { method, path, body, reason: None, pacing: Pacing::Paced }).await
}

/// One raw request: route, body, the audit-log reason of a change, and its pacing.
pub struct Raw<'a> {
    pub method: Method,
    pub path: String,
    pub body: Option<&'a Value>,
    /// `X-Audit-Log-Reason` (already cut by [`audit_reason`]).
    pub reason: Option<&'a str>,
    pub pacing: Pacing,
}

/// [`raw`] with every part spelled out.
pub async fn raw_as(client: &Client, shared: &Shared, what: &str, r: Raw<'_>) -> Result<Vec<u8>, CallError> {
    let Raw { method, path, body, reason, pacing } = r;
    let header = match reason.map(reason_header).transpose() {
        Ok(h) => h,
        Err(e) => return Err(CallError::Other(e)),
    };
    send_as(shared, what, pacing, || {
        let mut b = RequestBuilder::raw(method, path.clone());
        if let Some(body) = body {
            b = b.json(body);
        }
        if let Some(h) = &header {
            b = b.headers(std::iter::once(h.clone()));
        }
        let req = b.build();
        async move {
            match req {
                Ok(req) => client.request::<twilight_http::response::marker::EmptyBody>(req).await,
                Err(e) => Err(e),
            }
        }
    })
    .await
}

/// Sends an interaction route's call (unpaced: Discord exempts them from the global limit).
pub async fn interaction(
    client: &Client,
    shared: &Shared,
    what: &str,
    method: Method,
    path: String,
    body: &Value,
) -> Result<Vec<u8>, CallError> {
    raw_as(client, shared, what, Raw { method, path, body: Some(body), reason: None, pacing: Pacing::Unpaced }).await
}

/// `X-Audit-Log-Reason` as twilight sends it: UTF-8, every byte but ASCII letters and
/// digits percent-encoded (Discord decodes it).
fn reason_header(reason: &str) -> Result<(http::HeaderName, http::HeaderValue), String> {
    let mut enc = String::with_capacity(reason.len() * 3);
    for b in reason.bytes() {
        if b.is_ascii_alphanumeric() {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    let value = http::HeaderValue::from_str(&enc).map_err(|e| format!("bad audit-log reason header: {e}"))?;
    Ok((http::HeaderName::from_static("x-audit-log-reason"), value))
}

/// An audit-log reason cut to Discord's 512 characters.
pub fn audit_reason(reason: &str) -> String {
    let r: String = format!("moat: {reason}").chars().take(512).collect();
    r
}
