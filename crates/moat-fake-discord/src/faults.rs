//! Faults injected into REST answers on demand. Gateway faults (dropped connection, op 7,
//! op 9) are methods of [`crate::FakeDiscord`]; 429 storms belong to [`crate::ratelimit`].

/// REST faults waiting to happen.
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// The next this-many requests answer 500.
    pub fail_next: u32,
    /// Requests whose path contains this answer 500 until cleared.
    pub fail_path: Option<String>,
}

impl Faults {
    /// Whether this request should fail with a 500 (and counts it down).
    pub(crate) fn should_fail(&mut self, path: &str) -> bool {
        if self.fail_next > 0 {
            self.fail_next -= 1;
            return true;
        }
        self.fail_path.as_deref().is_some_and(|p| path.contains(p))
    }
}
