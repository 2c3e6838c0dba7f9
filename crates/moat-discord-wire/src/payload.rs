//! The lean, borrowed shapes of the payloads moat reads: only the fields the engine uses,
//! each parsed as twilight-model parses it (ids, timestamps, permissions, message types);
//! every other field is skipped without being built. Text borrows from the input when it
//! has no escapes.
//!
//! Fields twilight requires but the engine never reads are not checked here: a payload
//! Discord would never send may pass, but every field the engine reads means the same.

use std::borrow::Cow;
use std::fmt;

use moat_core::event::{
    AutoModHit, AutoModRule, Event, GuildGone, GuildKnown, MemberJoined, MemberLeft, Message, Role, RoleRemoved,
    RoleUpserted,
};
use moat_core::id::{ChannelId, GuildId, MessageId, RoleId, UserId};
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

use crate::permissions;
use crate::snowflake::{created_at, Snowflake};
use crate::timestamp::Timestamp;

/// Message types the engine judges: `DEFAULT` (0) and `REPLY` (19). Joins, boosts, pins
/// and the other system messages are not speech.
const JUDGED_TYPES: [u8; 2] = [0, 19];

/// The length of an array, without building its elements.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Count(pub u32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl<'de> Visitor<'de> for CountVisitor {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                let mut n = 0u32;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n = n.saturating_add(1);
                }
                Ok(Count(n))
            }
        }
        d.deserialize_seq(CountVisitor)
    }
}

/// Permission bits, as twilight reads them: a string of digits or an integer.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Permissions(pub u64);

impl<'de> Deserialize<'de> for Permissions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PermissionsVisitor;
        impl Visitor<'_> for PermissionsVisitor {
            type Value = Permissions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("integer or string permissions")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Permissions, E> {
                Ok(Permissions(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Permissions, E> {
                v.parse().map(Permissions).map_err(|_| E::custom("permissions is not valid bitflags"))
            }
        }
        d.deserialize_any(PermissionsVisitor)
    }
}

#[derive(Deserialize)]
pub(crate) struct User<'a> {
    id: Snowflake,
    #[serde(borrow, default)]
    username: Cow<'a, str>,
    #[serde(borrow, default)]
    global_name: Option<Cow<'a, str>>,
    #[serde(default)]
    avatar: Option<IgnoredAny>,
    #[serde(default)]
    bot: bool,
}

/// A message's author: only what the engine reads (its display name is not one of those).
#[derive(Deserialize)]
pub(crate) struct Author<'a> {
    id: Snowflake,
    #[serde(borrow, default)]
    username: Cow<'a, str>,
    #[serde(default)]
    bot: bool,
}

#[derive(Deserialize)]
pub(crate) struct IdOnly {
    id: Snowflake,
}

/// The ids of an array of objects with an `id` (a message's mentions), read without keeping
/// the objects.
#[derive(Default)]
pub(crate) struct Ids(Vec<u64>);

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdsVisitor;
        impl<'de> Visitor<'de> for IdsVisitor {
            type Value = Ids;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of objects with an id")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ids, A::Error> {
                let mut ids = Vec::new();
                while let Some(o) = seq.next_element::<IdOnly>()? {
                    ids.push(o.id.0);
                }
                Ok(Ids(ids))
            }
        }
        d.deserialize_seq(IdsVisitor)
    }
}

/// Role ids, read straight into the engine's.
#[derive(Default)]
pub(crate) struct RoleIds(Vec<RoleId>);

impl<'de> Deserialize<'de> for RoleIds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RolesVisitor;
        impl<'de> Visitor<'de> for RolesVisitor {
            type Value = RoleIds;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of role ids")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RoleIds, A::Error> {
                let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(r) = seq.next_element::<Snowflake>()? {
                    ids.push(RoleId(r.0));
                }
                Ok(RoleIds(ids))
            }
        }
        d.deserialize_seq(RolesVisitor)
    }
}

