//! A small simulated guild that writes a capture: people, channels, chat, joins, edits.
//!
//! Scenarios ([`crate::scenarios`]) script what happens; the world turns it into capture
//! lines with realistic ids (snowflakes carry the account's creation time), timestamps and
//! member data, and remembers who should be acted on and who must be left alone.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use moat_core::time::DAY;
use moat_core::Millis;
use moat_discord_wire::snowflake::DISCORD_EPOCH_MS;

use crate::payload::{self, perms, Msg};

/// A deterministic pseudo-random generator (xorshift64*): same seed, same capture.
/// (A `Cell` inside, so scripts can draw numbers while building a call on the world.)
#[derive(Debug, Clone)]
pub struct Rng(std::cell::Cell<u64>);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(std::cell::Cell::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1))
    }

    pub fn next(&self) -> u64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn chance(&self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// What a guard should do about a user in a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expect {
    /// Must be timed out, silenced, kicked or banned.
    Contain,
    /// Must at least be named in an alert or flag.
    Flag,
}

/// A member of the simulated guild.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: u64,
    pub name: String,
    pub avatar: bool,
    pub joined: Millis,
    pub roles: Vec<u64>,
}

/// A simulated guild and the capture it has written so far.
#[derive(Debug, Clone)]
pub struct World {
    pub rng: Rng,
    pub guild: u64,
    pub owner: u64,
    pub channels: Vec<u64>,
    pub member_role: u64,
    pub mod_role: u64,
    pub regulars: Vec<Person>,
    pub moderators: Vec<Person>,
    pub lines: Vec<(Millis, String)>,
    pub bad: BTreeMap<u64, Expect>,
    pub bad_start: BTreeMap<u64, Millis>,
    pub good: BTreeSet<u64>,
    next_id: u64,
    pub start: Millis,
}

const NAMES: &[&str] = &[
    "jamie", "alex", "sam", "riley", "quinn", "morgan", "avery", "jules", "nova", "sage", "kai", "zoe", "leo", "mira",
    "sky", "frost", "ivy", "luna", "nico", "otto", "remy", "tess", "uma", "vic",
];

/// Ordinary chat lines.
pub const CHAT: &[&str] = &[
    "lol",
    "gg",
    "brb",
    "haha yes",
    "morning everyone",
    "anyone up for a match later?",
    "I'm stuck on the second boss",
    "the new map is so much better",
    "honestly I prefer the old version",
    "thanks for the help!",
    "what time is the event tonight?",
    "my cat just walked across the keyboard",
    "that patch broke my build again",
    "see you tomorrow",
    "ok that is actually hilarious",
    "can someone explain the rules for the tournament",
    "nice clip",
    "wait what happened",
    "I'll be on in 10",
    "does anyone know a good budget mouse?",
    "this song slaps",
    "finally beat it after 3 hours",
    "who's streaming tonight?",
    "pizza or tacos, go",
];

/// Ordinary links people share.
pub const LINKS: &[&str] = &[
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://en.wikipedia.org/wiki/Discord",
    "https://github.com/rust-lang/rust/issues/1",
    "https://store.steampowered.com/app/730/CounterStrike_2/",
    "https://steamcommunity.com/sharedfiles/filedetails/?id=2950211234",
    "https://www.twitch.tv/videos/2045678912",
    "https://www.reddit.com/r/rust/",
    "https://docs.rs/tokio/latest/tokio/",
    "https://imgur.com/gallery/abc123",
    "https://discord.com/channels/@me",
    "https://twitter.com/discord/status/1765432109876543210",
];

impl World {
    /// A guild with `regulars` ordinary members and two moderators, created at `start`.
    pub fn new(seed: u64, start: Millis, regulars: usize) -> Self {
        let rng = Rng::new(seed);
        let guild = snowflake(start - 800 * DAY, &rng);
        let mut w = World {
            guild,
            owner: 0,
            channels: (0..4).map(|i| snowflake(start - 799 * DAY + i, &rng)).collect(),
            member_role: snowflake(start - 799 * DAY, &rng),
            mod_role: snowflake(start - 798 * DAY, &rng),
            regulars: Vec::new(),
            moderators: Vec::new(),
            lines: Vec::new(),
            bad: BTreeMap::new(),
            bad_start: BTreeMap::new(),
            good: BTreeSet::new(),
            next_id: 0,
            start,
            rng,
        };
        for i in 0..regulars {
            let p = w.established_person(i);
            w.good.insert(p.id);
            w.regulars.push(p);
        }
        for i in 0..2 {
            let mut p = w.established_person(100 + i);
            p.roles = vec![w.mod_role];
            w.good.insert(p.id);
            w.moderators.push(p);
        }
        w.owner = w.moderators[0].id;
        let roles = vec![
            payload::role(guild, "@everyone", perms::MEMBER, 0),
            payload::role(w.member_role, "Member", perms::MEMBER, 1),
            payload::role(w.mod_role, "Moderator", perms::MODERATOR, 5),
        ];
        let channels = ["general", "gaming", "memes", "off-topic"]
            .iter()
            .enumerate()
            .map(|(i, n)| payload::channel(w.channels[i], n, i as i64))
            .collect();
        let bot =
            payload::member(payload::user(snowflake(start - 300 * DAY, &w.rng), "moat", true), &[], start - 300 * DAY);
        let g = payload::guild_create(guild, "Pixel Lounge", w.owner, roles, channels, vec![bot], start - 300 * DAY);
        w.push(start - 1, "GUILD_CREATE", g);
        w
    }

