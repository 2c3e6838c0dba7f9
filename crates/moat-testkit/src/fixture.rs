//! Small captures of a known guild, made in code: what `moat demo` plays with no file at
//! hand, and what end-to-end tests need at a chosen size (a 300-account raid).
//!
//! [`Capture`] writes the same JSON lines a recorded capture holds (through [`payload`]), in
//! a guild whose ids the test knows ([`Ids`]): a moderators' `#mod-log`, moat's own member
//! with the role and position the test asks for. The built-in scenarios are [`raid`],
//! [`flood`], [`scam_takeover`] and [`normal_chat`]. For scripted scenarios with
//! expectations, see [`crate::scenarios`].

use moat_core::time::DAY;
use moat_core::Millis;
/// A snowflake made at `at` (unix ms) with a small counter in its low bits.
pub use moat_discord_wire::snowflake::at as snowflake;
use serde_json::{json, Value};

use crate::payload::{self, perms};

/// The bot user the fake Discord answers as unless told otherwise (its `DEFAULT_BOT_ID`).
pub const BOT_ID: u64 = 1_275_076_804_608_131_074;

/// The time the built-in scenarios happen at (2026-01-01 13:00 UTC).
pub const T0: Millis = 1_767_272_400_000;

/// Ids of the guild [`Capture`] makes.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    pub guild: u64,
    pub owner: u64,
    pub bot: u64,
    pub everyone_role: u64,
    pub moderator_role: u64,
    pub member_role: u64,
    pub bot_role: u64,
    pub moderator: u64,
    /// general, gaming, memes, off-topic, mod-log
    pub channels: [u64; 5],
}

/// A capture being written.
pub struct Capture {
    pub ids: Ids,
    pub t0: Millis,
    lines: Vec<(Millis, String)>,
    n: u64,
}

fn user(id: u64, name: &str, bot: bool) -> Value {
    let mut u = payload::user(id, name, true);
    u["bot"] = bot.into();
    u
}

impl Capture {
    /// A guild at `t0` (unix ms) where moat's role has `bot_perms` at `bot_position` (the
    /// Members role sits at 2, Moderator at 5).
    pub fn new(t0: Millis, bot_perms: u64, bot_position: i64) -> Capture {
        let base = snowflake(t0 - 400 * DAY, 0);
        let ids = Ids {
            guild: base + 1,
            owner: snowflake(t0 - 900 * DAY, 1),
            bot: BOT_ID,
            everyone_role: base + 1,
            moderator_role: base + 2,
            member_role: base + 3,
            bot_role: base + 4,
            moderator: snowflake(t0 - 800 * DAY, 2),
            channels: [base + 10, base + 11, base + 12, base + 13, base + 14],
        };
        let mut c = Capture { ids, t0, lines: Vec::new(), n: 100 };
        let mut bot_role = payload::role(ids.bot_role, "moat", bot_perms, bot_position);
        bot_role["managed"] = true.into();
        let roles = vec![
            payload::role(ids.everyone_role, "@everyone", perms::MEMBER, 0),
            payload::role(ids.moderator_role, "Moderator", perms::MODERATOR, 5),
            payload::role(ids.member_role, "Members", perms::MEMBER, 2),
            bot_role,
        ];
        let names = ["general", "gaming", "memes", "off-topic", "mod-log"];
        let channels =
            ids.channels.iter().zip(names).enumerate().map(|(i, (&id, n))| payload::channel(id, n, i as i64));
        let members = vec![
            payload::member(user(ids.bot, "moat", true), &[ids.bot_role], t0 - 300 * DAY),
            payload::member(user(ids.moderator, "river", false), &[ids.moderator_role], t0 - 700 * DAY),
        ];
        let mut g = payload::guild_create(
            ids.guild,
            "Demo Garden",
            ids.owner,
            roles,
            channels.collect(),
            members,
            t0 - 300 * DAY,
        );
        g["member_count"] = 4000.into();
        c.push(t0 - 1, "GUILD_CREATE", g);
        c
    }

    /// The usual set-up: moat is an administrator above everyone.
    pub fn standard(t0: Millis) -> Capture {
        Capture::new(t0, perms::ADMINISTRATOR, 7)
    }

