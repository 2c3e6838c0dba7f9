//! moat live on Discord: the engine's decisions made real.
//!
//! `moat-core` decides; this crate connects it to Discord with twilight 0.18 and carries the
//! decisions out. Three kinds of task, joined by channels so none waits on another:
//!
//! - [`gateway`]: one task per shard, reading events (twilight handles heartbeats, RESUME,
//!   reconnects);
//! - [`bot`]: the engine task, which owns the engine, feeds it each event with the bot's
//!   [`clock`], watches permissions ([`guilds`]) and hands actions on;
//! - [`exec`]: the executor, which writes evidence to the evidence file, orders and batches
//!   REST calls (deletes first, bulk delete, bulk ban, lockdown and its undoing) and keeps
//!   one alert per incident up to date ([`alerts`]).
//!
//! Discord's frames reach the engine through `moat-discord-wire`, the same translation
//! `moat replay` uses; [`ids`] is where the engine's ids become twilight's.
//!
//! With a store ([`BotConfig::store`]), [`memory`] records every action (write-behind),
//! restores strikes, containments, lockdowns and settings at start-up, and fires the
//! store's due timers; [`overrides`] lets `/moat setting` change a guild's settings.
//!
//! Before a server is guarded, [`setup`] prints the invite link with the permissions moat
//! uses, and [`doctor`] says per guild what is missing (intents, permissions, role
//! position, the alert channel).
//!
//! [`Bot::start`] wires them up against Discord or, with [`BotConfig::gateway_url`] and
//! [`BotConfig::rest_proxy`], against a local fake. The token is never printed.

pub mod alerts;
pub mod answers;
pub mod automod;
pub mod bot;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod dashboard;
pub mod doctor;
pub mod dry;
pub mod exec;
pub mod gateway;
pub mod guilds;
pub mod ids;
pub mod live;
pub mod memory;
pub mod overrides;
pub mod perms;
pub mod recording;
pub mod setup;
pub mod shared;
pub mod stopping;
pub mod undo_requests;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use moat_core::Engine;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use twilight_http::Client;

pub use config::BotConfig;
/// Where the bot's time comes from (the wall clock live; the fake's clock in tests and the demo).
pub use moat_clock::{self as clock, Clock};
pub use shared::{Feed, Shared};

/// A running bot.
pub struct Bot {
    pub shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    shards: Vec<JoinHandle<()>>,
    engine: JoinHandle<()>,
    exec: JoinHandle<()>,
    timers: Option<JoinHandle<()>>,
    /// Weak: the executor stops when the engine task (its one strong sender) does.
    jobs: mpsc::WeakUnboundedSender<exec::Job>,
    control: mpsc::UnboundedSender<bot::Control>,
    /// Where a stop keeps the calls it could not send.
    store: Option<moat_store::Store>,
    /// Carries out `moat incidents undo` requests.
    undoer: Option<JoinHandle<()>>,
}

/// The HTTP client for Discord or the configured proxy: `HOST:PORT` is plain HTTP (the fake
/// Discord on loopback), `https://HOST:PORT` is TLS to that host (a TLS-terminating proxy, or
/// the TLS test's loopback server).
pub fn http_client(cfg: &BotConfig) -> Client {
    client_builder(cfg).build()
}

/// The token, the timeout and the proxy every client of this bot shares.
fn client_builder(cfg: &BotConfig) -> twilight_http::client::ClientBuilder {
    let mut b =
        Client::builder().token(cfg.token.clone()).timeout(Duration::from_secs(20)).remember_invalid_token(false);
    if let Some(proxy) = &cfg.rest_proxy {
        match proxy.strip_prefix("https://") {
            Some(host) => b = b.proxy(host.trim_end_matches('/').to_string(), false),
            None => b = b.proxy(proxy.trim_start_matches("http://").to_string(), true),
        }
    }
    b
}

/// The HTTP client of a cluster member: each call names the process (`X-Moat-Process`),
/// so Discord's side (the fake's summary, a proxy's logs) can tell the processes apart.
pub(crate) fn cluster_client(cfg: &BotConfig, member: &str) -> Client {
    let b = client_builder(cfg);
    let mut headers = http::HeaderMap::new();
    if let Ok(v) = http::HeaderValue::from_str(member) {
        headers.insert(http::HeaderName::from_static("x-moat-process"), v);
    }
    b.default_headers(headers).build()
}

/// Makes TLS ready, once per process: the ring provider, and the machine's CA certificates,
/// without which twilight would panic on its first connection. Without the `tls` feature
/// there is nothing to prepare (and nothing but loopback to reach).
pub fn prepare_tls() -> Result<(), String> {
    #[cfg(feature = "tls")]
    {
        // twilight's TLS needs a process-wide crypto provider; a second install is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let found = rustls_native_certs::load_native_certs();
        if found.certs.is_empty() {
            let why = found.errors.first().map(|e| format!(" ({e})")).unwrap_or_default();
            return Err(format!(
                "no CA certificates found on this machine{why}: install the `ca-certificates` package, \
                 or point SSL_CERT_FILE at a PEM bundle, so moat can check discord.com's certificate"
            ));
        }
    }
    Ok(())
}

