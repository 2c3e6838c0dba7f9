//! Discord-shaped JSON payloads, built the way Discord writes them (ids as strings, ISO
//! timestamps, every field twilight-model 0.18 requires), so that generated captures go
//! through exactly the same parsing as real ones.

use serde_json::{json, Value};

use moat_core::Millis;

/// Permission bits of the roles generated guilds use, built on `moat-discord-wire`'s.
pub mod perms {
    pub use moat_discord_wire::permissions::*;

    /// `ADD_REACTIONS`, `VIEW_CHANNEL`, `SEND_MESSAGES`, `EMBED_LINKS`, `ATTACH_FILES`,
    /// `READ_MESSAGE_HISTORY`.
    pub const MEMBER: u64 = (1 << 6) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16);
    /// A member who may also manage messages and time people out.
    pub const MODERATOR: u64 = MEMBER | MANAGE_MESSAGES | MODERATE_MEMBERS;
}

/// `2026-01-01T13:00:00.000+00:00` for a unix-ms time.
pub fn iso(ms: Millis) -> String {
    let secs = (ms / 1000) as i64;
    let millis = ms % 1000;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{m:02}:{s:02}.{millis:03}+00:00")
}

/// A user object.
pub fn user(id: u64, name: &str, avatar: bool) -> Value {
    json!({
        "id": id.to_string(), "username": name, "discriminator": "0", "global_name": null,
        "avatar": if avatar { Value::String(format!("{:032x}", id.wrapping_mul(0x9E37_79B9_7F4A_7C15))) } else { Value::Null },
        "public_flags": 0, "flags": 0, "banner": null, "accent_color": null,
    })
}

/// A role object.
pub fn role(id: u64, name: &str, permissions: u64, position: i64) -> Value {
    json!({
        "id": id.to_string(), "name": name, "color": 0, "hoist": false, "icon": null,
        "unicode_emoji": null, "position": position, "permissions": permissions.to_string(),
        "managed": false, "mentionable": false, "flags": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
    })
}

/// A member object (for `GUILD_CREATE` member lists).
pub fn member(user_v: Value, roles: &[u64], joined: Millis) -> Value {
    json!({
        "user": user_v, "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": iso(joined), "premium_since": null, "deaf": false, "mute": false,
        "flags": 0, "pending": false, "nick": null, "avatar": null, "communication_disabled_until": null,
    })
}

/// A text channel.
pub fn channel(id: u64, name: &str, position: i64) -> Value {
    json!({
        "id": id.to_string(), "type": 0, "name": name, "position": position,
        "permission_overwrites": [], "topic": null, "nsfw": false, "last_message_id": null,
        "rate_limit_per_user": 0, "parent_id": null, "flags": 0,
    })
}

/// A `GUILD_CREATE` payload.
pub fn guild_create(
    id: u64,
    name: &str,
    owner: u64,
    roles: Vec<Value>,
    channels: Vec<Value>,
    members: Vec<Value>,
    joined: Millis,
) -> Value {
    json!({
        "id": id.to_string(), "name": name, "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": owner.to_string(), "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 1, "default_message_notifications": 1, "explicit_content_filter": 2,
        "roles": roles, "emojis": [], "features": ["COMMUNITY"], "mfa_level": 1, "application_id": null,
        "system_channel_id": channels.first().and_then(|c| c.get("id")).cloned().unwrap_or(Value::Null),
        "system_channel_flags": 0, "rules_channel_id": null, "max_presences": null, "max_members": 500_000,
        "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 0,
        "premium_subscription_count": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "max_video_channel_users": 25, "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null, "joined_at": iso(joined), "large": true, "unavailable": false,
        "member_count": 5000, "voice_states": [], "members": members, "channels": channels, "threads": [],
        "presences": [], "stage_instances": [], "guild_scheduled_events": [],
    })
}

/// A `GUILD_MEMBER_ADD` payload.
pub fn member_add(guild: u64, user_v: Value, at: Millis) -> Value {
    let mut m = member(user_v, &[], at);
    m["guild_id"] = Value::String(guild.to_string());
    m
}