    fn established_person(&mut self, i: usize) -> Person {
        let account_age = (120 + self.rng.below(2500)) * DAY;
        let member_age = (40 + self.rng.below(account_age / DAY - 30)) * DAY;
        let name = format!(
            "{}{}",
            NAMES[i % NAMES.len()],
            if i >= NAMES.len() { format!(".{}", self.rng.below(999)) } else { String::new() }
        );
        Person {
            id: snowflake(self.start - account_age, &self.rng),
            name,
            avatar: self.rng.chance(0.85),
            joined: self.start - member_age,
            roles: if self.rng.chance(0.5) { vec![self.member_role] } else { vec![] },
        }
    }

    /// A person whose account is `account_age` old at `at` and who is not a member yet.
    pub fn newcomer(&mut self, name: String, account_age: Millis, avatar: bool, at: Millis) -> Person {
        Person { id: snowflake(at - account_age, &self.rng), name, avatar, joined: at, roles: vec![] }
    }

    pub fn push(&mut self, ts: Millis, t: &str, d: Value) {
        self.lines.push((ts, payload::line(ts, t, d)));
    }

    /// A fresh message id at `at`.
    pub fn message_id(&mut self, at: Millis) -> u64 {
        self.next_id += 1;
        ((at - DISCORD_EPOCH_MS) << 22) | (self.next_id & 0x3F_FFFF)
    }

    /// `p` joins at `at`.
    pub fn join(&mut self, p: &Person, at: Millis) {
        let d = payload::member_add(self.guild, payload::user(p.id, &p.name, p.avatar), at);
        self.push(at, "GUILD_MEMBER_ADD", d);
    }

    /// `p` says `content` in channel `ch` at `at`; returns the message id.
    pub fn say(&mut self, p: &Person, ch: usize, at: Millis, content: &str, mentions: &[u64], everyone: bool) -> u64 {
        self.say_with(p, ch, at, content, mentions, everyone, 0)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn say_with(
        &mut self,
        p: &Person,
        ch: usize,
        at: Millis,
        content: &str,
        mentions: &[u64],
        everyone: bool,
        attachments: u32,
    ) -> u64 {
        let id = self.message_id(at);
        let m = Msg { content, mentions, mention_everyone: everyone, attachments, at, ..self.by(p, id, ch) };
        let d = payload::message(&m);
        self.push(at, "MESSAGE_CREATE", d);
        id
    }

    /// `p` edits message `id` (first posted at `posted`) to `content` at `at`.
    #[allow(clippy::too_many_arguments)]
    pub fn edit(
        &mut self,
        p: &Person,
        id: u64,
        ch: usize,
        posted: Millis,
        at: Millis,
        content: &str,
        mentions: &[u64],
    ) {
        let m = Msg { content, mentions, at: posted, edited: Some(at), ..self.by(p, id, ch) };
        let d = payload::message(&m);
        self.push(at, "MESSAGE_UPDATE", d);
    }

    /// Message `id` by `p` in channel `ch`, with nothing said yet.
    fn by<'a>(&self, p: &'a Person, id: u64, ch: usize) -> Msg<'a> {
        Msg {
            id,
            guild: self.guild,
            channel: self.channels[ch % self.channels.len()],
            author: p.id,
            author_name: &p.name,
            author_avatar: p.avatar,
            roles: &p.roles,
            joined: p.joined,
            ..Default::default()
        }
    }

    /// Ordinary chat among regulars from `from` for `ms`, about `per_min` messages a minute:
    /// small talk, links, replies that ping a friend, pictures, and typo fixes.
    pub fn chat(&mut self, from: Millis, ms: Millis, per_min: u64) {
        let n = ms * per_min / 60_000;
        for _ in 0..n {
            let at = from + self.rng.below(ms);
            let p = self.regulars[self.rng.below(self.regulars.len() as u64) as usize].clone();
            let ch = self.rng.below(self.channels.len() as u64) as usize;
            let roll = self.rng.below(100);
            if roll < 8 {
                let link = *self.rng.pick(LINKS);
                self.say(&p, ch, at, &format!("check this {link}"), &[], false);
            } else if roll < 16 {
                let friend = self.regulars[self.rng.below(self.regulars.len() as u64) as usize].id;
                let text = format!("<@{friend}> {}", self.rng.pick(CHAT));
                self.say(&p, ch, at, &text, &[friend], false);
            } else if roll < 20 {
                self.say_with(&p, ch, at, "look at this", &[], false, 1);
            } else if roll < 23 {
                let text = *self.rng.pick(CHAT);
                let id = self.say(&p, ch, at, &format!("{text} teh"), &[], false);
                self.edit(&p, id, ch, at, at + 4_000 + self.rng.below(20_000), &format!("{text} the"), &[]);
            } else {
                let text = *self.rng.pick(CHAT);
                self.say(&p, ch, at, text, &[], false);
            }
        }
    }

    pub fn expect_bad(&mut self, user: u64, what: Expect, start: Millis) {
        self.good.remove(&user);
        self.bad.insert(user, what);
        self.bad_start.entry(user).or_insert(start);
    }

    /// The capture, sorted by time.
    pub fn capture(&self) -> String {
        let mut lines = self.lines.clone();
        lines.sort_by_key(|(ts, _)| *ts);
        let mut out = String::new();
        for (_, l) in lines {
            out.push_str(&l);
            out.push('\n');
        }
        out
    }
}

/// A snowflake created at `at` with a random low part.
pub fn snowflake(at: Millis, rng: &Rng) -> u64 {
    ((at - DISCORD_EPOCH_MS) << 22) | (rng.next() & 0x3F_FFFF)
}
