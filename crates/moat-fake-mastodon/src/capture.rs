//! The Mastodon capture format, for tests, `moat demo` and `moat replay`.
//!
//! A capture is text, one JSON object a line (blank lines are skipped). Each line is one of
//! two things, exactly as Mastodon puts it on the wire, with nothing added:
//!
//! 1. **An admin webhook body**, as `POST`ed to the webhook URL:
//!    `{"event":"account.created","created_at":"2024-02-15T10:00:00.123Z","object":{…}}`.
//!    `object` is the admin account entity for `account.*` events (`id`, `username`,
//!    `domain`, `created_at`, `email`, `ip`, `role`, `confirmed`, `suspended`, `silenced`,
//!    `sensitized`, `disabled`, `approved`, `locale`, `invite_request`, `ips`, `account` =
//!    the public account entity), the status entity for `status.*` events, the admin report
//!    entity for `report.*`. The line's time is its `created_at`.
//! 2. **A streaming message**, as the WebSocket delivers it:
//!    `{"stream":["public"],"event":"update","payload":"<the status entity as a JSON string>"}`
//!    (`status.update` likewise; `delete` has the bare status id as its payload). The line's
//!    time is the status's `created_at` (`edited_at` for an edit); a `delete` takes the time of
//!    the line before it.
//!
//! Lines are played in file order (their times should not go backwards; the player never
//! waits for an earlier time). What playing a line does, on the fake:
//!
//! - `account.created` creates the account (local when `domain` is null) unless its sign-up
//!   meets a block: a blocked e-mail domain, or an IP block with `sign_up_block`/`no_access`,
//!   refuses it (no webhook, and its later lines are dropped); `sign_up_requires_approval`
//!   makes it arrive pending (`"approved": false` in the delivered body, the one change the
//!   fake ever makes to a line). The body is then delivered, signed.
//! - `account.approved`/`account.updated`/`report.*` and unknown events are delivered as they are.
//! - a status line (a `status.*` webhook or a stream `update`/`status.update`) creates its
//!   author on first sight (remote when its `acct` has a domain) and stores the status,
//!   unless the author cannot post (suspended, disabled, pending, rejected, refused): then the
//!   line is dropped and counted as suppressed, as the post would never have existed. A local
//!   status fires its `status.created`/`status.updated` webhook once; a public status whose
//!   author is not silenced goes to the connected streams once (`public`, `public:local` or
//!   `public:remote`, with `:media` when it has attachments) and stays in the public timeline.
//!   So a local post may be written as its webhook, its stream message, or both; a remote post
//!   only as a stream message (remote statuses never fire webhooks).
//! - `delete` removes the status from the timeline and is sent to the streams.
//!
//! [`crate::builder`] writes such captures for tests.

use serde_json::Value;

use crate::time::parse_iso;

/// One capture line, parsed.
#[derive(Debug, Clone)]
pub enum Line {
    /// An admin webhook body.
    Webhook {
        event: String,
        /// The body's `created_at`.
        at_ms: Option<u64>,
        value: Value,
    },
    /// A streaming message.
    Stream {
        streams: Vec<String>,
        event: String,
        /// The payload string, exactly as given.
        payload: String,
        /// The status's time, for status events.
        at_ms: Option<u64>,
        /// The payload parsed, for status events.
        status: Option<Value>,
    },
}

/// Why a line is not a capture line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not a webhook body ({{\"event\",\"created_at\",\"object\"}}) nor a streaming message ({{\"stream\",\"event\",\"payload\"}})")]
    UnknownShape,
    #[error("the {0} payload is not a status entity")]
    BadPayload(String),
}

impl Line {
    /// The line's time, when it has one.
    pub fn at_ms(&self) -> Option<u64> {
        match self {
            Line::Webhook { at_ms, .. } | Line::Stream { at_ms, .. } => *at_ms,
        }
    }
}

/// Tells a line apart by its shape and reads what the player needs from it.
pub fn parse_line(text: &str) -> Result<Line, LineError> {
    let v: Value = serde_json::from_str(text).map_err(|e| LineError::NotJson(e.to_string()))?;
    let event = v["event"].as_str().map(str::to_string).ok_or(LineError::UnknownShape)?;
    if v["object"].is_object() {
        let at_ms = v["created_at"].as_str().and_then(parse_iso);
        return Ok(Line::Webhook { event, at_ms, value: v });
    }
    let streams: Vec<String> = match &v["stream"] {
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => return Err(LineError::UnknownShape),
    };
    let payload = v["payload"].as_str().ok_or(LineError::UnknownShape)?.to_string();
    let (status, at_ms) = if event == "update" || event == "status.update" {
        let s: Value = serde_json::from_str(&payload).map_err(|_| LineError::BadPayload(event.clone()))?;
        if !s.is_object() || s["id"].is_null() || !s["account"].is_object() {
            return Err(LineError::BadPayload(event));
        }
        let t = s["edited_at"].as_str().or_else(|| s["created_at"].as_str()).and_then(parse_iso);
        (Some(s), t)
    } else {
        (None, None)
    };
    Ok(Line::Stream { streams, event, payload, at_ms, status })
}

/// The time of the first line that has one (to start a test clock at the capture's start).
pub fn first_time(capture: &str) -> Option<u64> {
    capture.lines().map(str::trim).filter(|l| !l.is_empty()).filter_map(|l| parse_line(l).ok()).find_map(|l| l.at_ms())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_and_junk() {
        let w =
            parse_line(r#"{"event":"account.created","created_at":"2024-02-15T10:00:00.000Z","object":{"id":"1"}}"#);
        assert!(matches!(w, Ok(Line::Webhook { ref event, at_ms: Some(_), .. }) if event == "account.created"));
        let payload = serde_json::json!({"id": "5", "created_at": "2024-02-15T10:00:01.000Z", "account": {"id": "1"}})
            .to_string();
        let s = serde_json::json!({"stream": ["public"], "event": "update", "payload": payload}).to_string();
        assert!(matches!(parse_line(&s), Ok(Line::Stream { at_ms: Some(_), status: Some(_), .. })));
        let d = parse_line(r#"{"stream":["public"],"event":"delete","payload":"5"}"#);
        assert!(matches!(d, Ok(Line::Stream { at_ms: None, status: None, .. })));
        assert!(matches!(parse_line("{"), Err(LineError::NotJson(_))));
        assert_eq!(parse_line(r#"{"ts":1,"t":"MESSAGE_CREATE","d":{}}"#).err(), Some(LineError::UnknownShape));
        assert!(matches!(
            parse_line(r#"{"stream":["public"],"event":"update","payload":"[]"}"#),
            Err(LineError::BadPayload(_))
        ));
    }
}
