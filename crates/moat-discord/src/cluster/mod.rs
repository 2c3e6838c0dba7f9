//! The bot as one process of a cluster (`moat run --cluster`): it runs the shards its leases
//! give it, and nothing else.
//!
//! moat-cluster owns the shared parts (leases, sessions, the identify queue, the REST
//! budget, cross-guild signals); this module wires them into the live bot:
//!
//! - a [`LeaseKeeper`] on the shard groups says which groups this process holds; the
//!   manager ([`run`]) starts a twilight shard for each shard of a group it gains (identify
//!   through the shared [`NatsQueue`], or RESUME from the session kept in KV when another
//!   process ran it before) and stops those of a group it loses ([`shard`]);
//! - on a clean stop every shard saves its session and closes with a resumable code, then
//!   the leases are deleted, so the others take over at once and resume;
//! - when NATS is lost and a lease runs out, its guilds drop to "alerts only" ([`Gate`]):
//!   the executor keeps telling moderators but takes no action there, since another process
//!   may own those guilds now;
//! - joins, leaves and messages go out as cross-guild signals, and the cluster's scraper
//!   flags for the guilds held here come back as the engine's own flag actions ([`flags`]);
//! - every REST call waits for the shared budget with its priority (see
//!   [`crate::exec::calls`]).

pub mod flags;
mod rehydrate;
pub mod shard;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock};

use moat_cluster::budget::{Priority, RestBudget};
use moat_cluster::identify::NatsQueue;
use moat_cluster::lease::plan::ShardPlan;
use moat_cluster::lease::{LeaseKeeper, LeaseSpec, Ownership};
use moat_cluster::session::Sessions;
use moat_cluster::signals::{SignalDetector, SignalPublisher};
use moat_cluster::Cluster;
use moat_core::config::ScraperSettings;
use tokio::sync::mpsc::{Sender, WeakUnboundedSender};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::BotConfig;
use crate::exec::Job;
use crate::gateway::Incoming;
use crate::shared::Shared;

/// Everything a cluster member needs, opened by the caller before the bot starts (so an
/// unreachable NATS or a bad setting is an error at start, not a log line later).
#[derive(Clone)]
pub struct Link {
    pub cluster: Cluster,
    /// The gateway's shape from `GET /gateway/bot`: leases are taken on its groups.
    pub plan: ShardPlan,
    pub queue: NatsQueue,
    pub sessions: Sessions,
    pub budget: RestBudget,
    /// Cross-guild signals out (`None`: no secret given, so none are shared).
    pub signals: Option<SignalPublisher>,
    /// The scraper watch's settings, run on the cluster's partitions instead of in the engine.
    pub scraper: ScraperSettings,
}

/// Which guilds this process may act in, as its leases say.
#[derive(Debug, Default)]
pub struct Gate {
    plan: RwLock<Option<ShardPlan>>,
    own: RwLock<Ownership>,
}

impl Gate {
    fn set(&self, plan: ShardPlan, own: Ownership) {
        *self.plan.write().unwrap_or_else(|e| e.into_inner()) = Some(plan);
        *self.own.write().unwrap_or_else(|e| e.into_inner()) = own;
    }

    fn group_of(&self, guild: u64) -> Option<u32> {
        let plan = (*self.plan.read().unwrap_or_else(|e| e.into_inner()))?;
        Some(plan.group_of(plan.shard_of_guild(guild)))
    }

    /// Whether this process holds the lease on `guild`'s shard now.
    pub fn holds(&self, guild: u64) -> bool {
        self.group_of(guild).is_some_and(|g| self.own.read().unwrap_or_else(|e| e.into_inner()).held.contains(&g))
    }

    /// Whether shard `shard`'s group lease ran out while NATS was gone.
    pub fn alerts_only_shard(&self, shard: u32) -> bool {
        let Some(plan) = *self.plan.read().unwrap_or_else(|e| e.into_inner()) else { return false };
        self.own.read().unwrap_or_else(|e| e.into_inner()).alerts_only.contains(&plan.group_of(shard))
    }

    /// Whether `guild`'s lease ran out while NATS was gone: alert, but act no more.
    pub fn alerts_only(&self, guild: u64) -> bool {
        self.group_of(guild)
            .is_some_and(|g| self.own.read().unwrap_or_else(|e| e.into_inner()).alerts_only.contains(&g))
    }
}

/// A REST call's priority from what it is for: a raid's bans, deletes, timeouts, kicks and
/// lockdowns first, then what moderators read, then the rest.
pub fn priority_of(what: &str) -> Priority {
    let w = what.to_ascii_lowercase();
    if ["lift", "undo", "unban", "automod", "register", "command"].iter().any(|k| w.contains(k)) {
        Priority::Housekeeping
    } else if ["ban", "delete", "time out", "timeout", "kick", "silence", "lock"].iter().any(|k| w.contains(k)) {
        Priority::Urgent
    } else if ["alert", "tell", "post", "moderator"].iter().any(|k| w.contains(k)) {
        Priority::Alert
    } else {
        Priority::Housekeeping
    }
}

/// What every shard task shares.
pub(crate) struct Ctx {
    pub cfg: BotConfig,
    pub link: Link,
    pub events: Sender<Incoming>,
    pub shared: Arc<Shared>,
    /// For the REST reads of a take-over ([`rehydrate`]).
    pub client: twilight_http::Client,
    /// moat's user id and guild list, read once for shards taken over together.
    pub guild_list: tokio::sync::Mutex<Option<(std::time::Instant, u64, Vec<u64>)>>,
    /// Signals dropped because NATS could not keep up (counted, told once).
    pub dropped: std::sync::atomic::AtomicU64,
}

