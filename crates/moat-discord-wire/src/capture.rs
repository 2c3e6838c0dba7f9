//! Captures: Discord's own gateway payloads, one JSON object a line,
//! `{"ts": <unix ms>, "t": "MESSAGE_CREATE", "d": {<payload exactly as Discord sends it>}}`.
//!
//! [`parse_line`] reads a line in one pass when `t` comes before `d` (as captures write
//! it): `d` is read straight into the lean payload for `t` ([`crate::payload`]), without
//! first being scanned to find its end. A line that fails that pass is read again the slow
//! way, which says exactly what is wrong with it; it never panics, and the caller decides
//! to skip and count it.

use std::borrow::Cow;
use std::fmt;

use moat_core::event::Event;
use moat_core::Millis;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::dispatch::{translate, Kind};
use crate::error::CaptureError;

/// One line of a capture, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    pub ts: Millis,
    /// The engine's event; `None` when the line holds nothing to judge (a system message,
    /// a link preview's update, an unavailable guild).
    pub event: Option<Event<'a>>,
}

/// Parses one capture line. Text in the event borrows from `line`.
pub fn parse_line(line: &str) -> Result<Line<'_>, CaptureError> {
    match one_pass(line) {
        Some(Ok(l)) => Ok(l),
        Some(Err(e)) => Err(e),
        None => two_pass(line),
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    ts: Millis,
    #[serde(borrow)]
    t: Cow<'a, str>,
    #[serde(borrow)]
    d: &'a RawValue,
}

/// The slow, exact path: the envelope with `d` as raw text, then `d` for its `t`.
fn two_pass(line: &str) -> Result<Line<'_>, CaptureError> {
    let env: Envelope = serde_json::from_str(line).map_err(|e| CaptureError::Envelope(e.to_string()))?;
    Ok(Line { ts: env.ts, event: translate(&env.t, env.d.get())? })
}

/// What the one pass made of `d`.
// Short-lived, on the hot path of every line: boxing the event would cost an allocation a line.
#[allow(clippy::large_enum_variant)]
enum Payload<'de> {
    Read(Option<Event<'de>>),
    /// `t` (read before `d`) is not an event moat uses.
    Unsupported,
    /// `d` came before `t`: kept as text for [`translate`].
    Raw(&'de RawValue),
}

struct KindSeed(Kind);

impl<'de> DeserializeSeed<'de> for KindSeed {
    type Value = Option<Event<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.decode(d)
    }
}

#[derive(Default)]
struct Parts<'de> {
    ts: Option<Millis>,
    t: Option<&'de str>,
    d: Option<Payload<'de>>,
}

struct OnePass;

impl<'de> Visitor<'de> for OnePass {
    type Value = Parts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a capture line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts<'de>, A::Error> {
        let mut p = Parts::default();
        let twice = || serde::de::Error::custom("a key given twice");
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "ts" if p.ts.is_none() => p.ts = Some(map.next_value()?),
                "t" if p.t.is_none() => p.t = Some(map.next_value()?),
                "d" if p.d.is_none() => {
                    p.d = Some(match p.t.map(Kind::of) {
                        Some(Some(kind)) => Payload::Read(map.next_value_seed(KindSeed(kind))?),
                        Some(None) => {
                            map.next_value::<IgnoredAny>()?;
                            Payload::Unsupported
                        }
                        None => Payload::Raw(map.next_value()?),
                    })
                }
                "ts" | "t" | "d" => return Err(twice()),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(p)
    }
}

/// The one-pass reading: `None` when it does not apply or fails (the slow path then says
/// why), else the line or the reason it is refused.
fn one_pass(line: &str) -> Option<Result<Line<'_>, CaptureError>> {
    let mut de = serde_json::Deserializer::from_str(line);
    let parts = (&mut de).deserialize_map(OnePass).ok()?;
    de.end().ok()?;
    let (Some(ts), Some(t), Some(d)) = (parts.ts, parts.t, parts.d) else { return None };
    Some(match d {
        Payload::Read(event) => Ok(Line { ts, event }),
        Payload::Unsupported => Err(CaptureError::Unsupported(t.to_string())),
        Payload::Raw(raw) => translate(t, raw.get()).map(|event| Line { ts, event }),
    })
}