    fn push(&mut self, ts: Millis, t: &str, d: Value) {
        self.lines.push((ts, payload::line(ts, t, d)));
    }

    /// A new user id for an account created `age_ms` before `at`.
    pub fn account(&mut self, at: Millis, age_ms: u64) -> u64 {
        self.n += 1;
        snowflake(at.saturating_sub(age_ms), self.n)
    }

    /// `user` joins at `at`.
    pub fn join(&mut self, at: Millis, user_id: u64, name: &str, avatar: bool) {
        let mut u = user(user_id, name, false);
        if !avatar {
            u["avatar"] = Value::Null;
        }
        self.push(at, "GUILD_MEMBER_ADD", payload::member_add(self.ids.guild, u, at));
    }

    /// `author` (a member since `joined`) says `content` in channel `ch` (index) at `at`;
    /// `mentions` are user ids pinged. Returns the message id.
    #[allow(clippy::too_many_arguments)]
    pub fn say(
        &mut self,
        at: Millis,
        author: u64,
        name: &str,
        joined: Millis,
        ch: usize,
        content: &str,
        mentions: &[u64],
    ) -> u64 {
        self.n += 1;
        let id = snowflake(at, self.n);
        let roles: Vec<u64> = if author == self.ids.moderator { vec![self.ids.moderator_role] } else { vec![] };
        let m = payload::Msg {
            id,
            guild: self.ids.guild,
            channel: self.ids.channels[ch % 5],
            author,
            author_name: name,
            author_avatar: true,
            roles: &roles,
            joined,
            content,
            mentions,
            at,
            ..Default::default()
        };
        self.push(at, "MESSAGE_CREATE", payload::message(&m));
        id
    }

    /// Established members chatting for `secs` seconds from `from`.
    pub fn chatter(&mut self, from: Millis, secs: u64, people: usize) {
        const LINES: [&str; 8] = [
            "anyone up for a match later?",
            "that patch notes thread is wild",
            "my cat just sat on the keyboard",
            "good morning everyone",
            "lol same",
            "did you see the trailer?",
            "brb coffee",
            "honestly I prefer the old map",
        ];
        let folks: Vec<(u64, Millis)> = (0..people.max(1))
            .map(|i| {
                (snowflake(self.t0 - (500 + i as u64 * 7) * DAY, 500 + i as u64), self.t0 - (300 + i as u64) * DAY)
            })
            .collect();
        let mut t = from;
        let mut i = 0usize;
        while t < from + secs * 1000 {
            let (u, joined) = folks[i % folks.len()];
            self.say(t, u, &format!("regular{}", i % folks.len()), joined, i % 4, LINES[i % LINES.len()], &[]);
            i += 1;
            t += 2_000 + (i as u64 * 733) % 5_000;
        }
    }

    /// The capture's text, one JSON object a line, sorted by `ts` (stably).
    pub fn finish(mut self) -> String {
        self.lines.sort_by_key(|(ts, _)| *ts);
        let mut s: String = self.lines.into_iter().map(|(_, l)| l + "\n").collect();
        if s.is_empty() {
            s.push('\n');
        }
        s
    }
}

/// An `INTERACTION_CREATE` payload: `/moat` with these `options` (Discord's shape, e.g.
/// `[{"type":1,"name":"status","options":[]}]`), run by `invoker` holding `perms`.
pub fn moat_command(ids: &Ids, interaction_id: u64, invoker: u64, perms: u64, options: Value) -> String {
    let mut m = payload::member(user(invoker, "someone", false), &[], T0 - 500 * DAY);
    m["permissions"] = perms.to_string().into();
    json!({
        "id": interaction_id.to_string(), "application_id": ids.bot.to_string(), "type": 2,
        "data": {"id": "1", "name": "moat", "type": 1, "options": options},
        "guild_id": ids.guild.to_string(), "channel_id": ids.channels[4].to_string(), "member": m,
        "token": format!("interaction-token-{interaction_id}"), "version": 1, "app_permissions": "8",
        "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
        "authorizing_integration_owners": {"0": ids.guild.to_string()}, "context": 0,
        "attachment_size_limit": 8_388_608,
    })
    .to_string()
}

