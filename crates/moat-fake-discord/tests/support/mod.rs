//! What the fake's own tests share: the real twilight client pointed at a fake, a plain
//! HTTP/1.1 client for calls twilight would not make (bad bodies, OAuth2 forms), and a
//! small capture.

#![allow(dead_code)]

use std::time::Duration;

use moat_fake_discord::rest::iso_from_ms;
use moat_fake_discord::{FakeDiscord, DEFAULT_BOT_ID, DEFAULT_TOKEN};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use twilight_gateway::queue::InMemoryQueue;
use twilight_gateway::{ConfigBuilder, EventTypeFlags, Intents, Shard, ShardId, StreamExt as _};
use twilight_http::Client;
use twilight_model::gateway::event::Event;

/// An HTTP answer: status, headers (lower-case names), body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// One HTTP/1.1 request to `addr` (`127.0.0.1:PORT`), connection closed after it.
pub async fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut tcp = TcpStream::connect(addr).await.expect("the fake listens");
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    tcp.write_all(req.as_bytes()).await.expect("request sent");
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).await.expect("answer read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply { status, headers, body: body.to_string() }
}

/// A bot's JSON call to the API (`/api/v10` is added).
pub async fn bot_call(fake: &FakeDiscord, method: &str, path: &str, body: &str) -> Reply {
    let auth = format!("Bot {DEFAULT_TOKEN}");
    let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
    http(&fake.rest_proxy(), method, &format!("/api/v10{path}"), &headers, body).await
}

pub fn client(fake: &FakeDiscord) -> Client {
    Client::builder()
        .token(DEFAULT_TOKEN.to_string())
        .proxy(fake.rest_proxy(), true)
        .timeout(Duration::from_secs(10))
        .build()
}

/// A shard of `total`, identifying through a queue that does not wait.
pub fn shard(fake: &FakeDiscord, id: u32, total: u32) -> Shard<InMemoryQueue> {
    shard_at(&fake.gateway_url(), id, total, InMemoryQueue::new(0, 1000, Duration::ZERO, 1000))
}

pub fn shard_at(url: &str, id: u32, total: u32, queue: InMemoryQueue) -> Shard<InMemoryQueue> {
    let config = ConfigBuilder::new(DEFAULT_TOKEN.to_string(), Intents::GUILDS | Intents::GUILD_MESSAGES)
        .proxy_url(url.to_string())
        .queue(queue)
        .build();
    Shard::with_config(ShardId::new(id, total), config)
}

/// The next event that is not a heartbeat or hello, within 15 s (an identify may wait 5 s
/// in its queue, longer on a loaded machine); `None` when the shard closed for good.
pub async fn next(shard: &mut Shard<InMemoryQueue>) -> Option<Event> {
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(15), shard.next_event(EventTypeFlags::all()))
            .await
            .expect("an event within 15 s")?;
        match ev {
            Ok(Event::GatewayHello(_) | Event::GatewayHeartbeatAck | Event::GatewayHeartbeat) => {}
            Ok(ev) => return Some(ev),
            Err(_) => {}
        }
    }
}

/// Waits for READY (skipping anything else).
pub async fn ready(shard: &mut Shard<InMemoryQueue>) {
    loop {
        if let Some(Event::Ready(_)) = next(shard).await {
            return;
        }
    }
}

/// The close code the shard was closed with next (skipping other events).
pub async fn close_code(shard: &mut Shard<InMemoryQueue>) -> Option<u16> {
    loop {
        if let Event::GatewayClose(frame) = next(shard).await? {
            return frame.map(|f| f.code);
        }
    }
}

/// 2026-01-01 13:00 UTC, when the test captures happen.
pub const T0: u64 = 1_767_272_400_000;
const EPOCH: u64 = 1_420_070_400_000;
pub const DAY: u64 = 86_400_000;
/// ADMINISTRATOR.
pub const ADMIN: u64 = 1 << 3;

/// A snowflake made at `ms` with counter `n`.
pub fn sf(ms: u64, n: u64) -> u64 {
    ((ms - EPOCH) << 22) | n
}

/// The ids of a test guild: the guild (also its @everyone role), moat's role, a text
/// channel, the owner.
#[derive(Debug, Clone, Copy)]
pub struct Guild {
    pub id: u64,
    pub bot_role: u64,
    pub channel: u64,
    pub owner: u64,
}

impl Guild {
    /// A guild created 400 days and `n` ms before `T0`: guild `n` is on shard
    /// `(n + c) % shards` for a constant `c` ([`shard_of`](moat_fake_discord::gateway::shard_of)).
    pub fn new(n: u64) -> Guild {
        let base = sf(T0 - 400 * DAY - n, 0);
        Guild { id: base, bot_role: base + 1, channel: base + 2, owner: sf(T0 - 900 * DAY, n) }
    }

