//! A fake Mastodon server that moat's Mastodon adapter talks to on loopback.
//!
//! moat cannot reach a Mastodon server from its tests, its CI or `moat demo`, yet the path
//! from a webhook or a streamed post to an admin call is where a guard fails in real life: a
//! signature checked wrongly, a stream gap never caught up, a rate-limit loop, a call Mastodon
//! would refuse. So this crate plays the server's side closely enough for a real HTTP and
//! WebSocket client to run unmodified against it, with Mastodon's status codes, error bodies
//! (`{"error": "…"}`), scopes, roles and rate limits, all checked in Mastodon's source:
//!
//! - [`http`]: the admin API subset moat needs (accounts list/show/action/approve/reject/undo,
//!   IP blocks, e-mail domain blocks), `POST /api/v1/statuses`, the public timeline,
//!   `/api/v2/instance`, `verify_credentials`, and OAuth (`/api/v1/apps`, `/oauth/authorize`
//!   auto-approving a test user, `/oauth/token`) for the dashboard;
//! - [`stream`]: the streaming WebSocket (`stream=public`, `public:local`, `public:remote`);
//! - [`webhook`]: signed admin webhooks to a configured URL, retried like Sidekiq does;
//! - [`ratelimit`]: 300 requests per 5 minutes per token, `X-RateLimit-*` on every answer;
//! - [`state`]: accounts, statuses and blocks, seeded by the capture being played;
//! - [`capture`] (the format, documented there) and [`player`]; [`builder`] writes captures;
//! - [`faults`]: 5xx on chosen routes, dropped streams, 429 storms, bad or missing signatures;
//! - [`record`] and [`summary`]: every call made, and what the fake saw as one JSON object.
//!
//! Everything runs on a [`moat_clock::Clock`] shared with the client under test, so twenty
//! minutes of a wave and Mastodon's five-minute rate-limit window take seconds. Everything
//! listens on 127.0.0.1 with a port the system picks; nothing else is ever bound.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use moat_fake_mastodon::{FakeMastodon, Options, Pace, Webhook};
//! let opts = Options {
//!     clock: moat_clock::Clock::scaled(1_707_991_200_000, 100.0),
//!     webhook: Some(Webhook { url: "http://127.0.0.1:8090/webhook".into(), secret: "a-secret-of-12+".into(), events: vec![] }),
//!     ..Options::default()
//! };
//! let fake = FakeMastodon::start(opts).await?;
//! println!("{}", fake.base_url()); // http://127.0.0.1:PORT, token moat_fake_mastodon::DEFAULT_TOKEN
//! let report = fake.play("…capture…", Pace::Clock).await;
//! fake.wait_webhooks(std::time::Duration::from_secs(10)).await;
//! println!("{}", fake.summary());
//! # Ok(()) }
//! ```

pub mod auth;
pub mod builder;
pub mod capture;
pub mod cidr;
pub mod entities;
mod events;
pub mod faults;
pub mod http;
pub mod ids;
pub mod params;
pub mod player;
pub mod ratelimit;
pub mod record;
pub mod state;
pub mod stream;
pub mod summary;
pub mod time;
pub mod webhook;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use moat_clock::Clock;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

pub use auth::{Role, TokenSpec, User};
pub use capture::{first_time, parse_line, Line, LineError};
pub use events::Outcome;
pub use faults::Faults;
pub use player::{Pace, PlayReport};
pub use ratelimit::{Limiter, RateLimits};
pub use record::Call;
pub use state::World;
pub use webhook::{Delivery, Signature, Webhook};

/// The Mastodon version the fake claims to be (`/api/v2/instance`, the webhook user agent).
pub const MASTODON_VERSION: &str = "4.3.0";
/// The admin token the fake accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "fake-mastodon-token";
/// The scopes of [`DEFAULT_TOKEN`]: what moat's README asks an admin to grant.
pub const DEFAULT_SCOPES: &str = "read write admin:read admin:write";
/// The server's domain unless told otherwise.
pub const DEFAULT_DOMAIN: &str = "fake.example";

/// The OAuth app the dashboard signs in with, and the user `/oauth/authorize` approves.
#[derive(Debug, Clone)]
pub struct OAuthOptions {
    pub client_id: String,
    pub client_secret: String,
    /// Accepted redirect URIs (empty: any).
    pub redirect_uris: Vec<String>,
    /// The scopes the app may ask for.
    pub scopes: String,
    /// The username `/oauth/authorize` signs in and approves at once.
    pub user: String,
}

impl Default for OAuthOptions {
    fn default() -> Self {
        Self {
            client_id: "fake-client-id".into(),
            client_secret: "fake-client-secret".into(),
            redirect_uris: Vec::new(),
            scopes: DEFAULT_SCOPES.into(),
            user: "admin".into(),
        }
    }
}

