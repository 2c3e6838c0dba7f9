//! One guarded Mastodon server, running: the webhook listener, the streaming client and
//! the admin API client wired to one consumer. [`Server::start`] gives back the events
//! receiver (everything that happened, once each, and the outcome of every action), the
//! action sender, and a handle (counters, the listener's address, stop).
//!
//! ```no_run
//! # async fn run(settings: moat_mastodon::ServerSettings) -> Result<(), moat_mastodon::StartError> {
//! use moat_mastodon::{Inbound, MastodonAction, Server};
//! let (mut events, actions, handle) = Server::start(settings, moat_clock::Clock::Wall).await?;
//! while let Some(item) = events.recv().await {
//!     match item {
//!         Inbound::Event(e) => { /* translate into the engine's event; send its actions */ }
//!         Inbound::Done(report) => { /* record the outcome */ }
//!         Inbound::Unreadable { .. } | Inbound::Gap { .. } => { /* count, show */ }
//!     }
//! }
//! # let _ = (actions, handle); Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use moat_clock::Clock;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::actions::exec::ExecState;
use crate::actions::queue::{self, ActionSender};
use crate::http::{Api, ApiError, RetryPolicy};
use crate::inbound::{Inbound, Sink};
use crate::secret::Secret;
use crate::stats::{Stats, StatsSnapshot};
use crate::stream::StreamSettings;
use crate::webhook::{self, ListenerSettings};

/// Everything one server runs with (from [`crate::config::ServerConfig::resolve`], or built
/// directly in tests).
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// `https://small.example` (or `http://127.0.0.1:PORT` for a loopback fake).
    pub base_url: String,
    pub token: Secret,
    /// The webhook listener (none: webhooks are not received).
    pub webhook: Option<ListenerSettings>,
    /// Accounts told of waves (`alice`, `bob@other.example`).
    pub admin_accounts: Vec<String>,
    pub streaming: bool,
    pub stream: StreamSettings,
    pub retry: RetryPolicy,
    /// Items the events channel holds before the sources wait for the consumer.
    pub events_capacity: usize,
    /// Actions the queue's channel holds before the sender waits.
    pub actions_capacity: usize,
    /// Statuses remembered to hand each on once (webhook, stream, catch-up).
    pub remember: usize,
}

impl ServerSettings {
    /// Settings with the defaults: no webhook listener, streaming on.
    pub fn new(base_url: &str, token: Secret) -> ServerSettings {
        ServerSettings {
            base_url: base_url.trim_end_matches('/').to_string(),
            token,
            webhook: None,
            admin_accounts: Vec::new(),
            streaming: true,
            stream: StreamSettings::default(),
            retry: RetryPolicy::default(),
            events_capacity: 1024,
            actions_capacity: 4096,
            remember: 200_000,
        }
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("mastodon {url}: {source}")]
    Client { url: String, source: ApiError },
    #[error("mastodon webhook listener on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// The running server's handle. Dropping it stops the server's tasks.
pub struct ServerHandle {
    stats: Arc<Stats>,
    api: Arc<Api>,
    webhook_addr: Option<SocketAddr>,
    tasks: Vec<JoinHandle<()>>,
}

impl ServerHandle {
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// Where the webhook listener listens (with the port the system chose for `:0`).
    pub fn webhook_addr(&self) -> Option<SocketAddr> {
        self.webhook_addr
    }

    /// What the server last said of the rate limit.
    pub async fn rate_limit(&self) -> crate::http::RateLimit {
        self.api.rate_limit().await
    }

    /// Stops every task now (queued actions are dropped; use the sender's end to drain).
    pub fn stop(&mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the adapter for one server.
pub struct Server;

impl Server {
    /// Binds the webhook listener, starts the stream and the action queue, and returns the
    /// consumer's ends. Only a bad client setting (no TLS for `https://`) or a listen address
    /// that cannot be bound stops it from starting; an unreachable server is retried.
    pub async fn start(
        settings: ServerSettings,
        clock: Clock,
    ) -> Result<(mpsc::Receiver<Inbound>, ActionSender, ServerHandle), StartError> {
        let listener = match &settings.webhook {
            Some(w) => {
                Some(TcpListener::bind(w.listen).await.map_err(|source| StartError::Bind { addr: w.listen, source })?)
            }
            None => None,
        };
        Self::start_on(settings, clock, listener).await
    }

    /// [`Server::start`] with the webhook listener's socket bound already (a test that must
    /// tell the fake where to deliver before the server starts; socket activation). The
    /// socket is used only if `settings.webhook` is set.
    pub async fn start_on(
        settings: ServerSettings,
        clock: Clock,
        listener: Option<TcpListener>,
    ) -> Result<(mpsc::Receiver<Inbound>, ActionSender, ServerHandle), StartError> {
        let stats = Arc::new(Stats::default());
        let api = Api::new(&settings.base_url, &settings.token, clock, settings.retry.clone(), stats.clone())
            .map_err(|source| StartError::Client { url: settings.base_url.clone(), source })?;
        let api = Arc::new(api);
        let (tx, rx) = mpsc::channel(settings.events_capacity.max(1));
        let sink = Sink::new(tx, settings.remember, stats.clone());
        let mut tasks = Vec::new();
        let mut webhook_addr = None;
        if let (Some(w), Some(l)) = (settings.webhook.clone(), listener) {
            webhook_addr = l.local_addr().ok();
            tasks.push(tokio::spawn(webhook::serve(l, webhook::Listener::new(w, sink.clone(), stats.clone()))));
        }
        // The instance (streaming host, character limit) is read in the background: a server
        // that is down at start must not hold the listener back.
        let max_chars = Arc::new(AtomicUsize::new(500));
        if settings.streaming {
            let (api, token, s, sink) = (api.clone(), settings.token.clone(), settings.stream.clone(), sink.clone());
            tasks.push(tokio::spawn(crate::stream::run(api, token, s, sink, max_chars.clone())));
        } else {
            let (api, max_chars) = (api.clone(), max_chars.clone());
            tasks.push(tokio::spawn(async move {
                crate::instance::learn(&api, &max_chars).await;
            }));
        }
        let (atx, arx) = mpsc::channel(settings.actions_capacity.max(1));
        let state = ExecState::new(settings.admin_accounts.clone(), max_chars);
        let exec_api = api.clone();
        tasks.push(tokio::spawn(async move {
            queue::run(&exec_api, state, arx, |report| {
                let sink = sink.clone();
                async move {
                    let _ = sink.send(Inbound::Done(report)).await;
                }
            })
            .await;
        }));
        Ok((rx, ActionSender::new(atx), ServerHandle { stats, api, webhook_addr, tasks }))
    }
}
