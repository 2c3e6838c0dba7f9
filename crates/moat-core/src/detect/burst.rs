//! Behaviour bursts: a raid of real-looking accounts gives itself away by acting together.
//!
//! Bought and stolen accounts are old and have avatars, so their joins look established and
//! the raid watch ([`super::raid`]) only alerts on the spike. What they cannot hide is doing
//! the same thing at about the same time: once the guild's joins run far above its learned
//! rate (a *burst*, opened by the raid watch whatever the joiners look like), this watch
//! remembers who joined in it, and keys each of their substantive posts by what a
//! coordinated crowd shares ([`post_keys`]):
//!
//! - the text, normalised: case, punctuation, emoji, digits, mentions and link or invite
//!   suffixes stripped, so "join us!! discord.gg/abc 🙂" and "Join us discord.gg/xyz" agree;
//! - each link (not the sites the judge trusts) and each invite code;
//! - the set of people pinged, when it is a mass ping.
//!
//! `min_members` burst members posting under one key within `window_secs` confirm a raid:
//! those who took part are contained, and the rest of the burst is watched (contained the
//! moment they post under a confirmed key). Small talk never makes a key: a crowd saying
//! hello, each in their own words or in the same few words, is a community.
//!
//! Silent members (joined in the burst, never posted) are weighed against the members who
//! acted ([`Profile`]): a name shaped like theirs, an account created in the same cluster,
//! no avatar. Two of the three contain; a name or a creation time alone lists them in the
//! raid alert for a moderator's decision. An established account (a month old or more,
//! [`ESTABLISHED`]) is never contained for its looks, only listed: real people arriving with
//! a raid often have a name of a common shape and no avatar, and among a hundred of them,
//! accounts made over the years, one falls inside a farm's batch of a few weeks now and then
//! (measured: 4 real people in 80 generated raids were contained on "created with theirs, no
//! avatar" before this rule). Joiners who match nothing else are only counted.

use crate::config::BurstSettings;
use crate::detect::raid::{JoinFacts, ESTABLISHED};
use crate::hash::{Fnv1a, OFFSET};
use crate::id::UserId;
use crate::idmap::{IdMap, IdSet};
use crate::time::{Millis, DAY};

/// Burst members remembered at most: bounds memory in a mega-raid.
const MAX_MEMBERS: usize = 20_000;
/// Posts remembered per key at most.
const MAX_POSTS: usize = 256;
/// Keys remembered per burst at most.
const MAX_KEYS: usize = 20_000;

/// One burst member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Member {
    joined: Millis,
    created: Millis,
    default_avatar: bool,
    shape: u64,
    took_part: bool,
}

/// What the members who acted look like, for judging the silent ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// Name shapes shared by at least two of them.
    shapes: IdSet<u64>,
    /// Their accounts' creation times cluster in this span (none when they spread widely).
    created: Option<(Millis, Millis)>,
    /// The same span widened by its width (two days at least) on each side: near enough to list a
    /// silent member for the moderators (a farm's batch has ragged edges), never to contain.
    near: Option<(Millis, Millis)>,
}

/// How a joiner compares with a confirmed burst's [`Profile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Match {
    pub shape: bool,
    pub created: bool,
    pub no_avatar: bool,
    /// Created near the cluster (see [`Profile`]): worth listing, never containing.
    pub near: bool,
    /// The account was established when it joined: looks alone do not contain it.
    pub established: bool,
}

impl Match {
    pub fn count(self) -> u32 {
        u32::from(self.shape) + u32::from(self.created) + u32::from(self.no_avatar)
    }

    /// Confident enough to contain: two signs out of three, on an account that is not
    /// established (an established one acts before it is contained).
    pub fn confident(self) -> bool {
        self.count() >= 2 && !self.established
    }

    /// The signs, as a moderator reads them.
    pub fn describe(self) -> String {
        let mut parts = Vec::new();
        if self.shape {
            parts.push("a name shaped like theirs");
        }
        if self.created {
            parts.push("an account created with theirs");
        }
        if self.no_avatar {
            parts.push("no avatar");
        }
        parts.join(", ")
    }
}

