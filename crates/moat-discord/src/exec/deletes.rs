//! Deleting messages: as soon as possible, and in bulk whenever several are waiting.
//!
//! The first message to delete in a channel goes at once. While that call is out (or the
//! channel's bucket is empty and the lane waits for its reset), more messages to delete
//! pile up; the next turn of the lane takes them all and sends one `bulk-delete` of up to
//! 100 (Discord's limit, and only for messages younger than 14 days; older or lone ones are
//! deleted one by one). So a quiet channel gets the lowest latency and a raid the fewest
//! calls.

use std::sync::Mutex;

use twilight_http::Client;
use twilight_model::id::Id;

use super::calls::send;
use super::lanes::Barrier;
use super::{BULK_DELETE_MAX_AGE, DISCORD_EPOCH};
use crate::clock::Clock;
use crate::shared::{lock, Shared};

/// Messages of one channel waiting for deletion.
#[derive(Default)]
pub struct Pending {
    pub ids: Vec<u64>,
    /// Batches whose member actions wait for these deletions.
    pub barriers: Vec<Barrier>,
    /// A drain is queued on the channel's lane.
    pub queued: bool,
}

/// Deletes everything pending in `channel`, then lets waiting member actions go.
pub async fn drain(client: &Client, shared: &Shared, clock: &Clock, channel: u64, pending: &Mutex<Pending>) {
    let (ids, barriers) = {
        let mut p = lock(pending);
        p.queued = false;
        (std::mem::take(&mut p.ids), std::mem::take(&mut p.barriers))
    };
    let now = clock.now_ms();
    let (fresh, mut singles): (Vec<u64>, Vec<u64>) =
        ids.into_iter().partition(|&m| (m >> 22) + DISCORD_EPOCH + BULK_DELETE_MAX_AGE > now);
    let channel_id = Id::new(channel.max(1));
    for chunk in fresh.chunks(100) {
        if chunk.len() < 2 {
            singles.extend_from_slice(chunk);
            continue;
        }
        let ids: Vec<_> = chunk.iter().map(|&m| Id::new(m.max(1))).collect();
        let what = format!("bulk-delete {} messages", ids.len());
        let _ = send(shared, &what, || client.delete_messages(channel_id, &ids)).await;
    }
    for m in singles {
        let _ = send(shared, "delete a message", || client.delete_message(channel_id, Id::new(m.max(1)))).await;
    }
    for b in barriers {
        b.arrive();
    }
}
