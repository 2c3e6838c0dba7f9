//! What the cluster's end-to-end tests share: NATS or a clear skip, a fake Discord with many
//! guilds over 16 shards, `moat run --cluster` child processes (so `kill -9` is real), and
//! reading the fake's record of calls.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use moat_cluster::{Cluster, ClusterSettings};
use moat_fake_discord::{Call, FakeDiscord, Options, Pace, DEFAULT_TOKEN};
use moat_testkit::fixture::{snowflake, BOT_ID};
use moat_testkit::payload::{self, perms};
use serde_json::Value;

pub const DAY: u64 = 86_400_000;
pub const SECRET: &str = "a-test-secret-of-some-length";

/// The NATS URL, or `None` after printing why the test is skipped (CI=true: a failure).
pub fn nats_or_skip(test: &str) -> Option<String> {
    let url = std::env::var("MOAT_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let addr = url.trim_start_matches("nats://").to_string();
    let up =
        addr.parse().ok().is_some_and(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(1)).is_ok());
    if up {
        return Some(url);
    }
    let reason = format!("{test}: no NATS (JetStream) at {url}; start one with `docker compose up -d`");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{reason} (CI=true: services are required)");
    }
    println!("SKIPPED: {reason}");
    None
}

/// A unique cluster name, so tests (and runs) never share buckets.
pub fn cluster_name(tag: &str) -> String {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    format!("e2e{tag}{}x{t}", std::process::id())
}

/// One test guild: ids, and its moderators' channel.
#[derive(Debug, Clone, Copy)]
pub struct G {
    pub id: u64,
    pub mod_log: u64,
}

/// `n` guilds spread evenly over the shards (a guild's shard is its creation ms mod 16).
pub fn guilds(n: u64, now: u64) -> Vec<G> {
    let base = now - 400 * DAY;
    (0..n).map(|i| G { id: snowflake(base + i, 0), mod_log: snowflake(base + i, 3) }).collect()
}

/// The GUILD_CREATE lines of `guilds`: moat an administrator, a #general and a #mod-log.
pub fn creates(guilds: &[G], now: u64) -> String {
    let mut out = String::new();
    for g in guilds {
        let bot_role_id = g.id + 1;
        let mut bot_role = payload::role(bot_role_id, "moat", perms::ADMINISTRATOR, 7);
        bot_role["managed"] = true.into();
        let roles = vec![payload::role(g.id, "@everyone", perms::MEMBER, 0), bot_role];
        let channels = vec![payload::channel(g.id + 2, "general", 0), payload::channel(g.mod_log, "mod-log", 1)];
        let mut bot = payload::user(BOT_ID, "moat", true);
        bot["bot"] = true.into();
        let members = vec![payload::member(bot, &[bot_role_id], now - 300 * DAY)];
        let d = payload::guild_create(g.id, "Garden", snowflake(now - 900 * DAY, 1), roles, channels, members, now);
        out.push_str(&payload::line(now, "GUILD_CREATE", d));
        out.push('\n');
    }
    out
}

/// A join line: `user` (created `age` ago, with or without an avatar) joins `g`.
pub fn join(g: &G, user: u64, name: &str, avatar: bool, at: u64) -> String {
    payload::line(at, "GUILD_MEMBER_ADD", payload::member_add(g.id, payload::user(user, name, avatar), at))
}

/// A message line in `g`'s #general.
pub fn say(g: &G, id: u64, author: u64, name: &str, joined: u64, content: &str, at: u64) -> String {
    let m = payload::Msg {
        id,
        guild: g.id,
        channel: g.id + 2,
        author,
        author_name: name,
        author_avatar: true,
        joined,
        content,
        at,
        ..Default::default()
    };
    payload::line(at, "MESSAGE_CREATE", payload::message(&m))
}

/// A fake Discord shaped like a bot with 16 shards in buckets of 4, Discord's 5 s identify
/// spacing per bucket and 50 requests/s.
pub async fn fake() -> FakeDiscord {
    let mut o = Options::default();
    o.gateway.shards = 16;
    o.gateway.max_concurrency = 4;
    o.gateway.identify_interval_ms = 5_000;
    FakeDiscord::start(o).await.expect("the fake starts")
}

/// The test's scratch directory.
pub fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("moat-{tag}-{}", cluster_name("")));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The config file every process of the test reads.
pub fn config(dir: &Path, name: &str, lease_secs: u32) -> PathBuf {
    let p = dir.join("moat.toml");
    let text = format!(
        "[cluster]\nname = \"{name}\"\nlease_secs = {lease_secs}\npartitions = 4\n\n[scraper]\nmin_guilds = 5\nwindow_hours = 6\n"
    );
    std::fs::write(&p, text).unwrap();
    p
}

