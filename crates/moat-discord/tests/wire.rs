//! `moat-discord-wire` reads every field the engine uses exactly as twilight-model does: on
//! every line of the shared captures, of generated scenarios and of the fake Discord's
//! built-in scenarios, the lean translation and a translation through twilight's own types
//! (what moat did before it had its own) give the same event.

use moat_core::event::{
    AutoModHit, AutoModRule, Event, GuildGone, GuildKnown, MemberJoined, MemberLeft, Message, Role, RoleRemoved,
    RoleUpserted,
};
use moat_core::id::{ChannelId, GuildId, MessageId, RoleId, UserId};
use moat_discord_wire::capture::parse_line;
use moat_discord_wire::CaptureError;
use serde::de::DeserializeSeed;
use serde::Deserialize;
use serde_json::value::RawValue;
use twilight_model::channel::message::MessageType;
use twilight_model::gateway::event::{DispatchEventWithTypeDeserializer, Event as Tw};
use twilight_model::gateway::payload::incoming::GuildCreate;
use twilight_model::guild::auto_moderation::AutoModerationTriggerType as Trigger;
use twilight_model::guild::Permissions;
use twilight_model::util::Timestamp;

const EPOCH: u64 = 1_420_070_400_000;

fn created(id: u64) -> u64 {
    (id >> 22) + EPOCH
}

fn millis(ts: Timestamp) -> u64 {
    u64::try_from(ts.as_micros() / 1000).unwrap_or(0)
}

fn role(guild: u64, r: &twilight_model::guild::Role) -> Role {
    let moderating = Permissions::ADMINISTRATOR
        | Permissions::MANAGE_MESSAGES
        | Permissions::BAN_MEMBERS
        | Permissions::MODERATE_MEMBERS;
    Role { id: RoleId(r.id.get()), moderates: r.permissions.intersects(moderating), everyone: r.id.get() == guild }
}

fn message(m: &twilight_model::channel::Message, edit: bool) -> Option<Event<'_>> {
    if !matches!(m.kind, MessageType::Regular | MessageType::Reply) || (edit && m.edited_timestamp.is_none()) {
        return None;
    }
    let member = m.member.as_ref();
    Some(Event::Message(Message {
        guild: GuildId(m.guild_id?.get()),
        id: MessageId(m.id.get()),
        channel: ChannelId(m.channel_id.get()),
        author: UserId(m.author.id.get()),
        account_created: created(m.author.id.get()),
        author_name: m.author.name.as_str().into(),
        author_bot: m.author.bot,
        webhook: m.webhook_id.is_some(),
        joined_at: member.and_then(|mb| mb.joined_at).map(millis),
        roles: member.map(|mb| mb.roles.iter().map(|r| RoleId(r.get())).collect()).unwrap_or_default(),
        content: m.content.as_str().into(),
        attachments: (m.attachments.len() + m.embeds.len()) as u32,
        attachment_urls: m.attachments.iter().map(|a| a.url.as_str().into()).collect(),
        user_mentions: m.mentions.iter().filter(|u| u.id != m.author.id).count() as u32,
        role_mentions: m.mention_roles.len() as u32,
        mention_everyone: m.mention_everyone,
        edit,
    }))
}