impl Ctx {
    pub(crate) fn dropped_signal(&self) {
        if self.dropped.fetch_add(1, std::sync::atomic::Ordering::Relaxed) == 0 {
            eprintln!("moat: cluster: cross-guild signals are queued faster than NATS takes them; dropping (counted)");
        }
    }
}

/// Keeps this process's shards in step with its leases until `stop`, then hands them over.
pub async fn run(
    link: Link,
    cfg: BotConfig,
    events: Sender<Incoming>,
    mut stop: watch::Receiver<bool>,
    shared: Arc<Shared>,
    jobs: WeakUnboundedSender<Job>,
) {
    let plan = link.plan;
    let spec = LeaseSpec { kind: "leases", units: plan.groups() };
    let keeper = match LeaseKeeper::start(&link.cluster, spec).await {
        Ok(k) => k,
        Err(e) => return report(&shared, format!("cluster: cannot take shard leases: {e}")),
    };
    let gate = shared.gate.get_or_init(|| Arc::new(Gate::default())).clone();
    let owns = {
        let gate = gate.clone();
        move |guild: u64| gate.holds(guild)
    };
    let detector = match SignalDetector::start(&link.cluster, link.scraper.clone(), owns).await {
        Ok((d, rx)) => {
            let t = tokio::spawn(flags::deliver(rx, jobs.clone(), shared.clone()));
            Some((d, t))
        }
        Err(e) => {
            report(&shared, format!("cluster: no cross-guild detection: {e}"));
            None
        }
    };
    let client = crate::cluster_client(&cfg, link.cluster.member());
    let ctx = Arc::new(Ctx {
        cfg,
        link,
        events,
        shared: shared.clone(),
        client,
        guild_list: Default::default(),
        dropped: Default::default(),
    });
    let mut own = keeper.ownership();
    let mut running: BTreeMap<u32, (watch::Sender<bool>, JoinHandle<()>)> = BTreeMap::new();
    loop {
        let now = own.borrow_and_update().clone();
        gate.set(plan, now.clone());
        // Alerts-only groups keep the shards still running (moderators still hear of
        // trouble) but do not restart one that ended: another process may have its session.
        let running_alerts: BTreeSet<u32> = plan
            .shards_in(&now.alerts_only)
            .into_iter()
            .filter(|s| running.get(s).is_some_and(|(_, t)| !t.is_finished()))
            .collect();
        let wanted: BTreeSet<u32> = plan.shards_in(&now.held).union(&running_alerts).copied().collect();
        let gone: Vec<u32> = running.keys().filter(|s| !wanted.contains(s)).copied().collect();
        for s in gone {
            if let Some((tx, task)) = running.remove(&s) {
                let _ = tx.send(true);
                let _ = task.await;
                eprintln!("moat: cluster: shard {s} stopped here (its group went to another process)");
            }
        }
        for &s in &wanted {
            if running.get(&s).is_none_or(|(_, t)| t.is_finished()) {
                let (tx, rx) = watch::channel(false);
                running.insert(s, (tx, tokio::spawn(shard::run(ctx.clone(), s, rx))));
            }
        }
        tokio::select! {
            changed = own.changed() => if changed.is_err() { break },
            _ = stop.changed() => break,
            // Look again now and then: a shard that ended on its own is restarted.
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
        }
    }
    // A clean stop: sessions saved, shards closed resumable, then the leases go at once.
    for (_, (tx, _)) in running.iter() {
        let _ = tx.send(true);
    }
    for (_, (_, task)) in running {
        let _ = task.await;
    }
    keeper.stop().await;
    if let Some((d, t)) = detector {
        t.abort();
        d.stop().await;
    }
}

/// A cluster problem, logged and told to the feed (never with a secret: NATS errors carry none).
fn report(shared: &Shared, text: String) {
    eprintln!("moat: {text}");
    shared.problem(text);
}

impl Link {
    /// Asks Discord for the gateway's shape (`GET /gateway/bot`: shards, `max_concurrency`,
    /// the day's session starts) and opens the cluster's parts. `secret` keys the
    /// cross-guild fingerprints; without one no signals are shared.
    pub async fn open(
        cluster: &Cluster,
        cfg: &BotConfig,
        scraper: ScraperSettings,
        secret: Option<&[u8]>,
    ) -> Result<Link, String> {
        let client = crate::http_client(cfg);
        let resp =
            client.gateway().authed().await.map_err(|e| format!("cannot ask Discord for the gateway's shape: {e}"))?;
        let info = resp.model().await.map_err(|e| format!("unexpected answer to GET /gateway/bot: {e}"))?;
        let l = &info.session_start_limit;
        let plan = ShardPlan::new(info.shards as u32, l.max_concurrency as u32);
        let limit = moat_cluster::identify::StartLimit {
            total: l.total as u32,
            remaining: l.remaining as u32,
            reset_after_ms: l.reset_after,
            max_concurrency: l.max_concurrency as u32,
        };
        let e = |e: moat_cluster::ClusterError| e.to_string();
        let queue = NatsQueue::open(cluster, limit).await.map_err(e)?;
        let sessions = Sessions::open(cluster).await.map_err(e)?;
        let budget = RestBudget::open(cluster).await.map_err(e)?;
        let signals = match secret {
            Some(s) => Some(SignalPublisher::open(cluster, s).await.map_err(e)?),
            None => None,
        };
        Ok(Link { cluster: cluster.clone(), plan, queue, sessions, budget, signals, scraper })
    }
}
