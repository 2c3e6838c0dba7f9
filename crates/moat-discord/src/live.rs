//! What the dashboard and the operator's metrics read of the running bot, published by the
//! engine task about once a second.
//!
//! The engine is owned by one task and answers no questions from outside, so the task
//! itself writes down, on its tick, what the dashboard's overview shows (each guild in a
//! raid or not, the ten members under the most flood pressure, by name) into
//! [`Shared::snapshots`], and sets the gauges only the bot knows: raids and lockdowns active,
//! queue depths, the store's write lag. Nothing of it is done while no dashboard is
//! attached. Names are kept only for members on a published list, and only for as long as
//! they are on it.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use moat_core::id::{GuildId, UserId};
use moat_core::Engine;
use moat_http::{GuildMode, GuildSnapshot, Pressured};

use crate::memory::Memory;
use crate::shared::{lock, Shared};

/// Ticks between publications (the engine task ticks every 200 ms).
const EVERY_TICKS: u32 = 5;
/// Members listed per guild.
const TOP: usize = 10;
/// The event kind the tap carries to say "a guild's state changed, reload it" (no event's
/// kind: see [`crate::bot::event_kind`]).
pub const STATE_CHANGED: &str = "state";

/// The engine task's publisher.
#[derive(Default)]
pub struct Publisher {
    ticks: u32,
    /// Members' names as their last message gave them.
    names: HashMap<(GuildId, UserId), String>,
}

fn attached(shared: &Shared) -> bool {
    lock(&shared.events_tap).is_some() || lock(&shared.metrics).is_some()
}

/// A snapshot's look, for telling whether the page needs a reload: pressure in whole points.
fn look(s: &GuildSnapshot) -> (GuildMode, Vec<(UserId, i32)>) {
    (s.mode, s.pressure.iter().map(|p| (p.user, p.pressure.round() as i32)).collect())
}

impl Publisher {
    /// Notes the name an event gives its author, while a dashboard is attached.
    pub fn note(&mut self, shared: &Shared, event: &moat_core::Event<'_>) {
        if let moat_core::Event::Message(m) = event {
            if attached(shared) {
                self.names.insert((m.guild, m.author), m.author_name.to_string());
            }
        }
    }

    /// Called on every tick; publishes on one in [`EVERY_TICKS`].
    pub fn tick(&mut self, engine: &Engine, shared: &Shared, now: u64, inbox: usize, memory: Option<&Memory>) {
        self.ticks += 1;
        if self.ticks < EVERY_TICKS || !attached(shared) {
            return;
        }
        self.ticks = 0;
        let guilds: Vec<GuildId> = lock(&shared.guild_names).keys().copied().collect();
        let mut snaps = HashMap::with_capacity(guilds.len());
        let mut raids = 0;
        for g in guilds {
            let in_raid = engine.in_raid(g);
            raids += i64::from(in_raid);
            let (top, limit) = engine.top_pressure(g, now, TOP);
            let pressure = top
                .into_iter()
                .map(|(user, pressure)| Pressured {
                    user,
                    name: self.names.get(&(g, user)).cloned().unwrap_or_default(),
                    pressure,
                    limit,
                })
                .collect();
            let mode = if in_raid { GuildMode::Raid { until: None } } else { GuildMode::Normal };
            snaps.insert(g, GuildSnapshot { mode, pressure });
        }
        self.names.retain(|(g, u), _| snaps.get(g).is_some_and(|s| s.pressure.iter().any(|p| p.user == *u)));
        let changed: Vec<GuildId> = {
            let old = lock(&shared.snapshots);
            snaps.iter().filter(|(g, s)| old.get(g).map(look) != Some(look(s))).map(|(g, _)| *g).collect()
        };
        *lock(&shared.snapshots) = snaps;
        for g in changed {
            shared.tap_event(g, STATE_CHANGED);
        }
        if let Some(m) = shared.metrics() {
            m.raids_active(raids);
            m.lockdowns_active(shared.lockdowns.load(Ordering::Relaxed) as i64);
            m.queue_depth("engine_inbox", inbox as i64);
            m.queue_depth("executor", shared.outstanding.load(Ordering::Relaxed) as i64);
            m.queue_depth("raid_bans_held", shared.held_bans.load(Ordering::Relaxed) as i64);
            m.queue_depth("alerts", shared.alerts_dirty.load(Ordering::Relaxed) as i64);
            m.store_write_lag(memory.map_or(0.0, |mem| mem.write_lag().as_secs_f64()));
        }
    }
}
