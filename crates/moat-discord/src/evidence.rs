//! The bot's own short memory of messages, so every deletion carries its evidence.
//!
//! The engine attaches evidence to the action that punishes; the deletions around it (and
//! the "posted while contained" follow-ups) may name only a message id. Before anything is
//! deleted, the engine task fills in what that message said, who wrote it, where, and its
//! attachments' URLs from this cache of the last messages seen, so the evidence log never
//! holds a deletion without its content.

use std::collections::{HashMap, VecDeque};

use moat_core::action::{EvidenceMessage, EVIDENCE_CONTENT_MAX};
use moat_core::{Action, ActionKind};
use twilight_model::channel::Message;
use twilight_model::gateway::event::Event;

/// Messages remembered at most.
const KEEP: usize = 20_000;

/// Recent messages by id, oldest evicted first.
#[derive(Default)]
pub struct RecentMessages {
    by_id: HashMap<u64, EvidenceMessage>,
    order: VecDeque<u64>,
}

fn cut(s: &str) -> String {
    s.chars().take(EVIDENCE_CONTENT_MAX).collect()
}

impl RecentMessages {
    fn remember(&mut self, m: &Message, ts: u64) {
        let id = m.id.get();
        let e = EvidenceMessage {
            message_id: id,
            channel_id: m.channel_id.get(),
            author_id: m.author.id.get(),
            ts,
            content: cut(&m.content),
            attachment_urls: m.attachments.iter().map(|a| a.url.clone()).collect(),
        };
        if self.by_id.insert(id, e).is_none() {
            self.order.push_back(id);
            if self.order.len() > KEEP {
                if let Some(old) = self.order.pop_front() {
                    self.by_id.remove(&old);
                }
            }
        }
    }

    /// Follows message events.
    pub fn observe(&mut self, event: &Event, now: u64) {
        match event {
            Event::MessageCreate(mc) => self.remember(&mc.message, now),
            Event::MessageUpdate(mu) => self.remember(&mu.as_ref().0, now),
            _ => {}
        }
    }

    /// Gives every deletion without evidence the message it deletes, if remembered.
    pub fn fill(&self, actions: &mut [Action]) {
        for a in actions.iter_mut().filter(|a| a.kind == ActionKind::DeleteMessage && a.evidence.messages.is_empty()) {
            if let Some(e) = a.message_id.and_then(|m| self.by_id.get(&m)) {
                a.evidence.messages.push(e.clone());
            }
        }
    }
}