#[cfg(test)]
mod tests {
    use moat_core::event::Message;
    use moat_core::id::{ChannelId, GuildId, MessageId, UserId};

    use super::*;

    const MSG: &str = r#"{"id":"3","channel_id":"2","guild_id":"1","author":{"id":"9","username":"u","discriminator":"0","avatar":null},"content":"hi \"there\"","timestamp":"2026-01-01T13:00:00.000+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0,"flags":0}"#;

    #[test]
    fn parses_a_message_in_either_key_order() {
        let line = format!(r#"{{"ts":5,"t":"MESSAGE_CREATE","d":{MSG}}}"#);
        let l = parse_line(&line).expect("valid");
        assert_eq!(l.ts, 5);
        let Some(Event::Message(m)) = &l.event else { panic!("a message: {l:?}") };
        let want = Message {
            guild: GuildId(1),
            id: MessageId(3),
            channel: ChannelId(2),
            author: UserId(9),
            account_created: crate::snowflake::created_at(9),
            author_name: "u".into(),
            content: "hi \"there\"".into(),
            ..Default::default()
        };
        assert_eq!(m, &want);
        let reordered = format!(r#"{{"d":{MSG},"ts":5,"t":"MESSAGE_CREATE"}}"#);
        assert_eq!(parse_line(&reordered).unwrap(), l, "d before t takes the two-step path, to the same end");
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(matches!(parse_line("not json"), Err(CaptureError::Envelope(_))));
        assert!(matches!(parse_line(r#"{"t":"X","d":{}}"#), Err(CaptureError::Envelope(e)) if e.contains("ts")));
        let e = parse_line(r#"{"ts":1,"t":"MESSAGE_CREATE","d":{"id":"x"}}"#).unwrap_err();
        assert!(e.to_string().starts_with("bad MESSAGE_CREATE payload"), "{e}");
        let e = parse_line(r#"{"ts":1,"t":"NO_SUCH_EVENT","d":{}}"#).unwrap_err();
        assert_eq!(e, CaptureError::Unsupported("NO_SUCH_EVENT".into()));
        let e = parse_line(r#"{"ts":1,"t":"TYPING_START","d":{"x":1}}"#).unwrap_err();
        assert_eq!(e, CaptureError::Unsupported("TYPING_START".into()), "known to Discord, unused by moat");
        // A known event whose payload has a bad value is a bad payload, not an unknown event.
        let e = parse_line(r#"{"ts":1,"t":"GUILD_ROLE_DELETE","d":{"guild_id":"1","role_id":"x"}}"#).unwrap_err();
        assert!(matches!(e, CaptureError::Payload { .. }), "{e}");
        let no_guild = r#"{"ts":1,"t":"GUILD_MEMBER_ADD","d":{"user":{"id":"9","username":"u","discriminator":"0","avatar":null},"roles":[],"joined_at":"2026-01-01T00:00:00.000+00:00","deaf":false,"mute":false,"flags":0}}"#;
        assert!(parse_line(no_guild).unwrap_err().to_string().contains("guild_id"));
        let twice = r#"{"ts":1,"ts":2,"t":"GUILD_DELETE","d":{"id":"1"}}"#;
        assert!(matches!(parse_line(twice), Err(CaptureError::Envelope(e)) if e.contains("duplicate")));
        let trailing = r#"{"ts":1,"t":"GUILD_DELETE","d":{"id":"1"}} x"#;
        assert!(matches!(parse_line(trailing), Err(CaptureError::Envelope(_))));
    }

    #[test]
    fn what_is_not_judged_is_read_but_yields_no_event() {
        let system = format!(r#"{{"ts":5,"t":"MESSAGE_CREATE","d":{}}}"#, MSG.replace(r#""type":0"#, r#""type":7"#));
        assert_eq!(parse_line(&system).unwrap().event, None, "a join message is not speech");
        let preview = format!(r#"{{"ts":5,"t":"MESSAGE_UPDATE","d":{MSG}}}"#);
        assert_eq!(parse_line(&preview).unwrap().event, None, "an update without edited_timestamp is a preview");
        let outage = r#"{"ts":1,"t":"GUILD_DELETE","d":{"id":"1","unavailable":true}}"#;
        assert_eq!(parse_line(outage).unwrap().event, None);
    }
}
