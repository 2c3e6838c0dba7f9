//! The bot's memory: what it decides goes to the store, and what the store holds comes
//! back after a restart.
//!
//! A guard that forgets on restart lets a raid resume and drops tomorrow's unsilence. So,
//! with a store ([`crate::BotConfig::store`]):
//!
//! - every action the engine decides is handed to `moat_store::Recorder` (write-behind:
//!   `try_send` on a bounded queue, never a wait in the engine task) with its evidence;
//! - after each punishment the member's strikes, as the engine now holds them, are written
//!   by a small writer task (also never awaited by the engine), so a repeat offender keeps
//!   climbing the ladder after a restart;
//! - at start-up, before the first event, [`Memory::restore`] seeds the engine with each
//!   member's strikes and running containment (`Engine::seed_member`), reads back the guild
//!   settings changed with `/moat setting`, and lists the lockdowns still in force with the
//!   settings moat saved before locking (so their end restores the guild's own settings);
//! - [`run_timers`] claims due timers periodically (`claim_due_timers`: each fires once,
//!   even with two processes) and hands them to the engine task as [`Fired`] work.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use moat_core::id::{GuildId, UserId};
use moat_core::{Action, ActionKind, Detector, Engine, Millis};
use moat_store::timers::{Timer, TimerKind};
use moat_store::{Recorder, RecorderOptions, Store};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::watch;

use crate::exec::lockdown::Saved;

/// Timers claimed at most per look.
const CLAIM_BATCH: u32 = 200;

/// The store and its write-behind recorder, owned by the engine task.
pub struct Memory {
    pub store: Store,
    recorder: Recorder,
    strikes: UnboundedSender<StrikeWrite>,
}

/// A member's strikes, as the engine holds them after a punishment, to store.
#[derive(Debug, Clone, Copy, PartialEq)]
struct StrikeWrite {
    guild: GuildId,
    user: UserId,
    strikes: f32,
    at: Millis,
}

/// A lockdown still in force at start-up.
#[derive(Debug)]
pub struct KeptLockdown {
    pub guild: GuildId,
    /// What to restore at its end (`None`: moat did not save it; the end then only lifts
    /// the pauses).
    pub saved: Option<Saved>,
}

/// What a restart brought back.
#[derive(Debug, Default)]
pub struct Restored {
    /// Members seeded with strikes or a containment.
    pub members: usize,
    /// Guilds still locked down.
    pub lockdowns: Vec<KeptLockdown>,
    /// Each guild's `/moat setting` overrides, as stored.
    pub settings: BTreeMap<GuildId, String>,
}

/// What the store says of one member, to seed the engine with.
#[derive(Debug, Clone, Copy, Default)]
struct Seed {
    strikes: f32,
    at: Millis,
    contained_until: Millis,
}

/// A timer that came due, to carry out.
#[derive(Debug, Clone)]
pub struct Fired(pub Timer);

