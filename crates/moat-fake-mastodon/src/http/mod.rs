//! The HTTP side: Mastodon's REST API subset and OAuth over plain HTTP/1.1 on loopback, plus
//! the upgrade to the streaming WebSocket ([`crate::stream`]).
//!
//! Each request goes through the gates in Mastodon's order: rack-attack's rate limit first
//! (`/api` only: 429 with `X-RateLimit-*`), then injected faults, then the route, which
//! checks the token's scopes and the user's role as Mastodon's controllers and policies do,
//! validates, and changes [`crate::state::World`]. Every call is recorded, whatever it was
//! answered; no request body, however wrong, makes the server panic.

mod admin;
mod answer;
mod blocks;
mod oauth;
mod statuses;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::auth::{Caller, Grant, Role};
use crate::params::Params;
use crate::record::{redact, Call};
use crate::{lock, stream, Inner};
pub(crate) use answer::Answer;

/// Largest request body read (Mastodon's nginx default is much larger; moat sends little).
const MAX_BODY: usize = 1 << 20;

/// What a listener serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Port {
    Both,
    ApiOnly,
    StreamingOnly,
}

/// One request, parsed, as the routes see it.
pub(crate) struct Ctx<'a> {
    pub inner: &'a Arc<Inner>,
    pub params: Params,
    pub caller: Caller,
    pub now_ms: u64,
    pub idempotency_key: Option<String>,
    /// The user this browser signed in as (`/auth/sign_in?user=NAME`, a cookie), for
    /// `/oauth/authorize`; `None`: the configured OAuth user.
    pub signed_in: Option<String>,
}

impl Ctx<'_> {
    /// Doorkeeper's `authorize_if_got_token!`: no token passes (as `None`), a token needs one
    /// of `scopes`.
    pub fn token_if_any(&self, scopes: &[&str]) -> Result<Option<Grant>, Answer> {
        match &self.caller {
            Caller::Anonymous => Ok(None),
            Caller::Invalid => Err(Answer::error(401, "The access token is invalid")),
            Caller::Token(g) if g.has_any(scopes) => Ok(Some(g.clone())),
            Caller::Token(_) => Err(Answer::error(403, "This action is outside the authorized scopes")),
        }
    }

    /// Doorkeeper's `doorkeeper_authorize!`: a token is required.
    pub fn token(&self, scopes: &[&str]) -> Result<Grant, Answer> {
        self.token_if_any(scopes)?.ok_or_else(|| Answer::error(401, "The access token is invalid"))
    }

    /// The role of the user behind a grant.
    pub fn role_of(&self, grant: &Grant) -> Role {
        let w = lock(&self.inner.world);
        grant.account_id.as_deref().and_then(|id| w.account(id)).map_or(Role::User, |a| a.role)
    }

    /// An admin endpoint: the scopes (if a token is given) and then the policy's permission.
    pub fn staff(&self, scopes: &[&str], permission: u64) -> Result<Grant, Answer> {
        let grant = self.token_if_any(scopes)?.ok_or_else(Answer::not_allowed)?;
        if !self.role_of(&grant).can(permission) {
            return Err(Answer::not_allowed());
        }
        Ok(grant)
    }

    /// Mastodon's `limit_param(default)`: `min(|limit|, 2 × default)`.
    pub fn limit(&self, default: usize) -> usize {
        match self.params.get("limit") {
            None => default,
            Some(v) => {
                let digits: String =
                    v.trim().trim_start_matches('-').chars().take_while(char::is_ascii_digit).collect();
                digits.parse::<usize>().unwrap_or(if digits.is_empty() { 0 } else { usize::MAX }).min(default * 2)
            }
        }
    }

    /// A `Link` header for a page of `ids` (newest first) of `path`, keeping `keep` params.
    pub fn link(&self, path: &str, keep: &[&str], ids: &[String], limit: usize) -> Option<String> {
        let url = |k: &str, v: &str| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for (name, value) in self.params.pairs() {
                if keep.contains(&name.as_str()) {
                    q.append_pair(name, value);
                }
            }
            q.append_pair(k, v);
            format!("{}{path}?{}", self.inner.base_url, q.finish())
        };
        let mut links = Vec::new();
        if ids.len() == limit && limit > 0 {
            if let Some(last) = ids.last() {
                links.push(format!("<{}>; rel=\"next\"", url("max_id", last)));
            }
        }
        if let Some(first) = ids.first() {
            links.push(format!("<{}>; rel=\"prev\"", url("min_id", first)));
        }
        (!links.is_empty()).then(|| links.join(", "))
    }
}

