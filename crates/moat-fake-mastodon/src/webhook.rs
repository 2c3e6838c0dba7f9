//! Admin webhooks, delivered as Mastodon's `Webhooks::DeliveryWorker` delivers them.
//!
//! `POST` to the configured URL with the body exactly as serialised (`{"event", "created_at",
//! "object"}`), `Content-Type: application/json` and `X-Hub-Signature: sha256=<lowercase hex
//! HMAC-SHA256 of the raw body with the webhook's secret>`. A delivery succeeds on a 2xx;
//! like Mastodon it is dropped for good on 501 or on a 4xx other than 401, 408 and 429, and
//! retried otherwise (connection errors included). Mastodon's Sidekiq job retries up to 16
//! times over days; the fake retries [`crate::Options::webhook_retries`] times with the first
//! steps of Sidekiq's schedule (15 s, 16 s, 31 s, 96 s, 271 s, … on the fake's clock), so a
//! fast clock gets through them in milliseconds. Deliveries go out one at a time in order;
//! a retried one arrives after later ones, as on a real server.
//!
//! Faults: a wrong signature, no signature, or a delivery sent twice ([`crate::Faults`]).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use sha2::Sha256;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::faults::Faults;
use crate::{lock, Inner};

/// Where webhooks go: what an admin enters under Administration > Webhooks.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// `http://127.0.0.1:PORT/path` (plain HTTP: the fake only talks to loopback).
    pub url: String,
    /// The secret shared with the receiver (Mastodon asks for at least 12 characters).
    pub secret: String,
    /// The events subscribed to; empty means all of them.
    pub events: Vec<String>,
}

/// How a delivery is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// With the webhook's secret.
    Good,
    /// With another secret (the receiver must refuse it).
    Bad,
    /// No `X-Hub-Signature` header at all.
    Missing,
}

/// One delivery attempt.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event: String,
    /// 0 for the first try, then 1, 2, … for retries.
    pub attempt: u32,
    /// The receiver's status (`None` when no answer came).
    pub status: Option<u16>,
    /// Why no answer came.
    pub error: Option<String>,
    pub signature: Signature,
    /// When it was sent, on the fake's clock.
    pub at_ms: u64,
    pub body: Arc<str>,
}

impl Delivery {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// A delivery waiting to go out.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub body: Arc<str>,
    pub event: String,
    pub attempt: u32,
    pub signature: Signature,
}

/// The queue and its log.
#[derive(Debug)]
pub(crate) struct Hooks {
    pub tx: mpsc::UnboundedSender<Job>,
    /// Deliveries not yet finished (delivered or given up).
    pub pending: std::sync::atomic::AtomicU64,
    pub idle: tokio::sync::Notify,
    pub log: std::sync::Mutex<Vec<Delivery>>,
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The `X-Hub-Signature` value for `body`: `sha256=<hex HMAC-SHA256>`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length: the error case does not happen.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return "sha256=".into();
    };
    mac.update(body);
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

/// Sidekiq's wait before retry `n` (0-based), without its random part: `n⁴ + 15` seconds.
pub fn retry_delay_ms(n: u32) -> u64 {
    u64::from(n).saturating_pow(4).saturating_add(15).saturating_mul(1000)
}

/// Whether Mastodon would try this delivery again.
fn retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) if (200..300).contains(&s) => false,
        Some(501) => false,
        Some(s) if (400..500).contains(&s) => matches!(s, 401 | 408 | 429),
        Some(_) => true,
    }
}

