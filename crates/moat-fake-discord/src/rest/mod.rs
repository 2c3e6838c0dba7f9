//! The REST side: `/api/v10/...` over plain HTTP/1.1 on loopback, plus OAuth2's
//! `/oauth2/authorize` and `/api/oauth2/token` for a dashboard.
//!
//! Each API request goes through the same gates as on Discord, in the same order: the
//! invalid-request ban, the token (a bot's, a Bearer token, or none on the interaction and
//! webhook-token routes), the spec (in `SpecMode::Reject`), injected faults (500s), the
//! rate limiter (429 with real headers), then the route, which validates like Discord does
//! and changes [`crate::state::World`].
//! Every call is checked against Discord's OpenAPI spec ([`crate::spec`]) and recorded with
//! what was wrong with it, whatever it was answered; 401, 403 and 429 answers count towards
//! the ban ([`crate::invalid`]).
//!
//! A call is attributed to a process by its `X-Moat-Process: NAME` header (or a
//! `moat-process/NAME` word in its `User-Agent`), which the summary groups calls by.

mod commands;
pub mod form;
mod interactions;
mod oauth;
mod routes;
mod time;

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::options::{BanAnswer, SpecMode};
use crate::ratelimit::Verdict;
use crate::record::Call;
use crate::{lock, Inner};

pub use time::{iso_from_ms, ms_from_iso};

/// Discord's limit on `X-Audit-Log-Reason`, in characters.
const REASON_MAX: usize = 512;

/// An answer before it becomes an HTTP response.
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
    pub content_type: &'static str,
}

impl Answer {
    pub fn json(status: u16, v: Value) -> Answer {
        Answer { status, body: v.to_string(), headers: Vec::new(), content_type: "application/json" }
    }
    pub fn empty() -> Answer {
        Answer { status: 204, body: String::new(), headers: Vec::new(), content_type: "" }
    }
    pub fn text(status: u16, body: &str) -> Answer {
        Answer { status, body: body.into(), headers: Vec::new(), content_type: "text/plain; charset=utf-8" }
    }
    /// Discord's error shape: `{"message", "code"}`.
    pub fn error(status: u16, code: u32, message: &str) -> Answer {
        Answer::json(status, json!({ "message": message, "code": code }))
    }
    /// Discord's 400 for a body it refuses: `Invalid Form Body` (50035) with the field's
    /// error code and message, as `{"errors": {field: {"_errors": [...]}}}`.
    pub fn form_error(field: &str, code: &str, message: &str) -> Answer {
        Answer::json(
            400,
            json!({"message": "Invalid Form Body", "code": 50035,
                   "errors": {field: {"_errors": [{"code": code, "message": message}]}}}),
        )
    }
    fn scope(&self) -> Option<&str> {
        self.headers.iter().find(|(k, _)| *k == "x-ratelimit-scope").map(|(_, v)| v.as_str())
    }
}

/// One request as the routes see it.
pub(crate) struct Req<'a> {
    pub method: &'a str,
    /// The path after `/api/v10`, split on `/`.
    pub segs: Vec<&'a str>,
    pub query: &'a str,
    /// The body parsed as JSON (`Null` when it is not).
    pub body: Value,
    pub now: u64,
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

/// The headers of a request the fake reads.
struct Heads {
    auth: String,
    reason: Option<String>,
    process: Option<String>,
    json: bool,
    cookie: String,
}

fn heads(req: &Request<Incoming>) -> Heads {
    let h = |k: &str| req.headers().get(k).and_then(|v| v.to_str().ok()).map(str::to_string);
    let process = h("x-moat-process").or_else(|| {
        h("user-agent")?.split_whitespace().find_map(|w| w.strip_prefix("moat-process/").map(str::to_string))
    });
    Heads {
        auth: h("authorization").unwrap_or_default(),
        reason: h("x-audit-log-reason").map(|r| form::decode(&r, false)),
        process,
        json: h("content-type").is_some_and(|c| c.starts_with("application/json")),
        cookie: h("cookie").unwrap_or_default(),
    }
}

async fn handle(inner: Arc<Inner>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let at = Instant::now();
    let now = inner.now_ms();
    let method = req.method().as_str().to_string();
    let full_path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let heads = heads(&req);
    let body = match req.into_body().collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
        Err(_) => String::new(),
    };
    let (answer, violations) = if oauth::is_oauth_path(&full_path) {
        (oauth::handle(&inner, &method, &full_path, &query, &body, &heads.auth, &heads.cookie, now), Vec::new())
    } else {
        api(&inner, &method, &full_path, &query, &heads, &body, now)
    };
    if full_path.starts_with("/api/") {
        lock(&inner.invalid).note(answer.status, answer.scope(), now);
    }
    let latency = inner.opts.rest_latency_ms;
    if latency > 0 {
        if inner.clock.load(Ordering::Acquire) != 0 {
            inner.clock.fetch_add(latency, Ordering::AcqRel);
        } else {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
    }
    let path = full_path.strip_prefix("/api/v10").unwrap_or(&full_path).to_string();
    lock(&inner.calls).push(Call {
        method,
        path,
        query,
        status: answer.status,
        body,
        reason: heads.reason,
        process: heads.process,
        violations,
        at,
        at_ms: now,
    });
    Ok(response(answer))
}