#[derive(Deserialize)]
pub(crate) struct PartialMember {
    #[serde(default)]
    roles: RoleIds,
    #[serde(default)]
    joined_at: Option<Timestamp>,
}

#[derive(Deserialize)]
pub(crate) struct Attachment<'a> {
    #[serde(borrow)]
    url: Cow<'a, str>,
}

/// `MESSAGE_CREATE` and `MESSAGE_UPDATE` (Discord sends the whole message on an update).
#[derive(Deserialize)]
pub(crate) struct WireMessage<'a> {
    id: Snowflake,
    channel_id: Snowflake,
    #[serde(default)]
    guild_id: Option<Snowflake>,
    #[serde(borrow)]
    author: Author<'a>,
    #[serde(default)]
    member: Option<PartialMember>,
    #[serde(borrow, default)]
    content: Cow<'a, str>,
    #[serde(rename = "type", default)]
    kind: u8,
    #[serde(default)]
    edited_timestamp: Option<IgnoredAny>,
    #[serde(default)]
    webhook_id: Option<Snowflake>,
    #[serde(default)]
    mentions: Ids,
    #[serde(default)]
    mention_roles: Count,
    #[serde(default)]
    mention_everyone: bool,
    #[serde(borrow, default)]
    attachments: Vec<Attachment<'a>>,
    #[serde(default)]
    embeds: Count,
}

impl<'a> WireMessage<'a> {
    /// The engine's view, or `None` for what it must not judge: system messages, messages
    /// outside a guild, and updates that are not edits (Discord sends those when it
    /// unfurls a link preview).
    pub(crate) fn into_event(self, edit: bool) -> Option<Event<'a>> {
        if !JUDGED_TYPES.contains(&self.kind) || (edit && self.edited_timestamp.is_none()) {
            return None;
        }
        let guild = self.guild_id?;
        let author = self.author.id.0;
        let (roles, joined_at) = match self.member {
            Some(m) => (m.roles.0, m.joined_at.map(|t| t.0)),
            None => (Vec::new(), None),
        };
        Some(Event::Message(Message {
            guild: GuildId(guild.0),
            id: MessageId(self.id.0),
            channel: ChannelId(self.channel_id.0),
            author: UserId(author),
            account_created: created_at(author),
            author_name: self.author.username,
            author_bot: self.author.bot,
            webhook: self.webhook_id.is_some(),
            joined_at,
            roles,
            content: self.content,
            attachments: (self.attachments.len() as u32).saturating_add(self.embeds.0),
            attachment_urls: self.attachments.into_iter().map(|a| a.url).collect(),
            user_mentions: self.mentions.0.iter().filter(|&&u| u != author).count() as u32,
            role_mentions: self.mention_roles.0,
            mention_everyone: self.mention_everyone,
            edit,
        }))
    }
}

/// `GUILD_MEMBER_ADD`: a member object with the guild's id beside it.
#[derive(Deserialize)]
pub(crate) struct MemberAdd<'a> {
    guild_id: Snowflake,
    #[serde(borrow)]
    user: User<'a>,
    #[serde(default)]
    avatar: Option<IgnoredAny>,
    #[serde(default)]
    joined_at: Option<Timestamp>,
    #[serde(borrow, default)]
    nick: Option<Cow<'a, str>>,
}

impl<'a> MemberAdd<'a> {
    pub(crate) fn into_event(self) -> Event<'a> {
        let u = self.user;
        Event::MemberJoined(MemberJoined {
            guild: GuildId(self.guild_id.0),
            user: UserId(u.id.0),
            account_created: created_at(u.id.0),
            bot: u.bot,
            default_avatar: u.avatar.is_none() && self.avatar.is_none(),
            username: u.username,
            display_name: self.nick.or(u.global_name),
            joined_at: self.joined_at.map(|t| t.0),
        })
    }
}

/// `GUILD_MEMBER_REMOVE`.
#[derive(Deserialize)]
pub(crate) struct MemberRemove {
    guild_id: Snowflake,
    user: IdOnly,
}

