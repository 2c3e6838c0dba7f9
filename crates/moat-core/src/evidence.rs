//! Evidence: what an action is based on, with one home and one limit.
//!
//! The engine keeps a guild's recent messages ([`crate::recent`]) with their text cut to
//! [`CONTENT_MAX`] characters, and attaches to every action the messages behind it: every
//! deletion carries the message it deletes (what is deleted is gone from the platform, so
//! this is the only copy a moderator or an abuse team will ever see). Everything after the
//! engine (the store, the bot's evidence file, `moat replay`'s output) keeps what the
//! action carries and never cuts again, so live and replay hold the same evidence.
//!
//! Only what moderation needs is kept: the few messages an action names, never chat logs.

use crate::action::Millis;
use crate::id::{ChannelId, MessageId, UserId};

/// How much of a message's text evidence keeps, in characters: a whole Discord message.
pub const CONTENT_MAX: usize = 2000;

/// One message kept as evidence: enough for a moderator or an abuse team to see what was
/// said, where and by whom, without keeping chat logs. Content is cut to [`CONTENT_MAX`]
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceMessage {
    pub message_id: MessageId,
    pub channel_id: ChannelId,
    pub author_id: UserId,
    /// When the engine saw the message (event time).
    pub ts: Millis,
    pub content: String,
    pub attachment_urls: Vec<String>,
}

/// What an action is based on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evidence {
    /// The messages that triggered the action (at most a few).
    pub messages: Vec<EvidenceMessage>,
    /// Facts in `key: value` form, e.g. `("pressure", "63.2")`, `("account_age", "2 days")`.
    pub facts: Vec<(String, String)>,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.facts.is_empty()
    }

    pub fn fact(mut self, key: &str, value: impl ToString) -> Self {
        self.facts.push((key.to_string(), value.to_string()));
        self
    }
}

/// Cuts text to at most `max` characters, on a character boundary.
pub fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_long_text_on_a_char_boundary() {
        assert_eq!(cut("héllo", 2), "hé");
        assert_eq!(cut("hi", 5), "hi");
        assert_eq!(cut(&"é".repeat(CONTENT_MAX + 3), CONTENT_MAX).chars().count(), CONTENT_MAX);
    }
}