/// How to start a fake Mastodon.
#[derive(Debug, Clone)]
pub struct Options {
    /// The server's domain (local accounts' URLs, `acct` of mentions).
    pub domain: String,
    /// The clock the fake runs on (share it with the client under test).
    pub clock: Clock,
    /// The fake's own local users (token owners, the OAuth user), with their roles.
    pub users: Vec<User>,
    /// The bearer tokens it accepts.
    pub tokens: Vec<TokenSpec>,
    pub rate_limits: RateLimits,
    /// Where admin webhooks go (none: nothing is delivered).
    pub webhook: Option<Webhook>,
    /// How many times a failed delivery is retried (Mastodon: 16; see [`webhook`]).
    pub webhook_retries: u32,
    /// Send `account.updated` / `account.approved` after admin calls change a local account,
    /// as Mastodon does (moat then sees its own actions come back).
    pub echo_account_webhooks: bool,
    /// A status's character limit (Mastodon: 500).
    pub max_characters: usize,
    /// What `/api/v2/instance` says of sign-ups.
    pub approval_required: bool,
    pub oauth: OAuthOptions,
    /// Serve the streaming API on a port of its own (then only there), so a client must
    /// find it in `configuration.urls.streaming` as on servers that split it out.
    pub separate_streaming_port: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            domain: DEFAULT_DOMAIN.into(),
            clock: Clock::Wall,
            users: vec![User { username: "admin".into(), role: Role::Admin }],
            tokens: vec![TokenSpec {
                token: DEFAULT_TOKEN.into(),
                scopes: DEFAULT_SCOPES.into(),
                user: Some("admin".into()),
            }],
            rate_limits: RateLimits::default(),
            webhook: None,
            webhook_retries: 5,
            echo_account_webhooks: true,
            max_characters: 500,
            approval_required: false,
            oauth: OAuthOptions::default(),
            separate_streaming_port: false,
        }
    }
}

/// What every task of the fake shares.
pub(crate) struct Inner {
    pub opts: Options,
    pub clock: Clock,
    pub world: Mutex<World>,
    pub calls: Mutex<Vec<Call>>,
    pub faults: Mutex<Faults>,
    pub limiter: Mutex<Limiter>,
    pub auth: Mutex<auth::Auth>,
    pub streams: Mutex<stream::Hub>,
    pub hooks: webhook::Hooks,
    /// `http://127.0.0.1:PORT` of the API.
    pub base_url: String,
    /// `ws://127.0.0.1:PORT` of the streaming API.
    pub streaming_url: String,
    /// Idempotency keys of posted statuses: (token id, key) → status JSON.
    pub idempotency: Mutex<std::collections::HashMap<(u64, String), String>>,
}

/// Locks a mutex, recovering from a poisoned one (a panicking test must not cascade).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn wall_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// A running fake Mastodon. Dropping it stops its servers.
pub struct FakeMastodon {
    inner: Arc<Inner>,
    addr: SocketAddr,
    streaming_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FakeMastodon {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        stream::drop_all(&self.inner);
    }
}

fn seed_world(opts: &Options, now_ms: u64) -> (World, auth::Auth) {
    let mut world = World::new(&opts.domain);
    // Staff accounts get the small ids a server's first accounts have, apart from any capture's.
    for (i, u) in opts.users.iter().enumerate() {
        let id = (i + 1).to_string();
        world.add_account(state::Account::staff(&id, &u.username, u.role, now_ms, &opts.domain));
    }
    let mut auth = auth::Auth::new(now_ms);
    for t in &opts.tokens {
        let account = t.user.as_deref().and_then(|u| world.account_by_acct(u)).map(|a| a.id.clone());
        auth.add_token(&t.token, auth::split_scopes(&t.scopes), account);
    }
    auth.apps.push(auth::App {
        name: "moat".into(),
        client_id: opts.oauth.client_id.clone(),
        client_secret: opts.oauth.client_secret.clone(),
        redirect_uris: opts.oauth.redirect_uris.clone(),
        scopes: auth::split_scopes(&opts.oauth.scopes),
    });
    (world, auth)
}