impl MemberRemove {
    pub(crate) fn into_event(self) -> Event<'static> {
        Event::MemberLeft(MemberLeft { guild: GuildId(self.guild_id.0), user: UserId(self.user.id.0) })
    }
}

#[derive(Deserialize)]
pub(crate) struct WireRole {
    id: Snowflake,
    #[serde(default)]
    permissions: Permissions,
}

impl WireRole {
    /// The engine's role: whether it moderates, and whether it is `@everyone` (whose id
    /// is the guild's).
    fn into_role(self, guild: Snowflake) -> Role {
        Role {
            id: RoleId(self.id.0),
            moderates: permissions::moderates(self.permissions.0),
            everyone: self.id == guild,
        }
    }
}

/// `GUILD_CREATE` and `GUILD_UPDATE`.
#[derive(Deserialize)]
pub(crate) struct WireGuild<'a> {
    id: Snowflake,
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(default)]
    owner_id: Option<Snowflake>,
    #[serde(default)]
    roles: Vec<WireRole>,
    #[serde(default)]
    member_count: Option<u64>,
    #[serde(default)]
    unavailable: Option<bool>,
}

impl<'a> WireGuild<'a> {
    /// The guild's structure, or `None` for a guild Discord says is unavailable (an outage:
    /// nothing about it changed).
    pub(crate) fn into_event(self) -> Option<Event<'a>> {
        if self.unavailable == Some(true) {
            return None;
        }
        let id = self.id;
        Some(Event::GuildKnown(GuildKnown {
            guild: GuildId(id.0),
            name: self.name,
            owner: UserId(self.owner_id.map_or(0, |o| o.0)),
            roles: self.roles.into_iter().map(|r| r.into_role(id)).collect(),
            member_count: self.member_count,
        }))
    }
}

/// `GUILD_DELETE`.
#[derive(Deserialize)]
pub(crate) struct GuildDelete {
    id: Snowflake,
    #[serde(default)]
    unavailable: Option<bool>,
}

impl GuildDelete {
    /// moat left the guild (or it was deleted); `None` for an outage.
    pub(crate) fn into_event(self) -> Option<Event<'static>> {
        (self.unavailable != Some(true)).then_some(Event::GuildGone(GuildGone { guild: GuildId(self.id.0) }))
    }
}

/// `GUILD_ROLE_CREATE` and `GUILD_ROLE_UPDATE`.
#[derive(Deserialize)]
pub(crate) struct RoleChange {
    guild_id: Snowflake,
    role: WireRole,
}

impl RoleChange {
    pub(crate) fn into_event(self) -> Event<'static> {
        let guild = self.guild_id;
        Event::RoleUpserted(RoleUpserted { guild: GuildId(guild.0), role: self.role.into_role(guild) })
    }
}

/// `GUILD_ROLE_DELETE`.
#[derive(Deserialize)]
pub(crate) struct RoleDelete {
    guild_id: Snowflake,
    role_id: Snowflake,
}

impl RoleDelete {
    pub(crate) fn into_event(self) -> Event<'static> {
        Event::RoleRemoved(RoleRemoved { guild: GuildId(self.guild_id.0), role: RoleId(self.role_id.0) })
    }
}

/// `AUTO_MODERATION_ACTION_EXECUTION`.
#[derive(Deserialize)]
pub(crate) struct AutoModExecution {
    guild_id: Snowflake,
    user_id: Snowflake,
    rule_trigger_type: u8,
}

impl AutoModExecution {
    pub(crate) fn into_event(self) -> Event<'static> {
        let rule = match self.rule_trigger_type {
            1 => AutoModRule::Keyword,
            3 => AutoModRule::Spam,
            4 => AutoModRule::KeywordPreset,
            5 => AutoModRule::MentionSpam,
            6 => AutoModRule::MemberProfile,
            n => AutoModRule::Unknown(n),
        };
        Event::AutoModHit(AutoModHit {
            guild: GuildId(self.guild_id.0),
            user: UserId(self.user_id.0),
            account_created: created_at(self.user_id.0),
            rule,
        })
    }
}
