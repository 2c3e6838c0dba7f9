//! What the engine decides: [`Action`]s, each with the detector that fired, a reason a
//! moderator can read, and the evidence behind it.
//!
//! Actions are plain data. The engine never performs them; an adapter does (the Discord bot
//! turns them into REST calls, `moat replay` prints them as JSON lines, the store records
//! them). Keeping them free of I/O is what lets live, replay, demo and tests share one
//! decision path.

use std::fmt;

/// Unix time in milliseconds. All engine time is event time, never the wall clock.
pub type Millis = u64;

/// The kind of an action, named as in `moat replay` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    /// Remove one message (`message_id`, `channel_id`).
    DeleteMessage,
    /// Time the member(s) out for `duration_ms` (Discord's `communication_disabled_until`).
    Timeout,
    /// Give the member(s) the configured silence role for `duration_ms`.
    Silence,
    Kick,
    Ban,
    /// Tell the guild's moderators about an incident; punishes nobody.
    Alert,
    /// Point a moderator at a user who looks wrong but did nothing punishable (scrapers,
    /// suspicious links).
    Flag,
    /// Lock the guild down against a raid (raise verification, pause invites and DMs).
    Lockdown,
    /// End a lockdown and restore what was there before.
    Unlock,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::DeleteMessage => "delete_message",
            ActionKind::Timeout => "timeout",
            ActionKind::Silence => "silence",
            ActionKind::Kick => "kick",
            ActionKind::Ban => "ban",
            ActionKind::Alert => "alert",
            ActionKind::Flag => "flag",
            ActionKind::Lockdown => "lockdown",
            ActionKind::Unlock => "unlock",
        }
    }

    /// Whether this kind punishes the users it names.
    pub fn is_punitive(self) -> bool {
        matches!(self, ActionKind::Timeout | ActionKind::Silence | ActionKind::Kick | ActionKind::Ban)
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The detector that decided an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Detector {
    Pressure,
    Mentions,
    Raid,
    Campaign,
    Scam,
    Scraper,
    /// Discord's own AutoMod blocked or flagged something; moat counts it as a strike.
    AutoMod,
    /// Follow-up of an earlier decision, e.g. deleting what a contained user still posts.
    Containment,
}

impl Detector {
    pub fn as_str(self) -> &'static str {
        match self {
            Detector::Pressure => "pressure",
            Detector::Mentions => "mentions",
            Detector::Raid => "raid",
            Detector::Campaign => "campaign",
            Detector::Scam => "scam",
            Detector::Scraper => "scraper",
            Detector::AutoMod => "automod",
            Detector::Containment => "containment",
        }
    }
}

impl fmt::Display for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message kept as evidence: enough for a moderator or an abuse team to see what was
/// said, where and by whom, without keeping chat logs. Content is cut to
/// [`EVIDENCE_CONTENT_MAX`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceMessage {
    pub message_id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub ts: Millis,
    pub content: String,
    pub attachment_urls: Vec<String>,
}

/// How much of a message's text evidence keeps.
pub const EVIDENCE_CONTENT_MAX: usize = 2000;

/// What an action is based on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evidence {
    /// The messages that triggered the action (at most a few).
    pub messages: Vec<EvidenceMessage>,
    /// Facts in `key: value` form, e.g. `("pressure", "63.2")`, `("account_age", "2 days")`.
    pub facts: Vec<(String, String)>,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.facts.is_empty()
    }

    pub fn fact(mut self, key: &str, value: impl ToString) -> Self {
        self.facts.push((key.to_string(), value.to_string()));
        self
    }
}

/// One decision of the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Event time at which the decision was made.
    pub ts: Millis,
    pub guild_id: u64,
    pub kind: ActionKind,
    /// The users acted on: one for most actions, many for a raid.
    pub user_ids: Vec<u64>,
    pub message_id: Option<u64>,
    pub channel_id: Option<u64>,
    /// For timeouts and silences: how long.
    pub duration_ms: Option<u64>,
    pub detector: Detector,
    /// Why, in words a moderator can read.
    pub reason: String,
    pub evidence: Evidence,
    /// Groups the actions of one episode (a raid, one flood, one scam post) under one id.
    /// Derived from the guild, the detector, the episode's start and its first user, so a
    /// replay gives the same ids every time and a restarted bot does not reuse them.
    pub incident: u64,
}