impl FakeMastodon {
    /// Starts the server on 127.0.0.1 with a free port (two with a separate streaming port).
    pub async fn start(opts: Options) -> std::io::Result<FakeMastodon> {
        let api = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = api.local_addr()?;
        let streaming =
            if opts.separate_streaming_port { Some(TcpListener::bind(("127.0.0.1", 0)).await?) } else { None };
        let streaming_addr = match &streaming {
            Some(l) => l.local_addr()?,
            None => addr,
        };
        let clock = opts.clock.clone();
        let (world, auth) = seed_world(&opts, clock.now_ms());
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            limiter: Mutex::new(Limiter::new(opts.rate_limits.clone())),
            clock,
            world: Mutex::new(world),
            calls: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::default()),
            auth: Mutex::new(auth),
            streams: Mutex::new(stream::Hub::default()),
            hooks: webhook::Hooks { tx, pending: AtomicU64::new(0), idle: Notify::new(), log: Mutex::new(Vec::new()) },
            base_url: format!("http://{addr}"),
            streaming_url: format!("ws://{streaming_addr}"),
            idempotency: Mutex::new(std::collections::HashMap::new()),
            opts,
        });
        let split = streaming.is_some();
        let mut tasks = vec![
            tokio::spawn(http::serve(inner.clone(), api, if split { http::Port::ApiOnly } else { http::Port::Both })),
            tokio::spawn(webhook::run(inner.clone(), rx)),
        ];
        if let Some(l) = streaming {
            tasks.push(tokio::spawn(http::serve(inner.clone(), l, http::Port::StreamingOnly)));
        }
        Ok(FakeMastodon { inner, addr, streaming_addr, tasks })
    }

    /// `http://127.0.0.1:PORT`: the server URL to give moat.
    pub fn base_url(&self) -> String {
        self.inner.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://127.0.0.1:PORT`, as `/api/v2/instance` gives it in `configuration.urls.streaming`.
    pub fn streaming_url(&self) -> String {
        self.inner.streaming_url.clone()
    }

    pub fn streaming_addr(&self) -> SocketAddr {
        self.streaming_addr
    }

    pub fn options(&self) -> &Options {
        &self.inner.opts
    }

    /// The clock the fake runs on.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Read or change the server's state.
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.inner.world)
    }

    /// The id of a local account by username (one of the fake's users, or a sign-up).
    pub fn account_id(&self, username: &str) -> Option<String> {
        self.world().account_by_acct(username).map(|a| a.id.clone())
    }

    /// Accepts another token (e.g. one without `admin:write`); returns its id.
    pub fn add_token(&self, token: &str, scopes: &str, user: Option<&str>) -> u64 {
        let account = user.and_then(|u| self.account_id(u));
        lock(&self.inner.auth).add_token(token, auth::split_scopes(scopes), account)
    }

    /// Every HTTP call so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.inner.calls).clone()
    }

    /// Forgets the recorded calls (state stays).
    pub fn clear_calls(&self) {
        lock(&self.inner.calls).clear();
    }

    /// Faults to inject.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.inner.faults)
    }

    /// Rate-limit counters (429s, violations).
    pub fn limiter(&self) -> MutexGuard<'_, Limiter> {
        lock(&self.inner.limiter)
    }

    /// The next `n` API requests get 429s telling the client to wait `wait_ms` on the clock.
    pub fn storm(&self, n: u32, wait_ms: u64) {
        self.limiter().storm(n, wait_ms);
    }

    /// Closes every streaming connection abruptly; returns how many there were.
    pub fn drop_streams(&self) -> usize {
        stream::drop_all(&self.inner)
    }

    /// How many streaming connections are open.
    pub fn streams_open(&self) -> usize {
        stream::open(&self.inner)
    }

    /// Waits until at least `n` streaming connections are open, up to `timeout` (wall time).
    pub async fn wait_streams(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.streams_open() < n {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        true
    }

    /// Plays a capture (its text, one JSON object a line); see [`capture`] and [`player`].
    pub async fn play(&self, capture: &str, pace: Pace) -> PlayReport {
        player::play(&self.inner, capture, pace).await
    }

    /// Queues one webhook body as it is (signed as `signature` says, unless a fault changes a
    /// good one); returns how many deliveries were queued (0 without a subscribed webhook).
    pub fn send_webhook(&self, event: &str, body: &str, signature: Signature) -> u32 {
        webhook::enqueue(&self.inner, event, Arc::from(body), signature)
    }

    /// Every delivery attempt so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.inner.hooks.log).clone()
    }

    /// Deliveries queued and not yet finished (delivered, or given up after the retries).
    pub fn webhooks_pending(&self) -> u64 {
        self.inner.hooks.pending.load(Ordering::Acquire)
    }

    /// Waits until no delivery is pending, up to `timeout` (wall time).
    pub async fn wait_webhooks(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let idle = self.inner.hooks.idle.notified();
            if self.webhooks_pending() == 0 {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let _ = tokio::time::timeout(left.min(Duration::from_millis(50)), idle).await;
        }
    }

    /// What the fake saw, as one JSON object (see [`summary`]).
    pub fn summary(&self) -> serde_json::Value {
        summary::summary(&self.inner)
    }
}
