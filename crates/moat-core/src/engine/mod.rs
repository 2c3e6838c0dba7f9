//! The engine: events in, moderation actions out.
//!
//! [`Engine::handle`] takes one [`Event`] (the engine's own input model, which each
//! platform's adapter translates into) and the time it happened, updates per-guild
//! state and appends the actions it decides to `out`. It does no I/O and reads no clock, so
//! the live bot, `moat replay`, `moat demo` and the tests all get the same answer from the
//! same events, and an hour of traffic replays in milliseconds.
//!
//! The work is split by what arrives: [`message`] judges messages and edits, [`join`]
//! judges arrivals (raids, scrapers), and [`respond`] turns detectors' findings into actions
//! (exemptions, escalation, deletion, evidence). Timers (a raid going quiet) fire from
//! [`Engine::advance`], which every event calls first with its own time.

mod burst;
mod crossguild;
mod fedi;
mod fedi_state;
mod join;
mod lure;
mod message;
mod respond;

use crate::action::{Action, Millis};
use crate::config::{Config, Settings};
use crate::detect::{
    burst::BurstWatch, campaign::CampaignWatch, crossguild::CrossGuildWatch, raid::RaidWatch, scraper::ScraperWatch,
};
use crate::event::Event;
use crate::guild::GuildInfo;
use crate::id::{GuildId, UserId};
use crate::idmap::IdMap;
use crate::links::{LinkJudge, NoLinks};
use crate::recent::Recent;
use crate::time::{HOUR, MINUTE};
use crate::user::UserState;

/// How long a guild's recent messages are kept for deletion and evidence.
pub(crate) const RECENT_KEEP: Millis = 30_000;
/// How often idle state is swept, in event time.
const SWEEP_EVERY: Millis = MINUTE;
/// A member with nothing pending is forgotten after this long without activity.
const USER_IDLE: Millis = 10 * MINUTE;

/// How long messages a campaign tracks are held for its deletions' evidence: as long as the
/// campaign watch remembers them.
fn held_for(s: &Settings) -> Millis {
    u64::from(s.campaign.account_window_secs.max(s.campaign.channel_window_secs)) * 1000
}

/// Everything the engine keeps about one guild.
#[derive(Debug, Clone)]
pub(crate) struct GuildState {
    pub info: GuildInfo,
    pub users: IdMap<UserId, UserState>,
    pub raid: RaidWatch,
    pub campaigns: CampaignWatch,
    pub burst: BurstWatch,
    pub recent: Recent,
}

