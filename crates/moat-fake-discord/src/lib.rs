//! A fake Discord that the real twilight client talks to on loopback, and that holds a bot
//! to the real Discord's rules.
//!
//! moat cannot reach Discord from its tests, its CI or `moat demo`, yet the path from a
//! gateway event to a REST call is where a guard fails in real life: a missed RESUME, a
//! rate-limit loop, a bulk call Discord would refuse, an interaction answered too late. So
//! this crate plays Discord's side of both protocols closely enough for the *real*
//! `twilight-gateway` shard and `twilight-http` client to run unmodified against it:
//!
//! - [`gateway`]: gateway v10, JSON over websocket (HELLO, IDENTIFY, READY with
//!   `resume_gateway_url` pointing back here, heartbeats, RESUME replaying what a dropped
//!   connection missed, by any connection, op 7 and op 9), sharded by guild, with Discord's
//!   identify buckets, daily session starts and close codes;
//! - [`rest`]: the endpoints moat uses under `/api/v10`, with Discord's validation,
//!   permission checks, and rate limits with real `X-RateLimit-*` headers and 429s, plus
//!   OAuth2 ([`oauth`]) for a dashboard;
//! - [`spec`]: Discord's own OpenAPI spec, every call checked against it;
//! - [`interactions`], [`invalid`]: what no spec says: the 3 s interaction deadline and
//!   15 min follow-ups, and the ban for too many 401/403/429 answers;
//! - [`state`]: the guilds as Discord would hold them (members, roles, channels,
//!   messages, bans, timeouts, verification level, incident actions, AutoMod rules, commands);
//! - [`player`] and [`rebase`]: play a capture, paced by its timestamps, sped up, as fast as
//!   the bot keeps up, moved to now, or as many guilds;
//! - [`record`] and [`summary`]: every REST call, for assertions and `moat demo --json`.
//!
//! Everything listens on 127.0.0.1; nothing else is ever bound. Times that Discord's rules
//! measure (deadlines, windows, token lifetimes) are on the fake's clock: the capture's
//! virtual time while one plays, else the wall clock ([`FakeDiscord::clock`]).

#![recursion_limit = "256"]

pub mod faults;
pub mod gateway;
pub mod interactions;
pub mod invalid;
pub mod oauth;
pub mod options;
pub mod player;
pub mod ratelimit;
pub mod rebase;
pub mod record;
pub mod rest;
pub mod spec;
pub mod state;
pub mod summary;

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub use faults::Faults;
pub use gateway::SessionInfo;
pub use interactions::{AnswerKind, InteractionAnswer, InteractionRecord, SlashCommand};
pub use invalid::InvalidCount;
pub use oauth::{OAuthGuild, OAuthOptions, OAuthUser};
pub use options::{
    BanAnswer, CommandRules, GatewayRules, InteractionRules, InvalidRequestRules, Options, SpecMode, DEFAULT_BOT_ID,
    DEFAULT_TOKEN,
};
pub use player::{Pace, Play, PlayReport};
pub use ratelimit::RateLimits;
pub use rebase::IdMap;
pub use record::Call;
pub use state::World;

/// What every task of the fake shares.
pub(crate) struct Inner {
    pub opts: Options,
    pub world: Mutex<World>,
    pub calls: Mutex<Vec<Call>>,
    pub faults: Mutex<Faults>,
    pub gateway: Mutex<gateway::GatewayState>,
    pub limiter: Mutex<ratelimit::Limiter>,
    pub interactions: Mutex<interactions::Interactions>,
    pub invalid: Mutex<invalid::InvalidRequests>,
    pub oauth: Mutex<oauth::OAuthState>,
    /// Virtual time (unix ms) set by the player; 0 means "use the wall clock".
    pub clock: Arc<AtomicU64>,
    /// Whether the player moves `clock` (off: Discord's checks use the wall clock).
    pub virtual_clock: AtomicBool,
    /// Set when the bot went past its daily session starts: Discord reset its token.
    pub token_reset: AtomicBool,
    pub started: Instant,
    pub gateway_url: String,
    /// Woken when a session identifies or resumes.
    pub sessions_changed: Notify,
}

