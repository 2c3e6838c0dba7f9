//! The live bot behind moat-http's dashboard: [`BotHandle`] implements
//! [`moat_http::BotControl`] over the running bot.
//!
//! An undo is marked in the store first (so it is recorded, with who, even if Discord is
//! slow, and is never done twice), then a raid still going on is ended by the engine task
//! (which unlocks through the executor, as when a raid goes quiet), then every other step
//! goes to the executor as [`Job::Undo`], with the moderator's name in each audit-log reason.
//! A setting goes to the engine task, which validates it as `/moat setting` does.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use moat_core::id::{GuildId, IncidentId};
use moat_http::source::Moderator;
use moat_http::{BotControl, GuildInfo, GuildSnapshot, Live, LiveKind, Metrics};
use moat_store::undo::UndoAction;
use moat_store::Store;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::bot::Control;
use crate::exec::Job;
use crate::shared::{lock, Feed, Shared};

/// A clonable handle on the running bot, for the dashboard.
#[derive(Clone)]
pub struct BotHandle {
    shared: Arc<Shared>,
    jobs: mpsc::WeakUnboundedSender<Job>,
    control: mpsc::UnboundedSender<Control>,
    store: Store,
    config_text: String,
}

impl BotHandle {
    pub(crate) fn new(
        shared: Arc<Shared>,
        jobs: mpsc::WeakUnboundedSender<Job>,
        control: mpsc::UnboundedSender<Control>,
        store: Store,
        config_text: String,
    ) -> BotHandle {
        BotHandle { shared, jobs, control, store, config_text }
    }
}

impl BotHandle {
    /// Undoes `incident` for `by` (a moderator's label), asked from `from` (`the dashboard`,
    /// `moat incidents undo`): marked in the store, the raid ended, each step through the
    /// executor with `by` in every audit-log reason. One line a step comes back.
    pub async fn undo_as(
        &self,
        guild: GuildId,
        incident: IncidentId,
        by: String,
        from: &str,
    ) -> Result<Vec<String>, String> {
        let now = moat_store::ids::now_ms();
        let scope = self.store.guild(guild).map_err(|e| e.to_string())?;
        let plan = scope.mark_undone(incident, &by, now).await.map_err(|e| e.to_string())?;
        let reason = format!("moat: incident {incident} undone by {by} from {from}");
        let mut report = Vec::new();
        if plan.steps.iter().any(|s| s.action == UndoAction::EndLockdown) {
            let (tx, rx) = oneshot::channel();
            self.control.send(Control::EndRaid { guild, by: by.clone(), reply: tx }).map_err(|_| GONE)?;
            if rx.await.map_err(|_| GONE)? {
                report.push("the raid was ended".to_string());
            }
        }
        let (tx, rx) = oneshot::channel();
        let Some(jobs) = self.jobs.upgrade() else { return Err(GONE.into()) };
        self.shared.begin();
        if jobs.send(Job::Undo { guild, steps: plan.steps, reason, reply: tx }).is_err() {
            self.shared.end();
            return Err(GONE.into());
        }
        report.extend(rx.await.map_err(|_| GONE)?);
        Ok(report)
    }

    /// Sends every event's guild and kind to `live` from now on (the overview's chart and
    /// the `moat_events_total` counter).
    pub fn follow_events(&self, live: broadcast::Sender<Live>) {
        let (tx, mut rx) = mpsc::unbounded_channel();
        *lock(&self.shared.events_tap) = Some(tx);
        tokio::spawn(async move {
            while let Some((guild, kind)) = rx.recv().await {
                let kind = if kind == crate::live::STATE_CHANGED { LiveKind::State } else { LiveKind::Event(kind) };
                let _ = live.send(Live { guild, ts: moat_store::ids::now_ms(), kind });
            }
        });
    }

    /// Feeds `metrics` from the bot from now on: REST calls (by purpose and status, with
    /// their latency) where they are made; gateway latency per shard, queue depths, the
    /// store's write lag, raids and lockdowns active about once a second ([`crate::live`]).
    pub fn attach_metrics(&self, metrics: Arc<Metrics>) {
        *lock(&self.shared.metrics) = Some(metrics);
    }
}

/// What the dashboard shows of one item of the bot's feed (its actions, live). REST calls
/// are counted in the metrics where they are made ([`BotHandle::attach_metrics`]).
pub fn forward(f: &Feed, live: &broadcast::Sender<Live>, _metrics: &Metrics) {
    if let Feed::Action(a) = f {
        let _ = live.send(Live {
            guild: a.guild_id,
            ts: moat_store::ids::now_ms(),
            kind: LiveKind::Action(Arc::new(a.clone())),
        });
        if matches!(a.kind, moat_core::ActionKind::Lockdown | moat_core::ActionKind::Unlock) {
            let _ = live.send(Live { guild: a.guild_id, ts: moat_store::ids::now_ms(), kind: LiveKind::State });
        }
    }
}

const GONE: &str = "the bot is shutting down";

impl BotControl for BotHandle {
    fn guilds(&self) -> Vec<GuildInfo> {
        lock(&self.shared.guild_names)
            .iter()
            .map(|(id, name)| GuildInfo { id: *id, name: name.clone(), moderator_roles: Vec::new() })
            .collect()
    }

    fn snapshot(&self, guild: GuildId) -> Option<GuildSnapshot> {
        if !lock(&self.shared.guild_names).contains_key(&guild) {
            return None;
        }
        Some(lock(&self.shared.snapshots).get(&guild).cloned().unwrap_or_default())
    }

    fn undo(
        &self,
        guild: GuildId,
        incident: IncidentId,
        by: Moderator,
    ) -> BoxFuture<'static, Result<Vec<String>, String>> {
        let me = self.clone();
        Box::pin(async move { me.undo_as(guild, incident, by.label(), "the dashboard").await })
    }

    fn set_setting(
        &self,
        guild: GuildId,
        section: String,
        key: String,
        value: String,
        by: Moderator,
    ) -> BoxFuture<'static, Result<String, String>> {
        let control = self.control.clone();
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            control
                .send(Control::SetSetting { guild, section, key, value, by: by.label(), reply: tx })
                .map_err(|_| GONE)?;
            rx.await.map_err(|_| GONE.to_string())?
        })
    }

    fn config_text(&self) -> String {
        self.config_text.clone()
    }
}
