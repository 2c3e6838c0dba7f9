//! Gateway v10, JSON over websocket, as the real twilight shard expects it.
//!
//! A session outlives its connection: dispatches sent while a shard is disconnected are
//! kept in the session's log and replayed on RESUME, which is exactly what moat relies on
//! to lose no event in the middle of a raid. READY points `resume_gateway_url` back at this
//! server (twilight resumes there, not at its configured proxy URL).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_websockets::{CloseCode, Limits, Message, ServerBuilder};

use crate::{lock, Inner};

/// Frames a session keeps for RESUME.
const LOG_KEEP: usize = 200_000;

/// What a connection task is told to do.
pub(crate) enum Out {
    Text(Arc<str>),
    /// Close the socket without a close frame, as a failing network would.
    Drop,
    /// Close with this code (e.g. 4004 authentication failed).
    Close(u16),
}

/// One gateway session (what RESUME resumes).
pub struct Session {
    pub id: String,
    pub shard: [u32; 2],
    pub seq: u64,
    log: VecDeque<(u64, Arc<str>)>,
    /// When each dispatch left, indexed by `seq - 1`.
    sent: Vec<Instant>,
    conn: Option<u64>,
}

struct Conn {
    tx: mpsc::UnboundedSender<Out>,
    session: Option<String>,
}

/// Sessions and connections, plus counters for tests.
#[derive(Default)]
pub struct GatewayState {
    sessions: HashMap<String, Session>,
    conns: HashMap<u64, Conn>,
    next_conn: u64,
    next_session: u64,
    pub identifies: u64,
    pub resumes: u64,
}

/// The shard a guild belongs to, as Discord computes it.
pub fn shard_of(guild_id: u64, total: u32) -> u32 {
    ((guild_id >> 22) % u64::from(total.max(1))) as u32
}