impl Inner {
    /// The time Discord believes it is: the capture's time while one plays, else the wall clock.
    pub fn now_ms(&self) -> u64 {
        match self.clock.load(Ordering::Relaxed) {
            0 => wall_ms(),
            t => t,
        }
    }

    pub fn token_reset(&self) -> bool {
        self.token_reset.load(Ordering::Acquire)
    }

    pub fn reset_token(&self) {
        self.token_reset.store(true, Ordering::Release);
    }
}

/// Locks a mutex, recovering from a poisoned one (a panicking test must not cascade).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// A running fake Discord. Dropping it stops its servers.
pub struct FakeDiscord {
    inner: Arc<Inner>,
    gateway_addr: SocketAddr,
    rest_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        gateway::drop_all(&self.inner);
        if std::env::var_os(SPEC_REPORT_ENV).is_some() {
            self.report_violations();
        }
    }
}

/// When set, a fake prints the distinct spec violations of its calls to stderr as it stops
/// (`FAKE_DISCORD_SPEC_REPORT=1 cargo test …` lists what a whole suite sends wrong).
pub const SPEC_REPORT_ENV: &str = "FAKE_DISCORD_SPEC_REPORT";

impl FakeDiscord {
    /// Starts the gateway and REST servers on 127.0.0.1 (on the ports the options name, or
    /// free ones).
    pub async fn start(opts: Options) -> std::io::Result<FakeDiscord> {
        let gw = TcpListener::bind(("127.0.0.1", opts.gateway_port)).await?;
        let rest = TcpListener::bind(("127.0.0.1", opts.rest_port)).await?;
        let gateway_addr = gw.local_addr()?;
        let rest_addr = rest.local_addr()?;
        let inner = Arc::new(Inner {
            world: Mutex::new(World::new(opts.bot_user_id)),
            calls: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::default()),
            gateway: Mutex::new(gateway::GatewayState::default()),
            limiter: Mutex::new(ratelimit::Limiter::new(opts.rate_limits.clone())),
            interactions: Mutex::new(interactions::Interactions::default()),
            invalid: Mutex::new(invalid::InvalidRequests::new(opts.invalid_requests.clone())),
            oauth: Mutex::new(oauth::OAuthState::default()),
            clock: Arc::new(AtomicU64::new(0)),
            virtual_clock: AtomicBool::new(true),
            token_reset: AtomicBool::new(false),
            started: Instant::now(),
            gateway_url: format!("ws://{gateway_addr}"),
            sessions_changed: Notify::new(),
            opts,
        });
        let tasks =
            vec![tokio::spawn(gateway::serve(inner.clone(), gw)), tokio::spawn(rest::serve(inner.clone(), rest))];
        Ok(FakeDiscord { inner, gateway_addr, rest_addr, tasks })
    }

    /// `ws://127.0.0.1:PORT`, for twilight's `ConfigBuilder::proxy_url`.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.gateway_addr)
    }

    /// `127.0.0.1:PORT`, for twilight-http's `ClientBuilder::proxy(_, true)`.
    pub fn rest_proxy(&self) -> String {
        self.rest_addr.to_string()
    }

    /// `http://127.0.0.1:PORT`: where `/api/v10`, `/oauth2/authorize` and `/api/oauth2/token`
    /// live (a dashboard's "Discord base URL").
    pub fn rest_url(&self) -> String {
        format!("http://{}", self.rest_addr)
    }

    pub fn options(&self) -> &Options {
        &self.inner.opts
    }

    /// The virtual clock (unix ms; 0 = wall clock) the player moves; a bot in demo mode reads it.
    pub fn clock(&self) -> Arc<AtomicU64> {
        self.inner.clock.clone()
    }

    /// The time on the fake's clock (unix ms).
    pub fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }

    /// Moves the fake's clock on by `ms` (from the wall clock's now if it was on the wall
    /// clock): how a test lets a deadline pass without waiting for it.
    pub fn advance_clock(&self, ms: u64) {
        let now = self.inner.now_ms();
        self.inner.clock.store(now + ms, Ordering::Release);
    }

    /// Keeps the wall clock for Discord's own checks (14 days, 24 h, 28 days) while a capture
    /// plays: for a bot that runs on the wall clock, like `moat run`.
    pub fn use_wall_clock(&self) {
        self.inner.virtual_clock.store(false, Ordering::Release);
        self.inner.clock.store(0, Ordering::Release);
    }

    /// When the fake started (for call times, which are relative to it).
    pub fn started(&self) -> Instant {
        self.inner.started
    }

    /// Read or change the guilds' state.
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.inner.world)
    }

    /// Every REST call so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.inner.calls).clone()
    }

    /// Forgets the recorded calls (state stays).
    pub fn clear_calls(&self) {
        lock(&self.inner.calls).clear();
    }

    /// The calls Discord's OpenAPI spec rejects, with what is wrong with each.
    pub fn spec_violations(&self) -> Vec<Call> {
        lock(&self.inner.calls).iter().filter(|c| !c.violations.is_empty()).cloned().collect()
    }

    /// Panics, listing them, if any call so far broke Discord's OpenAPI spec.
    pub fn assert_spec_clean(&self) {
        let bad = self.spec_violations();
        if !bad.is_empty() {
            let list: Vec<String> = bad.iter().take(20).map(Call::describe_violations).collect();
            panic!("{} of the REST calls break Discord's OpenAPI spec:\n{}", bad.len(), list.join("\n"));
        }
    }

    /// Prints each distinct violation (route template and message) once, with its count.
    fn report_violations(&self) {
        let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
        for c in self.spec_violations() {
            let path: Vec<&str> = c
                .path
                .split('/')
                .map(|s| if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() { ":id" } else { s })
                .collect();
            for v in &c.violations {
                *seen.entry(format!("{} {}: {v}", c.method, path.join("/"))).or_default() += 1;
            }
        }
        // A report asked for (SPEC_REPORT_ENV), not a log: straight to stderr, where a test
        // run shows it even for a passing test (the harness captures `eprintln!`).
        let mut err = std::io::stderr().lock();
        for (v, n) in seen {
            let _ = writeln!(err, "fake-discord spec violation ({n}x): {v}");
        }
    }

    /// Faults to inject into REST answers.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.inner.faults)
    }

    /// Rate-limit counters (429s served, requests that ignored a limit).
    pub fn limiter(&self) -> MutexGuard<'_, ratelimit::Limiter> {
        lock(&self.inner.limiter)
    }

    /// The invalid-request count (401, 403, 429 answers) in the current window, and the ban.
    pub fn invalid_requests(&self) -> InvalidCount {
        let now = self.inner.now_ms();
        lock(&self.inner.invalid).count(now)
    }

    /// Sends one dispatch (`t`, raw JSON `d`) to every session whose shard holds `guild_id`
    /// (shard 0 when there is none). Returns how many sessions it went to.
    pub fn dispatch(&self, t: &str, d: &str, guild_id: Option<u64>) -> usize {
        gateway::dispatch(&self.inner, t, d, guild_id)
    }

    /// Makes a member run a slash command: sends its INTERACTION_CREATE to the guild's shard
    /// and starts the 3 s deadline. Returns the interaction's id.
    pub fn send_command(&self, cmd: &SlashCommand) -> u64 {
        let now = self.inner.now_ms();
        let (id, _, d) = cmd.payload(&mut self.world(), self.inner.opts.application_id, now);
        self.dispatch("INTERACTION_CREATE", &d.to_string(), Some(cmd.guild_id));
        id
    }

    /// Runs `/moat LINE` (e.g. `raid ban`, `silence user:123 minutes:15`) as `user` with
    /// `permissions`, built from the command the bot registered. `None` if `/moat` is not
    /// registered or the line does not fit its definition.
    pub fn run_moat(&self, guild: u64, user: u64, permissions: u64, line: &str) -> Option<u64> {
        let options = {
            let w = self.world();
            let def = w
                .global_commands
                .iter()
                .chain(w.guilds.get(&guild).map(|g| g.commands.iter()).into_iter().flatten())
                .find(|c| c.get("name").and_then(serde_json::Value::as_str) == Some("moat"))?
                .clone();
            interactions::options_from_line(&def, line)?
        };
        Some(self.send_command(&SlashCommand::moat(guild, user, permissions, options)))
    }

    /// What happened to an interaction the fake sent.
    pub fn interaction(&self, id: u64) -> Option<InteractionRecord> {
        lock(&self.inner.interactions).get(id).cloned()
    }

    /// Every interaction sent so far, in order.
    pub fn interactions(&self) -> Vec<InteractionRecord> {
        lock(&self.inner.interactions).all()
    }

    /// Waits (up to `timeout` of wall time) until interaction `id` has `n` answers.
    pub async fn wait_answers(&self, id: u64, n: usize, timeout: Duration) -> Option<InteractionRecord> {
        let deadline = Instant::now() + timeout;
        loop {
            let rec = self.interaction(id);
            if rec.as_ref().is_some_and(|r| r.answers.len() >= n) {
                return rec;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return rec;
            }
            tokio::time::sleep(left.min(Duration::from_millis(10))).await;
        }
    }

    /// Plays a capture (its text, one JSON object a line); see [`player`].
    pub async fn play(&self, capture: &str, pace: Pace) -> PlayReport {
        player::play_with(&self.inner, capture, Play::new(pace)).await
    }

    /// Plays a capture re-based or as many guilds; see [`Play`].
    pub async fn play_with(&self, capture: &str, play: Play) -> PlayReport {
        player::play_with(&self.inner, capture, play).await
    }

    /// Waits until at least `n` sessions have identified (or resumed), up to `timeout`.
    pub async fn wait_sessions(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.inner.sessions_changed.notified();
            if gateway::ready_sessions(&self.inner) >= n {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || tokio::time::timeout(left, notified).await.is_err() {
                return gateway::ready_sessions(&self.inner) >= n;
            }
        }
    }

    /// The gateway sessions, with their shard and process.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        gateway::sessions(&self.inner)
    }

    /// The close codes the fake closed connections with, in order.
    pub fn gateway_closes(&self) -> Vec<u16> {
        lock(&self.inner.gateway).closes.clone()
    }

    /// Whether the bot's token was reset (it went past its daily session starts).
    pub fn token_was_reset(&self) -> bool {
        self.inner.token_reset()
    }

    /// Closes every gateway connection abruptly (no close frame), as a network failure would.
    pub fn drop_connections(&self) {
        gateway::drop_all(&self.inner);
    }

    /// Sends op 7 (reconnect) to every connection.
    pub fn request_reconnect(&self) {
        gateway::send_op(&self.inner, 7, "null");
    }

    /// Sends op 9 (invalid session) to every connection; `resumable` is its `d`.
    pub fn invalidate_sessions(&self, resumable: bool) {
        gateway::invalidate(&self.inner, resumable);
    }

    /// How many IDENTIFYs and RESUMEs the gateway has seen.
    pub fn gateway_counts(&self) -> (u64, u64) {
        let g = lock(&self.inner.gateway);
        (g.identifies, g.resumes)
    }

    /// When the dispatch with sequence `seq` of shard `shard` last left the fake.
    pub fn sent_at(&self, shard: u32, seq: u64) -> Option<Instant> {
        gateway::sent_at(&self.inner, shard, seq)
    }

    /// Which test user `/oauth2/authorize` approves as (unless a `fake_discord_user` cookie
    /// says otherwise).
    pub fn set_oauth_user(&self, user: u64) {
        lock(&self.inner.oauth).current_user = Some(user);
    }

    /// What the fake saw, in the shape `moat demo --json` prints.
    pub fn summary(&self) -> serde_json::Value {
        summary::summary(&self.inner)
    }
}
