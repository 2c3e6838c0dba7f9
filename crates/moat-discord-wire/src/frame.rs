//! Gateway frames as the live bot receives them: `{"op", "s", "t", "d"}`.
//!
//! twilight's shard keeps the connection (heartbeats, RESUME, reconnects) and hands over
//! each frame's text; the bot reads the frame here, gives dispatches (`op` 0) to
//! [`crate::translate`] for the engine, and parses with twilight only the few dispatches it
//! needs for itself.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::CaptureError;

/// The opcode of a dispatch.
pub const DISPATCH: u8 = 0;

/// One gateway frame, its payload left as text.
#[derive(Debug, Deserialize)]
pub struct Frame<'a> {
    pub op: u8,
    /// The sequence number (dispatches only).
    #[serde(default)]
    pub s: Option<u64>,
    /// The dispatch's name (dispatches only).
    #[serde(borrow, default)]
    pub t: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub d: Option<&'a RawValue>,
}

impl<'a> Frame<'a> {
    /// Reads a frame's text.
    pub fn read(text: &'a str) -> Result<Frame<'a>, CaptureError> {
        serde_json::from_str(text).map_err(|e| CaptureError::Envelope(e.to_string()))
    }

    /// A dispatch's name and payload text; `None` for the gateway's own frames (hello,
    /// heartbeat acknowledgements, reconnect requests).
    pub fn dispatch(&self) -> Option<(&str, &'a str)> {
        match (self.op, &self.t, self.d) {
            (DISPATCH, Some(t), Some(d)) => Some((t.as_ref(), d.get())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dispatches_and_tells_other_frames_apart() {
        let f = Frame::read(r#"{"op":0,"s":7,"t":"GUILD_DELETE","d":{"id":"1"}}"#).unwrap();
        assert_eq!(f.s, Some(7));
        assert_eq!(f.dispatch(), Some(("GUILD_DELETE", r#"{"id":"1"}"#)));
        let ack = Frame::read(r#"{"op":11,"d":null}"#).unwrap();
        assert_eq!(ack.dispatch(), None);
        assert!(Frame::read("{").is_err());
    }
}
