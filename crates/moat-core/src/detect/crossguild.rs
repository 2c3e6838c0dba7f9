//! Campaigns across guilds: one account posting the same link or text into several of the
//! guilds moat protects, within minutes.
//!
//! Each guild sees the message once, so no guild's own detectors can tell; a guard that
//! protects many guilds can. A stolen account of long standing posting "verify here or lose
//! access" once in each of six guilds is the shape. One signal is not enough, though: a
//! streamer posts their own link in the guilds they help run, and announcements are
//! crossposted from followed channels (those arrive through webhooks, which the engine
//! never judges). So the same key in `min_guilds` guilds also needs a second sign
//! ([`Signs`]): lure text, a link the judge calls `suspicious` or `scam`, a mass ping, or a
//! link nobody else has posted (brand new to every guild moat sees). When the account
//! moderates one of the guilds hit, only a lure or the judge's verdict counts: a moderator
//! pinging their own guilds about their own link is running them, not raiding them.
//!
//! The state is keyed by user and small: per user, a few recent posts, each a keyed hash
//! of one of its keys ([`keyed`]), never the text. Input is a plain [`Fingerprint`]
//! observed one at a time ([`CrossGuildWatch::observe`]), so the cluster's cross-guild
//! stream (fingerprints from other processes) feeds the same detector.

use crate::action::{human_duration, Millis};
use crate::config::CrossGuildSettings;
use crate::hash::Fnv1a;
use crate::id::{ChannelId, GuildId, MessageId, UserId};
use crate::idmap::IdMap;

/// Posts remembered per user at most.
const MAX_POSTS: usize = 24;
/// Users tracked at most: bounds memory whatever the traffic.
const MAX_USERS: usize = 100_000;
/// Link keys remembered for "nobody else posted it" at most.
const MAX_LINKS: usize = 200_000;
/// How long a confirmed campaign's author is watched: their later posts of its keys in any
/// guild are contained at once.
const CONFIRMED_FOR: Millis = 3_600_000;

/// Second signs a post carries, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signs(pub u8);

impl Signs {
    pub const LURE: Signs = Signs(1);
    pub const VERDICT: Signs = Signs(2);
    pub const MASS_PING: Signs = Signs(4);
    pub const NEW_LINK: Signs = Signs(8);

    pub fn has(self, s: Signs) -> bool {
        self.0 & s.0 != 0
    }

    pub fn with(self, s: Signs, on: bool) -> Signs {
        if on {
            Signs(self.0 | s.0)
        } else {
            self
        }
    }

    /// The signs a moderator of one of the guilds needs: what the words and the judge say.
    fn strong(self) -> bool {
        self.has(Signs::LURE) || self.has(Signs::VERDICT)
    }

    fn describe(self) -> String {
        let mut v = Vec::new();
        for (s, name) in [
            (Signs::LURE, "lure text"),
            (Signs::VERDICT, "a link the checker distrusts"),
            (Signs::MASS_PING, "a mass ping"),
            (Signs::NEW_LINK, "a link nobody else posted"),
        ] {
            if self.has(s) {
                v.push(name);
            }
        }
        v.join(", ")
    }
}

/// One post, as the cross-guild watch sees it: who, where, a keyed hash per key, and its
/// signs. An adapter of the cluster sends the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub ts: Millis,
    pub user: UserId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub message: MessageId,
    /// Keyed hashes ([`keyed`]) of the post's links and normalised text.
    pub keys: Vec<u64>,
    /// Which of those keys are links (for "nobody else posted it").
    pub link_keys: Vec<u64>,
    pub signs: Signs,
    /// The author moderates this guild.
    pub moderator: bool,
}

/// A post of a campaign, to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub ts: Millis,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub message: MessageId,
    /// The author moderates that guild (moat alerts there and does not act).
    pub moderator: bool,
}

/// A campaign found: contain `user` in every guild of `hits` and delete them.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub user: UserId,
    pub hits: Vec<Hit>,
    /// Distinct guilds hit.
    pub guilds: usize,
    /// Said for every guild, with the guilds counted: "in 6 protected guilds within 40 s".
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Post {
    hit: Hit,
    key: u64,
    signs: Signs,
}

#[derive(Debug, Clone, Default)]
struct Track {
    posts: Vec<Post>,
    /// A confirmed campaign's keys are contained on sight until then.
    confirmed_until: Millis,
    confirmed: Vec<u64>,
}

/// Process-wide (or cluster-wide) cross-guild memory.
#[derive(Debug, Clone, Default)]
pub struct CrossGuildWatch {
    users: IdMap<UserId, Track>,
    /// Link key to (first seen, first poster): a link is new while only its first poster
    /// has posted it.
    links: IdMap<u64, (Millis, UserId)>,
}

/// The key of an engine no one gave one ([`crate::Engine::set_fingerprint_secret`]): the
/// deterministic paths (`moat replay`, `moat demo`, the dashboard's trial, tests) use it, so
/// the same capture always gives the same fingerprints. It is public and so guessable, which
/// is harmless only because those fingerprints never leave the process: `moat run` replaces
/// it with a random key per process, or with one derived from the cluster's secret.
pub const FIXED_SECRET: u64 = 0x6d6f_6174_2d72_6570; // "moat-rep"

