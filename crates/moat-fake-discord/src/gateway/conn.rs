//! One gateway connection: HELLO, then the client's payloads (heartbeat, IDENTIFY, RESUME)
//! judged by Discord's rules, with the close codes Discord uses when they are broken.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_websockets::{CloseCode, Limits, Message, ServerBuilder};

use super::limits::{self, IdentifyAsk, PayloadRate};
use super::{push, shard_of, Conn, GatewayState, Out, Session};
use crate::{lock, Inner};

/// What a connection knows about itself.
struct Here {
    id: u64,
    tx: mpsc::UnboundedSender<Out>,
    identified: bool,
    rate: PayloadRate,
    last_heartbeat: Instant,
}

/// The process a connection names by its path (`/NAME/`), if any.
fn process_of(path: &str) -> Option<String> {
    path.split('/').find(|s| !s.is_empty()).map(str::to_string)
}

/// The `v` query parameter, if given.
fn version_of(query: &str) -> Option<String> {
    crate::rest::form::get(query, "v")
}

pub(super) async fn connection(inner: Arc<Inner>, tcp: TcpStream) {
    let Ok((req, ws)) = ServerBuilder::new().limits(Limits::unlimited()).accept(tcp).await else { return };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let process = process_of(req.uri().path());
    let id = {
        let mut g = lock(&inner.gateway);
        g.next_conn += 1;
        let id = g.next_conn;
        g.conns.insert(id, Conn { tx: tx.clone(), session: None, process });
        id
    };
    let mut here =
        Here { id, tx: tx.clone(), identified: false, rate: PayloadRate::default(), last_heartbeat: Instant::now() };
    if version_of(req.uri().query().unwrap_or("")).is_some_and(|v| v != "10") {
        let _ = tx.send(Out::Close(limits::INVALID_API_VERSION));
    } else {
        let hello = format!(r#"{{"op":10,"d":{{"heartbeat_interval":{}}}}}"#, inner.opts.heartbeat_interval_ms);
        let _ = tx.send(Out::Text(hello.into()));
    }
    let grace = Duration::from_millis(inner.opts.heartbeat_interval_ms.saturating_mul(3) / 2 + 1_000);
    loop {
        let deadline = here.last_heartbeat + grace;
        tokio::select! {
            msg = stream.next() => match msg {
                Some(Ok(m)) if m.is_text() => {
                    if let Some(text) = m.as_text() {
                        on_text(&inner, &mut here, text);
                    }
                }
                Some(Ok(m)) if m.is_close() => break,
                Some(Ok(_)) => {}
                _ => break,
            },
            out = rx.recv() => match out {
                Some(Out::Text(s)) => {
                    if sink.send(Message::text(s.to_string())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code)) => {
                    lock(&inner.gateway).closes.push(code);
                    let code = CloseCode::try_from(code).unwrap_or(CloseCode::POLICY_VIOLATION);
                    let _ = sink.send(Message::close(Some(code), "")).await;
                    break;
                }
                Some(Out::Drop) | None => break,
            },
            _ = tokio::time::sleep_until(deadline.into()), if inner.opts.gateway.heartbeat_timeout => {
                let _ = here.tx.send(Out::Close(limits::SESSION_TIMED_OUT));
                here.last_heartbeat = Instant::now() + Duration::from_secs(3600);
            }
        }
    }
    let mut g = lock(&inner.gateway);
    if let Some(c) = g.conns.remove(&id) {
        if let Some(s) = c.session.and_then(|s| g.sessions.get_mut(&s)) {
            if s.conn == Some(id) {
                s.conn = None;
            }
        }
    }
}

fn token_ok(inner: &Inner, d: &Value) -> bool {
    let t = d.get("token").and_then(Value::as_str).unwrap_or("");
    t.strip_prefix("Bot ").unwrap_or(t) == inner.opts.token && !inner.token_reset()
}

fn close(here: &Here, code: u16) {
    let _ = here.tx.send(Out::Close(code));
}

fn on_text(inner: &Arc<Inner>, here: &mut Here, text: &str) {
    if here.rate.over(inner.opts.gateway.payloads_per_minute, Instant::now()) {
        return close(here, limits::RATE_LIMITED);
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else { return close(here, limits::DECODE_ERROR) };
    let d = v.get("d").cloned().unwrap_or(Value::Null);
    match v.get("op").and_then(Value::as_u64) {
        Some(1) => {
            here.last_heartbeat = Instant::now();
            let _ = here.tx.send(Out::Text(r#"{"op":11,"d":null}"#.into()));
        }
        Some(2) if here.identified => close(here, limits::ALREADY_AUTHENTICATED),
        Some(2) => {
            if !token_ok(inner, &d) {
                return close(here, limits::AUTHENTICATION_FAILED);
            }
            if let Err(code) = identify(inner, here.id, &d) {
                return close(here, code);
            }
            here.identified = true;
        }
        Some(6) => {
            let sid = d.get("session_id").and_then(Value::as_str).unwrap_or("").to_string();
            let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
            if !token_ok(inner, &d) {
                return close(here, limits::AUTHENTICATION_FAILED);
            }
            if resume(inner, here.id, &sid, seq) {
                here.identified = true;
            } else {
                let _ = here.tx.send(Out::Text(r#"{"op":9,"d":false}"#.into()));
            }
        }
        // Presence and voice updates, guild member requests: accepted once identified.
        Some(3 | 4 | 8 | 31) if here.identified => {}
        Some(3 | 4 | 8 | 31) => close(here, limits::NOT_AUTHENTICATED),
        _ => close(here, limits::UNKNOWN_OPCODE),
    }
}

fn shard_asked(d: &Value) -> Option<Option<[u32; 2]>> {
    match d.get("shard") {
        None | Some(Value::Null) => Some(None),
        Some(Value::Array(a)) if a.len() == 2 => {
            Some(Some([u32::try_from(a[0].as_u64()?).ok()?, u32::try_from(a[1].as_u64()?).ok()?]))
        }
        _ => None,
    }
}

/// Judges and performs an IDENTIFY; `Err(close code)` when Discord would refuse it.
fn identify(inner: &Arc<Inner>, conn: u64, d: &Value) -> Result<(), u16> {
    let Some(asked) = shard_asked(d) else { return Err(limits::INVALID_SHARD) };
    let total = asked.map_or(1, |s| s[1]);
    let intents = d.get("intents").and_then(Value::as_u64).unwrap_or(0);
    let device = d.pointer("/properties/device").and_then(Value::as_str).map(str::to_string);
    let (guilds, bot): (Vec<(u64, String)>, u64) = {
        let w = lock(&inner.world);
        let id = asked.map_or(0, |s| s[0]);
        let list = w
            .guilds
            .values()
            .filter(|g| total > 0 && shard_of(g.id, total) == id)
            .map(|g| (g.id, g.create_payload(w.bot_user_id)))
            .collect();
        (list, w.bot_user_id)
    };
    let rules = &inner.opts.gateway;
    let mut g = lock(&inner.gateway);
    if g.limits.exhausted(rules, Instant::now()) {
        // Discord resets the token of a bot past its daily session starts.
        drop(g);
        inner.reset_token();
        super::close_all(inner, limits::AUTHENTICATION_FAILED);
        return Err(limits::AUTHENTICATION_FAILED);
    }
    let ask = IdentifyAsk { shard: asked, intents, guilds_on_shard: guilds.len() };
    let shard = g.limits.judge(rules, &ask, Instant::now())?;
    g.identifies += 1;
    g.next_session += 1;
    let sid = format!("fake-session-{}", g.next_session);
    let ready = serde_json::json!({
        "v": 10,
        "user": {"id": bot.to_string(), "username": "moat", "discriminator": "0", "avatar": null, "bot": true, "mfa_enabled": false},
        "guilds": guilds.iter().map(|(id, _)| serde_json::json!({"id": id.to_string(), "unavailable": true})).collect::<Vec<_>>(),
        "session_id": sid,
        "resume_gateway_url": inner.gateway_url,
        "shard": shard,
        "application": {"id": inner.opts.application_id.to_string(), "flags": 0},
    });
    let GatewayState { conns, sessions, .. } = &mut *g;
    let process = conns.get(&conn).and_then(|c| c.process.clone()).or(device);
    let mut s = Session {
        id: sid.clone(),
        shard,
        seq: 0,
        process,
        log: VecDeque::new(),
        sent: Vec::new(),
        conn: Some(conn),
        resumes: 0,
    };
    if let Some(c) = conns.get_mut(&conn) {
        c.session = Some(sid.clone());
    }
    push(&mut s, conns, "READY", &ready.to_string());
    for (_, payload) in &guilds {
        push(&mut s, conns, "GUILD_CREATE", payload);
    }
    sessions.insert(sid, s);
    drop(g);
    inner.sessions_changed.notify_waiters();
    Ok(())
}

/// Resumes session `sid` on connection `conn`, replaying what came after `seq`. Another
/// connection that held the session stops receiving it.
fn resume(inner: &Arc<Inner>, conn: u64, sid: &str, seq: u64) -> bool {
    let mut g = lock(&inner.gateway);
    let GatewayState { conns, sessions, resumes, .. } = &mut *g;
    let Some(s) = sessions.get_mut(sid) else { return false };
    if s.log.front().is_some_and(|(first, _)| *first > seq + 1) {
        return false; // too far behind: what it missed is gone
    }
    let Some(c) = conns.get_mut(&conn) else { return false };
    c.session = Some(sid.to_string());
    if let Some(p) = c.process.clone() {
        s.process = Some(p);
    }
    for (_, frame) in s.log.iter().filter(|(n, _)| *n > seq) {
        let _ = c.tx.send(Out::Text(frame.clone()));
    }
    s.conn = Some(conn);
    s.resumes += 1;
    *resumes += 1;
    push(s, conns, "RESUMED", r#"{"_trace":["fake-discord"]}"#);
    drop(g);
    inner.sessions_changed.notify_waiters();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_versions() {
        assert_eq!(process_of("/moat-2/"), Some("moat-2".into()));
        assert_eq!(process_of("/"), None);
        assert_eq!(version_of("v=10&encoding=json").as_deref(), Some("10"));
        assert_eq!(shard_asked(&serde_json::json!({"shard": [1, 4]})), Some(Some([1, 4])));
        assert_eq!(shard_asked(&serde_json::json!({})), Some(None));
        assert_eq!(shard_asked(&serde_json::json!({"shard": [1]})), None);
        assert_eq!(shard_asked(&serde_json::json!({"shard": [-1, 4]})), None);
    }
}
