//! A fake Discord that the real twilight client talks to on loopback.
//!
//! moat cannot reach Discord from its tests, its CI or `moat demo`, yet the path from a
//! gateway event to a REST call is where a guard fails in real life: a missed RESUME, a
//! rate-limit loop, a bulk call Discord would refuse. So this crate plays Discord's side of
//! both protocols closely enough for the *real* `twilight-gateway` shard and `twilight-http`
//! client to run unmodified against it:
//!
//! - [`gateway`]: gateway v10, JSON over websocket (HELLO, IDENTIFY, READY with
//!   `resume_gateway_url` pointing back here, heartbeats, RESUME replaying what a dropped
//!   connection missed, op 7 reconnect and op 9 invalid session);
//! - [`rest`]: the endpoints moat uses under `/api/v10`, with Discord's validation (bulk
//!   delete 2..100 ids younger than 14 days, bulk ban ≤ 200, incident actions ≤ 24 h),
//!   permission checks, and rate limits with real `X-RateLimit-*` headers and 429s;
//! - [`state`]: the guilds as Discord would hold them (members, roles, channels,
//!   messages, bans, timeouts, verification level, incident actions, AutoMod rules, commands);
//! - [`player`]: plays a capture, paced by its timestamps, sped up, or as fast as the bot
//!   keeps up;
//! - [`record`]: every REST call, for assertions and `moat demo --json`.
//!
//! Everything listens on 127.0.0.1 with a port the system picks; nothing else is ever bound.

#![recursion_limit = "256"]

pub mod faults;
pub mod gateway;
pub mod player;
pub mod ratelimit;
pub mod record;
pub mod rest;
pub mod state;
pub mod summary;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub use faults::Faults;
pub use player::{Pace, PlayReport};
pub use ratelimit::RateLimits;
pub use record::Call;
pub use state::World;

/// The bot user the fake answers for unless told otherwise (the one in the shared captures).
pub const DEFAULT_BOT_ID: u64 = 1_275_076_804_608_131_074;
/// The token the fake accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "fake-token";

/// How to start a fake Discord.
#[derive(Debug, Clone)]
pub struct Options {
    /// The bot token clients must present (`Bot <token>` on REST, in IDENTIFY on the gateway).
    pub token: String,
    pub bot_user_id: u64,
    pub application_id: u64,
    pub rate_limits: RateLimits,
    pub heartbeat_interval_ms: u64,
    /// Check the bot's permissions and role position on moderation calls (403 otherwise).
    pub enforce_permissions: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.into(),
            bot_user_id: DEFAULT_BOT_ID,
            application_id: DEFAULT_BOT_ID,
            rate_limits: RateLimits::default(),
            heartbeat_interval_ms: 41_250,
            enforce_permissions: true,
        }
    }
}

/// What every task of the fake shares.
pub(crate) struct Inner {
    pub opts: Options,
    pub world: Mutex<World>,
    pub calls: Mutex<Vec<Call>>,
    pub faults: Mutex<Faults>,
    pub gateway: Mutex<gateway::GatewayState>,
    pub limiter: Mutex<ratelimit::Limiter>,
    /// Virtual time (unix ms) set by the player; 0 means "use the wall clock".
    pub clock: Arc<AtomicU64>,
    /// Whether the player moves `clock` (off: Discord's checks use the wall clock).
    pub virtual_clock: std::sync::atomic::AtomicBool,
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
    }
}

impl FakeDiscord {
    /// Starts the gateway and REST servers on 127.0.0.1, each on a free port.
    pub async fn start(opts: Options) -> std::io::Result<FakeDiscord> {
        let gw = TcpListener::bind(("127.0.0.1", 0)).await?;
        let rest = TcpListener::bind(("127.0.0.1", 0)).await?;
        let gateway_addr = gw.local_addr()?;
        let rest_addr = rest.local_addr()?;
        let limiter = ratelimit::Limiter::new(opts.rate_limits.clone());
        let world = World::new(opts.bot_user_id);
        let inner = Arc::new(Inner {
            opts,
            world: Mutex::new(world),
            calls: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::default()),
            gateway: Mutex::new(gateway::GatewayState::default()),
            limiter: Mutex::new(limiter),
            clock: Arc::new(AtomicU64::new(0)),
            virtual_clock: std::sync::atomic::AtomicBool::new(true),
            started: Instant::now(),
            gateway_url: format!("ws://{gateway_addr}"),
            sessions_changed: Notify::new(),
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

    pub fn options(&self) -> &Options {
        &self.inner.opts
    }

    /// The virtual clock (unix ms; 0 = wall clock) the player moves; a bot in demo mode reads it.
    pub fn clock(&self) -> Arc<AtomicU64> {
        self.inner.clock.clone()
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

    /// Faults to inject into REST answers.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.inner.faults)
    }

    /// Rate-limit counters (429s served, requests that ignored a limit).
    pub fn limiter(&self) -> MutexGuard<'_, ratelimit::Limiter> {
        lock(&self.inner.limiter)
    }

    /// Sends one dispatch (`t`, raw JSON `d`) to every session whose shard holds `guild_id`
    /// (shard 0 when there is none). Returns how many sessions it went to.
    pub fn dispatch(&self, t: &str, d: &str, guild_id: Option<u64>) -> usize {
        gateway::dispatch(&self.inner, t, d, guild_id)
    }

    /// Plays a capture (its text, one JSON object a line); see [`player`].
    pub async fn play(&self, capture: &str, pace: Pace) -> PlayReport {
        player::play(&self.inner, capture, pace).await
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

    /// What the fake saw, in the shape `moat demo --json` prints.
    pub fn summary(&self) -> serde_json::Value {
        summary::summary(&self.inner)
    }
}
