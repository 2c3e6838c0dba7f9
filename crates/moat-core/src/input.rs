//! The engine's view of Discord events, cut down to what detectors read.
//!
//! The engine takes twilight's [`Event`](twilight_model::gateway::event::Event) so that the
//! live bot and `moat replay` share one model, but detectors work on [`MessageIn`] and
//! [`JoinIn`]: small borrowed views that tests can build in one line and that cost nothing to
//! make. The conversion lives here and nowhere else.

use twilight_model::{
    channel::{message::MessageType, Message},
    gateway::payload::incoming::MemberAdd,
    util::Timestamp,
};

use crate::action::Millis;

/// Unix milliseconds of a Discord timestamp.
pub fn millis(ts: Timestamp) -> Millis {
    u64::try_from(ts.as_micros() / 1000).unwrap_or(0)
}

/// A message (or an edit) as detectors see it.
#[derive(Debug, Clone, Default)]
pub struct MessageIn<'a> {
    pub id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub author_bot: bool,
    /// Posted through a webhook: there is no member to act on.
    pub webhook: bool,
    /// When the author joined the guild, when Discord says.
    pub joined_at: Option<Millis>,
    pub roles: Vec<u64>,
    pub content: &'a str,
    /// Attachments plus embeds.
    pub attachments: u32,
    pub attachment_urls: Vec<&'a str>,
    /// Unique users mentioned.
    pub user_mentions: u32,
    pub role_mentions: u32,
    /// Discord resolved an `@everyone`/`@here` ping.
    pub mention_everyone: bool,
    /// This is an edit of an earlier message, not a new one.
    pub edit: bool,
}

impl<'a> MessageIn<'a> {
    /// The view of a `MESSAGE_CREATE` or of a real edit. Returns `None` for what detectors
    /// must not judge: system messages (joins, boosts, pins) and `MESSAGE_UPDATE`s that are
    /// not edits (Discord sends those when it unfurls a link preview).
    pub fn from_message(m: &'a Message, edit: bool) -> Option<Self> {
        if !matches!(m.kind, MessageType::Regular | MessageType::Reply) {
            return None;
        }
        if edit && m.edited_timestamp.is_none() {
            return None;
        }
        let member = m.member.as_ref();
        Some(MessageIn {
            id: m.id.get(),
            channel_id: m.channel_id.get(),
            author_id: m.author.id.get(),
            author_bot: m.author.bot,
            webhook: m.webhook_id.is_some(),
            joined_at: member.and_then(|mb| mb.joined_at).map(millis),
            roles: member.map(|mb| mb.roles.iter().map(|r| r.get()).collect()).unwrap_or_default(),
            content: &m.content,
            attachments: (m.attachments.len() + m.embeds.len()) as u32,
            attachment_urls: m.attachments.iter().map(|a| a.url.as_str()).collect(),
            user_mentions: m.mentions.iter().filter(|u| u.id != m.author.id).count() as u32,
            role_mentions: m.mention_roles.len() as u32,
            mention_everyone: m.mention_everyone,
            edit,
        })
    }
}

/// A member joining, as the raid and scraper detectors see it.
#[derive(Debug, Clone, Default)]
pub struct JoinIn<'a> {
    pub user_id: u64,
    pub bot: bool,
    /// No avatar of their own: Discord shows a default one.
    pub default_avatar: bool,
    pub username: &'a str,
}

impl<'a> JoinIn<'a> {
    pub fn from_member_add(m: &'a MemberAdd) -> Self {
        JoinIn {
            user_id: m.member.user.id.get(),
            bot: m.member.user.bot,
            default_avatar: m.member.user.avatar.is_none() && m.member.avatar.is_none(),
            username: &m.member.user.name,
        }
    }
}