/// The shard count Discord recommends for this bot (`GET /gateway/bot`).
pub async fn recommended_shards(cfg: &BotConfig) -> Result<u32, String> {
    prepare_tls()?;
    let client = http_client(cfg);
    let at = cfg.rest_proxy.as_deref().unwrap_or("discord.com");
    let resp = client
        .gateway()
        .authed()
        .await
        .map_err(|e| format!("cannot ask Discord how many shards to run: {}", setup::explain(&e, at)))?;
    let info = resp.model().await.map_err(|e| format!("unexpected answer to GET /gateway/bot: {e}"))?;
    Ok(info.shards.max(1) as u32)
}

impl Bot {
    /// Starts the shards, the engine task and the executor. Must run inside a tokio runtime.
    pub fn start(cfg: BotConfig, engine: Engine) -> Result<Bot, String> {
        Self::start_with(cfg, engine, None)
    }

    /// Starts as one process of a cluster: the shards are those its leases give it, for as
    /// long as it holds them (see [`cluster`]); `cfg.shards` is not used.
    pub fn start_cluster(cfg: BotConfig, engine: Engine, link: cluster::Link) -> Result<Bot, String> {
        Self::start_with(cfg, engine, Some(link))
    }

    fn start_with(cfg: BotConfig, engine: Engine, link: Option<cluster::Link>) -> Result<Bot, String> {
        if cfg.token.trim().is_empty() {
            return Err("no bot token: set DISCORD_TOKEN or `token` in the config file".into());
        }
        if link.is_none() && (cfg.shards.is_empty() || cfg.shards.end > cfg.total_shards.max(1)) {
            return Err(format!(
                "shards {}..{} do not fit in {} shard(s)",
                cfg.shards.start, cfg.shards.end, cfg.total_shards
            ));
        }
        prepare_tls()?;
        let shared = Arc::new(Shared::default());
        if let Some(path) = &cfg.evidence_path {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot open the evidence file {}: {e}", path.display()))?;
            *shared::lock(&shared.evidence_file) = Some(file);
        }
        *shared::lock(&shared.config) = Arc::new(engine.config().clone());
        shared.dry_run.store(cfg.dry_run, Ordering::Relaxed);
        let client = Arc::new(match &link {
            Some(l) => cluster_client(&cfg, l.cluster.member()),
            None => http_client(&cfg),
        });
        if let Some(l) = &link {
            let _ = shared.budget.set(l.budget.clone());
        }
        let (stop, stop_rx) = watch::channel(false);
        // Bounded: a slow engine holds the shards back instead of growing memory or dropping.
        let (ev_tx, ev_rx) = mpsc::channel(cfg.event_queue.max(1));
        let (job_tx, job_rx) = mpsc::unbounded_channel();
        let settings = exec::ExecSettings {
            clock: cfg.clock.clone(),
            ban_batch: Duration::from_millis(cfg.ban_batch_ms),
            ban_gather: Duration::from_millis(cfg.ban_gather_ms),
            alert_edit: Duration::from_millis(cfg.alert_edit_ms),
            alert_channel: cfg.alert_channel,
            ping_role: cfg.ping_role,
            store: cfg.store.clone(),
        };
        let (memory, fired, timers) = match &cfg.store {
            Some(store) => {
                let memory = memory::Memory::start(store.clone())?;
                let (tx, rx) = mpsc::unbounded_channel();
                let every = Duration::from_millis(cfg.timer_every_ms);
                let t = tokio::spawn(memory::run_timers(store.clone(), cfg.clock.clone(), every, tx, stop_rx.clone()));
                (Some(memory), Some(rx), Some(t))
            }
            None => (None, None, None),
        };
        let store = cfg.store.clone();
        let (control, control_rx) = mpsc::unbounded_channel();
        let recording = match &cfg.record {
            Some(r) => Some(recording::Recording::start(r.clone(), cfg.clock.now_ms())?),
            None => None,
        };
        let extras = bot::Extras {
            recording,
            memory,
            fired,
            overrides: overrides::Overrides::new(cfg.config_text.clone()),
            control: Some(control_rx),
        };
        let jobs = job_tx.downgrade();
        let exec = tokio::spawn(exec::run(client, shared.clone(), settings, job_rx));
        let engine = tokio::spawn(bot::run(
            engine,
            ev_rx,
            job_tx,
            shared.clone(),
            cfg.clock.clone(),
            cfg.automod_keywords.clone(),
            cfg.link_judge.clone(),
            extras,
        ));
        let undoer = cfg.store.clone().map(|store| {
            let handle = dashboard::BotHandle::new(
                shared.clone(),
                jobs.clone(),
                control.clone(),
                store.clone(),
                cfg.config_text.clone(),
            );
            let every = Duration::from_millis(cfg.timer_every_ms);
            tokio::spawn(undo_requests::run(handle, store, every, stop_rx.clone()))
        });
        let shards = match link {
            Some(link) => {
                let weak = jobs.clone();
                vec![tokio::spawn(cluster::run(
                    link,
                    cfg.clone(),
                    ev_tx.clone(),
                    stop_rx.clone(),
                    shared.clone(),
                    weak,
                ))]
            }
            None => gateway::shards(&cfg)
                .into_iter()
                .map(|s| tokio::spawn(gateway::run_shard(s, ev_tx.clone(), stop_rx.clone(), shared.clone())))
                .collect(),
        };
        Ok(Bot { shared, stop, shards, engine, exec, timers, jobs, control, store, undoer })
    }