impl Memory {
    /// Starts the recorder and the strike writer on the current runtime.
    pub fn start(store: Store) -> Result<Memory, String> {
        let recorder = Recorder::spawn(store.clone(), RecorderOptions::default()).map_err(|e| e.to_string())?;
        let (tx, mut rx) = unbounded_channel::<StrikeWrite>();
        let writer = store.clone();
        tokio::spawn(async move {
            while let Some(w) = rx.recv().await {
                let r = match writer.guild(w.guild) {
                    Ok(g) => g.set_strikes(w.user, w.strikes, w.at).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = r {
                    tracing::warn!("strikes of a member not stored: {e}");
                }
            }
        });
        Ok(Memory { store, recorder, strikes: tx })
    }

    /// Hands the actions to the recorder (never waits) and queues the strikes of the
    /// members they punished.
    pub fn record(&self, actions: &[Action], engine: &Engine) {
        for a in actions {
            // A refusal (queue full) is counted and reported by the recorder itself.
            let _ = self.recorder.record(a.clone());
            if matches!(a.kind, ActionKind::Timeout | ActionKind::Silence | ActionKind::Kick | ActionKind::Ban) {
                for &u in &a.user_ids {
                    if let Some(s) = engine.user_state(a.guild_id, u) {
                        let w = StrikeWrite { guild: a.guild_id, user: u, strikes: s.strikes, at: s.strikes_at };
                        let _ = self.strikes.send(w);
                    }
                }
            }
        }
    }

    /// How far the store's writes trail the engine (see [`Recorder::write_lag`]).
    pub fn write_lag(&self) -> std::time::Duration {
        self.recorder.write_lag()
    }

    /// Schedules `t` again for `due` (a lockdown whose raid is still going on).
    pub fn reschedule(&self, t: &Timer, due: u64, now: u64) {
        let (store, t) = (self.store.clone(), t.clone());
        tokio::spawn(async move {
            let r = match store.guild(t.guild_id) {
                Ok(g) => g.schedule(t.kind, t.user_id, t.incident, due, now).await.map(|_| ()),
                Err(e) => Err(e),
            };
            if let Err(e) = r {
                tracing::warn!("the end of guild {}'s lockdown could not be moved: {e}", t.guild_id);
            }
        });
    }

    /// Seeds `engine` from the store; see the module's documentation.
    pub async fn restore(&self, engine: &mut Engine, now: u64) -> Result<Restored, moat_store::StoreError> {
        let mut restored = Restored::default();
        for g in self.store.guild_ids().await? {
            let scope = self.store.guild(g)?;
            let mut members: HashMap<UserId, Seed> = HashMap::new();
            for s in scope.strike_rows().await? {
                members.insert(s.user_id, Seed { strikes: s.strikes, at: s.at, contained_until: 0 });
            }
            for t in scope.pending_timers().await? {
                let Some(u) = t.user_id else { continue };
                if matches!(t.kind, TimerKind::LiftTimeout | TimerKind::EndSilence | TimerKind::Unban) {
                    let e = members.entry(u).or_insert(Seed { at: now.min(t.created_at), ..Seed::default() });
                    e.contained_until = e.contained_until.max(t.due_at);
                }
            }
            restored.members += members.len();
            for (u, s) in members {
                engine.seed_member(g, u, s.strikes, s.at, s.contained_until);
            }
            if let Some(s) = scope.settings().await? {
                restored.settings.insert(g, s.toml);
            }
        }
        for l in self.store.active_lockdowns().await? {
            let saved = self.store.guild(l.guild_id)?.lockdown_state().await?;
            restored
                .lockdowns
                .push(KeptLockdown { guild: l.guild_id, saved: saved.as_deref().and_then(Saved::from_json) });
        }
        Ok(restored)
    }

    /// Flushes what was handed over and stops the recorder.
    pub async fn shutdown(self) {
        let stats = self.recorder.shutdown().await;
        if stats.refused + stats.failed > 0 {
            tracing::error!("{} action(s) could not be recorded in the store", stats.refused + stats.failed);
        }
    }
}

/// What a due timer means: the action to carry out and record. A lockdown's end is an
/// `unlock` of its incident (which closes the incident in the store); a silence's end or a
/// timed ban's end are lifted by the executor ([`crate::exec::Job::Lift`]); a timeout
/// lapses on Discord's side by itself.
pub fn unlock_for(t: &Timer) -> Action {
    Action::new(
        t.due_at,
        t.guild_id,
        ActionKind::Unlock,
        Detector::Raid,
        "lockdown over: its planned end has come".into(),
    )
    .incident(t.incident)
}

/// Claims due timers every `every` until `stop`, handing each to the engine task once.
pub async fn run_timers(
    store: Store,
    clock: crate::Clock,
    every: Duration,
    out: UnboundedSender<Fired>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let now = clock.now_ms();
        if now == 0 {
            continue;
        }
        match store.claim_due_timers(now, CLAIM_BATCH).await {
            Ok(timers) => {
                for t in timers {
                    if out.send(Fired(t)).is_err() {
                        return;
                    }
                }
            }
            Err(e) => tracing::warn!("cannot read due timers: {e}"),
        }
    }
}