    /// Its GUILD_CREATE line at `ts`: moat an administrator at the top.
    pub fn create(&self, ts: u64) -> String {
        let role = |id: u64, name: &str, pos: i64, perms: u64| {
            json!({"id": id.to_string(), "name": name, "position": pos, "permissions": perms.to_string(), "managed": false,
                   "color": 0, "hoist": false, "mentionable": false, "flags": 0,
                   "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}})
        };
        let d = json!({
            "id": self.id.to_string(), "name": format!("guild {}", self.id), "owner_id": self.owner.to_string(),
            "verification_level": 1, "roles": [role(self.id, "@everyone", 0, 1024), role(self.bot_role, "moat", 7, ADMIN)],
            "channels": [{"id": self.channel.to_string(), "type": 0, "name": "general", "position": 0, "permission_overwrites": []}],
            "members": [member(DEFAULT_BOT_ID, "moat", &[self.bot_role], T0 - 300 * DAY, true)],
            "joined_at": iso_from_ms(T0 - 300 * DAY), "large": false, "unavailable": false, "member_count": 2,
            "afk_timeout": 300, "default_message_notifications": 0, "explicit_content_filter": 0, "features": [],
            "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0, "preferred_locale": "en-US", "emojis": [], "stickers": [],
            "system_channel_flags": 0, "voice_states": [], "threads": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "premium_progress_bar_enabled": false,
        });
        line(ts, "GUILD_CREATE", d)
    }

    /// `user` joins at `ts`.
    pub fn join(&self, ts: u64, user: u64) -> String {
        let mut d = member(user, "newcomer", &[], ts, false);
        d["guild_id"] = self.id.to_string().into();
        line(ts, "GUILD_MEMBER_ADD", d)
    }

    /// `author` says `content` at `ts` (message counter `n`).
    pub fn say(&self, ts: u64, n: u64, author: u64, content: &str) -> String {
        let m = member(author, "someone", &[], T0 - 30 * DAY, false);
        let d = json!({
            "id": sf(ts, n).to_string(), "channel_id": self.channel.to_string(), "guild_id": self.id.to_string(),
            "author": m["user"], "member": {"roles": [], "joined_at": m["joined_at"], "deaf": false, "mute": false, "flags": 0},
            "content": content, "timestamp": iso_from_ms(ts), "edited_timestamp": null, "tts": false,
            "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": false, "type": 0, "flags": 0,
        });
        line(ts, "MESSAGE_CREATE", d)
    }
}

fn line(ts: u64, t: &str, d: Value) -> String {
    json!({"ts": ts, "t": t, "d": d}).to_string()
}

fn member(id: u64, name: &str, roles: &[u64], joined: u64, bot: bool) -> Value {
    json!({"user": {"id": id.to_string(), "username": name, "discriminator": "0", "global_name": null, "avatar": null, "bot": bot},
           "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(), "joined_at": iso_from_ms(joined),
           "deaf": false, "mute": false, "flags": 0, "pending": false, "communication_disabled_until": null})
}

/// A guild and `n` chat messages, one a second from `T0`, by a member made 400 days ago.
pub fn chat(g: &Guild, n: u64) -> String {
    let author = sf(T0 - 400 * DAY, 7);
    let mut lines = vec![g.create(T0)];
    lines.extend((0..n).map(|i| g.say(T0 + 1_000 * (i + 1), i + 1, author, &format!("message {i}"))));
    lines.join("\n") + "\n"
}

/// Discord's error code and HTTP status in a twilight error (`None` if it was not an answer).
pub fn api_error(e: &twilight_http::Error) -> Option<(u16, u64)> {
    match e.kind() {
        twilight_http::error::ErrorType::Response { body, status, .. } => {
            let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            Some((status.get(), v["code"].as_u64().unwrap_or(0)))
        }
        _ => None,
    }
}

/// A bare gateway client: connects to `url` (`ws://…/?v=10…`), waits for HELLO, sends each
/// payload, and returns the close code the fake closes with (`None`: no close within 5 s).
pub async fn raw_gateway(url: &str, payloads: &[String]) -> Option<u16> {
    use futures_util::{SinkExt, StreamExt};
    let (mut ws, _) = tokio_websockets::ClientBuilder::new().uri(url).ok()?.connect().await.ok()?;
    let hello = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.ok()??.ok()?;
    if let Some((code, _)) = hello.as_close() {
        return Some(code.into());
    }
    for p in payloads {
        ws.send(tokio_websockets::Message::text(p.clone())).await.ok()?;
    }
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.ok()??.ok()?;
        if let Some((code, _)) = m.as_close() {
            return Some(code.into());
        }
    }
}

/// An IDENTIFY payload.
pub fn identify(token: &str, shard: Value, intents: u64) -> String {
    json!({"op": 2, "d": {"token": token, "intents": intents, "shard": shard,
                          "properties": {"os": "linux", "browser": "test", "device": "test"}}})
    .to_string()
}
