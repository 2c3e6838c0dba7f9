//! Captures made in code: a guild, members, messages, in Discord's own payload shapes.
//!
//! `moat demo` needs scenarios that work with no file at hand, and the end-to-end tests
//! need ones of a chosen size (a 300-account raid). [`Capture`] writes the same JSON lines a
//! recorded capture holds, so both go through the exact path a real capture does.
//! The built-in scenarios are [`raid`], [`flood`], [`scam_takeover`] and [`normal_chat`].

use serde_json::{json, Value};

use crate::rest::iso_from_ms;

const DISCORD_EPOCH: u64 = 1_420_070_400_000;
const DAY: u64 = 86_400_000;
/// `ADMINISTRATOR`.
pub const ADMIN: u64 = 1 << 3;
/// What a plain member may do (view, send, read history, ...), as in the shared captures.
pub const MEMBER_PERMS: u64 = 26_843_955_777;
/// A moderator's permissions in the shared captures.
pub const MOD_PERMS: u64 = 1_126_355_591_751;

/// A snowflake made at `ms` with a small counter.
pub fn snowflake(ms: u64, n: u64) -> u64 {
    (ms.saturating_sub(DISCORD_EPOCH) << 22) | (n & 0x3f_ffff)
}

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
    pub t0: u64,
    lines: Vec<String>,
    n: u64,
}

fn user(id: u64, name: &str, avatar: bool, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": null,
           "avatar": if avatar { Value::from(format!("{:032x}", id)) } else { Value::Null }, "bot": bot,
           "public_flags": 0, "flags": 0, "banner": null, "accent_color": null})
}

fn member(roles: &[u64], joined: u64) -> Value {
    json!({"roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(), "joined_at": iso_from_ms(joined),
           "premium_since": null, "deaf": false, "mute": false, "flags": 0, "pending": false, "nick": null,
           "avatar": null, "communication_disabled_until": null})
}

fn role(id: u64, name: &str, position: i64, perms: u64, managed: bool) -> Value {
    json!({"id": id.to_string(), "name": name, "color": 0, "hoist": false, "icon": null, "unicode_emoji": null,
           "position": position, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
           "permissions": perms.to_string(), "managed": managed, "mentionable": false, "flags": 0})
}

impl Capture {
    /// A guild at `t0` (unix ms) where moat's role has `bot_perms` at `bot_position` (the
    /// Members role sits at 2, Moderator at 5).
    pub fn new(t0: u64, bot_perms: u64, bot_position: i64) -> Capture {
        let base = snowflake(t0 - 400 * DAY, 0);
        let ids = Ids {
            guild: base + 1,
            owner: snowflake(t0 - 900 * DAY, 1),
            bot: crate::DEFAULT_BOT_ID,
            everyone_role: base + 1,
            moderator_role: base + 2,
            member_role: base + 3,
            bot_role: base + 4,
            moderator: snowflake(t0 - 800 * DAY, 2),
            channels: [base + 10, base + 11, base + 12, base + 13, base + 14],
        };
        let mut c = Capture { ids, t0, lines: Vec::new(), n: 100 };
        let roles = vec![
            role(ids.everyone_role, "@everyone", 0, MEMBER_PERMS, false),
            role(ids.moderator_role, "Moderator", 5, MOD_PERMS, false),
            role(ids.member_role, "Members", 2, MEMBER_PERMS, false),
            role(ids.bot_role, "moat", bot_position, bot_perms, true),
        ];
        let names = ["general", "gaming", "memes", "off-topic", "mod-log"];
        let channels: Vec<Value> = ids
            .channels
            .iter()
            .zip(names)
            .enumerate()
            .map(|(i, (id, name))| json!({"id": id.to_string(), "type": 0, "name": name, "position": i, "permission_overwrites": [], "nsfw": false, "parent_id": null, "flags": 0, "rate_limit_per_user": 0, "topic": null, "last_message_id": null}))
            .collect();
        let mut bot_member = member(&[ids.bot_role], t0 - 300 * DAY);
        bot_member["user"] = user(ids.bot, "moat", true, true);
        let mut mod_member = member(&[ids.moderator_role], t0 - 700 * DAY);
        mod_member["user"] = user(ids.moderator, "river", true, false);
        let d = json!({
            "id": ids.guild.to_string(), "name": "Demo Garden", "icon": null, "splash": null, "discovery_splash": null,
            "owner_id": ids.owner.to_string(), "afk_channel_id": null, "afk_timeout": 300, "verification_level": 1,
            "default_message_notifications": 1, "explicit_content_filter": 2, "roles": roles, "emojis": [],
            "features": ["COMMUNITY"], "mfa_level": 1, "application_id": null, "system_channel_id": ids.channels[0].to_string(),
            "system_channel_flags": 0, "rules_channel_id": null, "max_presences": null, "max_members": 500000,
            "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 1, "premium_subscription_count": 3,
            "preferred_locale": "en-US", "public_updates_channel_id": null, "max_video_channel_users": 25, "nsfw_level": 0,
            "stickers": [], "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null,
            "joined_at": iso_from_ms(t0 - 300 * DAY), "large": true, "unavailable": false, "member_count": 4000,
            "voice_states": [], "members": [bot_member, mod_member], "channels": channels, "threads": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [],
        });
        c.push(t0 - 1, "GUILD_CREATE", d);
        c
    }

