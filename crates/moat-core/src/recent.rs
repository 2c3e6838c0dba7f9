//! A guild's recent messages: what the engine may still delete, and the evidence of why.
//!
//! When a flooder crosses the pressure limit, the messages that got them there must go too,
//! and a moderator (or the platform's Trust & Safety team) should be able to read them. So
//! the engine keeps each message's ids and its text (cut to [`CONTENT_MAX`]):
//!
//! - every message for `keep` milliseconds (30 s): what floods and raids delete;
//! - the messages a campaign tracks (a link, a ping, long text) for as long as the campaign
//!   watch may still delete them (its window, 15 minutes by default), so every deletion it
//!   decides carries the deleted message.
//!
//! Nothing else, and never longer: enough for moderation, never a chat log.

use std::collections::VecDeque;

use crate::action::Millis;
use crate::event::Message;
use crate::evidence::{cut, EvidenceMessage, CONTENT_MAX};
use crate::id::{ChannelId, MessageId, UserId};

/// Messages kept per guild at most in each of the two windows, whatever the rate.
pub const MAX_MESSAGES: usize = 8192;
/// A window's text buffer is compacted once it holds this much and twice what is live.
const COMPACT_AT: usize = 64 * 1024;

/// One recent message: its ids and where its text is (see [`Recent::evidence`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentMessage {
    pub ts: Millis,
    /// Arrival order across both windows.
    seq: u64,
    pub id: MessageId,
    pub channel_id: ChannelId,
    pub author_id: UserId,
    /// Its text: `len` bytes at `start` of its window's buffer.
    start: usize,
    len: usize,
    pub attachment_urls: Box<[Box<str>]>,
}

/// One window: messages oldest first, their texts side by side in one buffer (no
/// allocation per message; the buffer is compacted as messages expire).
#[derive(Debug, Clone, Default)]
struct Window {
    messages: VecDeque<RecentMessage>,
    text: String,
    /// Bytes of `text` that live messages still use.
    live: usize,
}

impl Window {
    fn text_of(&self, r: &RecentMessage) -> &str {
        &self.text[r.start..r.start + r.len]
    }

    /// Appends a text to the buffer; returns where it starts.
    fn store(&mut self, content: &str) -> usize {
        let start = self.text.len();
        self.text.push_str(content);
        self.live += content.len();
        start
    }

    fn push(&mut self, mut r: RecentMessage, content: &str) {
        if self.messages.len() >= MAX_MESSAGES {
            self.pop_front();
        }
        r.start = self.store(content);
        r.len = content.len();
        self.messages.push_back(r);
    }

    fn pop_front(&mut self) -> Option<RecentMessage> {
        let r = self.messages.pop_front()?;
        self.live -= r.len;
        if self.messages.is_empty() {
            // A quiet guild holds nothing: give the buffers back.
            self.text = String::new();
            self.messages = VecDeque::new();
            self.live = 0;
        }
        Some(r)
    }

    /// Rewrites the buffer with only the live texts, once most of it is dead.
    fn compact(&mut self) {
        if self.text.len() < COMPACT_AT || self.text.len() < 2 * self.live {
            return;
        }
        // The same capacity again: appending never reallocates between compactions.
        let mut text = String::with_capacity(self.text.capacity());
        for r in &mut self.messages {
            let start = text.len();
            text.push_str(&self.text[r.start..r.start + r.len]);
            r.start = start;
        }
        self.text = text;
    }

    fn edit(&mut self, id: MessageId, content: &str) -> bool {
        let Some(i) = self.messages.iter().rposition(|r| r.id == id) else { return false };
        let start = self.store(content);
        let r = &mut self.messages[i];
        self.live -= r.len;
        r.start = start;
        r.len = content.len();
        true
    }

    fn expire(&mut self, now: Millis, keep: Millis) {
        while self.messages.front().is_some_and(|r| now.saturating_sub(r.ts) > keep) {
            self.pop_front();
        }
        self.compact();
    }

    fn heap_bytes(&self) -> usize {
        self.messages.capacity() * std::mem::size_of::<RecentMessage>()
            + self.text.capacity()
            + self.messages.iter().map(|r| r.attachment_urls.len() * 16).sum::<usize>()
    }
}

#[derive(Debug, Clone)]
pub struct Recent {
    /// Every message not held longer, oldest first.
    short: Window,
    /// Messages held for a detector's longer window, oldest first.
    long: Window,
    keep: Millis,
    /// The time of the last expiry: the short window ends `keep` before it.
    horizon: Millis,
    seq: u64,
}

impl Recent {
    pub fn new(keep: Millis) -> Self {
        Self { short: Window::default(), long: Window::default(), keep, horizon: 0, seq: 0 }
    }

    /// Records a message, or the new text of an edited one; `long_keep` is how long held
    /// messages are kept (see [`Recent::hold`]).
    pub fn record(&mut self, now: Millis, m: &Message, long_keep: Millis) {
        self.expire(now, long_keep);
        let content = cut(&m.content, CONTENT_MAX);
        if m.edit && (self.short.edit(m.id, content) || self.long.edit(m.id, content)) {
            return;
        }
        self.seq += 1;
        let r = RecentMessage {
            ts: now,
            seq: self.seq,
            id: m.id,
            channel_id: m.channel,
            author_id: m.author,
            start: 0,
            len: 0,
            attachment_urls: m.attachment_urls.iter().map(|u| Box::from(u.as_ref())).collect(),
        };
        self.short.push(r, content);
    }

