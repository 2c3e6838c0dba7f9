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
use twilight_model::channel::{ChannelType, Message};
use twilight_model::gateway::event::{DispatchEventWithTypeDeserializer, Event};
use twilight_model::gateway::payload::incoming::{MemberAdd, MessageCreate};
use twilight_model::guild::Member;
use twilight_model::id::{marker::GuildMarker, Id};

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
    /// `t` names an event twilight-model does not know, so nothing in moat could use it.
    Unsupported(String),
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Envelope(e) => write!(f, "not a capture line ({{\"ts\", \"t\", \"d\"}}): {e}"),
            CaptureError::Payload { event, error } => write!(f, "bad {event} payload: {error}"),
            CaptureError::Unsupported(event) => write!(f, "{event} is not an event moat knows"),
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

/// The fields of `MESSAGE_CREATE` and `GUILD_MEMBER_ADD` that sit beside the flattened
/// message or member.
#[derive(Deserialize)]
struct Beside {
    #[serde(default)]
    channel_type: Option<ChannelType>,
    #[serde(default)]
    guild_id: Option<Id<GuildMarker>>,
}

/// The payload of a line read in one pass: a message parsed on the way, or the raw text.
enum Payload {
    Message(Box<Message>),
    /// Any other event: the two-pass path parses it.
    Other,
}

/// Reads `{"ts", "t", "d"}` in one pass when `t` comes before `d` (as captures write it):
/// a `MESSAGE_CREATE`'s `d` is parsed straight into a [`Message`] instead of being scanned
/// once to delimit it and again to parse it.
struct OnePass;

impl<'de> serde::de::Visitor<'de> for OnePass {
    type Value = (Option<Millis>, Option<&'de str>, Option<Payload>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a capture line")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut ts, mut t, mut d) = (None, None, None);
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "ts" => ts = Some(map.next_value()?),
                "t" => t = Some(map.next_value()?),
                "d" if t == Some("MESSAGE_CREATE") => d = Some(Payload::Message(map.next_value()?)),
                "d" => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    d = Some(Payload::Other);
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok((ts, t, d))
    }
}

