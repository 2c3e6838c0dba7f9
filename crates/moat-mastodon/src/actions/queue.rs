//! The action queue: actions arrive on a channel, are moved at once into a priority heap
//! (most urgent first, first come first served within a priority), and go out one at a
//! time, each taken from the heap only once the rate limit lets a request go, so an urgent
//! action that arrives during a wait still goes first. The heap is not bounded: during a
//! wave the engine may decide faster than 300 requests per 5 minutes allow, and what it
//! decided must wait, not vanish (an action is a few hundred bytes).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Mutex;

use tokio::sync::{mpsc, Notify};

use super::exec::{execute, ExecState};
use super::{ActionReport, ActionRequest, MastodonAction, Priority};
use crate::http::{Api, Urgency};
use crate::stats::bump;

/// The sending half: give it actions; their reports come back to the server's consumer.
#[derive(Debug, Clone)]
pub struct ActionSender {
    tx: mpsc::Sender<ActionRequest>,
}

/// The adapter stopped: the action was not queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the Mastodon adapter has stopped")]
pub struct Stopped(pub ActionRequest);

impl ActionSender {
    pub(crate) fn new(tx: mpsc::Sender<ActionRequest>) -> ActionSender {
        ActionSender { tx }
    }

    /// Queues an action with its default priority and tag 0 (waits while the queue is full).
    pub async fn send(&self, action: MastodonAction) -> Result<(), Stopped> {
        self.submit(action.into()).await
    }

    /// Queues an action with a priority and a tag of the sender's choosing.
    pub async fn submit(&self, request: ActionRequest) -> Result<(), Stopped> {
        self.tx.send(request).await.map_err(|e| Stopped(e.0))
    }
}

struct Queued {
    priority: Priority,
    seq: u64,
    request: ActionRequest,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        (self.priority, self.seq) == (other.priority, other.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.priority, self.seq).cmp(&(other.priority, other.seq))
    }
}

/// Actions waiting, most urgent first.
#[derive(Default)]
pub struct Heap {
    heap: BinaryHeap<Reverse<Queued>>,
    seq: u64,
}

impl Heap {
    pub fn push(&mut self, request: ActionRequest) {
        self.seq += 1;
        self.heap.push(Reverse(Queued { priority: request.priority, seq: self.seq, request }));
    }

    pub fn pop(&mut self) -> Option<ActionRequest> {
        self.heap.pop().map(|Reverse(q)| q.request)
    }

    pub fn peek_priority(&self) -> Option<Priority> {
        self.heap.peek().map(|Reverse(q)| q.priority)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// Runs actions until the senders are gone and the heap is empty; reports each to `report`.
///
/// Intake and execution run side by side: actions are moved from the channel into the heap
/// as they come, even while one waits for the rate limit, so a sender (the engine) never
/// stalls behind a rate-limit window, and cannot deadlock with a report waiting for it.
pub async fn run<F, Fut>(api: &Api, mut state: ExecState, mut rx: mpsc::Receiver<ActionRequest>, mut report: F)
where
    F: FnMut(ActionReport) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let heap = Mutex::new(Heap::default());
    let arrived = Notify::new();
    let closed = AtomicBool::new(false);
    let intake = async {
        while let Some(r) = rx.recv().await {
            lock(&heap).push(r);
            arrived.notify_one();
        }
        closed.store(true, AtomicOrdering::Release);
        arrived.notify_one();
    };
    let work = async {
        loop {
            let Some(priority) = lock(&heap).peek_priority() else {
                if closed.load(AtomicOrdering::Acquire) {
                    return;
                }
                arrived.notified().await;
                continue;
            };
            let urgency = if priority == Priority::Housekeeping { Urgency::Low } else { Urgency::Normal };
            // Wait for the window before choosing: what arrives meanwhile may go first.
            api.ready(urgency).await;
            let Some(request) = lock(&heap).pop() else { continue };
            let result = execute(api, &mut state, &request.action, request.priority).await;
            match &result {
                Ok(_) => bump(&api.stats().actions_applied),
                Err(e) => {
                    bump(&api.stats().actions_failed);
                    let account = request.action.account_id().map(|a| a.to_string()).unwrap_or_default();
                    tracing::warn!(action = request.action.name(), account, error = %e, "mastodon: action failed");
                }
            }
            report(ActionReport { request, result, at_ms: api.clock().now_ms() }).await;
        }
    };
    tokio::join!(intake, work);
}

fn lock(m: &Mutex<Heap>) -> std::sync::MutexGuard<'_, Heap> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AccountId;

    fn silence(id: &str) -> MastodonAction {
        MastodonAction::Silence { account_id: AccountId::new(id), reason: "r".into() }
    }

    #[test]
    fn most_urgent_first_then_in_order() {
        let mut h = Heap::default();
        h.push(MastodonAction::DirectMessage { text: "wave".into() }.into());
        h.push(MastodonAction::RemoveEmailDomainBlock { domain: "x.example".into(), reason: "over".into() }.into());
        h.push(silence("1").into());
        h.push(MastodonAction::EmailDomainBlock { domain: "x.example".into(), reason: "wave".into() }.into());
        h.push(silence("2").into());
        let order: Vec<&'static str> = std::iter::from_fn(|| h.pop()).map(|r| r.action.name()).collect();
        assert_eq!(order, ["silence", "silence", "email_domain_block", "direct_message", "remove_email_domain_block"]);
        let mut h = Heap::default();
        h.push(silence("1").into());
        h.push(silence("2").into());
        assert_eq!(h.pop().and_then(|r| r.action.account_id().cloned()), Some(AccountId::new("1")));
    }
}
