//! Faults injected on demand. Stream drops are [`crate::FakeMastodon::drop_streams`]; 429
//! storms belong to [`crate::ratelimit`]; the rest waits here.

/// Faults waiting to happen.
#[derive(Debug, Clone)]
pub struct Faults {
    /// The next this-many API requests fail with `fail_status`.
    pub fail_next: u32,
    /// API requests whose path contains this fail with `fail_status` until cleared.
    pub fail_path: Option<String>,
    /// The status of injected failures (500 unless set: 502 and 503 are what a proxy in
    /// front of a busy server answers).
    pub fail_status: u16,
    /// New streaming connections are refused (502) while set: posts made meanwhile reach only
    /// the public timeline, as when the streaming server is down.
    pub stream_down: bool,
    /// The next this-many webhooks are signed with the wrong secret.
    pub bad_signature_next: u32,
    /// The next this-many webhooks carry no `X-Hub-Signature` at all.
    pub unsigned_next: u32,
    /// The next this-many webhooks are delivered twice (as a retried Sidekiq job can be).
    pub duplicate_next: u32,
    /// Requests answered with an injected failure so far.
    pub injected: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            fail_next: 0,
            fail_path: None,
            fail_status: 500,
            stream_down: false,
            bad_signature_next: 0,
            unsigned_next: 0,
            duplicate_next: 0,
            injected: 0,
        }
    }
}

impl Faults {
    /// Whether this API request should fail (and counts it).
    pub(crate) fn should_fail(&mut self, path: &str) -> bool {
        let fail = if self.fail_next > 0 {
            self.fail_next -= 1;
            true
        } else {
            self.fail_path.as_deref().is_some_and(|p| path.contains(p))
        };
        if fail {
            self.injected += 1;
        }
        fail
    }

    /// Takes one from a counter, saying whether it was above zero.
    pub(crate) fn take(counter: &mut u32) -> bool {
        if *counter > 0 {
            *counter -= 1;
            true
        } else {
            false
        }
    }
}