/// What a burst member's post means.
#[derive(Debug, Clone, PartialEq)]
pub enum BurstOutcome {
    Nothing,
    /// Burst members acted together: a raid.
    Confirmed {
        /// When the burst began.
        since: Millis,
        /// Members who took part: contain them.
        members: Vec<UserId>,
        /// Silent members confident enough to contain with them.
        silent: Vec<UserId>,
        /// Silent members matching the raid in one sign only, or established: for a moderator's
        /// decision.
        undecided: Vec<UserId>,
        reason: String,
        facts: Vec<(String, String)>,
    },
    /// A member of a confirmed burst posted under one of its keys; `also`, silent members
    /// who now match the raid's members with confidence.
    TookPart {
        user_id: UserId,
        reason: String,
        also: Vec<UserId>,
    },
}

/// Posts under one key: `(when, who)`.
type Posts = Vec<(Millis, UserId)>;

/// The guild's current burst, while one is open.
#[derive(Debug, Clone, Default)]
pub struct BurstWatch {
    since: Millis,
    /// Joins up to here are members already.
    synced: Millis,
    members: IdMap<UserId, Member>,
    keys: IdMap<u64, Posts>,
    confirmed: IdSet<u64>,
    profile: Option<Profile>,
    /// Members who took part, and how many did when the profile was last drawn.
    acted: usize,
    profiled_at: usize,
    /// Silent members already put to the moderators.
    listed: IdSet<UserId>,
    /// Silent members already contained as matching.
    silenced: IdSet<UserId>,
}

impl BurstWatch {
    pub fn is_open(&self) -> bool {
        !self.members.is_empty()
    }

    /// Whether the burst was confirmed as a raid.
    pub fn is_confirmed(&self) -> bool {
        self.profile.is_some()
    }

    /// Takes in the joins of the open burst that began at `since` (the raid watch's
    /// [`burst_span`](super::raid::RaidWatch::burst_span)), from `joins`, oldest first.
    /// Returns the latest joiner's match when the burst is confirmed.
    pub fn sync(&mut self, since: Millis, joins: impl Iterator<Item = JoinFacts>) -> Option<(UserId, Match)> {
        if self.members.is_empty() {
            self.since = since;
        }
        self.since = self.since.min(since);
        let mut latest = None;
        let synced = self.synced;
        for j in joins.filter(|j| j.ts >= synced) {
            self.synced = self.synced.max(j.ts);
            if self.members.len() >= MAX_MEMBERS {
                continue;
            }
            let m = Member {
                joined: j.ts,
                created: j.created,
                default_avatar: j.default_avatar,
                shape: j.shape,
                took_part: false,
            };
            if self.members.insert(j.user_id, m).is_none() {
                latest = self.profile.as_ref().map(|p| (j.user_id, compare(p, &m)));
            }
        }
        latest
    }

    /// When the raid ends: the silent members not yet put to the moderators who match what
    /// its members turned out to look like, in one sign or more (each is listed once).
    pub fn take_undecided(&mut self) -> Vec<UserId> {
        if self.profile.is_none() {
            return Vec::new();
        }
        self.redraw_profile();
        let Some(p) = &self.profile else { return Vec::new() };
        let mut v: Vec<UserId> = self
            .members
            .iter()
            .filter(|(u, m)| !m.took_part && !self.listed.contains(u) && !self.silenced.contains(u))
            .filter(|(_, m)| {
                let c = compare(p, m);
                c.shape || c.created || c.near
            })
            .map(|(&u, _)| u)
            .collect();
        v.sort();
        self.listed.extend(v.iter().copied());
        v
    }

