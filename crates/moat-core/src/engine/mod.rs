//! The engine: Discord events in, moderation actions out.
//!
//! [`Engine::handle`] takes one gateway event and the time it happened, updates per-guild
//! state and appends the actions it decides to `out`. It does no I/O and reads no clock, so
//! the live bot, `moat replay`, `moat demo` and the tests all get the same answer from the
//! same events, and an hour of traffic replays in milliseconds.
//!
//! The work is split by what arrives: [`message`] judges messages and edits, [`join`]
//! judges arrivals (raids, scrapers), and [`respond`] turns detectors' findings into actions
//! (exemptions, escalation, deletion, evidence). Timers (a raid going quiet) fire from
//! [`Engine::advance`], which every event calls first with its own time.

mod join;
mod message;
mod respond;

use crate::idmap::IdMap;

use twilight_model::gateway::{event::Event, payload::incoming::GuildCreate};

use crate::action::{Action, Millis};
use crate::config::Config;
use crate::detect::{campaign::CampaignWatch, raid::RaidWatch, scraper::ScraperWatch};
use crate::guild::GuildInfo;
use crate::input::{JoinIn, MessageIn};
use crate::links::{LinkJudge, NoLinks};
use crate::recent::Recent;
use crate::snowflake::MINUTE;
use crate::user::UserState;

/// How long a guild's recent messages are kept for deletion and evidence.
const RECENT_KEEP: Millis = 30_000;
/// How often idle state is swept, in event time.
const SWEEP_EVERY: Millis = MINUTE;
/// A member with nothing pending is forgotten after this long without activity.
const USER_IDLE: Millis = 10 * MINUTE;

/// Everything the engine keeps about one guild.
#[derive(Debug, Clone)]
pub(crate) struct GuildState {
    pub info: GuildInfo,
    pub users: IdMap<UserState>,
    pub raid: RaidWatch,
    pub campaigns: CampaignWatch,
    pub recent: Recent,
}

impl Default for GuildState {
    fn default() -> Self {
        Self {
            info: GuildInfo::default(),
            users: IdMap::default(),
            raid: RaidWatch::default(),
            campaigns: CampaignWatch::default(),
            recent: Recent::new(RECENT_KEEP),
        }
    }
}

/// Counts that show what the engine holds, for benchmarks and `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EngineStats {
    pub guilds: usize,
    pub users: usize,
    pub recent_messages: usize,
    pub scraper_tracks: usize,
    /// Heap bytes of per-member state (the users' maps).
    pub user_bytes: usize,
    /// A rough count of heap bytes held by engine state, per-member state included.
    pub approx_bytes: usize,
}

/// The decision engine. See the [module documentation](self).
pub struct Engine {
    config: Config,
    judge: Box<dyn LinkJudge>,
    guilds: IdMap<GuildState>,
    /// Guilds in a raid, whose timers [`Engine::advance`] checks.
    raiding: Vec<u64>,
    scrapers: ScraperWatch,
    now: Millis,
    next_sweep: Millis,
}

impl Engine {
    /// An engine with this configuration and link judge.
    pub fn new(config: Config, judge: Box<dyn LinkJudge>) -> Self {
        Self {
            config,
            judge,
            guilds: IdMap::default(),
            raiding: Vec::new(),
            scrapers: ScraperWatch::default(),
            now: 0,
            next_sweep: 0,
        }
    }