/// A key hashed with the process's (or cluster's) secret, so the fingerprints that leave a
/// guild (to another process) reveal nothing that guessing a text could confirm without it.
pub fn keyed(secret: u64, key: u64) -> u64 {
    let mut h = Fnv1a::with_basis(crate::hash::OFFSET ^ secret);
    h.u64_le(key);
    h.finish()
}

impl CrossGuildWatch {
    /// Takes in one post; returns the campaign it completes or continues, if any.
    pub fn observe(&mut self, s: &CrossGuildSettings, fp: &Fingerprint) -> Option<Campaign> {
        if !s.enabled || fp.keys.is_empty() {
            return None;
        }
        let window = u64::from(s.window_secs) * 1000;
        let mut signs = fp.signs;
        for &k in &fp.link_keys {
            let first = self.links.get(&k).copied();
            match first {
                None if self.links.len() < MAX_LINKS => {
                    self.links.insert(k, (fp.ts, fp.user));
                    signs = signs.with(Signs::NEW_LINK, true);
                }
                Some((_, u)) if u == fp.user => signs = signs.with(Signs::NEW_LINK, true),
                Some(_) => {
                    // Someone else posted it: nobody's brand-new link any more.
                    self.links.insert(k, (fp.ts, UserId(0)));
                }
                None => {}
            }
        }
        if !self.users.contains_key(&fp.user) && self.users.len() >= MAX_USERS {
            return None;
        }
        let track = self.users.entry(fp.user).or_default();
        track.posts.retain(|p| fp.ts.saturating_sub(p.hit.ts) <= window);
        let hit = Hit { ts: fp.ts, guild: fp.guild, channel: fp.channel, message: fp.message, moderator: fp.moderator };
        for &key in &fp.keys {
            if track.posts.len() >= MAX_POSTS {
                track.posts.remove(0);
            }
            track.posts.push(Post { hit, key, signs });
        }
        if track.confirmed_until > fp.ts && fp.keys.iter().any(|k| track.confirmed.contains(k)) {
            let reason =
                "cross-guild campaign: posted again what this account posted into other protected guilds".into();
            return Some(Campaign { user: fp.user, hits: vec![hit], guilds: 1, reason });
        }
        let mut best: Option<Campaign> = None;
        for &key in &fp.keys {
            let posts: Vec<&Post> = track.posts.iter().filter(|p| p.key == key).collect();
            let mut guilds: Vec<GuildId> = posts.iter().map(|p| p.hit.guild).collect();
            guilds.sort_unstable();
            guilds.dedup();
            if (guilds.len() as u32) < s.min_guilds {
                continue;
            }
            let all = posts.iter().fold(Signs::default(), |a, p| Signs(a.0 | p.signs.0));
            let runs_one = posts.iter().any(|p| p.hit.moderator);
            if all.0 == 0 || (runs_one && !all.strong()) {
                continue;
            }
            if best.as_ref().is_some_and(|b| b.guilds >= guilds.len()) {
                continue;
            }
            let mut hits: Vec<Hit> = posts.iter().map(|p| p.hit).collect();
            hits.dedup_by_key(|h| h.message);
            let secs = fp.ts.saturating_sub(hits[0].ts).max(1000);
            let reason = format!(
                "cross-guild campaign: the same {} posted into {} protected guilds within {} ({})",
                if fp.link_keys.contains(&key) { "link" } else { "text" },
                guilds.len(),
                human_duration(secs),
                all.describe()
            );
            best = Some(Campaign { user: fp.user, hits, guilds: guilds.len(), reason });
        }
        if best.is_some() {
            track.confirmed_until = fp.ts + CONFIRMED_FOR;
            track.confirmed = fp.keys.clone();
        }
        best
    }

    /// Forgets what is older than the window (the engine's sweep).
    pub fn sweep(&mut self, s: &CrossGuildSettings, now: Millis) {
        let window = u64::from(s.window_secs) * 1000;
        self.users.retain(|_, t| {
            t.posts.retain(|p| now.saturating_sub(p.hit.ts) <= window);
            !t.posts.is_empty() || t.confirmed_until > now
        });
        // A link's first poster is remembered for an hour: long enough to tell a campaign's
        // brand-new link from one the community shares.
        self.links.retain(|_, (t, _)| now.saturating_sub(*t) <= CONFIRMED_FOR);
    }

    /// Users tracked now.
    pub fn tracked(&self) -> usize {
        self.users.len()
    }

    pub fn heap_bytes(&self) -> usize {
        self.users.capacity() * (8 + std::mem::size_of::<Track>())
            + self.users.values().map(|t| t.posts.capacity() * std::mem::size_of::<Post>()).sum::<usize>()
            + self.links.capacity() * 24
    }
}

#[cfg(test)]
mod tests;