    /// What the web dashboard drives: undo through the executor, settings through the engine
    /// task, the guilds moat is in. `store` is the bot's store; `config_text` the file's text.
    pub fn dashboard(&self, store: moat_store::Store, config_text: String) -> dashboard::BotHandle {
        dashboard::BotHandle::new(self.shared.clone(), self.jobs.clone(), self.control.clone(), store, config_text)
    }

    /// Whether any shard is still connected (or trying to be). twilight ends a shard for
    /// good on a fatal close (bad token, intents not enabled).
    pub fn is_running(&self) -> bool {
        self.shards.iter().any(|s| !s.is_finished())
    }

    /// The count of guild dispatches handled (what a lockstep player waits on).
    pub fn handled(&self) -> Arc<AtomicU64> {
        self.shared.handled.clone()
    }

    /// Everything the bot does from now on, as it happens.
    pub fn subscribe(&self) -> mpsc::UnboundedReceiver<Feed> {
        let (tx, rx) = mpsc::unbounded_channel();
        *shared::lock(&self.shared.feed) = Some(tx);
        rx
    }

    /// Waits until the executor has nothing queued, running or waiting to be posted, for
    /// `settle` in a row, or `timeout` has passed. Returns whether it settled.
    pub async fn wait_idle(&self, settle: Duration, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut quiet_since: Option<Instant> = None;
        while Instant::now() < deadline {
            let busy = self.shared.outstanding.load(Ordering::Acquire) > 0
                || self.shared.alerts_dirty.load(Ordering::Acquire) > 0
                || self.shared.held_bans.load(Ordering::Acquire) > 0;
            match (busy, quiet_since) {
                (true, _) => quiet_since = None,
                (false, None) => quiet_since = Some(Instant::now()),
                (false, Some(t)) if t.elapsed() >= settle => return true,
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    /// Waits until every call the executor was handed so far has been answered (raid bans
    /// still gathering and alerts not yet due are not waited for), or `timeout` has passed.
    /// Returns whether it got there. A test that moves the clock event by event calls this
    /// between events, so each event's calls are made before the clock moves on.
    pub async fn wait_sent(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.shared.outstanding.load(Ordering::Acquire) > 0 {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        true
    }

    /// Event received → first REST call issued, for every batch of actions so far.
    pub fn latencies(&self) -> Vec<Duration> {
        shared::lock(&self.shared.latencies).clone()
    }

    /// Closes the shards, lets the engine and executor finish what they hold (5 s at most
    /// for the calls in flight), and waits. See [`Bot::shut_down`].
    pub async fn stop(self) {
        let _ = self.shut_down(Duration::from_secs(5)).await;
    }

    /// Stops without losing anything ([`stopping`]): no new events, every decided action
    /// recorded, the calls in flight given `grace`, the rest kept in the store for the next
    /// start.
    pub async fn shut_down(self, grace: Duration) -> stopping::Stopped {
        let _ = self.stop.send(true);
        for s in self.shards {
            let _ = s.await;
        }
        if let Some(t) = self.timers {
            let _ = t.await;
        }
        if let Some(u) = self.undoer {
            let _ = u.await;
        }
        let owed = self.shared.ledger.open_count();
        let _ = self.engine.await;
        let _ = self.exec.await;
        let owed = owed.max(self.shared.ledger.open_count());
        stopping::drain(&self.shared, grace).await;
        stopping::keep(&self.shared, self.store.as_ref(), owed).await
    }

    /// Ends every task at once, as a killed process would: nothing is flushed, what the
    /// store confirmed is all that survives (for crash tests).
    pub fn abort(self) {
        for s in &self.shards {
            s.abort();
        }
        if let Some(t) = &self.timers {
            t.abort();
        }
        if let Some(u) = &self.undoer {
            u.abort();
        }
        self.engine.abort();
        self.exec.abort();
    }
}