    /// Keeps the message just recorded for the longer window: a detector may delete it later.
    pub fn hold(&mut self, message_id: MessageId) {
        if self.short.messages.back().is_none_or(|r| r.id != message_id) {
            return;
        }
        let r = self.short.messages.pop_back().expect("back exists");
        let text = self.short.text_of(&r).to_string();
        self.short.live -= r.len;
        self.long.push(r, &text);
    }

    pub fn expire(&mut self, now: Millis, long_keep: Millis) {
        self.short.expire(now, self.keep);
        self.long.expire(now, long_keep.max(self.keep));
        self.horizon = self.horizon.max(now);
    }

    /// The author's messages of the short window posted since `since`, in the order they
    /// arrived.
    pub fn by_author(&self, author_id: UserId, since: Millis) -> Vec<&RecentMessage> {
        let in_short = |r: &&RecentMessage| self.horizon.saturating_sub(r.ts) <= self.keep;
        let mut out: Vec<&RecentMessage> = self
            .short
            .messages
            .iter()
            .chain(self.long.messages.iter().filter(in_short))
            .filter(|r| r.author_id == author_id && r.ts >= since)
            .collect();
        out.sort_by_key(|r| r.seq);
        out
    }

    /// A message of either window.
    pub fn get(&self, message_id: MessageId) -> Option<&RecentMessage> {
        self.find(message_id).map(|(_, r)| r)
    }

    fn find(&self, message_id: MessageId) -> Option<(&Window, &RecentMessage)> {
        [&self.short, &self.long]
            .into_iter()
            .find_map(|w| w.messages.iter().rev().find(|r| r.id == message_id).map(|r| (w, r)))
    }

    /// The evidence of a message of either window: its ids, time, text and attachments.
    pub fn evidence(&self, message_id: MessageId) -> Option<EvidenceMessage> {
        let (w, r) = self.find(message_id)?;
        Some(EvidenceMessage {
            message_id: r.id,
            channel_id: r.channel_id,
            author_id: r.author_id,
            ts: r.ts,
            content: w.text_of(r).to_string(),
            attachment_urls: r.attachment_urls.iter().map(|u| u.to_string()).collect(),
        })
    }

    pub fn len(&self) -> usize {
        self.short.messages.len() + self.long.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.short.messages.is_empty() && self.long.messages.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        self.short.heap_bytes() + self.long.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: u64, author: u64, content: &str) -> Message<'_> {
        Message {
            id: MessageId(id),
            channel: ChannelId(5),
            author: UserId(author),
            content: content.into(),
            ..Default::default()
        }
    }

    fn ids(v: Vec<&RecentMessage>) -> Vec<u64> {
        v.into_iter().map(|r| r.id.get()).collect()
    }

    #[test]
    fn keeps_a_short_window_and_edits_in_place() {
        let mut r = Recent::new(10_000);
        r.record(0, &m(1, 7, "first"), 0);
        r.record(5_000, &m(2, 8, "other"), 0);
        r.record(6_000, &Message { edit: true, ..m(1, 7, "first, edited") }, 0);
        assert_eq!(r.len(), 2);
        assert_eq!(r.evidence(MessageId(1)).unwrap().content, "first, edited");
        assert_eq!(r.by_author(UserId(7), 0).len(), 1);
        r.record(10_500, &m(3, 7, "third"), 0);
        assert!(r.get(MessageId(1)).is_none(), "older than the window");
        assert_eq!(ids(r.by_author(UserId(7), 0)), vec![3]);
    }

    #[test]
    fn held_messages_outlive_the_short_window_but_only_as_evidence() {
        let mut r = Recent::new(10_000);
        r.record(0, &m(1, 7, "https://x.ru/a"), 60_000);
        r.hold(MessageId(1));
        r.record(1_000, &m(2, 7, "plain"), 60_000);
        assert_eq!(ids(r.by_author(UserId(7), 0)), vec![1, 2], "arrival order across both windows");
        r.record(30_000, &m(3, 8, "later"), 60_000);
        assert!(r.get(MessageId(2)).is_none());
        assert_eq!(r.evidence(MessageId(1)).expect("held").content, "https://x.ru/a");
        assert!(r.by_author(UserId(7), 0).is_empty(), "out of the short window: not deleted as recent");
        r.expire(70_001, 60_000);
        assert!(r.get(MessageId(1)).is_none(), "gone after the long window");
    }

    #[test]
    fn texts_survive_compaction_and_edits() {
        let mut r = Recent::new(1_000);
        let text = |i: u64| format!("message {i} {}", "x".repeat((i % 50) as usize * 40));
        for i in 0..5_000u64 {
            r.record(i * 10, &m(i, 7, &text(i)), 0);
            if i % 7 == 0 {
                r.record(i * 10, &Message { edit: true, ..m(i, 7, &format!("edited {i}")) }, 0);
            }
        }
        for i in 4_900..5_000u64 {
            let want = if i % 7 == 0 { format!("edited {i}") } else { text(i) };
            assert_eq!(r.evidence(MessageId(i)).unwrap().content, want);
        }
        assert!(r.short.text.len() <= 2 * r.short.live + COMPACT_AT, "dead text is dropped");
        r.expire(1_000_000, 0);
        assert_eq!(r.heap_bytes(), 0, "an emptied window keeps no buffers");
    }

    #[test]
    fn text_is_cut_to_the_evidence_limit() {
        let mut r = Recent::new(1000);
        let long = "é".repeat(CONTENT_MAX + 10);
        r.record(0, &m(1, 1, &long), 0);
        assert_eq!(r.evidence(MessageId(1)).unwrap().content.chars().count(), CONTENT_MAX);
    }
}