fn push(s: &mut Session, conns: &HashMap<u64, Conn>, t: &str, d: &str) {
    s.seq += 1;
    let frame: Arc<str> = format!(r#"{{"op":0,"s":{},"t":"{}","d":{}}}"#, s.seq, t, d).into();
    if s.log.len() >= LOG_KEEP {
        s.log.pop_front();
    }
    s.log.push_back((s.seq, frame.clone()));
    s.sent.push(Instant::now());
    if let Some(c) = s.conn.and_then(|c| conns.get(&c)) {
        let _ = c.tx.send(Out::Text(frame));
    }
}

pub(crate) fn dispatch(inner: &Inner, t: &str, d: &str, guild_id: Option<u64>) -> usize {
    let mut g = lock(&inner.gateway);
    let GatewayState { sessions, conns, .. } = &mut *g;
    let mut n = 0;
    for s in sessions.values_mut() {
        let mine = match guild_id {
            Some(gid) => shard_of(gid, s.shard[1]) == s.shard[0],
            None => s.shard[0] == 0,
        };
        if mine {
            push(s, conns, t, d);
            n += 1;
        }
    }
    n
}

pub(crate) fn ready_sessions(inner: &Inner) -> usize {
    lock(&inner.gateway).sessions.values().filter(|s| s.conn.is_some()).count()
}

pub(crate) fn sent_at(inner: &Inner, shard: u32, seq: u64) -> Option<Instant> {
    let g = lock(&inner.gateway);
    g.sessions
        .values()
        .filter(|s| s.shard[0] == shard)
        .filter_map(|s| s.sent.get(seq.checked_sub(1)? as usize).copied())
        .max()
}

pub(crate) fn drop_all(inner: &Inner) {
    for c in lock(&inner.gateway).conns.values() {
        let _ = c.tx.send(Out::Drop);
    }
}

pub(crate) fn send_op(inner: &Inner, op: u8, d: &str) {
    let frame: Arc<str> = format!(r#"{{"op":{op},"d":{d}}}"#).into();
    for c in lock(&inner.gateway).conns.values() {
        let _ = c.tx.send(Out::Text(frame.clone()));
    }
}

pub(crate) fn invalidate(inner: &Inner, resumable: bool) {
    let mut g = lock(&inner.gateway);
    if !resumable {
        g.sessions.clear();
    }
    let frame: Arc<str> = format!(r#"{{"op":9,"d":{resumable}}}"#).into();
    for c in g.conns.values_mut() {
        let _ = c.tx.send(Out::Text(frame.clone()));
        if !resumable {
            c.session = None;
        }
    }
}

/// Accepts websocket connections until the fake is dropped.
pub(crate) async fn serve(inner: Arc<Inner>, listener: TcpListener) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let _ = tcp.set_nodelay(true);
        tokio::spawn(connection(inner.clone(), tcp));
    }
}

async fn connection(inner: Arc<Inner>, tcp: TcpStream) {
    let Ok((_req, ws)) = ServerBuilder::new().limits(Limits::unlimited()).accept(tcp).await else { return };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let id = {
        let mut g = lock(&inner.gateway);
        g.next_conn += 1;
        let id = g.next_conn;
        g.conns.insert(id, Conn { tx: tx.clone(), session: None });
        id
    };
    let hello = format!(r#"{{"op":10,"d":{{"heartbeat_interval":{}}}}}"#, inner.opts.heartbeat_interval_ms);
    let _ = tx.send(Out::Text(hello.into()));
    loop {
        tokio::select! {
            msg = stream.next() => match msg {
                Some(Ok(m)) if m.is_text() => {
                    if let Some(text) = m.as_text() {
                        on_text(&inner, id, &tx, text);
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
                    let code = CloseCode::try_from(code).unwrap_or(CloseCode::POLICY_VIOLATION);
                    let _ = sink.send(Message::close(Some(code), "")).await;
                    break;
                }
                Some(Out::Drop) | None => break,
            },
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
    t.strip_prefix("Bot ").unwrap_or(t) == inner.opts.token
}

fn on_text(inner: &Arc<Inner>, conn: u64, tx: &mpsc::UnboundedSender<Out>, text: &str) {
    let Ok(v) = serde_json::from_str::<Value>(text) else { return };
    let d = v.get("d").cloned().unwrap_or(Value::Null);
    match v.get("op").and_then(Value::as_u64) {
        Some(1) => {
            let _ = tx.send(Out::Text(r#"{"op":11,"d":null}"#.into()));
        }
        Some(2) => {
            if !token_ok(inner, &d) {
                let _ = tx.send(Out::Close(4004));
                return;
            }
            let shard = d
                .get("shard")
                .and_then(Value::as_array)
                .and_then(|a| Some([a.first()?.as_u64()? as u32, a.get(1)?.as_u64()? as u32]))
                .filter(|s| s[1] > 0 && s[0] < s[1])
                .unwrap_or([0, 1]);
            identify(inner, conn, shard);
        }
        Some(6) => {
            let sid = d.get("session_id").and_then(Value::as_str).unwrap_or("").to_string();
            let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
            if !token_ok(inner, &d) || !resume(inner, conn, &sid, seq) {
                let _ = tx.send(Out::Text(r#"{"op":9,"d":false}"#.into()));
            }
        }
        _ => {}
    }
}

fn identify(inner: &Arc<Inner>, conn: u64, shard: [u32; 2]) {
    let guilds: Vec<(u64, String)> = {
        let w = lock(&inner.world);
        w.guilds
            .values()
            .filter(|g| shard_of(g.id, shard[1]) == shard[0])
            .map(|g| (g.id, g.create_payload(w.bot_user_id)))
            .collect()
    };
    let mut g = lock(&inner.gateway);
    g.identifies += 1;
    g.next_session += 1;
    let sid = format!("fake-session-{}", g.next_session);
    let bot = inner.opts.bot_user_id;
    let ready = serde_json::json!({
        "v": 10,
        "user": {"id": bot.to_string(), "username": "moat", "discriminator": "0", "avatar": null, "bot": true, "mfa_enabled": false},
        "guilds": guilds.iter().map(|(id, _)| serde_json::json!({"id": id.to_string(), "unavailable": true})).collect::<Vec<_>>(),
        "session_id": sid,
        "resume_gateway_url": inner.gateway_url,
        "shard": shard,
        "application": {"id": inner.opts.application_id.to_string(), "flags": 0},
    });
    let mut s = Session { id: sid.clone(), shard, seq: 0, log: VecDeque::new(), sent: Vec::new(), conn: Some(conn) };
    let GatewayState { conns, sessions, .. } = &mut *g;
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
}

fn resume(inner: &Arc<Inner>, conn: u64, sid: &str, seq: u64) -> bool {
    let mut g = lock(&inner.gateway);
    let GatewayState { conns, sessions, resumes, .. } = &mut *g;
    let Some(s) = sessions.get_mut(sid) else { return false };
    if s.log.front().is_some_and(|(first, _)| *first > seq + 1) {
        return false; // too far behind: what it missed is gone
    }
    let Some(c) = conns.get_mut(&conn) else { return false };
    c.session = Some(sid.to_string());
    for (_, frame) in s.log.iter().filter(|(n, _)| *n > seq) {
        let _ = c.tx.send(Out::Text(frame.clone()));
    }
    s.conn = Some(conn);
    *resumes += 1;
    push(s, conns, "RESUMED", r#"{"_trace":["fake-discord"]}"#);
    drop(g);
    inner.sessions_changed.notify_waiters();
    true
}