impl Default for GuildState {
    fn default() -> Self {
        Self {
            info: GuildInfo::default(),
            users: IdMap::default(),
            raid: RaidWatch::default(),
            campaigns: CampaignWatch::default(),
            burst: BurstWatch::default(),
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
    guilds: IdMap<GuildId, GuildState>,
    /// Guilds in a raid, whose timers [`Engine::advance`] checks.
    raiding: Vec<GuildId>,
    scrapers: ScraperWatch,
    /// Fediverse servers' state (see [`fedi`]), their thresholds, and those in a wave.
    fedi: IdMap<GuildId, fedi_state::FediServer>,
    fedi_settings: crate::detect::fedi_settings::FediSettings,
    fedi_raiding: Vec<GuildId>,
    /// Campaigns across the guilds this process (or cluster) protects.
    cross: CrossGuildWatch,
    /// The secret cross-guild fingerprints are keyed with ([`Engine::set_fingerprint_secret`]).
    cross_secret: u64,
    /// In a guild whose roles were never announced, only alert ([`Engine::alert_only_without_roles`]).
    alert_only_unknown: bool,
    now: Millis,
    next_sweep: Millis,
}

impl Engine {
    /// An engine with this configuration and link judge.
    pub fn new(config: Config, judge: Box<dyn LinkJudge>) -> Self {
        let fedi_settings = config.defaults.fedi.settings();
        Self {
            config,
            judge,
            guilds: IdMap::default(),
            raiding: Vec::new(),
            scrapers: ScraperWatch::default(),
            fedi: IdMap::default(),
            fedi_settings,
            fedi_raiding: Vec::new(),
            cross: CrossGuildWatch::default(),
            cross_secret: crate::detect::crossguild::FIXED_SECRET,
            alert_only_unknown: false,
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
        self.fedi_settings = config.defaults.fedi.settings();
        self.config = config;
    }

    /// The current engine time: the latest event time seen.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Handles one event that happened at `ts` (unix ms).
    pub fn handle(&mut self, ts: Millis, event: &Event, out: &mut Vec<Action>) {
        let first = out.len();
        self.handle_inner(ts, event, out);
        if self.alert_only_unknown && out.len() > first {
            self.only_alert_where_roles_unknown(&mut out[first..]);
        }
    }

    /// In a guild whose roles moat has not seen (no `GUILD_CREATE`), it cannot tell
    /// moderators from members: when [`alert_only_without_roles`](Self::alert_only_without_roles)
    /// is on, every action there becomes an alert that says what moat would have done and why
    /// it did not.
    pub fn alert_only_without_roles(&mut self, on: bool) {
        self.alert_only_unknown = on;
    }

    fn only_alert_where_roles_unknown(&self, actions: &mut [Action]) {
        for a in actions {
            // A fediverse server has no roles to learn: its admins are not among the accounts
            // the engine judges (the admin API acts for them), so nothing waits on a GUILD_CREATE.
            let known =
                self.guilds.get(&a.guild_id).is_some_and(|g| g.info.known) || self.fedi.contains_key(&a.guild_id);
            if known {
                continue;
            }
            let acts = !matches!(a.kind, crate::action::ActionKind::Alert | crate::action::ActionKind::Flag);
            let what = if acts { format!("would have done `{}`, but ", a.kind) } else { String::new() };
            a.reason = format!(
                "{} [moat {what}only alerts here: this guild's roles are unknown (no GUILD_CREATE seen), so it cannot \
                 tell moderators from members]",
                a.reason
            );
            if acts {
                a.kind = crate::action::ActionKind::Alert;
                a.duration_ms = None;
            }
        }
    }

    fn handle_inner(&mut self, ts: Millis, event: &Event, out: &mut Vec<Action>) {
        self.advance(ts, out);
        let now = self.now;
        match event {
            Event::GuildKnown(g) => self.guilds.entry(g.guild).or_default().info.update(g),
            Event::GuildGone(g) => {
                // moat left the guild (or it was deleted): drop everything about it.
                self.guilds.remove(&g.guild);
                self.raiding.retain(|&r| r != g.guild);
            }
            Event::RoleUpserted(r) => self.guilds.entry(r.guild).or_default().info.set_role(&r.role),
            Event::RoleRemoved(r) => self.guilds.entry(r.guild).or_default().info.remove_role(r.role),
            Event::MemberJoined(j) => self.on_join(now, j, out),
            Event::MemberLeft(_) => {}
            Event::Message(m) => self.on_message(now, m, out),
            Event::AutoModHit(h) => self.on_automod(now, h, out),
            Event::FediAccount(a) => self.on_fedi_account(now, a, out),
            Event::FediStatus(st) => self.on_fedi_status(now, st, out),
            Event::FediReport(r) => self.on_fedi_report(now, r, out),
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
        if !self.fedi_raiding.is_empty() {
            self.fedi_advance(now, out);
        }
        if now >= self.next_sweep {
            self.sweep(now);
            self.next_sweep = now + SWEEP_EVERY;
        }
    }

    /// Fires every pending timer as if time ran on with no more events: what a capture's
    /// end would have led to. Returns the time of the last timer fired.
    pub fn drain(&mut self, out: &mut Vec<Action>) -> Millis {
        let first = out.len();
        let t = self.drain_inner(out);
        if self.alert_only_unknown && out.len() > first {
            self.only_alert_where_roles_unknown(&mut out[first..]);
        }
        t
    }

    fn drain_inner(&mut self, out: &mut Vec<Action>) -> Millis {
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
        while let Some(due) = self.fedi_deadline() {
            self.advance(due.max(self.now), out);
        }
        self.now
    }

    fn sweep(&mut self, now: Millis) {
        for (gid, g) in self.guilds.iter_mut() {
            let s = self.config.for_guild(*gid);
            let strike_decay = u64::from(s.escalation.strike_decay_hours) * HOUR;
            g.users.retain(|_, u| !u.is_idle(now, USER_IDLE, strike_decay));
            // A map that emptied out (a raid's guild gone quiet) is swept by its capacity:
            // give most of it back.
            if g.users.capacity() > 64 && g.users.len() < g.users.capacity() / 8 {
                g.users.shrink_to(g.users.len() * 2);
            }
            g.recent.expire(now, held_for(s));
            g.campaigns.sweep(&s.campaign, now);
            g.raid.sweep(&s.raid, now);
            if g.raid.burst_span(now).is_none() && !g.raid.in_raid() {
                g.burst.close();
            }
        }
        self.scrapers.sweep(&self.config.defaults.scraper, now);
        self.fedi_sweep(now);
        self.cross.sweep(&self.config.defaults.cross_guild, now);
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
            st.approx_bytes += user_bytes
                + g.recent.heap_bytes()
                + g.raid.heap_bytes()
                + g.campaigns.heap_bytes()
                + g.burst.heap_bytes();
        }
        for f in self.fedi.values() {
            st.users += f.users.len();
            st.approx_bytes += f.heap_bytes();
        }
        st
    }

    /// Replaces the fediverse detectors' thresholds.
    pub fn set_fedi_settings(&mut self, s: crate::detect::fedi_settings::FediSettings) {
        self.fedi_settings = s;
    }

    /// The state of one member, if the engine holds any (for `status` commands and tests).
    pub fn user_state(&self, guild_id: GuildId, user_id: UserId) -> Option<&UserState> {
        self.guilds.get(&guild_id)?.users.get(&user_id)
    }

    /// Restores what a store remembers of a member after a restart: strikes held at `at`,
    /// and a containment running until `contained_until` (0 for none), so a repeat offender
    /// does not start again from the first rung and a contained member's posts are still
    /// deleted.
    pub fn seed_member(
        &mut self,
        guild_id: GuildId,
        user_id: UserId,
        strikes: f32,
        at: Millis,
        contained_until: Millis,
    ) {
        let u = self.guilds.entry(guild_id).or_default().users.entry(user_id).or_default();
        u.strikes = strikes.max(0.0);
        u.strikes_at = at;
        u.contained_until = u.contained_until.max(contained_until);
        u.last_seen = u.last_seen.max(at);
    }

    /// The members of a guild under the most flood pressure at `ts`, highest first, at most
    /// `n`, with the limit that pressure is judged against: what a moderator's overview
    /// shows. Pressure drains linearly between messages, so it is computed for `ts`, not
    /// read as the last message left it.
    pub fn top_pressure(&self, guild_id: GuildId, ts: Millis, n: usize) -> (Vec<(UserId, f32)>, f32) {
        let s = &self.config.for_guild(guild_id).pressure;
        let Some(g) = self.guilds.get(&guild_id) else { return (Vec::new(), s.limit) };
        let mut top: Vec<(UserId, f32)> = g
            .users
            .iter()
            .map(|(&u, st)| {
                let elapsed = ts.saturating_sub(st.last_msg) as f32 / 1000.0;
                (u, (st.pressure - elapsed / s.decay_secs.max(0.001) * s.decay).max(0.0))
            })
            .filter(|&(_, p)| p > 0.0)
            .collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(n);
        (top, s.limit)
    }

    /// Whether the guild is in a raid now.
    pub fn in_raid(&self, guild_id: GuildId) -> bool {
        self.guilds.get(&guild_id).is_some_and(|g| g.raid.in_raid())
    }

    /// The members of the guild's current raid, in the order they were found.
    pub fn raid_members(&self, guild_id: GuildId) -> Vec<UserId> {
        match self.guilds.get(&guild_id).map(|g| &g.raid.phase) {
            Some(crate::detect::raid::Phase::Raid(r)) => r.members.clone(),
            _ => Vec::new(),
        }
    }

    /// A moderator ends the guild's raid now: the unlock and the summary alert follow as
    /// if it had gone quiet. Returns whether there was a raid to end.
    pub fn end_raid(&mut self, guild_id: GuildId, ts: Millis, by: &str, out: &mut Vec<Action>) -> bool {
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
