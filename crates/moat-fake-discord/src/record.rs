//! Every REST call the fake answered, so tests assert on what the bot *did* (which calls,
//! in which order, how fast, from which process) and `moat demo --json` can count them.
//!
//! Each call carries what Discord's OpenAPI spec says is wrong with it
//! ([`Call::violations`]); [`crate::FakeDiscord::assert_spec_clean`] is the one-line check
//! an end-to-end test ends with.

use std::time::Instant;

/// One REST call.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The path after `/api/v10`, e.g. `/guilds/1/bulk-ban` (OAuth2 paths as sent).
    pub path: String,
    /// The query string, without `?` (empty when none).
    pub query: String,
    pub status: u16,
    /// The request body (JSON as sent).
    pub body: String,
    /// `X-Audit-Log-Reason`, decoded, if any.
    pub reason: Option<String>,
    /// The process that sent it (`X-Moat-Process`, or `moat-process/NAME` in `User-Agent`).
    pub process: Option<String>,
    /// What Discord's OpenAPI spec (and Discord's header limits) say is wrong with it.
    pub violations: Vec<String>,
    pub at: Instant,
    /// When it arrived on the fake's clock (unix ms).
    pub at_ms: u64,
}

impl Call {
    /// The body parsed as JSON (`Null` when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Whether this call is `METHOD` on a path that ends with `suffix`.
    pub fn is(&self, method: &str, suffix: &str) -> bool {
        self.method == method && self.path.ends_with(suffix)
    }

    /// Whether the call changed something a moderator would see (not a read, not an error).
    pub fn is_action(&self) -> bool {
        self.method != "GET" && (200..300).contains(&self.status)
    }

    /// `METHOD /path: violation; violation` for a failing test's message.
    pub fn describe_violations(&self) -> String {
        format!("{} {}: {}", self.method, self.path, self.violations.join("; "))
    }
}
