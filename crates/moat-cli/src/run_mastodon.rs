//! `moat run`'s Mastodon half: every `[[mastodon.servers]]` entry started as a
//! moat-mastodon [`Server`] (webhook listener, stream with catch-up, admin client) with its
//! own engine and [`Guard`] loop, in the same process as the Discord bot when both are
//! configured. Each server's secrets come from the environment variables its entry names
//! (read once, here, never printed).
//!
//! Every action is logged (kind, the accounts as Mastodon names them, detector, reason) and
//! recorded in the store with the Mastodon ids kept beside the engine's
//! ([`moat_mastodon::translate::record`]), so `moat incidents show` names the accounts, and
//! undoing a wave knows what to unsilence and which blocks to lift.

use std::sync::Arc;
use std::time::Duration;

use moat_core::{Config, LinkJudge};
use moat_mastodon::guard::{Guard, GuardFeed, GuardTotals};
use moat_mastodon::translate::record::for_store;
use moat_mastodon::{MastodonConfig, Server, ServerHandle};
use moat_store::{Recorder, RecorderOptions, Store};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The Mastodon servers, running.
pub struct Running {
    stop: watch::Sender<bool>,
    servers: Vec<(String, ServerHandle, JoinHandle<GuardTotals>)>,
    recorder: Option<Arc<Recorder>>,
}

/// Starts every server of the section. `judge` makes each engine's link judge.
pub async fn start(
    section: &MastodonConfig,
    engine: &Config,
    judge: &dyn Fn() -> Result<Box<dyn LinkJudge>, String>,
    store: Option<Store>,
) -> Result<Running, String> {
    let env = |name: &str| std::env::var(name).ok();
    let recorder = match store {
        Some(s) => Some(Arc::new(Recorder::spawn(s, RecorderOptions::default()).map_err(|e| e.to_string())?)),
        None => None,
    };
    let (stop, stop_rx) = watch::channel(false);
    let mut servers = Vec::new();
    for (i, entry) in section.servers.iter().enumerate() {
        let settings = entry.resolve(&format!("mastodon.servers[{i}]"), &env).map_err(|e| e.to_string())?;
        let url = settings.base_url.clone();
        let (events, actions, handle) =
            Server::start(settings, moat_clock::Clock::Wall).await.map_err(|e| e.to_string())?;
        match handle.webhook_addr() {
            Some(a) => tracing::info!("mastodon {url}: webhooks on http://{a}/ (signed with the secret)"),
            None => tracing::info!("mastodon {url}: no webhook listener (no webhook_secret_env)"),
        }
        let guard = Guard::new(&url, crate::fingerprint_key::engine(engine.clone(), judge()?, None));
        let hook = hook(url.clone(), recorder.clone());
        let task = tokio::spawn(guard.run(events, actions, stop_rx.clone(), Duration::from_secs(10), hook));
        servers.push((url, handle, task));
    }
    Ok(Running { stop, servers, recorder })
}

fn hook(url: String, recorder: Option<Arc<Recorder>>) -> Box<dyn for<'a> FnMut(GuardFeed<'a>) + Send> {
    Box::new(move |f| match f {
        GuardFeed::Action { action, calls, translator } => {
            let stored = for_store(action, &translator.ids, &url);
            let accounts: Vec<&str> = calls.iter().filter_map(|c| c.account_id().map(|a| a.as_str())).collect();
            tracing::info!(
                platform = "mastodon", server = %url, kind = %action.kind, accounts = ?accounts,
                calls = calls.len(), detector = %action.detector, reason = %action.reason, "action"
            );
            if let Some(r) = &recorder {
                if let Err(e) = r.record(stored) {
                    tracing::error!("mastodon {url}: {e}");
                }
            }
        }
        GuardFeed::Done(r) => match &r.result {
            Ok(_) => tracing::debug!(server = %url, call = r.request.action.name(), "done"),
            Err(e) => tracing::warn!(server = %url, call = r.request.action.name(), "failed: {e}"),
        },
        GuardFeed::Problem(p) => tracing::warn!(server = %url, "problem: {p}"),
    })
}

impl Running {
    /// How many servers run.
    pub fn len(&self) -> usize {
        self.servers.len()
    }

    /// Stops every loop (letting calls in flight finish), reports each server's counters,
    /// and flushes the store.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for (url, mut handle, task) in self.servers {
            let t = task.await.unwrap_or_default();
            let s = handle.stats();
            tracing::info!(
                "mastodon {url}: {} events, {} actions, {} admin calls ({} failed); webhooks {} received, {} refused for a bad signature",
                t.events, t.actions, t.calls_done, t.calls_failed, s.webhooks_received, s.webhooks_bad_signature
            );
            handle.stop();
        }
        if let Some(r) = self.recorder.and_then(|r| Arc::try_unwrap(r).ok()) {
            let s = r.shutdown().await;
            tracing::info!("store: {} action(s) recorded, {} failed", s.written, s.failed + s.refused);
        }
    }
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The flags of `a` that only the Discord bot reads (and `--http`: the dashboard is the
/// bot's), by name: a Mastodon-only `moat run` says it does not use them. `--dry-run` is
/// not among them: Mastodon servers have no dry run, so it is refused ([`refuse_dry_run`]).
pub fn discord_only_flags(a: &crate::flags::RunArgs) -> Vec<&'static str> {
    let given = [
        ("--shards", a.shards.is_some()),
        ("--total-shards", a.total_shards.is_some()),
        ("--alert-channel", a.alert_channel.is_some()),
        ("--evidence", a.evidence.is_some()),
        ("--gateway-url", a.gateway_url.is_some()),
        ("--rest-proxy", a.rest_proxy.is_some()),
        ("--http", a.http.is_some()),
        ("--cluster", a.cluster.is_some()),
        ("--record", a.record.is_some()),
    ];
    given.into_iter().filter(|(_, on)| *on).map(|(name, _)| name).collect()
}

/// Why `--dry-run` cannot be honoured with Mastodon servers configured.
pub fn refuse_dry_run() -> &'static str {
    "--dry-run: the [mastodon] servers have no dry run, so they would act for real; run without --dry-run, or without [mastodon] in the config"
}