    /// Silent members the redrawn profile is confident about, not yet contained.
    fn newly_confident(&mut self) -> Vec<UserId> {
        let Some(p) = &self.profile else { return Vec::new() };
        let mut v: Vec<UserId> = self
            .members
            .iter()
            .filter(|(u, m)| !m.took_part && !self.silenced.contains(u) && compare(p, m).confident())
            .map(|(&u, _)| u)
            .collect();
        v.sort();
        self.silenced.extend(v.iter().copied());
        v
    }

    fn redraw_profile(&mut self) {
        let acted: Vec<Member> = self.members.values().filter(|m| m.took_part).copied().collect();
        self.acted = acted.len();
        self.profiled_at = acted.len();
        self.profile = Some(profile_of(&acted));
    }

    /// Joins up to this time are members already.
    pub fn synced(&self) -> Millis {
        self.synced
    }

    /// The join time of a burst member.
    pub fn member_since(&self, user_id: UserId) -> Option<Millis> {
        self.members.get(&user_id).map(|m| m.joined)
    }

    /// A burst member posted something substantive under `keys` ([`post_keys`]).
    pub fn on_post(&mut self, s: &BurstSettings, now: Millis, user_id: UserId, keys: &[u64]) -> BurstOutcome {
        if !s.enabled || keys.is_empty() {
            return BurstOutcome::Nothing;
        }
        let Some(member) = self.members.get_mut(&user_id) else { return BurstOutcome::Nothing };
        if keys.iter().any(|k| self.confirmed.contains(k)) {
            if member.took_part {
                return BurstOutcome::Nothing;
            }
            member.took_part = true;
            self.acted += 1;
            // What the raid's members look like sharpens as more show themselves: silent
            // members who now match them with confidence go with this one.
            let mut also = Vec::new();
            if self.acted >= 2 * self.profiled_at {
                self.redraw_profile();
                if s.contain_silent {
                    also = self.newly_confident();
                }
            }
            return BurstOutcome::TookPart {
                user_id,
                reason: "joined in the raid's burst and posted what its members posted".into(),
                also,
            };
        }
        let from = now.saturating_sub(u64::from(s.window_secs) * 1000);
        let mut best: Option<(u64, Vec<UserId>)> = None;
        for &key in keys {
            if self.keys.len() >= MAX_KEYS && !self.keys.contains_key(&key) {
                continue;
            }
            let posts = self.keys.entry(key).or_default();
            posts.retain(|&(t, _)| t >= from);
            if posts.len() >= MAX_POSTS {
                posts.remove(0);
            }
            posts.push((now, user_id));
            let mut users: Vec<UserId> = Vec::new();
            for &(_, u) in posts.iter() {
                if !users.contains(&u) {
                    users.push(u);
                }
            }
            if users.len() as u32 >= s.min_members && best.as_ref().is_none_or(|(_, b)| users.len() > b.len()) {
                best = Some((key, users));
            }
        }
        let Some((_, mut users)) = best else { return BurstOutcome::Nothing };
        // Every key of the post that confirmed is the raid's: the members who posted under
        // any of them (the same invite under a disguised text, say) took part too.
        for key in keys {
            for &(t, u) in self.keys.get(key).into_iter().flatten() {
                if t >= from && !users.contains(&u) {
                    users.push(u);
                }
            }
        }
        self.confirm(now, keys, users)
    }

    fn confirm(&mut self, now: Millis, keys: &[u64], users: Vec<UserId>) -> BurstOutcome {
        self.confirmed.extend(keys.iter().copied());
        let first = self.profile.is_none();
        for u in &users {
            if let Some(m) = self.members.get_mut(u) {
                m.took_part = true;
            }
        }
        self.redraw_profile();
        let profile = self.profile.as_ref().expect("just drawn");
        let (mut silent, mut undecided) = (Vec::new(), Vec::new());
        if first {
            for (&u, m) in self.members.iter().filter(|(_, m)| !m.took_part) {
                let c = compare(profile, m);
                if c.confident() {
                    silent.push(u);
                } else if c.shape || c.created || c.near {
                    // No avatar alone says nothing: many real people have none.
                    undecided.push(u);
                }
            }
            silent.sort();
            undecided.sort();
            self.listed.extend(undecided.iter().copied());
            self.silenced.extend(silent.iter().copied());
        }
        let joined = self.members.len();
        let reason = format!(
            "raid: {} members of a burst of {joined} joins posted the same thing within {}",
            users.len(),
            crate::action::human_duration(now.saturating_sub(self.since).max(1000))
        );
        let facts = vec![
            ("burst_joins".to_string(), joined.to_string()),
            ("acting_together".to_string(), users.len().to_string()),
            ("silent_matching".to_string(), silent.len().to_string()),
        ];
        BurstOutcome::Confirmed { since: self.since, members: users, silent, undecided, reason, facts }
    }