fn response(answer: Answer) -> Response<Full<Bytes>> {
    let mut resp = Response::builder().status(answer.status);
    for (k, v) in answer.headers {
        resp = resp.header(k, v);
    }
    if answer.status != 204 && !answer.content_type.is_empty() {
        resp = resp.header("content-type", answer.content_type);
    }
    resp.body(Full::new(Bytes::from(answer.body))).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// Whether a route carries its own token in the path (interaction callbacks and webhook-token
/// routes): Discord asks no `Authorization` for them and keeps them out of the global limit.
fn token_route(segs: &[&str]) -> bool {
    matches!(segs, ["interactions", _, _, "callback"] | ["webhooks", _, _, ..])
}

/// What the spec says is wrong with a call, plus the audit-log reason's length.
fn violations(inner: &Inner, method: &str, path: &str, query: &str, heads: &Heads, body: &str) -> Vec<String> {
    if inner.opts.spec == SpecMode::Off {
        return Vec::new();
    }
    let mut v =
        crate::spec::spec().check(method, path, query, heads.json || body.trim_start().starts_with(['{', '[']), body);
    if let Some(r) = &heads.reason {
        let n = r.chars().count();
        if n > REASON_MAX {
            v.push(format!("X-Audit-Log-Reason: {n} characters, at most {REASON_MAX} allowed"));
        }
    }
    v
}

fn ban_answer(inner: &Inner, now: u64) -> Answer {
    let left = lock(&inner.invalid).banned_until.map_or(0, |u| u.saturating_sub(now));
    match inner.opts.invalid_requests.answer {
        BanAnswer::Forbidden => Answer::text(403, "error code: 1020"),
        BanAnswer::TooManyRequests => {
            let mut a = Answer::text(429, "error code: 1015");
            a.headers.push(("retry-after", left.div_ceil(1000).max(1).to_string()));
            a
        }
    }
}

fn api(
    inner: &Inner,
    method: &str,
    full: &str,
    query: &str,
    heads: &Heads,
    body: &str,
    now: u64,
) -> (Answer, Vec<String>) {
    let Some(path) = full.strip_prefix("/api/v10").filter(|p| p.starts_with('/')) else {
        return (Answer::error(404, 0, "404: Not Found"), Vec::new());
    };
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let violations = violations(inner, method, path, query, heads, body);
    if lock(&inner.invalid).refuse(now) {
        return (ban_answer(inner, now), violations);
    }
    let token_route = token_route(&segs);
    if let Some(bearer) = heads.auth.strip_prefix("Bearer ") {
        if !token_route {
            return (oauth::bearer(inner, method, &segs, bearer, now), violations);
        }
    } else if !token_route && (heads.auth != format!("Bot {}", inner.opts.token) || inner.token_reset()) {
        return (Answer::error(401, 0, "401: Unauthorized"), violations);
    }
    if inner.opts.spec == SpecMode::Reject && !violations.is_empty() {
        let errors: Vec<Value> = violations.iter().map(|v| json!({"code": "SPEC_VIOLATION", "message": v})).collect();
        let a =
            Answer::json(400, json!({"message": "Invalid Form Body", "code": 50035, "errors": {"_errors": errors}}));
        return (a, violations);
    }
    if lock(&inner.faults).should_fail(path) {
        return (Answer::error(500, 0, "500: Internal Server Error"), violations);
    }
    let (key, hash) = bucket_of(method, &segs);
    let answer = match lock(&inner.limiter).check(&key, &hash, Instant::now(), !token_route) {
        Verdict::Pass(h) => {
            let req = Req { method, segs, query, body: serde_json::from_str(body).unwrap_or(Value::Null), now };
            let mut a = routes::route(inner, &req);
            a.headers.extend(h);
            a
        }
        Verdict::Limited { retry_after, global, headers } => {
            let mut a = Answer::json(
                429,
                json!({
                    "message": "You are being rate limited.",
                    "retry_after": (retry_after.as_secs_f64() * 1000.0).ceil() / 1000.0,
                    "global": global,
                }),
            );
            a.headers = headers;
            a
        }
    };
    (answer, violations)
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
    fn token_routes_are_the_interaction_and_webhook_ones() {
        assert!(token_route(&["interactions", "1", "tok", "callback"]));
        assert!(token_route(&["webhooks", "1", "tok", "messages", "@original"]));
        assert!(!token_route(&["webhooks", "1"]));
        assert!(!token_route(&["guilds", "1"]));
    }
}
