//! The REST side: `/api/v10/...` over plain HTTP/1.1 on loopback.
//!
//! Each request goes through the same gates as on Discord, in the same order: the token,
//! injected faults (500s), the rate limiter (429 with real headers), then the route, which
//! validates like Discord does and changes [`crate::state::World`]. Every call is recorded,
//! whatever it was answered.

mod routes;
mod time;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::ratelimit::Verdict;
use crate::record::Call;
use crate::{lock, Inner};

pub use time::{iso_from_ms, ms_from_iso};

/// An answer before it becomes an HTTP response.
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(status: u16, v: serde_json::Value) -> Answer {
        Answer { status, body: v.to_string() }
    }
    pub fn empty() -> Answer {
        Answer { status: 204, body: String::new() }
    }
    /// Discord's error shape: `{"message", "code"}`.
    pub fn error(status: u16, code: u32, message: &str) -> Answer {
        Answer::json(status, serde_json::json!({ "message": message, "code": code }))
    }
}

/// Serves HTTP/1.1 until the fake is dropped.
pub(crate) async fn serve(inner: Arc<Inner>, listener: TcpListener) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let _ = tcp.set_nodelay(true);
        let inner = inner.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| handle(inner.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tcp), svc).await;
        });
    }
}

/// `%XX` decoding for the audit-log reason header (twilight percent-encodes it).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rate-limit bucket of a route: its template with ids replaced, keeping the major id
/// (the channel's, guild's or webhook's) in the key as Discord does.
fn bucket_of(method: &str, segs: &[&str]) -> (String, String) {
    let mut key = String::from(method);
    let mut template = String::from(method);
    let mut prev = "";
    for (i, s) in segs.iter().enumerate() {
        let is_id = s.bytes().all(|c| c.is_ascii_digit()) && !s.is_empty();
        let major = is_id && i == 1 && matches!(prev, "channels" | "guilds" | "webhooks");
        key.push('/');
        template.push('/');
        if is_id && !major {
            key.push_str(":id");
            template.push_str(":id");
        } else if major {
            key.push_str(s);
            template.push_str(":major");
        } else {
            key.push_str(s);
            template.push_str(s);
        }
        prev = s;
    }
    // A stable short hash of the template, like Discord's opaque bucket ids.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in template.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    (key, format!("{h:016x}"))
}

async fn handle(inner: Arc<Inner>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let at = Instant::now();
    let method = req.method().as_str().to_string();
    let full_path = req.uri().path().to_string();
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let reason = req.headers().get("x-audit-log-reason").and_then(|v| v.to_str().ok()).map(percent_decode);
    let body = match req.into_body().collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
        Err(_) => String::new(),
    };
    let path = full_path.strip_prefix("/api/v10").unwrap_or(&full_path).to_string();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();

    let mut headers: Vec<(&'static str, String)> = Vec::new();
    let answer = if !full_path.starts_with("/api/v10/") {
        Answer::error(404, 0, "404: Not Found")
    } else if auth != format!("Bot {}", inner.opts.token) {
        Answer::error(401, 0, "401: Unauthorized")
    } else if lock(&inner.faults).should_fail(&path) {
        Answer::error(500, 0, "500: Internal Server Error")
    } else {
        let (key, hash) = bucket_of(&method, &segs);
        match lock(&inner.limiter).check(&key, &hash, at) {
            Verdict::Pass(h) => {
                headers = h;
                let parsed = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
                routes::route(&inner, &method, &segs, &parsed)
            }
            Verdict::Limited { retry_after, global, headers: h } => {
                headers = h;
                Answer::json(
                    429,
                    serde_json::json!({
                        "message": "You are being rate limited.",
                        "retry_after": (retry_after.as_secs_f64() * 1000.0).ceil() / 1000.0,
                        "global": global,
                    }),
                )
            }
        }
    };
    lock(&inner.calls).push(Call { method, path, status: answer.status, body, reason, at });

    let mut resp = Response::builder().status(answer.status);
    for (k, v) in headers {
        resp = resp.header(k, v);
    }
    if answer.status != 204 {
        resp = resp.header("content-type", "application/json");
    }
    let resp =
        resp.body(Full::new(Bytes::from(answer.body))).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_keep_the_major_id_only() {
        let (a, ha) = bucket_of("DELETE", &["channels", "5", "messages", "7"]);
        let (b, hb) = bucket_of("DELETE", &["channels", "6", "messages", "8"]);
        assert_eq!(a, "DELETE/channels/5/messages/:id");
        assert_ne!(a, b);
        assert_eq!(ha, hb, "same route, same bucket hash");
    }

    #[test]
    fn reasons_are_decoded() {
        assert_eq!(percent_decode("raid%3A%20300%20joins"), "raid: 300 joins");
        assert_eq!(percent_decode("bad%zz%"), "bad%zz%");
    }
}
