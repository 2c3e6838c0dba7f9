//! Capture lines: one JSON object a line, either a webhook body or a streaming message,
//! exactly as Mastodon sent it ([`parse_capture_line`]), read by the same code as live input.
//! [`sniff_platform`] tells a Mastodon line from a Discord one (`{"ts","t","d"}`) by its
//! shape alone, for `moat replay` to pick the adapter.

use super::{envelope, stream_from, webhook_from, ParseError};
use crate::model::{Event, Source, StreamMessage, WebhookEvent};

/// A capture line, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureLine {
    Webhook(WebhookEvent),
    Stream(StreamMessage),
}

impl CaptureLine {
    /// The event the line stands for (its time from the line itself; `None` for a `delete`).
    pub fn into_event(self) -> Event {
        let mut e = match self {
            CaptureLine::Webhook(w) => Event::from(w),
            CaptureLine::Stream(m) => Event::from_stream(m, Source::Capture),
        };
        e.source = Source::Capture;
        e
    }
}

/// Parses one capture line (surrounding whitespace allowed).
pub fn parse_capture_line(line: &str) -> Result<CaptureLine, ParseError> {
    let env = envelope(line.trim())?;
    if env.object.is_some() {
        webhook_from(env).map(CaptureLine::Webhook)
    } else if env.stream.is_some() {
        stream_from(env).map(CaptureLine::Stream)
    } else {
        Err(ParseError::UnknownShape)
    }
}

/// Which platform a capture line is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// `{"ts", "t", "d"}`: a Discord gateway payload.
    Discord,
    /// `{"event", "created_at", "object"}` or `{"stream", "event", "payload"}`.
    Mastodon,
}

/// Tells a line's platform by which keys its top-level object has (`None`: neither shape,
/// or not a JSON object). It does not check the contents: parse the line for that.
pub fn sniff_platform(line: &str) -> Option<Platform> {
    let env = envelope(line.trim()).ok()?;
    let discord = env.ts.is_some() && env.t.is_some() && env.d.is_some();
    let webhook = env.event.is_some() && env.object.is_some();
    let stream = env.event.is_some() && env.stream.is_some();
    match (discord, webhook || stream) {
        (true, false) => Some(Platform::Discord),
        (false, true) => Some(Platform::Mastodon),
        _ => None,
    }
}