    /// Closes the burst (nothing open, no raid): forget everything.
    pub fn close(&mut self) {
        if self.is_open() || !self.keys.is_empty() {
            *self = BurstWatch::default();
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.members.capacity() * (8 + std::mem::size_of::<Member>())
            + self.keys.capacity() * (8 + std::mem::size_of::<Posts>())
            + self.keys.values().map(|p| p.capacity() * 16).sum::<usize>()
            + self.confirmed.capacity() * 8
    }
}

/// The profile of the members who acted: shared name shapes and the creation cluster.
fn profile_of(acted: &[Member]) -> Profile {
    let mut counts: IdMap<u64, u32> = IdMap::default();
    for m in acted {
        *counts.entry(m.shape).or_insert(0) += 1;
    }
    let shapes = counts.into_iter().filter(|&(_, n)| n >= 2).map(|(s, _)| s).collect();
    let mut created: Vec<Millis> = acted.iter().map(|m| m.created).collect();
    created.sort_unstable();
    let cluster = (created.len() >= 3).then(|| {
        let lo = created[created.len() / 10];
        let hi = created[created.len() - 1 - created.len() / 10];
        (lo, hi)
    });
    // A cluster wider than a month says nothing: real people's accounts spread over years.
    let cluster = cluster.filter(|(lo, hi)| hi - lo <= 30 * DAY);
    let near = cluster.map(|(lo, hi)| {
        let margin = (hi - lo).max(2 * DAY);
        (lo.saturating_sub(margin), hi + margin)
    });
    let created = cluster.map(|(lo, hi)| {
        let margin = ((hi - lo) / 4).max(DAY);
        (lo.saturating_sub(margin), hi + margin)
    });
    Profile { shapes, created, near }
}

fn compare(p: &Profile, m: &Member) -> Match {
    Match {
        shape: p.shapes.contains(&m.shape),
        created: p.created.is_some_and(|(lo, hi)| (lo..=hi).contains(&m.created)),
        near: p.near.is_some_and(|(lo, hi)| (lo..=hi).contains(&m.created)),
        no_avatar: m.default_avatar,
        established: m.joined.saturating_sub(m.created) >= ESTABLISHED,
    }
}

/// Bases that keep keys of different kinds apart.
const TEXT: u64 = OFFSET ^ 0x6275_7273_7474;
const INVITE: u64 = OFFSET ^ 0x696e_7669_7465;
const PINGS: u64 = OFFSET ^ 0x7069_6e67_7373;

/// People pinged at once that make the set of them a key (a reply pings one).
const MASS_PING: usize = 3;

/// The keys a burst member's post is remembered by: `link_keys` (the message's links the
/// judge does not trust, as the campaign watch keys them), each invite code, the mass ping
/// and the normalised text. Text needs `min_text_len` letters when the post carries a link,
/// an invite or a mass ping, and `long_text_len` otherwise, so greetings never count.
pub fn post_keys(content: &str, link_keys: &[u64], everyone: bool, s: &BurstSettings, out: &mut Vec<u64>) {
    out.extend_from_slice(link_keys);
    let mut text = Fnv1a::with_basis(TEXT);
    let mut letters = 0u32;
    let mut pinged: Vec<u64> = Vec::new();
    let mut invites = 0usize;
    for token in content.split_whitespace() {
        if let Some(code) = invite_code(token) {
            let mut h = Fnv1a::with_basis(INVITE);
            h.bytes(code.to_ascii_lowercase().as_bytes());
            out.push(h.finish());
            invites += 1;
            continue;
        }
        if let Some(id) = user_mention(token) {
            pinged.push(id);
            continue;
        }
        if token.contains("://") || looks_like_link(token) {
            continue;
        }
        let leet = token.chars().any(char::is_alphabetic);
        for c in token.chars().filter_map(|c| fold(c, leet)).flat_map(char::to_lowercase) {
            let mut buf = [0u8; 4];
            text.bytes(c.encode_utf8(&mut buf).as_bytes());
            letters += 1;
        }
    }
    pinged.sort_unstable();
    pinged.dedup();
    let mass = everyone || pinged.len() >= MASS_PING;
    if mass {
        let mut h = Fnv1a::with_basis(PINGS);
        h.mix(u64::from(everyone));
        for p in &pinged {
            h.u64_le(*p);
        }
        out.push(h.finish());
    }
    let loud = mass || invites > 0 || !link_keys.is_empty();
    let needed = if loud { s.min_text_len } else { s.long_text_len };
    if letters >= needed.max(1) {
        out.push(text.finish());
    }
}

/// A letter as a word filter's dodger would have written it plainly: Cyrillic and Greek
/// look-alikes as Latin, and in a word with letters (`n1tr0`), leetspeak digits as letters.
/// Anything else that is not a letter (digits in numbers, punctuation, emoji, invisible
/// characters) is dropped.
fn fold(c: char, leet: bool) -> Option<char> {
    let latin = match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'е' | 'Е' | 'ε' | 'Ε' | 'ё' => 'e',
        'о' | 'О' | 'ο' | 'Ο' | 'σ' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'с' | 'С' | 'ϲ' => 'c',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'і' | 'І' | 'ι' | 'Ι' | 'ї' => 'i',
        'у' | 'У' | 'γ' => 'y',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'в' | 'В' | 'Β' => 'b',
        'н' | 'Н' | 'Η' => 'h',
        'ν' => 'v',
        '0' if leet => 'o',
        '1' if leet => 'i',
        '3' if leet => 'e',
        '4' | '@' if leet => 'a',
        '5' | '$' if leet => 's',
        '7' if leet => 't',
        c if c.is_alphabetic() => return Some(c),
        _ => return None,
    };
    Some(latin)
}

