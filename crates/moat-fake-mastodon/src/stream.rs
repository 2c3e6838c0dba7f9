//! The streaming API: `GET /api/v1/streaming` upgraded to a WebSocket, as Mastodon's
//! `streaming/index.js` serves it.
//!
//! - The token comes from `Authorization: Bearer`, the `access_token` query parameter or
//!   `Sec-WebSocket-Protocol` (echoed back, as the `ws` library does). A missing or unknown
//!   token is refused before the upgrade: `401` with `X-Error-Message`.
//! - `?stream=public` (or `public:local`, `public:remote`, and their `:media` forms)
//!   subscribes at once; `{"type":"subscribe","stream":"…"}` and `unsubscribe` messages work
//!   too; an unknown stream gets `{"error":"Unknown stream type","status":400}`.
//! - Each event is one text message `{"stream":["public"],"event":"update","payload":"<status
//!   JSON as a string>"}`; `delete` carries the bare status id as its payload.
//!
//! Nothing is buffered for a client that is not connected: what is posted while the stream
//! is down reaches only the public timeline, so a client must catch up after a gap. Dropping
//! the streams closes the TCP connections without a close frame, as a failing network would.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_websockets::{CloseCode, Message, ServerBuilder};

use crate::auth::Caller;
use crate::{lock, Inner};

/// The public streams the fake serves.
pub const STREAMS: [&str; 6] =
    ["public", "public:local", "public:remote", "public:media", "public:local:media", "public:remote:media"];

const PING_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

pub(crate) enum Out {
    Text(Arc<str>),
    /// Close the TCP connection without a close frame.
    Drop,
}

struct Conn {
    tx: mpsc::UnboundedSender<Out>,
    subs: Vec<String>,
}

/// Connections and counters.
#[derive(Default)]
pub(crate) struct Hub {
    conns: HashMap<u64, Conn>,
    next: u64,
    /// Connections accepted.
    pub opened: u64,
    /// Connections closed by [`drop_all`].
    pub dropped: u64,
    /// Event messages sent (one per connection and stream).
    pub sent: u64,
    /// Upgrades refused while the stream was down.
    pub refused: u64,
}

/// Whether a status of this kind belongs on `stream`.
fn belongs(stream: &str, local: bool, media: bool) -> bool {
    match stream {
        "public" => true,
        "public:local" => local,
        "public:remote" => !local,
        "public:media" => media,
        "public:local:media" => local && media,
        "public:remote:media" => !local && media,
        _ => false,
    }
}

fn message(stream: &str, event: &str, payload: &str) -> Arc<str> {
    json!({"stream": [stream], "event": event, "payload": payload}).to_string().into()
}

/// Sends an event about a status to every connection subscribed to a stream it belongs on.
/// Returns how many messages went out.
pub(crate) fn broadcast(inner: &Inner, event: &str, payload: &str, local: bool, media: bool) -> usize {
    let mut hub = lock(&inner.streams);
    let mut n = 0;
    for c in hub.conns.values() {
        for s in c.subs.iter().filter(|s| belongs(s, local, media)) {
            if c.tx.send(Out::Text(message(s, event, payload))).is_ok() {
                n += 1;
            }
        }
    }
    hub.sent += n as u64;
    n
}

/// Sends an event verbatim to connections subscribed to any of `streams` (events that are
/// not about a status, such as `announcement`).
pub(crate) fn broadcast_to(inner: &Inner, streams: &[String], event: &str, payload: &str) -> usize {
    let mut hub = lock(&inner.streams);
    let mut n = 0;
    for c in hub.conns.values() {
        for s in c.subs.iter().filter(|s| streams.contains(s)) {
            if c.tx.send(Out::Text(message(s, event, payload))).is_ok() {
                n += 1;
            }
        }
    }
    hub.sent += n as u64;
    n
}

/// Closes every streaming connection abruptly.
pub(crate) fn drop_all(inner: &Inner) -> usize {
    let mut hub = lock(&inner.streams);
    let n = hub.conns.len();
    for (_, c) in hub.conns.drain() {
        let _ = c.tx.send(Out::Drop);
    }
    hub.dropped += n as u64;
    n
}

