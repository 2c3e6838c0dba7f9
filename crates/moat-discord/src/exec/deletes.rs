//! Deleting messages: as soon as possible, and in bulk whenever several are waiting.
//!
//! The first message to delete in a channel goes at once. While that call is out (or the
//! channel's bucket is empty and the lane waits for its reset), more messages to delete
//! pile up; the next turn of the lane takes them all and sends one `bulk-delete` of up to
//! 100 (Discord's limit, and only for messages younger than 14 days; older or lone ones are
//! deleted one by one). So a quiet channel gets the lowest latency and a raid the fewest
//! calls.

use std::sync::Mutex;

use moat_core::id::{ChannelId, MessageId};
use moat_discord_wire::snowflake::created_at;
use twilight_http::request::AuditLogReason as _;
use twilight_http::Client;

use super::calls::send;
use super::lanes::Barrier;
use super::ledger::Unit;
use super::BULK_DELETE_MAX_AGE;
use crate::clock::Clock;
use crate::ids::ToTwilight as _;
use crate::shared::{lock, Shared};

/// Messages of one channel waiting for deletion.
#[derive(Default)]
pub struct Pending {
    pub ids: Vec<MessageId>,
    /// Batches whose member actions wait for these deletions.
    pub barriers: Vec<Barrier>,
    /// A drain is queued on the channel's lane.
    pub queued: bool,
    /// Why, for the audit log: the detectors behind the pending deletions, and the first
    /// reason given.
    pub detectors: Vec<&'static str>,
    pub first_reason: Option<String>,
}

impl Pending {
    /// Notes why a message is to be deleted.
    pub fn because(&mut self, detector: &'static str, reason: &str) {
        if !self.detectors.contains(&detector) {
            self.detectors.push(detector);
        }
        if self.first_reason.is_none() {
            self.first_reason = Some(reason.to_string());
        }
    }

    /// The audit-log reason of a deletion of `n` of these messages.
    fn reason(detectors: &[&str], first: Option<&str>, n: usize) -> String {
        let what = if n == 1 { "1 message".to_string() } else { format!("{n} messages") };
        let why = first.map(|r| format!(": {r}")).unwrap_or_default();
        super::calls::audit_reason(&format!("deleted {what} ({}){why}", detectors.join(", ")))
    }
}

/// Deletes everything pending in `channel`, then lets waiting member actions go.
pub async fn drain(client: &Client, shared: &Shared, clock: &Clock, channel: ChannelId, pending: &Mutex<Pending>) {
    let (ids, barriers, detectors, first) = {
        let mut p = lock(pending);
        p.queued = false;
        (
            std::mem::take(&mut p.ids),
            std::mem::take(&mut p.barriers),
            std::mem::take(&mut p.detectors),
            p.first_reason.take(),
        )
    };
    let now = clock.now_ms();
    let release = || {
        for b in &barriers {
            b.arrive();
        }
    };
    let Ok(channel_id) = channel.twilight() else {
        release();
        return;
    };
    let ids: Vec<_> = ids.into_iter().filter_map(|m| m.twilight().ok()).collect();
    let (fresh, mut singles): (Vec<_>, Vec<_>) =
        ids.into_iter().partition(|m| created_at(m.get()) + BULK_DELETE_MAX_AGE > now);
    for chunk in fresh.chunks(100) {
        if chunk.len() < 2 {
            singles.extend_from_slice(chunk);
            continue;
        }
        let what = format!("bulk-delete {} messages", chunk.len());
        let reason = Pending::reason(&detectors, first.as_deref(), chunk.len());
        let _ = send(shared, &what, || client.delete_messages(channel_id, chunk).reason(&reason)).await;
        for m in chunk {
            shared.ledger.close(Unit::Delete(channel, MessageId(m.get())));
        }
    }
    let reason = Pending::reason(&detectors, first.as_deref(), 1);
    for m in singles {
        let _ = send(shared, "delete a message", || client.delete_message(channel_id, m).reason(&reason)).await;
        shared.ledger.close(Unit::Delete(channel, MessageId(m.get())));
    }
    release();
}