/// The code of an invite link (`discord.gg/CODE`, `discord.com/invite/CODE`), with or
/// without its scheme.
pub fn invite_code(token: &str) -> Option<&str> {
    let lower_starts =
        |t: &str, p: &str| t.len() >= p.len() && t.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    let t = token.trim_start_matches(['<', '(', '[']);
    let t = t.split_once("://").map_or(t, |(_, rest)| rest);
    let t = if lower_starts(t, "www.") { &t[4..] } else { t };
    for prefix in ["discord.gg/", "discord.com/invite/", "discordapp.com/invite/", "discord.me/"] {
        if lower_starts(t, prefix) {
            let code = t[prefix.len()..].trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            let code = code.split(['/', '?', '#', ')', '>', ']']).next().unwrap_or("");
            return (!code.is_empty()).then_some(code);
        }
    }
    None
}

/// `<@123>` or `<@!123>`: the id pinged.
fn user_mention(token: &str) -> Option<u64> {
    let t = token.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '>');
    let inner = t.strip_prefix("<@")?.strip_suffix('>')?;
    inner.trim_start_matches('!').parse().ok()
}

/// A bare `host.tld/path` written without a scheme.
fn looks_like_link(token: &str) -> bool {
    let Some((host, _)) = token.split_once('/') else { return false };
    host.rsplit_once('.')
        .is_some_and(|(name, tld)| !name.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests;