/// How many streaming connections are open.
pub(crate) fn open(inner: &Inner) -> usize {
    lock(&inner.streams).conns.len()
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`.
pub fn accept_key(key: &str) -> String {
    let mut sha = sha1_smol::Sha1::new();
    sha.update(key.trim().as_bytes());
    sha.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64(&sha.digest().bytes())
}

/// Whether a request asks for a WebSocket upgrade.
pub(crate) fn wants_upgrade(req: &Request<Incoming>) -> bool {
    req.headers().get("upgrade").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn refuse(status: u16, message: &str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .header("connection", "close")
        .header("x-error-message", message)
        .body(Full::new(Bytes::new()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// Answers an upgrade request: refuses it, or switches protocols and starts the session.
/// Returns the answer and the token id it used.
pub(crate) fn upgrade(
    inner: &Arc<Inner>,
    mut req: Request<Incoming>,
    query: Option<&str>,
) -> (Response<Full<Bytes>>, Option<u64>) {
    let header = |k: &str| req.headers().get(k).and_then(|v| v.to_str().ok()).map(str::to_string);
    let params: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if lock(&inner.faults).stream_down {
        lock(&inner.streams).refused += 1;
        return (refuse(502, "Bad Gateway"), None);
    }
    let protocol = header("sec-websocket-protocol");
    let access_token = param("access_token").or_else(|| protocol.clone());
    let grant = match lock(&inner.auth).caller(header("authorization").as_deref(), access_token.as_deref()) {
        Caller::Token(g) => g,
        Caller::Anonymous => return (refuse(401, "Missing access token"), None),
        Caller::Invalid => return (refuse(401, "Invalid access token"), None),
    };
    let Some(key) = header("sec-websocket-key") else {
        return (refuse(400, "Missing Sec-WebSocket-Key"), Some(grant.id));
    };
    let mut resp = Response::builder()
        .status(101)
        .header("upgrade", "websocket")
        .header("connection", "Upgrade")
        .header("sec-websocket-accept", accept_key(&key));
    if let Some(p) = protocol.as_deref().and_then(|p| p.split(',').next()) {
        resp = resp.header("sec-websocket-protocol", p.trim());
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    let initial = param("stream");
    let inner = inner.clone();
    tokio::spawn(async move {
        if let Ok(upgraded) = on_upgrade.await {
            let ws = ServerBuilder::new().serve(TokioIo::new(upgraded));
            session(inner, ws, initial).await;
        }
    });
    let resp = resp.body(Full::new(Bytes::new())).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
    (resp, Some(grant.id))
}

/// Subscribes or unsubscribes a connection; returns an error message to send back, if any.
fn change(inner: &Inner, id: u64, kind: &str, stream: &str) -> Option<String> {
    if !STREAMS.contains(&stream) {
        return Some(json!({"error": "Unknown stream type", "status": 400}).to_string());
    }
    let mut hub = lock(&inner.streams);
    let c = hub.conns.get_mut(&id)?;
    match kind {
        "subscribe" if !c.subs.iter().any(|s| s == stream) => c.subs.push(stream.to_string()),
        "unsubscribe" => c.subs.retain(|s| s != stream),
        _ => {}
    }
    None
}

/// A client's text message: `{"type":"subscribe"|"unsubscribe","stream":"…"}`; anything else
/// is ignored, as Mastodon ignores it.
fn on_text(inner: &Inner, id: u64, text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    let kind = v["type"].as_str()?;
    let stream = match &v["stream"] {
        Value::String(s) => s.as_str(),
        Value::Array(a) => a.first().and_then(Value::as_str)?,
        _ => return None,
    };
    match kind {
        "subscribe" | "unsubscribe" => change(inner, id, kind, stream),
        _ => None,
    }
}

async fn session<S>(inner: Arc<Inner>, ws: tokio_websockets::WebSocketStream<S>, initial: Option<String>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (tx, mut rx) = mpsc::unbounded_channel();
    let id = {
        let mut hub = lock(&inner.streams);
        hub.next += 1;
        hub.opened += 1;
        let id = hub.next;
        hub.conns.insert(id, Conn { tx: tx.clone(), subs: Vec::new() });
        id
    };
    let (mut sink, mut stream) = ws.split();
    // Mastodon pings every client every 30 s (wall time), which keeps idle clients' read
    // timeouts from firing.
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    if let Some(err) = initial.and_then(|s| change(&inner, id, "subscribe", &s)) {
        let _ = tx.send(Out::Text(err.into()));
    }
    loop {
        tokio::select! {
            msg = stream.next() => match msg {
                Some(Ok(m)) if m.is_text() => {
                    if let Some(err) = m.as_text().and_then(|t| on_text(&inner, id, t)) {
                        let _ = tx.send(Out::Text(err.into()));
                    }
                }
                Some(Ok(m)) if m.is_binary() => {
                    let why = "The mastodon streaming server does not support binary messages";
                    let _ = sink.send(Message::close(Some(CloseCode::UNSUPPORTED_DATA), why)).await;
                    break;
                }
                Some(Ok(m)) if m.is_close() => break,
                Some(Ok(_)) => {}
                _ => break,
            },
            out = rx.recv() => match out {
                Some(Out::Text(t)) => {
                    if sink.send(Message::text(t.to_string())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Drop) | None => break,
            },
            _ = ping.tick() => {
                if sink.send(Message::ping("")).await.is_err() {
                    break;
                }
            }
        }
    }
    lock(&inner.streams).conns.remove(&id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_matches_rfc_6455() {
        assert_eq!(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn streams_by_origin_and_media() {
        assert!(belongs("public", false, false));
        assert!(belongs("public:local", true, false) && !belongs("public:local", false, false));
        assert!(belongs("public:remote:media", false, true) && !belongs("public:remote:media", false, false));
        assert!(!belongs("user", true, true));
        assert!(message("public", "delete", "123").contains(r#""payload":"123""#));
    }
}