/// What a generated message says and who it pings.
#[derive(Debug, Clone, Default)]
pub struct Msg<'a> {
    pub id: u64,
    pub guild: u64,
    pub channel: u64,
    pub author: u64,
    pub author_name: &'a str,
    pub author_avatar: bool,
    pub roles: &'a [u64],
    pub joined: Millis,
    pub content: &'a str,
    pub mentions: &'a [u64],
    pub mention_roles: &'a [u64],
    pub mention_everyone: bool,
    pub attachments: u32,
    pub at: Millis,
    /// For `MESSAGE_UPDATE`: when it was edited.
    pub edited: Option<Millis>,
}

/// A `MESSAGE_CREATE` (or, with `edited`, `MESSAGE_UPDATE`) payload.
pub fn message(m: &Msg) -> Value {
    let mentions: Vec<Value> = m
        .mentions
        .iter()
        .map(|&u| {
            let mut v = user(u, &format!("user{}", u % 10_000), true);
            v["member"] = json!({"roles": [], "joined_at": iso(m.at.saturating_sub(86_400_000 * 300)), "deaf": false, "mute": false, "flags": 0});
            v
        })
        .collect();
    let attachments: Vec<Value> = (0..m.attachments)
        .map(|i| {
            let aid = m.id + u64::from(i) + 1;
            json!({"id": aid.to_string(), "filename": format!("image{i}.png"), "size": 1024,
                   "url": format!("https://cdn.discordapp.com/attachments/{}/{aid}/image{i}.png", m.channel),
                   "proxy_url": format!("https://media.discordapp.net/attachments/{}/{aid}/image{i}.png", m.channel)})
        })
        .collect();
    json!({
        "id": m.id.to_string(), "channel_id": m.channel.to_string(), "guild_id": m.guild.to_string(),
        "author": user(m.author, m.author_name, m.author_avatar),
        "member": {"roles": m.roles.iter().map(u64::to_string).collect::<Vec<_>>(), "joined_at": iso(m.joined),
                   "premium_since": null, "deaf": false, "mute": false, "flags": 0, "pending": false,
                   "nick": null, "avatar": null, "communication_disabled_until": null},
        "content": m.content, "timestamp": iso(m.at),
        "edited_timestamp": m.edited.map(iso),
        "tts": false, "mention_everyone": m.mention_everyone, "mentions": mentions,
        "mention_roles": m.mention_roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "attachments": attachments, "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": [],
    })
}

/// One capture line: `{"ts", "t", "d"}`.
pub fn line(ts: Millis, t: &str, d: Value) -> String {
    json!({"ts": ts, "t": t, "d": d}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_discord_wire::capture::parse_line;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000+00:00");
        assert_eq!(iso(1_767_272_400_114), "2026-01-01T13:00:00.114+00:00");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000+00:00");
    }

    #[test]
    fn payloads_parse_as_twilight_events() {
        let g = guild_create(
            1,
            "g",
            2,
            vec![role(1, "@everyone", perms::MEMBER, 0), role(3, "Mod", perms::MODERATOR, 1)],
            vec![channel(10, "general", 0)],
            vec![member(user(5, "moat", true), &[], 0)],
            1_700_000_000_000,
        );
        parse_line(&line(1, "GUILD_CREATE", g)).expect("guild create");
        parse_line(&line(2, "GUILD_MEMBER_ADD", member_add(1, user(6, "x", false), 2))).expect("member add");
        let m = Msg {
            id: 20,
            guild: 1,
            channel: 10,
            author: 6,
            author_name: "x",
            content: "hi <@7>",
            mentions: &[7],
            attachments: 1,
            at: 1_767_272_400_000,
            joined: 1_700_000_000_000,
            ..Default::default()
        };
        parse_line(&line(3, "MESSAGE_CREATE", message(&m))).expect("message");
        let e = Msg { edited: Some(1_767_272_401_000), ..m };
        parse_line(&line(4, "MESSAGE_UPDATE", message(&e))).expect("update");
    }
}