/// The incident id of an episode (53 bits, so it survives JSON numbers).
pub fn incident_id(guild_id: u64, detector: Detector, started: Millis, user_id: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [guild_id, detector as u64, started, user_id] {
        for b in part.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (h >> 11).max(1)
}

impl Action {
    pub fn new(ts: Millis, guild_id: u64, kind: ActionKind, detector: Detector, reason: String) -> Self {
        Self {
            ts,
            guild_id,
            kind,
            user_ids: Vec::new(),
            message_id: None,
            channel_id: None,
            duration_ms: None,
            detector,
            reason,
            evidence: Evidence::default(),
            incident: 0,
        }
    }

    pub fn incident(mut self, incident: u64) -> Self {
        self.incident = incident;
        self
    }

    pub fn user(mut self, user_id: u64) -> Self {
        self.user_ids.push(user_id);
        self
    }

    pub fn users(mut self, user_ids: impl IntoIterator<Item = u64>) -> Self {
        self.user_ids.extend(user_ids);
        self
    }

    pub fn message(mut self, channel_id: u64, message_id: u64) -> Self {
        self.channel_id = Some(channel_id);
        self.message_id = Some(message_id);
        self
    }

    pub fn duration(mut self, duration_ms: u64) -> Self {
        self.duration_ms = Some(duration_ms);
        self
    }

    pub fn evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = evidence;
        self
    }
}

/// Formats a duration in milliseconds the way a moderator would say it: `45 s`, `10 min`,
/// `2 h`, `3 days`.
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    if s < 120 {
        format!("{s} s")
    } else if s < 2 * 3600 {
        format!("{} min", s / 60)
    } else if s < 2 * 86_400 {
        format!("{} h", s / 3600)
    } else {
        format!("{} days", s / 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punitive_kinds() {
        let punitive: Vec<_> = [
            ActionKind::DeleteMessage,
            ActionKind::Timeout,
            ActionKind::Silence,
            ActionKind::Kick,
            ActionKind::Ban,
            ActionKind::Alert,
            ActionKind::Flag,
            ActionKind::Lockdown,
            ActionKind::Unlock,
        ]
        .into_iter()
        .filter(|k| k.is_punitive())
        .map(ActionKind::as_str)
        .collect();
        assert_eq!(punitive, ["timeout", "silence", "kick", "ban"]);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(45_000), "45 s");
        assert_eq!(human_duration(600_000), "10 min");
        assert_eq!(human_duration(3 * 3_600_000), "3 h");
        assert_eq!(human_duration(7 * 86_400_000), "7 days");
    }
}

/// The JSON form of actions, as `moat replay` prints them, one object a line.
pub mod json {
    use serde_json::{json, Map, Value};

    use super::{Action, Evidence};

    fn evidence(e: &Evidence) -> Value {
        let messages: Vec<Value> = e
            .messages
            .iter()
            .map(|m| {
                json!({
                    "message_id": m.message_id.to_string(),
                    "channel_id": m.channel_id.to_string(),
                    "author_id": m.author_id.to_string(),
                    "ts": m.ts,
                    "content": m.content,
                    "attachment_urls": m.attachment_urls,
                })
            })
            .collect();
        let facts: Map<String, Value> = e.facts.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        json!({ "messages": messages, "facts": facts })
    }

    /// `{"ts", "guild_id", "action", "user_id" | "user_ids", "message_id"?, "channel_id"?,
    /// "duration_ms"?, "detector", "reason", "evidence"?}`; ids are strings, as Discord
    /// writes them.
    pub fn to_value(a: &Action) -> Value {
        let mut o = Map::new();
        o.insert("ts".into(), a.ts.into());
        o.insert("guild_id".into(), a.guild_id.to_string().into());
        o.insert("action".into(), a.kind.as_str().into());
        match a.user_ids.as_slice() {
            [] => {}
            [one] => {
                o.insert("user_id".into(), one.to_string().into());
            }
            many => {
                o.insert("user_ids".into(), many.iter().map(|u| Value::String(u.to_string())).collect());
            }
        }
        if let Some(m) = a.message_id {
            o.insert("message_id".into(), m.to_string().into());
        }
        if let Some(c) = a.channel_id {
            o.insert("channel_id".into(), c.to_string().into());
        }
        if let Some(d) = a.duration_ms {
            o.insert("duration_ms".into(), d.into());
        }
        o.insert("detector".into(), a.detector.as_str().into());
        o.insert("reason".into(), a.reason.clone().into());
        if a.incident != 0 {
            o.insert("incident".into(), a.incident.into());
        }
        if !a.evidence.is_empty() {
            o.insert("evidence".into(), evidence(&a.evidence));
        }
        Value::Object(o)
    }

    #[cfg(test)]
    mod tests {
        use super::super::*;

        #[test]
        fn one_user_or_many() {
            let one = Action::new(5, 1, ActionKind::Timeout, Detector::Pressure, "r".into()).user(7).duration(600_000);
            assert_eq!(
                super::to_value(&one).to_string(),
                r#"{"ts":5,"guild_id":"1","action":"timeout","user_id":"7","duration_ms":600000,"detector":"pressure","reason":"r"}"#
            );
            let many = Action::new(5, 1, ActionKind::Ban, Detector::Raid, "r".into()).users([7, 8]);
            let v = super::to_value(&many);
            assert_eq!(v["user_ids"], serde_json::json!(["7", "8"]));
            assert!(v.get("user_id").is_none());
        }
    }
}