/// Queues `body` (a webhook body, exactly as it will be sent) for `event`, if a webhook is
/// configured and subscribes to it. Returns how many deliveries were queued.
pub(crate) fn enqueue(inner: &Inner, event: &str, body: Arc<str>, signature: Signature) -> u32 {
    let Some(hook) = &inner.opts.webhook else { return 0 };
    if !hook.events.is_empty() && !hook.events.iter().any(|e| e == event) {
        return 0;
    }
    let (signature, copies) = {
        let mut f = lock(&inner.faults);
        let sig = if signature != Signature::Good {
            signature
        } else if Faults::take(&mut f.bad_signature_next) {
            Signature::Bad
        } else if Faults::take(&mut f.unsigned_next) {
            Signature::Missing
        } else {
            Signature::Good
        };
        (sig, if Faults::take(&mut f.duplicate_next) { 2 } else { 1 })
    };
    for _ in 0..copies {
        inner.hooks.pending.fetch_add(1, Ordering::AcqRel);
        let job = Job { body: body.clone(), event: event.to_string(), attempt: 0, signature };
        if inner.hooks.tx.send(job).is_err() {
            finish_one(inner);
        }
    }
    copies
}

fn finish_one(inner: &Inner) {
    if inner.hooks.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
        inner.hooks.idle.notify_waiters();
    }
}

/// Delivers queued webhooks until the fake is dropped.
pub(crate) async fn run(inner: Arc<Inner>, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(job) = rx.recv().await {
        let Some(hook) = inner.opts.webhook.clone() else {
            finish_one(&inner);
            continue;
        };
        let at_ms = inner.clock.now_ms();
        let result = post(&hook, &job.body, job.signature).await;
        let (status, error) = match result {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e)),
        };
        lock(&inner.hooks.log).push(Delivery {
            event: job.event.clone(),
            attempt: job.attempt,
            status,
            error,
            signature: job.signature,
            at_ms,
            body: job.body.clone(),
        });
        if retryable(status) && job.attempt < inner.opts.webhook_retries {
            let inner2 = inner.clone();
            tokio::spawn(async move {
                inner2.clock.sleep(retry_delay_ms(job.attempt)).await;
                let again = Job { attempt: job.attempt + 1, ..job };
                if inner2.hooks.tx.send(again).is_err() {
                    finish_one(&inner2);
                }
            });
        } else {
            finish_one(&inner);
        }
    }
}

/// Sends one webhook over HTTP/1.1 and returns the receiver's status.
pub(crate) async fn post(hook: &Webhook, body: &str, signature: Signature) -> Result<u16, String> {
    let uri: hyper::Uri = hook.url.parse().map_err(|e| format!("bad webhook URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("the fake delivers to http:// URLs only".into());
    }
    let host = uri.host().ok_or("the webhook URL has no host")?.to_string();
    let port = uri.port_u16().unwrap_or(80);
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
    let send = async {
        let tcp = TcpStream::connect((host.as_str(), port)).await.map_err(|e| format!("connect: {e}"))?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let mut req = hyper::Request::post(path)
            .header("host", format!("{host}:{port}"))
            .header("content-type", "application/json")
            .header(
                "user-agent",
                format!("Mastodon/{} (http.rb/5.2.0; +https://fake.example/)", crate::MASTODON_VERSION),
            );
        match signature {
            Signature::Good => req = req.header("x-hub-signature", sign(&hook.secret, body.as_bytes())),
            Signature::Bad => req = req.header("x-hub-signature", sign("not-the-secret", body.as_bytes())),
            Signature::Missing => {}
        }
        let req = req.body(Full::new(Bytes::from(body.to_string()))).map_err(|e| format!("request: {e}"))?;
        let resp = sender.send_request(req).await.map_err(|e| format!("send: {e}"))?;
        let status = resp.status().as_u16();
        let _ = resp.into_body().collect().await;
        Ok(status)
    };
    tokio::time::timeout(Duration::from_secs(10), send).await.map_err(|_| "timed out".to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        let sig = sign("Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn retries_follow_mastodon() {
        assert!(!retryable(Some(200)));
        assert!(!retryable(Some(404)));
        assert!(!retryable(Some(501)));
        for s in [None, Some(401), Some(408), Some(429), Some(500), Some(503)] {
            assert!(retryable(s), "{s:?}");
        }
        assert_eq!((retry_delay_ms(0), retry_delay_ms(2)), (15_000, 31_000));
    }
}