    /// An engine with default settings that ignores links.
    pub fn with_defaults() -> Self {
        Self::new(Config::default(), Box::new(NoLinks))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the configuration (a moderator changed a setting). State is kept; new
    /// thresholds apply from the next event.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }

    /// The current engine time: the latest event time seen.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Handles one gateway event that happened at `ts` (unix ms).
    pub fn handle(&mut self, ts: Millis, event: &Event, out: &mut Vec<Action>) {
        self.advance(ts, out);
        let now = self.now;
        match event {
            Event::GuildCreate(gc) => {
                if let GuildCreate::Available(g) = &**gc {
                    self.guilds.entry(g.id.get()).or_default().info = GuildInfo::from_guild(g);
                }
            }
            Event::GuildUpdate(gu) => {
                let info = &mut self.guilds.entry(gu.id.get()).or_default().info;
                info.owner_id = gu.owner_id.get();
                info.name.clone_from(&gu.name);
                for role in &gu.roles {
                    info.set_role(gu.id.get(), role);
                }
            }
            Event::GuildDelete(gd) if !gd.unavailable.unwrap_or(false) => {
                // moat left the guild (or it was deleted): drop everything about it.
                self.guilds.remove(&gd.id.get());
                self.raiding.retain(|&g| g != gd.id.get());
            }
            Event::RoleCreate(rc) => {
                self.guilds.entry(rc.guild_id.get()).or_default().info.set_role(rc.guild_id.get(), &rc.role);
            }
            Event::RoleUpdate(ru) => {
                self.guilds.entry(ru.guild_id.get()).or_default().info.set_role(ru.guild_id.get(), &ru.role);
            }
            Event::RoleDelete(rd) => {
                self.guilds.entry(rd.guild_id.get()).or_default().info.remove_role(rd.role_id.get());
            }
            Event::MemberAdd(ma) => self.on_join(now, ma.guild_id.get(), &JoinIn::from_member_add(ma), out),
            Event::MessageCreate(mc) => {
                if let (Some(g), Some(m)) = (mc.guild_id, MessageIn::from_message(&mc.message, false)) {
                    self.on_message(now, g.get(), &m, out);
                }
            }
            Event::MessageUpdate(mu) => {
                if let (Some(g), Some(m)) = (mu.guild_id, MessageIn::from_message(&mu.as_ref().0, true)) {
                    self.on_message(now, g.get(), &m, out);
                }
            }
            Event::AutoModerationActionExecution(e) => {
                self.on_automod(now, e.guild_id.get(), e.user_id.get(), e.rule_trigger_type, out);
            }
            _ => {}
        }
    }

    /// Moves engine time to `ts` (never backwards), firing due timers and sweeping idle state.
    pub fn advance(&mut self, ts: Millis, out: &mut Vec<Action>) {
        if ts > self.now {
            self.now = ts;
        }
        let now = self.now;
        if !self.raiding.is_empty() {
            let raiding = std::mem::take(&mut self.raiding);
            for gid in raiding {
                if !self.end_raid_if_due(gid, now, out) {
                    self.raiding.push(gid);
                }
            }
        }
        if now >= self.next_sweep {
            self.sweep(now);
            self.next_sweep = now + SWEEP_EVERY;
        }
    }

    /// Fires every pending timer as if time ran on with no more events: what a capture's
    /// end would have led to. Returns the time of the last timer fired.
    pub fn drain(&mut self, out: &mut Vec<Action>) -> Millis {
        while let Some(due) = self
            .raiding
            .iter()
            .filter_map(|g| {
                let s = &self.config.for_guild(*g).raid;
                self.guilds.get(g).and_then(|st| st.raid.deadline(s))
            })
            .min()
        {
            // Ending a raid takes its guild out of `raiding`, so each turn fires at least one.
            self.advance(due.max(self.now), out);
        }
        self.now
    }

    fn sweep(&mut self, now: Millis) {
        for (gid, g) in self.guilds.iter_mut() {
            let s = self.config.for_guild(*gid);
            let strike_decay = u64::from(s.escalation.strike_decay_hours) * crate::snowflake::HOUR;
            g.users.retain(|_, u| !u.is_idle(now, USER_IDLE, strike_decay));
            g.recent.expire(now);
            g.campaigns.sweep(&s.campaign, now);
            g.raid.sweep(&s.raid, now);
        }
        self.scrapers.sweep(&self.config.defaults.scraper, now);
    }

    /// What the engine holds now.
    pub fn stats(&self) -> EngineStats {
        let mut st =
            EngineStats { guilds: self.guilds.len(), scraper_tracks: self.scrapers.tracked(), ..Default::default() };
        for g in self.guilds.values() {
            st.users += g.users.len();
            st.recent_messages += g.recent.len();
            let user_bytes = g.users.capacity() * (8 + std::mem::size_of::<UserState>() + 1);
            st.user_bytes += user_bytes;
            st.approx_bytes += user_bytes + g.recent.heap_bytes() + g.raid.heap_bytes() + g.campaigns.heap_bytes();
        }
        st
    }

    /// The state of one member, if the engine holds any (for `status` commands and tests).
    pub fn user_state(&self, guild_id: u64, user_id: u64) -> Option<&UserState> {
        self.guilds.get(&guild_id)?.users.get(&user_id)
    }

    /// Restores what a store remembers of a member after a restart: strikes held at `at`,
    /// and a containment running until `contained_until` (0 for none), so a repeat offender
    /// does not start again from the first rung and a contained member's posts are still
    /// deleted.
    pub fn seed_member(&mut self, guild_id: u64, user_id: u64, strikes: f32, at: Millis, contained_until: Millis) {
        let u = self.guilds.entry(guild_id).or_default().users.entry(user_id).or_default();
        u.strikes = strikes.max(0.0);
        u.strikes_at = at;
        u.contained_until = u.contained_until.max(contained_until);
        u.last_seen = u.last_seen.max(at);
    }

    /// Whether the guild is in a raid now.
    pub fn in_raid(&self, guild_id: u64) -> bool {
        self.guilds.get(&guild_id).is_some_and(|g| g.raid.in_raid())
    }

    /// The members of the guild's current raid, in the order they were found.
    pub fn raid_members(&self, guild_id: u64) -> Vec<u64> {
        match self.guilds.get(&guild_id).map(|g| &g.raid.phase) {
            Some(crate::detect::raid::Phase::Raid(r)) => r.members.clone(),
            _ => Vec::new(),
        }
    }

    /// A moderator ends the guild's raid now: the unlock and the summary alert follow as
    /// if it had gone quiet. Returns whether there was a raid to end.
    pub fn end_raid(&mut self, guild_id: u64, ts: Millis, by: &str, out: &mut Vec<Action>) -> bool {
        self.advance(ts, out);
        let now = self.now;
        let ended = self.guilds.get_mut(&guild_id).and_then(|g| g.raid.end_now(by));
        let Some(ended) = ended else { return false };
        self.raiding.retain(|&g| g != guild_id);
        self.raid_ended(guild_id, now, ended, out);
        true
    }
}

#[cfg(test)]
mod tests;