/// The engine's event as twilight's types give it; `Err` when twilight refuses the line
/// or the engine does not use the event.
fn through_twilight(e: &Tw) -> Result<Option<Event<'_>>, &'static str> {
    Ok(match e {
        Tw::GuildCreate(gc) => match &**gc {
            GuildCreate::Available(g) => Some(Event::GuildKnown(GuildKnown {
                guild: GuildId(g.id.get()),
                name: g.name.as_str().into(),
                owner: UserId(g.owner_id.get()),
                roles: g.roles.iter().map(|r| role(g.id.get(), r)).collect(),
                member_count: g.member_count,
            })),
            GuildCreate::Unavailable(_) => None,
        },
        Tw::GuildUpdate(g) => Some(Event::GuildKnown(GuildKnown {
            guild: GuildId(g.id.get()),
            name: g.name.as_str().into(),
            owner: UserId(g.owner_id.get()),
            roles: g.roles.iter().map(|r| role(g.id.get(), r)).collect(),
            member_count: g.member_count,
        })),
        Tw::GuildDelete(g) if g.unavailable == Some(true) => None,
        Tw::GuildDelete(g) => Some(Event::GuildGone(GuildGone { guild: GuildId(g.id.get()) })),
        Tw::RoleCreate(r) => Some(Event::RoleUpserted(RoleUpserted {
            guild: GuildId(r.guild_id.get()),
            role: role(r.guild_id.get(), &r.role),
        })),
        Tw::RoleUpdate(r) => Some(Event::RoleUpserted(RoleUpserted {
            guild: GuildId(r.guild_id.get()),
            role: role(r.guild_id.get(), &r.role),
        })),
        Tw::RoleDelete(r) => {
            Some(Event::RoleRemoved(RoleRemoved { guild: GuildId(r.guild_id.get()), role: RoleId(r.role_id.get()) }))
        }
        Tw::MemberAdd(m) => {
            let u = &m.member.user;
            Some(Event::MemberJoined(MemberJoined {
                guild: GuildId(m.guild_id.get()),
                user: UserId(u.id.get()),
                account_created: created(u.id.get()),
                bot: u.bot,
                default_avatar: u.avatar.is_none() && m.member.avatar.is_none(),
                username: u.name.as_str().into(),
                display_name: m.member.nick.as_deref().or(u.global_name.as_deref()).map(Into::into),
                joined_at: m.member.joined_at.map(millis),
            }))
        }
        Tw::MemberRemove(m) => {
            Some(Event::MemberLeft(MemberLeft { guild: GuildId(m.guild_id.get()), user: UserId(m.user.id.get()) }))
        }
        Tw::MessageCreate(m) => message(&m.message, false),
        Tw::MessageUpdate(m) => message(&m.as_ref().0, true),
        Tw::AutoModerationActionExecution(a) => Some(Event::AutoModHit(AutoModHit {
            guild: GuildId(a.guild_id.get()),
            user: UserId(a.user_id.get()),
            account_created: created(a.user_id.get()),
            rule: match a.rule_trigger_type {
                Trigger::Keyword => AutoModRule::Keyword,
                Trigger::Spam => AutoModRule::Spam,
                Trigger::KeywordPreset => AutoModRule::KeywordPreset,
                Trigger::MentionSpam => AutoModRule::MentionSpam,
                Trigger::MemberProfile => AutoModRule::MemberProfile,
                Trigger::Unknown(n) => AutoModRule::Unknown(n),
            },
        })),
        _ => return Err("not an event the engine uses"),
    })
}

#[derive(Deserialize)]
struct Envelope<'a> {
    ts: u64,
    t: &'a str,
    #[serde(borrow)]
    d: &'a RawValue,
}

/// Compares the two readings of every line; returns how many lines held an event.
fn compare(name: &str, capture: &str) -> usize {
    let mut events = 0;
    for (i, line) in capture.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let env: Envelope = serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
        let mut de = serde_json::Deserializer::from_str(env.d.get());
        let tw = DispatchEventWithTypeDeserializer::new(env.t)
            .deserialize(&mut de)
            .map(Tw::from)
            .unwrap_or_else(|e| panic!("{name}:{}: twilight refuses a {}: {e}", i + 1, env.t));
        let wire = parse_line(line);
        match through_twilight(&tw) {
            Ok(want) => {
                let got = wire.unwrap_or_else(|e| panic!("{name}:{}: the wire refuses a {}: {e}", i + 1, env.t));
                assert_eq!(got.ts, env.ts);
                assert_eq!(got.event, want, "{name}:{}: {}", i + 1, env.t);
                events += usize::from(want.is_some());
            }
            Err(_) => assert_eq!(wire, Err(CaptureError::Unsupported(env.t.to_string())), "{name}:{}", i + 1),
        }
    }
    events
}

#[test]
fn the_shared_captures_read_the_same_through_both() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios");
    if !dir.is_dir() {
        if std::env::var_os("MOAT_SKIP_SHARED").is_some() {
            eprintln!("SKIPPED: ../shared/scenarios not found and MOAT_SKIP_SHARED is set");
            return;
        }
        panic!("this test needs the example captures in ../shared/scenarios (set MOAT_SKIP_SHARED=1 to skip)");
    }
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(compare(&path.display().to_string(), &text) > 0);
            files += 1;
        }
    }
    assert!(files >= 5, "expected the five example captures, found {files}");
}

#[test]
fn generated_scenarios_read_the_same_through_both() {
    for (name, gen) in moat_testkit::ALL {
        for seed in [3, 31] {
            assert!(compare(name, &gen(seed).capture) > 0, "{name}");
        }
    }
}

#[test]
fn a_day_of_traffic_in_discords_full_shapes_reads_the_same_through_both() {
    // Embeds, replies quoting the message they answer, attachments, mentions with members.
    assert!(compare("day", &moat_testkit::traffic::day_of_traffic(3_000, 100)) > 3_000);
}

