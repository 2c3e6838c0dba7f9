//! Gateway v10, JSON over websocket, as the real twilight shard expects it.
//!
//! A session outlives its connection: dispatches sent while a shard is disconnected are
//! kept in the session's log and replayed on RESUME, by whichever connection resumes it
//! (another process taking over a shard resumes with the session id and sequence). READY
//! points `resume_gateway_url` back at this server (twilight resumes there, not at its
//! configured proxy URL). Many sessions may hold the same shard at once, as during a
//! hand-over; each gets the shard's dispatches.
//!
//! Sessions are sharded as on Discord: a guild's events go to the sessions of shard
//! `(guild_id >> 22) % num_shards`. Identifies follow Discord's rules ([`limits`]).
//! A connection names its process by the path it connects to (`ws://HOST:PORT/NAME`, which
//! twilight keeps when it appends `/?v=10&encoding=json`), or by IDENTIFY's
//! `properties.device`; the summary shows each session's process.

mod conn;
pub mod limits;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

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
    /// The process that identified it, and the one that holds it now.
    pub process: Option<String>,
    log: VecDeque<(u64, Arc<str>)>,
    /// When each dispatch left, indexed by `seq - 1`.
    sent: Vec<Instant>,
    conn: Option<u64>,
    pub resumes: u32,
}

pub(crate) struct Conn {
    tx: mpsc::UnboundedSender<Out>,
    session: Option<String>,
    /// From the path the connection was made to.
    process: Option<String>,
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
    /// Connections closed by the fake, by close code.
    pub closes: Vec<u16>,
    pub(crate) limits: limits::Identifies,
}

/// A session as the summary and tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub shard: [u32; 2],
    pub process: Option<String>,
    pub connected: bool,
    pub seq: u64,
    pub resumes: u32,
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
    if t == "INTERACTION_CREATE" {
        if let Ok(v) = serde_json::from_str::<Value>(d) {
            lock(&inner.interactions).sent(&v, inner.now_ms());
        }
    }
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

/// What `GET /gateway/bot` answers.
pub(crate) fn gateway_bot(inner: &Inner, guilds: usize) -> Value {
    let rules = &inner.opts.gateway;
    let (remaining, reset_after) = lock(&inner.gateway).limits.remaining(rules, Instant::now());
    let shards = rules.shards.max(guilds.div_ceil(1000) as u32).max(1);
    json!({
        "url": inner.gateway_url, "shards": shards,
        "session_start_limit": {"total": rules.daily_identifies, "remaining": remaining,
                                "reset_after": reset_after, "max_concurrency": rules.max_concurrency.max(1)},
    })
}

pub(crate) fn ready_sessions(inner: &Inner) -> usize {
    lock(&inner.gateway).sessions.values().filter(|s| s.conn.is_some()).count()
}

pub(crate) fn sessions(inner: &Inner) -> Vec<SessionInfo> {
    let g = lock(&inner.gateway);
    let mut v: Vec<SessionInfo> = g
        .sessions
        .values()
        .map(|s| SessionInfo {
            id: s.id.clone(),
            shard: s.shard,
            process: s.process.clone(),
            connected: s.conn.is_some(),
            seq: s.seq,
            resumes: s.resumes,
        })
        .collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
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

/// Closes every connection with `code`.
pub(crate) fn close_all(inner: &Inner, code: u16) {
    for c in lock(&inner.gateway).conns.values() {
        let _ = c.tx.send(Out::Close(code));
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
        tokio::spawn(conn::connection(inner.clone(), tcp));
    }
}