/// The one-pass reading of a line, when it applies and succeeds.
fn one_pass(line: &str) -> Option<CaptureEvent> {
    // Discord rarely sends `channel_type`; a line that has it takes the two-pass path,
    // which keeps it.
    if line.contains("\"channel_type\"") {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let (ts, _, d) = serde::Deserializer::deserialize_map(&mut de, OnePass).ok()?;
    de.end().ok()?;
    match (ts, d) {
        (Some(ts), Some(Payload::Message(message))) => Some(CaptureEvent {
            ts,
            event: Event::MessageCreate(Box::new(MessageCreate { channel_type: None, message: *message })),
        }),
        _ => None,
    }
}

/// Parses one capture line.
///
/// The two commonest events get a fast path that builds the very same values as twilight's
/// own deserializer: twilight's `MessageCreate` and `MemberAdd` use `#[serde(flatten)]`,
/// which buffers the whole payload before parsing it, doubling the cost of the events that
/// make up most of any capture.
pub fn parse_line(line: &str) -> Result<CaptureEvent, CaptureError> {
    if line.contains("\"MESSAGE_CREATE\"") {
        if let Some(ev) = one_pass(line) {
            return Ok(ev);
        }
    }
    let env: Envelope = serde_json::from_str(line).map_err(|e| CaptureError::Envelope(e.to_string()))?;
    let payload =
        |error: serde_json::Error| CaptureError::Payload { event: env.t.to_string(), error: error.to_string() };
    match env.t {
        "MESSAGE_CREATE" => {
            let message: Message = serde_json::from_str(env.d.get()).map_err(payload)?;
            // Discord rarely sends `channel_type`; look for it only when it is there.
            let channel_type = if env.d.get().contains("\"channel_type\"") {
                serde_json::from_str::<Beside>(env.d.get()).map_err(payload)?.channel_type
            } else {
                None
            };
            let event = Event::MessageCreate(Box::new(MessageCreate { channel_type, message }));
            return Ok(CaptureEvent { ts: env.ts, event });
        }
        "GUILD_MEMBER_ADD" => {
            let member: Member = serde_json::from_str(env.d.get()).map_err(payload)?;
            let beside: Beside = serde_json::from_str(env.d.get()).map_err(payload)?;
            let guild_id = beside.guild_id.ok_or_else(|| CaptureError::Payload {
                event: env.t.to_string(),
                error: "missing field `guild_id`".into(),
            })?;
            let event = Event::MemberAdd(Box::new(MemberAdd { guild_id, member }));
            return Ok(CaptureEvent { ts: env.ts, event });
        }
        _ => {}
    }
    let mut de = serde_json::Deserializer::from_str(env.d.get());
    let dispatch = DispatchEventWithTypeDeserializer::new(env.t).deserialize(&mut de).map_err(|e| {
        // twilight refuses a name it does not model with serde's `unknown variant`.
        let error = e.to_string();
        if error.starts_with(&format!("unknown variant `{}`", env.t)) {
            CaptureError::Unsupported(env.t.to_string())
        } else {
            CaptureError::Payload { event: env.t.to_string(), error }
        }
    })?;
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
    fn fast_paths_build_what_twilight_builds() {
        use crate::synth::payload;
        let lines = [
            payload::line(
                1,
                "MESSAGE_CREATE",
                payload::message(&payload::Msg {
                    id: 3,
                    guild: 1,
                    channel: 2,
                    author: 9,
                    author_name: "u",
                    content: "hi <@5>",
                    mentions: &[5],
                    attachments: 1,
                    at: 1_767_272_400_000,
                    joined: 1_700_000_000_000,
                    ..Default::default()
                }),
            ),
            payload::line(
                2,
                "GUILD_MEMBER_ADD",
                payload::member_add(1, payload::user(9, "u", true), 1_767_272_400_000),
            ),
        ];
        for line in lines {
            let fast = parse_line(&line).unwrap().event;
            let env: Envelope = serde_json::from_str(&line).unwrap();
            let mut de = serde_json::Deserializer::from_str(env.d.get());
            let slow = Event::from(DispatchEventWithTypeDeserializer::new(env.t).deserialize(&mut de).unwrap());
            assert_eq!(fast, slow);
        }
        let no_guild = r#"{"ts":1,"t":"GUILD_MEMBER_ADD","d":{"user":{"id":"9","username":"u","discriminator":"0","avatar":null},"roles":[],"joined_at":"2026-01-01T00:00:00.000+00:00","deaf":false,"mute":false,"flags":0}}"#;
        assert!(parse_line(no_guild).unwrap_err().to_string().contains("guild_id"));
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(matches!(parse_line("not json"), Err(CaptureError::Envelope(_))));
        assert!(matches!(parse_line(r#"{"t":"X","d":{}}"#), Err(CaptureError::Envelope(e)) if e.contains("ts")));
        let e = parse_line(r#"{"ts":1,"t":"MESSAGE_CREATE","d":{"id":"x"}}"#).unwrap_err();
        assert!(e.to_string().starts_with("bad MESSAGE_CREATE payload"), "{e}");
        let e = parse_line(r#"{"ts":1,"t":"NO_SUCH_EVENT","d":{}}"#).unwrap_err();
        assert_eq!(e, CaptureError::Unsupported("NO_SUCH_EVENT".into()));
        // A known event whose payload has a bad enum value is a bad payload, not an unknown event.
        let e = parse_line(r#"{"ts":1,"t":"GUILD_ROLE_DELETE","d":{"guild_id":"1","role_id":"x"}}"#).unwrap_err();
        assert!(matches!(e, CaptureError::Payload { .. }), "{e}");
    }
}
