//! The webhook listener: where a Mastodon server's admin webhooks arrive (Administration >
//! Webhooks, pointed at moat). Each `POST` is checked before anything else is done with it:
//!
//! 1. the body is read up to a size limit (413 past it);
//! 2. `X-Hub-Signature` must be the HMAC of the raw body with the secret ([`verify()`]); a
//!    missing, malformed or wrong one is refused with 401, counted, and logged with the peer
//!    and the reason only, never the body or the secret; it never reaches the consumer;
//! 3. the body is parsed ([`crate::parse::parse_webhook`]); a signed body that cannot be read
//!    is answered 400 (Mastodon does not retry those) and handed on as `Unreadable`;
//! 4. a repeat of a delivery already handed on (Mastodon retries a delivery that failed or
//!    timed out with the very same body: same event, object id and `created_at`) is answered
//!    200 and not handed on; the body itself is part of the key too, so two different events
//!    about one object in the same millisecond are not mistaken for a repeat;
//! 5. the event is handed on through the bounded channel, waiting while the consumer is
//!    behind (Mastodon's delivery waits too, and retries if it times out; the repeat is then
//!    recognised), and answered 200.
//!
//! It serves plain HTTP/1.1: put it on loopback behind the TLS proxy that serves Mastodon,
//! or any proxy, since Mastodon posts to an `https://` URL. Any path is accepted.

pub mod verify;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub use verify::{sign, verify, SignatureError};

use crate::dedupe::Seen;
use crate::inbound::{lock, Inbound, Sink};
use crate::model::{Event, Source, WebhookEvent};
use crate::parse::{parse_webhook, ParseError};
use crate::secret::Secret;
use crate::stats::{bump, Stats};

/// Where and how the listener listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerSettings {
    pub listen: SocketAddr,
    pub secret: Secret,
    /// Largest body accepted (Mastodon's are a few KiB; a report with many statuses more).
    pub max_body: usize,
    /// Deliveries remembered to recognise repeats.
    pub remember: usize,
}

impl ListenerSettings {
    pub fn new(listen: SocketAddr, secret: Secret) -> ListenerSettings {
        ListenerSettings { listen, secret, max_body: 1 << 20, remember: 100_000 }
    }
}

/// Why a delivery was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error(transparent)]
    Body(#[from] ParseError),
}

/// Verifies and parses one delivery: the listener's core, without the network.
pub fn accept(secret: &Secret, signature: Option<&[u8]>, body: &[u8]) -> Result<WebhookEvent, Refusal> {
    verify(secret, signature, body)?;
    Ok(parse_webhook(body)?)
}

/// The key two deliveries of one webhook share.
pub fn delivery_key(w: &WebhookEvent) -> (String, String, String) {
    (w.event.clone(), w.object_id().unwrap_or("").to_string(), w.created_at.clone())
}

pub(crate) struct Listener {
    settings: ListenerSettings,
    sink: Sink,
    seen: Mutex<Seen>,
    stats: Arc<Stats>,
}

impl Listener {
    pub fn new(settings: ListenerSettings, sink: Sink, stats: Arc<Stats>) -> Arc<Listener> {
        let seen = Mutex::new(Seen::new(settings.remember));
        Arc::new(Listener { settings, sink, seen, stats })
    }
}

fn answer(status: u16) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r
}

/// Serves until the task is dropped.
pub(crate) async fn serve(listener: TcpListener, l: Arc<Listener>) {
    loop {
        let Ok((tcp, peer)) = listener.accept().await else { continue };
        let _ = tcp.set_nodelay(true);
        let l = l.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let l = l.clone();
                async move { Ok::<_, Infallible>(handle(&l, peer, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tcp), svc).await;
        });
    }
}

async fn handle(l: &Listener, peer: SocketAddr, req: Request<Incoming>) -> Response<Full<Bytes>> {
    bump(&l.stats.webhooks_received);
    if req.method() != Method::POST {
        return answer(405);
    }
    let signature = req.headers().get("x-hub-signature").map(|v| v.as_bytes().to_vec());
    let body = match Limited::new(req.into_body(), l.settings.max_body).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            bump(&l.stats.webhooks_too_large);
            tracing::warn!(%peer, limit = l.settings.max_body, "mastodon webhook refused: body too large or cut off");
            return answer(413);
        }
    };
    let w = match accept(&l.settings.secret, signature.as_deref(), &body) {
        Ok(w) => w,
        Err(Refusal::Signature(why)) => {
            bump(&l.stats.webhooks_bad_signature);
            tracing::warn!(%peer, reason = %why, "mastodon webhook refused (401)");
            return answer(401);
        }
        Err(Refusal::Body(error)) => {
            bump(&l.stats.webhooks_bad_body);
            tracing::warn!(%peer, %error, "mastodon webhook signed but unreadable (400)");
            let _ = l.sink.send(Inbound::Unreadable { source: Source::Webhook, error }).await;
            return answer(400);
        }
    };
    let key = (delivery_key(&w), body);
    if !lock(&l.seen).insert(&key) {
        bump(&l.stats.webhooks_duplicate);
        return answer(200);
    }
    match l.sink.event(Event::from(w)).await {
        Ok(_) => {
            bump(&l.stats.webhooks_accepted);
            answer(200)
        }
        Err(_) => {
            // Nobody to hand it to: let Mastodon retry it later, when moat is back.
            lock(&l.seen).remove(&key);
            answer(503)
        }
    }
}
