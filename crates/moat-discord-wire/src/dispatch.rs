//! Gateway dispatches (`t` and its `d`) into the engine's events.
//!
//! [`translate`] is the one translation from Discord to moat: the live bot runs it on
//! every dispatch the gateway sends, `moat replay` on every line of a capture, so both take
//! one decision path. A dispatch the engine does not use is refused as
//! [`CaptureError::Unsupported`], never dropped without a word.

use moat_core::event::Event;
use serde::{Deserialize, Deserializer};

use crate::error::CaptureError;
use crate::payload::{
    AutoModExecution, GuildDelete, MemberAdd, MemberRemove, RoleChange, RoleDelete, WireGuild, WireMessage,
};

/// The dispatches the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    GuildCreate,
    GuildUpdate,
    GuildDelete,
    RoleCreate,
    RoleUpdate,
    RoleDelete,
    MemberAdd,
    MemberRemove,
    MessageCreate,
    MessageUpdate,
    AutoModExecution,
}

impl Kind {
    /// The kind of a dispatch named `t`, if the engine reads it.
    pub fn of(t: &str) -> Option<Kind> {
        Some(match t {
            "MESSAGE_CREATE" => Kind::MessageCreate,
            "MESSAGE_UPDATE" => Kind::MessageUpdate,
            "GUILD_MEMBER_ADD" => Kind::MemberAdd,
            "GUILD_MEMBER_REMOVE" => Kind::MemberRemove,
            "GUILD_CREATE" => Kind::GuildCreate,
            "GUILD_UPDATE" => Kind::GuildUpdate,
            "GUILD_DELETE" => Kind::GuildDelete,
            "GUILD_ROLE_CREATE" => Kind::RoleCreate,
            "GUILD_ROLE_UPDATE" => Kind::RoleUpdate,
            "GUILD_ROLE_DELETE" => Kind::RoleDelete,
            "AUTO_MODERATION_ACTION_EXECUTION" => Kind::AutoModExecution,
            _ => return None,
        })
    }

    /// Reads a payload of this kind: the event, or `None` when there is nothing to judge
    /// (a system message, a link preview's update, a message outside a guild, a guild that
    /// is only unavailable).
    pub fn decode<'de, D: Deserializer<'de>>(self, d: D) -> Result<Option<Event<'de>>, D::Error> {
        Ok(match self {
            Kind::MessageCreate => WireMessage::deserialize(d)?.into_event(false),
            Kind::MessageUpdate => WireMessage::deserialize(d)?.into_event(true),
            Kind::MemberAdd => Some(MemberAdd::deserialize(d)?.into_event()),
            Kind::MemberRemove => Some(MemberRemove::deserialize(d)?.into_event()),
            Kind::GuildCreate | Kind::GuildUpdate => WireGuild::deserialize(d)?.into_event(),
            Kind::GuildDelete => GuildDelete::deserialize(d)?.into_event(),
            Kind::RoleCreate | Kind::RoleUpdate => Some(RoleChange::deserialize(d)?.into_event()),
            Kind::RoleDelete => Some(RoleDelete::deserialize(d)?.into_event()),
            Kind::AutoModExecution => Some(AutoModExecution::deserialize(d)?.into_event()),
        })
    }
}

/// Translates one dispatch: `t` its name, `d` its payload's JSON text. `Ok(None)` means
/// the engine has nothing to judge in it.
pub fn translate<'a>(t: &str, d: &'a str) -> Result<Option<Event<'a>>, CaptureError> {
    let kind = Kind::of(t).ok_or_else(|| CaptureError::Unsupported(t.to_string()))?;
    let payload = |e: serde_json::Error| CaptureError::Payload { event: t.to_string(), error: e.to_string() };
    let mut de = serde_json::Deserializer::from_str(d);
    let event = kind.decode(&mut de).map_err(payload)?;
    de.end().map_err(payload)?;
    Ok(event)
}
