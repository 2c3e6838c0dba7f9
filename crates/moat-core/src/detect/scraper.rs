//! Scrapers: one account joining many of the guilds this process protects, and never
//! speaking (the Spy.pet pattern: harvest messages from thousands of public servers).
//!
//! No single guild can see this; a guard protecting many can. The watch remembers, per
//! account, which protected guilds it joined within `window_hours` and whether it said
//! anything in any of them. At `min_guilds` silent joins it flags the account to the
//! moderators of every guild it joined. It keeps one small entry per recent joiner, and only
//! while the process protects enough guilds for the pattern to show; all of it expires.

use crate::idmap::IdMap;

use crate::action::Millis;
use crate::config::ScraperSettings;
use crate::id::{GuildId, UserId};
use crate::time::HOUR;

/// One join of a protected guild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SeenJoin {
    at: Millis,
    guild: GuildId,
}

#[derive(Debug, Clone, Default)]
struct Track {
    /// Joins within the window, oldest first.
    joins: Vec<SeenJoin>,
    spoke: bool,
    /// Guilds already told.
    flagged: Vec<GuildId>,
}

/// A silent multi-guild joiner to flag in these guilds.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    pub user_id: UserId,
    /// Guilds to tell now (those not told before).
    pub guilds: Vec<GuildId>,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct ScraperWatch {
    users: IdMap<UserId, Track>,
}

impl ScraperWatch {
    pub fn on_join(&mut self, s: &ScraperSettings, now: Millis, user_id: UserId, guild_id: GuildId) -> Option<Flagged> {
        if !s.enabled {
            return None;
        }
        let window = u64::from(s.window_hours) * HOUR;
        let track = self.users.entry(user_id).or_default();
        track.joins.retain(|j| now.saturating_sub(j.at) < window && j.guild != guild_id);
        track.joins.push(SeenJoin { at: now, guild: guild_id });
        if track.spoke || (track.joins.len() as u32) < s.min_guilds {
            return None;
        }
        let guilds: Vec<GuildId> = track.joins.iter().map(|j| j.guild).filter(|g| !track.flagged.contains(g)).collect();
        track.flagged.extend(&guilds);
        let span = now.saturating_sub(track.joins[0].at);
        Some(Flagged {
            user_id,
            guilds,
            reason: format!(
                "possible scraper: joined {} protected servers within {} and has not said a word in any",
                track.joins.len(),
                crate::action::human_duration(span.max(1000))
            ),
        })
    }

    /// The user said something somewhere: a speaking account is not a silent scraper.
    pub fn on_message(&mut self, user_id: UserId) {
        if let Some(t) = self.users.get_mut(&user_id) {
            t.spoke = true;
        }
    }

    /// Forgets accounts whose joins are all older than the window.
    pub fn sweep(&mut self, s: &ScraperSettings, now: Millis) {
        let window = u64::from(s.window_hours) * HOUR;
        self.users.retain(|_, t| t.joins.last().is_some_and(|j| now.saturating_sub(j.at) < window));
    }

    pub fn tracked(&self) -> usize {
        self.users.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const U7: UserId = UserId(7);

    #[test]
    fn silent_joiner_of_many_guilds_is_flagged_in_each() {
        let s = ScraperSettings::default();
        let mut w = ScraperWatch::default();
        assert!(w.on_join(&s, 0, U7, GuildId(100)).is_none());
        assert!(w.on_join(&s, HOUR, U7, GuildId(101)).is_none());
        // Three sister servers are what a real person joins: not yet.
        assert!(w.on_join(&s, 2 * HOUR, U7, GuildId(102)).is_none());
        let f = w.on_join(&s, 3 * HOUR, U7, GuildId(103)).expect("fourth guild");
        assert_eq!(f.guilds, vec![GuildId(100), GuildId(101), GuildId(102), GuildId(103)]);
        assert!(f.reason.contains("4 protected servers within 3 h"), "{}", f.reason);
        let g = w.on_join(&s, 4 * HOUR, U7, GuildId(104)).expect("a fifth guild is told too");
        assert_eq!(g.guilds, vec![GuildId(104)]);
    }

    #[test]
    fn speakers_and_slow_joiners_are_left_alone() {
        let s = ScraperSettings::default();
        let mut w = ScraperWatch::default();
        w.on_join(&s, 0, UserId(8), GuildId(100));
        w.on_message(UserId(8));
        w.on_join(&s, 1, UserId(8), GuildId(101));
        assert!(w.on_join(&s, 2, UserId(8), GuildId(102)).is_none());
        for (i, g) in [200, 201, 202].into_iter().enumerate() {
            assert!(w.on_join(&s, i as u64 * 7 * HOUR, UserId(9), GuildId(g)).is_none());
        }
        w.sweep(&s, 100 * HOUR);
        assert_eq!(w.tracked(), 0);
    }

    #[test]
    fn rejoining_one_guild_counts_once() {
        let s = ScraperSettings::default();
        let mut w = ScraperWatch::default();
        for t in 0..5 {
            assert!(w.on_join(&s, t, UserId(9), GuildId(100)).is_none());
        }
    }
}