    /// The usual set-up: moat is an administrator above everyone.
    pub fn standard(t0: u64) -> Capture {
        Capture::new(t0, ADMIN, 7)
    }

    fn push(&mut self, ts: u64, t: &str, d: Value) {
        self.lines.push(json!({"ts": ts, "t": t, "d": d}).to_string());
    }

    /// A new user id for an account created `age_ms` before `at`.
    pub fn account(&mut self, at: u64, age_ms: u64) -> u64 {
        self.n += 1;
        snowflake(at.saturating_sub(age_ms), self.n)
    }

    /// `user` joins at `at`.
    pub fn join(&mut self, at: u64, user_id: u64, name: &str, avatar: bool) {
        let mut d = member(&[], at);
        d["user"] = user(user_id, name, avatar, false);
        d["guild_id"] = self.ids.guild.to_string().into();
        self.push(at, "GUILD_MEMBER_ADD", d);
    }

    /// `author` (a member since `joined`) says `content` in channel `ch` (index) at `at`;
    /// `mentions` are user ids pinged. Returns the message id.
    #[allow(clippy::too_many_arguments)]
    pub fn say(
        &mut self,
        at: u64,
        author: u64,
        name: &str,
        joined: u64,
        ch: usize,
        content: &str,
        mentions: &[u64],
    ) -> u64 {
        self.n += 1;
        let id = snowflake(at, self.n);
        let roles: Vec<u64> = if author == self.ids.moderator { vec![self.ids.moderator_role] } else { vec![] };
        let d = json!({
            "id": id.to_string(), "channel_id": self.ids.channels[ch % 5].to_string(), "guild_id": self.ids.guild.to_string(),
            "author": user(author, name, true, false), "member": member(&roles, joined), "content": content,
            "timestamp": iso_from_ms(at), "edited_timestamp": null, "tts": false, "mention_everyone": false,
            "mentions": mentions.iter().map(|&m| {
                let mut u = user(m, "someone", true, false);
                u["member"] = member(&[], joined);
                u
            }).collect::<Vec<_>>(),
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": [],
        });
        self.push(at, "MESSAGE_CREATE", d);
        id
    }

    /// Established members chatting for `secs` seconds from `from`.
    pub fn chatter(&mut self, from: u64, secs: u64, people: usize) {
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
        let folks: Vec<(u64, u64)> = (0..people.max(1))
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

    /// The capture's text, one JSON object a line, sorted by `ts`.
    pub fn finish(mut self) -> String {
        self.lines.sort_by_key(|l| serde_json::from_str::<Value>(l).ok().and_then(|v| v["ts"].as_u64()).unwrap_or(0));
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

/// An `INTERACTION_CREATE` payload: `/moat` with these `options` (Discord's shape, e.g.
/// `[{"type":1,"name":"status","options":[]}]`), run by `invoker` holding `perms`.
pub fn moat_command(ids: &Ids, interaction_id: u64, invoker: u64, perms: u64, options: Value) -> String {
    let mut m = member(&[], T0 - 500 * DAY);
    m["user"] = user(invoker, "someone", true, false);
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

/// The time the built-in scenarios happen at (2026-01-01 13:00 UTC).
pub const T0: u64 = 1_767_272_400_000;

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
