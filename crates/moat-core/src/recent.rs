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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentMessage {
    pub ts: Millis,
    /// Arrival order across both windows.
    seq: u64,
    pub id: MessageId,
    pub channel_id: ChannelId,
    pub author_id: UserId,
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

#[derive(Debug, Clone)]
pub struct Recent {
    /// Every message not held longer, oldest first.
    short: VecDeque<RecentMessage>,
    /// Messages held for a detector's longer window, oldest first.
    long: VecDeque<RecentMessage>,
    keep: Millis,
    /// The time of the last expiry: the short window ends `keep` before it.
    horizon: Millis,
    seq: u64,
}

impl Recent {
    pub fn new(keep: Millis) -> Self {
        Self { short: VecDeque::new(), long: VecDeque::new(), keep, horizon: 0, seq: 0 }
    }

    /// Records a message, or the new text of an edited one; `long_keep` is how long held
    /// messages are kept (see [`Recent::hold`]).
    pub fn record(&mut self, now: Millis, m: &Message, long_keep: Millis) {
        self.expire(now, long_keep);
        let content: Box<str> = cut(&m.content, CONTENT_MAX).into();
        if m.edit {
            if let Some(old) = self.short.iter_mut().chain(self.long.iter_mut()).rev().find(|r| r.id == m.id) {
                old.content = content;
                return;
            }
        }
        if self.short.len() >= MAX_MESSAGES {
            self.short.pop_front();
        }
        self.seq += 1;
        self.short.push_back(RecentMessage {
            ts: now,
            seq: self.seq,
            id: m.id,
            channel_id: m.channel,
            author_id: m.author,
            content,
            attachment_urls: m.attachment_urls.iter().map(|u| Box::from(u.as_ref())).collect(),
        });
    }

    /// Keeps the message just recorded for the longer window: a detector may delete it later.
    pub fn hold(&mut self, message_id: MessageId) {
        if self.short.back().is_some_and(|r| r.id == message_id) {
            let r = self.short.pop_back().expect("back exists");
            if self.long.len() >= MAX_MESSAGES {
                self.long.pop_front();
            }
            self.long.push_back(r);
        }
    }

    pub fn expire(&mut self, now: Millis, long_keep: Millis) {
        let keep = self.keep;
        while self.short.front().is_some_and(|r| now.saturating_sub(r.ts) > keep) {
            self.short.pop_front();
        }
        let long_keep = long_keep.max(keep);
        while self.long.front().is_some_and(|r| now.saturating_sub(r.ts) > long_keep) {
            self.long.pop_front();
        }
        self.horizon = self.horizon.max(now);
    }

    /// The author's messages of the short window posted since `since`, in the order they
    /// arrived.
    pub fn by_author(&self, author_id: UserId, since: Millis) -> Vec<&RecentMessage> {
        let in_short = |r: &&RecentMessage| self.horizon.saturating_sub(r.ts) <= self.keep;
        let mut out: Vec<&RecentMessage> = self
            .short
            .iter()
            .chain(self.long.iter().filter(in_short))
            .filter(|r| r.author_id == author_id && r.ts >= since)
            .collect();
        out.sort_by_key(|r| r.seq);
        out
    }

    /// A message of either window.
    pub fn get(&self, message_id: MessageId) -> Option<&RecentMessage> {
        self.short
            .iter()
            .rev()
            .find(|r| r.id == message_id)
            .or_else(|| self.long.iter().rev().find(|r| r.id == message_id))
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.short.is_empty() && self.long.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        (self.short.capacity() + self.long.capacity()) * std::mem::size_of::<RecentMessage>()
            + self.short.iter().chain(&self.long).map(|r| r.content.len() + r.attachment_urls.len() * 16).sum::<usize>()
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
        assert_eq!(&*r.get(MessageId(1)).unwrap().content, "first, edited");
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
        assert_eq!(&*r.get(MessageId(1)).expect("held").content, "https://x.ru/a");
        assert!(r.by_author(UserId(7), 0).is_empty(), "out of the short window: not deleted as recent");
        r.expire(70_001, 60_000);
        assert!(r.get(MessageId(1)).is_none(), "gone after the long window");
    }

    #[test]
    fn text_is_cut_to_the_evidence_limit() {
        let mut r = Recent::new(1000);
        let long = "é".repeat(CONTENT_MAX + 10);
        r.record(0, &m(1, 1, &long), 0);
        assert_eq!(r.get(MessageId(1)).unwrap().content.chars().count(), CONTENT_MAX);
    }
}