/// Serves HTTP/1.1 (with upgrades) until the fake is dropped.
pub(crate) async fn serve(inner: Arc<Inner>, listener: TcpListener, port: Port) {
    loop {
        let Ok((tcp, peer)) = listener.accept().await else { continue };
        let _ = tcp.set_nodelay(true);
        let inner = inner.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| handle(inner.clone(), port, peer, req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tcp), svc)
                .with_upgrades()
                .await;
        });
    }
}

fn route(ctx: &Ctx<'_>, method: &str, segs: &[&str]) -> Answer {
    match (method, segs) {
        ("GET", ["api", "v2", "admin", "accounts"]) => admin::list(ctx),
        ("GET", ["api", "v1", "admin", "accounts", id]) => admin::show(ctx, id),
        ("POST", ["api", "v1", "admin", "accounts", id, "action"]) => admin::action(ctx, id),
        ("POST", ["api", "v1", "admin", "accounts", id, verb]) if admin::VERBS.contains(verb) => {
            admin::verb(ctx, id, verb)
        }
        ("GET", ["api", "v1", "admin", "ip_blocks"]) => blocks::ip_list(ctx),
        ("POST", ["api", "v1", "admin", "ip_blocks"]) => blocks::ip_create(ctx),
        ("GET", ["api", "v1", "admin", "ip_blocks", id]) => blocks::ip_show(ctx, id),
        ("DELETE", ["api", "v1", "admin", "ip_blocks", id]) => blocks::ip_delete(ctx, id),
        ("GET", ["api", "v1", "admin", "email_domain_blocks"]) => blocks::email_list(ctx),
        ("POST", ["api", "v1", "admin", "email_domain_blocks"]) => blocks::email_create(ctx),
        ("GET", ["api", "v1", "admin", "email_domain_blocks", id]) => blocks::email_show(ctx, id),
        ("DELETE", ["api", "v1", "admin", "email_domain_blocks", id]) => blocks::email_delete(ctx, id),
        ("POST", ["api", "v1", "statuses"]) => statuses::create(ctx),
        ("GET", ["api", "v1", "statuses", id]) => statuses::show(ctx, id),
        ("GET", ["api", "v1", "timelines", "public"]) => statuses::public_timeline(ctx),
        ("GET", ["api", "v2", "instance"]) => statuses::instance(ctx),
        ("GET", ["api", "v1", "accounts", "verify_credentials"]) => statuses::verify_credentials(ctx),
        ("POST", ["api", "v1", "apps"]) => oauth::create_app(ctx),
        ("GET", ["oauth", "authorize"]) => oauth::authorize(ctx),
        ("GET", ["auth", "sign_in"]) => oauth::sign_in(ctx),
        ("POST", ["oauth", "token"]) => oauth::token(ctx),
        ("POST", ["oauth", "revoke"]) => oauth::revoke(ctx),
        _ => Answer::not_found(),
    }
}