/// One `moat run --cluster` child, its stderr in `dir/pN.log`.
pub struct Proc {
    pub child: Child,
    pub log: PathBuf,
}

impl Proc {
    pub fn start(n: usize, dir: &Path, cfg: &Path, nats: &str, fake: &FakeDiscord) -> Proc {
        let log = dir.join(format!("p{n}.log"));
        let err = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_moat"))
            .args(["run", "--cluster", nats, "--config"])
            .arg(cfg)
            .args(["--gateway-url", &fake.gateway_url(), "--rest-proxy", &fake.rest_proxy(), "--database"])
            .arg(dir.join(format!("p{n}.db")))
            .env("DISCORD_TOKEN", DEFAULT_TOKEN)
            .env("MOAT_CLUSTER_SECRET", SECRET)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .expect("moat starts");
        Proc { child, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A clean stop (SIGTERM / Ctrl-C), waiting for the process to end.
    pub fn stop(&mut self) {
        let _ = Command::new("kill").args(["-INT", &self.pid().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.kill();
    }

    pub fn tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An observer's view of the cluster (it holds no lease).
pub async fn observer(nats: &str, name: &str) -> Cluster {
    let s = ClusterSettings { name: name.into(), ..Default::default() };
    Cluster::connect(nats, &s, Some("e2e-observer".into())).await.expect("NATS")
}

/// Which process (by pid) holds each of the 4 shard groups, once every group is held and
/// every process holds one (`None` on timeout).
pub async fn settled(obs: &Cluster, procs: usize, limit: Duration) -> Option<Vec<u32>> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(s) = moat_cluster::status::read(obs, 4).await {
            let groups: Vec<Option<u32>> = (0..4)
                .map(|g| s.leases.iter().find(|l| l.kind == "leases" && l.unit == g).and_then(|l| pid_of(&l.member)))
                .collect();
            let holders: std::collections::BTreeSet<u32> = groups.iter().flatten().copied().collect();
            if groups.iter().all(Option::is_some) && holders.len() == procs {
                return Some(groups.into_iter().flatten().collect());
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}

/// A member name is `m{pid}-{n}`.
pub fn pid_of(member: &str) -> Option<u32> {
    member.strip_prefix('m')?.split('-').next()?.parse().ok()
}

/// Waits until the fake has seen no call and no session change for `quiet`.
pub async fn quiet(fake: &FakeDiscord, quiet: Duration, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut last = (usize::MAX, (0, 0));
    let mut since = Instant::now();
    while Instant::now() < deadline {
        let now = (fake.calls().len(), fake.gateway_counts());
        if now != last {
            last = now;
            since = Instant::now();
        } else if since.elapsed() >= quiet {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// Whether a call posted or edited a message in `channel` that names `user`.
pub fn tells(c: &Call, channel: u64, user: u64) -> bool {
    c.path.starts_with(&format!("/channels/{channel}/messages")) && c.body.contains(&user.to_string())
}

/// The most calls any one second (a sliding window) held.
pub fn max_per_second(calls: &[Call]) -> usize {
    let mut at: Vec<Instant> = calls.iter().map(|c| c.at).collect();
    at.sort();
    let mut best = 0;
    let mut lo = 0;
    for hi in 0..at.len() {
        while at[hi].duration_since(at[lo]) >= Duration::from_secs(1) {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

/// Plays lines as fast as the sockets take them.
pub async fn play(fake: &FakeDiscord, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    fake.play(&text, Pace::Fast).await;
}

/// The JSON of a call's body, for bulk bans.
pub fn body(c: &Call) -> Value {
    c.json()
}

/// What the busiest second held: `METHOD /path-shape (process)` counts, for a failing test.
pub fn busiest(calls: &[Call]) -> Vec<(String, usize)> {
    let mut sorted: Vec<&Call> = calls.iter().collect();
    sorted.sort_by_key(|c| c.at);
    let (mut best, mut lo, mut at) = (0, 0, (0, 0));
    for hi in 0..sorted.len() {
        while sorted[hi].at.duration_since(sorted[lo].at) >= Duration::from_secs(1) {
            lo += 1;
        }
        if hi - lo + 1 > best {
            best = hi - lo + 1;
            at = (lo, hi);
        }
    }
    let mut m: std::collections::BTreeMap<String, usize> = Default::default();
    for c in &sorted[at.0..=at.1.min(sorted.len().saturating_sub(1))] {
        let shape: String = c
            .path
            .split('/')
            .map(|p| if p.chars().all(|c| c.is_ascii_digit()) { "N" } else { p })
            .collect::<Vec<_>>()
            .join("/");
        *m.entry(format!("{} {shape} {:?} {}", c.method, c.process, c.status)).or_default() += 1;
    }
    m.into_iter().collect()
}
