//! The last few seconds of a guild's messages: what the engine may still delete, and the
//! evidence of why.
//!
//! When a flooder crosses the pressure limit, the messages that got them there must go too,
//! and a moderator (or Discord's Trust & Safety team) should be able to read them. The ring
//! keeps each message's ids and its text (cut to [`KEEP_CHARS`]) for `keep` milliseconds and
//! no longer: enough for moderation, never a chat log.

use std::collections::VecDeque;

use crate::action::{EvidenceMessage, Millis};
use crate::input::MessageIn;

/// Characters of text kept per message.
pub const KEEP_CHARS: usize = 512;
/// Messages kept per guild at most, whatever the rate.
pub const MAX_MESSAGES: usize = 8192;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentMessage {
    pub ts: Millis,
    pub id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub content: Box<str>,
    pub attachment_urls: Box<[Box<str>]>,
}

impl RecentMessage {
    pub fn evidence(&self) -> EvidenceMessage {
        EvidenceMessage {
            message_id: self.id,
            channel_id: self.channel_id,
            author_id: self.author_id,
            ts: self.ts,
            content: self.content.to_string(),
            attachment_urls: self.attachment_urls.iter().map(|u| u.to_string()).collect(),
        }
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

#[derive(Debug, Clone)]
pub struct Recent {
    ring: VecDeque<RecentMessage>,
    keep: Millis,
}

impl Recent {
    pub fn new(keep: Millis) -> Self {
        Self { ring: VecDeque::new(), keep }
    }

    /// Records a message, or the new text of an edited one.
    pub fn record(&mut self, now: Millis, m: &MessageIn) {
        self.expire(now);
        let content: Box<str> = cut(m.content, KEEP_CHARS).into();
        if m.edit {
            if let Some(old) = self.ring.iter_mut().rev().find(|r| r.id == m.id) {
                old.content = content;
                return;
            }
        }
        if self.ring.len() >= MAX_MESSAGES {
            self.ring.pop_front();
        }
        self.ring.push_back(RecentMessage {
            ts: now,
            id: m.id,
            channel_id: m.channel_id,
            author_id: m.author_id,
            content,
            attachment_urls: m.attachment_urls.iter().map(|&u| Box::from(u)).collect(),
        });
    }

    pub fn expire(&mut self, now: Millis) {
        while self.ring.front().is_some_and(|r| now.saturating_sub(r.ts) > self.keep) {
            self.ring.pop_front();
        }
    }

    /// The author's messages since `since`, oldest first.
    pub fn by_author(&self, author_id: u64, since: Millis) -> impl Iterator<Item = &RecentMessage> {
        self.ring.iter().filter(move |r| r.author_id == author_id && r.ts >= since)
    }

    pub fn get(&self, message_id: u64) -> Option<&RecentMessage> {
        self.ring.iter().rev().find(|r| r.id == message_id)
    }

    pub fn len(&self) -> usize {
        self.ring.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        self.ring.capacity() * std::mem::size_of::<RecentMessage>()
            + self.ring.iter().map(|r| r.content.len() + r.attachment_urls.len() * 16).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: u64, author: u64, content: &str) -> MessageIn<'_> {
        MessageIn { id, channel_id: 5, author_id: author, content, ..Default::default() }
    }

    #[test]
    fn keeps_a_short_window_and_edits_in_place() {
        let mut r = Recent::new(10_000);
        r.record(0, &m(1, 7, "first"));
        r.record(5_000, &m(2, 8, "other"));
        r.record(6_000, &MessageIn { edit: true, ..m(1, 7, "first, edited") });
        assert_eq!(r.len(), 2);
        assert_eq!(&*r.get(1).unwrap().content, "first, edited");
        assert_eq!(r.by_author(7, 0).count(), 1);
        r.record(10_500, &m(3, 7, "third"));
        assert!(r.get(1).is_none(), "older than the window");
        assert_eq!(r.by_author(7, 0).map(|x| x.id).collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn cuts_long_text_on_a_char_boundary() {
        assert_eq!(cut("héllo", 2), "hé");
        assert_eq!(cut("hi", 5), "hi");
        let mut r = Recent::new(1000);
        let long = "é".repeat(KEEP_CHARS + 10);
        r.record(0, &m(1, 1, &long));
        assert_eq!(r.get(1).unwrap().content.chars().count(), KEEP_CHARS);
    }
}
