//! Counters of what the adapter saw and did, shared by its tasks and read as a snapshot
//! ([`Stats::snapshot`]) by the operator's status page, the demo and the tests. Refusals and
//! duplicates are counted here rather than only logged, so none goes unnoticed.

use std::sync::atomic::{AtomicU64, Ordering};

macro_rules! counters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Live counters (atomics).
        #[derive(Debug, Default)]
        pub struct Stats {
            $($(#[$doc])* pub $name: AtomicU64,)*
        }

        /// The counters at one moment.
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
        pub struct StatsSnapshot {
            $($(#[$doc])* pub $name: u64,)*
        }

        impl Stats {
            pub fn snapshot(&self) -> StatsSnapshot {
                StatsSnapshot { $($name: self.$name.load(Ordering::Relaxed),)* }
            }
        }
    };
}

counters! {
    /// Webhook requests received (any outcome).
    webhooks_received,
    /// Webhooks verified, parsed and handed on.
    webhooks_accepted,
    /// Refused with 401: no `X-Hub-Signature`, a malformed one, or a wrong one.
    webhooks_bad_signature,
    /// Signed correctly but unreadable (400; handed on as `Inbound::Unreadable`).
    webhooks_bad_body,
    /// Larger than the body limit (413).
    webhooks_too_large,
    /// Repeats of a delivery already handed on (answered 200, not handed on again).
    webhooks_duplicate,
    /// Streaming connections opened.
    stream_connects,
    /// Streaming connections lost (dropped, closed, timed out).
    stream_drops,
    /// Streaming connection attempts that failed.
    stream_connect_failures,
    /// Streaming messages received.
    stream_messages,
    /// Streaming messages that could not be read (handed on as `Inbound::Unreadable`).
    stream_unreadable,
    /// Public timeline pages read to catch up after a gap.
    catchup_pages,
    /// Statuses handed on from catch-up (not seen on the stream).
    catchup_statuses,
    /// Catch-ups stopped at the page limit (a gap left, reported as `Inbound::Gap`).
    catchup_truncated,
    /// Events not handed on because the same status (or delete) was already.
    events_duplicate,
    /// Events handed on to the consumer.
    events_delivered,
    /// REST requests sent.
    rest_requests,
    /// 429 answers received.
    rest_429,
    /// 5xx answers and connection failures.
    rest_server_errors,
    /// Requests sent again after a 429, a 5xx or a connection failure.
    rest_retries,
    /// Times a request waited for the rate-limit window to reset.
    rate_limit_waits,
    /// Milliseconds (on the adapter's clock) spent waiting for the rate limit.
    rate_limit_wait_ms,
    /// Actions Mastodon carried out (or had already: a block that existed).
    actions_applied,
    /// Actions that failed for good.
    actions_failed,
}

/// Adds one to a counter.
pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// Adds `n` to a counter.
pub(crate) fn add(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}
