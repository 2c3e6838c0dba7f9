//! What the engine handles: the engine's own input model, one small struct per kind of
//! event, holding only what detectors read.
//!
//! Each platform's adapter translates its own events into these (the Discord one is
//! `moat-discord-wire`, shared by the live bot, `moat replay` and the tests, so they take
//! one decision path). Nothing here knows a platform: facts an adapter derives from its own
//! ids (a Discord snowflake's creation time) or permissions (which roles moderate) arrive
//! as plain fields.
//!
//! Text borrows from the payload it was read from ([`Cow`]), so a message costs no copy of
//! its content. Every struct implements [`Default`]: adapters and tests build them with
//! `..Default::default()`, so a fact added later (an e-mail domain, an IP, a media
//! fingerprint for Mastodon sign-ups, as `Option` fields) breaks none of them.

use std::borrow::Cow;

use crate::action::Millis;
pub use crate::fedi::{AccountChange, FediAccount, FediAuthor, FediReport, FediStatus, MediaPrint};
use crate::id::{ChannelId, GuildId, MessageId, RoleId, UserId};

/// One event, as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// A guild moat protects became known or changed (name, owner, roles).
    GuildKnown(GuildKnown<'a>),
    /// moat left the guild, or it was deleted: forget everything about it.
    GuildGone(GuildGone),
    RoleUpserted(RoleUpserted),
    RoleRemoved(RoleRemoved),
    MemberJoined(MemberJoined<'a>),
    MemberLeft(MemberLeft),
    /// A message posted, or edited (see [`Message::edit`]).
    Message(Message<'a>),
    /// The platform's own filter (Discord's AutoMod) acted on a member.
    AutoModHit(AutoModHit),
    /// A fediverse account signed up, was approved or changed ([`crate::fedi`]).
    FediAccount(FediAccount<'a>),
    /// A fediverse status was posted or edited.
    FediStatus(FediStatus<'a>),
    /// A fediverse user filed a report.
    FediReport(FediReport),
}

impl Event<'_> {
    /// The event with its text copied, so it outlives the payload it was read from (to
    /// queue it, or to hold many at once).
    pub fn into_owned(self) -> Event<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        match self {
            Event::GuildKnown(g) => Event::GuildKnown(GuildKnown { name: own(g.name), ..g }),
            Event::MemberJoined(j) => Event::MemberJoined(MemberJoined {
                username: own(j.username),
                display_name: j.display_name.map(own),
                ..j
            }),
            Event::Message(m) => Event::Message(Message {
                author_name: own(m.author_name),
                content: own(m.content),
                attachment_urls: m.attachment_urls.into_iter().map(own).collect(),
                ..m
            }),
            Event::GuildGone(e) => Event::GuildGone(e),
            Event::RoleUpserted(e) => Event::RoleUpserted(e),
            Event::RoleRemoved(e) => Event::RoleRemoved(e),
            Event::MemberLeft(e) => Event::MemberLeft(e),
            Event::AutoModHit(e) => Event::AutoModHit(e),
            Event::FediAccount(e) => Event::FediAccount(e.into_owned()),
            Event::FediStatus(e) => Event::FediStatus(e.into_owned()),
            Event::FediReport(e) => Event::FediReport(e),
        }
    }

    /// The guild the event belongs to.
    pub fn guild(&self) -> GuildId {
        match self {
            Event::GuildKnown(e) => e.guild,
            Event::GuildGone(e) => e.guild,
            Event::RoleUpserted(e) => e.guild,
            Event::RoleRemoved(e) => e.guild,
            Event::MemberJoined(e) => e.guild,
            Event::MemberLeft(e) => e.guild,
            Event::Message(e) => e.guild,
            Event::AutoModHit(e) => e.guild,
            Event::FediAccount(e) => e.guild,
            Event::FediStatus(e) => e.guild,
            Event::FediReport(e) => e.guild,
        }
    }
}

/// A role, with what the adapter decided about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Role {
    pub id: RoleId,
    /// Its permissions make its holders moderators (the adapter decides which do).
    pub moderates: bool,
    /// Every member holds it (Discord's `@everyone`).
    pub everyone: bool,
}

/// A guild's authority structure, whole: on arrival and on every change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuildKnown<'a> {
    pub guild: GuildId,
    pub name: Cow<'a, str>,
    pub owner: UserId,
    /// Every role of the guild (those not listed are gone).
    pub roles: Vec<Role>,
    /// Members, when the platform says (it does not on every update).
    pub member_count: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GuildGone {
    pub guild: GuildId,
}

/// A role created or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoleUpserted {
    pub guild: GuildId,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoleRemoved {
    pub guild: GuildId,
    pub role: RoleId,
}

/// A member joining, as the raid and scraper detectors see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberJoined<'a> {
    pub guild: GuildId,
    pub user: UserId,
    /// When the account was created (unix ms): one of the strongest signals of a raid.
    pub account_created: Millis,
    pub bot: bool,
    /// No avatar of their own: the platform shows a default one.
    pub default_avatar: bool,
    pub username: Cow<'a, str>,
    pub display_name: Option<Cow<'a, str>>,
    /// When the platform says the member joined.
    pub joined_at: Option<Millis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberLeft {
    pub guild: GuildId,
    pub user: UserId,
}

/// A message (or an edit) as detectors see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message<'a> {
    pub guild: GuildId,
    pub id: MessageId,
    pub channel: ChannelId,
    pub author: UserId,
    /// When the author's account was created (unix ms).
    pub account_created: Millis,
    pub author_name: Cow<'a, str>,
    pub author_bot: bool,
    /// Posted through a webhook: there is no member to act on.
    pub webhook: bool,
    /// When the author joined the guild, when the platform says.
    pub joined_at: Option<Millis>,
    pub roles: Vec<RoleId>,
    pub content: Cow<'a, str>,
    /// Attachments plus embeds.
    pub attachments: u32,
    pub attachment_urls: Vec<Cow<'a, str>>,
    /// Unique users mentioned (the author not counted).
    pub user_mentions: u32,
    pub role_mentions: u32,
    /// The platform resolved an `@everyone`/`@here` ping.
    pub mention_everyone: bool,
    /// This is an edit of an earlier message, not a new one.
    pub edit: bool,
}

/// The kind of rule the platform's filter applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AutoModRule {
    #[default]
    Keyword,
    Spam,
    KeywordPreset,
    MentionSpam,
    MemberProfile,
    /// A kind this version does not know, with the platform's number for it.
    Unknown(u8),
}

/// The platform's filter acted on a member's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AutoModHit {
    pub guild: GuildId,
    pub user: UserId,
    /// When the member's account was created (0: the adapter does not know).
    pub account_created: Millis,
    pub rule: AutoModRule,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owned_event_equals_the_borrowed_one() {
        let text = String::from("hello https://x.example");
        let m =
            Event::Message(Message { content: Cow::Borrowed(&text), author_name: "a".into(), ..Default::default() });
        let owned = m.clone().into_owned();
        drop(text);
        assert!(matches!(&owned, Event::Message(o) if o.content == "hello https://x.example"));
    }
}