#[test]
fn the_fixtures_read_the_same_through_both() {
    use moat_testkit::fixture as scenario;
    for (name, capture) in [
        ("raid", scenario::raid(40).1),
        ("flood", scenario::flood().1),
        ("scam", scenario::scam_takeover().1),
        ("chat", scenario::normal_chat().1),
    ] {
        assert!(compare(name, &capture) > 0, "{name}");
    }
}

#[test]
fn odd_but_valid_payloads_read_the_same_through_both() {
    use serde_json::json;
    let role = |id: &str, perms: serde_json::Value| {
        json!({"id": id, "name": "r", "color": 0, "hoist": false, "managed": false, "mentionable": false,
               "position": 1, "permissions": perms, "flags": 0,
               "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}})
    };
    let line = |ts: u64, t: &str, d: serde_json::Value| json!({"ts": ts, "t": t, "d": d}).to_string();
    // A whole guild update, a role whose permissions are a number, @everyone moderating.
    let update = json!({
        "id": "1", "name": "g", "owner_id": "2", "roles": [role("1", json!("8")), role("3", json!(2048))],
        "afk_timeout": 60, "default_message_notifications": 0, "explicit_content_filter": 0, "features": [],
        "mfa_level": 0, "nsfw_level": 0, "preferred_locale": "en-US", "premium_progress_bar_enabled": false,
        "premium_tier": 0, "system_channel_flags": 0, "verification_level": 0, "emojis": [], "member_count": 12,
        "afk_channel_id": null, "application_id": null, "banner": null, "description": null,
        "discovery_splash": null, "icon": null, "max_members": null, "max_presences": null,
        "permissions": null, "public_updates_channel_id": null, "rules_channel_id": null, "splash": null,
        "system_channel_id": null, "vanity_url_code": null, "widget_channel_id": null, "widget_enabled": null,
    });
    let user = |id: &str, name: &str| json!({"id": id, "username": name, "discriminator": "0", "avatar": null, "public_flags": 0});
    let execution = |trigger: u8| {
        json!({"guild_id": "1", "action": {"type": 1}, "rule_id": "4", "rule_trigger_type": trigger, "user_id": "9",
               "content": "x", "matched_keyword": null, "matched_content": null})
    };
    let msg = |id: &str, kind: u8, guild: bool| {
        let mut m = json!({
            "id": id, "channel_id": "5", "author": {"id": "9", "username": "w\u{e9}b", "discriminator": "0",
            "avatar": "0123456789abcdef0123456789abcdef", "bot": true}, "webhook_id": "77",
            "member": {"roles": ["3"], "joined_at": "2025-06-01T10:00:00.123456+02:00", "deaf": false,
                       "mute": false, "flags": 0, "communication_disabled_until": null, "nick": null},
            "content": "line\n\"two\" <@9> <@10>", "timestamp": "2026-01-01T13:00:00.000+00:00",
            "edited_timestamp": null, "tts": false, "mention_everyone": true,
            "mentions": [user("9", "w"), user("10", "x")], "mention_roles": ["3", "4"],
            "attachments": [{"id": "1", "filename": "a.png", "size": 1, "url": "https://cdn/a.png",
                             "proxy_url": "https://m/a.png"}],
            "embeds": [{"type": "rich"}], "pinned": false, "type": kind, "flags": 0,
        });
        if guild {
            m["guild_id"] = json!("1");
        }
        m
    };
    let lines = [
        line(1, "GUILD_UPDATE", update),
        line(2, "GUILD_DELETE", json!({"id": "1", "unavailable": true})),
        line(3, "GUILD_DELETE", json!({"id": "1"})),
        line(4, "GUILD_ROLE_DELETE", json!({"guild_id": "1", "role_id": "3"})),
        line(5, "GUILD_ROLE_UPDATE", json!({"guild_id": "1", "role": role("1", json!("1099511627776"))})),
        line(6, "GUILD_MEMBER_REMOVE", json!({"guild_id": "1", "user": user("9", "u")})),
        line(7, "AUTO_MODERATION_ACTION_EXECUTION", execution(5)),
        line(8, "AUTO_MODERATION_ACTION_EXECUTION", execution(9)),
        line(9, "TYPING_START", json!({"channel_id": "5", "user_id": "9", "timestamp": 1})),
        // A webhook's reply with an escaped, mention-heavy text, joined on an offset date.
        line(10, "MESSAGE_CREATE", msg("30", 19, true)),
        // A system message and a message outside any guild: read, nothing to judge.
        line(11, "MESSAGE_CREATE", msg("31", 7, true)),
        line(12, "MESSAGE_CREATE", msg("32", 0, false)),
    ];
    assert_eq!(compare("odd", &lines.join("\n")), 8);
}
