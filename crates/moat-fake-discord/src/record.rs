//! Every REST call the fake answered, so tests assert on what the bot *did* (which calls,
//! in which order, how fast) and `moat demo --json` can count them.

use std::time::Instant;

/// One REST call.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The path after `/api/v10`, e.g. `/guilds/1/bulk-ban`.
    pub path: String,
    pub status: u16,
    /// The request body (JSON as sent).
    pub body: String,
    /// `X-Audit-Log-Reason`, decoded, if any.
    pub reason: Option<String>,
    pub at: Instant,
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
}