/// `n` fresh accounts with default avatars and look-alike names join within a minute, and a
/// third of them ping people; normal chat goes on around it.
pub fn raid(n: usize) -> (Ids, String) {
    let mut c = Capture::standard(T0);
    c.chatter(T0, 60, 6);
    let start = T0 + 30_000;
    let step = 60_000 / n.max(1) as u64;
    let mut raiders = Vec::new();
    for i in 0..n {
        let at = start + i as u64 * step;
        let u = c.account(at, 2 * 3_600_000 + i as u64 * 60_000);
        c.join(at, u, &format!("free_nitro_{i:03}"), false);
        raiders.push((u, at));
    }
    let victims: Vec<u64> = (0..5).map(|i| snowflake(T0 - 500 * DAY, 900 + i)).collect();
    for (i, &(u, at)) in raiders.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        c.say(at + 2_000, u, &format!("free_nitro_{i:03}"), at, i % 4, "JOIN NOW discord.gg/raidparty", &victims);
    }
    (c.ids, c.finish())
}

/// One member floods the same line, another posts a wall of text, amid normal chat.
pub fn flood() -> (Ids, String) {
    let mut c = Capture::standard(T0);
    c.chatter(T0, 40, 5);
    let spammer = c.account(T0, 90 * DAY);
    let joined = T0 - 20 * DAY;
    for i in 0..8 {
        c.say(T0 + 20_000 + i * 300, spammer, "loud", joined, 0, "BUY GOLD CHEAP BUY GOLD CHEAP", &[]);
    }
    let waller = c.account(T0, 40 * DAY);
    let wall = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n".repeat(50);
    c.say(T0 + 30_000, waller, "wall", T0 - 10 * DAY, 1, &wall, &[]);
    c.say(T0 + 31_000, waller, "wall", T0 - 10 * DAY, 1, &wall, &[]);
    (c.ids, c.finish())
}

/// A long-standing member's account is taken over and posts a Nitro scam link in channel
/// after channel.
pub fn scam_takeover() -> (Ids, String) {
    let mut c = Capture::standard(T0);
    c.chatter(T0, 40, 5);
    let victim = c.account(T0, 700 * DAY);
    let joined = T0 - 600 * DAY;
    let scam =
        "@everyone free discord nitro for 3 months, claim before it runs out https://dlscord-gift.com/claim/x8f2";
    for ch in 0..4 {
        c.say(T0 + 25_000 + ch as u64 * 900, victim, "old_friend", joined, ch, scam, &[]);
    }
    (c.ids, c.finish())
}

/// Ordinary conversation, including a moderator's announcement; nothing to punish.
pub fn normal_chat() -> (Ids, String) {
    let mut c = Capture::standard(T0);
    c.chatter(T0, 90, 8);
    let m = c.ids.moderator;
    c.say(T0 + 45_000, m, "river", T0 - 700 * DAY, 0, "reminder: game night is on friday, sign up in #gaming!", &[]);
    (c.ids, c.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::event::Event;
    use moat_discord_wire::capture::parse_line;

    #[test]
    fn captures_parse_and_are_sorted() {
        for (_, capture) in [raid(30), flood(), scam_takeover(), normal_chat()] {
            let mut last = 0;
            for line in capture.lines() {
                let l = parse_line(line).expect("fixture lines parse");
                assert!(l.ts >= last);
                last = l.ts;
            }
        }
    }

    #[test]
    fn the_guild_knows_its_moderators_and_moat() {
        let (ids, capture) = normal_chat();
        let first = parse_line(capture.lines().next().unwrap()).unwrap();
        let Some(Event::GuildKnown(g)) = first.event else { panic!("GUILD_CREATE first") };
        assert_eq!(g.guild.get(), ids.guild);
        assert!(g.roles.iter().any(|r| r.id.get() == ids.moderator_role && r.moderates));
        assert!(capture.contains(&format!("\"id\":\"{BOT_ID}\"")));
    }
}
