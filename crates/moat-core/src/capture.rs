//! Captures: Discord's own gateway payloads, one JSON object a line,
//! `{"ts": <unix ms>, "t": "MESSAGE_CREATE", "d": {<payload exactly as Discord sends it>}}`.
//!
//! Parsing goes through twilight's own deserializer for the event name, so a capture and the
//! live gateway produce the very same [`Event`] values. A bad line is an error that says
//! what is wrong with it; it never panics, and the caller decides to skip and count it.

use std::fmt;

use serde::de::DeserializeSeed;
use serde::Deserialize;
use serde_json::value::RawValue;
use twilight_model::gateway::event::{DispatchEventWithTypeDeserializer, Event};

use crate::action::Millis;

/// One line of a capture, parsed.
#[derive(Debug, Clone)]
pub struct CaptureEvent {
    pub ts: Millis,
    pub event: Event,
}

/// Why a line could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureError {
    /// Not a JSON object with `ts`, `t` and `d`.
    Envelope(String),
    /// `d` does not match what Discord sends for `t`.
    Payload { event: String, error: String },
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Envelope(e) => write!(f, "not a capture line ({{\"ts\", \"t\", \"d\"}}): {e}"),
            CaptureError::Payload { event, error } => write!(f, "bad {event} payload: {error}"),
        }
    }
}

impl std::error::Error for CaptureError {}

#[derive(Deserialize)]
struct Envelope<'a> {
    ts: Millis,
    #[serde(borrow)]
    t: &'a str,
    #[serde(borrow)]
    d: &'a RawValue,
}

/// Parses one capture line.
pub fn parse_line(line: &str) -> Result<CaptureEvent, CaptureError> {
    let env: Envelope = serde_json::from_str(line).map_err(|e| CaptureError::Envelope(e.to_string()))?;
    let mut de = serde_json::Deserializer::from_str(env.d.get());
    let dispatch = DispatchEventWithTypeDeserializer::new(env.t)
        .deserialize(&mut de)
        .map_err(|e| CaptureError::Payload { event: env.t.to_string(), error: e.to_string() })?;
    Ok(CaptureEvent { ts: env.ts, event: Event::from(dispatch) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_message() {
        let line = r#"{"ts":5,"t":"MESSAGE_CREATE","d":{"id":"3","channel_id":"2","guild_id":"1","author":{"id":"9","username":"u","discriminator":"0","avatar":null},"content":"hi","timestamp":"2026-01-01T13:00:00.000+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0,"flags":0}}"#;
        let e = parse_line(line).expect("valid");
        assert_eq!(e.ts, 5);
        let Event::MessageCreate(m) = e.event else { panic!("wrong event") };
        assert_eq!(m.content, "hi");
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(matches!(parse_line("not json"), Err(CaptureError::Envelope(_))));
        assert!(matches!(parse_line(r#"{"t":"X","d":{}}"#), Err(CaptureError::Envelope(e)) if e.contains("ts")));
        let e = parse_line(r#"{"ts":1,"t":"MESSAGE_CREATE","d":{"id":"x"}}"#).unwrap_err();
        assert!(e.to_string().starts_with("bad MESSAGE_CREATE payload"), "{e}");
        let e = parse_line(r#"{"ts":1,"t":"NO_SUCH_EVENT","d":{}}"#).unwrap_err();
        assert!(e.to_string().contains("NO_SUCH_EVENT"), "{e}");
    }
}