fn respond(answer: Answer, rate: Vec<(&'static str, String)>, api: bool) -> Response<Full<Bytes>> {
    let mut resp = Response::builder().status(answer.status);
    for (k, v) in rate.into_iter().chain(answer.headers) {
        resp = resp.header(k, v);
    }
    if api {
        resp = resp.header("cache-control", "no-cache, no-store, max-age=0, must-revalidate");
    }
    if !answer.body.is_empty() {
        resp = resp.header("content-type", answer.content_type);
    }
    resp.body(Full::new(Bytes::from(answer.body))).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn record(
    inner: &Inner,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: String,
    status: u16,
    token_id: Option<u64>,
) {
    let at_ms = inner.clock.now_ms();
    let query = query.map(redact);
    let call = Call { method: method.to_string(), path: path.to_string(), query, body, status, at_ms, token_id };
    lock(&inner.calls).push(call);
}

/// The gates before an API route: the rate limit (whose headers every answer carries), then
/// injected faults. Returns the answer if a gate stops the request.
fn gates(
    inner: &Inner,
    peer: SocketAddr,
    token_id: Option<u64>,
    path: &str,
    now_ms: u64,
) -> (Option<Answer>, Vec<(&'static str, String)>) {
    let key = token_id.map_or_else(|| format!("ip:{}", peer.ip()), |id| format!("token:{id}"));
    let verdict = lock(&inner.limiter).check(&key, token_id.is_some(), now_ms);
    if verdict.limited {
        return (Some(Answer::error(429, "Too many requests")), verdict.headers);
    }
    let mut faults = lock(&inner.faults);
    if faults.should_fail(path) {
        let status = faults.fail_status;
        return (Some(Answer::error(status, answer::reason(status))), verdict.headers);
    }
    (None, verdict.headers)
}

async fn handle(
    inner: Arc<Inner>,
    port: Port,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let streaming = path == "/api/v1/streaming" || path.starts_with("/api/v1/streaming/");
    if streaming && stream::wants_upgrade(&req) && port != Port::ApiOnly {
        let (resp, token_id) = stream::upgrade(&inner, req, query.as_deref());
        record(&inner, &method, &path, query.as_deref(), String::new(), resp.status().as_u16(), token_id);
        return Ok(resp);
    }
    if (port == Port::StreamingOnly && !streaming) || (port == Port::ApiOnly && streaming) {
        record(&inner, &method, &path, query.as_deref(), String::new(), 404, None);
        return Ok(respond(Answer::error(404, "Not found"), Vec::new(), false));
    }
    let header = |k: &str| req.headers().get(k).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (authorization, content_type, idempotency_key) =
        (header("authorization"), header("content-type"), header("idempotency-key"));
    let signed_in = header("cookie").and_then(|c| oauth::signed_in(&c));
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            record(&inner, &method, &path, query.as_deref(), String::new(), 413, None);
            return Ok(respond(Answer::error(413, "Request entity too large"), Vec::new(), false));
        }
    };
    let now_ms = inner.clock.now_ms();
    let params = Params::parse(query.as_deref(), content_type.as_deref(), &body);
    let access_token = params.as_ref().ok().and_then(|p| p.get("access_token").map(str::to_string));
    let caller = lock(&inner.auth).caller(authorization.as_deref(), access_token.as_deref());
    let token_id = match &caller {
        Caller::Token(g) => Some(g.id),
        _ => None,
    };
    let api = path.starts_with("/api/");
    let (stopped, rate) = if api { gates(&inner, peer, token_id, &path, now_ms) } else { (None, Vec::new()) };
    let answer = match (stopped, params) {
        (Some(a), _) => a,
        (None, Err(_)) => Answer::error(400, "Error occurred while parsing request parameters"),
        (None, Ok(params)) => {
            let ctx = Ctx { inner: &inner, params, caller, now_ms, idempotency_key, signed_in };
            let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            route(&ctx, &method, &segs)
        }
    };
    let text = String::from_utf8_lossy(&body);
    let recorded =
        if path.starts_with("/oauth/") || path == "/api/v1/apps" { redact(&text) } else { text.into_owned() };
    record(&inner, &method, &path, query.as_deref(), recorded, answer.status, token_id);
    Ok(respond(answer, rate, api))
}
